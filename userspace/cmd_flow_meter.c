// SPDX-License-Identifier: GPL-2.0
/*
 * pktcapctl flow-meter enable|disable: switch the namespace's flow meter.
 *
 * The kernel fixes the settings while the meter runs (EBUSY on a second
 * enable), so changing them is "disable" then "enable"; disabling ends
 * every flow with reason "forced end" and delivers it.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <linux/pktcap.h>

#include "cmd.h"
#include "err.h"
#include "nl.h"

#define WHAT "flow-meter"

struct meter_opts {
	const char *devs[PKTCAP_MAX_DEVICES];
	unsigned int nr_devs;
	const char *backend;
	long long max_flows;		/* -1: kernel default */
	long long active_timeout;	/* -1: kernel default */
	long long inactive_timeout;	/* -1: kernel default */
	long long sampling;		/* -1: not given */
	int sampling_random;
	int bidirectional;
};

enum { OPT_BACKEND = 256, OPT_MAX_FLOWS, OPT_ACTIVE, OPT_INACTIVE,
       OPT_SAMPLING, OPT_BIDIR };

static const struct option enable_options[] = {
	{ "interface", required_argument, NULL, 'i' },
	{ "backend", required_argument, NULL, OPT_BACKEND },
	{ "max-flows", required_argument, NULL, OPT_MAX_FLOWS },
	{ "active-timeout", required_argument, NULL, OPT_ACTIVE },
	{ "inactive-timeout", required_argument, NULL, OPT_INACTIVE },
	{ "sampling", required_argument, NULL, OPT_SAMPLING },
	{ "bidirectional", no_argument, NULL, OPT_BIDIR },
	{ NULL, 0, NULL, 0 },
};

/* A decimal in [min, max]; -1 if it is not one. */
static long long parse_num(const char *s, long long min, long long max)
{
	char *end;
	long long v;

	if (!*s || *s == '-' || *s == '+')
		return -1;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return -1;
	return v;
}

/* --sampling N or N:random */
static int parse_sampling(const char *s, struct meter_opts *o)
{
	char buf[32];
	char *colon;

	snprintf(buf, sizeof(buf), "%s", s);
	colon = strchr(buf, ':');
	if (colon) {
		if (strcmp(colon + 1, "random"))
			return -1;
		*colon = '\0';
		o->sampling_random = 1;
	}
	o->sampling = parse_num(buf, 1, 1LL << 24);
	return o->sampling < 0 ? -1 : 0;
}

static int add_dev(struct meter_opts *o, const char *name)
{
	if (o->nr_devs == PKTCAP_MAX_DEVICES)
		return pk_usage_error(&pk_cmd_flow_meter, name, "too many devices");
	if (!*name || strlen(name) >= IF_NAMESIZE)
		return pk_usage_error(&pk_cmd_flow_meter, name,
				      "not a valid interface name");
	o->devs[o->nr_devs++] = name;
	return 0;
}

/* One option of "enable"; 0 or the usage error's exit status. */
static int take_option(struct meter_opts *o, int c, const char *arg)
{
	static const long long tmax = 7 * 24 * 3600;
	const char *why = NULL;

	switch (c) {
	case 'i':
		return add_dev(o, arg);
	case OPT_BACKEND:
		o->backend = arg;
		return 0;
	case OPT_MAX_FLOWS:
		o->max_flows = parse_num(arg, 1, PKTCAP_MAX_FLOWS_LIMIT);
		why = o->max_flows < 0 ? "must be an integer from 1 to 16777216" : NULL;
		break;
	case OPT_ACTIVE:
		o->active_timeout = parse_num(arg, 1, tmax);
		why = o->active_timeout < 0 ? "must be seconds from 1 to 604800" : NULL;
		break;
	case OPT_INACTIVE:
		o->inactive_timeout = parse_num(arg, 1, tmax);
		why = o->inactive_timeout < 0 ? "must be seconds from 1 to 604800" : NULL;
		break;
	case OPT_SAMPLING:
		why = parse_sampling(arg, o) ?
		      "must be N or N:random, N from 1 to 16777216" : NULL;
		break;
	case OPT_BIDIR:
		o->bidirectional = 1;
		return 0;
	}
	return why ? pk_usage_error(&pk_cmd_flow_meter, arg, why) : 0;
}

static int parse_enable(int argc, char **argv, struct meter_opts *o)
{
	int c, rc;

	memset(o, 0, sizeof(*o));
	o->max_flows = o->active_timeout = o->inactive_timeout = o->sampling = -1;
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":i:", enable_options, NULL)) != -1) {
		if (c == '?')
			return pk_usage_error(&pk_cmd_flow_meter, argv[optind - 1],
					      "unknown option");
		if (c == ':')
			return pk_usage_error(&pk_cmd_flow_meter, argv[optind - 1],
					      "needs an argument");
		rc = take_option(o, c, optarg);
		if (rc)
			return rc;
	}
	if (optind < argc)
		return pk_usage_error(&pk_cmd_flow_meter, argv[optind],
				      "unexpected argument");
	if (!o->nr_devs)
		return pk_usage_error(&pk_cmd_flow_meter, "enable",
				      "needs at least one -i DEV");
	return 0;
}

/*
 * Names are checked here first so that the error names the device; the
 * kernel looks the name up again, in the same namespace.
 */
static int check_devs(const struct meter_opts *o)
{
	unsigned int i;

	for (i = 0; i < o->nr_devs; i++)
		if (!if_nametoindex(o->devs[i])) {
			pk_err(WHAT, "%s: %s", o->devs[i], pk_strerror(errno));
			return -ENODEV;
		}
	return 0;
}

static int put_u32_opt(struct nl_msg *m, int type, long long v)
{
	return v < 0 ? 0 : nla_put_u32(m, type, v);
}

static int put_devs(struct nl_msg *m, const struct meter_opts *o)
{
	struct nlattr *dev;
	unsigned int i;

	for (i = 0; i < o->nr_devs; i++) {
		dev = nla_nest_start(m, PKTCAP_A_FLOW_METER_DEVICE);
		if (!dev || nla_put_string(m, PKTCAP_A_DEVICE_IFNAME, o->devs[i]))
			return -1;
		nla_nest_end(m, dev);
	}
	return 0;
}

static int put_settings(struct nl_msg *m, const struct meter_opts *o)
{
	if (o->backend && nla_put_string(m, PKTCAP_A_FLOW_METER_BACKEND, o->backend))
		return -1;
	if (put_u32_opt(m, PKTCAP_A_FLOW_METER_MAX_FLOWS, o->max_flows) ||
	    put_u32_opt(m, PKTCAP_A_FLOW_METER_ACTIVE_TIMEOUT, o->active_timeout) ||
	    put_u32_opt(m, PKTCAP_A_FLOW_METER_INACTIVE_TIMEOUT, o->inactive_timeout) ||
	    put_u32_opt(m, PKTCAP_A_FLOW_METER_SAMPLING, o->sampling))
		return -1;
	if (o->sampling_random &&
	    nla_put_u8(m, PKTCAP_A_FLOW_METER_SAMPLING_RANDOM, 1))
		return -1;
	if (o->bidirectional && nla_put_u8(m, PKTCAP_A_FLOW_METER_BIDIRECTIONAL, 1))
		return -1;
	return 0;
}

/* The request; o == NULL for disable. NULL if out of memory. */
static struct nl_msg *build_req(const struct meter_opts *o)
{
	struct nl_msg *m = pk_nl_req(PKTCAP_CMD_FLOW_METER, 0);
	struct nlattr *nest;

	if (!m)
		return NULL;
	nest = nla_nest_start(m, PKTCAP_A_FLOW_METER);
	if (!nest || nla_put_u8(m, PKTCAP_A_FLOW_METER_ENABLED, o != NULL) ||
	    (o && (put_devs(m, o) || put_settings(m, o)))) {
		nlmsg_free(m);
		return NULL;
	}
	nla_nest_end(m, nest);
	return m;
}

/* The kernel says "no such device" without a name: add the names. */
static int report(struct pk_nl *nl, const struct meter_opts *o, int err)
{
	char devs[PKTCAP_MAX_DEVICES * IF_NAMESIZE];
	size_t n = 0;
	unsigned int i;

	if (err != -ENODEV || !o)
		return pk_nl_perror(nl, WHAT, err);
	devs[0] = '\0';
	for (i = 0; i < o->nr_devs && n < sizeof(devs); i++)
		n += snprintf(devs + n, sizeof(devs) - n, "%s%s", i ? "," : "",
			      o->devs[i]);
	pk_err(WHAT, "%s: %s", devs,
	       pk_nl_extack(nl) ? pk_nl_extack(nl) : pk_strerror(err));
	return 1;
}

static int send_req(const struct meter_opts *o)
{
	struct pk_nl *nl;
	int err, rc = 0;

	if (pk_nl_open(&nl))
		return 1;
	err = pk_nl_send(nl, build_req(o), NULL, NULL);
	if (err)
		rc = report(nl, o, err);
	pk_nl_close(nl);
	return rc;
}

static int run(const struct pk_ctx *ctx, int argc, char **argv)
{
	struct meter_opts o;
	int rc;

	(void)ctx;
	if (argc < 2)
		return pk_usage_error(&pk_cmd_flow_meter, NULL,
				      "missing 'enable' or 'disable'");
	if (!strcmp(argv[1], "disable")) {
		rc = pk_no_args(&pk_cmd_flow_meter, argc - 1, argv + 1);
		return rc ? rc : send_req(NULL);
	}
	if (strcmp(argv[1], "enable"))
		return pk_usage_error(&pk_cmd_flow_meter, argv[1],
				      "unknown subcommand (enable or disable)");
	rc = parse_enable(argc - 1, argv + 1, &o);
	if (rc)
		return rc;
	if (check_devs(&o))
		return 1;
	return send_req(&o);
}

const struct pk_cmd pk_cmd_flow_meter = {
	.name = "flow-meter",
	.args = "enable -i DEV [-i DEV ...] [OPTIONS] | disable",
	.summary = "Enable or disable in-kernel flow metering",
	.help = "enable options:\n"
		"  -i, --interface DEV      meter DEV (repeat for more devices)\n"
		"  --backend NAME           hook to use (see 'backends'; default ptype)\n"
		"  --max-flows N            table capacity (default: 1/1024 of RAM)\n"
		"  --active-timeout S       end long flows after S seconds (default 1800)\n"
		"  --inactive-timeout S     end idle flows after S seconds (default 15)\n"
		"  --sampling N[:random]    meter 1 packet in N, every Nth or at random\n"
		"  --bidirectional          one biflow for both directions (RFC 5103)\n"
		"Settings are fixed while the meter runs: disable, then enable to\n"
		"change them. disable ends every flow (reason: forced end) and\n"
		"delivers it to flow listeners. Needs CAP_NET_ADMIN.\n"
		"See docs/FLOW-METER.md.\n",
	.run = run,
};
