#!/usr/bin/env python3
"""big_script.py — write a big script, run the tool on it, and check what
it printed (suite 'scale': big scripts compile to programs that still do
what they say; how long that takes is bench/run's business).

usage: big_script.py literal BYTES TOOL [ARGS...]
       big_script.py probes COUNT TOOL [ARGS...]

literal: `BEGIN { printf("%s\\n", "<BYTES of text>"); exit(); }`, the text
  a fixed pseudo-random mix of letters, digits, spaces and punctuation;
  prints "literal: N bytes printed back intact" when the first line the
  tool printed (but the test runner's __BPFTRACE_NOTIFY_* lines) is the
  text, else what differs.
probes: COUNT interval probes, probe N counting into @c[N], and one that
  exits after 0.7 s; prints "probes: N of COUNT keys counted" (keys
  0..COUNT-1 with a count of at least 1) and any key it did not expect.

The script is written to a temporary directory, removed afterwards; the
tool's exit status and the first lines of its stderr are printed when it
fails.
"""
import os
import random
import re
import subprocess
import sys
import tempfile


def run(tool, text):
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "big.bt")
        with open(path, "w") as f:
            f.write(text)
        r = subprocess.run(tool + [path], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=120)
    out = r.stdout.decode("utf-8", "replace")
    if r.returncode:
        print("exit: %d" % r.returncode)
        for line in r.stderr.decode("utf-8", "replace").splitlines()[:3]:
            print("stderr: " + line[:200])
    return out


def literal(n, tool):
    rng = random.Random(10)
    alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,:;-+"
    text = "".join(rng.choice(alphabet) for _ in range(n))
    out = run(tool, 'BEGIN { printf("%%s\\n", "%s"); exit(); }\n' % text)
    # the first line but the test runner's __BPFTRACE_NOTIFY_* lines
    got = next((l for l in out.split("\n")
                if not l.startswith("__BPFTRACE_NOTIFY")), "")
    if got == text:
        print("literal: %d bytes printed back intact" % n)
        return
    at = next((i for i in range(min(len(got), n)) if got[i] != text[i]),
              min(len(got), n))
    print("literal: %d bytes printed, %d expected, first difference at %d"
          % (len(got), n, at))


def probes(n, tool):
    lines = ["config = { max_probes = %d }" % (n + 10)]
    for i in range(n):
        lines.append("interval:ms:%d { @c[%d] = count(); }" % (50 + i % 7, i))
    lines.append("interval:ms:700 { exit(); }")
    out = run(tool, "\n".join(lines) + "\n")
    seen = {}
    for line in out.splitlines():
        m = re.match(r"^@c\[(\d+)\]: (\d+)$", line)
        if m:
            seen[int(m.group(1))] = int(m.group(2))
    good = sum(1 for i in range(n) if seen.get(i, 0) >= 1)
    print("probes: %d of %d keys counted" % (good, n))
    for k in sorted(seen):
        if k >= n:
            print("unexpected key %d" % k)


def main():
    if len(sys.argv) < 4 or sys.argv[1] not in ("literal", "probes"):
        sys.exit(__doc__)
    n = int(sys.argv[2])
    (literal if sys.argv[1] == "literal" else probes)(n, sys.argv[3:])


if __name__ == "__main__":
    main()
