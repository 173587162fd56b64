// SPDX-License-Identifier: GPL-2.0
/*
 * Capture options shared by start and record, the START/STOP requests, and
 * METRICS snapshots.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <net/if.h>

#include "capture_opts.h"
#include "err.h"
#include "fields.h"
#include "filter.h"

/* A decimal u32 in [min, max], the whole string. */
static int parse_u32(const char *s, uint32_t min, uint32_t max, uint32_t *v)
{
	unsigned long long x;
	char *end;

	if (!isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	x = strtoull(s, &end, 10);
	if (errno || *end || x < min || x > max)
		return -1;
	*v = (uint32_t)x;
	return 0;
}

static int bad(const struct pk_cmd *cmd, const char *arg, const char *why)
{
	return pk_usage_error(cmd, arg, why);
}

static int take_ring(const struct pk_cmd *cmd, struct cap_opts *o,
		     const char *arg)
{
	uint32_t kb;

	if (parse_u32(arg, PKTCAP_RING_SIZE_MIN >> 10, PKTCAP_RING_SIZE_MAX >> 10,
		      &kb) || (kb & (kb - 1)))
		return bad(cmd, arg,
			   "ring size in KiB must be a power of two, 64 .. 262144");
	o->ring_kb = kb;
	return 0;
}

int cap_opts_take(const struct pk_cmd *cmd, struct cap_opts *o, int c,
		  const char *arg)
{
	switch (c) {
	case 'i':
		if (o->nr_devs == PKTCAP_MAX_DEVICES)
			return bad(cmd, arg, "too many devices");
		o->dev_args[o->nr_devs++] = arg;
		return 0;
	case CAP_OPT_BACKEND:
		o->backend = arg;
		return 0;
	case 's':
		if (parse_u32(arg, 1, PKTCAP_SNAPLEN_MAX, &o->snaplen))
			return bad(cmd, arg, "snaplen must be 1 .. 65535");
		return 0;
	case 'B':
		return take_ring(cmd, o, arg);
	case CAP_OPT_WAKEUP_RECORDS:
		if (parse_u32(arg, 1, UINT32_MAX, &o->wakeup_records))
			return bad(cmd, arg, "must be a positive number");
		return 0;
	case CAP_OPT_WAKEUP_USEC:
		if (parse_u32(arg, 0, UINT32_MAX, &o->wakeup_usec))
			return bad(cmd, arg, "must be a number of microseconds");
		o->has_wakeup_usec = true;
		return 0;
	default:
		return -1;
	}
}

int cap_opts_filter(struct cap_opts *o, int argc, char **argv, int first)
{
	size_t len = 1;
	int i;

	if (first >= argc)
		return 0;
	for (i = first; i < argc; i++)
		len += strlen(argv[i]) + 1;
	o->filter = calloc(1, len);
	if (!o->filter) {
		pk_err("filter", "%s", strerror(ENOMEM));
		return 1;
	}
	for (i = first; i < argc; i++) {
		if (i > first)
			strcat(o->filter, " ");
		strcat(o->filter, argv[i]);
	}
	return 0;
}

void cap_opts_free(struct cap_opts *o)
{
	free(o->filter);
	o->filter = NULL;
}

/* ARPHRD_* of a device, from the same ioctl "ip link" answers with. */
static int dev_arphrd(const char *name, unsigned int *type)
{
	struct ifreq ifr = { 0 };
	int fd, err = 0;

	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	strncpy(ifr.ifr_name, name, IF_NAMESIZE - 1);
	if (ioctl(fd, SIOCGIFHWADDR, &ifr))
		err = -errno;
	else
		*type = ifr.ifr_hwaddr.sa_family;
	close(fd);
	return err;
}

static int resolve_one(const char *arg, struct cap_dev *d)
{
	uint32_t idx;
	int err;

	if (!parse_u32(arg, 1, INT32_MAX, &idx)) {
		if (!if_indextoname(idx, d->name)) {
			pk_err(arg, "no such device");
			return 1;
		}
		d->ifindex = idx;
	} else {
		if (strlen(arg) >= IF_NAMESIZE || !(d->ifindex = if_nametoindex(arg))) {
			pk_err(arg, "no such device");
			return 1;
		}
		strcpy(d->name, arg);
	}
	err = dev_arphrd(d->name, &d->arphrd);
	if (err) {
		pk_err(d->name, "%s", err == -ENODEV ? "no such device" : strerror(-err));
		return 1;
	}
	return 0;
}

int cap_opts_resolve(struct cap_opts *o)
{
	unsigned int i;

	for (i = 0; i < o->nr_devs; i++)
		if (resolve_one(o->dev_args[i], &o->devs[i]))
			return 1;
	return 0;
}

/*
 * One program serves every device, so all must share a DLT: the filter
 * reads the packet from the link-layer header on.
 */
static int filter_dlt(const struct cap_opts *o)
{
	int dlt = pk_filter_dlt(o->devs[0].arphrd);
	unsigned int i;

	if (dlt < 0) {
		pk_err("filter", "%s: link type %u cannot be filtered",
		       o->devs[0].name, o->devs[0].arphrd);
		return -1;
	}
	for (i = 1; i < o->nr_devs; i++) {
		if (pk_filter_dlt(o->devs[i].arphrd) != dlt) {
			pk_err("filter", "%s and %s have different link types",
			       o->devs[0].name, o->devs[i].name);
			return -1;
		}
	}
	return dlt;
}

static int put_filter(struct nl_msg *msg, const struct cap_opts *o)
{
	struct sock_filter *prog;
	size_t len;
	int dlt, err;

	if (!o->filter)
		return 0;
	dlt = filter_dlt(o);
	if (dlt < 0)
		return -EINVAL;
	err = pk_filter_compile(o->filter, dlt,
				o->snaplen ? o->snaplen : PKTCAP_SNAPLEN_DEFAULT,
				&prog, &len);
	if (err)
		return err;
	if (len > PKTCAP_FILTER_MAX_INSNS) {
		pk_err("filter", "%zu instructions, the kernel takes at most %d",
		       len, PKTCAP_FILTER_MAX_INSNS);
		free(prog);
		return -EINVAL;
	}
	err = nla_put(msg, PKTCAP_A_CAPTURE_FILTER, (int)(len * sizeof(*prog)), prog);
	free(prog);
	return err ? -EMSGSIZE : 0;
}

static int put_devices(struct nl_msg *msg, const struct cap_opts *o)
{
	struct nlattr *nest;
	unsigned int i;

	for (i = 0; i < o->nr_devs; i++) {
		nest = nla_nest_start(msg, PKTCAP_A_CAPTURE_DEVICE);
		if (!nest || nla_put_u32(msg, PKTCAP_A_DEVICE_IFINDEX, o->devs[i].ifindex))
			return -EMSGSIZE;
		nla_nest_end(msg, nest);
	}
	return 0;
}

static int put_scalars(struct nl_msg *msg, const struct cap_opts *o)
{
	if ((o->backend && nla_put_string(msg, PKTCAP_A_CAPTURE_BACKEND, o->backend)) ||
	    (o->snaplen && nla_put_u32(msg, PKTCAP_A_CAPTURE_SNAPLEN, o->snaplen)) ||
	    (o->ring_kb && nla_put_u32(msg, PKTCAP_A_CAPTURE_RING_SIZE, o->ring_kb << 10)) ||
	    (o->wakeup_records &&
	     nla_put_u32(msg, PKTCAP_A_CAPTURE_WAKEUP_RECORDS, o->wakeup_records)) ||
	    (o->has_wakeup_usec &&
	     nla_put_u32(msg, PKTCAP_A_CAPTURE_WAKEUP_USEC, o->wakeup_usec)))
		return -EMSGSIZE;
	return 0;
}

int cap_start(struct pk_nl *nl, const struct cap_opts *o)
{
	struct nl_msg *msg = pk_nl_req(PKTCAP_CMD_START, 0);
	struct nlattr *nest;
	int err;

	if (!msg)
		return pk_err_errno("start", -ENOMEM, NULL);
	nest = nla_nest_start(msg, PKTCAP_A_CAPTURE);
	err = nest ? put_scalars(msg, o) : -EMSGSIZE;
	if (!err)
		err = put_devices(msg, o);
	if (!err)
		err = put_filter(msg, o);
	if (err) {
		nlmsg_free(msg);
		/* put_filter() already said what was wrong with the filter. */
		return err == -EMSGSIZE ? pk_err_errno("start", err, NULL) : 1;
	}
	nla_nest_end(msg, nest);
	err = pk_nl_send(nl, msg, NULL, NULL);
	return err ? pk_nl_perror(nl, "start", err) : 0;
}

int cap_stop(struct pk_nl *nl, bool quiet)
{
	int err = pk_nl_send(nl, pk_nl_req(PKTCAP_CMD_STOP, 0), NULL, NULL);

	if (!err || (quiet && err == -ENOENT))
		return 0;
	return pk_nl_perror(nl, "stop", err);
}

static const struct nla_policy cap_policy[PKTCAP_A_CAPTURE_MAX + 1] = {
	[PKTCAP_A_CAPTURE_STATE] = PK_POL_U32,
};

int cap_running(struct pk_nl *nl)
{
	struct nlattr *tb[PKTCAP_A_MAX + 1], *cap[PKTCAP_A_CAPTURE_MAX + 1];
	struct nlmsghdr *reply;
	int err;

	err = pk_nl_query(nl, pk_nl_req(PKTCAP_CMD_STATUS, 0), &reply);
	if (err)
		return err;
	err = pk_nl_parse(reply, tb, PKTCAP_A_MAX, NULL);
	if (!err && tb[PKTCAP_A_CAPTURE])
		err = pk_nl_parse_nested(tb[PKTCAP_A_CAPTURE], cap,
					 PKTCAP_A_CAPTURE_MAX, cap_policy);
	if (!err)
		err = tb[PKTCAP_A_CAPTURE] && cap[PKTCAP_A_CAPTURE_STATE] &&
		      nla_get_u32(cap[PKTCAP_A_CAPTURE_STATE]) == PKTCAP_STATE_RUNNING;
	free(reply);
	return err;
}

/* The JSON names: the enum's names in lower case, minus the prefix. */
static const char *const counter_names[PKTCAP_A_METRICS_MAX + 1] = {
	[PKTCAP_A_METRICS_SEEN] = "seen",
	[PKTCAP_A_METRICS_CAPTURED] = "captured",
	[PKTCAP_A_METRICS_FILTERED] = "filtered",
	[PKTCAP_A_METRICS_DROPPED] = "dropped",
	[PKTCAP_A_METRICS_TRUNCATED] = "truncated",
	[PKTCAP_A_METRICS_BYTES] = "bytes",
	[PKTCAP_A_METRICS_WAKEUPS] = "wakeups",
	[PKTCAP_A_METRICS_FLOWS_ACTIVE] = "flows_active",
	[PKTCAP_A_METRICS_FLOWS_CREATED] = "flows_created",
	[PKTCAP_A_METRICS_FLOWS_EXPIRED_IDLE] = "flows_expired_idle",
	[PKTCAP_A_METRICS_FLOWS_EXPIRED_ACTIVE] = "flows_expired_active",
	[PKTCAP_A_METRICS_FLOWS_EXPIRED_END] = "flows_expired_end",
	[PKTCAP_A_METRICS_FLOWS_EVICTED] = "flows_evicted",
	[PKTCAP_A_METRICS_FLOWS_FORCED] = "flows_forced",
	[PKTCAP_A_METRICS_FLOW_PACKETS] = "flow_packets",
	[PKTCAP_A_METRICS_FLOW_BYTES] = "flow_bytes",
	[PKTCAP_A_METRICS_BATCHES_SENT] = "batches_sent",
	[PKTCAP_A_METRICS_BATCHES_LOST] = "batches_lost",
	[PKTCAP_A_METRICS_FLOWS_LOST] = "flows_lost",
	[PKTCAP_A_METRICS_PACKETS_LOST] = "packets_lost",
	[PKTCAP_A_METRICS_PARSE_TRUNCATED] = "parse_truncated",
	[PKTCAP_A_METRICS_PARSE_BAD_HEADER] = "parse_bad_header",
	[PKTCAP_A_METRICS_PARSE_EXTHDR_LIMIT] = "parse_exthdr_limit",
	[PKTCAP_A_METRICS_FLOWS_DELIVERED] = "flows_delivered",
	[PKTCAP_A_METRICS_PACKETS_DELIVERED] = "packets_delivered",
	[PKTCAP_A_METRICS_FLOW_SAMPLED_OUT] = "flow_sampled_out",
	[PKTCAP_A_METRICS_FLOW_ALLOC_FAILED] = "flow_alloc_failed",
	[PKTCAP_A_METRICS_FLOW_PACKETS_ACTIVE] = "flow_packets_active",
	[PKTCAP_A_METRICS_FLOW_PACKETS_PENDING] = "flow_packets_pending",
	[PKTCAP_A_METRICS_FLOWS_PENDING] = "flows_pending",
	[PKTCAP_A_METRICS_BATCH_SEQ] = "batch_seq",
	[PKTCAP_A_METRICS_FLOW_BUCKETS] = "flow_buckets",
	[PKTCAP_A_METRICS_FLOW_GROW_FAILED] = "flow_grow_failed",
};

const char *cap_counter_name(int type)
{
	if (type < 0 || type > PKTCAP_A_METRICS_MAX)
		return NULL;
	return counter_names[type];
}

/* Every counter in the nest; a known counter must be a u64. */
static int read_counters(const struct nlattr *nest, struct cap_counters *c,
			 uint32_t *cpu_id)
{
	struct nlattr *a;
	int rem, t;

	nla_for_each_nested(a, (struct nlattr *)nest, rem) {
		t = nla_type(a);
		if (t == PKTCAP_A_METRICS_CPU_ID && cpu_id) {
			if (nla_len(a) != 4)
				return -EBADMSG;
			*cpu_id = nla_get_u32(a);
		} else if (cap_counter_name(t)) {
			if (nla_len(a) != 8)
				return -EBADMSG;
			c->present[t] = true;
			c->val[t] = nla_get_u64(a);
		}
	}
	return 0;
}

static int read_metrics(const struct nlattr *nest, struct cap_metrics *m)
{
	struct nlattr *a;
	int rem, err;

	memset(m, 0, sizeof(*m));
	err = read_counters(nest, &m->total, NULL);
	nla_for_each_nested(a, (struct nlattr *)nest, rem) {
		if (err || nla_type(a) != PKTCAP_A_METRICS_CPU)
			continue;
		if (m->nr_cpus == CAP_MAX_CPUS)
			return -E2BIG;
		err = read_counters(a, &m->cpu[m->nr_cpus], &m->cpu_id[m->nr_cpus]);
		m->nr_cpus++;
	}
	return err;
}

int cap_metrics_get(struct pk_nl *nl, struct cap_metrics *m)
{
	struct nlattr *tb[PKTCAP_A_MAX + 1];
	struct nlmsghdr *reply;
	int err;

	err = pk_nl_query(nl, pk_nl_req(PKTCAP_CMD_METRICS, 0), &reply);
	if (err)
		return err;
	err = pk_nl_parse(reply, tb, PKTCAP_A_MAX, NULL);
	if (!err && !tb[PKTCAP_A_METRICS])
		err = -EBADMSG;
	if (!err)
		err = read_metrics(tb[PKTCAP_A_METRICS], m);
	free(reply);
	return err;
}
