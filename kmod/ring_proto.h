/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The producer side of the pktcap ring index protocol.
 *
 * Pure code: no allocation, no locking, nothing beyond kmod/pure.h, so the
 * very same functions run in the module and in the host unit test and
 * fuzzer (tests/unit/test_ring.c, tests/fuzz/fuzz_ring.c). The ring ABI
 * itself (record layout, PAD records, free-running indices) is defined in
 * uapi/linux/pktcap.h; this file implements the kernel's half of it.
 *
 * Concurrency: exactly one producer per ring (the module guarantees it:
 * each CPU has its own ring and runs the capture path with BH disabled,
 * see struct pktcap_ring) and one consumer (the reader process). Nothing
 * here is safe against two producers on one ring.
 *
 * Protocol, with the barrier pairs of the uapi header:
 *
 *   producer (this file)                 consumer (userspace/lib)
 *
 *   pktcap_ring_reserve():
 *     if cached space is short:
 *       c = smp_load_acquire(&consumer) (A)  p = load_acquire(&producer) (C)
 *       validate c, else "full"              read records in [pos, p)
 *     write PAD (if wrapping) and header     store_release(&consumer, p) (D)
 *   caller writes header fields, payload
 *   pktcap_ring_commit():
 *     smp_store_release(&producer, head) (B)
 *
 *   (A) pairs with (D): the reader's loads of a record complete before it
 *       releases the record's space, and we acquire that release before we
 *       write into the space again, so a record is never overwritten while
 *       the reader may still be reading it.
 *   (B) pairs with (C): every store of every record (PAD, header, payload)
 *       happens before the producer index that covers it is published, so
 *       a reader that sees the index sees complete records.
 *
 * The consumer value is cached (@cached_cons) and only reloaded when the
 * cached free space is not enough, as xsk_queue.h does; a stale cached
 * value only under-estimates free space, never over-estimates it, because
 * a legitimate consumer only moves forward.
 *
 * The consumer page is mapped writable into the reader, so the value read
 * from it is hostile: it is read once per refresh, into a local, and used
 * only to decide whether there is room. It never takes part in computing an
 * address; see pktcap_ring_reserve() for the bounds argument.
 */
#ifndef _PKTCAP_RING_PROTO_H
#define _PKTCAP_RING_PROTO_H

#include "pure.h"
#include <linux/pktcap.h>

/* Smallest data area this code accepts: room for one header and a PAD. */
#define PKTCAP_RING_PROTO_MIN_SIZE	64U
/* Largest: rec_len is a u32 and offsets are kept in u32. */
#define PKTCAP_RING_PROTO_MAX_SIZE	0x80000000U

/**
 * struct pktcap_ring_prod - one ring as its single producer sees it
 * @prod: the producer page; written only here, read-only to the reader
 * @cons: the consumer page; writable by the reader, never trusted
 * @data: the data area, @size bytes
 * @head: next free byte (free-running); ahead of the published producer
 *	index by the bytes reserved since the last commit
 * @committed: the producer index last published with (B)
 * @cached_cons: the last consumer value that passed validation; invariant
 *	@committed - @cached_cons <= @size and @head - @cached_cons <= @size
 * @undo: @head before the latest reservation, for pktcap_ring_abort()
 * @size: bytes in the data area, a power of two
 * @mask: @size - 1
 * @pending: records reserved since the last commit
 *
 * Private to the producer: only @prod->producer is ever seen by the reader.
 */
struct pktcap_ring_prod {
	struct pktcap_ring_producer *prod;
	const struct pktcap_ring_consumer *cons;
	u8 *data;
	u64 head;
	u64 committed;
	u64 cached_cons;
	u64 undo;
	u32 size;
	u32 mask;
	u32 pending;
};

/**
 * pktcap_ring_prod_init() - set up the producer's view of a ring
 * @r: the view to initialise
 * @prod: producer page (kernel memory)
 * @cons: consumer page (reader-writable)
 * @data: data area, 8-byte aligned (the module passes a page)
 * @size: bytes in @data, a power of two in
 *	[%PKTCAP_RING_PROTO_MIN_SIZE, %PKTCAP_RING_PROTO_MAX_SIZE]
 *
 * Resumes from the index in @prod (zero on a freshly zeroed page). The
 * consumer is not trusted, so the cache starts "full" and the first
 * reservation reads and validates it.
 *
 * Return: 0, or -EINVAL for a bad size, alignment or producer index.
 */
static inline int pktcap_ring_prod_init(struct pktcap_ring_prod *r,
					struct pktcap_ring_producer *prod,
					const struct pktcap_ring_consumer *cons,
					u8 *data, u32 size)
{
	u64 head = READ_ONCE(prod->producer);

	if (size < PKTCAP_RING_PROTO_MIN_SIZE ||
	    size > PKTCAP_RING_PROTO_MAX_SIZE || (size & (size - 1)) ||
	    ((uintptr_t)data & (PKTCAP_REC_ALIGN - 1)) ||
	    (head & (PKTCAP_REC_ALIGN - 1)))
		return -EINVAL;

	r->prod = prod;
	r->cons = cons;
	r->data = data;
	r->size = size;
	r->mask = size - 1;
	r->head = head;
	r->committed = head;
	r->undo = head;
	r->cached_cons = head - size;
	r->pending = 0;
	return 0;
}

/**
 * pktcap_ring_rec_len() - bytes a record with @payload_len bytes takes
 * @payload_len: bytes after the header
 *
 * Computed in u64 so that no u32 @payload_len can wrap it.
 */
static inline u64 pktcap_ring_rec_len(u32 payload_len)
{
	return ALIGN((u64)sizeof(struct pktcap_rec_hdr) + payload_len,
		     (u64)PKTCAP_REC_ALIGN);
}

/* Free bytes according to the cache; never negative by the invariant. */
static inline u64 pktcap_ring_cached_free(const struct pktcap_ring_prod *r)
{
	return r->size - (r->head - r->cached_cons);
}

/*
 * Is there room for @need bytes at @head? Reloads the consumer only when
 * the cached value says no. A consumer ahead of what we published, more
 * than @size behind @head, or not on a record boundary (records are
 * 8-aligned, so a real reader never stores such a value) is garbage:
 * report "full" and keep the old, valid cache. The distance comparisons
 * are on u64 differences, so "ahead" shows up as a huge distance and needs
 * no separate test.
 */
static inline bool pktcap_ring_room(struct pktcap_ring_prod *r, u64 need)
{
	u64 cons;

	if (likely(pktcap_ring_cached_free(r) >= need))
		return true;

	cons = smp_load_acquire(&r->cons->consumer);	/* (A), pairs with (D) */
	if (r->committed - cons > r->size || r->head - cons > r->size ||
	    (cons & (PKTCAP_REC_ALIGN - 1)))
		return false;

	r->cached_cons = cons;
	return pktcap_ring_cached_free(r) >= need;
}

/*
 * Only rec_len and flags of a PAD are defined, and a PAD may be as short as
 * 8 bytes, so write nothing beyond those.
 */
static inline void pktcap_ring_write_pad(struct pktcap_ring_prod *r, u32 off,
					 u32 len)
{
	struct pktcap_rec_hdr *pad = (struct pktcap_rec_hdr *)(r->data + off);

	pad->rec_len = len;
	pad->flags = PKTCAP_REC_F_PAD;
}

/*
 * Every field of a new header, written one by one: memset() or a compound
 * literal of these 48 bytes becomes a "rep stos" under GCC's generic
 * tuning, which is slower to start than the stores it replaces, and this
 * runs for every captured packet.
 */
static inline void pktcap_rec_hdr_init(struct pktcap_rec_hdr *h, u32 rec_len)
{
	h->rec_len = rec_len;
	h->flags = 0;
	h->hdr_len = sizeof(*h);
	h->cap_len = 0;
	h->wire_len = 0;
	h->tstamp_ns = 0;
	h->seq = 0;
	h->ifindex = 0;
	h->protocol = 0;
	h->direction = 0;
	h->pkt_type = 0;
	h->vlan_tci = 0;
	h->vlan_proto = 0;
	h->linktype = 0;
	h->reserved = 0;
}

/**
 * pktcap_ring_reserve() - reserve the next record
 * @r: the ring
 * @payload_len: bytes the caller will write after the header
 *
 * On success the header is zeroed except rec_len (header + payload,
 * rounded up to %PKTCAP_REC_ALIGN) and hdr_len (sizeof the header); the
 * caller fills the other fields and pktcap_rec_payload(), then calls
 * pktcap_ring_commit(), now or after more reservations. Bytes between the
 * end of the payload and rec_len are left as they were.
 *
 * When the record does not fit before the end of the data area, a PAD
 * covering the rest is written and the record goes at offset 0; the PAD's
 * bytes count against free space too, and if PAD plus record do not fit,
 * nothing at all is written.
 *
 * Bounds, by construction: @head changes only by whole PAD or record
 * lengths, both multiples of 8 (or is restored by pktcap_ring_abort()), so
 * off = @head & @mask is 8-aligned and < size, and tail = size - off is in
 * [8, size]. No-wrap case: off + len <= off + tail = size. Wrap case: the
 * PAD writes 8 bytes at off <= size - 8, and the record lands at 0 with
 * len <= size - tail < size because tail + len passed the room check.
 * Both cases only run after len <= need <= size. The consumer value only
 * feeds pktcap_ring_room()'s yes/no, so whatever the reader writes, every
 * address computed here stays within [data, data + size).
 *
 * Return: the header, inside the data area, or NULL when the ring is full
 * (or the consumer is invalid, or the record can never fit): the caller
 * counts a drop.
 */
static inline struct pktcap_rec_hdr *
pktcap_ring_reserve(struct pktcap_ring_prod *r, u32 payload_len)
{
	u64 len = pktcap_ring_rec_len(payload_len);
	u32 off = r->head & r->mask;
	u32 tail = r->size - off;
	u64 need = len <= tail ? len : tail + len;
	struct pktcap_rec_hdr *hdr;

	if (unlikely(need > r->size) || !pktcap_ring_room(r, need))
		return NULL;

	r->undo = r->head;
	if (len > tail) {
		pktcap_ring_write_pad(r, off, tail);
		r->head += tail;
		off = 0;
	}

	hdr = (struct pktcap_rec_hdr *)(r->data + off);
	pktcap_rec_hdr_init(hdr, (u32)len);
	r->head += len;
	r->pending++;
	return hdr;
}

/**
 * pktcap_rec_payload() - where the caller writes the packet bytes
 * @hdr: a header returned by pktcap_ring_reserve()
 */
static inline void *pktcap_rec_payload(struct pktcap_rec_hdr *hdr)
{
	return (u8 *)hdr + sizeof(*hdr);
}

/**
 * pktcap_ring_abort() - give back the latest, uncommitted reservation
 * @r: the ring
 *
 * For a record the caller could not fill (say, sealing failed). Only the
 * most recent reservation can be given back; a second call, or a call
 * after pktcap_ring_commit(), does nothing. A PAD written for the aborted
 * record is given back with it.
 */
static inline void pktcap_ring_abort(struct pktcap_ring_prod *r)
{
	if (r->undo == r->head)
		return;
	r->head = r->undo;
	r->pending--;
}

/**
 * pktcap_ring_commit() - publish every record reserved so far
 * @r: the ring
 *
 * One store-release for any number of records: commit per record for
 * latency, or once per batch to save the cache-line transfer.
 *
 * Return: the number of records published, for wakeup accounting.
 */
static inline u32 pktcap_ring_commit(struct pktcap_ring_prod *r)
{
	u32 n = r->pending;

	if (!n)
		return 0;
	r->pending = 0;
	r->committed = r->head;
	r->undo = r->head;
	smp_store_release(&r->prod->producer, r->head);	/* (B), pairs with (C) */
	return n;
}

/**
 * pktcap_ring_unread() - does the reader have records to read?
 * @prod: the ring's producer page
 * @cons: the ring's consumer page
 *
 * For poll(): lockless, may run concurrently with the producer. Reads only
 * the published index, so reserved but uncommitted records do not count. A
 * garbage consumer value reads as "unread", which wakes the reader to find
 * its own mess; it is never used for anything else.
 */
static inline bool pktcap_ring_unread(const struct pktcap_ring_producer *prod,
				      const struct pktcap_ring_consumer *cons)
{
	return READ_ONCE(prod->producer) != READ_ONCE(cons->consumer);
}

#endif /* _PKTCAP_RING_PROTO_H */
