/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The list of commands, in the order "pktcapctl --help" shows them.
 * Adding a command: write cmd_NAME.c defining
 *	const struct pk_cmd pk_cmd_NAME = { .name = "NAME", ... };
 * and add one PK_CMD(NAME) line here (C identifier: "flow-meter" is
 * PK_CMD(flow_meter)). The Makefile picks up every .c file.
 *
 * No include guard: commands.c includes this twice.
 */
PK_CMD(status)
PK_CMD(backends)
PK_CMD(flow_meter)
PK_CMD(flows)
PK_CMD(start)
PK_CMD(stop)
PK_CMD(metrics)
PK_CMD(record)
PK_CMD(encryption)
PK_CMD(decrypt)
PK_CMD(export)
PK_CMD(verify)
