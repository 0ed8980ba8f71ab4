#!/usr/bin/env python3
"""bench/detach.py — how long a tracer takes to give the prompt back.

usage: detach.py RUNS TRACER [TRACER...]

For each tracer (a path; its basename labels it) and each script below,
RUNS times: the wall time from start to exit, and from the last byte of
output to exit (the end of the trace to the prompt).  Then, after a
tracer has exited, how long its perf events take to go (tinytrace's
teardown process, named tinytrace-detac, is waited for: the next run
would otherwise queue behind it in the kernel).  Prints medians.  A
benchmark: it prints, it asserts nothing.  Needs root.
"""
import os
import statistics
import subprocess
import sys
import time

SCRIPTS = [
    ("one tracepoint",
     "tracepoint:syscalls:sys_enter_openat { @[comm] = count(); } "
     "interval:ms:300 { exit(); }"),
    ("360 tracepoints",
     "tracepoint:syscalls:sys_enter_* { @[probe] = count(); } "
     "interval:ms:500 { exit(); }"),
]


def teardowns():
    pids = []
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                with open("/proc/%s/comm" % d) as f:
                    if f.read().strip() == "tinytrace-detac":
                        pids.append(int(d))
            except OSError:
                pass
    return pids


def wait_teardowns(limit=120):
    t0 = time.time()
    while teardowns() and time.time() - t0 < limit:
        time.sleep(0.05)
    return time.time() - t0


def run(argv):
    t0 = time.time()
    p = subprocess.Popen(argv, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, bufsize=0)
    last = t0
    while True:
        b = os.read(p.stdout.fileno(), 65536)
        if not b:
            break
        last = time.time()
    p.wait()
    end = time.time()
    return end - t0, end - last, wait_teardowns()


def main():
    runs = int(sys.argv[1])
    wait_teardowns()
    print("%-16s %-10s %12s %16s %14s" % ("script", "tracer", "wall",
                                           "output->exit", "teardown"))
    for label, script in SCRIPTS:
        for tracer in sys.argv[2:]:
            r = [run([tracer, "-e", script]) for _ in range(runs)]
            med = [statistics.median(x[i] for x in r) for i in range(3)]
            print("%-16s %-10s %10.0f ms %13.1f ms %11.0f ms" %
                  (label, os.path.basename(tracer), med[0] * 1e3,
                   med[1] * 1e3, med[2] * 1e3))


if __name__ == "__main__":
    main()
