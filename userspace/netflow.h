/* SPDX-License-Identifier: GPL-2.0 */
/*
 * NetFlow v5, NetFlow v9 (RFC 3954) and IPFIX (RFC 7011) encoders.
 *
 * Pure functions: they turn struct pktcap_flowrec arrays into export packet
 * payloads (what goes after the UDP header) in a caller's buffer. No socket,
 * no clock, no allocation: the caller passes "now" and sends the bytes. One
 * struct pk_nf is one exporter -> collector stream; sequence numbers and
 * template refresh are per stream. docs/EXPORT-FORMATS.md has the layouts.
 */
#ifndef _PKTCAP_NETFLOW_H
#define _PKTCAP_NETFLOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "flowrec.h"

#define PK_NF_V5		5
#define PK_NF_V9		9
#define PK_NF_IPFIX		10

/* Template ids, the same in v9 and IPFIX (biflow ones are IPFIX only). */
#define PK_NF_TID_V4		256	/* IPv4 uniflow */
#define PK_NF_TID_V6		257	/* IPv6 uniflow */
#define PK_NF_TID_L2		258	/* non-IP (ethertype) uniflow */
#define PK_NF_TID_V4_BI		259	/* IPv4 biflow, RFC 5103 */
#define PK_NF_TID_V6_BI		260	/* IPv6 biflow */
#define PK_NF_TID_L2_BI		261	/* non-IP biflow */
#define PK_NF_TID_OPT_SAMPLING	262	/* options: sampling, scope system/domain */
#define PK_NF_TID_OPT_STATS	263	/* options: exporter statistics */
#define PK_NF_NTMPL		8

#define PK_NF_MTU_DEFAULT	1500
#define PK_NF_MTU_MIN		576	/* the least any IPv4 host must accept */
#define PK_NF_V5_MAX_RECS	30	/* Cisco's limit per v5 packet */
#define PK_NF_MAX_PAYLOAD	65507	/* largest UDP payload over IPv4 */
#define PK_NF_MAX_PKT_FLOWS	2048	/* flows in one v9/IPFIX packet, at most */
/* twice the default active timeout: flows never start earlier than this */
#define PK_NF_BOOT_MARGIN_NS	(3600ULL * 1000000000ULL)

/**
 * struct pk_nf_cfg - one exporter -> collector stream
 * @version: %PK_NF_V5, %PK_NF_V9 or %PK_NF_IPFIX
 * @domain: IPFIX observation domain id / v9 source id; for v5 the low byte
 *	is engine_id and the next byte engine_type
 * @mtu: path MTU towards the collector (0: %PK_NF_MTU_DEFAULT); a packet's
 *	payload is at most mtu - (collector_v6 ? 40 : 20) - 8
 * @collector_v6: the collector is reached over IPv6 (bigger IP header)
 * @tmpl_packets: resend templates every this many export packets (0: never
 *	by count)
 * @tmpl_secs: resend templates when this many seconds passed (0: never by
 *	time). Templates always go in the first packet.
 * @sampling: the meter's 1-in-N packet sampling (0 or 1: none)
 * @sampling_random: 1: random sampling, 0: deterministic (every Nth)
 * @boot_ns: CLOCK_REALTIME ns the v5/v9 sysUpTime counts from; pass the
 *	host's boot time (CLOCK_REALTIME - CLOCK_BOOTTIME). 0: the now_ns given
 *	to pk_nf_init() minus %PK_NF_BOOT_MARGIN_NS, so that flows which began
 *	before the exporter started still get a First after "boot"
 */
struct pk_nf_cfg {
	unsigned int version;
	uint32_t domain;
	unsigned int mtu;
	bool collector_v6;
	unsigned int tmpl_packets;
	unsigned int tmpl_secs;
	uint32_t sampling;
	bool sampling_random;
	uint64_t boot_ns;
};

/**
 * struct pk_nf_stats - what a stream has done, cumulative
 * @packets: export packets produced
 * @octets: payload bytes of those packets
 * @flows: input flow records consumed (exported or skipped)
 * @records: flow data records written (a biflow split for v5/v9 is two)
 * @data_records: all data records written, options data included (the
 *	IPFIX sequence number counts these)
 * @tmpl_packets: packets that carried templates
 * @skipped_v6: IPv6 flows v5 cannot carry (consumed, not exported)
 * @skipped_l2: non-IP flows v5 cannot carry (consumed, not exported)
 * @clamped: v5 counters or interface indexes that did not fit and were
 *	saturated
 */
struct pk_nf_stats {
	uint64_t packets;
	uint64_t octets;
	uint64_t flows;
	uint64_t records;
	uint64_t data_records;
	uint64_t tmpl_packets;
	uint64_t skipped_v6;
	uint64_t skipped_l2;
	uint64_t clamped;
};

/* One field of a template: what the encoder writes and how. */
struct pk_nf_field {
	uint16_t ie;		/* information element / v9 field type */
	uint16_t len;		/* bytes on the wire */
	uint8_t src;		/* enum pk_nf_src, where the value comes from */
	uint8_t pen;		/* 1: RFC 5103 reverse IE (enterprise 29305) */
};

#define PK_NF_MAX_FIELDS	32

struct pk_nf_tmpl {
	uint16_t id;
	uint8_t nfields;
	uint8_t nscope;		/* leading scope fields (options templates) */
	uint16_t reclen;	/* bytes of one data record */
	struct pk_nf_field f[PK_NF_MAX_FIELDS];
};

/**
 * struct pk_nf - encoder state of one stream; treat as opaque
 * @tmpl_block: the template and options template sets, prebuilt at init
 *	because they never change
 */
struct pk_nf {
	struct pk_nf_cfg cfg;
	struct pk_nf_stats st;
	uint64_t boot_ns;
	uint64_t tmpl_last_ns;
	unsigned int tmpl_age;		/* packets since the last templates */
	bool tmpl_never;		/* no template sent yet */
	size_t max_payload;
	unsigned int ntmpl;
	struct pk_nf_tmpl tmpl[PK_NF_NTMPL];
	uint16_t tmpl_block_len;
	uint16_t tmpl_block_recs;	/* template records in tmpl_block */
	uint8_t tmpl_block[1024];
};

/**
 * pk_nf_init() - set up a stream
 * Return: 0, or -EINVAL for an unknown version, an MTU below %PK_NF_MTU_MIN
 * or one that cannot hold templates plus one record.
 */
int pk_nf_init(struct pk_nf *e, const struct pk_nf_cfg *cfg, uint64_t now_ns);

/**
 * pk_nf_encode() - build one export packet
 * @e: the stream
 * @recs: flows to export
 * @n: how many
 * @consumed: set to how many of @recs this packet used up (exported, or
 *	skipped and counted); the caller continues from recs + *consumed
 * @buf: where the UDP payload goes
 * @buflen: its size; the packet is also bounded by the MTU rule
 * @now_ns: CLOCK_REALTIME ns, for headers and template refresh
 *
 * Templates (and options data) go first when due. A biflow split into two
 * v5/v9 records is never cut across packets.
 *
 * Return: the payload length; 0 when there is nothing to send (n == 0 and no
 * template due, or only skipped flows); -ENOSPC when @buflen cannot hold a
 * header, the due templates and the next record. A buffer of at least the
 * MTU payload (pk_nf_max_payload()) never gets -ENOSPC.
 */
ssize_t pk_nf_encode(struct pk_nf *e, const struct pktcap_flowrec *recs,
		     size_t n, size_t *consumed, uint8_t *buf, size_t buflen,
		     uint64_t now_ns);

/* Force templates into the next packet (e.g. after a collector restart). */
void pk_nf_tmpl_reset(struct pk_nf *e);

static inline const struct pk_nf_stats *pk_nf_stats(const struct pk_nf *e)
{
	return &e->st;
}

/* The largest packet this stream makes: size the send buffer to it. */
static inline size_t pk_nf_max_payload(const struct pk_nf *e)
{
	return e->max_payload;
}

/*
 * Below: shared by nf_common.c, nf5.c, nf9.c and ipfix.c only.
 */

/* Where a template field's value comes from. */
enum pk_nf_src {
	PK_SRC_SRC4, PK_SRC_DST4, PK_SRC_SRC6, PK_SRC_DST6,
	PK_SRC_SPORT, PK_SRC_DPORT, PK_SRC_PROTO, PK_SRC_TOS,
	PK_SRC_TCPFLAGS, PK_SRC_ICMP, PK_SRC_IN_IF, PK_SRC_OUT_IF,
	PK_SRC_VLAN, PK_SRC_DIR, PK_SRC_PKTS, PK_SRC_BYTES,
	PK_SRC_START_MS, PK_SRC_END_MS, PK_SRC_FIRST_UP, PK_SRC_LAST_UP,
	PK_SRC_END_REASON, PK_SRC_TTL_MIN, PK_SRC_TTL_MAX, PK_SRC_ETHERTYPE,
	PK_SRC_REV_PKTS, PK_SRC_REV_BYTES, PK_SRC_REV_TCPFLAGS,
	/* options data: values of the stream, not of a flow */
	PK_SRC_DOMAIN, PK_SRC_SAMP_INTERVAL, PK_SRC_SAMP_ALGO_V9,
	PK_SRC_SEL_ALGO, PK_SRC_ONE, PK_SRC_SAMP_SPACE,
	PK_SRC_EXP_OCTETS, PK_SRC_EXP_MSGS, PK_SRC_EXP_FLOWS,
};

static inline void pk_put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v;
}

static inline void pk_put32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

static inline void pk_put64(uint8_t *p, uint64_t v)
{
	pk_put32(p, v >> 32);
	pk_put32(p + 4, v);
}

static inline bool pk_rec_is_v4(const struct pktcap_flowrec *r)
{
	return r->l3_proto == PKTCAP_ETH_P_IP;
}

static inline bool pk_rec_is_v6(const struct pktcap_flowrec *r)
{
	return r->l3_proto == PKTCAP_ETH_P_IPV6;
}

/* sysUpTime in ms of a CLOCK_REALTIME instant, 0 before boot, wraps at 2^32. */
static inline uint32_t pk_nf_uptime(const struct pk_nf *e, uint64_t t_ns)
{
	return t_ns > e->boot_ns ? (uint32_t)((t_ns - e->boot_ns) / 1000000) : 0;
}

void pk_nf_tmpl_add(struct pk_nf_tmpl *t, uint16_t ie, uint16_t len,
		    uint8_t src, uint8_t pen);
void pk_nf_tmpl_flow(struct pk_nf_tmpl *t, uint16_t id, bool ipfix);
void pk_nf_reverse(const struct pktcap_flowrec *r, struct pktcap_flowrec *o);
const struct pk_nf_tmpl *pk_nf_tmpl_get(const struct pk_nf *e, uint16_t id);
int pk_nf_check_fit(const struct pk_nf *e, size_t hdr);

int pk_nf5_init(struct pk_nf *e);
ssize_t pk_nf5_encode(struct pk_nf *e, const struct pktcap_flowrec *recs,
		      size_t n, size_t *consumed, uint8_t *buf, size_t len,
		      uint64_t now_ns);
int pk_nf9_init(struct pk_nf *e);
void pk_nf9_header(struct pk_nf *e, uint8_t *buf, size_t len,
		   unsigned int nrec, uint64_t now_ns);
unsigned int pk_nf9_flow_tmpl(const struct pktcap_flowrec *r, uint16_t *id);
int pk_ipfix_init(struct pk_nf *e);
void pk_ipfix_header(struct pk_nf *e, uint8_t *buf, size_t len,
		     unsigned int nrec, uint64_t now_ns);
unsigned int pk_ipfix_flow_tmpl(const struct pktcap_flowrec *r, uint16_t *id);

#define PK_NF9_HDR_LEN		20
#define PK_IPFIX_HDR_LEN	16
#define PK_NF5_HDR_LEN		24
#define PK_NF5_REC_LEN		48

#endif /* _PKTCAP_NETFLOW_H */
