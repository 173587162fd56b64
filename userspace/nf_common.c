// SPDX-License-Identifier: GPL-2.0
/*
 * What NetFlow v9 and IPFIX share: template descriptions, the table-driven
 * record encoder, set framing, template refresh and the packet loop; plus the
 * entry points that dispatch to v5. One table describes each template, and
 * both the template record on the wire and the data records are generated
 * from it, so the two cannot disagree.
 */
#include <errno.h>
#include <string.h>

#include "netflow.h"

/* A set (IPFIX) / FlowSet (v9) being filled in a packet. */
struct pk_nf_wr {
	uint8_t *p;		/* next free byte */
	uint8_t *end;		/* first byte past the packet's limit */
	uint8_t *set;		/* header of the open data set, or NULL */
	uint16_t set_id;
	unsigned int recs;	/* data records in this packet */
	unsigned int flow_recs;	/* of which flow records */
};

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#endif
#define NS_PER_MS	1000000ULL
#define NS_PER_SEC	1000000000ULL

void pk_nf_tmpl_add(struct pk_nf_tmpl *t, uint16_t ie, uint16_t len,
		    uint8_t src, uint8_t pen)
{
	struct pk_nf_field *f = &t->f[t->nfields++];

	f->ie = ie;
	f->len = len;
	f->src = src;
	f->pen = pen;
	t->reclen += len;
}

static void tmpl_keys(struct pk_nf_tmpl *t, unsigned int fam, bool ipfix)
{
	if (fam == 2) {		/* non-IP: the ethertype is the only L3 key */
		pk_nf_tmpl_add(t, 256, 2, PK_SRC_ETHERTYPE, 0);	/* ethernetType */
		return;
	}
	if (fam == 0) {
		pk_nf_tmpl_add(t, 8, 4, PK_SRC_SRC4, 0);
		pk_nf_tmpl_add(t, 12, 4, PK_SRC_DST4, 0);
	} else {
		pk_nf_tmpl_add(t, 27, 16, PK_SRC_SRC6, 0);
		pk_nf_tmpl_add(t, 28, 16, PK_SRC_DST6, 0);
	}
	pk_nf_tmpl_add(t, 7, 2, PK_SRC_SPORT, 0);
	pk_nf_tmpl_add(t, 11, 2, PK_SRC_DPORT, 0);
	pk_nf_tmpl_add(t, 4, 1, PK_SRC_PROTO, 0);
	pk_nf_tmpl_add(t, 5, 1, PK_SRC_TOS, 0);
	pk_nf_tmpl_add(t, 6, 1, PK_SRC_TCPFLAGS, 0);
	/*
	 * IPFIX: icmpTypeCodeIPv4 / icmpTypeCodeIPv6. RFC 3954 has only
	 * ICMP_TYPE (32), for both families, and v9 collectors (nfdump) ignore
	 * 139, so v9 uses 32 in the IPv6 template too.
	 */
	pk_nf_tmpl_add(t, fam == 1 && ipfix ? 139 : 32, 2, PK_SRC_ICMP, 0);
	pk_nf_tmpl_add(t, 52, 1, PK_SRC_TTL_MIN, 0);
	pk_nf_tmpl_add(t, 53, 1, PK_SRC_TTL_MAX, 0);
}

/*
 * The flow templates: id 256 + fam (+ 3 for biflows), fam 0 IPv4, 1 IPv6,
 * 2 non-IP. v9 gets FIRST_SWITCHED/LAST_SWITCHED (sysUpTime ms), IPFIX
 * absolute flowStart/EndMilliseconds.
 */
void pk_nf_tmpl_flow(struct pk_nf_tmpl *t, uint16_t id, bool ipfix)
{
	unsigned int fam = (id - PK_NF_TID_V4) % 3;
	bool bi = id >= PK_NF_TID_V4_BI;

	memset(t, 0, sizeof(*t));
	t->id = id;
	tmpl_keys(t, fam, ipfix);
	pk_nf_tmpl_add(t, 10, 4, PK_SRC_IN_IF, 0);
	pk_nf_tmpl_add(t, 14, 4, PK_SRC_OUT_IF, 0);
	pk_nf_tmpl_add(t, 58, 2, PK_SRC_VLAN, 0);
	pk_nf_tmpl_add(t, 61, 1, PK_SRC_DIR, 0);
	pk_nf_tmpl_add(t, 2, 8, PK_SRC_PKTS, 0);
	pk_nf_tmpl_add(t, 1, 8, PK_SRC_BYTES, 0);
	if (ipfix) {
		pk_nf_tmpl_add(t, 152, 8, PK_SRC_START_MS, 0);
		pk_nf_tmpl_add(t, 153, 8, PK_SRC_END_MS, 0);
	} else {
		pk_nf_tmpl_add(t, 22, 4, PK_SRC_FIRST_UP, 0);
		pk_nf_tmpl_add(t, 21, 4, PK_SRC_LAST_UP, 0);
	}
	pk_nf_tmpl_add(t, 136, 1, PK_SRC_END_REASON, 0);
	if (!bi)
		return;
	pk_nf_tmpl_add(t, 2, 8, PK_SRC_REV_PKTS, 1);
	pk_nf_tmpl_add(t, 1, 8, PK_SRC_REV_BYTES, 1);
	if (fam != 2)
		pk_nf_tmpl_add(t, 6, 1, PK_SRC_REV_TCPFLAGS, 1);
}

const struct pk_nf_tmpl *pk_nf_tmpl_get(const struct pk_nf *e, uint16_t id)
{
	unsigned int i = id - PK_NF_TID_V4;

	if (id < PK_NF_TID_V4 || i >= PK_NF_NTMPL || !e->tmpl[i].nfields)
		return NULL;
	return &e->tmpl[i];
}

/*
 * The reverse half of a biflow as a uniflow of its own, for v5 and v9 which
 * have no reverse elements. pktcap keeps no separate TTL, ICMP type or times
 * for the reverse direction: those are zero resp. the biflow's.
 */
void pk_nf_reverse(const struct pktcap_flowrec *r, struct pktcap_flowrec *o)
{
	*o = *r;
	memcpy(o->src, r->dst, sizeof(o->src));
	memcpy(o->dst, r->src, sizeof(o->dst));
	o->sport = r->dport;
	o->dport = r->sport;
	o->packets = r->rev_packets;
	o->bytes = r->rev_bytes;
	o->tcp_flags = r->rev_tcp_flags;
	o->rev_packets = 0;
	o->rev_bytes = 0;
	o->rev_tcp_flags = 0;
	o->ttl_min = 0;
	o->ttl_max = 0;
	o->icmp_type = 0;
	o->icmp_code = 0;
	o->flags &= ~PKTCAP_FLOWREC_F_BIDIR;
}

static uint64_t opt_value(const struct pk_nf *e, uint8_t src)
{
	uint32_t n = e->cfg.sampling > 1 ? e->cfg.sampling : 1;

	switch (src) {
	case PK_SRC_DOMAIN:		return e->cfg.domain;
	case PK_SRC_SAMP_INTERVAL:	return n;
	case PK_SRC_SAMP_ALGO_V9:	/* 1 deterministic, 2 random */
		return e->cfg.sampling_random ? 2 : 1;
	case PK_SRC_SEL_ALGO:	/* RFC 5477: 1 systematic count-based, 3 random n-out-of-N */
		return e->cfg.sampling_random ? 3 : 1;
	case PK_SRC_ONE:		return 1;
	case PK_SRC_SAMP_SPACE:		return n - 1;
	case PK_SRC_EXP_OCTETS:		return e->st.octets;
	case PK_SRC_EXP_MSGS:		return e->st.packets;
	case PK_SRC_EXP_FLOWS:		return e->st.records;
	}
	return 0;
}

static uint64_t flow_value(const struct pk_nf *e,
			   const struct pktcap_flowrec *r, uint8_t src)
{
	bool out = r->direction == PKTCAP_DIR_OUT;

	switch (src) {
	case PK_SRC_SPORT:	return r->sport;
	case PK_SRC_DPORT:	return r->dport;
	case PK_SRC_PROTO:	return r->proto;
	case PK_SRC_TOS:	return (uint8_t)(r->dscp << 2);
	case PK_SRC_TCPFLAGS:	return r->tcp_flags;
	case PK_SRC_ICMP:	return r->icmp_type << 8 | r->icmp_code;
	case PK_SRC_IN_IF:
		return out ? 0 : r->ifindex;
	case PK_SRC_OUT_IF:
		return out ? r->ifindex : r->out_ifindex;
	case PK_SRC_VLAN:	return r->vlan;
	case PK_SRC_DIR:	return r->direction;
	case PK_SRC_PKTS:	return r->packets;
	case PK_SRC_BYTES:	return r->bytes;
	case PK_SRC_START_MS:	return r->first_ns / NS_PER_MS;
	case PK_SRC_END_MS:	return r->last_ns / NS_PER_MS;
	case PK_SRC_FIRST_UP:	return pk_nf_uptime(e, r->first_ns);
	case PK_SRC_LAST_UP:	return pk_nf_uptime(e, r->last_ns);
	case PK_SRC_END_REASON:	return r->end_reason;
	case PK_SRC_TTL_MIN:	return r->ttl_min;
	case PK_SRC_TTL_MAX:	return r->ttl_max;
	case PK_SRC_ETHERTYPE:	return r->l3_proto;
	case PK_SRC_REV_PKTS:	return r->rev_packets;
	case PK_SRC_REV_BYTES:	return r->rev_bytes;
	case PK_SRC_REV_TCPFLAGS: return r->rev_tcp_flags;
	}
	return opt_value(e, src);
}

static void put_uint(uint8_t *p, uint64_t v, unsigned int len)
{
	switch (len) {
	case 1:
		*p = v;
		break;
	case 2:
		pk_put16(p, v);
		break;
	case 4:
		pk_put32(p, v);
		break;
	case 8:
		pk_put64(p, v);
		break;
	}
}

/* One data record of template @t; @r is NULL for options data. */
static void put_record(const struct pk_nf *e, const struct pk_nf_tmpl *t,
		       const struct pktcap_flowrec *r, uint8_t *p)
{
	const struct pk_nf_field *f = t->f, *end = t->f + t->nfields;

	for (; f < end; p += f->len, f++) {
		switch (f->src) {
		case PK_SRC_SRC4:
		case PK_SRC_SRC6:
			memcpy(p, r->src, f->len);
			break;
		case PK_SRC_DST4:
		case PK_SRC_DST6:
			memcpy(p, r->dst, f->len);
			break;
		default:
			put_uint(p, r ? flow_value(e, r, f->src) :
				 opt_value(e, f->src), f->len);
		}
	}
}

/* Pad the open set to 4 bytes and write its length (RFC 3954 5.3, 7011 3.3.1). */
static void close_set(struct pk_nf_wr *w)
{
	while ((w->p - w->set) & 3)
		*w->p++ = 0;
	pk_put16(w->set + 2, w->p - w->set);
	w->set = NULL;
	w->set_id = 0;
}

/*
 * Append a data record, opening a set when the template changes. 3 bytes
 * of worst-case padding stay reserved after every record so that closing
 * the set never overflows; switching sets first spends the old set's
 * actual padding, so that is counted too.
 */
static int put_data(struct pk_nf *e, struct pk_nf_wr *w,
		    const struct pk_nf_tmpl *t, const struct pktcap_flowrec *r)
{
	size_t need = t->reclen + 3;
	bool open = !w->set || w->set_id != t->id;

	if (open)
		need += 4 + (w->set ? -(w->p - w->set) & 3 : 0);
	if ((size_t)(w->end - w->p) < need)
		return -ENOSPC;
	if (open) {
		if (w->set)
			close_set(w);
		w->set = w->p;
		w->set_id = t->id;
		pk_put16(w->p, t->id);
		w->p += 4;
	}
	put_record(e, t, r, w->p);
	w->p += t->reclen;
	w->recs++;
	if (r)
		w->flow_recs++;
	return 0;
}

/* Templates are due in the first packet, then every N packets or T seconds. */
static bool tmpl_due(const struct pk_nf *e, uint64_t now_ns)
{
	const struct pk_nf_cfg *c = &e->cfg;

	if (e->tmpl_never)
		return true;
	if (c->tmpl_packets && e->tmpl_age >= c->tmpl_packets)
		return true;
	if (!c->tmpl_secs)
		return false;
	/* a clock stepped backwards also refreshes: safe, and cheap */
	return now_ns < e->tmpl_last_ns ||
	       now_ns - e->tmpl_last_ns >= c->tmpl_secs * NS_PER_SEC;
}

/* The prebuilt template sets, then one options data record per options template. */
static int put_tmpl(struct pk_nf *e, struct pk_nf_wr *w)
{
	static const uint16_t opt[] = { PK_NF_TID_OPT_SAMPLING, PK_NF_TID_OPT_STATS };
	unsigned int i;

	if ((size_t)(w->end - w->p) < e->tmpl_block_len)
		return -ENOSPC;
	memcpy(w->p, e->tmpl_block, e->tmpl_block_len);
	w->p += e->tmpl_block_len;
	for (i = 0; i < ARRAY_SIZE(opt); i++)
		if (put_data(e, w, pk_nf_tmpl_get(e, opt[i]), NULL))
			return -ENOSPC;
	return 0;
}

static size_t set_max(const struct pk_nf_tmpl *t)
{
	return 4 + t->reclen + 3;
}

/*
 * Refuse an MTU that cannot carry header + templates + options data + the
 * largest record, so that pk_nf_encode() always makes progress.
 */
int pk_nf_check_fit(const struct pk_nf *e, size_t hdr)
{
	size_t opts = 0, rec = 0, i;

	for (i = 0; i < PK_NF_NTMPL; i++) {
		const struct pk_nf_tmpl *t = &e->tmpl[i];

		if (!t->nfields)
			continue;
		if (t->nscope)
			opts += set_max(t);
		else if (set_max(t) > rec)
			rec = set_max(t);
	}
	/* v9 splits a biflow into two records that travel together */
	if (e->cfg.version == PK_NF_V9)
		rec *= 2;
	return hdr + e->tmpl_block_len + opts + rec <= e->max_payload ?
	       0 : -EINVAL;
}

int pk_nf_init(struct pk_nf *e, const struct pk_nf_cfg *cfg, uint64_t now_ns)
{
	unsigned int mtu = cfg->mtu ? cfg->mtu : PK_NF_MTU_DEFAULT;
	size_t max;

	memset(e, 0, sizeof(*e));
	if (mtu < PK_NF_MTU_MIN)
		return -EINVAL;
	e->cfg = *cfg;
	max = mtu - (cfg->collector_v6 ? 40 : 20) - 8;
	e->max_payload = max < PK_NF_MAX_PAYLOAD ? max : PK_NF_MAX_PAYLOAD;
	/*
	 * A boot time on a whole millisecond makes the collector's
	 * reconstruction (unix time - sysUpTime + First) exact to the ms.
	 */
	if (cfg->boot_ns)
		e->boot_ns = cfg->boot_ns;
	else if (now_ns > PK_NF_BOOT_MARGIN_NS)
		e->boot_ns = now_ns - PK_NF_BOOT_MARGIN_NS;
	e->boot_ns = e->boot_ns / NS_PER_MS * NS_PER_MS;
	e->tmpl_never = true;
	switch (cfg->version) {
	case PK_NF_V5:
		return pk_nf5_init(e);
	case PK_NF_V9:
		return pk_nf9_init(e);
	case PK_NF_IPFIX:
		return pk_ipfix_init(e);
	}
	return -EINVAL;
}

void pk_nf_tmpl_reset(struct pk_nf *e)
{
	e->tmpl_never = true;
}

static void account(struct pk_nf *e, size_t len, const struct pk_nf_wr *w,
		    size_t flows, bool tmpl, uint64_t now_ns)
{
	e->st.packets++;
	e->st.octets += len;
	e->st.flows += flows;
	e->st.records += w->flow_recs;
	e->st.data_records += w->recs;
	e->tmpl_age++;
	if (!tmpl)
		return;
	e->st.tmpl_packets++;
	e->tmpl_never = false;
	e->tmpl_last_ns = now_ns;
	e->tmpl_age = 1;
}

/* Bytes of a data set of @n records of @len bytes, padded to 4. */
static size_t set_size(size_t n, size_t len)
{
	return n ? (4 + n * len + 3) & ~(size_t)3 : 0;
}

/*
 * A packet's flow records, grouped one set per template: mixed IPv4/IPv6
 * traffic would otherwise pay a set header and padding per record.
 * plan() picks how many flows fit, recording each one's template slot.
 */
struct pk_nf_plan {
	size_t nflows;
	unsigned int recs[PK_NF_NTMPL];	/* records per template slot */
	uint8_t order[PK_NF_NTMPL];	/* slots in order of first use */
	unsigned int nslots;
	uint8_t slot[PK_NF_MAX_PKT_FLOWS];
};

static unsigned int flow_tmpl(const struct pk_nf *e,
			      const struct pktcap_flowrec *r, unsigned int *slot)
{
	unsigned int m;
	uint16_t id;

	if (e->cfg.version == PK_NF_IPFIX)
		m = pk_ipfix_flow_tmpl(r, &id);
	else
		m = pk_nf9_flow_tmpl(r, &id);
	*slot = id - PK_NF_TID_V4;
	return m;
}

static void plan(const struct pk_nf *e, const struct pktcap_flowrec *recs,
		 size_t n, size_t room, struct pk_nf_plan *pl)
{
	size_t used = 0, i;

	memset(pl->recs, 0, sizeof(pl->recs));
	pl->nslots = 0;
	if (n > PK_NF_MAX_PKT_FLOWS)
		n = PK_NF_MAX_PKT_FLOWS;
	for (i = 0; i < n; i++) {
		unsigned int s, m = flow_tmpl(e, &recs[i], &s);
		size_t len = e->tmpl[s].reclen, have = pl->recs[s];
		size_t grow = set_size(have + m, len) - set_size(have, len);

		if (grow > room - used)
			break;
		used += grow;
		if (!have)
			pl->order[pl->nslots++] = s;
		pl->recs[s] += m;
		pl->slot[i] = s;
	}
	pl->nflows = i;
}

/* One set per template slot in the plan, records in input order. */
static void emit(const struct pk_nf *e, const struct pktcap_flowrec *recs,
		 const struct pk_nf_plan *pl, struct pk_nf_wr *w)
{
	struct pktcap_flowrec rev;
	unsigned int k;
	uint16_t id;
	size_t i;

	for (k = 0; k < pl->nslots; k++) {
		const struct pk_nf_tmpl *t = &e->tmpl[pl->order[k]];

		w->set = w->p;
		pk_put16(w->p, t->id);
		w->p += 4;
		for (i = 0; i < pl->nflows; i++) {
			if (pl->slot[i] != pl->order[k])
				continue;
			put_record(e, t, &recs[i], w->p);
			w->p += t->reclen;
			if (e->cfg.version != PK_NF_V9 ||
			    pk_nf9_flow_tmpl(&recs[i], &id) == 1)
				continue;
			pk_nf_reverse(&recs[i], &rev);
			put_record(e, t, &rev, w->p);
			w->p += t->reclen;
		}
		w->recs += pl->recs[pl->order[k]];
		w->flow_recs += pl->recs[pl->order[k]];
		close_set(w);
	}
}

ssize_t pk_nf_encode(struct pk_nf *e, const struct pktcap_flowrec *recs,
		     size_t n, size_t *consumed, uint8_t *buf, size_t buflen,
		     uint64_t now_ns)
{
	bool ipfix = e->cfg.version == PK_NF_IPFIX;
	size_t hdr = ipfix ? PK_IPFIX_HDR_LEN : PK_NF9_HDR_LEN;
	size_t limit = buflen < e->max_payload ? buflen : e->max_payload;
	struct pk_nf_wr w = { 0 };
	struct pk_nf_plan pl;
	unsigned int nrec;
	size_t i, len;
	bool due;

	*consumed = 0;
	if (e->cfg.version == PK_NF_V5)
		return pk_nf5_encode(e, recs, n, consumed, buf, limit, now_ns);
	due = tmpl_due(e, now_ns);
	if (!n && !due)
		return 0;
	if (limit < hdr)
		return -ENOSPC;
	w.p = buf + hdr;
	w.end = buf + limit;
	if (due && put_tmpl(e, &w))
		return -ENOSPC;
	if (w.set)
		close_set(&w);
	plan(e, recs, n, w.end - w.p, &pl);
	i = pl.nflows;
	/*
	 * No record fitted: fine for a packet of due templates, unless the
	 * caller's buffer is below the MTU payload, where templates may be due
	 * again next time (tmpl_packets 1) and nothing would ever progress.
	 * At the MTU payload pk_nf_check_fit() guarantees progress.
	 */
	if (n && !i && (!due || limit < e->max_payload))
		return -ENOSPC;
	emit(e, recs, &pl, &w);
	len = w.p - buf;
	nrec = w.recs + (due ? e->tmpl_block_recs : 0);
	if (ipfix)
		pk_ipfix_header(e, buf, len, nrec, now_ns);
	else
		pk_nf9_header(e, buf, len, nrec, now_ns);
	account(e, len, &w, i, due, now_ns);
	*consumed = i;
	return len;
}
