#!/usr/bin/env bash
# make bench: benchmarks that print figures (never timed assertions).
# Runs x86_64/map_gpa_range_perf_test in the test VM: KVM_HC_MAP_GPA_RANGE
# handled in the kernel against the same call forwarded to userspace, in
# one run, and the cost of reading the shared list as it grows.
set -euo pipefail
. "$(dirname "$0")/common.sh"

[ -d "$KTREE/.git" ] || "$TOP/scripts/tree.sh"
"$TOP/scripts/build-kernel.sh"
"$TOP/scripts/build-qemu.sh"
"$TOP/scripts/build-selftests.sh" >/dev/null
"$TOP/scripts/initramfs.sh" >/dev/null
export RESULTS=$BUILD/bench
"$TOP/scripts/run-one.sh" bench/map_gpa_range_perf_test \
	"$SELFTESTS_OUT/x86_64/map_gpa_range_perf_test" 1200 ${BENCH_ARGS:--n 20000 -r 1000000} >/dev/null || true
echo "== make bench: map_gpa_range_perf_test under QEMU TCG (nested: L1 is emulated)"
cat "$RESULTS/bench_map_gpa_range_perf_test.out"
echo "bench: $(cat "$RESULTS/bench_map_gpa_range_perf_test.status")"
grep -q '^PASS' "$RESULTS/bench_map_gpa_range_perf_test.status"
