// SPDX-License-Identifier: GPL-2.0
/*
 * lib/xarray.c from the kernel tree, built for userspace the way
 * tools/testing/shared/xarray-shared.c does it, but without XA_DEBUG (the
 * kernel is not built with it) and with call_rcu() going to the shim.
 */
#include "shared.h"		/* tools/testing/shared/shared.h */
#include "shim.h"
#undef call_rcu
#define call_rcu shim_call_rcu
#include "lib/xarray.c"		/* -I$(KSRC) */
_Static_assert(sizeof(struct xa_node) == 576, "xa_node is 576 bytes");
