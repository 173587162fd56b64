/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One-line error reporting: every failure pktcapctl reports is a single
 * line "pktcapctl: <what>: <why>" on stderr.
 */
#ifndef PK_ERR_H
#define PK_ERR_H

/*
 * Not an errno: the generic netlink family "pktcap" does not exist, i.e.
 * the module is not loaded. Passed wherever a positive errno is expected.
 */
#define PK_ENOFAMILY	4096

/* Print "pktcapctl: <what>: <why>" (or "pktcapctl: <why>" if what is NULL). */
void pk_err(const char *what, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Print "pktcapctl: <what>: warning: <why>". */
void pk_warn(const char *what, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * The message for a positive errno (or PK_ENOFAMILY): pktcap-specific
 * wording for the common netlink failures, strerror() otherwise.
 */
const char *pk_strerror(int err);

/*
 * Report a failed operation: the kernel's extack message when there is one
 * (it is more precise than any errno; a "pktcap: " prefix from
 * NL_SET_ERR_MSG_MOD is dropped), else pk_strerror(err). err is a
 * positive or negative errno. Returns 1, the exit status for runtime
 * errors, so that commands can "return pk_err_errno(...)".
 */
int pk_err_errno(const char *what, int err, const char *extack);

#endif /* PK_ERR_H */
