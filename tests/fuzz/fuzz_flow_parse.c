// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the flow parser (kmod/flow_parse.c).
 *
 * Input: FPF_IN_HDR bytes of parse metadata (layout in flow_parse_frames.h),
 * then the frame. The frame is copied into a heap buffer of exactly its
 * length, so AddressSanitizer catches any read outside [frame, frame + len).
 * Besides memory errors and undefined behaviour, the invariants below abort:
 * they are the parser's documented promises (flow_parse.h,
 * docs/FLOW-KEY.md).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flow_parse.h"
#include "flow_parse_frames.h"

#define CHECK(cond)							\
	do {								\
		if (!(cond)) {						\
			fprintf(stderr, "invariant failed: %s (%s:%d)\n", \
				#cond, __FILE__, __LINE__);		\
			abort();					\
		}							\
	} while (0)

static const u8 zero[16];

static int parse(const u8 *frame, unsigned int len,
		 const struct pktcap_parse_meta *m,
		 struct pktcap_flow_key *k, struct pktcap_flow_pkt *p)
{
	struct pktcap_flow_key k2;
	struct pktcap_flow_pkt p2;
	u8 *copy = NULL;
	int ret, ret2;

	if (len) {
		copy = malloc(len);
		if (!copy)
			abort();
		memcpy(copy, frame, len);
	}
	/* every byte of key and pkt is written, and only from the input */
	memset(k, 0xa5, sizeof(*k));
	memset(p, 0xa5, sizeof(*p));
	memset(&k2, 0x5a, sizeof(k2));
	memset(&p2, 0x5a, sizeof(p2));
	ret = pktcap_flow_parse(copy, len, m, k, p);
	/* the meter's entry point, with its inline fast path: the same answer */
	ret2 = pktcap_flow_parse_fast(copy, len, m, &k2, &p2);
	free(copy);
	CHECK(ret == ret2);
	CHECK(!memcmp(k, &k2, sizeof(k2)));
	CHECK(!memcmp(p, &p2, sizeof(p2)));
	return ret;
}

static bool has_ports(u8 proto)
{
	return proto == 6 || proto == 17 || proto == 136 || proto == 132 ||
	       proto == 33;
}

static void check(int ret, unsigned int len,
		  const struct pktcap_parse_meta *m,
		  const struct pktcap_flow_key *k,
		  const struct pktcap_flow_pkt *p)
{
	unsigned int wire = m->wire_len > len ? m->wire_len : len;

	CHECK(ret >= 0 && ret < PKTCAP_PARSE_NR_RESULTS);
	CHECK(k->reserved == 0 && p->reserved == 0);
	CHECK(k->ifindex == m->ifindex);
	CHECK(k->direction == m->direction);
	CHECK(k->vlan <= 0x0fff);
	if (m->vlan_present)
		CHECK(k->vlan == (m->vlan_tci & 0x0fff));
	else if (m->link == PKTCAP_LINK_RAW)
		CHECK(k->vlan == 0);
	CHECK(k->dscp < 64);
	CHECK(p->l3_len <= wire);
	CHECK(p->l3_off <= len);
	CHECK(!(p->flags & ~0x1fU));

	if (!(p->flags & PKTCAP_PKT_F_L3)) {
		/* a non-IP key: only ifindex, direction, vlan, l3proto */
		CHECK(!memcmp(k->src, zero, 16) && !memcmp(k->dst, zero, 16));
		CHECK(k->proto == 0 && k->dscp == 0);
		CHECK(k->sport == 0 && k->dport == 0);
		CHECK(p->flags == 0 && p->ttl == 0 && p->tcp_flags == 0);
		CHECK(p->l4_off == 0);
		CHECK(ret != PKTCAP_PARSE_EXTHDR_LIMIT);
		return;
	}

	CHECK(k->l3proto == 0x0800 || k->l3proto == 0x86dd);
	if (k->l3proto == 0x0800) {
		/* IPv4 in the first 4 bytes, the rest zero */
		CHECK(!memcmp(k->src + 4, zero, 12));
		CHECK(!memcmp(k->dst + 4, zero, 12));
		CHECK(p->l3_off + 20U <= len);
		CHECK(p->l3_len >= 20);
		CHECK(ret != PKTCAP_PARSE_EXTHDR_LIMIT);
	} else {
		CHECK(p->l3_off + 40U <= len);
		CHECK(p->l3_len >= 40);
	}
	CHECK(p->l3_off + p->l3_len <= wire);

	if (p->flags & PKTCAP_PKT_F_FRAG_LATER) {
		/* later fragments: no transport header, ports 0 */
		CHECK(p->flags & PKTCAP_PKT_F_FRAG);
		CHECK(k->sport == 0 && k->dport == 0);
		CHECK(!(p->flags & (PKTCAP_PKT_F_L4 | PKTCAP_PKT_F_TCP_FLAGS)));
		CHECK(p->l4_off == 0);
		CHECK(ret == PKTCAP_PARSE_OK);
	}
	if (p->flags & PKTCAP_PKT_F_L4) {
		CHECK(p->l4_off > p->l3_off);
		CHECK(p->l4_off + (has_ports(k->proto) ? 4U : 2U) <=
		      (unsigned int)p->l3_off + p->l3_len);
		CHECK(p->l4_off + 2U <= len);
		if (!has_ports(k->proto)) {
			CHECK(k->proto == 1 || k->proto == 58);
			CHECK(k->sport == 0);
		}
	} else {
		CHECK(k->sport == 0 && k->dport == 0);
		/* a port-bearing protocol parsed OK has its ports */
		if (ret == PKTCAP_PARSE_OK &&
		    !(p->flags & PKTCAP_PKT_F_FRAG_LATER))
			CHECK(!has_ports(k->proto) && k->proto != 1 &&
			      k->proto != 58);
	}
	if (p->flags & PKTCAP_PKT_F_TCP_FLAGS) {
		CHECK(k->proto == 6 && (p->flags & PKTCAP_PKT_F_L4));
		CHECK(p->l4_off + 20U <= len);
	} else {
		CHECK(p->tcp_flags == 0);
		if (ret == PKTCAP_PARSE_OK && k->proto == 6 &&
		    !(p->flags & PKTCAP_PKT_F_FRAG_LATER))
			CHECK(0);
	}
	if (ret == PKTCAP_PARSE_EXTHDR_LIMIT) {
		CHECK(k->l3proto == 0x86dd);
		CHECK(k->proto == 0 || k->proto == 43 || k->proto == 44 ||
		      k->proto == 60 || k->proto == 51);
		CHECK(k->sport == 0 && k->dport == 0);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pktcap_flow_key k, kc;
	struct pktcap_flow_pkt p, pc;
	struct pktcap_parse_meta m;
	unsigned int len, cut;
	const u8 *frame;
	int ret, rc;

	if (size < FPF_IN_HDR || size - FPF_IN_HDR > 65536)
		return 0;
	frame = data + FPF_IN_HDR;
	len = (unsigned int)(size - FPF_IN_HDR);
	fpf_decode(data, len, &m);

	ret = parse(frame, len, &m, &k, &p);
	check(ret, len, &m, &k, &p);

	/*
	 * The same bytes as a packet really that short: a cut can only be a
	 * bad header then, never "truncated".
	 */
	if (m.wire_len <= len) {
		CHECK(ret != PKTCAP_PARSE_TRUNCATED);
		return 0;
	}

	/*
	 * Prefixes, the wire length unchanged: the parser reads the same bytes
	 * in the same order, so a prefix either runs out (TRUNCATED) or gives
	 * exactly the full result.
	 */
	for (cut = 0; cut < 2; cut++) {
		unsigned int clen = cut ? len / 2 : len - (len > 0);

		rc = parse(frame, clen, &m, &kc, &pc);
		check(rc, clen, &m, &kc, &pc);
		if (rc == PKTCAP_PARSE_TRUNCATED)
			continue;
		CHECK(rc == ret);
		CHECK(!memcmp(&kc, &k, sizeof(k)));
		CHECK(!memcmp(&pc, &p, sizeof(p)));
	}
	if (ret == PKTCAP_PARSE_TRUNCATED)
		CHECK(len < m.wire_len);
	return 0;
}
