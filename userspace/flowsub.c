// SPDX-License-Identifier: GPL-2.0
/*
 * Subscriber to the "flows" group. The hot path reads the socket with
 * plain recv() and walks the attributes by hand: libnl's callback
 * machinery would hide ENOBUFS behind NLE_NOMEM, and every flow would
 * pay for a policy table lookup it does not need.
 */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

#include "err.h"
#include "flowsub.h"

/* One FLOW_EXPIRED message is 8 KiB; read with room for a bigger kernel. */
#define RECV_BUF	(64 * 1024)

/*
 * Where each fixed-size attribute goes: every one of them has a field of
 * exactly its size in struct pktcap_flowrec, so decoding is a checked
 * memcpy. Size 0: not a plain field (addresses, flags, padding).
 */
struct flow_attr {
	uint16_t off;
	uint8_t size;
};

#define FA(attr, field) \
	[attr] = { offsetof(struct pktcap_flowrec, field), \
		   sizeof(((struct pktcap_flowrec *)0)->field) }

static const struct flow_attr flow_attrs[PKTCAP_A_FLOW_MAX + 1] = {
	FA(PKTCAP_A_FLOW_IFINDEX, ifindex),
	FA(PKTCAP_A_FLOW_DIRECTION, direction),
	FA(PKTCAP_A_FLOW_VLAN, vlan),
	FA(PKTCAP_A_FLOW_L3_PROTO, l3_proto),
	FA(PKTCAP_A_FLOW_PROTO, proto),
	FA(PKTCAP_A_FLOW_SPORT, sport),
	FA(PKTCAP_A_FLOW_DPORT, dport),
	FA(PKTCAP_A_FLOW_ICMP_TYPE, icmp_type),
	FA(PKTCAP_A_FLOW_ICMP_CODE, icmp_code),
	FA(PKTCAP_A_FLOW_DSCP, dscp),
	FA(PKTCAP_A_FLOW_PACKETS, packets),
	FA(PKTCAP_A_FLOW_BYTES, bytes),
	FA(PKTCAP_A_FLOW_FIRST_NS, first_ns),
	FA(PKTCAP_A_FLOW_LAST_NS, last_ns),
	FA(PKTCAP_A_FLOW_TCP_FLAGS, tcp_flags),
	FA(PKTCAP_A_FLOW_TTL_MIN, ttl_min),
	FA(PKTCAP_A_FLOW_TTL_MAX, ttl_max),
	FA(PKTCAP_A_FLOW_END_REASON, end_reason),
	FA(PKTCAP_A_FLOW_REV_PACKETS, rev_packets),
	FA(PKTCAP_A_FLOW_REV_BYTES, rev_bytes),
	FA(PKTCAP_A_FLOW_REV_TCP_FLAGS, rev_tcp_flags),
	FA(PKTCAP_A_FLOW_SAMPLING, sampling),
};

/* One fixed-size attribute, or FRAGMENTED; unknown types are skipped. */
static int take_uint(struct pktcap_flowrec *r, const struct nlattr *a, int type)
{
	const struct flow_attr *fa;

	if (type == PKTCAP_A_FLOW_FRAGMENTED) {
		if (nla_len(a) != 1)
			return -EBADMSG;
		if (*(const uint8_t *)nla_data(a))
			r->flags |= PKTCAP_FLOWREC_F_FRAGMENTED;
		return 0;
	}
	if (type > PKTCAP_A_FLOW_MAX || !flow_attrs[type].size)
		return 0;	/* PAD, or newer than us */
	fa = &flow_attrs[type];
	if (nla_len(a) != fa->size)
		return -EBADMSG;
	memcpy((uint8_t *)r + fa->off, nla_data(a), fa->size);
	return 0;
}

static int take_addr(struct pktcap_flowrec *r, const struct nlattr *a,
		     uint8_t *addr_len)
{
	int len = nla_len(a);

	if (len != 4 && len != 16)
		return -EBADMSG;
	memcpy(nla_type(a) == PKTCAP_A_FLOW_SRC ? r->src : r->dst,
	       nla_data(a), len);
	*addr_len = len;
	return 0;
}

int pk_flowrec_decode(const void *attrs, size_t len, struct pktcap_flowrec *r)
{
	uint8_t src_len = 0, dst_len = 0;
	struct nlattr *a;
	int rem, type;

	memset(r, 0, sizeof(*r));
	nla_for_each_attr(a, (struct nlattr *)attrs, (int)len, rem) {
		type = nla_type(a);
		if (type == PKTCAP_A_FLOW_SRC || type == PKTCAP_A_FLOW_DST) {
			if (take_addr(r, a, type == PKTCAP_A_FLOW_SRC ?
				      &src_len : &dst_len))
				return -EBADMSG;
			continue;
		}
		if (take_uint(r, a, type))
			return -EBADMSG;
	}
	if (rem >= NLA_ALIGNTO)
		return -EBADMSG;
	if (r->l3_proto == PKTCAP_ETH_P_IP && (src_len != 4 || dst_len != 4))
		return -EBADMSG;
	if (r->l3_proto == PKTCAP_ETH_P_IPV6 && (src_len != 16 || dst_len != 16))
		return -EBADMSG;
	if (r->rev_packets || r->rev_bytes)
		r->flags |= PKTCAP_FLOWREC_F_BIDIR;
	return 0;
}

/* Sequence accounting of one batch: a jump forward is batches missed. */
static void account_seq(struct pk_flowsub *fs, uint64_t seq)
{
	if (fs->have_seq && seq > fs->st.last_seq)
		fs->st.lost_batches += seq - fs->st.last_seq - 1;
	/* seq <= last_seq: the module was reloaded; start over from it. */
	fs->st.last_seq = seq;
	fs->have_seq = true;
}

/* SEQ is required; COUNT, when present, must match the nests we saw. */
static int batch_info(const struct nlattr *nest, uint64_t *seq, int64_t *count)
{
	struct nlattr *a;
	int rem, err = -EBADMSG;

	nla_for_each_nested(a, (struct nlattr *)nest, rem) {
		if (nla_type(a) == PKTCAP_A_FLOW_BATCH_SEQ && nla_len(a) == 8) {
			memcpy(seq, nla_data(a), sizeof(*seq));
			err = 0;
		}
		if (nla_type(a) == PKTCAP_A_FLOW_BATCH_COUNT && nla_len(a) == 4)
			*count = nla_get_u32(a);
	}
	return err;
}

/* One FLOW_EXPIRED message: decode its flows, then hand them over. */
static void take_batch(struct pk_flowsub *fs, const struct nlmsghdr *nlh,
		       pk_flowsub_cb cb, void *arg)
{
	const struct genlmsghdr *g = NLMSG_DATA(nlh);
	struct nlattr *a, *head = (struct nlattr *)((char *)g + GENL_HDRLEN);
	int rem, len = nlh->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN;
	int64_t count = -1;
	uint64_t seq = 0;
	bool have_seq = false;
	size_t n = 0, nests = 0;

	if (len < 0 || g->cmd != PKTCAP_CMD_FLOW_EXPIRED)
		return;
	nla_for_each_attr(a, head, len, rem) {
		if (nla_type(a) == PKTCAP_A_FLOW_BATCH) {
			have_seq = !batch_info(a, &seq, &count);
			continue;
		}
		if (nla_type(a) != PKTCAP_A_FLOW)
			continue;
		nests++;
		if (n == PK_FLOWSUB_MAX_FLOWS) {
			fs->st.bad++;
			continue;
		}
		if (pk_flowrec_decode(nla_data(a), nla_len(a), &fs->recs[n])) {
			fs->st.bad++;
			continue;
		}
		fs->st.packets += fs->recs[n].packets + fs->recs[n].rev_packets;
		n++;
	}
	if (have_seq)
		account_seq(fs, seq);
	else
		fs->st.bad++;
	/* The kernel's own count disagreeing is a kernel bug: say so. */
	if (count >= 0 && (uint64_t)count != nests)
		fs->st.count_mismatch++;
	fs->st.batches++;
	fs->st.flows += n;
	if (n)
		cb(fs->recs, n, arg);
}

static void take_datagram(struct pk_flowsub *fs, ssize_t len, pk_flowsub_cb cb,
			  void *arg)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)fs->buf;
	int rem = (int)len;

	for (; NLMSG_OK(nlh, rem); nlh = NLMSG_NEXT(nlh, rem))
		if (nlh->nlmsg_type >= NLMSG_MIN_TYPE)
			take_batch(fs, nlh, cb, arg);
}

int pk_flowsub_read(struct pk_flowsub *fs, pk_flowsub_cb cb, void *arg)
{
	int batches = 0;
	ssize_t len;

	for (;;) {
		len = recv(fs->fd, fs->buf, fs->buflen, MSG_DONTWAIT);
		if (len < 0 && errno == EINTR)
			continue;
		if (len < 0 && errno == ENOBUFS) {
			/* The gap in the sequence numbers says how many. */
			fs->st.overruns++;
			continue;
		}
		if (len < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return batches;
		if (len < 0)
			return -errno;
		take_datagram(fs, len, cb, arg);
		batches++;
	}
}

static int metrics_seq(const struct nlmsghdr *nlh, void *arg)
{
	struct nlattr *tb[PKTCAP_A_MAX + 1], *a;
	int rem;

	if (genlmsg_parse((struct nlmsghdr *)nlh, 0, tb, PKTCAP_A_MAX, NULL) ||
	    !tb[PKTCAP_A_METRICS])
		return -EBADMSG;
	nla_for_each_nested(a, tb[PKTCAP_A_METRICS], rem)
		if (nla_type(a) == PKTCAP_A_METRICS_BATCH_SEQ && nla_len(a) == 8)
			memcpy(arg, nla_data(a), sizeof(uint64_t));
	return 0;
}

int pk_flowsub_kernel_seq(struct pk_nl *nl, uint64_t *seq)
{
	*seq = 0;
	return pk_nl_send(nl, pk_nl_req(PKTCAP_CMD_METRICS, 0), metrics_seq, seq);
}

int pk_flowsub_sync(struct pk_flowsub *fs, struct pk_nl *ctl)
{
	uint64_t seq;
	int err = pk_flowsub_kernel_seq(ctl, &seq);

	if (err)
		return err;
	if (!fs->have_seq || seq < fs->st.last_seq) {
		fs->st.last_seq = seq;
		fs->have_seq = true;
	} else if (seq > fs->st.last_seq) {
		fs->st.lost_batches += seq - fs->st.last_seq;
		fs->st.last_seq = seq;
	}
	return 0;
}

static void set_rcvbuf(int fd, int bytes)
{
	/* FORCE goes past net.core.rmem_max but needs CAP_NET_ADMIN. */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &bytes, sizeof(bytes)))
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &bytes, sizeof(bytes));
}

int pk_flowsub_open(struct pk_flowsub *fs, int rcvbuf, struct pk_nl *ctl)
{
	int err;

	memset(fs, 0, sizeof(*fs));
	fs->buflen = RECV_BUF;
	fs->buf = malloc(fs->buflen);
	if (!fs->buf)
		return pk_err_errno("flows", ENOMEM, NULL), -ENOMEM;
	err = pk_nl_open(&fs->nl);
	if (err)
		goto fail;
	fs->fd = pk_nl_fd(fs->nl);
	set_rcvbuf(fs->fd, rcvbuf);
	err = pk_nl_join(fs->nl, PKTCAP_MCGRP_FLOWS);
	if (err) {
		pk_err_errno("flows group", err, NULL);
		goto fail;
	}
	/* After joining: a batch numbered later is one we must receive. */
	err = pk_flowsub_kernel_seq(ctl, &fs->st.last_seq);
	if (err) {
		pk_nl_perror(ctl, "metrics", err);
		goto fail;
	}
	fs->have_seq = true;
	return 0;
fail:
	pk_flowsub_close(fs);
	return err;
}

void pk_flowsub_close(struct pk_flowsub *fs)
{
	pk_nl_close(fs->nl);
	fs->nl = NULL;
	free(fs->buf);
	fs->buf = NULL;
}
