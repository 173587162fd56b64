// SPDX-License-Identifier: GPL-2.0
/*
 * The flow meter's control side: FLOW-METER enable and disable, its part
 * of STATUS and METRICS, and the FLOWS dump.
 *
 * Metering works without a capture session and may use other devices and
 * another backend. Its settings are fixed while it runs; disabling ends
 * every flow with reason "forced end" and delivers it.
 */
#include <linux/mm.h>
#include <linux/rtnetlink.h>
#include <net/genetlink.h>
#include <net/sock.h>
#include "pktcap.h"
#include "flow.h"
#include "flow_cursor.h"

/* Default table size: 1/1024 of memory at 128 bytes a flow, bounded. */
static u32 default_max_flows(void)
{
	u64 flows = ((u64)totalram_pages() << PAGE_SHIFT) / 1024 / 128;

	return clamp_t(u64, flows, 4096, 1U << 20);
}

static u32 nla_u32_or(struct nlattr *a, u32 dflt)
{
	return a ? nla_get_u32(a) : dflt;
}

static int parse_cfg(struct nlattr **tb, struct pktcap_meter_cfg *cfg,
		     struct netlink_ext_ack *extack)
{
	int backend = pktcap_parse_backend(tb[PKTCAP_A_FLOW_METER_BACKEND], extack);

	if (backend < 0)
		return backend;
	cfg->backend = backend;
	cfg->max_flows = nla_u32_or(tb[PKTCAP_A_FLOW_METER_MAX_FLOWS],
				    default_max_flows());
	cfg->active_timeout = nla_u32_or(tb[PKTCAP_A_FLOW_METER_ACTIVE_TIMEOUT],
					 PKTCAP_ACTIVE_TIMEOUT_DEFAULT);
	cfg->inactive_timeout = nla_u32_or(tb[PKTCAP_A_FLOW_METER_INACTIVE_TIMEOUT],
					   PKTCAP_INACTIVE_TIMEOUT_DEFAULT);
	cfg->sampling = nla_u32_or(tb[PKTCAP_A_FLOW_METER_SAMPLING], 1);
	cfg->sampling_random = tb[PKTCAP_A_FLOW_METER_SAMPLING_RANDOM] &&
			       nla_get_u8(tb[PKTCAP_A_FLOW_METER_SAMPLING_RANDOM]);
	cfg->bidirectional = tb[PKTCAP_A_FLOW_METER_BIDIRECTIONAL] &&
			     nla_get_u8(tb[PKTCAP_A_FLOW_METER_BIDIRECTIONAL]);
	return 0;
}

static void meter_detach(struct pktcap_meter *m)
{
	unsigned int i;

	for (i = 0; i < m->nr_hooks; i++)
		pktcap_hook_detach(&m->hooks[i]);
}

/* After the hooks are gone: end every flow, deliver, free. */
static void meter_finish(struct pktcap_meter *m)
{
	pktcap_meter_stop(m);
	pktcap_meter_free(m);
}

static int meter_enable(struct pktcap_net *pn, struct nlattr **tb,
			struct nlattr *nest, struct netlink_ext_ack *extack)
{
	struct pktcap_meter_cfg cfg;
	struct pktcap_meter *m;
	int nr_devs, err;

	nr_devs = pktcap_count_devices(nest, PKTCAP_A_FLOW_METER_DEVICE, extack);
	if (nr_devs < 0)
		return nr_devs;
	err = parse_cfg(tb, &cfg, extack);
	if (err)
		return err;
	m = pktcap_meter_alloc(pn, &cfg, nr_devs);
	if (!m) {
		NL_SET_ERR_MSG_MOD(extack, "cannot allocate the flow table");
		return -ENOMEM;
	}

	rtnl_lock();
	mutex_lock(&pn->lock);
	if (pn->meter) {
		NL_SET_ERR_MSG_MOD(extack,
				   "flow meter already enabled in this network namespace (disable it first)");
		err = -EBUSY;
		goto err_unlock;
	}
	err = pktcap_hooks_attach(m->hooks, &m->nr_hooks, pn->net, nest,
				  PKTCAP_A_FLOW_METER_DEVICE, &(struct pktcap_hook) {
					.backend = m->cfg.backend,
					.rx = pktcap_meter_rx,
					.owner = m,
				  }, extack);
	if (err)
		goto err_detach;
	pn->meter = m;
	mod_delayed_work(system_wq, &m->work, HZ);
	mutex_unlock(&pn->lock);
	rtnl_unlock();
	return 0;

err_detach:
	meter_detach(m);
err_unlock:
	mutex_unlock(&pn->lock);
	rtnl_unlock();
	synchronize_net();
	meter_finish(m);
	return err;
}

/* Detaches the meter from the namespace; NULL if none ran. */
static struct pktcap_meter *meter_take(struct pktcap_net *pn)
{
	struct pktcap_meter *m;

	rtnl_lock();
	mutex_lock(&pn->lock);
	m = pn->meter;
	if (m) {
		meter_detach(m);
		pn->meter = NULL;
	}
	mutex_unlock(&pn->lock);
	rtnl_unlock();
	if (m)
		synchronize_net();
	return m;
}

int pktcap_meter_set(struct pktcap_net *pn, struct nlattr *nest,
		     struct netlink_ext_ack *extack)
{
	struct nlattr *tb[PKTCAP_A_FLOW_METER_MAX + 1];
	struct pktcap_meter *m;
	int err;

	err = nla_parse_nested(tb, PKTCAP_A_FLOW_METER_MAX, nest, NULL, extack);
	if (err)
		return err;
	if (!tb[PKTCAP_A_FLOW_METER_ENABLED]) {
		NL_SET_ERR_MSG_ATTR(extack, nest, "missing enabled attribute");
		return -EINVAL;
	}
	if (nla_get_u8(tb[PKTCAP_A_FLOW_METER_ENABLED]))
		return meter_enable(pn, tb, nest, extack);

	m = meter_take(pn);
	if (!m) {
		NL_SET_ERR_MSG_MOD(extack, "flow meter is not enabled");
		return -ENOENT;
	}
	meter_finish(m);
	return 0;
}

void pktcap_meter_shutdown(struct pktcap_net *pn)
{
	struct pktcap_meter *m = meter_take(pn);

	if (m)
		meter_finish(m);
}

/* Under rtnl_lock, from the netdev notifier. */
void pktcap_meter_device_gone(struct pktcap_net *pn, struct net_device *dev)
{
	unsigned int i;

	mutex_lock(&pn->lock);
	for (i = 0; pn->meter && i < pn->meter->nr_hooks; i++)
		if (pn->meter->hooks[i].dev == dev)
			pktcap_hook_detach(&pn->meter->hooks[i]);
	mutex_unlock(&pn->lock);
}

static int fill_cfg(struct sk_buff *skb, const struct pktcap_meter *m)
{
	const struct pktcap_meter_cfg *c = &m->cfg;
	unsigned int i;

	if (nla_put_string(skb, PKTCAP_A_FLOW_METER_BACKEND,
			   pktcap_backend(c->backend)->name) ||
	    nla_put_u32(skb, PKTCAP_A_FLOW_METER_MAX_FLOWS, c->max_flows) ||
	    nla_put_u32(skb, PKTCAP_A_FLOW_METER_ACTIVE_TIMEOUT, c->active_timeout) ||
	    nla_put_u32(skb, PKTCAP_A_FLOW_METER_INACTIVE_TIMEOUT, c->inactive_timeout) ||
	    nla_put_u32(skb, PKTCAP_A_FLOW_METER_SAMPLING, c->sampling) ||
	    nla_put_u8(skb, PKTCAP_A_FLOW_METER_SAMPLING_RANDOM, c->sampling_random) ||
	    nla_put_u8(skb, PKTCAP_A_FLOW_METER_BIDIRECTIONAL, c->bidirectional))
		return -EMSGSIZE;
	for (i = 0; i < m->nr_hooks; i++)
		if (pktcap_hook_fill(skb, PKTCAP_A_FLOW_METER_DEVICE, &m->hooks[i]))
			return -EMSGSIZE;
	return 0;
}

/* The PKTCAP_A_FLOW_METER nest of STATUS. Caller holds pn->lock. */
int pktcap_meter_fill_status(struct pktcap_net *pn, struct sk_buff *skb)
{
	struct nlattr *nest = nla_nest_start(skb, PKTCAP_A_FLOW_METER);

	lockdep_assert_held(&pn->lock);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u8(skb, PKTCAP_A_FLOW_METER_ENABLED, !!pn->meter) ||
	    (pn->meter && fill_cfg(skb, pn->meter))) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

int pktcap_meter_stats_init(struct pktcap_net *pn)
{
	int cpu;

	pn->meter_stats = alloc_percpu(struct pktcap_meter_stats);
	if (!pn->meter_stats)
		return -ENOMEM;
	for_each_possible_cpu(cpu)
		u64_stats_init(&per_cpu_ptr(pn->meter_stats, cpu)->syncp);
	mutex_init(&pn->export.lock);
	return 0;
}

void pktcap_meter_stats_free(struct pktcap_net *pn)
{
	free_percpu(pn->meter_stats);
}

/*
 * FLOWS dump. A bucket goes into one skb whole, or waits for the next,
 * and buckets are visited in the order of flow_cursor.h, so a flow present
 * for the whole dump is reported exactly once however the table changes
 * between the calls, growth included: a flow moves only to buckets that
 * the order puts where its old bucket was. Only a bucket too large for an
 * empty skb is split, by position; should the table grow in the middle of
 * one, that bucket is dumped again from its start (repeats, never misses).
 *
 * cb->args: [0] the cursor, [1] flows of the cursor's bucket already
 * dumped, [2] buckets in the table when [1] was set, [3] 1 once the
 * cursor has wrapped to 0 again: the dump is complete.
 */
struct dump_filter {
	u32 ifindex;
	u8 proto;
	bool has_proto;
};

static bool dump_match(const struct dump_filter *df, const struct pktcap_flow_key *k)
{
	return (!df->ifindex || k->ifindex == df->ifindex) &&
	       (!df->has_proto || k->proto == df->proto);
}

static int dump_flow(struct sk_buff *skb, struct netlink_callback *cb,
		     const struct pktcap_flow_snap *s, u32 sampling)
{
	void *hdr = pktcap_genl_dump_put(skb, cb, PKTCAP_CMD_FLOWS);

	if (!hdr)
		return -EMSGSIZE;
	if (pktcap_flow_fill(skb, PKTCAP_A_FLOW, s, sampling)) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

/* Returns the number of flows put, or -EMSGSIZE after @skip + that many. */
static int dump_bucket(struct sk_buff *skb, struct netlink_callback *cb,
		       struct pktcap_meter *m, struct hlist_head *head,
		       const struct dump_filter *df, long skip, long *done)
{
	struct pktcap_flow_snap s;
	struct pktcap_flow *f;
	bool live;
	int err = 0;

	*done = 0;
	rcu_read_lock();
	hlist_for_each_entry_rcu(f, head, node) {
		pktcap_flow_lock_bh(f);
		live = !f->dead && dump_match(df, &f->key);
		if (live)
			pktcap_flow_snapshot(f, 0, &s);
		pktcap_flow_unlock_bh(f);
		if (!live || skip-- > 0)
			continue;
		err = dump_flow(skb, cb, &s, m->cfg.sampling);
		if (err)
			break;
		(*done)++;
	}
	rcu_read_unlock();
	return err;
}

static void dump_filter_parse(struct netlink_callback *cb, struct dump_filter *df)
{
	struct nlattr *attr = pktcap_dump_attr(cb, PKTCAP_A_FLOW_FILTER);
	struct nlattr *tb[PKTCAP_A_FLOW_MAX + 1];

	memset(df, 0, sizeof(*df));
	if (!attr || nla_parse_nested(tb, PKTCAP_A_FLOW_MAX, attr, NULL, NULL))
		return;
	if (tb[PKTCAP_A_FLOW_IFINDEX])
		df->ifindex = nla_get_u32(tb[PKTCAP_A_FLOW_IFINDEX]);
	if (tb[PKTCAP_A_FLOW_PROTO]) {
		df->proto = nla_get_u8(tb[PKTCAP_A_FLOW_PROTO]);
		df->has_proto = true;
	}
}

int pktcap_meter_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct pktcap_net *pn = pktcap_pernet(sock_net(skb->sk));
	struct pktcap_flow_tbl *t;
	struct dump_filter df;
	struct pktcap_meter *m;
	unsigned char *tail;
	u32 v, visited = 0;
	bool empty;
	long done;
	int err;

	dump_filter_parse(cb, &df);
	mutex_lock(&pn->lock);
	m = pn->meter;
	if (!m || cb->args[3])
		goto out;
	/* A dump that spans a disable and enable is marked interrupted. */
	cb->seq = m->seed;
	mutex_lock(&m->table_mutex);
	t = pktcap_meter_table(m);
	if (cb->args[1] && cb->args[2] != t->mask + 1)
		cb->args[1] = 0;
	v = cb->args[0];
	do {
		/* Up to 16M buckets; only mutexes are held here. */
		if (!(++visited & 1023))
			cond_resched();
		tail = skb_tail_pointer(skb);
		empty = !skb->len;
		err = dump_bucket(skb, cb, m, &t->buckets[v & t->mask], &df,
				  cb->args[1], &done);
		if (err) {
			if (!empty || !done) {
				nlmsg_trim(skb, tail);	/* the whole bucket next time */
			} else {
				cb->args[1] += done;	/* a bucket larger than an skb */
				cb->args[2] = t->mask + 1;
			}
			break;
		}
		cb->args[1] = 0;
		v = pktcap_flow_cursor_next(v, t->mask);
	} while (v);
	cb->args[0] = v;
	cb->args[3] = !err;
	mutex_unlock(&m->table_mutex);
out:
	mutex_unlock(&pn->lock);
	return skb->len;
}

struct meter_totals {
	u64 packets, bytes, created, sampled_out, alloc_failed;
	u64 qlost_flows, qlost_packets;
	u64 expired[PKTCAP_FLOW_END_RESOURCES + 1];
	u64 parse[PKTCAP_PARSE_NR_RESULTS];
};

static void meter_read_cpu(const struct pktcap_meter_stats *st,
			   struct meter_totals *t)
{
	unsigned int start, i;

	do {
		start = u64_stats_fetch_begin(&st->syncp);
		t->packets += u64_stats_read(&st->packets);
		t->bytes += u64_stats_read(&st->bytes);
		t->created += u64_stats_read(&st->created);
		t->sampled_out += u64_stats_read(&st->sampled_out);
		t->alloc_failed += u64_stats_read(&st->alloc_failed);
		t->qlost_flows += u64_stats_read(&st->queue_lost_flows);
		t->qlost_packets += u64_stats_read(&st->queue_lost_packets);
		for (i = 0; i < ARRAY_SIZE(t->expired); i++)
			t->expired[i] += u64_stats_read(&st->expired[i]);
		for (i = 0; i < ARRAY_SIZE(t->parse); i++)
			t->parse[i] += u64_stats_read(&st->parse[i]);
	} while (u64_stats_fetch_retry(&st->syncp, start));
}

static void meter_totals(struct pktcap_net *pn, struct meter_totals *t)
{
	struct meter_totals one;
	unsigned int i;
	int cpu;

	memset(t, 0, sizeof(*t));
	for_each_possible_cpu(cpu) {
		memset(&one, 0, sizeof(one));
		meter_read_cpu(per_cpu_ptr(pn->meter_stats, cpu), &one);
		t->packets += one.packets;
		t->bytes += one.bytes;
		t->created += one.created;
		t->sampled_out += one.sampled_out;
		t->alloc_failed += one.alloc_failed;
		t->qlost_flows += one.qlost_flows;
		t->qlost_packets += one.qlost_packets;
		for (i = 0; i < ARRAY_SIZE(t->expired); i++)
			t->expired[i] += one.expired[i];
		for (i = 0; i < ARRAY_SIZE(t->parse); i++)
			t->parse[i] += one.parse[i];
	}
}

/* Expired flows still queued per CPU or in the open batch. */
static void meter_pending(struct pktcap_net *pn, u64 *flows, u64 *packets)
{
	struct pktcap_meter *m = pn->meter;
	unsigned int i;
	int cpu;

	*flows = pn->export.n;
	*packets = pn->export.packets;
	if (!m)
		return;
	for_each_possible_cpu(cpu) {
		struct pktcap_flow_queue *q = per_cpu_ptr(m->queues, cpu);

		spin_lock_bh(&q->lock);
		*flows += q->n;
		for (i = 0; i < q->n; i++)
			*packets += q->snap[i].packets + q->snap[i].rev_packets;
		spin_unlock_bh(&q->lock);
	}
}

static int put_u64s(struct sk_buff *skb, const int *types, const u64 *vals,
		    unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (nla_put_u64_64bit(skb, types[i], vals[i], PKTCAP_A_METRICS_PAD))
			return -EMSGSIZE;
	return 0;
}

/*
 * The flow meter's counters, into the open PKTCAP_A_METRICS nest.
 *
 * Packets in active flows need a walk of the whole table, taking every
 * flow's lock: only callers with CAP_NET_ADMIN get it (METRICS itself is
 * open to all), and it is done before the export lock is taken so the
 * worker is not held up. At a quiet moment the walk and the counters read
 * after it agree, which is all conservation needs.
 */
int pktcap_meter_fill_metrics(struct pktcap_net *pn, struct sk_buff *skb,
			      bool walk)
{
	struct pktcap_export_state *x = &pn->export;
	u64 active = 0, active_pkts = 0, pend = 0, pend_pkts = 0, buckets = 0;
	u64 grow_failed = 0;
	struct meter_totals t;
	int err;

	mutex_lock(&pn->lock);
	if (pn->meter) {
		active = atomic_read(&pn->meter->count);
		buckets = pktcap_meter_buckets(pn->meter);
		grow_failed = pktcap_meter_grow_failed(pn->meter);
		if (walk)
			pktcap_meter_active(pn->meter, &active, &active_pkts);
	}
	mutex_lock(&x->lock);
	meter_pending(pn, &pend, &pend_pkts);
	meter_totals(pn, &t);
	{
		static const int types[] = {
			PKTCAP_A_METRICS_FLOWS_ACTIVE,
			PKTCAP_A_METRICS_FLOWS_CREATED,
			PKTCAP_A_METRICS_FLOWS_EXPIRED_IDLE,
			PKTCAP_A_METRICS_FLOWS_EXPIRED_ACTIVE,
			PKTCAP_A_METRICS_FLOWS_EXPIRED_END,
			PKTCAP_A_METRICS_FLOWS_EVICTED,
			PKTCAP_A_METRICS_FLOWS_FORCED,
			PKTCAP_A_METRICS_FLOW_PACKETS,
			PKTCAP_A_METRICS_FLOW_BYTES,
			PKTCAP_A_METRICS_BATCHES_SENT,
			PKTCAP_A_METRICS_BATCHES_LOST,
			PKTCAP_A_METRICS_FLOWS_LOST,
			PKTCAP_A_METRICS_PACKETS_LOST,
			PKTCAP_A_METRICS_PARSE_TRUNCATED,
			PKTCAP_A_METRICS_PARSE_BAD_HEADER,
			PKTCAP_A_METRICS_PARSE_EXTHDR_LIMIT,
			PKTCAP_A_METRICS_FLOWS_DELIVERED,
			PKTCAP_A_METRICS_PACKETS_DELIVERED,
			PKTCAP_A_METRICS_FLOW_SAMPLED_OUT,
			PKTCAP_A_METRICS_FLOW_ALLOC_FAILED,
			PKTCAP_A_METRICS_FLOW_PACKETS_PENDING,
			PKTCAP_A_METRICS_FLOWS_PENDING,
			PKTCAP_A_METRICS_BATCH_SEQ,
			PKTCAP_A_METRICS_FLOW_BUCKETS,
			PKTCAP_A_METRICS_FLOW_GROW_FAILED,
		};
		const u64 vals[] = {
			active, t.created,
			t.expired[PKTCAP_FLOW_END_IDLE],
			t.expired[PKTCAP_FLOW_END_ACTIVE],
			t.expired[PKTCAP_FLOW_END_EOF],
			t.expired[PKTCAP_FLOW_END_RESOURCES],
			t.expired[PKTCAP_FLOW_END_FORCED],
			t.packets, t.bytes, x->batches_sent, x->batches_lost,
			x->flows_lost + t.qlost_flows,
			x->packets_lost + t.qlost_packets,
			t.parse[PKTCAP_PARSE_TRUNCATED],
			t.parse[PKTCAP_PARSE_BAD_HEADER],
			t.parse[PKTCAP_PARSE_EXTHDR_LIMIT],
			x->flows_delivered, x->packets_delivered,
			t.sampled_out, t.alloc_failed, pend_pkts,
			pend, x->seq, buckets, grow_failed,
		};

		BUILD_BUG_ON(ARRAY_SIZE(types) != ARRAY_SIZE(vals));
		err = put_u64s(skb, types, vals, ARRAY_SIZE(types));
		if (!err && walk)
			err = nla_put_u64_64bit(skb, PKTCAP_A_METRICS_FLOW_PACKETS_ACTIVE,
						active_pkts, PKTCAP_A_METRICS_PAD);
	}
	mutex_unlock(&x->lock);
	mutex_unlock(&pn->lock);
	return err;
}
