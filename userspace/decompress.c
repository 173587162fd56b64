// SPDX-License-Identifier: GPL-2.0
/*
 * decompress.c - a compressed module, decompressed by xz, zstd or gzip.
 *
 * Debian's kernels from 6.12 on install their modules xz-compressed, and
 * DKMS compresses the modules it builds to match; the signature sits at
 * the end of the uncompressed module. Running the system's decompressor
 * (fixed paths, no shell, no inherited PATH) keeps pktcapctl free of three
 * compression libraries for one command.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>
#include "decompress.h"

struct format {
	const char *name;
	const unsigned char *magic;
	size_t magic_len;
	const char *tool;	/* basename under /usr/bin or /bin */
	const char *flags;	/* decompress to stdout, quietly */
};

static const unsigned char xz_magic[] = { 0xfd, '7', 'z', 'X', 'Z', 0 };
static const unsigned char zstd_magic[] = { 0x28, 0xb5, 0x2f, 0xfd };
static const unsigned char gzip_magic[] = { 0x1f, 0x8b };

static const struct format formats[] = {
	{ "xz", xz_magic, sizeof(xz_magic), "xz", "-dcq" },
	{ "zstd", zstd_magic, sizeof(zstd_magic), "zstd", "-dcq" },
	{ "gzip", gzip_magic, sizeof(gzip_magic), "gzip", "-dcq" },
};

static const struct format *format_of(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
		if (!strcmp(formats[i].name, name))
			return &formats[i];
	return NULL;
}

const char *pk_compression(const unsigned char *buf, size_t len)
{
	size_t i;

	for (i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
		if (len >= formats[i].magic_len &&
		    !memcmp(buf, formats[i].magic, formats[i].magic_len))
			return formats[i].name;
	return NULL;
}

static int tool_path(const char *tool, char *path, size_t n)
{
	static const char *const dirs[] = { "/usr/bin", "/bin" };
	size_t i;

	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		snprintf(path, n, "%s/%s", dirs[i], tool);
		if (!access(path, X_OK))
			return 0;
	}
	return -1;
}

/* Everything the child writes, up to max bytes (one more means too big). */
static int slurp(int fd, size_t max, unsigned char **out, size_t *outlen)
{
	size_t cap = 1 << 20, len = 0;
	unsigned char *buf = malloc(cap), *nb;
	ssize_t got;

	if (!buf)
		return -ENOMEM;
	for (;;) {
		if (len == cap) {
			if (cap > max) {
				free(buf);
				return -EFBIG;
			}
			cap *= 2;
			nb = realloc(buf, cap);
			if (!nb) {
				free(buf);
				return -ENOMEM;
			}
			buf = nb;
		}
		got = read(fd, buf + len, cap - len);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			free(buf);
			return -errno;
		}
		if (!got)
			break;
		len += got;
	}
	if (len > max) {
		free(buf);
		return -EFBIG;
	}
	*out = buf;
	*outlen = len;
	return 0;
}

int pk_decompress(const char *path, const char *kind, size_t max,
		  unsigned char **out, size_t *outlen, char *why, size_t n)
{
	const struct format *f = format_of(kind);
	char tool[64];
	int pfd[2], status, err;
	pid_t pid;

	if (!f || tool_path(f->tool, tool, sizeof(tool)))
		return snprintf(why, n, "%s-compressed, and %s is not installed to decompress it",
				kind, f ? f->tool : kind), -1;
	if (pipe2(pfd, O_CLOEXEC))
		return snprintf(why, n, "pipe: %s", strerror(errno)), -1;
	pid = fork();
	if (pid < 0) {
		err = errno;
		close(pfd[0]);
		close(pfd[1]);
		return snprintf(why, n, "fork: %s", strerror(err)), -1;
	}
	if (!pid) {
		char *const argv[] = { (char *)f->tool, (char *)f->flags, "--",
				       (char *)path, NULL };
		char *const envp[] = { "PATH=/usr/bin:/bin", "LC_ALL=C", NULL };
		int null = open("/dev/null", O_WRONLY);

		dup2(pfd[1], STDOUT_FILENO);
		if (null >= 0)
			dup2(null, STDERR_FILENO);
		execve(tool, argv, envp);
		_exit(127);
	}
	close(pfd[1]);
	err = slurp(pfd[0], max, out, outlen);
	close(pfd[0]);
	if (err)
		kill(pid, SIGKILL);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (err == -EFBIG)
		return snprintf(why, n, "%s-compressed: too large for a module once decompressed", kind), -1;
	if (err)
		return snprintf(why, n, "%s-compressed: reading %s's output: %s", kind, f->tool,
				strerror(-err)), -1;
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		free(*out);
		*out = NULL;
		return snprintf(why, n, "%s-compressed, and %s cannot decompress it (corrupt?)",
				kind, f->tool), -1;
	}
	return 0;
}
