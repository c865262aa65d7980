// SPDX-License-Identifier: GPL-2.0
/*
 * A small, deterministic slab stand-in: objects are carved out of 1 MiB
 * chunks aligned to 1 MiB (the chunk header plays the role of struct slab),
 * freed objects go on a per-cache LIFO free list.  As in SLUB, a cache with
 * a constructor keeps its free pointer after the object, so that freed
 * objects stay constructed.  See shim.h for why this replaces the harness
 * shim.
 */
#include <assert.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <linux/gfp.h>
#include <linux/slab.h>
#include "shim.h"

#ifndef SLAB_ACCOUNT
#define SLAB_ACCOUNT 0x04000000U	/* no cache here passes it; tools/ lacks it */
#endif

#define CHUNK_SHIFT	20
#define CHUNK_SIZE	(1UL << CHUNK_SHIFT)
#define MAX_CACHES	64

struct kmem_cache {
	struct shim_cache_stats st;
	unsigned int align, slot, freeptr_off;
	unsigned int flags;
	void (*ctor)(void *);
	void *free;			/* LIFO of free slots */
	struct chunk *cur;		/* chunk being carved */
};

struct chunk {
	struct kmem_cache *cache;
	unsigned int nslots, used, first;	/* first: offset of slot 0 */
	unsigned char acct[];			/* one byte per slot */
};

static struct kmem_cache caches[MAX_CACHES];
static int nr_caches;

/* include/linux/slab.h, kmalloc_index(): 8 .. 8192 with 96 and 192. */
static const unsigned int kmalloc_sizes[] = {
	8, 16, 32, 64, 96, 128, 192, 256, 512, 1024, 2048, 4096, 8192,
};
#define NR_KMALLOC (sizeof(kmalloc_sizes) / sizeof(kmalloc_sizes[0]))
static struct kmem_cache *kmalloc_caches[NR_KMALLOC];

int kmalloc_verbose, test_verbose, preempt_count, nr_allocated;

size_t shim_kmalloc_size_class(size_t size)
{
	for (unsigned int i = 0; i < NR_KMALLOC; i++)
		if (size <= kmalloc_sizes[i])
			return kmalloc_sizes[i];
	return 0;
}

struct kmem_cache *kmem_cache_create(const char *name, unsigned int size,
		unsigned int align, unsigned int flags, void (*ctor)(void *))
{
	struct kmem_cache *c;

	assert(nr_caches < MAX_CACHES);
	c = &caches[nr_caches++];
	memset(c, 0, sizeof(*c));
	c->st.name = name;
	c->st.obj_size = size;
	c->align = align ? align : 8;
	c->flags = flags;
	c->ctor = ctor;
	c->slot = (size + 7) & ~7U;
	c->freeptr_off = 0;
	if (ctor) {			/* SLUB: free pointer after the object */
		c->freeptr_off = c->slot;
		c->slot += sizeof(void *);
	}
	c->slot = (c->slot + c->align - 1) / c->align * c->align;
	return c;
}

static struct kmem_cache *kmalloc_cache(size_t size)
{
	static char names[NR_KMALLOC][24];

	for (unsigned int i = 0; i < NR_KMALLOC; i++) {
		if (size > kmalloc_sizes[i])
			continue;
		if (!kmalloc_caches[i]) {
			snprintf(names[i], sizeof(names[i]), "kmalloc-%u",
				 kmalloc_sizes[i]);
			kmalloc_caches[i] = kmem_cache_create(names[i],
					kmalloc_sizes[i], kmalloc_sizes[i] < 64 ?
					8 : 64, 0, NULL);
		}
		return kmalloc_caches[i];
	}
	fprintf(stderr, "shim: kmalloc(%zu) beyond kmalloc caches\n", size);
	abort();
}

static struct chunk *new_chunk(struct kmem_cache *c)
{
	struct chunk *ch;
	unsigned int hdr, n;
	void *mem;

	/* Fresh anonymous memory is zeroed: no memset of the header. */
	mem = mmap(NULL, 2 * CHUNK_SIZE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED)
		abort();
	ch = (struct chunk *)(((unsigned long)mem + CHUNK_SIZE - 1) & ~(CHUNK_SIZE - 1));
	if ((char *)ch > (char *)mem)
		munmap(mem, (char *)ch - (char *)mem);
	munmap((char *)ch + CHUNK_SIZE, (char *)mem + CHUNK_SIZE - (char *)ch);
	n = CHUNK_SIZE / c->slot;
	for (;;) {
		hdr = sizeof(*ch) + n;
		hdr = (hdr + c->align - 1) / c->align * c->align;
		if (hdr + (unsigned long)n * c->slot <= CHUNK_SIZE)
			break;
		n--;
	}
	ch->cache = c;
	ch->nslots = n;
	ch->used = 0;
	ch->first = hdr;
	return ch;
}

static inline struct chunk *obj_chunk(const void *p)
{
	return (struct chunk *)((unsigned long)p & ~(CHUNK_SIZE - 1));
}

static inline unsigned int obj_slot(struct chunk *ch, const void *p)
{
	return ((const char *)p - ((char *)ch + ch->first)) / ch->cache->slot;
}

static inline bool accounted(struct kmem_cache *c, gfp_t gfp)
{
	return (gfp & __GFP_ACCOUNT) || (c->flags & SLAB_ACCOUNT);
}

static void *cache_alloc(struct kmem_cache *c, gfp_t gfp)
{
	struct chunk *ch;
	void *p;

	if (c->free) {
		p = c->free;
		c->free = *(void **)((char *)p + c->freeptr_off);
		ch = obj_chunk(p);
		if (!c->ctor && (gfp & __GFP_ZERO))
			memset(p, 0, c->st.obj_size);
	} else {
		ch = c->cur;
		if (!ch || ch->used == ch->nslots)
			ch = c->cur = new_chunk(c);
		p = (char *)ch + ch->first + (unsigned long)ch->used++ * c->slot;
		if (c->ctor)
			c->ctor(p);
		else if (gfp & __GFP_ZERO)
			memset(p, 0, c->st.obj_size);
	}
	c->st.live_objs++;
	c->st.allocs++;
	if (accounted(c, gfp)) {
		c->st.allocs_accounted++;
		c->st.live_accounted_objs++;
		ch->acct[obj_slot(ch, p)] = 1;
	} else {
		c->st.allocs_unaccounted++;
		ch->acct[obj_slot(ch, p)] = 0;
	}
	return p;
}

static void cache_free(struct kmem_cache *c, void *p)
{
	struct chunk *ch = obj_chunk(p);
	unsigned int s = obj_slot(ch, p);

	assert(ch->cache == c);
	if (ch->acct[s]) {
		c->st.live_accounted_objs--;
		ch->acct[s] = 0;
	}
	*(void **)((char *)p + c->freeptr_off) = c->free;
	c->free = p;
	c->st.live_objs--;
	c->st.frees++;
}

void *kmem_cache_alloc_lru(struct kmem_cache *cachep, struct list_lru *lru,
			   int gfp)
{
	(void)lru;
	return cache_alloc(cachep, gfp);
}

void kmem_cache_free(struct kmem_cache *cachep, void *objp)
{
	cache_free(cachep, objp);
}

int kmem_cache_alloc_bulk(struct kmem_cache *cachep, gfp_t gfp, size_t size,
			  void **p)
{
	for (size_t i = 0; i < size; i++)
		p[i] = cache_alloc(cachep, gfp);
	return size;
}

void kmem_cache_free_bulk(struct kmem_cache *cachep, size_t size, void **list)
{
	for (size_t i = 0; i < size; i++)
		cache_free(cachep, list[i]);
}

void kmem_cache_shrink(struct kmem_cache *cachep) { (void)cachep; }
void kmem_cache_set_non_kernel(struct kmem_cache *c, unsigned int v) { (void)c; (void)v; }

void *kmalloc(size_t size, gfp_t gfp)
{
	return cache_alloc(kmalloc_cache(size), gfp);
}

void kfree(void *p)
{
	if (p)
		cache_free(obj_chunk(p)->cache, p);
}

long long shim_live_bytes(void)
{
	long long b = 0;

	for (int i = 0; i < nr_caches; i++)
		b += (long long)caches[i].st.live_objs * caches[i].st.obj_size;
	return b;
}

long long shim_live_accounted_bytes(void)
{
	long long b = 0;

	for (int i = 0; i < nr_caches; i++)
		b += (long long)caches[i].st.live_accounted_objs * caches[i].st.obj_size;
	return b;
}

long long shim_total_allocs(void)
{
	long long n = 0;

	for (int i = 0; i < nr_caches; i++)
		n += caches[i].st.allocs;
	return n;
}

long long shim_total_frees(void)
{
	long long n = 0;

	for (int i = 0; i < nr_caches; i++)
		n += caches[i].st.frees;
	return n;
}

int shim_nr_caches(void) { return nr_caches; }
const struct shim_cache_stats *shim_cache(int i) { return &caches[i].st; }

/* call_rcu(): queue; shim_rcu_barrier() is the grace period. */
struct pending { struct rcu_head *head; void (*func)(struct rcu_head *); };
static struct pending *pend;
static size_t nr_pend, max_pend;

void shim_call_rcu(struct rcu_head *head, void (*func)(struct rcu_head *))
{
	if (nr_pend == max_pend) {
		max_pend = max_pend ? 2 * max_pend : 4096;
		pend = realloc(pend, max_pend * sizeof(*pend));
		if (!pend)
			abort();
	}
	pend[nr_pend].head = head;
	pend[nr_pend++].func = func;
}

void shim_rcu_barrier(void)
{
	for (size_t i = 0; i < nr_pend; i++)
		pend[i].func(pend[i].head);
	nr_pend = 0;
}

/* Referenced by the harness headers; no lockdep in this build. */
int lockdep_is_held(const void *l) { (void)l; return 1; }
