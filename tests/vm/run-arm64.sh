#!/bin/sh
# tests/vm/run-arm64.sh — the arm64 VM tier (`make check-vm-arm64`).
#
# Builds a static aarch64 tinytrace with Debian's cross compiler
# (configure --host=aarch64-linux-gnu --enable-static-binary, in
# $TT_BUILDDIR/build-arm64 from a clean copy of the sources:
# make distdir), boots Debian's arm64 kernel under qemu-system-aarch64
# -M virt -cpu max (software emulation) with an initramfs of the arm64
# busybox-static, that tinytrace and tests/vm/armprog.c (built static for
# aarch64), and runs tests/vm/tests-arm64.sh there (with tests/vm/lib.sh).
# Exits 0 (all passed), 1, or 77 (skipped: something is missing; with
# CI=true a skip is a failure).
#
# The kernel and busybox come from Debian's arm64 packages, fetched once
# with `apt-get download` into $TT_ARM64_CACHE (default
# ~/.cache/tinytrace/arm64) and unpacked there: linux-image-arm64's
# kernel (vmlinuz, an arm64 Image) and busybox-static:arm64.
# Environment:
#   TT_ARM64_BIN      a static aarch64 tinytrace to test (no build)
#   TT_ARM64_KERNEL   the arm64 kernel Image to boot (no download)
#   TT_ARM64_BUSYBOX  a static arm64 busybox (no download)
#   TT_BUILDDIR       the build directory (make sets it)
#   TT_SRCDIR         the source tree (default: two levels above this file)
#   TT_VM_TIMEOUT     seconds for the VM run (default 900)
# Needs (Debian 12): dpkg --add-architecture arm64 && apt-get update &&
# apt-get install gcc-aarch64-linux-gnu qemu-system-arm libbpf-dev:arm64
# libelf-dev:arm64 zlib1g-dev:arm64 systemtap-sdt-dev:arm64 cpio.

srcdir=${TT_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
vmdir=$srcdir/tests/vm
CROSS=aarch64-linux-gnu
PKGS="gcc-aarch64-linux-gnu qemu-system-arm libbpf-dev:arm64 libelf-dev:arm64 zlib1g-dev:arm64 systemtap-sdt-dev:arm64 cpio"

skip() {
	echo "********************************************************************"
	echo "* SKIPPING the arm64 VM tests: $*"
	echo "* (dpkg --add-architecture arm64 && apt-get update &&"
	echo "*  apt-get install $PKGS)"
	echo "********************************************************************"
	if [ "$CI" = true ]; then
		echo "CI=true: a skipped VM test tier counts as a failure"
		exit 1
	fi
	exit 77
}

for t in qemu-system-aarch64 $CROSS-gcc cpio gzip file; do
	command -v $t >/dev/null 2>&1 || skip "$t is not installed"
done

# ---- the kernel and busybox: Debian's arm64 packages ------------------------
cache=${TT_ARM64_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/tinytrace/arm64}
# fetch PACKAGE: download PACKAGE:arm64 into $cache and unpack it in
# $cache/root (once)
fetch() {
	ls "$cache"/"$1"_*_arm64.deb >/dev/null 2>&1 && return 0
	dpkg --print-foreign-architectures 2>/dev/null | grep -qx arm64 ||
		skip "dpkg has no arm64 architecture, so apt-get cannot download $1:arm64"
	mkdir -p "$cache/root" || skip "cannot create $cache"
	(cd "$cache" && apt-get download -q "$1:arm64" >"$cache/apt.log" 2>&1) ||
		{ cat "$cache/apt.log"; skip "apt-get download $1:arm64 failed"; }
	dpkg-deb -x "$cache"/"$1"_*_arm64.deb "$cache/root" ||
		skip "cannot unpack $1"
}
kernel=${TT_ARM64_KERNEL:-}
if [ -z "$kernel" ]; then
	# linux-image-arm64 is a metapackage: the kernel package it names
	kpkg=$(apt-cache depends linux-image-arm64:arm64 2>/dev/null |
		sed -n 's/^ *Depends: \(linux-image-[0-9][^:]*\).*/\1/p' | head -n 1)
	if [ -z "$kpkg" ]; then
		kpkg=$(ls "$cache"/linux-image-*-arm64_*_arm64.deb 2>/dev/null |
			sed 's|.*/\([^_]*\)_.*|\1|' | tail -n 1)
	fi
	[ -n "$kpkg" ] || skip "apt-cache knows no linux-image-arm64:arm64"
	fetch "$kpkg"
	kernel=$(ls "$cache"/root/boot/vmlinuz-*-arm64 2>/dev/null | sort -V | tail -n 1)
	[ -n "$kernel" ] || skip "no vmlinuz in $kpkg"
fi
busybox=${TT_ARM64_BUSYBOX:-}
if [ -z "$busybox" ]; then
	fetch busybox-static
	busybox=$cache/root/bin/busybox
fi
file -L "$busybox" | grep -q 'aarch64.*statically linked' ||
	skip "$busybox is not a static aarch64 busybox"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/tt-vm-arm64.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT

# ---- the static aarch64 tinytrace -------------------------------------------
bin=${TT_ARM64_BIN:-}
if [ -z "$bin" ]; then
	[ -n "${TT_BUILDDIR:-}" ] ||
		{ echo "run-arm64.sh: set TT_ARM64_BIN or TT_BUILDDIR (make check-vm-arm64 does)" >&2; exit 1; }
	# a configured source tree cannot host another (VPATH) build: the
	# cross build configures a copy (make distdir keeps the files' times,
	# so a second run rebuilds only what changed)
	ab=$TT_BUILDDIR/build-arm64
	mkdir -p "$ab" || exit 1
	echo "+ make distdir; $CROSS: configure --host=$CROSS --enable-static-binary && make src/tinytrace"
	if ! { make -s -C "$TT_BUILDDIR" distdir distdir="$ab/src" >"$ab/distdir.log" 2>&1 &&
		(cd "$ab" && mkdir -p build && cd build &&
		 { [ -f Makefile ] || ../src/configure --host=$CROSS \
			--enable-static-binary --enable-werror >configure.out 2>&1; } &&
		 make -j2 src/tinytrace >make.out 2>&1); }; then
		tail -n 30 "$ab/distdir.log" "$ab"/build/configure.out "$ab"/build/make.out 2>/dev/null
		echo "run-arm64.sh: the aarch64 cross build failed (logs in $ab)" >&2
		exit 1
	fi
	bin=$ab/build/src/tinytrace
fi
file -L "$bin" | grep -q 'aarch64.*statically linked' ||
	{ echo "run-arm64.sh: $bin is not a static aarch64 binary" >&2; exit 1; }

# ---- the test program (with a USDT note when sys/sdt.h is there) ----------
sdt=
echo '#include <sys/sdt.h>' | $CROSS-gcc -E -x c - >/dev/null 2>&1 && sdt=-DHAVE_SDT
[ -n "$sdt" ] || echo "run-arm64.sh: no sys/sdt.h for $CROSS (systemtap-sdt-dev:arm64): armprog has no USDT probe"
if ! $CROSS-gcc -static -g -O1 -fno-omit-frame-pointer $sdt -o "$tmp/armprog" \
	"$vmdir/armprog.c" 2>"$tmp/armprog.err"; then
	cat "$tmp/armprog.err" >&2
	echo "run-arm64.sh: cannot build armprog" >&2
	exit 1
fi
[ -n "$sdt" ] || [ "$CI" != true ] ||
	{ echo "CI=true: the USDT cases need systemtap-sdt-dev:arm64" >&2; exit 1; }

cat "$vmdir/lib.sh" "$vmdir/tests-arm64.sh" > "$tmp/tests.sh"
echo "VM: $kernel, tinytrace: $bin ($(wc -c < "$bin") bytes)"
start=$(date +%s)
TT_VM_ARCH=aarch64 TT_VM_KERNEL=$kernel TT_VM_BUSYBOX=$busybox \
TT_VM_EXTRA="$tmp/armprog" TT_VM_TOOLS= TT_VM_MODULES= \
	sh "$vmdir/run-vm.sh" "$bin" "$tmp/tests.sh" "${TT_VM_TIMEOUT:-900}"
st=$?
echo "VM run: $(($(date +%s) - start)) s"
case $st in
0) exit 0 ;;
77) skip "run-vm.sh could not start the VM" ;;
*) exit 1 ;;
esac
