#!/bin/sh
# /init of the test initramfs. Runs /test/run (written by the host runner)
# once, prints markers the host parses, then powers off.
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

echo "@@KVMTEST-BOOTED $(uname -r)@@"
modprobe kvm_amd || echo "@@KVMTEST-NOTE modprobe kvm_amd failed@@"
modprobe kvm_intel 2>/dev/null

. /test/env
echo "@@KVMTEST-BEGIN $KVMTEST_NAME@@"
echo "KVMTEST-BEGIN $KVMTEST_NAME" > /dev/kmsg
cd /test
timeout -s KILL "$KVMTEST_TIMEOUT" sh /test/run
rc=$?
echo "KVMTEST-END $KVMTEST_NAME rc=$rc" > /dev/kmsg
echo "@@KVMTEST-RC $rc@@"
echo "@@KVMTEST-DMESG@@"
dmesg
echo "@@KVMTEST-END@@"
sync
poweroff -f
