/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The exporter: flows in, NetFlow v5 / v9 / IPFIX datagrams out to every
 * collector. One encoder stream (struct pk_nf) per collector, so each
 * collector has its own sequence numbers and its own template refresh,
 * and one that is down or slow costs the others nothing: sockets are
 * non-blocking and a failed send is counted, never retried or waited on.
 *
 * No netlink and no clock inside: pk_exporter_send() takes an array of
 * flows and "now", so a benchmark can drive the encode + send loop alone.
 */
#ifndef PK_EXPORTER_H
#define PK_EXPORTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/socket.h>

#include <linux/pktcap.h>

#include "flowrec.h"
#include "json.h"
#include "netflow.h"

/* Where the exporter writes its statistics (docs/EXPORT.md). */
#define PK_EXPORTER_STATE_DEFAULT	"/run/pktcap/exporter.json"

struct pk_exporter_cfg {
	unsigned int version;		/* 5, 9 or 10 */
	uint32_t domain;
	unsigned int mtu;		/* 0: 1500 */
	unsigned int tmpl_packets;	/* 0: not by count */
	unsigned int tmpl_secs;		/* 0: not by time */
	uint32_t sampling;		/* the meter's 1-in-N, for the options */
	bool sampling_random;
	uint64_t boot_ns;		/* v5/v9 sysUpTime base, see netflow.h */
};

struct pk_collector_stats {
	uint64_t sends;		/* datagrams handed to the kernel */
	uint64_t send_errors;	/* datagrams not sent, all causes */
	uint64_t refused;	/* of which ECONNREFUSED (port unreachable) */
	uint64_t would_block;	/* of which EAGAIN: socket buffer full */
	uint64_t octets;	/* payload bytes sent */
	uint64_t records;	/* flow records in sent datagrams */
	/* flow packets in records sent (biflows: both directions) */
	uint64_t packets;
	uint64_t error_packets;	/* flow packets in datagrams not sent */
	uint64_t tmpl_sends;	/* datagrams that carried templates */
	uint64_t skipped_v6;	/* IPv6 flows v5 cannot carry */
	uint64_t skipped_v6_packets;
	uint64_t skipped_l2;	/* non-IP flows v5 cannot carry */
	uint64_t skipped_l2_packets;
	int last_errno;		/* of the last failed send, 0 if none */
};

struct pk_collector {
	char name[64];			/* "HOST:PORT" as given */
	struct sockaddr_storage addr;
	socklen_t addrlen;
	int fd;
	struct pk_nf nf;
	struct pk_collector_stats st;
};

/* Totals over all collectors are in the collectors; these are the input. */
struct pk_exporter_stats {
	uint64_t flows;		/* flows given to pk_exporter_send() */
	uint64_t packets;	/* their packets + rev_packets */
	uint64_t batches;	/* kernel batches received (set by the caller) */
	uint64_t lost_batches;	/* listener side: sequence gaps (caller) */
	uint64_t overruns;	/* listener side: ENOBUFS events (caller) */
	uint64_t bad;		/* malformed flows or batches skipped (caller) */
	uint64_t count_mismatch;	/* batches not holding BATCH_COUNT flows */
};

struct pk_exporter {
	struct pk_exporter_cfg cfg;
	struct pk_exporter_stats st;
	unsigned int ncol;
	struct pk_collector col[PKTCAP_MAX_COLLECTORS];
	uint8_t buf[PK_NF_MAX_PAYLOAD];
};

/*
 * Parse "HOST:PORT" or "[IPV6]:PORT" (a bare IPv6 address with a port is
 * ambiguous and refused); HOST may be a name. Fills addr. 0 or -EINVAL,
 * with a message in why.
 */
int pk_collector_parse(const char *spec, struct sockaddr_storage *addr,
		       socklen_t *addrlen, const char **why);

/*
 * Set up the encoders and one connected, non-blocking UDP socket per
 * collector. Prints "pktcapctl: <collector>: <why>" on failure; 0 or
 * -errno. x may be large: allocate it, do not put it on the stack.
 */
int pk_exporter_init(struct pk_exporter *x, const struct pk_exporter_cfg *cfg,
		     char *const *collectors, unsigned int n, uint64_t now_ns);
void pk_exporter_close(struct pk_exporter *x);

/*
 * Encode recs for every collector and send. Never blocks; returns the
 * number of datagrams sent over all collectors.
 */
unsigned int pk_exporter_send(struct pk_exporter *x,
			      const struct pktcap_flowrec *recs, size_t n,
			      uint64_t now_ns);

/*
 * Send what is due without new flows: template refresh by time for
 * idle streams. Call about once a second.
 */
void pk_exporter_tick(struct pk_exporter *x, uint64_t now_ns);

/* The statistics as a JSON object (key NULL at top level). */
void pk_exporter_json(const struct pk_exporter *x, struct pk_json *j,
		      const char *key, long pid);

/* Write them atomically (temp file + rename) to path. 0 or -errno. */
int pk_exporter_write_state(const struct pk_exporter *x, const char *path,
			    long pid);

/*
 * For "pktcapctl metrics": copy the exporter's state file (path NULL: the
 * default) into the open JSON object j as key "exporter", or print it as
 * text to out when j is NULL. Returns 0, or -ENOENT when there is no
 * state file (no exporter ran), so the caller can simply print nothing.
 */
int pk_exporter_metrics(const char *path, struct pk_json *j, FILE *out);

#endif /* PK_EXPORTER_H */
