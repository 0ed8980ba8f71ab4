#!/usr/bin/env python3
"""mapcheck.py — summarise the maps tinytrace printed, to check that a map
of any size prints every key exactly once (suite 'maps').

usage: TOOL ... | mapcheck.py [--json] [--marker TEXT]

Reads tinytrace's output on stdin.  Text: map entries are lines
'@name[key]: value' (hist/lhist entries are '@name[key]:' followed by
bucket lines); scalar lines '@name: value' count as one entry with key ''.
JSON (--json): lines {"type": "map"|"hist"|"stats"|..., "data": {...}}.
Output is cut into sections at lines equal to --marker (default '---'),
so several print() calls in one run are checked one by one.  For each
section and map it prints one line:

  NAME entries N dups D sum S

N: entries, D: keys seen more than once in the section, S: the sum of
the integer values (0 for non-integer values).  The test runner's
__BPFTRACE_NOTIFY_* lines are passed on as they come, on stderr (the runner
reads both): a later stage of a pipeline, mawk for one, may hold stdout
until this script ends.  A JSON object with a
repeated member name counts as a duplicate too (json.loads would keep
only the last).
"""
import json
import re
import sys


def parse_text(lines):
    sections = [{}]
    entry = re.compile(r"^(@[A-Za-z0-9_]*)(\[(.*)\])?: ?(.*)$")
    for line in lines:
        if line == MARKER:
            sections.append({})
            continue
        m = entry.match(line)
        if not m:
            continue
        name, key, value = m.group(1), m.group(3) or "", m.group(4)
        maps = sections[-1]
        st = maps.setdefault(name, {"keys": {}, "dups": 0, "sum": 0})
        if key in st["keys"]:
            st["dups"] += 1
        st["keys"][key] = 1
        try:
            st["sum"] += int(value)
        except ValueError:
            pass
    return sections


def pairs_hook(pairs):
    seen = set()
    dups = 0
    for k, _ in pairs:
        if k in seen:
            dups += 1
        seen.add(k)
    d = dict(pairs)
    if dups:
        d["__dups__"] = dups
    return d


def parse_json(lines):
    sections = [{}]
    for line in lines:
        if line == MARKER:
            sections.append({})
            continue
        if not line.startswith("{"):
            continue
        obj = json.loads(line, object_pairs_hook=pairs_hook)
        data = obj.get("data")
        if not isinstance(data, dict) or obj.get("type") in (
                "printf", "attached_probes", "value", "lost_events"):
            continue
        for name, contents in data.items():
            if not name.startswith("@"):
                continue
            maps = sections[-1]
            st = maps.setdefault(name, {"keys": {}, "dups": 0, "sum": 0})
            if isinstance(contents, dict):
                st["dups"] += contents.pop("__dups__", 0)
                for k, v in contents.items():
                    if k in st["keys"]:
                        st["dups"] += 1
                    st["keys"][k] = 1
                    if isinstance(v, int):
                        st["sum"] += v
            else:
                st["keys"][""] = 1
                if isinstance(contents, int):
                    st["sum"] += contents
    return sections


MARKER = "---"


def main():
    global MARKER
    args = sys.argv[1:]
    use_json = "--json" in args
    if "--marker" in args:
        MARKER = args[args.index("--marker") + 1]
    lines = []
    for line in sys.stdin:
        line = line.rstrip("\n")
        if line.startswith("__BPFTRACE_NOTIFY"):
            # the test runner waits for this line: pass it on at once
            print(line, file=sys.stderr, flush=True)
            continue
        lines.append(line)
    sections = parse_json(lines) if use_json else parse_text(lines)
    for maps in sections:
        for name in sorted(maps):
            st = maps[name]
            print("%s entries %d dups %d sum %d"
                  % (name, len(st["keys"]), st["dups"], st["sum"]))
        print(MARKER)


if __name__ == "__main__":
    main()
