// SPDX-License-Identifier: GPL-2.0
/*
 * The sealed capture file format (sealfile.h, docs/ENCRYPTION.md): writer
 * and reader. No key and no cryptography here, on purpose: the recorder
 * never holds the key, and the reader is what the fuzzer exercises.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sealfile.h"

#define ERRBUF_LEN	256
#define REC_HDR_LEN	((uint32_t)sizeof(struct pktcap_rec_hdr))

static uint8_t host_order(void)
{
	const uint16_t one = 1;

	return *(const uint8_t *)&one ? PK_SEAL_LE : PK_SEAL_BE;
}

static void put_le16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void put_le32(uint8_t *p, uint32_t v)
{
	put_le16(p, (uint16_t)v);
	put_le16(p + 2, (uint16_t)(v >> 16));
}

static uint16_t get_le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t get_le32(const uint8_t *p)
{
	return get_le16(p) | (uint32_t)get_le16(p + 2) << 16;
}

static bool all_zero(const uint8_t *p, size_t len)
{
	while (len--)
		if (*p++)
			return false;
	return true;
}

uint32_t pk_seal_max_rec_len(uint32_t snaplen)
{
	uint32_t len = REC_HDR_LEN + snaplen + PKTCAP_SEAL_OVERHEAD;

	return (len + PKTCAP_REC_ALIGN - 1) & ~(uint32_t)(PKTCAP_REC_ALIGN - 1);
}

/*
 * The framing rules both sides apply. Lengths are summed in 64 bits so that
 * no header field can wrap them.
 */
static const char *rec_problem(const struct pktcap_rec_hdr *h, uint32_t snaplen)
{
	uint64_t used = (uint64_t)h->hdr_len + h->cap_len + PKTCAP_SEAL_OVERHEAD;

	if (h->flags & PKTCAP_REC_F_PAD)
		return "pad record";
	if (!(h->flags & PKTCAP_REC_F_SEALED))
		return "record is not sealed";
	if (h->hdr_len != REC_HDR_LEN)
		return "bad header length";
	if (h->rec_len % PKTCAP_REC_ALIGN || h->rec_len > pk_seal_max_rec_len(snaplen))
		return "bad record length";
	if (h->cap_len > snaplen)
		return "captured length exceeds the snaplen";
	if (used > h->rec_len || h->rec_len - used >= PKTCAP_REC_ALIGN)
		return "record length does not match the captured length";
	return NULL;
}

const uint8_t *pk_seal_nonce(const struct pktcap_rec_hdr *rec)
{
	return (const uint8_t *)rec + rec->hdr_len;
}

const uint8_t *pk_seal_ciphertext(const struct pktcap_rec_hdr *rec)
{
	return pk_seal_nonce(rec) + PKTCAP_GCM_NONCE_LEN;
}

const uint8_t *pk_seal_tag(const struct pktcap_rec_hdr *rec)
{
	return pk_seal_ciphertext(rec) + rec->cap_len;
}

/* ------------------------------------------------------------ writer */

struct pk_sealw {
	FILE *fp;
	char *path;
	struct pk_seal_info info;
	bool header_done;
	uint64_t records;
	int err;			/* first error, sticky */
	char msg[ERRBUF_LEN];
};

static int w_fail(struct pk_sealw *w, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int w_fail(struct pk_sealw *w, int err, const char *fmt, ...)
{
	va_list ap;

	if (w->err)
		return w->err;
	w->err = err;
	va_start(ap, fmt);
	vsnprintf(w->msg, sizeof(w->msg), fmt, ap);
	va_end(ap);
	return err;
}

static int w_io(struct pk_sealw *w, const void *buf, size_t len)
{
	if (w->err)
		return w->err;
	if (len && fwrite(buf, 1, len, w->fp) != len)
		return w_fail(w, errno ? -errno : -EIO, "%s: %s", w->path,
			      strerror(errno ? errno : EIO));
	return 0;
}

static FILE *open_out(const char *path)
{
	int fd;
	FILE *fp;

	if (!strcmp(path, "-"))
		fd = dup(STDOUT_FILENO);
	else
		fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return NULL;
	fp = fdopen(fd, "wb");
	if (!fp)
		close(fd);
	return fp;
}

struct pk_sealw *pk_sealw_open(const char *path,
			       const uint8_t key_id[PKTCAP_KEY_ID_LEN],
			       uint32_t snaplen, char *errbuf)
{
	struct pk_sealw *w = calloc(1, sizeof(*w));

	if (w)
		w->path = strdup(path);
	if (!w || !w->path) {
		snprintf(errbuf, ERRBUF_LEN, "%s: %s", path, strerror(ENOMEM));
		goto fail;
	}
	w->fp = open_out(path);
	if (!w->fp) {
		snprintf(errbuf, ERRBUF_LEN, "%s: %s", path, strerror(errno));
		goto fail;
	}
	w->info.version = PK_SEAL_VERSION;
	w->info.byte_order = host_order();
	w->info.algorithm = PK_SEAL_ALG_AES256GCM;
	memcpy(w->info.key_id, key_id, PKTCAP_KEY_ID_LEN);
	w->info.snaplen = snaplen;
	w->info.rec_hdr_len = REC_HDR_LEN;
	return w;
fail:
	if (w)
		free(w->path);
	free(w);
	errno = errno ? errno : ENOMEM;
	return NULL;
}

int pk_sealw_add_iface(struct pk_sealw *w, uint32_t ifindex, const char *name,
		       uint16_t linktype)
{
	struct pk_seal_iface *e;
	unsigned int i;

	for (i = 0; i < w->info.nr_ifaces; i++)
		if (w->info.ifaces[i].ifindex == ifindex)
			return 0;
	if (w->header_done)
		return w_fail(w, -EBUSY, "%s: device %u declared after the first record",
			      w->path, ifindex);
	if (w->info.nr_ifaces == PK_SEAL_MAX_IFACES)
		return w_fail(w, -E2BIG, "%s: more than %d devices", w->path,
			      PK_SEAL_MAX_IFACES);
	e = &w->info.ifaces[w->info.nr_ifaces++];
	e->ifindex = ifindex;
	e->linktype = linktype;
	snprintf(e->name, sizeof(e->name), "%s", name ? name : "");
	return 0;
}

static void encode_header(const struct pk_seal_info *in, uint8_t *h)
{
	memset(h, 0, PK_SEAL_HDR_LEN);
	memcpy(h, PK_SEAL_MAGIC, PK_SEAL_MAGIC_LEN);
	put_le16(h + 12, in->version);
	h[14] = in->byte_order;
	h[15] = in->algorithm;
	memcpy(h + 16, in->key_id, PKTCAP_KEY_ID_LEN);
	put_le32(h + 24, in->snaplen);
	put_le16(h + 28, in->rec_hdr_len);
	put_le16(h + 30, in->nr_ifaces);
	/* 32..39 reserved, zero */
}

static void encode_iface(const struct pk_seal_iface *e, uint8_t *p)
{
	memset(p, 0, PK_SEAL_IFACE_LEN);
	put_le32(p, e->ifindex);
	put_le16(p + 4, e->linktype);
	/* 6..7 reserved; the name is NUL-padded and keeps a NUL at its end */
	memcpy(p + 8, e->name, strnlen(e->name, IF_NAMESIZE - 1));
}

static int write_header(struct pk_sealw *w)
{
	uint8_t buf[PK_SEAL_HDR_LEN + PK_SEAL_MAX_IFACES * PK_SEAL_IFACE_LEN];
	unsigned int i;

	if (w->header_done)
		return w->err;
	w->header_done = true;
	encode_header(&w->info, buf);
	for (i = 0; i < w->info.nr_ifaces; i++)
		encode_iface(&w->info.ifaces[i],
			     buf + PK_SEAL_HDR_LEN + i * PK_SEAL_IFACE_LEN);
	return w_io(w, buf, PK_SEAL_HDR_LEN + i * PK_SEAL_IFACE_LEN);
}

int pk_sealw_write(struct pk_sealw *w, const struct pktcap_rec_hdr *rec)
{
	static const uint8_t zeros[PKTCAP_REC_ALIGN];
	const char *why = rec_problem(rec, w->info.snaplen);
	uint32_t used;

	if (w->err)
		return w->err;
	if (why)
		return w_fail(w, -EINVAL, "%s: refusing record %llu: %s", w->path,
			      (unsigned long long)w->records + 1, why);
	if (write_header(w))
		return w->err;
	used = rec->hdr_len + rec->cap_len + PKTCAP_SEAL_OVERHEAD;
	/*
	 * The ring leaves the alignment bytes after the tag as they were;
	 * zeros say nothing about earlier records.
	 */
	if (w_io(w, rec, used) || w_io(w, zeros, rec->rec_len - used))
		return w->err;
	w->records++;
	return 0;
}

int pk_sealw_flush(struct pk_sealw *w)
{
	if (write_header(w))
		return w->err;
	if (fflush(w->fp))
		return w_fail(w, -errno, "%s: %s", w->path, strerror(errno));
	return 0;
}

int pk_sealw_close(struct pk_sealw *w, char *errbuf)
{
	int err;

	if (!w)
		return 0;
	pk_sealw_flush(w);
	if (fclose(w->fp))
		w_fail(w, -errno, "%s: %s", w->path, strerror(errno));
	err = w->err;
	if (err && errbuf)
		snprintf(errbuf, ERRBUF_LEN, "%s", w->msg);
	free(w->path);
	free(w);
	return err;
}

const char *pk_sealw_strerror(const struct pk_sealw *w)
{
	return w->msg;
}

uint64_t pk_sealw_records(const struct pk_sealw *w)
{
	return w->records;
}

/* ------------------------------------------------------------ reader */

struct pk_sealr {
	FILE *fp;
	struct pk_seal_info info;
	uint64_t offset;		/* of the next record, for messages */
	uint64_t records;
	uint8_t *buf;			/* one record, pk_seal_max_rec_len() */
	char msg[ERRBUF_LEN];
};

/* 1: all @len bytes; 0: end of file before the first; -1: short or error. */
static int read_exact(FILE *fp, void *buf, size_t len)
{
	size_t n = fread(buf, 1, len, fp);

	if (n == len)
		return 1;
	return n == 0 && !ferror(fp) ? 0 : -1;
}

static int parse_header(const uint8_t *h, struct pk_seal_info *in, char *errbuf)
{
	if (memcmp(h, PK_SEAL_MAGIC, PK_SEAL_MAGIC_LEN)) {
		snprintf(errbuf, ERRBUF_LEN, "not a sealed capture file (bad magic)");
		return -EPROTO;
	}
	in->version = get_le16(h + 12);
	in->byte_order = h[14];
	in->algorithm = h[15];
	memcpy(in->key_id, h + 16, PKTCAP_KEY_ID_LEN);
	in->snaplen = get_le32(h + 24);
	in->rec_hdr_len = get_le16(h + 28);
	in->nr_ifaces = get_le16(h + 30);
	if (in->version != PK_SEAL_VERSION || in->algorithm != PK_SEAL_ALG_AES256GCM ||
	    in->byte_order != host_order() || in->rec_hdr_len != REC_HDR_LEN) {
		snprintf(errbuf, ERRBUF_LEN, "unsupported sealed file (version %u, "
			 "algorithm %u, byte order %u, record header %u bytes)",
			 in->version, in->algorithm, in->byte_order, in->rec_hdr_len);
		return -EPROTONOSUPPORT;
	}
	if (!in->snaplen || in->snaplen > PKTCAP_SNAPLEN_MAX ||
	    in->nr_ifaces > PK_SEAL_MAX_IFACES || !all_zero(h + 32, 8)) {
		snprintf(errbuf, ERRBUF_LEN, "corrupt sealed file header");
		return -EPROTO;
	}
	return 0;
}

static int parse_iface(const uint8_t *p, struct pk_seal_iface *e)
{
	e->ifindex = get_le32(p);
	e->linktype = get_le16(p + 4);
	if (p[6] || p[7] || p[8 + IF_NAMESIZE - 1])
		return -EPROTO;
	memcpy(e->name, p + 8, IF_NAMESIZE);
	return 0;
}

static int read_table(struct pk_sealr *r, char *errbuf)
{
	uint8_t p[PK_SEAL_IFACE_LEN];
	unsigned int i;

	for (i = 0; i < r->info.nr_ifaces; i++) {
		if (read_exact(r->fp, p, sizeof(p)) != 1) {
			snprintf(errbuf, ERRBUF_LEN, "truncated interface table");
			return -EPROTO;
		}
		if (parse_iface(p, &r->info.ifaces[i])) {
			snprintf(errbuf, ERRBUF_LEN, "corrupt interface table entry %u", i);
			return -EPROTO;
		}
	}
	r->offset = PK_SEAL_HDR_LEN + (uint64_t)i * PK_SEAL_IFACE_LEN;
	return 0;
}

int pk_sealr_open(FILE *fp, struct pk_sealr **rp, char *errbuf)
{
	uint8_t h[PK_SEAL_HDR_LEN];
	struct pk_sealr *r;
	int err;

	*rp = NULL;
	r = calloc(1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	r->fp = fp;
	err = read_exact(fp, h, sizeof(h));
	if (err != 1) {
		snprintf(errbuf, ERRBUF_LEN, ferror(fp) ? "read error" :
			 "not a sealed capture file (too short)");
		err = ferror(fp) ? -EIO : -EPROTO;
	} else {
		err = parse_header(h, &r->info, errbuf);
	}
	if (!err)
		err = read_table(r, errbuf);
	if (!err) {
		r->buf = malloc(pk_seal_max_rec_len(r->info.snaplen));
		err = r->buf ? 0 : -ENOMEM;
	}
	if (err) {
		pk_sealr_close(r);
		return err;
	}
	*rp = r;
	return 0;
}

void pk_sealr_close(struct pk_sealr *r)
{
	if (!r)
		return;
	free(r->buf);
	free(r);
}

const struct pk_seal_info *pk_sealr_info(const struct pk_sealr *r)
{
	return &r->info;
}

const char *pk_sealr_strerror(const struct pk_sealr *r)
{
	return r->msg;
}

static int r_fail(struct pk_sealr *r, const char *why)
{
	snprintf(r->msg, sizeof(r->msg), "record %llu at offset %llu: %s",
		 (unsigned long long)r->records + 1,
		 (unsigned long long)r->offset, why);
	return ferror(r->fp) ? -EIO : -EPROTO;
}

int pk_sealr_next(struct pk_sealr *r, const struct pktcap_rec_hdr **rec)
{
	struct pktcap_rec_hdr *h = (struct pktcap_rec_hdr *)r->buf;
	const char *why;
	int got;

	got = read_exact(r->fp, h, REC_HDR_LEN);
	if (got == 0)
		return 0;
	if (got < 0)
		return r_fail(r, "truncated record header");
	why = rec_problem(h, r->info.snaplen);
	if (why)
		return r_fail(r, why);
	if (read_exact(r->fp, r->buf + REC_HDR_LEN, h->rec_len - REC_HDR_LEN) != 1)
		return r_fail(r, "truncated record");
	r->offset += h->rec_len;
	r->records++;
	*rec = h;
	return 1;
}
