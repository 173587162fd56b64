/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pktcapctl verify's findings, shared by the checks (cmd_verify.c) and
 * their text and JSON output (verify_print.c). See cmd_verify.c.
 */
#ifndef PK_VERIFY_H
#define PK_VERIFY_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#include "cmd.h"
#include "modsig.h"
#include "verify_ossl.h"

struct verify_opts {
	const char *module;
	const char *cert;
	bool require_kernel;
	bool no_kernel;
};

/* The kernel's answer to PKTCAP_CMD_VERIFY. */
struct verify_kernel {
	bool answered;
	bool sig_verified;
	bool sig_enforce;
	char taint[16];
	char version[64];
	char srcversion[64];
	char lockdown[32];	/* "" if unknown */
};

/* What the module file says about itself. */
struct verify_file {
	char path[PATH_MAX];
	bool from_modinfo;
	unsigned char *buf;
	size_t len;
	bool read_ok;
	const char *compression;	/* "xz", "zstd", "gzip" or NULL */
	bool parsed;		/* elf, mst and ms are set */
	enum pk_elf_status elf;
	enum pk_modsig_status mst;
	struct pk_modsig ms;
	bool described;		/* si holds the signer id and digest */
	struct pk_sig_info si;
	char name[64];
	char version[64];
	char srcversion[64];
};

enum verify_state { ST_PASS, ST_FAIL, ST_SKIP, ST_INFO };
enum { C_MODULE, C_SIG, C_SRCV, C_KERNEL, NR_CHECKS };
extern const char *const verify_check_names[NR_CHECKS];

struct verify_check {
	enum verify_state st;
	bool blocked;		/* not run: another failure already said why */
	const char *what;	/* for the error line: a path, "pktcap" */
	char msg[800];
};

struct verify_report {
	struct verify_opts o;
	struct verify_kernel k;
	struct verify_file f;
	struct verify_check c[NR_CHECKS];
};

/* True if no check that counts failed or was left undone. */
bool verify_all_ok(const struct verify_report *r);

void verify_print_text(const struct verify_report *r);
/* 0, or 1 after reporting an internal error. */
int verify_print_json(const struct pk_ctx *ctx, const struct verify_report *r);

/* One "pktcapctl: what: why" line per check that makes the exit status 1. */
void verify_report_errors(const struct verify_report *r);

#endif /* PK_VERIFY_H */
