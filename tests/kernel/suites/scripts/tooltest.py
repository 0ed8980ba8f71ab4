#!/usr/bin/env python3
"""Run one of bpftrace's tools, unmodified, against a workload.

usage: tooltest.py [options] TINYTRACE TOOL.bt [TOOL ARGS...]

TOOL.bt is a path relative to bpftrace's tools directory ($TT_BPFTRACE_TOOLS,
default: ../shared/bpftrace-docs/tools beside the source tree this script is
in).  The script copies it byte for byte into a temporary directory (checks
the copy is identical), runs `TINYTRACE COPY ARGS`, waits until the tool says
its probes are attached (__BPFTRACE_NOTIFY_PROBES_ATTACHED), then runs the
workload (--workload, a shell command, again and again for --time seconds;
$W is a scratch directory for it, $TOOLS the tools directory), sends
SIGINT, and waits for the tool to end.

Prints the tool's stdout lines as they are, then "stderr: LINE" for each
stderr line, "exit: N" (or "exit: signal NAME", "exit: hung" when SIGINT did
not end it within 15 s, then it is killed), and for each --match REGEX
"match REGEX: yes|no" (yes when a stdout line matches the whole regex; in
REGEX, {pid} stands for the pids of the workload's shells, {comm} for the
--comm name).  --check only says whether the tools directory is there
(exit 0/1), for REQUIRES.  --setup and --cleanup run once before the tool
starts and after it ended (shell commands, with $W), e.g. a loop device.

--comm NAME: the workload's commands can run as `$W/NAME ...`, a symlink to
--comm-target (default /bin/sleep), so their comm is NAME.

Under the test harness (__BPFTRACE_NOTIFY_PROBES_ATTACHED set) it prints
that line itself at once: it keeps its own time, scaled by
TT_TIMEOUT_SCALE.
"""

import argparse
import filecmp
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

NOTIFY = "__BPFTRACE_NOTIFY_PROBES_ATTACHED"


def tools_dir():
    d = os.environ.get("TT_BPFTRACE_TOOLS")
    if d:
        return d
    here = os.path.dirname(os.path.realpath(__file__))
    src = os.path.normpath(os.path.join(here, "..", "..", "..", ".."))
    return os.path.join(os.path.dirname(src), "shared", "bpftrace-docs",
                        "tools")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--time", type=float, default=2.0)
    ap.add_argument("--workload", default="")
    ap.add_argument("--setup", default="")
    ap.add_argument("--cleanup", default="")
    ap.add_argument("--comm", default="")
    ap.add_argument("--comm-target", default="/bin/sleep")
    ap.add_argument("--match", action="append", default=[])
    ap.add_argument("--check", action="store_true")
    ap.add_argument("tool", nargs="?")
    ap.add_argument("script", nargs="?")
    ap.add_argument("args", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    tdir = tools_dir()
    if a.check:
        ok = os.path.isfile(os.path.join(tdir, "execsnoop.bt"))
        if not ok:
            print("no bpftrace tools in %s (set TT_BPFTRACE_TOOLS)" % tdir)
        return 0 if ok else 1
    if not a.tool or not a.script:
        ap.error("TINYTRACE and TOOL.bt are needed")
    scale = float(os.environ.get("TT_TIMEOUT_SCALE", "1") or 1)
    harness = bool(os.environ.get(NOTIFY))
    if harness:
        print(NOTIFY, flush=True)

    w = tempfile.mkdtemp(prefix="tt-tool-")
    try:
        return run(a, tdir, w, scale)
    finally:
        shutil.rmtree(w, ignore_errors=True)


def run(a, tdir, w, scale):
    src = os.path.join(tdir, a.script)
    copy = os.path.join(w, os.path.basename(a.script))
    shutil.copyfile(src, copy)
    if not filecmp.cmp(src, copy, shallow=False):
        print("copy of %s differs" % src)
        return 1
    env = dict(os.environ)
    env["W"] = w
    env["TOOLS"] = tdir
    env[NOTIFY] = "1"
    if a.comm:
        os.symlink(a.comm_target, os.path.join(w, a.comm))
    if a.setup:
        r = subprocess.run(["/bin/sh", "-c", a.setup], env=env,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           universal_newlines=True)
        if r.returncode != 0:
            print("setup failed (%d): %s" % (r.returncode, r.stdout))
            return 1
    out = open(os.path.join(w, "stdout"), "w+b")
    err = open(os.path.join(w, "stderr"), "w+b")
    tool_env = {k: v for k, v in env.items() if k not in ("W", "TOOLS")}
    p = subprocess.Popen([a.tool, copy] + a.args, stdin=subprocess.DEVNULL,
                         stdout=out, stderr=err, env=tool_env,
                         start_new_session=True)
    pids = []
    status = None
    try:
        deadline = time.monotonic() + 60 * scale
        attached = False
        while time.monotonic() < deadline and p.poll() is None:
            with open(out.name, "rb") as f:
                if NOTIFY.encode() in f.read():
                    attached = True
                    break
            time.sleep(0.05)
        if attached:
            end = time.monotonic() + a.time
            while a.workload and time.monotonic() < end:
                wp = subprocess.Popen(["/bin/sh", "-c", a.workload], env=env,
                                      stdin=subprocess.DEVNULL,
                                      stdout=subprocess.DEVNULL,
                                      stderr=subprocess.DEVNULL)
                pids.append(wp.pid)
                try:
                    wp.wait(timeout=30 * scale)
                except subprocess.TimeoutExpired:
                    wp.kill()
                    wp.wait()
                time.sleep(0.05)
            while time.monotonic() < end:
                time.sleep(0.05)
            # let the last events reach the output before the signal
            time.sleep(0.3)
        if p.poll() is None:
            os.kill(p.pid, signal.SIGINT)
        try:
            status = p.wait(timeout=15 * scale)
        except subprocess.TimeoutExpired:
            status = "hung"
    finally:
        if p.poll() is None:
            os.killpg(p.pid, signal.SIGKILL)
            p.wait()
        if a.cleanup:
            subprocess.run(["/bin/sh", "-c", a.cleanup], env=env,
                           stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
    out.seek(0)
    err.seek(0)
    lines = out.read().decode("utf-8", "replace").splitlines()
    lines = [l for l in lines if l != NOTIFY]
    for l in lines:
        print(l)
    for l in err.read().decode("utf-8", "replace").splitlines():
        print("stderr: " + l)
    if isinstance(status, int) and status < 0:
        print("exit: signal " + signal.Signals(-status).name)
    else:
        print("exit: %s" % status)
    pid_re = "(?:%s)" % "|".join(str(x) for x in pids) if pids else "(?!)"
    for m in a.match:
        rx = m.replace("{pid}", pid_re).replace("{comm}", re.escape(a.comm))
        ok = any(re.fullmatch(rx, l) for l in lines)
        print("match %s: %s" % (m, "yes" if ok else "no"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
