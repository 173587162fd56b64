// SPDX-License-Identifier: GPL-2.0
/* pktcapctl start: start the capture session of this network namespace. */
#include <getopt.h>

#include "capture_opts.h"
#include "cmd.h"
#include "err.h"
#include "nl.h"

static int parse(int argc, char **argv, struct cap_opts *o)
{
	static const struct option longopts[] = { CAP_LONGOPTS, { 0 } };
	int c, rc;

	optind = 0;	/* GNU getopt: full reset, argv[0] is the command */
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":" CAP_SHORTOPTS, longopts, NULL)) != -1) {
		if (c == '?' || c == ':')
			return pk_usage_error(&pk_cmd_start, argv[optind - 1],
					      c == ':' ? "missing argument" :
					      "unknown option");
		rc = cap_opts_take(&pk_cmd_start, o, c, optarg);
		if (rc)
			return rc;
	}
	if (!o->nr_devs)
		return pk_usage_error(&pk_cmd_start, "-i", "at least one device is needed");
	return cap_opts_filter(o, argc, argv, optind);
}

static int run(const struct pk_ctx *ctx, int argc, char **argv)
{
	struct cap_opts o = { 0 };
	struct pk_nl *nl;
	int rc;

	(void)ctx;
	rc = parse(argc, argv, &o);
	if (!rc)
		rc = cap_opts_resolve(&o);
	if (!rc && pk_nl_open(&nl))
		rc = 1;
	else if (!rc) {
		rc = cap_start(nl, &o);
		pk_nl_close(nl);
	}
	cap_opts_free(&o);
	return rc;
}

const struct pk_cmd pk_cmd_start = {
	.name = "start",
	.args = "-i DEV [-i DEV ...] [--backend NAME] [-s SNAPLEN] [-B RING_KB]\n"
		"       [--wakeup-records N] [--wakeup-usec N] [FILTER EXPRESSION ...]",
	.summary = "Start capturing into the per-CPU rings of /dev/pktcap",
	.help = CAP_HELP
		"One session per network namespace; read it with\n"
		"\"pktcapctl record\". Needs CAP_NET_ADMIN. Examples:\n"
		"  pktcapctl start -i eth0 tcp port 443\n"
		"  pktcapctl start -i eth0 -i eth1 --backend ptype -s 128\n",
	.run = run,
};
