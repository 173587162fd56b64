/* SPDX-License-Identifier: GPL-2.0 */
/*
 * decompress.h - modules compressed by modules_install or DKMS (xz, zstd,
 * gzip), read through the system's own decompressor.
 */
#ifndef PK_DECOMPRESS_H
#define PK_DECOMPRESS_H

#include <stddef.h>

/* "xz", "zstd" or "gzip" if buf starts with that format's magic, else NULL. */
const char *pk_compression(const unsigned char *buf, size_t len);

/*
 * Decompresses the file at path (whose first bytes said it is kind) into
 * *out, at most max bytes, with the decompressor from /usr/bin or /bin.
 * Returns 0, or -1 with the reason in why.
 */
int pk_decompress(const char *path, const char *kind, size_t max,
		  unsigned char **out, size_t *outlen, char *why, size_t n);

#endif /* PK_DECOMPRESS_H */
