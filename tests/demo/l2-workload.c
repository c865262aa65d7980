// SPDX-License-Identifier: GPL-2.0-only
/*
 * l2-workload: the real guest's workload (PID 1 of its initramfs, static).
 * Keeps writing and checking a memory pattern and says on the console
 * whether its memory survived, so that the guest itself reports the
 * outcome of a migration:
 *
 *   l2-workload: pass N: M MiB checked, ok
 *   l2-workload: pass N: MISMATCH at offset O: got X, want Y
 *
 * Every pass checks the whole buffer against the previous pass's pattern
 * and writes the next one, page by page, so that a page that a migration
 * moved with a stale or garbled content is caught on the next pass.  The
 * buffer is ordinary memory: private in an SEV guest.
 * With "l2-workload.pause_ms=M", sleeps M ms after each pass.
 * Runs until powered off; with "l2-workload.passes=N" on the kernel
 * command line, powers the guest off after N passes.  First it prints the
 * kernel's "Memory Encryption Features active" line, if any, as
 *
 *   l2-workload: kernel: Memory Encryption Features active: AMD SEV
 *
 * which tells an SEV guest that really runs encrypted from one that only
 * was launched as such, and the kernel's line on whether its firmware
 * enabled live migration (setup_efi_kvm_sev_migration()).
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MIB		(1024 * 1024)
#define BUF_MIB		64

static uint64_t pattern(uint64_t pass, uint64_t word)
{
	uint64_t x = (pass << 40) ^ word ^ 0x5ec0de5ec0de5ec0ULL;

	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	return x;
}

/* The value of "l2-workload.NAME=" on the kernel command line, or 0. */
static unsigned long cmdline_param(const char *name)
{
	char buf[4096], *p;
	int fd = open("/proc/cmdline", O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = 0;
	p = strstr(buf, name);
	return p ? strtoul(p + strlen(name), NULL, 10) : 0;
}

/*
 * The kernel log's lines on memory encryption and on live migration
 * (pr_info: not on the console).
 */
static void print_mem_encrypt(void)
{
	static const char *const keys[] = {
		"Memory Encryption Features active",
		"setup_efi_kvm_sev_migration",
	};
	char rec[1024], *p, *e;
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK);
	unsigned int k;
	ssize_t n;

	if (fd < 0)
		return;
	while ((n = read(fd, rec, sizeof(rec) - 1)) > 0) {
		rec[n] = 0;
		for (k = 0, p = NULL; !p && k < sizeof(keys) / sizeof(keys[0]); k++)
			p = strstr(rec, keys[k]);
		if (!p)
			continue;
		e = strchr(p, '\n');
		if (e)
			*e = 0;
		printf("l2-workload: kernel: %s\n", p);
	}
	close(fd);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(void)
{
	uint64_t words = (uint64_t)BUF_MIB * MIB / 8, i, pass;
	unsigned long passes, pause_ms;
	uint64_t *buf;
	double t0;
	int fd;

	/* PID 1 of an initramfs without /dev/console: open the console. */
	mkdir("/proc", 0555);
	mount("proc", "/proc", "proc", 0, NULL);
	mkdir("/dev", 0755);
	mount("devtmpfs", "/dev", "devtmpfs", 0, NULL);
	fd = open("/dev/console", O_RDWR);
	if (fd >= 0) {
		dup2(fd, 0);
		dup2(fd, 1);
		dup2(fd, 2);
	}
	passes = cmdline_param("l2-workload.passes=");
	pause_ms = cmdline_param("l2-workload.pause_ms=");
	print_mem_encrypt();
	buf = malloc(words * 8);
	if (!buf) {
		printf("l2-workload: no memory for %d MiB\n", BUF_MIB);
		return 1;
	}
	t0 = now();
	printf("l2-workload: started, %d MiB, %lu passes (0: forever)\n", BUF_MIB, passes);
	for (i = 0; i < words; i++)
		buf[i] = pattern(0, i);
	for (pass = 1; !passes || pass <= passes; pass++) {
		for (i = 0; i < words; i++) {
			if (buf[i] != pattern(pass - 1, i)) {
				printf("l2-workload: pass %llu: MISMATCH at offset %llu: got %#llx, want %#llx\n",
				       (unsigned long long)pass, (unsigned long long)i * 8,
				       (unsigned long long)buf[i],
				       (unsigned long long)pattern(pass - 1, i));
				fflush(stdout);
				for (;;)
					pause();
			}
			buf[i] = pattern(pass, i);
		}
		printf("l2-workload: pass %llu: %d MiB checked, ok (%.1f s)\n",
		       (unsigned long long)pass, BUF_MIB, now() - t0);
		fflush(stdout);
		if (pause_ms)
			usleep(pause_ms * 1000);
	}
	printf("l2-workload: done\n");
	fflush(stdout);
	sync();
	reboot(RB_POWER_OFF);
	return 0;
}
