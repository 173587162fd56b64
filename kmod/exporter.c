// SPDX-License-Identifier: GPL-2.0
/*
 * EXPORT: the exporter process announces itself and its settings.
 *
 * The kernel never speaks NetFlow; pktcapctl's exporter listens on the
 * "flows" group and encodes. What the kernel keeps is who that exporter
 * is (the netlink socket it announced itself on, its pid) and how it is
 * configured, so STATUS can show it, and so that the announcement ends by
 * itself when that socket closes: an exporter that crashes is shown as
 * gone, not as running.
 */
#include <linux/netlink.h>
#include <net/genetlink.h>
#include "pktcap.h"

static void export_clear(struct pktcap_export_state *x)
{
	x->enabled = false;
	x->portid = 0;
	x->pid = 0;
	x->nr_collectors = 0;
}

static int parse_collectors(struct pktcap_export_state *x, struct nlattr *nest,
			    struct netlink_ext_ack *extack)
{
	struct nlattr *a;
	int rem;

	x->nr_collectors = 0;
	nla_for_each_nested(a, nest, rem) {
		if (nla_type(a) != PKTCAP_A_EXPORT_COLLECTOR)
			continue;
		if (x->nr_collectors == PKTCAP_MAX_COLLECTORS) {
			NL_SET_ERR_MSG_ATTR(extack, a, "too many collectors");
			return -EINVAL;
		}
		nla_strscpy(x->collectors[x->nr_collectors++], a,
			    sizeof(x->collectors[0]));
	}
	if (!x->nr_collectors) {
		NL_SET_ERR_MSG_ATTR(extack, nest, "no collector given");
		return -EINVAL;
	}
	return 0;
}

static u32 attr_u32(struct nlattr **tb, int type, u32 dflt)
{
	return tb[type] ? nla_get_u32(tb[type]) : dflt;
}

static int export_enable(struct pktcap_export_state *x, struct nlattr **tb,
			 struct nlattr *nest, u32 portid,
			 struct netlink_ext_ack *extack)
{
	int err;

	if (x->enabled && x->portid != portid) {
		NL_SET_ERR_MSG_MOD(extack,
				   "another exporter is running (see pktcapctl status)");
		return -EBUSY;
	}
	err = parse_collectors(x, nest, extack);
	if (err)
		return err;
	x->version = attr_u32(tb, PKTCAP_A_EXPORT_VERSION, 10);
	x->domain = attr_u32(tb, PKTCAP_A_EXPORT_DOMAIN, 0);
	x->mtu = attr_u32(tb, PKTCAP_A_EXPORT_MTU, 1500);
	x->tmpl_packets = attr_u32(tb, PKTCAP_A_EXPORT_TEMPLATE_PACKETS, 0);
	x->tmpl_seconds = attr_u32(tb, PKTCAP_A_EXPORT_TEMPLATE_SECONDS, 0);
	x->pid = attr_u32(tb, PKTCAP_A_EXPORT_PID, task_tgid_vnr(current));
	x->portid = portid;
	x->enabled = true;
	return 0;
}

int pktcap_export_set(struct pktcap_net *pn, struct nlattr *nest, u32 portid,
		      struct netlink_ext_ack *extack)
{
	struct pktcap_export_state *x = &pn->export;
	struct nlattr *tb[PKTCAP_A_EXPORT_MAX + 1];
	int err;

	err = nla_parse_nested(tb, PKTCAP_A_EXPORT_MAX, nest, NULL, extack);
	if (err)
		return err;
	if (!tb[PKTCAP_A_EXPORT_ENABLED]) {
		NL_SET_ERR_MSG_ATTR(extack, nest, "missing enabled attribute");
		return -EINVAL;
	}
	mutex_lock(&x->lock);
	if (nla_get_u8(tb[PKTCAP_A_EXPORT_ENABLED])) {
		err = export_enable(x, tb, nest, portid, extack);
	} else if (!x->enabled) {
		NL_SET_ERR_MSG_MOD(extack, "export is not enabled");
		err = -ENOENT;
	} else {
		export_clear(x);
	}
	mutex_unlock(&x->lock);
	return err;
}

static int fill_settings(struct sk_buff *skb, const struct pktcap_export_state *x)
{
	unsigned int i;

	if (nla_put_u32(skb, PKTCAP_A_EXPORT_VERSION, x->version) ||
	    nla_put_u32(skb, PKTCAP_A_EXPORT_DOMAIN, x->domain) ||
	    nla_put_u32(skb, PKTCAP_A_EXPORT_MTU, x->mtu) ||
	    nla_put_u32(skb, PKTCAP_A_EXPORT_PID, x->pid) ||
	    nla_put_u32(skb, PKTCAP_A_EXPORT_TEMPLATE_PACKETS, x->tmpl_packets) ||
	    nla_put_u32(skb, PKTCAP_A_EXPORT_TEMPLATE_SECONDS, x->tmpl_seconds))
		return -EMSGSIZE;
	for (i = 0; i < x->nr_collectors; i++)
		if (nla_put_string(skb, PKTCAP_A_EXPORT_COLLECTOR, x->collectors[i]))
			return -EMSGSIZE;
	return 0;
}

/* The PKTCAP_A_EXPORT nest of STATUS. */
int pktcap_export_fill_status(struct pktcap_net *pn, struct sk_buff *skb)
{
	struct pktcap_export_state *x = &pn->export;
	struct nlattr *nest;
	int err = -EMSGSIZE;

	nest = nla_nest_start(skb, PKTCAP_A_EXPORT);
	if (!nest)
		return -EMSGSIZE;
	mutex_lock(&x->lock);
	if (!nla_put_u8(skb, PKTCAP_A_EXPORT_ENABLED, x->enabled) &&
	    (!x->enabled || !fill_settings(skb, x)))
		err = 0;
	mutex_unlock(&x->lock);
	if (err) {
		nla_nest_cancel(skb, nest);
		return err;
	}
	nla_nest_end(skb, nest);
	return 0;
}

/* The exporter's socket closed: it is gone, whatever it said before. */
static int pktcap_netlink_event(struct notifier_block *nb, unsigned long event,
				void *ptr)
{
	struct netlink_notify *n = ptr;
	struct pktcap_export_state *x;

	if (event != NETLINK_URELEASE || n->protocol != NETLINK_GENERIC ||
	    !n->portid)
		return NOTIFY_DONE;
	x = &pktcap_pernet(n->net)->export;
	mutex_lock(&x->lock);
	if (x->enabled && x->portid == n->portid)
		export_clear(x);
	mutex_unlock(&x->lock);
	return NOTIFY_DONE;
}

static struct notifier_block pktcap_netlink_nb = {
	.notifier_call = pktcap_netlink_event,
};

int __init pktcap_exporter_init(void)
{
	return netlink_register_notifier(&pktcap_netlink_nb);
}

void pktcap_exporter_exit(void)
{
	netlink_unregister_notifier(&pktcap_netlink_nb);
}
