#!/bin/sh
# tests/vm/run.sh — the VM test tier (DESIGN.md "Testing tiers", 4).
#
# Boots ONE Debian kernel under qemu-system-x86_64 (software emulation,
# -cpu max, no KVM) with an initramfs holding busybox-static and a static
# tinytrace (tests/vm/run-vm.sh), runs every case of tests/vm/tests.sh in
# it, prints the results and exits 0 (all passed) or 1.  These are the
# probe types this machine's kernel may refuse (kprobe, kretprobe, fentry,
# fexit, with their wildcards, arguments and DESIGN.md invariant 2) and
# the initramfs use case (tracefs not mounted, --info, BEGIN/END,
# tracepoints).  Then tests/vm/initramfs.sh boots a Debian initramfs made
# by mkinitramfs with examples/initramfs twice: boot-time tracing.
#
# The static tinytrace, first found:
#   TT_STATIC_BIN     a statically linked tinytrace
#   TT_BIN            when TT_STATIC=yes (a --enable-static-binary build)
#   otherwise linked here, statically, from the objects of TT_BIN's build
#   (src/main.o and src/libtt.a beside it; `pkg-config --static`, $TT_CC)
# Other environment:
#   TT_SRCDIR         the source tree (default: two levels above this file)
#   TT_VM_KERNEL      the kernel to boot (default: the newest /boot/vmlinuz-*)
#   TT_VM_TIMEOUT     seconds for the whole VM run (default 900)
#   CI                "true": a skip (no qemu, busybox-static, cpio or
#                     kernel) is a failure
# Needs the Debian packages qemu-system-x86, busybox-static, cpio and
# linux-image-amd64 (and file, gzip; initramfs-tools and e2fsprogs for
# the initramfs boots); not root, not KVM.

srcdir=${TT_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
vmdir=$srcdir/tests/vm

skip() {
	echo "********************************************************************"
	echo "* SKIPPING the VM tests: $*"
	echo "********************************************************************"
	if [ "$CI" = true ]; then
		echo "CI=true: a skipped VM test tier counts as a failure"
		exit 1
	fi
	exit 77
}

need() {
	command -v "$1" >/dev/null 2>&1 ||
		skip "$1 is not installed (apt-get install $2)"
}
need qemu-system-x86_64 qemu-system-x86
need busybox busybox-static
need cpio cpio
need gzip gzip
need file file
file -L "$(command -v busybox)" | grep -q 'statically linked' ||
	skip "busybox is not statically linked (apt-get install busybox-static)"
kernel=${TT_VM_KERNEL:-$(ls /boot/vmlinuz-* 2>/dev/null | sort -V | tail -n 1)}
[ -n "$kernel" ] ||
	skip "no kernel in /boot (apt-get install linux-image-amd64)"
[ -e "$kernel" ] ||
	skip "$kernel does not exist (apt-get install linux-image-amd64)"
[ -r "$kernel" ] ||
	skip "$kernel is not readable (uid $(id -u); Debian installs it 0600 root)"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/tt-vm.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT

static() { file -L "$1" 2>/dev/null | grep -q 'statically linked'; }

bin=${TT_STATIC_BIN:-}
if [ -n "$bin" ]; then
	static "$bin" || { echo "run.sh: TT_STATIC_BIN=$bin is not a static binary" >&2; exit 1; }
elif [ "${TT_STATIC:-no}" = yes ] && [ -n "${TT_BIN:-}" ] && static "$TT_BIN"; then
	bin=$TT_BIN
else
	dyn=${TT_BIN:-$srcdir/src/tinytrace}
	objdir=$(dirname "$dyn")
	if static "$dyn"; then
		bin=$dyn
	elif [ -f "$objdir/main.o" ] && [ -f "$objdir/libtt.a" ]; then
		libs=$(pkg-config --static --libs libbpf libelf zlib 2>&1) ||
			skip "pkg-config cannot name the static libraries: $libs"
		bin=$tmp/tinytrace
		if ! ${TT_CC:-${CC:-cc}} -static -o "$bin" "$objdir/main.o" "$objdir/libtt.a" \
			$libs > "$tmp/link.log" 2>&1; then
			cat "$tmp/link.log"
			skip "cannot link a static tinytrace from $objdir (libbpf.a, libelf.a and libz.a come with libbpf-dev, libelf-dev and zlib1g-dev)"
		fi
	else
		echo "run.sh: no static tinytrace: set TT_STATIC_BIN, or build $objdir/main.o and libtt.a (make)" >&2
		exit 1
	fi
fi

# What the kernel's config says tests.sh cannot see from inside (Debian
# kernels do not expose /proc/config.gz): kprobe_multi needs CONFIG_FPROBE.
config=/boot/config-$(basename "$kernel" | sed 's/^vmlinuz-//')
fprobe=
if [ -r "$config" ]; then
	if grep -q '^CONFIG_FPROBE=y' "$config"; then fprobe=y; else fprobe=n; fi
fi
{
	echo "TT_VM_FPROBE=$fprobe"
	cat "$vmdir/lib.sh" "$vmdir/tests.sh"
} > "$tmp/tests.sh"

# Static helper programs the VM cases run: the capability probe (under
# qemu's emulation, hardware breakpoints fire, so its "yes" answer is
# checked there), a program to set a watchpoint on, and a memory hog
# (tests/vm/memhog.c) for the OOM and swap tools.
extra=
for p in testprogs/has_capability testprogs/watchpoint_threaded vm/memhog; do
	c=$srcdir/tests/$p.c p=${p#*/}
	if ! ${TT_CC:-${CC:-cc}} -static -O1 -pthread -o "$tmp/$p" \
		"$c" 2>"$tmp/$p.err"; then
		cat "$tmp/$p.err" >&2
		echo "run.sh: cannot build a static $p for the VM" >&2
		exit 1
	fi
	extra="$extra $tmp/$p"
done
export TT_VM_EXTRA="$extra"

# Modules of the booted kernel the tools need, when its modules are
# installed here: brd (a RAM disk to swap to, for swapin.bt)
kver=${kernel##*/vmlinuz-}
mods=
for m in drivers/block/brd.ko; do
	[ -f "/lib/modules/$kver/kernel/$m" ] && mods="$mods /lib/modules/$kver/kernel/$m"
done
export TT_VM_MODULES="$mods"

# bpftrace's kprobe/kfunc tools, unmodified (tests/vm/tools.sh), when their
# directory is there (TT_BPFTRACE_TOOLS, default ../shared/bpftrace-docs/
# tools beside the source tree)
tools=${TT_BPFTRACE_TOOLS:-$(dirname "$srcdir")/shared/bpftrace-docs/tools}
if [ -f "$tools/execsnoop.bt" ]; then
	export TT_VM_TOOLS="$tools" TT_VM_TOOLS_SH="$vmdir/tools.sh"
else
	echo "run.sh: no bpftrace tools in $tools: the VM skips them"
fi

# The scripts of examples/ that need this VM (tests/vm/examples.sh runs
# the rows of tests/examples/cases marked vm)
if [ -f "$srcdir/tests/examples/cases" ]; then
	export TT_VM_EXAMPLES="$srcdir/examples" \
		TT_VM_EXAMPLES_CASES="$srcdir/tests/examples/cases" \
		TT_VM_EXAMPLES_SH="$vmdir/examples.sh"
fi

echo "VM: $kernel, tinytrace: $bin ($(wc -c < "$bin") bytes)"
start=$(date +%s)
sh "$vmdir/run-vm.sh" "$bin" "$tmp/tests.sh" "${TT_VM_TIMEOUT:-900}"
st=$?
echo "VM run: $(($(date +%s) - start)) s"
[ $st = 77 ] && skip "run-vm.sh could not start the VM"

# Boot-time tracing from a Debian initramfs (examples/initramfs): two more
# boots, of an initramfs made by mkinitramfs with the example's hook
start=$(date +%s)
sh "$vmdir/initramfs.sh" "$bin" "$kernel"
ist=$?
echo "initramfs boots: $(($(date +%s) - start)) s"
if [ $ist = 77 ]; then
	echo "********************************************************************"
	echo "* SKIPPED the initramfs boots (above: what is missing)"
	echo "********************************************************************"
	[ "$CI" = true ] && { echo "CI=true: a skip counts as a failure"; exit 1; }
elif [ $ist != 0 ]; then
	st=1
fi
[ $st = 0 ]
