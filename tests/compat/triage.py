#!/usr/bin/env python3
"""triage.py — compile every PROG test of the runtime suites with
`tinytrace --dry-run` and group the first error line, to see which language
features block the most tests.  Usage: triage.py TOOL DATA_DIR [--begin-only]
[--show N]"""
import os
import re
import subprocess
import sys
from collections import Counter, defaultdict

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import runner  # noqa: E402


def probes_of(prog):
    # attach points: text before '{' at nesting depth 0 (rough but enough)
    out, depth, cur = [], 0, ""
    for ch in prog:
        if ch == "{":
            if depth == 0:
                out.append(cur)
                cur = ""
            depth += 1
        elif ch == "}":
            depth -= 1
        elif depth == 0:
            cur += ch
    return out


def begin_end_only(prog):
    for head in probes_of(prog):
        head = re.sub(r"/.*", "", head.strip(), flags=re.S)
        for ap in head.split(","):
            ap = ap.strip()
            if not ap or ap.startswith("config") or ap.startswith("macro") \
               or ap.startswith("struct") or ap.startswith("let") \
               or ap.startswith("import") or ap.startswith("#"):
                continue
            if ap.lower() not in ("begin", "end"):
                return False
    return True


def main():
    tool, data = sys.argv[1], sys.argv[2]
    only_be = "--begin-only" in sys.argv
    show = int(sys.argv[sys.argv.index("--show") + 1]) if "--show" in sys.argv else 3
    groups = defaultdict(list)
    ok = 0
    for suite, path in runner.discover_suites(data):
        for t in runner.parse_suite(suite, open(path).read()):
            if not t.prog or (only_be and not begin_end_only(t.prog)):
                continue
            p = subprocess.run([tool, "--dry-run", "-e", t.prog], capture_output=True,
                               text=True, timeout=20, errors="replace")
            if p.returncode == 0:
                ok += 1
                continue
            lines = [l for l in p.stderr.splitlines() if "ERROR" in l] or p.stderr.splitlines() or ["(no message)"]
            msg = re.sub(r"^\S+:\d+:\d+(-\d+)?: ", "", lines[0])
            msg = re.sub(r"\d+", "N", msg)
            groups[msg[:110]].append(t.full_name)
    total = ok + sum(len(v) for v in groups.values())
    print("%d of %d compile" % (ok, total))
    for msg, names in sorted(groups.items(), key=lambda kv: -len(kv[1])):
        print("%4d  %s" % (len(names), msg))
        for n in names[:show]:
            print("        " + n)


if __name__ == "__main__":
    main()
