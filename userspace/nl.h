/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Generic netlink transport to the "pktcap" family, on libnl-3.
 *
 * Typical doit command:
 *
 *	struct pk_nl *nl;
 *	struct nlmsghdr *reply;
 *	int err;
 *
 *	if (pk_nl_open(&nl))		// prints its own error
 *		return 1;
 *	err = pk_nl_query(nl, pk_nl_req(PKTCAP_CMD_STATUS, 0), &reply);
 *	if (err)
 *		rc = pk_nl_perror(nl, "status", err);
 *	...
 *	free(reply);
 *	pk_nl_close(nl);
 *
 * Errors are negative errnos; after a kernel error pk_nl_extack() holds the
 * kernel's extended ACK message, which pk_nl_perror() prefers.
 */
#ifndef PK_NL_H
#define PK_NL_H

#include <stdint.h>
#include <netlink/netlink.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>

struct pk_nl;

/*
 * Called for each reply (or notification) message. Return 0 to go on, or a
 * negative errno: the transaction then fails with it (the remaining replies
 * are read and dropped).
 */
typedef int (*pk_nl_cb)(const struct nlmsghdr *nlh, void *arg);

/*
 * Open a generic netlink socket with extended ACKs and resolve the "pktcap"
 * family. On failure prints the error ("pktcapctl: pktcap: module not
 * loaded (modprobe pktcap)" if the family is missing) and returns -errno
 * (-PK_ENOFAMILY for a missing family).
 */
int pk_nl_open(struct pk_nl **nlp);
void pk_nl_close(struct pk_nl *nl);

/*
 * A new request for cmd with extra nlmsg flags (NLM_F_DUMP...), ready for
 * nla_put*(). NULL if out of memory (pk_nl_send/query accept NULL and fail
 * with -ENOMEM). Needs a successful pk_nl_open() first.
 */
struct nl_msg *pk_nl_req(uint8_t cmd, int flags);

/*
 * Send req (always consumed) with NLM_F_ACK and call cb for every reply
 * until the ACK, the end of the dump, or an error. 0 or -errno.
 */
int pk_nl_send(struct pk_nl *nl, struct nl_msg *req, pk_nl_cb cb, void *arg);

/*
 * Send req and return its single reply in *reply (malloc'ed copy, free()
 * it). -EBADMSG if the kernel sent no reply.
 */
int pk_nl_query(struct pk_nl *nl, struct nl_msg *req, struct nlmsghdr **reply);

/* The kernel's extack message of the last failed transaction, or NULL. */
const char *pk_nl_extack(const struct pk_nl *nl);

/* pk_err_errno(what, err, extack): prints one line, returns 1. */
int pk_nl_perror(const struct pk_nl *nl, const char *what, int err);

/* Join a multicast group of the family (PKTCAP_MCGRP_FLOWS). 0 or -errno. */
int pk_nl_join(struct pk_nl *nl, const char *group);

/*
 * Receive what is pending (blocking if nothing is) and pass each message
 * to cb: for multicast notifications after pk_nl_join(). 0 or -errno.
 */
int pk_nl_recv(struct pk_nl *nl, pk_nl_cb cb, void *arg);

/* The socket's file descriptor, for poll(). */
int pk_nl_fd(const struct pk_nl *nl);

/*
 * Parse a reply's attributes (after the genl header) or a nest with a
 * libnl policy. Attributes beyond maxtype are ignored (newer kernels);
 * known ones that do not match the policy, or attributes that do not
 * exactly fill the message or nest, give -EBADMSG.
 */
int pk_nl_parse(const struct nlmsghdr *nlh, struct nlattr **tb, int maxtype,
		const struct nla_policy *policy);
int pk_nl_parse_nested(const struct nlattr *nest, struct nlattr **tb,
		       int maxtype, const struct nla_policy *policy);

/*
 * Strict policy entries: exact sizes for integers, NUL-terminated strings
 * of at most max bytes including the NUL.
 */
#define PK_POL_U8		{ .type = NLA_U8, .maxlen = 1 }
#define PK_POL_U16		{ .type = NLA_U16, .maxlen = 2 }
#define PK_POL_U32		{ .type = NLA_U32, .maxlen = 4 }
#define PK_POL_U64		{ .type = NLA_U64, .maxlen = 8 }
#define PK_POL_STR(max)		{ .type = NLA_STRING, .maxlen = (max) }
#define PK_POL_NEST		{ .type = NLA_NESTED }
#define PK_POL_BIN(max)		{ .type = NLA_UNSPEC, .maxlen = (max) }

#endif /* PK_NL_H */
