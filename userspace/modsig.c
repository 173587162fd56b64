// SPDX-License-Identifier: GPL-2.0
/*
 * Parsing of a module file's appended signature and of its .modinfo ELF
 * section. Every offset read from the file is checked against the buffer
 * before use, with arithmetic that cannot wrap: the input is untrusted
 * (that is the point of verifying it).
 */
#include <string.h>

#include "modsig.h"

/* ------------------------------------------------------------ signature */

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

/* The header fields that must be zero for PKCS#7: algo..pad, sig_len aside. */
static bool params_zero(const uint8_t *info)
{
	static const uint8_t zero[5];

	/* info[2] is id_type, checked separately; the others are 0..7. */
	return !info[0] && !info[1] && !memcmp(info + 3, zero, 5);
}

enum pk_modsig_status pk_modsig_parse(const void *buf, size_t len,
				      struct pk_modsig *ms)
{
	const uint8_t *p = buf;
	const uint8_t *info;
	size_t before;		/* bytes before struct module_signature */

	memset(ms, 0, sizeof(*ms));
	ms->data_len = len;
	if (len < PK_MODSIG_MARKER_LEN ||
	    memcmp(p + len - PK_MODSIG_MARKER_LEN, PK_MODSIG_MARKER,
		   PK_MODSIG_MARKER_LEN))
		return PK_MODSIG_UNSIGNED;
	ms->data_len = len - PK_MODSIG_MARKER_LEN;
	if (ms->data_len < PK_MODSIG_INFO_LEN)
		return PK_MODSIG_TRUNCATED;
	before = ms->data_len - PK_MODSIG_INFO_LEN;
	info = p + before;
	ms->id_type = info[2];
	ms->raw_sig_len = be32(info + 8);
	/*
	 * Like the kernel: at least one byte of module must remain, so
	 * sig_len == before is as bad as sig_len > before.
	 */
	if (ms->raw_sig_len >= before)
		return PK_MODSIG_TOO_LONG;
	if (ms->id_type != PK_MODSIG_ID_PKCS7)
		return PK_MODSIG_NOT_PKCS7;
	if (!params_zero(info))
		return PK_MODSIG_BAD_PARAMS;
	if (!ms->raw_sig_len)
		return PK_MODSIG_EMPTY;
	ms->sig_len = ms->raw_sig_len;
	ms->sig_off = before - ms->sig_len;
	ms->data_len = ms->sig_off;
	return PK_MODSIG_OK;
}

const char *pk_modsig_strerror(enum pk_modsig_status st)
{
	switch (st) {
	case PK_MODSIG_OK:
		return "signed";
	case PK_MODSIG_UNSIGNED:
		return "not signed (no \"~Module signature appended~\" marker)";
	case PK_MODSIG_TRUNCATED:
		return "malformed signature: the file ends in the marker but is too short for the signature header (truncated?)";
	case PK_MODSIG_TOO_LONG:
		return "malformed signature: sig_len is larger than the file (truncated or corrupted)";
	case PK_MODSIG_NOT_PKCS7:
		return "malformed signature: not a PKCS#7 signature (id_type is not 2)";
	case PK_MODSIG_BAD_PARAMS:
		return "malformed signature: unexpected non-zero fields in the signature header";
	case PK_MODSIG_EMPTY:
		return "malformed signature: empty (sig_len 0)";
	}
	return "malformed signature";
}

/* ------------------------------------------------------------ ELF */

#define EI_NIDENT	16
#define ELFCLASS32	1
#define ELFCLASS64	2
#define ELFDATA2LSB	1
#define ELFDATA2MSB	2
#define SHT_NOBITS	8

/* Field offsets that differ between ELF32 and ELF64. */
struct elf_layout {
	size_t ehdr_size, shoff, shentsize, shnum, shstrndx;
	size_t shdr_size, sh_offset, sh_size;
	unsigned int word;	/* size of Elf_Off/Elf_Addr: 4 or 8 */
};

static const struct elf_layout elf32 = {
	.ehdr_size = 52, .shoff = 0x20, .shentsize = 0x2e, .shnum = 0x30,
	.shstrndx = 0x32, .shdr_size = 40, .sh_offset = 0x10, .sh_size = 0x14,
	.word = 4,
};

static const struct elf_layout elf64 = {
	.ehdr_size = 64, .shoff = 0x28, .shentsize = 0x3a, .shnum = 0x3c,
	.shstrndx = 0x3e, .shdr_size = 64, .sh_offset = 0x18, .sh_size = 0x20,
	.word = 8,
};

struct elf {
	const uint8_t *p;
	size_t len;
	const struct elf_layout *l;
	bool be;
	uint64_t shoff;
	size_t shentsize, shnum;
};

/* An unsigned integer of n bytes at p in the file's byte order. */
static uint64_t get(const struct elf *e, const uint8_t *p, unsigned int n)
{
	uint64_t v = 0;
	unsigned int i;

	for (i = 0; i < n; i++)
		v |= (uint64_t)p[e->be ? n - 1 - i : i] << (8 * i);
	return v;
}

/* True if [off, off + size) lies within a buffer of len bytes. */
static bool in_file(size_t len, uint64_t off, uint64_t size)
{
	return off <= len && size <= len - off;
}

static enum pk_elf_status elf_open(struct elf *e, const void *buf, size_t len)
{
	const uint8_t *p = buf;
	uint64_t shnum, shentsize;

	memset(e, 0, sizeof(*e));
	if (len < EI_NIDENT || memcmp(p, "\177ELF", 4))
		return PK_ELF_NOT_ELF;
	if (p[4] != ELFCLASS32 && p[4] != ELFCLASS64)
		return PK_ELF_NOT_ELF;
	if (p[5] != ELFDATA2LSB && p[5] != ELFDATA2MSB)
		return PK_ELF_NOT_ELF;
	e->p = p;
	e->len = len;
	e->l = p[4] == ELFCLASS64 ? &elf64 : &elf32;
	e->be = p[5] == ELFDATA2MSB;
	if (len < e->l->ehdr_size)
		return PK_ELF_MALFORMED;
	e->shoff = get(e, p + e->l->shoff, e->l->word);
	shentsize = get(e, p + e->l->shentsize, 2);
	shnum = get(e, p + e->l->shnum, 2);
	if (!shnum)	/* no sections (extended numbering is not for modules) */
		return PK_ELF_NO_MODINFO;
	if (shentsize < e->l->shdr_size ||
	    !in_file(len, e->shoff, shnum * shentsize))
		return PK_ELF_MALFORMED;
	e->shentsize = shentsize;
	e->shnum = shnum;
	return PK_ELF_OK;
}

static const uint8_t *shdr(const struct elf *e, size_t i)
{
	return e->p + e->shoff + i * e->shentsize;
}

/* Section i's file range, if its contents are in the file. */
static bool section(const struct elf *e, size_t i, uint64_t *off,
		    uint64_t *size)
{
	const uint8_t *sh = shdr(e, i);

	if (get(e, sh + 4, 4) == SHT_NOBITS)
		return false;
	*off = get(e, sh + e->l->sh_offset, e->l->word);
	*size = get(e, sh + e->l->sh_size, e->l->word);
	return in_file(e->len, *off, *size);
}

/* Is section i named name, per the section name string table? */
static bool named(const struct elf *e, size_t i, uint64_t stroff,
		  uint64_t strsize, const char *name)
{
	uint64_t n = get(e, shdr(e, i), 4);
	size_t want = strlen(name) + 1;	/* with the NUL */

	return n < strsize && want <= strsize - n &&
	       !memcmp(e->p + stroff + n, name, want);
}

enum pk_elf_status pk_elf_modinfo(const void *buf, size_t len, size_t *off,
				  size_t *size)
{
	uint64_t stroff, strsize, o, s;
	enum pk_elf_status st;
	struct elf e;
	size_t i, strndx;

	st = elf_open(&e, buf, len);
	if (st != PK_ELF_OK)
		return st;
	strndx = get(&e, e.p + e.l->shstrndx, 2);
	if (strndx >= e.shnum || !section(&e, strndx, &stroff, &strsize))
		return PK_ELF_MALFORMED;
	for (i = 1; i < e.shnum; i++) {
		if (!named(&e, i, stroff, strsize, ".modinfo"))
			continue;
		if (!section(&e, i, &o, &s))
			return PK_ELF_MALFORMED;
		*off = o;
		*size = s;
		return PK_ELF_OK;
	}
	return PK_ELF_NO_MODINFO;
}

const char *pk_elf_strerror(enum pk_elf_status st)
{
	switch (st) {
	case PK_ELF_OK:
		return "a kernel module";
	case PK_ELF_NOT_ELF:
		return "not a kernel module (not an ELF file)";
	case PK_ELF_MALFORMED:
		return "not a kernel module (malformed ELF: section headers point outside the file)";
	case PK_ELF_NO_MODINFO:
		return "not a kernel module (no .modinfo section)";
	}
	return "not a kernel module";
}

/* ------------------------------------------------------------ .modinfo */

bool pk_modinfo_get(const char *sec, size_t size, const char *key,
		    const char **val, size_t *vlen)
{
	size_t klen = strlen(key), pos = 0, n;
	const char *s;

	while (pos < size) {
		s = sec + pos;
		n = strnlen(s, size - pos);
		if (n > klen && s[klen] == '=' && !memcmp(s, key, klen)) {
			*val = s + klen + 1;
			*vlen = n - klen - 1;
			return true;
		}
		pos += n + 1;	/* past the NUL (or the end) */
	}
	return false;
}
