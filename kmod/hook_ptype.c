// SPDX-License-Identifier: GPL-2.0
/*
 * The ptype backend: a dev_add_pack(ETH_P_ALL) tap bound to one device,
 * the same place AF_PACKET listens. It sees both directions; outgoing
 * packets arrive from dev_queue_xmit_nit() as PACKET_OUTGOING clones.
 */
#include <linux/netdevice.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include "pktcap.h"
#include "hook.h"

static int pktcap_ptype_rcv(struct sk_buff *skb, struct net_device *dev,
			    struct packet_type *pt,
			    struct net_device *orig_dev)
{
	struct pktcap_hook *h = container_of(pt, struct pktcap_hook, pt);
	u8 dir = skb->pkt_type == PACKET_OUTGOING ? PKTCAP_DIR_OUT :
						    PKTCAP_DIR_IN;

	pktcap_hook_rx(h, skb, dir);
	/* deliver_skb() took a reference for us. */
	consume_skb(skb);
	return NET_RX_SUCCESS;
}

int pktcap_ptype_attach(struct pktcap_hook *h, struct netlink_ext_ack *extack)
{
	memset(&h->pt, 0, sizeof(h->pt));
	h->pt.type = htons(ETH_P_ALL);
	h->pt.dev = h->dev;
	h->pt.func = pktcap_ptype_rcv;
	dev_add_pack(&h->pt);
	return 0;
}

void pktcap_ptype_detach(struct pktcap_hook *h)
{
	__dev_remove_pack(&h->pt);
}
