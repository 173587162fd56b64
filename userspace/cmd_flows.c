// SPDX-License-Identifier: GPL-2.0
/*
 * pktcapctl flows: the active flows of the namespace's flow meter, from a
 * FLOWS dump (one PKTCAP_A_FLOW per message, paged by the kernel).
 *
 * The kernel marks a dump NLM_F_DUMP_INTR when the meter was disabled and
 * enabled again while it ran: the pages then come from two tables, so the
 * dump is retried, and shown with a warning if it never comes out whole.
 */
#include <errno.h>
#include <getopt.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <linux/pktcap.h>

#include "cmd.h"
#include "err.h"
#include "flowdump.h"
#include "nl.h"

#define WHAT "flows"
#define DUMP_TRIES 3

enum sort_key { SORT_NONE, SORT_BYTES, SORT_PACKETS, SORT_AGE };

struct flows_opts {
	enum sort_key sort;
	long top;		/* 0: all */
	unsigned int ifindex;	/* 0: any */
	int proto;		/* -1: any */
};

struct flow_list {
	struct pktcap_flowrec *v;
	size_t n, cap;
	bool intr;		/* a message carried NLM_F_DUMP_INTR */
};

static const struct option flows_options[] = {
	{ "sort", required_argument, NULL, 's' },
	{ "top", required_argument, NULL, 'n' },
	{ "interface", required_argument, NULL, 'i' },
	{ "proto", required_argument, NULL, 'P' },
	{ NULL, 0, NULL, 0 },
};

static int parse_proto(const char *s)
{
	static const struct { const char *name; int n; } names[] = {
		{ "tcp", IPPROTO_TCP }, { "udp", IPPROTO_UDP },
		{ "icmp", IPPROTO_ICMP }, { "icmpv6", IPPROTO_ICMPV6 },
		{ "icmp6", IPPROTO_ICMPV6 }, { "sctp", IPPROTO_SCTP },
		{ "gre", IPPROTO_GRE }, { "esp", IPPROTO_ESP },
	};
	char *end;
	long v;
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(s, names[i].name))
			return names[i].n;
	v = strtol(s, &end, 10);
	return *s && !*end && v >= 0 && v <= 255 ? (int)v : -1;
}

static int parse_sort(const char *s)
{
	if (!strcmp(s, "bytes"))
		return SORT_BYTES;
	if (!strcmp(s, "packets"))
		return SORT_PACKETS;
	if (!strcmp(s, "age"))
		return SORT_AGE;
	return -1;
}

static int take_option(struct flows_opts *o, int c, const char *arg)
{
	const struct pk_cmd *cmd = &pk_cmd_flows;
	char *end;
	int v;

	switch (c) {
	case 's':
		v = parse_sort(arg);
		if (v < 0)
			return pk_usage_error(cmd, arg, "sort by bytes, packets or age");
		o->sort = v;
		return 0;
	case 'n':
		o->top = strtol(arg, &end, 10);
		if (!*arg || *end || o->top < 1)
			return pk_usage_error(cmd, arg, "--top needs a positive integer");
		return 0;
	case 'i':
		o->ifindex = if_nametoindex(arg);
		if (!o->ifindex) {
			pk_err(WHAT, "%s: %s", arg, pk_strerror(errno));
			return 1;
		}
		return 0;
	case 'P':
		o->proto = parse_proto(arg);
		if (o->proto < 0)
			return pk_usage_error(cmd, arg,
					      "protocol: tcp, udp, icmp, icmpv6 or 0-255");
		return 0;
	}
	return 0;
}

static int parse_opts(int argc, char **argv, struct flows_opts *o)
{
	int c, rc;

	memset(o, 0, sizeof(*o));
	o->proto = -1;
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":i:", flows_options, NULL)) != -1) {
		if (c == '?' || c == ':')
			return pk_usage_error(&pk_cmd_flows, argv[optind - 1],
					      c == '?' ? "unknown option" :
					      "needs an argument");
		rc = take_option(o, c, optarg);
		if (rc)
			return rc;
	}
	if (optind < argc)
		return pk_usage_error(&pk_cmd_flows, argv[optind],
				      "unexpected argument");
	/* --top alone means the biggest flows. */
	if (o->top && o->sort == SORT_NONE)
		o->sort = SORT_BYTES;
	return 0;
}

static int list_add(struct flow_list *l, const struct pktcap_flowrec *r)
{
	struct pktcap_flowrec *v;

	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 256;
		v = realloc(l->v, l->cap * sizeof(*v));
		if (!v)
			return -ENOMEM;
		l->v = v;
	}
	l->v[l->n++] = *r;
	return 0;
}

/* One message of the dump: a PKTCAP_A_FLOW nest. */
static int on_flow(const struct nlmsghdr *nlh, void *arg)
{
	const struct genlmsghdr *gnlh = nlmsg_data(nlh);
	struct flow_list *l = arg;
	struct pktcap_flowrec r;
	struct nlattr *nla;
	int rem, err;

	if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
		l->intr = true;
	if (!genlmsg_valid_hdr((struct nlmsghdr *)nlh, 0))
		return -EBADMSG;
	nla_for_each_attr(nla, genlmsg_attrdata(gnlh, 0),
			  genlmsg_attrlen(gnlh, 0), rem) {
		if (nla_type(nla) != PKTCAP_A_FLOW)
			continue;
		err = pk_flow_decode(nla, &r);
		if (!err)
			err = list_add(l, &r);
		if (err)
			return err;
	}
	return 0;
}

static struct nl_msg *build_req(const struct flows_opts *o)
{
	struct nl_msg *m = pk_nl_req(PKTCAP_CMD_FLOWS, NLM_F_DUMP);
	struct nlattr *f;

	if (!m || (!o->ifindex && o->proto < 0))
		return m;
	f = nla_nest_start(m, PKTCAP_A_FLOW_FILTER);
	if (!f || (o->ifindex && nla_put_u32(m, PKTCAP_A_FLOW_IFINDEX, o->ifindex)) ||
	    (o->proto >= 0 && nla_put_u8(m, PKTCAP_A_FLOW_PROTO, o->proto))) {
		nlmsg_free(m);
		return NULL;
	}
	nla_nest_end(m, f);
	return m;
}

/*
 * Dumps until one comes out whole. libnl reads an interrupted dump to its
 * end and fails it with NLE_DUMP_INTR (-EAGAIN here); the flag we saw
 * ourselves tells that case from other errors.
 */
static int dump(struct pk_nl *nl, const struct flows_opts *o, struct flow_list *l)
{
	int err = 0, tries;

	for (tries = 0; tries < DUMP_TRIES; tries++) {
		l->n = 0;
		l->intr = false;
		err = pk_nl_send(nl, build_req(o), on_flow, l);
		if (!l->intr)
			return err;
	}
	pk_warn(WHAT, "dump interrupted %d times (meter re-enabled meanwhile): "
		"the list may miss or repeat flows", DUMP_TRIES);
	return 0;
}

static int cmp_flows(const void *pa, const void *pb, void *arg)
{
	const struct pktcap_flowrec *a = pa, *b = pb;
	enum sort_key key = *(enum sort_key *)arg;
	uint64_t x = 0, y = 0;

	switch (key) {
	case SORT_BYTES:
		x = a->bytes + a->rev_bytes;
		y = b->bytes + b->rev_bytes;
		break;
	case SORT_PACKETS:
		x = a->packets + a->rev_packets;
		y = b->packets + b->rev_packets;
		break;
	case SORT_AGE:		/* oldest first: smallest first_ns */
		x = b->first_ns;
		y = a->first_ns;
		break;
	case SORT_NONE:
		return 0;
	}
	return x < y ? 1 : x > y ? -1 : 0;
}

/* Device names, looked up once per ifindex. */
struct dev_names {
	unsigned int ifindex[64];
	char name[64][IF_NAMESIZE];
	int ok[64];
	unsigned int n;
};

static const char *dev_name(struct dev_names *d, unsigned int ifindex)
{
	unsigned int i;

	for (i = 0; i < d->n; i++)
		if (d->ifindex[i] == ifindex)
			return d->ok[i] ? d->name[i] : NULL;
	if (d->n == 64)
		return NULL;
	d->ifindex[d->n] = ifindex;
	d->ok[d->n] = if_indextoname(ifindex, d->name[d->n]) != NULL;
	return d->ok[d->n++] ? d->name[d->n - 1] : NULL;
}

static int print_json(const struct pk_ctx *ctx, const struct flow_list *l,
		      size_t n)
{
	struct dev_names d = { .n = 0 };
	struct pk_json j;
	size_t i;

	pk_json_init(&j, stdout, ctx->pretty);
	pk_json_arr_open(&j, NULL);
	for (i = 0; i < n; i++)
		pk_flow_json(&j, &l->v[i], dev_name(&d, l->v[i].ifindex));
	pk_json_arr_close(&j);
	if (pk_json_finish(&j)) {
		pk_err("json", "internal error: unbalanced document");
		return 1;
	}
	return 0;
}

/* "addr:port", "[v6addr]:port", or the bare address for portless flows. */
static void endpoint(const struct pktcap_flowrec *r, const uint8_t *a,
		     uint16_t port, char *buf, size_t len)
{
	char s[INET6_ADDRSTRLEN];
	bool ports = pk_flow_is_ip(r) && !pk_flow_is_icmp(r) &&
		     (r->sport || r->dport);

	pk_flow_addr(r, a, s, sizeof(s));
	if (!ports)
		snprintf(buf, len, "%s", s);
	else if (r->l3_proto == PKTCAP_ETH_P_IPV6)
		snprintf(buf, len, "[%s]:%u", s, port);
	else
		snprintf(buf, len, "%s:%u", s, port);
}

/* VLAN, ICMP type/code, fragments, reverse counters: what a flow has. */
static void info(const struct pktcap_flowrec *r, char *buf, size_t len)
{
	size_t n = 0;

	buf[0] = '\0';
	if (r->vlan)
		n += snprintf(buf + n, len - n, "vlan=%u ", r->vlan);
	if (pk_flow_is_icmp(r) && n < len)
		n += snprintf(buf + n, len - n, "type=%u code=%u ",
			      r->icmp_type, r->icmp_code);
	if ((r->flags & PKTCAP_FLOWREC_F_FRAGMENTED) && n < len)
		n += snprintf(buf + n, len - n, "frag ");
	if ((r->flags & PKTCAP_FLOWREC_F_BIDIR) && n < len)
		n += snprintf(buf + n, len - n, "rev=%llup/%lluB ",
			      (unsigned long long)r->rev_packets,
			      (unsigned long long)r->rev_bytes);
	if (n && n < len)
		buf[n - 1] = '\0';
}

static void print_row(const struct pktcap_flowrec *r, const char *dev,
		      uint64_t now)
{
	char proto[16], src[64], dst[64], flags[16], extra[96];
	double age = now > r->first_ns ? (now - r->first_ns) / 1e9 : 0;

	endpoint(r, r->src, r->sport, src, sizeof(src));
	endpoint(r, r->dst, r->dport, dst, sizeof(dst));
	info(r, extra, sizeof(extra));
	printf("%-7s %-3s %-45s %-45s %10llu %12llu %8.1f %-8s %-10s %s\n",
	       pk_flow_proto_name(r, proto, sizeof(proto)),
	       r->direction == PKTCAP_DIR_OUT ? "out" : "in", src, dst,
	       (unsigned long long)(r->packets + r->rev_packets),
	       (unsigned long long)(r->bytes + r->rev_bytes), age,
	       r->proto == IPPROTO_TCP ?
	       pk_tcp_flags_str(r->tcp_flags | r->rev_tcp_flags, flags, sizeof(flags)) : "-",
	       dev ? dev : "?", extra);
}

static void print_text(const struct flow_list *l, size_t n)
{
	struct dev_names d = { .n = 0 };
	struct timespec ts;
	uint64_t now;
	size_t i;

	clock_gettime(CLOCK_REALTIME, &ts);
	now = (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
	printf("%-7s %-3s %-45s %-45s %10s %12s %8s %-8s %-10s %s\n", "PROTO",
	       "DIR", "SOURCE", "DESTINATION", "PACKETS", "BYTES", "AGE(s)",
	       "FLAGS", "DEV", "INFO");
	for (i = 0; i < n; i++)
		print_row(&l->v[i], dev_name(&d, l->v[i].ifindex), now);
}

static int run(const struct pk_ctx *ctx, int argc, char **argv)
{
	struct flow_list l = { NULL, 0, 0, false };
	struct flows_opts o;
	struct pk_nl *nl;
	size_t n;
	int err, rc;

	rc = parse_opts(argc, argv, &o);
	if (rc)
		return rc;
	if (pk_nl_open(&nl))
		return 1;
	err = dump(nl, &o, &l);
	if (err) {
		rc = pk_nl_perror(nl, WHAT, err);
		goto out;
	}
	if (o.sort != SORT_NONE)
		qsort_r(l.v, l.n, sizeof(*l.v), cmp_flows, &o.sort);
	n = o.top && (size_t)o.top < l.n ? (size_t)o.top : l.n;
	if (ctx->json)
		rc = print_json(ctx, &l, n);
	else
		print_text(&l, n);
out:
	pk_nl_close(nl);
	free(l.v);
	return rc;
}

const struct pk_cmd pk_cmd_flows = {
	.name = "flows",
	.args = "[--sort bytes|packets|age] [--top N] [-i DEV] [--proto P]",
	.summary = "List the flows the flow meter is tracking",
	.help = "  --sort KEY        bytes, packets (largest first) or age (oldest\n"
		"                    first); default: the kernel's order\n"
		"  --top N           only the first N flows (sorted by bytes unless\n"
		"                    --sort says otherwise)\n"
		"  -i, --interface DEV  only flows seen on DEV\n"
		"  --proto P         only flows of IP protocol P: tcp, udp, icmp,\n"
		"                    icmpv6 or a number\n"
		"Columns: protocol, direction, source and destination (ports for\n"
		"TCP/UDP/SCTP, IPv6 in brackets), packets, bytes (IP length; frame\n"
		"length for non-IP), age since the first packet, TCP flags as\n"
		"letters (FSRPAUEC), device, and INFO: VLAN, ICMP type/code,\n"
		"'frag' if fragments were seen, reverse counters of biflows.\n"
		"JSON: one object per flow. Needs CAP_NET_ADMIN.\n",
	.run = run,
};
