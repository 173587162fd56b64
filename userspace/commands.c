// SPDX-License-Identifier: GPL-2.0
/* The command table, generated from commands.h. */
#include "cmd.h"

#define PK_CMD(id) &pk_cmd_##id,
const struct pk_cmd *const pk_commands[] = {
#include "commands.h"
};
#undef PK_CMD

const size_t pk_nr_commands = sizeof(pk_commands) / sizeof(pk_commands[0]);
