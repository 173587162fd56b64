// SPDX-License-Identifier: GPL-2.0
/*
 * NetFlow v5 encoder: the 24-byte header and 48-byte record of Cisco's
 * layout byte for byte, flow_sequence, packing, what v5 cannot carry.
 */
#include <errno.h>

#include "test_netflow_util.h"
#include "kselftest_harness.h"

static uint8_t buf[65536];

static ssize_t enc(struct pk_nf *e, const struct pktcap_flowrec *r, size_t n,
		   size_t *used)
{
	return pk_nf_encode(e, r, n, used, buf, sizeof(buf), NOW_NS);
}

TEST(header_and_record_bytes)
{
	static const uint8_t want_hdr[24] = {
		0x00, 0x05, 0x00, 0x01,			/* version 5, count 1 */
		0x00, 0x36, 0xee, 0x80,			/* sysUptime 3600000 ms */
		0x65, 0x53, 0xf1, 0x00,			/* unix_secs 1700000000 */
		0x0e, 0xe6, 0xb2, 0x80,			/* unix_nsecs 250000000 */
		0x00, 0x00, 0x00, 0x00,			/* flow_sequence 0 */
		0x01, 0x02,				/* engine type 1, id 2 */
		0x00, 0x00,				/* not sampled */
	};
	static const uint8_t want_rec[48] = {
		192, 0, 2, 1,  198, 51, 100, 2,		/* srcaddr, dstaddr */
		0, 0, 0, 0,				/* nexthop */
		0x00, 0x03, 0x00, 0x00,			/* input 3, output 0 */
		0x00, 0x00, 0x00, 0x0a,			/* dPkts 10 */
		0x00, 0x00, 0x05, 0xdc,			/* dOctets 1500 */
		0x00, 0x36, 0xd7, 0x10,			/* First 3594000 */
		0x00, 0x36, 0xea, 0x9f,			/* Last 3599007 */
		0x04, 0xd2, 0x00, 0x50,			/* ports 1234 -> 80 */
		0x00, 0x1b, 0x06, 0xb8,			/* pad, flags, TCP, ToS EF */
		0, 0, 0, 0,  0, 0,  0, 0,		/* AS, masks, pad2 */
	};
	struct pk_nf_cfg c = mk_cfg(PK_NF_V5);
	struct pktcap_flowrec r;
	struct pk_nf e;
	size_t used;

	mk_v4(&r);
	ASSERT_EQ(0, pk_nf_init(&e, &c, NOW_NS));
	ASSERT_EQ(72, enc(&e, &r, 1, &used));
	EXPECT_EQ(1, used);
	EXPECT_EQ(0, memcmp(buf, want_hdr, 24));
	EXPECT_EQ(0, memcmp(buf + 24, want_rec, 48));
}

TEST(outgoing_flow_uses_output_interface_icmp_in_dport)
{
	struct pk_nf_cfg c = mk_cfg(PK_NF_V5);
	struct pktcap_flowrec r;
	struct pk_nf e;
	size_t used;

	mk_v4(&r);
	r.direction = PKTCAP_DIR_OUT;
	r.proto = 1;
	r.icmp_type = 3;
	r.icmp_code = 4;
	ASSERT_EQ(0, pk_nf_init(&e, &c, NOW_NS));
	ASSERT_EQ(72, enc(&e, &r, 1, &used));
	EXPECT_EQ(0, rd16(buf + 24 + 12));
	EXPECT_EQ(3, rd16(buf + 24 + 14));
	EXPECT_EQ(0, rd16(buf + 24 + 32));
	EXPECT_EQ(0x0304, rd16(buf + 24 + 34));
}

TEST(flow_sequence_counts_flows_before_packet)
{
	struct pk_nf_cfg c = mk_cfg(PK_NF_V5);
	struct pktcap_flowrec r[70];
	uint32_t want_seq[] = { 0, 30, 60 }, want_cnt[] = { 30, 30, 10 };
	size_t off = 0, used, i;
	struct pk_nf e;

	for (i = 0; i < 70; i++)
		mk_v4(&r[i]);
	ASSERT_EQ(0, pk_nf_init(&e, &c, NOW_NS));
	for (i = 0; i < 3; i++) {
		ssize_t len = enc(&e, r + off, 70 - off, &used);

		ASSERT_EQ(24 + 48 * want_cnt[i], len);
		EXPECT_EQ(want_cnt[i], rd16(buf + 2));
		EXPECT_EQ(want_seq[i], rd32(buf + 16));
		off += used;
	}
	EXPECT_EQ(70, off);
	EXPECT_EQ(0, enc(&e, r, 0, &used));
	EXPECT_EQ(3, pk_nf_stats(&e)->packets);
	EXPECT_EQ(70, pk_nf_stats(&e)->records);
}

TEST(v6_and_non_ip_skipped_and_counted)
{
	struct pk_nf_cfg c = mk_cfg(PK_NF_V5);
	struct pktcap_flowrec r[4];
	struct pk_nf e;
	size_t used;

	mk_v4(&r[0]);
	mk_v6(&r[1]);
	mk_v4(&r[2]);
	mk_v4(&r[3]);
	r[3].l3_proto = 0x0806;
	ASSERT_EQ(0, pk_nf_init(&e, &c, NOW_NS));
	ASSERT_EQ(24 + 2 * 48, enc(&e, r, 4, &used));
	EXPECT_EQ(4, used);
	EXPECT_EQ(2, rd16(buf + 2));
	EXPECT_EQ(1, pk_nf_stats(&e)->skipped_v6);
	EXPECT_EQ(1, pk_nf_stats(&e)->skipped_l2);
	EXPECT_EQ(4, pk_nf_stats(&e)->flows);
	/* only unexportable flows: nothing to send, but they are consumed */
	EXPECT_EQ(0, enc(&e, &r[1], 1, &used));
	EXPECT_EQ(1, used);
	EXPECT_EQ(2, pk_nf_stats(&e)->skipped_v6);
}

TEST(mtu_bounds_the_packet)
{
	struct pk_nf_cfg c = mk_cfg(PK_NF_V5);
	struct pktcap_flowrec r[40];
	struct pk_nf e;
	size_t used, i;

	for (i = 0; i < 40; i++)
		mk_v4(&r[i]);
	c.mtu = 576;		/* 548 bytes of payload: 10 records */
	ASSERT_EQ(0, pk_nf_init(&e, &c, NOW_NS));
	EXPECT_EQ(24 + 10 * 48, enc(&e, r, 40, &used));
	EXPECT_EQ(10, used);
	c.mtu = 1500;
	c.collector_v6 = true;	/* 1452 bytes: 29 records */
	ASSERT_EQ(0, pk_nf_init(&e, &c, NOW_NS));
	EXPECT_EQ(24 + 29 * 48, enc(&e, r, 40, &used));
	/* and the caller's buffer bounds it too */
	EXPECT_EQ(24 + 2 * 48, pk_nf_encode(&e, r, 40, &used, buf, 24 + 2 * 48 + 47, NOW_NS));
	EXPECT_EQ(-ENOSPC, pk_nf_encode(&e, r, 40, &used, buf, 71, NOW_NS));
	EXPECT_EQ(0, used);
	c.mtu = 575;
	EXPECT_EQ(-EINVAL, pk_nf_init(&e, &c, NOW_NS));
}

TEST(biflow_becomes_two_records_never_split)
{
	struct pk_nf_cfg c = mk_cfg(PK_NF_V5);
	struct pktcap_flowrec r[30];
	struct pk_nf e;
	uint8_t *rev = buf + 24 + 48;
	size_t used, i;

	for (i = 0; i < 30; i++)
		mk_v4(&r[i]);
	mk_bi(&r[0]);
	mk_bi(&r[29]);
	ASSERT_EQ(0, pk_nf_init(&e, &c, NOW_NS));
	/* 2 + 28 = 30 records; the second biflow waits for the next packet */
	ASSERT_EQ(24 + 30 * 48, enc(&e, r, 30, &used));
	EXPECT_EQ(29, used);
	EXPECT_EQ(0, memcmp(rev, r[0].dst, 4));
	EXPECT_EQ(0, memcmp(rev + 4, r[0].src, 4));
	EXPECT_EQ(8, rd32(rev + 16));
	EXPECT_EQ(9000, rd32(rev + 20));
	EXPECT_EQ(80, rd16(rev + 32));
	EXPECT_EQ(1234, rd16(rev + 34));
	EXPECT_EQ(0x12, rev[37]);
	ASSERT_EQ(24 + 2 * 48, enc(&e, r + 29, 1, &used));
	EXPECT_EQ(30, rd32(buf + 16));
}

TEST(counters_saturate_and_are_counted)
{
	struct pk_nf_cfg c = mk_cfg(PK_NF_V5);
	struct pktcap_flowrec r;
	struct pk_nf e;
	size_t used;

	mk_v4(&r);
	r.packets = 1ULL << 33;
	r.bytes = 5000000000ULL;
	r.ifindex = 70000;
	c.sampling = 100;
	ASSERT_EQ(0, pk_nf_init(&e, &c, NOW_NS));
	ASSERT_EQ(72, enc(&e, &r, 1, &used));
	EXPECT_EQ(0xffffffff, rd32(buf + 24 + 16));
	EXPECT_EQ(0xffffffff, rd32(buf + 24 + 20));
	EXPECT_EQ(0, rd16(buf + 24 + 12));
	EXPECT_EQ(3, pk_nf_stats(&e)->clamped);
	EXPECT_EQ(0x4000 | 100, rd16(buf + 22));
	c.sampling_random = true;
	ASSERT_EQ(0, pk_nf_init(&e, &c, NOW_NS));
	ASSERT_EQ(72, enc(&e, &r, 1, &used));
	EXPECT_EQ(0x8000 | 100, rd16(buf + 22));
}

TEST(flows_before_boot_clamp_to_zero)
{
	struct pk_nf_cfg c = mk_cfg(PK_NF_V5);
	struct pktcap_flowrec r;
	struct pk_nf e;
	size_t used;

	mk_v4(&r);
	r.first_ns = BOOT_NS - 1;
	ASSERT_EQ(0, pk_nf_init(&e, &c, NOW_NS));
	ASSERT_EQ(72, enc(&e, &r, 1, &used));
	EXPECT_EQ(0, rd32(buf + 24 + 24));
	/* default boot: an hour before init */
	c.boot_ns = 0;
	ASSERT_EQ(0, pk_nf_init(&e, &c, NOW_NS));
	ASSERT_EQ(72, enc(&e, &r, 1, &used));
	EXPECT_EQ(3600000, rd32(buf + 4));
}

TEST_HARNESS_MAIN
