// SPDX-License-Identifier: GPL-2.0
/*
 * IPFIX encoder (RFC 7011, RFC 5103 biflows, RFC 5477 sampling): message
 * header, template and options template sets byte for byte, data records,
 * sequence numbers counting data records, padding, MTU packing.
 */
#include <errno.h>

#include "test_netflow_util.h"
#include "kselftest_harness.h"

static uint8_t buf[65536];

/* IPFIX information elements of template 256, in order: (id, length). */
static const uint16_t tmpl256[][2] = {
	{ 8, 4 }, { 12, 4 }, { 7, 2 }, { 11, 2 }, { 4, 1 }, { 5, 1 }, { 6, 1 },
	{ 32, 2 }, { 52, 1 }, { 53, 1 }, { 10, 4 }, { 14, 4 }, { 58, 2 },
	{ 61, 1 }, { 2, 8 }, { 1, 8 }, { 152, 8 }, { 153, 8 }, { 136, 1 },
};

/* The three RFC 5103 reverse field specifiers that end template 259. */
static const uint8_t rev259[24] = {
	0x80, 0x02, 0x00, 0x08, 0x00, 0x00, 0x72, 0x79,	/* reversePacketDeltaCount */
	0x80, 0x01, 0x00, 0x08, 0x00, 0x00, 0x72, 0x79,	/* reverseOctetDeltaCount */
	0x80, 0x06, 0x00, 0x01, 0x00, 0x00, 0x72, 0x79,	/* reverseTcpControlBits */
};

#define START_MS	1699999994250ULL	/* mk_v4() first_ns / 1e6 */
#define END_MS		1699999999257ULL

static ssize_t enc_at(struct pk_nf *e, const struct pktcap_flowrec *r,
		      size_t n, size_t *used, uint64_t now)
{
	return pk_nf_encode(e, r, n, used, buf, sizeof(buf), now);
}

TEST(first_message_bytes)
{
	struct pk_nf_cfg c = mk_cfg(PK_NF_IPFIX);
	const uint8_t *t, *o, *d;
	struct pktcap_flowrec r;
	struct pk_nf e;
	size_t used, i;

	mk_v4(&r);
	ASSERT_EQ(0, pk_nf_init(&e, &c, NOW_NS));
	/* 16 + 476 templates + 56 options templates + 28 + 32 + 68 */
	ASSERT_EQ(676, enc_at(&e, &r, 1, &used, NOW_NS));
	EXPECT_EQ(5, walk_sets(buf, 676, 16));
	EXPECT_EQ(10, rd16(buf));
	EXPECT_EQ(676, rd16(buf + 2));
	EXPECT_EQ(1700000000, rd32(buf + 4));
	EXPECT_EQ(0, rd32(buf + 8));
	EXPECT_EQ(0x0102, rd32(buf + 12));

	t = buf + 16;
	EXPECT_EQ(2, rd16(t));
	EXPECT_EQ(476, rd16(t + 2));
	EXPECT_EQ(256, rd16(t + 4));
	EXPECT_EQ(19, rd16(t + 6));
	for (i = 0; i < 19; i++) {
		EXPECT_EQ(tmpl256[i][0], rd16(t + 8 + 4 * i));
		EXPECT_EQ(tmpl256[i][1], rd16(t + 10 + 4 * i));
	}
	t += 4 + 80;				/* 257: IPv6 */
	EXPECT_EQ(257, rd16(t));
	EXPECT_EQ(139, rd16(t + 4 + 4 * 7));	/* icmpTypeCodeIPv6 */
	t += 80 + 44;				/* 259: IPv4 biflow */
	EXPECT_EQ(259, rd16(t));
	EXPECT_EQ(22, rd16(t + 2));
	EXPECT_EQ(0, memcmp(t + 4 + 19 * 4, rev259, sizeof(rev259)));

	o = buf + 16 + 476;
	EXPECT_EQ(3, rd16(o));
	EXPECT_EQ(56, rd16(o + 2));
	EXPECT_EQ(262, rd16(o + 4));
	EXPECT_EQ(6, rd16(o + 6));		/* fields */
	EXPECT_EQ(1, rd16(o + 8));		/* of which scope */
	EXPECT_EQ(149, rd16(o + 10));		/* observationDomainId */
	EXPECT_EQ(304, rd16(o + 14));
	EXPECT_EQ(263, rd16(o + 34));
	EXPECT_EQ(4, rd16(o + 36));
	EXPECT_EQ(41, rd16(o + 48));		/* exportedMessageTotalCount */

	d = o + 56;
	EXPECT_EQ(262, rd16(d));
	EXPECT_EQ(28, rd16(d + 2));		/* 22 + 2 padding */
	d += 28 + 32;
	EXPECT_EQ(256, rd16(d));
	EXPECT_EQ(68, rd16(d + 2));
	EXPECT_EQ(0, memcmp(d + 4, r.src, 4));
	EXPECT_EQ(10, rd64(d + 4 + 30));
	EXPECT_EQ(1500, rd64(d + 4 + 38));
	EXPECT_EQ(START_MS, rd64(d + 4 + 46));
	EXPECT_EQ(END_MS, rd64(d + 4 + 54));
	EXPECT_EQ(3, d[4 + 62]);
	EXPECT_EQ(0, d[67]);			/* padding */
}

TEST(sampling_options_rfc5477)
{
	struct pk_nf_cfg c = mk_cfg(PK_NF_IPFIX);
	const uint8_t *d;
	struct pk_nf e;
	size_t used;
	ssize_t len;

	c.sampling = 100;
	ASSERT_EQ(0, pk_nf_init(&e, &c, NOW_NS));
	len = enc_at(&e, NULL, 0, &used, NOW_NS);
	ASSERT_EQ(608, len);
	d = find_set(buf, len, 16, 262, 0);
	ASSERT_NE(NULL, d);
	EXPECT_EQ(0x0102, rd32(d + 4));
	EXPECT_EQ(1, rd16(d + 8));	/* systematic count-based */
	EXPECT_EQ(1, rd32(d + 10));	/* packet interval */
	EXPECT_EQ(99, rd32(d + 14));	/* packet space */
	EXPECT_EQ(1, rd32(d + 18));	/* size */
	EXPECT_EQ(100, rd32(d + 22));	/* population */
	c.sampling_random = true;
	ASSERT_EQ(0, pk_nf_init(&e, &c, NOW_NS));
	len = enc_at(&e, NULL, 0, &used, NOW_NS);
	d = find_set(buf, len, 16, 262, 0);
	ASSERT_NE(NULL, d);
	EXPECT_EQ(3, rd16(d + 8));	/* random n-out-of-N */
}

/* RFC 7011 3.1: data records (options data included) before this message. */
TEST(sequence_counts_data_records)
{
	struct pk_nf_cfg c = mk_cfg(PK_NF_IPFIX);
	struct pktcap_flowrec r[5];
	uint32_t want = 0;
	struct pk_nf e;
	size_t used;
	int i;

	for (i = 0; i < 5; i++)
		mk_v4(&r[i]);
	c.tmpl_packets = 2;
	ASSERT_EQ(0, pk_nf_init(&e, &c, NOW_NS));
	for (i = 0; i < 6; i++) {
		size_t n = 1 + i % 5;
		ssize_t len = enc_at(&e, r, n, &used, NOW_NS);
		bool tmpl = i % 2 == 0;

		ASSERT_LT(0, len);
		EXPECT_EQ(len, rd16(buf + 2));
		EXPECT_EQ(want, rd32(buf + 8));
		EXPECT_EQ(tmpl, find_set(buf, len, 16, 2, 0) != NULL);
		EXPECT_EQ(tmpl, find_set(buf, len, 16, 263, 0) != NULL);
		want += n + (tmpl ? 2 : 0);
	}
	EXPECT_EQ(want, pk_nf_stats(&e)->data_records);
	EXPECT_EQ(1 + 2 + 3 + 4 + 5 + 1, pk_nf_stats(&e)->records);
}

TEST(biflow_uses_reverse_elements)
{
	struct pk_nf_cfg c = mk_cfg(PK_NF_IPFIX);
	struct pktcap_flowrec r[3];
	const uint8_t *d;
	struct pk_nf e;
	size_t used;
	ssize_t len;

	mk_bi(&r[0]);
	mk_v6(&r[1]);
	r[1].flags |= PKTCAP_FLOWREC_F_BIDIR;
	mk_bi(&r[2]);
	r[2].l3_proto = 0x0806;
	ASSERT_EQ(0, pk_nf_init(&e, &c, NOW_NS));
	len = enc_at(&e, r, 3, &used, NOW_NS);
	ASSERT_EQ(3, used);
	d = find_set(buf, len, 16, 259, 0);
	ASSERT_NE(NULL, d);
	EXPECT_EQ(4 + 80, rd16(d + 2));
	EXPECT_EQ(10, rd64(d + 4 + 30));
	EXPECT_EQ(8, rd64(d + 4 + 63));
	EXPECT_EQ(9000, rd64(d + 4 + 71));
	EXPECT_EQ(0x12, d[4 + 79]);
	d = find_set(buf, len, 16, 260, 0);
	ASSERT_NE(NULL, d);
	EXPECT_EQ(4 + 104, rd16(d + 2));
	d = find_set(buf, len, 16, 261, 0);
	ASSERT_NE(NULL, d);
	EXPECT_EQ(4 + 62 + 2, rd16(d + 2));
	EXPECT_EQ(0x0806, rd16(d + 4));
	/* one record per biflow: the reverse direction is in it */
	EXPECT_EQ(3, pk_nf_stats(&e)->records);
}

TEST(outgoing_flow_egress_interface)
{
	struct pk_nf_cfg c = mk_cfg(PK_NF_IPFIX);
	struct pktcap_flowrec r;
	const uint8_t *d;
	struct pk_nf e;
	size_t used;
	ssize_t len;

	mk_v4(&r);
	r.direction = PKTCAP_DIR_OUT;
	ASSERT_EQ(0, pk_nf_init(&e, &c, NOW_NS));
	len = enc_at(&e, &r, 1, &used, NOW_NS);
	d = find_set(buf, len, 16, 256, 0);
	ASSERT_NE(NULL, d);
	EXPECT_EQ(0, rd32(d + 4 + 19));		/* ingressInterface */
	EXPECT_EQ(3, rd32(d + 4 + 23));		/* egressInterface */
	EXPECT_EQ(1, d[4 + 29]);		/* flowDirection egress */
}

TEST(mtu_packing)
{
	static const struct { unsigned int mtu; bool v6; } cases[] = {
		{ 1280, true }, { 1500, false }, { 1500, true }, { 9000, false },
	};
	struct pktcap_flowrec r[500];
	unsigned int k, i;

	for (i = 0; i < 500; i++) {
		if (i % 4 == 0)
			mk_v4(&r[i]);
		else if (i % 4 == 1)
			mk_v6(&r[i]);
		else
			mk_bi(&r[i]);
		if (i % 11 == 0)
			r[i].l3_proto = 0x88cc;
	}
	for (k = 0; k < 4; k++) {
		struct pk_nf_cfg c = mk_cfg(PK_NF_IPFIX);
		size_t limit = cases[k].mtu - (cases[k].v6 ? 40 : 20) - 8;
		size_t off = 0, used;
		struct pk_nf e;

		c.mtu = cases[k].mtu;
		c.collector_v6 = cases[k].v6;
		c.tmpl_packets = 3;
		ASSERT_EQ(0, pk_nf_init(&e, &c, NOW_NS));
		while (off < 500) {
			ssize_t len = enc_at(&e, r + off, 500 - off, &used, NOW_NS);

			ASSERT_LT(0, len);
			ASSERT_GE(limit, (size_t)len);
			ASSERT_EQ(len, rd16(buf + 2));
			ASSERT_LT(0, walk_sets(buf, len, 16));
			off += used;
		}
		EXPECT_EQ(500, pk_nf_stats(&e)->records);
	}
}

TEST(mtu_too_small_for_templates)
{
	struct pk_nf_cfg c = mk_cfg(PK_NF_IPFIX);
	struct pk_nf e;

	/* 608 bytes of templates and options: IPFIX needs more than 576 */
	c.mtu = 576;
	EXPECT_EQ(-EINVAL, pk_nf_init(&e, &c, NOW_NS));
	c.mtu = 800;
	EXPECT_EQ(0, pk_nf_init(&e, &c, NOW_NS));
}

TEST_HARNESS_MAIN
