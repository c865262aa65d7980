// SPDX-License-Identifier: GPL-2.0
/*
 * Workloads for the shared GPA trackers.  Every operation goes through
 * measured_convert() / measured_get(); a sampled operation is bracketed by
 * callgrind client requests (instrumentation on, zero, dump with a label,
 * instrumentation off), so that under
 *   valgrind --tool=callgrind --instr-atstart=no --collect-atstart=no \
 *            --toggle-collect=measured_convert --toggle-collect=measured_get
 * each dump holds exactly the instructions of one operation.  Natively the
 * client requests are no-ops and the same samples are timed.
 *
 * Output lines (stdout):
 *   S <phase> <seq> <ns> <allocs> <frees> <dbytes>   one sampled operation
 *   M <tag> bytes=.. acct_bytes=.. ranges=.. [cache=objs ...]
 *   T <phase> ops=.. ns=..                             whole-phase wall time
 */
#define _GNU_SOURCE
#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <valgrind/callgrind.h>
#include "shim.h"
#include "tracker.h"

void radix_tree_init(void);
void maple_tree_init(void);

static const struct tracker_ops *ops;
static void *trk;
static unsigned long seq;
static int sample_all;

/* splitmix64, fixed seed */
static uint64_t rng_state = 0x5eed5eed5eed5eedULL;
static uint64_t rnd(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/*
 * Only sampled operations go through these two, and they must not end in a
 * tail call: with either, callgrind's toggle-collect leaks a couple of
 * instructions per call into the next dump.
 */
__attribute__((noinline)) int measured_convert(gfn_t s, gfn_t e, bool shared)
{
	int r = ops->convert(trk, s, e, shared);

	asm volatile("" : "+r" (r) : : "memory");
	return r;
}

__attribute__((noinline)) uint32_t measured_get(gfn_t s, gfn_t e,
						struct gpa_range *buf, uint32_t room)
{
	uint32_t n = ops->get(trk, s, e, buf, room);

	asm volatile("" : "+r" (n) : : "memory");
	return n;
}

static void convert(const char *phase, bool sample, gfn_t s, gfn_t e, bool shared)
{
	int r;

	if (!sample && !sample_all) {
		r = ops->convert(trk, s, e, shared);
	} else {
		long long a0 = shim_total_allocs(), f0 = shim_total_frees();
		long long b0 = shim_live_bytes();
		char label[64];
		uint64_t t0, t1;

		snprintf(label, sizeof(label), "%s#%lu", phase, seq);
		CALLGRIND_ZERO_STATS;
		t0 = now_ns();
		r = measured_convert(s, e, shared);
		t1 = now_ns();
		CALLGRIND_DUMP_STATS_AT(label);
		shim_rcu_barrier();
		printf("S %s %lu %llu %lld %lld %lld\n", phase, seq,
		       (unsigned long long)(t1 - t0), shim_total_allocs() - a0,
		       shim_total_frees() - f0, shim_live_bytes() - b0);
	}
	seq++;
	if (r) {
		fprintf(stderr, "convert %s [%#lx,%#lx] %d failed: %d\n", phase,
			(unsigned long)s, (unsigned long)e, shared, r);
		exit(1);
	}
	shim_rcu_barrier();
}

static uint32_t get(const char *phase, gfn_t s, gfn_t e, struct gpa_range *buf,
		    uint32_t room)
{
	char label[64];
	uint64_t t0, t1;
	uint32_t n;

	snprintf(label, sizeof(label), "%s#%lu", phase, seq);
	CALLGRIND_ZERO_STATS;
	t0 = now_ns();
	n = measured_get(s, e, buf, room);
	t1 = now_ns();
	CALLGRIND_DUMP_STATS_AT(label);
	printf("S %s %lu %llu 0 0 0\n", phase, seq, (unsigned long long)(t1 - t0));
	seq++;
	return n;
}

static void mem(const char *tag, uint32_t ranges)
{
	shim_rcu_barrier();
	printf("M %s bytes=%lld acct_bytes=%lld ranges=%u", tag,
	       shim_live_bytes(), shim_live_accounted_bytes(), ranges);
	for (int i = 0; i < shim_nr_caches(); i++) {
		const struct shim_cache_stats *c = shim_cache(i);

		if (c->allocs)
			printf(" %s:size=%u,live=%ld,allocs=%lld,acct=%lld,unacct=%lld",
			       c->name, c->obj_size, c->live_objs, c->allocs,
			       c->allocs_accounted, c->allocs_unaccounted);
	}
	printf("\n");
}

static void phase_time(const char *phase, uint64_t ops_n, uint64_t t0)
{
	printf("T %s ops=%llu ns=%llu\n", phase, (unsigned long long)ops_n,
	       (unsigned long long)(now_ns() - t0));
}

/* Workloads a and b: N ranges of len pages, stride 2 * len. */
#define BASE	0x100UL

static void check_list(struct gpa_range *buf, uint32_t n, uint32_t N, uint64_t len)
{
	if (n != N) {
		fprintf(stderr, "GET returned %u ranges, want %u\n", n, N);
		exit(1);
	}
	for (uint32_t i = 0; i < N; i++)
		if (buf[i].gfn != BASE + 2 * len * i || buf[i].npages != len) {
			fprintf(stderr, "GET range %u wrong\n", i);
			exit(1);
		}
}

static void workload_ranges(uint32_t N, uint64_t len, unsigned int K)
{
	uint64_t stride = 2 * len, end = BASE + stride * N + stride;
	uint32_t *perm = malloc(N * sizeof(*perm));
	struct gpa_range *buf = calloc(N + 1, sizeof(*buf));
	uint32_t step = N / K ? N / K : 1, n;
	uint64_t t0;

	for (uint32_t i = 0; i < N; i++)
		perm[i] = i;
	for (uint32_t i = N - 1; i > 0; i--) {
		uint32_t j = rnd() % (i + 1), t = perm[i];

		perm[i] = perm[j];
		perm[j] = t;
	}

	t0 = now_ns();
	for (uint32_t j = 0; j < N; j++) {
		gfn_t s = BASE + stride * perm[j];

		convert("build", j % step == step - 1, s, s + len - 1, true);
	}
	phase_time("build", N, t0);
	mem("built", N);

	n = get("get", 0, end, buf, N + 1);
	check_list(buf, n, N, len);

	/* Steady state on the full set; each pair restores it. */
	t0 = now_ns();
	for (unsigned int k = 0; k < K; k++) {
		uint32_t i = rnd() % N;
		gfn_t s = BASE + stride * i;

		convert("remove", true, s, s + len - 1, false);
		convert("add", true, s, s + len - 1, true);
	}
	for (unsigned int k = 0; k < K; k++) {
		uint32_t i = rnd() % (N - 1);
		gfn_t g = BASE + stride * i + len;	/* the gap after range i */

		convert("merge", true, g, g + len - 1, true);
		convert("split", true, g, g + len - 1, false);
	}
	phase_time("steady", 4 * K, t0);

	n = get("get2", 0, end, buf, N + 1);
	check_list(buf, n, N, len);
	mem("steady", N);
	free(perm);
	free(buf);
}

/* Workload c: a Linux-boot-like pattern on a 4 GiB guest. */
#define RAM_PAGES	0x100000UL		/* 4 GiB */
#define NR_CONV		2000
#define SWIOTLB_GFN	0xB0000UL		/* 2.75 GiB */
#define SWIOTLB_PAGES	16384UL			/* 64 MiB */

struct conv { gfn_t s, e; unsigned int release; bool persistent; };

static void workload_boot(bool upstream)
{
	struct conv *c = calloc(NR_CONV, sizeof(*c));
	struct gpa_range *buf = calloc(RAM_PAGES, sizeof(*buf));
	unsigned int next_release = 0, released = 0;
	unsigned int *order = calloc(NR_CONV, sizeof(*order)), nr_order = 0;
	uint64_t t0;
	uint32_t n;

	if (upstream)	/* the VMM makes all of RAM private before boot */
		convert("vmm-prepopulate", true, 0, RAM_PAGES - 1, false);
	mem("initial", 0);

	convert("boot-private-4g", true, 0, RAM_PAGES - 1, false);

	for (unsigned int k = 0; k < NR_CONV; k++) {
		c[k].s = 0x1000 + rnd() % (RAM_PAGES - 0x1000 - 16);
		c[k].e = c[k].s + rnd() % 16;
		c[k].persistent = k % 8 == 0;
		c[k].release = k + 1 + rnd() % 64;
	}
	/* Release order: by release step, then by index. */
	for (unsigned int step = 0; step <= NR_CONV + 64; step++)
		for (unsigned int k = 0; k < NR_CONV; k++)
			if (!c[k].persistent && c[k].release == step)
				order[nr_order++] = k;

	t0 = now_ns();
	for (unsigned int k = 0; k < NR_CONV; k++) {
		while (next_release < nr_order && c[order[next_release]].release <= k) {
			struct conv *x = &c[order[next_release++]];

			convert("dma-unshare", true, x->s, x->e, false);
			released++;
		}
		convert("dma-share", true, c[k].s, c[k].e, true);
	}
	while (next_release < nr_order) {
		struct conv *x = &c[order[next_release++]];

		convert("dma-unshare", true, x->s, x->e, false);
		released++;
	}
	phase_time("dma", NR_CONV + released, t0);

	convert("swiotlb-64m", true, SWIOTLB_GFN, SWIOTLB_GFN + SWIOTLB_PAGES - 1, true);

	n = get("get", 0, RAM_PAGES, buf, RAM_PAGES);
	mem("final", n);
	/* The list, for cross-checking the structures against each other. */
	if (getenv("SGR_DUMP_LIST")) {
		FILE *f = fopen(getenv("SGR_DUMP_LIST"), "w");

		for (uint32_t i = 0; i < n; i++)
			fprintf(f, "%#lx %lu\n", (unsigned long)buf[i].gfn,
				(unsigned long)buf[i].npages);
		fclose(f);
	}
	free(c);
	free(buf);
	free(order);
}

/*
 * Differential check: random conversions on a small space against a plain
 * array, for every structure; GET is compared after every operation.
 */
static int selftest(void)
{
	const struct tracker_ops *all[] = {
		&rb_tracker_ops, &rb_v1_tracker_ops, &mt_tracker_ops, &mt_prealloc_tracker_ops,
		&xa_tracker_ops, &xa_upstream_tracker_ops,
	};
	enum { SPACE = 2048 };
	static struct gpa_range got[SPACE], want[SPACE];

	for (unsigned int a = 0; a < sizeof(all) / sizeof(all[0]); a++) {
		static bool ref[SPACE];
		void *t = all[a]->create();
		bool up = !strcmp(all[a]->name, "xarray-upstream");

		memset(ref, 0, sizeof(ref));
		if (up)		/* upstream polarity starts shared */
			all[a]->convert(t, 0, SPACE - 1, false);
		for (int it = 0; it < 20000; it++) {
			gfn_t s = rnd() % SPACE, len = 1 + rnd() % (it % 101 == 0 ? SPACE : it % 7 ? 8 : 300);
			gfn_t e = s + len - 1 < SPACE ? s + len - 1 : SPACE - 1;
			bool sh = rnd() & 1;
			uint32_t n, m = 0;
			gfn_t qs = rnd() % 64, qe = SPACE - rnd() % 64;

			if (all[a]->convert(t, s, e, sh))
				return 1;
			for (gfn_t g = s; g <= e; g++)
				ref[g] = sh;
			for (gfn_t g = qs; g < qe; g++) {
				if (!ref[g])
					continue;
				if (m && want[m - 1].gfn + want[m - 1].npages == g)
					want[m - 1].npages++;
				else
					want[m++] = (struct gpa_range){ g, 1 };
			}
			n = all[a]->get(t, qs, qe, got, SPACE);
			if (n != m || memcmp(got, want, m * sizeof(*got))) {
				fprintf(stderr, "%s: mismatch at op %d (%u vs %u)\n",
					all[a]->name, it, n, m);
				return 1;
			}
			if (!up && all[a]->nr_ranges(t) != all[a]->get(t, 0, SPACE, got, 0)) {
				fprintf(stderr, "%s: range count wrong\n", all[a]->name);
				return 1;
			}
		}
		all[a]->destroy(t);
		shim_rcu_barrier();
		printf("selftest %s ok, live bytes after destroy %lld\n",
		       all[a]->name, shim_live_bytes());
		if (shim_live_bytes())
			return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	const char *s = argc > 1 ? argv[1] : "selftest";
	const char *w = argc > 2 ? argv[2] : "a";
	uint32_t N = argc > 3 ? strtoul(argv[3], NULL, 0) : 1000;
	unsigned int K = argc > 4 ? strtoul(argv[4], NULL, 0) : 100;

	setvbuf(stdout, NULL, _IOFBF, 1 << 20);
	radix_tree_init();
	maple_tree_init();
	sample_all = getenv("SGR_SAMPLE_ALL") != NULL;

	if (!strcmp(s, "selftest"))
		return selftest();
	if (!strcmp(s, "rbtree"))
		ops = &rb_tracker_ops;
	else if (!strcmp(s, "rbtree-v1"))
		ops = &rb_v1_tracker_ops;
	else if (!strcmp(s, "maple"))
		ops = &mt_tracker_ops;
	else if (!strcmp(s, "maple-prealloc"))
		ops = &mt_prealloc_tracker_ops;
	else if (!strcmp(s, "xarray"))
		ops = &xa_tracker_ops;
	else if (!strcmp(s, "xarray-upstream"))
		ops = &xa_upstream_tracker_ops;
	else
		return 2;

	trk = ops->create();
	printf("# %s workload %s N=%u K=%u\n", ops->name, w, N, K);
	if (!strcmp(w, "a"))
		workload_ranges(N, 1, K);
	else if (!strcmp(w, "b"))
		workload_ranges(N, 512, K);
	else if (!strcmp(w, "c"))
		workload_boot(!strcmp(s, "xarray-upstream"));
	else
		return 2;
	ops->destroy(trk);
	mem("destroyed", 0);
	return 0;
}
