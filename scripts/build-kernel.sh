#!/usr/bin/env bash
# make kernel: configure and build the tree in build/linux into build/kobj.
set -euo pipefail
. "$(dirname "$0")/common.sh"

frag=$TOP/config/kvm-sev-test.config
[ -d "$KTREE/.git" ] || "$TOP/scripts/queue.sh" tree linux
mkdir -p "$KOBJ"

# Reconfigure only when the fragment or the tree's Kconfig changed.
stamp=$KOBJ/.kvmsev-config-stamp
want=$( (cat "$frag"; git -C "$KTREE" rev-parse HEAD:arch/x86/configs HEAD:kernel/configs) | sha1sum)
if [ ! -f "$KOBJ/.config" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
	say "configuring: x86_64_defconfig + kvm_guest.config + $(basename "$frag")"
	kmake -s x86_64_defconfig >/dev/null
	KCONFIG_CONFIG=$KOBJ/.config "$KTREE/scripts/kconfig/merge_config.sh" -m -O "$KOBJ" \
		"$KOBJ/.config" "$KTREE/kernel/configs/kvm_guest.config" "$frag" >/dev/null
	kmake -s olddefconfig >/dev/null
	# Every option the fragment asks for must have survived.
	bad=0
	while IFS= read -r line; do
		case "$line" in CONFIG_*=*) ;; *) continue ;; esac
		opt=${line%%=*} val=${line#*=}
		if [ "$val" = n ]; then
			grep -q "^$opt=" "$KOBJ/.config" && { echo "config: $opt is set, want n" >&2; bad=1; }
		else
			grep -qx "$line" "$KOBJ/.config" || { echo "config: want $line, got: $(grep "^$opt=\|# $opt " "$KOBJ/.config")" >&2; bad=1; }
		fi
	done < "$frag"
	[ $bad = 0 ] || die "the config fragment did not apply; fix config/kvm-sev-test.config"
	echo "$want" > "$stamp"
fi

say "building bzImage and modules (ccache, -j$JOBS)"
kmake -s bzImage modules
rm -rf "$BUILD/modroot"
kmake -s INSTALL_MOD_PATH="$BUILD/modroot" INSTALL_MOD_STRIP=1 modules_install >/dev/null
say "kernel: $(cat "$KOBJ/include/config/kernel.release") $(du -h "$KOBJ/arch/x86/boot/bzImage" | cut -f1)"
