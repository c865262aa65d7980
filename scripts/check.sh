#!/usr/bin/env bash
# make check: every gate, then "N passed, N failed, N skipped".
# Gates: deps, kernel and QEMU trees, round trip, the patched QEMU and its
# own test, lint (checkpatch, per-patch builds, sparse, htmldocs), kernel,
# selftests, runner self-check, the SEV host check, the emulated PSP's own
# tests, the benchmarks in short runs, a few tests without sev=on, then every selftest in its own QEMU
# boot on the emulated SEV host.
set -uo pipefail
. "$(dirname "$0")/common.sh"

logs=$BUILD/check
mkdir -p "$logs"
pass=0 fail=0 skip=0
t0=$(date +%s)

gate() {	# gate NAME CMD... : run a gate, log it, count it
	local name=$1 s=$(date +%s) rc
	shift
	"$@" > "$logs/$name.log" 2>&1
	rc=$?
	local d=$(( $(date +%s) - s ))
	if [ $rc = 0 ]; then
		pass=$((pass + 1)); echo "PASS $name (${d}s)"
	elif [ $rc = 4 ]; then
		skip=$((skip + 1)); echo "SKIP $name (${d}s): $(tail -n1 "$logs/$name.log")"
	else
		fail=$((fail + 1)); echo "FAIL $name (${d}s), last lines of $logs/$name.log:"
		tail -n 30 "$logs/$name.log" | sed 's/^/  | /'
	fi
	return $rc
}
blocked() {	# a gate that cannot run because an earlier one failed
	fail=$((fail + 1)); echo "FAIL $1: not run, $2 failed"
}
finish() {
	echo
	echo "make check took $(( $(date +%s) - t0 )) s"
	echo "$pass passed, $fail failed, $skip skipped"
	[ $fail = 0 ]
	exit
}

gate deps "$TOP/scripts/deps.sh" || finish
gate tree "$TOP/scripts/tree.sh" || finish
gate qemu-tree "$TOP/scripts/qemu-tree.sh" || finish
gate roundtrip "$TOP/scripts/roundtrip.sh"
gate lint-checkpatch "$TOP/scripts/lint.sh" checkpatch
gate qemu-checkpatch "$TOP/scripts/qemu-checkpatch.sh"
gate qemu "$TOP/scripts/build-qemu.sh" || finish
gate qemu-test "$TOP/scripts/qemu-test.sh"
gate kernel "$TOP/scripts/build-kernel.sh"; kernel=$?
gate lint-bisect "$TOP/scripts/lint.sh" bisect
gate lint-sparse "$TOP/scripts/lint.sh" sparse
gate lint-htmldocs "$TOP/scripts/lint.sh" htmldocs
[ $kernel = 0 ] || { blocked selftests kernel; finish; }
gate selftests "$TOP/scripts/build-selftests.sh" || finish
gate initramfs "$TOP/scripts/initramfs.sh" || finish
gate runner-selfcheck "$TOP/scripts/selfcheck.sh"
gate sev-host "$TOP/scripts/sev-host-check.sh"
gate psp-test "$TOP/scripts/psp-test.sh"
# The benchmarks, short: they assert correctness only (exit counts, list
# sizes, round trips); make bench runs them in full and prints the figures.
gate bench-smoke env BENCH_ARGS="-n 2000 -r 100000 -m" \
	SEV_BENCH_ARGS="-p 512 -r 1" "$TOP/scripts/bench.sh"
# The same CPU without sev=on: the SVM, SEV and shared-GPA tests behave as
# they do with it, except that kvm_amd sees no SEV at all.
gate qemu-nosev env QEMU_SEV=0 RESULTS="$BUILD/results-nosev" \
	TESTS='svm_* sev_* shared_gpa_tracking_test debug_regs' "$TOP/scripts/vmtest.sh"

echo "==> selftests under QEMU TCG"
"$TOP/scripts/vmtest.sh" > "$logs/vmtest.log" 2>&1
# The report only: the runner's progress lines are in the log.
sed -n '/^== results, in test order$/,$p' "$logs/vmtest.log" | sed '1d;/^vmtest: /d'
if [ -f "$RESULTS/COUNTS" ]; then
	read -r p f s < "$RESULTS/COUNTS"
	pass=$((pass + p)) fail=$((fail + f)) skip=$((skip + s))
else
	blocked vmtest "the runner"
fi
finish
