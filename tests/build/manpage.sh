#!/bin/sh
# tests/build/manpage.sh — doc/tinytrace.8 renders and matches --help.
#
# 1. `man -l` renders it at 80 columns with groff's warnings on, and
#    `groff -man -ww -z` parses it: any warning fails.
# 2. The options its OPTIONS section describes (the tag line of each .TP
#    there) are exactly the options `tinytrace --help` lists (its OPTIONS:
#    part): one missing on either side fails, naming it.
#
# Environment: TT_BIN, TT_SRCDIR (make check sets them); CI=true: a skip
# (man-db or groff not installed) is a failure.

srcdir=${TT_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
bin=${TT_BIN:-$srcdir/src/tinytrace}
page=$srcdir/doc/tinytrace.8

skip() {
	echo "SKIP: $*"
	[ "$CI" = true ] && { echo "CI=true: a skip is a failure"; exit 1; }
	exit 77
}
command -v man >/dev/null 2>&1 || skip "man is not installed (apt-get install man-db)"
command -v groff >/dev/null 2>&1 || skip "groff is not installed (apt-get install man-db)"

fail=0
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

# 1. rendering
MANWIDTH=80 man --warnings -l "$page" > "$tmp/page.txt" 2> "$tmp/man.err"
st=$?
groff -man -ww -z "$page" 2> "$tmp/groff.err"
if [ $st != 0 ] || [ -s "$tmp/man.err" ] || [ -s "$tmp/groff.err" ]; then
	echo "FAIL: doc/tinytrace.8 does not render cleanly (man exit $st):"
	cat "$tmp/man.err" "$tmp/groff.err"
	fail=1
elif ! grep -q '^OPTIONS' "$tmp/page.txt" ||
	! grep -q '^EXIT STATUS' "$tmp/page.txt"; then
	echo "FAIL: the rendered page has no OPTIONS or EXIT STATUS section"
	fail=1
else
	echo "PASS: doc/tinytrace.8 renders without warnings ($(wc -l < "$tmp/page.txt") lines)"
fi

# 2. options: "-x" and "--long-name" words, one per line, sorted
options() {
	sed 's/\\-/-/g; s/\\f[BIRP]//g' |
		grep -oE '(^|[ ,."(])--?[A-Za-z][A-Za-z-]*' |
		sed 's/^[ ,."(]//' | sort -u
}
"$bin" --help > "$tmp/help.txt" 2>&1 || {
	echo "FAIL: $bin --help exits $?"
	exit 1
}
sed -n '/^OPTIONS:/,/^ENVIRONMENT:/p' "$tmp/help.txt" | sed '1d;$d' |
	options > "$tmp/help.opts"
sed -n '/^\.SH OPTIONS/,/^\.SH /p' "$page" |
	awk 'tag { print; tag = 0 } /^\.TP/ { tag = 1 }' |
	options > "$tmp/page.opts"
if [ ! -s "$tmp/help.opts" ] || [ ! -s "$tmp/page.opts" ]; then
	echo "FAIL: no options found in --help ($(wc -l < "$tmp/help.opts")) or in the page ($(wc -l < "$tmp/page.opts"))"
	fail=1
fi
for o in $(comm -23 "$tmp/help.opts" "$tmp/page.opts"); do
	echo "FAIL: $o is in tinytrace --help but not in doc/tinytrace.8's OPTIONS"
	fail=1
done
for o in $(comm -13 "$tmp/help.opts" "$tmp/page.opts"); do
	echo "FAIL: $o is in doc/tinytrace.8's OPTIONS but not in tinytrace --help"
	fail=1
done
[ $fail = 0 ] && echo "PASS: the page's OPTIONS are --help's ($(wc -l < "$tmp/help.opts") options)"
exit $fail
