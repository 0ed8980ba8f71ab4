#!/usr/bin/env python3
"""bench/proginfo.py PID: one line per BPF program the process PID holds:
"ID NAME XLATED VERIFIED ATTACH" -- the program's id and name, its size after
the kernel's rewrites (xlated, in instructions), the number of instructions
the verifier processed (bpf_prog_info.verified_insns, kernel 5.16+; 0 when
the kernel does not report it) and where it is attached: the first (sorted)
of its attach points the process holds a perf event or raw tracepoint link
for, as TYPE:NAME[+OFFSET] (BPF_TASK_FD_QUERY: a tracepoint's or raw
tracepoint's name, a kprobe's function, a uprobe's file and offset), "-"
when none answers (BEGIN/END, uprobe_multi links). Reads the ids from
/proc/PID/fdinfo and the rest with BPF_PROG_GET_FD_BY_ID and
BPF_OBJ_GET_INFO_BY_FD (needs root)."""
import ctypes, glob, os, struct, sys

SYS_BPF = {"x86_64": 321, "aarch64": 280}.get(os.uname().machine, 321)
BPF_PROG_GET_FD_BY_ID, BPF_OBJ_GET_INFO_BY_FD, BPF_TASK_FD_QUERY = 13, 15, 20
INFO_LEN = 256  # bpf_prog_info up to and past verified_insns (offset 216)
libc = ctypes.CDLL(None, use_errno=True)


def bpf(cmd, attr):
    buf = ctypes.create_string_buffer(attr, 128)
    return libc.syscall(SYS_BPF, cmd, buf, 128)


def prog_ids(pid):
    ids = []
    for f in glob.glob("/proc/%s/fdinfo/*" % pid):
        try:
            text = open(f).read()
        except OSError:
            continue
        if "prog_type:" not in text:  # a link's fdinfo names its prog_id too
            continue
        for line in text.splitlines():
            if line.startswith("prog_id:"):
                i = int(line.split()[1])
                if i not in ids:
                    ids.append(i)
    return sorted(ids)


def info(pid_id):
    fd = bpf(BPF_PROG_GET_FD_BY_ID, struct.pack("I", pid_id))
    if fd < 0:
        return None
    out = ctypes.create_string_buffer(INFO_LEN)
    attr = struct.pack("IIQ", fd, INFO_LEN, ctypes.addressof(out))
    r = bpf(BPF_OBJ_GET_INFO_BY_FD, attr)
    os.close(fd)
    if r < 0:
        return None
    raw = out.raw
    xlated = struct.unpack_from("I", raw, 20)[0] // 8
    name = raw[64:80].split(b"\0")[0].decode(errors="replace") or "-"
    verified = struct.unpack_from("I", raw, 216)[0]
    return name, xlated, verified


FD_TYPES = {0: "raw_tracepoint", 1: "tracepoint", 2: "kprobe", 3: "kretprobe",
            4: "uprobe", 5: "uretprobe"}


def attach_points(pid):
    """{prog id: sorted attach point keys} from BPF_TASK_FD_QUERY on each
    of PID's file descriptors (perf events, raw tracepoint links)."""
    where = {}
    for f in glob.glob("/proc/%s/fd/*" % pid):
        fd = int(os.path.basename(f))
        name = ctypes.create_string_buffer(4096)
        attr = ctypes.create_string_buffer(
            struct.pack("IIIIQ", int(pid), fd, 0, 4096, ctypes.addressof(name)), 128)
        if libc.syscall(SYS_BPF, BPF_TASK_FD_QUERY, attr, 128) < 0:
            continue
        prog_id, fd_type, off, addr = struct.unpack_from("IIQQ", attr.raw, 24)
        key = "%s:%s" % (FD_TYPES.get(fd_type, fd_type),
                         name.value.decode(errors="replace") or hex(addr))
        if off:
            key += "+%#x" % off
        where.setdefault(prog_id, set()).add(key.replace(" ", "_"))
    return {k: sorted(v) for k, v in where.items()}


where = attach_points(sys.argv[1])
for i in prog_ids(sys.argv[1]):
    r = info(i)
    if r:
        print(i, *r, where.get(i, ["-"])[0])
