// SPDX-License-Identifier: GPL-2.0
/*
 * pktcapctl status: device lists and the optional sections (flow meter,
 * export, encryption), printed whenever the kernel reports them.
 */
#include <errno.h>
#include <string.h>

#include "status.h"

static const struct pk_field dev_fields[] = {
	{ PKTCAP_A_DEVICE_IFINDEX, PK_F_U32, "ifindex", NULL },
	{ PKTCAP_A_DEVICE_IFNAME, PK_F_STR, "name", NULL },
	{ PKTCAP_A_DEVICE_STATE, PK_F_U32, NULL, NULL },
	{ PKTCAP_A_DEVICE_LINKTYPE, PK_F_U32, "linktype", NULL },
};
static const struct pk_attrs dev_attrs = PK_ATTRS(dev_fields, PKTCAP_A_DEVICE_MAX);

static const struct pk_field fm_fields[] = {
	{ PKTCAP_A_FLOW_METER_ENABLED, PK_F_BOOL, "enabled", NULL },
	{ PKTCAP_A_FLOW_METER_BACKEND, PK_F_STR, "backend", NULL },
	{ PKTCAP_A_FLOW_METER_DEVICE, PK_F_NEST, NULL, NULL },
	{ PKTCAP_A_FLOW_METER_MAX_FLOWS, PK_F_U32, "max_flows", "max flows" },
	{ PKTCAP_A_FLOW_METER_ACTIVE_TIMEOUT, PK_F_U32, "active_timeout",
	  "active timeout (s)" },
	{ PKTCAP_A_FLOW_METER_INACTIVE_TIMEOUT, PK_F_U32, "inactive_timeout",
	  "inactive timeout (s)" },
	{ PKTCAP_A_FLOW_METER_SAMPLING, PK_F_U32, "sampling", "sampling 1 in" },
	{ PKTCAP_A_FLOW_METER_SAMPLING_RANDOM, PK_F_BOOL, "sampling_random",
	  "random sampling" },
	{ PKTCAP_A_FLOW_METER_BIDIRECTIONAL, PK_F_BOOL, "bidirectional", NULL },
};
static const struct pk_attrs fm_attrs = PK_ATTRS(fm_fields, PKTCAP_A_FLOW_METER_MAX);

static const struct pk_field exp_fields[] = {
	{ PKTCAP_A_EXPORT_ENABLED, PK_F_BOOL, "enabled", NULL },
	{ PKTCAP_A_EXPORT_VERSION, PK_F_U32, "version", NULL },
	{ PKTCAP_A_EXPORT_COLLECTOR, PK_F_STR, NULL, NULL },
	{ PKTCAP_A_EXPORT_DOMAIN, PK_F_U32, "domain", "observation domain" },
	{ PKTCAP_A_EXPORT_MTU, PK_F_U32, "mtu", NULL },
	{ PKTCAP_A_EXPORT_PID, PK_F_U32, "pid", "exporter pid" },
	{ PKTCAP_A_EXPORT_TEMPLATE_PACKETS, PK_F_U32, "template_packets",
	  "template refresh (packets)" },
	{ PKTCAP_A_EXPORT_TEMPLATE_SECONDS, PK_F_U32, "template_seconds",
	  "template refresh (s)" },
};
static const struct pk_attrs exp_attrs = PK_ATTRS(exp_fields, PKTCAP_A_EXPORT_MAX);

static const struct pk_field enc_fields[] = {
	{ PKTCAP_A_ENCRYPTION_ENABLED, PK_F_BOOL, "enabled", NULL },
	{ PKTCAP_A_ENCRYPTION_KEY, PK_F_HEX, NULL, NULL },	/* never sent */
	{ PKTCAP_A_ENCRYPTION_ALGORITHM, PK_F_STR, "algorithm", NULL },
	{ PKTCAP_A_ENCRYPTION_KEY_ID, PK_F_HEX, "key_id", "key id" },
};
static const struct pk_attrs enc_attrs =
	PK_ATTRS(enc_fields, PKTCAP_A_ENCRYPTION_MAX);

static const char *dev_state(const struct nlattr *state)
{
	if (!state)
		return NULL;
	switch (nla_get_u32((struct nlattr *)state)) {
	case PKTCAP_DEV_ATTACHED:
		return "attached";
	case PKTCAP_DEV_DETACHED:
		return "detached";
	default:
		return "unknown";
	}
}

int status_devices_valid(const struct nlattr *nest, int type)
{
	struct nlattr *tb[PKTCAP_A_DEVICE_MAX + 1], *pos;
	int rem;

	nla_for_each_nested(pos, (struct nlattr *)nest, rem)
		if (nla_type(pos) == type &&
		    pk_attrs_parse_nested(&dev_attrs, pos, tb))
			return -EBADMSG;
	return 0;
}

void status_devices_text(const struct nlattr *nest, int type, FILE *out)
{
	struct nlattr *tb[PKTCAP_A_DEVICE_MAX + 1], *pos;
	int rem;

	nla_for_each_nested(pos, (struct nlattr *)nest, rem) {
		if (nla_type(pos) != type || pk_attrs_parse_nested(&dev_attrs, pos, tb))
			continue;
		fprintf(out, "  device: %s",
			tb[PKTCAP_A_DEVICE_IFNAME] ?
			nla_get_string(tb[PKTCAP_A_DEVICE_IFNAME]) : "?");
		if (tb[PKTCAP_A_DEVICE_IFINDEX])
			fprintf(out, " (ifindex %u)",
				nla_get_u32(tb[PKTCAP_A_DEVICE_IFINDEX]));
		if (tb[PKTCAP_A_DEVICE_STATE])
			fprintf(out, " %s", dev_state(tb[PKTCAP_A_DEVICE_STATE]));
		fputc('\n', out);
	}
}

void status_devices_json(const struct nlattr *nest, int type, struct pk_json *j)
{
	struct nlattr *tb[PKTCAP_A_DEVICE_MAX + 1], *pos;
	int rem;

	pk_json_arr_open(j, "devices");
	nla_for_each_nested(pos, (struct nlattr *)nest, rem) {
		if (nla_type(pos) != type || pk_attrs_parse_nested(&dev_attrs, pos, tb))
			continue;
		pk_json_obj_open(j, NULL);
		pk_attrs_json(&dev_attrs, tb, j);
		if (tb[PKTCAP_A_DEVICE_STATE])
			pk_json_str(j, "state", dev_state(tb[PKTCAP_A_DEVICE_STATE]));
		pk_json_obj_close(j);
	}
	pk_json_arr_close(j);
}

int status_extra_parse(struct status *st)
{
	const struct nlattr *fm = st->tb[PKTCAP_A_FLOW_METER];

	if (pk_attrs_parse_opt(&fm_attrs, fm, st->fm) ||
	    pk_attrs_parse_opt(&exp_attrs, st->tb[PKTCAP_A_EXPORT], st->exp) ||
	    pk_attrs_parse_opt(&enc_attrs, st->tb[PKTCAP_A_ENCRYPTION], st->enc))
		return -EBADMSG;
	return fm ? status_devices_valid(fm, PKTCAP_A_FLOW_METER_DEVICE) : 0;
}

static void collectors_text(const struct nlattr *nest, FILE *out)
{
	struct nlattr *pos;
	int rem;

	nla_for_each_nested(pos, (struct nlattr *)nest, rem)
		if (nla_type(pos) == PKTCAP_A_EXPORT_COLLECTOR)
			fprintf(out, "  collector: %s\n", nla_get_string(pos));
}

static void collectors_json(const struct nlattr *nest, struct pk_json *j)
{
	struct nlattr *pos;
	int rem;

	pk_json_arr_open(j, "collectors");
	nla_for_each_nested(pos, (struct nlattr *)nest, rem)
		if (nla_type(pos) == PKTCAP_A_EXPORT_COLLECTOR)
			pk_json_str(j, NULL, nla_get_string(pos));
	pk_json_arr_close(j);
}

void status_extra_text(const struct status *st, FILE *out)
{
	const struct nlattr *fm = st->tb[PKTCAP_A_FLOW_METER];
	const struct nlattr *exp = st->tb[PKTCAP_A_EXPORT];

	if (fm) {
		fputs("\nflow meter:\n", out);
		pk_attrs_text(&fm_attrs, st->fm, out, 2);
		status_devices_text(fm, PKTCAP_A_FLOW_METER_DEVICE, out);
	}
	if (exp) {
		fputs("\nexport:\n", out);
		pk_attrs_text(&exp_attrs, st->exp, out, 2);
		collectors_text(exp, out);
	}
	if (st->tb[PKTCAP_A_ENCRYPTION]) {
		fputs("\nencryption:\n", out);
		pk_attrs_text(&enc_attrs, st->enc, out, 2);
	}
}

void status_extra_json(const struct status *st, struct pk_json *j)
{
	const struct nlattr *fm = st->tb[PKTCAP_A_FLOW_METER];
	const struct nlattr *exp = st->tb[PKTCAP_A_EXPORT];

	if (fm) {
		pk_json_obj_open(j, "flow_meter");
		pk_attrs_json(&fm_attrs, st->fm, j);
		status_devices_json(fm, PKTCAP_A_FLOW_METER_DEVICE, j);
		pk_json_obj_close(j);
	}
	if (exp) {
		pk_json_obj_open(j, "export");
		pk_attrs_json(&exp_attrs, st->exp, j);
		collectors_json(exp, j);
		pk_json_obj_close(j);
	}
	if (st->tb[PKTCAP_A_ENCRYPTION]) {
		pk_json_obj_open(j, "encryption");
		pk_attrs_json(&enc_attrs, st->enc, j);
		/* The same three keys whether or not a key is set. */
		if (!st->enc[PKTCAP_A_ENCRYPTION_ALGORITHM])
			pk_json_null(j, "algorithm");
		if (!st->enc[PKTCAP_A_ENCRYPTION_KEY_ID])
			pk_json_null(j, "key_id");
		pk_json_obj_close(j);
	}
}
