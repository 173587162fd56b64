// SPDX-License-Identifier: GPL-2.0
/*
 * pktcap_reader: the consumer half of the ring ABI (uapi/linux/pktcap.h).
 *
 * Barriers, named as in the uapi header:
 *   (C) load-acquire of a ring's producer index when a batch is loaded,
 *       pairing with the kernel's store-release (B): every byte of every
 *       record below that index is visible.
 *   (D) store-release of the consumer index when a batch is handed back,
 *       pairing with the kernel's load-acquire (A): our loads of those
 *       records are done before the kernel may overwrite them.
 *
 * Everything read from the mapping is checked before use: the producer
 * index, each rec_len, and the header fields that locate packet bytes, so a
 * corrupt ring yields -EBADMSG and never an out-of-bounds read or a loop
 * that does not end. rec_len is loaded once and only the local copy is
 * used; the other fields are read again by the caller, which is sound
 * because the kernel does not write a published record before we release
 * it, and the mapping is read-only to us.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "pktcap_reader.h"

#define REC_HDR_LEN	((uint32_t)sizeof(struct pktcap_rec_hdr))
#define RING_SIZE_MIN	64U
#define RING_SIZE_MAX	0x80000000U
#define NR_RINGS_MAX	65536U

/*
 * One ring. The batch is [pos, end): end is the producer index loaded by
 * (C), pos the next unread byte; released is the consumer index last
 * stored by (D). released <= pos <= end, all free running.
 */
struct reader_ring {
	const struct pktcap_ring_producer *prod;
	struct pktcap_ring_consumer *cons;
	const unsigned char *data;
	uint64_t pos;
	uint64_t end;
	uint64_t released;
	void *map;		/* mmap mode: producer page + data area */
	void *cons_map;		/* mmap mode: consumer page */
};

struct pktcap_reader {
	int fd;				/* -1 in memory mode */
	unsigned int nr_rings;
	unsigned int cur;		/* ring pktcap_reader_next() reads */
	int solo;			/* see pktcap_reader_next_merged() */
	uint32_t size;
	uint32_t mask;
	uint64_t session_id;
	const struct pktcap_mmap_info *live;	/* info page, read live */
	struct pktcap_mmap_info info;		/* copy checked at open */
	void *info_map;
	size_t page_size;
	size_t ring_map_len;
	struct reader_ring rings[];
};

static uint64_t load_acquire(const __u64 *p)
{
	return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

static uint64_t load_relaxed(const __u64 *p)
{
	return __atomic_load_n(p, __ATOMIC_RELAXED);
}

static void store_release(__u64 *p, uint64_t v)
{
	__atomic_store_n(p, v, __ATOMIC_RELEASE);
}

/* The checks open and attach_mem share: what the ring parsing relies on. */
static int check_info_common(const struct pktcap_mmap_info *info)
{
	uint32_t size = info->ring_size;

	if (info->magic != PKTCAP_MMAP_MAGIC)
		return -EPROTO;
	if (info->abi_version != PKTCAP_RING_ABI_VERSION)
		return -EPROTONOSUPPORT;
	/* A newer kernel may append fields; hdr_len locates packet bytes. */
	if (info->rec_hdr_len < REC_HDR_LEN)
		return -EPROTO;
	if (!info->nr_rings || info->nr_rings > NR_RINGS_MAX)
		return -EPROTO;
	if (size < RING_SIZE_MIN || size > RING_SIZE_MAX || (size & (size - 1)))
		return -EPROTO;
	return 0;
}

static int page_aligned(uint64_t v, size_t page)
{
	return !(v & (page - 1));
}

/*
 * The mmap geometry: every offset page aligned, the data area after the
 * producer struct, the consumer page after the data area, rings not
 * overlapping, and the whole span representable as an off_t.
 */
static int check_info_mmap(const struct pktcap_mmap_info *info, size_t page)
{
	uint64_t ring_len = (uint64_t)info->data_offset + info->ring_size;
	uint64_t span;

	if (info->page_size != page)
		return -EPROTO;
	if (!page_aligned(info->ring_offset, page) || info->ring_offset < page ||
	    !page_aligned(info->ring_stride, page) ||
	    !page_aligned(info->data_offset, page) ||
	    !page_aligned(info->consumer_offset, page))
		return -EPROTO;
	if (info->data_offset < sizeof(struct pktcap_ring_producer) ||
	    info->consumer_offset < ring_len ||
	    info->ring_stride < (uint64_t)info->consumer_offset + page)
		return -EPROTO;
	if (info->ring_stride > (UINT64_C(1) << 40))
		return -EPROTO;
	span = info->ring_offset + info->ring_stride * info->nr_rings;
	if (info->ring_offset > (UINT64_C(1) << 40) || span > (UINT64_C(1) << 62))
		return -EPROTO;
	return 0;
}

static struct pktcap_reader *reader_alloc(const struct pktcap_mmap_info *info)
{
	struct pktcap_reader *r;

	r = calloc(1, sizeof(*r) + info->nr_rings * sizeof(r->rings[0]));
	if (!r)
		return NULL;
	r->fd = -1;
	r->solo = -1;
	r->info = *info;
	r->nr_rings = info->nr_rings;
	r->size = info->ring_size;
	r->mask = info->ring_size - 1;
	r->session_id = info->session_id;
	return r;
}

/*
 * Start where the consumer page says: a previous reader of this session
 * may have read part of the rings. A garbage value there is caught by
 * ring_refill().
 */
static void ring_start(struct reader_ring *ring)
{
	ring->pos = load_relaxed(&ring->cons->consumer);
	ring->end = ring->pos;
	ring->released = ring->pos;
}

int pktcap_reader_attach_mem(const struct pktcap_mmap_info *info,
			     const struct pktcap_reader_mem_ring *rings,
			     struct pktcap_reader **rp)
{
	struct pktcap_reader *r;
	unsigned int i;
	int err;

	err = check_info_common(info);
	if (err)
		return err;
	for (i = 0; i < info->nr_rings; i++)
		if ((uintptr_t)rings[i].data & (PKTCAP_REC_ALIGN - 1))
			return -EINVAL;
	r = reader_alloc(info);
	if (!r)
		return -ENOMEM;
	r->live = info;
	for (i = 0; i < r->nr_rings; i++) {
		r->rings[i].prod = rings[i].prod;
		r->rings[i].cons = rings[i].cons;
		r->rings[i].data = rings[i].data;
		ring_start(&r->rings[i]);
	}
	*rp = r;
	return 0;
}

static int map_ring(struct pktcap_reader *r, unsigned int i)
{
	struct reader_ring *ring = &r->rings[i];
	off_t off = (off_t)(r->info.ring_offset + (uint64_t)i * r->info.ring_stride);
	void *p;

	p = mmap(NULL, r->ring_map_len, PROT_READ, MAP_SHARED, r->fd, off);
	if (p == MAP_FAILED)
		return -errno;
	ring->map = p;
	p = mmap(NULL, r->page_size, PROT_READ | PROT_WRITE, MAP_SHARED, r->fd,
		 off + (off_t)r->info.consumer_offset);
	if (p == MAP_FAILED)
		return -errno;
	ring->cons_map = p;
	ring->prod = ring->map;
	ring->data = (const unsigned char *)ring->map + r->info.data_offset;
	ring->cons = ring->cons_map;
	ring_start(ring);
	return 0;
}

/*
 * Map the info page and check a copy of it, so that what was checked is
 * what the geometry is computed from.
 */
static int map_info(int fd, size_t page, void **mapp,
		    struct pktcap_mmap_info *snap)
{
	void *p = mmap(NULL, page, PROT_READ, MAP_SHARED, fd, 0);
	int err;

	if (p == MAP_FAILED)
		return -errno;
	memcpy(snap, p, sizeof(*snap));
	err = check_info_common(snap);
	if (!err)
		err = check_info_mmap(snap, page);
	if (err) {
		munmap(p, page);
		return err;
	}
	*mapp = p;
	return 0;
}

int pktcap_reader_open(const char *path, struct pktcap_reader **rp)
{
	long page = sysconf(_SC_PAGESIZE);
	struct pktcap_mmap_info snap = { 0 };
	struct pktcap_reader *r;
	void *info_map = NULL;
	unsigned int i;
	int fd, err;

	if (page <= 0)
		return -EINVAL;
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	err = map_info(fd, (size_t)page, &info_map, &snap);
	if (err) {
		close(fd);
		return err;
	}
	r = reader_alloc(&snap);
	if (!r) {
		munmap(info_map, (size_t)page);
		close(fd);
		return -ENOMEM;
	}
	r->fd = fd;
	r->info_map = info_map;
	r->live = info_map;
	r->page_size = (size_t)page;
	r->ring_map_len = (size_t)r->info.data_offset + r->info.ring_size;
	for (i = 0; i < r->nr_rings; i++) {
		err = map_ring(r, i);
		if (err) {
			pktcap_reader_close(r);
			return err;
		}
	}
	*rp = r;
	return 0;
}

static void ring_release(struct reader_ring *ring)
{
	if (ring->pos == ring->released)
		return;
	store_release(&ring->cons->consumer, ring->pos);	/* (D) */
	ring->released = ring->pos;
}

void pktcap_reader_release(struct pktcap_reader *r)
{
	unsigned int i;

	for (i = 0; i < r->nr_rings; i++)
		ring_release(&r->rings[i]);
}

void pktcap_reader_close(struct pktcap_reader *r)
{
	unsigned int i;

	if (!r)
		return;
	for (i = 0; i < r->nr_rings; i++) {
		struct reader_ring *ring = &r->rings[i];

		if (ring->cons)
			ring_release(ring);
		if (ring->map)
			munmap(ring->map, r->ring_map_len);
		if (ring->cons_map)
			munmap(ring->cons_map, r->page_size);
	}
	if (r->info_map)
		munmap(r->info_map, r->page_size);
	if (r->fd >= 0)
		close(r->fd);
	free(r);
}

/*
 * Load a new batch (C). The producer index must be 8-aligned and at most
 * one ring ahead of pos; anything else means the ring (or our own consumer
 * page, read at open) is corrupt, and the batch stays empty.
 */
static int ring_refill(const struct pktcap_reader *r, struct reader_ring *ring)
{
	uint64_t prod = load_acquire(&ring->prod->producer);	/* (C) */

	if (prod - ring->pos > r->size ||
	    ((prod | ring->pos) & (PKTCAP_REC_ALIGN - 1)))
		return -EBADMSG;
	ring->end = prod;
	return 0;
}

/* Do the packet bytes, as the header locates them, lie inside the record? */
static int rec_fields_ok(const struct pktcap_rec_hdr *h, uint32_t len)
{
	uint64_t bytes;

	/* Only rec_len and flags are known to be inside the area until now. */
	if (len < REC_HDR_LEN || h->hdr_len < REC_HDR_LEN)
		return 0;
	bytes = h->cap_len;
	if (h->flags & PKTCAP_REC_F_SEALED)
		bytes += PKTCAP_GCM_TAG_LEN;
	return (uint64_t)h->hdr_len + bytes <= len;
}

/*
 * The next real record of the batch, skipping (consuming) PADs; does not
 * consume the record. Terminates: each PAD moves pos forward by at least
 * 8 bytes and pos never passes end. Reads stay in the data area: off is
 * 8-aligned and < size, so the first 8 bytes (rec_len, flags) are inside,
 * and the rest of the header is read only once rec_len proved that
 * off + rec_len <= size with rec_len >= the header.
 */
static int ring_peek(const struct pktcap_reader *r, struct reader_ring *ring,
		     const struct pktcap_rec_hdr **rec, uint32_t *lenp)
{
	while (ring->pos != ring->end) {
		uint32_t off = (uint32_t)(ring->pos & r->mask);
		const struct pktcap_rec_hdr *h;
		uint32_t len;

		h = (const struct pktcap_rec_hdr *)(ring->data + off);
		len = h->rec_len;
		if (!len || (len & (PKTCAP_REC_ALIGN - 1)) ||
		    len > ring->end - ring->pos || len > r->size - off)
			return -EBADMSG;
		if (h->flags & PKTCAP_REC_F_PAD) {
			if (len != r->size - off)
				return -EBADMSG;
			ring->pos += len;
			continue;
		}
		if (!rec_fields_ok(h, len))
			return -EBADMSG;
		*rec = h;
		*lenp = len;
		return 0;
	}
	return -EAGAIN;
}

/* The next real record of the batch, consumed. */
static int ring_take(const struct pktcap_reader *r, struct reader_ring *ring,
		     const struct pktcap_rec_hdr **rec)
{
	uint32_t len;
	int err = ring_peek(r, ring, rec, &len);

	if (!err)
		ring->pos += len;
	return err;
}

/* Peek, and if the batch is used up, hand it back and load the next one. */
static int ring_peek_refill(const struct pktcap_reader *r,
			    struct reader_ring *ring,
			    const struct pktcap_rec_hdr **rec, uint32_t *lenp)
{
	int err = ring_peek(r, ring, rec, lenp);

	if (err != -EAGAIN)
		return err;
	ring_release(ring);
	err = ring_refill(r, ring);
	if (err)
		return err;
	return ring_peek(r, ring, rec, lenp);
}

int pktcap_reader_next(struct pktcap_reader *r, unsigned int *ring_idx,
		       const struct pktcap_rec_hdr **rec)
{
	unsigned int i;

	/*
	 * Finish the current ring's batch, then move on: each step to the
	 * next ring releases the finished batch and loads the next ring's.
	 * nr_rings + 1 looks give every ring, the current one included, one
	 * fresh batch before reporting -EAGAIN.
	 */
	for (i = 0; i <= r->nr_rings; i++) {
		struct reader_ring *ring = &r->rings[r->cur];
		int err;

		*ring_idx = r->cur;
		err = ring_take(r, ring, rec);
		if (err != -EAGAIN)
			return err;
		ring_release(ring);
		r->cur = r->cur + 1 < r->nr_rings ? r->cur + 1 : 0;
		*ring_idx = r->cur;
		err = ring_refill(r, &r->rings[r->cur]);
		if (err)
			return err;
	}
	return -EAGAIN;
}

/*
 * When a scan finds records on one ring only (traffic arriving on one
 * CPU, the common case), that ring is "solo": its loaded batch is drained
 * without looking at the others, which the scan found empty, until it
 * ends; then the next scan reloads every ring. Nothing else changes: the
 * records of other rings that a scan would have found meanwhile were
 * published after the solo batch was loaded, so the best-effort order
 * across rings is the same as that of a scan per record.
 */
static int next_solo(struct pktcap_reader *r, unsigned int *ring_idx,
		     const struct pktcap_rec_hdr **rec)
{
	int err;

	*ring_idx = r->solo;
	err = ring_take(r, &r->rings[r->solo], rec);
	if (err)
		r->solo = -1;
	return err;
}

int pktcap_reader_next_merged(struct pktcap_reader *r, unsigned int *ring_idx,
			      const struct pktcap_rec_hdr **rec)
{
	const struct pktcap_rec_hdr *best = NULL;
	unsigned int i, best_i = 0, with_records = 0;
	uint32_t best_len = 0;

	if (r->solo >= 0) {
		int err = next_solo(r, ring_idx, rec);

		if (err != -EAGAIN)
			return err;
	}
	for (i = 0; i < r->nr_rings; i++) {
		const struct pktcap_rec_hdr *h;
		uint32_t len;
		int err;

		err = ring_peek_refill(r, &r->rings[i], &h, &len);
		if (err == -EAGAIN)
			continue;
		if (err) {
			*ring_idx = i;
			return err;
		}
		with_records++;
		if (!best || h->tstamp_ns < best->tstamp_ns) {
			best = h;
			best_i = i;
			best_len = len;
		}
	}
	if (!best)
		return -EAGAIN;
	if (with_records == 1)
		r->solo = (int)best_i;
	r->rings[best_i].pos += best_len;
	*ring_idx = best_i;
	*rec = best;
	return 0;
}

/* A hint only (relaxed): the batch itself is loaded with (C). */
static int any_unread(const struct pktcap_reader *r)
{
	unsigned int i;

	for (i = 0; i < r->nr_rings; i++) {
		const struct reader_ring *ring = &r->rings[i];

		if (load_relaxed(&ring->prod->producer) != ring->pos)
			return 1;
	}
	return 0;
}

/* Records of a loaded batch the caller has not taken yet. */
static int batch_unread(const struct pktcap_reader *r)
{
	unsigned int i;

	for (i = 0; i < r->nr_rings; i++)
		if (r->rings[i].pos != r->rings[i].end)
			return 1;
	return 0;
}

int pktcap_reader_poll(struct pktcap_reader *r, int timeout_ms)
{
	struct pollfd pfd;
	int n;

	pktcap_reader_release(r);
	if (batch_unread(r))
		return 1;
	if (pktcap_reader_session_stopped(r))
		return any_unread(r) ? 1 : -EPIPE;
	/*
	 * A ring may hold a few records already; the kernel reports them as
	 * a batch (wakeup_records, or wakeup_usec after the first), which
	 * is what keeps a fast reader from taking them one syscall each.
	 */
	if (r->fd < 0)
		return any_unread(r);

	pfd.fd = r->fd;
	pfd.events = POLLIN;
	pfd.revents = 0;
	n = poll(&pfd, 1, timeout_ms);
	if (n < 0)
		return -errno;
	if (!n)
		return 0;
	if (pfd.revents & POLLIN)
		return 1;
	if (pfd.revents & POLLHUP)
		return any_unread(r) ? 1 : -EPIPE;
	return -EIO;
}

bool pktcap_reader_session_stopped(const struct pktcap_reader *r)
{
	return __atomic_load_n(&r->live->stopped, __ATOMIC_RELAXED) ||
	       load_relaxed(&r->live->session_id) != r->session_id;
}

const struct pktcap_mmap_info *pktcap_reader_info(const struct pktcap_reader *r)
{
	return &r->info;
}

int pktcap_reader_fd(const struct pktcap_reader *r)
{
	return r->fd;
}
