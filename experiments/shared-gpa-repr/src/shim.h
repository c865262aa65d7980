/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace stand-ins for the kernel slab allocator and call_rcu(), used
 * instead of tools/testing/shared/linux.c and tools/lib/slab.c so that
 *  - every kmem_cache / kmalloc allocation is counted in bytes, with kmalloc
 *    sizes rounded up to the kernel's kmalloc size classes;
 *  - allocations made with __GFP_ACCOUNT (or from a SLAB_ACCOUNT cache) are
 *    counted separately: that is what memcg would charge;
 *  - GFP_NOWAIT allocations succeed, as they normally do in the kernel (the
 *    harness shim fails every allocation without __GFP_DIRECT_RECLAIM, which
 *    would send the maple tree and xarray through their retry paths);
 *  - the allocator and RCU are cheap and deterministic, so callgrind counts
 *    mostly the data structure's own work.
 */
#ifndef SGR_SHIM_H
#define SGR_SHIM_H

#include <stddef.h>
#include <stdint.h>

struct shim_cache_stats {
	const char *name;
	unsigned int obj_size;		/* bytes per object as counted */
	long live_objs;
	long long allocs, frees;
	long long allocs_accounted;	/* __GFP_ACCOUNT or SLAB_ACCOUNT */
	long long allocs_unaccounted;
	long live_accounted_objs;	/* best effort: live objects charged */
};

/* Sum of live bytes over all caches (kmem_cache and kmalloc classes). */
long long shim_live_bytes(void);
long long shim_live_accounted_bytes(void);
long long shim_total_allocs(void);
long long shim_total_frees(void);
int shim_nr_caches(void);
const struct shim_cache_stats *shim_cache(int i);
size_t shim_kmalloc_size_class(size_t size);

/* Deferred frees queued by call_rcu(); run them all (a grace period). */
struct rcu_head;
void shim_call_rcu(struct rcu_head *head, void (*func)(struct rcu_head *));
void shim_rcu_barrier(void);

#endif
