// SPDX-License-Identifier: GPL-2.0
/*
 * NetFlow v9 (RFC 3954): header, templates and the biflow split.
 *
 * Packet: 20-byte header, then FlowSets: id 0 templates, id 1 options
 * templates, id >= 256 data. v9 has no reverse elements, so a biflow is sent
 * as two uniflow records (forward, then reverse with addresses and ports
 * swapped) in the same packet.
 */
#include <string.h>

#include "netflow.h"

#define NF9_SET_TMPL	0
#define NF9_SET_OPTS	1
#define NF9_SCOPE_SYSTEM 1	/* RFC 3954 6.1 scope field type "System" */

static void opt_tmpls(struct pk_nf *e)
{
	struct pk_nf_tmpl *t = &e->tmpl[PK_NF_TID_OPT_SAMPLING - PK_NF_TID_V4];

	t->id = PK_NF_TID_OPT_SAMPLING;
	t->nscope = 1;
	pk_nf_tmpl_add(t, NF9_SCOPE_SYSTEM, 4, PK_SRC_DOMAIN, 0);
	pk_nf_tmpl_add(t, 34, 4, PK_SRC_SAMP_INTERVAL, 0);	/* SAMPLING_INTERVAL */
	pk_nf_tmpl_add(t, 35, 1, PK_SRC_SAMP_ALGO_V9, 0);	/* SAMPLING_ALGORITHM */

	t = &e->tmpl[PK_NF_TID_OPT_STATS - PK_NF_TID_V4];
	t->id = PK_NF_TID_OPT_STATS;
	t->nscope = 1;
	pk_nf_tmpl_add(t, NF9_SCOPE_SYSTEM, 4, PK_SRC_DOMAIN, 0);
	pk_nf_tmpl_add(t, 40, 8, PK_SRC_EXP_OCTETS, 0);	/* TOTAL_BYTES_EXP */
	pk_nf_tmpl_add(t, 41, 8, PK_SRC_EXP_MSGS, 0);	/* TOTAL_PKTS_EXP */
	pk_nf_tmpl_add(t, 42, 8, PK_SRC_EXP_FLOWS, 0);	/* TOTAL_FLOWS_EXP */
}

static uint8_t *put_fields(uint8_t *p, const struct pk_nf_tmpl *t)
{
	unsigned int i;

	for (i = 0; i < t->nfields; i++, p += 4) {
		pk_put16(p, t->f[i].ie);
		pk_put16(p + 2, t->f[i].len);
	}
	return p;
}

/* FlowSet 0: one template record per data template (RFC 3954 5.2). */
static uint8_t *tmpl_set(struct pk_nf *e, uint8_t *p)
{
	uint8_t *set = p;
	uint16_t id;

	p += 4;
	for (id = PK_NF_TID_V4; id <= PK_NF_TID_L2; id++) {
		const struct pk_nf_tmpl *t = pk_nf_tmpl_get(e, id);

		pk_put16(p, t->id);
		pk_put16(p + 2, t->nfields);
		p = put_fields(p + 4, t);
		e->tmpl_block_recs++;
	}
	pk_put16(set, NF9_SET_TMPL);
	pk_put16(set + 2, p - set);
	return p;
}

/* FlowSet 1: options templates, lengths in bytes, padded (RFC 3954 6.1). */
static uint8_t *opts_set(struct pk_nf *e, uint8_t *p)
{
	uint8_t *set = p;
	uint16_t id;

	p += 4;
	for (id = PK_NF_TID_OPT_SAMPLING; id <= PK_NF_TID_OPT_STATS; id++) {
		const struct pk_nf_tmpl *t = pk_nf_tmpl_get(e, id);

		pk_put16(p, t->id);
		pk_put16(p + 2, t->nscope * 4);
		pk_put16(p + 4, (t->nfields - t->nscope) * 4);
		p = put_fields(p + 6, t);
		e->tmpl_block_recs++;
	}
	while ((p - set) & 3)
		*p++ = 0;
	pk_put16(set, NF9_SET_OPTS);
	pk_put16(set + 2, p - set);
	return p;
}

int pk_nf9_init(struct pk_nf *e)
{
	uint8_t *p = e->tmpl_block;
	uint16_t id;

	for (id = PK_NF_TID_V4; id <= PK_NF_TID_L2; id++)
		pk_nf_tmpl_flow(&e->tmpl[id - PK_NF_TID_V4], id, false);
	opt_tmpls(e);
	/* a few hundred bytes: far below sizeof(tmpl_block) */
	p = tmpl_set(e, p);
	p = opts_set(e, p);
	e->tmpl_block_len = p - e->tmpl_block;
	return pk_nf_check_fit(e, PK_NF9_HDR_LEN);
}

/*
 * The header's time reference is "now" rounded down to the second, because
 * the v9 header has no sub-second field: a collector computes boot time as
 * unix_secs * 1000 - sysUpTime, which is then exact.
 */
void pk_nf9_header(struct pk_nf *e, uint8_t *buf, size_t len,
		   unsigned int nrec, uint64_t now_ns)
{
	uint64_t secs = now_ns / 1000000000ULL;

	(void)len;
	pk_put16(buf, 9);
	pk_put16(buf + 2, nrec);
	pk_put32(buf + 4, pk_nf_uptime(e, secs * 1000000000ULL));
	pk_put32(buf + 8, secs);
	pk_put32(buf + 12, e->st.packets);	/* package sequence */
	pk_put32(buf + 16, e->cfg.domain);	/* source id */
}

/*
 * The template of @r and how many records it becomes: a biflow with reverse
 * traffic is two, the reverse one made by pk_nf_reverse(), in the same set.
 */
unsigned int pk_nf9_flow_tmpl(const struct pktcap_flowrec *r, uint16_t *id)
{
	if (pk_rec_is_v4(r))
		*id = PK_NF_TID_V4;
	else
		*id = pk_rec_is_v6(r) ? PK_NF_TID_V6 : PK_NF_TID_L2;
	return (r->flags & PKTCAP_FLOWREC_F_BIDIR) && r->rev_packets ? 2 : 1;
}
