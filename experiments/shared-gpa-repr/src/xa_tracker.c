// SPDX-License-Identifier: GPL-2.0-only
/*
 * The shared GPA set as upstream's memory-attributes model: an xarray with
 * XA_FLAGS_ACCOUNT holding one value entry per gfn (kvm->mem_attr_array).
 * range_has_attrs() and set_attrs() are kvm_range_has_memory_attributes()
 * and kvm_vm_set_mem_attributes() from virt/kvm/kvm_main.c (6.12), minus the
 * MMU invalidation (kvm_handle_gfn_range() pre/post) and cond_resched().
 * GET walks the xarray under RCU (xas_for_each) and coalesces runs.
 *
 * Two polarities:
 *  "xarray":   entry = SHARED attribute, absent = private (the tracker's
 *              semantics, default private; a hypothetical attribute bit);
 *  "xarray-upstream": entry = KVM_MEMORY_ATTRIBUTE_PRIVATE, absent = shared,
 *              as upstream stores it; the VMM marks guest RAM private first
 *              and GET must report the gaps between private entries.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include "shared.h"
#include <linux/xarray.h>
#include "tracker.h"

#define ATTR_SHARED			(1UL << 0)	/* hypothetical */
#define KVM_MEMORY_ATTRIBUTE_PRIVATE	(1UL << 3)	/* uapi/linux/kvm.h */

struct xa_gpa {
	pthread_mutex_t slots_lock;
	struct xarray mem_attr_array;
	unsigned long supported;	/* kvm_supported_mem_attributes() */
	bool upstream;
};

static unsigned long get_attrs(struct xa_gpa *g, gfn_t gfn)
{
	return xa_to_value(xa_load(&g->mem_attr_array, gfn));
}

/* kvm_range_has_memory_attributes(), [start, end) */
static bool range_has_attrs(struct xa_gpa *g, gfn_t start, gfn_t end,
			    unsigned long mask, unsigned long attrs)
{
	XA_STATE(xas, &g->mem_attr_array, start);
	unsigned long index;
	bool ret = true;
	void *entry;

	mask &= g->supported;
	if (attrs & ~mask)
		return false;

	if (end == start + 1)
		return (get_attrs(g, start) & mask) == attrs;

	rcu_read_lock();
	for (index = start; index < end; index++) {
		do {
			entry = attrs ? xas_next(&xas) :
					xas_next_entry(&xas, end - 1);
		} while (xas_retry(&xas, entry));

		if (!entry) {
			ret = !attrs;
			break;
		}
		if (xas.xa_index != index ||
		    (xa_to_value(entry) & mask) != attrs) {
			ret = false;
			break;
		}
	}
	rcu_read_unlock();
	return ret;
}

/* kvm_vm_set_mem_attributes(), [start, end) */
static int set_attrs(struct xa_gpa *g, gfn_t start, gfn_t end,
		     unsigned long attributes)
{
	unsigned long i;
	void *entry;
	int r = 0;

	entry = attributes ? xa_mk_value(attributes) : NULL;

	pthread_mutex_lock(&g->slots_lock);

	if (range_has_attrs(g, start, end, ~0, attributes))
		goto out_unlock;

	for (i = start; i < end; i++) {
		r = xa_reserve(&g->mem_attr_array, i, GFP_KERNEL_ACCOUNT);
		if (r)
			goto out_unlock;
	}

	/* kvm_handle_gfn_range(kvm, &pre_set_range): MMU, not modelled */

	for (i = start; i < end; i++) {
		r = xa_err(xa_store(&g->mem_attr_array, i, entry,
				    GFP_KERNEL_ACCOUNT));
		if (r)
			abort();	/* KVM_BUG_ON */
	}

	/* kvm_handle_gfn_range(kvm, &post_set_range): MMU, not modelled */
out_unlock:
	pthread_mutex_unlock(&g->slots_lock);
	return r;
}

static int xa_convert(void *t, gfn_t start, gfn_t end, bool shared)
{
	struct xa_gpa *g = t;

	if (g->upstream)
		return set_attrs(g, start, end + 1,
				 shared ? 0 : KVM_MEMORY_ATTRIBUTE_PRIVATE);
	return set_attrs(g, start, end + 1, shared ? ATTR_SHARED : 0);
}

static inline void emit(struct gpa_range *buf, uint32_t room, uint32_t *count,
			gfn_t first, gfn_t last)
{
	if (*count < room) {
		buf[*count].gfn = first;
		buf[*count].npages = last - first + 1;
	}
	(*count)++;
}

static uint32_t xa_get(void *t, gfn_t start, gfn_t end,
		       struct gpa_range *buf, uint32_t room)
{
	struct xa_gpa *g = t;
	XA_STATE(xas, &g->mem_attr_array, start);
	gfn_t first = 0, last = 0, next = start;
	bool have = false;
	uint32_t count = 0;
	void *entry;

	pthread_mutex_lock(&g->slots_lock);
	rcu_read_lock();
	xas_for_each(&xas, entry, end - 1) {
		gfn_t idx = xas.xa_index;

		if (xas_retry(&xas, entry))
			continue;
		if (g->upstream) {
			/* shared = the gaps between private entries */
			if (!(xa_to_value(entry) & KVM_MEMORY_ATTRIBUTE_PRIVATE))
				continue;
			if (idx > next)
				emit(buf, room, &count, next, idx - 1);
			next = idx + 1;
			continue;
		}
		if (!(xa_to_value(entry) & ATTR_SHARED))
			continue;
		if (have && idx == last + 1) {
			last = idx;
			continue;
		}
		if (have)
			emit(buf, room, &count, first, last);
		first = last = idx;
		have = true;
	}
	rcu_read_unlock();
	if (have)
		emit(buf, room, &count, first, last);
	if (g->upstream && next < end)
		emit(buf, room, &count, next, end - 1);
	pthread_mutex_unlock(&g->slots_lock);
	return count;
}

static void *xa_create_common(bool upstream)
{
	struct xa_gpa *g = calloc(1, sizeof(*g));

	pthread_mutex_init(&g->slots_lock, NULL);
	xa_init_flags(&g->mem_attr_array, XA_FLAGS_ACCOUNT);
	g->upstream = upstream;
	g->supported = upstream ? KVM_MEMORY_ATTRIBUTE_PRIVATE : ATTR_SHARED;
	return g;
}

static void *xa_create(void) { return xa_create_common(false); }
static void *xa_create_upstream(void) { return xa_create_common(true); }

static uint32_t xa_nr_ranges(void *t)
{
	return xa_get(t, 0, ULONG_MAX, NULL, 0);
}

static void xa_destroy_tracker(void *t)
{
	struct xa_gpa *g = t;

	xa_destroy(&g->mem_attr_array);
	free(g);
}

const struct tracker_ops xa_tracker_ops = {
	.name = "xarray",
	.create = xa_create,
	.convert = xa_convert,
	.get = xa_get,
	.nr_ranges = xa_nr_ranges,
	.destroy = xa_destroy_tracker,
};

const struct tracker_ops xa_upstream_tracker_ops = {
	.name = "xarray-upstream",
	.create = xa_create_upstream,
	.convert = xa_convert,
	.get = xa_get,
	.nr_ranges = xa_nr_ranges,
	.destroy = xa_destroy_tracker,
};
