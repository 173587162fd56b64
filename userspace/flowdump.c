// SPDX-License-Identifier: GPL-2.0
/* PKTCAP_A_FLOW nests: decoding into struct pktcap_flowrec, printing. */
#include <errno.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <linux/pktcap.h>

#include "fields.h"
#include "flowdump.h"

/* Parse-only table: the strict policy comes from the kinds. */
static const struct pk_field flow_fields[] = {
	{ PKTCAP_A_FLOW_IFINDEX, PK_F_U32, NULL, NULL },
	{ PKTCAP_A_FLOW_DIRECTION, PK_F_U8, NULL, NULL },
	{ PKTCAP_A_FLOW_VLAN, PK_F_U16, NULL, NULL },
	{ PKTCAP_A_FLOW_L3_PROTO, PK_F_U16, NULL, NULL },
	{ PKTCAP_A_FLOW_SRC, PK_F_HEX, NULL, NULL },
	{ PKTCAP_A_FLOW_DST, PK_F_HEX, NULL, NULL },
	{ PKTCAP_A_FLOW_PROTO, PK_F_U8, NULL, NULL },
	{ PKTCAP_A_FLOW_SPORT, PK_F_U16, NULL, NULL },
	{ PKTCAP_A_FLOW_DPORT, PK_F_U16, NULL, NULL },
	{ PKTCAP_A_FLOW_ICMP_TYPE, PK_F_U8, NULL, NULL },
	{ PKTCAP_A_FLOW_ICMP_CODE, PK_F_U8, NULL, NULL },
	{ PKTCAP_A_FLOW_DSCP, PK_F_U8, NULL, NULL },
	{ PKTCAP_A_FLOW_PACKETS, PK_F_U64, NULL, NULL },
	{ PKTCAP_A_FLOW_BYTES, PK_F_U64, NULL, NULL },
	{ PKTCAP_A_FLOW_FIRST_NS, PK_F_U64, NULL, NULL },
	{ PKTCAP_A_FLOW_LAST_NS, PK_F_U64, NULL, NULL },
	{ PKTCAP_A_FLOW_TCP_FLAGS, PK_F_U8, NULL, NULL },
	{ PKTCAP_A_FLOW_TTL_MIN, PK_F_U8, NULL, NULL },
	{ PKTCAP_A_FLOW_TTL_MAX, PK_F_U8, NULL, NULL },
	{ PKTCAP_A_FLOW_END_REASON, PK_F_U8, NULL, NULL },
	{ PKTCAP_A_FLOW_REV_PACKETS, PK_F_U64, NULL, NULL },
	{ PKTCAP_A_FLOW_REV_BYTES, PK_F_U64, NULL, NULL },
	{ PKTCAP_A_FLOW_REV_TCP_FLAGS, PK_F_U8, NULL, NULL },
	{ PKTCAP_A_FLOW_FRAGMENTED, PK_F_U8, NULL, NULL },
	{ PKTCAP_A_FLOW_SAMPLING, PK_F_U32, NULL, NULL },
};
static const struct pk_attrs flow_attrs = PK_ATTRS(flow_fields, PKTCAP_A_FLOW_MAX);

/* Present integer attribute or 0: absent fields mean "not in this flow". */
static unsigned long long uint_or0(struct nlattr *const *tb, int type)
{
	return tb[type] ? pk_attr_uint(tb[type]) : 0;
}

static int addr_len(uint16_t l3)
{
	if (l3 == PKTCAP_ETH_P_IP)
		return 4;
	if (l3 == PKTCAP_ETH_P_IPV6)
		return 16;
	return 0;
}

/* An address must match its family's size, or the flow is malformed. */
static int take_addr(struct nlattr *a, uint16_t l3, uint8_t *out)
{
	if (!a)
		return 0;
	if (nla_len(a) != addr_len(l3))
		return -EBADMSG;
	memcpy(out, nla_data(a), nla_len(a));
	return 0;
}

static void take_values(struct nlattr *const *tb, struct pktcap_flowrec *r)
{
	r->packets = uint_or0(tb, PKTCAP_A_FLOW_PACKETS);
	r->bytes = uint_or0(tb, PKTCAP_A_FLOW_BYTES);
	r->first_ns = uint_or0(tb, PKTCAP_A_FLOW_FIRST_NS);
	r->last_ns = uint_or0(tb, PKTCAP_A_FLOW_LAST_NS);
	r->tcp_flags = uint_or0(tb, PKTCAP_A_FLOW_TCP_FLAGS);
	r->ttl_min = uint_or0(tb, PKTCAP_A_FLOW_TTL_MIN);
	r->ttl_max = uint_or0(tb, PKTCAP_A_FLOW_TTL_MAX);
	r->end_reason = uint_or0(tb, PKTCAP_A_FLOW_END_REASON);
	r->sampling = uint_or0(tb, PKTCAP_A_FLOW_SAMPLING);
	if (uint_or0(tb, PKTCAP_A_FLOW_FRAGMENTED))
		r->flags |= PKTCAP_FLOWREC_F_FRAGMENTED;
	if (tb[PKTCAP_A_FLOW_REV_PACKETS] || tb[PKTCAP_A_FLOW_REV_BYTES]) {
		r->flags |= PKTCAP_FLOWREC_F_BIDIR;
		r->rev_packets = uint_or0(tb, PKTCAP_A_FLOW_REV_PACKETS);
		r->rev_bytes = uint_or0(tb, PKTCAP_A_FLOW_REV_BYTES);
		r->rev_tcp_flags = uint_or0(tb, PKTCAP_A_FLOW_REV_TCP_FLAGS);
	}
}

int pk_flow_decode(const struct nlattr *nest, struct pktcap_flowrec *r)
{
	struct nlattr *tb[PKTCAP_A_FLOW_MAX + 1];

	memset(r, 0, sizeof(*r));
	if (pk_attrs_parse_nested(&flow_attrs, nest, tb) ||
	    !tb[PKTCAP_A_FLOW_IFINDEX])
		return -EBADMSG;
	r->ifindex = uint_or0(tb, PKTCAP_A_FLOW_IFINDEX);
	r->direction = uint_or0(tb, PKTCAP_A_FLOW_DIRECTION);
	r->vlan = uint_or0(tb, PKTCAP_A_FLOW_VLAN);
	r->l3_proto = uint_or0(tb, PKTCAP_A_FLOW_L3_PROTO);
	r->proto = uint_or0(tb, PKTCAP_A_FLOW_PROTO);
	r->sport = uint_or0(tb, PKTCAP_A_FLOW_SPORT);
	r->dport = uint_or0(tb, PKTCAP_A_FLOW_DPORT);
	r->icmp_type = uint_or0(tb, PKTCAP_A_FLOW_ICMP_TYPE);
	r->icmp_code = uint_or0(tb, PKTCAP_A_FLOW_ICMP_CODE);
	r->dscp = uint_or0(tb, PKTCAP_A_FLOW_DSCP);
	if (take_addr(tb[PKTCAP_A_FLOW_SRC], r->l3_proto, r->src) ||
	    take_addr(tb[PKTCAP_A_FLOW_DST], r->l3_proto, r->dst))
		return -EBADMSG;
	take_values(tb, r);
	return 0;
}

int pk_flow_is_ip(const struct pktcap_flowrec *r)
{
	return addr_len(r->l3_proto) != 0;
}

int pk_flow_is_icmp(const struct pktcap_flowrec *r)
{
	return pk_flow_is_ip(r) &&
	       (r->proto == IPPROTO_ICMP || r->proto == IPPROTO_ICMPV6);
}

const char *pk_flow_addr(const struct pktcap_flowrec *r, const uint8_t *a,
			 char *buf, size_t len)
{
	int af = r->l3_proto == PKTCAP_ETH_P_IP ? AF_INET : AF_INET6;

	if (!pk_flow_is_ip(r) || !inet_ntop(af, a, buf, len))
		snprintf(buf, len, "-");
	return buf;
}

const char *pk_flow_proto_name(const struct pktcap_flowrec *r, char *buf,
			       size_t len)
{
	static const struct { uint8_t n; const char *name; } names[] = {
		{ IPPROTO_ICMP, "icmp" }, { IPPROTO_TCP, "tcp" },
		{ IPPROTO_UDP, "udp" }, { IPPROTO_GRE, "gre" },
		{ IPPROTO_ESP, "esp" }, { IPPROTO_AH, "ah" },
		{ IPPROTO_ICMPV6, "icmpv6" }, { IPPROTO_SCTP, "sctp" },
		{ IPPROTO_UDPLITE, "udplite" },
	};
	size_t i;

	if (!pk_flow_is_ip(r)) {
		/* Non-IP flows are told apart by their ethertype. */
		if (r->l3_proto == 0x0806)
			snprintf(buf, len, "arp");
		else
			snprintf(buf, len, "0x%04x", r->l3_proto);
		return buf;
	}
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].n == r->proto)
			return names[i].name;
	snprintf(buf, len, "%u", r->proto);
	return buf;
}

const char *pk_tcp_flags_str(uint8_t flags, char *buf, size_t len)
{
	/* Bit order of TCP header byte 13, lowest first. */
	static const char letters[] = "FSRPAUEC";
	size_t n = 0;
	int i;

	for (i = 0; i < 8 && n + 1 < len; i++)
		if (flags & (1U << i))
			buf[n++] = letters[i];
	if (!n && len > 1)
		buf[n++] = '-';
	buf[n] = '\0';
	return buf;
}

static void json_l4(struct pk_json *j, const struct pktcap_flowrec *r)
{
	/*
	 * ICMP flows have no ports: sport 0 and dport type << 8 | code, as in
	 * the kernel's key (docs/FLOW-KEY.md), so every flow has both keys.
	 */
	if (pk_flow_is_icmp(r)) {
		pk_json_u64(j, "sport", 0);
		pk_json_u64(j, "dport", (unsigned int)r->icmp_type << 8 | r->icmp_code);
		pk_json_u64(j, "icmp_type", r->icmp_type);
		pk_json_u64(j, "icmp_code", r->icmp_code);
	} else {
		pk_json_u64(j, "sport", r->sport);
		pk_json_u64(j, "dport", r->dport);
	}
}

static void json_key(struct pk_json *j, const struct pktcap_flowrec *r,
		     const char *dev)
{
	char a[INET6_ADDRSTRLEN];

	pk_json_u64(j, "ifindex", r->ifindex);
	if (dev)
		pk_json_str(j, "dev", dev);
	else
		pk_json_null(j, "dev");
	pk_json_str(j, "direction", r->direction == PKTCAP_DIR_OUT ? "out" : "in");
	pk_json_u64(j, "vlan", r->vlan);
	pk_json_u64(j, "l3_proto", r->l3_proto);
	if (pk_flow_is_ip(r)) {
		pk_json_str(j, "src", pk_flow_addr(r, r->src, a, sizeof(a)));
		pk_json_str(j, "dst", pk_flow_addr(r, r->dst, a, sizeof(a)));
	} else {
		pk_json_null(j, "src");
		pk_json_null(j, "dst");
	}
	pk_json_u64(j, "proto", r->proto);
	json_l4(j, r);
	if (pk_flow_is_ip(r))
		pk_json_u64(j, "dscp", r->dscp);
}

static void json_values(struct pk_json *j, const struct pktcap_flowrec *r)
{
	pk_json_u64(j, "packets", r->packets);
	pk_json_u64(j, "bytes", r->bytes);
	pk_json_u64(j, "first_ns", r->first_ns);
	pk_json_u64(j, "last_ns", r->last_ns);
	pk_json_u64(j, "tcp_flags", r->tcp_flags);
	if (pk_flow_is_ip(r)) {
		pk_json_u64(j, "ttl_min", r->ttl_min);
		pk_json_u64(j, "ttl_max", r->ttl_max);
	}
	pk_json_bool(j, "fragmented", r->flags & PKTCAP_FLOWREC_F_FRAGMENTED);
	pk_json_u64(j, "sampling", r->sampling ? r->sampling : 1);
	if (r->flags & PKTCAP_FLOWREC_F_BIDIR) {
		pk_json_u64(j, "rev_packets", r->rev_packets);
		pk_json_u64(j, "rev_bytes", r->rev_bytes);
		pk_json_u64(j, "rev_tcp_flags", r->rev_tcp_flags);
	}
	if (r->end_reason)
		pk_json_u64(j, "end_reason", r->end_reason);
}

void pk_flow_json(struct pk_json *j, const struct pktcap_flowrec *r,
		  const char *dev)
{
	pk_json_obj_open(j, NULL);
	json_key(j, r, dev);
	json_values(j, r);
	pk_json_obj_close(j);
}
