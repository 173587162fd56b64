// SPDX-License-Identifier: GPL-2.0
/* Key ids and record opening with OpenSSL's EVP interface (sealcrypto.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/evp.h>

#include "sealcrypto.h"
#include "sealfile.h"

static const char key_id_label[] = "pktcap key id v1";

int pk_seal_key_id(const uint8_t key[PKTCAP_KEY_LEN],
		   uint8_t id[PKTCAP_KEY_ID_LEN])
{
	uint8_t md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	int ok;

	ok = ctx && EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) &&
	     EVP_DigestUpdate(ctx, key_id_label, sizeof(key_id_label) - 1) &&
	     EVP_DigestUpdate(ctx, key, PKTCAP_KEY_LEN) &&
	     EVP_DigestFinal_ex(ctx, md, &mdlen) && mdlen >= PKTCAP_KEY_ID_LEN;
	EVP_MD_CTX_free(ctx);
	if (ok)
		memcpy(id, md, PKTCAP_KEY_ID_LEN);
	explicit_bzero(md, sizeof(md));
	return ok ? 0 : -EIO;
}

struct pk_opener {
	EVP_CIPHER_CTX *ctx;
};

/*
 * The key is set once; each record then only sets its nonce. The IV
 * length must be set before the first IV: GCM's default is 12 already,
 * but saying so keeps this independent of that default.
 */
struct pk_opener *pk_opener_new(const uint8_t key[PKTCAP_KEY_LEN])
{
	struct pk_opener *o = calloc(1, sizeof(*o));

	if (!o)
		return NULL;
	o->ctx = EVP_CIPHER_CTX_new();
	if (!o->ctx ||
	    !EVP_DecryptInit_ex(o->ctx, EVP_aes_256_gcm(), NULL, NULL, NULL) ||
	    !EVP_CIPHER_CTX_ctrl(o->ctx, EVP_CTRL_GCM_SET_IVLEN,
				 PKTCAP_GCM_NONCE_LEN, NULL) ||
	    !EVP_DecryptInit_ex(o->ctx, NULL, NULL, key, NULL)) {
		pk_opener_free(o);
		return NULL;
	}
	return o;
}

void pk_opener_free(struct pk_opener *o)
{
	if (!o)
		return;
	EVP_CIPHER_CTX_free(o->ctx);	/* cleans the key schedule */
	free(o);
}

/* The OpenSSL calls; any failure, the tag's included, returns false. */
static int gcm_open(EVP_CIPHER_CTX *ctx, const struct pktcap_rec_hdr *rec,
		    uint8_t *out)
{
	uint8_t tag[PKTCAP_GCM_TAG_LEN];
	int len, fin;

	/* OpenSSL wants a writable tag buffer. */
	memcpy(tag, pk_seal_tag(rec), sizeof(tag));
	if (!EVP_DecryptInit_ex(ctx, NULL, NULL, NULL, pk_seal_nonce(rec)) ||
	    !EVP_DecryptUpdate(ctx, NULL, &len, (const uint8_t *)rec, rec->hdr_len))
		return -EIO;
	if (rec->cap_len &&
	    !EVP_DecryptUpdate(ctx, out, &len, pk_seal_ciphertext(rec),
			       (int)rec->cap_len))
		return -EIO;
	if (!EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, sizeof(tag), tag))
		return -EIO;
	fin = EVP_DecryptFinal_ex(ctx, out + rec->cap_len, &len);
	return fin > 0 ? 0 : -EBADMSG;
}

int pk_opener_open(struct pk_opener *o, const struct pktcap_rec_hdr *rec,
		   uint8_t *out)
{
	int err = gcm_open(o->ctx, rec, out);

	/* GCM decrypts before it verifies: the bytes in @out are unproven. */
	if (err)
		explicit_bzero(out, rec->cap_len);
	return err;
}
