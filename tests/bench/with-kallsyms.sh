#!/bin/sh
# Run in the test VM by make bench: the benchmark given as arguments, then
# the kernel's text symbols, module symbols included, so that the host can
# name the addresses the insn_count plugin profiled (tests/bench/insn_report.py).
# The CPU's mitigations as the kernel chose them: they change the counts
# (return thunks on every ret, for one), and they are the emulated CPU
# model's, which may not be the modelled host's.
for f in /sys/devices/system/cpu/vulnerabilities/*; do
	echo "bench: cpu vulnerability ${f##*/}: $(cat "$f")"
done
"$@"
rc=$?
echo "@@KALLSYMS@@"
grep ' [tTwW] ' /proc/kallsyms
exit $rc
