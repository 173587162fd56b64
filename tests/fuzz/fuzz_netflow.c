// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz the NetFlow v5 / v9 / IPFIX encoders. The input is a stream
 * configuration (version, MTU, refresh, sampling, caller buffer size) and
 * then flow records; they are exported packet by packet into a heap buffer
 * of exactly the caller's size (so ASan sees any write past it), and every
 * packet is parsed back to check the invariants:
 *   - never longer than the buffer nor than the MTU rule allows;
 *   - progress: a call consumes a record or returns an error or templates;
 *   - v5: 24 + 48 * count bytes, count <= 30, flow_sequence = records before;
 *   - v9/IPFIX: sets of known ids, each >= 4 bytes and a multiple of 4,
 *     exactly filling the packet, data sets holding whole records plus
 *     < 4 zero bytes of padding; v9 count and IPFIX length and sequence
 *     match what the packet holds.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "netflow.h"

struct in {
	const uint8_t *p;
	size_t left;
};

static uint64_t take(struct in *in, size_t n)
{
	uint64_t v = 0;

	while (n--) {
		v = v << 8 | (in->left ? *in->p : 0);
		if (in->left) {
			in->p++;
			in->left--;
		}
	}
	return v;
}

static void take_rec(struct in *in, struct pktcap_flowrec *r)
{
	static const uint16_t l3[] = { PKTCAP_ETH_P_IP, PKTCAP_ETH_P_IPV6, 0x0806, 0 };
	uint8_t sel = take(in, 1);

	memset(r, 0, sizeof(*r));
	r->l3_proto = l3[sel & 3];
	r->flags = sel >> 2 & 3;
	r->direction = sel >> 4 & 1;
	r->proto = sel & 0x20 ? 1 : take(in, 1);
	memcpy(r->src, in->p, in->left < 16 ? in->left : 16);
	take(in, 4);
	r->dst[0] = take(in, 1);
	r->sport = take(in, 2);
	r->dport = take(in, 2);
	r->packets = take(in, sel & 0x40 ? 8 : 2);
	r->bytes = take(in, sel & 0x80 ? 8 : 3);
	r->rev_packets = take(in, 1);
	r->rev_bytes = take(in, 2);
	r->first_ns = take(in, 8);
	r->last_ns = take(in, 8);
	r->ifindex = take(in, 4);
	r->out_ifindex = take(in, 1);
	r->vlan = take(in, 2);
	r->icmp_type = take(in, 1);
	r->dscp = take(in, 1);
	r->tcp_flags = take(in, 1);
	r->end_reason = take(in, 1);
}

static void take_cfg(struct in *in, struct pk_nf_cfg *c, size_t *buflen)
{
	static const unsigned int ver[] = { PK_NF_V5, PK_NF_V9, PK_NF_IPFIX, 7 };
	uint8_t sel = take(in, 1);

	memset(c, 0, sizeof(*c));
	c->version = ver[sel & 3];
	c->collector_v6 = sel & 4;
	c->sampling_random = sel & 8;
	c->mtu = take(in, 2);
	c->tmpl_packets = take(in, 1) % 8;
	c->tmpl_secs = take(in, 1) % 4;
	c->sampling = take(in, 2);
	c->domain = take(in, 4);
	c->boot_ns = take(in, 8);
	*buflen = take(in, 2);
}

static uint16_t rd16(const uint8_t *p)
{
	return p[0] << 8 | p[1];
}

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)rd16(p) << 16 | rd16(p + 2);
}

#define CHECK(x) do { if (!(x)) abort(); } while (0)

/* Sets of a v9/IPFIX packet; *data: the data records in them. */
static void check_sets(const struct pk_nf *e, const uint8_t *b,
			       size_t len, size_t off, bool ipfix,
			       unsigned int *data)
{
	uint16_t tset = ipfix ? 2 : 0, oset = ipfix ? 3 : 1;

	*data = 0;
	while (off < len) {
		uint16_t id, l;
		size_t k;

		CHECK(len - off >= 4);
		id = rd16(b + off);
		l = rd16(b + off + 2);
		CHECK(l >= 4 && !(l & 3) && l <= len - off);
		if (id == tset || id == oset) {
			CHECK(e->tmpl_block_len);
		} else {
			const struct pk_nf_tmpl *t = pk_nf_tmpl_get(e, id);
			size_t n;

			CHECK(t && t->reclen);
			n = (l - 4) / t->reclen;
			CHECK(n >= 1 && l - 4 - n * t->reclen < 4);
			for (k = 4 + n * t->reclen; k < l; k++)
				CHECK(b[off + k] == 0);
			*data += n;
		}
		off += l;
	}
}

static void check_packet(const struct pk_nf *e, const uint8_t *b, size_t len,
			 const struct pk_nf_stats *before)
{
	unsigned int data, count;

	switch (e->cfg.version) {
	case PK_NF_V5:
		count = rd16(b + 2);
		CHECK(rd16(b) == 5 && count >= 1 && count <= 30);
		CHECK(len == 24 + 48 * (size_t)count);
		CHECK(rd32(b + 16) == (uint32_t)before->records);
		break;
	case PK_NF_V9:
		CHECK(len >= 20 && rd16(b) == 9);
		check_sets(e, b, len, 20, false, &data);
		count = rd16(b + 2) - data;
		CHECK(count == 0 || count == e->tmpl_block_recs);
		CHECK(rd32(b + 12) == (uint32_t)before->packets);
		break;
	default:
		CHECK(len >= 16 && rd16(b) == 10 && rd16(b + 2) == len);
		check_sets(e, b, len, 16, true, &data);
		CHECK(rd32(b + 8) == (uint32_t)before->data_records);
		CHECK(e->st.data_records - before->data_records == data);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct in in = { data, size };
	struct pktcap_flowrec recs[64];
	struct pk_nf_stats before;
	size_t n = 0, off = 0, used, buflen;
	struct pk_nf_cfg cfg;
	uint64_t now;
	struct pk_nf e;
	uint8_t *buf;
	ssize_t len;

	take_cfg(&in, &cfg, &buflen);
	now = take(&in, 8);
	while (in.left && n < 64)
		take_rec(&in, &recs[n++]);
	if (pk_nf_init(&e, &cfg, now))
		return 0;
	buf = malloc(buflen ? buflen : 1);
	/* every record, then one call with none (a template-only packet) */
	do {
		before = e.st;
		len = pk_nf_encode(&e, recs + off, n - off, &used, buf, buflen, now);
		CHECK(used <= n - off);
		if (len < 0) {
			CHECK(len == -ENOSPC && used == 0);
			break;
		}
		CHECK((size_t)len <= buflen && (size_t)len <= e.max_payload);
		if (len > 0)
			check_packet(&e, buf, len, &before);
		else
			CHECK(used > 0 || off == n);
		off += used;
		now += 1000000000ULL;
	} while (off < n || used);
	CHECK(e.st.flows == off);
	free(buf);
	return 0;
}
