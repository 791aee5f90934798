#!/usr/bin/env python3
"""gen_syscalls.py IN.tbl OUT.c [DECODE_SOURCE...] - generate renacer's
syscall table.

Reads the hand-written table (format documented at the top of
syscalls/syscalls_x86_64.tbl) and writes C that implements the contract of
syscalls/syscalls.h: rn_syscall_count, rn_syscall_get() and
rn_syscall_by_name().  Any malformed line is an error: the script prints
FILE:LINE: message and exits non-zero without writing OUT.c.

The table names flag tables and struct decoders that decode/ defines; the
generated C refers to them weakly (a layer may not include a higher one),
so a name nobody defines would link as NULL and its argument would be
shown raw without a word.  Given decode/'s sources (*.c, *.h and
flags/*.def), the script looks for every name the table uses and fails,
listing them, on each one that is not defined and not marked with a `raw`
line of the table (shown raw on purpose).  A call with a whole-call decoder
(rn_sys_NAME) decodes its arguments itself and is not checked.  A `raw`
line that marks something defined, or nothing, is an error too, so the
list of what is shown raw stays true.
"""

import os
import re
import sys

MAX_ARGS = 6

CLASSES = {
    'file': 'RN_C_FILE',
    'desc': 'RN_C_DESC',
    'process': 'RN_C_PROCESS',
    'network': 'RN_C_NETWORK',
    'signal': 'RN_C_SIGNAL',
    'ipc': 'RN_C_IPC',
    'memory': 'RN_C_MEMORY',
    'creds': 'RN_C_CREDS',
    'clock': 'RN_C_CLOCK',
    'stat': 'RN_C_STAT',
    'lstat': 'RN_C_LSTAT',
    'fstat': 'RN_C_FSTAT',
    'stat_like': 'RN_C_STAT_LIKE',
    'statfs': 'RN_C_STATFS',
    'fstatfs': 'RN_C_FSTATFS',
    'statfs_like': 'RN_C_STATFS_LIKE',
    'pure': 'RN_C_PURE',
}

# Plain argument types: tbl spelling -> C enumerator.
SIMPLE_TYPES = {
    'hex': 'RN_T_HEX',
    'int': 'RN_T_INT',
    'long': 'RN_T_LONG',
    'uint': 'RN_T_UINT',
    'ulong': 'RN_T_ULONG',
    'ptr': 'RN_T_PTR',
    'fd': 'RN_T_FD',
    'dirfd': 'RN_T_DIRFD',
    'pid': 'RN_T_PID',
    'uid': 'RN_T_UID',
    'octal': 'RN_T_OCTAL',
    'signal': 'RN_T_SIGNAL',
    'path': 'RN_T_PATH',
    'str': 'RN_T_STR',
    'obuf': 'RN_T_OBUF',
    'argv': 'RN_T_ARGV',
    'envp': 'RN_T_ENVP',
}

# Parameterised types: tbl spelling -> C enumerator.
PARAM_TYPES = {
    'ibuf': 'RN_T_IBUF',
    'flags': 'RN_T_FLAGS',
    'enum': 'RN_T_ENUM',
    'struct_in': 'RN_T_STRUCT_IN',
    'struct_out': 'RN_T_STRUCT_OUT',
    'struct_io': 'RN_T_STRUCT_IO',
    'struct_inret': 'RN_T_STRUCT_INRET',
}

RET_TYPES = {
    'int': 'RN_T_INT',
    'long': 'RN_T_LONG',
    'uint': 'RN_T_UINT',
    'ulong': 'RN_T_ULONG',
    'fd': 'RN_T_FD',
    'pid': 'RN_T_PID',
    'ptr': 'RN_T_PTR',
    'hex': 'RN_T_HEX',
    'octal': 'RN_T_OCTAL',
    'signal': 'RN_T_SIGNAL',
    'none': 'RN_T_NONE',
}

# Which tbl types need tracee memory, and when.
ENTRY_TYPES = {'path', 'str', 'ibuf', 'argv', 'envp', 'struct_in', 'struct_io', 'struct_inret'}
EXIT_TYPES = {'obuf', 'struct_out', 'struct_io', 'struct_inret'}
STRUCT_TYPES = ('struct_in', 'struct_out', 'struct_io', 'struct_inret')

IDENT = re.compile(r'[A-Za-z_][A-Za-z0-9_]*\Z')
PARAM = re.compile(r'([a-z_]+)\(([A-Za-z_][A-Za-z0-9_]*)\)\Z')


class TblError(Exception):
    pass


class Syscall:
    def __init__(self, nr, name, classes, ret, args):
        self.nr = nr
        self.name = name
        self.classes = classes      # list of tbl class names
        self.ret = ret              # tbl RET spelling
        self.args = args            # list of (name, kind, param)
        self.lineno = 0


def parse_raw(fields):
    """'raw NAME ARG REASON...' -> (NAME, ARG)."""
    if len(fields) < 4:
        raise TblError("expected raw NAME ARG REASON...")
    if not IDENT.match(fields[1]) or not IDENT.match(fields[2]):
        raise TblError("bad raw line: %r %r" % (fields[1], fields[2]))
    return fields[1], fields[2]


def parse_arg(text):
    """'fd:fd' -> ('fd', 'fd', None); 'buf:ibuf(count)' -> (.., 'ibuf', 'count')."""
    if text.count(':') != 1:
        raise TblError("argument %r is not name:type" % text)
    name, typ = text.split(':')
    if not IDENT.match(name):
        raise TblError("bad argument name %r" % name)
    if typ in SIMPLE_TYPES:
        return name, typ, None
    m = PARAM.match(typ)
    if m and m.group(1) in PARAM_TYPES:
        return name, m.group(1), m.group(2)
    if typ in PARAM_TYPES:
        raise TblError("type %r of argument %r needs (NAME)" % (typ, name))
    raise TblError("unknown type %r of argument %r" % (typ, name))


def parse_line(fields):
    if len(fields) < 4:
        raise TblError("expected NR NAME CLASSES RET ARG..., got %d fields"
                       % len(fields))
    nr_s, name, classes_s, ret = fields[:4]
    if not re.match(r'(0|[1-9][0-9]*)\Z', nr_s):
        raise TblError("bad syscall number %r" % nr_s)
    nr = int(nr_s)
    if nr > 4095:
        raise TblError("syscall number %d is implausibly large" % nr)
    if not IDENT.match(name):
        raise TblError("bad syscall name %r" % name)
    classes = []
    if classes_s != '-':
        for c in classes_s.split(','):
            if c not in CLASSES:
                raise TblError("unknown class %r" % c)
            if c in classes:
                raise TblError("class %r given twice" % c)
            classes.append(c)
    if ret not in RET_TYPES:
        raise TblError("unknown return type %r" % ret)
    args = [parse_arg(a) for a in fields[4:]]
    if len(args) > MAX_ARGS:
        raise TblError("%d arguments, at most %d" % (len(args), MAX_ARGS))
    names = [a[0] for a in args]
    for a in names:
        if names.count(a) > 1:
            raise TblError("argument name %r used twice" % a)
    for aname, kind, param in args:
        if kind == 'ibuf':
            if param not in names:
                raise TblError("ibuf(%s) of %r: no argument named %r"
                               % (param, aname, param))
            if param == aname:
                raise TblError("ibuf argument %r is its own length" % aname)
    return Syscall(nr, name, classes, ret, args)


def parse(path, raw=None):
    """The table by number; `raw` (a dict) receives the raw marks:
    (NAME, ARG) -> line number."""
    by_nr = {}
    by_name = {}
    errors = []
    with open(path, encoding='utf-8') as f:
        for lineno, line in enumerate(f, 1):
            text = line.split('#', 1)[0].strip()
            if not text:
                continue
            try:
                fields = text.split()
                if fields[0] == 'raw':
                    key = parse_raw(fields)
                    if raw is not None:
                        if key in raw:
                            raise TblError("%s %s marked raw twice" % key)
                        raw[key] = lineno
                    continue
                sc = parse_line(fields)
                if sc.nr in by_nr:
                    raise TblError("duplicate number %d (first %s on line %d)"
                                   % (sc.nr, by_nr[sc.nr][0].name,
                                      by_nr[sc.nr][1]))
                if sc.name in by_name:
                    raise TblError("duplicate name %r (first on line %d)"
                                   % (sc.name, by_name[sc.name]))
            except TblError as e:
                errors.append("%s:%d: %s" % (path, lineno, e))
                continue
            sc.lineno = lineno
            by_nr[sc.nr] = (sc, lineno)
            by_name[sc.name] = lineno
    if errors:
        raise TblError("\n".join(errors))
    if not by_nr:
        raise TblError("%s: no syscalls" % path)
    return {nr: v[0] for nr, v in by_nr.items()}


# How decode/ defines what the table names: a function definition, or a
# macro whose body pastes its first parameter into the name, invoked with
# the name as its first argument (DEC_ONE(uid, ...), RN_DEC_STRUCT(stat)).
FUNC_DEF = re.compile(r'^\s*(?:const\s+)?(?:void|unsigned)\s+rn_(dec|sys)_([A-Za-z_]\w*)\s*\(',
                      re.M)
MACRO_DEF = re.compile(r'^\s*#\s*define\s+(\w+)\s*\(\s*(\w+)[^)]*\)((?:[^\n]*\\\n)*[^\n]*)',
                       re.M)
TABLE_DEF = re.compile(r'^\s*table\s+(\w+)\s', re.M)


def defined_names(paths):
    """The struct decoders, whole-call decoders and flag tables decode/
    defines: three sets of names."""
    texts, defs = [], []
    for p in paths:
        with open(p, encoding='utf-8') as f:
            (defs if p.endswith('.def') else texts).append(f.read())
    found = {'dec': set(), 'sys': set()}
    for t in texts:
        for m in FUNC_DEF.finditer(t):
            found[m.group(1)].add(m.group(2))
        for m in MACRO_DEF.finditer(t):
            macro, param, body = m.groups()
            k = re.search(r'rn_(dec|sys)_\s*##\s*%s\b' % re.escape(param), body)
            if not k:
                continue
            for t2 in texts:
                for use in re.finditer(r'^\s*%s\s*\(\s*([A-Za-z_]\w*)' % re.escape(macro),
                                       t2, re.M):
                    found[k.group(1)].add(use.group(1))
    tables = set()
    for d in defs:
        tables.update(TABLE_DEF.findall(d))
    return found['dec'], found['sys'], tables


def check_defined(table, raw, src, paths):
    """Error lines for every name the table uses that decode/ does not
    define, unless marked raw, and for every raw mark that is not needed."""
    decs, whole, tables = defined_names(paths)
    errors = []
    used = set()
    for nr in sorted(table):
        sc = table[nr]
        if sc.name in whole:
            continue
        for aname, kind, param in sc.args:
            if kind in ('flags', 'enum'):
                ok, what = param in tables, "flag table %r (decode/flags/*.def)" % param
            elif kind in STRUCT_TYPES:
                ok, what = param in decs, "struct decoder rn_dec_%s" % param
            else:
                continue
            key = (sc.name, aname)
            if ok:
                continue
            if key in raw:
                used.add(key)
                continue
            errors.append("%s:%d: %s %s: no %s; write it, or say why it is shown "
                          "raw with a line `raw %s %s REASON`"
                          % (src, sc.lineno, sc.name, aname, what, sc.name, aname))
    for key, lineno in sorted(raw.items(), key=lambda kv: kv[1]):
        if key not in used:
            errors.append("%s:%d: raw %s %s: nothing to mark (no such argument, or it "
                          "is decoded)" % ((src, lineno) + key))
    return errors


def c_str(s):
    return '"%s"' % s if s is not None else 'NULL'


def render(table, src):
    count = max(table) + 1
    out = []
    w = out.append
    w("/* Generated by syscalls/gen_syscalls.py from %s. Do not edit. */"
      % os.path.basename(src))
    w("#include <stddef.h>")
    w("#include <string.h>")
    w("")
    w("#include \"syscalls/syscalls.h\"")
    w("")
    # Decoders and flag tables are weak references: one that does not exist
    # is NULL and its argument is shown raw (see decode/decode.h). They are
    # defined a layer up, in decode/: the table names them, never calls
    # them, so this layer links without that one.
    tables, decoders = set(), set()
    for sc in table.values():
        for aname, kind, param in sc.args:
            if kind in ('flags', 'enum'):
                tables.add(param)
            elif kind in STRUCT_TYPES:
                decoders.add(param)
    for t in sorted(tables):
        w("extern const struct rn_flag_table rn_flags_%s __attribute__((weak));" % t)
    for d in sorted(decoders):
        w("extern void rn_dec_%s(struct rn_dctx *c, unsigned argi, uint64_t raw)"
          " __attribute__((weak));" % d)
    for nr in sorted(table):
        w("extern unsigned rn_sys_%s(struct rn_dctx *c, unsigned from)"
          " __attribute__((weak));" % table[nr].name)
    w("")
    w("const unsigned rn_syscall_count = %du;" % count)
    w("")
    w("static const struct rn_syscall rn_syscalls[%d] = {" % count)
    for nr in range(count):
        sc = table.get(nr)
        if sc is None:
            continue
        names = [a[0] for a in sc.args]
        mem_entry = int(any(a[1] in ENTRY_TYPES for a in sc.args))
        mem_exit = int(any(a[1] in EXIT_TYPES for a in sc.args))
        classes = ' | '.join(CLASSES[c] for c in sc.classes) or '0'
        w("\t[%d] = {" % nr)
        w("\t\t.name = \"%s\", .nargs = %d, .ret_type = %s,"
          % (sc.name, len(sc.args), RET_TYPES[sc.ret]))
        w("\t\t.mem_entry = %d, .mem_exit = %d," % (mem_entry, mem_exit))
        w("\t\t.classes = %s," % classes)
        w("\t\t.decode = rn_sys_%s," % sc.name)
        w("\t\t.args = {")
        for i in range(MAX_ARGS):
            if i < len(sc.args):
                aname, kind, param = sc.args[i]
                ctype = SIMPLE_TYPES.get(kind) or PARAM_TYPES[kind]
                if kind == 'ibuf':
                    len_arg, sub = names.index(param), None
                else:
                    len_arg, sub = -1, param
                extra = ""
                if kind in ('flags', 'enum'):
                    extra = ", .flags = &rn_flags_%s" % param
                elif kind in STRUCT_TYPES:
                    extra = ", .decode = rn_dec_%s" % param
                w("\t\t\t{ .name = \"%s\", .type = %s, .len_arg = %d, .sub = %s%s },"
                  % (aname, ctype, len_arg, c_str(sub), extra))
            else:
                w("\t\t\t{ .name = NULL, .type = RN_T_HEX, .len_arg = -1 },")
        w("\t\t},")
        w("\t},")
    w("};")
    w("")
    sorted_nrs = sorted(table, key=lambda n: table[n].name)
    w("/* Syscall numbers ordered by name (strcmp order), for bsearch. */")
    w("static const unsigned short rn_syscall_by_name_idx[%d] = {"
      % len(sorted_nrs))
    for nr in sorted_nrs:
        w("\t%d, /* %s */" % (nr, table[nr].name))
    w("};")
    w("")
    w("const struct rn_syscall *rn_syscall_get(long nr)")
    w("{")
    w("\tif (nr < 0 || nr >= (long)rn_syscall_count)")
    w("\t\treturn NULL;")
    w("\tif (rn_syscalls[nr].name == NULL)")
    w("\t\treturn NULL;")
    w("\treturn &rn_syscalls[nr];")
    w("}")
    w("")
    w("long rn_syscall_by_name(const char *name)")
    w("{")
    w("\tsize_t lo = 0;")
    w("\tsize_t hi = sizeof(rn_syscall_by_name_idx) /")
    w("\t\t    sizeof(rn_syscall_by_name_idx[0]);")
    w("")
    w("\tif (name == NULL)")
    w("\t\treturn -1;")
    w("\twhile (lo < hi) {")
    w("\t\tsize_t mid = lo + (hi - lo) / 2;")
    w("\t\tunsigned nr = rn_syscall_by_name_idx[mid];")
    w("\t\tint c = strcmp(name, rn_syscalls[nr].name);")
    w("")
    w("\t\tif (c == 0)")
    w("\t\t\treturn (long)nr;")
    w("\t\tif (c < 0)")
    w("\t\t\thi = mid;")
    w("\t\telse")
    w("\t\t\tlo = mid + 1;")
    w("\t}")
    w("\treturn -1;")
    w("}")
    return "\n".join(out) + "\n"


def main(argv):
    if len(argv) < 3:
        sys.stderr.write("usage: gen_syscalls.py IN.tbl OUT.c [DECODE_SOURCE...]\n")
        return 2
    src, dst = argv[1], argv[2]
    raw = {}
    try:
        table = parse(src, raw)
        errors = check_defined(table, raw, src, argv[3:]) if argv[3:] else []
    except TblError as e:
        sys.stderr.write("gen_syscalls.py: %s\n" % e)
        return 1
    except (OSError, UnicodeDecodeError) as e:
        sys.stderr.write("gen_syscalls.py: %s\n" % e)
        return 1
    if errors:
        sys.stderr.write("".join("gen_syscalls.py: %s\n" % e for e in errors))
        return 1
    text = render(table, src)
    tmp = dst + ".tmp"
    try:
        with open(tmp, 'w', encoding='utf-8') as f:
            f.write(text)
        os.replace(tmp, dst)
    except OSError as e:
        sys.stderr.write("gen_syscalls.py: %s: %s\n" % (dst, e))
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
