// SPDX-License-Identifier: GPL-2.0
/*
 * pktcapctl: control the pktcap packet capture and flow telemetry module.
 *
 * Exit status: 0 success, 1 runtime error, 2 usage error.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <linux/pktcap.h>

#include "cmd.h"
#include "err.h"

#ifndef PKTCAP_VERSION
#define PKTCAP_VERSION "unknown"
#endif

static void usage(FILE *out)
{
	size_t i;

	fputs("Usage: pktcapctl [OPTIONS] COMMAND [ARGS...]\n\n"
	      "Control pktcap, the packet capture and flow telemetry module.\n\n"
	      "Options (before or after COMMAND):\n"
	      "  -j, --json     print one JSON document instead of text\n"
	      "  -p, --pretty   indent the JSON output\n"
	      "  -h, --help     show this help, or COMMAND's help\n"
	      "  -V, --version  print the version and exit\n\n"
	      "Commands:\n", out);
	for (i = 0; i < pk_nr_commands; i++)
		fprintf(out, "  %-12s %s\n", pk_commands[i]->name,
			pk_commands[i]->summary);
	fputs("\nRun 'pktcapctl COMMAND --help' for a command's arguments.\n",
	      out);
}

static void version(void)
{
	printf("pktcapctl %s (genetlink version %d, ring ABI %d)\n",
	       PKTCAP_VERSION, PKTCAP_GENL_VERSION, PKTCAP_RING_ABI_VERSION);
}

static int usage_error(const struct pk_args *a)
{
	if (a->what)
		pk_err(a->what, "%s", a->why);
	else
		pk_err(NULL, "%s", a->why);
	fputs("Try 'pktcapctl --help' for more information.\n", stderr);
	return 2;
}

/* Like a shell: a failed write to stdout (full disk, closed pipe) is an error. */
static int flush_stdout(int rc)
{
	if (fflush(stdout) == 0 && !ferror(stdout))
		return rc;
	pk_err("stdout", "write error: %s", strerror(errno));
	return rc ? rc : 1;
}

int main(int argc, char **argv)
{
	struct pk_args a;
	int rc = 0;

	pk_parse_args(pk_commands, pk_nr_commands, argc, argv, &a);
	switch (a.action) {
	case PK_ACT_USAGE:
		return usage_error(&a);
	case PK_ACT_HELP:
		usage(stdout);
		break;
	case PK_ACT_CMD_HELP:
		pk_cmd_usage(stdout, a.cmd);
		break;
	case PK_ACT_VERSION:
		version();
		break;
	case PK_ACT_RUN:
		rc = a.cmd->run(&a.ctx, a.argc, a.argv);
		break;
	}
	return flush_stdout(rc);
}
