#!/usr/bin/env bash
# Build the base initramfs: static busybox, /init, the built modules and, in
# /sev-certs, the emulated AMD's certificates for the emulated SEV host
# (scripts/common.sh, sev_certs). The runner appends a second cpio per boot
# with the test to run.
set -euo pipefail
. "$(dirname "$0")/common.sh"

root=$BUILD/initramfs/root
rm -rf "$root"
mkdir -p "$root"/{bin,sbin,proc,sys,dev,tmp,etc,lib,test,root}
cp /bin/busybox "$root/bin/busybox"
for app in $("$root/bin/busybox" --list); do
	[ -e "$root/bin/$app" ] || ln -s busybox "$root/bin/$app"
done
cp -a "$BUILD/modroot/lib/modules" "$root/lib/"
install -m 0755 "$TOP/scripts/guest-init.sh" "$root/init"
sev_certs "$root/sev-certs"
pack_cpio "$root" > "$BUILD/initramfs/base.cpio"
say "initramfs: $(du -h "$BUILD/initramfs/base.cpio" | cut -f1)"
