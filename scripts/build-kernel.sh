#!/usr/bin/env bash
# make kernel: configure and build the tree in build/linux into build/kobj.
set -euo pipefail
. "$(dirname "$0")/common.sh"

# KERNEL_FRAGS: more fragments, merged after the test one (make bench's
# config/kvm-sev-bench.config); a later fragment's value wins.
frags=("$TOP/config/kvm-sev-test.config")
for f in ${KERNEL_FRAGS:-}; do frags+=("$f"); done
[ -d "$KTREE/.git" ] || "$TOP/scripts/queue.sh" tree linux
mkdir -p "$KOBJ"

# Reconfigure only when the fragment or the tree's Kconfig changed.
stamp=$KOBJ/.kvmsev-config-stamp
want=$( (cat "${frags[@]}"; git -C "$KTREE" rev-parse HEAD:arch/x86/configs HEAD:kernel/configs) | sha1sum)
if [ ! -f "$KOBJ/.config" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
	say "configuring: x86_64_defconfig + kvm_guest.config + $(for f in "${frags[@]}"; do printf '%s ' "$(basename "$f")"; done)"
	kmake -s x86_64_defconfig >/dev/null
	KCONFIG_CONFIG=$KOBJ/.config "$KTREE/scripts/kconfig/merge_config.sh" -m -O "$KOBJ" \
		"$KOBJ/.config" "$KTREE/kernel/configs/kvm_guest.config" "${frags[@]}" >/dev/null
	kmake -s olddefconfig >/dev/null
	# Every option the fragments ask for must have survived (the last
	# fragment's value of each).
	bad=0
	while IFS= read -r line; do
		case "$line" in CONFIG_*=*) ;; *) continue ;; esac
		opt=${line%%=*} val=${line#*=}
		if [ "$val" = n ]; then
			grep -q "^$opt=" "$KOBJ/.config" && { echo "config: $opt is set, want n" >&2; bad=1; }
		else
			grep -qx "$line" "$KOBJ/.config" || { echo "config: want $line, got: $(grep "^$opt=\|# $opt " "$KOBJ/.config")" >&2; bad=1; }
		fi
	done < <(cat "${frags[@]}" | awk -F= '/^CONFIG_/ { if (!($1 in v)) k[n++] = $1; v[$1] = $0 }
		END { for (i = 0; i < n; i++) print v[k[i]] }')
	[ $bad = 0 ] || die "the config fragments did not apply; fix ${frags[*]}"
	echo "$want" > "$stamp"
fi

say "building bzImage and modules (ccache, -j$JOBS)"
kmake -s bzImage modules
rm -rf "$BUILD/modroot"
kmake -s INSTALL_MOD_PATH="$BUILD/modroot" INSTALL_MOD_STRIP=1 modules_install >/dev/null
say "kernel: $(cat "$KOBJ/include/config/kernel.release") $(du -h "$KOBJ/arch/x86/boot/bzImage" | cut -f1)"
