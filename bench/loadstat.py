#!/usr/bin/env python3
"""bench/loadstat.py — how long a tracer takes to compile, load and attach
a script, and its peak memory by then (bench/run, "big scripts").

usage: loadstat.py [--timeout S] CMD [ARGS...]

Runs CMD under /usr/bin/time with __BPFTRACE_NOTIFY_PROBES_ATTACHED=1 in
its environment (tinytrace and bpftrace both print that line once every
probe is attached; bpftrace 0.17 on stderr), and when the line comes,
reads the tracer's peak resident set size (VmHWM in /proc/PID/status),
stops it with SIGINT (SIGKILL after 5 s more) and prints one line:

  ok SECONDS PEAK_KIB

SECONDS: from the start to the line (parsing, compiling, loading,
attaching).  A CMD that exits by itself before the line (a script that
calls exit() in BEGIN) is measured to its exit: the peak is then
/usr/bin/time's.  Otherwise prints "fail WHY" (the command's first error line)
and exits 1.  A benchmark's helper: it measures, it checks nothing.
"""
import os
import pty
import re
import select
import signal
import subprocess
import sys
import tempfile
import time

NOTIFY = "__BPFTRACE_NOTIFY_PROBES_ATTACHED"


def hwm(pid):
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def child_of(pid):
    """The first child of pid (the tracer under /usr/bin/time), or None."""
    try:
        with open("/proc/%d/task/%d/children" % (pid, pid)) as f:
            kids = f.read().split()
        return int(kids[0]) if kids else None
    except (OSError, ValueError):
        return None


def main():
    args = sys.argv[1:]
    timeout = 120.0
    if args[:1] == ["--timeout"]:
        timeout = float(args[1])
        args = args[2:]
    if not args:
        sys.exit(__doc__)
    env = dict(os.environ)
    env[NOTIFY] = "1"
    # the peak of a tracer that ends by itself comes from /usr/bin/time:
    # getrusage would count the copy of this Python process the child
    # was before its exec
    timefile = tempfile.NamedTemporaryFile(prefix="loadstat.")
    cmd = ["/usr/bin/time", "-f", "%M", "-o", timefile.name] + args
    # stdout and stderr on a terminal: bpftrace prints the line on
    # stderr, and a pipe would hold tinytrace's back until its exit
    master, slave = pty.openpty()
    t0 = time.monotonic()
    p = subprocess.Popen(cmd, stdout=slave, stderr=slave,
                         stdin=subprocess.DEVNULL, env=env)
    os.close(slave)
    peak = None
    seen = False
    elapsed = 0.0
    head, tail = b"", b""
    deadline = t0 + timeout
    while not seen and time.monotonic() < deadline:
        r, _, _ = select.select([master], [], [], 0.2)
        if not r:
            if p.poll() is not None:
                break
            continue
        try:
            chunk = os.read(master, 65536)
        except OSError:
            chunk = b""
        if not chunk:
            break
        if len(head) < 8192:
            head += chunk[:8192]
        tail = (tail + chunk)[-4096:]
        if NOTIFY.encode() in tail:
            seen = True
            elapsed = time.monotonic() - t0
            tracer = child_of(p.pid)
            if tracer:
                peak = hwm(tracer)
                os.kill(tracer, signal.SIGINT)
    # drain the terminal, so the tracer never blocks on it while it ends
    end = time.monotonic() + 5
    while p.poll() is None and time.monotonic() < end:
        if select.select([master], [], [], 0.1)[0]:
            try:
                os.read(master, 65536)
            except OSError:
                pass
    if p.poll() is None:
        tracer = child_of(p.pid)
        if tracer:
            os.kill(tracer, signal.SIGKILL)
        p.kill()
    p.wait()
    os.close(master)
    if not seen and p.returncode == 0:
        elapsed = time.monotonic() - t0
    if peak is None:
        try:
            peak = int(open(timefile.name).read().split()[-1])
        except (OSError, ValueError, IndexError):
            peak = 0
    if not seen and p.returncode != 0:
        text = re.sub(r"\x1b\[[0-9;]*m", "", head.decode("utf-8", "replace"))
        why = next((l for l in text.splitlines()
                    if "ERROR" in l and "RLIMIT_MEMLOCK" not in l),
                   "exit %s" % p.returncode)
        print("fail %s" % why.strip()[:120])
        sys.exit(1)
    print("ok %.3f %d" % (elapsed, peak))


if __name__ == "__main__":
    main()
