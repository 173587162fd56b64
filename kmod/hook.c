// SPDX-License-Identifier: GPL-2.0
/*
 * Attaching and detaching hooks, whatever the backend.
 *
 * Detaching never waits for packets in flight: callers detach everything
 * they own and then call synchronize_net() once before freeing what rx
 * uses. That keeps STOP of a session on many devices to one grace period.
 */
#include <linux/rtnetlink.h>
#include "pktcap.h"
#include "hook.h"

int pktcap_hook_attach(struct pktcap_hook *h, struct net_device *dev,
		       struct netlink_ext_ack *extack)
{
	int err;

	ASSERT_RTNL();
	h->dev = dev;
	h->ifindex = dev->ifindex;
	strscpy(h->ifname, dev->name, sizeof(h->ifname));
	h->linktype = dev->type;

	switch (h->backend) {
	case PKTCAP_BACKEND_NF_INGRESS:
	case PKTCAP_BACKEND_NF_EGRESS:
		err = pktcap_nf_attach(h, extack);
		break;
	case PKTCAP_BACKEND_RX_HANDLER:
		err = pktcap_rxh_attach(h, extack);
		break;
	case PKTCAP_BACKEND_PTYPE:
		err = pktcap_ptype_attach(h, extack);
		break;
	default:
		err = -EOPNOTSUPP;
	}
	if (err) {
		h->dev = NULL;
		return err;
	}
	netdev_hold(dev, &h->dev_tracker, GFP_KERNEL);
	h->attached = true;
	return 0;
}

void pktcap_hook_detach(struct pktcap_hook *h)
{
	ASSERT_RTNL();
	if (!h->attached)
		return;

	switch (h->backend) {
	case PKTCAP_BACKEND_NF_INGRESS:
	case PKTCAP_BACKEND_NF_EGRESS:
		pktcap_nf_detach(h);
		break;
	case PKTCAP_BACKEND_RX_HANDLER:
		pktcap_rxh_detach(h);
		break;
	case PKTCAP_BACKEND_PTYPE:
		pktcap_ptype_detach(h);
		break;
	default:
		break;
	}
	h->attached = false;
	netdev_put(h->dev, &h->dev_tracker);
	h->dev = NULL;
}
