/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Commands and the command line. Each command lives in cmd_NAME.c, defines
 * "const struct pk_cmd pk_cmd_NAME" and is listed once in commands.h.
 */
#ifndef PK_CMD_H
#define PK_CMD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/*
 * Global options, valid before or after the command name. Commands must not
 * define -j, -p or -h themselves.
 */
struct pk_ctx {
	bool json;		/* -j/--json: one JSON document on stdout */
	bool pretty;		/* -p/--pretty: indent the JSON */
};

struct pk_cmd {
	const char *name;	/* as typed: "flow-meter" */
	const char *args;	/* synopsis after the name, "" if none */
	const char *summary;	/* one line for "pktcapctl --help" */
	const char *help;	/* option details for "pktcapctl NAME --help", or NULL */
	/*
	 * argv[0] is the command name; global options are already removed.
	 * Returns the exit status: 0 ok, 1 runtime error, 2 usage error.
	 */
	int (*run)(const struct pk_ctx *ctx, int argc, char **argv);
};

/* Every command's definition, pk_cmd_NAME (see commands.h). */
#define PK_CMD(id) extern const struct pk_cmd pk_cmd_##id;
#include "commands.h"
#undef PK_CMD

/* The command table (commands.c), in help order. */
extern const struct pk_cmd *const pk_commands[];
extern const size_t pk_nr_commands;

enum pk_action {
	PK_ACT_RUN,		/* run args.cmd */
	PK_ACT_HELP,		/* pktcapctl --help */
	PK_ACT_CMD_HELP,	/* pktcapctl CMD --help, pktcapctl help CMD */
	PK_ACT_VERSION,		/* pktcapctl --version */
	PK_ACT_USAGE,		/* usage error: what/why say which */
};

struct pk_args {
	enum pk_action action;
	struct pk_ctx ctx;
	const struct pk_cmd *cmd;
	int argc;		/* the command's arguments, argv[0] its name */
	char **argv;
	const char *what;	/* usage error: the offending word, or NULL */
	const char *why;	/* usage error: what is wrong with it */
};

/*
 * Parse the command line against a command table. Pure: prints nothing,
 * exits nothing; removes global options after the command from argv in
 * place. Options after "--" are left to the command.
 */
void pk_parse_args(const struct pk_cmd *const *cmds, size_t ncmds,
		   int argc, char **argv, struct pk_args *args);

/* "Usage: pktcapctl [-j] NAME ARGS" plus summary and help. */
void pk_cmd_usage(FILE *out, const struct pk_cmd *cmd);

/*
 * Report a usage error of a command on stderr: "pktcapctl: what: why"
 * and a hint to "pktcapctl NAME --help". Returns 2, the exit status.
 */
int pk_usage_error(const struct pk_cmd *cmd, const char *what, const char *why);

/* For commands without arguments: 0 if argc == 1, else a usage error (2). */
int pk_no_args(const struct pk_cmd *cmd, int argc, char **argv);

#endif /* PK_CMD_H */
