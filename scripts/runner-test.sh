#!/usr/bin/env bash
# make runner-test: the runner's own tests (tests/runner/), no QEMU boot.
set -uo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
export PATH=/usr/sbin:/usr/bin:/sbin:/bin:$PATH
cd "$TOP/tests/runner" && exec python3 -m unittest -v test_runner 2>&1
