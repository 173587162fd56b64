// SPDX-License-Identifier: GPL-2.0
/*
 * The capture session of a network namespace: START, STOP, its part of
 * STATUS and METRICS, and the packet path from a hook to a ring.
 *
 * A session lives from START to STOP (or namespace exit, or unload) and
 * is published in pktcap_net.session under RCU. The packet path reaches
 * it through its hooks only, so once every hook is detached and a grace
 * period has passed nothing on the packet path refers to it.
 */
#include <linux/filter.h>
#include <linux/poll.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>
#include "pktcap.h"
#include "hook.h"
#include "ring.h"
#include "seal.h"

/**
 * struct pktcap_session - one capture session
 * @pn: the namespace it belongs to
 * @id: unique within the namespace, shown to readers in the info page
 * @backend: the backend every hook uses
 * @snaplen: bytes kept per packet
 * @ring_size: bytes of record data per CPU
 * @wakeup_records: records pending on a ring before the reader is woken
 * @wakeup_usec: longest a record waits for a wakeup
 * @filter: classic BPF program, or NULL to capture everything
 * @filter_insns: its length
 * @rings: the per-CPU rings
 * @seal: sealing state when encryption was enabled at START, or NULL
 * @wake_timer: bounds the latency of wakeups below @wakeup_records
 * @wake_armed: 1 while @wake_timer is pending; lets the packet path arm it
 *	with one cache-line read in the common case
 * @wake_seq: counts wakeup events (wakeup_records reached on a ring, or
 *	@wake_timer expired); poll() reports EPOLLIN to a reader only for an
 *	event it has not seen, so a reader that drained its rings sleeps
 *	until the next batch instead of taking records one by one
 * @rcu: frees the session after readers of pktcap_net.session are done
 * @nr_hooks: entries in @hooks
 * @hooks: one per device
 */
struct pktcap_session {
	struct pktcap_net *pn;
	u64 id;
	enum pktcap_backend_id backend;
	u32 snaplen;
	u32 ring_size;
	u32 wakeup_records;
	u32 wakeup_usec;
	struct bpf_prog *filter;
	u32 filter_insns;
	struct pktcap_rings *rings;
	struct pktcap_seal *seal;
	struct timer_list wake_timer;
	atomic_t wake_armed;
	atomic_t wake_seq;
	struct rcu_head rcu;
	unsigned int nr_hooks;
	struct pktcap_hook hooks[];
};

/*
 * Classic BPF programs address the packet from its link-layer header, as
 * AF_PACKET presents it, so skb->data is moved there for the run and put
 * back before anyone else sees the skb.
 */
static u32 run_filter(const struct bpf_prog *prog, struct sk_buff *skb,
		      int mac_off)
{
	u32 res;

	__skb_push(skb, mac_off);
	res = bpf_prog_run_save_cb(prog, skb);
	__skb_pull(skb, mac_off);
	return res;
}

static void count(struct pktcap_cap_stats *st, u32 rec_len, bool filtered,
		  bool truncated)
{
	u64_stats_update_begin(&st->syncp);
	u64_stats_inc(&st->seen);
	if (filtered) {
		u64_stats_inc(&st->filtered);
	} else if (!rec_len) {
		u64_stats_inc(&st->dropped);
	} else {
		u64_stats_inc(&st->captured);
		u64_stats_add(&st->bytes, rec_len);
		if (truncated)
			u64_stats_inc(&st->truncated);
	}
	u64_stats_update_end(&st->syncp);
}

/*
 * Out of line, behind a test the caller inlines: nearly every record
 * finds the timer armed already, and a call per record is what the
 * capture path can least afford.
 */
static noinline void arm_wake_timer(struct pktcap_session *s)
{
	if (!atomic_xchg(&s->wake_armed, 1))
		mod_timer(&s->wake_timer,
			  jiffies + usecs_to_jiffies(s->wakeup_usec));
}

static void wake_reader(struct pktcap_session *s, bool now,
			struct pktcap_cap_stats *st)
{
	struct pktcap_net *pn = s->pn;

	if (now) {
		atomic_inc(&s->wake_seq);
		/* Full barrier: the poller sees wake_seq or is woken. */
		if (wq_has_sleeper(&pn->wq)) {
			wake_up_interruptible_poll(&pn->wq, EPOLLIN | EPOLLRDNORM);
			u64_stats_update_begin(&st->syncp);
			u64_stats_inc(&st->wakeups);
			u64_stats_update_end(&st->syncp);
		}
		return;
	}
	if (!atomic_read(&s->wake_armed))
		arm_wake_timer(s);
}

static void pktcap_wake_timer(struct timer_list *t)
{
	struct pktcap_session *s = pktcap_timer_container(s, t, wake_timer);

	atomic_set(&s->wake_armed, 0);
	atomic_inc(&s->wake_seq);
	if (wq_has_sleeper(&s->pn->wq))
		wake_up_interruptible_poll(&s->pn->wq, EPOLLIN | EPOLLRDNORM);
}

void pktcap_capture_rx(struct pktcap_hook *h, struct sk_buff *skb, u8 dir)
{
	struct pktcap_session *s = h->owner;
	struct pktcap_cap_stats *st = this_cpu_ptr(s->pn->cap_stats);
	struct pktcap_rec_meta m = {
		.snaplen = s->snaplen,
		.ifindex = h->ifindex,
		.linktype = h->linktype,
		.direction = dir,
		.seal = s->seal,
	};
	bool wake = false;
	u32 rec_len;

	if (skb_mac_header_was_set(skb))
		m.mac_off = max_t(int, skb->data - skb_mac_header(skb), 0);
	if (s->filter) {
		u32 res = run_filter(s->filter, skb, m.mac_off);

		if (!res) {
			count(st, 0, true, false);
			return;
		}
		m.snaplen = min(m.snaplen, res);
	}
	rec_len = pktcap_ring_put(s->rings, skb, &m, &wake);
	count(st, rec_len, false, skb->len + m.mac_off > m.snaplen);
	if (rec_len)
		wake_reader(s, wake, st);
}

static struct pktcap_session *session_locked(struct pktcap_net *pn)
{
	return rcu_dereference_protected(pn->session, lockdep_is_held(&pn->lock));
}

static int parse_filter(struct pktcap_session *s, struct nlattr *attr,
			struct netlink_ext_ack *extack)
{
	struct sock_fprog_kern fprog;
	int err;

	if (!attr)
		return 0;
	if (!nla_len(attr) || nla_len(attr) % sizeof(struct sock_filter)) {
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "filter is not an array of struct sock_filter");
		return -EINVAL;
	}
	fprog.len = nla_len(attr) / sizeof(struct sock_filter);
	fprog.filter = nla_data(attr);
	err = bpf_prog_create(&s->filter, &fprog);
	if (err) {
		NL_SET_ERR_MSG_ATTR(extack, attr, "invalid classic BPF program");
		return err;
	}
	s->filter_insns = fprog.len;
	return 0;
}

static u32 attr_u32(struct nlattr *attr, u32 dflt)
{
	return attr ? nla_get_u32(attr) : dflt;
}

static struct pktcap_session *session_new(struct pktcap_net *pn,
					  struct nlattr **tb, int nr_devs,
					  struct netlink_ext_ack *extack)
{
	struct pktcap_session *s;
	int err;

	s = kzalloc(struct_size(s, hooks, nr_devs), GFP_KERNEL);
	if (!s)
		return ERR_PTR(-ENOMEM);
	s->pn = pn;
	s->snaplen = attr_u32(tb[PKTCAP_A_CAPTURE_SNAPLEN], PKTCAP_SNAPLEN_DEFAULT);
	s->ring_size = attr_u32(tb[PKTCAP_A_CAPTURE_RING_SIZE],
				PKTCAP_RING_SIZE_DEFAULT);
	s->wakeup_records = attr_u32(tb[PKTCAP_A_CAPTURE_WAKEUP_RECORDS],
				     PKTCAP_WAKEUP_RECORDS_DEFAULT);
	s->wakeup_usec = attr_u32(tb[PKTCAP_A_CAPTURE_WAKEUP_USEC],
				  PKTCAP_WAKEUP_USEC_DEFAULT);
	timer_setup(&s->wake_timer, pktcap_wake_timer, 0);

	if (!is_power_of_2(s->ring_size)) {
		NL_SET_ERR_MSG_ATTR(extack, tb[PKTCAP_A_CAPTURE_RING_SIZE],
				    "ring size must be a power of two");
		err = -EINVAL;
		goto err_free;
	}
	err = parse_filter(s, tb[PKTCAP_A_CAPTURE_FILTER], extack);
	if (err)
		goto err_free;
	return s;

err_free:
	kfree(s);
	return ERR_PTR(err);
}

/*
 * Hooks are detached and a grace period has passed, so nothing re-arms
 * the wake timer; a failed START may still have armed it once.
 */
static void session_free(struct pktcap_session *s)
{
	timer_shutdown_sync(&s->wake_timer);
	if (s->filter)
		bpf_prog_destroy(s->filter);
	if (s->rings)
		pktcap_rings_put(s->rings);
	pktcap_seal_free(s->seal);
	kfree_rcu(s, rcu);
}

static void session_detach_all(struct pktcap_session *s)
{
	unsigned int i;

	for (i = 0; i < s->nr_hooks; i++)
		pktcap_hook_detach(&s->hooks[i]);
	synchronize_net();
}

int pktcap_capture_start(struct pktcap_net *pn, struct nlattr **tb,
			 struct nlattr *capture, struct netlink_ext_ack *extack)
{
	struct pktcap_session *s;
	int nr_devs, backend, err;

	nr_devs = pktcap_count_devices(capture, PKTCAP_A_CAPTURE_DEVICE, extack);
	if (nr_devs < 0)
		return nr_devs;
	backend = pktcap_parse_backend(tb[PKTCAP_A_CAPTURE_BACKEND], extack);
	if (backend < 0)
		return backend;
	s = session_new(pn, tb, nr_devs, extack);
	if (IS_ERR(s))
		return PTR_ERR(s);
	s->backend = backend;

	rtnl_lock();
	mutex_lock(&pn->lock);
	if (session_locked(pn)) {
		NL_SET_ERR_MSG_MOD(extack,
				   "a capture session is already running in this network namespace");
		err = -EBUSY;
		goto err_unlock;
	}
	if (pn->seal_key.enabled) {
		s->seal = pktcap_seal_new(&pn->seal_key, s->snaplen);
		if (IS_ERR(s->seal)) {
			err = PTR_ERR(s->seal);
			s->seal = NULL;
			NL_SET_ERR_MSG_MOD(extack, "cannot set up AES-256-GCM (gcm(aes))");
			goto err_unlock;
		}
	}
	s->id = ++pn->next_session_id;
	s->rings = pktcap_rings_alloc(s->ring_size, s->snaplen,
				      s->wakeup_records, s->id,
				      s->seal ? pn->seal_key.key_id : NULL);
	if (!s->rings) {
		NL_SET_ERR_MSG_MOD(extack, "cannot allocate the rings");
		err = -ENOMEM;
		goto err_unlock;
	}
	err = pktcap_hooks_attach(s->hooks, &s->nr_hooks, pn->net, capture,
				  PKTCAP_A_CAPTURE_DEVICE, &(struct pktcap_hook) {
					.backend = s->backend,
					.rx = pktcap_capture_rx,
					.owner = s,
				  }, extack);
	if (err)
		goto err_detach;
	rcu_assign_pointer(pn->session, s);
	mutex_unlock(&pn->lock);
	rtnl_unlock();
	/* A reader waiting in poll() for a session may now map it. */
	wake_up_interruptible_poll(&pn->wq, EPOLLIN);
	return 0;

err_detach:
	session_detach_all(s);
err_unlock:
	mutex_unlock(&pn->lock);
	rtnl_unlock();
	session_free(s);
	return err;
}

/* Caller holds rtnl_lock and pn->lock. */
static int capture_stop_locked(struct pktcap_net *pn)
{
	struct pktcap_session *s = session_locked(pn);

	ASSERT_RTNL();
	if (!s)
		return -ENOENT;
	RCU_INIT_POINTER(pn->session, NULL);
	session_detach_all(s);
	pktcap_rings_stop(s->rings);
	wake_up_interruptible_poll(&pn->wq, EPOLLHUP);
	session_free(s);
	return 0;
}

int pktcap_capture_stop(struct pktcap_net *pn, struct netlink_ext_ack *extack)
{
	int err;

	rtnl_lock();
	mutex_lock(&pn->lock);
	err = capture_stop_locked(pn);
	mutex_unlock(&pn->lock);
	rtnl_unlock();
	if (err == -ENOENT)
		NL_SET_ERR_MSG_MOD(extack, "no capture session is running");
	return err;
}

/* Namespace exit and module unload: end whatever runs. */
void pktcap_net_shutdown(struct pktcap_net *pn)
{
	rtnl_lock();
	mutex_lock(&pn->lock);
	capture_stop_locked(pn);
	pktcap_seal_key_clear(&pn->seal_key);
	mutex_unlock(&pn->lock);
	rtnl_unlock();
	pktcap_meter_shutdown(pn);
}

/*
 * ENCRYPTION. The key applies to sessions started after it is set: a
 * running session keeps sealing (or not) as it started, so every record
 * of one capture is under one key, and changing or clearing the key while
 * one runs is refused rather than half-applied.
 */
int pktcap_encryption_set(struct pktcap_net *pn, struct nlattr **tb,
			  struct netlink_ext_ack *extack)
{
	struct nlattr *key = tb[PKTCAP_A_ENCRYPTION_KEY];
	bool enable;
	int err = 0;

	if (!tb[PKTCAP_A_ENCRYPTION_ENABLED]) {
		NL_SET_ERR_MSG_MOD(extack, "missing enabled attribute");
		return -EINVAL;
	}
	enable = nla_get_u8(tb[PKTCAP_A_ENCRYPTION_ENABLED]);
	if (enable && !key) {
		NL_SET_ERR_MSG_MOD(extack, "missing key");
		return -EINVAL;
	}
	mutex_lock(&pn->lock);
	if (session_locked(pn)) {
		NL_SET_ERR_MSG_MOD(extack,
				   "a capture session is running: stop it before changing encryption");
		err = -EBUSY;
	} else if (enable) {
		pktcap_seal_key_clear(&pn->seal_key);
		pktcap_seal_key_set(&pn->seal_key, nla_data(key));
	} else if (!pn->seal_key.enabled) {
		NL_SET_ERR_MSG_MOD(extack, "encryption is not enabled");
		err = -ENOENT;
	} else {
		pktcap_seal_key_clear(&pn->seal_key);
	}
	mutex_unlock(&pn->lock);
	return err;
}

/* The PKTCAP_A_ENCRYPTION nest of STATUS. Caller holds pn->lock. */
int pktcap_encryption_fill_status(struct pktcap_net *pn, struct sk_buff *skb)
{
	const struct pktcap_seal_key *k = &pn->seal_key;
	struct nlattr *nest = nla_nest_start(skb, PKTCAP_A_ENCRYPTION);

	lockdep_assert_held(&pn->lock);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u8(skb, PKTCAP_A_ENCRYPTION_ENABLED, k->enabled) ||
	    (k->enabled &&
	     (nla_put_string(skb, PKTCAP_A_ENCRYPTION_ALGORITHM, "aes-256-gcm") ||
	      nla_put(skb, PKTCAP_A_ENCRYPTION_KEY_ID, sizeof(k->key_id),
		      k->key_id)))) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

/*
 * A device going away takes its hooks with it; the session keeps running
 * on the others and STATUS shows this one as detached.
 */
static void capture_device_gone(struct pktcap_net *pn, struct net_device *dev)
{
	struct pktcap_session *s;
	unsigned int i;

	mutex_lock(&pn->lock);
	s = session_locked(pn);
	for (i = 0; s && i < s->nr_hooks; i++)
		if (s->hooks[i].dev == dev)
			pktcap_hook_detach(&s->hooks[i]);
	mutex_unlock(&pn->lock);
}

static int pktcap_netdev_event(struct notifier_block *nb, unsigned long event,
			       void *ptr)
{
	struct net_device *dev = netdev_notifier_info_to_dev(ptr);

	if (event == NETDEV_UNREGISTER) {
		capture_device_gone(pktcap_pernet(dev_net(dev)), dev);
		pktcap_meter_device_gone(pktcap_pernet(dev_net(dev)), dev);
	}
	return NOTIFY_DONE;
}

static struct notifier_block pktcap_netdev_nb = {
	.notifier_call = pktcap_netdev_event,
};

int __init pktcap_notifier_init(void)
{
	return register_netdevice_notifier(&pktcap_netdev_nb);
}

void pktcap_notifier_exit(void)
{
	unregister_netdevice_notifier(&pktcap_netdev_nb);
}

static int fill_session(struct sk_buff *skb, struct pktcap_net *pn,
			const struct pktcap_session *s)
{
	unsigned int i;

	if (nla_put_string(skb, PKTCAP_A_CAPTURE_BACKEND,
			   pktcap_backend(s->backend)->name) ||
	    nla_put_u32(skb, PKTCAP_A_CAPTURE_SNAPLEN, s->snaplen) ||
	    nla_put_u32(skb, PKTCAP_A_CAPTURE_RING_SIZE, s->ring_size) ||
	    nla_put_u32(skb, PKTCAP_A_CAPTURE_NR_RINGS, pktcap_rings_count(s->rings)) ||
	    nla_put_u32(skb, PKTCAP_A_CAPTURE_WAKEUP_RECORDS, s->wakeup_records) ||
	    nla_put_u32(skb, PKTCAP_A_CAPTURE_WAKEUP_USEC, s->wakeup_usec) ||
	    nla_put_u32(skb, PKTCAP_A_CAPTURE_FILTER_INSNS, s->filter_insns) ||
	    nla_put_u8(skb, PKTCAP_A_CAPTURE_READER, atomic_read(&pn->reader_busy)) ||
	    nla_put_u64_64bit(skb, PKTCAP_A_CAPTURE_SESSION_ID, s->id,
			      PKTCAP_A_CAPTURE_PAD))
		return -EMSGSIZE;
	for (i = 0; i < s->nr_hooks; i++)
		if (pktcap_hook_fill(skb, PKTCAP_A_CAPTURE_DEVICE, &s->hooks[i]))
			return -EMSGSIZE;
	return 0;
}

/* The PKTCAP_A_CAPTURE nest of STATUS. Caller holds pn->lock. */
int pktcap_capture_fill_status(struct pktcap_net *pn, struct sk_buff *skb)
{
	struct pktcap_session *s = session_locked(pn);
	struct nlattr *nest;

	nest = nla_nest_start(skb, PKTCAP_A_CAPTURE);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u32(skb, PKTCAP_A_CAPTURE_STATE,
			s ? PKTCAP_STATE_RUNNING : PKTCAP_STATE_IDLE) ||
	    (s && fill_session(skb, pn, s))) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

/* The reader side (chardev.c) finds the session under RCU. */
struct pktcap_rings *pktcap_capture_rings_get(struct pktcap_net *pn)
{
	struct pktcap_rings *r = NULL;
	struct pktcap_session *s;

	mutex_lock(&pn->lock);
	s = session_locked(pn);
	if (s) {
		r = s->rings;
		pktcap_rings_get(r);
	}
	mutex_unlock(&pn->lock);
	return r;
}

/**
 * pktcap_capture_poll_state - what poll() reports to one reader
 * @pn: the reader's namespace
 * @seen: the last wakeup event the reader was told of; updated
 * @ready: set if records are pending and a wakeup event came since @seen
 *
 * Records pending without a new event arm the wake timer, so they are
 * reported within wakeup_usec at the latest. Caller holds rcu_read_lock:
 * session teardown waits a grace period before it shuts the timer down.
 *
 * Return: the running session's id, 0 if none.
 */
u64 pktcap_capture_poll_state(struct pktcap_net *pn, u32 *seen, bool *ready)
{
	struct pktcap_session *s = rcu_dereference(pn->session);
	u32 seq;

	*ready = false;
	if (!s)
		return 0;
	seq = atomic_read(&s->wake_seq);
	/*
	 * Pairs with the producer's commit (release) before its wake_seq
	 * increment: records counted as pending here either belong to an
	 * event already in seq or to one that will bump it after this read,
	 * and wake the poller.
	 */
	smp_rmb();
	if (pktcap_rings_pending(s->rings)) {
		*ready = seq != READ_ONCE(*seen);
		if (!*ready)
			arm_wake_timer(s);
	}
	WRITE_ONCE(*seen, seq);
	return s->id;
}
