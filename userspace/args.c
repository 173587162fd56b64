// SPDX-License-Identifier: GPL-2.0
/* Command line parsing: global options, command lookup, usage messages. */
#include <string.h>

#include "cmd.h"
#include "err.h"

static const struct pk_cmd *find_cmd(const struct pk_cmd *const *cmds,
				     size_t ncmds, const char *name)
{
	size_t i;

	for (i = 0; i < ncmds; i++)
		if (!strcmp(cmds[i]->name, name))
			return cmds[i];
	return NULL;
}

static void usage_error(struct pk_args *a, const char *what, const char *why)
{
	a->action = PK_ACT_USAGE;
	a->what = what;
	a->why = why;
}

/* Only global short options: "-j", "-jp", "-h"... */
static bool late_cluster(const char *arg)
{
	return arg[0] == '-' && arg[1] && strspn(arg + 1, "jph") == strlen(arg + 1);
}

/*
 * A global option after the command: --json, --pretty, --help or a
 * cluster of -j, -p, -h. Commands therefore never define -j, -p or -h.
 */
static bool take_late_option(struct pk_args *a, const char *arg)
{
	if (!strcmp(arg, "--json"))
		a->ctx.json = true;
	else if (!strcmp(arg, "--pretty"))
		a->ctx.pretty = true;
	else if (!strcmp(arg, "--help"))
		a->action = PK_ACT_CMD_HELP;
	else if (late_cluster(arg))
		for (arg++; *arg; arg++) {
			if (*arg == 'j')
				a->ctx.json = true;
			else if (*arg == 'p')
				a->ctx.pretty = true;
			else
				a->action = PK_ACT_CMD_HELP;
		}
	else
		return false;
	return true;
}

/* Remove the global options from the command's arguments. */
static void strip_late_options(struct pk_args *a)
{
	int i, n = 1;
	bool rest = false;

	for (i = 1; i < a->argc; i++) {
		if (!rest && !strcmp(a->argv[i], "--"))
			rest = true;
		if (rest || !take_late_option(a, a->argv[i]))
			a->argv[n++] = a->argv[i];
	}
	a->argv[n] = NULL;
	a->argc = n;
}

static bool take_long_option(struct pk_args *a, const char *arg)
{
	if (!strcmp(arg, "--json"))
		a->ctx.json = true;
	else if (!strcmp(arg, "--pretty"))
		a->ctx.pretty = true;
	else if (!strcmp(arg, "--help"))
		a->action = PK_ACT_HELP;
	else if (!strcmp(arg, "--version"))
		a->action = PK_ACT_VERSION;
	else
		return false;
	return true;
}

/* A cluster of short options: -j, -p, -h, -V, e.g. "-jp". */
static bool take_short_options(struct pk_args *a, const char *arg)
{
	for (arg++; *arg; arg++) {
		if (*arg == 'j')
			a->ctx.json = true;
		else if (*arg == 'p')
			a->ctx.pretty = true;
		else if (*arg == 'h')
			a->action = PK_ACT_HELP;
		else if (*arg == 'V')
			a->action = PK_ACT_VERSION;
		else
			return false;
	}
	return true;
}

/* Options before the command; returns the index of the command word. */
static int parse_global(struct pk_args *a, int argc, char **argv)
{
	int i;

	for (i = 1; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		bool ok;

		if (!strcmp(argv[i], "--"))
			return i + 1;
		ok = argv[i][1] == '-' ? take_long_option(a, argv[i]) :
					 take_short_options(a, argv[i]);
		if (!ok) {
			usage_error(a, argv[i], "unknown option");
			return argc;
		}
	}
	return i;
}

/* "pktcapctl help [COMMAND]" */
static void parse_help(const struct pk_cmd *const *cmds, size_t ncmds,
		       int argc, char **argv, struct pk_args *a)
{
	a->action = PK_ACT_HELP;
	if (argc < 2)
		return;
	a->cmd = find_cmd(cmds, ncmds, argv[1]);
	if (a->cmd)
		a->action = PK_ACT_CMD_HELP;
	else
		usage_error(a, argv[1], "unknown command");
}

void pk_parse_args(const struct pk_cmd *const *cmds, size_t ncmds,
		   int argc, char **argv, struct pk_args *a)
{
	int i;

	memset(a, 0, sizeof(*a));
	i = parse_global(a, argc, argv);
	if (a->action == PK_ACT_HELP && i < argc) {
		/* "pktcapctl -h status" is "pktcapctl status -h" */
		a->cmd = find_cmd(cmds, ncmds, argv[i]);
		if (a->cmd)
			a->action = PK_ACT_CMD_HELP;
	}
	if (a->action != PK_ACT_RUN)
		return;
	if (i >= argc) {
		usage_error(a, NULL, "no command given");
		return;
	}
	if (!strcmp(argv[i], "help")) {
		parse_help(cmds, ncmds, argc - i, argv + i, a);
		return;
	}
	a->cmd = find_cmd(cmds, ncmds, argv[i]);
	if (!a->cmd) {
		usage_error(a, argv[i], "unknown command");
		return;
	}
	a->argc = argc - i;
	a->argv = argv + i;
	strip_late_options(a);
}

void pk_cmd_usage(FILE *out, const struct pk_cmd *cmd)
{
	fprintf(out, "Usage: pktcapctl [-j [-p]] %s%s%s\n\n%s.\n", cmd->name,
		*cmd->args ? " " : "", cmd->args, cmd->summary);
	if (cmd->help)
		fprintf(out, "\n%s", cmd->help);
}

int pk_usage_error(const struct pk_cmd *cmd, const char *what, const char *why)
{
	pk_err(what, "%s", why);
	fprintf(stderr, "Try 'pktcapctl %s --help' for more information.\n",
		cmd->name);
	return 2;
}

int pk_no_args(const struct pk_cmd *cmd, int argc, char **argv)
{
	if (argc <= 1)
		return 0;
	if (argv[1][0] == '-' && argv[1][1])
		return pk_usage_error(cmd, argv[1], "unknown option");
	return pk_usage_error(cmd, argv[1], "unexpected argument");
}
