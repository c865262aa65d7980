#!/usr/bin/env bash
# The runner's self-check: a pass, a skip, a failing test, a timeout, a
# kernel WARN and a taint without any report, each run through run-one.sh
# in its own boot, must be judged PASS, SKIP, FAIL, FAIL, FAIL and FAIL.
set -uo pipefail
. "$(dirname "$0")/common.sh"

dir=$BUILD/selfcheck
mkdir -p "$dir"
programs harness_selfcheck || exit 1
[ -f "$BUILD/initramfs/base.cpio" ] || "$TOP/scripts/initramfs.sh" || exit 1
export RESULTS=$dir/results
rm -rf "$RESULTS"

cases="pass:60:PASS skip:60:SKIP fail:60:FAIL_exit hang:15:FAIL_timeout warn:60:FAIL_kernel taint:60:FAIL_taint"
for c in $cases; do
	IFS=: read -r mode tmo _ <<<"$c"
	echo "selfcheck/$mode $PROGS/harness_selfcheck $tmo $mode"
done | xargs -P "$JOBS" -L 1 "$TOP/scripts/run-one.sh" >/dev/null

bad=0
for c in $cases; do
	IFS=: read -r mode _ want <<<"$c"
	got=$(cat "$RESULTS/selfcheck_$mode.status" 2>/dev/null || echo "no status")
	case "$want:$got" in
	PASS:PASS|SKIP:SKIP*|"FAIL_exit:FAIL exit status 1"|"FAIL_timeout:FAIL timeout"*|"FAIL_kernel:FAIL kernel report"*|"FAIL_taint:FAIL kernel tainted after the test: 4096 (O)")
		echo "ok   $mode: $got" ;;
	*)	echo "BAD  $mode: want $want, got: $got"; bad=1 ;;
	esac
done
exit $bad
