#!/usr/bin/env python3
"""robust.py — run tinytrace under a hostile scenario and report what
the kernel and the process table look like afterwards (suite 'robustness').

usage: robust.py [options] TOOL ARGS...

Runs TOOL ARGS... (stdout and stderr to a pipe), watching
/proc/PID/fdinfo for the BPF programs, maps and links it holds (their ids,
recorded while it runs: other tracers may run beside it); sends signals as
asked; waits for it to exit.  Then prints, one per line:

  exit: N | exit: signal NAME    how it ended
  hung: no | hung: yes           "yes": still running after --timeout
                                 seconds (it is then SIGKILLed)
  held: P programs, L links, E perf events   the most seen at one time
  left: N objects                programs, maps and links it held that
                                 the kernel still has after its exit
                                 and its teardown (below)
                                 (looked up by id with bpf(2))
  perf events left: N            perf events that still run one of its
                                 programs or that its processes hold
                                 (`bpftool perf list` when installed,
                                 else /proc of the -c commands)
  children left: N               -c commands still running (a second
                                 after its exit)
  teardown: N processes, K other fds   the processes it left to close
                                 its perf events (named tinytrace-detac,
                                 found as this script's orphans: it is a
                                 child subreaper) and the fds they held
                                 that were not perf events or their pipe
                                 (BPF objects, the output pipe: K = 0)
  teardown left: N               of those, still running --teardown
                                 seconds after its exit (waited for
                                 before "perf events left" is counted)
  output lines: N                lines it wrote
and with -v the tool's output, indented; with --stderr its stderr lines
as "stderr: LINE".  Under the test harness (__BPFTRACE_NOTIFY_PROBES_ATTACHED
set) its notification line comes first: this script keeps its own time.

Options:
  --signal SIG      INT, TERM, ...: send it once the tool says it has
                    attached (the notify line), after --delay seconds
  --random-signal SECS  send --signal at a random moment in the first
                    SECS seconds after the start instead (compiling,
                    loading, attaching, BEGIN ...), --iterations times
  --again SECS      send the signal a second time SECS seconds after the
                    first (during END and the map printout)
  --read-lines N    read N lines of stdout, then close the pipe (SIGPIPE)
  --slow-reader     read stdout 4 KiB at a time, 2 ms apart (slower than
                    a fast event source fills the ring buffer)
  --stderr          stderr to a file, shown as "stderr: " lines, instead
                    of into the stdout pipe
  --tmpfs SIZE      mount a tmpfs of SIZE (e.g. 64k) on a new directory
                    and replace the word TMPFS in ARGS by its path (a full
                    disk for -o); unmounted afterwards
  --ignore-term-child  replace the word CHILD in ARGS by a script that
                    ignores SIGTERM and sleeps 30 s (for -c)
  --timeout SECS    how long it may take to exit (default 5)
  --teardown SECS   how long its teardown processes may take (default 60)
"""
import argparse
import ctypes
import json
import os
import platform
import random
import re
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time

NOTIFY = "__BPFTRACE_NOTIFY_PROBES_ATTACHED"

_libc = ctypes.CDLL(None, use_errno=True)
_NR_BPF = {"x86_64": 321, "aarch64": 280, "s390x": 351, "ppc64le": 361,
           "riscv64": 280}.get(platform.machine(), 321)
BPF_PROG_GET_FD_BY_ID, BPF_MAP_GET_FD_BY_ID, BPF_LINK_GET_FD_BY_ID = 13, 14, 30


def bpf_id_exists(cmd, ident):
    """True when the kernel still has the BPF object with this id."""
    attr = ctypes.create_string_buffer(16)
    ctypes.memmove(attr, ctypes.byref(ctypes.c_uint32(ident)), 4)
    fd = _libc.syscall(_NR_BPF, cmd, attr, 16)
    if fd >= 0:
        os.close(fd)
        return True
    return ctypes.get_errno() != 2  # ENOENT: gone


def scan_fds(pid, seen):
    """Adds the BPF objects pid holds to seen; returns how many programs,
    links and perf events it holds right now."""
    now = {"prog": 0, "link": 0, "perf": 0}
    try:
        fds = os.listdir("/proc/%d/fd" % pid)
    except OSError:
        return now
    for fd in fds:
        try:
            target = os.readlink("/proc/%d/fd/%s" % (pid, fd))
            if target == "anon_inode:[perf_event]":
                now["perf"] += 1
                continue
            kind = {"anon_inode:bpf-prog": "prog",
                    "anon_inode:bpf_link": "link",
                    "anon_inode:bpf-map": "map"}.get(target)
            if not kind:
                continue
            with open("/proc/%d/fdinfo/%s" % (pid, fd)) as f:
                info = f.read()
        except OSError:
            continue
        if kind in now:
            now[kind] += 1
        for key, cmd in (("prog_id", BPF_PROG_GET_FD_BY_ID),
                         ("map_id", BPF_MAP_GET_FD_BY_ID),
                         ("link_id", BPF_LINK_GET_FD_BY_ID)):
            m = re.search(r"^%s:\s*(\d+)" % key, info, re.M)
            if m:
                seen.add((cmd, int(m.group(1))))
    return now


def bpftool_json(*args):
    try:
        r = subprocess.run(["bpftool", "-j"] + list(args), timeout=20,
                           stdout=subprocess.PIPE,
                           stderr=subprocess.DEVNULL)
        return json.loads(r.stdout or b"[]")
    except (OSError, ValueError, subprocess.TimeoutExpired):
        return []


def perf_events_left(seen, pids):
    """Perf events still running one of the programs in seen, or held by
    one of pids (the tool and its -c commands)."""
    progs = {i for cmd, i in seen if cmd == BPF_PROG_GET_FD_BY_ID}
    if shutil.which("bpftool"):
        return sum(1 for e in bpftool_json("perf", "list")
                   if e.get("prog_id") in progs or e.get("pid") in pids)
    n = 0
    for pid in pids:
        try:
            for fd in os.listdir("/proc/%d/fd" % pid):
                if os.readlink("/proc/%d/fd/%s" % (pid, fd)) == \
                        "anon_inode:[perf_event]":
                    n += 1
        except OSError:
            pass
    return n


def comm_of(pid):
    try:
        with open("/proc/%d/comm" % pid) as f:
            return f.read().strip()
    except OSError:
        return ""


def other_fds(pid):
    """fds of pid that are neither perf events nor pipes."""
    n = 0
    try:
        for fd in os.listdir("/proc/%d/fd" % pid):
            t = os.readlink("/proc/%d/fd/%s" % (pid, fd))
            if t != "anon_inode:[perf_event]" and not t.startswith("pipe:"):
                n += 1
    except OSError:
        pass
    return n


def reap(pid):
    """True once pid (a child of this process) has exited; reaps it."""
    try:
        return os.waitpid(pid, os.WNOHANG)[0] == pid
    except ChildProcessError:
        return True


def teardown_wait(secs):
    """The tool's teardown processes (orphans reparented to this
    subreaper): how many, the other fds they held, how many still run
    after secs."""
    procs, other = set(), 0
    end = time.time() + secs
    while True:
        for k in children_of(os.getpid()):
            if k not in procs and comm_of(k) == "tinytrace-detac":
                procs.add(k)
                other += other_fds(k)
        running = [k for k in procs if not reap(k)]
        if not running or time.time() > end:
            return len(procs), other, len(running)
        time.sleep(0.02)


def children_of(pid):
    kids = []
    try:
        for tid in os.listdir("/proc/%d/task" % pid):
            with open("/proc/%d/task/%s/children" % (pid, tid)) as f:
                kids += [int(x) for x in f.read().split()]
    except OSError:
        pass
    return kids


def alive(pid):
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().split(") ")[-1][0] != "Z"
    except OSError:
        return False


def run_once(a, argv, rnd):
    err = tempfile.TemporaryFile() if a.stderr else subprocess.STDOUT
    p = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=err, bufsize=0)
    out = b""
    seen, kids = set(), set()
    most = {"prog": 0, "link": 0, "perf": 0}
    start = time.time()
    attached_at = None
    sent = []          # times a signal went out
    sig = getattr(signal, "SIG" + a.signal) if a.signal else None
    fire_at = start + rnd.uniform(0, a.random_signal) if a.random_signal \
        else None
    closed = False
    lines_read = 0
    deadline = None
    while True:
        now = time.time()
        held = scan_fds(p.pid, seen)
        for k in most:
            most[k] = max(most[k], held[k])
        kids.update(children_of(p.pid))
        if sig and not sent:
            if fire_at is not None and now >= fire_at:
                sent.append(now)
            elif fire_at is None and attached_at is not None and \
                    now >= attached_at + a.delay:
                sent.append(now)
            if sent:
                try:
                    p.send_signal(sig)
                except ProcessLookupError:
                    pass
                deadline = now + a.timeout
        elif sig and a.again is not None and len(sent) == 1 and \
                now >= sent[0] + a.again:
            sent.append(now)
            try:
                p.send_signal(sig)
            except ProcessLookupError:
                pass
        if not closed:
            r, _, _ = select.select([p.stdout], [], [], 0.01)
            if r and a.slow_reader:
                time.sleep(0.002)
            if r:
                chunk = os.read(p.stdout.fileno(),
                                4096 if a.slow_reader else 65536)
                if not chunk:
                    closed = True
                out += chunk
                if attached_at is None and NOTIFY.encode() in out:
                    attached_at = time.time()
                    if not sig and deadline is None:
                        deadline = attached_at + a.timeout
                if a.read_lines is not None and attached_at is not None:
                    body = out.split(NOTIFY.encode() + b"\n", 1)[-1]
                    if body.count(b"\n") >= a.read_lines:
                        p.stdout.close()
                        closed = True
                        deadline = time.time() + a.timeout
        else:
            time.sleep(0.01)
        if p.poll() is not None:
            break
        if deadline is None:
            deadline = start + a.timeout + 10  # compiling, loading
        if time.time() > deadline:
            break
    hung = p.poll() is None
    if hung:
        p.kill()
        p.wait()
    # the rest of the output; a -c command's own children may hold the
    # pipe open after the tool is gone: read for at most a second
    end = time.time() + 1
    while not closed and time.time() < end:
        r, _, _ = select.select([p.stdout], [], [], 0.05)
        if r:
            chunk = os.read(p.stdout.fileno(), 65536)
            if not chunk:
                break
            out += chunk
    # its teardown process first: the grace periods it waits for are the
    # ones that free the programs' maps
    tear = teardown_wait(a.teardown)
    # the kernel frees objects once their last reference goes; give RCU a
    # moment
    left = seen
    for _ in range(40):
        left = {x for x in left if bpf_id_exists(*x)}
        if not left:
            break
        time.sleep(0.05)
    # a -c command is killed when the tool dies (PR_SET_PDEATHSIG): give
    # it a second
    for _ in range(100):
        kids_left = [k for k in kids if alive(k)]
        if not kids_left:
            break
        time.sleep(0.01)
    perf_left = perf_events_left(seen, {p.pid} | kids)
    for k in kids_left:
        os.kill(k, signal.SIGKILL)
    rc = p.returncode
    status = ("signal " + signal.Signals(-rc).name) if rc < 0 else str(rc)
    errtext = b""
    if a.stderr:
        err.seek(0)
        errtext = err.read()
        err.close()
    for cmd, ident in sorted(left):
        kind = {BPF_PROG_GET_FD_BY_ID: "program", BPF_MAP_GET_FD_BY_ID:
                "map", BPF_LINK_GET_FD_BY_ID: "link"}[cmd]
        errtext += b"left: %s id %d\n" % (kind.encode(), ident)
    return (status, hung, most, len(left), len(kids_left), out, perf_left,
            errtext, tear)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--signal")
    ap.add_argument("--delay", type=float, default=0.2)
    ap.add_argument("--random-signal", type=float)
    ap.add_argument("--iterations", type=int, default=1)
    ap.add_argument("--again", type=float)
    ap.add_argument("--read-lines", type=int)
    ap.add_argument("--slow-reader", action="store_true")
    ap.add_argument("--stderr", action="store_true")
    ap.add_argument("--tmpfs")
    ap.add_argument("--ignore-term-child", action="store_true")
    ap.add_argument("--timeout", type=float, default=5)
    ap.add_argument("--teardown", type=float, default=60)
    ap.add_argument("-v", action="store_true")
    ap.add_argument("argv", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    # the runner's --timeout-scale (a slow machine, a sanitizer build)
    a.timeout *= float(os.environ.get("TT_TIMEOUT_SCALE") or 1)
    # orphans (the tool's teardown process) become this process's children
    _libc.prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER
    argv = a.argv[1:] if a.argv[:1] == ["--"] else a.argv
    tmp = None
    if a.ignore_term_child:
        tmp = tempfile.NamedTemporaryFile("w", suffix=".sh", delete=False)
        # an ignored signal stays ignored across exec: sleep ignores it
        tmp.write("#!/bin/sh\ntrap '' TERM\nexec sleep 30\n")
        tmp.close()
        os.chmod(tmp.name, 0o755)
        argv = [tmp.name if w == "CHILD" else w for w in argv]
    mnt = None
    if a.tmpfs:
        mnt = tempfile.mkdtemp(prefix="tt-tmpfs-")
        subprocess.run(["mount", "-t", "tmpfs", "-o", "size=" + a.tmpfs,
                        "tinytrace-test", mnt], check=True)
        argv = [w.replace("TMPFS", mnt) for w in argv]
    # this script keeps its own time (--timeout): the test harness's
    # TIMEOUT may count from now, not from a notification it never sees
    if os.environ.get(NOTIFY):
        print(NOTIFY, flush=True)
    rnd = random.Random()
    worst = None
    try:
        for _ in range(a.iterations):
            res = run_once(a, argv, rnd)
            status, hung, most, left, kids_left, out, perf_left, _, tear = res
            bad = hung or left or kids_left or perf_left or tear[1] or tear[2]
            if worst is None or bad:
                worst = res
            if bad:
                break
    finally:
        if tmp:
            os.unlink(tmp.name)
        if mnt:
            subprocess.run(["umount", mnt])
            os.rmdir(mnt)
    status, hung, most, left, kids_left, out, perf_left, errtext, tear = worst
    text = out.decode("utf-8", "replace")
    print("exit: %s" % status)
    print("hung: %s" % ("yes" if hung else "no"))
    print("held: %d programs, %d links, %d perf events" %
          (most["prog"], most["link"], most["perf"]))
    print("left: %d objects" % left)
    print("perf events left: %d" % perf_left)
    print("children left: %d" % kids_left)
    print("teardown: %d processes, %d other fds" % tear[:2])
    print("teardown left: %d" % tear[2])
    print("output lines: %d" % text.count("\n"))
    for line in errtext.decode("utf-8", "replace").splitlines():
        print("stderr: " + line)
    lines = [l for l in text.splitlines() if a.v or not l.startswith(NOTIFY)]
    if len(lines) > 20000:
        lines = lines[:10000] + ["  ..."] + lines[-10000:]
    for line in lines:
        print("  " + line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
