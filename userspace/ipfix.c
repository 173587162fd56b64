// SPDX-License-Identifier: GPL-2.0
/*
 * IPFIX (RFC 7011): header, templates, biflows.
 *
 * Message: 16-byte header, then Sets: id 2 templates, id 3 options
 * templates, id >= 256 data. Biflows use RFC 5103 reverse elements
 * (enterprise bit set, PEN 29305) in their own templates.
 */
#include <string.h>

#include "netflow.h"

#define IPFIX_SET_TMPL		2
#define IPFIX_SET_OPTS		3
#define IPFIX_PEN_REVERSE	29305	/* RFC 5103 reverse information elements */

static void opt_tmpls(struct pk_nf *e)
{
	struct pk_nf_tmpl *t = &e->tmpl[PK_NF_TID_OPT_SAMPLING - PK_NF_TID_V4];

	/*
	 * RFC 5477 describes 1-in-N both ways: as systematic count-based
	 * (interval 1, space N-1) and as n-out-of-N (size 1, population N);
	 * selectorAlgorithm says which one the meter does.
	 */
	t->id = PK_NF_TID_OPT_SAMPLING;
	t->nscope = 1;
	pk_nf_tmpl_add(t, 149, 4, PK_SRC_DOMAIN, 0);	/* observationDomainId */
	pk_nf_tmpl_add(t, 304, 2, PK_SRC_SEL_ALGO, 0);	/* selectorAlgorithm */
	pk_nf_tmpl_add(t, 305, 4, PK_SRC_ONE, 0);	/* samplingPacketInterval */
	pk_nf_tmpl_add(t, 306, 4, PK_SRC_SAMP_SPACE, 0); /* samplingPacketSpace */
	pk_nf_tmpl_add(t, 309, 4, PK_SRC_ONE, 0);	/* samplingSize */
	pk_nf_tmpl_add(t, 310, 4, PK_SRC_SAMP_INTERVAL, 0); /* samplingPopulation */

	t = &e->tmpl[PK_NF_TID_OPT_STATS - PK_NF_TID_V4];
	t->id = PK_NF_TID_OPT_STATS;
	t->nscope = 1;
	pk_nf_tmpl_add(t, 149, 4, PK_SRC_DOMAIN, 0);
	pk_nf_tmpl_add(t, 40, 8, PK_SRC_EXP_OCTETS, 0);	/* exportedOctetTotalCount */
	pk_nf_tmpl_add(t, 41, 8, PK_SRC_EXP_MSGS, 0);	/* exportedMessageTotalCount */
	pk_nf_tmpl_add(t, 42, 8, PK_SRC_EXP_FLOWS, 0);	/* exportedFlowRecordTotalCount */
}

/* Field specifiers (RFC 7011 3.2), with the enterprise number when set. */
static uint8_t *put_fields(uint8_t *p, const struct pk_nf_tmpl *t)
{
	unsigned int i;

	for (i = 0; i < t->nfields; i++) {
		const struct pk_nf_field *f = &t->f[i];

		pk_put16(p, f->ie | (f->pen ? 0x8000 : 0));
		pk_put16(p + 2, f->len);
		p += 4;
		if (f->pen) {
			pk_put32(p, IPFIX_PEN_REVERSE);
			p += 4;
		}
	}
	return p;
}

static uint8_t *put_set(struct pk_nf *e, uint8_t *p, uint16_t set_id,
			uint16_t first, uint16_t last)
{
	uint8_t *set = p;
	uint16_t id;

	p += 4;
	for (id = first; id <= last; id++) {
		const struct pk_nf_tmpl *t = pk_nf_tmpl_get(e, id);

		pk_put16(p, t->id);
		pk_put16(p + 2, t->nfields);
		p += 4;
		if (set_id == IPFIX_SET_OPTS) {
			pk_put16(p, t->nscope);
			p += 2;
		}
		p = put_fields(p, t);
		e->tmpl_block_recs++;
	}
	while ((p - set) & 3)
		*p++ = 0;
	pk_put16(set, set_id);
	pk_put16(set + 2, p - set);
	return p;
}

int pk_ipfix_init(struct pk_nf *e)
{
	uint8_t *p = e->tmpl_block;
	uint16_t id;

	for (id = PK_NF_TID_V4; id <= PK_NF_TID_L2_BI; id++)
		pk_nf_tmpl_flow(&e->tmpl[id - PK_NF_TID_V4], id, true);
	opt_tmpls(e);
	/* well below sizeof(tmpl_block): about 600 bytes */
	p = put_set(e, p, IPFIX_SET_TMPL, PK_NF_TID_V4, PK_NF_TID_L2_BI);
	p = put_set(e, p, IPFIX_SET_OPTS, PK_NF_TID_OPT_SAMPLING,
		    PK_NF_TID_OPT_STATS);
	e->tmpl_block_len = p - e->tmpl_block;
	return pk_nf_check_fit(e, PK_IPFIX_HDR_LEN);
}

/* The sequence number counts data records before this message (RFC 7011 3.1). */
void pk_ipfix_header(struct pk_nf *e, uint8_t *buf, size_t len,
		     unsigned int nrec, uint64_t now_ns)
{
	(void)nrec;
	pk_put16(buf, 10);
	pk_put16(buf + 2, len);
	pk_put32(buf + 4, now_ns / 1000000000ULL);
	pk_put32(buf + 8, e->st.data_records);
	pk_put32(buf + 12, e->cfg.domain);
}

/* The template of @r: biflows carry their reverse counters in one record. */
unsigned int pk_ipfix_flow_tmpl(const struct pktcap_flowrec *r, uint16_t *id)
{
	*id = PK_NF_TID_L2;
	if (pk_rec_is_v4(r))
		*id = PK_NF_TID_V4;
	else if (pk_rec_is_v6(r))
		*id = PK_NF_TID_V6;
	if (r->flags & PKTCAP_FLOWREC_F_BIDIR)
		*id += PK_NF_TID_V4_BI - PK_NF_TID_V4;
	return 1;
}
