#!/bin/sh
# tests/kernel/run.sh — the kernel test tier.
#
# Runs the suites in tests/kernel/suites/ (bpftrace's runtime-test format,
# see ../shared/bpftrace-runtime-tests/README.md section 2) through
# tests/compat/runner.py against the tinytrace just built: every script is
# loaded by this kernel's verifier and run against real events.
#
# One directive beyond bpftrace's format: REQUIRES_CAPABILITY NAME... for a
# test that needs hardware a machine or its hypervisor may lack (a hardware
# breakpoint that fires, a PMU counter).  testprogs/has_capability NAME
# tries it for real first; when it does not work the test is skipped with
# "missing capability: NAME" and the summary lists it (details in the
# header of tests/compat/runner.py).
#
# Environment (make check sets the first two, see TESTS_ENVIRONMENT):
#   TT_BIN            the tinytrace binary (default: src/tinytrace)
#   TT_SRCDIR         the source tree (default: two levels above this file)
#   TT_TESTPROGS      helper programs (default: tests/testprogs beside TT_BIN's
#                     build tree; `make testprogs` builds them)
#   KERNEL_FILTER     ':'-separated regexes on <suite>.<NAME>, '-' excludes
#   TT_TIMEOUT_SCALE  multiply every test timeout (slow machines)
#   CI                "true": a skip for lack of root/BPF is a failure (a
#                     test skipped for a missing capability is not)
#
# Needs root and a kernel that loads BPF programs; without them it says why
# and exits 77 (automake's SKIP), or 1 when CI=true.

srcdir=${TT_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
bin=${TT_BIN:-$srcdir/src/tinytrace}
builddir=$(cd "$(dirname "$bin")/.." 2>/dev/null && pwd)
testprogs=${TT_TESTPROGS:-$builddir/tests/testprogs}
testlibs=$(dirname "$testprogs")/testlibs

skip() {
	echo "********************************************************************"
	echo "* SKIPPING the kernel tests: $*"
	echo "********************************************************************"
	if [ "$CI" = true ]; then
		echo "CI=true: a skipped kernel test tier counts as a failure"
		exit 1
	fi
	exit 77
}

command -v python3 >/dev/null 2>&1 ||
	skip "python3 is not installed (apt-get install python3)"
command -v ps >/dev/null 2>&1 ||
	skip "ps is not installed (apt-get install procps)"
[ "$(id -u)" = 0 ] ||
	skip "they load BPF programs and need root (uid is $(id -u))"

# Can this kernel load a BPF program at all?  Load "r0 = 0; exit" as a
# socket filter with the raw bpf() system call.
bpf_err=$(python3 - <<'EOF'
import ctypes, os, platform
nr = {"x86_64": 321, "aarch64": 280, "s390x": 351, "ppc64le": 361,
      "riscv64": 280}.get(platform.machine())
if nr is None:
    raise SystemExit(0)          # unknown arch: let the tests find out
libc = ctypes.CDLL(None, use_errno=True)
insns = (ctypes.c_uint64 * 2)(0xb7, 0x95)   # mov64 r0, 0; exit
lic = ctypes.create_string_buffer(b"GPL")
attr = ctypes.create_string_buffer(128)
ctypes.memmove(attr, ctypes.byref(ctypes.c_uint32(1)), 4)  # SOCKET_FILTER
ctypes.memmove(ctypes.addressof(attr) + 4, ctypes.byref(ctypes.c_uint32(2)), 4)
ctypes.memmove(ctypes.addressof(attr) + 8,
               ctypes.byref(ctypes.c_uint64(ctypes.addressof(insns))), 8)
ctypes.memmove(ctypes.addressof(attr) + 16,
               ctypes.byref(ctypes.c_uint64(ctypes.addressof(lic))), 8)
fd = libc.syscall(nr, 5, attr, 128)          # BPF_PROG_LOAD
if fd < 0:
    print(os.strerror(ctypes.get_errno()))
else:
    os.close(fd)
EOF
)
[ -z "$bpf_err" ] ||
	skip "this kernel refuses to load a BPF program ($bpf_err)"

[ -x "$bin" ] || { echo "run.sh: no tinytrace binary at $bin" >&2; exit 1; }
if [ ! -x "$testprogs/syscall" ] || [ ! -x "$testprogs/has_capability" ]; then
	echo "run.sh: no helper programs in $testprogs (run make testprogs)" >&2
	exit 1
fi

exec python3 "$srcdir/tests/compat/runner.py" --tool "$bin" \
	--data "$srcdir/tests/kernel/suites" \
	--testprogs "$testprogs" --testlibs "$testlibs" \
	--filter "${KERNEL_FILTER:-}" \
	--timeout-scale "${TT_TIMEOUT_SCALE:-1}" -v
