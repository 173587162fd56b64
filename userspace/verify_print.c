// SPDX-License-Identifier: GPL-2.0
/* pktcapctl verify's report: text for people, JSON for scripts. */
#include <stdio.h>

#include "err.h"
#include "json.h"
#include "verify.h"

const char *const verify_check_names[NR_CHECKS] = {
	"module", "signature", "srcversion", "kernel",
};

bool verify_all_ok(const struct verify_report *r)
{
	int i;

	for (i = 0; i < NR_CHECKS; i++)
		if (r->c[i].st == ST_FAIL || r->c[i].st == ST_SKIP)
			return false;
	return true;
}

static const char *const state_label[] = {
	[ST_PASS] = "ok", [ST_FAIL] = "FAIL", [ST_SKIP] = "skip", [ST_INFO] = "info",
};

static const char *yes_no(bool b)
{
	return b ? "yes" : "no";
}

static bool is_signed(const struct verify_file *f)
{
	return f->parsed && f->mst != PK_MODSIG_UNSIGNED;
}

static void print_kernel_text(const struct verify_kernel *k)
{
	if (!k->answered)
		return;
	printf("kernel:\n"
	       "  module: pktcap %s, srcversion %s\n"
	       "  signature verified at load: %s\n"
	       "  taint: %s\n"
	       "  module.sig_enforce: %s\n"
	       "  lockdown: %s\n",
	       k->version, k->srcversion, yes_no(k->sig_verified),
	       k->taint[0] ? k->taint : "none", yes_no(k->sig_enforce),
	       k->lockdown[0] ? k->lockdown : "unknown (not readable)");
}

static void print_file_text(const struct verify_file *f)
{
	if (!f->path[0])
		return;
	printf("file: %s%s\n", f->path,
	       f->from_modinfo ? " (from modinfo -n pktcap)" : "");
	if (f->parsed && f->elf == PK_ELF_OK)
		printf("  module: %s %s, srcversion %s\n",
		       f->name[0] ? f->name : "?", f->version[0] ? f->version : "?",
		       f->srcversion[0] ? f->srcversion : "none");
	if (f->parsed)
		printf("  signed: %s\n", f->mst == PK_MODSIG_OK ? "yes (PKCS#7)" :
		       is_signed(f) ? "malformed signature" : "no");
	if (f->described)
		printf("  signer: %s\n  signer id: %s\n  digest: %s\n",
		       f->si.signer, f->si.signer_id, f->si.digest);
}

void verify_print_text(const struct verify_report *r)
{
	int i;

	print_kernel_text(&r->k);
	print_file_text(&r->f);
	puts("checks:");
	for (i = 0; i < NR_CHECKS; i++)
		printf("  %-4s  %s: %s\n", state_label[r->c[i].st],
		       verify_check_names[i], r->c[i].msg);
	if (!verify_all_ok(r))
		puts("verdict: NOT verified");
	else if (r->o.no_kernel)
		printf("verdict: ok: %s is signed with the key of %s\n",
		       r->f.path, r->o.cert);
	else
		printf("verdict: ok: %s is signed with the key of %s and has the loaded module's srcversion%s\n",
		       r->f.path, r->o.cert, r->k.sig_verified ?
		       "; the kernel verified the signature too" : "");
}

static void json_str_or_null(struct pk_json *j, const char *key, const char *s)
{
	if (s && s[0])
		pk_json_str(j, key, s);
	else
		pk_json_null(j, key);
}

/* true/false for a check that ran, null for one that did not. */
static void json_check_bool(struct pk_json *j, const char *key, enum verify_state st)
{
	if (st == ST_PASS || st == ST_FAIL)
		pk_json_bool(j, key, st == ST_PASS);
	else
		pk_json_null(j, key);
}

static void print_json_kernel(struct pk_json *j, const struct verify_kernel *k)
{
	if (!k->answered) {
		pk_json_null(j, "kernel");
		return;
	}
	pk_json_obj_open(j, "kernel");
	pk_json_bool(j, "signature_verified", k->sig_verified);
	pk_json_str(j, "taint", k->taint);
	pk_json_str(j, "srcversion", k->srcversion);
	pk_json_bool(j, "sig_enforce", k->sig_enforce);
	pk_json_str(j, "version", k->version);
	json_str_or_null(j, "lockdown", k->lockdown);
	pk_json_obj_close(j);
}

static void print_json_file(struct pk_json *j, const struct verify_report *r)
{
	const struct verify_file *f = &r->f;

	pk_json_obj_open(j, "file");
	json_str_or_null(j, "path", f->path);
	json_str_or_null(j, "compression", f->compression);
	pk_json_bool(j, "signed", is_signed(f));
	json_check_bool(j, "signature_valid", r->c[C_SIG].st);
	json_str_or_null(j, "signer", f->described ? f->si.signer : NULL);
	json_check_bool(j, "srcversion_matches", r->c[C_SRCV].st);
	json_str_or_null(j, "signer_id", f->described ? f->si.signer_id : NULL);
	json_str_or_null(j, "digest", f->described ? f->si.digest : NULL);
	json_str_or_null(j, "srcversion", f->srcversion);
	json_str_or_null(j, "version", f->version);
	pk_json_obj_close(j);
}

int verify_print_json(const struct pk_ctx *ctx, const struct verify_report *r)
{
	static const char *const result[] = {
		[ST_PASS] = "pass", [ST_FAIL] = "fail", [ST_SKIP] = "skip",
		[ST_INFO] = "info",
	};
	struct pk_json j;
	int i;

	pk_json_init(&j, stdout, ctx->pretty);
	pk_json_obj_open(&j, NULL);
	print_json_kernel(&j, &r->k);
	print_json_file(&j, r);
	pk_json_arr_open(&j, "checks");
	for (i = 0; i < NR_CHECKS; i++) {
		pk_json_obj_open(&j, NULL);
		pk_json_str(&j, "name", verify_check_names[i]);
		pk_json_str(&j, "result", result[r->c[i].st]);
		pk_json_str(&j, "message", r->c[i].msg);
		pk_json_obj_close(&j);
	}
	pk_json_arr_close(&j);
	pk_json_bool(&j, "ok", verify_all_ok(r));
	pk_json_obj_close(&j);
	if (pk_json_finish(&j)) {
		pk_err("json", "internal error: unbalanced document");
		return 1;
	}
	return 0;
}

void verify_report_errors(const struct verify_report *r)
{
	int i;

	for (i = 0; i < NR_CHECKS; i++)
		if ((r->c[i].st == ST_FAIL || r->c[i].st == ST_SKIP) &&
		    !r->c[i].blocked)
			pk_err(r->c[i].what, "%s", r->c[i].msg);
}
