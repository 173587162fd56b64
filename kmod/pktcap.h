/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pktcap internals shared between the module's files.
 *
 * Locking, outermost first:
 *   rtnl_lock          attaching and detaching hooks, the netdev notifier
 *   pktcap_net.lock    the namespace's control state (session, meter ...)
 *   genl_mutex         taken by the genetlink core around every operation
 *                      (the family is not parallel_ops), so it is outside
 *                      both of the above
 * The packet path takes none of them: it runs under RCU (BH) and only
 * touches per-CPU state plus objects whose lifetime RCU guarantees.
 */
#ifndef _PKTCAP_H
#define _PKTCAP_H

#include <linux/mutex.h>
#include <linux/netdevice.h>
#include <linux/u64_stats_sync.h>
#include <linux/wait.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>
#include <linux/pktcap.h>
#include "compat.h"

#define PKTCAP_VERSION "0.1.0"

struct pktcap_session;

/**
 * struct pktcap_cap_stats - per-CPU capture counters of one namespace
 * @syncp: makes 64-bit reads consistent on 32-bit machines
 * @seen: packets the capture hooks saw
 * @captured: packets written to a ring
 * @filtered: packets the filter rejected
 * @dropped: packets lost to a full ring
 * @truncated: captured packets cut to the snaplen
 * @bytes: record bytes written
 * @wakeups: reader wakeups issued
 *
 * Only the CPU that owns an instance writes it, with BH disabled.
 */
struct pktcap_cap_stats {
	struct u64_stats_sync syncp;
	u64_stats_t seen;
	u64_stats_t captured;
	u64_stats_t filtered;
	u64_stats_t dropped;
	u64_stats_t truncated;
	u64_stats_t bytes;
	u64_stats_t wakeups;
};

/**
 * struct pktcap_net - pktcap's state in one network namespace
 * @net: the namespace
 * @lock: serialises control operations on this namespace; nests inside
 *	rtnl_lock when both are needed
 * @session: the capture session, or NULL; written under @lock, read
 *	under RCU by the reader paths
 * @next_session_id: source of session ids, under @lock
 * @reader_busy: set while one process holds /dev/pktcap for this namespace
 * @wq: readers sleep here; woken by the packet path and by STOP
 * @cap_stats: capture counters, cumulative for the namespace's lifetime
 */
struct pktcap_net {
	struct net *net;
	struct mutex lock;
	struct pktcap_session __rcu *session;
	u64 next_session_id;
	atomic_t reader_busy;
	wait_queue_head_t wq;
	struct pktcap_cap_stats __percpu *cap_stats;
};

struct pktcap_net *pktcap_pernet(const struct net *net);

/* backend.c: what this kernel offers */
struct pktcap_backend_info {
	const char *name;
	u32 directions;
	bool available;
};

const struct pktcap_backend_info *pktcap_backend(enum pktcap_backend_id id);
int pktcap_backend_by_name(const char *name);

/* integrity.c: what the kernel knows of this module's provenance */
bool pktcap_sig_verified(void);
const char *pktcap_srcversion(void);

/* capture.c: the capture session */
int pktcap_capture_start(struct pktcap_net *pn, struct nlattr **tb,
			 struct nlattr *capture, struct netlink_ext_ack *extack);
int pktcap_capture_stop(struct pktcap_net *pn, struct netlink_ext_ack *extack);
int pktcap_capture_fill_status(struct pktcap_net *pn, struct sk_buff *skb);
struct pktcap_rings *pktcap_capture_rings_get(struct pktcap_net *pn);
u64 pktcap_capture_poll_state(struct pktcap_net *pn, bool *pending);
void pktcap_net_shutdown(struct pktcap_net *pn);
int pktcap_notifier_init(void);
void pktcap_notifier_exit(void);

/* metrics.c */
int pktcap_metrics_fill(struct pktcap_net *pn, struct sk_buff *skb);

/* netlink.c */
int pktcap_genl_init(void);
void pktcap_genl_exit(void);

/* chardev.c */
int pktcap_chardev_init(void);
void pktcap_chardev_exit(void);

#endif /* _PKTCAP_H */
