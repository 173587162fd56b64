/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pktcap flow meter: the packet parser.
 *
 * pktcap_flow_parse() turns the first bytes of a frame into the flow key the
 * meter aggregates packets under, and the per-packet values it accumulates.
 * It is a pure function of its arguments (no skb, no allocation, no locks),
 * builds in the module and on the host through pure.h, and never reads a
 * byte outside [frame, frame + len). docs/FLOW-KEY.md describes the rules;
 * they are repeated next to the code that implements them in flow_parse.c.
 */
#ifndef _PKTCAP_FLOW_PARSE_H
#define _PKTCAP_FLOW_PARSE_H

#include "pure.h"

#include <linux/if_ether.h>
#include <linux/in.h>

/*
 * Bytes of a frame a caller should hand to the parser: enough for Ethernet,
 * two VLAN tags, IPv6 with a few extension headers and a TCP header. The
 * parser accepts any len; this is only the recommended copy size.
 */
#define PKTCAP_PARSE_MAX	256

/* IPv6 extension headers walked before giving up (PKTCAP_PARSE_EXTHDR_LIMIT). */
#define PKTCAP_PARSE_EXTHDR_MAX	8

/* VLAN tags (802.1Q or 802.1ad) skipped inside the frame. */
#define PKTCAP_PARSE_VLAN_MAX	2

/*
 * key.l3proto of an IEEE 802.3 frame, whose type field is a length
 * (< 0x0600): Linux's ETH_P_802_3, never a real ethertype.
 */
#define PKTCAP_L3_802_3		0x0001

/**
 * enum pktcap_parse_result - what pktcap_flow_parse() returns
 * @PKTCAP_PARSE_OK: every header the key needs was parsed
 * @PKTCAP_PARSE_TRUNCATED: a header went past @len (the buffer) but not past
 *	the packet: the key holds what was known; counted in
 *	%PKTCAP_A_METRICS_PARSE_TRUNCATED
 * @PKTCAP_PARSE_BAD_HEADER: a header is malformed or claims more bytes than
 *	the packet has; counted in %PKTCAP_A_METRICS_PARSE_BAD_HEADER
 * @PKTCAP_PARSE_EXTHDR_LIMIT: more than %PKTCAP_PARSE_EXTHDR_MAX IPv6
 *	extension headers; counted in %PKTCAP_A_METRICS_PARSE_EXTHDR_LIMIT
 * @PKTCAP_PARSE_NR_RESULTS: number of results, not a result
 *
 * Whatever the result, the key and packet values are fully written and
 * usable: the meter meters every packet and counts the results that are
 * not OK, so that no packet is lost silently.
 */
enum pktcap_parse_result {
	PKTCAP_PARSE_OK,
	PKTCAP_PARSE_TRUNCATED,
	PKTCAP_PARSE_BAD_HEADER,
	PKTCAP_PARSE_EXTHDR_LIMIT,
	PKTCAP_PARSE_NR_RESULTS,
};

/**
 * enum pktcap_link - the link layer at the start of the frame
 * @PKTCAP_LINK_ETHER: an Ethernet header (ARPHRD_ETHER, ARPHRD_LOOPBACK)
 * @PKTCAP_LINK_RAW: none: the frame starts with the network header
 *	(ARPHRD_NONE as tun, ARPHRD_RAWIP, ipip, wireguard ...)
 */
enum pktcap_link {
	PKTCAP_LINK_ETHER,
	PKTCAP_LINK_RAW,
};

/**
 * struct pktcap_parse_meta - what the caller knows about the frame
 * @ifindex: the device, copied into the key
 * @wire_len: length of the whole frame from its first byte (link header
 *	included), at least @len; a smaller value is taken as @len
 * @vlan_tci: the VLAN tag the device stripped (skb_vlan_tag_get()), valid
 *	when @vlan_present
 * @protocol: %PKTCAP_LINK_RAW only: the L3 protocol (skb->protocol in host
 *	order) when known, 0 to derive it from the IP version nibble
 * @link: &enum pktcap_link
 * @direction: %PKTCAP_DIR_IN or %PKTCAP_DIR_OUT, copied into the key
 * @vlan_present: 1 if @vlan_tci holds an out-of-band tag
 * @reserved: zero
 */
struct pktcap_parse_meta {
	u32 ifindex;
	u32 wire_len;
	u16 vlan_tci;
	u16 protocol;
	u8 link;
	u8 direction;
	u8 vlan_present;
	u8 reserved;
};

/**
 * struct pktcap_flow_key - the flow key, hashed and compared as bytes
 * @src: source address; IPv4 in the first 4 bytes (network order), the
 *	other 12 bytes zero; IPv6 all 16 bytes
 * @dst: destination address, as @src
 * @ifindex: &pktcap_parse_meta.ifindex
 * @vlan: VLAN id (12 bits) of the outermost tag, out-of-band tag first;
 *	0 when untagged
 * @l3proto: ethertype in host order after the VLAN tags: 0x0800, 0x86dd,
 *	0x0806 ...; %PKTCAP_L3_802_3 for 802.3 length frames; 0 if unknown
 * @sport: source port (TCP, UDP, UDP-Lite, SCTP, DCCP), host order; 0 for
 *	ICMP and ICMPv6
 * @dport: destination port; for ICMP and ICMPv6 type << 8 | code
 * @proto: IP protocol (for IPv6 the upper-layer protocol after the
 *	extension headers)
 * @dscp: DSCP, the upper 6 bits of the IPv4 TOS or IPv6 traffic class
 * @direction: &pktcap_parse_meta.direction
 * @reserved: always zero
 *
 * No padding: %PKTCAP_FLOW_KEY_SIZE bytes, a multiple of 8 and 8-byte
 * aligned, so jhash2(key, PKTCAP_FLOW_KEY_SIZE / 4, seed), memcmp() and a
 * compare by u64 words work on it. pktcap_flow_parse() writes every byte;
 * fields a frame does not have are zero.
 */
struct pktcap_flow_key {
	u8 src[16];
	u8 dst[16];
	u32 ifindex;
	u16 vlan;
	u16 l3proto;
	u16 sport;
	u16 dport;
	u8 proto;
	u8 dscp;
	u8 direction;
	u8 reserved;
} __aligned(8);

#define PKTCAP_FLOW_KEY_SIZE	48
static_assert(sizeof(struct pktcap_flow_key) == PKTCAP_FLOW_KEY_SIZE,
	      "struct pktcap_flow_key has a padding hole");

/* &pktcap_flow_pkt.flags */
#define PKTCAP_PKT_F_L3		0x01	/* IP header parsed: addresses, proto, dscp, ttl */
#define PKTCAP_PKT_F_L4		0x02	/* ports or ICMP type/code read */
#define PKTCAP_PKT_F_TCP_FLAGS	0x04	/* tcp_flags valid */
#define PKTCAP_PKT_F_FRAG	0x08	/* an IP fragment (MF set or offset != 0) */
#define PKTCAP_PKT_F_FRAG_LATER	0x10	/* offset != 0: no L4 header, ports 0 */

/**
 * struct pktcap_flow_pkt - per-packet values the meter accumulates
 * @l3_len: bytes to meter: the IP length (IPv4 total length, IPv6 payload
 *	length + 40) capped at the bytes on the wire; the frame length
 *	(&pktcap_parse_meta.wire_len) for a frame that is not IP
 * @l3_off: offset of the network header in the frame, 0 if not reached
 * @l4_off: offset of the transport header, 0 if not reached
 * @tcp_flags: TCP header byte 13: CWR ECE URG ACK PSH RST SYN FIN
 * @ttl: IPv4 TTL or IPv6 hop limit
 * @flags: %PKTCAP_PKT_F_*
 * @reserved: zero
 */
struct pktcap_flow_pkt {
	u32 l3_len;
	u16 l3_off;
	u16 l4_off;
	u8 tcp_flags;
	u8 ttl;
	u8 flags;
	u8 reserved;
};

#define PKTCAP_FLOW_PKT_SIZE	12
static_assert(sizeof(struct pktcap_flow_pkt) == PKTCAP_FLOW_PKT_SIZE,
	      "struct pktcap_flow_pkt has a padding hole");

int pktcap_flow_parse(const u8 *frame, unsigned int len,
		      const struct pktcap_parse_meta *meta,
		      struct pktcap_flow_key *key, struct pktcap_flow_pkt *pkt);

/* Header constants of both parsers, flow_parse.c's and the inline one. */
#define FP_VLAN_VID_MASK	0x0fff
#define FP_IPV4_HLEN		20
#define FP_IPV4_MF		0x2000
#define FP_IPV4_OFFSET		0x1fff
#define FP_TCP_HLEN		20

/*
 * The key of a frame with no header parsed yet: the caller's fields, zero
 * elsewhere. Field by field: one 48-byte memset() is a "rep stos" under
 * GCC's generic tuning, which takes longer to start than these stores.
 */
static __always_inline void fp_key_init(struct pktcap_flow_key *key,
					const struct pktcap_parse_meta *meta)
{
	memset(key->src, 0, sizeof(key->src));
	memset(key->dst, 0, sizeof(key->dst));
	key->ifindex = meta->ifindex;
	key->vlan = meta->vlan_present ? meta->vlan_tci & FP_VLAN_VID_MASK : 0;
	key->l3proto = 0;
	key->sport = 0;
	key->dport = 0;
	key->proto = 0;
	key->dscp = 0;
	key->direction = meta->direction;
	key->reserved = 0;
}

/*
 * The frame most links carry most of the time, parsed inline: Ethernet
 * without an in-band VLAN tag, IPv4 without options and not a fragment,
 * then TCP or UDP, every header inside both @len and the packet. Its
 * result is the one pktcap_flow_parse() gives (tests/unit and
 * tests/fuzz compare them byte for byte); every other frame goes there.
 * Inline because the general parser's call, prologue and switches cost
 * the meter more than the parse itself: bench FINDINGS item 15.
 */
static __always_inline bool
pktcap_flow_parse_ipv4_fast(const u8 *frame, unsigned int len,
			    const struct pktcap_parse_meta *meta,
			    struct pktcap_flow_key *key,
			    struct pktcap_flow_pkt *pkt)
{
	unsigned int avail, tot, doff;
	u8 proto, tcp_flags = 0;
	const u8 *iph, *l4;

	/* ports inside the buffer; the TCP header's 20 bytes are checked below */
	if (meta->link != PKTCAP_LINK_ETHER ||
	    len < ETH_HLEN + FP_IPV4_HLEN + 4)
		return false;
	/* pointers only into the buffer: @frame may be NULL when @len is 0 */
	iph = frame + ETH_HLEN;
	l4 = iph + FP_IPV4_HLEN;
	if (get_unaligned_be16(frame + 12) != ETH_P_IP ||
	    iph[0] != (4 << 4 | FP_IPV4_HLEN / 4) ||
	    get_unaligned_be16(iph + 6) & (FP_IPV4_MF | FP_IPV4_OFFSET))
		return false;
	tot = get_unaligned_be16(iph + 2);
	avail = max_t(unsigned int, meta->wire_len, len) - ETH_HLEN;
	if (tot < FP_IPV4_HLEN)		/* 0 (BIG TCP) or malformed */
		return false;
	avail = min_t(unsigned int, avail, tot);
	proto = iph[9];
	if (proto == IPPROTO_TCP) {
		if (len < ETH_HLEN + FP_IPV4_HLEN + FP_TCP_HLEN ||
		    avail < FP_IPV4_HLEN + FP_TCP_HLEN)
			return false;
		doff = (l4[12] >> 4) * 4;
		if (doff < FP_TCP_HLEN || FP_IPV4_HLEN + doff > avail)
			return false;
		tcp_flags = l4[13];
	} else if (proto != IPPROTO_UDP || avail < FP_IPV4_HLEN + 4) {
		return false;
	}

	fp_key_init(key, meta);
	memcpy(key->src, iph + 12, 4);
	memcpy(key->dst, iph + 16, 4);
	key->l3proto = ETH_P_IP;
	key->sport = get_unaligned_be16(l4);
	key->dport = get_unaligned_be16(l4 + 2);
	key->proto = proto;
	key->dscp = iph[1] >> 2;
	pkt->l3_len = avail;
	pkt->l3_off = ETH_HLEN;
	pkt->l4_off = ETH_HLEN + FP_IPV4_HLEN;
	pkt->tcp_flags = tcp_flags;
	pkt->ttl = iph[8];
	pkt->flags = PKTCAP_PKT_F_L3 | PKTCAP_PKT_F_L4 |
		     (proto == IPPROTO_TCP ? PKTCAP_PKT_F_TCP_FLAGS : 0);
	pkt->reserved = 0;
	return true;
}

/* pktcap_flow_parse(), with the common frame inline. */
static __always_inline int
pktcap_flow_parse_fast(const u8 *frame, unsigned int len,
		       const struct pktcap_parse_meta *meta,
		       struct pktcap_flow_key *key, struct pktcap_flow_pkt *pkt)
{
	if (likely(pktcap_flow_parse_ipv4_fast(frame, len, meta, key, pkt)))
		return PKTCAP_PARSE_OK;
	return pktcap_flow_parse(frame, len, meta, key, pkt);
}

#endif /* _PKTCAP_FLOW_PARSE_H */
