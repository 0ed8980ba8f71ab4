#!/usr/bin/env python3
"""accounting.py — run tinytrace and account for every event it saw
(suite 'accounting').

usage: accounting.py [options] TOOL ARGS...

Runs TOOL ARGS... (usually with -c WORKLOAD) with stdout to a pipe that
this script reads, stderr to a file; counts the lines of stdout that match
--match and adds up every "Lost N events" line.  Then prints, one per line:

  exit: N | exit: signal NAME    how it ended ("hung" after --timeout)
  printed: P                     lines matching --match
  lost: L                        the sum of the "Lost N events" lines
                                 (or -f json's "lost_events" records)
  printed + lost: P+L            equals the events made when nothing
                                 went missing uncounted
  lost some: yes|no              whether L > 0
  sum: S over K lines            with --sum REGEX: group 1 of every
                                 matching line, added up
  reader stalled until the workload ended: yes|no   with --stall
  stderr: ...                    stderr's lines other than "Attached N
                                 probes" (the workload's own messages
                                 too)
  (indented)                     the first 200 other non-empty lines of
                                 stdout (the maps printed at exit)
The test harness's notification line (__BPFTRACE_NOTIFY_PROBES_ATTACHED)
comes first: this script keeps its own time.

Options:
  --match REGEX   what a printed event line looks like (default ^x$)
  --sum REGEX     add up group 1 of matching lines (map values)
  --stall SECS    read nothing for SECS seconds and until every child of
                  the tool (the -c workload) has exited, then read: the
                  probes must not wait for the reader, so the workload ends
                  while nobody reads ("no" after 60 s: it was blocked)
  --timeout SECS  how long it may run in all (default 60)
"""
import argparse
import os
import re
import select
import signal
import subprocess
import sys
import tempfile
import time

# the process-table helpers of robust.py, beside this file
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from robust import alive, children_of  # noqa: E402

NOTIFY = b"__BPFTRACE_NOTIFY_PROBES_ATTACHED"

def stall(p, secs, limit=60):
    """Waits secs seconds and until the children of p, once seen, are all
    gone (or p is).  True when they ended while nobody read."""
    start = time.time()
    kids = set()
    while time.time() - start < limit:
        kids.update(children_of(p.pid))
        if p.poll() is not None:
            return True
        done = kids and not any(alive(k) for k in kids)
        if done and time.time() - start >= secs:
            return True
        time.sleep(0.01)
    return False


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--match", default=r"^x$")
    ap.add_argument("--sum")
    ap.add_argument("--stall", type=float)
    ap.add_argument("--timeout", type=float, default=60)
    ap.add_argument("argv", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    # the runner's --timeout-scale (a slow machine, a sanitizer build)
    a.timeout *= float(os.environ.get("TT_TIMEOUT_SCALE") or 1)
    argv = a.argv[1:] if a.argv[:1] == ["--"] else a.argv
    # this script keeps its own time (--timeout): the test harness's
    # TIMEOUT may count from now, not from a notification it never sees
    if os.environ.get(NOTIFY.decode()):
        print(NOTIFY.decode(), flush=True)
    err = tempfile.TemporaryFile()
    p = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=err, bufsize=0)
    stalled = stall(p, a.stall) if a.stall is not None else None
    chunks = []
    deadline = time.time() + a.timeout
    fd = p.stdout.fileno()
    hung = False
    while True:
        left = deadline - time.time()
        if left <= 0:
            hung = True
            break
        r, _, _ = select.select([fd], [], [], min(left, 0.5))
        if r:
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                break
            chunks.append(chunk)
    out = b"".join(chunks)
    if hung:
        p.kill()
    p.wait()
    match = re.compile(a.match)
    lost_re = re.compile(r'^(?:Lost (\d+) events$|'
                         r'\{"type": "lost_events", "count": (\d+),)')
    printed = lost = 0
    sum_re = re.compile(a.sum) if a.sum else None
    total = nsum = 0
    other = []
    for line in out.decode("utf-8", "replace").splitlines():
        m = lost_re.match(line)
        if match.search(line):
            printed += 1
        elif m:
            lost += int(m.group(1) or m.group(2))
        elif line.strip() and line != NOTIFY.decode():
            other.append(line)
        if sum_re:
            m = sum_re.search(line)
            if m:
                total += int(m.group(1))
                nsum += 1
    rc = p.returncode
    if hung:
        print("exit: hung")
    else:
        print("exit: %s" % (("signal " + signal.Signals(-rc).name)
                            if rc < 0 else rc))
    print("printed: %d" % printed)
    print("lost: %d" % lost)
    print("printed + lost: %d" % (printed + lost))
    print("lost some: %s" % ("yes" if lost else "no"))
    if sum_re:
        print("sum: %d over %d lines" % (total, nsum))
    if stalled is not None:
        print("reader stalled until the workload ended: %s" %
              ("yes" if stalled else "no"))
    err.seek(0)
    for line in err.read().decode("utf-8", "replace").splitlines():
        if not re.match(r"^Attached \d+ probes?$", line):
            print("stderr: " + line)
    for line in other[:200]:
        print("  " + line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
