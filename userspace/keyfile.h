/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Capture sealing keys on disk: a key file holds exactly PKTCAP_KEY_LEN raw
 * random bytes and nothing else (no encoding, no newline), so that its
 * length alone says whether it is a key.
 */
#ifndef PK_KEYFILE_H
#define PK_KEYFILE_H

#include <stdint.h>
#include <linux/pktcap.h>

/*
 * Read the key in @path into @key. Prints its own one-line errors
 * ("pktcapctl: FILE: key must be 32 bytes, found N", "pktcapctl: FILE: No
 * such file or directory") and a warning when group or others may read or
 * write the file. Returns 0 or -1; on failure @key holds no key bytes.
 */
int pk_keyfile_read(const char *path, uint8_t key[PKTCAP_KEY_LEN]);

/*
 * Fill @key from getrandom(2), blocking until the kernel's pool is
 * initialised. Returns 0 or a negative errno.
 */
int pk_key_generate(uint8_t key[PKTCAP_KEY_LEN]);

#endif /* PK_KEYFILE_H */
