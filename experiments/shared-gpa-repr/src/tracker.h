/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The three representations of the shared GPA set behind one interface:
 *   convert(start, end, shared): [start, end] inclusive, like
 *       kvm_shared_gpa_convert(); returns 0 or -ENOSPC/-ENOMEM;
 *   get(start, end, buf, room): the shared ranges clipped to [start, end),
 *       like KVM_GET_SHARED_GPA_LIST, returns the number of ranges (may be
 *       more than room: only room are written).
 * Each takes its VM-level mutex, as the kernel code does (sg->lock in
 * shared_gpa.c, kvm->slots_lock in kvm_vm_set_mem_attributes()).
 */
#ifndef SGR_TRACKER_H
#define SGR_TRACKER_H

#include <stdbool.h>
#include <stdint.h>

typedef uint64_t gfn_t;

struct gpa_range {		/* struct kvm_shared_gpa_range */
	uint64_t gfn;
	uint64_t npages;
};

#define KVM_SHARED_GPA_MAX_RANGES	(4U << 20)	/* include/linux/kvm_host.h */

struct tracker_ops {
	const char *name;
	void *(*create)(void);
	int (*convert)(void *t, gfn_t start, gfn_t end, bool shared);
	uint32_t (*get)(void *t, gfn_t start, gfn_t end, struct gpa_range *buf,
			uint32_t room);
	uint32_t (*nr_ranges)(void *t);	/* for checking only */
	void (*destroy)(void *t);
};

extern const struct tracker_ops rb_tracker_ops;
extern const struct tracker_ops rb_v1_tracker_ops;
extern const struct tracker_ops mt_tracker_ops;
extern const struct tracker_ops mt_prealloc_tracker_ops;
extern const struct tracker_ops xa_tracker_ops;
extern const struct tracker_ops xa_upstream_tracker_ops;

#endif
