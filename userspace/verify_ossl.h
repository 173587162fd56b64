/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Checking a module's appended PKCS#7 (CMS) signature with OpenSSL, the way
 * the kernel would if the certificate's key were in its keyrings: a
 * detached signature over the module's bytes, no signed attributes
 * (sign-file uses CMS_NOATTR), no certificates inside the message, the
 * signer named by issuer and serial number (or by subject key id with
 * sign-file -k). Trust comes only from the certificate the operator gives:
 * no chain is built, no certificate inside the message is used.
 */
#ifndef PK_VERIFY_OSSL_H
#define PK_VERIFY_OSSL_H

#include <stdbool.h>
#include <stddef.h>

enum pk_sig_status {
	PK_SIG_VALID,		/* signed with the key of one of the certs */
	PK_SIG_BAD_CERT,	/* the certificate file could not be read */
	PK_SIG_MALFORMED,	/* not a DER PKCS#7 signedData with a signer */
	PK_SIG_WRONG_CERT,	/* the signer is not one of the certs */
	PK_SIG_MISMATCH,	/* the signer's cert, but the bytes differ */
};

struct pk_sig_info {
	char signer[512];	/* matching cert's subject CN, else the signer id */
	char signer_id[512];	/* "issuer CN=..., serial 7E69..." or "key id ..." */
	char digest[32];	/* "sha256" */
	char why[640];		/* details when not PK_SIG_VALID */
};

/*
 * Describe the signature sig[0 .. sig_len) (signer id, digest) without
 * checking it. PK_SIG_VALID here means only "parsed".
 */
enum pk_sig_status pk_sig_describe(const void *sig, size_t sig_len,
				   struct pk_sig_info *info);

/*
 * Check that sig is a valid signature over data[0 .. data_len) made with
 * the key of a certificate in cert_path (PEM, one or more, or DER).
 */
enum pk_sig_status pk_sig_verify(const void *data, size_t data_len,
				 const void *sig, size_t sig_len,
				 const char *cert_path, struct pk_sig_info *info);

#endif /* PK_VERIFY_OSSL_H */
