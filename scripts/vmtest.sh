#!/usr/bin/env bash
# make vmtest TESTS='glob ...': run the built selftests, one QEMU boot each,
# VMJOBS at a time, judged against tests/expectations by scripts/runner.py
# (TAP 13 on stdout, progress on stderr, JSON per test in $RESULTS). The
# runner reads TESTS itself; extra arguments go to it (--tap-start N, --raw).
. "$(dirname "$0")/common.sh"
[ -f "$SELFTESTS_OUT/TESTS" ] || die "no $SELFTESTS_OUT/TESTS: run make selftests"
[ -f "$BUILD/initramfs/base.cpio" ] || die "no initramfs: run make initramfs"
export TESTS=${TESTS:-}
exec python3 "$TOP/scripts/runner.py" run "$@"
