/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Markers for the insn_count TCG plugin (tests/bench/insn_count.c): a
 * multi-byte NOP, nopl 0x4b53XYYY(%rax,%rax,1), that a real CPU executes as
 * a NOP and the plugin recognises.  X is 1 at the start of an interval and
 * 2 at its end, YYY the interval's id.  The counts are those of the CPU
 * that executes the marker: a benchmark pins itself to one CPU first.
 *
 * The markers are written at run time into an executable page, one slot
 * per (X, id), so that any id can be used.
 */
#ifndef INSN_MARK_H
#define INSN_MARK_H
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define MARK_IDS	4096

static uint8_t *mark_page;

/* Pin to @cpu and map the marker slots. */
static inline void mark_init(int cpu)
{
	cpu_set_t set;
	unsigned int op, id;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set)) {
		perror("sched_setaffinity");	/* the counts would be another CPU's */
		exit(1);
	}
	mark_page = mmap(NULL, 2 * MARK_IDS * 16, PROT_READ | PROT_WRITE | PROT_EXEC,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (mark_page == MAP_FAILED) {
		perror("mmap marker page");
		exit(1);
	}
	/* Every slot written now: no page fault inside an interval. */
	for (op = 1; op <= 2; op++)
		for (id = 0; id < MARK_IDS; id++) {
			uint8_t *slot = mark_page + ((op - 1) * MARK_IDS + id) * 16;
			uint32_t disp = 0x4b530000u | op << 12 | id;

			memcpy(slot, "\x0f\x1f\x84\x00", 4);
			memcpy(slot + 4, &disp, 4);
			slot[8] = 0xc3;		/* ret */
		}
}

static inline void mark(unsigned int op, unsigned int id)
{
	uint8_t *slot = mark_page + ((op - 1) * MARK_IDS + id) * 16;

	((void (*)(void))slot)();
}

static inline void mark_begin(unsigned int id) { mark(1, id % MARK_IDS); }
static inline void mark_end(unsigned int id) { mark(2, id % MARK_IDS); }

#endif
