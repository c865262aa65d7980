# Shared settings for the scripts. Sourced, not run.
# shellcheck shell=bash

# Debian's tools first (python3 with ply and sphinx), whatever else the
# environment puts ahead of them (pyenv, for one).
export PATH=/usr/sbin:/usr/bin:/sbin:/bin:$PATH

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# A script with a build directory of its own (make check: build/check;
# make base-run: build/base) sets KVMSEV_OWN_BUILD=1: then nothing a shell
# exported for the developer's build (paths, another kernel, a subset of
# tests, other rules, replayed boots) applies to it, and every path below
# derives from its BUILD.
if [ "${KVMSEV_OWN_BUILD:-0}" = 1 ]; then
	unset KTREE KOBJ QTREE QOBJ SELFTESTS_OUT PROGS RESULTS QEMU QEMU_CPU \
		QEMU_SEV QEMU_SEV_MEMCRYPT QEMU_SEV_COHERENT QEMU_MEM QEMU_EXTRA KVMTEST_CMDLINE BZIMAGE BASE_CPIO \
		EXTRA_FILES EXTRA_CPIO TESTS EXPECTATIONS PATCHES RUNNER_FAKE RUNNER_FAKE_DIE \
		OUT FORCE BASE_ONLY BENCH_ARGS SEV_BENCH_ARGS MAP_GPA_BENCH_ARGS BENCH_KERNEL \
		KERNEL_FRAGS RUNNER_NO_LOCKDEP
	unset KVMSEV_OWN_BUILD
fi
BUILD=${BUILD:-$TOP/build}
# Downloads (the base package, Debian's qemu source) are shared by every
# build directory, make check's own included.
DL=${DL:-$TOP/build/dl}

# The base the series was made against: Debian's linux-source-6.12 package.
BASE_PKG=linux-source-6.12
BASE_VERSION=$(cat "$TOP/patches/BASE-VERSION" 2>/dev/null || echo 6.12.117-1~deb12u1)

KTREE=${KTREE:-$BUILD/linux}         # git tree: base commit + series
KOBJ=${KOBJ:-$BUILD/kobj}            # kernel build output (O=)
SELFTESTS_OUT=${SELFTESTS_OUT:-$BUILD/selftests}
RESULTS=${RESULTS:-$BUILD/results}

# Fixed identity and dates make the base commit, and so the round trip,
# reproducible on any machine.
export GIT_AUTHOR_NAME="Debian linux-source" GIT_AUTHOR_EMAIL="base@invalid"
export GIT_COMMITTER_NAME="kvm-sev-lm" GIT_COMMITTER_EMAIL="build@invalid"

export CCACHE_DIR=${CCACHE_DIR:-$HOME/.cache/ccache}
export CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-8G}
# The kernel embeds build paths; let ccache hit across checkouts.
export CCACHE_BASEDIR=$TOP
export CCACHE_NOHASHDIR=1
export KBUILD_BUILD_TIMESTAMP="2026-01-01"
export KBUILD_BUILD_USER=kvm-sev-lm KBUILD_BUILD_HOST=build

JOBS=${JOBS:-$(nproc)}
export JOBS

say()  { printf '==> %s\n' "$*"; }
warn() { printf '\n!!!!!!!! WARNING: %s\n\n' "$*" >&2; }
die()  { printf 'ERROR: %s\n' "$*" >&2; exit 1; }

# The repository's own test programs (tests/Makefile) go to $PROGS.
PROGS=${PROGS:-$BUILD/programs}
programs() {	# build tests/Makefile programs into $PROGS
	make -s -C "$TOP/tests" O="$PROGS" KOBJ="$KOBJ" QTREE="$QTREE" "$@"
}

# The emulated SEV host's AMD certificates, in the files a real host gets
# from AMD (ask_ark.cert, and this chip's cek.cert from the key server),
# made by tests/psp/sev_amd_ca.c from the emulated AMD's keys
# (tests/psp/emulated-amd/) and the emulated chip's secret, which is the
# amd-sev-psp device's default chip-secret. The test VM has them in
# /sev-certs and SEV_CERT_DIR names them there (scripts/guest-init.sh).
SEV_CHIP_SECRET=amd-sev-psp-emulated-chip
sev_certs() {	# sev_certs DIR
	programs sev_amd_ca &&
	mkdir -p "$1" &&
	"$PROGS/sev_amd_ca" "$TOP/tests/psp/emulated-amd" "$SEV_CHIP_SECRET" "$1"
}

pack_cpio() {	# pack_cpio DIR > ARCHIVE: DIR as a newc initramfs, sorted
	(cd "$1" && find . -print0 | sort -z | cpio --null -o -H newc --quiet)
}

kmake() {
	make -C "$KTREE" O="$KOBJ" -j"$JOBS" CC="ccache gcc" HOSTCC="ccache gcc" "$@"
}

# The emulated SEV host: Debian's qemu source package plus qemu/patches/.
QEMU_PKG=qemu
QEMU_BASE_VERSION=$(cat "$TOP/qemu/BASE-VERSION" 2>/dev/null || echo 1:7.2+dfsg-7+deb12u18)
QTREE=${QTREE:-$BUILD/qemu}          # git tree: base commit + qemu series
QOBJ=${QOBJ:-$BUILD/qemu-obj}        # qemu build directory
QEMU_BIN=$QOBJ/qemu-system-x86_64

# The runner's QEMU: the patched one, as an SEV-capable AMD host. The CPU
# models are named here and nowhere else. QEMU_SEV=0 drops sev=on (the same
# CPU without the SEV host property) and the emulated PSP; QEMU=... and
# QEMU_CPU=... (the user's) override both. What the runner uses is derived
# into KVMTEST_* afresh by every script that sources this file, so that a
# child with another QEMU_SEV or BUILD never inherits its parent's QEMU.
QEMU_CPU_BASE=EPYC,+svm,+npt,+decodeassists,+flushbyasid
QEMU_CPU_DEBIAN=EPYC,+svm,+npt          # what Debian's unpatched QEMU accepts
KVMTEST_QEMU=${QEMU:-$QEMU_BIN}
if [ "${QEMU_SEV:-1}" = 0 ]; then
	KVMTEST_QEMU_CPU=${QEMU_CPU:-$QEMU_CPU_BASE}
	KVMTEST_QEMU_DEVICES=
else
	# QEMU_SEV_MEMCRYPT=0 leaves memory plaintext; QEMU_SEV_COHERENT=0
	# drops SME_COHERENT, so the host runs its cache-flush paths.
	sev_cpu=$QEMU_CPU_BASE,sev=on
	[ "${QEMU_SEV_MEMCRYPT:-1}" = 0 ] || sev_cpu=$sev_cpu,sev-memcrypt=on
	[ "${QEMU_SEV_COHERENT:-1}" = 1 ] || sev_cpu=$sev_cpu,sev-coherent=off
	KVMTEST_QEMU_CPU=${QEMU_CPU:-$sev_cpu}
	KVMTEST_QEMU_DEVICES="-device amd-sev-psp"
fi
# The firmware the built QEMU needs (Debian's seabios and qemu-system-data).
QEMU_FW="-L /usr/share/seabios -L /usr/share/qemu"
# scripts/runner.py reads these.
export KVMTEST_QEMU KVMTEST_QEMU_CPU KVMTEST_QEMU_DEVICES QEMU_FW TOP BUILD KOBJ SELFTESTS_OUT RESULTS
