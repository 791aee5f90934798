#!/usr/bin/env python3
"""gen_flags.py OUTDIR IN.def... - generate renacer's flag and enum tables.

Each IN.def (decode/flags/) becomes OUTDIR/flags_<base>.c defining
`const struct rn_flag_table rn_flags_NAME` for every table in it (see
decode/decode.h); OUTDIR/flags_tables.h declares them all.  The
values are the C headers' own: the generated C includes the headers the
.def names and uses their macros, each item guarded by #ifdef.

Format (one directive a line, '#' starts a comment):

  include <HEADER>          #include it in this file's C
  define NAME EXPR          #define NAME EXPR unless a header already does
                            (for constants older headers lack; the value
                            must come from the kernel's uapi headers)
  table NAME KIND [OPTION...]
                            start table rn_flags_NAME; KIND is flags or enum
      zero=TEXT             FLAGS: the name shown for 0 (PROT_NONE)
      unknown=TEXT          strace's comment after a value with no name
                            at all (MAP_???): shown as 0x4 /* MAP_??? */
      hex                   ENUM: an unknown value in hex (no comment)
      bits=64               the argument is 64 bits wide (else 32)
      like=TABLE            the items of TABLE (earlier in the same file);
                            its other settings are not copied
  field MASK enum TABLE [last] [merge]
  field MASK signal [last]
  field MASK octal [last]   FLAGS: the bits MASK hold one value named by
                            the enum TABLE (or a signal number, or octal
                            permissions), shown before the flags (after
                            them with `last`);
                            with `merge` a value TABLE does not name is
                            shown with the unnamed bits, not apart
  shift N MASK NAME         FLAGS: (value >> N) & MASK shown last as
                            COUNT<<NAME when not 0
  ITEM                      a name and the value of the macro ITEM
  ITEM = EXPR               a name and the value of the C expression EXPR;
                            this name may be any text strace prints
                            ("A|B", "A or B")

Items are listed in the order strace prints them; in a FLAGS table a
multi-bit mask must come before the bits it covers.  Any malformed line is
an error: FILE:LINE: message, non-zero exit, nothing written.
"""

import os
import re
import sys

IDENT = re.compile(r'[A-Za-z_][A-Za-z0-9_]*\Z')
NAME_TEXT = re.compile(r'[A-Za-z_][A-Za-z0-9_|<> ]*\Z')


class DefError(Exception):
    pass


class Table:
    def __init__(self, name, kind, where):
        self.name = name
        self.kind = kind
        self.where = where
        self.zero = None
        self.unknown = None
        self.hex = False
        self.bits = 32
        self.field = None       # (mask, kind, table or None, last)
        self.shift = None       # (n, mask, name)
        self.items = []         # (name, expr or None)
        self.like = None        # another table of this file whose items these are


def c_str(s):
    if s is None:
        return 'NULL'
    return '"%s"' % s.replace('\\', '\\\\').replace('"', '\\"')


def parse_table_line(words, where):
    if len(words) < 3:
        raise DefError("table NAME flags|enum [OPTION...]")
    name, kind = words[1], words[2]
    if not IDENT.match(name):
        raise DefError("bad table name %r" % name)
    if kind not in ('flags', 'enum'):
        raise DefError("table kind %r is neither flags nor enum" % kind)
    t = Table(name, kind, where)
    for opt in words[3:]:
        if opt.startswith('zero=') and kind == 'flags':
            t.zero = opt[5:]
        elif opt.startswith('unknown='):
            t.unknown = opt[8:]
        elif opt == 'hex' and kind == 'enum':
            t.hex = True
        elif opt.startswith('like=') and IDENT.match(opt[5:]):
            t.like = opt[5:]
        elif opt in ('bits=32', 'bits=64'):
            t.bits = int(opt[5:])
        else:
            raise DefError("bad option %r for a %s table" % (opt, kind))
    return t


def parse(path):
    includes, defines, tables = [], [], []
    cur = None
    with open(path, encoding='utf-8') as f:
        for lineno, line in enumerate(f, 1):
            where = "%s:%d" % (path, lineno)
            text = line.split('#', 1)[0].strip()
            if text.startswith('include'):
                m = re.match(r'include\s+(<[A-Za-z0-9_./-]+>)\Z', text)
                if not m:
                    raise DefError("%s: include <HEADER>" % where)
                includes.append(m.group(1))
                continue
            if not text:
                continue
            words = text.split()
            try:
                if words[0] == 'define':
                    if len(words) < 3 or not IDENT.match(words[1]):
                        raise DefError("define NAME EXPR")
                    defines.append((words[1], ' '.join(words[2:])))
                elif words[0] == 'table':
                    cur = parse_table_line(words, where)
                    tables.append(cur)
                elif cur is None:
                    raise DefError("%r before the first table" % words[0])
                elif words[0] == 'field':
                    if cur.kind != 'flags':
                        raise DefError("field in an enum table")
                    if len(words) < 3:
                        raise DefError("field MASK enum TABLE [last] | field MASK signal [last]")
                    mask, fk = words[1], words[2]
                    rest = words[3:]
                    sub = None
                    if fk == 'enum':
                        if not rest or not IDENT.match(rest[0]):
                            raise DefError("field MASK enum TABLE")
                        sub, rest = rest[0], rest[1:]
                    elif fk not in ('signal', 'octal'):
                        raise DefError("field kind %r is not enum, signal or octal" % fk)
                    last = 'last' in rest
                    merge = 'merge' in rest
                    if len(rest) != last + merge or (merge and fk != 'enum'):
                        raise DefError("unexpected %r after field" % ' '.join(rest))
                    cur.field = (mask, fk, sub, last, merge)
                elif words[0] == 'shift':
                    if cur.kind != 'flags' or len(words) != 4 or not IDENT.match(words[3]):
                        raise DefError("shift N MASK NAME (flags tables only)")
                    cur.shift = (words[1], words[2], words[3])
                else:
                    if ' = ' in text:
                        name, expr = (x.strip() for x in text.split(' = ', 1))
                    elif len(words) == 1:
                        name, expr = words[0], None
                        if not IDENT.match(name):
                            raise DefError("item %r is not a macro name" % name)
                    else:
                        raise DefError("ITEM or ITEM = EXPR, got %r" % text)
                    if not NAME_TEXT.match(name):
                        raise DefError("bad item name %r" % name)
                    if cur.like:
                        raise DefError("table %s takes its items from %s" % (cur.name, cur.like))
                    if any(n == name for n, _ in cur.items):
                        raise DefError("item %r twice in table %s" % (name, cur.name))
                    cur.items.append((name, expr))
            except DefError as e:
                raise DefError("%s: %s" % (where, e))
    return includes, defines, tables


def render(path, includes, defines, tables, known):
    out = []
    w = out.append
    w("/* Generated by decode/gen_flags.py from %s. Do not edit. */" % os.path.basename(path))
    w("#define _GNU_SOURCE")
    for inc in includes:
        w("#include %s" % inc)
    w("")
    w("#include <stdint.h>")
    w("")
    w("#include \"decode/decode.h\"")
    w("#include \"flags_tables.h\"")
    w("")
    for name, expr in defines:
        w("#ifndef %s" % name)
        w("#define %s %s" % (name, expr))
        w("#endif")
    if defines:
        w("")
    mine = {}
    for t in tables:
        if t.field and t.field[2] and t.field[2] not in known:
            raise DefError("%s: field table %r is not defined" % (t.where, t.field[2]))
        if t.like:
            if t.like not in mine:
                raise DefError("%s: like=%s: no such table earlier in this file"
                               % (t.where, t.like))
            if mine[t.like].kind != t.kind or mine[t.like].like:
                raise DefError("%s: like=%s: not a %s table with items of its own"
                               % (t.where, t.like, t.kind))
        mine[t.name] = t
        items = t.like or t.name
        cast = '(uint64_t)(int64_t)' if t.kind == 'enum' else '(uint64_t)'
        if not t.like:
            w("static const struct rn_flag rn_items_%s[] = {" % t.name)
            for name, expr in t.items:
                if expr is None:
                    w("#ifdef %s" % name)
                    w("\t{ %s(%s), \"%s\" }," % (cast, name, name))
                    w("#endif")
                else:
                    w("\t{ %s(%s), %s }," % (cast, expr, c_str(name)))
            w("\t{ 0, NULL } /* end */")
            w("};")
            w("")
        w("const struct rn_flag_table rn_flags_%s = {" % t.name)
        w("\t.kind = %s," % ('RN_FT_FLAGS' if t.kind == 'flags' else 'RN_FT_ENUM'))
        w("\t.items = rn_items_%s," % items)
        w("\t.n = sizeof(rn_items_%s) / sizeof(rn_items_%s[0]) - 1," % (items, items))
        if t.hex:
            w("\t.unknown_as_hex = 1,")
        if t.zero:
            w("\t.zero = %s," % c_str(t.zero))
        if t.unknown:
            w("\t.unknown = %s," % c_str(t.unknown))
        w("\t.width = %d," % t.bits)
        if t.field:
            mask, fk, sub, last, merge = t.field
            w("\t.field_mask = (uint64_t)(%s)," % mask)
            w("\t.field_kind = %s," % {'enum': 'RN_FF_ENUM', 'signal': 'RN_FF_SIGNAL',
                                       'octal': 'RN_FF_OCTAL'}[fk])
            if sub:
                w("\t.field = &rn_flags_%s," % sub)
            if last:
                w("\t.field_last = 1,")
            if merge:
                w("\t.field_merge = 1,")
        if t.shift:
            n, mask, name = t.shift
            w("\t.shift = (uint8_t)(%s)," % n)
            w("\t.shift_mask = (uint64_t)(%s)," % mask)
            w("\t.shift_name = %s," % c_str(name))
        w("};")
        w("")
    return "\n".join(out)


def write(dst, text):
    tmp = dst + ".tmp"
    with open(tmp, 'w', encoding='utf-8') as f:
        f.write(text)
    os.replace(tmp, dst)


def main(argv):
    if len(argv) < 3:
        sys.stderr.write("usage: gen_flags.py OUTDIR IN.def...\n")
        return 2
    outdir, srcs = argv[1], argv[2:]
    try:
        parsed = []
        where = {}
        for src in srcs:
            inc, defs, tables = parse(src)
            for t in tables:
                if t.name in where:
                    raise DefError("%s: table %s already defined at %s"
                                   % (t.where, t.name, where[t.name]))
                where[t.name] = t.where
            parsed.append((src, inc, defs, tables))
        texts = []
        for src, inc, defs, tables in parsed:
            base = os.path.splitext(os.path.basename(src))[0]
            texts.append((os.path.join(outdir, "flags_%s.c" % base),
                          render(src, inc, defs, tables, where)))
    except DefError as e:
        sys.stderr.write("gen_flags.py: %s\n" % e)
        return 1
    except (OSError, UnicodeDecodeError) as e:
        sys.stderr.write("gen_flags.py: %s\n" % e)
        return 1
    hdr = ["/* Generated by decode/gen_flags.py. Do not edit. */",
           "#ifndef RENACER_FLAGS_TABLES_H",
           "#define RENACER_FLAGS_TABLES_H",
           "",
           "#include \"decode/decode.h\"",
           ""]
    for name in sorted(where):
        hdr.append("extern const struct rn_flag_table rn_flags_%s;" % name)
    hdr += ["", "#endif", ""]
    try:
        os.makedirs(outdir, exist_ok=True)
        for dst, text in texts:
            write(dst, text + "\n")
        write(os.path.join(outdir, "flags_tables.h"), "\n".join(hdr))
    except OSError as e:
        sys.stderr.write("gen_flags.py: %s\n" % e)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
