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
	export RUNNER_NO_LOCKDEP=1	# the runner's lockdep check does not apply
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

# The counted boot: the plugin, and -icount (shift=0: virtual time is one
# nanosecond per instruction), so that timer interrupts arrive per
# instruction executed, as on a host of about 1 GHz x IPC, rather than per
# second of slow emulation, and do not inflate the slower path's count.
ICOUNT=${BENCH_ICOUNT:--icount shift=0,sleep=off}
boot() {	# boot counted|plain NAME TIMEOUT PROGRAM ARGS...
	local kind=$1 name=$2 timeout=$3 prog=$4 extra=
	shift 4
	[ "$kind" = counted ] &&
		extra="$ICOUNT -plugin $PROGS/insn_count.so,out=$RESULTS/$name.counts,profile=on"
	QEMU_EXTRA="$extra" EXTRA_FILES="$PROGS/$prog" \
		"$TOP/scripts/run-one.sh" "$name.$kind" "$TOP/tests/bench/with-kallsyms.sh" "$timeout" \
		"./$prog" "$@" >/dev/null || true
	if ! grep -q '^PASS' "$RESULTS/$name.$kind.status"; then
		echo "bench: $name ($kind): $(cat "$RESULTS/$name.$kind.status")"
		tail -n 20 "$RESULTS/$name.$kind.out" 2>/dev/null
		ok=0; return 1
	fi
}

echo
if boot counted map_gpa_bench 1500 map_gpa_bench ${MAP_GPA_BENCH_ARGS:-3} &&
	boot plain map_gpa_bench 1500 map_gpa_bench ${MAP_GPA_BENCH_ARGS:-3}; then
	sed -n '/^map_gpa_bench:/p; /^bench: cpu vulnerability/p' "$RESULTS/map_gpa_bench.counted.out"
	python3 "$TOP/tests/bench/insn_report.py" map_gpa "$RESULTS/map_gpa_bench.counted.out" \
		"$RESULTS/map_gpa_bench.counts" "$RESULTS/map_gpa_bench.plain.out" || ok=0
fi
echo
if boot counted sev_export_bench 1500 sev_export_bench ${SEV_BENCH_ARGS:--p 8192 -r 3} &&
	boot plain sev_export_bench 1500 sev_export_bench ${SEV_BENCH_ARGS:--p 8192 -r 3}; then
	echo "-- sev_export_bench's own figures (wall clock and getrusage, without the plugin; secondary):"
	sed -n '/@@KALLSYMS@@/q; /^interval /d; /^bench: cpu vulnerability/d; p' "$RESULTS/sev_export_bench.plain.out"
	echo "-- the counted boot's PSP interrupt:"
	sed -n 's/^sev_export_bench: \(the PSP.s interrupt\|\/proc\/interrupts\)/  \1/p' \
		"$RESULTS/sev_export_bench.counted.out"
	python3 "$TOP/tests/bench/insn_report.py" export "$RESULTS/sev_export_bench.counted.out" \
		"$RESULTS/sev_export_bench.counts" "$RESULTS/sev_export_bench.plain.out" || ok=0
fi
echo
"$TOP/scripts/run-one.sh" bench/map_gpa_range_perf_test \
	"$SELFTESTS_OUT/x86_64/map_gpa_range_perf_test" 1200 ${BENCH_ARGS:--n 20000 -r 1000000 -m} >/dev/null || true
echo "== map_gpa_range_perf_test: wall clock under TCG (secondary)"
cat "$RESULTS/bench_map_gpa_range_perf_test.out"
echo "bench: $(cat "$RESULTS/bench_map_gpa_range_perf_test.status")"
grep -q '^PASS' "$RESULTS/bench_map_gpa_range_perf_test.status" || ok=0
[ $ok = 1 ]
