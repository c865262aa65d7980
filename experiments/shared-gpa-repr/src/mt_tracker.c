// SPDX-License-Identifier: GPL-2.0-only
/*
 * The shared GPA set as a maple tree (lib/maple_tree.c): each maximal shared
 * range [first, last] is one entry holding a non-NULL marker; private gfns
 * are NULL.  The maple tree merges adjacent NULL ranges but not adjacent
 * equal entries, so share widens the store to swallow the neighbours (as
 * shared_gpa_share() does); unshare stores NULL over [start, end] and the
 * tree trims and splits by itself.  The range count and the cap are kept as
 * in shared_gpa.c.  The tree uses an external lock (the VM mutex) and is not
 * in RCU mode, as the rbtree tracker.
 *
 * Two variants of the write: mas_store_gfp() (what mtree_store_range() does)
 * and mas_preallocate(GFP_KERNEL_ACCOUNT) + mas_store_prealloc().
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include "shared.h"
#include <linux/xarray.h>
#include <linux/maple_tree.h>
#include "tracker.h"

#define SHARED		xa_mk_value(1)

struct mt_gpa {
	pthread_mutex_t lock;
	struct maple_tree mt;
	uint32_t max_ranges, nr_ranges;
	uint64_t generation;
	bool overflow;
	bool prealloc;
};

static int mt_write(struct mt_gpa *sg, struct ma_state *mas, void *entry)
{
	int r;

	if (!sg->prealloc)
		return mas_store_gfp(mas, entry, GFP_KERNEL_ACCOUNT);
	r = mas_preallocate(mas, entry, GFP_KERNEL_ACCOUNT);
	if (!r)
		mas_store_prealloc(mas, entry);
	return r;
}

static int mt_share(struct mt_gpa *sg, gfn_t start, gfn_t end)
{
	MA_STATE(mas, &sg->mt, start ? start - 1 : 0, start ? start - 1 : 0);
	gfn_t first = start, last = end;
	uint32_t swallowed = 0;
	void *entry;
	int r;

	/* Every range that overlaps or touches [start, end] merges into one. */
	entry = mas_find(&mas, end + 1);
	if (entry && mas.index <= start && mas.last >= end)
		return 0;	/* already shared */
	for (; entry; entry = mas_find(&mas, end + 1)) {
		first = min(first, mas.index);
		last = max(last, mas.last);
		swallowed++;
	}

	if ((uint64_t)sg->nr_ranges - swallowed + 1 > sg->max_ranges)
		return -ENOSPC;

	mas_set_range(&mas, first, last);
	r = mt_write(sg, &mas, SHARED);
	if (r)
		return r;
	sg->nr_ranges = sg->nr_ranges - swallowed + 1;
	return 1;
}

static int mt_unshare(struct mt_gpa *sg, gfn_t start, gfn_t end)
{
	MA_STATE(mas, &sg->mt, start, start);
	uint32_t swallowed = 0, pieces;
	bool left, right = false;
	void *entry;
	int r;

	entry = mas_find(&mas, end);
	if (!entry)
		return 0;	/* already private */
	left = mas.index < start;
	for (; entry; entry = mas_find(&mas, end)) {
		right = mas.last > end;
		swallowed++;
	}
	pieces = left + right;

	if ((uint64_t)sg->nr_ranges - swallowed + pieces > sg->max_ranges)
		return -ENOSPC;

	mas_set_range(&mas, start, end);
	r = mt_write(sg, &mas, NULL);
	if (r)
		return r;
	sg->nr_ranges = sg->nr_ranges - swallowed + pieces;
	return 1;
}

static int mt_convert(void *t, gfn_t start, gfn_t end, bool shared)
{
	struct mt_gpa *sg = t;
	int r;

	pthread_mutex_lock(&sg->lock);
	r = shared ? mt_share(sg, start, end) : mt_unshare(sg, start, end);
	if (r > 0) {
		sg->generation++;
		r = 0;
	} else if (r < 0) {
		sg->overflow = true;
	}
	pthread_mutex_unlock(&sg->lock);
	return r;
}

static uint32_t mt_get(void *t, gfn_t start_gfn, gfn_t end_gfn,
		       struct gpa_range *buf, uint32_t room)
{
	struct mt_gpa *sg = t;
	MA_STATE(mas, &sg->mt, start_gfn, start_gfn);
	uint32_t count = 0;
	void *entry;

	pthread_mutex_lock(&sg->lock);
	mas_for_each(&mas, entry, end_gfn - 1) {
		if (count < room) {
			uint64_t first = max_t(uint64_t, mas.index, start_gfn);
			uint64_t last = min_t(uint64_t, mas.last, end_gfn - 1);

			buf[count].gfn = first;
			buf[count].npages = last - first + 1;
		}
		count++;
	}
	pthread_mutex_unlock(&sg->lock);
	return count;
}

static void *mt_create_common(bool prealloc)
{
	struct mt_gpa *sg = calloc(1, sizeof(*sg));

	pthread_mutex_init(&sg->lock, NULL);
	mt_init_flags(&sg->mt, MT_FLAGS_LOCK_EXTERN);
	mt_set_external_lock(&sg->mt, &sg->lock);
	sg->max_ranges = KVM_SHARED_GPA_MAX_RANGES;
	sg->prealloc = prealloc;
	return sg;
}

static void *mt_create(void) { return mt_create_common(false); }
static void *mt_create_prealloc(void) { return mt_create_common(true); }

static uint32_t mt_nr_ranges(void *t)
{
	return ((struct mt_gpa *)t)->nr_ranges;
}

static void mt_destroy(void *t)
{
	struct mt_gpa *sg = t;

	__mt_destroy(&sg->mt);
	free(sg);
}

const struct tracker_ops mt_tracker_ops = {
	.name = "maple",
	.create = mt_create,
	.convert = mt_convert,
	.get = mt_get,
	.nr_ranges = mt_nr_ranges,
	.destroy = mt_destroy,
};

const struct tracker_ops mt_prealloc_tracker_ops = {
	.name = "maple-prealloc",
	.create = mt_create_prealloc,
	.convert = mt_convert,
	.get = mt_get,
	.nr_ranges = mt_nr_ranges,
	.destroy = mt_destroy,
};
