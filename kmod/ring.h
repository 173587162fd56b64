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

/**
 * pktcap_copy_frame() - the first @cap bytes of a frame, link-layer header on
 * @skb: the packet; its link-layer header sits in the linear area just
 *	before skb->data, @mac_off bytes long
 * @mac_off: see above
 * @to: where to copy
 * @cap: bytes to copy, at most @mac_off + skb->len
 *
 * Inline, and one memcpy() when the bytes are linear, as nearly every
 * captured frame's are: this runs for every record, and skb_copy_bits()
 * is a second call that walks the fragments it would not need.
 *
 * Return: 0, or skb_copy_bits()'s error.
 */
static inline int pktcap_copy_frame(const struct sk_buff *skb, int mac_off,
				    u8 *to, u32 cap)
{
	if (likely(cap <= skb_headlen(skb) + mac_off)) {
		memcpy(to, skb->data - mac_off, cap);
		return 0;
	}
	/* Here cap > headlen + mac_off, so the header is copied whole. */
	memcpy(to, skb->data - mac_off, mac_off);
	return skb_copy_bits(skb, 0, to + mac_off, cap - mac_off);
}

/*
 * Copies the packet into this CPU's ring. Returns the record's length in
 * bytes, or 0 when the ring was full. *wake is set when enough records
 * are pending that the reader should be woken now.
 * Caller has BH disabled.
 */
u32 pktcap_ring_put(struct pktcap_rings *r, const struct sk_buff *skb,
		    const struct pktcap_rec_meta *m, bool *wake);

#endif /* _PKTCAP_RING_H */
