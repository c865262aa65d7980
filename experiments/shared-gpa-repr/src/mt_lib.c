// SPDX-License-Identifier: GPL-2.0
/*
 * lib/maple_tree.c from the kernel tree, built for userspace the way
 * tools/testing/shared/maple-shim.c does it, but without
 * CONFIG_DEBUG_MAPLE_TREE (the kernel is not built with it) and with
 * call_rcu() going to the shim.
 */
#define MAPLE_32BIT (MAPLE_NODE_SLOTS > 31)
#include "shared.h"		/* tools/testing/shared/shared.h */
#include <stdlib.h>
#include <time.h>
#include "linux/init.h"
#include "shim.h"
#undef call_rcu
#define call_rcu shim_call_rcu
#include "lib/maple_tree.c"	/* -I$(KSRC) */

/* The cache the tree allocates from, for the statistics. */
const char *mt_lib_cache_name(void) { return "maple_node"; }
_Static_assert(sizeof(struct maple_node) == 256, "maple_node is 256 bytes");
