// SPDX-License-Identifier: GPL-2.0
/*
 * METRICS: the namespace's cumulative counters, summed and per CPU.
 * Counters are per-CPU and written only by their CPU, so reading them
 * takes no lock on the packet path; the u64_stats sequence makes each
 * CPU's snapshot consistent, which is what keeps
 * seen == captured + filtered + dropped exact at a quiet moment.
 */
#include <net/netlink.h>
#include "pktcap.h"

struct cap_totals {
	u64 seen, captured, filtered, dropped, truncated, bytes, wakeups;
};

static void read_cpu(const struct pktcap_cap_stats *st, struct cap_totals *t)
{
	unsigned int start;

	do {
		start = u64_stats_fetch_begin(&st->syncp);
		t->seen = u64_stats_read(&st->seen);
		t->captured = u64_stats_read(&st->captured);
		t->filtered = u64_stats_read(&st->filtered);
		t->dropped = u64_stats_read(&st->dropped);
		t->truncated = u64_stats_read(&st->truncated);
		t->bytes = u64_stats_read(&st->bytes);
		t->wakeups = u64_stats_read(&st->wakeups);
	} while (u64_stats_fetch_retry(&st->syncp, start));
}

static void add(struct cap_totals *sum, const struct cap_totals *t)
{
	sum->seen += t->seen;
	sum->captured += t->captured;
	sum->filtered += t->filtered;
	sum->dropped += t->dropped;
	sum->truncated += t->truncated;
	sum->bytes += t->bytes;
	sum->wakeups += t->wakeups;
}

static int put_totals(struct sk_buff *skb, const struct cap_totals *t)
{
	const struct { int type; u64 val; } v[] = {
		{ PKTCAP_A_METRICS_SEEN, t->seen },
		{ PKTCAP_A_METRICS_CAPTURED, t->captured },
		{ PKTCAP_A_METRICS_FILTERED, t->filtered },
		{ PKTCAP_A_METRICS_DROPPED, t->dropped },
		{ PKTCAP_A_METRICS_TRUNCATED, t->truncated },
		{ PKTCAP_A_METRICS_BYTES, t->bytes },
		{ PKTCAP_A_METRICS_WAKEUPS, t->wakeups },
	};
	int i;

	for (i = 0; i < ARRAY_SIZE(v); i++)
		if (nla_put_u64_64bit(skb, v[i].type, v[i].val,
				      PKTCAP_A_METRICS_PAD))
			return -EMSGSIZE;
	return 0;
}

static int put_one_cpu(struct sk_buff *skb, int cpu, const struct cap_totals *t)
{
	struct nlattr *nest = nla_nest_start(skb, PKTCAP_A_METRICS_CPU);

	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u32(skb, PKTCAP_A_METRICS_CPU_ID, cpu) ||
	    put_totals(skb, t)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

int pktcap_metrics_fill(struct pktcap_net *pn, struct sk_buff *skb, bool walk)
{
	struct cap_totals sum = {}, t;
	struct nlattr *nest;
	int cpu;

	nest = nla_nest_start(skb, PKTCAP_A_METRICS);
	if (!nest)
		return -EMSGSIZE;
	for_each_possible_cpu(cpu) {
		read_cpu(per_cpu_ptr(pn->cap_stats, cpu), &t);
		add(&sum, &t);
		if (put_one_cpu(skb, cpu, &t))
			return -EMSGSIZE;
	}
	if (put_totals(skb, &sum) || pktcap_meter_fill_metrics(pn, skb, walk))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}
