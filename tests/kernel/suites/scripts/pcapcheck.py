#!/usr/bin/env python3
"""pcapcheck.py FILE — summarises a pcap file skboutput() wrote, then
removes it:
  pcap: magic M, version 2.4, link type L, N packets
  first: SRC > DST proto P, LEN bytes, T seconds from now
for the first packet that is IPv4 (LEN: its IP total length, which must
equal the bytes captured).  Exit status 1 if the file is not pcap."""
import os
import struct
import sys
import time

path = sys.argv[1]
with open(path, "rb") as f:
    data = f.read()
os.unlink(path)
if len(data) < 24:
    sys.exit("pcapcheck.py: %d bytes: no pcap header" % len(data))
magic, major, minor, _, _, _, link = struct.unpack("<IHHiIII", data[:24])
at, packets, first = 24, 0, None
while at + 16 <= len(data):
    sec, usec, incl, orig = struct.unpack("<IIII", data[at:at + 16])
    pkt = data[at + 16:at + 16 + incl]
    at += 16 + incl
    packets += 1
    if first is None and len(pkt) >= 20 and pkt[0] >> 4 == 4:
        total = struct.unpack(">H", pkt[2:4])[0]
        first = "first: %s > %s proto %d, %s, %d seconds from now" % (
            ".".join(map(str, pkt[12:16])), ".".join(map(str, pkt[16:20])),
            pkt[9], "whole" if total == incl == orig else
            "%d of %d bytes" % (incl, total),
            abs(round(sec + usec / 1e6 - time.time())))
print("pcap: magic %#x, version %d.%d, link type %d, %s packets" %
      (magic, major, minor, link, "some" if packets else "no"))
print(first or "first: no IPv4 packet")
