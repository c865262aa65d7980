#!/usr/bin/env bash
# make vmtest TESTS='glob ...': run the built selftests, one QEMU boot each,
# in parallel, and report PASS/FAIL/SKIP per test.
set -uo pipefail
. "$(dirname "$0")/common.sh"

globs=${TESTS:-*}
list=$SELFTESTS_OUT/TESTS
[ -f "$list" ] || die "no $list: run make selftests"
[ -f "$BUILD/initramfs/base.cpio" ] || "$TOP/scripts/initramfs.sh"

sel=()
set -f	# the globs are patterns for test names, not for files here
while read -r t; do
	for g in $globs; do
		# shellcheck disable=SC2053
		if [[ $t == $g || ${t##*/} == $g ]]; then sel+=("$t"); break; fi
	done
done < "$list"
set +f
[ ${#sel[@]} -gt 0 ] || die "no test matches '$globs'"

params() {	# NAME -> "TIMEOUT ARGS..." from tests/test-params
	local line
	line=$(grep -E "^${1##*/}[[:space:]]" "$TOP/tests/test-params" 2>/dev/null | head -n1)
	if [ -n "$line" ]; then echo "${line#* }"; else echo "${DEFAULT_TIMEOUT:-300}"; fi
}

rm -rf "$RESULTS"
mkdir -p "$RESULTS"
printf '%s\n' "${sel[@]}" > "$RESULTS/SELECTED"
say "running ${#sel[@]} tests, ${VMJOBS:-$JOBS} at a time"
for t in "${sel[@]}"; do
	echo "$t $SELFTESTS_OUT/$t $(params "$t")"
done | xargs -P "${VMJOBS:-$JOBS}" -L 1 "$TOP/scripts/run-one.sh"
python3 "$TOP/scripts/report.py" "$RESULTS" "$TOP/tests" --counts "$RESULTS/COUNTS"
