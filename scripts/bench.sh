#!/usr/bin/env bash
# make bench: benchmarks that print figures (never timed assertions).
#
# They run on the benchmark kernel: the same tree and series built with
# config/kvm-sev-bench.config merged last (no lockdep, list or atomic-sleep
# checks, no fault injection), in build/bench/ (its own objects, modules,
# selftests, programs and initramfs; the trees and QEMU are build/'s).
# BENCH_KERNEL=test uses the test kernel and build/ as they are (make
# check's bench-smoke, which judges only the benchmarks' own assertions).
#
# Instructions are counted by the insn_count TCG plugin
# (tests/bench/insn_count.c) loaded into the emulated host, between markers
# the benchmarks execute; tests/bench/insn_report.py joins them with the
# benchmarks' own figures and prints per-operation counts, ratios, the
# spread over runs and a hardware cost model with its sources.
# 1. tests/bench/map_gpa_bench.c: KVM_HC_MAP_GPA_RANGE in the kernel
#    against the exit to userspace, with dirty logging, and a Linux guest's
#    boot-time conversions.
# 2. tests/bench/sev_export_bench.c on the emulated SEV host: export and
#    import, single-page against batched (512), alternating.
# 3. x86_64/map_gpa_range_perf_test: wall-clock figures (secondary), and
#    the cost of reading the shared list as it grows.
set -euo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
if [ "${BENCH_KERNEL:-bench}" = bench ]; then
	export KTREE=${KTREE:-$TOP/build/linux} QTREE=${QTREE:-$TOP/build/qemu}
	export QOBJ=${QOBJ:-$TOP/build/qemu-obj}
	export BUILD=$TOP/build/bench
	export KERNEL_FRAGS=$TOP/config/kvm-sev-bench.config
	unset KOBJ SELFTESTS_OUT RESULTS PROGS BZIMAGE BASE_CPIO
fi
. "$TOP/scripts/common.sh"

[ -d "$KTREE/.git" ] || "$TOP/scripts/queue.sh" tree linux
"$TOP/scripts/build-kernel.sh"
"$TOP/scripts/build-qemu.sh"
"$TOP/scripts/build-selftests.sh" >/dev/null
"$TOP/scripts/initramfs.sh" >/dev/null
programs sev_export_bench map_gpa_bench insn_count
export RESULTS=$BUILD/bench-results
rm -rf "$RESULTS"	# no result of an earlier run may be read
mkdir -p "$RESULTS"
lockdep=$(grep -c '^CONFIG_PROVE_LOCKING=y' "$KOBJ/.config" || true)
echo "== make bench: kernel $(cat "$KOBJ/include/config/kernel.release"), $KOBJ/.config:" \
	"$( [ "$lockdep" = 1 ] && echo "the test kernel (lockdep and debug checks on)" ||
		echo "the benchmark kernel (config/kvm-sev-bench.config: no lockdep, DEBUG_LIST, atomic-sleep checks, fault injection)")"
echo "== under QEMU 7.2 TCG (nested: L1, the kernel under test, is emulated); instructions by the insn_count plugin"
ok=1

counted() {	# counted NAME TIMEOUT PROGRAM ARGS...: one boot with the plugin
	local name=$1 timeout=$2 prog=$3
	shift 3
	QEMU_EXTRA="-plugin $PROGS/insn_count.so,out=$RESULTS/$name.counts,profile=on" \
	EXTRA_FILES="$PROGS/$prog" \
		"$TOP/scripts/run-one.sh" "$name" "$TOP/tests/bench/with-kallsyms.sh" "$timeout" \
		"./$prog" "$@" >/dev/null || true
	if ! grep -q '^PASS' "$RESULTS/$name.status"; then
		echo "bench: $name: $(cat "$RESULTS/$name.status")"; tail -n 20 "$RESULTS/$name.out" 2>/dev/null
		ok=0; return 1
	fi
}

echo
if counted map_gpa_bench 1500 map_gpa_bench ${MAP_GPA_BENCH_ARGS:-3}; then
	sed -n '/^map_gpa_bench:/p' "$RESULTS/map_gpa_bench.out"
	python3 "$TOP/tests/bench/insn_report.py" map_gpa "$RESULTS/map_gpa_bench.out" \
		"$RESULTS/map_gpa_bench.counts" || ok=0
fi
echo
if counted sev_export_bench 1500 sev_export_bench ${SEV_BENCH_ARGS:--p 8192 -r 3}; then
	sed -n '/@@KALLSYMS@@/q; /^interval /d; p' "$RESULTS/sev_export_bench.out"
	python3 "$TOP/tests/bench/insn_report.py" export "$RESULTS/sev_export_bench.out" \
		"$RESULTS/sev_export_bench.counts" || ok=0
fi
echo
"$TOP/scripts/run-one.sh" bench/map_gpa_range_perf_test \
	"$SELFTESTS_OUT/x86_64/map_gpa_range_perf_test" 1200 ${BENCH_ARGS:--n 20000 -r 1000000 -m} >/dev/null || true
echo "== map_gpa_range_perf_test: wall clock under TCG (secondary)"
cat "$RESULTS/bench_map_gpa_range_perf_test.out"
echo "bench: $(cat "$RESULTS/bench_map_gpa_range_perf_test.status")"
grep -q '^PASS' "$RESULTS/bench_map_gpa_range_perf_test.status" || ok=0
[ $ok = 1 ]
