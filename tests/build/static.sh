#!/bin/sh
# Static binary test: with ./configure --enable-static-binary, src/tinytrace
# must be "statically linked" (file(1)) and must run in an empty chroot that
# holds nothing but the binary (plus fresh /proc and /sys mounts), i.e. on a
# system with no shared libraries at all. Skipped (77) for a dynamic build;
# the chroot part needs root.
# Environment (set by make check): TT_BIN, TT_STATIC=yes|no.
set -u

if [ "${TT_STATIC:-no}" != yes ]; then
	echo "SKIP: not configured with --enable-static-binary"
	exit 77
fi
bin=${TT_BIN:?TT_BIN not set}
fail=0

desc=$(file -L "$bin") || { echo "FAIL: file(1) is not installed"; exit 1; }
echo "$desc"
case $desc in
*"statically linked"*) echo "ok: statically linked" ;;
*) echo "FAIL: $bin is not statically linked"; exit 1 ;;
esac
if readelf -lW "$bin" | grep -q 'INTERP'; then
	echo "FAIL: $bin names a program interpreter (PT_INTERP)"
	exit 1
fi

if [ "$(id -u)" != 0 ]; then
	echo "SKIP: the empty-chroot run needs root"
	exit 77
fi

# The chroot: the binary, and proc and sysfs mounted afresh (not bind
# mounts of the host's, so unmounting can never touch the host's tree).
# Clean-up removes only what was made here, and nothing while a mount is
# still there.
root=$(mktemp -d "${TMPDIR:-/tmp}/tt-static.XXXXXX") || exit 1
cleanup() {
	umount -R "$root/sys" 2>/dev/null
	umount "$root/proc" 2>/dev/null
	if mountpoint -q "$root/sys" || mountpoint -q "$root/proc"; then
		echo "WARNING: $root still has mounts; left in place"
		return
	fi
	rm -f "$root/tinytrace"
	rmdir "$root/sys" "$root/proc" "$root/tmp" "$root"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
cp "$bin" "$root/tinytrace" || exit 1
mkdir "$root/proc" "$root/sys" "$root/tmp" || exit 1
mount -t proc proc "$root/proc" || { echo "FAIL: cannot mount proc"; exit 1; }
mount -t sysfs sysfs "$root/sys" || { echo "FAIL: cannot mount sysfs"; exit 1; }
echo "chroot holds:"
(cd "$root" && find . -maxdepth 1 ! -name . | sort | sed 's/^/    /')

# run NAME EXPECTED ARGS...: inside the empty chroot the command must exit
# 0 and print EXPECTED (stdout or stderr).
run() {
	name=$1 want=$2
	shift 2
	out=$(chroot "$root" /tinytrace "$@" 2>&1)
	rc=$?
	printf '%s\n' "$out" | sed 's/^/    /'
	if [ $rc -ne 0 ]; then
		echo "FAIL: $name: exit status $rc"
		fail=1
	elif ! printf '%s\n' "$out" | grep -qF -- "$want"; then
		echo "FAIL: $name: output lacks '$want'"
		fail=1
	else
		echo "ok: $name"
	fi
}
run "--version in an empty chroot" tinytrace --version
run "-h in an empty chroot" "-e 'program'" -h

# A real BPF program (libbpf, BTF, ring buffer) from inside the chroot:
# whatever the binary prints on stdout outside, it must print inside too.
prog='BEGIN { printf("hello %d\n", 1 + 2); exit(); }'
if want=$("$bin" -e "$prog" 2>/dev/null); then
	got=$(chroot "$root" /tinytrace -e "$prog" 2>"$root/tmp/stderr")
	printf '%s\n' "$got" | sed 's/^/    /'
	sed 's/^/    stderr: /' "$root/tmp/stderr"
	rm -f "$root/tmp/stderr"
	if [ "$got" = "$want" ]; then
		echo "ok: BEGIN program in an empty chroot"
	else
		echo "FAIL: BEGIN program in an empty chroot printed something else than outside"
		fail=1
	fi
else
	printf "note: '%s' does not run outside the chroot yet; not tried inside\n" "$prog"
fi

# A tracepoint and an interval probe: tracefs (which tinytrace mounts when
# /sys/kernel/tracing is empty, as in a fresh chroot or initramfs), perf
# events, maps printed at exit.
prog='tracepoint:raw_syscalls:sys_enter { @calls = count(); } interval:ms:300 { exit(); }'
if "$bin" -q -e "$prog" >/dev/null 2>&1; then
	got=$(chroot "$root" /tinytrace -q -e "$prog" 2>&1)
	rc=$?
	printf '%s\n' "$got" | sed 's/^/    /'
	if [ $rc -eq 0 ] && printf '%s\n' "$got" | grep -Eq '^@calls: [0-9]+$'; then
		echo "ok: tracepoint program in an empty chroot"
	else
		echo "FAIL: tracepoint program in an empty chroot (exit status $rc)"
		fail=1
	fi
else
	printf "note: '%s' does not run outside the chroot yet; not tried inside\n" "$prog"
fi
exit $fail
