#!/usr/bin/env bash
# Install the Debian packages the build, lint and test steps need.
# Runs non-interactively (CI has no terminal); names what is missing.
set -euo pipefail
. "$(dirname "$0")/common.sh"

PKGS=(build-essential git make gcc flex bison bc libelf-dev libssl-dev cpio
      xz-utils rsync kmod openssl ccache sparse busybox-static qemu-system-x86
      python3 python3-sphinx python3-yaml python3-ply python3-git perl dpkg-dev
      # the patched QEMU (scripts/build-qemu.sh)
      ninja-build meson pkg-config libglib2.0-dev libpixman-1-dev zlib1g-dev
      libfdt-dev nettle-dev libgmp-dev
      # a real guest's firmware (scripts/vmm-cpio.sh)
      ovmf)

missing=()
for p in "${PKGS[@]}"; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' ||
		missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

say "installing: ${missing[*]}"
[ "$(id -u)" = 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
${SUDO:-} apt-get update -q </dev/null >/dev/null || warn "apt-get update failed"
if ! ${SUDO:-} apt-get install -y -q --no-install-recommends \
	-o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
	"${missing[@]}" </dev/null; then
	for p in "${missing[@]}"; do
		dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null |
			grep -q '^install ok installed$' || echo "ERROR: package '$p' could not be installed" >&2
	done
	exit 1
fi
