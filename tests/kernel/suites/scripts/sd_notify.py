#!/usr/bin/env python3
"""Stands in for systemd's Type=notify: binds a unix datagram socket (a
file, or with "abstract" a name in the abstract namespace), runs the
command with NOTIFY_SOCKET naming it, prints the first message it sends
and the command's exit status.
Usage: sd_notify.py path|abstract COMMAND..."""
import os
import socket
import subprocess
import sys
import tempfile

d = tempfile.mkdtemp()
abstract = sys.argv[1] == "abstract"
addr = "\0tt-notify-%d" % os.getpid() if abstract else os.path.join(d, "notify")
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(addr)
s.settimeout(5)
env = dict(os.environ, NOTIFY_SOCKET="@" + addr[1:] if abstract else addr)
p = subprocess.Popen(sys.argv[2:], env=env)
try:
    print("notified:", s.recv(256).decode(), flush=True)
except socket.timeout:
    print("no notification", flush=True)
print("exit:", p.wait(), flush=True)
if not abstract:
    os.unlink(addr)
os.rmdir(d)
