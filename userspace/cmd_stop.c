// SPDX-License-Identifier: GPL-2.0
/* pktcapctl stop: stop the capture session of this network namespace. */
#include "capture_opts.h"
#include "cmd.h"
#include "nl.h"

static int run(const struct pk_ctx *ctx, int argc, char **argv)
{
	struct pk_nl *nl;
	int rc;

	(void)ctx;
	rc = pk_no_args(&pk_cmd_stop, argc, argv);
	if (rc)
		return rc;
	if (pk_nl_open(&nl))
		return 1;
	rc = cap_stop(nl, false);
	pk_nl_close(nl);
	return rc;
}

const struct pk_cmd pk_cmd_stop = {
	.name = "stop",
	.args = "",
	.summary = "Stop the capture session",
	.help = "Detaches every hook and frees the rings; a reader gets EPOLLHUP\n"
		"after it has read what was captured. Needs CAP_NET_ADMIN.\n",
	.run = run,
};
