#!/usr/bin/env python3
"""tests/examples/run.py - the scripts of examples/ under test.

For every script in examples/ (tests/examples/cases says how to run it):
  1. its header comment has a "Run:" line, a "Needs:" line and an
     "Example output:" block, and the cases table has a row for it;
  2. `tinytrace -d asm SCRIPT` compiles it without an error or warning;
  3. the LINE regex of each row matches a line of the example output
     (so the comment shows what the script really prints);
  4. rows marked `host` run here, as root, four at a time, each for two
     seconds or so: the script is started, a workload runs three times
     while it traces, SIGINT ends it (scripts that end by themselves
     end), and its first line must be its header, the first line of the
     example output (numbers in it may differ: a pid), and a line must
     match LINE.  `vm` rows run in the VM tier (tests/vm/examples.sh),
     `compile` rows only compile.

Environment: TT_BIN (the binary), TT_SRCDIR (the source tree), CI=true
(a skip for lack of root or BPF is a failure).  Exits 0, 1 (a failure) or
77 (skipped: not root).

    run.py --update NAME...   rewrites the example output of the named
                              scripts with what they print here (review
                              the diff); the header and the first lines
                              are kept, and the first line matching LINE.
"""

import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor

SRCDIR = os.environ.get("TT_SRCDIR") or os.path.abspath(
    os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
BIN = os.environ.get("TT_BIN") or os.path.join(SRCDIR, "src", "tinytrace")
EXAMPLES = os.path.join(SRCDIR, "examples")
WORK = os.path.join(SRCDIR, "tests", "examples")
SCALE = float(os.environ.get("TT_TIMEOUT_SCALE", "1"))
MAX_SHOWN = 12          # lines of real output kept by --update


class Case:
    def __init__(self, lineno, fields):
        self.lineno = lineno
        self.script, self.where, self.options, self.workload, self.line = \
            fields
        self.name = "%s %s" % (self.script, self.options) \
            if self.options else self.script


def read_cases():
    """The rows of tests/examples/cases: five fields split at the first
    four '|' (LINE may contain more)."""
    cases = []
    with open(os.path.join(WORK, "cases")) as f:
        for n, raw in enumerate(f, 1):
            if not raw.strip() or raw.startswith("#"):
                continue
            fields = [x.strip() for x in raw.rstrip("\n").split("|", 4)]
            fields += [""] * (5 - len(fields))
            if len(fields) != 5:
                raise SystemExit("cases:%d: %d fields, not 5" % (n, len(fields)))
            cases.append(Case(n, fields))
    return cases


def header_comment(text):
    """(run, needs, example output lines) of a script's first comment."""
    m = re.search(r"/\*(.*?)\*/", text, re.S)
    if not m:
        return None, None, None
    lines = [re.sub(r"^ ?\* ?", "", x) for x in m.group(1).split("\n")]
    run = next((x for x in lines if x.startswith("Run:")), None)
    needs = next((x for x in lines if x.startswith("Needs:")), None)
    out = None
    if "Example output:" in lines:
        i = lines.index("Example output:") + 1
        out = [x[2:] if x.startswith("  ") else x for x in lines[i:]]
        while out and not out[-1].strip():
            out.pop()
    return run, needs, out


def dry_run(script):
    """Errors and warnings of compiling SCRIPT (`tinytrace -d asm`: every
    stage, nothing loaded; the listing on stdout is not kept) ('' if
    none)."""
    p = subprocess.run([BIN, "-d", "asm", script], capture_output=True,
                       text=True, timeout=60 * SCALE)
    msg = p.stderr.strip()
    if p.returncode != 0 or msg:
        return "exit %d: %s" % (p.returncode, msg)
    return ""


def run_case(case):
    """Runs a host case; returns (stdout lines, stderr text)."""
    script = os.path.join(EXAMPLES, case.script)
    opts, args = split_options(case.options)
    with tempfile.TemporaryDirectory() as tmp:
        out_path, err_path = os.path.join(tmp, "out"), os.path.join(tmp, "err")
        with open(out_path, "w") as out, open(err_path, "w") as err:
            p = subprocess.Popen([BIN] + opts + [script] + args, stdout=out,
                                 stderr=err, stdin=subprocess.DEVNULL)
        deadline = time.time() + 20 * SCALE
        while time.time() < deadline and p.poll() is None:
            with open(err_path) as f, open(out_path) as g:
                if "Attached" in f.read() or '"attached_probes"' in g.read():
                    break   # the message, or its JSON record (-f json)
            time.sleep(0.05)
        if p.poll() is None and case.workload:
            env = dict(os.environ, TT_PID=str(p.pid), WORK=WORK)
            for _ in range(3):
                subprocess.run(["sh", "-c", case.workload], env=env,
                               stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, timeout=30 * SCALE)
            with open(script) as f:
                periodic = "interval:" in f.read()
            if periodic:
                # interval:s:1 ones print on their timer: wait for a
                # line of the expected shape (a loaded machine may be
                # late), at most 10 s
                rx = re.compile("^(%s)$" % case.line)
                end = time.time() + 10 * SCALE
                while time.time() < end and p.poll() is None:
                    with open(out_path) as g:
                        if any(rx.match(l) for l in g.read().split("\n")):
                            break
                    time.sleep(0.1)
            else:
                time.sleep(0.3)
        elif p.poll() is None:
            try:                # it may end by itself (iterators, bench)
                p.wait(timeout=2 * SCALE)
            except subprocess.TimeoutExpired:
                pass
        if p.poll() is None:
            p.send_signal(signal.SIGINT)
        try:
            p.wait(timeout=20 * SCALE)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
        with open(out_path) as f:
            lines = f.read().split("\n")
        with open(err_path) as f:
            errs = f.read()
    while lines and not lines[-1]:
        lines.pop()
    return lines, errs


def split_options(options):
    """OPTIONS before the script, and named arguments after `--`."""
    words = re.findall(r"'[^']*'|\S+", options)
    words = [w[1:-1] if w.startswith("'") else w for w in words]
    if "--" in words:
        i = words.index("--")
        return words[:i], words[i:]
    return words, []


def first_line(case, lines):
    """The first line the script printed (JSON: the first printf's text)."""
    for x in lines:
        if "-f json" not in case.options:
            return x
        try:
            rec = json.loads(x)
        except ValueError:
            return x
        if rec.get("type") == "printf":
            return rec["data"].split("\n")[0]
    return None


def check_case(case, example, report):
    """Checks one host case by running it."""
    lines, errs = run_case(case)
    got = first_line(case, lines)
    if got is None or digits(got) != digits(example[0]):
        return report(case, "its first line is %r, not its header %r\n%s"
                      % (got, example[0], show(lines, errs)))
    rx = re.compile("^(%s)$" % case.line)
    if not any(rx.match(x) for x in lines):
        return report(case, "no line matches %s\n%s"
                      % (case.line, show(lines, errs)))
    return True


def digits(line):
    """A line with its numbers blanked (a header may show a pid)."""
    return re.sub(r"[0-9]+", "N", line)


def show(lines, errs):
    text = "\n".join(lines[:40]) + ("\n..." if len(lines) > 40 else "")
    return "    | " + "\n    | ".join((text + "\n" + errs.strip()).split("\n"))


def static_checks(cases, report):
    """Header comments, the table, compiling, LINE against the comment."""
    scripts = sorted(f for f in os.listdir(EXAMPLES) if f.endswith(".bt"))
    ok = True
    named = {c.script for c in cases}
    for s in scripts:
        if s not in named:
            ok = report(None, "%s has no row in tests/examples/cases" % s)
    examples = {}
    for s in scripts:
        path = os.path.join(EXAMPLES, s)
        with open(path) as f:
            text = f.read()
        run, needs, out = header_comment(text)
        if not text.startswith("#!/usr/bin/env tinytrace\n"):
            ok = report(None, "%s: no #!/usr/bin/env tinytrace line" % s)
        if not run or not needs:
            ok = report(None, "%s: the header comment has no Run: or "
                        "Needs: line" % s)
        if not out or "@@OUTPUT@@" in out:
            ok = report(None, "%s: the header comment has no example "
                        "output" % s)
            out = None
        examples[s] = out
        err = dry_run(path)
        if err:
            ok = report(None, "%s: tinytrace -d asm: %s" % (s, err))
    for c in cases:
        if c.script not in examples:
            ok = report(c, "cases:%d: no such script in examples/" % c.lineno)
        elif c.where not in ("host", "vm") and \
                not c.where.startswith("compile:"):
            ok = report(c, "cases:%d: WHERE is host, vm or 'compile: why'"
                        % c.lineno)
        elif c.where in ("host", "vm") and examples[c.script] is not None:
            rx = re.compile("^(%s)$" % c.line)
            if not any(rx.match(x) for x in examples[c.script]):
                ok = report(c, "no line of its example output matches %s"
                            % c.line)
    return ok, examples


def update(cases, names):
    """--update: the example output of the named scripts from a real run."""
    for c in cases:
        if c.script not in names or c.where != "host":
            continue
        names.discard(c.script)
        path = os.path.join(EXAMPLES, c.script)
        lines, errs = run_case(c)
        rx = re.compile("^(%s)$" % c.line)
        shown = lines[:MAX_SHOWN]
        if not any(rx.match(x) for x in shown):
            hit = [i for i, x in enumerate(lines) if rx.match(x)]
            if not hit:
                print("%s: no line matches %s\n%s" % (c.script, c.line,
                                                      show(lines, errs)))
                continue
            shown += ["[...]"] + lines[hit[0]:hit[0] + 3]
        elif len(lines) > MAX_SHOWN:
            shown.append("[...]")
        write_output(path, shown)
        print("updated %s" % c.script)


def write_output(path, shown):
    with open(path) as f:
        text = f.read()
    block = "\n".join((" *   " + x).rstrip() for x in shown)
    text = re.sub(r"( \* Example output:\n)(.*?)(\n \*/)",
                  lambda m: m.group(1) + block + m.group(3), text, 1, re.S)
    with open(path, "w") as f:
        f.write(text)


def main():
    cases = read_cases()
    if sys.argv[1:2] == ["--update"]:
        update(cases, set(sys.argv[2:]))
        return 0
    failed = []
    lock = threading.Lock()

    def report(case, why):
        with lock:
            name = case.name if case else "examples"
            print("FAIL %s: %s" % (name, why))
            failed.append(name)
        return False

    ok, examples = static_checks(cases, report)
    print("%s every example compiles and documents itself (%d scripts)"
          % ("PASS" if ok else "FAIL", len(examples)))
    if os.geteuid() != 0:
        print("SKIP the runs: they load BPF programs and need root")
        if os.environ.get("CI") == "true":
            print("CI=true: a skipped run counts as a failure")
            return 1
        return 1 if failed else 77
    host = [c for c in cases if c.where == "host" and examples.get(c.script)]
    passed = []

    def one(c):
        if check_case(c, examples[c.script], report):
            with lock:
                print("PASS %s" % c.name)
                passed.append(c)

    # four at a time: each mostly waits (attach, workload, a second)
    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(one, host))
    passed = len(passed)
    others = len(cases) - len(host)
    print("%d run here and passed, %d failed; %d left to the VM tier or "
          "compiled only" % (passed, len(host) - passed, others))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
