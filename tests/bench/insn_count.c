// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * insn_count: a QEMU TCG plugin that counts the instructions the emulated
 * machine executes between markers, split into the kernel under test (the
 * L1 kernel: code at kernel addresses), its userspace (the benchmark, the
 * VMM) and its KVM guests (L2), and counts the VM entries (VMRUN) and
 * system calls (SYSCALL) in the same interval.
 *
 * Markers are a multi-byte NOP with a distinctive displacement, which real
 * CPUs execute as a NOP:
 *   nopl 0x4b53XYYY(%rax,%rax,1)     0f 1f 84 00 <disp32>
 * X is 1 (begin) or 2 (end), YYY the interval's id (0..4095).  The counts
 * are those of the vCPU that executes the marker: the benchmark pins itself
 * to one CPU, and its KVM guest runs in the same thread (KVM_RUN), so on
 * the same vCPU.  Work the kernel defers to other CPUs is not counted;
 * interrupts that land on this vCPU are, and so is its idle loop while the
 * benchmark sleeps.  An interval whose end runs on another vCPU than its
 * begin is reported as an error line, "error id=N ...".
 *
 * L2 is told from L1 by the VMRUN that enters it: after a VMRUN the vCPU is
 * in the guest until it next executes code at a kernel address (the
 * #VMEXIT returns to the instruction after VMRUN).  That holds for guests
 * that run at low addresses, as the benchmarks' do; a Linux L2 guest's
 * kernel would be counted as L1's.
 *
 * Arguments: out=FILE (required), profile=on to also write, per interval,
 * the kernel instructions by translation block address (the host maps them
 * to symbols with /proc/kallsyms).
 *
 * Each interval end appends one line to FILE:
 *   interval id=N vcpu=V kernel=K user=U guest=G vmrun=R syscall=S
 * and, with profile=on, lines "profile id=N addr=HEX insns=C".
 */
#include <glib.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <qemu-plugin.h>

QEMU_PLUGIN_EXPORT int qemu_plugin_version = QEMU_PLUGIN_VERSION;

#define MARK_MAGIC	0x4b530000u
#define MARK_BEGIN	1
#define MARK_END	2
#define MAX_VCPUS	64
#define MAX_IDS		4096
#define KERNEL_START	0xffff800000000000ull

enum { C_KERNEL, C_USER, C_GUEST, C_VMRUN, C_SYSCALL, C_NR };

struct vcpu {
	uint64_t c[C_NR];
	bool in_guest;
	int open;		/* interval being profiled, or -1 */
	GHashTable *prof;	/* TB address -> kernel instructions */
};

struct tbinfo {
	uint64_t vaddr;
	uint32_t n;
	bool kernel;
};

static struct vcpu vcpus[MAX_VCPUS];
static uint64_t start[MAX_IDS][C_NR];
static unsigned int start_vcpu[MAX_IDS];
static FILE *out;
static bool profile;
static GMutex lock;

static void tb_exec(unsigned int idx, void *udata)
{
	const struct tbinfo *t = udata;
	struct vcpu *v = &vcpus[idx % MAX_VCPUS];

	if (t->kernel) {
		v->in_guest = false;
		v->c[C_KERNEL] += t->n;
		if (v->open >= 0) {
			gpointer k = (gpointer)(uintptr_t)t->vaddr;
			uint64_t *p = g_hash_table_lookup(v->prof, k);

			if (!p) {
				p = g_new0(uint64_t, 1);
				g_hash_table_insert(v->prof, k, p);
			}
			*p += t->n;
		}
	} else {
		v->c[v->in_guest ? C_GUEST : C_USER] += t->n;
	}
}

static void vmrun_exec(unsigned int idx, void *udata)
{
	struct vcpu *v = &vcpus[idx % MAX_VCPUS];

	v->in_guest = true;
	v->c[C_VMRUN]++;
}

static void syscall_exec(unsigned int idx, void *udata)
{
	struct vcpu *v = &vcpus[idx % MAX_VCPUS];

	if (!v->in_guest)
		v->c[C_SYSCALL]++;
}

static void dump_profile(unsigned int id, struct vcpu *v)
{
	GHashTableIter it;
	gpointer k, val;

	g_hash_table_iter_init(&it, v->prof);
	while (g_hash_table_iter_next(&it, &k, &val))
		fprintf(out, "profile id=%u addr=%" PRIx64 " insns=%" PRIu64 "\n",
			id, (uint64_t)(uintptr_t)k, *(uint64_t *)val);
	g_hash_table_remove_all(v->prof);
}

static void mark_exec(unsigned int idx, void *udata)
{
	unsigned int op = (uintptr_t)udata >> 12, id = (uintptr_t)udata & 0xfff;
	struct vcpu *v = &vcpus[idx % MAX_VCPUS];
	uint64_t d[C_NR];
	int i;

	if (op == MARK_BEGIN) {
		memcpy(start[id], v->c, sizeof(v->c));
		start_vcpu[id] = idx;
		if (profile)
			v->open = id;
		return;
	}
	for (i = 0; i < C_NR; i++)
		d[i] = v->c[i] - start[id][i];
	g_mutex_lock(&lock);
	if (start_vcpu[id] != idx)
		fprintf(out, "error id=%u: begun on vcpu %u, ended on vcpu %u\n",
			id, start_vcpu[id], idx);
	fprintf(out, "interval id=%u vcpu=%u kernel=%" PRIu64 " user=%" PRIu64
		" guest=%" PRIu64 " vmrun=%" PRIu64 " syscall=%" PRIu64 "\n",
		id, idx, d[C_KERNEL], d[C_USER], d[C_GUEST], d[C_VMRUN], d[C_SYSCALL]);
	if (profile && v->open == (int)id) {
		dump_profile(id, v);
		v->open = -1;
	}
	fflush(out);
	g_mutex_unlock(&lock);
}

static void tb_trans(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
	size_t n = qemu_plugin_tb_n_insns(tb), i;
	struct tbinfo *t = g_new(struct tbinfo, 1);

	t->vaddr = qemu_plugin_tb_vaddr(tb);
	t->n = n;
	t->kernel = t->vaddr >= KERNEL_START;
	qemu_plugin_register_vcpu_tb_exec_cb(tb, tb_exec, QEMU_PLUGIN_CB_NO_REGS, t);

	for (i = 0; i < n; i++) {
		struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);
		const uint8_t *b = qemu_plugin_insn_data(insn);
		size_t len = qemu_plugin_insn_size(insn);
		uint32_t disp;

		if (len == 3 && b[0] == 0x0f && b[1] == 0x01 && b[2] == 0xd8 && t->kernel) {
			qemu_plugin_register_vcpu_insn_exec_cb(insn, vmrun_exec,
							       QEMU_PLUGIN_CB_NO_REGS, NULL);
		} else if (len == 2 && b[0] == 0x0f && b[1] == 0x05 && !t->kernel) {
			qemu_plugin_register_vcpu_insn_exec_cb(insn, syscall_exec,
							       QEMU_PLUGIN_CB_NO_REGS, NULL);
		} else if (len == 8 && b[0] == 0x0f && b[1] == 0x1f && b[2] == 0x84 &&
			   b[3] == 0x00) {
			memcpy(&disp, b + 4, 4);
			if ((disp & 0xffff0000u) != MARK_MAGIC)
				continue;
			if ((disp >> 12 & 0xf) != MARK_BEGIN && (disp >> 12 & 0xf) != MARK_END)
				continue;
			qemu_plugin_register_vcpu_insn_exec_cb(insn, mark_exec,
							       QEMU_PLUGIN_CB_NO_REGS,
							       (void *)(uintptr_t)(disp & 0xffff));
		}
	}
}

static void at_exit(qemu_plugin_id_t id, void *p)
{
	fclose(out);
}

QEMU_PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info,
					   int argc, char **argv)
{
	const char *path = NULL;
	int i;

	for (i = 0; i < argc; i++) {
		if (!strncmp(argv[i], "out=", 4))
			path = argv[i] + 4;
		else if (!strncmp(argv[i], "profile=", 8))
			qemu_plugin_bool_parse("profile", argv[i] + 8, &profile);
		else
			return -1;
	}
	if (!path || !(out = fopen(path, "w")))
		return -1;
	for (i = 0; i < MAX_VCPUS; i++) {
		vcpus[i].open = -1;
		vcpus[i].prof = g_hash_table_new_full(NULL, NULL, NULL, g_free);
	}
	qemu_plugin_register_vcpu_tb_trans_cb(id, tb_trans);
	qemu_plugin_register_atexit_cb(id, at_exit, NULL);
	return 0;
}
