// SPDX-License-Identifier: GPL-2.0
/*
 * pktcapctl verify: is the pktcap code in the kernel the code the operator
 * trusts? Four verdicts, each with its reason:
 *
 *  module      the .ko file is readable and is a kernel module
 *  signature   its appended signature is valid and made with the key of
 *              the operator's certificate (checked here with OpenSSL, so a
 *              private key the kernel does not know works too)
 *  srcversion  the file is the module the kernel runs: modpost's digest of
 *              the sources, in the file's .modinfo, equals the loaded one's
 *  kernel      the kernel's own verdict at load time. Only reported unless
 *              --require-kernel-verified: few machines have the key
 *              enrolled, and that is no fault of the file.
 *
 * Exit 0 only if every verdict that counts passed. A check that could not
 * run (no --cert, module not loaded) counts as failed: "not proven" must
 * never read as "proven".
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <linux/pktcap.h>

#include "cmd.h"
#include "decompress.h"
#include "err.h"
#include "fields.h"
#include "json.h"
#include "modsig.h"
#include "nl.h"
#include "verify.h"
#include "verify_ossl.h"

#define WHAT		"verify"
#define MAX_MODULE	(1UL << 30)	/* far above any real module */

static void set_check(struct verify_report *r, int id, enum verify_state st,
		      const char *what, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

static void set_check(struct verify_report *r, int id, enum verify_state st,
		      const char *what, const char *fmt, ...)
{
	va_list ap;

	r->c[id].st = st;
	r->c[id].what = what;
	va_start(ap, fmt);
	vsnprintf(r->c[id].msg, sizeof(r->c[id].msg), fmt, ap);
	va_end(ap);
}

/* ------------------------------------------------------------ options */

static int parse_opts(int argc, char **argv, struct verify_opts *o)
{
	static const struct option longopts[] = {
		{ "module", required_argument, NULL, 'm' },
		{ "cert", required_argument, NULL, 'c' },
		{ "require-kernel-verified", no_argument, NULL, 'r' },
		{ "no-kernel", no_argument, NULL, 'n' },
		{ 0 }
	};
	int c;

	memset(o, 0, sizeof(*o));
	optind = 0;	/* GNU getopt: full reset, argv[0] is the command */
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":m:c:", longopts, NULL)) != -1) {
		if (c == 'm')
			o->module = optarg;
		else if (c == 'c')
			o->cert = optarg;
		else if (c == 'r')
			o->require_kernel = true;
		else if (c == 'n')
			o->no_kernel = true;
		else
			return pk_usage_error(&pk_cmd_verify, argv[optind - 1],
					      c == ':' ? "missing argument" :
					      "unknown option");
	}
	if (optind < argc)
		return pk_usage_error(&pk_cmd_verify, argv[optind],
				      "unexpected argument");
	if (o->no_kernel && o->require_kernel)
		return pk_usage_error(&pk_cmd_verify, "--require-kernel-verified",
				      "asks the kernel: not with --no-kernel");
	return 0;
}

/* ------------------------------------------------------------ kernel */

static const struct pk_field top_fields[] = {
	{ PKTCAP_A_VERIFY, PK_F_NEST, NULL, NULL },
};
static const struct pk_attrs top_attrs = PK_ATTRS(top_fields, PKTCAP_A_MAX);

static const struct pk_field kv_fields[] = {
	{ PKTCAP_A_VERIFY_SIG_VERIFIED, PK_F_BOOL, NULL, NULL },
	{ PKTCAP_A_VERIFY_TAINT, PK_F_STR, NULL, NULL },
	{ PKTCAP_A_VERIFY_VERSION, PK_F_STR, NULL, NULL },
	{ PKTCAP_A_VERIFY_SRCVERSION, PK_F_STR, NULL, NULL },
	{ PKTCAP_A_VERIFY_SIG_ENFORCE, PK_F_BOOL, NULL, NULL },
	{ PKTCAP_A_VERIFY_LOCKDOWN, PK_F_STR, NULL, NULL },
};
static const struct pk_attrs kv_attrs = PK_ATTRS(kv_fields, PKTCAP_A_VERIFY_MAX);

static void attr_str(char *dst, size_t size, struct nlattr *a)
{
	snprintf(dst, size, "%s", a ? nla_get_string(a) : "");
}

static int kernel_parse(const struct nlmsghdr *nlh, struct verify_kernel *k)
{
	struct nlattr *tb[PKTCAP_A_MAX + 1], *kv[PKTCAP_A_VERIFY_MAX + 1];

	if (pk_attrs_parse(&top_attrs, nlh, tb) || !tb[PKTCAP_A_VERIFY] ||
	    pk_attrs_parse_nested(&kv_attrs, tb[PKTCAP_A_VERIFY], kv) ||
	    !kv[PKTCAP_A_VERIFY_SIG_VERIFIED] || !kv[PKTCAP_A_VERIFY_SRCVERSION])
		return -EBADMSG;
	k->sig_verified = nla_get_u8(kv[PKTCAP_A_VERIFY_SIG_VERIFIED]);
	k->sig_enforce = kv[PKTCAP_A_VERIFY_SIG_ENFORCE] &&
			 nla_get_u8(kv[PKTCAP_A_VERIFY_SIG_ENFORCE]);
	attr_str(k->taint, sizeof(k->taint), kv[PKTCAP_A_VERIFY_TAINT]);
	attr_str(k->version, sizeof(k->version), kv[PKTCAP_A_VERIFY_VERSION]);
	attr_str(k->srcversion, sizeof(k->srcversion),
		 kv[PKTCAP_A_VERIFY_SRCVERSION]);
	attr_str(k->lockdown, sizeof(k->lockdown), kv[PKTCAP_A_VERIFY_LOCKDOWN]);
	k->answered = true;
	return 0;
}

/*
 * Without the lockdown file, securityfs's list of active LSMs tells a
 * kernel without the lockdown LSM (it cannot be locked down: "none") from
 * a securityfs that is not mounted (unknown).
 */
static void lockdown_absent(char *buf, size_t size)
{
	FILE *f = fopen("/sys/kernel/security/lsm", "r");
	char lsms[512];

	if (!f)
		return;
	if (fgets(lsms, sizeof(lsms), f) && !strstr(lsms, "lockdown"))
		snprintf(buf, size, "none");
	fclose(f);
}

/* "none [integrity] confidentiality": the bracketed word is the mode. */
static void read_lockdown(char *buf, size_t size)
{
	FILE *f = fopen("/sys/kernel/security/lockdown", "r");
	char line[128], *l, *r;

	if (!f) {
		lockdown_absent(buf, size);
		return;
	}
	if (fgets(line, sizeof(line), f) && (l = strchr(line, '[')) &&
	    (r = strchr(l, ']'))) {
		*r = '\0';
		snprintf(buf, size, "%s", l + 1);
	}
	fclose(f);
}

/* Errors are printed here; the report then says what could not be checked. */
static void kernel_query(struct verify_kernel *k)
{
	struct nlmsghdr *reply;
	struct pk_nl *nl;
	int err;

	if (pk_nl_open(&nl))
		return;
	err = pk_nl_query(nl, pk_nl_req(PKTCAP_CMD_VERIFY, 0), &reply);
	if (err) {
		pk_nl_perror(nl, WHAT, err);
	} else {
		if (kernel_parse(reply, k))
			pk_err_errno(WHAT, EBADMSG, NULL);
		free(reply);
	}
	pk_nl_close(nl);
	if (k->answered && !k->lockdown[0])
		read_lockdown(k->lockdown, sizeof(k->lockdown));
}

/* ------------------------------------------------------------ the file */

/*
 * The loaded module's file, as modprobe would find it. A module loaded
 * with "insmod PATH" is unknown to modinfo: then only --module can say.
 */
static bool modinfo_path(struct verify_file *f)
{
	/*
	 * A fixed PATH: kmod lives in /usr/sbin, which an ordinary user's
	 * PATH lacks, and the caller's PATH may hold "." or worse (root
	 * running this in a world-writable directory).
	 */
	FILE *p = popen("PATH=/usr/sbin:/usr/bin:/sbin:/bin modinfo -n pktcap 2>/dev/null",
			"r");
	char line[PATH_MAX + 2];
	bool got;

	if (!p)
		return false;
	got = fgets(line, sizeof(line), p) != NULL;
	if (pclose(p) != 0 || !got || line[0] != '/')
		return false;
	line[strcspn(line, "\n")] = '\0';
	if (strlen(line) >= sizeof(f->path))
		return false;
	memcpy(f->path, line, strlen(line) + 1);
	f->from_modinfo = true;
	return true;
}

static int read_fd(int fd, struct verify_file *f, char *why, size_t n)
{
	struct stat st;
	ssize_t got;

	if (fstat(fd, &st))
		return snprintf(why, n, "%s", strerror(errno)), -1;
	if (!S_ISREG(st.st_mode))
		return snprintf(why, n, "not a regular file"), -1;
	if ((unsigned long long)st.st_size > MAX_MODULE)
		return snprintf(why, n, "too large for a module"), -1;
	f->buf = malloc(st.st_size ? st.st_size : 1);
	if (!f->buf)
		return snprintf(why, n, "%s", strerror(ENOMEM)), -1;
	while (f->len < (size_t)st.st_size) {
		got = read(fd, f->buf + f->len, st.st_size - f->len);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			return snprintf(why, n, "%s", strerror(errno)), -1;
		if (!got)
			break;	/* shrank under us: judge what was there */
		f->len += got;
	}
	return 0;
}

static int read_module(struct verify_file *f, char *why, size_t n)
{
	int fd = open(f->path, O_RDONLY | O_CLOEXEC);
	int rc;

	if (fd < 0)
		return snprintf(why, n, "cannot read: %s", strerror(errno)), -1;
	rc = read_fd(fd, f, why, n);
	close(fd);
	return rc;
}

/* Compressed by modules_install or DKMS: judge the module inside. */
static int decompress_module(struct verify_file *f, char *why, size_t n)
{
	unsigned char *plain;
	size_t len;

	f->compression = pk_compression(f->buf, f->len);
	if (!f->compression)
		return 0;
	if (pk_decompress(f->path, f->compression, MAX_MODULE, &plain, &len,
			  why, n))
		return -1;
	free(f->buf);
	f->buf = plain;
	f->len = len;
	return 0;
}

static void modinfo_str(const struct verify_file *f, size_t off, size_t size,
			const char *key, char *dst, size_t dsize)
{
	const char *v;
	size_t vlen;

	dst[0] = '\0';
	if (pk_modinfo_get((const char *)f->buf + off, size, key, &v, &vlen))
		snprintf(dst, dsize, "%.*s", (int)vlen, v);
}

/*
 * Signature first: .modinfo must come from the signed bytes only, or a
 * signed file could carry an unsigned srcversion after its signature.
 */
static void parse_module(struct verify_file *f)
{
	size_t off, size;

	f->parsed = true;
	f->mst = pk_modsig_parse(f->buf, f->len, &f->ms);
	f->elf = pk_elf_modinfo(f->buf, f->ms.data_len, &off, &size);
	if (f->elf != PK_ELF_OK)
		return;
	modinfo_str(f, off, size, "name", f->name, sizeof(f->name));
	modinfo_str(f, off, size, "version", f->version, sizeof(f->version));
	modinfo_str(f, off, size, "srcversion", f->srcversion,
		    sizeof(f->srcversion));
}

/* ------------------------------------------------------------ checks */

static void check_module(struct verify_report *r)
{
	struct verify_file *f = &r->f;
	char why[300];

	if (!f->path[0]) {
		set_check(r, C_MODULE, ST_FAIL, WHAT,
			  "no module file: modinfo -n pktcap knows none (pktcap is not installed under /lib/modules, or was loaded with insmod PATH): give --module PATH");
		return;
	}
	if (read_module(f, why, sizeof(why))) {
		set_check(r, C_MODULE, ST_FAIL, f->path, "%s", why);
		return;
	}
	if (decompress_module(f, why, sizeof(why))) {
		set_check(r, C_MODULE, ST_FAIL, f->path, "%s", why);
		return;
	}
	f->read_ok = true;
	parse_module(f);
	if (f->elf != PK_ELF_OK)
		set_check(r, C_MODULE, ST_FAIL, f->path, "%s",
			  pk_elf_strerror(f->elf));
	else if (f->name[0] && strcmp(f->name, PKTCAP_GENL_NAME))
		set_check(r, C_MODULE, ST_FAIL, f->path,
			  "kernel module %s, not pktcap", f->name);
	else
		set_check(r, C_MODULE, ST_PASS, f->path, "kernel module %s %s%s%s",
			  f->name[0] ? f->name : "(no name)",
			  f->version[0] ? f->version : "(no version)",
			  f->compression ? ", decompressed from " : "",
			  f->compression ? f->compression : "");
}

static void sig_malformed(struct verify_report *r)
{
	const struct verify_file *f = &r->f;

	if (f->mst == PK_MODSIG_TOO_LONG)
		set_check(r, C_SIG, ST_FAIL, f->path,
			  "%s: sig_len %u, but only %zu bytes precede the signature header",
			  pk_modsig_strerror(f->mst), f->ms.raw_sig_len,
			  f->ms.data_len - PK_MODSIG_INFO_LEN);
	else
		set_check(r, C_SIG, ST_FAIL, f->path, "%s",
			  pk_modsig_strerror(f->mst));
}

static void sig_verify(struct verify_report *r)
{
	struct verify_file *f = &r->f;
	const char *cert = r->o.cert;

	switch (pk_sig_verify(f->buf, f->ms.data_len, f->buf + f->ms.sig_off,
			      f->ms.sig_len, cert, &f->si)) {
	case PK_SIG_VALID:
		set_check(r, C_SIG, ST_PASS, f->path,
			  "valid, made with the key of %s (%s)", cert, f->si.signer);
		break;
	case PK_SIG_BAD_CERT:
		set_check(r, C_SIG, ST_FAIL, cert, "cannot read a certificate: %s",
			  f->si.why);
		break;
	case PK_SIG_WRONG_CERT:
		set_check(r, C_SIG, ST_FAIL, f->path,
			  "wrong certificate: %s, not with the key of %s",
			  f->si.why, cert);
		break;
	case PK_SIG_MALFORMED:
	case PK_SIG_MISMATCH:
		set_check(r, C_SIG, ST_FAIL, f->path, "%s", f->si.why);
		break;
	}
}

static void check_signature(struct verify_report *r)
{
	struct verify_file *f = &r->f;

	if (!f->parsed) {	/* no file, unreadable, or compressed */
		set_check(r, C_SIG, ST_SKIP, f->path, "signature not checked: no usable module file");
		r->c[C_SIG].blocked = true;
		return;
	}
	if (f->mst != PK_MODSIG_OK) {
		sig_malformed(r);
		return;
	}
	f->described = pk_sig_describe(f->buf + f->ms.sig_off, f->ms.sig_len,
				       &f->si) == PK_SIG_VALID;
	if (!f->described)
		set_check(r, C_SIG, ST_FAIL, f->path, "malformed signature: %s",
			  f->si.why);
	else if (!r->o.cert)
		set_check(r, C_SIG, ST_SKIP, f->path,
			  "signature not checked: no --cert CERT.pem given (signer: %s)",
			  f->si.signer_id);
	else
		sig_verify(r);
}

static void check_srcversion(struct verify_report *r)
{
	const struct verify_file *f = &r->f;
	const struct verify_kernel *k = &r->k;

	if (r->o.no_kernel) {
		set_check(r, C_SRCV, ST_INFO, f->path,
			  "not compared with the kernel (--no-kernel)");
	} else if (!k->answered || r->c[C_MODULE].st != ST_PASS) {
		set_check(r, C_SRCV, ST_SKIP, f->path, "srcversion not compared: %s",
			  k->answered ? "no module file" : "the kernel did not answer");
		r->c[C_SRCV].blocked = true;
	} else if (!f->srcversion[0]) {
		set_check(r, C_SRCV, ST_FAIL, f->path,
			  "no srcversion in the file's .modinfo");
	} else if (strcmp(f->srcversion, k->srcversion)) {
		set_check(r, C_SRCV, ST_FAIL, f->path,
			  "srcversion %s differs from the loaded module's %s: not the code the kernel runs",
			  f->srcversion, k->srcversion);
	} else {
		set_check(r, C_SRCV, ST_PASS, f->path,
			  "matches the loaded module's (%s)", k->srcversion);
	}
}

static void check_kernel(struct verify_report *r)
{
	const struct verify_kernel *k = &r->k;
	enum verify_state not_ok = r->o.require_kernel ? ST_FAIL : ST_INFO;

	if (r->o.no_kernel) {
		set_check(r, C_KERNEL, ST_INFO, "pktcap", "not asked (--no-kernel)");
	} else if (!k->answered) {
		set_check(r, C_KERNEL, r->o.require_kernel ? ST_SKIP : ST_INFO,
			  "pktcap", "no answer from the kernel");
		r->c[C_KERNEL].blocked = true;
	} else if (k->sig_verified) {
		set_check(r, C_KERNEL, ST_PASS, "pktcap",
			  "the kernel verified the signature at load against its keyrings");
	} else {
		set_check(r, C_KERNEL, not_ok, "pktcap",
			  "the kernel did not verify the signature at load (taint %s): the module was unsigned, or its key is not in the kernel's keyrings (enroll it with mokutil)%s",
			  k->taint[0] ? k->taint : "none",
			  r->o.require_kernel ? "" :
			  "; this counts only with --require-kernel-verified");
	}
}

/* ------------------------------------------------------------ command */

static int verify(const struct pk_ctx *ctx, struct verify_report *r)
{
	if (!r->o.no_kernel)
		kernel_query(&r->k);
	if (r->o.module)
		snprintf(r->f.path, sizeof(r->f.path), "%s", r->o.module);
	else
		modinfo_path(&r->f);
	check_module(r);
	check_signature(r);
	check_srcversion(r);
	check_kernel(r);
	if (ctx->json) {
		if (verify_print_json(ctx, r))
			return 1;
	} else {
		verify_print_text(r);
	}
	fflush(stdout);	/* the report first, then the error lines */
	verify_report_errors(r);
	return verify_all_ok(r) ? 0 : 1;
}

static int run(const struct pk_ctx *ctx, int argc, char **argv)
{
	struct verify_report *r = calloc(1, sizeof(*r));
	int rc;

	if (!r)
		return pk_err_errno(WHAT, ENOMEM, NULL);
	rc = parse_opts(argc, argv, &r->o);
	if (!rc)
		rc = verify(ctx, r);
	free(r->f.buf);
	free(r);
	return rc;
}

const struct pk_cmd pk_cmd_verify = {
	.name = "verify",
	.args = "[--module PATH] [--cert CERT.pem] [--require-kernel-verified] [--no-kernel]",
	.summary = "Prove that the loaded module is a signed file you trust",
	.help = "  -m, --module PATH   the .ko to check (default: modinfo -n pktcap;\n"
		"                      needed when pktcap was loaded with insmod PATH)\n"
		"  -c, --cert CERT     certificate (PEM or DER) whose key must have\n"
		"                      signed the module (make sign, MOK, DKMS mok.pub)\n"
		"  --require-kernel-verified\n"
		"                      also require that the kernel verified the\n"
		"                      signature at load (key in its keyrings)\n"
		"  --no-kernel         check the file only; do not ask the kernel\n\n"
		"Exit status 0 only if the signature is valid against CERT and the\n"
		"file's srcversion equals the loaded module's (and, with\n"
		"--require-kernel-verified, the kernel verified it). The kernel's\n"
		"verdict, taint, module.sig_enforce and lockdown are always shown.\n"
		"Unprivileged. See docs/INTEGRITY.md.\n",
	.run = run,
};
