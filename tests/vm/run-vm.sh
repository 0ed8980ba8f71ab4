#!/bin/sh
# run-vm.sh — boot Debian's kernel under qemu (software emulation, -cpu max,
# no KVM) with an initramfs holding busybox-static, the static tinytrace and
# a test script; print what the script printed.  This is both the test bed
# for probe types this machine's kernel refuses (kprobe, kretprobe, fentry,
# fexit) and tinytrace's initramfs use case.
#
# usage: run-vm.sh TINYTRACE_STATIC_BINARY SCRIPT.sh [TIMEOUT_SECONDS]
# SCRIPT.sh runs as /test.sh inside the VM (busybox sh), with tinytrace on
# PATH; its output is printed between markers, its exit status is ours.
# Needs: qemu-system-x86, busybox-static, cpio, linux-image-amd64.
# TT_VM_ARCH=aarch64 boots an arm64 kernel (TT_VM_KERNEL, an Image)
# under qemu-system-aarch64 -M virt -cpu max instead (tests/vm/
# run-arm64.sh), with TT_VM_BUSYBOX an arm64 busybox-static.
set -eu
bin=$1
script=$2
timeout=${3:-120}
case ${TT_VM_ARCH:-x86_64} in
aarch64)
	# pauth-impdef: the cheap pointer-authentication hash (software
	# emulation of the architected one is most of -cpu max's cost)
	qemu="qemu-system-aarch64 -M virt -cpu max,pauth-impdef=on"
	console=ttyAMA0 ;;
*)
	qemu="qemu-system-x86_64 -cpu max" console=ttyS0 ;;
esac
kernel=${TT_VM_KERNEL:-$(ls /boot/vmlinuz-* 2>/dev/null | sort -V | tail -n 1)}
[ -n "$kernel" ] && [ -r "$kernel" ] || { echo "run-vm: no kernel in /boot (apt-get install linux-image-amd64)" >&2; exit 77; }
command -v ${qemu%% *} >/dev/null || { echo "run-vm: ${qemu%% *} missing" >&2; exit 77; }
bb=${TT_VM_BUSYBOX:-$(command -v busybox)} || { echo "run-vm: busybox missing" >&2; exit 77; }
file -L "$bb" | grep -q 'statically linked' || { echo "run-vm: busybox is not static (apt-get install busybox-static)" >&2; exit 77; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
root=$work/root
mkdir -p "$root/bin" "$root/proc" "$root/sys" "$root/dev" "$root/tmp"
cp "$bb" "$root/bin/busybox"
ln -s busybox "$root/bin/sh"
cp "$bin" "$root/bin/tinytrace"
# more static programs for the tests (TT_VM_EXTRA: space-separated paths,
# copied to /bin) and kernel modules (TT_VM_MODULES, copied to /modules)
for x in ${TT_VM_EXTRA:-}; do
	cp "$x" "$root/bin/" || exit 1
done
mkdir -p "$root/modules"
for x in ${TT_VM_MODULES:-}; do
	cp "$x" "$root/modules/" || exit 1
done
# bpftrace's tools (TT_VM_TOOLS: a directory, put at /tools) with the
# cases that run them (TT_VM_TOOLS_SH, at /tools.sh)
if [ -n "${TT_VM_TOOLS:-}" ]; then
	cp -r "$TT_VM_TOOLS" "$root/tools" || exit 1
	cp "$TT_VM_TOOLS_SH" "$root/tools.sh" || exit 1
fi
# examples/ (TT_VM_EXAMPLES, at /examples, with the cases table
# TT_VM_EXAMPLES_CASES) and the cases that run them (TT_VM_EXAMPLES_SH)
if [ -n "${TT_VM_EXAMPLES:-}" ]; then
	mkdir -p "$root/examples"
	cp "$TT_VM_EXAMPLES"/*.bt "$TT_VM_EXAMPLES_CASES" "$root/examples/" || exit 1
	cp "$TT_VM_EXAMPLES_SH" "$root/examples.sh" || exit 1
fi
cp "$script" "$root/test.sh"
cat > "$root/init" <<'INIT'
#!/bin/sh
# every busybox applet; tracefs and debugfs are NOT mounted (as in a
# minimal initramfs: tinytrace mounts tracefs itself)
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev 2>/dev/null
echo "@@TT_VM_BEGIN@@"
sh /test.sh
echo "@@TT_VM_STATUS $?@@"
sync
poweroff -f
INIT
chmod +x "$root/init" "$root/test.sh"
(cd "$root" && find . | cpio -o -H newc --quiet) | gzip -1 > "$work/initrd.gz"

timeout "$timeout" $qemu -m 1024 -smp 2 -nographic -no-reboot \
	-kernel "$kernel" -initrd "$work/initrd.gz" \
	-append "console=$console quiet panic=-1 rdinit=/init" > "$work/out" 2>&1 || true
tr -d '\r' < "$work/out" | sed -n '/@@TT_VM_BEGIN@@/,/@@TT_VM_STATUS/p' | sed '1d;$d'
st=$(tr -d '\r' < "$work/out" | sed -n 's/.*@@TT_VM_STATUS \([0-9]*\)@@.*/\1/p')
if [ -z "$st" ]; then
	echo "run-vm: the VM did not finish; its console:" >&2
	tail -n 30 "$work/out" >&2
	exit 1
fi
exit "$st"
