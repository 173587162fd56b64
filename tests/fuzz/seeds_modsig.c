// SPDX-License-Identifier: GPL-2.0
/*
 * Seed corpus for fuzz_modsig: small module-like ELF files (ELF32/64, both
 * byte orders) with a .modinfo section, unsigned and with a signature
 * trailer, in fuzz_modsig's input format (mode byte, optional 12-byte
 * header, body). Without them the fuzzer rarely builds section headers
 * that point inside the file, and never reaches the .modinfo lookup.
 *
 *	seeds_modsig DIR
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define SHDR_OFF	0x200
#define BODY_LEN	0x400
#define SIG_LEN		16

static const char strtab[] = "\0.shstrtab\0.modinfo";
static const char modinfo[] = "version=0.1.0\0srcversion=0123456789ABCDEF\0name=pktcap";

static void put(uint8_t *p, uint64_t v, unsigned int n, bool be)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		p[be ? n - 1 - i : i] = v >> (8 * i);
}

static void section(uint8_t *b, bool is64, bool be, int i, uint32_t name,
		    uint64_t off, uint64_t size)
{
	uint8_t *h = b + SHDR_OFF + i * (is64 ? 64 : 40);

	put(h, name, 4, be);
	put(h + 4, 1, 4, be);	/* SHT_PROGBITS */
	put(h + (is64 ? 0x18 : 0x10), off, is64 ? 8 : 4, be);
	put(h + (is64 ? 0x20 : 0x14), size, is64 ? 8 : 4, be);
}

/* The body: fuzz_modsig writes the magic, class and byte order itself. */
static void elf(uint8_t *b, bool is64, bool be)
{
	memset(b, 0, BODY_LEN);
	put(b + (is64 ? 0x28 : 0x20), SHDR_OFF, is64 ? 8 : 4, be);
	put(b + (is64 ? 0x3a : 0x2e), is64 ? 64 : 40, 2, be);
	put(b + (is64 ? 0x3c : 0x30), 3, 2, be);	/* null, strtab, modinfo */
	put(b + (is64 ? 0x3e : 0x32), 1, 2, be);
	memcpy(b + 0x80, strtab, sizeof(strtab));
	memcpy(b + 0x100, modinfo, sizeof(modinfo));
	section(b, is64, be, 1, 1, 0x80, sizeof(strtab));
	section(b, is64, be, 2, 11, 0x100, sizeof(modinfo));
}

static int write_seed(const char *dir, int n, const uint8_t *p, size_t len)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/seed-%02d", dir, n);
	f = fopen(path, "wb");
	if (!f || fwrite(p, 1, len, f) != len || fclose(f)) {
		perror(path);
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	uint8_t in[1 + 12 + BODY_LEN + SIG_LEN];
	int n = 0, layout, rc = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: %s DIR\n", argv[0]);
		return 2;
	}
	for (layout = 0; layout < 4; layout++) {
		bool is64 = layout & 1, be = layout & 2;
		uint8_t mode = 4 | (is64 ? 8 : 0) | (be ? 16 : 0);

		/* Unsigned. */
		in[0] = mode;
		elf(in + 1, is64, be);
		rc |= write_seed(argv[1], n++, in, 1 + BODY_LEN);
		/* Signed: header with sig_len, the body, then SIG_LEN bytes. */
		in[0] = mode | 3;
		memset(in + 1, 0, 12);
		in[1 + 11] = SIG_LEN;
		elf(in + 13, is64, be);
		memset(in + 13 + BODY_LEN, 0x30, SIG_LEN);
		rc |= write_seed(argv[1], n++, in, sizeof(in));
	}
	return rc;
}
