#!/bin/sh
# In the kernel under test (L1): boot a real guest with a real VMM under
# KVM and report how far it got and when.  The VMM, OVMF, the guest kernel
# and the guest's initramfs come from scripts/vmm-cpio.sh (/usr/bin, /vmm).
#   real-guest.sh plain|sev|sev-exit [PASSES] [TIMEOUT] [trace]
# sev-exit: an SEV guest whose VMM keeps the list of shared pages itself,
# from an exit per KVM_HC_MAP_GPA_RANGE (sev-guest shared-gpa-tracking=off,
# a property of the series' QEMU), as upstream KVM has it.
# The guest's workload (tests/demo/l2-workload.c) writes and checks a
# memory pattern PASSES times and powers the guest off.  Prints OVMF's and
# the guest's console with the seconds since QEMU started, then one line
#   real-guest: MODE: ovmf-to-kernel S s, kernel-to-init S s, done S s
# Exits 0 when the workload reported every pass ok (and, for sev, that the
# guest kernel runs with AMD SEV active), 1 otherwise.
mode=${1:-plain}
passes=${2:-2}
limit=${3:-1500}
trace=${4:-}
here=$(pwd)
export PATH=/usr/bin:$PATH
cd /tmp || exit 1
# sev: a variable store that has the guest declare itself ready for
# migration; plain and sev-exit: Debian's, as shipped, which does not.
if [ "$mode" = sev ]; then cp /vmm/OVMF_VARS_MIG.fd vars.fd; else cp /vmm/OVMF_VARS.fd vars.fd; fi
: > con.log
: > ovmf.log
rm -f mon.in mon.out
mkfifo mon.in mon.out
# host-phys-bits-limit=40: with the 48 address bits of an EPYC host, Debian's
# OVMF builds its identity map over PEI's stack and jumps to 0
# (docs/real-guest.md, "Where it stands").  nokaslr: the guest kernel runs
# at the addresses of its vmlinux, so that a stuck RIP can be read.
set -- -machine q35,accel=kvm -cpu host,host-phys-bits-limit=40 -smp 1 -m 512 -nodefaults -nographic \
	-chardev pipe,id=mon0,path=mon -mon chardev=mon0,mode=readline -no-reboot -no-shutdown \
	-drive if=pflash,format=raw,unit=0,file=/vmm/OVMF_CODE.fd,readonly=on \
	-drive if=pflash,format=raw,unit=1,file=vars.fd \
	-debugcon file:ovmf.log -global isa-debugcon.iobase=0x402 \
	-serial file:con.log \
	-kernel /vmm/vmlinuz -initrd /vmm/l2.cpio \
	-append "console=ttyS0 earlyprintk=ttyS0 loglevel=6 nokaslr l2-workload.passes=$passes"
case $mode in sev|sev-exit)
	# The C-bit and the reduction from CPUID 0x8000001F EBX, as QEMU checks them.
	ebx=$("$here/sev_host_info" | sed -n 's/^cpuid 0x8000001f: .* ebx=\(0x[0-9a-f]*\) .*$/\1/p')
	[ -n "$ebx" ] || { echo "real-guest: no CPUID 0x8000001F"; exit 1; }
	cbit=$((ebx & 63)) red=$(((ebx >> 6) & 63))
	sevopt=sev-guest,id=sev0,cbitpos=$cbit,reduced-phys-bits=$red,policy=0x1
	[ "$mode" = sev-exit ] && sevopt=$sevopt,shared-gpa-tracking=off
	set -- "$@" -machine confidential-guest-support=sev0 -object "$sevopt"
esac
echo "real-guest: $mode: $(qemu-system-x86_64 --version | head -n1), guest kernel $(cat /vmm/vmlinuz.release)"
# With a fourth argument "trace": record KVM's exits, injected exceptions
# and port I/O from the start (the oldest kept when the buffer fills), and
# print what led to the first exception KVM reflected into the guest.
T=/sys/kernel/tracing
if [ "$trace" = trace ]; then
	traced=1	# no snapshot: it would clear this trace
	[ -d $T/events/kvm ] || mount -t tracefs nodev $T 2>/dev/null
	echo 0 > $T/options/overwrite
	echo 131072 > $T/buffer_size_kb
	echo > $T/trace
	for e in kvm_exit kvm_entry kvm_inj_virq kvm_inj_exception kvm_pio kvm_emulate_insn; do
		echo 1 > $T/events/kvm/$e/enable
	done
fi
start=$(date +%s)
qemu-system-x86_64 "$@" > qemu.out 2>&1 &
pid=$!
cat mon.out > mon.log &
# A QEMU that refuses its command line exits at once: say why.
sleep 2
kill -0 $pid 2>/dev/null || { echo "real-guest: QEMU exited at once:"; cat qemu.out; exit 1; }
exec 3> mon.in
# KVM's statistics of the VM (debugfs), and where the guest is (the monitor).
stats() {
	d=$(ls -d /sys/kernel/debug/kvm/*-* 2>/dev/null | head -n1)
	[ -n "$d" ] || return
	out=
	for f in "$d"/*; do
		[ -f "$f" ] || continue
		v=$(cat "$f" 2>/dev/null) || continue
		case $v in ''|0|*[!0-9]*) continue ;; esac
		out="$out ${f##*/}=$v"
	done
	echo "info registers" >&3
	sleep 1
	rip=$(grep -o 'RIP=[0-9a-f]*' mon.log | tail -n1)
	echo "kvm:$out $rip"
}
# A second of KVM's trace events: which exits, which emulated instructions.
trace_snapshot() {
	T=/sys/kernel/tracing
	[ -d $T/events/kvm ] || mount -t tracefs nodev $T 2>/dev/null
	[ -d $T/events/kvm ] || return
	echo > $T/trace
	for e in kvm_exit kvm_emulate_insn kvm_inj_exception kvm_inj_virq kvm_nested_vmexit; do
		[ -f $T/events/kvm/$e/enable ] && echo 1 > $T/events/kvm/$e/enable
	done
	sleep 1
	for e in kvm_exit kvm_emulate_insn kvm_inj_exception kvm_inj_virq kvm_nested_vmexit; do
		[ -f $T/events/kvm/$e/enable ] && echo 0 > $T/events/kvm/$e/enable
	done
	grep -v '^#' $T/trace | head -n 30 | sed 's/^ *//' | cut -c1-220
}
t_kernel= t_init= t_done= last=0 shown=0 final= fstats=
# The boot times: the first poll that sees each milestone on the console.
milestones() {
	now=$(( $(date +%s) - start ))
	[ -z "$t_kernel" ] && grep -q 'Linux version' con.log && t_kernel=$now
	[ -z "$t_init" ] && grep -q '^l2-workload: started' con.log && t_init=$now
	[ -z "$t_done" ] && grep -q '^l2-workload: done' con.log && t_done=$now
}
while kill -0 $pid 2>/dev/null; do
	milestones
	n=$(wc -l < con.log)
	if [ "$n" -gt "$shown" ]; then
		sed -n "$((shown + 1)),${n}p" con.log | sed "s/^/[$now s] /"
		shown=$n
	fi
	if [ $((now - last)) -ge 60 ]; then
		echo "[$now s] OVMF debug port: $(wc -c < ovmf.log) bytes; last: $(tail -n1 ovmf.log | tr -d '\r' | cut -c1-100)"
		echo "[$now s] $(stats)"
		[ "$now" -ge 90 ] && [ -z "$t_kernel" ] && [ -z "${traced:-}" ] &&
			{ traced=1; echo "[$now s] trace:"; trace_snapshot; }
		last=$now
	fi
	# -no-shutdown: a guest that powered off leaves QEMU and KVM's
	# statistics of the VM in place, to be read once, before quitting.
	if [ -z "$final" ] && grep -q "reboot: Power down" con.log; then
		final=1
		fstats=$(stats)
		echo "[$now s] at power-off: $fstats"
		echo "info sev" >&3
		sleep 1
		echo quit >&3
	fi
	if [ "$now" -ge "$limit" ]; then
		echo "[$now s] real-guest: giving up after $limit s"
		kill $pid
		break
	fi
	sleep 1
done
wait $pid
rc=$?
milestones	# what the guest printed after the last poll, before it powered off
exec 3>&-
if [ "$trace" = trace ]; then
	echo 0 > $T/tracing_on
	grep -v '^#' $T/trace > trace.txt
	echo "real-guest: trace: $(wc -l < trace.txt) events"
	# OVMF never runs at 0x1000-0xefff (its reset vector is at 0xfff0): the
	# first exit there is where the guest went astray.
	n=$(grep -n 'kvm_exit: .* rip 0x[1-9a-e][0-9a-f][0-9a-f][0-9a-f] ' trace.txt | head -n1 | cut -d: -f1)
	if [ -n "$n" ]; then
		echo "real-guest: trace: the 60 events before the first exit at 0x1000-0xefff, and 5 after:"
		sed -n "$((n > 60 ? n - 60 : 1)),$((n + 5))p" trace.txt | sed 's/^ *//' | cut -c1-220
	fi
fi
sed -n "$((shown + 1)),\$p" con.log
info=
if [ -n "$final" ]; then
	info=$(tr -d '\r' < mon.log | sed 's/\x1b\[[0-9;]*[A-Za-z]//g' | sed -n '/info sev/,$p' |
		grep -E '^(state|api version|migration ready|shared-gpa list kept by|map-gpa-range exits|shared pages|SEV is not)')
	echo "real-guest: info sev at power-off:"
	echo "$info" | sed 's/^/real-guest:   /'
fi
echo "real-guest: QEMU exited with $rc; its output:"
tail -n 20 qemu.out
echo "real-guest: OVMF debug port, last lines:"
tail -n 15 ovmf.log | tr -d '\r'
echo "real-guest: $mode: ovmf-to-kernel ${t_kernel:--} s, kernel-to-init $([ -n "$t_init" ] && echo $((t_init - t_kernel)) || echo -) s, done ${t_done:--} s"
# An SEV guest must also say that it runs encrypted (l2-workload.c).
sev_ok=1
if [ "$mode" != plain ] && ! grep -q '^l2-workload: kernel: Memory Encryption Features active: AMD SEV' con.log; then
	echo "real-guest: $mode: the guest kernel did not report AMD SEV active"
	sev_ok=0
fi
# The guest's page encryption changes, over its whole boot: KVM's count of
# hypercalls (all kinds; an SEV guest with one vCPU makes little else),
# the exits to the VMM, and who kept the list of shared pages.
stat() { v=$(echo " $fstats " | sed -n "s/.* $1=\([0-9]*\) .*/\1/p"); echo "${v:-0}"; }
field() { echo "$info" | sed -n "s/^$1: //p"; }
case $mode in sev|sev-exit)
	qshared=$(field 'shared pages') calls=$(stat hypercalls) exits=$(field 'map-gpa-range exits') kept=$(field 'shared-gpa list kept by')
	ranges=$(stat shared_gpa_ranges) shared=$(( $(stat shared_gpa_pages_shared) - $(stat shared_gpa_pages_private) ))
	echo "real-guest: $mode: $calls hypercalls, ${exits:-?} KVM_HC_MAP_GPA_RANGE exits to the VMM, list kept by ${kept:-?}:" \
		"KVM's $ranges ranges, $shared pages shared; QEMU's ${qshared:--} pages shared;" \
		"migration ready: $(field 'migration ready')"
	if [ "$calls" = 0 ]; then
		echo "real-guest: $mode: the guest made no hypercall"; sev_ok=0
	elif [ "$mode" = sev ] && { [ "$exits" != 0 ] || [ "$kept" != KVM ] || [ "$ranges" = 0 ]; }; then
		echo "real-guest: sev: want every conversion kept by KVM, without an exit"; sev_ok=0
	elif [ "$mode" = sev-exit ] && { [ "${exits:-0}" = 0 ] || [ "$kept" != QEMU ]; }; then
		echo "real-guest: sev-exit: want the conversions to exit to QEMU"; sev_ok=0
	fi
	# Readiness is the guest's to declare, from its firmware's variable.
	want=no
	[ "$mode" = sev ] && want=yes
	if [ "$(field 'migration ready')" != $want ]; then
		echo "real-guest: $mode: want migration ready: $want"; sev_ok=0
	fi
esac
grep -q '^l2-workload: done' con.log && ! grep -q MISMATCH con.log && [ $sev_ok = 1 ]
