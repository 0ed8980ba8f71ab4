#!/usr/bin/env python3
"""zip_offset.py ZIP MEMBER SYMBOL — the offset in the ZIP archive of
function SYMBOL of the ELF executable MEMBER stored in it (not
compressed): where `testprogs/mmap_exec ZIP OFFSET` calls it.  Reads the
archive with zipfile and the ELF (64-bit, little-endian) by hand."""
import struct
import sys
import zipfile


def member_base(path, name):
    info = zipfile.ZipFile(path).getinfo(name)
    with open(path, "rb") as f:
        f.seek(info.header_offset)
        n, e = struct.unpack("<HH", f.read(30)[26:30])
    return info.header_offset + 30 + n + e, info.file_size


def symbol_offset(elf, sym):
    shoff, = struct.unpack_from("<Q", elf, 0x28)
    phoff, = struct.unpack_from("<Q", elf, 0x20)
    phentsize, phnum, shentsize, shnum = struct.unpack_from("<HHHH", elf, 0x36)
    secs = [struct.unpack_from("<IIQQQQIIQQ", elf, shoff + i * shentsize)
            for i in range(shnum)]
    vaddr = None
    for s in secs:
        if s[1] != 2:  # SHT_SYMTAB
            continue
        strtab = secs[s[6]]
        for k in range(s[5] // 24):
            name, info, _, _, value, _ = struct.unpack_from(
                "<IBBHQQ", elf, s[4] + k * 24)
            end = elf.index(b"\0", strtab[4] + name)
            if elf[strtab[4] + name:end] == sym.encode() and info & 15 == 2:
                vaddr = value
    for i in range(phnum):
        typ, _, off, va, _, filesz, _, _ = struct.unpack_from(
            "<IIQQQQQQ", elf, phoff + i * phentsize)
        if typ == 1 and va <= vaddr < va + filesz:
            return vaddr - va + off
    raise SystemExit("zip_offset.py: %s not found" % sym)


base, size = member_base(sys.argv[1], sys.argv[2])
with open(sys.argv[1], "rb") as f:
    f.seek(base)
    elf = f.read(size)
print(base + symbol_offset(elf, sys.argv[3]))
