// SPDX-License-Identifier: GPL-2.0-only
/*
 * rbtree-v1: port of virt/kvm/shared_gpa.c as it was at the start of this
 * experiment (454 lines: one-shot shared_gpa_share()/shared_gpa_unshare(),
 * single-pass GET); rb_tracker.c ports the later, stepped version.
 *
 * Port of virt/kvm/shared_gpa.c (the red-black tree of disjoint, maximal
 * shared ranges) to userspace: first_range(), insert_range(),
 * shared_gpa_share(), shared_gpa_unshare(), kvm_shared_gpa_convert() and the
 * walk of kvm_vm_ioctl_get_shared_gpa_list() are the kernel's algorithm line
 * for line; only kvm->stat, copy_to_user() and kvmalloc of the user buffer
 * are left out.  tools/lib/rbtree.c is the kernel's lib/rbtree.c.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <linux/kernel.h>
#include <linux/rbtree.h>
#include <linux/slab.h>
#include "tracker.h"

struct shared_range {
	struct rb_node node;
	gfn_t first;
	gfn_t last;		/* inclusive */
};
_Static_assert(sizeof(struct shared_range) == 40, "kmalloc-64 object");

struct kvm_shared_gpa {
	pthread_mutex_t lock;
	struct rb_root ranges;
	uint32_t max_ranges, nr_ranges;
	uint64_t generation;
	bool overflow;
};

#define to_range(n)	rb_entry_safe(n, struct shared_range, node)

static struct shared_range *next_range(struct shared_range *r)
{
	return to_range(rb_next(&r->node));
}

static struct shared_range *first_range(struct rb_root *root, gfn_t gfn)
{
	struct rb_node *n = root->rb_node;
	struct shared_range *found = NULL;

	while (n) {
		struct shared_range *r = to_range(n);

		if (r->last >= gfn) {
			found = r;
			n = n->rb_left;
		} else {
			n = n->rb_right;
		}
	}
	return found;
}

static void insert_range(struct rb_root *root, struct shared_range *new)
{
	struct rb_node **link = &root->rb_node, *parent = NULL;

	while (*link) {
		parent = *link;
		if (new->first < to_range(parent)->first)
			link = &parent->rb_left;
		else
			link = &parent->rb_right;
	}
	rb_link_node(&new->node, parent, link);
	rb_insert_color(&new->node, root);
}

static struct shared_range *alloc_range(gfn_t first, gfn_t last)
{
	struct shared_range *r = kmalloc(sizeof(*r), GFP_KERNEL_ACCOUNT);

	if (r) {
		r->first = first;
		r->last = last;
	}
	return r;
}

static void erase_range(struct rb_root *root, struct shared_range *r)
{
	rb_erase(&r->node, root);
	kfree(r);
}

static void free_ranges(struct rb_root *root)
{
	struct shared_range *r, *tmp;

	rbtree_postorder_for_each_entry_safe(r, tmp, root, node)
		kfree(r);
	*root = RB_ROOT;
}

static int shared_gpa_share(struct kvm_shared_gpa *sg, gfn_t start, gfn_t end)
{
	struct shared_range *r, *n, *next;
	gfn_t lo = start ? start - 1 : 0, last = end;
	uint32_t swallowed = 0;

	r = first_range(&sg->ranges, lo);
	if (r && r->first <= start && r->last >= end)
		return 0;	/* already shared */
	for (n = r; n && n->first <= end + 1; n = next_range(n)) {
		last = max(last, n->last);
		swallowed++;
	}

	if ((uint64_t)sg->nr_ranges - swallowed + 1 > sg->max_ranges)
		return -ENOSPC;

	if (!swallowed) {
		n = alloc_range(start, end);
		if (!n)
			return -ENOMEM;
		insert_range(&sg->ranges, n);
	} else {
		for (n = next_range(r); n && n->first <= end + 1; n = next) {
			next = next_range(n);
			erase_range(&sg->ranges, n);
		}
		r->first = min(r->first, start);
		r->last = last;
	}
	sg->nr_ranges = sg->nr_ranges - swallowed + 1;
	return 1;
}

static int shared_gpa_unshare(struct kvm_shared_gpa *sg, gfn_t start, gfn_t end)
{
	struct shared_range *r, *n, *next, *split = NULL;
	uint32_t swallowed = 0, pieces = 0;
	bool left, right = false;

	r = first_range(&sg->ranges, start);
	if (!r || r->first > end)
		return 0;	/* already private */

	left = r->first < start;
	for (n = r; n && n->first <= end; n = next_range(n)) {
		right = n->last > end;
		swallowed++;
	}
	pieces = left + right;

	if ((uint64_t)sg->nr_ranges - swallowed + pieces > sg->max_ranges)
		return -ENOSPC;

	if (swallowed == 1 && left && right) {
		split = alloc_range(end + 1, r->last);
		if (!split)
			return -ENOMEM;
		r->last = start - 1;
		insert_range(&sg->ranges, split);
	} else {
		for (n = r; n && n->first <= end; n = next) {
			next = next_range(n);
			if (n->first < start)
				n->last = start - 1;
			else if (n->last > end)
				n->first = end + 1;
			else
				erase_range(&sg->ranges, n);
		}
	}
	sg->nr_ranges = sg->nr_ranges - swallowed + pieces;
	return 1;
}

static int rb_convert(void *t, gfn_t start, gfn_t end, bool shared)
{
	struct kvm_shared_gpa *sg = t;
	int r;

	pthread_mutex_lock(&sg->lock);
	if (shared)
		r = shared_gpa_share(sg, start, end);
	else
		r = shared_gpa_unshare(sg, start, end);
	if (r > 0) {
		sg->generation++;
		r = 0;
	} else if (r < 0) {
		sg->overflow = true;
	}
	pthread_mutex_unlock(&sg->lock);
	return r;
}

static uint32_t rb_get(void *t, gfn_t start_gfn, gfn_t end_gfn,
		       struct gpa_range *buf, uint32_t room)
{
	struct kvm_shared_gpa *sg = t;
	struct shared_range *r;
	uint32_t count = 0;

	pthread_mutex_lock(&sg->lock);
	for (r = first_range(&sg->ranges, start_gfn);
	     r && r->first < end_gfn; r = next_range(r)) {
		if (count < room) {
			uint64_t first = max_t(uint64_t, r->first, start_gfn);
			uint64_t last = min_t(uint64_t, r->last, end_gfn - 1);

			buf[count].gfn = first;
			buf[count].npages = last - first + 1;
		}
		count++;
	}
	pthread_mutex_unlock(&sg->lock);
	return count;
}

static void *rb_create(void)
{
	struct kvm_shared_gpa *sg = calloc(1, sizeof(*sg));

	pthread_mutex_init(&sg->lock, NULL);
	sg->ranges = RB_ROOT;
	sg->max_ranges = KVM_SHARED_GPA_MAX_RANGES;
	return sg;
}

static uint32_t rb_nr_ranges(void *t)
{
	return ((struct kvm_shared_gpa *)t)->nr_ranges;
}

static void rb_destroy(void *t)
{
	struct kvm_shared_gpa *sg = t;

	free_ranges(&sg->ranges);
	free(sg);
}

const struct tracker_ops rb_v1_tracker_ops = {
	.name = "rbtree-v1",
	.create = rb_create,
	.convert = rb_convert,
	.get = rb_get,
	.nr_ranges = rb_nr_ranges,
	.destroy = rb_destroy,
};
