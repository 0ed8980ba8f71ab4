#!/bin/sh
# tests/vm/initramfs.sh — boot-time tracing from a Debian initramfs
# (examples/initramfs), tested for real: builds an initramfs with Debian's
# mkinitramfs and the example's hook and scripts for the kernel to boot,
# makes a small ext4 root disk (mkfs.ext4 -d, no root needed) holding
# busybox-static and an init script, and boots it twice under
# qemu-system-x86_64 (software emulation):
#   stop  `tinytrace` alone: the default script and output file; tracing
#         stops at the switch to the real root
#   keep  tinytrace.script=, tinytrace.out=, tinytrace.keep=1: tracing goes
#         on in the real system until its init stops it
# Checks the trace of the boot (module loads and execs of early userspace,
# the maps printed at the end) on the console and in the file on the root
# disk, read back with debugfs.  Run by tests/vm/run.sh.
#
# usage: initramfs.sh TINYTRACE_STATIC_BINARY KERNEL
# Exits 0 (passed), 1 (failed) or 77 (cannot run: what is missing is said).
# Needs the Debian packages initramfs-tools, e2fsprogs, qemu-system-x86,
# busybox-static and the kernel's modules in /lib/modules.
set -u
bin=$1 kernel=$2
srcdir=${TT_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
ex=$srcdir/examples/initramfs
kver=${kernel##*/vmlinuz-}

missing() { echo "initramfs.sh: $*"; exit 77; }
for c in mkinitramfs:initramfs-tools mkfs.ext4:e2fsprogs debugfs:e2fsprogs; do
	PATH=$PATH:/usr/sbin:/sbin command -v "${c%%:*}" >/dev/null 2>&1 ||
		missing "${c%%:*} is not installed (apt-get install ${c#*:})"
done
export PATH=$PATH:/usr/sbin:/sbin
[ -d "/lib/modules/$kver/kernel" ] ||
	missing "no modules of $kver in /lib/modules (apt-get install linux-image-$kver)"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/tt-initramfs.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT

# ---- the initramfs: Debian's mkinitramfs, a configuration directory of our
# own (the root disk's modules only, busybox, gzip) and the example's hook
conf=$tmp/conf
mkdir -p "$conf/scripts" "$conf/conf.d" "$tmp/scripts"
cat > "$conf/initramfs.conf" <<'CONF'
MODULES=list
BUSYBOX=y
KEYMAP=n
COMPRESS=gzip
DEVICE=
NFSROOT=auto
RUNSIZE=10%
FSTYPE=ext4
CONF
printf '%s\n' virtio_pci virtio_blk ext4 > "$conf/modules"
cp -r "$ex/hooks" "$conf/hooks"
cp -r "$ex/scripts/init-top" "$ex/scripts/init-bottom" "$conf/scripts/"
chmod +x "$conf/hooks/tinytrace" "$conf/scripts/init-top/tinytrace" \
	"$conf/scripts/init-bottom/tinytrace"
cp "$ex/boot.bt" "$tmp/scripts/boot.bt"
# a second script, named on the command line in the keep boot
sed 's/exec   /exec:  /' "$ex/boot.bt" > "$tmp/scripts/other.bt"
t0=$(date +%s)
# stripped, as `make strip` leaves it for an initramfs
cp "$bin" "$tmp/tinytrace" && strip "$tmp/tinytrace" 2>/dev/null
if ! TINYTRACE_BIN=$tmp/tinytrace TINYTRACE_SCRIPTS=$tmp/scripts \
	mkinitramfs -d "$conf" -o "$tmp/initrd.img" "$kver" > "$tmp/mkinitramfs.log" 2>&1; then
	cat "$tmp/mkinitramfs.log"
	echo "FAIL initramfs: mkinitramfs failed"
	exit 1
fi
echo "initramfs: $(wc -c < "$tmp/initrd.img") bytes (mkinitramfs $kver, $(($(date +%s) - t0)) s)"

# ---- the root disk: busybox and an init that ends a tracing that was kept,
# waits for the trace file and powers off
root=$tmp/root
mkdir -p "$root/bin" "$root/sbin" "$root/dev" "$root/proc" "$root/sys" \
	"$root/run" "$root/tmp" "$root/var/log" "$root/etc"
cp "$(command -v busybox)" "$root/bin/busybox"
for a in $("$root/bin/busybox" --list); do
	[ "$a" = busybox ] || ln -s busybox "$root/bin/$a"
done
cat > "$root/sbin/init" <<'INIT'
#!/bin/sh
export PATH=/bin
echo "@@ROOT_INIT@@"
pid=$(cat /run/tinytrace/pid 2>/dev/null)
if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
	echo "tracing goes on in the real system"
	ls / > /dev/null
	kill -TERM "$pid"
fi
out=$(cat /run/tinytrace/out 2>/dev/null)
i=0
until grep -q '^tinytrace: exit status' "$out" 2>/dev/null || [ $i -ge 60 ]; do
	sleep 1
	i=$((i + 1))
done
echo "@@ROOT_DONE $out@@"
sync
poweroff -f
INIT
chmod +x "$root/sbin/init"

# boot NAME KERNEL_OPTIONS: boots a fresh copy of the root disk; leaves
# NAME.console (the serial console) and NAME.img (the disk)
boot() {
	img=$tmp/$1.img
	rm -f "$img"
	mkfs.ext4 -q -F -d "$root" "$img" 24M > "$tmp/$1.mkfs" 2>&1 ||
		{ cat "$tmp/$1.mkfs"; echo "FAIL initramfs: mkfs.ext4 -d failed"; exit 1; }
	timeout "${TT_VM_INITRAMFS_TIMEOUT:-240}" qemu-system-x86_64 -cpu max -m 1024 -smp 2 \
		-nographic -no-reboot -kernel "$kernel" -initrd "$tmp/initrd.img" \
		-drive "file=$img,format=raw,if=virtio" \
		-append "console=ttyS0 root=/dev/vda rw quiet panic=-1 $2" \
		< /dev/null > "$tmp/$1.raw" 2>&1
	tr -d '\r' < "$tmp/$1.raw" > "$tmp/$1.console"
}

fail=0
# check NAME WHERE FILE EXPECT...: each EXPECT (an extended regex, '!RE'
# for none) must match a whole line of FILE
check() {
	name=$1 where=$2 file=$3
	shift 3
	for e in "$@"; do
		case $e in
		!*) if grep -Eq -- "^(${e#!})\$" "$file"; then
			echo "FAIL initramfs_$name: a line on the $where matches ${e#!}"
			fail=1
		fi ;;
		*) if ! grep -Eq -- "^($e)\$" "$file"; then
			echo "FAIL initramfs_$name: no line on the $where matches $e"
			fail=1
		fi ;;
		esac
	done
}

# the lines both boots must show, on the console and in the file
EARLY='.*Attached 2 probes
 *[0-9]+ ms  module virtio_blk
 *[0-9]+ ms  module ext4
 *[0-9]+ ms  exec.? +/.*modprobe \(pid [0-9]+\)
@execs\[/.*modprobe\]: [0-9]+
tinytrace: exit status 0'

run_case() {
	name=$1 opts=$2 file=$3 keep=$4
	start=$(date +%s)
	boot "$name" "$opts"
	echo "initramfs_$name: booted in $(($(date +%s) - start)) s"
	if ! grep -q "@@ROOT_DONE $file@@" "$tmp/$name.console"; then
		echo "FAIL initramfs_$name: the real root's init did not find the trace in $file; the console:"
		tail -n 40 "$tmp/$name.console" | sed 's/^/    | /'
		fail=1
		return
	fi
	debugfs -R "cat $file" "$tmp/$name.img" > "$tmp/$name.file" 2> "$tmp/$name.debugfs"
	old_ifs=$IFS
	IFS='
'
	set -f
	# shellcheck disable=SC2086
	set -- $EARLY
	set +f
	IFS=$old_ifs
	exec_init=' *[0-9]+ ms  exec.? +/sbin/init \(pid 1\)'
	if [ "$keep" = 1 ]; then
		# traced after the switch to the real root, by the script
		# tinytrace.script= named ("exec:"); the real init's message
		# is on the console only
		exec_init=' *[0-9]+ ms  exec:  /sbin/init \(pid 1\)'
		check "$name" console "$tmp/$name.console" "$@" "$exec_init" \
			'tracing goes on in the real system'
		check "$name" file "$tmp/$name.file" "$@" "$exec_init"
	else
		check "$name" console "$tmp/$name.console" "$@" "!$exec_init"
		check "$name" file "$tmp/$name.file" "$@" "!$exec_init"
	fi
	n=$(grep -c ' ms  module ' "$tmp/$name.file")
	echo "initramfs_$name: $(wc -l < "$tmp/$name.file") lines in $file, $n module loads"
}

run_case stop 'tinytrace' /var/log/tinytrace-boot.txt 0
run_case keep 'tinytrace.script=/etc/tinytrace/other.bt tinytrace.out=/var/log/boot/trace.txt tinytrace.keep=1' \
	/var/log/boot/trace.txt 1
if [ $fail = 0 ]; then
	echo "PASS initramfs_stop"
	echo "PASS initramfs_keep"
else
	echo "the stop boot's console:"; sed 's/^/    | /' "$tmp/stop.console" | tail -n 60
	echo "the keep boot's console:"; sed 's/^/    | /' "$tmp/keep.console" | tail -n 60
fi
exit $fail
