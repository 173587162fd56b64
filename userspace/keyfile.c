// SPDX-License-Identifier: GPL-2.0
/* Reading and generating capture sealing keys (see keyfile.h). */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "err.h"
#include "keyfile.h"

/*
 * Reads at most @max bytes, retrying short reads, so that a key on a pipe
 * (pktcapctl encryption enable --key-file <(...)) arrives whole. Returns
 * the count or -errno.
 */
static ssize_t read_upto(int fd, uint8_t *buf, size_t max)
{
	size_t got = 0;

	while (got < max) {
		ssize_t n = read(fd, buf + got, max - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			break;
		got += (size_t)n;
	}
	return (ssize_t)got;
}

/* The size to report for a wrong-length file: the whole file if we can. */
static long long found_len(const struct stat *st, ssize_t n)
{
	return S_ISREG(st->st_mode) ? (long long)st->st_size : (long long)n;
}

int pk_keyfile_read(const char *path, uint8_t key[PKTCAP_KEY_LEN])
{
	/* One byte more than a key, to tell "too long" from "exact". */
	uint8_t buf[PKTCAP_KEY_LEN + 1];
	struct stat st;
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		pk_err(path, "%s", strerror(errno));
		return -1;
	}
	if (fstat(fd, &st)) {
		pk_err(path, "%s", strerror(errno));
		close(fd);
		return -1;
	}
	if (S_ISREG(st.st_mode) && (st.st_mode & 077))
		pk_warn(path, "key file is readable by others (chmod 600)");
	n = read_upto(fd, buf, sizeof(buf));
	close(fd);
	if (n < 0) {
		pk_err(path, "%s", strerror((int)-n));
	} else if (n != PKTCAP_KEY_LEN) {
		pk_err(path, "key must be %d bytes, found %lld", PKTCAP_KEY_LEN,
		       found_len(&st, n));
	} else {
		memcpy(key, buf, PKTCAP_KEY_LEN);
		explicit_bzero(buf, sizeof(buf));
		return 0;
	}
	explicit_bzero(buf, sizeof(buf));
	return -1;
}

int pk_key_generate(uint8_t key[PKTCAP_KEY_LEN])
{
	size_t got = 0;

	/* Flags 0: block until the pool is seeded, never GRND_INSECURE. */
	while (got < PKTCAP_KEY_LEN) {
		ssize_t n = getrandom(key + got, PKTCAP_KEY_LEN - got, 0);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		got += (size_t)n;
	}
	return 0;
}
