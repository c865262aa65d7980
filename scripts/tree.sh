#!/usr/bin/env bash
# make tree: unpack the base into build/linux, commit it as the base commit
# and git am the series on top. BASE_ONLY=1 stops at the base commit.
set -euo pipefail
. "$(dirname "$0")/common.sh"

tarball=$("$TOP/scripts/fetch-base.sh")
version=$(dpkg-deb -f "$(ls -t "$BUILD"/dl/${BASE_PKG}_*_all.deb | head -n1)" Version)

# Reuse an existing base commit when it is for the same version, so that a
# re-run only replays the series.
if [ -d "$KTREE/.git" ] && [ "$(git -C "$KTREE" config kvmsev.baseversion || true)" = "$version" ]; then
	say "reusing base $version in $KTREE"
	git -C "$KTREE" am --abort >/dev/null 2>&1 || true
	git -C "$KTREE" checkout -q -f master
	git -C "$KTREE" reset -q --hard base
	git -C "$KTREE" clean -q -fdx
else
	say "unpacking $BASE_PKG $version into $KTREE"
	rm -rf "$KTREE"
	mkdir -p "$KTREE"
	tar -C "$KTREE" --strip-components=1 -xf "$tarball"
	cd "$KTREE"
	git init -q -b master
	git config core.autocrlf false
	git config gc.auto 0
	git add -A -f .
	GIT_AUTHOR_DATE="2026-01-01T00:00:00Z" GIT_COMMITTER_DATE="2026-01-01T00:00:00Z" \
		git commit -q -m "Linux $version (Debian $BASE_PKG)"
	git tag base
	git config kvmsev.baseversion "$version"
fi
cd "$KTREE"
git config user.name "$GIT_COMMITTER_NAME"
git config user.email "$GIT_COMMITTER_EMAIL"

[ "${BASE_ONLY:-0}" = 1 ] && { say "base only: $(git log --oneline -1)"; exit 0; }

# Apply the series in the order of patches/series.
n=0
while read -r p; do
	case "$p" in ''|'#'*) continue ;; esac
	if ! git am -q --keep-cr --committer-date-is-author-date "$TOP/patches/$p" >/tmp/am.$$ 2>&1; then
		echo "ERROR: patch $p does not apply on $BASE_PKG $version" >&2
		cat /tmp/am.$$ >&2
		echo "--- failing hunks (git apply --reject):" >&2
		git am --show-current-patch=diff | git apply --reject --verbose 2>&1 |
			grep -E '^(error|Rejected|Checking|Applying)' | grep -v '^Applied' >&2 || true
		git checkout -q -f . && git clean -q -fd
		git am --abort >/dev/null 2>&1 || true
		rm -f /tmp/am.$$
		exit 1
	fi
	rm -f /tmp/am.$$
	n=$((n + 1))
done < <(cat "$TOP/patches/series" 2>/dev/null || true)

# The cover letter's text lives in the branch description, so that
# make export regenerates it unchanged.
if [ -f "$TOP/patches/0000-cover-letter.patch" ]; then
	python3 "$TOP/scripts/cover.py" extract "$TOP/patches/0000-cover-letter.patch" > .git/cover-description
	git config branch.master.description "$(cat .git/cover-description)"
fi
say "applied $n patches on $version: $(git log --oneline -1)"
