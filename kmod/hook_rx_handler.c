// SPDX-License-Identifier: GPL-2.0
/*
 * The rx-handler backend. A device has room for one rx_handler, and
 * bridges, bonds, macvlan, team and openvswitch take it, so attaching to
 * a port of one of them fails with EBUSY and says why.
 */
#include <linux/netdevice.h>
#include "pktcap.h"
#include "hook.h"

static rx_handler_result_t pktcap_rx_handler(struct sk_buff **pskb)
{
	struct sk_buff *skb = *pskb;
	struct pktcap_hook *h = rcu_dereference(skb->dev->rx_handler_data);

	pktcap_hook_rx(h, skb, PKTCAP_DIR_IN);
	return RX_HANDLER_PASS;
}

int pktcap_rxh_attach(struct pktcap_hook *h, struct netlink_ext_ack *extack)
{
	int err;

	err = netdev_rx_handler_register(h->dev, pktcap_rx_handler, h);
	if (err != -EBUSY)
		return err;
	if (rcu_access_pointer(h->dev->rx_handler) == pktcap_rx_handler)
		NL_SET_ERR_MSG_MOD(extack,
				   "device busy: pktcap's capture or flow meter already uses its rx-handler (use nf-ingress for one of them)");
	else
		NL_SET_ERR_MSG_MOD(extack,
				   "device busy: a bridge, bond or other rx_handler owns it (try --backend nf-ingress)");
	return err;
}

/*
 * netdev_rx_handler_unregister() waits for a grace period itself, which
 * is harmless: hook.c's synchronize_net() then finds none pending.
 */
void pktcap_rxh_detach(struct pktcap_hook *h)
{
	netdev_rx_handler_unregister(h->dev);
}
