#!/usr/bin/env bash
# QEMU's own scripts/checkpatch.pl on every patch of qemu/patches/.
set -uo pipefail
. "$(dirname "$0")/common.sh"

[ -x "$QTREE/scripts/checkpatch.pl" ] || die "no $QTREE: run make qemu-tree"
bad=0
while read -r p; do
	case "$p" in ''|'#'*) continue ;; esac
	if out=$("$QTREE/scripts/checkpatch.pl" --no-tree "$TOP/qemu/patches/$p" 2>&1); then
		echo "PASS $p"
	else
		echo "FAIL $p"; echo "$out" | grep -A3 -E '^(ERROR|WARNING)' | sed 's/^/  /'
		bad=1
	fi
done < "$TOP/qemu/patches/series"
exit $bad
