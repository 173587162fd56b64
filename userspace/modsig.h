/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The parts of a kernel module file that say where it came from: the
 * signature scripts/sign-file appends, and the .modinfo strings modpost
 * writes (srcversion, name, version). Pure functions over a buffer: no I/O,
 * no allocation, no global state, so any input can be unit-tested and
 * fuzzed, and a hostile file can at worst be rejected.
 *
 * A signed module is laid out as (include/linux/module_signature.h):
 *
 *	[ELF object: the signed data]
 *	[PKCS#7 (CMS) signedData, DER, sig_len bytes]
 *	[struct module_signature, 12 bytes]
 *	["~Module signature appended~\n", 28 bytes]
 *
 * struct module_signature is { u8 algo, hash, id_type, signer_len,
 * key_id_len; u8 pad[3]; __be32 sig_len; }; for PKCS#7 only id_type (2)
 * and sig_len are used and the rest must be zero.
 */
#ifndef PK_MODSIG_H
#define PK_MODSIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PK_MODSIG_MARKER	"~Module signature appended~\n"
#define PK_MODSIG_MARKER_LEN	28
#define PK_MODSIG_INFO_LEN	12	/* struct module_signature */
#define PK_MODSIG_ID_PKCS7	2	/* PKEY_ID_PKCS7 */

/* The same rejections, in the same order, as the kernel's mod_check_sig(). */
enum pk_modsig_status {
	PK_MODSIG_OK,
	PK_MODSIG_UNSIGNED,	/* no marker at the end */
	PK_MODSIG_TRUNCATED,	/* marker, but no room for module_signature */
	PK_MODSIG_TOO_LONG,	/* sig_len does not fit before the header */
	PK_MODSIG_NOT_PKCS7,	/* id_type is not PKEY_ID_PKCS7 */
	PK_MODSIG_BAD_PARAMS,	/* non-zero algo/hash/signer/key id/pad */
	PK_MODSIG_EMPTY,	/* sig_len 0 */
};

struct pk_modsig {
	size_t data_len;	/* the signed bytes: buf[0 .. data_len) */
	size_t sig_off;		/* the PKCS#7 DER: buf[sig_off .. +sig_len) */
	size_t sig_len;
	uint32_t raw_sig_len;	/* as found, also when it does not fit */
	uint8_t id_type;
};

/*
 * Locate the appended signature of the module file buf[0 .. len). On
 * PK_MODSIG_UNSIGNED, ms->data_len is len (the whole file is the module);
 * on the other errors ms holds what could be read.
 */
enum pk_modsig_status pk_modsig_parse(const void *buf, size_t len,
				      struct pk_modsig *ms);

/* What is wrong, for "pktcapctl: FILE: <message>". Never NULL. */
const char *pk_modsig_strerror(enum pk_modsig_status st);

enum pk_elf_status {
	PK_ELF_OK,
	PK_ELF_NOT_ELF,		/* no ELF magic, or an unknown class/byte order */
	PK_ELF_MALFORMED,	/* headers point outside the file */
	PK_ELF_NO_MODINFO,	/* a valid ELF file without .modinfo */
};

/*
 * Find the .modinfo section of the ELF object buf[0 .. len) (32 or 64 bit,
 * either byte order). On success, *off and *size give its place in buf.
 */
enum pk_elf_status pk_elf_modinfo(const void *buf, size_t len, size_t *off,
				  size_t *size);

/* "not an ELF file" ...; never NULL. */
const char *pk_elf_strerror(enum pk_elf_status st);

/*
 * The value of "key=value" in a .modinfo section (NUL-separated strings).
 * On success *val points into sec and *vlen excludes any NUL; false if
 * the key is absent. The first occurrence wins, like modinfo(8).
 */
bool pk_modinfo_get(const char *sec, size_t size, const char *key,
		    const char **val, size_t *vlen);

#endif /* PK_MODSIG_H */
