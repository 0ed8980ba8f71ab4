#!/bin/sh
# tests/build/install.sh — what `make install` puts where, in a DESTDIR.
#
#   make install DESTDIR=A BPFTRACE_SYMLINK=yes  (what --enable-bpftrace-
#       symlink configures): bin/tinytrace runs, bin/bpftrace is a symlink
#       to it and runs as it, man8/tinytrace.8 and every examples/*.bt are
#       in place; make uninstall removes them all, the symlink too
#   make install DESTDIR=B BPFTRACE_SYMLINK=no: no bpftrace
#   a bpftrace in bindir that is not our symlink: make install fails and
#       leaves it alone
#
# Environment: TT_BUILDDIR (the configured build tree), TT_SRCDIR.

srcdir=${TT_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
builddir=${TT_BUILDDIR:-$(pwd)}
[ -f "$builddir/Makefile" ] || { echo "no Makefile in $builddir (TT_BUILDDIR)"; exit 1; }
MAKE=${MAKE:-make}
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
fail=0
ok() { echo "PASS: $*"; }
bad() { echo "FAIL: $*"; fail=1; }

# inst DIR [VAR=VALUE...]: make install into DIR, quietly; its status
inst() {
	d=$1
	shift
	$MAKE -s -C "$builddir" install DESTDIR="$d" "$@" > "$d.log" 2>&1
}

# A: with the symlink
inst "$tmp/a" BPFTRACE_SYMLINK=yes || { cat "$tmp/a.log"; bad "make install BPFTRACE_SYMLINK=yes failed"; exit 1; }
bin=$(find "$tmp/a" -path '*/bin/tinytrace' -type f)
bindir=$(dirname "$bin")
if [ -n "$bin" ] && "$bin" --version | grep -q tinytrace; then
	ok "bin/tinytrace is installed and runs"
else
	bad "no bin/tinytrace that runs in $tmp/a"
fi
if [ -L "$bindir/bpftrace" ] && [ "$(readlink "$bindir/bpftrace")" = tinytrace ] &&
	"$bindir/bpftrace" -V | grep -q 'tinytrace'; then
	ok "bin/bpftrace is a symlink to tinytrace and runs it"
else
	bad "bin/bpftrace is not a working symlink to tinytrace: $(ls -l "$bindir" | tr '\n' ' ')"
fi
page=$(find "$tmp/a" -path '*/man8/tinytrace.8')
if [ -n "$page" ] && cmp -s "$page" "$srcdir/doc/tinytrace.8"; then
	ok "man8/tinytrace.8 is installed"
else
	bad "man8/tinytrace.8 is missing"
fi
exdir=$(find "$tmp/a" -type d -path '*/doc/tinytrace/examples')
n=0
for f in "$srcdir"/examples/*.bt; do
	if cmp -s "$f" "$exdir/$(basename "$f")"; then
		n=$((n + 1))
	else
		bad "$(basename "$f") is not in \$(docdir)/examples ($exdir)"
	fi
done
[ $n -gt 0 ] && [ $fail = 0 ] && ok "the $n examples are in \$(docdir)/examples"

# uninstall removes what install put there, the symlink included
$MAKE -s -C "$builddir" uninstall DESTDIR="$tmp/a" BPFTRACE_SYMLINK=yes > "$tmp/u.log" 2>&1 ||
	{ cat "$tmp/u.log"; bad "make uninstall failed"; }
left=$(find "$tmp/a" ! -type d)
if [ -z "$left" ]; then
	ok "make uninstall removes everything, bin/bpftrace too"
else
	bad "make uninstall left: $left"
fi

# B: without the symlink
inst "$tmp/b" BPFTRACE_SYMLINK=no || { cat "$tmp/b.log"; bad "make install BPFTRACE_SYMLINK=no failed"; }
if [ -n "$(find "$tmp/b" -name bpftrace)" ]; then
	bad "BPFTRACE_SYMLINK=no installed a bpftrace"
else
	ok "BPFTRACE_SYMLINK=no installs no bpftrace"
fi

# C: a bpftrace of its own is never replaced
mkdir -p "$tmp/c$(echo "$bindir" | sed "s|^$tmp/a||")"
cbin=$tmp/c$(echo "$bindir" | sed "s|^$tmp/a||")
printf '#!/bin/sh\necho the real bpftrace\n' > "$cbin/bpftrace"
chmod +x "$cbin/bpftrace"
if inst "$tmp/c" BPFTRACE_SYMLINK=yes; then
	bad "make install replaced (or ignored) a bpftrace that is not ours"
elif [ "$("$cbin/bpftrace")" = "the real bpftrace" ] &&
	grep -q 'not a symlink to tinytrace' "$tmp/c.log"; then
	ok "a bpftrace that is not ours stops make install and stays"
else
	bad "make install with a foreign bpftrace: $(cat "$tmp/c.log")"
fi
exit $fail
