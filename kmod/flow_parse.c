// SPDX-License-Identifier: GPL-2.0
/*
 * pktcap flow meter: the packet parser (see flow_parse.h, docs/FLOW-KEY.md).
 *
 * General rules:
 *
 *  - Every read goes through fp_need(), which checks it against two ends:
 *    the end of the packet (first the frame's wire length, then the end the
 *    IP length gives) and the end of the buffer (len). A header past the
 *    end of the packet is a BAD_HEADER: the packet itself is malformed. A
 *    header inside the packet but past len is TRUNCATED: the caller's copy
 *    was too short.
 *  - The key is zeroed first and filled as headers are parsed, so whatever
 *    the result it holds exactly the fields of the headers that were fully
 *    parsed before parsing stopped: the packet is metered under that
 *    (partial) key and the result is counted by the caller.
 *  - A BAD_HEADER in the fixed IPv4 or IPv6 header leaves no L3 field in
 *    the key: the packet is metered like a non-IP frame of its ethertype.
 *    A BAD_HEADER or TRUNCATED later (IPv4 options, IPv6 extension headers,
 *    the transport header) keeps the addresses, DSCP and the protocol of
 *    the last header reached.
 *  - Nothing is checksummed: the stack does that, the meter only counts.
 */
#include "flow_parse.h"

#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/in6.h>

#define FP_VLAN_HLEN		4
#define FP_IPV6_HLEN		40
#define FP_IPV6_FRAG_HLEN	8
#define FP_IPV6_FRAG_MF		0x0001

struct fp_ctx {
	const u8 *frame;
	unsigned int len;	/* bytes readable at frame */
	unsigned int end;	/* end of the packet, from frame */
};

/* May [off, off + n) be read? PKTCAP_PARSE_OK, or why not. */
static int fp_need(const struct fp_ctx *c, unsigned int off, unsigned int n)
{
	if (unlikely(off > c->end || n > c->end - off))
		return PKTCAP_PARSE_BAD_HEADER;
	if (unlikely(off > c->len || n > c->len - off))
		return PKTCAP_PARSE_TRUNCATED;
	return PKTCAP_PARSE_OK;
}

/*
 * Ethernet. Up to PKTCAP_PARSE_VLAN_MAX in-band tags (802.1Q 0x8100 or
 * 802.1ad 0x88a8, in any order) are skipped; a further tag is not looked
 * into and its TPID becomes l3proto. The key's VLAN id is the outermost
 * tag's: the out-of-band tag when the device stripped one (it was outside
 * every in-band tag), else the first in-band tag; with QinQ that is the
 * service (outer) VLAN. Priority bits are not part of the key, and VID 0
 * (priority tagged) is the same as untagged. A type below 0x0600 is an
 * 802.3 length: l3proto PKTCAP_L3_802_3.
 */
static int fp_ether(const struct fp_ctx *c, const struct pktcap_parse_meta *meta,
		    struct pktcap_flow_key *key, unsigned int *off, u16 *proto)
{
	bool have_vlan = meta->vlan_present;
	unsigned int o = ETH_HLEN;
	unsigned int tags;
	u16 type;
	int ret;

	ret = fp_need(c, 0, ETH_HLEN);
	if (ret)
		return ret;
	type = get_unaligned_be16(c->frame + 12);

	for (tags = 0; tags < PKTCAP_PARSE_VLAN_MAX; tags++) {
		if (type != ETH_P_8021Q && type != ETH_P_8021AD)
			break;
		ret = fp_need(c, o, FP_VLAN_HLEN);
		if (ret)
			return ret;
		if (!have_vlan) {
			key->vlan = get_unaligned_be16(c->frame + o) &
				    FP_VLAN_VID_MASK;
			have_vlan = true;
		}
		type = get_unaligned_be16(c->frame + o + 2);
		o += FP_VLAN_HLEN;
	}

	if (type < ETH_P_802_3_MIN)
		type = PKTCAP_L3_802_3;
	*off = o;
	*proto = type;
	return PKTCAP_PARSE_OK;
}

/*
 * No link header: the L3 protocol is meta->protocol when the caller knows
 * it, else the IP version nibble decides (4 or 6; anything else is a
 * BAD_HEADER with l3proto 0).
 */
static int fp_raw(const struct fp_ctx *c, const struct pktcap_parse_meta *meta,
		  u16 *proto)
{
	int ret;

	if (meta->protocol) {
		*proto = meta->protocol;
		return PKTCAP_PARSE_OK;
	}
	ret = fp_need(c, 0, 1);
	if (ret)
		return ret;
	switch (c->frame[0] >> 4) {
	case 4:
		*proto = ETH_P_IP;
		return PKTCAP_PARSE_OK;
	case 6:
		*proto = ETH_P_IPV6;
		return PKTCAP_PARSE_OK;
	}
	return PKTCAP_PARSE_BAD_HEADER;
}

/*
 * The transport header at off, for the protocols whose flows have ports:
 * TCP, UDP, UDP-Lite, SCTP and DCCP all start with source and destination
 * port. ICMP and ICMPv6 flows are told apart by type and code, stored as
 * ipt-netflow does: sport 0, dport type << 8 | code. Other protocols have
 * ports 0.
 *
 * TCP flags (byte 13: CWR ECE URG ACK PSH RST SYN FIN; the historic NS bit
 * of byte 12 is not kept) are taken only when the 20-byte fixed TCP header
 * is in the buffer and its data offset is sane: at least 5 words and not
 * past the end of the packet. Ports alone need 4 bytes.
 */
static int fp_l4(const struct fp_ctx *c, unsigned int off,
		 struct pktcap_flow_key *key, struct pktcap_flow_pkt *pkt)
{
	unsigned int doff;
	const u8 *p;
	int ret;

	/* Pointers are formed only after fp_need() said they are in bounds. */
	pkt->l4_off = off;
	switch (key->proto) {
	case IPPROTO_TCP:
	case IPPROTO_UDP:
	case IPPROTO_UDPLITE:
	case IPPROTO_SCTP:
	case IPPROTO_DCCP:
		ret = fp_need(c, off, 4);
		if (ret)
			return ret;
		p = c->frame + off;
		key->sport = get_unaligned_be16(p);
		key->dport = get_unaligned_be16(p + 2);
		pkt->flags |= PKTCAP_PKT_F_L4;
		if (key->proto != IPPROTO_TCP)
			return PKTCAP_PARSE_OK;
		ret = fp_need(c, off, FP_TCP_HLEN);
		if (ret)
			return ret;
		doff = (p[12] >> 4) * 4;
		if (doff < FP_TCP_HLEN || fp_need(c, off, doff) ==
		    PKTCAP_PARSE_BAD_HEADER)
			return PKTCAP_PARSE_BAD_HEADER;
		pkt->tcp_flags = p[13];
		pkt->flags |= PKTCAP_PKT_F_TCP_FLAGS;
		return PKTCAP_PARSE_OK;
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6:
		ret = fp_need(c, off, 2);
		if (ret)
			return ret;
		p = c->frame + off;
		key->dport = (u16)(p[0] << 8 | p[1]);
		pkt->flags |= PKTCAP_PKT_F_L4;
		return PKTCAP_PARSE_OK;
	}
	return PKTCAP_PARSE_OK;
}

/*
 * IPv4. Version 4 and IHL >= 5 or BAD_HEADER. The packet ends at the total
 * length or at the end of the wire if that comes first (Ethernet padding
 * is not metered; a total length beyond the wire is not an error, the
 * bytes present are metered). A total length below IHL * 4 is a
 * BAD_HEADER, except 0, which GSO packets larger than 64 KiB carry (BIG
 * TCP): then the wire length is the length. Options are skipped unread.
 *
 * Fragments: the first fragment (offset 0, MF) carries the transport header
 * and is metered with its ports. Later fragments (offset != 0) have no
 * transport header: they are metered under the same addresses and protocol
 * with ports 0, so one datagram's bytes are split between the flow with
 * ports and the flow with ports 0 (as ipt-netflow and common IPFIX
 * metering practice do; reassembly is not the meter's job). Both are
 * flagged PKTCAP_PKT_F_FRAG, later ones PKTCAP_PKT_F_FRAG_LATER too.
 */
static int fp_ipv4(struct fp_ctx *c, unsigned int off,
		   struct pktcap_flow_key *key, struct pktcap_flow_pkt *pkt,
		   unsigned int *l4)
{
	unsigned int ihl, tot, avail;
	const u8 *iph;
	u16 frag;
	int ret;

	ret = fp_need(c, off, FP_IPV4_HLEN);
	if (ret)
		return ret;
	iph = c->frame + off;
	if (iph[0] >> 4 != 4)
		return PKTCAP_PARSE_BAD_HEADER;
	ihl = (iph[0] & 0x0f) * 4;
	if (ihl < FP_IPV4_HLEN)
		return PKTCAP_PARSE_BAD_HEADER;
	tot = get_unaligned_be16(iph + 2);
	avail = c->end - off;
	if (tot) {
		if (tot < ihl)
			return PKTCAP_PARSE_BAD_HEADER;
		if (tot < avail)
			avail = tot;
	}
	if (ihl > avail)
		return PKTCAP_PARSE_BAD_HEADER;
	c->end = off + avail;
	pkt->l3_len = avail;

	memcpy(key->src, iph + 12, 4);
	memcpy(key->dst, iph + 16, 4);
	key->proto = iph[9];
	key->dscp = iph[1] >> 2;
	pkt->ttl = iph[8];
	pkt->flags |= PKTCAP_PKT_F_L3;

	frag = get_unaligned_be16(iph + 6);
	if (frag & (FP_IPV4_MF | FP_IPV4_OFFSET))
		pkt->flags |= PKTCAP_PKT_F_FRAG;
	if (frag & FP_IPV4_OFFSET)
		pkt->flags |= PKTCAP_PKT_F_FRAG_LATER;
	else
		*l4 = off + ihl;
	return PKTCAP_PARSE_OK;
}

static bool fp_ipv6_exthdr(u8 nexthdr)
{
	switch (nexthdr) {
	case IPPROTO_HOPOPTS:
	case IPPROTO_ROUTING:
	case IPPROTO_FRAGMENT:
	case IPPROTO_DSTOPTS:
	case IPPROTO_AH:
		return true;
	}
	return false;
}

/*
 * IPv6. Version 6 or BAD_HEADER. The packet ends 40 + payload length bytes
 * after the header, or at the end of the wire if that comes first; a
 * payload length of 0 (jumbogram, or a BIG TCP GSO packet) means the wire
 * length.
 *
 * Extension headers walked: hop-by-hop, routing, fragment, destination
 * options ((len + 1) * 8 bytes) and AH ((len + 2) * 4 bytes), in any order
 * and number up to PKTCAP_PARSE_EXTHDR_MAX; only their first bytes must be
 * in the buffer, but all of each must be inside the packet. ESP, No Next
 * Header, Mobility, HIP, Shim6 and everything else end the walk and are the
 * key's protocol (Mobility is always last in practice and has no ports).
 * When a ninth extension header follows, the result is EXTHDR_LIMIT and the
 * packet is metered with that header's type as protocol and ports 0; the
 * same holds for TRUNCATED and BAD_HEADER in the chain: the protocol is the
 * last header type reached.
 *
 * Fragment header: as IPv4, the first fragment (offset 0, M) carries the
 * ports, later fragments are metered with the fragment header's next header
 * as protocol and ports 0. A fragment header with offset 0 and M clear (an
 * atomic fragment, RFC 6946) is a whole packet, not flagged.
 */
static int fp_ipv6(struct fp_ctx *c, unsigned int off,
		   struct pktcap_flow_key *key, struct pktcap_flow_pkt *pkt,
		   unsigned int *l4)
{
	unsigned int n, hlen, plen, avail;
	const u8 *ip6, *p;
	u16 frag;
	u8 nh;
	int ret;

	ret = fp_need(c, off, FP_IPV6_HLEN);
	if (ret)
		return ret;
	ip6 = c->frame + off;
	if (ip6[0] >> 4 != 6)
		return PKTCAP_PARSE_BAD_HEADER;
	plen = get_unaligned_be16(ip6 + 4);
	avail = c->end - off;
	if (plen && plen + FP_IPV6_HLEN < avail)
		avail = plen + FP_IPV6_HLEN;
	c->end = off + avail;
	pkt->l3_len = avail;

	memcpy(key->src, ip6 + 8, 16);
	memcpy(key->dst, ip6 + 24, 16);
	key->dscp = ((ip6[0] & 0x0f) << 4 | ip6[1] >> 4) >> 2;
	nh = ip6[6];
	key->proto = nh;
	pkt->ttl = ip6[7];
	pkt->flags |= PKTCAP_PKT_F_L3;
	off += FP_IPV6_HLEN;

	for (n = 0; fp_ipv6_exthdr(nh); n++) {
		if (n == PKTCAP_PARSE_EXTHDR_MAX)
			return PKTCAP_PARSE_EXTHDR_LIMIT;
		ret = fp_need(c, off, 2);
		if (ret)
			return ret;
		p = c->frame + off;
		if (nh == IPPROTO_FRAGMENT)
			hlen = FP_IPV6_FRAG_HLEN;
		else if (nh == IPPROTO_AH)
			hlen = (p[1] + 2) * 4;
		else
			hlen = (p[1] + 1) * 8;
		ret = fp_need(c, off, hlen);
		if (ret == PKTCAP_PARSE_BAD_HEADER)
			return ret;
		if (nh == IPPROTO_FRAGMENT) {
			ret = fp_need(c, off, 4);
			if (ret)
				return ret;
			frag = get_unaligned_be16(p + 2);
			if (frag & ~7)
				pkt->flags |= PKTCAP_PKT_F_FRAG |
					      PKTCAP_PKT_F_FRAG_LATER;
			else if (frag & FP_IPV6_FRAG_MF)
				pkt->flags |= PKTCAP_PKT_F_FRAG;
		}
		nh = p[0];
		key->proto = nh;
		off += hlen;
		if (pkt->flags & PKTCAP_PKT_F_FRAG_LATER)
			return PKTCAP_PARSE_OK;
	}
	*l4 = off;
	return PKTCAP_PARSE_OK;
}

/**
 * pktcap_flow_parse() - parse a frame into a flow key and packet values
 * @frame: the first @len bytes of the frame, from its link-layer header
 *	(or network header for %PKTCAP_LINK_RAW); may be NULL if @len is 0
 * @len: bytes readable at @frame, typically min(wire length,
 *	%PKTCAP_PARSE_MAX); nothing outside them is read
 * @meta: link type, wire length, device, direction, out-of-band VLAN tag
 * @key: written entirely (zero where the frame has no such field)
 * @pkt: written entirely
 *
 * Non-IP frames (ARP, LLDP, MPLS, PPPoE, anything) are metered per
 * ethertype: their key has only ifindex, direction, vlan and l3proto, and
 * they are a success, not an error.
 *
 * Return: an &enum pktcap_parse_result; the key and values are usable
 * whatever it is.
 */
int pktcap_flow_parse(const u8 *frame, unsigned int len,
		      const struct pktcap_parse_meta *meta,
		      struct pktcap_flow_key *key, struct pktcap_flow_pkt *pkt)
{
	struct fp_ctx c = {
		.frame = frame,
		.len = len,
		.end = max_t(unsigned int, meta->wire_len, len),
	};
	unsigned int off = 0, l4 = 0;
	u16 proto = 0;
	int ret;

	fp_key_init(key, meta);
	memset(pkt, 0, sizeof(*pkt));
	pkt->l3_len = c.end;

	switch (meta->link) {
	case PKTCAP_LINK_ETHER:
		ret = fp_ether(&c, meta, key, &off, &proto);
		break;
	case PKTCAP_LINK_RAW:
		ret = fp_raw(&c, meta, &proto);
		break;
	default:
		ret = PKTCAP_PARSE_BAD_HEADER;
		break;
	}
	if (ret)
		return ret;

	key->l3proto = proto;
	pkt->l3_off = off;
	/*
	 * The IP parsers give the transport header's offset (0 for none)
	 * rather than parse it themselves: with one caller, fp_l4() is
	 * inlined, which saves every packet a call and a return.
	 */
	switch (proto) {
	case ETH_P_IP:
		pkt->l3_len = c.end - off;
		ret = fp_ipv4(&c, off, key, pkt, &l4);
		break;
	case ETH_P_IPV6:
		pkt->l3_len = c.end - off;
		ret = fp_ipv6(&c, off, key, pkt, &l4);
		break;
	default:
		return PKTCAP_PARSE_OK;
	}
	if (ret || !l4)
		return ret;
	return fp_l4(&c, l4, key, pkt);
}
