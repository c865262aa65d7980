#!/usr/bin/env bash
# Build $BUILD/initramfs/vmm.cpio: what a real VMM needs inside the kernel
# under test (L1), appended by the runner (EXTRA_CPIO) to a boot's
# initramfs:
#   /usr/bin/qemu-system-x86_64 (VMM_QEMU; Debian's by default) with every
#     library ldd names, and the few ROMs it loads by default;
#   /vmm/OVMF_CODE.fd, /vmm/OVMF_VARS.fd: Debian's ovmf package, as shipped;
#   /vmm/OVMF_VARS_MIG.fd: the same variables and SevLiveMigrationEnabled,
#     which has an SEV guest declare itself ready for migration
#     (scripts/ovmf-vars.py says why);
#   /vmm/vmlinuz: a guest kernel we did not build, Debian's
#     linux-image-amd64 (downloaded with apt-get download, unpacked);
#   /vmm/l2.cpio: the guest's initramfs, tests/demo/l2-workload as /init.
# An initramfs rather than the host's root filesystem over 9p or virtiofs:
# the test kernel needs no 9p or FUSE options, nothing is read through a
# virtio round trip per page under TCG, and the boot carries exactly the
# files listed here, from a clean clone as on CI.
set -euo pipefail
. "$(dirname "$0")/common.sh"

VMM_QEMU=${VMM_QEMU:-/usr/bin/qemu-system-x86_64}
out=$BUILD/initramfs/vmm.cpio
root=$BUILD/initramfs/vmm-root
dl=$TOP/build/dl/guest-kernel

[ -x "$VMM_QEMU" ] || die "no VMM binary $VMM_QEMU"
[ -f /usr/share/OVMF/OVMF_CODE_4M.fd ] || die "no OVMF: install Debian's ovmf package (make deps)"

# The guest kernel: the package linux-image-amd64 depends on, as apt has it.
pkg=$(apt-cache depends linux-image-amd64 2>/dev/null | sed -n 's/^ *Depends: \(linux-image-[0-9].*\)$/\1/p' | head -n1)
[ -n "$pkg" ] || die "apt knows no linux-image-amd64"
mkdir -p "$dl"
deb=$(ls "$dl"/"$pkg"_*.deb 2>/dev/null | head -n1 || true)
if [ -z "$deb" ]; then
	say "downloading the guest kernel: $pkg"
	(cd "$dl" && apt-get download -q "$pkg" </dev/null >/dev/null) || die "apt-get download $pkg failed"
	deb=$(ls "$dl"/"$pkg"_*.deb | head -n1)
fi

rm -rf "$root"
mkdir -p "$root"/{usr/bin,vmm,usr/share/qemu}
cp "$VMM_QEMU" "$root/usr/bin/qemu-system-x86_64"
ldd "$VMM_QEMU" | awk '/=>/ { print $3 } /^\t\/lib/ { print $1 }' | sort -u |
while read -r lib; do
	[ -f "$lib" ] || continue
	mkdir -p "$root$(dirname "$lib")"
	cp -L "$lib" "$root$lib"
done
# The dynamic loader where the binary's interpreter names it.
interp=$(readelf -l "$VMM_QEMU" | sed -n 's/.*Requesting program interpreter: \(.*\)]/\1/p')
mkdir -p "$root$(dirname "$interp")"
cp -L "$interp" "$root$interp"
for f in kvmvapic.bin linuxboot_dma.bin multiboot_dma.bin; do
	[ -f "/usr/share/qemu/$f" ] && cp -L "/usr/share/qemu/$f" "$root/usr/share/qemu/"
done
cp /usr/share/OVMF/OVMF_CODE_4M.fd "$root/vmm/OVMF_CODE.fd"
cp /usr/share/OVMF/OVMF_VARS_4M.fd "$root/vmm/OVMF_VARS.fd"
python3 "$TOP/scripts/ovmf-vars.py" /usr/share/OVMF/OVMF_VARS_4M.fd "$root/vmm/OVMF_VARS_MIG.fd"
tmp=$(mktemp -d)
dpkg-deb -x "$deb" "$tmp"
cp "$tmp"/boot/vmlinuz-* "$root/vmm/vmlinuz"
basename "$tmp"/boot/vmlinuz-* | sed 's/^vmlinuz-//' > "$root/vmm/vmlinuz.release"
rm -rf "$tmp"

# The guest's initramfs: the workload as /init (it mounts /dev itself).
programs l2-workload
l2=$(mktemp -d)
install -m 0755 "$PROGS/l2-workload" "$l2/init"
pack_cpio "$l2" > "$root/vmm/l2.cpio"
rm -rf "$l2"

pack_cpio "$root" > "$out"
say "vmm.cpio: $(du -h "$out" | cut -f1): $("$VMM_QEMU" --version | head -n1), OVMF $(dpkg-query -W -f='${Version}' ovmf), guest kernel $(cat "$root/vmm/vmlinuz.release")"
