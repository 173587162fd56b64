/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What start and record share: the capture options on the command line,
 * the START/STOP requests built from them, and METRICS snapshots.
 */
#ifndef PK_CAPTURE_OPTS_H
#define PK_CAPTURE_OPTS_H

#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>
#include <net/if.h>
#include <linux/pktcap.h>

#include "cmd.h"
#include "nl.h"

/* getopt values of the long-only capture options. */
enum {
	CAP_OPT_BACKEND = 0x100,
	CAP_OPT_WAKEUP_RECORDS,
	CAP_OPT_WAKEUP_USEC,
	CAP_OPT_NEXT,		/* first value free for a command's own */
};

#define CAP_SHORTOPTS "i:s:B:"
#define CAP_LONGOPTS \
	{ "interface", required_argument, NULL, 'i' }, \
	{ "backend", required_argument, NULL, CAP_OPT_BACKEND }, \
	{ "snaplen", required_argument, NULL, 's' }, \
	{ "buffer-size", required_argument, NULL, 'B' }, \
	{ "wakeup-records", required_argument, NULL, CAP_OPT_WAKEUP_RECORDS }, \
	{ "wakeup-usec", required_argument, NULL, CAP_OPT_WAKEUP_USEC }

#define CAP_HELP \
	"  -i, --interface DEV    capture on DEV (name or ifindex); repeatable\n" \
	"  --backend NAME         ptype (default), nf-ingress, nf-egress,\n" \
	"                         rx-handler (see pktcapctl backends)\n" \
	"  -s, --snaplen BYTES    bytes kept per packet (default 65535)\n" \
	"  -B, --buffer-size KB   ring size per CPU in KiB, a power of two\n" \
	"                         (64 .. 262144, default 4096)\n" \
	"  --wakeup-records N     wake the reader after N records (default 64)\n" \
	"  --wakeup-usec N        ... or N us after the first one (default 10000)\n" \
	"  FILTER EXPRESSION      tcpdump syntax (pcap-filter(7)), compiled by\n" \
	"                         libpcap for the devices' link type\n"

struct cap_dev {
	char name[IF_NAMESIZE];
	unsigned int ifindex;
	unsigned int arphrd;	/* ARPHRD_* */
};

struct cap_opts {
	struct cap_dev devs[PKTCAP_MAX_DEVICES];
	unsigned int nr_devs;
	const char *dev_args[PKTCAP_MAX_DEVICES];	/* -i as typed */
	const char *backend;			/* NULL: the kernel's default */
	uint32_t snaplen;			/* 0: not given */
	uint32_t ring_kb;			/* 0: not given */
	uint32_t wakeup_records;		/* 0: not given */
	uint32_t wakeup_usec;			/* 0: not given */
	bool has_wakeup_usec;
	char *filter;				/* joined words, or NULL */
};

/*
 * Take getopt's option c with argument arg if it is a capture option.
 * Returns 0 when taken, -1 when c is not a capture option, 2 (after
 * printing a usage error) when arg is bad.
 */
int cap_opts_take(const struct pk_cmd *cmd, struct cap_opts *o, int c,
		  const char *arg);

/* Join argv[first..argc) into o->filter. 0, or 1 out of memory. */
int cap_opts_filter(struct cap_opts *o, int argc, char **argv, int first);

void cap_opts_free(struct cap_opts *o);

/*
 * Resolve every -i to an ifindex, name and link type in this namespace,
 * printing "pktcapctl: eth9: no such device" on failure. 0 or 1.
 */
int cap_opts_resolve(struct cap_opts *o);

/* Send START built from o (filter compiled here). Exit status 0 or 1. */
int cap_start(struct pk_nl *nl, const struct cap_opts *o);

/* Send STOP. Exit status 0 or 1; quiet true: no message for "not running". */
int cap_stop(struct pk_nl *nl, bool quiet);

/* 1 if a capture session runs in this namespace, 0 if not, <0 -errno. */
int cap_running(struct pk_nl *nl);

/* The capture counters of METRICS, indexed by PKTCAP_A_METRICS_*. */
struct cap_counters {
	bool present[PKTCAP_A_METRICS_MAX + 1];
	uint64_t val[PKTCAP_A_METRICS_MAX + 1];
};

#define CAP_MAX_CPUS	1024

struct cap_metrics {
	struct cap_counters total;
	unsigned int nr_cpus;
	uint32_t cpu_id[CAP_MAX_CPUS];
	struct cap_counters cpu[CAP_MAX_CPUS];
};

/* One METRICS snapshot into *m. 0 or -errno (not printed). */
int cap_metrics_get(struct pk_nl *nl, struct cap_metrics *m);

/* Name of a counter in JSON: "seen", "flows_expired_idle"; NULL: none. */
const char *cap_counter_name(int type);

#endif /* PK_CAPTURE_OPTS_H */
