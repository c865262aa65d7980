// SPDX-License-Identifier: GPL-2.0-only
/*
 * Port of virt/kvm/shared_gpa.c (the red-black tree of disjoint, maximal
 * shared ranges) to userspace, from the version of 2026-12-01 21:58 (764
 * lines, sha256 bb81f0bb...): first_range(), insert_range(),
 * shared_gpa_prepare_share()/commit_share(), shared_gpa_prepare_unshare()/
 * commit_unshare(), shared_gpa_step_end() and the step loop of
 * kvm_shared_gpa_convert(), and the walk of kvm_vm_ioctl_get_shared_gpa_list()
 * (at most KVM_SHARED_GPA_LIST_MAX ranges per call, so a full GET is a loop
 * of calls) are the kernel's code.  Left out: kvm->stat, dirty logging (no
 * memslot logs dirty pages here, so the page budget is U64_MAX and
 * shared_gpa_mark_dirty() is never reached), copy_to_user() and the
 * kvmalloc of the bounce buffer.  tools/lib/rbtree.c is lib/rbtree.c.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <linux/kernel.h>
#include <linux/rbtree.h>
#include <linux/slab.h>
#include "tracker.h"

#define KVM_SHARED_GPA_LIST_MAX	4096		/* include/linux/kvm_host.h */
#define SHARED_GPA_STEP_RANGES	64
#define U64_MAX_			(~0ULL)

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

struct shared_gpa_op {
	gfn_t first, last;
	bool shared;
	struct shared_range *r;
	struct shared_range *new;
	uint32_t nr_ranges;
};

static int shared_gpa_prepare_share(struct kvm_shared_gpa *sg,
				    struct shared_gpa_op *op)
{
	gfn_t lo = op->first ? op->first - 1 : 0;
	struct shared_range *n;
	uint32_t swallowed = 0;

	op->r = first_range(&sg->ranges, lo);
	if (op->r && op->r->first <= op->first && op->r->last >= op->last)
		return 0;
	for (n = op->r; n && n->first <= op->last + 1; n = next_range(n))
		swallowed++;

	if ((uint64_t)sg->nr_ranges - swallowed + 1 > sg->max_ranges)
		return -ENOSPC;

	if (!swallowed) {
		op->new = alloc_range(op->first, op->last);
		if (!op->new)
			return -ENOMEM;
	}
	op->nr_ranges = sg->nr_ranges - swallowed + 1;
	return 1;
}

static void shared_gpa_commit_share(struct kvm_shared_gpa *sg,
				    struct shared_gpa_op *op)
{
	struct shared_range *r = op->r, *n, *next;

	if (op->new) {
		insert_range(&sg->ranges, op->new);
		return;
	}

	r->first = min(r->first, op->first);
	for (n = next_range(r); n && n->first <= op->last + 1; n = next) {
		next = next_range(n);
		r->last = n->last;
		erase_range(&sg->ranges, n);
	}
	r->last = max(r->last, op->last);
}

static int shared_gpa_prepare_unshare(struct kvm_shared_gpa *sg,
				      struct shared_gpa_op *op)
{
	struct shared_range *n;
	uint32_t swallowed = 0;
	bool left, right = false;

	op->r = first_range(&sg->ranges, op->first);
	if (!op->r || op->r->first > op->last)
		return 0;

	left = op->r->first < op->first;
	for (n = op->r; n && n->first <= op->last; n = next_range(n)) {
		right = n->last > op->last;
		swallowed++;
	}

	if ((uint64_t)sg->nr_ranges - swallowed + left + right > sg->max_ranges)
		return -ENOSPC;

	if (swallowed == 1 && left && right) {
		op->new = alloc_range(op->last + 1, op->r->last);
		if (!op->new)
			return -ENOMEM;
	}
	op->nr_ranges = sg->nr_ranges - swallowed + left + right;
	return 1;
}

static void shared_gpa_commit_unshare(struct kvm_shared_gpa *sg,
				      struct shared_gpa_op *op)
{
	struct shared_range *n, *next;

	if (op->new) {
		op->r->last = op->first - 1;
		insert_range(&sg->ranges, op->new);
		return;
	}

	for (n = op->r; n && n->first <= op->last; n = next) {
		next = next_range(n);
		if (n->first < op->first)
			n->last = op->first - 1;
		else if (n->last > op->last)
			n->first = op->last + 1;
		else
			erase_range(&sg->ranges, n);
	}
}

/* shared_gpa_step_end() without a vCPU (no dirty marking). */
static gfn_t shared_gpa_step_end(struct kvm_shared_gpa *sg, gfn_t start,
				 gfn_t end, bool shared, uint64_t *budget)
{
	struct shared_range *r = first_range(&sg->ranges, start);
	gfn_t pos = start, a, b;
	uint32_t reached = 0;

	for (;;) {
		bool last = !r || r->first >= end;

		if (!last) {
			a = shared ? pos : max(pos, r->first);
			b = shared ? r->first : min(r->last + 1, end);
		} else {
			a = pos;
			b = shared ? end : pos;
		}

		if (a < b) {
			if (b - a > *budget)
				b = a + *budget;
			*budget -= b - a;
			if (!*budget)
				return b;
		}

		if (last)
			return end;

		pos = min(r->last + 1, end);
		if (++reached == SHARED_GPA_STEP_RANGES || pos == end)
			return pos;
		r = next_range(r);
	}
}

/* One call of kvm_shared_gpa_convert() (mark == false). */
static int shared_gpa_convert_step(struct kvm_shared_gpa *sg, gfn_t *next,
				   gfn_t end, bool shared)
{
	struct shared_gpa_op op = { .first = *next, .shared = shared };
	uint64_t max_pages = U64_MAX_, budget;
	gfn_t stop;
	int r;

	pthread_mutex_lock(&sg->lock);
	r = -ENOSPC;
	if (sg->overflow)
		goto out;

	budget = max_pages;
	stop = shared_gpa_step_end(sg, *next, end, shared, &budget);
	r = -EBUSY;
	if (stop == *next)
		goto out;

	op.last = stop - 1;
	r = shared ? shared_gpa_prepare_share(sg, &op) :
		     shared_gpa_prepare_unshare(sg, &op);
	if (r == -ENOSPC)
		sg->overflow = true;
	if (r < 0)
		goto out;

	if (r) {
		if (shared)
			shared_gpa_commit_share(sg, &op);
		else
			shared_gpa_commit_unshare(sg, &op);
		sg->nr_ranges = op.nr_ranges;
		sg->generation++;
	}
	*next = stop;
	r = 0;
out:
	pthread_mutex_unlock(&sg->lock);
	return r;
}

/* The caller's loop (the architecture's hypercall handler) over steps. */
static int rb_convert(void *t, gfn_t start, gfn_t last, bool shared)
{
	gfn_t next = start, end = last + 1;
	int r;

	while (next < end) {
		r = shared_gpa_convert_step(t, &next, end, shared);
		if (r)
			return r;
	}
	return 0;
}

/* One KVM_GET_SHARED_GPA_LIST call: at most @room ranges from @start. */
static uint32_t rb_get_one(struct kvm_shared_gpa *sg, gfn_t start, gfn_t end,
			   struct gpa_range *buf, uint32_t room, gfn_t *nextp)
{
	struct shared_range *r;
	uint32_t count = 0;
	gfn_t next;

	pthread_mutex_lock(&sg->lock);
	next = end;
	for (r = first_range(&sg->ranges, start); r && r->first < end;
	     r = next_range(r)) {
		gfn_t first = max(r->first, start);
		gfn_t last = min(r->last + 1, end);

		if (count == room) {
			next = first;
			break;
		}
		buf[count].gfn = first;
		buf[count].npages = last - first;
		count++;
	}
	pthread_mutex_unlock(&sg->lock);
	*nextp = next;
	return count;
}

/* Userspace's loop of GET calls until the range is covered. */
static uint32_t rb_get(void *t, gfn_t start, gfn_t end, struct gpa_range *buf,
		       uint32_t room)
{
	uint32_t count = 0;
	gfn_t next = start;

	if (!room) {		/* counting only (checks) */
		struct gpa_range tmp[64];

		while (next < end)
			count += rb_get_one(t, next, end, tmp, 64, &next);
		return count;
	}
	while (next < end && count < room) {
		uint32_t n = min_t(uint32_t, room - count, KVM_SHARED_GPA_LIST_MAX);

		count += rb_get_one(t, next, end, buf + count, n, &next);
	}
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

const struct tracker_ops rb_tracker_ops = {
	.name = "rbtree",
	.create = rb_create,
	.convert = rb_convert,
	.get = rb_get,
	.nr_ranges = rb_nr_ranges,
	.destroy = rb_destroy,
};
