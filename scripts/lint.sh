#!/usr/bin/env bash
# make lint [checkpatch|bisect|sparse|htmldocs]: the series' lint gates.
#   checkpatch  checkpatch.pl --strict on every patch (tests/checkpatch-allow
#               lists accepted reports, each with a reason)
#   bisect      every prefix of the series builds arch/x86/kvm/ and
#               drivers/crypto/ccp/ with W=1 and KVM_WERROR=y, with no new
#               warning
#   sparse      C=2 on the touched directories: nothing new against the base
#   htmldocs    touched .rst files build without new warnings
# Exit 4 means there was nothing to check (counted as a skip).
set -uo pipefail
. "$(dirname "$0")/common.sh"

what=${1:-all}
if [ "$what" = all ]; then
	rc=0
	for w in checkpatch bisect sparse htmldocs; do
		echo "== lint $w"; "$0" "$w"; r=$?
		[ $r = 0 ] || [ $r = 4 ] || rc=1
	done
	exit $rc
fi

WT=$BUILD/lint-tree		# a worktree of build/linux for the builds
n=$(git -C "$KTREE" rev-list --count base..HEAD)
patches=$(grep -v '^#' "$TOP/patches/series" 2>/dev/null || true)
DIRS="arch/x86/kvm/ drivers/crypto/ccp/"

worktree() {	# worktree REV: check REV out in $WT
	if [ ! -e "$WT/.git" ] || ! git -C "$WT" rev-parse -q --verify HEAD >/dev/null 2>&1; then
		rm -rf "$WT"
		git -C "$KTREE" worktree prune
		git -C "$KTREE" worktree add -q --detach "$WT" "$1" || exit 1
	else
		git -C "$WT" checkout -q --detach -f "$1" || exit 1
	fi
}
wmake() {	# wmake OBJDIR ARGS...: make in the worktree
	local obj=$1
	shift
	make -C "$WT" O="$obj" -j"$JOBS" CC="ccache gcc" HOSTCC="ccache gcc" "$@"
}
prepare_obj() {	# prepare_obj OBJDIR: the test kernel's config, prepared
	mkdir -p "$1"
	[ -f "$KOBJ/.config" ] || { echo "no $KOBJ/.config: run make kernel first"; exit 1; }
	cp "$KOBJ/.config" "$1/.config"
	wmake "$1" -s olddefconfig >/dev/null && wmake "$1" -s modules_prepare >/dev/null
}
norm() {	# strip line and column numbers from compiler/sparse/sphinx reports
	sed -E -n 's/^([^ :]+):[0-9]+(:[0-9]+)?: /\1: /p' | grep -E 'warning|error|WARNING|ERROR' | sort
}

case $what in
checkpatch)
	[ -n "$patches" ] || { echo "the series is empty"; exit 4; }
	allow=$TOP/tests/checkpatch-allow
	bad=0
	for p in $patches; do
		out=$(cd "$KTREE" && perl scripts/checkpatch.pl --strict --terse --show-types \
			--no-summary "$TOP/patches/$p" 2>&1)
		while IFS= read -r line; do
			[ -n "$line" ] || continue
			type=$(sed -n 's/.*: \(ERROR\|WARNING\|CHECK\):\([A-Z_0-9]*\):.*/\2/p' <<<"$line")
			if [ -n "$type" ] && grep -qE "^$p[[:space:]]+$type([[:space:]]|$)" "$allow" 2>/dev/null; then
				echo "allowed: $line"
				continue
			fi
			echo "$line"; bad=1
		done <<<"$out"
	done
	[ $bad = 0 ] && echo "checkpatch --strict clean on $(wc -w <<<"$patches") patches"
	exit $bad
	;;
bisect)
	[ "$n" -gt 0 ] || { echo "the series is empty"; exit 4; }
	obj=$BUILD/lint-obj
	rm -f "$BUILD"/lint-sparse-*
	worktree base
	prepare_obj "$obj" || exit 1
	wmake "$obj" W=1 $DIRS > "$BUILD/lint-bisect-0.log" 2>&1 ||
		{ tail -n 30 "$BUILD/lint-bisect-0.log"; echo "the base does not build"; exit 1; }
	norm < "$BUILD/lint-bisect-0.log" > "$BUILD/lint-bisect-base.warn"
	# Sparse on the base while this tree is built: the sparse gate then
	# only has to check the top of the series.
	wmake "$obj" C=2 $DIRS > "$BUILD/lint-sparse-base.log" 2>&1 &&
		norm < "$BUILD/lint-sparse-base.log" > "$BUILD/lint-sparse-base.warn"
	bad=0 i=0
	for c in $(git -C "$KTREE" rev-list --reverse base..HEAD); do
		i=$((i + 1))
		subj=$(git -C "$KTREE" log -1 --format=%s "$c")
		worktree "$c"
		if ! wmake "$obj" W=1 $DIRS > "$BUILD/lint-bisect-$i.log" 2>&1; then
			echo "patch $i ($subj) does not build:"; grep -E 'error|warning' "$BUILD/lint-bisect-$i.log" | head -n 20
			bad=1; continue
		fi
		new=$(norm < "$BUILD/lint-bisect-$i.log" | comm -23 - "$BUILD/lint-bisect-base.warn")
		if [ -n "$new" ]; then echo "patch $i ($subj) adds warnings:"; echo "$new"; bad=1
		else echo "ok $i/$n: $subj"; fi
	done
	exit $bad
	;;
sparse)
	[ "$n" -gt 0 ] || { echo "the series is empty"; exit 4; }
	obj=$BUILD/lint-obj	# shared with bisect, which leaves it built at HEAD
	revs="base HEAD"
	[ -s "$BUILD/lint-sparse-base.log" ] && [ -f "$BUILD/lint-sparse-base.warn" ] && revs=HEAD
	for rev in $revs; do
		worktree "$(git -C "$KTREE" rev-parse $rev)"
		[ -f "$obj/.config" ] || prepare_obj "$obj" || exit 1
		# virt/kvm/ is built, and checked, as part of arch/x86/kvm/.
		wmake "$obj" C=2 $DIRS > "$BUILD/lint-sparse-$rev.log" 2>&1 ||
			{ tail -n 20 "$BUILD/lint-sparse-$rev.log"; exit 1; }
		norm < "$BUILD/lint-sparse-$rev.log" > "$BUILD/lint-sparse-$rev.warn"
	done
	new=$(comm -13 "$BUILD/lint-sparse-base.warn" "$BUILD/lint-sparse-HEAD.warn")
	if [ -n "$new" ]; then echo "sparse reports new warnings:"; echo "$new"; exit 1; fi
	echo "sparse: nothing new ($(wc -l < "$BUILD/lint-sparse-base.warn") reports on the base, $(wc -l < "$BUILD/lint-sparse-HEAD.warn") with the series)"
	;;
htmldocs)
	rst=$(git -C "$KTREE" diff --name-only base HEAD -- 'Documentation/*.rst')
	[ -n "$rst" ] || { echo "the series touches no .rst file"; exit 4; }
	dirs=$(sed -E 's|^Documentation/([^/]+)/.*|\1|' <<<"$rst" | sort -u | tr '\n' ' ')
	for rev in base HEAD; do
		worktree "$(git -C "$KTREE" rev-parse $rev)"
		rm -rf "$BUILD/lint-docs-$rev"
		wmake "$BUILD/lint-docs-$rev" SPHINXDIRS="$dirs" htmldocs > "$BUILD/lint-docs-$rev.log" 2>&1 ||
			{ tail -n 20 "$BUILD/lint-docs-$rev.log"; exit 1; }
		sed "s|$WT/||g" "$BUILD/lint-docs-$rev.log" | norm > "$BUILD/lint-docs-$rev.warn"
	done
	new=$(comm -13 "$BUILD/lint-docs-base.warn" "$BUILD/lint-docs-HEAD.warn")
	if [ -n "$new" ]; then echo "htmldocs: new warnings:"; echo "$new"; exit 1; fi
	echo "htmldocs ($dirs): no new warnings in $(wc -w <<<"$rst") touched .rst files"
	;;
*) die "unknown lint step $what" ;;
esac
