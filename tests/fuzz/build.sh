#!/bin/sh
# tests/fuzz/build.sh [OUTDIR] — build the libFuzzer target fuzz_compile
# with clang, AddressSanitizer and UndefinedBehaviorSanitizer, from this
# source tree into OUTDIR (default: ./fuzz-build).  Needs clang
# (apt-get install clang) and the usual libbpf/libelf/zlib headers.
#
# Run (as root, so that probe wildcards and tracepoint formats resolve):
#   mkdir -p corpus && cp tests/golden/errors/*.bt tests/golden/ir/*.bt corpus/
#   ASAN_OPTIONS=detect_leaks=0 fuzz-build/fuzz_compile -detect_leaks=0 -timeout=5 -max_len=65536 \
#       -dict=tests/fuzz/bt.dict corpus/
set -e
srcdir=$(cd "$(dirname "$0")/../.." && pwd)
out=${1:-fuzz-build}
CC=${CC:-clang}
SAN="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
mkdir -p "$out/obj"
objs=
for f in "$srcdir"/src/*.c; do
	case $f in */main.c) continue ;; esac
	o="$out/obj/$(basename "$f" .c).o"
	if [ ! -e "$o" ] || [ "$f" -nt "$o" ] || [ -n "$(find "$srcdir/include" "$srcdir/src" -name '*.h' -newer "$o")" ]; then
		$CC -std=gnu11 -g -O1 $SAN -fsanitize=fuzzer-no-link \
			-I"$srcdir/include" -I"$srcdir/src" -c "$f" -o "$o"
	fi
	objs="$objs $o"
done
$CC -std=gnu11 -g -O1 $SAN -fsanitize=fuzzer -I"$srcdir/include" \
	"$srcdir/tests/fuzz/fuzz_compile.c" $objs -lbpf -lelf -lz \
	-o "$out/fuzz_compile"
echo "built $out/fuzz_compile"
