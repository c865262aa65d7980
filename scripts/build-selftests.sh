#!/usr/bin/env bash
# make selftests: build the KVM selftests of the tree, statically linked so
# they run in a busybox initramfs. Writes build/selftests/TESTS, one test
# path (relative to build/selftests) a line.
set -euo pipefail
. "$(dirname "$0")/common.sh"

kmake -s headers >/dev/null
sdir=$KTREE/tools/testing/selftests/kvm
mkdir -p "$SELFTESTS_OUT"
smake() {
	make -C "$sdir" -s -j"$JOBS" OUTPUT="$SELFTESTS_OUT" CC="ccache gcc" \
		EXTRA_CFLAGS="-static" KHDR_INCLUDES="-isystem $KOBJ/usr/include" "$@"
}
say "building KVM selftests (static)"
smake
# The list of test programs, as the selftests Makefile defines it.
make -C "$sdir" -s --no-print-directory OUTPUT="$SELFTESTS_OUT" \
	-f Makefile -f - print-tests <<'MK' | tr ' ' '\n' | sed -n "s|^$SELFTESTS_OUT/||p" | sort > "$SELFTESTS_OUT/TESTS"
print-tests: ; @echo $(TEST_GEN_PROGS)
MK
say "$(wc -l < "$SELFTESTS_OUT/TESTS") test programs in $SELFTESTS_OUT"
