// SPDX-License-Identifier: GPL-2.0
/* pktcapctl backends: the capture backends this kernel offers. */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <linux/pktcap.h>

#include "cmd.h"
#include "err.h"
#include "fields.h"
#include "json.h"
#include "nl.h"

struct backend {
	char name[32];
	bool available;
	unsigned int dirs;	/* PKTCAP_DIRF_* */
};

struct backends {
	struct backend *v;
	size_t n;
};

static const struct pk_field backend_fields[] = {
	{ PKTCAP_A_BACKEND_NAME, PK_F_STR, NULL, NULL },
	{ PKTCAP_A_BACKEND_AVAILABLE, PK_F_BOOL, NULL, NULL },
	{ PKTCAP_A_BACKEND_DIRECTIONS, PK_F_U32, NULL, NULL },
	{ PKTCAP_A_BACKEND_ID, PK_F_U32, NULL, NULL },
};

static const struct pk_attrs backend_attrs =
	PK_ATTRS(backend_fields, PKTCAP_A_BACKEND_MAX);

static const struct pk_field reply_fields[] = {
	{ PKTCAP_A_BACKEND, PK_F_NEST, NULL, NULL },
};

static const struct pk_attrs reply_attrs = PK_ATTRS(reply_fields, PKTCAP_A_MAX);

static int add_backend(struct backends *b, const struct nlattr *nest)
{
	struct nlattr *tb[PKTCAP_A_BACKEND_MAX + 1];
	struct backend *be, *v;

	if (pk_attrs_parse_nested(&backend_attrs, nest, tb) ||
	    !tb[PKTCAP_A_BACKEND_NAME])
		return -EBADMSG;
	v = realloc(b->v, (b->n + 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	b->v = v;
	be = &v[b->n++];
	memset(be, 0, sizeof(*be));
	snprintf(be->name, sizeof(be->name), "%s",
		 nla_get_string(tb[PKTCAP_A_BACKEND_NAME]));
	if (tb[PKTCAP_A_BACKEND_AVAILABLE])
		be->available = nla_get_u8(tb[PKTCAP_A_BACKEND_AVAILABLE]);
	if (tb[PKTCAP_A_BACKEND_DIRECTIONS])
		be->dirs = nla_get_u32(tb[PKTCAP_A_BACKEND_DIRECTIONS]);
	return 0;
}

/* One or more PKTCAP_A_BACKEND nests per message. */
static int on_reply(const struct nlmsghdr *nlh, void *arg)
{
	const struct genlmsghdr *gnlh = nlmsg_data(nlh);
	struct nlattr *tb[PKTCAP_A_MAX + 1], *nla;
	int rem, err;

	if (pk_attrs_parse(&reply_attrs, nlh, tb))
		return -EBADMSG;
	nla_for_each_attr(nla, genlmsg_attrdata(gnlh, 0),
			  genlmsg_attrlen(gnlh, 0), rem) {
		if (nla_type(nla) != PKTCAP_A_BACKEND)
			continue;
		err = add_backend(arg, nla);
		if (err)
			return err;
	}
	return 0;
}

static const char *dirs_text(unsigned int dirs)
{
	static const char *const text[] = { "-", "in", "out", "in,out" };

	return text[dirs & (PKTCAP_DIRF_IN | PKTCAP_DIRF_OUT)];
}

static void print_text(const struct backends *b)
{
	size_t i, w = 12;

	for (i = 0; i < b->n; i++)
		if (strlen(b->v[i].name) + 2 > w)
			w = strlen(b->v[i].name) + 2;
	printf("%-*s%-11s%s\n", (int)w, "NAME", "AVAILABLE", "DIRECTIONS");
	for (i = 0; i < b->n; i++)
		printf("%-*s%-11s%s\n", (int)w, b->v[i].name,
		       b->v[i].available ? "yes" : "no", dirs_text(b->v[i].dirs));
}

static int print_json(const struct pk_ctx *ctx, const struct backends *b)
{
	struct pk_json j;
	size_t i;

	pk_json_init(&j, stdout, ctx->pretty);
	pk_json_arr_open(&j, NULL);
	for (i = 0; i < b->n; i++) {
		pk_json_obj_open(&j, NULL);
		pk_json_str(&j, "name", b->v[i].name);
		pk_json_bool(&j, "available", b->v[i].available);
		pk_json_arr_open(&j, "directions");
		if (b->v[i].dirs & PKTCAP_DIRF_IN)
			pk_json_str(&j, NULL, "in");
		if (b->v[i].dirs & PKTCAP_DIRF_OUT)
			pk_json_str(&j, NULL, "out");
		pk_json_arr_close(&j);
		pk_json_obj_close(&j);
	}
	pk_json_arr_close(&j);
	if (pk_json_finish(&j)) {
		pk_err("json", "internal error: unbalanced document");
		return 1;
	}
	return 0;
}

static int run(const struct pk_ctx *ctx, int argc, char **argv)
{
	struct backends b = { NULL, 0 };
	struct pk_nl *nl;
	int err, rc;

	rc = pk_no_args(&pk_cmd_backends, argc, argv);
	if (rc)
		return rc;
	if (pk_nl_open(&nl))
		return 1;
	err = pk_nl_send(nl, pk_nl_req(PKTCAP_CMD_BACKENDS, 0), on_reply, &b);
	if (err)
		rc = pk_nl_perror(nl, "backends", err);
	else if (ctx->json)
		rc = print_json(ctx, &b);
	else
		print_text(&b);
	pk_nl_close(nl);
	free(b.v);
	return rc;
}

const struct pk_cmd pk_cmd_backends = {
	.name = "backends",
	.args = "",
	.summary = "List the capture backends and the directions they see",
	.help = "Columns: NAME (for 'start --backend'), AVAILABLE (whether this\n"
		"kernel offers it), DIRECTIONS (in, out or in,out).\n",
	.run = run,
};
