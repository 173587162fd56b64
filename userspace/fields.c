// SPDX-License-Identifier: GPL-2.0
/* Table-driven attribute parsing and printing. */
#include <assert.h>
#include <errno.h>
#include <string.h>

#include "fields.h"

#define PK_STR_MAX	256	/* bytes, NUL included, of any string */

static struct nla_policy field_policy(enum pk_field_kind kind)
{
	static const struct nla_policy pol[] = {
		[PK_F_U8] = PK_POL_U8,
		[PK_F_U16] = PK_POL_U16,
		[PK_F_U32] = PK_POL_U32,
		[PK_F_U64] = PK_POL_U64,
		[PK_F_BOOL] = PK_POL_U8,
		[PK_F_STR] = PK_POL_STR(PK_STR_MAX),
		[PK_F_HEX] = PK_POL_BIN(0),
		[PK_F_NEST] = PK_POL_NEST,
	};

	return pol[kind];
}

static void build_policy(const struct pk_attrs *a, struct nla_policy *pol)
{
	size_t i;

	assert(a->maxtype <= PK_ATTRS_MAX);
	memset(pol, 0, sizeof(*pol) * (a->maxtype + 1));
	for (i = 0; i < a->nr_fields; i++) {
		assert(a->fields[i].type > 0 && a->fields[i].type <= a->maxtype);
		pol[a->fields[i].type] = field_policy(a->fields[i].kind);
	}
}

int pk_attrs_parse_nested(const struct pk_attrs *a, const struct nlattr *nest,
			  struct nlattr **tb)
{
	struct nla_policy pol[PK_ATTRS_MAX + 1];

	build_policy(a, pol);
	return pk_nl_parse_nested(nest, tb, a->maxtype, pol);
}

int pk_attrs_parse_opt(const struct pk_attrs *a, const struct nlattr *nest,
		       struct nlattr **tb)
{
	if (!nest) {
		memset(tb, 0, (a->maxtype + 1) * sizeof(tb[0]));
		return 0;
	}
	return pk_attrs_parse_nested(a, nest, tb);
}

int pk_attrs_parse(const struct pk_attrs *a, const struct nlmsghdr *nlh,
		   struct nlattr **tb)
{
	struct nla_policy pol[PK_ATTRS_MAX + 1];

	build_policy(a, pol);
	return pk_nl_parse(nlh, tb, a->maxtype, pol);
}

unsigned long long pk_attr_uint(const struct nlattr *attr)
{
	struct nlattr *nla = (struct nlattr *)attr;

	switch (nla_len(nla)) {
	case 1:
		return nla_get_u8(nla);
	case 2:
		return nla_get_u16(nla);
	case 4:
		return nla_get_u32(nla);
	case 8:
		return nla_get_u64(nla);
	default:
		return 0;
	}
}

static void text_value(const struct pk_field *f, struct nlattr *nla, FILE *out)
{
	const unsigned char *p = nla_data(nla);
	int i;

	switch (f->kind) {
	case PK_F_BOOL:
		fputs(nla_get_u8(nla) ? "yes" : "no", out);
		break;
	case PK_F_STR:
		fputs(nla_get_string(nla), out);
		break;
	case PK_F_HEX:
		for (i = 0; i < nla_len(nla); i++)
			fprintf(out, "%02x", p[i]);
		break;
	case PK_F_NEST:
		break;
	default:
		fprintf(out, "%llu", pk_attr_uint(nla));
	}
}

void pk_attrs_text(const struct pk_attrs *a, struct nlattr *const *tb,
		   FILE *out, int indent)
{
	size_t i;

	for (i = 0; i < a->nr_fields; i++) {
		const struct pk_field *f = &a->fields[i];

		if (!f->key || f->kind == PK_F_NEST || !tb[f->type])
			continue;
		fprintf(out, "%*s%s: ", indent, "", f->label ? f->label : f->key);
		text_value(f, tb[f->type], out);
		fputc('\n', out);
	}
}

static void json_value(const struct pk_field *f, struct nlattr *nla,
		       struct pk_json *j)
{
	switch (f->kind) {
	case PK_F_BOOL:
		pk_json_bool(j, f->key, nla_get_u8(nla));
		break;
	case PK_F_STR:
		pk_json_str(j, f->key, nla_get_string(nla));
		break;
	case PK_F_HEX:
		pk_json_hex(j, f->key, nla_data(nla), nla_len(nla));
		break;
	case PK_F_NEST:
		break;
	default:
		pk_json_u64(j, f->key, pk_attr_uint(nla));
	}
}

void pk_attrs_json(const struct pk_attrs *a, struct nlattr *const *tb,
		   struct pk_json *j)
{
	size_t i;

	for (i = 0; i < a->nr_fields; i++) {
		const struct pk_field *f = &a->fields[i];

		if (f->key && f->kind != PK_F_NEST && tb[f->type])
			json_value(f, tb[f->type], j);
	}
}
