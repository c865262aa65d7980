#!/usr/bin/env bash
# make bench: benchmarks that print figures (never timed assertions).
# 1. x86_64/map_gpa_range_perf_test in the test VM: KVM_HC_MAP_GPA_RANGE
#    handled in the kernel against the same call forwarded to userspace, in
#    one run, and the cost of reading the shared list as it grows.
# 2. tests/bench/sev_export_bench.c on the emulated SEV host: the same guest
#    memory exported with KVM_SEV_SEND_UPDATE_DATA (one page per ioctl) and
#    KVM_SEV_SEND_UPDATE_PAGES (512), alternating, in one run: ioctls/GiB,
#    pages/s, kernel CPU per page, the ratio, and the emulated PSP's share.
set -euo pipefail
. "$(dirname "$0")/common.sh"

[ -d "$KTREE/.git" ] || "$TOP/scripts/queue.sh" tree linux
"$TOP/scripts/build-kernel.sh"
"$TOP/scripts/build-qemu.sh"
"$TOP/scripts/build-selftests.sh" >/dev/null
"$TOP/scripts/initramfs.sh" >/dev/null
export RESULTS=$BUILD/bench
rm -rf "$RESULTS"	# no result of an earlier run may be read
"$TOP/scripts/run-one.sh" bench/map_gpa_range_perf_test \
	"$SELFTESTS_OUT/x86_64/map_gpa_range_perf_test" 1200 ${BENCH_ARGS:--n 20000 -r 1000000 -m} >/dev/null || true
echo "== make bench: map_gpa_range_perf_test under QEMU TCG (nested: L1 is emulated)"
cat "$RESULTS/bench_map_gpa_range_perf_test.out"
echo "bench: $(cat "$RESULTS/bench_map_gpa_range_perf_test.status")"
programs sev_export_bench
"$TOP/scripts/run-one.sh" sev_export_bench "$PROGS/sev_export_bench" 1200 \
	${SEV_BENCH_ARGS:--p 8192 -r 3} >/dev/null || true
echo
echo "== make bench: sev_export_bench under QEMU TCG with the emulated PSP"
cat "$RESULTS/sev_export_bench.out"
echo "bench: $(cat "$RESULTS/sev_export_bench.status")"
grep -q '^PASS' "$RESULTS/bench_map_gpa_range_perf_test.status" &&
	grep -q '^PASS' "$RESULTS/sev_export_bench.status"
