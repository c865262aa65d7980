#!/usr/bin/env bash
# make export: regenerate patches/ from the commits on top of the base
# commit in build/linux. OUT=dir writes elsewhere (used by the round-trip
# check).
set -euo pipefail
. "$(dirname "$0")/common.sh"

out=${OUT:-$TOP/patches}
cd "$KTREE"
[ -z "$(git status --porcelain --untracked-files=no)" ] ||
	die "$KTREE has uncommitted changes; commit them first"
n=$(git rev-list --count base..HEAD)
mkdir -p "$out"
rm -f "$out"/[0-9][0-9][0-9][0-9]-*.patch
: > "$out/series"
if [ "$n" -gt 0 ]; then
	# The cover letter takes its date and sender from the last commit, so
	# that regenerating it is reproducible.
	export GIT_COMMITTER_DATE=$(git log -1 --format=%aI HEAD)
	export GIT_COMMITTER_NAME=$(git log -1 --format=%an HEAD)
	export GIT_COMMITTER_EMAIL=$(git log -1 --format=%ae HEAD)
	cover=--cover-letter
	git config branch.master.description >/dev/null || cover=--no-cover-letter
	git format-patch -q --zero-commit "$cover" --cover-from-description=subject \
		--base=base --no-signature -o "$out" base..HEAD
	ls "$out" | grep -E '^[0-9]{4}-.*\.patch$' | grep -v '^0000-' > "$out/series"
fi
echo "$BASE_VERSION" > "$out/BASE-VERSION"
say "exported $n patches to $out"
