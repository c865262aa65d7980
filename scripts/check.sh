#!/usr/bin/env bash
# make check: every gate, then every selftest, as one TAP 13 stream, then
# "N passed, N failed, N skipped".
#
# It builds and tests in a tree of its own, build/check/ (kernel and QEMU
# trees, objects, selftests, initramfs), never in build/linux or build/qemu:
# a developer's uncommitted work there is left exactly as it was (the last
# gate checks that). Downloads (build/dl) and ccache are shared. Per-test
# results go to build/results/, emptied first.
set -uo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
export BUILD=${CHECK_BUILD:-$TOP/build/check}
# make check decides its own settings (scripts/common.sh).
KVMSEV_OWN_BUILD=1
. "$TOP/scripts/common.sh"
export RESULTS=$TOP/build/results

logs=$BUILD/logs
rm -rf "$logs"; mkdir -p "$logs"
pass=0 fail=0 skip=0 flaky=0 n=0 failed_gates=
t0=$(date +%s)

# The developer's trees, as they are now: the last gate compares.
devtree_state() {
	# Reading must not write: GIT_OPTIONAL_LOCKS=0, no index refresh.
	local t GIT_OPTIONAL_LOCKS=0
	export GIT_OPTIONAL_LOCKS
	for t in "$TOP/build/linux" "$TOP/build/qemu"; do
		[ -d "$t/.git" ] || { echo "$t absent"; continue; }
		echo "$t $(git -C "$t" rev-parse HEAD 2>/dev/null)"
		git -C "$t" for-each-ref --format='%(refname) %(objectname)'
		git -C "$t" status --porcelain=v1 --untracked-files=all --ignored
		git -C "$t" diff HEAD --binary | sha1sum
		# Files git does not track (Debian's .gitignore ignores them all).
		(cd "$t" && git ls-files -o -z | xargs -0 -r sha1sum)
	done
}
devtree_before=$(devtree_state)

echo "TAP version 13"
echo "# build: $BUILD, results: $RESULTS, jobs: $JOBS, VM jobs: ${VMJOBS:-$JOBS}"
echo "# QEMU: $KVMTEST_QEMU -cpu $KVMTEST_QEMU_CPU $KVMTEST_QEMU_DEVICES"
gate() {	# gate NAME CMD... : run a gate, log it, report it as a TAP line
	local name=$1 s rc d
	shift
	s=$(date +%s)
	"$@" > "$logs/$name.log" 2>&1
	rc=$?
	d=$(( $(date +%s) - s ))
	n=$((n + 1))
	if [ $rc = 0 ]; then
		pass=$((pass + 1)); echo "ok $n $name (${d}s)"
	elif [ $rc = 4 ]; then
		skip=$((skip + 1)); echo "ok $n $name # SKIP $(tail -n1 "$logs/$name.log")"
	else
		fail=$((fail + 1)) failed_gates="$failed_gates $name"
		echo "not ok $n $name # failed after ${d}s, last lines of $logs/$name.log:"
		tail -n 30 "$logs/$name.log" | sed 's/^/#  | /'
	fi
	return $rc
}
blocked() {	# a gate that cannot run because an earlier one failed
	n=$((n + 1)) fail=$((fail + 1)); echo "not ok $n $1 # not run: $2 failed"
}
finish() {
	gate devtree-untouched devtree_check
	echo "1..$n"
	# Again at the end, where a cut summary still shows it: what failed.
	for g in $failed_gates; do
		grep -E 'not ok|Assertion failed|FAIL' "$logs/$g.log" | grep -v '# XFAIL' |
			head -n 6 | cut -c1-200 | sed "s/^/# failed in $g: /"
	done
	echo "# make check took $(( $(date +%s) - t0 )) s"
	if [ $flaky = 0 ]; then echo "$pass passed, $fail failed, $skip skipped"
	else echo "$pass passed, $fail failed, $skip skipped, $flaky flaky"; fi
	[ $fail = 0 ]
	exit
}
devtree_check() {
	if [ "$(devtree_state)" = "$devtree_before" ]; then
		echo "build/linux and build/qemu: HEAD, refs, status and uncommitted diff as before the run"
	else
		echo "build/linux or build/qemu changed during make check:"
		diff <(echo "$devtree_before") <(devtree_state) | head -n 20
		return 1
	fi
}
trees() {	# both trees at once: unpacking and git add are single-threaded
	FORCE=1 "$TOP/scripts/queue.sh" tree qemu > "$logs/qemu-tree.out" 2>&1 &
	local q=$!
	FORCE=1 "$TOP/scripts/queue.sh" tree linux; local k=$?
	wait $q; local qr=$?
	cat "$logs/qemu-tree.out"
	[ $k = 0 ] && [ $qr = 0 ]
}

gate deps "$TOP/scripts/deps.sh" || finish
gate runner-test "$TOP/scripts/runner-test.sh"
gate trees trees || finish
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
gate expectations python3 "$TOP/scripts/runner.py" check-expectations || finish
gate programs programs || finish
gate initramfs "$TOP/scripts/initramfs.sh" || finish
gate runner-selfcheck "$TOP/scripts/selfcheck.sh"
gate sev-host "$TOP/scripts/sev-host-check.sh"
gate psp-test "$TOP/scripts/psp-test.sh"
# A real VMM (the series' QEMU, as in L0) live-migrates a real SEV guest
# (Debian's OVMF and kernel) in the kernel under test, between two QEMUs:
# once with KVM keeping the list of shared pages and sorting each batch,
# once with QEMU keeping it from an exit per conversion.  migrate.sh checks
# that the guest runs encrypted, who kept the list, that migration is
# refused before the guest is ready, fails with a wrong PDH and survives a
# cancel (kvm), that every page went with the type of the guest's list,
# and that the workload goes on checking its memory on the target.
gate migrate env MIGRATE_MODES="kvm exit" "$TOP/scripts/migrate.sh"
# The benchmarks, short: they assert correctness only (exit counts, list
# sizes, round trips); make bench runs them in full and prints the figures.
gate bench-smoke env BENCH_KERNEL=test BENCH_ARGS="-n 2000 -r 100000 -m" \
	MAP_GPA_BENCH_ARGS=1 SEV_BENCH_ARGS="-p 512 -r 1" "$TOP/scripts/bench.sh"
# The same CPU without sev=on: the SVM, upstream SEV and shared-GPA tests
# behave as they do with it, except that kvm_amd sees no SEV at all (the
# upstream SEV tests are expected to skip: nosev=skip in tests/expectations).
# The SEV tests on a host without SME_COHERENT: the cache-flush paths run.
gate sev-noncoherent "$TOP/scripts/sev-noncoherent.sh"
gate qemu-nosev env QEMU_SEV=0 RESULTS="$BUILD/results-nosev" \
	TESTS='svm_* sev_smoke_test sev_init2_tests sev_migrate_tests shared_gpa_tracking_test debug_regs' \
	"$TOP/scripts/vmtest.sh"

# Every selftest: the runner's TAP lines continue this stream. Its closing
# line is read from this run's output only; a runner that dies leaves none,
# and then the run fails.
out=$logs/vmtest.tap
"$TOP/scripts/vmtest.sh" --tap-start "$n" 2> "$logs/vmtest.log" | tee "$out"
if counts=$(python3 "$TOP/scripts/runner.py" counts "$out"); then
	read -r p f s k <<<"$counts"
	# A flaky pass is neither a pass nor a failure: shown, and counted apart.
	pass=$((pass + p)) fail=$((fail + f)) skip=$((skip + s)) flaky=$((flaky + k))
	n=$((n + p + f + s + k))
else
	# The lines it streamed before it died still count, and number on.
	read -r p f s <<<"$(awk '/^ok / { if (/# (SKIP|XFAIL) /) s++; else p++ } /^not ok / { f++ }
		END { print p + 0, f + 0, s + 0 }' "$out")"
	pass=$((pass + p)) fail=$((fail + f)) skip=$((skip + s)) n=$((n + p + f + s))
	blocked vmtest "the runner (no closing line in $out)"
fi
finish
