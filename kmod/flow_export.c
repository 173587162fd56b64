// SPDX-License-Identifier: GPL-2.0
/*
 * Expired flows leave the kernel in batches: PKTCAP_CMD_FLOW_EXPIRED
 * messages on the "flows" multicast group, each holding many
 * PKTCAP_A_FLOW nests and one PKTCAP_A_FLOW_BATCH with the namespace's
 * batch sequence number. Every batch takes a number whether or not it
 * reaches anyone, so a listener sees exactly the batches it missed as a
 * gap, and the kernel counts the same loss on its side.
 */
#include <net/genetlink.h>
#include "pktcap.h"
#include "flow.h"

/* Large enough for ~40 flows, small enough for a default socket buffer. */
#define BATCH_SIZE	8192

static int put_addr(struct sk_buff *skb, int type, const u8 *a, u16 l3)
{
	if (l3 == ETH_P_IP)
		return nla_put(skb, type, 4, a);
	if (l3 == ETH_P_IPV6)
		return nla_put(skb, type, 16, a);
	return 0;
}

static int put_l4(struct sk_buff *skb, const struct pktcap_flow_key *k)
{
	if (k->proto == IPPROTO_ICMP || k->proto == IPPROTO_ICMPV6)
		return nla_put_u8(skb, PKTCAP_A_FLOW_ICMP_TYPE, k->dport >> 8) ||
		       nla_put_u8(skb, PKTCAP_A_FLOW_ICMP_CODE, k->dport & 0xff);
	return nla_put_u16(skb, PKTCAP_A_FLOW_SPORT, k->sport) ||
	       nla_put_u16(skb, PKTCAP_A_FLOW_DPORT, k->dport);
}

static int put_key(struct sk_buff *skb, const struct pktcap_flow_key *k)
{
	bool ip = k->l3proto == ETH_P_IP || k->l3proto == ETH_P_IPV6;

	if (nla_put_u32(skb, PKTCAP_A_FLOW_IFINDEX, k->ifindex) ||
	    nla_put_u8(skb, PKTCAP_A_FLOW_DIRECTION, k->direction) ||
	    nla_put_u16(skb, PKTCAP_A_FLOW_VLAN, k->vlan) ||
	    nla_put_u16(skb, PKTCAP_A_FLOW_L3_PROTO, k->l3proto))
		return -EMSGSIZE;
	if (!ip)
		return 0;
	if (put_addr(skb, PKTCAP_A_FLOW_SRC, k->src, k->l3proto) ||
	    put_addr(skb, PKTCAP_A_FLOW_DST, k->dst, k->l3proto) ||
	    nla_put_u8(skb, PKTCAP_A_FLOW_PROTO, k->proto) ||
	    nla_put_u8(skb, PKTCAP_A_FLOW_DSCP, k->dscp) ||
	    put_l4(skb, k))
		return -EMSGSIZE;
	return 0;
}

static int put_u64(struct sk_buff *skb, int type, u64 v)
{
	return nla_put_u64_64bit(skb, type, v, PKTCAP_A_FLOW_PAD);
}

static int put_values(struct sk_buff *skb, const struct pktcap_flow_snap *s,
		      u32 sampling)
{
	if (put_u64(skb, PKTCAP_A_FLOW_PACKETS, s->packets) ||
	    put_u64(skb, PKTCAP_A_FLOW_BYTES, s->bytes) ||
	    put_u64(skb, PKTCAP_A_FLOW_FIRST_NS, s->first_ns) ||
	    put_u64(skb, PKTCAP_A_FLOW_LAST_NS, s->last_ns) ||
	    nla_put_u8(skb, PKTCAP_A_FLOW_TCP_FLAGS, s->tcp_flags) ||
	    nla_put_u8(skb, PKTCAP_A_FLOW_TTL_MIN, s->ttl_min) ||
	    nla_put_u8(skb, PKTCAP_A_FLOW_TTL_MAX, s->ttl_max) ||
	    nla_put_u8(skb, PKTCAP_A_FLOW_FRAGMENTED, s->frag) ||
	    nla_put_u32(skb, PKTCAP_A_FLOW_SAMPLING, sampling))
		return -EMSGSIZE;
	if (s->reason && nla_put_u8(skb, PKTCAP_A_FLOW_END_REASON, s->reason))
		return -EMSGSIZE;
	if ((s->rev_packets || s->rev_bytes) &&
	    (put_u64(skb, PKTCAP_A_FLOW_REV_PACKETS, s->rev_packets) ||
	     put_u64(skb, PKTCAP_A_FLOW_REV_BYTES, s->rev_bytes) ||
	     nla_put_u8(skb, PKTCAP_A_FLOW_REV_TCP_FLAGS, s->rev_tcp_flags)))
		return -EMSGSIZE;
	return 0;
}

/* One PKTCAP_A_FLOW-shaped nest; also used by the FLOWS dump. */
int pktcap_flow_fill(struct sk_buff *skb, int type,
		     const struct pktcap_flow_snap *s, u32 sampling)
{
	struct nlattr *nest = nla_nest_start(skb, type);

	if (!nest)
		return -EMSGSIZE;
	if (put_key(skb, &s->key) || put_values(skb, s, sampling)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

static int batch_open(struct pktcap_net *pn)
{
	struct pktcap_export_state *x = &pn->export;

	x->skb = genlmsg_new(BATCH_SIZE, GFP_KERNEL);
	if (!x->skb)
		return -ENOMEM;
	x->hdr = pktcap_genl_put_notify(x->skb, PKTCAP_CMD_FLOW_EXPIRED);
	if (!x->hdr) {
		nlmsg_free(x->skb);
		x->skb = NULL;
		return -EMSGSIZE;
	}
	x->n = 0;
	x->packets = 0;
	return 0;
}

static void count_lost(struct pktcap_export_state *x, u64 flows, u64 packets)
{
	x->batches_lost++;
	x->flows_lost += flows;
	x->packets_lost += packets;
}

/* Numbers the batch and multicasts it; the skb is consumed either way. */
static void batch_send(struct pktcap_net *pn)
{
	struct pktcap_export_state *x = &pn->export;
	u64 seq = ++x->seq;
	struct nlattr *nest;
	int err;

	nest = nla_nest_start(x->skb, PKTCAP_A_FLOW_BATCH);
	if (!nest ||
	    nla_put_u64_64bit(x->skb, PKTCAP_A_FLOW_BATCH_SEQ, seq,
			      PKTCAP_A_FLOW_BATCH_PAD) ||
	    nla_put_u32(x->skb, PKTCAP_A_FLOW_BATCH_COUNT, x->n)) {
		nlmsg_free(x->skb);
		count_lost(x, x->n, x->packets);
		goto out;
	}
	nla_nest_end(x->skb, nest);
	genlmsg_end(x->skb, x->hdr);
	err = pktcap_genl_multicast_flows(pn->net, x->skb);
	if (err) {
		count_lost(x, x->n, x->packets);
	} else {
		x->batches_sent++;
		x->flows_delivered += x->n;
		x->packets_delivered += x->packets;
	}
out:
	x->skb = NULL;
	x->n = 0;
	x->packets = 0;
}

/*
 * Adds one expired flow to the open batch, sending the batch first when
 * it is full. Called from the meter's worker or its final flush, which
 * never run at the same time; export_lock orders them with METRICS.
 */
void pktcap_export_flow(struct pktcap_meter *m, const struct pktcap_flow_snap *s)
{
	struct pktcap_net *pn = m->pn;
	struct pktcap_export_state *x = &pn->export;
	u64 packets = s->packets + s->rev_packets;

	mutex_lock(&x->lock);
	if (x->skb && !pktcap_flow_fill(x->skb, PKTCAP_A_FLOW, s, m->cfg.sampling))
		goto added;
	/* No open batch, or this flow does not fit: send it, start another. */
	if (x->skb)
		batch_send(pn);
	if (batch_open(pn)) {
		/* No memory for a batch: this flow is lost, and says so. */
		count_lost(x, 1, packets);
		x->seq++;
		goto out;
	}
	if (pktcap_flow_fill(x->skb, PKTCAP_A_FLOW, s, m->cfg.sampling)) {
		count_lost(x, 1, packets);
		goto out;
	}
added:
	x->n++;
	x->packets += packets;
out:
	mutex_unlock(&x->lock);
}

void pktcap_export_flush(struct pktcap_meter *m)
{
	struct pktcap_export_state *x = &m->pn->export;

	mutex_lock(&x->lock);
	if (x->skb) {
		if (x->n) {
			batch_send(m->pn);
		} else {
			nlmsg_free(x->skb);
			x->skb = NULL;
			x->packets = 0;
		}
	}
	mutex_unlock(&x->lock);
}
