// SPDX-License-Identifier: GPL-2.0
/*
 * NetFlow v9 encoder (RFC 3954): header, template and options template
 * FlowSets byte for byte, data records, package sequence, template refresh,
 * MTU packing, biflow split.
 */
#include <errno.h>
#include <stdlib.h>

#include "test_netflow_util.h"
#include "kselftest_harness.h"

static uint8_t buf[65536];

/* RFC 3954 field types of template 256, in order: (type, length). */
static const uint16_t tmpl256[][2] = {
	{ 8, 4 }, { 12, 4 }, { 7, 2 }, { 11, 2 }, { 4, 1 }, { 5, 1 }, { 6, 1 },
	{ 32, 2 }, { 52, 1 }, { 53, 1 }, { 10, 4 }, { 14, 4 }, { 58, 2 },
	{ 61, 1 }, { 2, 8 }, { 1, 8 }, { 22, 4 }, { 21, 4 }, { 136, 1 },
};

/* The 55-byte data record of mk_v4() under template 256. */
static const uint8_t rec256[55] = {
	192, 0, 2, 1,  198, 51, 100, 2,		/* addresses */
	0x04, 0xd2, 0x00, 0x50,			/* ports */
	6, 0xb8, 0x1b,				/* proto, ToS, TCP flags */
	0x00, 0x00,				/* ICMP type/code */
	61, 64,					/* TTL min, max */
	0, 0, 0, 3,  0, 0, 0, 0,		/* in 3, out 0 */
	0x00, 0x2a, 0,				/* VLAN 42, direction in */
	0, 0, 0, 0, 0, 0, 0, 10,		/* packets */
	0, 0, 0, 0, 0, 0, 0x05, 0xdc,		/* bytes */
	0x00, 0x36, 0xd7, 0x10,			/* FIRST_SWITCHED 3594000 */
	0x00, 0x36, 0xea, 0x9f,			/* LAST_SWITCHED 3599007 */
	3,					/* flowEndReason: end of flow */
};

static ssize_t enc_at(struct pk_nf *e, const struct pktcap_flowrec *r,
		      size_t n, size_t *used, uint64_t now)
{
	return pk_nf_encode(e, r, n, used, buf, sizeof(buf), now);
}

TEST(first_packet_bytes)
{
	struct pk_nf_cfg c = mk_cfg(PK_NF_V9);
	const uint8_t *t, *o, *d;
	struct pktcap_flowrec r;
	struct pk_nf e;
	size_t used, i;

	mk_v4(&r);
	ASSERT_EQ(0, pk_nf_init(&e, &c, NOW_NS));
	/*
	 * 20 header + 208 templates + 44 options templates + 16 + 32
	 * options data + 60 data
	 */
	ASSERT_EQ(380, enc_at(&e, &r, 1, &used, NOW_NS));
	EXPECT_EQ(1, used);
	EXPECT_EQ(5, walk_sets(buf, 380, 20));
	/* header: 5 template + 2 options data + 1 data record */
	EXPECT_EQ(9, rd16(buf));
	EXPECT_EQ(8, rd16(buf + 2));
	EXPECT_EQ(3599750, rd32(buf + 4));	/* at now rounded to the s */
	EXPECT_EQ(1700000000, rd32(buf + 8));
	EXPECT_EQ(0, rd32(buf + 12));
	EXPECT_EQ(0x0102, rd32(buf + 16));

	t = buf + 20;
	EXPECT_EQ(0, rd16(t));
	EXPECT_EQ(208, rd16(t + 2));
	EXPECT_EQ(256, rd16(t + 4));
	EXPECT_EQ(19, rd16(t + 6));
	for (i = 0; i < 19; i++) {
		EXPECT_EQ(tmpl256[i][0], rd16(t + 8 + 4 * i));
		EXPECT_EQ(tmpl256[i][1], rd16(t + 10 + 4 * i));
	}
	EXPECT_EQ(257, rd16(t + 84));
	EXPECT_EQ(258, rd16(t + 164));
	EXPECT_EQ(10, rd16(t + 166));

	o = buf + 20 + 208;
	EXPECT_EQ(1, rd16(o));
	EXPECT_EQ(44, rd16(o + 2));
	EXPECT_EQ(262, rd16(o + 4));
	EXPECT_EQ(4, rd16(o + 6));		/* scope: System, 4 bytes */
	EXPECT_EQ(8, rd16(o + 8));		/* options: 34 and 35 */
	EXPECT_EQ(1, rd16(o + 10));
	EXPECT_EQ(34, rd16(o + 14));
	EXPECT_EQ(35, rd16(o + 18));
	EXPECT_EQ(1, rd16(o + 20));
	EXPECT_EQ(263, rd16(o + 22));

	d = o + 44;
	EXPECT_EQ(262, rd16(d));
	EXPECT_EQ(16, rd16(d + 2));		/* 9 bytes + 3 padding */
	EXPECT_EQ(0x0102, rd32(d + 4));
	EXPECT_EQ(1, rd32(d + 8));		/* interval 1 */
	EXPECT_EQ(1, d[12]);			/* deterministic */
	EXPECT_EQ(263, rd16(d + 16));
	EXPECT_EQ(32, rd16(d + 18));

	d += 48;
	EXPECT_EQ(256, rd16(d));
	EXPECT_EQ(60, rd16(d + 2));
	EXPECT_EQ(0, memcmp(d + 4, rec256, sizeof(rec256)));
	EXPECT_EQ(0, d[59]);			/* padding */
}

TEST(sequence_per_packet_templates_every_n)
{
	struct pk_nf_cfg c = mk_cfg(PK_NF_V9);
	struct pktcap_flowrec r;
	struct pk_nf e;
	size_t used;
	uint32_t i;

	mk_v4(&r);
	c.tmpl_packets = 3;
	ASSERT_EQ(0, pk_nf_init(&e, &c, NOW_NS));
	for (i = 0; i < 7; i++) {
		bool tmpl = i % 3 == 0;
		ssize_t len = enc_at(&e, &r, 1, &used, NOW_NS);

		ASSERT_EQ(tmpl ? 380 : 80, len);
		EXPECT_EQ(i, rd32(buf + 12));
		EXPECT_EQ(tmpl ? 8 : 1, rd16(buf + 2));
		EXPECT_EQ(tmpl, find_set(buf, len, 20, 0, 0) != NULL);
	}
	EXPECT_EQ(3, pk_nf_stats(&e)->tmpl_packets);
}

TEST(templates_every_t_seconds)
{
	struct pk_nf_cfg c = mk_cfg(PK_NF_V9);
	struct pktcap_flowrec r;
	struct pk_nf e;
	size_t used;

	mk_v4(&r);
	c.tmpl_secs = 10;
	ASSERT_EQ(0, pk_nf_init(&e, &c, NOW_NS));
	EXPECT_EQ(380, enc_at(&e, &r, 1, &used, NOW_NS));
	EXPECT_EQ(80, enc_at(&e, &r, 1, &used, NOW_NS + 9999999999ULL));
	EXPECT_EQ(380, enc_at(&e, &r, 1, &used, NOW_NS + 10000000000ULL));
	EXPECT_EQ(80, enc_at(&e, &r, 1, &used, NOW_NS + 10000000000ULL));
	/* the clock stepped back: refresh rather than wait for ever */
	EXPECT_EQ(380, enc_at(&e, &r, 1, &used, NOW_NS));
	/* nothing to send but templates due: a template-only packet */
	pk_nf_tmpl_reset(&e);
	EXPECT_EQ(320, enc_at(&e, &r, 0, &used, NOW_NS));
	EXPECT_EQ(0, used);
	EXPECT_EQ(7, rd16(buf + 2));
	EXPECT_EQ(0, enc_at(&e, &r, 0, &used, NOW_NS));
}

TEST(stats_options_count_what_went_before)
{
	struct pk_nf_cfg c = mk_cfg(PK_NF_V9);
	struct pktcap_flowrec r;
	const uint8_t *d;
	struct pk_nf e;
	size_t used;
	ssize_t len;

	mk_v4(&r);
	c.tmpl_packets = 3;
	c.sampling = 64;
	c.sampling_random = true;
	ASSERT_EQ(0, pk_nf_init(&e, &c, NOW_NS));
	EXPECT_EQ(380, enc_at(&e, &r, 1, &used, NOW_NS));
	EXPECT_EQ(80, enc_at(&e, &r, 1, &used, NOW_NS));
	EXPECT_EQ(80, enc_at(&e, &r, 1, &used, NOW_NS));
	len = enc_at(&e, &r, 1, &used, NOW_NS);
	ASSERT_EQ(380, len);
	d = find_set(buf, len, 20, 262, 0);
	ASSERT_NE(NULL, d);
	EXPECT_EQ(64, rd32(d + 8));
	EXPECT_EQ(2, d[12]);			/* random */
	d = find_set(buf, len, 20, 263, 0);
	ASSERT_NE(NULL, d);
	EXPECT_EQ(0x0102, rd32(d + 4));
	EXPECT_EQ(380 + 80 + 80, rd64(d + 8));	/* TOTAL_BYTES_EXP */
	EXPECT_EQ(3, rd64(d + 16));		/* TOTAL_PKTS_EXP */
	EXPECT_EQ(3, rd64(d + 24));		/* TOTAL_FLOWS_EXP */
}

TEST(biflow_is_two_records_or_none)
{
	struct pk_nf_cfg c = mk_cfg(PK_NF_V9);
	struct pktcap_flowrec r;
	const uint8_t *d;
	struct pk_nf e;
	size_t used;

	mk_bi(&r);
	ASSERT_EQ(0, pk_nf_init(&e, &c, NOW_NS));
	ASSERT_EQ(320, enc_at(&e, &r, 0, &used, NOW_NS));	/* templates */
	/* 20 + 4 + 2 * 55 + padding 2 = 136: one byte less takes neither */
	EXPECT_EQ(-ENOSPC, pk_nf_encode(&e, &r, 1, &used, buf, 135, NOW_NS));
	EXPECT_EQ(0, used);
	EXPECT_EQ(136, pk_nf_encode(&e, &r, 1, &used, buf, 136, NOW_NS));
	EXPECT_EQ(1, used);
	EXPECT_EQ(2, rd16(buf + 2));
	d = buf + 24 + 55;
	EXPECT_EQ(0, memcmp(d, r.dst, 4));
	EXPECT_EQ(0, memcmp(d + 4, r.src, 4));
	EXPECT_EQ(80, rd16(d + 8));
	EXPECT_EQ(1234, rd16(d + 10));
	EXPECT_EQ(0x12, d[14]);
	EXPECT_EQ(8, rd64(d + 30));
	EXPECT_EQ(9000, rd64(d + 38));
	EXPECT_EQ(2, pk_nf_stats(&e)->records);
	EXPECT_EQ(1, pk_nf_stats(&e)->flows);
}

TEST(ipv6_template_uses_icmp_type_32)
{
	struct pk_nf_cfg c = mk_cfg(PK_NF_V9);
	struct pktcap_flowrec r;
	const uint8_t *t;
	struct pk_nf e;
	size_t used;

	mk_v6(&r);
	r.proto = 58;
	r.icmp_type = 128;
	ASSERT_EQ(0, pk_nf_init(&e, &c, NOW_NS));
	ASSERT_LT(0, enc_at(&e, &r, 1, &used, NOW_NS));
	t = buf + 20 + 4 + 80;
	EXPECT_EQ(257, rd16(t));
	EXPECT_EQ(27, rd16(t + 4));
	EXPECT_EQ(16, rd16(t + 6));
	EXPECT_EQ(32, rd16(t + 4 + 7 * 4));
	t = find_set(buf, 380 + 24, 20, 257, 0);
	ASSERT_NE(NULL, t);
	EXPECT_EQ(4 + 79 + 1, rd16(t + 2));
	EXPECT_EQ(0x8000, rd16(t + 4 + 39));
}

static unsigned int count_records(const uint8_t *buf, size_t len)
{
	static const unsigned int reclen[] = { 55, 79, 38 };
	unsigned int n = 0;
	size_t off = 20;

	while (off < len) {
		uint16_t id = rd16(buf + off), l = rd16(buf + off + 2);

		if (id >= 256 && id <= 258)
			n += (l - 4) / reclen[id - 256];
		off += l;
	}
	return n;
}

/* Mixed traffic at several MTUs: never over the limit, nothing lost. */
TEST(mtu_packing_mixed_traffic)
{
	static const struct { unsigned int mtu; bool v6; } cases[] = {
		{ 576, false }, { 1500, false }, { 1500, true }, { 9000, false },
	};
	struct pktcap_flowrec r[300];
	unsigned int k, i;

	for (i = 0; i < 300; i++) {
		if (i % 3 == 0)
			mk_v4(&r[i]);
		else if (i % 3 == 1)
			mk_v6(&r[i]);
		else
			mk_bi(&r[i]);
		if (i % 7 == 0)
			r[i].l3_proto = 0x88cc;		/* LLDP */
	}
	for (k = 0; k < 4; k++) {
		struct pk_nf_cfg c = mk_cfg(PK_NF_V9);
		size_t limit = cases[k].mtu - (cases[k].v6 ? 40 : 20) - 8;
		size_t off = 0, used, recs = 0, max = 0;
		struct pk_nf e;

		c.mtu = cases[k].mtu;
		c.collector_v6 = cases[k].v6;
		c.tmpl_packets = 4;
		ASSERT_EQ(0, pk_nf_init(&e, &c, NOW_NS));
		while (off < 300) {
			ssize_t len = enc_at(&e, r + off, 300 - off, &used, NOW_NS);

			ASSERT_LT(0, len);
			ASSERT_GE(limit, (size_t)len);
			ASSERT_LT(0, walk_sets(buf, len, 20));
			recs += count_records(buf, len);
			off += used;
			if ((size_t)len > max)
				max = len;
		}
		EXPECT_EQ(pk_nf_stats(&e)->records, recs);
		EXPECT_EQ(300 + 100, recs);	/* biflows are two */
		/* packing is tight: the fullest packet is near the limit */
		EXPECT_LT(limit - 90, max);
	}
}

/*
 * Found by fuzz_netflow: switching sets spends the old set's padding (2
 * bytes after two IPv4 records) before the new set's header; the space
 * check must count it. Buffers are exact-size heap blocks for ASan.
 */
TEST(set_switch_padding_fits_buffer)
{
	struct pk_nf_cfg c = mk_cfg(PK_NF_V9);
	struct pktcap_flowrec r[3];
	struct pk_nf e;
	uint8_t *b;
	size_t used;

	mk_v4(&r[0]);
	mk_v4(&r[1]);
	mk_v4(&r[2]);
	r[2].l3_proto = 0x0806;
	ASSERT_EQ(0, pk_nf_init(&e, &c, NOW_NS));
	ASSERT_EQ(320, enc_at(&e, r, 0, &used, NOW_NS));
	/*
	 * 20 + (4 + 110 + 2) + (4 + 38 + 2) = 180: 179 bytes must not take the
	 * third record (the old check did, and wrote one byte past the end)
	 */
	b = malloc(179);
	ASSERT_NE(NULL, b);
	EXPECT_EQ(136, pk_nf_encode(&e, r, 3, &used, b, 179, NOW_NS));
	EXPECT_EQ(2, used);
	free(b);
	b = malloc(180);
	ASSERT_NE(NULL, b);
	EXPECT_EQ(180, pk_nf_encode(&e, r, 3, &used, b, 180, NOW_NS));
	EXPECT_EQ(3, used);
	EXPECT_EQ(2, walk_sets(b, 180, 20));
	free(b);
}

/* Mixed families: one set per template per packet, not one per record. */
TEST(one_set_per_template)
{
	struct pk_nf_cfg c = mk_cfg(PK_NF_V9);
	struct pktcap_flowrec r[6];
	const uint8_t *d;
	struct pk_nf e;
	size_t used;
	ssize_t len;
	int i;

	for (i = 0; i < 6; i++) {
		if (i & 1)
			mk_v6(&r[i]);
		else
			mk_v4(&r[i]);
		r[i].packets = i;
	}
	ASSERT_EQ(0, pk_nf_init(&e, &c, NOW_NS));
	ASSERT_EQ(320, enc_at(&e, r, 0, &used, NOW_NS));
	len = enc_at(&e, r, 6, &used, NOW_NS);
	/* 20 + (4 + 3 * 55 + 3) + (4 + 3 * 79 + 3) */
	ASSERT_EQ(436, len);
	EXPECT_EQ(2, walk_sets(buf, len, 20));
	d = find_set(buf, len, 20, 256, 0);
	ASSERT_NE(NULL, d);
	EXPECT_EQ(0, rd64(d + 4 + 30));		/* input order kept */
	EXPECT_EQ(2, rd64(d + 4 + 55 + 30));
	EXPECT_EQ(4, rd64(d + 4 + 110 + 30));
}

TEST(init_rejects_bad_config)
{
	struct pk_nf_cfg c = mk_cfg(PK_NF_V9);
	struct pk_nf e;

	c.version = 7;
	EXPECT_EQ(-EINVAL, pk_nf_init(&e, &c, NOW_NS));
	c.version = PK_NF_V9;
	c.mtu = 500;
	EXPECT_EQ(-EINVAL, pk_nf_init(&e, &c, NOW_NS));
	c.mtu = 576;
	EXPECT_EQ(0, pk_nf_init(&e, &c, NOW_NS));
}

TEST_HARNESS_MAIN
