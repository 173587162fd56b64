/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Table-driven attribute sets: one table describes a nest's attributes,
 * from which come its strict parsing policy and its text and JSON output.
 *
 *	static const struct pk_field fm_fields[] = {
 *		{ PKTCAP_A_FLOW_METER_ENABLED, PK_F_BOOL, "enabled", "enabled" },
 *		{ PKTCAP_A_FLOW_METER_DEVICE, PK_F_NEST },	// parse only
 *		...
 *	};
 *	static const struct pk_attrs fm_attrs =
 *		PK_ATTRS(fm_fields, PKTCAP_A_FLOW_METER_MAX);
 *
 *	struct nlattr *tb[PKTCAP_A_FLOW_METER_MAX + 1];
 *	if (pk_attrs_parse_nested(&fm_attrs, nest, tb)) ...malformed...
 *	pk_attrs_text(&fm_attrs, tb, stdout, 2);   or   pk_attrs_json(&fm_attrs, tb, j);
 *
 * Fields with a NULL key are parsed and validated but not printed: the
 * command prints them itself (enums, nests, multi-attrs).
 */
#ifndef PK_FIELDS_H
#define PK_FIELDS_H

#include <stddef.h>
#include <stdio.h>

#include "json.h"
#include "nl.h"

#define PK_ATTRS_MAX	64	/* highest attribute type a table may use */

enum pk_field_kind {
	PK_F_U8,
	PK_F_U16,
	PK_F_U32,
	PK_F_U64,
	PK_F_BOOL,	/* u8, printed yes/no, true/false */
	PK_F_STR,	/* NUL-terminated string */
	PK_F_HEX,	/* binary, printed as hex */
	PK_F_NEST,	/* nested attributes */
};

struct pk_field {
	int type;		/* attribute type */
	enum pk_field_kind kind;
	const char *key;	/* JSON key; NULL: not printed */
	const char *label;	/* text label; NULL: same as key */
};

struct pk_attrs {
	const struct pk_field *fields;
	size_t nr_fields;
	int maxtype;		/* the nest's ..._MAX */
};

#define PK_ATTRS(table, max) \
	{ (table), sizeof(table) / sizeof((table)[0]), (max) }

/* Parse a nest or a reply; tb has maxtype + 1 entries. 0 or -EBADMSG. */
int pk_attrs_parse_nested(const struct pk_attrs *a, const struct nlattr *nest,
			  struct nlattr **tb);
int pk_attrs_parse(const struct pk_attrs *a, const struct nlmsghdr *nlh,
		   struct nlattr **tb);

/* Like pk_attrs_parse_nested(), but a missing nest (NULL) clears tb. */
int pk_attrs_parse_opt(const struct pk_attrs *a, const struct nlattr *nest,
		       struct nlattr **tb);

/* Every present printable field as "<indent>label: value" lines. */
void pk_attrs_text(const struct pk_attrs *a, struct nlattr *const *tb,
		   FILE *out, int indent);
/* Like pk_attrs_parse_nested(), but a missing nest (NULL) clears tb. */
int pk_attrs_parse_opt(const struct pk_attrs *a, const struct nlattr *nest,
		       struct nlattr **tb);

/* Every present printable field as a key/value in the open JSON object. */
void pk_attrs_json(const struct pk_attrs *a, struct nlattr *const *tb,
		   struct pk_json *j);

/* The value of a present integer attribute of any width (u8..u64). */
unsigned long long pk_attr_uint(const struct nlattr *attr);

#endif /* PK_FIELDS_H */
