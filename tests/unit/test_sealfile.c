// SPDX-License-Identifier: GPL-2.0
/*
 * Sealed capture files and their decryption, on the host.
 *
 * Records are sealed here with OpenSSL's EVP encrypt side, written out
 * from the kernel's description (uapi "sealed records"), not with any
 * pktcap code: so a mistake shared by kmod/seal.c and sealcrypto.c in how
 * the construction is read would still have to get past this file. Then
 * the writer, the reader, the opener and `pktcapctl decrypt` have to give
 * the plaintext back, and every changed byte and the wrong key must be
 * caught.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <net/if_arp.h>
#include <openssl/evp.h>
#include <pcap/pcap.h>
#include "kselftest_harness.h"
#include "sealcrypto.h"
#include "sealfile.h"

#define NREC	40
#define SNAPLEN	1500
#define BUFLEN	(sizeof(struct pktcap_rec_hdr) + SNAPLEN + PKTCAP_SEAL_OVERHEAD + 8)

static const uint8_t key_a[PKTCAP_KEY_LEN] = {
	0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07,
	0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f,
	0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17,
	0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f,
};
/* python3: hashlib.sha256(b"pktcap key id v1" + bytes(range(32))) */
static const uint8_t key_a_id[PKTCAP_KEY_ID_LEN] = {
	0xc6, 0x70, 0xd5, 0xe8, 0x8d, 0xe6, 0x01, 0xc0,
};

/* A record as the ring would hold it, in an 8-aligned buffer. */
struct rec {
	union {
		struct pktcap_rec_hdr h;
		uint8_t b[BUFLEN];
	};
};

/* Plaintext of record @i: recognisable and different per record. */
static uint32_t plain_of(unsigned int i, uint8_t *p)
{
	uint32_t len = (i * 37) % 200 + (i % 3 == 0 ? 0 : 1);	/* 0 .. 200 */
	uint32_t k;

	for (k = 0; k < len; k++)
		p[k] = (uint8_t)(0xa0 ^ i ^ (k * 7));
	return len;
}

/* The kernel's construction, from its uapi description, with EVP encrypt. */
static int seal(struct rec *r, const uint8_t *key, unsigned int i,
		uint32_t cap, const uint8_t *plain)
{
	uint8_t *nonce = r->b + sizeof(r->h);
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	uint32_t used;
	int len, ok;

	memset(r, 0xee, sizeof(*r));	/* garbage in the alignment bytes */
	memset(&r->h, 0, sizeof(r->h));
	used = sizeof(r->h) + cap + PKTCAP_SEAL_OVERHEAD;
	r->h.rec_len = (used + 7) & ~7u;
	r->h.flags = PKTCAP_REC_F_SEALED;
	r->h.hdr_len = sizeof(r->h);
	r->h.cap_len = cap;
	r->h.wire_len = cap + (i & 1) * 10;
	if (r->h.wire_len > cap)
		r->h.flags |= PKTCAP_REC_F_TRUNCATED;
	r->h.tstamp_ns = 1700000000000000000ull + i * 1000ull;
	r->h.seq = i;
	r->h.ifindex = 2 + (i & 1);
	r->h.linktype = ARPHRD_ETHER;
	r->h.protocol = htons(0x0800);
	memcpy(nonce, "salt1234", 8);
	nonce[8] = (uint8_t)(i >> 24);
	nonce[9] = (uint8_t)(i >> 16);
	nonce[10] = (uint8_t)(i >> 8);
	nonce[11] = (uint8_t)i;
	ok = ctx && EVP_EncryptInit_ex(ctx, EVP_aes_256_gcm(), NULL, NULL, NULL) &&
	     EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, 12, NULL) &&
	     EVP_EncryptInit_ex(ctx, NULL, NULL, key, nonce) &&
	     EVP_EncryptUpdate(ctx, NULL, &len, (uint8_t *)&r->h, sizeof(r->h)) &&
	     (!cap || EVP_EncryptUpdate(ctx, nonce + 12, &len, plain, (int)cap)) &&
	     EVP_EncryptFinal_ex(ctx, nonce + 12 + cap, &len) &&
	     EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, 16, nonce + 12 + cap);
	EVP_CIPHER_CTX_free(ctx);
	return ok ? 0 : -1;
}

static int seal_nth(struct rec *r, const uint8_t *key, unsigned int i)
{
	uint8_t plain[SNAPLEN];

	return seal(r, key, i, plain_of(i, plain), plain);
}

/* Write NREC records sealed under @key into @path. */
static int make_file(const char *path, const uint8_t *key)
{
	uint8_t id[PKTCAP_KEY_ID_LEN];
	char errbuf[256];
	struct pk_sealw *w;
	struct rec r;
	unsigned int i;
	int err = 0;

	if (pk_seal_key_id(key, id))
		return -1;
	w = pk_sealw_open(path, id, SNAPLEN, errbuf);
	if (!w)
		return -1;
	err |= pk_sealw_add_iface(w, 2, "veth0", ARPHRD_ETHER);
	err |= pk_sealw_add_iface(w, 3, "veth1", ARPHRD_ETHER);
	for (i = 0; i < NREC && !err; i++)
		err = seal_nth(&r, key, i) ?: pk_sealw_write(w, &r.h);
	return pk_sealw_close(w, errbuf) ?: err;
}

FIXTURE(sf) {
	char dir[64];
	char path[128];
};

FIXTURE_SETUP(sf)
{
	snprintf(self->dir, sizeof(self->dir), "/tmp/test_sealfile.XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	snprintf(self->path, sizeof(self->path), "%s/cap.sealed", self->dir);
}

FIXTURE_TEARDOWN(sf)
{
	char cmd[200];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", self->dir);
	if (system(cmd))
		TH_LOG("cleanup of %s failed", self->dir);
}

TEST(key_id_known_answer)
{
	uint8_t id[PKTCAP_KEY_ID_LEN];

	ASSERT_EQ(0, pk_seal_key_id(key_a, id));
	ASSERT_EQ(0, memcmp(id, key_a_id, sizeof(id)));
}

/* Writer -> reader -> opener gives back every record and its plaintext. */
TEST_F(sf, roundtrip)
{
	const struct pktcap_rec_hdr *h;
	const struct pk_seal_info *info;
	uint8_t plain[SNAPLEN], out[SNAPLEN];
	struct pk_opener *o = pk_opener_new(key_a);
	struct pk_sealr *r;
	char errbuf[256];
	unsigned int n = 0;
	struct rec want;
	FILE *fp;

	ASSERT_NE(NULL, o);
	ASSERT_EQ(0, make_file(self->path, key_a));
	fp = fopen(self->path, "rb");
	ASSERT_NE(NULL, fp);
	ASSERT_EQ(0, pk_sealr_open(fp, &r, errbuf));
	info = pk_sealr_info(r);
	EXPECT_EQ(0, memcmp(info->key_id, key_a_id, PKTCAP_KEY_ID_LEN));
	EXPECT_EQ(SNAPLEN, info->snaplen);
	ASSERT_EQ(2, info->nr_ifaces);
	EXPECT_EQ(3, info->ifaces[1].ifindex);
	EXPECT_STREQ("veth1", info->ifaces[1].name);
	while (pk_sealr_next(r, &h) == 1) {
		uint32_t len = plain_of(n, plain);
		uint32_t used = h->hdr_len + h->cap_len + PKTCAP_SEAL_OVERHEAD;

		ASSERT_EQ(0, seal_nth(&want, key_a, n));
		ASSERT_EQ(0, memcmp(h, &want.h, used));
		/* the alignment bytes are zeroed, not the ring's garbage */
		while (used < h->rec_len)
			ASSERT_EQ(0, ((const uint8_t *)h)[used++]);
		ASSERT_EQ(0, pk_opener_open(o, h, out));
		ASSERT_EQ(len, h->cap_len);
		ASSERT_EQ(0, memcmp(out, plain, len));
		n++;
	}
	EXPECT_EQ(NREC, n);
	pk_sealr_close(r);
	fclose(fp);
	pk_opener_free(o);
}

/* Change each byte of one record in turn: never accepted. */
TEST(every_byte_is_authenticated)
{
	uint8_t out[SNAPLEN], plain[SNAPLEN];
	struct pk_opener *o = pk_opener_new(key_a);
	struct rec r, t;
	uint32_t cap = plain_of(5, plain), k, used;
	unsigned int framing = 0, tag = 0;

	ASSERT_NE(NULL, o);
	ASSERT_EQ(0, seal(&r, key_a, 5, cap, plain));
	ASSERT_EQ(0, pk_opener_open(o, &r.h, out));
	used = r.h.hdr_len + cap + PKTCAP_SEAL_OVERHEAD;
	for (k = 0; k < used; k++) {
		FILE *fp;
		char buf[4096];
		size_t len;
		struct pk_sealr *rd;
		const struct pktcap_rec_hdr *h;
		char errbuf[256];
		int got;

		/* through the file format, as decrypt sees it */
		t = r;
		t.b[k] ^= 0x01;
		fp = fmemopen(buf, sizeof(buf), "w+");
		ASSERT_NE(NULL, fp);
		/* a one-record file, the header made by hand */
		len = 0;
		{
			uint8_t hdr[PK_SEAL_HDR_LEN] = PK_SEAL_MAGIC;

			hdr[12] = PK_SEAL_VERSION;
			hdr[14] = PK_SEAL_LE;
			hdr[15] = PK_SEAL_ALG_AES256GCM;
			memcpy(hdr + 16, key_a_id, 8);
			hdr[24] = SNAPLEN & 0xff;
			hdr[25] = SNAPLEN >> 8;
			hdr[28] = sizeof(struct pktcap_rec_hdr);
			len += fwrite(hdr, 1, sizeof(hdr), fp);
		}
		len += fwrite(t.b, 1, r.h.rec_len, fp);
		ASSERT_EQ(PK_SEAL_HDR_LEN + r.h.rec_len, len);
		rewind(fp);
		ASSERT_EQ(0, pk_sealr_open(fp, &rd, errbuf));
		got = pk_sealr_next(rd, &h);
		if (got != 1) {
			framing++;	/* rec_len, hdr_len, flags, cap_len */
			ASSERT_GT(sizeof(struct pktcap_rec_hdr), k);
		} else {
			memset(out, 0x55, sizeof(out));
			ASSERT_EQ(-EBADMSG, pk_opener_open(o, h, out));
			ASSERT_EQ(0, out[0]);	/* nothing unproven handed out */
			tag++;
		}
		pk_sealr_close(rd);
		fclose(fp);
	}
	TH_LOG("%u bytes: %u refused by framing, %u by the tag", used, framing, tag);
	EXPECT_EQ(used, framing + tag);
	EXPECT_LT(framing, 16);
	pk_opener_free(o);
}

TEST(wrong_key_fails_every_record)
{
	uint8_t other[PKTCAP_KEY_LEN], out[SNAPLEN];
	struct pk_opener *o;
	struct rec r;
	unsigned int i;

	memcpy(other, key_a, sizeof(other));
	other[31] ^= 0x80;
	o = pk_opener_new(other);
	ASSERT_NE(NULL, o);
	for (i = 0; i < NREC; i++) {
		ASSERT_EQ(0, seal_nth(&r, key_a, i));
		ASSERT_EQ(-EBADMSG, pk_opener_open(o, &r.h, out));
	}
	pk_opener_free(o);
}

/* Only sealed, well-framed records go in; plaintext never reaches the file. */
TEST_F(sf, writer_refuses_plaintext)
{
	char errbuf[256];
	struct pk_sealw *w = pk_sealw_open(self->path, key_a_id, SNAPLEN, errbuf);
	struct rec r;
	struct stat st;

	ASSERT_NE(NULL, w);
	ASSERT_EQ(0, seal_nth(&r, key_a, 3));
	r.h.flags &= ~PKTCAP_REC_F_SEALED;
	EXPECT_EQ(-EINVAL, pk_sealw_write(w, &r.h));
	EXPECT_NE(NULL, strstr(pk_sealw_strerror(w), "not sealed"));
	/* sticky: a good record after a refused one is refused too */
	ASSERT_EQ(0, seal_nth(&r, key_a, 4));
	EXPECT_EQ(-EINVAL, pk_sealw_write(w, &r.h));
	EXPECT_EQ(-EINVAL, pk_sealw_close(w, errbuf));
	ASSERT_EQ(0, stat(self->path, &st));
	EXPECT_EQ(0600, st.st_mode & 0777);
	EXPECT_EQ(0, st.st_size);
}

TEST_F(sf, writer_refuses_bad_framing)
{
	static const struct { uint32_t rec_len, cap_len; uint16_t flags; } bad[] = {
		{ 48 + 28 + 8, 0, PKTCAP_REC_F_SEALED },	/* too long */
		{ 48 + 24, 0, PKTCAP_REC_F_SEALED },		/* too short */
		{ 48 + 32, 4, PKTCAP_REC_F_SEALED | PKTCAP_REC_F_PAD },
		{ 48 + 28 + SNAPLEN + 4, SNAPLEN + 1, PKTCAP_REC_F_SEALED },
	};
	char errbuf[256];
	unsigned int i;
	struct rec r;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct pk_sealw *w = pk_sealw_open(self->path, key_a_id, SNAPLEN,
						   errbuf);

		ASSERT_NE(NULL, w);
		ASSERT_EQ(0, seal_nth(&r, key_a, 0));
		r.h.rec_len = bad[i].rec_len;
		r.h.cap_len = bad[i].cap_len;
		r.h.flags = bad[i].flags;
		EXPECT_EQ(-EINVAL, pk_sealw_write(w, &r.h)) TH_LOG("case %u", i);
		pk_sealw_close(w, NULL);
	}
}

/* Header problems the reader must name rather than misread. */
TEST_F(sf, reader_rejects)
{
	static const struct { unsigned int off; uint8_t val; int err; } cases[] = {
		{ 0, 'X', -EPROTO },		/* magic */
		{ 11, 2, -EPROTO },		/* magic's last byte */
		{ 12, 2, -EPROTONOSUPPORT },	/* version */
		{ 14, 2, -EPROTONOSUPPORT },	/* byte order */
		{ 15, 9, -EPROTONOSUPPORT },	/* algorithm */
		{ 28, 40, -EPROTONOSUPPORT },	/* record header length */
		{ 30, 65, -EPROTO },		/* interface count */
		{ 33, 1, -EPROTO },		/* reserved */
		{ 40 + 6, 1, -EPROTO },		/* interface reserved */
		{ 40 + 8 + 15, 'x', -EPROTO },	/* name without its NUL */
	};
	uint8_t img[8192], t[8192];
	struct pk_sealr *r;
	char errbuf[256];
	unsigned int i;
	size_t len;
	FILE *fp;

	ASSERT_EQ(0, make_file(self->path, key_a));
	fp = fopen(self->path, "rb");
	ASSERT_NE(NULL, fp);
	len = fread(img, 1, sizeof(img), fp);
	fclose(fp);
	ASSERT_GT(len, 200);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memcpy(t, img, len);
		t[cases[i].off] = cases[i].val;
		fp = fmemopen(t, len, "rb");
		EXPECT_EQ(cases[i].err, pk_sealr_open(fp, &r, errbuf))
			TH_LOG("case %u", i);
		fclose(fp);
	}
	/* every truncation that is not at a record boundary is reported */
	for (i = 1; i < len; i++) {
		const struct pktcap_rec_hdr *h;
		size_t at = PK_SEAL_HDR_LEN + 2 * PK_SEAL_IFACE_LEN;
		int got = 1, n = 0;

		fp = fmemopen(img, len, "rb");
		ASSERT_EQ(0, pk_sealr_open(fp, &r, errbuf));
		while (at < len - i && pk_sealr_next(r, &h) == 1)
			at += h->rec_len;
		pk_sealr_close(r);
		fclose(fp);
		fp = fmemopen(img, len - i, "rb");
		got = pk_sealr_open(fp, &r, errbuf);
		if (got == 0) {
			while ((got = pk_sealr_next(r, &h)) == 1)
				n++;
			pk_sealr_close(r);
		}
		fclose(fp);
		/* at a boundary the file just has fewer records */
		EXPECT_EQ(at == len - i ? 0 : -EPROTO, got)
			TH_LOG("cut %u: %d records", i, n);
	}
}

/* ---- pktcapctl decrypt, the command itself ---- */

static int run_cmd(const char *cmd, char *out, size_t size)
{
	FILE *p = popen(cmd, "r");
	size_t n;
	int st;

	if (!p)
		return -1;
	n = fread(out, 1, size - 1, p);
	out[n] = '\0';
	st = pclose(p);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static int write_key(const char *path, const uint8_t *key, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
	int ok = fd >= 0 && write(fd, key, PKTCAP_KEY_LEN) == PKTCAP_KEY_LEN;

	if (fd >= 0)
		close(fd);
	return ok && !chmod(path, mode) ? 0 : -1;
}

/* Packets of a pcap, and whether each is record i's plaintext. */
static int pcap_matches(const char *path, unsigned int skip)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	pcap_t *p = pcap_open_offline(path, errbuf);
	struct pcap_pkthdr *ph;
	const u_char *data;
	uint8_t plain[SNAPLEN];
	unsigned int i = 0, n = 0;

	if (!p)
		return -1;
	while (pcap_next_ex(p, &ph, &data) == 1) {
		uint32_t len;

		if (i == skip)
			i++;
		len = plain_of(i, plain);
		if (ph->caplen != len || memcmp(data, plain, len))
			break;
		i++;
		n++;
	}
	pcap_close(p);
	return (int)n;
}

#define CTL	(getenv("PKTCAPCTL"))

TEST_F(sf, decrypt_command)
{
	char key[160], other[160], out[160], cmd[1024], msg[4096];
	uint8_t bad[PKTCAP_KEY_LEN];
	struct rec r;
	struct stat st;
	FILE *fp;

	if (!CTL)
		SKIP(return, "PKTCAPCTL not set (make -C tests/unit run sets it)");
	snprintf(key, sizeof(key), "%s/key", self->dir);
	snprintf(other, sizeof(other), "%s/other", self->dir);
	snprintf(out, sizeof(out), "%s/out.pcap", self->dir);
	memcpy(bad, key_a, sizeof(bad));
	bad[0] ^= 1;
	ASSERT_EQ(0, write_key(key, key_a, 0600));
	ASSERT_EQ(0, write_key(other, bad, 0600));
	ASSERT_EQ(0, make_file(self->path, key_a));

	/* all good: every packet back, output 0600, nothing on stderr but the count */
	snprintf(cmd, sizeof(cmd), "%s decrypt --key-file %s -r %s -w %s 2>&1",
		 CTL, key, self->path, out);
	ASSERT_EQ(0, run_cmd(cmd, msg, sizeof(msg))) TH_LOG("%s", msg);
	EXPECT_EQ(NREC, pcap_matches(out, NREC + 1));
	ASSERT_EQ(0, stat(out, &st));
	EXPECT_EQ(0600, st.st_mode & 0777);
	unlink(out);

	/* wrong key: said so, by key id, and no output */
	snprintf(cmd, sizeof(cmd), "%s decrypt -k %s -r %s -w %s 2>&1",
		 CTL, other, self->path, out);
	EXPECT_EQ(1, run_cmd(cmd, msg, sizeof(msg)));
	EXPECT_NE(NULL, strstr(msg, "wrong key")) TH_LOG("%s", msg);
	EXPECT_NE(0, access(out, F_OK));

	/* one changed ciphertext byte in record 7 */
	fp = fopen(self->path, "r+b");
	ASSERT_NE(NULL, fp);
	{
		long off = PK_SEAL_HDR_LEN + 2 * PK_SEAL_IFACE_LEN;
		unsigned int i;

		for (i = 0; i < 6; i++) {
			ASSERT_EQ(0, seal_nth(&r, key_a, i));
			off += r.h.rec_len;
		}
		off += sizeof(r.h) + PKTCAP_GCM_NONCE_LEN + 1;
		ASSERT_EQ(0, fseek(fp, off, SEEK_SET));
		ASSERT_EQ(1, fwrite("\x5a", 1, 1, fp));
	}
	fclose(fp);
	snprintf(cmd, sizeof(cmd), "%s decrypt -k %s -r %s -w %s 2>&1",
		 CTL, key, self->path, out);
	EXPECT_EQ(1, run_cmd(cmd, msg, sizeof(msg)));
	EXPECT_NE(NULL, strstr(msg, "record 7: authentication failed")) TH_LOG("%s", msg);
	EXPECT_NE(0, access(out, F_OK)) TH_LOG("partial output left behind");

	/* --keep-going: every other record, still exit 1 */
	snprintf(cmd, sizeof(cmd), "%s decrypt -k %s -r %s -w %s --keep-going 2>&1",
		 CTL, key, self->path, out);
	EXPECT_EQ(1, run_cmd(cmd, msg, sizeof(msg)));
	EXPECT_EQ(NREC - 1, pcap_matches(out, 6)) TH_LOG("%s", msg);
}

TEST_HARNESS_MAIN
