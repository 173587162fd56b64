// SPDX-License-Identifier: GPL-2.0
/*
 * NetFlow v5: Cisco's fixed layout, no RFC. A 24-byte header and at most 30
 * 48-byte records, IPv4 only, 32-bit counters, 16-bit interface indexes.
 * What does not fit is not hidden: IPv6 and non-IP flows are consumed and
 * counted in skipped_v6 / skipped_l2, saturated values in clamped.
 */
#include <errno.h>
#include <string.h>

#include "netflow.h"

int pk_nf5_init(struct pk_nf *e)
{
	/* 576-byte MTU: 548 bytes of payload, room for 10 records */
	return PK_NF5_HDR_LEN + PK_NF5_REC_LEN <= e->max_payload ? 0 : -EINVAL;
}

static uint32_t sat32(struct pk_nf *e, uint64_t v)
{
	if (v <= UINT32_MAX)
		return v;
	e->st.clamped++;
	return UINT32_MAX;
}

/* v5 interfaces are 16 bits: a larger ifindex becomes 0, "unknown". */
static uint16_t if16(struct pk_nf *e, uint32_t ifindex)
{
	if (ifindex <= UINT16_MAX)
		return ifindex;
	e->st.clamped++;
	return 0;
}

static void put_rec(struct pk_nf *e, uint8_t *p, const struct pktcap_flowrec *r)
{
	bool out = r->direction == PKTCAP_DIR_OUT;
	bool icmp = r->proto == 1;

	memset(p, 0, PK_NF5_REC_LEN);	/* nexthop, AS, masks, pads: 0 */
	memcpy(p, r->src, 4);
	memcpy(p + 4, r->dst, 4);
	pk_put16(p + 12, if16(e, out ? 0 : r->ifindex));
	pk_put16(p + 14, if16(e, out ? r->ifindex : r->out_ifindex));
	pk_put32(p + 16, sat32(e, r->packets));
	pk_put32(p + 20, sat32(e, r->bytes));
	pk_put32(p + 24, pk_nf_uptime(e, r->first_ns));
	pk_put32(p + 28, pk_nf_uptime(e, r->last_ns));
	/* ICMP: Cisco's convention, type << 8 | code in the destination port */
	pk_put16(p + 32, icmp ? 0 : r->sport);
	pk_put16(p + 34, icmp ? (r->icmp_type << 8 | r->icmp_code) : r->dport);
	p[37] = r->tcp_flags;
	p[38] = r->proto;
	p[39] = r->dscp << 2;
}

/* 2 bits of mode (1 deterministic, 2 random) and a 14-bit interval. */
static uint16_t sampling_field(struct pk_nf *e)
{
	uint32_t n = e->cfg.sampling;

	if (n <= 1)
		return 0;
	if (n > 0x3fff) {
		e->st.clamped++;
		n = 0x3fff;
	}
	return (e->cfg.sampling_random ? 2 : 1) << 14 | n;
}

static void put_hdr(struct pk_nf *e, uint8_t *buf, unsigned int count,
		    uint64_t now_ns)
{
	pk_put16(buf, 5);
	pk_put16(buf + 2, count);
	pk_put32(buf + 4, pk_nf_uptime(e, now_ns));
	pk_put32(buf + 8, now_ns / 1000000000ULL);
	pk_put32(buf + 12, now_ns % 1000000000ULL);
	pk_put32(buf + 16, e->st.records);	/* flows sent before this packet */
	buf[20] = e->cfg.domain >> 8;		/* engine_type */
	buf[21] = e->cfg.domain;		/* engine_id */
	pk_put16(buf + 22, sampling_field(e));
}

/* How many v5 records @r becomes: 0 (skipped), 1, or 2 for a biflow. */
static unsigned int nrecs(const struct pktcap_flowrec *r)
{
	if (!pk_rec_is_v4(r))
		return 0;
	return (r->flags & PKTCAP_FLOWREC_F_BIDIR) && r->rev_packets ? 2 : 1;
}

static void skip(struct pk_nf *e, const struct pktcap_flowrec *r)
{
	if (pk_rec_is_v6(r))
		e->st.skipped_v6++;
	else
		e->st.skipped_l2++;
}

ssize_t pk_nf5_encode(struct pk_nf *e, const struct pktcap_flowrec *recs,
		      size_t n, size_t *consumed, uint8_t *buf, size_t len,
		      uint64_t now_ns)
{
	size_t room = len < PK_NF5_HDR_LEN ? 0 :
		      (len - PK_NF5_HDR_LEN) / PK_NF5_REC_LEN;
	unsigned int count = 0, k;
	struct pktcap_flowrec rev;
	size_t i;

	if (room > PK_NF_V5_MAX_RECS)
		room = PK_NF_V5_MAX_RECS;
	for (i = 0; i < n; i++) {
		k = nrecs(&recs[i]);
		if (!k) {
			skip(e, &recs[i]);
			continue;
		}
		if (count + k > room)
			break;
		put_rec(e, buf + PK_NF5_HDR_LEN + count * PK_NF5_REC_LEN, &recs[i]);
		if (k == 2) {
			pk_nf_reverse(&recs[i], &rev);
			put_rec(e, buf + PK_NF5_HDR_LEN + (count + 1) * PK_NF5_REC_LEN,
				&rev);
		}
		count += k;
	}
	*consumed = i;
	e->st.flows += i;
	if (!count)
		return i ? 0 : (n ? -ENOSPC : 0);
	put_hdr(e, buf, count, now_ns);
	len = PK_NF5_HDR_LEN + count * PK_NF5_REC_LEN;
	e->st.packets++;
	e->st.octets += len;
	e->st.records += count;
	e->st.data_records += count;
	return len;
}
