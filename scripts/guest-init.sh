#!/bin/sh
# /init of the test initramfs. Runs /test/run (written by the host runner)
# once, then powers off. The console (ttyS0) carries the kernel log and the
# test's output between markers; the result port (ttyS1) carries only what
# the runner judges: "booted", then the exit status, the kernel's taint
# mask and lockdep's debug_locks after the test, then "end".
export PATH=/bin:/sbin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t debugfs debugfs /sys/kernel/debug
mount -t tmpfs tmpfs /tmp
mount -t cgroup2 cgroup2 /sys/fs/cgroup
mkdir -p /dev/shm /dev/hugepages
mount -t tmpfs tmpfs /dev/shm
mount -t hugetlbfs hugetlbfs /dev/hugepages
# hugetlb-backed tests (dirty_log_page_splitting_test) need 2M pages.
echo 160 > /proc/sys/vm/nr_hugepages 2>/dev/null

R=/dev/ttyS1
stty -F $R raw -echo 2>/dev/null
debug_locks() { sed -n 's/^ *debug_locks: *//p' /proc/lockdep_stats 2>/dev/null; }
echo "booted release=$(uname -r) tainted=$(cat /proc/sys/kernel/tainted) debug_locks=$(debug_locks)" > $R
modprobe kvm_amd || echo "@@KVMTEST-NOTE modprobe kvm_amd failed@@"
modprobe kvm_intel 2>/dev/null

. /test/env
# AMD's certificates for this (emulated) SEV host, where the SEV tests look.
[ -d /sev-certs ] && export SEV_CERT_DIR=/sev-certs
echo "@@KVMTEST-BEGIN $KVMTEST_NAME@@"
echo "<6>KVMTEST-BEGIN $KVMTEST_NAME" > /dev/kmsg
cd /test
timeout -s KILL "$KVMTEST_TIMEOUT" sh /test/run
rc=$?
echo "<6>KVMTEST-END $KVMTEST_NAME rc=$rc" > /dev/kmsg
echo "@@KVMTEST-OUTPUT-END@@"
echo "rc=$rc tainted=$(cat /proc/sys/kernel/tainted) debug_locks=$(debug_locks)" > $R
echo "end" > $R
echo "@@KVMTEST-DMESG@@"
dmesg
echo "@@KVMTEST-END@@"
sync
poweroff -f
