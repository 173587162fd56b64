// SPDX-License-Identifier: GPL-2.0
/*
 * The netfilter backends: NFPROTO_NETDEV ingress and egress hooks.
 *
 * Ingress runs first of all netdev ingress hooks so pktcap sees what nft
 * may later drop, as tcpdump does; egress runs last so it sees what
 * actually leaves after nft egress rules.
 */
#include <linux/netfilter.h>
#include <linux/netfilter_netdev.h>
#include "pktcap.h"
#include "hook.h"

static unsigned int pktcap_nf_in(void *priv, struct sk_buff *skb,
				 const struct nf_hook_state *state)
{
	struct pktcap_hook *h = priv;

	pktcap_hook_rx(h, skb, PKTCAP_DIR_IN);
	return NF_ACCEPT;
}

static unsigned int pktcap_nf_out(void *priv, struct sk_buff *skb,
				  const struct nf_hook_state *state)
{
	struct pktcap_hook *h = priv;

	pktcap_hook_rx(h, skb, PKTCAP_DIR_OUT);
	return NF_ACCEPT;
}

int pktcap_nf_attach(struct pktcap_hook *h, struct netlink_ext_ack *extack)
{
	bool in = h->backend == PKTCAP_BACKEND_NF_INGRESS;
	int err;

	if (!pktcap_backend(h->backend)->available) {
		NL_SET_ERR_MSG_MOD(extack, "backend not available in this kernel");
		return -EOPNOTSUPP;
	}
	memset(&h->nfo, 0, sizeof(h->nfo));
	h->nfo.hook = in ? pktcap_nf_in : pktcap_nf_out;
	h->nfo.pf = NFPROTO_NETDEV;
	h->nfo.hooknum = in ? NF_NETDEV_INGRESS : NF_NETDEV_EGRESS;
	h->nfo.priority = in ? INT_MIN : INT_MAX;
	h->nfo.dev = h->dev;
	h->nfo.priv = h;

	err = nf_register_net_hook(dev_net(h->dev), &h->nfo);
	if (err)
		NL_SET_ERR_MSG_MOD(extack, "cannot register netfilter hook");
	return err;
}

/* In-flight packets may still run the hook: see hook.c. */
void pktcap_nf_detach(struct pktcap_hook *h)
{
	nf_unregister_net_hook(dev_net(h->dev), &h->nfo);
}
