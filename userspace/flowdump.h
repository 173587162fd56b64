/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Decoding and printing of PKTCAP_A_FLOW nests, shared by "flows" (the
 * FLOWS dump) and anything reading PKTCAP_CMD_FLOW_EXPIRED batches.
 */
#ifndef PK_FLOWDUMP_H
#define PK_FLOWDUMP_H

#include <stdio.h>

#include "flowrec.h"
#include "json.h"
#include "nl.h"

/*
 * Decode one PKTCAP_A_FLOW nest into *r (zeroed first). Validates every
 * known attribute strictly; addresses must be 4 bytes for IPv4 and 16 for
 * IPv6. 0 or -EBADMSG.
 */
int pk_flow_decode(const struct nlattr *nest, struct pktcap_flowrec *r);

/* True if the flow is IPv4 or IPv6 (has addresses and a protocol). */
int pk_flow_is_ip(const struct pktcap_flowrec *r);

/* True if the flow's protocol is ICMP or ICMPv6 (type/code, no ports). */
int pk_flow_is_icmp(const struct pktcap_flowrec *r);

/* "192.0.2.1" or "2001:db8::1"; "-" for non-IP flows. buf >= 46 bytes. */
const char *pk_flow_addr(const struct pktcap_flowrec *r, const uint8_t *a,
			 char *buf, size_t len);

/* "tcp", "udp", "icmp", "ipv6-icmp"... or the number. buf >= 8 bytes. */
const char *pk_flow_proto_name(const struct pktcap_flowrec *r, char *buf,
			       size_t len);

/* TCP flags as letters, in tcpdump's order: "FSRPAUEC"; "-" if none. */
const char *pk_tcp_flags_str(uint8_t flags, char *buf, size_t len);

/*
 * One flow as a JSON object (inside an open array). dev is the device
 * name for r->ifindex, or NULL if unknown.
 */
void pk_flow_json(struct pk_json *j, const struct pktcap_flowrec *r,
		  const char *dev);

#endif /* PK_FLOWDUMP_H */
