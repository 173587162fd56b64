// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz target for the sealed capture file reader (userspace/sealfile.c):
 * the input is a whole file, read through fmemopen() exactly as
 * `pktcapctl decrypt` reads one from disk.
 *
 * Invariants checked (abort() on violation):
 *   - the header the reader accepts has the version, algorithm, record
 *     header length and limits it promises, and NUL-terminated names;
 *   - every record returned keeps the framing guarantees of
 *     pk_sealr_next(), so the decrypter's pointers (nonce, ciphertext,
 *     tag) lie inside the rec_len bytes the reader owns;
 *   - every record the reader accepts, the writer accepts too (the two
 *     sides share one definition of a well-formed record);
 *   - the reader ends: no more records than the input has bytes / 80.
 *
 * With -DFUZZ_STANDALONE it gets a main() running the files named on the
 * command line, for gcc builds and corpus replay.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sealfile.h"

#define CHECK(c)							\
	do {								\
		if (!(c)) {						\
			fprintf(stderr, "%s:%d: %s\n", __FILE__,	\
				__LINE__, #c);				\
			abort();					\
		}							\
	} while (0)

static void check_info(const struct pk_seal_info *in)
{
	unsigned int i;

	CHECK(in->version == PK_SEAL_VERSION);
	CHECK(in->algorithm == PK_SEAL_ALG_AES256GCM);
	CHECK(in->rec_hdr_len == sizeof(struct pktcap_rec_hdr));
	CHECK(in->snaplen >= 1 && in->snaplen <= PKTCAP_SNAPLEN_MAX);
	CHECK(in->nr_ifaces <= PK_SEAL_MAX_IFACES);
	for (i = 0; i < in->nr_ifaces; i++)
		CHECK(memchr(in->ifaces[i].name, 0, IF_NAMESIZE));
}

static void check_rec(const struct pk_seal_info *in,
		      const struct pktcap_rec_hdr *h)
{
	const uint8_t *end = (const uint8_t *)h + h->rec_len;

	CHECK(h->hdr_len == in->rec_hdr_len);
	CHECK(h->flags & PKTCAP_REC_F_SEALED);
	CHECK(!(h->flags & PKTCAP_REC_F_PAD));
	CHECK(h->cap_len <= in->snaplen);
	CHECK(h->rec_len <= pk_seal_max_rec_len(in->snaplen));
	CHECK(pk_seal_tag(h) + PKTCAP_GCM_TAG_LEN <= end);
	CHECK(pk_seal_ciphertext(h) == pk_seal_nonce(h) + PKTCAP_GCM_NONCE_LEN);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct pktcap_rec_hdr *h;
	struct pk_sealr *r;
	struct pk_sealw *w = NULL;
	char errbuf[256];
	size_t n = 0;
	FILE *fp;
	int got;

	if (!size)
		return 0;
	fp = fmemopen((void *)data, size, "rb");
	CHECK(fp);
	if (pk_sealr_open(fp, &r, errbuf)) {
		fclose(fp);
		return 0;
	}
	check_info(pk_sealr_info(r));
	while ((got = pk_sealr_next(r, &h)) == 1) {
		check_rec(pk_sealr_info(r), h);
		if (!w)
			w = pk_sealw_open("/dev/null", pk_sealr_info(r)->key_id,
					  pk_sealr_info(r)->snaplen, errbuf);
		CHECK(w);
		CHECK(pk_sealw_write(w, h) == 0);
		CHECK(++n <= size / 80);
	}
	CHECK(got == 0 || got == -EPROTO || got == -EIO);
	pk_sealw_close(w, NULL);
	pk_sealr_close(r);
	fclose(fp);
	return 0;
}

#ifdef FUZZ_STANDALONE
int main(int argc, char **argv)
{
	static uint8_t buf[1 << 20];
	int i;

	for (i = 1; i < argc; i++) {
		FILE *f = fopen(argv[i], "rb");
		size_t len;

		if (!f)
			continue;
		len = fread(buf, 1, sizeof(buf), f);
		fclose(f);
		LLVMFuzzerTestOneInput(buf, len);
	}
	return 0;
}
#endif
