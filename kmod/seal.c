// SPDX-License-Identifier: GPL-2.0
/*
 * AES-256-GCM sealing of captured packets, with the kernel crypto API.
 *
 * Everything the packet path needs is prepared at START: a synchronous
 * AEAD transform keyed once, and per CPU an aead_request and a linear
 * bounce buffer. The packet path then allocates nothing and never sleeps.
 * The bounce buffer exists because the ring is vmap()ed, and scatterlists
 * want linear-map addresses; one extra copy of a packet is cheaper than a
 * scatterlist per record.
 *
 * Two transforms, one key. Where the architecture's fast GCM (x86 AES-NI
 * with PCLMULQDQ, for one) needs the SIMD registers, the crypto API only
 * offers it to synchronous users as an internal algorithm, "__gcm(aes)",
 * that the caller must not run when SIMD is unusable; its public face is
 * asynchronous, which the packet path cannot wait for. So we hold both
 * the internal one (@simd) and the synchronous "gcm(aes)" (@tfm, usually
 * ctr() and ghash templates over single-block AES) and pick per record with
 * crypto_simd_usable(), exactly the test the crypto API's own SIMD wrapper
 * makes. Both compute the same GCM, so a reader cannot tell them apart.
 */
#include <crypto/aead.h>
#include <crypto/internal/simd.h>
#include <crypto/sha2.h>
#include <linux/percpu.h>
#include <linux/random.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>
#include <asm/simd.h>
#include "compat.h"
#include "ring.h"
#include "seal.h"

/**
 * struct pktcap_seal_cpu - one CPU's sealing state
 * @req: request bound to the session's synchronous transform
 * @simd_req: request bound to the SIMD transform, or NULL without one
 * @buf: header | plaintext | tag, sealed in place
 * @salt: first 8 bytes of this CPU's nonces, random
 * @ctr: last 4 bytes, counting this CPU's records under @salt
 */
struct pktcap_seal_cpu {
	struct aead_request *req;
	struct aead_request *simd_req;
	u8 *buf;
	u8 salt[8];
	u32 ctr;
};

struct pktcap_seal {
	struct crypto_aead *tfm;
	struct crypto_aead *simd;
	struct pktcap_seal_cpu __percpu *cpu;
};

static const char key_id_label[] = "pktcap key id v1";

void pktcap_seal_key_set(struct pktcap_seal_key *k, const u8 *key)
{
	u8 in[sizeof(key_id_label) - 1 + PKTCAP_KEY_LEN];
	u8 digest[SHA256_DIGEST_SIZE];

	memcpy(in, key_id_label, sizeof(key_id_label) - 1);
	memcpy(in + sizeof(key_id_label) - 1, key, PKTCAP_KEY_LEN);
	sha256(in, sizeof(in), digest);
	memcpy(k->key_id, digest, PKTCAP_KEY_ID_LEN);
	memcpy(k->key, key, PKTCAP_KEY_LEN);
	k->enabled = true;
	memzero_explicit(in, sizeof(in));
	memzero_explicit(digest, sizeof(digest));
}

void pktcap_seal_key_clear(struct pktcap_seal_key *k)
{
	memzero_explicit(k, sizeof(*k));
}

void pktcap_seal_free(struct pktcap_seal *s)
{
	int cpu;

	if (!s)
		return;
	if (s->cpu) {
		for_each_possible_cpu(cpu) {
			struct pktcap_seal_cpu *c = per_cpu_ptr(s->cpu, cpu);

			aead_request_free(c->req);
			aead_request_free(c->simd_req);
			kfree_sensitive(c->buf);
		}
		free_percpu(s->cpu);
	}
	if (s->simd)
		crypto_free_aead(s->simd);
	if (!IS_ERR_OR_NULL(s->tfm))
		crypto_free_aead(s->tfm);
	kfree(s);
}

static int seal_cpu_init(struct pktcap_seal *s, int cpu, u32 snaplen)
{
	struct pktcap_seal_cpu *c = per_cpu_ptr(s->cpu, cpu);
	size_t len = sizeof(struct pktcap_rec_hdr) + snaplen + PKTCAP_GCM_TAG_LEN;

	c->req = aead_request_alloc(s->tfm, GFP_KERNEL);
	c->buf = kmalloc_node(len, GFP_KERNEL, cpu_to_node(cpu));
	if (!c->req || !c->buf)
		return -ENOMEM;
	if (s->simd) {
		c->simd_req = aead_request_alloc(s->simd, GFP_KERNEL);
		if (!c->simd_req)
			return -ENOMEM;
	}
	get_random_bytes(c->salt, sizeof(c->salt));
	return 0;
}

static int seal_tfm_key(struct crypto_aead *tfm, const u8 *key)
{
	int err = crypto_aead_setkey(tfm, key, PKTCAP_KEY_LEN);

	if (!err)
		err = crypto_aead_setauthsize(tfm, PKTCAP_GCM_TAG_LEN);
	if (!err && crypto_aead_ivsize(tfm) != PKTCAP_GCM_NONCE_LEN)
		err = -EINVAL;
	return err;
}

/* The internal SIMD GCM, keyed, or NULL where there is none that works. */
static struct crypto_aead *seal_simd_new(const u8 *key)
{
	struct crypto_aead *tfm;

	tfm = crypto_alloc_aead("__gcm(aes)", CRYPTO_ALG_INTERNAL,
				CRYPTO_ALG_INTERNAL | CRYPTO_ALG_ASYNC);
	if (IS_ERR(tfm))
		return NULL;
	if (seal_tfm_key(tfm, key)) {
		crypto_free_aead(tfm);
		return NULL;
	}
	return tfm;
}

struct pktcap_seal *pktcap_seal_new(const struct pktcap_seal_key *k,
				    u32 snaplen)
{
	struct pktcap_seal *s;
	int cpu, err;

	s = kzalloc(sizeof(*s), GFP_KERNEL);
	if (!s)
		return ERR_PTR(-ENOMEM);
	/* Synchronous only: the packet path cannot wait for a callback. */
	s->tfm = crypto_alloc_aead("gcm(aes)", 0, CRYPTO_ALG_ASYNC);
	if (IS_ERR(s->tfm)) {
		err = PTR_ERR(s->tfm);
		goto err;
	}
	err = seal_tfm_key(s->tfm, k->key);
	if (err)
		goto err;
	s->simd = seal_simd_new(k->key);
	s->cpu = alloc_percpu(struct pktcap_seal_cpu);
	if (!s->cpu) {
		err = -ENOMEM;
		goto err;
	}
	for_each_possible_cpu(cpu) {
		err = seal_cpu_init(s, cpu, snaplen);
		if (err)
			goto err;
	}
	return s;
err:
	pktcap_seal_free(s);
	return ERR_PTR(err);
}

static void next_nonce(struct pktcap_seal_cpu *c, u8 *nonce)
{
	if (++c->ctr == 0)
		get_random_bytes(c->salt, sizeof(c->salt));
	memcpy(nonce, c->salt, sizeof(c->salt));
	put_unaligned_be32(c->ctr, nonce + sizeof(c->salt));
}

int pktcap_seal_record(struct pktcap_seal *s, const struct pktcap_rec_hdr *hdr,
		       const struct sk_buff *skb, int mac_off, u32 cap, u8 *out)
{
	struct pktcap_seal_cpu *c = this_cpu_ptr(s->cpu);
	const unsigned int ad = sizeof(*hdr);
	struct aead_request *req = c->req;
	struct scatterlist sg;
	int err;

	memcpy(c->buf, hdr, ad);
	err = pktcap_copy_frame(skb, mac_off, c->buf + ad, cap);
	if (err)
		goto out;
	next_nonce(c, out);
	sg_init_one(&sg, c->buf, ad + cap + PKTCAP_GCM_TAG_LEN);
	if (c->simd_req && crypto_simd_usable())
		req = c->simd_req;
	aead_request_set_callback(req, 0, NULL, NULL);
	aead_request_set_ad(req, ad);
	aead_request_set_crypt(req, &sg, &sg, cap, out);
	err = crypto_aead_encrypt(req);
	if (!err)
		memcpy(out + PKTCAP_GCM_NONCE_LEN, c->buf + ad,
		       cap + PKTCAP_GCM_TAG_LEN);
out:
	/* Plaintext must not linger in the bounce buffer, whatever happened. */
	memzero_explicit(c->buf + ad, cap);
	return err;
}
