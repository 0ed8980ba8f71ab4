#!/bin/sh
# no_btf.sh [--btf-copy] CMD [ARG...] — runs CMD as on a kernel without
# BTF: in a private mount namespace (unshare -m) where a tmpfs hides
# /sys/kernel/btf, so neither /sys/kernel/btf/vmlinux nor module BTF is
# there.  --btf-copy first copies the kernel's vmlinux BTF to a temporary
# file and runs CMD with BPFTRACE_BTF naming it (the copy is removed
# afterwards).  Exits with CMD's status; 2 when the namespace cannot be
# set up.
if [ "${TT_NO_BTF_NS:-}" != 1 ]; then
	TT_NO_BTF_NS=1 exec unshare -m sh "$0" "$@"
fi
unset TT_NO_BTF_NS
copy=
if [ "${1:-}" = --btf-copy ]; then
	shift
	copy=$(mktemp "${TMPDIR:-/tmp}/tt-btf.XXXXXX") || exit 2
	cp /sys/kernel/btf/vmlinux "$copy" || { rm -f "$copy"; exit 2; }
	export BPFTRACE_BTF="$copy"
fi
if ! mount -t tmpfs tt-no-btf /sys/kernel/btf || [ -e /sys/kernel/btf/vmlinux ]; then
	echo "no_btf.sh: cannot hide /sys/kernel/btf" >&2
	[ -z "$copy" ] || rm -f "$copy"
	exit 2
fi
"$@"
st=$?
[ -z "$copy" ] || rm -f "$copy"
exit $st
