// SPDX-License-Identifier: GPL-2.0-only
/*
 * sev_export_bench: export the same SEV guest memory with the single-page
 * KVM_SEV_SEND_UPDATE_DATA and the batched KVM_SEV_SEND_UPDATE_PAGES, and
 * import it into a second SEV guest with KVM_SEV_RECEIVE_UPDATE_DATA and
 * KVM_SEV_RECEIVE_UPDATE_PAGES, in one run, and print for each path: ioctls
 * per GiB, pages per second, kernel and user CPU per page (getrusage) and
 * the PSP's share of the time.
 *
 * Each path's round is an interval for the insn_count TCG plugin
 * (tests/bench/insn_mark.h), printed as
 *   interval id=N path=P run=R pages=N ioctls=I psp_cmds=C wall_ns=W
 * (psp_cmds -1 where the PSP has no counter).
 *
 * The PSP's time comes from the emulated PSP's own busy counter (BAR 2,
 * emulator-only registers, see docs/emulated-sev-host.md); on other hosts
 * the share is reported as unknown.  Under emulation the PSP's time is
 * spent inside the MMIO write that submits a command, so the guest kernel
 * accounts it as system time: "kernel CPU without the PSP" subtracts it.
 *
 * Usage: sev_export_bench [-p pages] [-r rounds]
 * Prints figures only; exits 0 unless an ioctl fails, 4 without SEV.
 */
#define _GNU_SOURCE	/* sched_setaffinity() in insn_mark.h */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <linux/kvm.h>
#include <linux/psp-sev.h>
#include "../lib/sev_raw.h"
#include "insn_mark.h"

#define PAGE		4096
#define CERT_LEN	SEV_CERT_LEN
#define HDR_LEN		52
#define BATCH		KVM_SEV_UPDATE_PAGES_MAX
#define PAGES_PER_GIB	(1UL << 18)

#define EMU_BUSY_LO	0x1ff00
#define EMU_BUSY_HI	0x1ff04
#define EMU_CMDS	0x1ff08
#define EMU_ID		0x1ff0c
#define EMU_ID_QPSP	0x50535051

static volatile uint32_t *psp;	/* the emulated PSP's BAR 2, or NULL */

static void die(const char *what, unsigned int fw)
{
	fprintf(stderr, "sev_export_bench: %s: %s, firmware status %#x\n",
		what, strerror(errno), fw);
	exit(1);
}

static void sev_do(int vm, int id, void *data, const char *what)
{
	unsigned int fw;

	if (sev_op(vm, id, data, &fw))
		die(what, fw);
}

/*
 * Route the PSP's interrupt (the ccp driver's "psp-N", or "sp-N" when it
 * shares the CCP's) to CPU @cpu, away from
 * the benchmark's CPU 0, and return its number (-1 if there is none).  On a
 * real host a command takes longer than its submission (0.2 ms and more),
 * so the driver sleeps on every one and the interrupt wakes it.  The
 * emulated PSP completes a command inside the doorbell write: routed to
 * the submitting CPU, its interrupt would arrive before the driver waits
 * and no command would sleep, which no real host does.  What CPU 0's idle
 * loop executes meanwhile is reported apart (insn_report.py).
 */
static int pin_psp_irq(int cpu)
{
	FILE *f = fopen("/proc/interrupts", "r");
	char line[1024], path[64];
	int irq = -1, n;

	while (f && irq < 0 && fgets(line, sizeof(line), f)) {
		char *name;

		line[strcspn(line, "\n")] = 0;
		name = strrchr(line, ' ');
		if (sscanf(line, " %d:", &n) == 1 && name &&
		    (!strncmp(name + 1, "psp-", 4) || !strncmp(name + 1, "sp-", 3)))
			irq = n;
	}
	if (f)
		fclose(f);
	if (irq < 0) {
		printf("sev_export_bench: no PSP interrupt (psp-N, sp-N) in /proc/interrupts\n");
		return -1;
	}
	snprintf(path, sizeof(path), "/proc/irq/%d/smp_affinity_list", irq);
	f = fopen(path, "w");
	if (!f || fprintf(f, "%d\n", cpu) < 0 || fclose(f)) {
		fprintf(stderr, "sev_export_bench: cannot route IRQ %d to CPU %d: %s\n", irq, cpu,
			strerror(errno));
		exit(1);
	}
	printf("sev_export_bench: the PSP's interrupt (IRQ %d) routed to CPU %d, the benchmark on CPU 0\n",
	       irq, cpu);
	return irq;
}

/* Print the PSP interrupt's line of /proc/interrupts: where it landed. */
static void show_psp_irq(int irq)
{
	FILE *f = fopen("/proc/interrupts", "r");
	char line[1024];
	int n;

	while (f && irq >= 0 && fgets(line, sizeof(line), f))
		if (sscanf(line, " %d:", &n) == 1 && n == irq)
			printf("sev_export_bench: /proc/interrupts: %s", line);
	if (f)
		fclose(f);
}

/* Map BAR 2 of the emulated PSP (1022:14ca) if it has the busy counters. */
static void find_psp(void)
{
	DIR *d = opendir("/sys/bus/pci/devices");
	struct dirent *e;
	char path[512], id[32];

	while (d && (e = readdir(d))) {
		FILE *f;
		int fd;
		void *p;

		snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/device", e->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		if (!fgets(id, sizeof(id), f) || strncmp(id, "0x14ca", 6)) {
			fclose(f);
			continue;
		}
		fclose(f);
		snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/resource2", e->d_name);
		fd = open(path, O_RDONLY | O_SYNC);
		if (fd < 0)
			continue;
		p = mmap(NULL, 128 * 1024, PROT_READ, MAP_SHARED, fd, 0);
		close(fd);
		if (p != MAP_FAILED && ((volatile uint32_t *)p)[EMU_ID / 4] == EMU_ID_QPSP)
			psp = p;
	}
	if (d)
		closedir(d);
}

struct sample {
	double wall, sys, user, psp;	/* seconds */
	uint64_t cmds, ioctls;
};

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

static void snap(struct sample *s)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	s->wall = now();
	s->sys = ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
	s->user = ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6;
	s->psp = 0;
	s->cmds = 0;
	if (psp) {
		uint32_t hi, lo;

		do {
			hi = psp[EMU_BUSY_HI / 4];
			lo = psp[EMU_BUSY_LO / 4];
		} while (hi != psp[EMU_BUSY_HI / 4]);
		s->psp = (((uint64_t)hi << 32) | lo) / 1e9;
		s->cmds = psp[EMU_CMDS / 4];
	}
}

static void diff(struct sample *acc, const struct sample *a, const struct sample *b,
		 uint64_t ioctls)
{
	acc->wall += b->wall - a->wall;
	acc->sys += b->sys - a->sys;
	acc->user += b->user - a->user;
	acc->psp += b->psp - a->psp;
	acc->cmds += (uint32_t)(b->cmds - a->cmds);
	acc->ioctls += ioctls;
}

/* The source's memory, the target's, and one packet per page. */
static uint8_t *mem, *dst, *trans, *hdr;
static long npages;
static int vm, dvm;

static uint64_t export_single(void)
{
	long i;

	for (i = 0; i < npages; i++) {
		struct kvm_sev_send_update_data su = {
			.hdr_uaddr = (uintptr_t)(hdr + i * 64), .hdr_len = HDR_LEN,
			.guest_uaddr = (uintptr_t)(mem + i * PAGE), .guest_len = PAGE,
			.trans_uaddr = (uintptr_t)(trans + i * PAGE), .trans_len = PAGE,
		};

		sev_do(vm, KVM_SEV_SEND_UPDATE_DATA, &su, "SEND_UPDATE_DATA");
	}
	return npages;
}

static uint64_t import_single(void)
{
	long i;

	for (i = 0; i < npages; i++) {
		struct kvm_sev_receive_update_data ru = {
			.hdr_uaddr = (uintptr_t)(hdr + i * 64), .hdr_len = HDR_LEN,
			.guest_uaddr = (uintptr_t)(dst + i * PAGE), .guest_len = PAGE,
			.trans_uaddr = (uintptr_t)(trans + i * PAGE), .trans_len = PAGE,
		};

		sev_do(dvm, KVM_SEV_RECEIVE_UPDATE_DATA, &ru, "RECEIVE_UPDATE_DATA");
	}
	return npages;
}

/* The same pages in batches of BATCH: @cmd is SEND or RECEIVE_UPDATE_PAGES. */
static uint64_t batched(int fd, int cmd, uint8_t *guest)
{
	static struct kvm_sev_page_desc d[BATCH];
	uint64_t ioctls = 0;
	long i, n, k;

	for (i = 0; i < npages; i += n) {
		struct kvm_sev_update_pages up = { .desc_uaddr = (uintptr_t)d };

		n = npages - i < BATCH ? npages - i : BATCH;
		for (k = 0; k < n; k++)
			d[k] = (struct kvm_sev_page_desc){
				.guest_uaddr = (uintptr_t)(guest + (i + k) * PAGE),
				.hdr_uaddr = (uintptr_t)(hdr + (i + k) * 64), .hdr_len = HDR_LEN,
				.trans_uaddr = (uintptr_t)(trans + (i + k) * PAGE),
				.trans_len = PAGE, .guest_len = PAGE,
			};
		/* A call that stops early is resumed with the same parameters. */
		up.nr_desc = n;
		while (up.nr_desc) {
			sev_do(fd, cmd, &up, "UPDATE_PAGES");
			ioctls++;
		}
	}
	return ioctls;
}

static uint64_t export_batched(void)
{
	return batched(vm, KVM_SEV_SEND_UPDATE_PAGES, mem);
}

static uint64_t import_batched(void)
{
	return batched(dvm, KVM_SEV_RECEIVE_UPDATE_PAGES, dst);
}

enum { P_EXPORT_SINGLE, P_EXPORT_BATCHED, P_IMPORT_SINGLE, P_IMPORT_BATCHED,
       P_STATUS, P_NR };
static const char *const path_name[P_NR] = {
	"export-single", "export-batched", "import-single", "import-batched",
	"platform-status",
};

/* One measured round of path @p: the sample, and an interval line. */
static void measure(struct sample *acc, int p, int run, uint64_t (*fn)(void))
{
	struct sample a, b;
	uint64_t n;

	snap(&a);
	mark_begin(p);
	n = fn();
	mark_end(p);
	snap(&b);
	diff(acc, &a, &b, n);
	printf("interval id=%d path=%s run=%d pages=%ld ioctls=%lu psp_cmds=%ld wall_ns=%.0f\n",
	       p, path_name[p % 100], run, p % 100 == P_STATUS ? 2000 : npages, (unsigned long)n,
	       psp ? (long)(uint32_t)(b.cmds - a.cmds) : -1L, (b.wall - a.wall) * 1e9);
	fflush(stdout);
}

static struct sev_issue_cmd status_cmd;

static uint64_t platform_status(void)
{
	int i;

	for (i = 0; i < 2000; i++)
		if (ioctl(sev_fd, SEV_ISSUE_CMD, &status_cmd))
			die("SEV_PLATFORM_STATUS", status_cmd.error);
	return 2000;
}

static void row(const char *name, const struct sample *s, long pages)
{
	double ioctls_gib = (double)s->ioctls / pages * PAGES_PER_GIB;

	printf("%-14s %8.0f ioctls/GiB %9.0f pages/s  kernel %7.2f us/page"
	       "  user %6.2f us/page", name, ioctls_gib, pages / s->wall,
	       s->sys / pages * 1e6, s->user / pages * 1e6);
	if (psp)
		printf("  PSP %6.2f us/page (%4.1f%% of wall)  kernel w/o PSP %7.2f us/page",
		       s->psp / pages * 1e6, 100 * s->psp / s->wall,
		       (s->sys - s->psp) / pages * 1e6);
	printf("\n");
}

int main(int argc, char **argv)
{
	static uint8_t pdh[CERT_LEN], chain[3 * CERT_LEN], amd[SEV_ASK_ARK_MAX], session[256];
	const char *missing;
	size_t amd_len = 0;
	struct sev_user_data_pdh_cert_export exp = {
		.pdh_cert_address = (uintptr_t)pdh, .pdh_cert_len = CERT_LEN,
		.cert_chain_address = (uintptr_t)chain, .cert_chain_len = sizeof(chain),
	};
	struct sev_issue_cmd ic = { .cmd = SEV_PDH_CERT_EXPORT, .data = (uintptr_t)&exp };
	struct sample single = { 0 }, batch = { 0 }, isingle = { 0 }, ibatch = { 0 }, st = { 0 };
	struct sev_user_data_status status;
	int kvm, opt, rounds = 3, r, psp_irq;
	uint8_t meas[256];

	npages = 8192;
	while ((opt = getopt(argc, argv, "p:r:")) != -1) {
		if (opt == 'p')
			npages = atol(optarg);
		else if (opt == 'r')
			rounds = atoi(optarg);
	}

	if (!sev_open(&kvm)) {
		printf("sev_export_bench: SKIP, no SEV on this host\n");
		return 4;
	}
	find_psp();
	psp_irq = pin_psp_irq(1);
	mark_init(0);
	if (ioctl(sev_fd, SEV_ISSUE_CMD, &ic))
		die("SEV_PDH_CERT_EXPORT", ic.error);
	/*
	 * The guest's policy has no SEV bit, so SEND_START does not verify the
	 * chain (the firmware's sev_mcmd_send_start()); pass AMD's half if it
	 * is there (tests/lib/sev_raw.h).
	 */
	missing = sev_amd_chain(amd, &amd_len, chain + 2 * CERT_LEN);
	if (missing)
		amd_len = 3200;		/* KVM wants one; the firmware does not read it */

	vm = sev_new_vm(kvm);
	mem = mmap(NULL, npages * PAGE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	dst = mmap(NULL, npages * PAGE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	trans = mmap(NULL, npages * PAGE, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	hdr = mmap(NULL, npages * 64, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (mem == MAP_FAILED || dst == MAP_FAILED || trans == MAP_FAILED || hdr == MAP_FAILED)
		die("mmap", 0);
	for (long i = 0; i < npages * PAGE; i += 8)
		*(uint64_t *)(mem + i) = i * 0x9e3779b97f4a7c15ULL;
	{
		struct kvm_userspace_memory_region reg = {
			.slot = 0, .guest_phys_addr = 0, .memory_size = npages * PAGE,
			.userspace_addr = (uintptr_t)mem,
		};
		struct kvm_enc_region er = { .addr = (uintptr_t)mem, .size = npages * PAGE };
		struct kvm_sev_launch_start ls = { 0 };
		struct kvm_sev_launch_update_data lu = { .uaddr = (uintptr_t)mem,
							 .len = npages * PAGE };
		struct kvm_sev_launch_measure lm = { .uaddr = (uintptr_t)meas,
						     .len = sizeof(meas) };
		struct kvm_sev_send_start ss = {
			.pdh_cert_uaddr = (uintptr_t)pdh, .pdh_cert_len = CERT_LEN,
			.plat_certs_uaddr = (uintptr_t)chain, .plat_certs_len = sizeof(chain),
			.amd_certs_uaddr = (uintptr_t)amd, .amd_certs_len = amd_len,
			.session_uaddr = (uintptr_t)session, .session_len = 128,
		};

		if (ioctl(vm, KVM_SET_USER_MEMORY_REGION, &reg) ||
		    ioctl(vm, KVM_MEMORY_ENCRYPT_REG_REGION, &er))
			die("memory region", 0);
		sev_do(vm, KVM_SEV_LAUNCH_START, &ls, "LAUNCH_START");
		sev_do(vm, KVM_SEV_LAUNCH_UPDATE_DATA, &lu, "LAUNCH_UPDATE_DATA");
		sev_do(vm, KVM_SEV_LAUNCH_MEASURE, &lm, "LAUNCH_MEASURE");
		sev_do(vm, KVM_SEV_LAUNCH_FINISH, NULL, "LAUNCH_FINISH");
		sev_do(vm, KVM_SEV_SEND_START, &ss, "SEND_START");
	}
	/* The target: an SEV guest in RUPDATE with the session SEND_START made. */
	dvm = sev_new_vm(kvm);
	{
		struct kvm_userspace_memory_region reg = {
			.slot = 0, .guest_phys_addr = 0, .memory_size = npages * PAGE,
			.userspace_addr = (uintptr_t)dst,
		};
		struct kvm_enc_region er = { .addr = (uintptr_t)dst, .size = npages * PAGE };
		struct kvm_sev_receive_start rs = {
			.pdh_uaddr = (uintptr_t)pdh, .pdh_len = CERT_LEN,
			.session_uaddr = (uintptr_t)session, .session_len = 128,
		};

		if (ioctl(dvm, KVM_SET_USER_MEMORY_REGION, &reg) ||
		    ioctl(dvm, KVM_MEMORY_ENCRYPT_REG_REGION, &er))
			die("target memory region", 0);
		sev_do(dvm, KVM_SEV_RECEIVE_START, &rs, "RECEIVE_START");
	}

	printf("sev_export_bench: %ld pages (%ld MiB) of one SEV guest, %d rounds of each path,"
	       " alternating; batches of %d; each round's packets imported into a second guest\n",
	       npages, npages * PAGE >> 20, rounds, BATCH);
	printf("PSP busy counter: %s\n", psp ? "emulated PSP (BAR 2)" :
	       "not found, PSP share unknown on this host");
	/* The driver's floor: a PSP command with no data, through /dev/sev. */
	status_cmd = (struct sev_issue_cmd){ .cmd = SEV_PLATFORM_STATUS,
					     .data = (uintptr_t)&status };
	/* A first round of each path, not counted: first-touch costs. */
	{
		struct sample warm = { 0 };

		measure(&warm, 100 + P_EXPORT_SINGLE, -1, export_single);
		measure(&warm, 100 + P_IMPORT_SINGLE, -1, import_single);
		measure(&warm, 100 + P_EXPORT_BATCHED, -1, export_batched);
		measure(&warm, 100 + P_IMPORT_BATCHED, -1, import_batched);
		measure(&warm, 100 + P_STATUS, -1, platform_status);
	}
	for (r = 0; r < rounds; r++) {
		measure(&single, P_EXPORT_SINGLE, r, export_single);
		measure(&isingle, P_IMPORT_SINGLE, r, import_single);
		measure(&batch, P_EXPORT_BATCHED, r, export_batched);
		measure(&ibatch, P_IMPORT_BATCHED, r, import_batched);
		measure(&st, P_STATUS, r, platform_status);
	}

	show_psp_irq(psp_irq);
	row("export single", &single, npages * rounds);
	row("export batched", &batch, npages * rounds);
	row("import single", &isingle, npages * rounds);
	row("import batched", &ibatch, npages * rounds);
	printf("ratio single/batched: export: ioctls %.0fx, pages/s %.2fx, kernel CPU per page %.2fx",
	       (double)single.ioctls / batch.ioctls, single.wall / batch.wall,
	       single.sys / batch.sys);
	if (psp)
		printf(", without the PSP %.2fx",
		       (single.sys - single.psp) / (batch.sys - batch.psp));
	printf("\nratio single/batched: import: ioctls %.0fx, pages/s %.2fx, kernel CPU per page %.2fx",
	       (double)isingle.ioctls / ibatch.ioctls, isingle.wall / ibatch.wall,
	       isingle.sys / ibatch.sys);
	if (psp)
		printf(", without the PSP %.2fx",
		       (isingle.sys - isingle.psp) / (ibatch.sys - ibatch.psp));
	printf("\n");
	printf("PSP commands: export %lu single, %lu batched; import %lu single, %lu batched\n",
	       (unsigned long)single.cmds, (unsigned long)batch.cmds,
	       (unsigned long)isingle.cmds, (unsigned long)ibatch.cmds);
	printf("PLATFORM_STATUS through /dev/sev (syscall + ccp lock + mailbox): %.2f us/command",
	       st.wall / (2000.0 * rounds) * 1e6);
	if (psp)
		printf(", of which PSP %.2f us", st.psp / (2000.0 * rounds) * 1e6);
	printf("\n");
	return 0;
}
