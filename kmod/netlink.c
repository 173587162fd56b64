// SPDX-License-Identifier: GPL-2.0
/*
 * The "pktcap" generic netlink family: the control plane.
 *
 * Every operation has its own strict policy, so the core rejects unknown
 * attributes, wrong types and oversized values before a handler runs, with
 * an extack message saying which attribute was wrong. Operations that
 * change state carry GENL_UNS_ADMIN_PERM: CAP_NET_ADMIN in the user
 * namespace owning the caller's network namespace. Each handler works on
 * the namespace of the socket it was called on.
 */
#include <net/genetlink.h>
#include "flow.h"
#include "pktcap.h"

static const struct nla_policy pktcap_device_policy[PKTCAP_A_DEVICE_MAX + 1] = {
	[PKTCAP_A_DEVICE_IFINDEX] = NLA_POLICY_MIN(NLA_U32, 1),
	[PKTCAP_A_DEVICE_IFNAME] = { .type = NLA_NUL_STRING, .len = IFNAMSIZ - 1 },
};

/* Ranges wider than NLA_POLICY_RANGE's s16 bounds. */
static struct netlink_range_validation snaplen_range = {
	.min = 1, .max = PKTCAP_SNAPLEN_MAX,
};

static struct netlink_range_validation ring_size_range = {
	.min = PKTCAP_RING_SIZE_MIN, .max = PKTCAP_RING_SIZE_MAX,
};

static struct netlink_range_validation wakeup_records_range = {
	.min = 1, .max = 1U << 20,
};

static struct netlink_range_validation wakeup_usec_range = {
	.min = 100, .max = 10 * USEC_PER_SEC,
};

static const struct nla_policy pktcap_capture_policy[PKTCAP_A_CAPTURE_MAX + 1] = {
	[PKTCAP_A_CAPTURE_BACKEND] = { .type = NLA_NUL_STRING, .len = 31 },
	[PKTCAP_A_CAPTURE_DEVICE] = NLA_POLICY_NESTED(pktcap_device_policy),
	[PKTCAP_A_CAPTURE_SNAPLEN] = NLA_POLICY_FULL_RANGE(NLA_U32, &snaplen_range),
	[PKTCAP_A_CAPTURE_RING_SIZE] = NLA_POLICY_FULL_RANGE(NLA_U32, &ring_size_range),
	[PKTCAP_A_CAPTURE_FILTER] = { .type = NLA_BINARY,
				      .len = PKTCAP_FILTER_MAX_INSNS * 8 },
	[PKTCAP_A_CAPTURE_WAKEUP_RECORDS] =
		NLA_POLICY_FULL_RANGE(NLA_U32, &wakeup_records_range),
	[PKTCAP_A_CAPTURE_WAKEUP_USEC] =
		NLA_POLICY_FULL_RANGE(NLA_U32, &wakeup_usec_range),
};

static const struct nla_policy pktcap_start_policy[PKTCAP_A_MAX + 1] = {
	[PKTCAP_A_CAPTURE] = NLA_POLICY_NESTED(pktcap_capture_policy),
};

static const struct nla_policy pktcap_metrics_policy[PKTCAP_A_MAX + 1] = {
	[PKTCAP_A_METRICS] = { .type = NLA_NESTED },
};

static struct netlink_range_validation max_flows_range = {
	.min = 1, .max = PKTCAP_MAX_FLOWS_LIMIT,
};

static struct netlink_range_validation timeout_range = {
	.min = 1, .max = 7 * 24 * 3600,
};

static struct netlink_range_validation sampling_range = {
	.min = 1, .max = 1U << 24,
};

static const struct nla_policy pktcap_meter_policy[PKTCAP_A_FLOW_METER_MAX + 1] = {
	[PKTCAP_A_FLOW_METER_ENABLED] = NLA_POLICY_MAX(NLA_U8, 1),
	[PKTCAP_A_FLOW_METER_BACKEND] = { .type = NLA_NUL_STRING, .len = 31 },
	[PKTCAP_A_FLOW_METER_DEVICE] = NLA_POLICY_NESTED(pktcap_device_policy),
	[PKTCAP_A_FLOW_METER_MAX_FLOWS] = NLA_POLICY_FULL_RANGE(NLA_U32, &max_flows_range),
	[PKTCAP_A_FLOW_METER_ACTIVE_TIMEOUT] = NLA_POLICY_FULL_RANGE(NLA_U32, &timeout_range),
	[PKTCAP_A_FLOW_METER_INACTIVE_TIMEOUT] = NLA_POLICY_FULL_RANGE(NLA_U32, &timeout_range),
	[PKTCAP_A_FLOW_METER_SAMPLING] = NLA_POLICY_FULL_RANGE(NLA_U32, &sampling_range),
	[PKTCAP_A_FLOW_METER_SAMPLING_RANDOM] = NLA_POLICY_MAX(NLA_U8, 1),
	[PKTCAP_A_FLOW_METER_BIDIRECTIONAL] = NLA_POLICY_MAX(NLA_U8, 1),
};

static const struct nla_policy pktcap_flow_meter_policy[PKTCAP_A_MAX + 1] = {
	[PKTCAP_A_FLOW_METER] = NLA_POLICY_NESTED(pktcap_meter_policy),
};

static const struct nla_policy pktcap_flow_filter_policy[PKTCAP_A_FLOW_MAX + 1] = {
	[PKTCAP_A_FLOW_IFINDEX] = NLA_POLICY_MIN(NLA_U32, 1),
	[PKTCAP_A_FLOW_PROTO] = { .type = NLA_U8 },
};

static const struct nla_policy pktcap_flows_policy[PKTCAP_A_MAX + 1] = {
	[PKTCAP_A_FLOW_FILTER] = NLA_POLICY_NESTED(pktcap_flow_filter_policy),
};

static const struct nla_policy pktcap_export_nest_policy[PKTCAP_A_EXPORT_MAX + 1] = {
	[PKTCAP_A_EXPORT_ENABLED] = NLA_POLICY_MAX(NLA_U8, 1),
	[PKTCAP_A_EXPORT_VERSION] = NLA_POLICY_RANGE(NLA_U32, 5, 10),
	[PKTCAP_A_EXPORT_COLLECTOR] = { .type = NLA_NUL_STRING, .len = 63 },
	[PKTCAP_A_EXPORT_DOMAIN] = { .type = NLA_U32 },
	[PKTCAP_A_EXPORT_MTU] = NLA_POLICY_RANGE(NLA_U32, 576, 9216),
	[PKTCAP_A_EXPORT_PID] = { .type = NLA_U32 },
	[PKTCAP_A_EXPORT_TEMPLATE_PACKETS] = { .type = NLA_U32 },
	[PKTCAP_A_EXPORT_TEMPLATE_SECONDS] = { .type = NLA_U32 },
};

static const struct nla_policy pktcap_export_policy[PKTCAP_A_MAX + 1] = {
	[PKTCAP_A_EXPORT] = NLA_POLICY_NESTED(pktcap_export_nest_policy),
};

static const struct nla_policy pktcap_enc_nest_policy[PKTCAP_A_ENCRYPTION_MAX + 1] = {
	[PKTCAP_A_ENCRYPTION_ENABLED] = NLA_POLICY_MAX(NLA_U8, 1),
	[PKTCAP_A_ENCRYPTION_KEY] = NLA_POLICY_EXACT_LEN(PKTCAP_KEY_LEN),
};

/*
 * The nest is validated by the handler, not the core: a request the core
 * rejected would never reach the code that wipes the key from it.
 */
static const struct nla_policy pktcap_encryption_policy[PKTCAP_A_MAX + 1] = {
	[PKTCAP_A_ENCRYPTION] = { .type = NLA_NESTED },
};

static const struct genl_multicast_group pktcap_mcgrps[] = {
	{ .name = PKTCAP_MCGRP_FLOWS, },
};

static struct genl_family pktcap_genl_family;

static struct pktcap_net *info_pernet(struct genl_info *info)
{
	return pktcap_pernet(genl_info_net(info));
}

/* Allocates a reply with its genetlink header; NULL on failure. */
static struct sk_buff *reply_new(struct genl_info *info, void **hdr)
{
	struct sk_buff *skb = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);

	if (!skb)
		return NULL;
	*hdr = genlmsg_put_reply(skb, info, &pktcap_genl_family, 0,
				 info->genlhdr->cmd);
	if (!*hdr) {
		nlmsg_free(skb);
		return NULL;
	}
	return skb;
}

static int reply_send(struct sk_buff *skb, void *hdr, struct genl_info *info)
{
	genlmsg_end(skb, hdr);
	return genlmsg_reply(skb, info);
}

static int fill_backend(struct sk_buff *skb, enum pktcap_backend_id id)
{
	const struct pktcap_backend_info *b = pktcap_backend(id);
	struct nlattr *nest;

	nest = nla_nest_start(skb, PKTCAP_A_BACKEND);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_string(skb, PKTCAP_A_BACKEND_NAME, b->name) ||
	    nla_put_u8(skb, PKTCAP_A_BACKEND_AVAILABLE, b->available) ||
	    nla_put_u32(skb, PKTCAP_A_BACKEND_DIRECTIONS, b->directions) ||
	    nla_put_u32(skb, PKTCAP_A_BACKEND_ID, id)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

static int pktcap_nl_backends(struct sk_buff *req, struct genl_info *info)
{
	struct sk_buff *skb;
	void *hdr;
	int id, err;

	skb = reply_new(info, &hdr);
	if (!skb)
		return -ENOMEM;
	for (id = 0; id < __PKTCAP_BACKEND_MAX; id++) {
		err = fill_backend(skb, id);
		if (err) {
			nlmsg_free(skb);
			return err;
		}
	}
	return reply_send(skb, hdr, info);
}

static int fill_module(struct sk_buff *skb)
{
	struct nlattr *nest;

	nest = nla_nest_start(skb, PKTCAP_A_MODULE);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_string(skb, PKTCAP_A_MODULE_VERSION, PKTCAP_VERSION) ||
	    nla_put_string(skb, PKTCAP_A_MODULE_SRCVERSION, pktcap_srcversion()) ||
	    nla_put_u8(skb, PKTCAP_A_MODULE_SIG_VERIFIED, pktcap_sig_verified()) ||
	    nla_put_u32(skb, PKTCAP_A_MODULE_ABI_VERSION, PKTCAP_RING_ABI_VERSION)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

static int pktcap_nl_status(struct sk_buff *req, struct genl_info *info)
{
	struct pktcap_net *pn = info_pernet(info);
	struct sk_buff *skb;
	void *hdr;
	int err;

	skb = reply_new(info, &hdr);
	if (!skb)
		return -ENOMEM;
	mutex_lock(&pn->lock);
	err = fill_module(skb);
	if (!err)
		err = pktcap_capture_fill_status(pn, skb);
	if (!err)
		err = pktcap_meter_fill_status(pn, skb);
	if (!err)
		err = pktcap_encryption_fill_status(pn, skb);
	if (!err)
		err = pktcap_export_fill_status(pn, skb);
	mutex_unlock(&pn->lock);
	if (err) {
		nlmsg_free(skb);
		return err;
	}
	return reply_send(skb, hdr, info);
}

static int pktcap_nl_start(struct sk_buff *req, struct genl_info *info)
{
	struct nlattr *tb[PKTCAP_A_CAPTURE_MAX + 1];
	struct pktcap_net *pn = info_pernet(info);
	int err;

	if (GENL_REQ_ATTR_CHECK(info, PKTCAP_A_CAPTURE)) {
		NL_SET_ERR_MSG_MOD(info->extack, "missing capture nest");
		return -EINVAL;
	}
	err = nla_parse_nested(tb, PKTCAP_A_CAPTURE_MAX,
			       info->attrs[PKTCAP_A_CAPTURE],
			       pktcap_capture_policy, info->extack);
	if (err)
		return err;
	return pktcap_capture_start(pn, tb, info->attrs[PKTCAP_A_CAPTURE],
				    info->extack);
}

static int pktcap_nl_stop(struct sk_buff *req, struct genl_info *info)
{
	return pktcap_capture_stop(info_pernet(info), info->extack);
}

static int pktcap_nl_metrics(struct sk_buff *req, struct genl_info *info)
{
	struct pktcap_net *pn = info_pernet(info);
	struct sk_buff *skb;
	void *hdr;
	int err;

	skb = genlmsg_new(NLMSG_GOODSIZE + nr_cpu_ids * 128, GFP_KERNEL);
	if (!skb)
		return -ENOMEM;
	hdr = genlmsg_put_reply(skb, info, &pktcap_genl_family, 0,
				info->genlhdr->cmd);
	if (!hdr) {
		nlmsg_free(skb);
		return -EMSGSIZE;
	}
	/* Walking the flow table is for those who may change it. */
	err = pktcap_metrics_fill(pn, skb,
				  netlink_ns_capable(req, pn->net->user_ns, CAP_NET_ADMIN));
	if (err) {
		nlmsg_free(skb);
		return err;
	}
	return reply_send(skb, hdr, info);
}

static int pktcap_nl_flow_meter(struct sk_buff *req, struct genl_info *info)
{
	if (GENL_REQ_ATTR_CHECK(info, PKTCAP_A_FLOW_METER)) {
		NL_SET_ERR_MSG_MOD(info->extack, "missing flow-meter nest");
		return -EINVAL;
	}
	return pktcap_meter_set(info_pernet(info), info->attrs[PKTCAP_A_FLOW_METER],
				info->extack);
}

static int pktcap_nl_export(struct sk_buff *req, struct genl_info *info)
{
	if (GENL_REQ_ATTR_CHECK(info, PKTCAP_A_EXPORT)) {
		NL_SET_ERR_MSG_MOD(info->extack, "missing export nest");
		return -EINVAL;
	}
	return pktcap_export_set(info_pernet(info), info->attrs[PKTCAP_A_EXPORT],
				 info->snd_portid, info->extack);
}

/* Leaves no copy of a key in the request, whatever the outcome. */
static void wipe_key(struct nlattr *nest)
{
	struct nlattr *key = nla_find_nested(nest, PKTCAP_A_ENCRYPTION_KEY);

	if (key)
		memzero_explicit(nla_data(key), nla_len(key));
}

static int pktcap_nl_encryption(struct sk_buff *req, struct genl_info *info)
{
	struct nlattr *tb[PKTCAP_A_ENCRYPTION_MAX + 1];
	struct nlattr *nest = info->attrs[PKTCAP_A_ENCRYPTION];
	int err;

	if (GENL_REQ_ATTR_CHECK(info, PKTCAP_A_ENCRYPTION)) {
		NL_SET_ERR_MSG_MOD(info->extack, "missing encryption nest");
		return -EINVAL;
	}
	err = nla_parse_nested(tb, PKTCAP_A_ENCRYPTION_MAX, nest,
			       pktcap_enc_nest_policy, info->extack);
	if (!err)
		err = pktcap_encryption_set(info_pernet(info), tb, info->extack);
	wipe_key(nest);
	return err;
}

static int pktcap_nl_verify(struct sk_buff *req, struct genl_info *info)
{
	struct sk_buff *skb;
	void *hdr;

	skb = reply_new(info, &hdr);
	if (!skb)
		return -ENOMEM;
	if (pktcap_verify_fill(skb)) {
		nlmsg_free(skb);
		return -EMSGSIZE;
	}
	return reply_send(skb, hdr, info);
}

static const struct genl_ops pktcap_genl_ops[] = {
	{
		.cmd = PKTCAP_CMD_BACKENDS,
		.doit = pktcap_nl_backends,
	},
	{
		.cmd = PKTCAP_CMD_START,
		.doit = pktcap_nl_start,
		.policy = pktcap_start_policy,
		.maxattr = PKTCAP_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = PKTCAP_CMD_STOP,
		.doit = pktcap_nl_stop,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = PKTCAP_CMD_STATUS,
		.doit = pktcap_nl_status,
	},
	{
		.cmd = PKTCAP_CMD_METRICS,
		.doit = pktcap_nl_metrics,
		.policy = pktcap_metrics_policy,
		.maxattr = PKTCAP_A_MAX,
	},
	{
		.cmd = PKTCAP_CMD_FLOW_METER,
		.doit = pktcap_nl_flow_meter,
		.policy = pktcap_flow_meter_policy,
		.maxattr = PKTCAP_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = PKTCAP_CMD_FLOWS,
		.dumpit = pktcap_meter_dump,
		.policy = pktcap_flows_policy,
		.maxattr = PKTCAP_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = PKTCAP_CMD_EXPORT,
		.doit = pktcap_nl_export,
		.policy = pktcap_export_policy,
		.maxattr = PKTCAP_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = PKTCAP_CMD_ENCRYPTION,
		.doit = pktcap_nl_encryption,
		.policy = pktcap_encryption_policy,
		.maxattr = PKTCAP_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = PKTCAP_CMD_VERIFY,
		.doit = pktcap_nl_verify,
	},
};

static struct genl_family pktcap_genl_family __ro_after_init = {
	.name = PKTCAP_GENL_NAME,
	.version = PKTCAP_GENL_VERSION,
	.netnsok = true,
	.module = THIS_MODULE,
	.ops = pktcap_genl_ops,
	.n_ops = ARRAY_SIZE(pktcap_genl_ops),
	.mcgrps = pktcap_mcgrps,
	.n_mcgrps = ARRAY_SIZE(pktcap_mcgrps),
};

/* A notification's genetlink header, for messages nobody asked for. */
void *pktcap_genl_put_notify(struct sk_buff *skb, u8 cmd)
{
	return genlmsg_put(skb, 0, 0, &pktcap_genl_family, 0, cmd);
}

void *pktcap_genl_dump_put(struct sk_buff *skb, struct netlink_callback *cb,
			   u8 cmd)
{
	void *hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid,
				cb->nlh->nlmsg_seq, &pktcap_genl_family,
				NLM_F_MULTI, cmd);

	if (hdr)
		genl_dump_check_consistent(cb, hdr);
	return hdr;
}

/* A top-level attribute of a dump request, already validated. */
struct nlattr *pktcap_dump_attr(struct netlink_callback *cb, int type)
{
	struct nlattr **attrs = pktcap_genl_dump_attrs(cb);

	return attrs ? attrs[type] : NULL;
}

/* Consumes @skb. 0 when at least one listener got it. */
int pktcap_genl_multicast_flows(struct net *net, struct sk_buff *skb)
{
	return genlmsg_multicast_netns(&pktcap_genl_family, net, skb, 0, 0,
				       GFP_KERNEL);
}

int __init pktcap_genl_init(void)
{
	return genl_register_family(&pktcap_genl_family);
}

void pktcap_genl_exit(void)
{
	genl_unregister_family(&pktcap_genl_family);
}
