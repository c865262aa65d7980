#!/usr/bin/env bash
# Boot the built kernel once under QEMU TCG and run one program in it,
# judged by scripts/runner.py without expectations.
#   run-one.sh NAME BINARY TIMEOUT [ARGS...]
# Writes $RESULTS/NAME.{log,out,json,status}. EXTRA_FILES: more files for /test.
. "$(dirname "$0")/common.sh"
exec python3 "$TOP/scripts/runner.py" one "$@"
