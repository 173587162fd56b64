// SPDX-License-Identifier: GPL-2.0
/* One-line error reporting and errno wording. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"

#define PK_PROG	"pktcapctl"

/* Turn anything that would break the one-line format into spaces. */
static void one_line(char *s)
{
	size_t len = strlen(s);

	while (len && (s[len - 1] == '\n' || s[len - 1] == '\r' ||
		       s[len - 1] == ' '))
		s[--len] = '\0';
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			*s = ' ';
}

static void vreport(const char *what, const char *tag, const char *fmt,
		    va_list ap)
{
	char why[1024];

	vsnprintf(why, sizeof(why), fmt, ap);
	one_line(why);
	/* A single fprintf: stderr is unbuffered, keep the line in one write. */
	if (what)
		fprintf(stderr, PK_PROG ": %s: %s%s\n", what, tag, why);
	else
		fprintf(stderr, PK_PROG ": %s%s\n", tag, why);
}

void pk_err(const char *what, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(what, "", fmt, ap);
	va_end(ap);
}

void pk_warn(const char *what, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(what, "warning: ", fmt, ap);
	va_end(ap);
}

const char *pk_strerror(int err)
{
	switch (abs(err)) {
	case PK_ENOFAMILY:
		return "module not loaded (modprobe pktcap)";
	case EPERM:
	case EACCES:
		return "permission denied (needs CAP_NET_ADMIN)";
	case ENODEV:
		return "no such device";
	case EBADMSG:
		return "malformed reply from the kernel";
	case EPROTONOSUPPORT:
		return "generic netlink not supported by this kernel";
	default:
		return strerror(abs(err));
	}
}

int pk_err_errno(const char *what, int err, const char *extack)
{
	/* NL_SET_ERR_MSG_MOD() prefixes the module name: say it once. */
	if (extack && !strncmp(extack, "pktcap: ", 8))
		extack += 8;
	if (extack && *extack)
		pk_err(what, "%s", extack);
	else
		pk_err(what, "%s", pk_strerror(err));
	return 1;
}
