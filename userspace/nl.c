// SPDX-License-Identifier: GPL-2.0
/* Generic netlink transport: requests, replies, extended ACK errors. */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/netlink.h>
#include <linux/pktcap.h>
#include <netlink/genl/ctrl.h>

#include "err.h"
#include "extack.h"
#include "nl.h"

struct pk_nl {
	struct nl_sock *sk;
	struct nl_cb *cb;
	bool done;		/* ACK, DONE or error seen */
	int err;		/* first error of the transaction, -errno */
	char extack[256];	/* kernel's message for err, or "" */
	pk_nl_cb user_cb;
	void *user_arg;
};

/* The family id is the same for every socket: resolved once. */
static int pk_family = -1;

/* libnl's NLE_* codes as errnos, for one way of reporting errors. */
static int nle_errno(int nle)
{
	static const int map[][2] = {
		{ NLE_NOMEM, ENOMEM }, { NLE_PERM, EPERM },
		{ NLE_NOACCESS, EACCES }, { NLE_NODEV, ENODEV },
		{ NLE_OBJ_NOTFOUND, ENOENT }, { NLE_AGAIN, EAGAIN },
		{ NLE_INTR, EINTR }, { NLE_BAD_SOCK, EBADF },
		{ NLE_INVAL, EINVAL }, { NLE_RANGE, ERANGE },
		{ NLE_MSGSIZE, EMSGSIZE }, { NLE_OPNOTSUPP, EOPNOTSUPP },
		{ NLE_EXIST, EEXIST }, { NLE_BUSY, EBUSY },
		{ NLE_DUMP_INTR, EAGAIN }, { NLE_MSG_TRUNC, EBADMSG },
		{ NLE_MSG_TOOSHORT, EBADMSG }, { NLE_PROTO_MISMATCH, EPROTO },
		{ NLE_SEQ_MISMATCH, EPROTO }, { NLE_MSG_OVERFLOW, ENOBUFS },
		{ NLE_AF_NOSUPPORT, EAFNOSUPPORT },
	};
	size_t i;

	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (map[i][0] == abs(nle))
			return -map[i][1];
	return -EIO;
}

static void set_error(struct pk_nl *nl, int err, const char *extack)
{
	if (nl->err)
		return;
	nl->err = err;
	if (extack)
		snprintf(nl->extack, sizeof(nl->extack), "%s", extack);
}

/* NLMSG_ERROR with an error code. nlerr is the payload of the message. */
static int on_error(struct sockaddr_nl *who, struct nlmsgerr *nlerr, void *arg)
{
	const struct nlmsghdr *nlh =
		(const void *)((const char *)nlerr - NLMSG_HDRLEN);
	struct pk_nl *nl = arg;

	(void)who;
	set_error(nl, nlerr->error ? -abs(nlerr->error) : -EIO,
		  pk_extack_msg(nlh));
	nl->done = true;
	return NL_STOP;
}

/* NLMSG_ERROR with code 0: the ACK. It may carry a warning. */
static int on_ack(struct nl_msg *msg, void *arg)
{
	const char *warning = pk_extack_msg(nlmsg_hdr(msg));
	struct pk_nl *nl = arg;

	if (warning)
		pk_warn("kernel", "%s", warning);
	nl->done = true;
	return NL_STOP;
}

/* NLMSG_DONE: the end of a dump, which may report the dump's failure. */
static int on_finish(struct nl_msg *msg, void *arg)
{
	const struct nlmsghdr *nlh = nlmsg_hdr(msg);
	int err = pk_nlmsg_error(nlh);
	struct pk_nl *nl = arg;

	if (err < 0 && err != -EBADMSG)
		set_error(nl, err, pk_extack_msg(nlh));
	nl->done = true;
	return NL_STOP;
}

static int on_valid(struct nl_msg *msg, void *arg)
{
	struct pk_nl *nl = arg;
	int err;

	if (nl->err || !nl->user_cb)
		return NL_SKIP;
	err = nl->user_cb(nlmsg_hdr(msg), nl->user_arg);
	if (err < 0)
		set_error(nl, err, NULL);
	return NL_OK;
}

static int setup_callbacks(struct pk_nl *nl)
{
	nl->cb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!nl->cb)
		return -ENOMEM;
	nl_cb_err(nl->cb, NL_CB_CUSTOM, on_error, nl);
	nl_cb_set(nl->cb, NL_CB_ACK, NL_CB_CUSTOM, on_ack, nl);
	nl_cb_set(nl->cb, NL_CB_FINISH, NL_CB_CUSTOM, on_finish, nl);
	nl_cb_set(nl->cb, NL_CB_VALID, NL_CB_CUSTOM, on_valid, nl);
	return 0;
}

static int connect_socket(struct pk_nl *nl)
{
	int one = 1, fd, err;

	nl->sk = nl_socket_alloc();
	if (!nl->sk)
		return -ENOMEM;
	err = genl_connect(nl->sk);
	if (err < 0)
		return nle_errno(err);
	fd = nl_socket_get_fd(nl->sk);
	/* Extended ACKs: the kernel explains its errors. */
	if (setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one)))
		return -errno;
	/* Do not echo requests back in errors; best effort. */
	setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	nl_socket_enable_msg_peek(nl->sk);
	return 0;
}

static int resolve_family(struct pk_nl *nl)
{
	int id = genl_ctrl_resolve(nl->sk, PKTCAP_GENL_NAME);

	if (id == -NLE_OBJ_NOTFOUND)
		return -PK_ENOFAMILY;
	if (id < 0)
		return nle_errno(id);
	pk_family = id;
	return 0;
}

int pk_nl_open(struct pk_nl **nlp)
{
	struct pk_nl *nl = calloc(1, sizeof(*nl));
	int err;

	*nlp = NULL;
	if (!nl)
		return pk_err_errno("netlink", ENOMEM, NULL), -ENOMEM;
	err = connect_socket(nl);
	if (!err)
		err = setup_callbacks(nl);
	if (err) {
		pk_err_errno("netlink", err, NULL);
		pk_nl_close(nl);
		return err;
	}
	err = resolve_family(nl);
	if (err) {
		pk_err_errno(PKTCAP_GENL_NAME, err, NULL);
		pk_nl_close(nl);
		return err;
	}
	*nlp = nl;
	return 0;
}

void pk_nl_close(struct pk_nl *nl)
{
	if (!nl)
		return;
	nl_cb_put(nl->cb);
	nl_socket_free(nl->sk);
	free(nl);
}

struct nl_msg *pk_nl_req(uint8_t cmd, int flags)
{
	struct nl_msg *msg;

	if (pk_family < 0)
		return NULL;
	msg = nlmsg_alloc();
	if (!msg)
		return NULL;
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, pk_family, 0,
			 flags | NLM_F_REQUEST | NLM_F_ACK, cmd,
			 PKTCAP_GENL_VERSION)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

static void begin(struct pk_nl *nl, pk_nl_cb cb, void *arg)
{
	nl->done = false;
	nl->err = 0;
	nl->extack[0] = '\0';
	nl->user_cb = cb;
	nl->user_arg = arg;
}

/* Read until ACK, DONE or error. */
static int wait_done(struct pk_nl *nl)
{
	while (!nl->done) {
		int ret = nl_recvmsgs(nl->sk, nl->cb);

		if (ret < 0 && !nl->err)
			set_error(nl, nle_errno(ret), NULL);
		if (ret < 0)
			break;
	}
	return nl->err;
}

int pk_nl_send(struct pk_nl *nl, struct nl_msg *req, pk_nl_cb cb, void *arg)
{
	int ret;

	begin(nl, cb, arg);
	if (!req)
		return nl->err = -ENOMEM;
	ret = nl_send_auto(nl->sk, req);
	nlmsg_free(req);
	if (ret < 0)
		return nl->err = nle_errno(ret);
	return wait_done(nl);
}

static int keep_first(const struct nlmsghdr *nlh, void *arg)
{
	struct nlmsghdr **reply = arg;

	if (*reply)
		return 0;
	*reply = malloc(nlh->nlmsg_len);
	if (!*reply)
		return -ENOMEM;
	memcpy(*reply, nlh, nlh->nlmsg_len);
	return 0;
}

int pk_nl_query(struct pk_nl *nl, struct nl_msg *req, struct nlmsghdr **reply)
{
	int err;

	*reply = NULL;
	err = pk_nl_send(nl, req, keep_first, reply);
	if (!err && !*reply)
		err = nl->err = -EBADMSG;
	if (err) {
		free(*reply);
		*reply = NULL;
	}
	return err;
}

const char *pk_nl_extack(const struct pk_nl *nl)
{
	return nl && nl->extack[0] ? nl->extack : NULL;
}

int pk_nl_perror(const struct pk_nl *nl, const char *what, int err)
{
	return pk_err_errno(what, err, pk_nl_extack(nl));
}

int pk_nl_join(struct pk_nl *nl, const char *group)
{
	int id = genl_ctrl_resolve_grp(nl->sk, PKTCAP_GENL_NAME, group);

	if (id < 0)
		return id == -NLE_OBJ_NOTFOUND ? -ENOENT : nle_errno(id);
	/* Notifications are not answers to our requests. */
	nl_socket_disable_seq_check(nl->sk);
	id = nl_socket_add_membership(nl->sk, id);
	return id < 0 ? nle_errno(id) : 0;
}

int pk_nl_recv(struct pk_nl *nl, pk_nl_cb cb, void *arg)
{
	int ret;

	begin(nl, cb, arg);
	ret = nl_recvmsgs(nl->sk, nl->cb);
	if (ret < 0 && !nl->err)
		set_error(nl, nle_errno(ret), NULL);
	return nl->err;
}

int pk_nl_fd(const struct pk_nl *nl)
{
	return nl_socket_get_fd(nl->sk);
}

/*
 * The attributes fill exactly len bytes (the last one's padding may be
 * missing): libnl's nla_parse() silently stops at the first bad header.
 */
static bool attrs_exact(struct nlattr *head, int len)
{
	struct nlattr *nla;
	int rem;

	nla_for_each_attr(nla, head, len, rem)
		;
	return rem <= 0 && rem > -NLA_ALIGNTO;
}

int pk_nl_parse(const struct nlmsghdr *nlh, struct nlattr **tb, int maxtype,
		const struct nla_policy *policy)
{
	/* libnl's prototypes lack const; they do not modify the message. */
	struct nlmsghdr *h = (struct nlmsghdr *)nlh;

	if (!genlmsg_valid_hdr(h, 0) ||
	    !attrs_exact(genlmsg_attrdata(nlmsg_data(h), 0),
			 genlmsg_attrlen(nlmsg_data(h), 0)) ||
	    genlmsg_parse(h, 0, tb, maxtype, (struct nla_policy *)policy) < 0)
		return -EBADMSG;
	return 0;
}

int pk_nl_parse_nested(const struct nlattr *nest, struct nlattr **tb,
		       int maxtype, const struct nla_policy *policy)
{
	struct nlattr *n = (struct nlattr *)nest;

	if (!attrs_exact(nla_data(n), nla_len(n)) ||
	    nla_parse_nested(tb, maxtype, n, (struct nla_policy *)policy) < 0)
		return -EBADMSG;
	return 0;
}
