#!/usr/bin/env bash
# Fetch the base: Debian's linux-source-6.12 at the version the series was
# made against (patches/BASE-VERSION). Falls back to the newest 6.12.y the
# archive serves, loudly. Prints the path of the source tarball.
set -euo pipefail
. "$(dirname "$0")/common.sh"

dl=$DL
mkdir -p "$dl"
cd "$dl"

deb=$(ls "${BASE_PKG}_${BASE_VERSION/\~/%7e}"_all.deb "${BASE_PKG}_${BASE_VERSION}"_all.deb 2>/dev/null | head -n1 || true)
if [ -z "$deb" ]; then
	if ! apt-get download -q -o APT::Sandbox::User=root "$BASE_PKG=$BASE_VERSION" </dev/null >&2; then
		apt-get update -q </dev/null >/dev/null 2>&1 || true
		if ! apt-get download -q -o APT::Sandbox::User=root "$BASE_PKG=$BASE_VERSION" </dev/null >&2; then
			newest=$(apt-cache policy "$BASE_PKG" | awk '/Candidate:/ {print $2}')
			[ -n "$newest" ] && [ "$newest" != "(none)" ] ||
				die "the archive serves no $BASE_PKG at all"
			warn "$BASE_PKG $BASE_VERSION is no longer served; FALLING BACK to $newest. The series was made against $BASE_VERSION and may not apply."
			apt-get download -q -o APT::Sandbox::User=root "$BASE_PKG=$newest" </dev/null >&2
			echo "$newest" > "$dl/FALLBACK-VERSION"
		fi
	fi
	deb=$(ls -t "${BASE_PKG}"_*_all.deb | head -n1)
fi

if [ ! -f "$dl/$deb.unpacked" ]; then
	rm -rf "$dl/root"
	dpkg-deb -x "$deb" "$dl/root"
	touch "$dl/$deb.unpacked"
fi
tarball=$(ls "$dl"/root/usr/src/linux-source-6.12.tar.*)
echo "$tarball"
