#!/usr/bin/env bash
# The two patch queues, one script:
#   queue.sh tree linux|qemu    unpack the base into the tree (build/linux,
#                               build/qemu), commit it as the base commit and
#                               git am the queue (patches/, qemu/patches/)
#   queue.sh export linux|qemu  regenerate the queue from the tree's commits
#                               on top of the base commit; OUT=dir writes
#                               elsewhere (the round-trip check)
#   queue.sh status linux|qemu  exit 0 if the tree holds nothing that the
#                               queue does not (no uncommitted change, and
#                               its commits export to the queue byte for
#                               byte); say what differs otherwise
# tree refuses, changing nothing, when status fails, unless FORCE=1.
# BASE_ONLY=1 stops tree at the base commit.
set -euo pipefail
. "$(dirname "$0")/common.sh"

action=${1:?usage: queue.sh tree|export|status linux|qemu}
queue=${2:?usage: queue.sh tree|export|status linux|qemu}
case $queue in
linux)	tree=$KTREE pdir=$TOP/patches what="kernel" mk= ;;
qemu)	tree=$QTREE pdir=$TOP/qemu/patches what="QEMU" mk=qemu- ;;
*)	die "unknown queue $queue (linux or qemu)" ;;
esac

fetch_base() {	# -> "VERSION PATH": the base's version and its source
	case $queue in
	linux)
		local tarball
		tarball=$("$TOP/scripts/fetch-base.sh")
		echo "$(dpkg-deb -f "$(ls -t "$DL"/${BASE_PKG}_*_all.deb | head -n1)" Version) $tarball" ;;
	qemu)
		local dl=$DL/qemu ver=${QEMU_BASE_VERSION#*:}   # file names carry no epoch
		local dsc=$dl/${QEMU_PKG}_$ver.dsc
		mkdir -p "$dl"
		[ -f "$dsc" ] || dsc=$(download_qemu_source "$dl" "$dsc")
		echo "$(sed -n 's/^Version: //p' "$dsc") $dsc" ;;
	esac
}

download_qemu_source() {	# DIR DSC -> the .dsc downloaded
	local dl=$1 dsc=$2
	[ "$(id -u)" = 0 ] || SUDO=sudo
	# apt-get source needs a deb-src entry; Debian images ship none.
	if ! apt-get indextargets --format '$(CREATED_BY)' 2>/dev/null | grep -q '^Sources$'; then
		say "adding deb-src entries for bookworm (/etc/apt/sources.list.d/kvm-sev-lm-src.sources)" >&2
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
	say "downloading source package $QEMU_PKG=$QEMU_BASE_VERSION" >&2
	if ! (cd "$dl" && apt-get source -q --download-only "$QEMU_PKG=$QEMU_BASE_VERSION" </dev/null >/dev/null 2>"$dl/apt.err"); then
		cat "$dl/apt.err" >&2
		warn "$QEMU_PKG $QEMU_BASE_VERSION is not in the archive; falling back to the newest qemu source of this release. The QEMU series was made against $QEMU_BASE_VERSION and may not apply."
		(cd "$dl" && apt-get source -q --download-only "$QEMU_PKG" </dev/null >/dev/null) ||
			die "apt-get source $QEMU_PKG failed"
		dsc=$(ls -t "$dl"/${QEMU_PKG}_*.dsc | head -n1)
	fi
	echo "$dsc"
}

unpack() {	# VERSION SOURCE: a fresh tree with the base commit
	local version=$1 src=$2
	[ -n "$version" ] && [ -f "$src" ] || die "no $what base to unpack (version '$version', source '$src')"
	say "unpacking the $what base $version into $tree"
	if [ -d "$tree/.git" ] && [ "$BUILD" = "$TOP/build" ]; then
		# The developer's tree of another base version: kept, not deleted.
		local old=$tree.old-$(date +%Y%m%d-%H%M%S)
		mv "$tree" "$old"
		say "the previous tree (another base version) is now $old"
	fi
	# make check's and base-run's own trees are theirs to delete.
	rm -rf "$tree"
	case $queue in
	linux)	mkdir -p "$tree"; tar -C "$tree" --strip-components=1 -xf "$src"
		msg="Linux $version (Debian $BASE_PKG)" ;;
	qemu)	# dpkg-source applies Debian's own patches (debian/patches/series).
		dpkg-source --no-check -q -x "$src" "$tree" >/dev/null
		rm -rf "$tree/.pc"
		msg="QEMU $version (Debian source package, Debian patches applied)" ;;
	esac
	cd "$tree"
	git init -q -b master
	git config core.autocrlf false
	git config gc.auto 0
	git add -A -f .
	GIT_AUTHOR_DATE="2026-01-01T00:00:00Z" GIT_COMMITTER_DATE="2026-01-01T00:00:00Z" \
		git commit -q -m "$msg"
	git tag base
	git config kvmsev.baseversion "$version"
}

export_queue() {	# OUT: the tree's commits as a queue
	local out=$1 n
	cd "$tree"
	[ -z "$(git status --porcelain --untracked-files=no)" ] ||
		die "$tree has uncommitted changes; commit them first"
	n=$(git rev-list --count base..HEAD)
	mkdir -p "$out"
	rm -f "$out"/[0-9][0-9][0-9][0-9]-*.patch
	: > "$out/series"
	if [ "$n" -gt 0 ]; then
		local cover=--no-cover-letter
		if [ $queue = linux ]; then
			# The cover letter takes its date and sender from the last
			# commit, so that regenerating it is reproducible.
			export GIT_COMMITTER_DATE=$(git log -1 --format=%aI HEAD)
			export GIT_COMMITTER_NAME=$(git log -1 --format=%an HEAD)
			export GIT_COMMITTER_EMAIL=$(git log -1 --format=%ae HEAD)
			git config branch.master.description >/dev/null && cover=--cover-letter
		fi
		git format-patch -q --zero-commit $cover --cover-from-description=subject \
			--base=base --no-signature -o "$out" base..HEAD
		ls "$out" | grep -E '^[0-9]{4}-.*\.patch$' | grep -v '^0000-' > "$out/series" || true
	fi
	case $queue in
	linux)	echo "$BASE_VERSION" > "$out/BASE-VERSION" ;;
	qemu)	[ -n "${OUT:-}" ] || echo "$QEMU_BASE_VERSION" > "$TOP/qemu/BASE-VERSION" ;;
	esac
	say "exported $n $what patches to $out"
}

tree_status() {	# 0 if the tree holds nothing the queue lacks; else say what
	[ -d "$tree/.git" ] || return 0
	local dirty tmp head other
	# Reading must not write: no index refresh.
	local GIT_OPTIONAL_LOCKS=0
	export GIT_OPTIONAL_LOCKS
	# --ignored: Debian's .gitignore ignores every path git does not track.
	dirty=$(GIT_OPTIONAL_LOCKS=0 git -C "$tree" status --porcelain --ignored 2>/dev/null | head -n 5)
	if [ -n "$dirty" ]; then
		echo "$tree has uncommitted changes:"; echo "$dirty" | sed 's/^/  /'
		return 1
	fi
	git -C "$tree" rev-parse -q --verify base >/dev/null || { echo "$tree has no base commit"; return 1; }
	[ -d "$tree/.git/rebase-apply" ] && { echo "$tree is in the middle of a git am"; return 1; }
	# tree rewrites master: HEAD must be master, and nothing else may
	# hold work (stashes, other branches with commits master lacks).
	head=$(git -C "$tree" symbolic-ref -q --short HEAD || echo "a detached HEAD")
	[ "$head" = master ] || { echo "$tree has $head checked out, not master"; return 1; }
	git -C "$tree" rev-parse -q --verify refs/stash >/dev/null &&
		{ echo "$tree has stashed changes (git stash list)"; return 1; }
	other=$(git -C "$tree" for-each-ref --format='%(refname:short)' refs/heads |
		while read -r b; do
			[ "$b" = master ] || git -C "$tree" merge-base --is-ancestor "$b" master || echo "$b"
		done)
	[ -z "$other" ] || { echo "$tree has branches with commits master lacks: $(echo $other)"; return 1; }
	tmp=$(mktemp -d)
	if ! (OUT=$tmp export_queue "$tmp" >/dev/null 2>&1); then
		rm -rf "$tmp"; echo "$tree cannot be exported"; return 1
	fi
	if ! diff -rq -x BASE-VERSION "$pdir" "$tmp" >/dev/null 2>&1; then
		echo "$tree has commits that $pdir does not hold (make ${mk}export writes them out):"
		diff -rq -x BASE-VERSION "$pdir" "$tmp" 2>&1 | sed "s|$tmp|(tree)|" | head -n 5 | sed 's/^/  /'
		rm -rf "$tmp"; return 1
	fi
	rm -rf "$tmp"
	return 0
}

case $action in
status)
	if tree_status; then echo "$tree: nothing that $pdir does not hold"; exit 0; fi
	exit 1 ;;
export)
	export_queue "${OUT:-$pdir}"
	exit 0 ;;
tree) ;;
*) die "unknown action $action (tree, export or status)" ;;
esac

if [ "${FORCE:-0}" != 1 ] && ! msg=$(tree_status); then
	echo "$msg" >&2
	die "make ${mk}tree would lose that work, so it changed nothing. Export and commit it, or run with FORCE=1 to discard it."
fi
read -r version src < <(fetch_base)
# Reuse an existing base commit of the same version, so that a re-run only
# replays the queue.
if [ -d "$tree/.git" ] && [ "$(git -C "$tree" config kvmsev.baseversion || true)" = "$version" ]; then
	say "reusing the $what base $version in $tree"
	git -C "$tree" am --abort >/dev/null 2>&1 || true
	git -C "$tree" checkout -q -f master
	git -C "$tree" reset -q --hard base
	git -C "$tree" clean -q -fdx
else
	unpack "$version" "$src"
fi
cd "$tree"
git config user.name "$GIT_COMMITTER_NAME"
git config user.email "$GIT_COMMITTER_EMAIL"

[ "${BASE_ONLY:-0}" = 1 ] && { say "$what base only: $(git log --oneline -1)"; exit 0; }

n=0 err=$(mktemp)
while read -r p; do
	case "$p" in ''|'#'*) continue ;; esac
	if ! git am -q --keep-cr --committer-date-is-author-date "$pdir/$p" >"$err" 2>&1; then
		echo "ERROR: $what patch $p does not apply on $version" >&2
		cat "$err" >&2
		echo "--- failing hunks (git apply --reject):" >&2
		git am --show-current-patch=diff | git apply --reject --verbose 2>&1 |
			grep -E '^(error|Rejected|Checking)' >&2 || true
		git checkout -q -f . && git clean -q -fd
		git am --abort >/dev/null 2>&1 || true
		rm -f "$err"
		exit 1
	fi
	n=$((n + 1))
done < <(cat "$pdir/series" 2>/dev/null || true)
rm -f "$err"

# The cover letter's text lives in the branch description, so that export
# regenerates it unchanged.
if [ $queue = linux ] && [ -f "$pdir/0000-cover-letter.patch" ]; then
	python3 "$TOP/scripts/cover.py" extract "$pdir/0000-cover-letter.patch" > .git/cover-description
	git config branch.master.description "$(cat .git/cover-description)"
fi
say "applied $n $what patches on $version: $(git log --oneline -1)"
