/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Sealing captured packets with AES-256-GCM (see "sealed records" in
 * uapi/linux/pktcap.h for the format).
 */
#ifndef _PKTCAP_SEAL_H
#define _PKTCAP_SEAL_H

#include <linux/skbuff.h>
#include <linux/pktcap.h>

struct pktcap_seal;

/**
 * struct pktcap_seal_key - the namespace's sealing key
 * @enabled: a key is set
 * @key: the key; zeroed whenever it is replaced or cleared
 * @key_id: one-way identifier shown to users
 */
struct pktcap_seal_key {
	bool enabled;
	u8 key[PKTCAP_KEY_LEN];
	u8 key_id[PKTCAP_KEY_ID_LEN];
};

struct pktcap_seal *pktcap_seal_new(const struct pktcap_seal_key *k,
				    u32 snaplen);
void pktcap_seal_free(struct pktcap_seal *s);

/*
 * Seals @cap bytes of @skb (starting @mac_off bytes before skb->data)
 * into @out (cap + PKTCAP_SEAL_OVERHEAD bytes) with @hdr as associated
 * data. Uses this CPU's request and buffer: caller has BH disabled, which
 * is all that keeps another user of them off this CPU.
 */
int pktcap_seal_record(struct pktcap_seal *s, const struct pktcap_rec_hdr *hdr,
		       const struct sk_buff *skb, int mac_off, u32 cap, u8 *out);

void pktcap_seal_key_set(struct pktcap_seal_key *k, const u8 *key);
void pktcap_seal_key_clear(struct pktcap_seal_key *k);

#endif /* _PKTCAP_SEAL_H */
