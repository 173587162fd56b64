/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pktcap_reader: read captured packets from the rings of /dev/pktcap.
 *
 * The consumer half of the ring ABI in uapi/linux/pktcap.h, for pktcapctl
 * and third-party readers. Depends on libc only; prints nothing; every
 * function that can fail returns a negative errno.
 *
 *	struct pktcap_reader *r;
 *	const struct pktcap_rec_hdr *rec;
 *	unsigned int ring;
 *	int err;
 *
 *	err = pktcap_reader_open(PKTCAP_DEVICE_PATH, &r);
 *	if (err)
 *		return err;
 *	for (;;) {
 *		while ((err = pktcap_reader_next(r, &ring, &rec)) == 0)
 *			handle(rec, pktcap_rec_data(rec));
 *		if (err != -EAGAIN)
 *			break;			// -EBADMSG: corrupt ring
 *		err = pktcap_reader_poll(r, 1000);
 *		if (err < 0 && err != -EINTR)
 *			break;			// -EPIPE: session stopped
 *	}
 *	pktcap_reader_close(r);
 *
 * Record lifetime: a record returned by pktcap_reader_next() or
 * pktcap_reader_next_merged() stays valid, and in place in the ring, until
 * the next call to any of pktcap_reader_next(), pktcap_reader_next_merged(),
 * pktcap_reader_release(), pktcap_reader_poll() or pktcap_reader_close().
 * Copy what you need before that.
 *
 * Space is handed back to the kernel once per batch (everything the kernel
 * had published when the batch was loaded), not once per record: one store
 * to the consumer page per batch, see (D) in the uapi header.
 *
 * Not thread-safe: one thread uses a reader at a time.
 */
#ifndef _PKTCAP_READER_H
#define _PKTCAP_READER_H

#include <stdbool.h>
#include <linux/pktcap.h>

#ifdef __cplusplus
extern "C" {
#endif

struct pktcap_reader;

/**
 * pktcap_reader_open() - open the device and map every ring
 * @path: normally %PKTCAP_DEVICE_PATH
 * @rp: set to the new reader on success
 *
 * Opens @path O_RDWR (the consumer pages are mapped writable), maps and
 * checks the info page, then maps each ring read-only and its consumer
 * page read-write.
 *
 * Return: 0; -EPROTO for a bad magic, record header size or geometry,
 * -EPROTONOSUPPORT for another ring ABI version, -EBUSY when another
 * reader holds the device, other -errno from open()/mmap().
 */
int pktcap_reader_open(const char *path, struct pktcap_reader **rp);

/**
 * pktcap_reader_close() - unmap, close and free; NULL is accepted
 * @r: the reader
 *
 * Releases consumed records first, so a later reader starts after them.
 */
void pktcap_reader_close(struct pktcap_reader *r);

/**
 * pktcap_reader_next() - the next record, ring by ring
 * @r: the reader
 * @ring_idx: set to the ring of the record (or of the error)
 * @rec: set to the record; never a PAD
 *
 * Takes records from one ring's batch until it is exhausted, then moves to
 * the next ring, so a busy ring cannot starve the others. Order within a
 * ring is exact; there is no order across rings.
 *
 * Every record is checked before it is returned: rec_len non-zero,
 * 8-aligned, within the published producer index and the data area,
 * hdr_len and cap_len (plus the tag for sealed records) within rec_len,
 * and a PAD must end exactly at the end of the data area.
 *
 * Return: 0 with *@rec set; -EAGAIN when no ring has a record; -EBADMSG
 * when ring *@ring_idx is corrupt. A corrupt ring's position does not move,
 * so it reports the error again whenever it is reached; the caller decides
 * whether to stop.
 */
int pktcap_reader_next(struct pktcap_reader *r, unsigned int *ring_idx,
		       const struct pktcap_rec_hdr **rec);

/**
 * pktcap_reader_next_merged() - the next record in timestamp order
 * @r: the reader
 * @ring_idx: set to the ring of the record (or of the error)
 * @rec: set to the record
 *
 * A k-way merge over the head records of the rings' current batches:
 * returns the head with the smallest tstamp_ns. Per-ring order is always
 * exact (a ring is never reordered). Order across rings is best effort:
 * exact among the records available now, but a record published on one
 * ring after we returned a later-stamped record from another comes out
 * late. While only one ring has records, its loaded batch is drained
 * without looking at the others; any other case reloads every empty
 * ring's batch, one read of its producer index, and is O(nr_rings) per
 * record.
 *
 * Return: as pktcap_reader_next().
 */
int pktcap_reader_next_merged(struct pktcap_reader *r, unsigned int *ring_idx,
			      const struct pktcap_rec_hdr **rec);

/**
 * pktcap_reader_release() - hand every record read so far back
 * @r: the reader
 *
 * Records returned before are invalid afterwards. Called implicitly by
 * pktcap_reader_poll() and pktcap_reader_close().
 */
void pktcap_reader_release(struct pktcap_reader *r);

/**
 * pktcap_reader_poll() - wait for records
 * @r: the reader
 * @timeout_ms: as poll(2): -1 waits forever, 0 does not wait
 *
 * Releases consumed records first (otherwise the kernel would count them
 * as unread). Returns at once if a batch loaded by pktcap_reader_next()
 * still has records, or the session stopped. Otherwise sleeps until the
 * kernel reports a batch: wakeup_records records on a ring, or
 * wakeup_usec after the first unread record (see the uapi header). A
 * reader attached to memory never sleeps.
 *
 * Return: 1 when records may be available; 0 on timeout; -EPIPE when the
 * session stopped and every record has been read; -EINTR, or another
 * -errno from poll().
 */
int pktcap_reader_poll(struct pktcap_reader *r, int timeout_ms);

/**
 * pktcap_reader_session_stopped() - was the mapped session stopped?
 * @r: the reader
 *
 * True once the info page says stopped, or carries another session id than
 * the one seen at open. Records still in the rings remain readable.
 */
bool pktcap_reader_session_stopped(const struct pktcap_reader *r);

/**
 * pktcap_reader_info() - the info page as checked at open
 * @r: the reader
 *
 * A copy taken at open (nr_rings, snaplen, flags, key_id ...); the live
 * stopped/session_id fields are read by pktcap_reader_session_stopped().
 */
const struct pktcap_mmap_info *pktcap_reader_info(const struct pktcap_reader *r);

/**
 * pktcap_reader_fd() - the device descriptor, for epoll; -1 in memory mode
 * @r: the reader
 */
int pktcap_reader_fd(const struct pktcap_reader *r);

/**
 * pktcap_rec_data() - the packet bytes of a record
 * @rec: a record returned by the reader (hdr_len was checked)
 */
static inline const void *pktcap_rec_data(const struct pktcap_rec_hdr *rec)
{
	return (const unsigned char *)rec + rec->hdr_len;
}

/*
 * Memory mode, for tests, fuzzers and embedding: the same reader over
 * rings the caller provides instead of mmap()ed ones.
 */

/**
 * struct pktcap_reader_mem_ring - one ring given by pointers
 * @prod: the producer index
 * @cons: the consumer index, which the reader writes
 * @data: the data area, info->ring_size bytes, 8-byte aligned
 */
struct pktcap_reader_mem_ring {
	const struct pktcap_ring_producer *prod;
	struct pktcap_ring_consumer *cons;
	const void *data;
};

/**
 * pktcap_reader_attach_mem() - a reader over caller-provided rings
 * @info: magic, abi_version, rec_hdr_len, nr_rings and ring_size are
 *	checked as at open; the offsets are ignored. Must outlive the reader:
 *	stopped and session_id are read from it live.
 * @rings: info->nr_rings entries, copied
 * @rp: set to the new reader
 *
 * Return: as pktcap_reader_open(), or -EINVAL for a misaligned data area.
 */
int pktcap_reader_attach_mem(const struct pktcap_mmap_info *info,
			     const struct pktcap_reader_mem_ring *rings,
			     struct pktcap_reader **rp);

#ifdef __cplusplus
}
#endif

#endif /* _PKTCAP_READER_H */
