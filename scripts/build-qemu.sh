#!/usr/bin/env bash
# make qemu: build the patched QEMU in build/qemu into build/qemu-obj.
# Only qemu-system-x86_64, with the fewest features the runner needs: TCG
# for the emulated SEV host (L0), KVM for the VMM in the kernel under test.
set -euo pipefail
. "$(dirname "$0")/common.sh"

[ -d "$QTREE/.git" ] || "$TOP/scripts/queue.sh" tree qemu
mkdir -p "$QOBJ"

# Meson picks up ccache by itself when it is on PATH.
opts=(--target-list=x86_64-softmmu --without-default-features
      --enable-tcg --enable-kvm --enable-nettle --enable-fdt=system --enable-pie --enable-plugins
      --disable-docs --disable-tools --disable-werror
      --with-git-submodules=ignore --prefix=/usr
      --firmwarepath=/usr/share/qemu:/usr/share/seabios:/usr/lib/ipxe/qemu)
stamp=$QOBJ/.kvmsev-configure
want=$(printf '%s\n' "${opts[@]}" | sha1sum)
if [ ! -f "$QOBJ/build.ninja" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
	say "configuring qemu: ${opts[*]}"
	rm -rf "$QOBJ" && mkdir -p "$QOBJ"
	(cd "$QOBJ" && "$QTREE/configure" "${opts[@]}" >configure.log 2>&1) ||
		{ tail -30 "$QOBJ/configure.log" >&2; die "qemu configure failed (build/qemu-obj/configure.log)"; }
	echo "$want" > "$stamp"
fi
say "building qemu-system-x86_64 (ccache, -j$JOBS)"
ninja -C "$QOBJ" -j"$JOBS" qemu-system-x86_64 >"$QOBJ/build.log" 2>&1 ||
	{ grep -B2 -A12 -m5 'error' "$QOBJ/build.log" >&2 || tail -40 "$QOBJ/build.log" >&2; die "qemu build failed (build/qemu-obj/build.log)"; }
say "qemu: $("$QEMU_BIN" --version | head -n1)"
