/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The flow meter of a network namespace: table, packet path, expiry and
 * delivery of expired flows.
 *
 * Conservation, the property the tests prove: every packet the meter
 * counts in FLOW_PACKETS is added to exactly one flow generation, and
 * every generation ends exactly once, either still in the table (active),
 * waiting in a queue (pending), multicast (delivered) or counted lost. So
 *   flow_packets == active + pending + delivered + lost
 * and pending is zero at a quiet moment.
 */
#ifndef _PKTCAP_FLOW_H
#define _PKTCAP_FLOW_H

#include <linux/pktcap.h>
#include <linux/bit_spinlock.h>
#include <linux/bottom_half.h>
#include <linux/mutex.h>
#include <linux/u64_stats_sync.h>
#include <linux/workqueue.h>
#include "flow_parse.h"
#include "hook.h"

/**
 * struct pktcap_flow - one flow in the table, 128 bytes on 64-bit
 *	kernels, whatever their debugging options
 * @node: bucket chain, walked under RCU
 * @hashlock: bit %PKTCAP_FLOW_LOCK_BIT is the flow's lock, the others
 *	are the key's hash (pktcap_flow_tag()), compared before the key: a
 *	chain walk then reads one word of a flow that is not the one it
 *	looks for, not 48 bytes. The lock covers the counters, @dead and
 *	@end. A packet that finds the flow dead retries its lookup, so no
 *	packet is added to a flow after its final values were taken
 * @dead: removed from the table; its values went into a snapshot
 * @end: TCP FIN or RST seen: expire at the next scan
 * @swapped: biflow whose initiator is @key.dst
 * @frag: fragments were seen
 * @tcp_flags: OR of TCP flags, initiator direction
 * @rev_tcp_flags: OR of TCP flags, reverse direction (biflows)
 * @ttl_min: smallest TTL or hop limit
 * @ttl_max: largest
 * @key: the key; for biflows the canonical orientation
 * @packets: packets, initiator direction
 * @bytes: bytes, initiator direction
 * @first_ns: CLOCK_REALTIME of the first packet
 * @last_ns: CLOCK_REALTIME of the last packet
 * @rev_packets: reverse direction (biflows)
 * @rev_bytes: reverse direction (biflows)
 * @rcu: frees the flow; overlays the reverse counters, which nobody
 *	reads once @dead is set
 */
struct pktcap_flow {
	struct hlist_node node;
	unsigned long hashlock;	/* bit 0 locks counters, @dead and @end */
	u8 dead;
	u8 end;
	u8 swapped;
	u8 frag;
	u8 tcp_flags;
	u8 rev_tcp_flags;
	u8 ttl_min;
	u8 ttl_max;
	struct pktcap_flow_key key;
	u64 packets;
	u64 bytes;
	u64 first_ns;
	u64 last_ns;
	union {
		struct {
			u64 rev_packets;
			u64 rev_bytes;
		};
		struct rcu_head rcu;
	};
};

/* The memory per flow docs/FLOW-METER.md gives. */
static_assert(!IS_ENABLED(CONFIG_64BIT) || sizeof(struct pktcap_flow) == 128);

/*
 * A flow's lock is a bit spinlock. Every packet takes it once, and
 * spin_lock() and spin_unlock() are two out-of-line calls on production
 * kernels (bench FINDINGS item 15); the bit lock is inline, and unlike
 * spinlock_t it does not grow under lock debugging. Lockdep does not see it, so its rules are here:
 * it is the innermost lock (a bucket lock may be held around it, nothing
 * is taken inside it), BH is disabled while it is held, and it is held
 * for a few stores only.
 */
#define PKTCAP_FLOW_LOCK_BIT	0

/* What @hashlock keeps of a hash, or of itself: all but the lock bit. */
static inline unsigned long pktcap_flow_tag(unsigned long hash)
{
	return hash & ~BIT(PKTCAP_FLOW_LOCK_BIT);
}

/* From softirq, or with BH disabled. */
static inline void pktcap_flow_lock(struct pktcap_flow *f)
{
	bit_spin_lock(PKTCAP_FLOW_LOCK_BIT, &f->hashlock);
}

/*
 * Non-atomic: the other bits never change while the flow is in the
 * table, and a CPU waiting for the lock only sets the lock bit.
 */
static inline void pktcap_flow_unlock(struct pktcap_flow *f)
{
	__bit_spin_unlock(PKTCAP_FLOW_LOCK_BIT, &f->hashlock);
}

static inline void pktcap_flow_lock_bh(struct pktcap_flow *f)
{
	local_bh_disable();
	pktcap_flow_lock(f);
}

static inline void pktcap_flow_unlock_bh(struct pktcap_flow *f)
{
	pktcap_flow_unlock(f);
	local_bh_enable();
}

/**
 * struct pktcap_flow_snap - a flow's final values, as delivered
 * @key: the key in initiator orientation
 * @packets: see &struct pktcap_flow
 * @bytes: likewise
 * @rev_packets: likewise
 * @rev_bytes: likewise
 * @first_ns: likewise
 * @last_ns: likewise
 * @tcp_flags: likewise
 * @rev_tcp_flags: likewise
 * @ttl_min: likewise
 * @ttl_max: likewise
 * @reason: &enum pktcap_flow_end
 * @frag: likewise
 */
struct pktcap_flow_snap {
	struct pktcap_flow_key key;
	u64 packets;
	u64 bytes;
	u64 rev_packets;
	u64 rev_bytes;
	u64 first_ns;
	u64 last_ns;
	u8 tcp_flags;
	u8 rev_tcp_flags;
	u8 ttl_min;
	u8 ttl_max;
	u8 reason;
	u8 frag;
};

/**
 * struct pktcap_meter_stats - per-CPU meter counters
 * @syncp: consistent 64-bit reads on 32-bit machines
 * @packets: packets added to flows
 * @bytes: bytes added to flows
 * @created: flows created
 * @expired: flows ended, by &enum pktcap_flow_end (index 0 unused)
 * @parse: parse results other than OK, by &enum pktcap_parse_result
 * @sampled_out: packets skipped by sampling
 * @alloc_failed: packets not metered: no memory or no room for a flow
 * @queue_lost_flows: evicted flows lost because the CPU's queue was full
 * @queue_lost_packets: packets in those flows
 */
struct pktcap_meter_stats {
	struct u64_stats_sync syncp;
	u64_stats_t packets;
	u64_stats_t bytes;
	u64_stats_t created;
	u64_stats_t expired[PKTCAP_FLOW_END_RESOURCES + 1];
	u64_stats_t parse[PKTCAP_PARSE_NR_RESULTS];
	u64_stats_t sampled_out;
	u64_stats_t alloc_failed;
	u64_stats_t queue_lost_flows;
	u64_stats_t queue_lost_packets;
};

/* Snapshots a CPU queues from the packet path (LRU evictions). */
#define PKTCAP_FLOW_QUEUE_LEN	512

/**
 * struct pktcap_flow_queue - a CPU's evicted flows awaiting delivery
 * @lock: taken by the owning CPU's packet path and by the worker
 * @n: snapshots in @snap
 * @snap: %PKTCAP_FLOW_QUEUE_LEN snapshots, on the CPU's node (too large
 *	for the percpu allocator itself)
 */
struct pktcap_flow_queue {
	spinlock_t lock;	/* owning CPU's packet path vs the worker */
	unsigned int n;
	struct pktcap_flow_snap *snap;
};

struct pktcap_meter_cfg {
	enum pktcap_backend_id backend;
	u32 max_flows;
	u32 active_timeout;
	u32 inactive_timeout;
	u32 sampling;
	bool sampling_random;
	bool bidirectional;
};

/* Bucket lock stripes; also the table's smallest size (see flow.c). */
#define PKTCAP_FLOW_LOCKS	1024

/**
 * struct pktcap_flow_tbl - the bucket array, replaced when the table grows
 * @mask: buckets minus one; buckets are a power of two, at least
 *	%PKTCAP_FLOW_LOCKS
 * @buckets: chains, walked under RCU; an allocation of its own, exactly a
 *	power of two in size (with the header it would take twice that)
 */
struct pktcap_flow_tbl {
	u32 mask;
	struct hlist_head *buckets;
};

/**
 * struct pktcap_meter - the flow meter of one namespace
 * @pn: the namespace
 * @cfg: settings, fixed while enabled
 * @seed: hash seed
 * @tbl: the bucket array, under RCU; replaced under @table_mutex
 * @future: while the table grows, the array flows are moving to; NULL
 *	otherwise
 * @max_buckets: the size the table grows to at most, from max_flows
 * @memcg: the memory cgroup of the task that enabled metering, charged
 *	for the table as it grows, as it would have been at enable
 * @locks: bucket locks, striped by hash: a flow of hash h is under
 *	locks[h % PKTCAP_FLOW_LOCKS] in @tbl and in @future alike
 * @table_mutex: held to replace @tbl, and by whole-table walks that must
 *	not see a flow twice or miss one (expiry scan, dump, METRICS)
 * @count: flows in the table
 * @queues: per-CPU eviction queues
 * @sample_ctr: per-CPU deterministic sampling counter
 * @evict_cursor: per-CPU bucket where the next eviction search starts
 * @work: expiry and delivery, every second or when a queue fills
 * @grow_work: moves the flows to a larger @tbl, when they outnumber half of it
 * @grow_after: jiffies before which no growth is queued (after a refusal)
 * @grow_backoff: wait after the last refusal, in jiffies; 0 after a
 *	success; under @table_mutex
 * @grow_failed: growths refused for memory; written under @table_mutex
 * @scan_cursor: first bucket of the worker's next slice; worker only
 * @stopping: set before the final flush so nothing re-arms @work
 * @nr_hooks: entries in @hooks
 * @hooks: one per device
 */
struct pktcap_meter {
	struct pktcap_net *pn;
	struct pktcap_meter_cfg cfg;
	u32 seed;
	struct pktcap_flow_tbl __rcu *tbl;
	struct pktcap_flow_tbl __rcu *future;
	u32 max_buckets;
	struct mem_cgroup *memcg;
	spinlock_t *locks;	/* bucket chains, striped by hash */
	struct mutex table_mutex;	/* replacing @tbl vs whole-table walks */
	atomic_t count;
	struct pktcap_flow_queue __percpu *queues;
	u32 __percpu *sample_ctr;
	u32 __percpu *evict_cursor;
	struct delayed_work work;
	struct work_struct grow_work;
	unsigned long grow_after;
	unsigned long grow_backoff;
	unsigned long grow_failed;
	u32 scan_cursor;
	bool stopping;
	unsigned int nr_hooks;
	struct pktcap_hook hooks[];
};

/* The array, for a walk that holds @m->table_mutex. */
static inline struct pktcap_flow_tbl *pktcap_meter_table(struct pktcap_meter *m)
{
	return rcu_dereference_protected(m->tbl,
					 lockdep_is_held(&m->table_mutex));
}

/* flow.c */
struct pktcap_meter *pktcap_meter_alloc(struct pktcap_net *pn,
					const struct pktcap_meter_cfg *cfg,
					unsigned int nr_devs);
void pktcap_meter_free(struct pktcap_meter *m);
void pktcap_meter_stop(struct pktcap_meter *m);
void pktcap_meter_expire(struct pktcap_meter *m, bool force);
void pktcap_meter_active(struct pktcap_meter *m, u64 *flows, u64 *packets);
u32 pktcap_meter_buckets(struct pktcap_meter *m);
unsigned long pktcap_meter_grow_failed(const struct pktcap_meter *m);
int pktcap_flow_cache_init(void);
void pktcap_flow_cache_exit(void);

/* Takes the snapshot of a flow being removed; caller holds its lock. */
void pktcap_flow_snapshot(const struct pktcap_flow *f, u8 reason,
			  struct pktcap_flow_snap *s);

/* flow_export.c: batches of expired flows on the "flows" group */
void pktcap_export_flow(struct pktcap_meter *m,
			const struct pktcap_flow_snap *s);
void pktcap_export_flush(struct pktcap_meter *m);
int pktcap_flow_fill(struct sk_buff *skb, int type,
		     const struct pktcap_flow_snap *s, u32 sampling);

#endif /* _PKTCAP_FLOW_H */
