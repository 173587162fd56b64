// SPDX-License-Identifier: GPL-2.0
/*
 * PKCS#7 (CMS) module signature checks on OpenSSL. See verify_ossl.h for
 * what is and is not trusted. Everything read from the signature or a
 * certificate ends up on a terminal or in JSON, so names are made
 * printable before they leave this file.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "verify_ossl.h"

/* Control characters (a hostile certificate's) cannot reach the terminal. */
static void printable(char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			*s = '?';
}

/* OpenSSL's reason for the latest failure; empties its error queue. */
static const char *ossl_reason(char *buf, size_t size)
{
	unsigned long e = ERR_peek_last_error();
	const char *r = e ? ERR_reason_error_string(e) : NULL;

	if (r)
		snprintf(buf, size, "%s", r);
	else if (e)
		ERR_error_string_n(e, buf, size);
	else
		snprintf(buf, size, "unknown OpenSSL error");
	ERR_clear_error();
	return buf;
}

/* "CN=pktcap test,O=..." (RFC 2253 order and quoting, UTF-8 kept). */
static void name_str(const X509_NAME *name, char *buf, size_t size)
{
	BIO *mem = BIO_new(BIO_s_mem());
	int n = -1;

	buf[0] = '\0';
	if (mem && X509_NAME_print_ex(mem, name, 0,
				      XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB) >= 0)
		n = BIO_read(mem, buf, (int)size - 1);
	buf[n > 0 ? n : 0] = '\0';
	BIO_free(mem);
	printable(buf);
}

/* The subject's common name, else the whole subject. */
static void cert_name(X509 *x, char *buf, size_t size)
{
	X509_NAME *subj = X509_get_subject_name(x);
	int i = X509_NAME_get_index_by_NID(subj, NID_commonName, -1);
	unsigned char *utf8 = NULL;

	if (i >= 0 && ASN1_STRING_to_UTF8(&utf8,
		X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subj, i))) >= 0) {
		snprintf(buf, size, "%s", (char *)utf8);
		OPENSSL_free(utf8);
		printable(buf);
		return;
	}
	name_str(subj, buf, size);
}

static void hex_bytes(const unsigned char *p, int len, char *buf, size_t size)
{
	size_t n = 0;
	int i;

	buf[0] = '\0';
	for (i = 0; i < len && n + 3 < size; i++)
		n += snprintf(buf + n, size - n, "%s%02x", i ? ":" : "", p[i]);
}

/* How the signature names its signer: issuer + serial, or key id. */
static void signer_id(CMS_SignerInfo *si, char *buf, size_t size)
{
	ASN1_OCTET_STRING *keyid = NULL;
	X509_NAME *issuer = NULL;
	ASN1_INTEGER *sno = NULL;
	char name[256], kid[160];
	BIGNUM *bn;
	char *hex;

	snprintf(buf, size, "unknown signer");
	if (!CMS_SignerInfo_get0_signer_id(si, &keyid, &issuer, &sno))
		return;
	if (keyid) {
		hex_bytes(ASN1_STRING_get0_data(keyid), ASN1_STRING_length(keyid),
			  kid, sizeof(kid));
		snprintf(buf, size, "subject key id %s", kid);
		return;
	}
	if (!issuer || !sno)
		return;
	name_str(issuer, name, sizeof(name));
	bn = ASN1_INTEGER_to_BN(sno, NULL);
	hex = bn ? BN_bn2hex(bn) : NULL;
	snprintf(buf, size, "issuer %s, serial %s", name, hex ? hex : "?");
	OPENSSL_free(hex);
	BN_free(bn);
}

static enum pk_sig_status set_why(struct pk_sig_info *info,
				  enum pk_sig_status st, const char *fmt,
				  const char *arg)
{
	snprintf(info->why, sizeof(info->why), fmt, arg);
	return st;
}

/*
 * The signature as the kernel expects it: one DER signedData, nothing
 * after it, content detached (the kernel refuses embedded data), a signer.
 */
static enum pk_sig_status parse_cms(const void *sig, size_t sig_len,
				    CMS_ContentInfo **cmsp,
				    struct pk_sig_info *info)
{
	const unsigned char *p = sig;
	CMS_ContentInfo *cms;
	char r[160];

	*cmsp = NULL;
	if (sig_len > LONG_MAX)
		return set_why(info, PK_SIG_MALFORMED, "%s", "signature too large");
	cms = d2i_CMS_ContentInfo(NULL, &p, (long)sig_len);
	if (!cms)
		return set_why(info, PK_SIG_MALFORMED,
			       "not a DER PKCS#7 message (%s)",
			       ossl_reason(r, sizeof(r)));
	*cmsp = cms;
	if ((size_t)(p - (const unsigned char *)sig) != sig_len)
		return set_why(info, PK_SIG_MALFORMED, "%s",
			       "extra bytes after the PKCS#7 message");
	if (OBJ_obj2nid(CMS_get0_type(cms)) != NID_pkcs7_signed)
		return set_why(info, PK_SIG_MALFORMED, "%s",
			       "the PKCS#7 message is not signedData");
	if (CMS_is_detached(cms) != 1)
		return set_why(info, PK_SIG_MALFORMED, "%s",
			       "the PKCS#7 message carries its own content (not detached)");
	if (sk_CMS_SignerInfo_num(CMS_get0_SignerInfos(cms)) < 1)
		return set_why(info, PK_SIG_MALFORMED, "%s",
			       "the PKCS#7 message has no signer");
	return PK_SIG_VALID;
}

/* Signer id and digest of the first signer (sign-file makes one). */
static void describe(CMS_ContentInfo *cms, struct pk_sig_info *info)
{
	CMS_SignerInfo *si = sk_CMS_SignerInfo_value(CMS_get0_SignerInfos(cms), 0);
	X509_ALGOR *dig = NULL;
	const char *ln;

	signer_id(si, info->signer_id, sizeof(info->signer_id));
	snprintf(info->signer, sizeof(info->signer), "%s", info->signer_id);
	CMS_SignerInfo_get0_algs(si, NULL, NULL, &dig, NULL);
	ln = dig ? OBJ_nid2ln(OBJ_obj2nid(dig->algorithm)) : NULL;
	snprintf(info->digest, sizeof(info->digest), "%s", ln ? ln : "unknown");
}

enum pk_sig_status pk_sig_describe(const void *sig, size_t sig_len,
				   struct pk_sig_info *info)
{
	enum pk_sig_status st;
	CMS_ContentInfo *cms;

	memset(info, 0, sizeof(*info));
	st = parse_cms(sig, sig_len, &cms, info);
	if (st == PK_SIG_VALID)
		describe(cms, info);
	CMS_ContentInfo_free(cms);
	ERR_clear_error();
	return st;
}

/* Every certificate in path: PEM (a bundle is fine), else one DER. */
static STACK_OF(X509) *load_certs(const char *path, struct pk_sig_info *info)
{
	STACK_OF(X509) *certs = sk_X509_new_null();
	FILE *f = fopen(path, "rb");
	BIO *bio = f ? BIO_new_fp(f, BIO_NOCLOSE) : NULL;
	X509 *x;

	if (!f)
		snprintf(info->why, sizeof(info->why), "%s", strerror(errno));
	while (bio && certs && (x = PEM_read_bio_X509(bio, NULL, NULL, NULL)))
		if (!sk_X509_push(certs, x))
			X509_free(x);
	if (bio && certs && !sk_X509_num(certs) && BIO_reset(bio) == 0) {
		x = d2i_X509_bio(bio, NULL);	/* DKMS's mok.pub is DER */
		if (x && !sk_X509_push(certs, x))
			X509_free(x);
	}
	ERR_clear_error();
	BIO_free(bio);
	if (f)
		fclose(f);
	if (certs && sk_X509_num(certs))
		return certs;
	if (f)
		snprintf(info->why, sizeof(info->why),
			 "no X.509 certificate in it (PEM or DER expected)");
	sk_X509_free(certs);
	return NULL;
}

/* The certificate the signer id names, if the operator gave it. */
static X509 *signer_cert(CMS_ContentInfo *cms, STACK_OF(X509) *certs)
{
	STACK_OF(CMS_SignerInfo) *sis = CMS_get0_SignerInfos(cms);
	int i, j;

	for (i = 0; i < sk_CMS_SignerInfo_num(sis); i++)
		for (j = 0; j < sk_X509_num(certs); j++)
			if (!CMS_SignerInfo_cert_cmp(sk_CMS_SignerInfo_value(sis, i),
						     sk_X509_value(certs, j)))
				return sk_X509_value(certs, j);
	return NULL;
}

/*
 * CMS_NOINTERN: only the operator's certificates, never one carried in
 * the message. CMS_NO_SIGNER_CERT_VERIFY: the certificate is the trust
 * anchor itself, as a key in the kernel's keyring is; there is no chain.
 */
static enum pk_sig_status check(CMS_ContentInfo *cms, X509 *cert,
				const void *data, size_t data_len,
				struct pk_sig_info *info)
{
	STACK_OF(X509) *one = sk_X509_new_null();
	BIO *in = NULL;
	char r[160];
	int ok = 0;

	if (data_len > INT_MAX)
		return set_why(info, PK_SIG_MISMATCH, "%s", "module too large");
	if (one && sk_X509_push(one, cert))
		in = BIO_new_mem_buf(data, (int)data_len);
	if (in)
		ok = CMS_verify(cms, one, NULL, in, NULL, CMS_BINARY |
				CMS_NOINTERN | CMS_NO_SIGNER_CERT_VERIFY);
	BIO_free(in);
	sk_X509_free(one);
	if (ok == 1)
		return PK_SIG_VALID;
	return set_why(info, PK_SIG_MISMATCH,
		       "the signature does not match the file's contents: it was changed after signing (%s)",
		       ossl_reason(r, sizeof(r)));
}

enum pk_sig_status pk_sig_verify(const void *data, size_t data_len,
				 const void *sig, size_t sig_len,
				 const char *cert_path, struct pk_sig_info *info)
{
	STACK_OF(X509) *certs;
	enum pk_sig_status st;
	CMS_ContentInfo *cms;
	X509 *cert;

	st = pk_sig_describe(sig, sig_len, info);
	if (st != PK_SIG_VALID)
		return st;
	certs = load_certs(cert_path, info);
	if (!certs)
		return PK_SIG_BAD_CERT;
	parse_cms(sig, sig_len, &cms, info);
	cert = signer_cert(cms, certs);
	if (!cert) {
		snprintf(info->why, sizeof(info->why),
			 "signed by another key (%s)", info->signer_id);
		st = PK_SIG_WRONG_CERT;
	} else {
		cert_name(cert, info->signer, sizeof(info->signer));
		st = check(cms, cert, data, data_len, info);
	}
	CMS_ContentInfo_free(cms);
	sk_X509_pop_free(certs, X509_free);
	ERR_clear_error();
	return st;
}
