/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The per-CPU rings of one capture session and their mapping into the
 * reader. The ring set is reference counted: the session holds one
 * reference and every VMA mapping part of it holds one, so a reader's
 * mapping stays valid after STOP until it unmaps.
 */
#ifndef _PKTCAP_RING_H
#define _PKTCAP_RING_H

#include <linux/mm_types.h>
#include <linux/skbuff.h>
#include <linux/pktcap.h>

struct pktcap_rings;

struct pktcap_seal;

/* What the packet path knows about a packet besides the skb. */
struct pktcap_rec_meta {
	struct pktcap_seal *seal;	/* or NULL: records in the clear */
	int mac_off;		/* bytes from the link-layer header to skb->data */
	u32 snaplen;
	u32 ifindex;
	u16 linktype;
	u8 direction;
};

struct pktcap_rings *pktcap_rings_alloc(u32 ring_size, u32 snaplen,
					u32 wakeup_records, u64 session_id,
					const u8 *key_id);
void pktcap_rings_get(struct pktcap_rings *r);
void pktcap_rings_put(struct pktcap_rings *r);
void pktcap_rings_stop(struct pktcap_rings *r);
u64 pktcap_rings_session_id(const struct pktcap_rings *r);
u32 pktcap_rings_count(const struct pktcap_rings *r);
bool pktcap_rings_pending(struct pktcap_rings *r);
int pktcap_rings_mmap(struct pktcap_rings *r, struct vm_area_struct *vma);

/*
 * Copies the packet into this CPU's ring. Returns the record's length in
 * bytes, or 0 when the ring was full. *wake is set when enough records
 * are pending that the reader should be woken now.
 * Caller has BH disabled.
 */
u32 pktcap_ring_put(struct pktcap_rings *r, const struct sk_buff *skb,
		    const struct pktcap_rec_meta *m, bool *wake);

#endif /* _PKTCAP_RING_H */
