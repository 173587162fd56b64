// SPDX-License-Identifier: GPL-2.0
/*
 * userspace/modsig.c: the appended module signature and the ELF .modinfo
 * section, on synthetic buffers built here (every rejection the kernel's
 * mod_check_sig() makes, every bound of the ELF walk) and, when it is
 * built, on kmod/pktcap.ko itself. The OpenSSL side is checked with real
 * sign-file output by tests/verify/check-verify.sh.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kselftest_harness.h"
#include "modsig.h"

#define DATA_LEN	64
#define SIG_LEN		32

/* [DATA_LEN bytes 'D'][SIG_LEN bytes 'S'][header][marker]; returns len. */
static size_t signed_buf(uint8_t *b, uint32_t sig_len_field)
{
	uint8_t *h;
	size_t n = 0;

	memset(b, 'D', DATA_LEN);
	n += DATA_LEN;
	memset(b + n, 'S', SIG_LEN);
	n += SIG_LEN;
	h = b + n;
	memset(h, 0, PK_MODSIG_INFO_LEN);
	h[2] = PK_MODSIG_ID_PKCS7;
	h[8] = sig_len_field >> 24;
	h[9] = sig_len_field >> 16;
	h[10] = sig_len_field >> 8;
	h[11] = sig_len_field;
	n += PK_MODSIG_INFO_LEN;
	memcpy(b + n, PK_MODSIG_MARKER, PK_MODSIG_MARKER_LEN);
	return n + PK_MODSIG_MARKER_LEN;
}

#define HDR_OFF	(DATA_LEN + SIG_LEN)	/* the header in signed_buf() */

TEST(well_formed)
{
	uint8_t b[256];
	struct pk_modsig ms;
	size_t len = signed_buf(b, SIG_LEN);

	ASSERT_EQ(PK_MODSIG_OK, pk_modsig_parse(b, len, &ms));
	EXPECT_EQ(DATA_LEN, ms.data_len);
	EXPECT_EQ(DATA_LEN, ms.sig_off);
	EXPECT_EQ(SIG_LEN, ms.sig_len);
	EXPECT_EQ(PK_MODSIG_ID_PKCS7, ms.id_type);
	EXPECT_EQ('S', b[ms.sig_off]);
	EXPECT_EQ('S', b[ms.sig_off + ms.sig_len - 1]);
}

TEST(unsigned_and_short)
{
	uint8_t b[256];
	struct pk_modsig ms;

	memset(b, 'D', sizeof(b));
	EXPECT_EQ(PK_MODSIG_UNSIGNED, pk_modsig_parse(b, sizeof(b), &ms));
	EXPECT_EQ(sizeof(b), ms.data_len);
	EXPECT_EQ(PK_MODSIG_UNSIGNED, pk_modsig_parse(b, 0, &ms));
	EXPECT_EQ(PK_MODSIG_UNSIGNED, pk_modsig_parse(NULL, 0, &ms));
	/* The marker without its newline is not the marker. */
	memcpy(b, PK_MODSIG_MARKER, PK_MODSIG_MARKER_LEN - 1);
	EXPECT_EQ(PK_MODSIG_UNSIGNED,
		  pk_modsig_parse(b, PK_MODSIG_MARKER_LEN - 1, &ms));
	EXPECT_STREQ("not signed (no \"~Module signature appended~\" marker)",
		     pk_modsig_strerror(PK_MODSIG_UNSIGNED));
}

TEST(marker_without_room_for_the_header)
{
	uint8_t b[64];
	struct pk_modsig ms;
	size_t extra;

	for (extra = 0; extra < PK_MODSIG_INFO_LEN; extra++) {
		memset(b, 0, extra);
		memcpy(b + extra, PK_MODSIG_MARKER, PK_MODSIG_MARKER_LEN);
		EXPECT_EQ(PK_MODSIG_TRUNCATED,
			  pk_modsig_parse(b, extra + PK_MODSIG_MARKER_LEN, &ms));
	}
}

TEST(sig_len_must_leave_a_module)
{
	static const uint32_t bad[] = {
		DATA_LEN + SIG_LEN,		/* nothing left of the module */
		DATA_LEN + SIG_LEN + 1,
		0x7fffffff, 0x80000000, 0xffffffff,
	};
	uint8_t b[256];
	struct pk_modsig ms;
	size_t i, len;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		len = signed_buf(b, bad[i]);
		EXPECT_EQ(PK_MODSIG_TOO_LONG, pk_modsig_parse(b, len, &ms));
		EXPECT_EQ(bad[i], ms.raw_sig_len);
	}
	/* One byte of module left is enough. */
	len = signed_buf(b, DATA_LEN + SIG_LEN - 1);
	ASSERT_EQ(PK_MODSIG_OK, pk_modsig_parse(b, len, &ms));
	EXPECT_EQ(1, ms.data_len);
}

TEST(header_fields)
{
	uint8_t b[256];
	struct pk_modsig ms;
	size_t len, i;

	len = signed_buf(b, SIG_LEN);
	b[HDR_OFF + 2] = 1;	/* PKEY_ID_X509 */
	EXPECT_EQ(PK_MODSIG_NOT_PKCS7, pk_modsig_parse(b, len, &ms));
	EXPECT_EQ(1, ms.id_type);
	/* algo, hash, signer_len, key_id_len, pad[3]: all must be zero. */
	for (i = 0; i < 8; i++) {
		if (i == 2)
			continue;
		len = signed_buf(b, SIG_LEN);
		b[HDR_OFF + i] = 0x80;
		EXPECT_EQ(PK_MODSIG_BAD_PARAMS, pk_modsig_parse(b, len, &ms));
	}
	len = signed_buf(b, 0);
	EXPECT_EQ(PK_MODSIG_EMPTY, pk_modsig_parse(b, len, &ms));
}

TEST(every_prefix_and_suffix_is_safe)
{
	uint8_t b[256];
	struct pk_modsig ms;
	size_t len = signed_buf(b, SIG_LEN), n;
	enum pk_modsig_status st;

	/* Prefixes lose the marker; suffixes keep it with less before it. */
	for (n = 0; n <= len; n++) {
		st = pk_modsig_parse(b, n, &ms);
		EXPECT_EQ(n == len ? PK_MODSIG_OK : PK_MODSIG_UNSIGNED, st);
		st = pk_modsig_parse(b + len - n, n, &ms);
		if (st == PK_MODSIG_OK)
			EXPECT_EQ(n, ms.sig_off + ms.sig_len + 40);
	}
}

TEST(messages)
{
	int st;

	for (st = PK_MODSIG_OK; st <= PK_MODSIG_EMPTY; st++)
		EXPECT_NE(NULL, pk_modsig_strerror(st));
	for (st = PK_ELF_OK; st <= PK_ELF_NO_MODINFO; st++)
		EXPECT_NE(NULL, pk_elf_strerror(st));
	EXPECT_STREQ("not a kernel module (not an ELF file)",
		     pk_elf_strerror(PK_ELF_NOT_ELF));
}

/* ------------------------------------------------------------ ELF */

struct elf_spec {
	bool is64;
	bool be;
	const char *modinfo;	/* NULL: no .modinfo section */
	size_t modinfo_len;
};

static void put(uint8_t *p, uint64_t v, unsigned int n, bool be)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		p[be ? n - 1 - i : i] = v >> (8 * i);
}

#define STRTAB_OFF	0x100
#define MODINFO_OFF	0x140
#define SHDR_OFF	0x400
static const char strtab[] = "\0.shstrtab\0.modinfo\0.text";

/* A section header: name, type, file offset, size. */
static void shdr(uint8_t *b, const struct elf_spec *s, int i, uint32_t name,
		 uint32_t type, uint64_t off, uint64_t size)
{
	unsigned int sz = s->is64 ? 64 : 40, w = s->is64 ? 8 : 4;
	uint8_t *h = b + SHDR_OFF + i * sz;

	put(h, name, 4, s->be);
	put(h + 4, type, 4, s->be);
	put(h + (s->is64 ? 0x18 : 0x10), off, w, s->be);
	put(h + (s->is64 ? 0x20 : 0x14), size, w, s->be);
}

/* Sections: null, .shstrtab, .text, and .modinfo if asked; returns len. */
static size_t build_elf(uint8_t *b, const struct elf_spec *s)
{
	unsigned int shnum = s->modinfo ? 4 : 3;

	memset(b, 0, 0x800);
	memcpy(b, "\177ELF", 4);
	b[4] = s->is64 ? 2 : 1;
	b[5] = s->be ? 2 : 1;
	b[6] = 1;
	put(b + (s->is64 ? 0x28 : 0x20), SHDR_OFF, s->is64 ? 8 : 4, s->be);
	put(b + (s->is64 ? 0x3a : 0x2e), s->is64 ? 64 : 40, 2, s->be);
	put(b + (s->is64 ? 0x3c : 0x30), shnum, 2, s->be);
	put(b + (s->is64 ? 0x3e : 0x32), 1, 2, s->be);
	memcpy(b + STRTAB_OFF, strtab, sizeof(strtab));
	shdr(b, s, 1, 1, 3, STRTAB_OFF, sizeof(strtab));
	shdr(b, s, 2, 20, 1, 0, 0);
	if (s->modinfo) {
		memcpy(b + MODINFO_OFF, s->modinfo, s->modinfo_len);
		shdr(b, s, 3, 11, 1, MODINFO_OFF, s->modinfo_len);
	}
	return 0x800;
}

#define MODINFO "version=0.1.0\0srcversion=ABCDEF0123\0name=pktcap\0"

static void check_layout(struct __test_metadata *_metadata, bool is64, bool be)
{
	struct elf_spec s = { is64, be, MODINFO, sizeof(MODINFO) - 1 };
	uint8_t b[0x800];
	size_t len = build_elf(b, &s), off = 0, size = 0, vlen;
	const char *v;

	ASSERT_EQ(PK_ELF_OK, pk_elf_modinfo(b, len, &off, &size));
	EXPECT_EQ(MODINFO_OFF, off);
	EXPECT_EQ(sizeof(MODINFO) - 1, size);
	ASSERT_TRUE(pk_modinfo_get((char *)b + off, size, "srcversion", &v, &vlen));
	EXPECT_EQ(10, vlen);
	EXPECT_EQ(0, memcmp(v, "ABCDEF0123", 10));
}

TEST(elf_layouts)
{
	check_layout(_metadata, true, false);
	check_layout(_metadata, true, true);
	check_layout(_metadata, false, false);
	check_layout(_metadata, false, true);
}

TEST(elf_rejections)
{
	struct elf_spec s = { true, false, MODINFO, sizeof(MODINFO) - 1 };
	uint8_t b[0x800];
	size_t len, off, size;

	EXPECT_EQ(PK_ELF_NOT_ELF, pk_elf_modinfo("hello", 5, &off, &size));
	EXPECT_EQ(PK_ELF_NOT_ELF, pk_elf_modinfo(NULL, 0, &off, &size));
	len = build_elf(b, &s);
	b[4] = 3;		/* unknown class */
	EXPECT_EQ(PK_ELF_NOT_ELF, pk_elf_modinfo(b, len, &off, &size));
	len = build_elf(b, &s);
	EXPECT_EQ(PK_ELF_MALFORMED, pk_elf_modinfo(b, 40, &off, &size));
	EXPECT_EQ(PK_ELF_MALFORMED, pk_elf_modinfo(b, SHDR_OFF + 100, &off, &size));
	put(b + 0x28, ~0ULL - 10, 8, false);	/* e_shoff wraps */
	EXPECT_EQ(PK_ELF_MALFORMED, pk_elf_modinfo(b, len, &off, &size));
	len = build_elf(b, &s);
	put(b + 0x3e, 9, 2, false);		/* e_shstrndx >= e_shnum */
	EXPECT_EQ(PK_ELF_MALFORMED, pk_elf_modinfo(b, len, &off, &size));
	len = build_elf(b, &s);
	put(b + 0x3a, 16, 2, false);		/* e_shentsize too small */
	EXPECT_EQ(PK_ELF_MALFORMED, pk_elf_modinfo(b, len, &off, &size));
	len = build_elf(b, &s);
	shdr(b, &s, 3, 11, 1, MODINFO_OFF, ~0ULL);	/* .modinfo too long */
	EXPECT_EQ(PK_ELF_MALFORMED, pk_elf_modinfo(b, len, &off, &size));
	len = build_elf(b, &s);
	shdr(b, &s, 3, 5000, 1, MODINFO_OFF, 10);	/* name past strtab */
	EXPECT_EQ(PK_ELF_NO_MODINFO, pk_elf_modinfo(b, len, &off, &size));
	s.modinfo = NULL;
	len = build_elf(b, &s);
	EXPECT_EQ(PK_ELF_NO_MODINFO, pk_elf_modinfo(b, len, &off, &size));
	put(b + 0x3c, 0, 2, false);		/* no sections at all */
	EXPECT_EQ(PK_ELF_NO_MODINFO, pk_elf_modinfo(b, len, &off, &size));
}

TEST(elf_every_prefix_is_safe)
{
	struct elf_spec s = { true, false, MODINFO, sizeof(MODINFO) - 1 };
	uint8_t b[0x800];
	size_t len = build_elf(b, &s), n, off, size;
	uint8_t *copy;

	/* A heap copy of each prefix: ASan sees any read past its end. */
	for (n = 0; n <= len; n++) {
		copy = malloc(n ? n : 1);
		ASSERT_NE(NULL, copy);
		memcpy(copy, b, n);
		if (pk_elf_modinfo(copy, n, &off, &size) == PK_ELF_OK)
			EXPECT_LE(off + size, n);
		free(copy);
	}
}

TEST(modinfo_keys)
{
	static const char sec[] = "srcversionX=no\0srcversion\0alias=a\0"
				  "srcversion=FIRST\0srcversion=SECOND\0empty=";
	const char *v;
	size_t vlen;

	ASSERT_TRUE(pk_modinfo_get(sec, sizeof(sec) - 1, "srcversion", &v, &vlen));
	EXPECT_EQ(5, vlen);
	EXPECT_EQ(0, memcmp(v, "FIRST", 5));
	/* The last string has no NUL: the section end bounds it. */
	ASSERT_TRUE(pk_modinfo_get(sec, sizeof(sec) - 1, "empty", &v, &vlen));
	EXPECT_EQ(0, vlen);
	EXPECT_FALSE(pk_modinfo_get(sec, sizeof(sec) - 1, "name", &v, &vlen));
	EXPECT_FALSE(pk_modinfo_get(sec, 0, "srcversion", &v, &vlen));
	/* Cut inside "srcversion=FIRST": no key, no read past the end. */
	EXPECT_FALSE(pk_modinfo_get(sec, 40, "srcversion", &v, &vlen));
}

/* The real module, if built: a kernel module named pktcap with a srcversion. */
TEST(real_module)
{
	const char *path = PKTCAP_TOP "/kmod/pktcap.ko";
	size_t len, off, size, vlen;
	struct pk_modsig ms;
	const char *v;
	uint8_t *buf;
	FILE *f;
	long n;

	f = fopen(path, "rb");
	if (!f)
		SKIP(return, "%s not built", path);
	ASSERT_EQ(0, fseek(f, 0, SEEK_END));
	n = ftell(f);
	ASSERT_GT(n, 0);
	rewind(f);
	buf = malloc(n);
	ASSERT_NE(NULL, buf);
	len = fread(buf, 1, n, f);
	fclose(f);
	ASSERT_EQ((size_t)n, len);
	/* make sign may have signed it: either way the ELF part parses. */
	ASSERT_NE(PK_MODSIG_TOO_LONG, pk_modsig_parse(buf, len, &ms));
	ASSERT_EQ(PK_ELF_OK, pk_elf_modinfo(buf, ms.data_len, &off, &size));
	ASSERT_TRUE(pk_modinfo_get((char *)buf + off, size, "name", &v, &vlen));
	EXPECT_EQ(6, vlen);
	EXPECT_EQ(0, memcmp(v, "pktcap", 6));
	EXPECT_TRUE(pk_modinfo_get((char *)buf + off, size, "srcversion", &v, &vlen));
	free(buf);
}

TEST_HARNESS_MAIN
