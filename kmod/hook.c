// SPDX-License-Identifier: GPL-2.0
/*
 * Attaching and detaching hooks, whatever the backend.
 *
 * Detaching never waits for packets in flight: callers detach everything
 * they own and then call synchronize_net() once before freeing what rx
 * uses. That keeps STOP of a session on many devices to one grace period.
 */
#include <linux/rtnetlink.h>
#include <net/netlink.h>
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

/* Looks up a device named by a PKTCAP_A_DEVICE nest. Under rtnl_lock. */
struct net_device *pktcap_device_lookup(struct net *net, struct nlattr *nest,
					struct netlink_ext_ack *extack)
{
	struct nlattr *tb[PKTCAP_A_DEVICE_MAX + 1];
	struct net_device *dev = NULL;
	int err;

	err = nla_parse_nested(tb, PKTCAP_A_DEVICE_MAX, nest, NULL, extack);
	if (err)
		return ERR_PTR(err);
	if (tb[PKTCAP_A_DEVICE_IFINDEX]) {
		dev = __dev_get_by_index(net, nla_get_u32(tb[PKTCAP_A_DEVICE_IFINDEX]));
	} else if (tb[PKTCAP_A_DEVICE_IFNAME]) {
		dev = __dev_get_by_name(net, nla_data(tb[PKTCAP_A_DEVICE_IFNAME]));
	} else {
		NL_SET_ERR_MSG_ATTR(extack, nest, "device needs an ifindex or a name");
		return ERR_PTR(-EINVAL);
	}
	if (!dev) {
		NL_SET_ERR_MSG_ATTR(extack, nest, "no such device");
		return ERR_PTR(-ENODEV);
	}
	return dev;
}

int pktcap_count_devices(struct nlattr *nest, int type,
			 struct netlink_ext_ack *extack)
{
	struct nlattr *a;
	int rem, n = 0;

	nla_for_each_nested(a, nest, rem)
		if (nla_type(a) == type)
			n++;
	if (!n)
		NL_SET_ERR_MSG_MOD(extack, "no device given");
	else if (n > PKTCAP_MAX_DEVICES)
		NL_SET_ERR_MSG_MOD(extack, "too many devices");
	return n && n <= PKTCAP_MAX_DEVICES ? n : -EINVAL;
}

/* The backend named by @attr; ptype, like AF_PACKET, when absent. */
int pktcap_parse_backend(struct nlattr *attr, struct netlink_ext_ack *extack)
{
	int id;

	if (!attr)
		return PKTCAP_BACKEND_PTYPE;
	id = pktcap_backend_by_name(nla_data(attr));
	if (id < 0) {
		NL_SET_ERR_MSG_ATTR(extack, attr, "unknown backend");
		return -EINVAL;
	}
	if (!pktcap_backend(id)->available) {
		NL_SET_ERR_MSG_ATTR(extack, attr, "backend not available in this kernel");
		return -EOPNOTSUPP;
	}
	return id;
}

int pktcap_hook_fill(struct sk_buff *skb, int type, const struct pktcap_hook *h)
{
	struct nlattr *nest = nla_nest_start(skb, type);

	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u32(skb, PKTCAP_A_DEVICE_IFINDEX, h->ifindex) ||
	    nla_put_string(skb, PKTCAP_A_DEVICE_IFNAME, h->ifname) ||
	    nla_put_u32(skb, PKTCAP_A_DEVICE_STATE,
			h->attached ? PKTCAP_DEV_ATTACHED : PKTCAP_DEV_DETACHED) ||
	    nla_put_u32(skb, PKTCAP_A_DEVICE_LINKTYPE, h->linktype)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

/**
 * pktcap_hooks_attach() - attach one hook per device nest of a request
 * @hooks: room for every device nest of type @type in @nest
 * @nr: hooks attached so far; the caller detaches that many on failure
 * @net: the namespace the devices are looked up in
 * @nest: the request nest holding the device nests
 * @type: their attribute type
 * @tmpl: backend, rx and owner for every hook
 * @extack: points at the device that failed
 *
 * Under rtnl_lock.
 */
int pktcap_hooks_attach(struct pktcap_hook *hooks, unsigned int *nr,
			struct net *net, struct nlattr *nest, int type,
			const struct pktcap_hook *tmpl,
			struct netlink_ext_ack *extack)
{
	struct net_device *dev;
	struct nlattr *a;
	unsigned int i;
	int rem, err;

	nla_for_each_nested(a, nest, rem) {
		if (nla_type(a) != type)
			continue;
		dev = pktcap_device_lookup(net, a, extack);
		if (IS_ERR(dev))
			return PTR_ERR(dev);
		for (i = 0; i < *nr; i++) {
			if (hooks[i].dev == dev) {
				NL_SET_ERR_MSG_ATTR(extack, a, "device given twice");
				return -EINVAL;
			}
		}
		hooks[*nr] = (struct pktcap_hook) {
			.backend = tmpl->backend,
			.rx = tmpl->rx,
			.owner = tmpl->owner,
		};
		err = pktcap_hook_attach(&hooks[*nr], dev, extack);
		if (err) {
			NL_SET_BAD_ATTR(extack, a);
			return err;
		}
		(*nr)++;
	}
	return 0;
}
