// SPDX-License-Identifier: GPL-2.0
/*
 * The flow table and the metering packet path.
 *
 * Lookups walk RCU bucket chains without a lock. Creating or removing a
 * flow takes its bucket's lock (striped), and counting a packet takes the
 * flow's own lock, so the only lock two CPUs can contend on is the one of
 * a flow both are seeing packets of. The number of flows is an atomic
 * counter, written only when flows come and go.
 *
 * The bucket array grows with the flows, up to the size max_flows calls
 * for: a packet's lookup touches a random bucket, and a 16 MiB array
 * holding a thousand flows costs a cache (and TLB) miss on every packet
 * where an array sized by its flows would not. Growing moves the flows
 * into a new array in a worker, bucket by bucket under the bucket locks,
 * which are striped by hash so that a flow has the same lock in either
 * array. Meanwhile a lookup that misses in the old array looks in the new
 * one, and a lockless walk that a moved flow led into the new array just
 * misses: creating a flow looks again under the lock, in both arrays,
 * before it inserts. The table never shrinks while enabled.
 *
 * When the table is full, the least recently used flow of a small sample
 * of buckets is expired with reason "lack of resources" and delivered like
 * any other: sampled LRU, as exact LRU would need one list shared by every
 * CPU. See docs/FLOW-METER.md.
 */
#include <linux/if_arp.h>
#include <linux/if_vlan.h>
#include <linux/jhash.h>
#include <linux/memcontrol.h>
#include <linux/random.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include "pktcap.h"
#include "flow.h"

static struct kmem_cache *pktcap_flow_cache __read_mostly;

/* Buckets an eviction search visits at most, and flows it wants to see. */
#define EVICT_MAX_BUCKETS	64
#define EVICT_SAMPLE		8

/*
 * An IPv4 key's address words past the first are zero (struct
 * pktcap_flow_key; tests/fuzz/fuzz_flow_parse.c checks it), so hashing
 * the six other words loses nothing and takes one mixing round of jhash2()
 * instead of three.
 */
static u32 flow_hash(const struct pktcap_meter *m,
		     const struct pktcap_flow_key *key)
{
	const u32 *w = (const u32 *)key;

	if (key->l3proto == ETH_P_IP) {
		u32 v[6] = { w[0], w[4], w[8], w[9], w[10], w[11] };

		return jhash2(v, ARRAY_SIZE(v), m->seed);
	}
	return jhash2(w, PKTCAP_FLOW_KEY_SIZE / 4, m->seed);
}

/*
 * The lock of bucket @b of any array, or of the flows of hash @b: arrays
 * have at least PKTCAP_FLOW_LOCKS buckets, so these are the same lock.
 */
static spinlock_t *bucket_lock(struct pktcap_meter *m, u32 b)
{
	return &m->locks[b % PKTCAP_FLOW_LOCKS];
}

/*
 * memcmp() is an out-of-line call in the kernel, and GCC keeps a loop
 * over the words as a loop: six XORs written out (keys are 8-byte aligned,
 * see struct pktcap_flow_key).
 */
static bool key_equal(const struct pktcap_flow_key *a,
		      const struct pktcap_flow_key *b)
{
	const u64 *x = (const u64 *)a, *y = (const u64 *)b;

	static_assert(PKTCAP_FLOW_KEY_SIZE == 6 * sizeof(u64));
	return !((x[0] ^ y[0]) | (x[1] ^ y[1]) | (x[2] ^ y[2]) |
		 (x[3] ^ y[3]) | (x[4] ^ y[4]) | (x[5] ^ y[5]));
}

/*
 * Inline: every packet calls it once or twice, and a return is a jump to
 * the return thunk on kernels built with return-thunk mitigations (and a
 * hash lookup of the target under QEMU's TCG).
 */
static __always_inline struct pktcap_flow *
lookup(struct pktcap_flow_tbl *t, u32 hash, const struct pktcap_flow_key *key)
{
	struct pktcap_flow *f;

	hlist_for_each_entry_rcu(f, &t->buckets[hash & t->mask], node)
		if (pktcap_flow_tag(READ_ONCE(f->hashlock)) ==
		    pktcap_flow_tag(hash) && key_equal(&f->key, key))
			return f;
	return NULL;
}

/* Without a lock: may miss a flow that is moving to a larger array. */
static struct pktcap_flow *lookup_rcu(struct pktcap_meter *m, u32 hash,
				      const struct pktcap_flow_key *key)
{
	struct pktcap_flow_tbl *fut;
	struct pktcap_flow *f;

	f = lookup(rcu_dereference(m->tbl), hash, key);
	if (likely(f))
		return f;
	fut = rcu_dereference(m->future);
	return unlikely(fut) ? lookup(fut, hash, key) : NULL;
}

void pktcap_flow_snapshot(const struct pktcap_flow *f, u8 reason,
			  struct pktcap_flow_snap *s)
{
	bool sw = f->swapped;

	s->key = f->key;
	if (sw) {
		memcpy(s->key.src, f->key.dst, sizeof(s->key.src));
		memcpy(s->key.dst, f->key.src, sizeof(s->key.dst));
		s->key.sport = f->key.dport;
		s->key.dport = f->key.sport;
	}
	s->packets = f->packets;
	s->bytes = f->bytes;
	s->rev_packets = f->rev_packets;
	s->rev_bytes = f->rev_bytes;
	s->first_ns = f->first_ns;
	s->last_ns = f->last_ns;
	s->tcp_flags = f->tcp_flags;
	s->rev_tcp_flags = f->rev_tcp_flags;
	s->ttl_min = f->ttl_min;
	s->ttl_max = f->ttl_max;
	s->reason = reason;
	s->frag = f->frag;
}

static void flow_free_rcu(struct rcu_head *head)
{
	kmem_cache_free(pktcap_flow_cache,
			container_of(head, struct pktcap_flow, rcu));
}

/*
 * Unlinks @f and takes its final values. Caller holds @f's bucket lock.
 * Returns false if someone else removed it first.
 */
static bool flow_remove(struct pktcap_meter *m, struct pktcap_flow *f,
			u8 reason, struct pktcap_flow_snap *s)
{
	pktcap_flow_lock(f);
	if (f->dead) {
		pktcap_flow_unlock(f);
		return false;
	}
	f->dead = 1;
	pktcap_flow_snapshot(f, reason, s);
	pktcap_flow_unlock(f);
	hlist_del_rcu(&f->node);
	atomic_dec(&m->count);
	call_rcu(&f->rcu, flow_free_rcu);
	return true;
}

static void stats_add(struct pktcap_meter_stats *st, u64_stats_t *ctr, u64 v)
{
	u64_stats_update_begin(&st->syncp);
	u64_stats_add(ctr, v);
	u64_stats_update_end(&st->syncp);
}

/* From the packet path: park an evicted flow for the worker. */
static void queue_snapshot(struct pktcap_meter *m,
			   const struct pktcap_flow_snap *s)
{
	struct pktcap_flow_queue *q = this_cpu_ptr(m->queues);
	struct pktcap_meter_stats *st = this_cpu_ptr(m->pn->meter_stats);
	bool kick;

	spin_lock(&q->lock);
	if (q->n < PKTCAP_FLOW_QUEUE_LEN) {
		q->snap[q->n++] = *s;
		kick = q->n == PKTCAP_FLOW_QUEUE_LEN / 4;
		spin_unlock(&q->lock);
		stats_add(st, &st->expired[s->reason], 1);
		if (kick && !READ_ONCE(m->stopping))
			mod_delayed_work(system_wq, &m->work, 0);
		return;
	}
	spin_unlock(&q->lock);
	u64_stats_update_begin(&st->syncp);
	u64_stats_inc(&st->expired[s->reason]);
	u64_stats_inc(&st->queue_lost_flows);
	u64_stats_add(&st->queue_lost_packets, s->packets + s->rev_packets);
	u64_stats_update_end(&st->syncp);
}

/*
 * Sampled LRU: the oldest of the first few flows found in @t from bucket
 * @start. The search goes past EVICT_MAX_BUCKETS, if @all, until it has
 * found one flow: a table much smaller than its 1024 buckets (--max-flows
 * 4) can be full with 64 empty buckets in a row, and giving up then would
 * refuse the new flow instead of evicting one. *@n: buckets visited.
 */
static struct pktcap_flow *evict_scan(struct pktcap_flow_tbl *t, u32 start,
				      bool all, u32 *bucket, u32 *n)
{
	struct pktcap_flow *f, *old = NULL;
	u32 seen = 0, i;

	for (i = 0; i <= t->mask && seen < EVICT_SAMPLE &&
	     (i < EVICT_MAX_BUCKETS || (all && !old)); i++) {
		u32 b = (start + i) & t->mask;

		hlist_for_each_entry_rcu(f, &t->buckets[b], node) {
			seen++;
			if (!old || READ_ONCE(f->last_ns) < READ_ONCE(old->last_ns)) {
				old = f;
				*bucket = b;
			}
		}
	}
	*n = i;
	return old;
}

/*
 * During a growth the buckets already moved are empty in @tbl, and at its
 * end all of them are: searching @tbl alone until a flow turns up could
 * walk the whole array in softirq. After EVICT_MAX_BUCKETS empty ones the
 * search goes on in @future, from the same cursor, whose low bits there
 * name the buckets the moved flows went to. A flow moving meanwhile may be
 * missed or seen twice: it is only a sample, and evict_one() removes what
 * it picked under the lock of its hash, the same in either array.
 */
static struct pktcap_flow *evict_candidate(struct pktcap_meter *m, u32 *bucket)
{
	u32 *cursor = this_cpu_ptr(m->evict_cursor), n;
	struct pktcap_flow_tbl *t, *fut;
	struct pktcap_flow *f;

	fut = rcu_dereference(m->future);
	smp_rmb();	/* @future before @tbl: pairs with meter_grow() */
	t = rcu_dereference(m->tbl);
	f = evict_scan(t, *cursor, !fut, bucket, &n);
	if (!f && fut)
		f = evict_scan(fut, *cursor, true, bucket, &n);
	*cursor += n;
	return f;
}

static void evict_one(struct pktcap_meter *m)
{
	struct pktcap_flow_snap s;
	struct pktcap_flow *f;
	bool removed = false;
	u32 b = 0;

	f = evict_candidate(m, &b);
	if (!f)
		return;
	spin_lock(bucket_lock(m, b));
	removed = flow_remove(m, f, PKTCAP_FLOW_END_RESOURCES, &s);
	spin_unlock(bucket_lock(m, b));
	if (removed)
		queue_snapshot(m, &s);
}

/*
 * When @n flows outnumber half the @buckets of the array. At a load of a
 * half or less, a lookup that finds its flow visits 1.25 flows on average,
 * and each other flow it visits is a cache and TLB miss with a big table.
 */
static void grow_kick(struct pktcap_meter *m, u32 buckets, u32 n)
{
	if (n > buckets / 2 && buckets < m->max_buckets &&
	    time_after_eq(jiffies, READ_ONCE(m->grow_after)) &&
	    !work_pending(&m->grow_work) && !READ_ONCE(m->stopping))
		queue_work(system_wq, &m->grow_work);
}

/*
 * Out of line: it runs once per flow, and inlined into pktcap_meter_rx()
 * it tripled the code every packet runs through (instruction cache, and
 * under QEMU's TCG the pages a translation block may span).
 */
static noinline struct pktcap_flow *
flow_create(struct pktcap_meter *m, u32 hash, const struct pktcap_flow_key *key,
	    bool swapped)
{
	struct pktcap_flow_tbl *t, *fut, *into;
	struct pktcap_meter_stats *st;
	struct pktcap_flow *f, *other;
	int tries;
	u32 n;

	for (tries = 0; tries < 3; tries++) {
		n = atomic_inc_return(&m->count);
		if (n <= m->cfg.max_flows)
			break;
		atomic_dec(&m->count);
		evict_one(m);
	}
	if (tries == 3)
		return NULL;

	f = kmem_cache_alloc(pktcap_flow_cache, GFP_ATOMIC | __GFP_NOWARN);
	if (!f) {
		atomic_dec(&m->count);
		return NULL;
	}
	memset(f, 0, sizeof(*f));
	f->key = *key;
	f->hashlock = pktcap_flow_tag(hash);
	f->swapped = swapped;
	f->first_ns = ktime_get_real_ns();	/* precise: see pktcap_meter_rx() */
	f->last_ns = f->first_ns;
	f->ttl_min = 255;

	spin_lock(bucket_lock(m, hash));
	/*
	 * Under the lock, nothing of this hash moves between the arrays, and
	 * a bucket already moved was moved after @future was set. So if
	 * @future is seen NULL, @tbl is the array to use, unless the growth
	 * has since finished: then @tbl is read after @future and sees the
	 * new array (the barrier pairs with smp_wmb() in meter_grow()).
	 */
	fut = rcu_dereference(m->future);
	smp_rmb();	/* @future before @tbl: pairs with meter_grow() */
	t = rcu_dereference(m->tbl);
	other = lookup(t, hash, key);
	if (!other && fut && fut != t)
		other = lookup(fut, hash, key);
	if (other) {
		/* Another CPU created it meanwhile: use theirs. */
		spin_unlock(bucket_lock(m, hash));
		atomic_dec(&m->count);
		kmem_cache_free(pktcap_flow_cache, f);
		return other;
	}
	into = fut ?: t;
	hlist_add_head_rcu(&f->node, &into->buckets[hash & into->mask]);
	spin_unlock(bucket_lock(m, hash));
	st = this_cpu_ptr(m->pn->meter_stats);
	stats_add(st, &st->created, 1);
	grow_kick(m, t->mask + 1, n);
	return f;
}

/*
 * Biflows (RFC 5103) share one entry for both directions: the key is
 * stored with the lower address (then port) as source. The direction of
 * the packet that created the entry is the initiator's. Direction is not
 * part of a biflow key, so the two halves seen at ingress and egress of
 * one device meet.
 */
static bool canonicalize(struct pktcap_flow_key *k)
{
	int c = memcmp(k->src, k->dst, sizeof(k->src));
	u16 port;
	u8 a[16];

	k->direction = 0;
	if (c < 0 || (c == 0 && k->sport <= k->dport))
		return false;
	memcpy(a, k->src, sizeof(a));
	memcpy(k->src, k->dst, sizeof(a));
	memcpy(k->dst, a, sizeof(a));
	port = k->sport;
	k->sport = k->dport;
	k->dport = port;
	return true;
}

static void flow_count(struct pktcap_flow *f, const struct pktcap_flow_pkt *p,
		       bool reverse, u64 now)
{
	if (reverse) {
		f->rev_packets++;
		f->rev_bytes += p->l3_len;
		f->rev_tcp_flags |= p->tcp_flags;
	} else {
		f->packets++;
		f->bytes += p->l3_len;
		f->tcp_flags |= p->tcp_flags;
	}
	if (p->flags & PKTCAP_PKT_F_L3) {
		f->ttl_min = min(f->ttl_min, p->ttl);
		f->ttl_max = max(f->ttl_max, p->ttl);
	}
	if (p->flags & PKTCAP_PKT_F_FRAG)
		f->frag = 1;
	/* FIN or RST ends the flow at the next scan (docs/FLOW-METER.md). */
	if (p->tcp_flags & 0x05)
		f->end = 1;
	WRITE_ONCE(f->last_ns, max(now, f->first_ns));
}

static bool sampled_out(struct pktcap_meter *m)
{
	u32 n = m->cfg.sampling, *ctr;

	if (n <= 1)
		return false;
	if (m->cfg.sampling_random)
		return get_random_u32_below(n) != 0;
	ctr = this_cpu_ptr(m->sample_ctr);
	if (++*ctr < n)
		return true;
	*ctr = 0;
	return false;
}

static const u8 *frame_head(struct sk_buff *skb, int mac_off, u8 *buf,
			    unsigned int *len)
{
	unsigned int want = min_t(unsigned int, skb->len + mac_off,
				  PKTCAP_PARSE_MAX);

	*len = want;
	if (skb_headlen(skb) + mac_off >= want)
		return skb->data - mac_off;
	memcpy(buf, skb->data - mac_off, mac_off);
	if (skb_copy_bits(skb, 0, buf + mac_off, want - mac_off))
		*len = mac_off;
	return buf;
}

static void parse_meta(struct sk_buff *skb, struct pktcap_hook *h, u8 dir,
		       int mac_off, struct pktcap_parse_meta *meta)
{
	memset(meta, 0, sizeof(*meta));
	meta->ifindex = h->ifindex;
	meta->wire_len = skb->len + mac_off;
	meta->direction = dir;
	if (h->linktype == ARPHRD_ETHER || h->linktype == ARPHRD_LOOPBACK) {
		meta->link = PKTCAP_LINK_ETHER;
	} else {
		meta->link = PKTCAP_LINK_RAW;
		meta->protocol = ntohs(skb->protocol);
	}
	if (skb_vlan_tag_present(skb)) {
		meta->vlan_present = 1;
		meta->vlan_tci = skb_vlan_tag_get(skb);
	}
}

void pktcap_meter_rx(struct pktcap_hook *h, struct sk_buff *skb, u8 dir)
{
	struct pktcap_meter *m = h->owner;
	struct pktcap_meter_stats *st = this_cpu_ptr(m->pn->meter_stats);
	/*
	 * The parser writes every byte of @key and @p, and @buf is read only
	 * as far as it was filled: no need for the compiler's zeroing of the
	 * stack (CONFIG_INIT_STACK_ALL_ZERO), 300 bytes a packet.
	 */
	struct pktcap_flow_key key __uninitialized;
	struct pktcap_flow_pkt p __uninitialized;
	u8 buf[PKTCAP_PARSE_MAX] __uninitialized;
	struct pktcap_parse_meta meta;
	struct pktcap_flow *f;
	const u8 *frame;
	unsigned int len;
	bool reverse = false;
	int mac_off = 0, res;
	u64 now;
	u32 hash;

	if (sampled_out(m)) {
		stats_add(st, &st->sampled_out, 1);
		return;
	}
	if (skb_mac_header_was_set(skb))
		mac_off = max_t(int, skb->data - skb_mac_header(skb), 0);
	parse_meta(skb, h, dir, mac_off, &meta);
	frame = frame_head(skb, mac_off, buf, &len);
	res = pktcap_flow_parse_fast(frame, len, &meta, &key, &p);
	if (m->cfg.bidirectional)
		reverse = canonicalize(&key);
	hash = flow_hash(m, &key);
	/*
	 * A packet's time is the tick's (coarse: 1 to 10 ms behind), not the
	 * clocksource's: reading an HPET or ACPI PM timer, as machines and
	 * guests without a usable TSC do, costs more than the rest of this
	 * function. Only a flow's creation reads the precise clock, and
	 * flow_count() never lets last_ns fall below first_ns, so a flow's
	 * duration is short by less than a tick (docs/FLOW-METER.md).
	 */
	now = ktime_get_coarse_real_ns();

	for (;;) {
		f = lookup_rcu(m, hash, &key);
		if (!f)
			f = flow_create(m, hash, &key, reverse);
		if (!f) {
			stats_add(st, &st->alloc_failed, 1);
			return;
		}
		pktcap_flow_lock(f);
		if (!f->dead)
			break;
		pktcap_flow_unlock(f);
	}
	flow_count(f, &p, reverse != f->swapped, now);
	pktcap_flow_unlock(f);

	u64_stats_update_begin(&st->syncp);
	u64_stats_inc(&st->packets);
	u64_stats_add(&st->bytes, p.l3_len);
	if (res != PKTCAP_PARSE_OK)
		u64_stats_inc(&st->parse[res]);
	u64_stats_update_end(&st->syncp);
}

static u8 expiry_reason(const struct pktcap_meter *m,
			const struct pktcap_flow *f, u64 now, bool force)
{
	u64 last = READ_ONCE(f->last_ns);

	if (force)
		return PKTCAP_FLOW_END_FORCED;
	if (READ_ONCE(f->end))
		return PKTCAP_FLOW_END_EOF;
	if (now > last && now - last >= (u64)m->cfg.inactive_timeout * NSEC_PER_SEC)
		return PKTCAP_FLOW_END_IDLE;
	if (now > f->first_ns &&
	    now - f->first_ns >= (u64)m->cfg.active_timeout * NSEC_PER_SEC)
		return PKTCAP_FLOW_END_ACTIVE;
	return 0;
}

/*
 * Removes up to @max due flows of bucket @b into @out. Sending may sleep,
 * so it happens in the caller, after the RCU walk.
 */
static unsigned int expire_bucket(struct pktcap_meter *m,
				  struct pktcap_flow_tbl *t, u32 b, u64 now,
				  bool force, struct pktcap_flow_snap *out,
				  unsigned int max)
{
	struct pktcap_meter_stats *st;
	struct pktcap_flow *f;
	unsigned int n = 0;
	u8 reason;

	rcu_read_lock();
	/* hlist_del_rcu() leaves ->next intact, so the walk may go on. */
	hlist_for_each_entry_rcu(f, &t->buckets[b], node) {
		reason = expiry_reason(m, f, now, force);
		if (!reason)
			continue;
		spin_lock_bh(bucket_lock(m, b));
		if (flow_remove(m, f, reason, &out[n]))
			n++;
		spin_unlock_bh(bucket_lock(m, b));
		if (n == max)
			break;
	}
	rcu_read_unlock();
	if (!n)
		return 0;

	st = get_cpu_ptr(m->pn->meter_stats);
	u64_stats_update_begin(&st->syncp);
	for (reason = 0; reason < n; reason++)
		u64_stats_inc(&st->expired[out[reason].reason]);
	u64_stats_update_end(&st->syncp);
	put_cpu_ptr(m->pn->meter_stats);
	return n;
}

/* Sending may sleep, so each snapshot is taken out of the queue first. */
static void drain_queues(struct pktcap_meter *m)
{
	struct pktcap_flow_snap s;
	int cpu;

	for_each_possible_cpu(cpu) {
		struct pktcap_flow_queue *q = per_cpu_ptr(m->queues, cpu);

		spin_lock_bh(&q->lock);
		while (q->n) {
			s = q->snap[--q->n];
			spin_unlock_bh(&q->lock);
			pktcap_export_flow(m, &s);
			spin_lock_bh(&q->lock);
		}
		spin_unlock_bh(&q->lock);
	}
}

/*
 * Ends the due flows of @count buckets from @first (wrapping), or of all
 * of them with @force, drains the eviction queues and sends what was
 * collected. Runs in the worker, or when the meter stops after the worker
 * was cancelled, never both.
 */
static void expire_range(struct pktcap_meter *m, struct pktcap_flow_tbl *t,
			 u32 first, u32 count, bool force)
{
	struct pktcap_flow_snap out[4];
	u64 now = ktime_get_real_ns();
	unsigned int n, i;
	u32 k, b;

	lockdep_assert_held(&m->table_mutex);
	drain_queues(m);
	for (k = 0; k < count; k++) {
		b = (first + k) & t->mask;
		do {
			n = expire_bucket(m, t, b, now, force, out, ARRAY_SIZE(out));
			for (i = 0; i < n; i++)
				pktcap_export_flow(m, &out[i]);
		} while (n == ARRAY_SIZE(out));
		if (!(k & 255))
			cond_resched();
	}
	drain_queues(m);
	pktcap_export_flush(m);
}

void pktcap_meter_expire(struct pktcap_meter *m, bool force)
{
	struct pktcap_flow_tbl *t;

	mutex_lock(&m->table_mutex);
	t = pktcap_meter_table(m);
	expire_range(m, t, 0, t->mask + 1, force);
	mutex_unlock(&m->table_mutex);
}

/*
 * Seconds the worker takes to visit the whole table: a slice per tick
 * keeps the cost of an idle table of millions of buckets small, while a
 * flow still ends at most half its inactive timeout (and no more than
 * PKTCAP_SCAN_MAX_PERIOD seconds) late.
 */
#define PKTCAP_SCAN_MAX_PERIOD	8

static u32 scan_period(const struct pktcap_meter *m)
{
	return clamp_t(u32, m->cfg.inactive_timeout / 2, 1, PKTCAP_SCAN_MAX_PERIOD);
}

u32 pktcap_meter_buckets(struct pktcap_meter *m)
{
	u32 n;

	rcu_read_lock();
	n = rcu_dereference(m->tbl)->mask + 1;
	rcu_read_unlock();
	return n;
}

/* Flows and packets in the table now, for METRICS. */
void pktcap_meter_active(struct pktcap_meter *m, u64 *flows, u64 *packets)
{
	struct pktcap_flow_tbl *t;
	struct pktcap_flow *f;
	u32 b;

	*flows = 0;
	*packets = 0;
	mutex_lock(&m->table_mutex);
	t = pktcap_meter_table(m);
	for (b = 0; b <= t->mask; b++) {
		rcu_read_lock();
		hlist_for_each_entry_rcu(f, &t->buckets[b], node) {
			pktcap_flow_lock_bh(f);
			if (!f->dead) {
				(*flows)++;
				*packets += f->packets + f->rev_packets;
			}
			pktcap_flow_unlock_bh(f);
		}
		rcu_read_unlock();
		if (!(b & 255))
			cond_resched();
	}
	mutex_unlock(&m->table_mutex);
}

/*
 * A table grown meanwhile keeps the cursor: the flows of the buckets not
 * yet scanned this round went to buckets at or after it, so none waits
 * more than one extra round.
 */
static void meter_work(struct work_struct *w)
{
	struct pktcap_meter *m = container_of(to_delayed_work(w),
					      struct pktcap_meter, work);
	struct pktcap_flow_tbl *t;
	u32 slice, buckets;

	mutex_lock(&m->table_mutex);
	t = pktcap_meter_table(m);
	buckets = t->mask + 1;
	slice = DIV_ROUND_UP(buckets, scan_period(m));
	expire_range(m, t, m->scan_cursor, slice, false);
	m->scan_cursor = (m->scan_cursor + slice) & t->mask;
	mutex_unlock(&m->table_mutex);
	/* A growth refused for memory is tried again from here. */
	grow_kick(m, buckets, atomic_read(&m->count));
	if (!READ_ONCE(m->stopping))
		mod_delayed_work(system_wq, &m->work, HZ);
}

static void tbl_free(struct pktcap_flow_tbl *t)
{
	if (t)
		kvfree(t->buckets);
	kfree(t);
}

static struct pktcap_flow_tbl *tbl_alloc(u32 buckets)
{
	/*
	 * Up to max_flows, in the enabling task's memory cgroup: fail rather
	 * than invoke the OOM killer, which in a full cgroup would find only
	 * a kworker, and complain on the console.
	 */
	const gfp_t gfp = GFP_KERNEL_ACCOUNT | __GFP_RETRY_MAYFAIL | __GFP_NOWARN;
	struct pktcap_flow_tbl *t;

	t = kmalloc(sizeof(*t), gfp);
	if (!t)
		return NULL;
	t->mask = buckets - 1;
	t->buckets = kvcalloc(buckets, sizeof(*t->buckets), gfp);
	if (!t->buckets) {
		kfree(t);
		return NULL;
	}
	return t;
}

/* Two buckets per flow (rounded up): a load of a quarter to a half. */
static u32 grow_size(const struct pktcap_meter *m, u32 flows)
{
	u32 want = roundup_pow_of_two(max(flows, 1U)) * 2;

	return clamp(want, (u32)PKTCAP_FLOW_LOCKS, m->max_buckets);
}

static void move_bucket(struct pktcap_meter *m, struct pktcap_flow_tbl *old,
			struct pktcap_flow_tbl *new, u32 b)
{
	struct pktcap_flow *f;
	struct hlist_node *next;

	lockdep_assert_held(bucket_lock(m, b));
	/*
	 * A lockless walk standing on @f follows it into its new chain and
	 * misses the rest of the old one: lookup_rcu() may miss, nothing
	 * worse (the chains end in NULL, and nothing is freed here).
	 */
	hlist_for_each_entry_safe(f, next, &old->buckets[b], node) {
		hlist_del_rcu(&f->node);
		/* the tag lacks the lock bit's: hash the key again */
		hlist_add_head_rcu(&f->node,
				   &new->buckets[flow_hash(m, &f->key) & new->mask]);
	}
}

/*
 * A refused growth has already made the enabling cgroup (or the machine)
 * reclaim what it could. Trying again with every new flow, or every
 * second, would keep evicting that cgroup's page cache for nothing while
 * the table works on with longer chains: wait 1, 2, 4 ... up to
 * GROW_BACKOFF_MAX seconds between tries, and start over after a success.
 */
#define GROW_BACKOFF_MAX	(16 * HZ)

static void grow_refused(struct pktcap_meter *m)
{
	lockdep_assert_held(&m->table_mutex);
	m->grow_backoff = clamp(m->grow_backoff * 2, (unsigned long)HZ,
				(unsigned long)GROW_BACKOFF_MAX);
	WRITE_ONCE(m->grow_after, jiffies + m->grow_backoff);
	WRITE_ONCE(m->grow_failed, m->grow_failed + 1);
}

unsigned long pktcap_meter_grow_failed(const struct pktcap_meter *m)
{
	return READ_ONCE(m->grow_failed);
}

/*
 * Moves every flow into an array sized for them. Packets keep flowing:
 * see the top of this file for how lookups and creations cope.
 */
static void meter_grow(struct work_struct *w)
{
	struct pktcap_meter *m = container_of(w, struct pktcap_meter, grow_work);
	struct pktcap_flow_tbl *old, *new;
	struct mem_cgroup *memcg;
	u32 size, b;

	mutex_lock(&m->table_mutex);
	old = pktcap_meter_table(m);
	size = grow_size(m, atomic_read(&m->count));
	if (size <= old->mask + 1) {
		mutex_unlock(&m->table_mutex);
		return;
	}
	memcg = set_active_memcg(m->memcg);
	new = tbl_alloc(size);
	set_active_memcg(memcg);
	if (!new) {
		/* Longer chains meanwhile; tried again after a wait. */
		grow_refused(m);
		mutex_unlock(&m->table_mutex);
		return;
	}
	m->grow_backoff = 0;
	rcu_assign_pointer(m->future, new);
	for (b = 0; b <= old->mask; b++) {
		spin_lock_bh(bucket_lock(m, b));
		move_bucket(m, old, new, b);
		spin_unlock_bh(bucket_lock(m, b));
		if (!(b & 1023))
			cond_resched();
	}
	rcu_assign_pointer(m->tbl, new);
	smp_wmb();	/* @tbl before @future: pairs with flow_create() */
	RCU_INIT_POINTER(m->future, NULL);
	mutex_unlock(&m->table_mutex);
	/* Lockless walks may still be in the old array. */
	synchronize_rcu();
	tbl_free(old);
}

/* With the hooks gone: end every flow and deliver it. */
void pktcap_meter_stop(struct pktcap_meter *m)
{
	WRITE_ONCE(m->stopping, true);
	cancel_delayed_work_sync(&m->work);
	cancel_work_sync(&m->grow_work);
	pktcap_meter_expire(m, true);
}

struct pktcap_meter *pktcap_meter_alloc(struct pktcap_net *pn,
					const struct pktcap_meter_cfg *cfg,
					unsigned int nr_devs)
{
	struct pktcap_meter *m;
	u32 i;

	m = kzalloc(struct_size(m, hooks, nr_devs), GFP_KERNEL);
	if (!m)
		return NULL;
	m->pn = pn;
	m->cfg = *cfg;
	m->seed = get_random_u32();
	/* Room for max_flows at a load of a half at most: see grow_kick(). */
	m->max_buckets = roundup_pow_of_two(max_t(u32, cfg->max_flows,
						  PKTCAP_FLOW_LOCKS / 2)) * 2;
	m->memcg = get_mem_cgroup_from_mm(current->mm);
	m->grow_after = jiffies;
	mutex_init(&m->table_mutex);
	INIT_DELAYED_WORK(&m->work, meter_work);
	INIT_WORK(&m->grow_work, meter_grow);
	RCU_INIT_POINTER(m->tbl, tbl_alloc(PKTCAP_FLOW_LOCKS));
	m->locks = kcalloc(PKTCAP_FLOW_LOCKS, sizeof(*m->locks), GFP_KERNEL);
	m->queues = alloc_percpu(struct pktcap_flow_queue);
	m->sample_ctr = alloc_percpu(u32);
	m->evict_cursor = alloc_percpu(u32);
	if (!rcu_access_pointer(m->tbl) || !m->locks || !m->queues ||
	    !m->sample_ctr || !m->evict_cursor) {
		pktcap_meter_free(m);
		return NULL;
	}
	for (i = 0; i < PKTCAP_FLOW_LOCKS; i++)
		spin_lock_init(&m->locks[i]);
	for_each_possible_cpu(i) {
		struct pktcap_flow_queue *q = per_cpu_ptr(m->queues, i);

		spin_lock_init(&q->lock);
		q->snap = kvmalloc_node(PKTCAP_FLOW_QUEUE_LEN * sizeof(*q->snap),
					GFP_KERNEL_ACCOUNT, cpu_to_node(i));
		if (!q->snap) {
			pktcap_meter_free(m);
			return NULL;
		}
		*per_cpu_ptr(m->evict_cursor, i) = get_random_u32();
	}
	return m;
}

/* The table must be empty and the workers stopped (pktcap_meter_stop()). */
void pktcap_meter_free(struct pktcap_meter *m)
{
	int cpu;

	if (m->queues)
		for_each_possible_cpu(cpu)
			kvfree(per_cpu_ptr(m->queues, cpu)->snap);
	free_percpu(m->evict_cursor);
	free_percpu(m->sample_ctr);
	free_percpu(m->queues);
	kfree(m->locks);
	tbl_free(rcu_access_pointer(m->tbl));
	mutex_destroy(&m->table_mutex);
	mem_cgroup_put(m->memcg);
	kfree(m);
}

int __init pktcap_flow_cache_init(void)
{
	pktcap_flow_cache = KMEM_CACHE(pktcap_flow, SLAB_HWCACHE_ALIGN);
	return pktcap_flow_cache ? 0 : -ENOMEM;
}

void pktcap_flow_cache_exit(void)
{
	/* Flows freed by call_rcu() must be gone before their cache. */
	rcu_barrier();
	kmem_cache_destroy(pktcap_flow_cache);
}
