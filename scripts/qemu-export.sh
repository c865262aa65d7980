#!/usr/bin/env bash
# make qemu-export: regenerate qemu/patches/ from the commits on top of the
# base commit in build/qemu. OUT=dir writes elsewhere (round-trip check).
set -euo pipefail
. "$(dirname "$0")/common.sh"

out=${OUT:-$TOP/qemu/patches}
cd "$QTREE"
[ -z "$(git status --porcelain --untracked-files=no)" ] ||
	die "$QTREE has uncommitted changes; commit them first"
n=$(git rev-list --count base..HEAD)
mkdir -p "$out"
rm -f "$out"/[0-9][0-9][0-9][0-9]-*.patch
: > "$out/series"
if [ "$n" -gt 0 ]; then
	git format-patch -q --zero-commit --no-cover-letter --base=base \
		--no-signature -o "$out" base..HEAD
	ls "$out" | grep -E '^[0-9]{4}-.*\.patch$' > "$out/series"
fi
[ -n "${OUT:-}" ] || echo "$QEMU_BASE_VERSION" > "$TOP/qemu/BASE-VERSION"
say "exported $n QEMU patches to $out"
