// SPDX-License-Identifier: GPL-2.0
/*
 * The capture backends: which hooks this kernel offers. The hooks
 * themselves live in hook_*.c; this table is what BACKENDS reports and
 * what START and FLOW-METER accept by name.
 */
#include <linux/kernel.h>
#include <linux/string.h>
#include "pktcap.h"

static const struct pktcap_backend_info pktcap_backends[__PKTCAP_BACKEND_MAX] = {
	[PKTCAP_BACKEND_NF_INGRESS] = {
		.name = "nf-ingress",
		.directions = PKTCAP_DIRF_IN,
		.available = IS_ENABLED(CONFIG_NETFILTER_INGRESS),
	},
	[PKTCAP_BACKEND_NF_EGRESS] = {
		.name = "nf-egress",
		.directions = PKTCAP_DIRF_OUT,
		.available = IS_ENABLED(CONFIG_NETFILTER_EGRESS),
	},
	[PKTCAP_BACKEND_RX_HANDLER] = {
		.name = "rx-handler",
		.directions = PKTCAP_DIRF_IN,
		.available = true,
	},
	[PKTCAP_BACKEND_PTYPE] = {
		.name = "ptype",
		.directions = PKTCAP_DIRF_IN | PKTCAP_DIRF_OUT,
		.available = true,
	},
};

const struct pktcap_backend_info *pktcap_backend(enum pktcap_backend_id id)
{
	if (id >= __PKTCAP_BACKEND_MAX)
		return NULL;
	return &pktcap_backends[id];
}

/* Returns the backend id, or -ENOENT for a name no kernel offers. */
int pktcap_backend_by_name(const char *name)
{
	int i;

	for (i = 0; i < __PKTCAP_BACKEND_MAX; i++)
		if (!strcmp(pktcap_backends[i].name, name))
			return i;
	return -ENOENT;
}
