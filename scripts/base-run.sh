#!/usr/bin/env bash
# make base-run: build the unpatched base (the same config, the base's own
# selftests) in build/base and run every test there, one boot each. Its
# results are the base= evidence of tests/expectations; this script
# prints them and never edits that file.
set -uo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
export BUILD=$TOP/build/base
KVMSEV_OWN_BUILD=1	# none of the developer's paths or settings (common.sh)
. "$TOP/scripts/common.sh"

FORCE=1 BASE_ONLY=1 "$TOP/scripts/queue.sh" tree linux || exit 1
# The patched QEMU, from qemu/patches/ in a tree of its own (not the
# developer's build/qemu, which may hold uncommitted work).
FORCE=1 "$TOP/scripts/queue.sh" tree qemu || exit 1
"$TOP/scripts/build-qemu.sh" || exit 1
"$TOP/scripts/build-kernel.sh" || exit 1
"$TOP/scripts/build-selftests.sh" || exit 1
"$TOP/scripts/initramfs.sh" || exit 1
# Raw results: no expectations applied (they are what this run informs),
# only each test's timeout and arguments taken from tests/expectations.
# The runner reads TESTS itself.
python3 "$TOP/scripts/runner.py" run --raw
