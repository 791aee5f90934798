#!/usr/bin/env python3
"""check_layers.py - fail when a file includes a header of a higher layer.

The library's folders are layers, bottom up (the top CMakeLists.txt adds
them in this order, and each library links only to those below it):

    base -> syscalls -> decode -> sinks, capture, stats -> insight
         -> pipeline -> tracer -> tools

sinks, capture and stats are one level: none of them includes another.
A file may include headers of its own folder and of lower layers only.
Headers are included by layer ("base/sbuf.h"), so the folder of every
include is in its text. Prints each upward include as FILE:LINE and exits
1 when there is one; run from anywhere (it checks the repository it is in).
"""
import os
import re
import sys

RANK = {"base": 0, "syscalls": 1, "decode": 2, "sinks": 3, "capture": 3, "stats": 3,
        "insight": 4, "pipeline": 5, "tracer": 6, "tools": 7}
INCLUDE = re.compile(r'^\s*#\s*include\s+"([a-z_]+)/[^"]+"')


def main():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    bad = 0
    for layer in RANK:
        d = os.path.join(root, layer)
        for dirpath, _, names in os.walk(d):
            for name in sorted(names):
                if not name.endswith((".c", ".h")):
                    continue
                path = os.path.join(dirpath, name)
                with open(path, encoding="utf-8") as f:
                    for n, line in enumerate(f, 1):
                        m = INCLUDE.match(line)
                        if not m or m.group(1) not in RANK:
                            continue
                        to = m.group(1)
                        if to != layer and RANK[to] >= RANK[layer]:
                            bad += 1
                            print("%s:%d: %s (layer %d) includes %s (layer %d)" % (
                                os.path.relpath(path, root), n, layer, RANK[layer], to,
                                RANK[to]))
    if bad:
        print("check_layers: %d include(s) point up or sideways" % bad)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
