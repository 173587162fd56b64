// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz target for userspace/modsig.c: the appended module signature, the
 * ELF walk to .modinfo and the key lookup, over hostile module files.
 *
 * Input byte 0 shapes the file so that the fuzzer need not discover the
 * 28-byte marker or the ELF magic by itself:
 *   bit 0: append a module_signature header (the next 12 input bytes,
 *          id_type forced to PKCS#7 if bit 1) and the marker;
 *   bit 2: start the body with "\177ELF", class 64 if bit 3 else 32,
 *          big-endian if bit 4;
 * the rest of the input is the body. The file is allocated at its exact
 * size, so ASan catches a read one byte past the end. seeds_modsig.c
 * starts the corpus with well-formed ELF bodies, signed and unsigned.
 *
 * Invariants (abort() on violation): a parsed signature and the signed
 * data exactly tile the file before the 40 trailing bytes, with at least
 * one byte of data; .modinfo lies inside the signed data; a value found
 * lies inside .modinfo and holds no NUL.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "modsig.h"

#define CHECK(c)							\
	do {								\
		if (!(c)) {						\
			fprintf(stderr, "%s:%d: %s\n", __FILE__,	\
				__LINE__, #c);				\
			abort();					\
		}							\
	} while (0)

static uint8_t *shape(const uint8_t *in, size_t n, size_t *lenp)
{
	uint8_t mode = n ? in[0] : 0, hdr[PK_MODSIG_INFO_LEN] = { 0 };
	size_t len, body, i;
	uint8_t *f;

	in += !!n;
	n -= !!n;
	if (mode & 1) {
		for (i = 0; i < sizeof(hdr) && n; i++, n--)
			hdr[i] = *in++;
		if (mode & 2)
			hdr[2] = PK_MODSIG_ID_PKCS7;
	}
	body = n;
	len = body + (mode & 1 ? PK_MODSIG_INFO_LEN + PK_MODSIG_MARKER_LEN : 0);
	f = malloc(len ? len : 1);
	if (!f)
		abort();
	memcpy(f, in, body);
	if ((mode & 4) && body >= 6) {
		memcpy(f, "\177ELF", 4);
		f[4] = mode & 8 ? 2 : 1;
		f[5] = mode & 16 ? 2 : 1;
	}
	if (mode & 1) {
		memcpy(f + body, hdr, sizeof(hdr));
		memcpy(f + body + sizeof(hdr), PK_MODSIG_MARKER,
		       PK_MODSIG_MARKER_LEN);
	}
	*lenp = len;
	return f;
}

static void check_modinfo(const uint8_t *f, size_t off, size_t size)
{
	static const char *const keys[] = { "srcversion", "name", "version", "" };
	const char *sec = (const char *)f + off, *v;
	size_t i, vlen;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		if (!pk_modinfo_get(sec, size, keys[i], &v, &vlen))
			continue;
		CHECK(v > sec && v + vlen <= sec + size);
		CHECK(!memchr(v, '\0', vlen));
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	enum pk_modsig_status st;
	struct pk_modsig ms;
	size_t len, off, msize;
	uint8_t *f = shape(data, size, &len);

	st = pk_modsig_parse(f, len, &ms);
	CHECK(pk_modsig_strerror(st) != NULL);
	CHECK(ms.data_len <= len);
	if (st == PK_MODSIG_UNSIGNED)
		CHECK(ms.data_len == len);
	if (st == PK_MODSIG_OK) {
		CHECK(ms.data_len >= 1 && ms.sig_len >= 1);
		CHECK(ms.sig_off == ms.data_len);
		CHECK(ms.sig_off + ms.sig_len + PK_MODSIG_INFO_LEN +
		      PK_MODSIG_MARKER_LEN == len);
	}
	if (pk_elf_modinfo(f, ms.data_len, &off, &msize) == PK_ELF_OK) {
		CHECK(off <= ms.data_len && msize <= ms.data_len - off);
		check_modinfo(f, off, msize);
	}
	free(f);
	return 0;
}

#ifdef FUZZ_STANDALONE
int main(int argc, char **argv)
{
	static uint8_t buf[1 << 20];
	size_t n;
	FILE *fp;
	int i;

	for (i = 1; i < argc; i++) {
		fp = fopen(argv[i], "rb");
		if (!fp) {
			perror(argv[i]);
			return 1;
		}
		n = fread(buf, 1, sizeof(buf), fp);
		fclose(fp);
		LLVMFuzzerTestOneInput(buf, n);
	}
	return 0;
}
#endif
