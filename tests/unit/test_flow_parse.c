// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the flow parser (kmod/flow_parse.c). The frames are built
 * byte by byte in tests/fuzz/flow_parse_frames.h (shared with the fuzz seed
 * generator) or here; every expected value was computed by hand from those
 * bytes. The parser always reads from a heap copy of exactly len bytes so
 * that AddressSanitizer catches any read outside [frame, frame + len).
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/pktcap.h>

#include "flow_parse.h"
#include "../fuzz/flow_parse_frames.h"
#include "kselftest_harness.h"

#define ETHER	PKTCAP_LINK_ETHER
#define RAW	PKTCAP_LINK_RAW
#define IFINDEX	7U

#define F_L3	((int)PKTCAP_PKT_F_L3)
#define F_L4	((int)PKTCAP_PKT_F_L4)
#define F_TCP	((int)PKTCAP_PKT_F_TCP_FLAGS)
#define F_FRAG	((int)PKTCAP_PKT_F_FRAG)
#define F_LATER	((int)PKTCAP_PKT_F_FRAG_LATER)

static const u8 a_192_0_2_1[16] = { 192, 0, 2, 1 };
static const u8 a_192_0_2_2[16] = { 192, 0, 2, 2 };
static const u8 a_198_51_100_7[16] = { 198, 51, 100, 7 };
static const u8 a_10_0_0_1[16] = { 10, 0, 0, 1 };
static const u8 a_10_0_0_2[16] = { 10, 0, 0, 2 };
static const u8 a_db8_1[16] = { FPF_DB8(0x01) };
static const u8 a_db8_2[16] = { FPF_DB8(0x02) };
static const u8 a_db8_a[16] = { FPF_DB8(0x0a) };
static const u8 a_db8_b[16] = { FPF_DB8(0x0b) };

static struct pktcap_parse_meta meta(u8 link, unsigned int wire_len)
{
	struct pktcap_parse_meta m = {
		.ifindex = IFINDEX,
		.wire_len = wire_len,
		.link = link,
	};

	return m;
}

/*
 * Parse the first len bytes of bytes from an exact-size heap copy, with
 * garbage in key and pkt beforehand: the parser must write every byte.
 */
static int parse_m(const u8 *bytes, unsigned int len,
		   const struct pktcap_parse_meta *m,
		   struct pktcap_flow_key *key, struct pktcap_flow_pkt *pkt)
{
	struct pktcap_flow_key k2;
	struct pktcap_flow_pkt p2;
	u8 *copy = NULL;
	int ret, ret2;

	if (len) {
		copy = malloc(len);
		if (!copy)
			abort();
		memcpy(copy, bytes, len);
	}
	memset(key, 0xa5, sizeof(*key));
	memset(pkt, 0xa5, sizeof(*pkt));
	ret = pktcap_flow_parse(copy, len, m, key, pkt);
	/* the meter's entry point, inline fast path first: the same answer */
	memset(&k2, 0x5a, sizeof(k2));
	memset(&p2, 0x5a, sizeof(p2));
	ret2 = pktcap_flow_parse_fast(copy, len, m, &k2, &p2);
	free(copy);
	if (ret != ret2 || memcmp(key, &k2, sizeof(k2)) ||
	    memcmp(pkt, &p2, sizeof(p2))) {
		fprintf(stderr, "pktcap_flow_parse_fast() differs from pktcap_flow_parse() (len %u)\n",
			len);
		abort();
	}
	return ret;
}

/* The whole frame, wire length = len. */
static int parse(const u8 *bytes, unsigned int len, u8 link,
		 struct pktcap_flow_key *key, struct pktcap_flow_pkt *pkt)
{
	struct pktcap_parse_meta m = meta(link, len);

	return parse_m(bytes, len, &m, key, pkt);
}

static struct pktcap_flow_key mk_key(u16 l3proto, const u8 *src,
				     const u8 *dst, u8 proto, u16 sport,
				     u16 dport, u8 dscp)
{
	struct pktcap_flow_key k;

	memset(&k, 0, sizeof(k));
	k.ifindex = IFINDEX;
	k.l3proto = l3proto;
	if (src)
		memcpy(k.src, src, 16);
	if (dst)
		memcpy(k.dst, dst, 16);
	k.proto = proto;
	k.sport = sport;
	k.dport = dport;
	k.dscp = dscp;
	return k;
}

/* memcmp() of two keys, dumping both when they differ. */
static int key_cmp(const struct pktcap_flow_key *exp,
		   const struct pktcap_flow_key *got)
{
	const u8 *e = (const u8 *)exp, *g = (const u8 *)got;
	size_t i;

	if (!memcmp(exp, got, sizeof(*exp)))
		return 0;
	fprintf(stderr, "# expected key:");
	for (i = 0; i < sizeof(*exp); i++)
		fprintf(stderr, " %02x", e[i]);
	fprintf(stderr, "\n# got key:     ");
	for (i = 0; i < sizeof(*got); i++)
		fprintf(stderr, " %02x", g[i]);
	fprintf(stderr, "\n");
	return 1;
}

TEST(layout)
{
	ASSERT_EQ(48U, sizeof(struct pktcap_flow_key));
	ASSERT_EQ(12U, sizeof(struct pktcap_flow_pkt));
	ASSERT_EQ(0U, offsetof(struct pktcap_flow_key, src));
	ASSERT_EQ(16U, offsetof(struct pktcap_flow_key, dst));
	ASSERT_EQ(32U, offsetof(struct pktcap_flow_key, ifindex));
	ASSERT_EQ(36U, offsetof(struct pktcap_flow_key, vlan));
	ASSERT_EQ(38U, offsetof(struct pktcap_flow_key, l3proto));
	ASSERT_EQ(40U, offsetof(struct pktcap_flow_key, sport));
	ASSERT_EQ(42U, offsetof(struct pktcap_flow_key, dport));
	ASSERT_EQ(44U, offsetof(struct pktcap_flow_key, proto));
	ASSERT_EQ(45U, offsetof(struct pktcap_flow_key, dscp));
	ASSERT_EQ(46U, offsetof(struct pktcap_flow_key, direction));
	ASSERT_EQ(47U, offsetof(struct pktcap_flow_key, reserved));
	ASSERT_EQ(0U, sizeof(struct pktcap_flow_key) % 4);
}

TEST(ipv4_tcp)
{
	struct pktcap_flow_key k, e;
	struct pktcap_flow_pkt p;

	ASSERT_EQ(PKTCAP_PARSE_OK,
		  parse(fpf_v4_tcp, sizeof(fpf_v4_tcp), ETHER, &k, &p));
	e = mk_key(0x0800, a_192_0_2_1, a_198_51_100_7, 6, 40000, 80, 46);
	ASSERT_EQ(0, key_cmp(&e, &k));
	ASSERT_EQ(40U, p.l3_len);
	ASSERT_EQ(14, p.l3_off);
	ASSERT_EQ(34, p.l4_off);
	ASSERT_EQ(0xc2, p.tcp_flags);	/* CWR|ECE|SYN */
	ASSERT_EQ(64, p.ttl);
	ASSERT_EQ(F_L3 | F_L4 | F_TCP, p.flags);
	ASSERT_EQ(0, p.reserved);
}

TEST(ipv4_udp_ethernet_padding_not_metered)
{
	struct pktcap_flow_key k, e;
	struct pktcap_flow_pkt p;

	ASSERT_EQ(PKTCAP_PARSE_OK, parse(fpf_v4_udp_pad, sizeof(fpf_v4_udp_pad),
					 ETHER, &k, &p));
	e = mk_key(0x0800, a_10_0_0_1, a_10_0_0_2, 17, 53, 54321, 0);
	ASSERT_EQ(0, key_cmp(&e, &k));
	ASSERT_EQ(32U, p.l3_len);	/* total length, not 60 - 14 */
	ASSERT_EQ(255, p.ttl);
	ASSERT_EQ(0, p.tcp_flags);
	ASSERT_EQ(F_L3 | F_L4, p.flags);
}

TEST(ipv4_icmp_type_code_in_dport)
{
	struct pktcap_flow_key k, e;
	struct pktcap_flow_pkt p;
	u8 f[sizeof(fpf_v4_icmp)];

	ASSERT_EQ(PKTCAP_PARSE_OK,
		  parse(fpf_v4_icmp, sizeof(fpf_v4_icmp), ETHER, &k, &p));
	e = mk_key(0x0800, a_192_0_2_1, a_192_0_2_2, 1, 0, 0x0800, 0);
	ASSERT_EQ(0, key_cmp(&e, &k));
	ASSERT_EQ(28U, p.l3_len);
	ASSERT_EQ(F_L3 | F_L4, p.flags);

	/* destination unreachable (3), host unreachable (1) */
	memcpy(f, fpf_v4_icmp, sizeof(f));
	f[34] = 3;
	f[35] = 1;
	ASSERT_EQ(PKTCAP_PARSE_OK, parse(f, sizeof(f), ETHER, &k, &p));
	ASSERT_EQ(0, k.sport);
	ASSERT_EQ(0x0301, k.dport);
}

TEST(ipv4_sctp)
{
	struct pktcap_flow_key k, e;
	struct pktcap_flow_pkt p;

	ASSERT_EQ(PKTCAP_PARSE_OK,
		  parse(fpf_v4_sctp, sizeof(fpf_v4_sctp), ETHER, &k, &p));
	e = mk_key(0x0800, a_192_0_2_1, a_192_0_2_2, 132, 2905, 36412, 0);
	ASSERT_EQ(0, key_cmp(&e, &k));
	ASSERT_EQ(32U, p.l3_len);
	ASSERT_EQ(F_L3 | F_L4, p.flags);
}

TEST(ipv4_udplite)
{
	struct pktcap_flow_key k, e;
	struct pktcap_flow_pkt p;

	ASSERT_EQ(PKTCAP_PARSE_OK, parse(fpf_v4_udplite, sizeof(fpf_v4_udplite),
					 ETHER, &k, &p));
	e = mk_key(0x0800, a_192_0_2_1, a_192_0_2_2, 136, 1234, 5678, 0);
	ASSERT_EQ(0, key_cmp(&e, &k));
	ASSERT_EQ(28U, p.l3_len);
	ASSERT_EQ(64, p.ttl);
}

TEST(ipv4_dccp_and_other_protocols)
{
	struct pktcap_flow_key k, e;
	struct pktcap_flow_pkt p;
	u8 f[sizeof(fpf_v4_udplite)];

	memcpy(f, fpf_v4_udplite, sizeof(f));
	f[23] = 33;	/* DCCP: ports like UDP */
	ASSERT_EQ(PKTCAP_PARSE_OK, parse(f, sizeof(f), ETHER, &k, &p));
	e = mk_key(0x0800, a_192_0_2_1, a_192_0_2_2, 33, 1234, 5678, 0);
	ASSERT_EQ(0, key_cmp(&e, &k));

	f[23] = 47;	/* GRE: no ports */
	ASSERT_EQ(PKTCAP_PARSE_OK, parse(f, sizeof(f), ETHER, &k, &p));
	e = mk_key(0x0800, a_192_0_2_1, a_192_0_2_2, 47, 0, 0, 0);
	ASSERT_EQ(0, key_cmp(&e, &k));
	ASSERT_EQ(34, p.l4_off);
	ASSERT_EQ(F_L3, p.flags);
}

TEST(ipv4_options_skipped)
{
	/* IHL 6: NOP NOP NOP EOL, then UDP 53 -> 54321 */
	static const u8 f[] = {
		FPF_ETH(0x08, 0x00),
		0x46, 0x00, 0x00, 0x1c + 4, 0x00, 0x01, 0x00, 0x00,
		0x40, 0x11, 0x00, 0x00,
		0x0a, 0x00, 0x00, 0x01, 0x0a, 0x00, 0x00, 0x02,
		0x01, 0x01, 0x01, 0x00,
		0x00, 0x35, 0xd4, 0x31, 0x00, 0x08, 0x00, 0x00,
	};
	struct pktcap_flow_key k, e;
	struct pktcap_flow_pkt p;

	ASSERT_EQ(PKTCAP_PARSE_OK, parse(f, sizeof(f), ETHER, &k, &p));
	e = mk_key(0x0800, a_10_0_0_1, a_10_0_0_2, 17, 53, 54321, 0);
	ASSERT_EQ(0, key_cmp(&e, &k));
	ASSERT_EQ(38, p.l4_off);
	ASSERT_EQ(32U, p.l3_len);
}

TEST(ipv6_tcp)
{
	struct pktcap_flow_key k, e;
	struct pktcap_flow_pkt p;

	ASSERT_EQ(PKTCAP_PARSE_OK,
		  parse(fpf_v6_tcp, sizeof(fpf_v6_tcp), ETHER, &k, &p));
	e = mk_key(0x86dd, a_db8_1, a_db8_2, 6, 50000, 443, 10);
	ASSERT_EQ(0, key_cmp(&e, &k));
	ASSERT_EQ(60U, p.l3_len);
	ASSERT_EQ(14, p.l3_off);
	ASSERT_EQ(54, p.l4_off);
	ASSERT_EQ(0x18, p.tcp_flags);	/* PSH|ACK */
	ASSERT_EQ(63, p.ttl);
	ASSERT_EQ(F_L3 | F_L4 | F_TCP, p.flags);
}

TEST(ipv6_udp)
{
	struct pktcap_flow_key k, e;
	struct pktcap_flow_pkt p;

	ASSERT_EQ(PKTCAP_PARSE_OK,
		  parse(fpf_v6_udp, sizeof(fpf_v6_udp), ETHER, &k, &p));
	e = mk_key(0x86dd, a_db8_a, a_db8_b, 17, 5353, 5353, 0);
	ASSERT_EQ(0, key_cmp(&e, &k));
	ASSERT_EQ(48U, p.l3_len);
	ASSERT_EQ(255, p.ttl);
	ASSERT_EQ(F_L3 | F_L4, p.flags);
}

TEST(ipv6_icmp6)
{
	struct pktcap_flow_key k, e;
	struct pktcap_flow_pkt p;

	ASSERT_EQ(PKTCAP_PARSE_OK,
		  parse(fpf_v6_icmp6, sizeof(fpf_v6_icmp6), ETHER, &k, &p));
	e = mk_key(0x86dd, a_db8_1, a_db8_2, 58, 0, 0x8000, 0);
	ASSERT_EQ(0, key_cmp(&e, &k));
	ASSERT_EQ(48U, p.l3_len);
	ASSERT_EQ(64, p.ttl);
}

TEST(ipv6_hbh_dstopt_routing)
{
	struct pktcap_flow_key k, e;
	struct pktcap_flow_pkt p;

	ASSERT_EQ(PKTCAP_PARSE_OK,
		  parse(fpf_v6_ext, sizeof(fpf_v6_ext), ETHER, &k, &p));
	e = mk_key(0x86dd, a_db8_1, a_db8_2, 17, 12345, 53, 0);
	ASSERT_EQ(0, key_cmp(&e, &k));
	ASSERT_EQ(96U, p.l3_len);
	ASSERT_EQ(14 + 40 + 8 + 16 + 24, p.l4_off);
	ASSERT_EQ(F_L3 | F_L4, p.flags);
}

TEST(ipv6_ah)
{
	struct pktcap_flow_key k, e;
	struct pktcap_flow_pkt p;

	ASSERT_EQ(PKTCAP_PARSE_OK,
		  parse(fpf_v6_ah, sizeof(fpf_v6_ah), ETHER, &k, &p));
	e = mk_key(0x86dd, a_db8_1, a_db8_2, 6, 22, 54321, 0);
	ASSERT_EQ(0, key_cmp(&e, &k));
	ASSERT_EQ(14 + 40 + 24, p.l4_off);	/* (4 + 2) * 4 */
	ASSERT_EQ(0x11, p.tcp_flags);
	ASSERT_EQ(84U, p.l3_len);
}

TEST(ipv6_esp_and_no_next_header_end_the_walk)
{
	struct pktcap_flow_key k, e;
	struct pktcap_flow_pkt p;
	u8 f[sizeof(fpf_v6_udp)];

	memcpy(f, fpf_v6_udp, sizeof(f));
	f[20] = 50;	/* ESP */
	ASSERT_EQ(PKTCAP_PARSE_OK, parse(f, sizeof(f), ETHER, &k, &p));
	e = mk_key(0x86dd, a_db8_a, a_db8_b, 50, 0, 0, 0);
	ASSERT_EQ(0, key_cmp(&e, &k));
	ASSERT_EQ(F_L3, p.flags);

	f[20] = 59;	/* No Next Header */
	ASSERT_EQ(PKTCAP_PARSE_OK, parse(f, sizeof(f), ETHER, &k, &p));
	ASSERT_EQ(59, k.proto);
	ASSERT_EQ(0, k.sport);

	f[20] = 135;	/* Mobility: upper layer, no ports */
	ASSERT_EQ(PKTCAP_PARSE_OK, parse(f, sizeof(f), ETHER, &k, &p));
	ASSERT_EQ(135, k.proto);
	ASSERT_EQ(0, k.dport);
}

TEST(ipv6_exthdr_limit)
{
	u8 f[14 + 40 + 8 * 10 + 8];
	struct pktcap_flow_key k, e;
	struct pktcap_flow_pkt p;
	unsigned int len, n;

	/* 0 to 8 headers: walked */
	for (n = 0; n <= PKTCAP_PARSE_EXTHDR_MAX; n++) {
		len = fpf_build_v6_chain(f, n);
		ASSERT_EQ(14 + 40 + 8 * n + 8, len);
		ASSERT_EQ(PKTCAP_PARSE_OK, parse(f, len, ETHER, &k, &p));
		e = mk_key(0x86dd, a_db8_1, a_db8_2, 17, 7, 9, 0);
		ASSERT_EQ(0, key_cmp(&e, &k));
		ASSERT_EQ(14 + 40 + 8 * n, p.l4_off);
		ASSERT_EQ(40 + 8 * n + 8, p.l3_len);
	}

	/* 9 and 10: over the limit, metered with proto 60 and ports 0 */
	for (n = 9; n <= 10; n++) {
		len = fpf_build_v6_chain(f, n);
		ASSERT_EQ(PKTCAP_PARSE_EXTHDR_LIMIT,
			  parse(f, len, ETHER, &k, &p));
		e = mk_key(0x86dd, a_db8_1, a_db8_2, 60, 0, 0, 0);
		ASSERT_EQ(0, key_cmp(&e, &k));
		ASSERT_EQ(40 + 8 * n + 8, p.l3_len);
		ASSERT_EQ(0, p.l4_off);
		ASSERT_EQ(F_L3, p.flags);
		ASSERT_EQ(64, p.ttl);
	}
}

TEST(ipv6_ext_header_past_payload)
{
	struct pktcap_parse_meta m;
	struct pktcap_flow_key k, e;
	struct pktcap_flow_pkt p;
	u8 f[sizeof(fpf_v6_ext)];

	/* hop-by-hop claims (200 + 1) * 8 bytes, the payload has 56 */
	memcpy(f, fpf_v6_ext, sizeof(f));
	f[55] = 200;
	ASSERT_EQ(PKTCAP_PARSE_BAD_HEADER, parse(f, sizeof(f), ETHER, &k, &p));
	e = mk_key(0x86dd, a_db8_1, a_db8_2, 0, 0, 0, 0);
	ASSERT_EQ(0, key_cmp(&e, &k));
	ASSERT_EQ(F_L3, p.flags);
	ASSERT_EQ(96U, p.l3_len);

	/* ...but is in a longer packet of which only 110 bytes are here */
	m = meta(ETHER, 14 + 40 + 2000);
	f[18] = 0x07;	/* payload length 2000 */
	f[19] = 0xd0;
	ASSERT_EQ(PKTCAP_PARSE_TRUNCATED, parse_m(f, sizeof(f), &m, &k, &p));
	e.proto = 60;	/* the header reached, past the buffer */
	ASSERT_EQ(0, key_cmp(&e, &k));
	ASSERT_EQ(2040U, p.l3_len);
}

TEST(ipv4_fragments)
{
	struct pktcap_flow_key k, e, first;
	struct pktcap_flow_pkt p;
	u8 f[sizeof(fpf_v4_frag_later)];

	ASSERT_EQ(PKTCAP_PARSE_OK, parse(fpf_v4_frag_first,
					 sizeof(fpf_v4_frag_first),
					 ETHER, &k, &p));
	e = mk_key(0x0800, a_192_0_2_1, a_192_0_2_2, 17, 4000, 5000, 0);
	ASSERT_EQ(0, key_cmp(&e, &k));
	ASSERT_EQ(52U, p.l3_len);
	ASSERT_EQ(F_L3 | F_L4 | F_FRAG, p.flags);
	first = k;

	/* later fragment: ports 0, whatever the payload looks like */
	ASSERT_EQ(PKTCAP_PARSE_OK, parse(fpf_v4_frag_later,
					 sizeof(fpf_v4_frag_later),
					 ETHER, &k, &p));
	e = mk_key(0x0800, a_192_0_2_1, a_192_0_2_2, 17, 0, 0, 0);
	ASSERT_EQ(0, key_cmp(&e, &k));
	ASSERT_EQ(44U, p.l3_len);	/* 2 bytes of padding not metered */
	ASSERT_EQ(0, p.l4_off);
	ASSERT_EQ(F_L3 | F_FRAG | F_LATER, p.flags);
	first.sport = 0;
	first.dport = 0;
	ASSERT_EQ(0, key_cmp(&first, &k));

	/* a middle fragment (MF and offset) */
	memcpy(f, fpf_v4_frag_later, sizeof(f));
	f[20] = 0x20;
	ASSERT_EQ(PKTCAP_PARSE_OK, parse(f, sizeof(f), ETHER, &k, &p));
	ASSERT_EQ(0, key_cmp(&e, &k));
	ASSERT_EQ(F_L3 | F_FRAG | F_LATER, p.flags);

	/* DF, offset 0, MF clear: not a fragment (fpf_v4_tcp) */
	ASSERT_EQ(PKTCAP_PARSE_OK,
		  parse(fpf_v4_tcp, sizeof(fpf_v4_tcp), ETHER, &k, &p));
	ASSERT_EQ(0, p.flags & (F_FRAG | F_LATER));
}

TEST(ipv6_fragments)
{
	struct pktcap_flow_key k, e;
	struct pktcap_flow_pkt p;
	u8 f[sizeof(fpf_v6_frag_first)];

	ASSERT_EQ(PKTCAP_PARSE_OK, parse(fpf_v6_frag_first,
					 sizeof(fpf_v6_frag_first),
					 ETHER, &k, &p));
	e = mk_key(0x86dd, a_db8_1, a_db8_2, 17, 4000, 5000, 0);
	ASSERT_EQ(0, key_cmp(&e, &k));
	ASSERT_EQ(72U, p.l3_len);
	ASSERT_EQ(14 + 40 + 8, p.l4_off);
	ASSERT_EQ(F_L3 | F_L4 | F_FRAG, p.flags);

	ASSERT_EQ(PKTCAP_PARSE_OK, parse(fpf_v6_frag_later,
					 sizeof(fpf_v6_frag_later),
					 ETHER, &k, &p));
	e = mk_key(0x86dd, a_db8_1, a_db8_2, 17, 0, 0, 0);
	ASSERT_EQ(0, key_cmp(&e, &k));
	ASSERT_EQ(64U, p.l3_len);
	ASSERT_EQ(0, p.l4_off);
	ASSERT_EQ(F_L3 | F_FRAG | F_LATER, p.flags);

	/* atomic fragment (offset 0, M clear): a whole packet */
	memcpy(f, fpf_v6_frag_first, sizeof(f));
	f[57] = 0x00;
	ASSERT_EQ(PKTCAP_PARSE_OK, parse(f, sizeof(f), ETHER, &k, &p));
	ASSERT_EQ(4000, k.sport);
	ASSERT_EQ(F_L3 | F_L4, p.flags);
}

TEST(vlan_single)
{
	struct pktcap_flow_key k, e;
	struct pktcap_flow_pkt p;

	ASSERT_EQ(PKTCAP_PARSE_OK,
		  parse(fpf_vlan, sizeof(fpf_vlan), ETHER, &k, &p));
	e = mk_key(0x0800, a_10_0_0_1, a_10_0_0_2, 17, 53, 54321, 0);
	e.vlan = 100;	/* TCI 0xa064: PCP 5 dropped */
	ASSERT_EQ(0, key_cmp(&e, &k));
	ASSERT_EQ(18, p.l3_off);
	ASSERT_EQ(32U, p.l3_len);
}

TEST(vlan_qinq_outer_id)
{
	struct pktcap_flow_key k, e;
	struct pktcap_flow_pkt p;

	ASSERT_EQ(PKTCAP_PARSE_OK,
		  parse(fpf_qinq, sizeof(fpf_qinq), ETHER, &k, &p));
	e = mk_key(0x86dd, a_db8_a, a_db8_b, 17, 5353, 5353, 0);
	e.vlan = 200;
	ASSERT_EQ(0, key_cmp(&e, &k));
	ASSERT_EQ(22, p.l3_off);
	ASSERT_EQ(48U, p.l3_len);
}

TEST(vlan_out_of_band)
{
	struct pktcap_flow_key k, e;
	struct pktcap_flow_pkt p;
	struct pktcap_parse_meta m;

	/* stripped tag PCP 1 VID 300, untagged frame */
	m = meta(ETHER, sizeof(fpf_v4_udp_pad));
	m.vlan_present = 1;
	m.vlan_tci = 0x212c;
	ASSERT_EQ(PKTCAP_PARSE_OK, parse_m(fpf_v4_udp_pad,
					   sizeof(fpf_v4_udp_pad),
					   &m, &k, &p));
	e = mk_key(0x0800, a_10_0_0_1, a_10_0_0_2, 17, 53, 54321, 0);
	e.vlan = 300;
	ASSERT_EQ(0, key_cmp(&e, &k));
	ASSERT_EQ(14, p.l3_off);

	/* the stripped tag was outside the in-band one (VID 100) */
	m.wire_len = sizeof(fpf_vlan);
	ASSERT_EQ(PKTCAP_PARSE_OK,
		  parse_m(fpf_vlan, sizeof(fpf_vlan), &m, &k, &p));
	ASSERT_EQ(0, key_cmp(&e, &k));
	ASSERT_EQ(18, p.l3_off);

	/* and outside both QinQ tags: still two in-band tags skipped */
	m.wire_len = sizeof(fpf_qinq);
	ASSERT_EQ(PKTCAP_PARSE_OK,
		  parse_m(fpf_qinq, sizeof(fpf_qinq), &m, &k, &p));
	ASSERT_EQ(300, k.vlan);
	ASSERT_EQ(0x86dd, k.l3proto);
	ASSERT_EQ(5353, k.sport);
	ASSERT_EQ(22, p.l3_off);

	/* vlan_tci without vlan_present is ignored */
	m.vlan_present = 0;
	ASSERT_EQ(PKTCAP_PARSE_OK,
		  parse_m(fpf_qinq, sizeof(fpf_qinq), &m, &k, &p));
	ASSERT_EQ(200, k.vlan);
}

TEST(vlan_third_tag_not_entered)
{
	static const u8 f[] = {
		FPF_ETH(0x81, 0x00),
		0x00, 0x01, 0x81, 0x00,
		0x00, 0x02, 0x81, 0x00,
		0x00, 0x03, 0x08, 0x00,
		0x45, 0x00, 0x00, 0x14, 0x00, 0x00, 0x00, 0x00,
		0x40, 0x3b, 0x00, 0x00,
		0x0a, 0x00, 0x00, 0x01, 0x0a, 0x00, 0x00, 0x02,
	};
	struct pktcap_flow_key k, e;
	struct pktcap_flow_pkt p;

	ASSERT_EQ(PKTCAP_PARSE_OK, parse(f, sizeof(f), ETHER, &k, &p));
	e = mk_key(0x8100, NULL, NULL, 0, 0, 0, 0);
	e.vlan = 1;
	ASSERT_EQ(0, key_cmp(&e, &k));
	ASSERT_EQ(22, p.l3_off);
	ASSERT_EQ(sizeof(f), p.l3_len);
	ASSERT_EQ(0, p.flags);
}

TEST(arp_is_metered_per_ethertype)
{
	struct pktcap_flow_key k, e;
	struct pktcap_flow_pkt p;
	struct pktcap_parse_meta m = meta(ETHER, sizeof(fpf_arp));

	m.direction = PKTCAP_DIR_OUT;
	ASSERT_EQ(PKTCAP_PARSE_OK,
		  parse_m(fpf_arp, sizeof(fpf_arp), &m, &k, &p));
	e = mk_key(0x0806, NULL, NULL, 0, 0, 0, 0);
	e.direction = PKTCAP_DIR_OUT;
	ASSERT_EQ(0, key_cmp(&e, &k));
	ASSERT_EQ(60U, p.l3_len);	/* the frame length */
	ASSERT_EQ(14, p.l3_off);
	ASSERT_EQ(0, p.l4_off);
	ASSERT_EQ(0, p.ttl);
	ASSERT_EQ(0, p.flags);

	/* the wire length counts, not the bytes handed to the parser */
	m.wire_len = 1000;
	ASSERT_EQ(PKTCAP_PARSE_OK, parse_m(fpf_arp, 42, &m, &k, &p));
	ASSERT_EQ(0, key_cmp(&e, &k));
	ASSERT_EQ(1000U, p.l3_len);
}

TEST(ieee_802_3_length_frame)
{
	struct pktcap_flow_key k, e;
	struct pktcap_flow_pkt p;

	ASSERT_EQ(PKTCAP_PARSE_OK,
		  parse(fpf_8023, sizeof(fpf_8023), ETHER, &k, &p));
	e = mk_key(PKTCAP_L3_802_3, NULL, NULL, 0, 0, 0, 0);
	ASSERT_EQ(0, key_cmp(&e, &k));
	ASSERT_EQ(60U, p.l3_len);
}

TEST(truncated_at_every_length_ipv6_tcp)
{
	const unsigned int full = sizeof(fpf_v6_tcp);
	struct pktcap_parse_meta m = meta(ETHER, full);
	struct pktcap_flow_key k, e;
	struct pktcap_flow_pkt p;
	unsigned int len;
	int ret;

	for (len = 0; len <= full; len++) {
		ret = parse_m(fpf_v6_tcp, len, &m, &k, &p);
		ASSERT_EQ(len < full ? PKTCAP_PARSE_TRUNCATED : PKTCAP_PARSE_OK,
			  ret)
			TH_LOG("len %u", len);

		if (len < 14) {
			e = mk_key(0, NULL, NULL, 0, 0, 0, 0);
			ASSERT_EQ(74U, p.l3_len);
			ASSERT_EQ(0, p.flags);
		} else if (len < 54) {
			e = mk_key(0x86dd, NULL, NULL, 0, 0, 0, 0);
			ASSERT_EQ(60U, p.l3_len);
			ASSERT_EQ(0, p.flags);
		} else if (len < 58) {
			e = mk_key(0x86dd, a_db8_1, a_db8_2, 6, 0, 0, 10);
			ASSERT_EQ(F_L3, p.flags);
		} else if (len < 74) {
			e = mk_key(0x86dd, a_db8_1, a_db8_2, 6, 50000, 443, 10);
			ASSERT_EQ(F_L3 | F_L4, p.flags);
			ASSERT_EQ(0, p.tcp_flags);
		} else {
			e = mk_key(0x86dd, a_db8_1, a_db8_2, 6, 50000, 443, 10);
			ASSERT_EQ(F_L3 | F_L4 | F_TCP, p.flags);
			ASSERT_EQ(0x18, p.tcp_flags);
		}
		ASSERT_EQ(0, key_cmp(&e, &k)) TH_LOG("len %u", len);
	}
}

/*
 * Every frame of the table cut at every length: with the full wire length
 * known, a cut is never a bad header; with the wire length equal to the
 * cut (a really short packet), it is never "truncated".
 */
TEST(every_frame_every_length)
{
	struct pktcap_parse_meta m;
	struct pktcap_flow_key k;
	struct pktcap_flow_pkt p;
	unsigned int i, len;
	int ret;

	for (i = 0; i < FPF_ARRAY_SIZE(fpf_frames); i++) {
		const struct fpf_frame *f = &fpf_frames[i];

		m = meta(f->link, f->len);
		m.vlan_present = !!f->vlan_tci;
		m.vlan_tci = f->vlan_tci;
		for (len = 0; len <= f->len; len++) {
			m.wire_len = f->len;
			ret = parse_m(f->bytes, len, &m, &k, &p);
			if (len == f->len) {
				ASSERT_EQ(PKTCAP_PARSE_OK, ret)
					TH_LOG("%s", f->name);
			}
			ASSERT_TRUE(ret == PKTCAP_PARSE_OK ||
				    ret == PKTCAP_PARSE_TRUNCATED)
				TH_LOG("%s len %u: %d", f->name, len, ret);
			ASSERT_EQ(0, k.reserved);
			ASSERT_EQ(IFINDEX, k.ifindex);

			m.wire_len = len;
			ret = parse_m(f->bytes, len, &m, &k, &p);
			ASSERT_TRUE(ret == PKTCAP_PARSE_OK ||
				    ret == PKTCAP_PARSE_BAD_HEADER)
				TH_LOG("%s len %u: %d", f->name, len, ret);
		}
	}
}

/*
 * The inline fast path takes the frames it is for, and only those: the
 * others are the general parser's (parse_m() checks both agree on all).
 */
TEST(fast_path_scope)
{
	static const struct {
		const char *name;
		bool fast;
	} want[] = {
		{ "v4_tcp", true },
		{ "v4_udp_pad", true },
		{ "v4_icmp", false },
		{ "v4_sctp", false },
		{ "v4_frag_first", false },
		{ "v4_frag_later", false },
		{ "vlan", false },
		{ "qinq", false },
		{ "v6_tcp", false },
		{ "arp", false },
		{ "raw_v4", false },
	};
	struct pktcap_parse_meta m;
	struct pktcap_flow_key k;
	struct pktcap_flow_pkt p;
	unsigned int i, j, seen = 0;

	for (i = 0; i < FPF_ARRAY_SIZE(fpf_frames); i++) {
		const struct fpf_frame *f = &fpf_frames[i];

		for (j = 0; j < FPF_ARRAY_SIZE(want); j++) {
			if (strcmp(f->name, want[j].name))
				continue;
			m = meta(f->link, f->len);
			EXPECT_EQ(want[j].fast,
				  pktcap_flow_parse_ipv4_fast(f->bytes, f->len,
							      &m, &k, &p))
				TH_LOG("%s", f->name);
			seen++;
		}
	}
	EXPECT_EQ(FPF_ARRAY_SIZE(want), seen);
}

TEST(bad_ihl)
{
	struct pktcap_flow_key k, e;
	struct pktcap_flow_pkt p;
	u8 f[sizeof(fpf_v4_tcp)];
	u8 ihl;

	/* IHL 0 to 4: bad, metered as an IPv4 frame without L3 fields */
	for (ihl = 0; ihl < 5; ihl++) {
		memcpy(f, fpf_v4_tcp, sizeof(f));
		f[14] = 0x40 | ihl;
		ASSERT_EQ(PKTCAP_PARSE_BAD_HEADER,
			  parse(f, sizeof(f), ETHER, &k, &p));
		e = mk_key(0x0800, NULL, NULL, 0, 0, 0, 0);
		ASSERT_EQ(0, key_cmp(&e, &k));
		ASSERT_EQ(40U, p.l3_len);
		ASSERT_EQ(0, p.flags);
		ASSERT_EQ(0, p.ttl);
	}

	/* IHL 15 (60 bytes) in a 40-byte packet */
	f[14] = 0x4f;
	ASSERT_EQ(PKTCAP_PARSE_BAD_HEADER, parse(f, sizeof(f), ETHER, &k, &p));
	ASSERT_EQ(0, key_cmp(&e, &k));
}

TEST(bad_ip_version)
{
	struct pktcap_flow_key k, e;
	struct pktcap_flow_pkt p;
	u8 f4[sizeof(fpf_v4_tcp)], f6[sizeof(fpf_v6_tcp)];

	memcpy(f4, fpf_v4_tcp, sizeof(f4));
	f4[14] = 0x65;
	ASSERT_EQ(PKTCAP_PARSE_BAD_HEADER,
		  parse(f4, sizeof(f4), ETHER, &k, &p));
	e = mk_key(0x0800, NULL, NULL, 0, 0, 0, 0);
	ASSERT_EQ(0, key_cmp(&e, &k));

	memcpy(f6, fpf_v6_tcp, sizeof(f6));
	f6[14] = 0x42;
	ASSERT_EQ(PKTCAP_PARSE_BAD_HEADER,
		  parse(f6, sizeof(f6), ETHER, &k, &p));
	e = mk_key(0x86dd, NULL, NULL, 0, 0, 0, 0);
	ASSERT_EQ(0, key_cmp(&e, &k));
	ASSERT_EQ(60U, p.l3_len);
}

TEST(ipv4_total_length_lies)
{
	struct pktcap_flow_key k, e;
	struct pktcap_flow_pkt p;
	u8 f[sizeof(fpf_v4_tcp)];

	memcpy(f, fpf_v4_tcp, sizeof(f));

	/* more than the wire: the bytes on the wire are metered */
	f[16] = 0x05;
	f[17] = 0xdc;
	ASSERT_EQ(PKTCAP_PARSE_OK, parse(f, sizeof(f), ETHER, &k, &p));
	e = mk_key(0x0800, a_192_0_2_1, a_198_51_100_7, 6, 40000, 80, 46);
	ASSERT_EQ(0, key_cmp(&e, &k));
	ASSERT_EQ(40U, p.l3_len);
	ASSERT_EQ(0xc2, p.tcp_flags);

	/* 0 (GSO beyond 64 KiB): the wire length */
	f[16] = 0;
	f[17] = 0;
	ASSERT_EQ(PKTCAP_PARSE_OK, parse(f, sizeof(f), ETHER, &k, &p));
	ASSERT_EQ(0, key_cmp(&e, &k));
	ASSERT_EQ(40U, p.l3_len);

	/* below IHL * 4: bad, no L3 fields */
	f[17] = 19;
	ASSERT_EQ(PKTCAP_PARSE_BAD_HEADER, parse(f, sizeof(f), ETHER, &k, &p));
	e = mk_key(0x0800, NULL, NULL, 0, 0, 0, 0);
	ASSERT_EQ(0, key_cmp(&e, &k));
	ASSERT_EQ(0, p.flags);

	/* 22: the ports are past the end of the packet */
	f[17] = 22;
	ASSERT_EQ(PKTCAP_PARSE_BAD_HEADER, parse(f, sizeof(f), ETHER, &k, &p));
	e = mk_key(0x0800, a_192_0_2_1, a_198_51_100_7, 6, 0, 0, 46);
	ASSERT_EQ(0, key_cmp(&e, &k));
	ASSERT_EQ(22U, p.l3_len);
	ASSERT_EQ(F_L3, p.flags);

	/* 24: ports, but not the TCP header */
	f[17] = 24;
	ASSERT_EQ(PKTCAP_PARSE_BAD_HEADER, parse(f, sizeof(f), ETHER, &k, &p));
	e = mk_key(0x0800, a_192_0_2_1, a_198_51_100_7, 6, 40000, 80, 46);
	ASSERT_EQ(0, key_cmp(&e, &k));
	ASSERT_EQ(24U, p.l3_len);
	ASSERT_EQ(F_L3 | F_L4, p.flags);
	ASSERT_EQ(0, p.tcp_flags);
}

TEST(ipv6_payload_length_lies)
{
	struct pktcap_flow_key k, e;
	struct pktcap_flow_pkt p;
	u8 f[sizeof(fpf_v6_tcp)];

	memcpy(f, fpf_v6_tcp, sizeof(f));
	e = mk_key(0x86dd, a_db8_1, a_db8_2, 6, 50000, 443, 10);

	/* 0: jumbogram or BIG TCP, the wire length */
	f[18] = 0;
	f[19] = 0;
	ASSERT_EQ(PKTCAP_PARSE_OK, parse(f, sizeof(f), ETHER, &k, &p));
	ASSERT_EQ(0, key_cmp(&e, &k));
	ASSERT_EQ(60U, p.l3_len);

	/* more than the wire */
	f[18] = 0x05;
	ASSERT_EQ(PKTCAP_PARSE_OK, parse(f, sizeof(f), ETHER, &k, &p));
	ASSERT_EQ(0, key_cmp(&e, &k));
	ASSERT_EQ(60U, p.l3_len);

	/* 4: ports but no room for the TCP header */
	f[18] = 0;
	f[19] = 4;
	ASSERT_EQ(PKTCAP_PARSE_BAD_HEADER, parse(f, sizeof(f), ETHER, &k, &p));
	ASSERT_EQ(0, key_cmp(&e, &k));
	ASSERT_EQ(44U, p.l3_len);
	ASSERT_EQ(F_L3 | F_L4, p.flags);
}

TEST(tcp_bad_data_offset)
{
	struct pktcap_parse_meta m;
	struct pktcap_flow_key k, e;
	struct pktcap_flow_pkt p;
	u8 f[sizeof(fpf_v4_tcp)];

	memcpy(f, fpf_v4_tcp, sizeof(f));
	e = mk_key(0x0800, a_192_0_2_1, a_198_51_100_7, 6, 40000, 80, 46);

	f[46] = 0x40;	/* 16 bytes */
	ASSERT_EQ(PKTCAP_PARSE_BAD_HEADER, parse(f, sizeof(f), ETHER, &k, &p));
	ASSERT_EQ(0, key_cmp(&e, &k));
	ASSERT_EQ(F_L3 | F_L4, p.flags);
	ASSERT_EQ(0, p.tcp_flags);

	f[46] = 0xf0;	/* 60 bytes in a 20-byte segment */
	ASSERT_EQ(PKTCAP_PARSE_BAD_HEADER, parse(f, sizeof(f), ETHER, &k, &p));
	ASSERT_EQ(0, key_cmp(&e, &k));
	ASSERT_EQ(0, p.tcp_flags);

	/* options past the buffer but inside the packet: flags are kept */
	m = meta(ETHER, 14 + 20 + 60);
	f[16] = 0;
	f[17] = 80;
	ASSERT_EQ(PKTCAP_PARSE_OK, parse_m(f, sizeof(f), &m, &k, &p));
	ASSERT_EQ(0xc2, p.tcp_flags);
	ASSERT_EQ(80U, p.l3_len);
}

TEST(dscp)
{
	struct pktcap_flow_key k;
	struct pktcap_flow_pkt p;
	u8 f4[sizeof(fpf_v4_tcp)], f6[sizeof(fpf_v6_tcp)];

	memcpy(f4, fpf_v4_tcp, sizeof(f4));
	f4[15] = 0xff;
	ASSERT_EQ(PKTCAP_PARSE_OK, parse(f4, sizeof(f4), ETHER, &k, &p));
	ASSERT_EQ(63, k.dscp);
	f4[15] = 0x03;	/* ECN CE only */
	ASSERT_EQ(PKTCAP_PARSE_OK, parse(f4, sizeof(f4), ETHER, &k, &p));
	ASSERT_EQ(0, k.dscp);
	f4[15] = 0x28;	/* AF11 */
	ASSERT_EQ(PKTCAP_PARSE_OK, parse(f4, sizeof(f4), ETHER, &k, &p));
	ASSERT_EQ(10, k.dscp);

	/* traffic class straddles bytes 0 and 1 */
	memcpy(f6, fpf_v6_tcp, sizeof(f6));
	f6[14] = 0x6f;
	f6[15] = 0xc1;	/* tc 0xfc: DSCP 63 */
	ASSERT_EQ(PKTCAP_PARSE_OK, parse(f6, sizeof(f6), ETHER, &k, &p));
	ASSERT_EQ(63, k.dscp);
	f6[14] = 0x60;
	f6[15] = 0x3f;	/* tc 0x03: ECN only */
	ASSERT_EQ(PKTCAP_PARSE_OK, parse(f6, sizeof(f6), ETHER, &k, &p));
	ASSERT_EQ(0, k.dscp);
	f6[14] = 0x6b;
	f6[15] = 0x80;	/* tc 0xb8: EF */
	ASSERT_EQ(PKTCAP_PARSE_OK, parse(f6, sizeof(f6), ETHER, &k, &p));
	ASSERT_EQ(46, k.dscp);
}

TEST(ttl_and_hop_limit)
{
	struct pktcap_flow_key k;
	struct pktcap_flow_pkt p;
	u8 f4[sizeof(fpf_v4_tcp)], f6[sizeof(fpf_v6_tcp)];

	memcpy(f4, fpf_v4_tcp, sizeof(f4));
	f4[22] = 1;
	ASSERT_EQ(PKTCAP_PARSE_OK, parse(f4, sizeof(f4), ETHER, &k, &p));
	ASSERT_EQ(1, p.ttl);

	memcpy(f6, fpf_v6_tcp, sizeof(f6));
	f6[21] = 255;
	ASSERT_EQ(PKTCAP_PARSE_OK, parse(f6, sizeof(f6), ETHER, &k, &p));
	ASSERT_EQ(255, p.ttl);
	f6[21] = 0;
	ASSERT_EQ(PKTCAP_PARSE_OK, parse(f6, sizeof(f6), ETHER, &k, &p));
	ASSERT_EQ(0, p.ttl);
	ASSERT_EQ(F_L3 | F_L4 | F_TCP, p.flags);
}

TEST(raw_ip_link)
{
	struct pktcap_flow_key k, e;
	struct pktcap_flow_pkt p;
	struct pktcap_parse_meta m;
	u8 f[sizeof(fpf_raw_v4)];

	ASSERT_EQ(PKTCAP_PARSE_OK,
		  parse(fpf_raw_v4, sizeof(fpf_raw_v4), RAW, &k, &p));
	e = mk_key(0x0800, a_10_0_0_1, a_10_0_0_2, 17, 53, 54321, 0);
	ASSERT_EQ(0, key_cmp(&e, &k));
	ASSERT_EQ(0, p.l3_off);
	ASSERT_EQ(20, p.l4_off);
	ASSERT_EQ(32U, p.l3_len);

	ASSERT_EQ(PKTCAP_PARSE_OK,
		  parse(fpf_raw_v6, sizeof(fpf_raw_v6), RAW, &k, &p));
	e = mk_key(0x86dd, a_db8_1, a_db8_2, 6, 50000, 443, 10);
	ASSERT_EQ(0, key_cmp(&e, &k));
	ASSERT_EQ(40, p.l4_off);
	ASSERT_EQ(0x18, p.tcp_flags);
	ASSERT_EQ(60U, p.l3_len);

	/* the caller's protocol wins over the version nibble */
	m = meta(RAW, sizeof(fpf_raw_v4));
	m.protocol = 0x0800;
	ASSERT_EQ(PKTCAP_PARSE_OK,
		  parse_m(fpf_raw_v4, sizeof(fpf_raw_v4), &m, &k, &p));
	ASSERT_EQ(53, k.sport);
	m.protocol = 0x86dd;
	ASSERT_EQ(PKTCAP_PARSE_BAD_HEADER,
		  parse_m(fpf_raw_v4, sizeof(fpf_raw_v4), &m, &k, &p));
	e = mk_key(0x86dd, NULL, NULL, 0, 0, 0, 0);
	ASSERT_EQ(0, key_cmp(&e, &k));
	m.protocol = 0x0806;
	ASSERT_EQ(PKTCAP_PARSE_OK,
		  parse_m(fpf_raw_v4, sizeof(fpf_raw_v4), &m, &k, &p));
	e = mk_key(0x0806, NULL, NULL, 0, 0, 0, 0);
	ASSERT_EQ(0, key_cmp(&e, &k));
	ASSERT_EQ(32U, p.l3_len);

	/* neither 4 nor 6 */
	memcpy(f, fpf_raw_v4, sizeof(f));
	f[0] = 0x55;
	ASSERT_EQ(PKTCAP_PARSE_BAD_HEADER, parse(f, sizeof(f), RAW, &k, &p));
	e = mk_key(0, NULL, NULL, 0, 0, 0, 0);
	ASSERT_EQ(0, key_cmp(&e, &k));
	ASSERT_EQ(32U, p.l3_len);

	/* empty */
	m = meta(RAW, 0);
	ASSERT_EQ(PKTCAP_PARSE_BAD_HEADER, parse_m(NULL, 0, &m, &k, &p));
	m.wire_len = 60;
	ASSERT_EQ(PKTCAP_PARSE_TRUNCATED, parse_m(NULL, 0, &m, &k, &p));
	ASSERT_EQ(0, key_cmp(&e, &k));
	ASSERT_EQ(60U, p.l3_len);
}

TEST(empty_and_odd_meta)
{
	struct pktcap_flow_key k, e;
	struct pktcap_flow_pkt p;
	struct pktcap_parse_meta m = meta(ETHER, 0);

	e = mk_key(0, NULL, NULL, 0, 0, 0, 0);
	ASSERT_EQ(PKTCAP_PARSE_BAD_HEADER, parse_m(NULL, 0, &m, &k, &p));
	ASSERT_EQ(0, key_cmp(&e, &k));
	ASSERT_EQ(0U, p.l3_len);

	m.wire_len = 100;
	ASSERT_EQ(PKTCAP_PARSE_TRUNCATED, parse_m(NULL, 0, &m, &k, &p));
	ASSERT_EQ(0, key_cmp(&e, &k));
	ASSERT_EQ(100U, p.l3_len);

	/* a wire length below len is taken as len */
	m.wire_len = 10;
	ASSERT_EQ(PKTCAP_PARSE_OK,
		  parse_m(fpf_v4_tcp, sizeof(fpf_v4_tcp), &m, &k, &p));
	ASSERT_EQ(40U, p.l3_len);
	ASSERT_EQ(0xc2, p.tcp_flags);

	/* an unknown link type */
	m = meta(9, sizeof(fpf_v4_tcp));
	m.direction = PKTCAP_DIR_OUT;
	ASSERT_EQ(PKTCAP_PARSE_BAD_HEADER,
		  parse_m(fpf_v4_tcp, sizeof(fpf_v4_tcp), &m, &k, &p));
	e.direction = PKTCAP_DIR_OUT;
	ASSERT_EQ(0, key_cmp(&e, &k));
}

TEST(key_written_entirely)
{
	struct pktcap_parse_meta m;
	struct pktcap_flow_key k1, k2;
	struct pktcap_flow_pkt p1, p2;
	unsigned int i;

	for (i = 0; i < FPF_ARRAY_SIZE(fpf_frames); i++) {
		const struct fpf_frame *f = &fpf_frames[i];

		m = meta(f->link, f->len);
		m.vlan_present = !!f->vlan_tci;
		m.vlan_tci = f->vlan_tci;
		memset(&k1, 0x00, sizeof(k1));
		memset(&p1, 0x00, sizeof(p1));
		memset(&k2, 0xff, sizeof(k2));
		memset(&p2, 0xff, sizeof(p2));
		ASSERT_EQ(PKTCAP_PARSE_OK,
			  pktcap_flow_parse(f->bytes, f->len, &m, &k1, &p1));
		ASSERT_EQ(PKTCAP_PARSE_OK,
			  pktcap_flow_parse(f->bytes, f->len, &m, &k2, &p2));
		ASSERT_EQ(0, memcmp(&k1, &k2, sizeof(k1))) TH_LOG("%s", f->name);
		ASSERT_EQ(0, memcmp(&p1, &p2, sizeof(p1))) TH_LOG("%s", f->name);
		ASSERT_EQ(0, k1.reserved);
		ASSERT_EQ(0, p1.reserved);
	}
}

TEST_HARNESS_MAIN
