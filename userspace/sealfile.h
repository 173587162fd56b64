/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Sealed capture files: what `pktcapctl record` writes for an encrypted
 * session and `pktcapctl decrypt` reads. docs/ENCRYPTION.md documents the
 * format byte by byte:
 *
 *	file header (PK_SEAL_HDR_LEN bytes, little-endian fields)
 *	interface table (nr_ifaces * PK_SEAL_IFACE_LEN bytes)
 *	records, each exactly as the ring held it: struct pktcap_rec_hdr,
 *	nonce | ciphertext | tag, zeroed padding up to rec_len
 *
 * Neither side holds a key: the writer copies records the kernel sealed,
 * the reader only checks framing. Authentication is the decrypter's job
 * (sealcrypto.h). Everything here is pure except stdio.
 */
#ifndef PK_SEALFILE_H
#define PK_SEALFILE_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <net/if.h>
#include <linux/pktcap.h>

#define PK_SEAL_MAGIC		"PKTCAPSEAL\0\1"
#define PK_SEAL_MAGIC_LEN	12
#define PK_SEAL_VERSION		1
#define PK_SEAL_HDR_LEN		40
#define PK_SEAL_IFACE_LEN	24
#define PK_SEAL_ALG_AES256GCM	1
#define PK_SEAL_LE		1	/* records in little-endian byte order */
#define PK_SEAL_BE		2
#define PK_SEAL_MAX_IFACES	PKTCAP_MAX_DEVICES

/* One row of the interface table. */
struct pk_seal_iface {
	uint32_t ifindex;
	uint16_t linktype;		/* ARPHRD_* */
	char name[IF_NAMESIZE];		/* NUL-terminated, "" if unknown */
};

/* The file header and interface table, as parsed. */
struct pk_seal_info {
	uint16_t version;
	uint8_t byte_order;		/* PK_SEAL_LE or PK_SEAL_BE */
	uint8_t algorithm;		/* PK_SEAL_ALG_AES256GCM */
	uint8_t key_id[PKTCAP_KEY_ID_LEN];
	uint32_t snaplen;
	uint16_t rec_hdr_len;
	uint16_t nr_ifaces;
	struct pk_seal_iface ifaces[PK_SEAL_MAX_IFACES];
};

/* Longest record a file with @snaplen may hold: header, payload, padding. */
uint32_t pk_seal_max_rec_len(uint32_t snaplen);

/*
 * Writer. Errors are sticky and carry a message ("FILE: No space left on
 * device") in pk_sealw_strerror(); functions return 0 or a negative errno.
 */
struct pk_sealw;

/*
 * Create @path ("-": standard output, which then must carry nothing else)
 * mode 0600: record headers are metadata (sizes, times) worth keeping to
 * the operator. NULL with errno set and the reason in @errbuf (256 bytes).
 */
struct pk_sealw *pk_sealw_open(const char *path,
			       const uint8_t key_id[PKTCAP_KEY_ID_LEN],
			       uint32_t snaplen, char *errbuf);

/* Declare a device before the first record; again for an ifindex: no-op. */
int pk_sealw_add_iface(struct pk_sealw *w, uint32_t ifindex, const char *name,
		       uint16_t linktype);

/*
 * Append @rec (rec_len bytes from @rec) as it is, but for the padding
 * after the tag, which is written as zeros. -EINVAL for anything but a
 * well-formed sealed record of this file's snaplen: plaintext never
 * enters a sealed file.
 */
int pk_sealw_write(struct pk_sealw *w, const struct pktcap_rec_hdr *rec);

int pk_sealw_flush(struct pk_sealw *w);

/* Flush, close, free. Returns the first error; message copied to @errbuf. */
int pk_sealw_close(struct pk_sealw *w, char *errbuf);

const char *pk_sealw_strerror(const struct pk_sealw *w);
uint64_t pk_sealw_records(const struct pk_sealw *w);

/*
 * Reader, over any stdio stream (fmemopen() for tests and the fuzzer).
 * Checks framing only; nothing it returns is authenticated.
 */
struct pk_sealr;

/*
 * Parse the header and interface table of @fp (not closed by the reader).
 * 0, or -EPROTO (not a sealed capture file, bad header: message in
 * @errbuf, 256 bytes), -EPROTONOSUPPORT (version, algorithm or byte order
 * this build cannot read), -ENOMEM, -EIO.
 */
int pk_sealr_open(FILE *fp, struct pk_sealr **rp, char *errbuf);
void pk_sealr_close(struct pk_sealr *r);
const struct pk_seal_info *pk_sealr_info(const struct pk_sealr *r);

/*
 * The next record, in a buffer owned by the reader valid until the next
 * call: 1 with *@rec set, 0 at a clean end of file, -EPROTO for a
 * malformed or truncated record (message in pk_sealr_strerror()), -EIO.
 * Guarantees: hdr_len == the file's rec_hdr_len, PKTCAP_REC_F_SEALED set,
 * cap_len <= snaplen, hdr_len + cap_len + PKTCAP_SEAL_OVERHEAD <= rec_len.
 */
int pk_sealr_next(struct pk_sealr *r, const struct pktcap_rec_hdr **rec);
const char *pk_sealr_strerror(const struct pk_sealr *r);

/* The nonce, ciphertext and tag of a record the reader returned. */
const uint8_t *pk_seal_nonce(const struct pktcap_rec_hdr *rec);
const uint8_t *pk_seal_ciphertext(const struct pktcap_rec_hdr *rec);
const uint8_t *pk_seal_tag(const struct pktcap_rec_hdr *rec);

/*
 * pktcapctl record's path for an encrypted session (record_sealed.c):
 * write every record of @r to @path in this format until @count records
 * (0: no limit), *@stop, or the end of the session; the devices come from
 * STATUS on @nl. Prints its own errors; returns the exit status (0/1) and
 * the number of records written in *@written.
 */
struct pk_nl;
struct pktcap_reader;
int pk_record_sealed(struct pk_nl *nl, struct pktcap_reader *r,
		     const char *path, uint64_t count,
		     volatile sig_atomic_t *stop, uint64_t *written);

#endif /* PK_SEALFILE_H */
