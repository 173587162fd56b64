/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Opening sealed records with OpenSSL: the userspace half of the "sealed
 * records" construction in uapi/linux/pktcap.h (AES-256-GCM, 12-byte
 * nonce, 16-byte tag, the stored record header as associated data).
 */
#ifndef PK_SEALCRYPTO_H
#define PK_SEALCRYPTO_H

#include <stdint.h>
#include <linux/pktcap.h>

/*
 * The key id the kernel shows for @key: the first PKTCAP_KEY_ID_LEN bytes
 * of SHA-256("pktcap key id v1" || key). 0 or -EIO (OpenSSL failed).
 */
int pk_seal_key_id(const uint8_t key[PKTCAP_KEY_LEN],
		   uint8_t id[PKTCAP_KEY_ID_LEN]);

struct pk_opener;

/* A decryption context holding @key (copied; wiped by pk_opener_free()). */
struct pk_opener *pk_opener_new(const uint8_t key[PKTCAP_KEY_LEN]);
void pk_opener_free(struct pk_opener *o);

/*
 * Authenticate and decrypt @rec, a record pk_sealr_next() framed: its
 * header (hdr_len bytes) as associated data, nonce | ciphertext | tag after
 * it. On success the cap_len plaintext bytes are in @out and 0 is
 * returned. On failure (-EBADMSG: the tag does not verify, -EIO: OpenSSL
 * error) @out is zeroed: nothing unauthenticated is ever handed out.
 */
int pk_opener_open(struct pk_opener *o, const struct pktcap_rec_hdr *rec,
		   uint8_t *out);

#endif /* PK_SEALCRYPTO_H */
