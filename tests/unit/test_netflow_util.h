/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the NetFlow/IPFIX unit tests: big-endian readers, flow
 * builders with values chosen to be recognisable in hex dumps, and a set
 * walker that checks the framing every v9/IPFIX packet must have.
 */
#ifndef _TEST_NETFLOW_UTIL_H
#define _TEST_NETFLOW_UTIL_H

#include <string.h>

#include "netflow.h"

#define NOW_NS		(1700000000ULL * 1000000000ULL + 250000000ULL)
#define BOOT_NS		(NOW_NS - 3600ULL * 1000000000ULL)	/* uptime 1 h */

static inline uint16_t rd16(const uint8_t *p)
{
	return p[0] << 8 | p[1];
}

static inline uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)rd16(p) << 16 | rd16(p + 2);
}

static inline uint64_t rd64(const uint8_t *p)
{
	return (uint64_t)rd32(p) << 32 | rd32(p + 4);
}

/* 192.0.2.1:1234 -> 198.51.100.2:80 TCP, 10 packets, 1500 bytes, 5 s long. */
static inline void mk_v4(struct pktcap_flowrec *r)
{
	static const uint8_t s[4] = { 192, 0, 2, 1 }, d[4] = { 198, 51, 100, 2 };

	memset(r, 0, sizeof(*r));
	r->l3_proto = PKTCAP_ETH_P_IP;
	memcpy(r->src, s, 4);
	memcpy(r->dst, d, 4);
	r->proto = 6;
	r->sport = 1234;
	r->dport = 80;
	r->ifindex = 3;
	r->vlan = 42;
	r->dscp = 46;			/* EF: ToS 0xb8 */
	r->packets = 10;
	r->bytes = 1500;
	r->first_ns = NOW_NS - 6000000000ULL;		/* uptime 3594000 ms */
	r->last_ns = NOW_NS - 1000000000ULL + 7000000;	/* uptime 3599007 ms */
	r->tcp_flags = 0x1b;
	r->ttl_min = 61;
	r->ttl_max = 64;
	r->end_reason = PKTCAP_FLOW_END_EOF;
	r->sampling = 1;
}

/* 2001:db8::1 -> 2001:db8::2 UDP 5353 -> 53. */
static inline void mk_v6(struct pktcap_flowrec *r)
{
	mk_v4(r);
	r->l3_proto = PKTCAP_ETH_P_IPV6;
	memset(r->src, 0, 16);
	memset(r->dst, 0, 16);
	r->src[0] = r->dst[0] = 0x20;
	r->src[1] = r->dst[1] = 0x01;
	r->src[2] = r->dst[2] = 0x0d;
	r->src[3] = r->dst[3] = 0xb8;
	r->src[15] = 1;
	r->dst[15] = 2;
	r->proto = 17;
	r->sport = 5353;
	r->dport = 53;
	r->tcp_flags = 0;
}

static inline void mk_bi(struct pktcap_flowrec *r)
{
	mk_v4(r);
	r->flags |= PKTCAP_FLOWREC_F_BIDIR;
	r->rev_packets = 8;
	r->rev_bytes = 9000;
	r->rev_tcp_flags = 0x12;
}

static inline struct pk_nf_cfg mk_cfg(unsigned int version)
{
	struct pk_nf_cfg c;

	memset(&c, 0, sizeof(c));
	c.version = version;
	c.domain = 0x0102;
	c.boot_ns = BOOT_NS;
	c.sampling = 1;
	return c;
}

/*
 * Walk the sets after a @hdr byte header: every set at least 4 bytes,
 * a multiple of 4, inside the packet, and together exactly the packet.
 * Returns the number of sets, or -1 on a framing error.
 */
static inline int walk_sets(const uint8_t *buf, size_t len, size_t hdr)
{
	size_t off = hdr;
	int n = 0;

	while (off < len) {
		uint16_t l;

		if (len - off < 4)
			return -1;
		l = rd16(buf + off + 2);
		if (l < 4 || (l & 3) || l > len - off)
			return -1;
		off += l;
		n++;
	}
	return off == len ? n : -1;
}

/* The @nth (0-based) set with id @id, or NULL. */
static inline const uint8_t *find_set(const uint8_t *buf, size_t len,
				      size_t hdr, uint16_t id, int nth)
{
	size_t off = hdr;

	while (off + 4 <= len) {
		if (rd16(buf + off) == id && nth-- == 0)
			return buf + off;
		if (rd16(buf + off + 2) < 4)
			return NULL;
		off += rd16(buf + off + 2);
	}
	return NULL;
}

#endif /* _TEST_NETFLOW_UTIL_H */
