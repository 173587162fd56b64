// SPDX-License-Identifier: GPL-2.0
/*
 * nl_malformed - talks to the "pktcap" generic netlink family over a raw
 * netlink socket, without libnl, so that it can send what no library would:
 * bad lengths, missing flags, wrong types, garbage.
 *
 *   nl_malformed family        print the family id; exit 1 if not registered
 *   nl_malformed cases         the fixed malformed-request cases
 *   nl_malformed fuzz N SEED   N random mutations of valid requests
 *   nl_malformed perms         privileged ops give EPERM, queries answer
 *   nl_malformed start IFNAME  start a capture on IFNAME and leave it running
 *   nl_malformed stop          stop the capture session
 *   nl_malformed startstop N IFNAME
 *                              N rounds of START and STOP on IFNAME
 *
 *   nl_malformed fuzz-unpriv N SEED
 *                              the same, for a caller without CAP_NET_ADMIN:
 *                              every privileged operation must be refused
 *
 * Results are lines "ok - NAME" or "not ok - NAME: WHY" (plus "# ..."
 * notes), which t_01_netlink.sh turns into numbered TAP. The exit status is
 * 1 if any line was "not ok".
 */
#include <errno.h>
#include <stdarg.h>
#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>
#include <linux/filter.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/pktcap.h>

#define MSG_MAX		4096
#define RECV_MAX	(64 * 1024)
#define TIMEOUT_SEC	10

/* A request being built; len is what gets sent, which mutations may make
 * differ from nlmsg_len on purpose.
 */
struct msg {
	union {
		struct nlmsghdr nlh;
		unsigned char buf[MSG_MAX];
	};
	size_t len;
};

/* What came back for one request. */
struct reply {
	bool done;		/* an ACK, error or NLMSG_DONE arrived */
	bool answered;		/* at least one message of the family came */
	int error;		/* 0 or -errno */
	char text[256];		/* extack message, "" if none */
	int miss_type;		/* NLMSGERR_ATTR_MISS_TYPE, or -1 */
};

/* The explanation an error reply carries. */
struct extack {
	char text[256];
	int miss_type;
};

typedef void (*answer_cb)(const struct nlmsghdr *nlh, void *arg);

static int family_id = -1;
static uint32_t next_seq = 1;
static int failures;

/* Capabilities of each pktcap command as nlctrl reports them. */
static uint32_t op_flags[256];
static bool op_known[256];

/* ------------------------------------------------------------ building */

static void msg_init(struct msg *m, uint16_t type, uint16_t flags, uint8_t cmd)
{
	struct genlmsghdr *g;

	memset(m, 0, sizeof(*m));
	m->nlh.nlmsg_type = type;
	m->nlh.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	m->nlh.nlmsg_seq = next_seq++;
	g = (struct genlmsghdr *)(m->buf + NLMSG_HDRLEN);
	g->cmd = cmd;
	g->version = 1;
	m->len = NLMSG_HDRLEN + GENL_HDRLEN;
	m->nlh.nlmsg_len = m->len;
}

static void pktcap_init(struct msg *m, uint8_t cmd)
{
	msg_init(m, family_id, 0, cmd);
}

/* Appends an attribute; returns its offset, for nests and for tampering. */
static size_t put_attr(struct msg *m, uint16_t type, const void *data, size_t len)
{
	struct nlattr *a = (struct nlattr *)(m->buf + m->len);
	size_t off = m->len;

	if (m->len + NLA_ALIGN(NLA_HDRLEN + len) > MSG_MAX) {
		fprintf(stderr, "nl_malformed: message buffer overflow\n");
		exit(2);
	}
	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + len;
	if (len)
		memcpy(m->buf + off + NLA_HDRLEN, data, len);
	m->len += NLA_ALIGN(NLA_HDRLEN + len);
	m->nlh.nlmsg_len = m->len;
	return off;
}

static void put_u32(struct msg *m, uint16_t type, uint32_t v)
{
	put_attr(m, type, &v, sizeof(v));
}

static void put_u8(struct msg *m, uint16_t type, uint8_t v)
{
	put_attr(m, type, &v, sizeof(v));
}

static void put_str(struct msg *m, uint16_t type, const char *s)
{
	put_attr(m, type, s, strlen(s) + 1);
}

static size_t nest_start(struct msg *m, uint16_t type)
{
	return put_attr(m, type | NLA_F_NESTED, NULL, 0);
}

static void nest_end(struct msg *m, size_t off)
{
	((struct nlattr *)(m->buf + off))->nla_len = m->len - off;
}

/* ------------------------------------------------------------- transport */

static int sk_open(void)
{
	struct timeval tv = { .tv_sec = TIMEOUT_SEC };
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	int one = 1, fd;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one)) ||
	    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv))) {
		perror("nl_malformed: netlink socket");
		exit(2);
	}
	return fd;
}

static int msg_send(int fd, const struct msg *m)
{
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };

	if (sendto(fd, m->buf, m->len, 0, (struct sockaddr *)&kernel,
		   sizeof(kernel)) < 0)
		return -errno;
	return 0;
}

/* Reads the message and the missing attribute from the TLVs in
 * [off, nlmsg_len). A missing required attribute (GENL_REQ_ATTR_CHECK) is
 * reported by type alone, without text: that counts as an explanation too.
 */
static void extack_parse(const struct nlmsghdr *nlh, size_t off,
			 struct extack *x)
{
	const struct nlattr *a;
	int type;

	x->text[0] = '\0';
	x->miss_type = -1;
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	while (off + NLA_HDRLEN <= nlh->nlmsg_len) {
		a = (const struct nlattr *)((const char *)nlh + off);
		if (a->nla_len < NLA_HDRLEN || off + a->nla_len > nlh->nlmsg_len)
			return;
		type = a->nla_type & NLA_TYPE_MASK;
		if (type == NLMSGERR_ATTR_MSG)
			snprintf(x->text, sizeof(x->text), "%.*s",
				 (int)(a->nla_len - NLA_HDRLEN),
				 (const char *)a + NLA_HDRLEN);
		else if (type == NLMSGERR_ATTR_MISS_TYPE &&
			 a->nla_len >= NLA_HDRLEN + sizeof(uint32_t))
			x->miss_type = *(const uint32_t *)((const char *)a + NLA_HDRLEN);
		off += NLA_ALIGN(a->nla_len);
	}
}

static bool explained(const struct extack *x)
{
	return x->text[0] || x->miss_type >= 0;
}

/* Where an NLMSG_ERROR's TLVs start: after the request, unless capped. */
static size_t err_tlv_offset(const struct nlmsghdr *nlh)
{
	const struct nlmsgerr *e = NLMSG_DATA(nlh);
	size_t off = NLMSG_HDRLEN + sizeof(*e);

	if (!(nlh->nlmsg_flags & NLM_F_CAPPED) && e->msg.nlmsg_len > NLMSG_HDRLEN)
		off += NLMSG_ALIGN(e->msg.nlmsg_len - NLMSG_HDRLEN);
	return off;
}

/* Folds one received message into r if it belongs to seq. */
static void take(const struct nlmsghdr *nlh, uint32_t seq, struct reply *r,
		 answer_cb cb, void *arg)
{
	const struct nlmsgerr *e;
	struct extack x;

	if (nlh->nlmsg_seq != seq)
		return;
	if (nlh->nlmsg_type == NLMSG_ERROR &&
	    nlh->nlmsg_len >= NLMSG_LENGTH(sizeof(*e))) {
		e = NLMSG_DATA(nlh);
		r->error = e->error;
		extack_parse(nlh, err_tlv_offset(nlh), &x);
		r->done = true;
	} else if (nlh->nlmsg_type == NLMSG_DONE) {
		if (nlh->nlmsg_len >= NLMSG_LENGTH(sizeof(int)))
			r->error = *(const int *)NLMSG_DATA(nlh);
		extack_parse(nlh, NLMSG_LENGTH(sizeof(int)), &x);
		r->done = true;
	} else {
		r->answered = true;
		if (cb)
			cb(nlh, arg);
		return;
	}
	memcpy(r->text, x.text, sizeof(r->text));
	r->miss_type = x.miss_type;
}

/* Receives until the request with seq is finished. 0, or -errno (timeout). */
static int recv_reply(int fd, uint32_t seq, struct reply *r, answer_cb cb,
		      void *arg)
{
	static unsigned char buf[RECV_MAX];
	const struct nlmsghdr *nlh;
	ssize_t n;
	int len;

	memset(r, 0, sizeof(*r));
	while (!r->done) {
		n = recv(fd, buf, sizeof(buf), 0);
		if (n < 0)
			return -errno;
		len = n;
		for (nlh = (void *)buf; NLMSG_OK(nlh, len); nlh = NLMSG_NEXT(nlh, len))
			take(nlh, seq, r, cb, arg);
	}
	return 0;
}

static int transact(int fd, struct msg *m, struct reply *r, answer_cb cb,
		    void *arg)
{
	int err = msg_send(fd, m);

	return err ? err : recv_reply(fd, m->nlh.nlmsg_seq, r, cb, arg);
}

/* --------------------------------------------------------- family lookup */

static const struct nlattr *attr_next(const struct nlattr *a, int *rem)
{
	*rem -= NLA_ALIGN(a->nla_len);
	return (const struct nlattr *)((const char *)a + NLA_ALIGN(a->nla_len));
}

static bool attr_ok(const struct nlattr *a, int rem)
{
	return rem >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN && a->nla_len <= rem;
}

#define nla_for_each(a, start, len, rem) \
	for ((a) = (start), (rem) = (len); attr_ok((a), (rem)); \
	     (a) = attr_next((a), &(rem)))

static const void *attr_data(const struct nlattr *a)
{
	return (const char *)a + NLA_HDRLEN;
}

static void parse_op(const struct nlattr *op)
{
	const struct nlattr *a;
	uint32_t id = 256, flags = 0;
	int rem;

	nla_for_each(a, attr_data(op), op->nla_len - NLA_HDRLEN, rem) {
		if (a->nla_type == CTRL_ATTR_OP_ID)
			id = *(const uint32_t *)attr_data(a);
		else if (a->nla_type == CTRL_ATTR_OP_FLAGS)
			flags = *(const uint32_t *)attr_data(a);
	}
	if (id < 256) {
		op_known[id] = true;
		op_flags[id] = flags;
	}
}

static void on_family(const struct nlmsghdr *nlh, void *arg)
{
	const struct nlattr *a, *op;
	int rem, rem2;

	(void)arg;
	nla_for_each(a, (const void *)((const char *)NLMSG_DATA(nlh) + GENL_HDRLEN),
		     nlh->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN), rem) {
		if ((a->nla_type & NLA_TYPE_MASK) == CTRL_ATTR_FAMILY_ID)
			family_id = *(const uint16_t *)attr_data(a);
		if ((a->nla_type & NLA_TYPE_MASK) != CTRL_ATTR_OPS)
			continue;
		nla_for_each(op, attr_data(a), a->nla_len - NLA_HDRLEN, rem2)
			parse_op(op);
	}
}

/* Resolves "pktcap" through nlctrl: 0, or the -errno nlctrl answered. */
static int resolve_family(int fd)
{
	struct reply r;
	struct msg m;
	int err;

	msg_init(&m, GENL_ID_CTRL, 0, CTRL_CMD_GETFAMILY);
	put_str(&m, CTRL_ATTR_FAMILY_NAME, PKTCAP_GENL_NAME);
	err = transact(fd, &m, &r, on_family, NULL);
	if (err)
		return err;
	if (r.error)
		return r.error;
	return family_id < 0 ? -ENOENT : 0;
}

static void need_family(int fd)
{
	int err = resolve_family(fd);

	if (err) {
		fprintf(stderr, "nl_malformed: family %s: %s\n", PKTCAP_GENL_NAME,
			strerror(-err));
		exit(2);
	}
}

/* ------------------------------------------------------- valid requests */

static uint32_t lo_ifindex(void)
{
	return if_nametoindex("lo");
}

/* START on lo with a small ring, so that it allocates little. */
static void build_start(struct msg *m)
{
	size_t cap, dev;

	pktcap_init(m, PKTCAP_CMD_START);
	cap = nest_start(m, PKTCAP_A_CAPTURE);
	dev = nest_start(m, PKTCAP_A_CAPTURE_DEVICE);
	put_u32(m, PKTCAP_A_DEVICE_IFINDEX, lo_ifindex());
	nest_end(m, dev);
	put_u32(m, PKTCAP_A_CAPTURE_SNAPLEN, 128);
	put_u32(m, PKTCAP_A_CAPTURE_RING_SIZE, PKTCAP_RING_SIZE_MIN);
	nest_end(m, cap);
}

static void build_start_named(struct msg *m)
{
	struct sock_filter accept_all = BPF_STMT(BPF_RET | BPF_K, 0xffff);
	size_t cap, dev;

	pktcap_init(m, PKTCAP_CMD_START);
	cap = nest_start(m, PKTCAP_A_CAPTURE);
	put_str(m, PKTCAP_A_CAPTURE_BACKEND, "ptype");
	dev = nest_start(m, PKTCAP_A_CAPTURE_DEVICE);
	put_str(m, PKTCAP_A_DEVICE_IFNAME, "lo");
	nest_end(m, dev);
	put_u32(m, PKTCAP_A_CAPTURE_RING_SIZE, PKTCAP_RING_SIZE_MIN);
	put_attr(m, PKTCAP_A_CAPTURE_FILTER, &accept_all, sizeof(accept_all));
	put_u32(m, PKTCAP_A_CAPTURE_WAKEUP_RECORDS, 8);
	put_u32(m, PKTCAP_A_CAPTURE_WAKEUP_USEC, 1000);
	nest_end(m, cap);
}

static void build_stop(struct msg *m)
{
	pktcap_init(m, PKTCAP_CMD_STOP);
}

static void build_status(struct msg *m)
{
	pktcap_init(m, PKTCAP_CMD_STATUS);
}

static void build_backends(struct msg *m)
{
	pktcap_init(m, PKTCAP_CMD_BACKENDS);
}

static void build_metrics(struct msg *m)
{
	pktcap_init(m, PKTCAP_CMD_METRICS);
}

static void build_meter(struct msg *m, bool enable)
{
	size_t nest, dev;

	pktcap_init(m, PKTCAP_CMD_FLOW_METER);
	nest = nest_start(m, PKTCAP_A_FLOW_METER);
	put_u8(m, PKTCAP_A_FLOW_METER_ENABLED, enable);
	if (enable) {
		dev = nest_start(m, PKTCAP_A_FLOW_METER_DEVICE);
		put_u32(m, PKTCAP_A_DEVICE_IFINDEX, lo_ifindex());
		nest_end(m, dev);
		put_u32(m, PKTCAP_A_FLOW_METER_MAX_FLOWS, 1024);
		put_u32(m, PKTCAP_A_FLOW_METER_SAMPLING, 1);
	}
	nest_end(m, nest);
}

static void build_meter_on(struct msg *m)
{
	build_meter(m, true);
}

static void build_meter_off(struct msg *m)
{
	build_meter(m, false);
}

static void build_verify(struct msg *m)
{
	pktcap_init(m, PKTCAP_CMD_VERIFY);
}

static void build_flows(struct msg *m)
{
	size_t nest;

	pktcap_init(m, PKTCAP_CMD_FLOWS);
	m->nlh.nlmsg_flags |= NLM_F_DUMP;
	nest = nest_start(m, PKTCAP_A_FLOW_FILTER);
	put_u8(m, PKTCAP_A_FLOW_PROTO, 1);
	nest_end(m, nest);
}

/* FLOW_METER with every setting it has. */
static void build_meter_full(struct msg *m)
{
	size_t nest, dev;

	pktcap_init(m, PKTCAP_CMD_FLOW_METER);
	nest = nest_start(m, PKTCAP_A_FLOW_METER);
	put_u8(m, PKTCAP_A_FLOW_METER_ENABLED, 1);
	put_str(m, PKTCAP_A_FLOW_METER_BACKEND, "nf-ingress");
	dev = nest_start(m, PKTCAP_A_FLOW_METER_DEVICE);
	put_str(m, PKTCAP_A_DEVICE_IFNAME, "lo");
	nest_end(m, dev);
	put_u32(m, PKTCAP_A_FLOW_METER_MAX_FLOWS, 4096);
	put_u32(m, PKTCAP_A_FLOW_METER_ACTIVE_TIMEOUT, 60);
	put_u32(m, PKTCAP_A_FLOW_METER_INACTIVE_TIMEOUT, 2);
	put_u32(m, PKTCAP_A_FLOW_METER_SAMPLING, 4);
	put_u8(m, PKTCAP_A_FLOW_METER_SAMPLING_RANDOM, 1);
	put_u8(m, PKTCAP_A_FLOW_METER_BIDIRECTIONAL, 1);
	nest_end(m, nest);
}

static void build_export(struct msg *m, bool enable)
{
	size_t nest;

	pktcap_init(m, PKTCAP_CMD_EXPORT);
	nest = nest_start(m, PKTCAP_A_EXPORT);
	put_u8(m, PKTCAP_A_EXPORT_ENABLED, enable);
	if (enable) {
		put_u32(m, PKTCAP_A_EXPORT_VERSION, 10);
		put_str(m, PKTCAP_A_EXPORT_COLLECTOR, "127.0.0.1:4739");
		put_str(m, PKTCAP_A_EXPORT_COLLECTOR, "[::1]:2055");
		put_u32(m, PKTCAP_A_EXPORT_DOMAIN, 7);
		put_u32(m, PKTCAP_A_EXPORT_MTU, 1400);
		put_u32(m, PKTCAP_A_EXPORT_PID, getpid());
		put_u32(m, PKTCAP_A_EXPORT_TEMPLATE_PACKETS, 20);
		put_u32(m, PKTCAP_A_EXPORT_TEMPLATE_SECONDS, 60);
	}
	nest_end(m, nest);
}

static void build_export_on(struct msg *m)
{
	build_export(m, true);
}

static void build_export_off(struct msg *m)
{
	build_export(m, false);
}

static void build_encryption(struct msg *m, bool enable)
{
	static const unsigned char key[PKTCAP_KEY_LEN] = { 0x5a, 0x01, 0xfe };
	size_t nest;

	pktcap_init(m, PKTCAP_CMD_ENCRYPTION);
	nest = nest_start(m, PKTCAP_A_ENCRYPTION);
	put_u8(m, PKTCAP_A_ENCRYPTION_ENABLED, enable);
	if (enable)
		put_attr(m, PKTCAP_A_ENCRYPTION_KEY, key, sizeof(key));
	nest_end(m, nest);
}

static void build_encryption_on(struct msg *m)
{
	build_encryption(m, true);
}

static void build_encryption_off(struct msg *m)
{
	build_encryption(m, false);
}

/* Sends a freshly built request; 0 or the -errno the kernel answered. */
static int request(int fd, void (*build)(struct msg *m), bool *answered)
{
	struct reply r;
	struct msg m;
	int err;

	build(&m);
	err = transact(fd, &m, &r, NULL, NULL);
	if (answered)
		*answered = !err && r.answered;
	return err ? err : r.error;
}

static bool status_answers(int fd)
{
	bool answered;

	return request(fd, build_status, &answered) == 0 && answered;
}

/* ------------------------------------------------------------- results */

static void result(bool pass, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void result(bool pass, const char *name, const char *fmt, ...)
{
	va_list ap;

	printf("%sok - %s", pass ? "" : "not ", name);
	if (fmt) {
		printf(pass ? " (" : ": ");
		va_start(ap, fmt);
		vprintf(fmt, ap);
		va_end(ap);
		printf(pass ? ")" : "");
	}
	putchar('\n');
	fflush(stdout);
	if (!pass)
		failures++;
}

static const char *errname(int err)
{
	static char buf[32];

	switch (-err) {
	case 0: return "success";
	case EINVAL: return "EINVAL";
	case ERANGE: return "ERANGE";
	case ENODEV: return "ENODEV";
	case EBUSY: return "EBUSY";
	case ENOENT: return "ENOENT";
	case EPERM: return "EPERM";
	case EOPNOTSUPP: return "EOPNOTSUPP";
	case EMSGSIZE: return "EMSGSIZE";
	case ENOMEM: return "ENOMEM";
	case EAGAIN: return "EAGAIN (timeout)";
	}
	snprintf(buf, sizeof(buf), "errno %d", -err);
	return buf;
}

/* --------------------------------------------------- the malformed cases */

static void case_unknown_cmd(struct msg *m)
{
	pktcap_init(m, 200);
}

static void case_unknown_attr(struct msg *m)
{
	build_start(m);
	put_u32(m, PKTCAP_A_MAX + 1, 1);
}

/* An attribute the table knows but START's policy does not accept. */
static void case_foreign_attr(struct msg *m)
{
	build_start(m);
	put_u32(m, PKTCAP_A_METRICS | NLA_F_NESTED, 0);
}

static void case_nest_flag_missing(struct msg *m)
{
	size_t cap, dev;

	pktcap_init(m, PKTCAP_CMD_START);
	cap = put_attr(m, PKTCAP_A_CAPTURE, NULL, 0);	/* no NLA_F_NESTED */
	dev = nest_start(m, PKTCAP_A_CAPTURE_DEVICE);
	put_u32(m, PKTCAP_A_DEVICE_IFINDEX, lo_ifindex());
	nest_end(m, dev);
	nest_end(m, cap);
}

static void case_u32_for_nest(struct msg *m)
{
	pktcap_init(m, PKTCAP_CMD_START);
	put_u32(m, PKTCAP_A_CAPTURE | NLA_F_NESTED, 1);
}

static void case_u16_for_u32(struct msg *m)
{
	uint16_t snaplen = 128;
	size_t cap;

	pktcap_init(m, PKTCAP_CMD_START);
	cap = nest_start(m, PKTCAP_A_CAPTURE);
	put_attr(m, PKTCAP_A_CAPTURE_SNAPLEN, &snaplen, sizeof(snaplen));
	nest_end(m, cap);
}

/* START with one extra capture attribute after the device. */
static void start_with(struct msg *m, uint16_t type, const void *data, size_t len)
{
	size_t cap, dev;

	pktcap_init(m, PKTCAP_CMD_START);
	cap = nest_start(m, PKTCAP_A_CAPTURE);
	dev = nest_start(m, PKTCAP_A_CAPTURE_DEVICE);
	put_u32(m, PKTCAP_A_DEVICE_IFINDEX, lo_ifindex());
	nest_end(m, dev);
	put_attr(m, type, data, len);
	nest_end(m, cap);
}

static void start_with_u32(struct msg *m, uint16_t type, uint32_t v)
{
	start_with(m, type, &v, sizeof(v));
}

static void case_long_ifname(struct msg *m)
{
	char name[40];
	size_t cap, dev;

	memset(name, 'x', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	pktcap_init(m, PKTCAP_CMD_START);
	cap = nest_start(m, PKTCAP_A_CAPTURE);
	dev = nest_start(m, PKTCAP_A_CAPTURE_DEVICE);
	put_attr(m, PKTCAP_A_DEVICE_IFNAME, name, sizeof(name));
	nest_end(m, dev);
	nest_end(m, cap);
}

static void case_snaplen_0(struct msg *m)
{
	start_with_u32(m, PKTCAP_A_CAPTURE_SNAPLEN, 0);
}

static void case_snaplen_70000(struct msg *m)
{
	start_with_u32(m, PKTCAP_A_CAPTURE_SNAPLEN, 70000);
}

static void case_ring_not_pow2(struct msg *m)
{
	start_with_u32(m, PKTCAP_A_CAPTURE_RING_SIZE, 3 * PKTCAP_RING_SIZE_MIN);
}

static void case_ring_1g(struct msg *m)
{
	start_with_u32(m, PKTCAP_A_CAPTURE_RING_SIZE, 1U << 30);
}

static void case_filter_7(struct msg *m)
{
	static const unsigned char seven[7] = { 6, 0, 0, 0, 0xff, 0xff, 0 };

	start_with(m, PKTCAP_A_CAPTURE_FILTER, seven, sizeof(seven));
}

static void case_filter_bad_jump(struct msg *m)
{
	struct sock_filter prog[] = {
		BPF_JUMP(BPF_JMP | BPF_JA, 10, 0, 0),	/* past the end */
		BPF_STMT(BPF_RET | BPF_K, 0xffff),
	};

	start_with(m, PKTCAP_A_CAPTURE_FILTER, prog, sizeof(prog));
}

/* The capture nest claims 200 bytes more than the message holds. */
static void case_truncated_attr(struct msg *m)
{
	struct nlattr *cap;

	build_start(m);
	cap = (struct nlattr *)(m->buf + NLMSG_HDRLEN + GENL_HDRLEN);
	cap->nla_len += 200;
}

static void case_status_attr(struct msg *m)
{
	build_status(m);
	put_u32(m, PKTCAP_A_CAPTURE, 1);
}

static void case_meter_no_enabled(struct msg *m)
{
	size_t nest;

	pktcap_init(m, PKTCAP_CMD_FLOW_METER);
	nest = nest_start(m, PKTCAP_A_FLOW_METER);
	put_u32(m, PKTCAP_A_FLOW_METER_MAX_FLOWS, 1024);
	nest_end(m, nest);
}

static void case_empty_device(struct msg *m)
{
	size_t cap, dev;

	pktcap_init(m, PKTCAP_CMD_START);
	cap = nest_start(m, PKTCAP_A_CAPTURE);
	dev = nest_start(m, PKTCAP_A_CAPTURE_DEVICE);
	nest_end(m, dev);
	nest_end(m, cap);
}

static void case_no_such_ifindex(struct msg *m)
{
	size_t cap, dev;

	pktcap_init(m, PKTCAP_CMD_START);
	cap = nest_start(m, PKTCAP_A_CAPTURE);
	dev = nest_start(m, PKTCAP_A_CAPTURE_DEVICE);
	put_u32(m, PKTCAP_A_DEVICE_IFINDEX, 999999);
	nest_end(m, dev);
	nest_end(m, cap);
}

static void case_no_such_ifname(struct msg *m)
{
	size_t cap, dev;

	pktcap_init(m, PKTCAP_CMD_START);
	cap = nest_start(m, PKTCAP_A_CAPTURE);
	dev = nest_start(m, PKTCAP_A_CAPTURE_DEVICE);
	put_str(m, PKTCAP_A_DEVICE_IFNAME, "nosuchdev0");
	nest_end(m, dev);
	nest_end(m, cap);
}

static void case_unknown_backend(struct msg *m)
{
	start_with(m, PKTCAP_A_CAPTURE_BACKEND, "af-packet", sizeof("af-packet"));
}

/* One device more than a session may hook. */
static void case_too_many_devices(struct msg *m)
{
	size_t cap, dev;
	int i;

	pktcap_init(m, PKTCAP_CMD_START);
	cap = nest_start(m, PKTCAP_A_CAPTURE);
	for (i = 0; i <= PKTCAP_MAX_DEVICES; i++) {
		dev = nest_start(m, PKTCAP_A_CAPTURE_DEVICE);
		put_u32(m, PKTCAP_A_DEVICE_IFINDEX, lo_ifindex());
		nest_end(m, dev);
	}
	nest_end(m, cap);
}

/* The same device twice in one request. */
static void case_device_twice(struct msg *m)
{
	size_t cap, dev;
	int i;

	pktcap_init(m, PKTCAP_CMD_START);
	cap = nest_start(m, PKTCAP_A_CAPTURE);
	for (i = 0; i < 2; i++) {
		dev = nest_start(m, PKTCAP_A_CAPTURE_DEVICE);
		put_u32(m, PKTCAP_A_DEVICE_IFINDEX, lo_ifindex());
		nest_end(m, dev);
	}
	nest_end(m, cap);
}

/* A message too short to hold the genetlink header. */
static void case_short_genlhdr(struct msg *m)
{
	build_status(m);
	m->len = NLMSG_HDRLEN + 2;
	m->nlh.nlmsg_len = m->len;
}

static void case_reserved_set(struct msg *m)
{
	build_status(m);
	((struct genlmsghdr *)(m->buf + NLMSG_HDRLEN))->reserved = 1;
}

static void case_start_no_nest(struct msg *m)
{
	pktcap_init(m, PKTCAP_CMD_START);
}

static void case_meter_no_nest(struct msg *m)
{
	pktcap_init(m, PKTCAP_CMD_FLOW_METER);
}

enum setup { ANY, IDLE, RUNNING };

/**
 * struct nl_case - one malformed request
 * @name: the TAP name
 * @build: builds the request
 * @setup: the capture state the case needs first
 * @errnos: acceptable errors (the policy core uses EINVAL or ERANGE)
 * @msg_optional: the kernel core answers this one without an extack
 *	message (6.1's genetlink sets none for unknown commands or a
 *	message shorter than the genetlink header), so only the errno counts
 * @miss_type: the attribute the reply must name as missing, 0 if none
 */
struct nl_case {
	const char *name;
	void (*build)(struct msg *m);
	enum setup setup;
	int errnos[2];
	bool msg_optional;
	int miss_type;
};

#define CASE(n, f, s, e1, e2, opt) \
	{ .name = (n), .build = (f), .setup = (s), .errnos = { (e1), (e2) }, \
	  .msg_optional = (opt) }
#define MISSING(n, f, type) \
	{ .name = (n), .build = (f), .setup = IDLE, .errnos = { EINVAL }, \
	  .miss_type = (type) }

static const struct nl_case cases[] = {
	CASE("unknown command 200", case_unknown_cmd, ANY, EOPNOTSUPP, 0, true),
	CASE("genetlink header cut short", case_short_genlhdr, ANY, EINVAL, 0, true),
	CASE("genetlink reserved field set", case_reserved_set, ANY, EINVAL, 0, false),
	CASE("unknown top-level attribute", case_unknown_attr, IDLE, EINVAL, 0, false),
	CASE("attribute START does not take (METRICS)", case_foreign_attr, IDLE, EINVAL, 0, false),
	CASE("nest without NLA_F_NESTED", case_nest_flag_missing, IDLE, EINVAL, 0, false),
	CASE("u32 where a nest is required", case_u32_for_nest, IDLE, EINVAL, ERANGE, false),
	CASE("u16 where a u32 is required", case_u16_for_u32, IDLE, EINVAL, ERANGE, false),
	CASE("IFNAME of 40 bytes", case_long_ifname, IDLE, EINVAL, ERANGE, false),
	CASE("snaplen 0", case_snaplen_0, IDLE, ERANGE, EINVAL, false),
	CASE("snaplen 70000", case_snaplen_70000, IDLE, ERANGE, EINVAL, false),
	CASE("ring size not a power of two", case_ring_not_pow2, IDLE, EINVAL, ERANGE, false),
	CASE("ring size 1 GiB", case_ring_1g, IDLE, ERANGE, EINVAL, false),
	CASE("filter of 7 bytes", case_filter_7, IDLE, EINVAL, 0, false),
	CASE("BPF jump out of range", case_filter_bad_jump, IDLE, EINVAL, 0, false),
	CASE("nla_len past the end of the message", case_truncated_attr, IDLE, EINVAL, 0, false),
	CASE("attribute on STATUS", case_status_attr, ANY, EINVAL, 0, false),
	MISSING("START without its CAPTURE nest", case_start_no_nest, PKTCAP_A_CAPTURE),
	MISSING("FLOW_METER without its nest", case_meter_no_nest, PKTCAP_A_FLOW_METER),
	CASE("FLOW_METER without ENABLED", case_meter_no_enabled, ANY, EINVAL, 0, false),
	CASE("device nest without ifindex or name", case_empty_device, IDLE, EINVAL, 0, false),
	CASE("non-existent ifindex", case_no_such_ifindex, IDLE, ENODEV, 0, false),
	CASE("non-existent device name", case_no_such_ifname, IDLE, ENODEV, 0, false),
	CASE("unknown backend name", case_unknown_backend, IDLE, EINVAL, 0, false),
	CASE("65 devices (more than PKTCAP_MAX_DEVICES)", case_too_many_devices, IDLE, EINVAL, 0, false),
	CASE("the same device twice", case_device_twice, IDLE, EINVAL, 0, false),
	CASE("START while running", build_start, RUNNING, EBUSY, 0, false),
	CASE("STOP with nothing running", build_stop, IDLE, ENOENT, 0, false),
};

static bool errno_expected(const struct nl_case *c, int err)
{
	return err && (-err == c->errnos[0] || -err == c->errnos[1]);
}

/* Puts the capture into the state a case needs; false if it cannot. */
static bool setup(int fd, enum setup s)
{
	int err;

	if (s == ANY)
		return true;
	err = request(fd, build_stop, NULL);
	if (err && err != -ENOENT)
		return false;
	return s == IDLE || request(fd, build_start, NULL) == 0;
}

static void run_case(int fd, const struct nl_case *c)
{
	struct reply r;
	struct msg m;
	int err;

	if (!setup(fd, c->setup)) {
		result(false, c->name, "cannot set the capture state up");
		return;
	}
	c->build(&m);
	err = transact(fd, &m, &r, NULL, NULL);
	if (err) {
		result(false, c->name, "no reply: %s", errname(err));
		return;
	}
	if (!errno_expected(c, r.error))
		result(false, c->name, "expected %s, got %s (\"%s\")",
		       errname(-c->errnos[0]), errname(r.error), r.text);
	else if (c->miss_type && r.miss_type != c->miss_type)
		result(false, c->name, "%s naming missing attribute %d, not %d",
		       errname(r.error), r.miss_type, c->miss_type);
	else if (!c->miss_type && !r.text[0] && !c->msg_optional)
		result(false, c->name, "%s without an extack message",
		       errname(r.error));
	else if (!status_answers(fd))
		result(false, c->name, "STATUS no longer answers afterwards");
	else if (c->miss_type)
		result(true, c->name, "%s: missing attribute %d%s%s",
		       errname(r.error), r.miss_type, r.text[0] ? ": " : "", r.text);
	else
		result(true, c->name, "%s: \"%s\"", errname(r.error), r.text);
}

static int run_cases(int fd)
{
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		run_case(fd, &cases[i]);
	request(fd, build_stop, NULL);
	return failures ? 1 : 0;
}

/* ---------------------------------------------------------- permissions */

static void expect_eperm(int fd, const char *name, void (*build)(struct msg *m))
{
	int err = request(fd, build, NULL);

	result(err == -EPERM, name, "%s", errname(err));
}

static void expect_answer(int fd, const char *name, void (*build)(struct msg *m))
{
	bool answered;
	int err = request(fd, build, &answered);

	result(!err && answered, name, "%s%s", errname(err),
	       answered ? ", answered" : ", no answer");
}

static int run_perms(int fd)
{
	expect_eperm(fd, "START is refused with EPERM", build_start);
	expect_eperm(fd, "STOP is refused with EPERM", build_stop);
	expect_eperm(fd, "FLOW_METER enable is refused with EPERM", build_meter_on);
	expect_eperm(fd, "FLOW_METER disable is refused with EPERM", build_meter_off);
	expect_eperm(fd, "FLOWS dump is refused with EPERM", build_flows);
	expect_answer(fd, "BACKENDS answers", build_backends);
	expect_answer(fd, "STATUS answers", build_status);
	expect_answer(fd, "METRICS answers", build_metrics);
	return failures ? 1 : 0;
}

/* -------------------------------------------------------------- fuzzing */

static uint32_t rng_state;

/* xorshift32, reproducible from the seed: a number below n (0 if n is 0). */
static uint32_t rnd(uint32_t n)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 17;
	rng_state ^= rng_state << 5;
	return n ? rng_state % n : 0;
}

/* Bytes of the netlink header the mutator leaves alone: the type (so that
 * every request reaches pktcap, not another family) and the sequence
 * number (so that replies can be matched).
 */
static bool protected_byte(size_t i)
{
	return (i >= 4 && i < 6) || (i >= 8 && i < 12);
}

static void mutate_byte(struct msg *m, bool flip)
{
	size_t i;

	do
		i = rnd(m->len);
	while (protected_byte(i));
	if (flip)
		m->buf[i] ^= 1u << rnd(8);
	else
		m->buf[i] = rnd(256);
}

/* Rewrites the length of some attribute-aligned 16-bit field. */
static void mutate_attr_len(struct msg *m)
{
	size_t off = NLMSG_HDRLEN + GENL_HDRLEN;
	uint16_t v;

	if (m->len < off + sizeof(v))
		return;
	off += 4 * rnd((m->len - off - sizeof(v)) / 4 + 1);
	v = rnd(4) ? rnd(m->len + 8) : rnd(65536);
	memcpy(m->buf + off, &v, sizeof(v));
}

/* Where an attribute sits and which nest holds it (0: none). */
struct attr_pos {
	size_t off, parent;
};

#define ATTRS_MAX	64

/* The attributes of m, top level and one nest deep, as far as they parse. */
static size_t attr_walk(const struct msg *m, struct attr_pos *pos)
{
	size_t n = 0, top = NLMSG_HDRLEN + GENL_HDRLEN, off, in, end;
	const struct nlattr *a, *b;

	for (off = top; off + NLA_HDRLEN <= m->len && n < ATTRS_MAX;
	     off += NLA_ALIGN(a->nla_len)) {
		a = (const struct nlattr *)(m->buf + off);
		if (a->nla_len < NLA_HDRLEN || off + a->nla_len > m->len)
			break;
		pos[n++] = (struct attr_pos){ off, 0 };
		if (!(a->nla_type & NLA_F_NESTED))
			continue;
		end = off + a->nla_len;
		for (in = off + NLA_HDRLEN; in + NLA_HDRLEN <= end && n < ATTRS_MAX;
		     in += NLA_ALIGN(b->nla_len)) {
			b = (const struct nlattr *)(m->buf + in);
			if (b->nla_len < NLA_HDRLEN || in + b->nla_len > end)
				break;
			pos[n++] = (struct attr_pos){ in, off };
		}
	}
	return n;
}

/* Grows (delta > 0) or shrinks the nest at parent and the message. */
static void fix_lengths(struct msg *m, size_t parent, long delta)
{
	if (parent)
		((struct nlattr *)(m->buf + parent))->nla_len += delta;
	m->len += delta;
	m->nlh.nlmsg_len = m->len;
}

/* Extreme values, wrong types, missing and repeated attributes. */
static void mutate_attr(struct msg *m)
{
	static const uint32_t extremes[] = {
		0, 1, 2, 0x7f, 0xff, 0xffff, 0x10000, 0x7fffffff, 0x80000000,
		0xfffffffe, 0xffffffff,
	};
	struct attr_pos pos[ATTRS_MAX];
	size_t n = attr_walk(m, pos), len, alen;
	struct nlattr *a;
	uint32_t v;

	if (!n)
		return;
	n = rnd(n);
	a = (struct nlattr *)(m->buf + pos[n].off);
	alen = NLA_ALIGN(a->nla_len);
	switch (rnd(4)) {
	case 0:	/* an extreme value in the first four payload bytes */
		if (a->nla_len < NLA_HDRLEN + sizeof(v))
			break;
		v = rnd(4) ? extremes[rnd(sizeof(extremes) / sizeof(extremes[0]))] :
			     (rnd(0), rng_state);
		memcpy(m->buf + pos[n].off + NLA_HDRLEN, &v, sizeof(v));
		break;
	case 1:	/* another type, perhaps with the nested flag flipped */
		a->nla_type = (a->nla_type & NLA_F_NESTED) | rnd(PKTCAP_A_MAX + 4);
		if (!rnd(4))
			a->nla_type ^= NLA_F_NESTED;
		break;
	case 2:	/* missing */
		len = m->len - pos[n].off - alen;
		memmove(m->buf + pos[n].off, m->buf + pos[n].off + alen, len);
		fix_lengths(m, pos[n].parent, -(long)alen);
		break;
	default: /* twice */
		if (m->len + alen > MSG_MAX)
			break;
		len = m->len - pos[n].off;
		memmove(m->buf + pos[n].off + alen, m->buf + pos[n].off, len);
		fix_lengths(m, pos[n].parent, alen);
		break;
	}
}

static void mutate_one(struct msg *m)
{
	switch (rnd(12)) {
	case 8: case 9: case 10: case 11: mutate_attr(m); break;
	case 0: mutate_byte(m, true); break;
	case 1: mutate_byte(m, false); break;
	case 2: mutate_attr_len(m); break;
	case 3: m->nlh.nlmsg_len = rnd(m->len + 16); break;
	case 4: m->len = NLMSG_HDRLEN + rnd(m->len - NLMSG_HDRLEN + 1);
		m->nlh.nlmsg_len = rnd(2) ? m->len : m->nlh.nlmsg_len;
		break;
	case 5: ((struct genlmsghdr *)(m->buf + NLMSG_HDRLEN))->cmd = rnd(16); break;
	case 6: m->nlh.nlmsg_flags ^= 1u << rnd(16); break;
	default: {
		size_t n = 1 + rnd(64), i;

		for (i = 0; i < n && m->len < MSG_MAX; i++)
			m->buf[m->len++] = rnd(256);
		m->nlh.nlmsg_len = m->len;
		break;
	}
	}
}

static void (*const fuzz_bases[])(struct msg *m) = {
	build_start, build_start_named, build_stop, build_status,
	build_backends, build_metrics, build_meter_on, build_meter_off,
	build_flows, build_verify, case_filter_bad_jump, case_long_ifname,
	build_meter_full, build_export_on, build_export_off,
	build_encryption_on, build_encryption_off,
};

struct fuzz_stats {
	unsigned int sent, acks, answers, errors_msg, errors_core, refused, bad;
};

/* Set for fuzz-unpriv: the caller lacks CAP_NET_ADMIN. */
static bool unprivileged;

static bool admin_op(uint8_t cmd)
{
	return op_known[cmd] &&
	       (op_flags[cmd] & (GENL_ADMIN_PERM | GENL_UNS_ADMIN_PERM));
}

/*
 * The command of the request a reply answers, or -1 if that request never
 * reached pktcap's handlers. A mutated buffer may hold several netlink
 * messages (a shortened nlmsg_len leaves the rest to be parsed as the
 * next one), so the request is found by the reply's sequence number,
 * walking the buffer as the kernel does. Without NLM_F_REQUEST the core
 * acknowledges a message without passing it on; a message too short for
 * a genetlink header carries no command.
 */
static int sent_cmd(const struct msg *m, uint32_t seq)
{
	const struct nlmsghdr *h;
	size_t off = 0;

	while (off + NLMSG_HDRLEN <= m->len) {
		h = (const struct nlmsghdr *)(m->buf + off);
		if (h->nlmsg_len < NLMSG_HDRLEN || h->nlmsg_len > m->len - off)
			return -1;
		if (h->nlmsg_seq == seq) {
			if (h->nlmsg_type != family_id ||
			    !(h->nlmsg_flags & NLM_F_REQUEST) ||
			    h->nlmsg_len < NLMSG_LENGTH(GENL_HDRLEN))
				return -1;
			return ((const struct genlmsghdr *)NLMSG_DATA(h))->cmd;
		}
		off += NLMSG_ALIGN(h->nlmsg_len);
	}
	return -1;
}

/* May the core answer this request with an error and no message? Only
 * where pktcap's policies and handlers are never reached: a genetlink
 * header cut short, or a command (or do/dump kind) pktcap does not have.
 */
static bool core_error(const struct nlmsghdr *req, int err)
{
	const struct genlmsghdr *g = NLMSG_DATA(req);
	bool dump = (req->nlmsg_flags & NLM_F_DUMP) == NLM_F_DUMP;

	if (req->nlmsg_len < NLMSG_LENGTH(GENL_HDRLEN))
		return err == -EINVAL;
	if (err != -EOPNOTSUPP)
		return false;
	if (!op_known[g->cmd])
		return true;
	return dump ? !(op_flags[g->cmd] & GENL_CMD_CAP_DUMP) :
		      !(op_flags[g->cmd] & GENL_CMD_CAP_DO);
}

static void fuzz_bad(struct fuzz_stats *st, const struct msg *m, const char *why,
		     int err)
{
	size_t i;

	st->bad++;
	if (st->bad > 5)
		return;
	printf("# fuzz: message %u: %s (%s); sent %zu bytes:", st->sent, why,
	       errname(err), m->len);
	for (i = 0; i < m->len && i < 96; i++)
		printf(" %02x", m->buf[i]);
	putchar('\n');
}

/* Judges one reply that is not the sentinel's. */
static void fuzz_judge(const struct nlmsghdr *nlh, const struct msg *sent,
		       struct fuzz_stats *st)
{
	const struct nlmsgerr *e = NLMSG_DATA(nlh);
	struct extack x;

	int cmd = sent_cmd(sent, nlh->nlmsg_seq);

	if (unprivileged && cmd >= 0 && admin_op(cmd) &&
	    (nlh->nlmsg_type == NLMSG_DONE || nlh->nlmsg_type == family_id ||
	     (nlh->nlmsg_type == NLMSG_ERROR && !e->error))) {
		fuzz_bad(st, sent, "a privileged operation succeeded without CAP_NET_ADMIN", 0);
		return;
	}
	if (nlh->nlmsg_type == NLMSG_DONE) {
		st->answers++;
		return;
	}
	if (nlh->nlmsg_type == family_id) {
		st->answers++;
		return;
	}
	if (nlh->nlmsg_type != NLMSG_ERROR ||
	    nlh->nlmsg_len < NLMSG_LENGTH(sizeof(*e))) {
		fuzz_bad(st, sent, "unexpected reply type", 0);
		return;
	}
	if (!e->error) {
		st->acks++;
		return;
	}
	extack_parse(nlh, err_tlv_offset(nlh), &x);
	if (explained(&x))
		st->errors_msg++;
	else if (unprivileged && e->error == -EPERM && cmd >= 0 && admin_op(cmd))
		st->refused++;
	else if (core_error(&e->msg, e->error))
		st->errors_core++;
	else
		fuzz_bad(st, sent, "error without an extack message", e->error);
}

/* Reads everything up to the sentinel STATUS's ACK. */
static int fuzz_collect(int fd, uint32_t sentinel, const struct msg *sent,
			struct fuzz_stats *st)
{
	static unsigned char buf[RECV_MAX];
	const struct nlmsghdr *nlh;
	bool done = false, answered = false;
	ssize_t n;
	int len;

	while (!done) {
		n = recv(fd, buf, sizeof(buf), 0);
		if (n < 0)
			return -errno;
		len = n;
		for (nlh = (void *)buf; NLMSG_OK(nlh, len); nlh = NLMSG_NEXT(nlh, len)) {
			if (nlh->nlmsg_seq != sentinel) {
				fuzz_judge(nlh, sent, st);
				continue;
			}
			if (nlh->nlmsg_type == family_id) {
				answered = true;
				continue;
			}
			if (nlh->nlmsg_type != NLMSG_ERROR ||
			    ((const struct nlmsgerr *)NLMSG_DATA(nlh))->error)
				return -EIO;
			done = true;
		}
	}
	return answered ? 0 : -EIO;
}

/* Back to nothing running, so that START and enable paths stay reachable. */
static void fuzz_reset(int fd)
{
	request(fd, build_stop, NULL);
	request(fd, build_meter_off, NULL);
	request(fd, build_export_off, NULL);
	request(fd, build_encryption_off, NULL);
}

static int fuzz_one(int fd, struct fuzz_stats *st)
{
	struct msg m, sentinel;
	int i, n, err;

	fuzz_bases[rnd(sizeof(fuzz_bases) / sizeof(fuzz_bases[0]))](&m);
	n = 1 + rnd(3);
	for (i = 0; i < n; i++)
		mutate_one(&m);
	st->sent++;
	err = msg_send(fd, &m);
	if (err && err != -EINVAL && err != -EMSGSIZE)
		return err;
	build_status(&sentinel);
	err = msg_send(fd, &sentinel);
	if (!err)
		err = fuzz_collect(fd, sentinel.nlh.nlmsg_seq, &m, st);
	if (err)
		fuzz_bad(st, &m, "STATUS did not answer after this message", err);
	return err;
}

static int run_fuzz(int fd, unsigned int count, uint32_t seed)
{
	struct fuzz_stats st = { 0 };
	unsigned int i;
	int err = 0;

	rng_state = seed ? seed : 1;
	for (i = 0; i < count && !err; i++) {
		if (i % 50 == 0)
			fuzz_reset(fd);
		err = fuzz_one(fd, &st);
	}
	fuzz_reset(fd);
	printf("# fuzz%s: seed %u: %u sent, %u acks, %u answers, %u explained errors, %u core errors without a message, %u refused with EPERM\n",
	       unprivileged ? " (unprivileged)" : "", seed, st.sent, st.acks,
	       st.answers, st.errors_msg, st.errors_core, st.refused);
	result(!err && !st.bad && st.sent == count,
	       unprivileged ? "random mutations without CAP_NET_ADMIN: every privileged operation refused, every other reply an answer or an explained error" :
			      "random mutations: every reply an answer or an explained error",
	       "%u messages, %u bad, seed %u", st.sent, st.bad, seed);
	result(status_answers(fd), "STATUS answers after the mutations", NULL);
	return failures ? 1 : 0;
}

/* ----------------------------------------------------------------- main */

static void build_start_dev(struct msg *m, const char *ifname)
{
	size_t cap, dev;

	pktcap_init(m, PKTCAP_CMD_START);
	cap = nest_start(m, PKTCAP_A_CAPTURE);
	dev = nest_start(m, PKTCAP_A_CAPTURE_DEVICE);
	put_str(m, PKTCAP_A_DEVICE_IFNAME, ifname);
	nest_end(m, dev);
	put_u32(m, PKTCAP_A_CAPTURE_RING_SIZE, PKTCAP_RING_SIZE_MIN);
	nest_end(m, cap);
}

static int run_start(int fd, const char *ifname)
{
	struct reply r;
	struct msg m;
	int err;

	build_start_dev(&m, ifname);
	err = transact(fd, &m, &r, NULL, NULL);
	if (!err)
		err = r.error;
	if (err)
		fprintf(stderr, "nl_malformed: start %s: %s %s\n", ifname,
			errname(err), r.text);
	return err ? 1 : 0;
}

/*
 * N rounds of START and STOP on IFNAME, in one process: the kernel's
 * session setup and teardown, without pktcapctl's start-up cost.
 */
static int run_startstop(int fd, unsigned int rounds, const char *ifname)
{
	unsigned int i, bad = 0;
	int first = 0, err;
	struct reply r;
	struct msg m;

	for (i = 0; i < rounds; i++) {
		build_start_dev(&m, ifname);
		err = transact(fd, &m, &r, NULL, NULL);
		if (!err)
			err = r.error;
		if (!err)
			err = request(fd, build_stop, NULL);
		if (err) {
			bad++;
			if (!first)
				first = err;
		}
	}
	if (bad)
		result(false, "START and STOP rounds on an interface",
		       "%u of %u failed, first with %s", bad, rounds, errname(first));
	else
		result(true, "START and STOP rounds on an interface", "%u rounds",
		       rounds);
	return bad ? 1 : 0;
}

static int usage(void)
{
	fprintf(stderr, "usage: nl_malformed family|cases|perms|stop|start IFNAME|startstop N IFNAME|fuzz N SEED|fuzz-unpriv N SEED\n");
	return 2;
}

int main(int argc, char **argv)
{
	int fd, err;

	if (argc < 2)
		return usage();
	setvbuf(stdout, NULL, _IOLBF, 0);
	fd = sk_open();
	if (!strcmp(argv[1], "family")) {
		err = resolve_family(fd);
		if (!err)
			printf("%d\n", family_id);
		return err ? 1 : 0;
	}
	need_family(fd);
	if (!strcmp(argv[1], "cases") && argc == 2)
		return run_cases(fd);
	if (!strcmp(argv[1], "perms") && argc == 2)
		return run_perms(fd);
	if (!strcmp(argv[1], "stop") && argc == 2)
		return request(fd, build_stop, NULL) ? 1 : 0;
	if (!strcmp(argv[1], "start") && argc == 3)
		return run_start(fd, argv[2]);
	if (!strcmp(argv[1], "startstop") && argc == 4)
		return run_startstop(fd, strtoul(argv[2], NULL, 0), argv[3]);
	if (!strcmp(argv[1], "fuzz") && argc == 4)
		return run_fuzz(fd, strtoul(argv[2], NULL, 0),
				strtoul(argv[3], NULL, 0));
	if (!strcmp(argv[1], "fuzz-unpriv") && argc == 4) {
		/* A STOP that is not refused means the caller is privileged
		 * and the run would prove nothing.
		 */
		err = request(fd, build_stop, NULL);
		if (err != -EPERM) {
			printf("not ok - fuzz-unpriv runs without CAP_NET_ADMIN: STOP gave %s\n",
			       errname(err));
			return 1;
		}
		unprivileged = true;
		return run_fuzz(fd, strtoul(argv[2], NULL, 0),
				strtoul(argv[3], NULL, 0));
	}
	return usage();
}
