#!/bin/sh
# build.sh SRCTESTS OUTTESTS [clean]
#
# Builds the helper programs and libraries that runtime tests (bpftrace's
# format, README section 3 of shared/bpftrace-runtime-tests) call:
#   SRCTESTS/testprogs/<name>.c -> OUTTESTS/testprogs/<name>  (non-PIE)
#                                  OUTTESTS/testprogs/<name>-pie
#   SRCTESTS/testlibs/<name>.c  -> OUTTESTS/testlibs/lib<name>.so (not +x)
# plus false.bin, archive.zip and the separate-debug variants.  Flags are fixed
# (-g -O0 -fno-omit-frame-pointer ...), never the user's CFLAGS: tests
# depend on the line layout and the frame pointers.  Only out-of-date
# outputs are rebuilt.  With "clean", removes what it builds.
# Environment: CC (default cc), CXX (default c++, for testprogs/*.cpp),
# OBJCOPY (default objcopy), DWP (default dwp; without it the .dwp
# variant is left out).
set -e

src=$(cd "$1" && pwd)
mkdir -p "$2/testprogs" "$2/testlibs"
out=$(cd "$2" && pwd)
CC=${CC:-cc}
OBJCOPY=${OBJCOPY:-objcopy}
DWP=${DWP:-dwp}

# Debug info names the sources under a fixed path made only of [\w/]
# characters (tests match source paths with [\w/]+), whatever the
# checkout's path is.
MAP="-fdebug-prefix-map=$(pwd)=/tinytrace/build -fdebug-prefix-map=$src/testprogs=/tinytrace/tests/testprogs"

flag_ok() {
	echo 'int main(void){return 0;}' > "$out/testprogs/.flagtest.c"
	if $CC "$1" -c -o "$out/testprogs/.flagtest.o" \
		"$out/testprogs/.flagtest.c" 2>/dev/null; then r=0; else r=1; fi
	rm -f "$out/testprogs/.flagtest.c" "$out/testprogs/.flagtest.o"
	return $r
}

# USDT helpers need systemtap's <sys/sdt.h>; without it they are left out
# (their tests then fail saying the helper is missing).
have_sdt=yes
printf '#include <sys/sdt.h>\nint main(void){DTRACE_PROBE(a, b); return 0;}\n' \
	> "$out/testprogs/.sdttest.c"
$CC -c -o "$out/testprogs/.sdttest.o" "$out/testprogs/.sdttest.c" \
	2>/dev/null || have_sdt=no
rm -f "$out/testprogs/.sdttest.c" "$out/testprogs/.sdttest.o"
if [ $have_sdt = no ]; then
	echo "build.sh: WARNING: <sys/sdt.h> not found, USDT helpers not built" \
		"(apt-get install systemtap-sdt-dev)" >&2
fi

BASE="-g -O0"
for f in -fno-omit-frame-pointer -mno-omit-leaf-frame-pointer; do
	if flag_ok $f; then BASE="$BASE $f"; fi
done

outputs() {
	for c in "$src"/testprogs/*.c; do
		n=$(basename "$c" .c)
		case $n in
		false_bin) echo testprogs/false.bin ;;
		uprobe_separate_debug)
			echo testprogs/uprobe_separate_debug-stripped
			echo testprogs/.debug/uprobe_separate_debug-stripped.debug ;;
		uprobe_test)
			echo testprogs/$n testprogs/$n-pie testprogs/$n-stripped
			echo testprogs/external_debug/uprobe_test-stripped.debug
			echo testprogs/external_debug/dwo/uprobe_test-split
			echo testprogs/external_debug/dwo/uprobe_test-split.dwo
			echo testprogs/external_debug/dwp/uprobe_test-split
			echo testprogs/external_debug/dwp/uprobe_test-split.dwp ;;
		*) echo testprogs/$n testprogs/$n-pie ;;
		esac
	done
	echo testprogs/archive.zip
	for c in "$src"/testprogs/*.cpp; do
		[ -e "$c" ] && echo testprogs/$(basename "$c" .cpp)
	done
	for c in "$src"/testlibs/*.c; do
		echo testlibs/lib$(basename "$c" .c).so
	done
}

if [ "$3" = clean ]; then
	for o in $(outputs); do rm -f "$out/$o"; done
	rmdir "$out/testprogs/.debug" "$out/testprogs/external_debug/dwo" \
		"$out/testprogs/external_debug/dwp" \
		"$out/testprogs/external_debug" 2>/dev/null || :
	exit 0
fi

# stale TARGET SOURCE: true when TARGET is missing or older than SOURCE or
# than this script.
stale() {
	[ ! -e "$1" ] || [ "$2" -nt "$1" ] || [ "$0" -nt "$1" ]
}

run() {
	echo "  $*" | sed "s|$src/||g; s|$out/||g" >&2
	"$@"
}

# split_variants SOURCE: external_debug/dwo/uprobe_test-split, its
# debug info in uprobe_test-split.dwo beside it (gcc's default DWARF 5,
# a skeleton unit naming the .dwo), and external_debug/dwp/ the same
# packed into uprobe_test-split.dwp.  binutils' dwp cannot read DWARF 5
# units, so that one is DWARF 4 (GNU split-dwarf extensions).
split_variants() {
	d="$out/testprogs/external_debug"
	mkdir -p "$d/dwo" "$d/dwp"
	if stale "$d/dwo/uprobe_test-split" "$1"; then
		(cd "$d/dwo" && run $CC $BASE $MAP -gsplit-dwarf -no-pie \
			-c -o uprobe_test-split.o "$1" &&
		 run $CC -no-pie -o uprobe_test-split uprobe_test-split.o &&
		 rm -f uprobe_test-split.o)
	fi
	command -v "$DWP" >/dev/null 2>&1 || return 0
	if stale "$d/dwp/uprobe_test-split" "$1"; then
		(cd "$d/dwp" && run $CC $BASE -gdwarf-4 $MAP -gsplit-dwarf \
			-no-pie -c -o uprobe_test-split.o "$1" &&
		 run $CC -no-pie -o uprobe_test-split uprobe_test-split.o &&
		 run $DWP -e uprobe_test-split -o uprobe_test-split.dwp &&
		 rm -f uprobe_test-split.o uprobe_test-split.dwo)
	fi
}

for c in "$src"/testprogs/*.c; do
	n=$(basename "$c" .c)
	o="$out/testprogs/$n"
	if [ $have_sdt = no ] && grep -q '<sys/sdt.h>' "$c"; then
		continue
	fi
	flags=$BASE
	libs=
	case $n in
	getppid_storm|multi_threads|watchpoint_threaded) libs=-pthread ;;
	uprobe_nofp) flags="-g -O1 -fomit-frame-pointer -fno-optimize-sibling-calls" ;;
	false_bin)
		# only the machine code of main, position-independent, at offset 0
		if stale "$out/testprogs/false.bin" "$c"; then
			run $CC -O1 -fpic -c -o "$o.o" "$c"
			run $OBJCOPY -O binary --only-section=.text "$o.o" \
				"$out/testprogs/false.bin"
			rm -f "$o.o"
		fi
		continue ;;
	uprobe_separate_debug)
		# stripped binary + .debug/<name>.debug linked by .gnu_debuglink
		s="$o-stripped"
		if stale "$s" "$c"; then
			mkdir -p "$out/testprogs/.debug"
			run $CC $flags $MAP -no-pie -o "$s.full" "$c"
			run $OBJCOPY --only-keep-debug "$s.full" \
				"$out/testprogs/.debug/$n-stripped.debug"
			run $OBJCOPY --strip-debug "$s.full" "$s"
			(cd "$out/testprogs" && $OBJCOPY \
				--add-gnu-debuglink=.debug/$n-stripped.debug "$s")
			rm -f "$s.full"
		fi
		continue ;;
	esac
	if stale "$o" "$c"; then
		run $CC $flags $MAP -no-pie -o "$o" "$c" $libs
	fi
	if stale "$o-pie" "$c"; then
		run $CC $flags $MAP -fpie -pie -o "$o-pie" "$c" $libs
	fi
	if [ "$n" = uprobe_test ] && stale "$o-stripped" "$c"; then
		# debug info found by build id (--debuginfo=./external_debug),
		# no debuglink
		mkdir -p "$out/testprogs/external_debug"
		run $OBJCOPY --only-keep-debug "$o" \
			"$out/testprogs/external_debug/uprobe_test-stripped.debug"
		run $OBJCOPY --strip-debug "$o" "$o-stripped"
	fi
	if [ "$n" = uprobe_test ]; then
		split_variants "$c"
	fi
done

# C++ helpers (testprogs/*.cpp, non-PIE): with the C++ compiler when
# there is one (Debian: g++), else left out (their tests fail saying so)
CXX=${CXX:-c++}
for c in "$src"/testprogs/*.cpp; do
	[ -e "$c" ] || continue
	o="$out/testprogs/$(basename "$c" .cpp)"
	if ! command -v "$CXX" >/dev/null 2>&1; then
		echo "build.sh: WARNING: no C++ compiler ($CXX): $(basename "$c") not built (apt-get install g++)" >&2
		continue
	fi
	if stale "$o" "$c"; then
		run $CXX $BASE $MAP -no-pie -o "$o" "$c"
	fi
done

# archive.zip: `true` stored (not compressed) in a ZIP archive, flat, as
# `zip -0 -j` makes it (uprobes on a member of an archive: "A.zip!/true")
if stale "$out/testprogs/archive.zip" "$src/testprogs/true.c"; then
	run python3 -c 'import sys, zipfile
with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_STORED) as z:
    z.write(sys.argv[2], "true")' "$out/testprogs/archive.zip" "$out/testprogs/true"
fi

for c in "$src"/testlibs/*.c; do
	n=$(basename "$c" .c)
	so="$out/testlibs/lib$n.so"
	if stale "$so" "$c"; then
		run $CC -g -O0 -fpic -shared -o "$so" "$c"
		chmod a-x "$so"
	fi
done
