// SPDX-License-Identifier: GPL-2.0
/* pktcapctl status: module, capture session and telemetry state. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "err.h"
#include "nl.h"
#include "status.h"

static const struct pk_field top_fields[] = {
	{ PKTCAP_A_MODULE, PK_F_NEST, NULL, NULL },
	{ PKTCAP_A_CAPTURE, PK_F_NEST, NULL, NULL },
	{ PKTCAP_A_FLOW_METER, PK_F_NEST, NULL, NULL },
	{ PKTCAP_A_EXPORT, PK_F_NEST, NULL, NULL },
	{ PKTCAP_A_ENCRYPTION, PK_F_NEST, NULL, NULL },
};
static const struct pk_attrs top_attrs = PK_ATTRS(top_fields, PKTCAP_A_MAX);

static const struct pk_field mod_fields[] = {
	{ PKTCAP_A_MODULE_VERSION, PK_F_STR, "version", NULL },
	{ PKTCAP_A_MODULE_SRCVERSION, PK_F_STR, "srcversion", NULL },
	{ PKTCAP_A_MODULE_SIG_VERIFIED, PK_F_BOOL, "signature_verified",
	  "signature verified" },
	{ PKTCAP_A_MODULE_ABI_VERSION, PK_F_U32, "abi_version", "ring ABI" },
};
static const struct pk_attrs mod_attrs = PK_ATTRS(mod_fields, PKTCAP_A_MODULE_MAX);

static const struct pk_field cap_fields[] = {
	{ PKTCAP_A_CAPTURE_STATE, PK_F_U32, NULL, NULL },
	{ PKTCAP_A_CAPTURE_BACKEND, PK_F_STR, "backend", NULL },
	{ PKTCAP_A_CAPTURE_DEVICE, PK_F_NEST, NULL, NULL },
	{ PKTCAP_A_CAPTURE_SNAPLEN, PK_F_U32, "snaplen", NULL },
	{ PKTCAP_A_CAPTURE_RING_SIZE, PK_F_U32, "ring_size", "ring size" },
	{ PKTCAP_A_CAPTURE_NR_RINGS, PK_F_U32, "nr_rings", "rings" },
	{ PKTCAP_A_CAPTURE_FILTER, PK_F_HEX, NULL, NULL },	/* request only */
	{ PKTCAP_A_CAPTURE_FILTER_INSNS, PK_F_U32, "filter_insns",
	  "filter instructions" },
	{ PKTCAP_A_CAPTURE_WAKEUP_RECORDS, PK_F_U32, "wakeup_records",
	  "wakeup records" },
	{ PKTCAP_A_CAPTURE_WAKEUP_USEC, PK_F_U32, "wakeup_usec", "wakeup usec" },
	{ PKTCAP_A_CAPTURE_SESSION_ID, PK_F_U64, "session_id", "session id" },
	{ PKTCAP_A_CAPTURE_READER, PK_F_BOOL, "reader", NULL },
};
static const struct pk_attrs cap_attrs = PK_ATTRS(cap_fields, PKTCAP_A_CAPTURE_MAX);

/* Validate the whole reply before printing anything. */
static int status_parse(const struct nlmsghdr *nlh, struct status *st)
{
	const struct nlattr *cap;

	if (pk_attrs_parse(&top_attrs, nlh, st->tb))
		return -EBADMSG;
	cap = st->tb[PKTCAP_A_CAPTURE];
	if (pk_attrs_parse_opt(&mod_attrs, st->tb[PKTCAP_A_MODULE], st->mod) ||
	    pk_attrs_parse_opt(&cap_attrs, cap, st->cap) ||
	    (cap && status_devices_valid(cap, PKTCAP_A_CAPTURE_DEVICE)))
		return -EBADMSG;
	return status_extra_parse(st);
}

static bool running(const struct status *st)
{
	const struct nlattr *state = st->cap[PKTCAP_A_CAPTURE_STATE];

	return state && nla_get_u32((struct nlattr *)state) == PKTCAP_STATE_RUNNING;
}

static void print_text(const struct status *st)
{
	if (st->tb[PKTCAP_A_MODULE]) {
		puts("module: " PKTCAP_GENL_NAME);
		pk_attrs_text(&mod_attrs, st->mod, stdout, 2);
		putchar('\n');
	}
	printf("capture: %s\n", running(st) ? "running" : "idle");
	if (running(st)) {
		pk_attrs_text(&cap_attrs, st->cap, stdout, 2);
		status_devices_text(st->tb[PKTCAP_A_CAPTURE],
				    PKTCAP_A_CAPTURE_DEVICE, stdout);
	}
	status_extra_text(st, stdout);
}

static int print_json(const struct pk_ctx *ctx, const struct status *st)
{
	struct pk_json j;

	pk_json_init(&j, stdout, ctx->pretty);
	pk_json_obj_open(&j, NULL);
	if (st->tb[PKTCAP_A_MODULE]) {
		pk_json_obj_open(&j, "module");
		pk_attrs_json(&mod_attrs, st->mod, &j);
		pk_json_obj_close(&j);
	}
	pk_json_obj_open(&j, "capture");
	pk_json_str(&j, "state", running(st) ? "running" : "idle");
	if (running(st)) {
		pk_attrs_json(&cap_attrs, st->cap, &j);
		status_devices_json(st->tb[PKTCAP_A_CAPTURE],
				    PKTCAP_A_CAPTURE_DEVICE, &j);
	}
	pk_json_obj_close(&j);
	status_extra_json(st, &j);
	pk_json_obj_close(&j);
	if (pk_json_finish(&j)) {
		pk_err("json", "internal error: unbalanced document");
		return 1;
	}
	return 0;
}

int status_show_reply(const struct pk_ctx *ctx, const struct nlmsghdr *reply)
{
	struct status st;
	int err;

	err = status_parse(reply, &st);
	if (err)
		return pk_err_errno("status", err, NULL);
	if (ctx->json)
		return print_json(ctx, &st);
	print_text(&st);
	return 0;
}

static int show(const struct pk_ctx *ctx, struct pk_nl *nl)
{
	struct nlmsghdr *reply;
	int err, rc;

	err = pk_nl_query(nl, pk_nl_req(PKTCAP_CMD_STATUS, 0), &reply);
	if (err)
		return pk_nl_perror(nl, "status", err);
	rc = status_show_reply(ctx, reply);
	free(reply);
	return rc;
}

static int run(const struct pk_ctx *ctx, int argc, char **argv)
{
	struct pk_nl *nl;
	int rc;

	rc = pk_no_args(&pk_cmd_status, argc, argv);
	if (rc)
		return rc;
	if (pk_nl_open(&nl))
		return 1;
	rc = show(ctx, nl);
	pk_nl_close(nl);
	return rc;
}

const struct pk_cmd pk_cmd_status = {
	.name = "status",
	.args = "",
	.summary = "Show the module, the capture session and telemetry state",
	.help = "Sections: module (version, signature), capture (state, backend,\n"
		"devices, ring), and when configured: flow meter, export,\n"
		"encryption. Unprivileged.\n",
	.run = run,
};
