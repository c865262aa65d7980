#!/bin/sh
# Run in the test VM by make bench: the benchmark given as arguments, then
# the kernel's text symbols, module symbols included, so that the host can
# name the addresses the insn_count plugin profiled (tests/bench/insn_report.py).
"$@"
rc=$?
echo "@@KALLSYMS@@"
grep ' [tTwW] ' /proc/kallsyms
exit $rc
