/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A hook is one backend attached to one device on behalf of one consumer
 * (the capture session or the flow meter). Consumers embed hooks, fill in
 * dev, backend, rx and owner, and call pktcap_hook_attach(); the backend
 * calls rx for every packet, in softirq context or with BH disabled.
 */
#ifndef _PKTCAP_HOOK_H
#define _PKTCAP_HOOK_H

#include <linux/indirect_call_wrapper.h>
#include <linux/netdevice.h>
#include <linux/netfilter.h>
#include <linux/pktcap.h>

struct pktcap_hook;

/*
 * skb->data is at the network header on ingress and at the link-layer
 * header on egress; skb_mac_header() is valid in both. rx must not keep
 * the skb nor change it in any way visible once it returns.
 */
typedef void (*pktcap_rx_t)(struct pktcap_hook *h, struct sk_buff *skb,
			    u8 direction);

/**
 * struct pktcap_hook - one attachment
 * @dev: the device, referenced while attached
 * @dev_tracker: the reference's tracker
 * @backend: &enum pktcap_backend_id
 * @attached: hooked now; changed under rtnl_lock
 * @ifindex: the device's ifindex, kept after it goes away
 * @ifname: likewise its name
 * @linktype: ARPHRD_* of the device
 * @rx: the consumer's packet function
 * @owner: the consumer's object, for rx
 * @nfo: netfilter backends' registration
 * @pt: ptype backend's registration
 */
struct pktcap_hook {
	struct net_device *dev;
	netdevice_tracker dev_tracker;
	enum pktcap_backend_id backend;
	bool attached;
	int ifindex;
	char ifname[IFNAMSIZ];
	u16 linktype;
	pktcap_rx_t rx;
	void *owner;
	union {
		struct nf_hook_ops nfo;
		struct packet_type pt;
	};
};

int pktcap_hook_attach(struct pktcap_hook *h, struct net_device *dev,
		       struct netlink_ext_ack *extack);
void pktcap_hook_detach(struct pktcap_hook *h);

/* Request parsing and reply filling shared by capture and flow meter. */
int pktcap_parse_backend(struct nlattr *attr, struct netlink_ext_ack *extack);
int pktcap_count_devices(struct nlattr *nest, int type,
			 struct netlink_ext_ack *extack);
struct net_device *pktcap_device_lookup(struct net *net, struct nlattr *nest,
					struct netlink_ext_ack *extack);
int pktcap_hook_fill(struct sk_buff *skb, int type, const struct pktcap_hook *h);
int pktcap_hooks_attach(struct pktcap_hook *hooks, unsigned int *nr,
			struct net *net, struct nlattr *nest, int type,
			const struct pktcap_hook *tmpl,
			struct netlink_ext_ack *extack);

/* The two consumers' rx functions, in capture.c and flow.c. */
void pktcap_capture_rx(struct pktcap_hook *h, struct sk_buff *skb, u8 dir);
void pktcap_meter_rx(struct pktcap_hook *h, struct sk_buff *skb, u8 dir);

/*
 * What backends call for every packet. A direct call where it can be:
 * with retpolines, an indirect call per packet costs more than a compare.
 */
static inline void pktcap_hook_rx(struct pktcap_hook *h, struct sk_buff *skb,
				  u8 dir)
{
	INDIRECT_CALL_2(h->rx, pktcap_capture_rx, pktcap_meter_rx, h, skb, dir);
}

/* Per-backend operations, in hook_*.c. Called under rtnl_lock. */
int pktcap_nf_attach(struct pktcap_hook *h, struct netlink_ext_ack *extack);
void pktcap_nf_detach(struct pktcap_hook *h);
int pktcap_rxh_attach(struct pktcap_hook *h, struct netlink_ext_ack *extack);
void pktcap_rxh_detach(struct pktcap_hook *h);
int pktcap_ptype_attach(struct pktcap_hook *h, struct netlink_ext_ack *extack);
void pktcap_ptype_detach(struct pktcap_hook *h);

#endif /* _PKTCAP_HOOK_H */
