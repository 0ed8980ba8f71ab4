#!/usr/bin/env python3
"""tests/build/layering.py — the stages are layers (doc/architecture.md).

Reads the table (the ```layers block of doc/architecture.md, its only copy)
and checks, for every src/*.c, src/*.h and include/*.h of the source tree:
  - it is in exactly one stage, and every file of the table exists;
  - each #include "..." names a header of its own stage or of a stage its
    stage sits on (a private src/*.h: of its own stage only), or one the
    table `allow`s;
  - in a build directory (src/libtt.a and src/main.o, read with nm): each
    call from one file to a function of another follows the same rule, and
    every circle of calls between files is one the table lists as a
    `circle` (and every listed circle still exists).
Prints what it checked; each violation on a line of its own; exit status 1
when there is one.  Run by `make check` (TT_SRCDIR = the source tree, the
current directory = the build directory); by hand:
    python3 tests/build/layering.py [SRCDIR [BUILDDIR]]
"""
import fnmatch
import glob
import os
import re
import shutil
import subprocess
import sys


def read_table(path, files):
    """The layers block of the doc: (stages in order, uses, file -> stage,
    allow set of (file, stage), circles as frozensets).  A name in the
    table may be a glob (src/prov_*.c), matched against files."""
    lines, inside = [], False
    with open(path) as f:
        for line in f:
            if line.startswith("```layers"):
                inside = True
            elif inside and line.startswith("```"):
                break
            elif inside:
                lines.append(line.rstrip("\n"))
    if not lines:
        sys.exit("%s: no ```layers block" % path)
    order, uses, stage_of, allow, circles, errors = [], {}, {}, set(), [], []
    cur = None

    def expand(name, where):
        if not any(c in name for c in "*?["):
            return [name]
        got = [f for f in files if fnmatch.fnmatchcase(f, name)]
        if not got:
            errors.append("%s: %s matches no file" % (where, name))
        return got

    for n, line in enumerate(lines, 1):
        text = line.split("#", 1)[0].strip()
        if not text:
            continue
        words = text.split()
        where = "%s: layers line %d" % (path, n)
        if words[0] == "stage":
            m = re.fullmatch(r"stage\s+(\w+):\s*(.*)", text)
            if not m:
                errors.append("%s: expected 'stage NAME: STAGES'" % where)
                continue
            cur = m.group(1)
            below = [] if m.group(2).strip() == "-" else m.group(2).split()
            for s in below:
                if s not in uses:  # a stage sits on earlier stages only
                    errors.append("%s: stage %s sits on %s, which is not "
                                  "a stage above this line" % (where, cur, s))
            order.append(cur)
            uses[cur] = set(below)
        elif words[0] == "allow":
            if len(words) != 3:
                errors.append("%s: expected 'allow FILE STAGE'" % where)
                continue
            for f in expand(words[1], where):
                allow.add((f, words[2]))
        elif words[0] == "circle":
            circles.append(frozenset(f for w in words[1:]
                                     for f in expand(w, where)))
        elif line[:1] in " \t" and cur:
            for f in (f for w in words for f in expand(w, where)):
                if f in stage_of:
                    errors.append("%s: %s is in stages %s and %s"
                                  % (where, f, stage_of[f], cur))
                stage_of[f] = cur
        else:
            errors.append("%s: cannot read '%s'" % (where, text))
    for f, s in allow:
        if f not in stage_of or s not in uses:
            errors.append("%s: allow %s %s: no such file or stage"
                          % (path, f, s))
    return order, uses, stage_of, allow, circles, errors


def may_use(frm, to, private, uses, stage_of, allow):
    """May file frm include (or call into) file to?"""
    a, b = stage_of[frm], stage_of[to]
    if a == b or (frm, b) in allow:
        return True
    return not private and b in uses[a]


def includes(srcdir, rel):
    """(line number, resolved file or None, name as written) for each
    #include "..." of rel: "x.h" is looked up beside the file, then in
    include/ (the compiler's order with -Iinclude)."""
    out = []
    with open(os.path.join(srcdir, rel)) as f:
        for n, line in enumerate(f, 1):
            m = re.match(r'\s*#\s*include\s+"([^"]+)"', line)
            if not m:
                continue
            name = m.group(1)
            found = None
            for d in (os.path.dirname(rel), "include"):
                cand = os.path.normpath(os.path.join(d, name))
                if os.path.exists(os.path.join(srcdir, cand)):
                    found = cand
                    break
            out.append((n, found, name))
    return out


def object_calls(builddir):
    """{caller file: {callee file: sorted symbols}} from the objects of a
    build, or None when there are none (or no nm)."""
    nm = os.environ.get("NM") or shutil.which("nm")
    objs = [p for p in (os.path.join(builddir, "src", "libtt.a"),
                        os.path.join(builddir, "src", "main.o"))
            if os.path.exists(p)]
    if not nm or not objs:
        return None
    text = subprocess.run([nm, "-A"] + objs, check=True,
                          capture_output=True, text=True).stdout
    defined, undefined = {}, {}
    for line in text.splitlines():
        # "src/libtt.a:ast.o:0000000000000000 T ast_new", "src/main.o: U x"
        head, _, rest = line.rpartition(":")
        obj = os.path.basename(head.split(":")[-1] if head.count(":") else head)
        fields = rest.split()
        if len(fields) < 2:
            continue
        # automake's per-target objects: "libtt_a-ast.o" is ast.c's
        src = "src/" + re.sub(r"^\w+?_a-", "", obj)[:-2] + ".c"
        kind, sym = fields[-2], fields[-1]
        if kind == "U":
            undefined.setdefault(src, set()).add(sym)
        elif kind in "TDBRCGSVW":
            defined.setdefault(sym, src)
    calls = {}
    for src, syms in undefined.items():
        for sym in syms:
            to = defined.get(sym)
            if to and to != src:
                calls.setdefault(src, {}).setdefault(to, []).append(sym)
    return calls


def circles_of(calls):
    """The strongly connected components (more than one file) of the call
    graph (Tarjan)."""
    index, low, stack, on, out = {}, {}, [], set(), []
    counter = [0]
    nodes = set(calls) | {t for d in calls.values() for t in d}

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in calls.get(v, {}):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = set()
            while True:
                w = stack.pop()
                on.discard(w)
                comp.add(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(frozenset(comp))

    sys.setrecursionlimit(10000)
    for v in sorted(nodes):
        if v not in index:
            visit(v)
    return out


def main():
    srcdir = (sys.argv[1] if len(sys.argv) > 1
              else os.environ.get("TT_SRCDIR") or ".")
    builddir = sys.argv[2] if len(sys.argv) > 2 else "."
    doc = os.path.join(srcdir, "doc", "architecture.md")
    files = sorted(os.path.relpath(p, srcdir) for pat in
                   ("src/*.c", "src/*.h", "include/*.h")
                   for p in glob.glob(os.path.join(srcdir, pat)))
    order, uses, stage_of, allow, circles, errors = read_table(doc, files)
    for f in files:
        if f not in stage_of:
            errors.append("%s: in no stage: add it to the table in "
                          "doc/architecture.md" % f)
    for f in sorted(stage_of):
        if f not in files:
            errors.append("doc/architecture.md: %s is in stage %s but does "
                          "not exist" % (f, stage_of[f]))

    nincl = 0
    for f in files:
        if f not in stage_of:
            continue
        for n, to, name in includes(srcdir, f):
            nincl += 1
            if to is None:
                errors.append('%s:%d: #include "%s": no such header in src/ '
                              'or include/' % (f, n, name))
            elif to not in stage_of:
                continue  # reported above
            elif not may_use(f, to, to.startswith("src/"), uses, stage_of,
                             allow):
                errors.append('%s:%d: #include "%s": %s (stage %s) may not '
                              'include %s of stage %s' %
                              (f, n, name, f, stage_of[f], to, stage_of[to]))

    calls = object_calls(builddir)
    ncalls = 0
    if calls is not None:
        for frm in sorted(calls):
            for to, syms in sorted(calls[frm].items()):
                ncalls += 1
                if frm not in stage_of or to not in stage_of:
                    if frm not in files or to not in files:
                        errors.append("%s calls %s: an object without its "
                                      "source file" % (frm, to))
                elif not may_use(frm, to, False, uses, stage_of, allow):
                    errors.append("%s (stage %s) calls %s (stage %s): %s" %
                                  (frm, stage_of[frm], to, stage_of[to],
                                   ", ".join(sorted(syms)[:8])))
        found = circles_of(calls)
        for c in found:
            if c not in circles:
                errors.append("a circle of calls the table does not list: "
                              "%s" % " ".join(sorted(c)))
        for c in circles:
            if c not in found:
                errors.append("doc/architecture.md lists a circle that is "
                              "gone (remove it): %s" % " ".join(sorted(c)))

    print("%d files in %d stages (%s); %d includes checked" %
          (len(files), len(order), " < ".join(order), nincl))
    if calls is None:
        print("calls: not checked (no src/libtt.a or nm here; run from the "
              "build directory)")
    else:
        print("%d calls between files checked; allowed circles: %s" %
              (ncalls, "; ".join(" ".join(sorted(c)) for c in circles)
               or "none"))
    for e in errors:
        print("FAIL: " + e)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
