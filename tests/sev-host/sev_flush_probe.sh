#!/bin/sh
# Run in the test VM: the SEV selftests on a host without SME_COHERENT
# (-cpu ...,sev-coherent=off), with kprobes counting the cache-flush paths
# that only such a host runs: sev_clflush_pages() (kvm_amd: before
# LAUNCH_UPDATE_DATA, RECEIVE_UPDATE_DATA and the batched RECEIVE, and when
# pages are unpinned) and clflush_cache_range(), which it calls per page.
# Fails if a test fails, if the CPU still says sme_coherent, or if the
# flushes never ran.
T=/sys/kernel/debug/tracing
fail=0
if grep -qw sme_coherent /proc/cpuinfo; then
	echo "not ok - the CPU has sme_coherent: nothing to probe"
	exit 1
fi
echo "ok - no sme_coherent in /proc/cpuinfo"
for f in sev_clflush_pages clflush_cache_range; do
	if grep -qw "$f" /proc/kallsyms && echo "p:flush_$f $f" >> $T/kprobe_events; then
		echo "# kprobe on $f"
	else
		echo "# no kprobe on $f (inlined or absent)"
	fi
done
echo 1 > $T/events/kprobes/enable || { echo "not ok - kprobes"; exit 1; }
for t in sev_smoke_test sev_migrate_tests sev_send_receive_test; do
	./$t > $t.out 2>&1
	rc=$?
	if [ $rc = 0 ]; then
		echo "ok - $t"
	elif [ $rc = 4 ]; then
		echo "not ok - $t skipped: this gate needs it to run"; fail=1
	else
		echo "not ok - $t"
		# The assertion first: a summary may keep only the first lines.
		grep -E -A3 'Assertion|^not ok|Bail out' $t.out | head -12 | sed 's/^/# /'
		sed 's/^/# /' $t.out | tail -20; fail=1
	fi
done
echo 0 > $T/events/kprobes/enable
cat $T/kprobe_profile | sed 's/^/# /'
hits=$(awk '$1 == "flush_clflush_cache_range" { print $2 }' $T/kprobe_profile)
pages=$(awk '$1 == "flush_sev_clflush_pages" { print $2 }' $T/kprobe_profile)
# sev_clflush_pages() is kvm_amd's own; where it is inlined (no probe), the
# per-page clflush_cache_range() it calls must have run.
if [ -n "$pages" ] && [ "$pages" -eq 0 ]; then
	echo "not ok - sev_clflush_pages never ran"; fail=1
elif [ "${hits:-0}" -gt 0 ]; then
	echo "ok - the cache-flush paths ran: clflush_cache_range $hits times, sev_clflush_pages ${pages:-(not probed)}"
else
	echo "not ok - clflush_cache_range never ran"; fail=1
fi
exit $fail
