#!/usr/bin/env bash
# make qemu-tree: unpack Debian's qemu source package (with Debian's own
# patches applied) into build/qemu, commit it as the base commit and git am
# qemu/patches/ on top. BASE_ONLY=1 stops at the base commit.
set -euo pipefail
. "$(dirname "$0")/common.sh"

dl=$BUILD/dl/qemu
mkdir -p "$dl"
ver=${QEMU_BASE_VERSION#*:}   # file names carry no epoch
dsc=$dl/${QEMU_PKG}_$ver.dsc

if [ ! -f "$dsc" ]; then
	[ "$(id -u)" = 0 ] || SUDO=sudo
	# apt-get source needs a deb-src entry; Debian images ship none.
	if ! apt-get indextargets --format '$(CREATED_BY)' 2>/dev/null | grep -q '^Sources$'; then
		say "adding deb-src entries for bookworm (/etc/apt/sources.list.d/kvm-sev-lm-src.sources)"
		${SUDO:-} tee /etc/apt/sources.list.d/kvm-sev-lm-src.sources >/dev/null <<'SRC'
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb-src
URIs: http://deb.debian.org/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
		DEBIAN_FRONTEND=noninteractive ${SUDO:-} apt-get update -q </dev/null >/dev/null ||
			warn "apt-get update failed"
	fi
	say "downloading source package $QEMU_PKG=$QEMU_BASE_VERSION"
	if ! (cd "$dl" && apt-get source -q --download-only "$QEMU_PKG=$QEMU_BASE_VERSION" </dev/null >/dev/null 2>"$dl/apt.err"); then
		cat "$dl/apt.err" >&2
		warn "$QEMU_PKG $QEMU_BASE_VERSION is not in the archive; falling back to the newest qemu source of this release. The QEMU series was made against $QEMU_BASE_VERSION and may not apply."
		(cd "$dl" && apt-get source -q --download-only "$QEMU_PKG" </dev/null >/dev/null) ||
			die "apt-get source $QEMU_PKG failed"
		dsc=$(ls -t "$dl"/${QEMU_PKG}_*.dsc | head -n1)
	fi
fi
version=$(sed -n 's/^Version: //p' "$dsc")

if [ -d "$QTREE/.git" ] && [ "$(git -C "$QTREE" config kvmsev.baseversion || true)" = "$version" ]; then
	say "reusing qemu base $version in $QTREE"
	git -C "$QTREE" am --abort >/dev/null 2>&1 || true
	git -C "$QTREE" checkout -q -f master
	git -C "$QTREE" reset -q --hard base
	git -C "$QTREE" clean -q -fdx
else
	say "unpacking $QEMU_PKG $version into $QTREE"
	rm -rf "$QTREE"
	# dpkg-source applies Debian's own patches (debian/patches/series).
	dpkg-source --no-check -q -x "$dsc" "$QTREE" >/dev/null
	rm -rf "$QTREE/.pc"
	cd "$QTREE"
	git init -q -b master
	git config core.autocrlf false
	git config gc.auto 0
	git add -A -f .
	GIT_AUTHOR_DATE="2026-01-01T00:00:00Z" GIT_COMMITTER_DATE="2026-01-01T00:00:00Z" \
		git commit -q -m "QEMU $version (Debian source package, Debian patches applied)"
	git tag base
	git config kvmsev.baseversion "$version"
fi
cd "$QTREE"
git config user.name "$GIT_COMMITTER_NAME"
git config user.email "$GIT_COMMITTER_EMAIL"

[ "${BASE_ONLY:-0}" = 1 ] && { say "qemu base only: $(git log --oneline -1)"; exit 0; }

n=0
while read -r p; do
	case "$p" in ''|'#'*) continue ;; esac
	if ! git am -q --keep-cr --committer-date-is-author-date "$TOP/qemu/patches/$p" >/tmp/qam.$$ 2>&1; then
		echo "ERROR: QEMU patch $p does not apply on $QEMU_PKG $version" >&2
		cat /tmp/qam.$$ >&2
		git am --show-current-patch=diff | git apply --reject --verbose 2>&1 |
			grep -E '^(error|Rejected|Checking)' >&2 || true
		git checkout -q -f . && git clean -q -fd
		git am --abort >/dev/null 2>&1 || true
		rm -f /tmp/qam.$$
		exit 1
	fi
	rm -f /tmp/qam.$$
	n=$((n + 1))
done < <(cat "$TOP/qemu/patches/series" 2>/dev/null || true)
say "applied $n QEMU patches on $version: $(git log --oneline -1)"
