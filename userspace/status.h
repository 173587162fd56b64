/* SPDX-License-Identifier: GPL-2.0 */
/* pktcapctl status: the parsed reply and its sections. */
#ifndef PK_STATUS_H
#define PK_STATUS_H

#include <stdio.h>
#include <linux/pktcap.h>

#include "fields.h"
#include "json.h"

/* Attribute tables of the STATUS reply, all validated before printing. */
struct status {
	struct nlattr *tb[PKTCAP_A_MAX + 1];
	struct nlattr *mod[PKTCAP_A_MODULE_MAX + 1];
	struct nlattr *cap[PKTCAP_A_CAPTURE_MAX + 1];
	struct nlattr *fm[PKTCAP_A_FLOW_METER_MAX + 1];
	struct nlattr *exp[PKTCAP_A_EXPORT_MAX + 1];
	struct nlattr *enc[PKTCAP_A_ENCRYPTION_MAX + 1];
};

struct pk_ctx;

/*
 * Validate a STATUS reply and print it as text or JSON on stdout; nothing
 * is printed if it is malformed. Returns the exit status (0 or 1).
 */
int status_show_reply(const struct pk_ctx *ctx, const struct nlmsghdr *reply);

/* Validate every PKTCAP_A_*_DEVICE nest of type `type` in nest. */
int status_devices_valid(const struct nlattr *nest, int type);
void status_devices_text(const struct nlattr *nest, int type, FILE *out);
void status_devices_json(const struct nlattr *nest, int type,
			 struct pk_json *j);

/* The optional sections: flow meter, export, encryption. */
int status_extra_parse(struct status *st);
void status_extra_text(const struct status *st, FILE *out);
void status_extra_json(const struct status *st, struct pk_json *j);

#endif /* PK_STATUS_H */
