/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The userspace copy of one flow, as the kernel's flow meter reports it in a
 * %PKTCAP_A_FLOW nest (enum pktcap_a_flow in uapi/linux/pktcap.h). Every key
 * and value attribute of that nest has a field here, so a flow survives the
 * trip netlink -> pktcap_flowrec -> NetFlow/IPFIX without losing anything the
 * export formats can carry.
 */
#ifndef _PKTCAP_FLOWREC_H
#define _PKTCAP_FLOWREC_H

#include <stdint.h>

#include <linux/pktcap.h>	/* PKTCAP_DIR_*, enum pktcap_flow_end */

/* pktcap_flowrec.flags */
#define PKTCAP_FLOWREC_F_BIDIR		0x01	/* rev_* fields are valid (RFC 5103) */
#define PKTCAP_FLOWREC_F_FRAGMENTED	0x02	/* PKTCAP_A_FLOW_FRAGMENTED */

#define PKTCAP_ETH_P_IP		0x0800
#define PKTCAP_ETH_P_IPV6	0x86dd

/**
 * struct pktcap_flowrec - one metered flow
 * @packets: PKTCAP_A_FLOW_PACKETS
 * @bytes: PKTCAP_A_FLOW_BYTES, IP total length (frame length for non-IP)
 * @rev_packets: PKTCAP_A_FLOW_REV_PACKETS, valid with %PKTCAP_FLOWREC_F_BIDIR
 * @rev_bytes: PKTCAP_A_FLOW_REV_BYTES
 * @first_ns: PKTCAP_A_FLOW_FIRST_NS, CLOCK_REALTIME ns of the first packet
 * @last_ns: PKTCAP_A_FLOW_LAST_NS, CLOCK_REALTIME ns of the last packet
 * @src: PKTCAP_A_FLOW_SRC, network order; an IPv4 address uses src[0..3]
 * @dst: PKTCAP_A_FLOW_DST, likewise
 * @ifindex: PKTCAP_A_FLOW_IFINDEX, the interface the meter saw the flow on
 *	(the ingress interface for %PKTCAP_DIR_IN, egress for %PKTCAP_DIR_OUT)
 * @out_ifindex: the other interface when known, 0 = unknown (the kernel does
 *	not report it today)
 * @sampling: PKTCAP_A_FLOW_SAMPLING, 1 in N packets metered (0 or 1: all)
 * @l3_proto: PKTCAP_A_FLOW_L3_PROTO, ethertype, host order; 0x0800 and
 *	0x86dd make an IP flow, anything else is a non-IP (L2) flow
 * @vlan: PKTCAP_A_FLOW_VLAN, 0 when untagged
 * @sport: PKTCAP_A_FLOW_SPORT, host order
 * @dport: PKTCAP_A_FLOW_DPORT, host order
 * @proto: PKTCAP_A_FLOW_PROTO, IP protocol
 * @icmp_type: PKTCAP_A_FLOW_ICMP_TYPE
 * @icmp_code: PKTCAP_A_FLOW_ICMP_CODE
 * @dscp: PKTCAP_A_FLOW_DSCP (6 bits; the exported ToS byte is dscp << 2)
 * @tcp_flags: PKTCAP_A_FLOW_TCP_FLAGS
 * @rev_tcp_flags: PKTCAP_A_FLOW_REV_TCP_FLAGS
 * @ttl_min: PKTCAP_A_FLOW_TTL_MIN
 * @ttl_max: PKTCAP_A_FLOW_TTL_MAX
 * @end_reason: PKTCAP_A_FLOW_END_REASON, enum pktcap_flow_end (IPFIX IE 136)
 * @direction: PKTCAP_A_FLOW_DIRECTION, %PKTCAP_DIR_IN or %PKTCAP_DIR_OUT
 * @flags: %PKTCAP_FLOWREC_F_*
 */
struct pktcap_flowrec {
	uint64_t packets;
	uint64_t bytes;
	uint64_t rev_packets;
	uint64_t rev_bytes;
	uint64_t first_ns;
	uint64_t last_ns;
	uint8_t src[16];
	uint8_t dst[16];
	uint32_t ifindex;
	uint32_t out_ifindex;
	uint32_t sampling;
	uint16_t l3_proto;
	uint16_t vlan;
	uint16_t sport;
	uint16_t dport;
	uint8_t proto;
	uint8_t icmp_type;
	uint8_t icmp_code;
	uint8_t dscp;
	uint8_t tcp_flags;
	uint8_t rev_tcp_flags;
	uint8_t ttl_min;
	uint8_t ttl_max;
	uint8_t end_reason;
	uint8_t direction;
	uint8_t flags;
};

#endif /* _PKTCAP_FLOWREC_H */
