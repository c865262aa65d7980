#!/bin/sh
# In the kernel under test (L1): live-migrate a real SEV guest between two
# QEMUs over a local socket, as a VMM user would, and report what it took.
#   migrate.sh [kvm|exit] [TIMEOUT]
# kvm: KVM keeps the list of shared pages (KVM_CAP_SHARED_GPA_TRACKING) and
# sorts each batch; exit: QEMU keeps it from an exit per conversion, as
# with upstream KVM (sev-guest shared-gpa-tracking=off, source and target).
# The source boots OVMF and Debian's kernel with SEV and the workload
# (tests/demo/l2-workload.c) running until stopped.  Before the guest has
# declared itself ready, `migrate` must be refused; once it has, a
# migration with a wrong target PDH must fail in SEND_START and a cancelled
# one must leave the source running and migratable.  Then the target is
# started with -incoming, its PDH and certificate chain are read with
# query-sev-capabilities (QMP), and the guest migrates to it.  Exits 0 when
# the workload on the target goes on checking its memory without a
# mismatch, every page went with the type of the guest's list, and each
# bad path behaved.
mode=${1:-kvm}
limit=${2:-1500}
here=$(pwd)
export PATH=/usr/bin:$PATH
cd /tmp || exit 1
: > con-src.log
: > con-dst.log
rm -f msrc.in msrc.out mdst.in mdst.out qdst.in qdst.out
mkfifo msrc.in msrc.out mdst.in mdst.out qdst.in qdst.out
cp /vmm/OVMF_VARS_MIG.fd vars-src.fd
cp /vmm/OVMF_VARS_MIG.fd vars-dst.fd
ebx=$("$here/sev_host_info" | sed -n 's/^cpuid 0x8000001f: .* ebx=\(0x[0-9a-f]*\) .*$/\1/p')
[ -n "$ebx" ] || { echo "migrate: no CPUID 0x8000001F"; exit 1; }
cbit=$((ebx & 63)) red=$(((ebx >> 6) & 63))
sevopt=
[ "$mode" = exit ] && sevopt=,shared-gpa-tracking=off
# The workload pauses 200 ms after each pass (about as long as a pass
# takes): under one TCG thread for both L1 vCPUs, an L2 vCPU that never
# halts starved L1's other work long enough for L1's soft-lockup detector
# to fire (once in a make check, 2026-12-06).
# 256 MiB: the workload's 64 MiB and the guest kernel, with half the pages
# of real-guest.sh to send.
mem=${MIGRATE_MEM:-256}
# As real-guest.sh sev; the workload runs until the guest is stopped.
vm() {
	side=$1
	shift
	qemu-system-x86_64 -machine q35,accel=kvm,confidential-guest-support=sev0 \
		-cpu host,host-phys-bits-limit=40 -smp 1 -m $mem -nodefaults -nographic \
		-object sev-guest,id=sev0,cbitpos=$cbit,reduced-phys-bits=$red,policy=0x1$sevopt \
		-chardev pipe,id=mon0,path=m$side -mon chardev=mon0,mode=readline \
		-drive if=pflash,format=raw,unit=0,file=/vmm/OVMF_CODE.fd,readonly=on \
		-drive if=pflash,format=raw,unit=1,file=vars-$side.fd \
		-serial file:con-$side.log \
		-kernel /vmm/vmlinuz -initrd /vmm/l2.cpio \
		-append "console=ttyS0 loglevel=6 nokaslr l2-workload.passes=0 l2-workload.pause_ms=200" "$@"
}
start=$(date +%s)
now() { echo $(( $(date +%s) - start )); }
say() { echo "[$(now) s] $*"; }
fail() { say "migrate: FAIL: $*"; bad=1; }
bad=0

vm src > qemu-src.out 2>&1 &
src=$!
cat msrc.out > msrc.log &
sleep 2
kill -0 $src 2>/dev/null || { echo "migrate: QEMU exited at once:"; cat qemu-src.out; exit 1; }
exec 3> msrc.in
# An HMP command on the source (3) or the target (4): its output, from the
# line after the command's echo to the next prompt (up to 60 s).
esc=$(printf '\033')
hmp() {
	fd=$1 log=$2
	shift 2
	n=$(wc -c < "$log")
	echo "$*" >&"$fd"
	i=0
	while [ $i -lt 60 ]; do
		sleep 1
		i=$((i + 1))
		tail -c +$((n + 1)) "$log" | sed 1d | grep -q '^(qemu)' && break
	done
	tail -c +$((n + 1)) "$log" | tr -d '\r' | sed "s/${esc}\[[0-9;]*[A-Za-z]//g" |
		sed 1d | sed '/^(qemu)/,$d'
}
src_hmp() { hmp 3 msrc.log "$@"; }
# Wait up to $2 s for console $1 to match $3.
wait_for() {
	t=$(($(now) + $2))
	while [ "$(now)" -lt $t ]; do
		grep -q "$3" "$1" && return 0
		kill -0 $src 2>/dev/null || return 1
		sleep 1
	done
	return 1
}

# 1. Before the guest is ready (OVMF is still booting): refused.
sleep 5
out=$(src_hmp "migrate -d exec:cat>/dev/null")
say "migrate before the guest is ready: $out"
echo "$out" | grep -q "has not declared itself ready" || fail "migrate was not refused before the guest was ready"

wait_for con-src.log $limit '^l2-workload: pass 1: .* ok' || { fail "the source guest did not finish a pass"; cat con-src.log; exit 1; }
say "source: $(grep -c '^l2-workload: pass' con-src.log) passes done; $(grep 'l2-workload: kernel: setup_efi' con-src.log)"
grep -q '^l2-workload: kernel: Memory Encryption Features active: AMD SEV' con-src.log ||
	fail "the guest kernel did not report AMD SEV active"
info=$(src_hmp "info sev")
say "source info sev:"
echo "$info" | sed 's/^/    /'
echo "$info" | grep -q '^migration ready: yes' || fail "the guest did not declare itself ready"
# The boot's conversions: KVM's count of hypercalls, the exits to QEMU and
# who keeps the list.
kept=$(echo "$info" | sed -n 's/^shared-gpa list kept by: //p')
exits=$(echo "$info" | sed -n 's/^map-gpa-range exits: //p')
d=$(ls -d /sys/kernel/debug/kvm/*-* 2>/dev/null | head -n1)
say "source boot: $(cat "$d/hypercalls" 2>/dev/null) hypercalls, ${exits:-?} KVM_HC_MAP_GPA_RANGE exits to QEMU, list kept by ${kept:-?} (KVM's: $(cat "$d/shared_gpa_ranges" 2>/dev/null) ranges)"
case $mode in
kvm)	[ "$exits" = 0 ] && [ "$kept" = KVM ] || fail "want the list kept by KVM, without an exit" ;;
*)	[ "${exits:-0}" != 0 ] && [ "$kept" = QEMU ] || fail "want the list kept by QEMU, from the exits" ;;
esac

# The target, and its platform's certificates as a management layer reads
# them; the CEK as AMD's key server signs it, AMD's ASK and ARK.
vm dst -incoming unix:/tmp/mig.sock \
	-chardev pipe,id=qmp0,path=qdst -mon chardev=qmp0,mode=control > qemu-dst.out 2>&1 &
dst=$!
cat mdst.out > mdst.log &
cat qdst.out > qdst.log &
sleep 3
exec 4> mdst.in
exec 5> qdst.in
echo '{"execute":"qmp_capabilities"}' >&5
echo '{"execute":"query-sev-capabilities"}' >&5
i=0
while [ $i -lt 60 ] && ! grep -q '"pdh"' qdst.log; do
	sleep 1
	i=$((i + 1))
done
pdh=$(sed -n 's/.*"pdh": *"\([^"]*\)".*/\1/p' qdst.log | head -n1)
chain=$(sed -n 's/.*"cert-chain": *"\([^"]*\)".*/\1/p' qdst.log | head -n1)
[ -n "$pdh" ] && [ -n "$chain" ] || { fail "query-sev-capabilities on the target: $(cat qdst.log)"; exit 1; }
echo "$pdh" | base64 -d > pdh.cert
echo "$chain" | base64 -d > chain.cert
head -c $((2 * 2084)) chain.cert > plat.cert
cat /sev-certs/cek.cert >> plat.cert
say "target: query-sev-capabilities: PDH $(wc -c < pdh.cert) bytes, chain $(wc -c < chain.cert) bytes"

# 2. A wrong PDH: SEND_START fails, the source runs on (kvm only: the
# bad paths do not depend on who keeps the list).
src_hmp "qom-set /objects/sev0 migrate-plat-cert-file /tmp/plat.cert" > /dev/null
src_hmp "qom-set /objects/sev0 migrate-amd-cert-file /sev-certs/ask_ark.cert" > /dev/null
if [ "$mode" = kvm ]; then
cp pdh.cert bad-pdh.cert
printf '\377\377\377\377' | dd of=bad-pdh.cert bs=1 seek=$((0x100)) conv=notrunc 2>/dev/null
src_hmp "qom-set /objects/sev0 migrate-pdh-file /tmp/bad-pdh.cert" > /dev/null
src_hmp "migrate -d exec:cat>/dev/null" > /dev/null
sleep 3
st=$(src_hmp "info migrate" | grep '^Migration status')
say "migrate with a wrong PDH: $st; $(grep 'SEND_START' qemu-src.out | tail -n1)"
echo "$st" | grep -q failed || fail "a wrong PDH did not fail the migration"
n=$(grep -c '^l2-workload: pass' con-src.log)
wait_for con-src.log 300 "^l2-workload: pass $((n + 1)):" || fail "the source stopped after the failed migration"
src_hmp "info status" | grep -q running || fail "the source is not running after the failed migration"

# 3. A cancelled migration: the source runs on and can migrate again.
src_hmp "qom-set /objects/sev0 migrate-pdh-file /tmp/pdh.cert" > /dev/null
src_hmp "migrate_set_parameter max-bandwidth 1M" > /dev/null
src_hmp "migrate -d exec:cat>/dev/null" > /dev/null
sleep 4
src_hmp "migrate_cancel" > /dev/null
sleep 2
st=$(src_hmp "info migrate" | grep '^Migration status')
state=$(src_hmp "info sev" | grep '^state')
say "cancelled migration: $st, SEV $state"
echo "$st" | grep -q cancelled || fail "the migration was not cancelled"
echo "$state" | grep -q running || fail "the SEV guest is not running after the cancel"
n=$(grep -c '^l2-workload: pass' con-src.log)
wait_for con-src.log 300 "^l2-workload: pass $((n + 1)):" || fail "the source stopped after the cancelled migration"
fi
src_hmp "qom-set /objects/sev0 migrate-pdh-file /tmp/pdh.cert" > /dev/null

# 4. The migration.
# The workload rewrites its 64 MiB as fast as it can, faster than pages
# go through the emulated PSP, and QEMU's auto-converge does not see the
# dirty rate of the "sev" section: allow a downtime that takes the whole
# working set once the first pass is done.
src_hmp "migrate_set_parameter max-bandwidth 10G" > /dev/null
src_hmp "migrate_set_parameter downtime-limit 10000" > /dev/null
passes_before=$(grep -c '^l2-workload: pass' con-src.log)
say "migrating, after $passes_before passes on the source"
src_hmp "migrate -d unix:/tmp/mig.sock" > /dev/null
while :; do
	st=$(src_hmp "info migrate" | grep '^Migration status')
	case $st in *completed*|*failed*|*cancelled*) break ;; esac
	[ "$(now)" -ge "$limit" ] && { fail "migration still running after $limit s"; break; }
	sleep 5
done
say "migration: $st"
mi=$(src_hmp "info migrate")
echo "$mi" | sed 's/^/    /'
say "source info sev after the migration:"
src_hmp "info sev" | sed 's/^/    /'
grep 'SEV: migrated' qemu-src.out | sed 's/^/    /'
echo "$st" | grep -q completed || { fail "the migration did not complete"; tail -n 20 qemu-src.out; tail -n 20 qemu-dst.out; }

# 5. The guest goes on on the target, checking its memory.
if [ $bad = 0 ]; then
	t=$(($(now) + 600))
	while [ "$(now)" -lt $t ] && [ "$(grep -c '^l2-workload: pass' con-dst.log)" -lt 2 ] &&
		kill -0 $dst 2>/dev/null; do
		sleep 2
	done
	[ "$(grep -c '^l2-workload: pass' con-dst.log)" -ge 2 ] ||
		fail "the guest did not go on on the target"
	say "target console:"
	sed 's/^/    /' con-dst.log
	grep -q MISMATCH con-dst.log && fail "the guest's memory did not survive the migration"
	grep 'SEV: received' qemu-dst.out | sed 's/^/    /'
	say "target info sev:"
	hmp 4 mdst.log "info sev" | sed 's/^/    /'
fi
echo quit >&3
echo quit >&4 2>/dev/null
sleep 2
kill $src $dst 2>/dev/null
echo "migrate: source console: $(grep -c '^l2-workload: pass .* ok' con-src.log) passes ok, last:"
grep '^l2-workload' con-src.log | tail -n 3
grep -q MISMATCH con-src.log && { echo "migrate: FAIL: the source guest's memory changed"; bad=1; }
echo "migrate: source QEMU's output:"
tail -n 15 qemu-src.out
echo "migrate: target QEMU's output:"
tail -n 15 qemu-dst.out
sevline=$(grep 'SEV: migrated' qemu-src.out | sed 's/.*SEV: migrated //')
echo "migrate: $mode: total time $(echo "$mi" | sed -n 's/^total time: //p'), downtime $(echo "$mi" | sed -n 's/^downtime: //p'); ${sevline:-nothing migrated}"
[ $bad = 0 ] && echo "migrate: PASS" || echo "migrate: FAIL"
exit $bad
