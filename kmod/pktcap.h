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
#include "seal.h"

#define PKTCAP_VERSION "0.1.0"

struct pktcap_session;
struct pktcap_meter;
struct pktcap_meter_stats;

/**
 * struct pktcap_export_state - delivery of expired flows in a namespace
 * @lock: everything below; nests inside pktcap_net.lock
 * @skb: the batch being filled, or NULL
 * @hdr: its genetlink header
 * @n: flows in @skb
 * @packets: packets in those flows
 * @seq: number of the last batch, delivered or lost
 * @batches_sent: batches multicast
 * @batches_lost: batches that reached nobody (no listener, no memory,
 *	a listener's buffer full)
 * @flows_delivered: flows in sent batches
 * @packets_delivered: packets in those flows
 * @flows_lost: flows in lost batches (and evictions the queue had no
 *	room for, counted by the meter)
 * @packets_lost: packets in those flows
 * @enabled: an exporter announced itself with EXPORT
 * @portid: the netlink port it announced itself on
 * @version: its settings, for STATUS
 * @domain: likewise
 * @mtu: likewise
 * @pid: likewise
 * @tmpl_packets: likewise
 * @tmpl_seconds: likewise
 * @nr_collectors: likewise
 * @collectors: likewise
 */
struct pktcap_export_state {
	struct mutex lock;	/* all below; inside pktcap_net.lock */
	struct sk_buff *skb;
	void *hdr;
	u32 n;
	u64 packets;
	u64 seq;
	u64 batches_sent;
	u64 batches_lost;
	u64 flows_delivered;
	u64 packets_delivered;
	u64 flows_lost;
	u64 packets_lost;
	bool enabled;
	u32 portid;
	u32 version;
	u32 domain;
	u32 mtu;
	u32 pid;
	u32 tmpl_packets;
	u32 tmpl_seconds;
	u32 nr_collectors;
	char collectors[PKTCAP_MAX_COLLECTORS][64];
};

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
 * @meter: the flow meter, or NULL; under @lock
 * @meter_stats: flow meter counters, cumulative for the namespace
 * @export: expired-flow delivery
 * @seal_key: the capture sealing key, under @lock
 */
struct pktcap_net {
	struct net *net;
	struct mutex lock;	/* control state; inside rtnl_lock */
	struct pktcap_session __rcu *session;
	u64 next_session_id;
	atomic_t reader_busy;
	wait_queue_head_t wq;
	struct pktcap_cap_stats __percpu *cap_stats;
	struct pktcap_meter *meter;
	struct pktcap_meter_stats __percpu *meter_stats;
	struct pktcap_export_state export;
	struct pktcap_seal_key seal_key;
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
int pktcap_verify_fill(struct sk_buff *skb);

/* capture.c: the capture session */
int pktcap_capture_start(struct pktcap_net *pn, struct nlattr **tb,
			 struct nlattr *capture, struct netlink_ext_ack *extack);
int pktcap_capture_stop(struct pktcap_net *pn, struct netlink_ext_ack *extack);
int pktcap_capture_fill_status(struct pktcap_net *pn, struct sk_buff *skb);
struct pktcap_rings *pktcap_capture_rings_get(struct pktcap_net *pn);
u64 pktcap_capture_poll_state(struct pktcap_net *pn, u32 *seen, bool *ready);
void pktcap_net_shutdown(struct pktcap_net *pn);
int pktcap_encryption_set(struct pktcap_net *pn, struct nlattr **tb,
			  struct netlink_ext_ack *extack);
int pktcap_encryption_fill_status(struct pktcap_net *pn, struct sk_buff *skb);
int pktcap_notifier_init(void);
void pktcap_notifier_exit(void);

/* meter.c: the FLOW-METER operation, FLOWS dump, their STATUS/METRICS */
int pktcap_meter_set(struct pktcap_net *pn, struct nlattr *nest,
		     struct netlink_ext_ack *extack);
void pktcap_meter_shutdown(struct pktcap_net *pn);
void pktcap_meter_device_gone(struct pktcap_net *pn, struct net_device *dev);
int pktcap_meter_fill_status(struct pktcap_net *pn, struct sk_buff *skb);
int pktcap_meter_fill_metrics(struct pktcap_net *pn, struct sk_buff *skb,
			      bool walk);
int pktcap_meter_dump(struct sk_buff *skb, struct netlink_callback *cb);
int pktcap_meter_stats_init(struct pktcap_net *pn);
void pktcap_meter_stats_free(struct pktcap_net *pn);

/* exporter.c: EXPORT */
int pktcap_export_set(struct pktcap_net *pn, struct nlattr *nest, u32 portid,
		      struct netlink_ext_ack *extack);
int pktcap_export_fill_status(struct pktcap_net *pn, struct sk_buff *skb);
int pktcap_exporter_init(void);
void pktcap_exporter_exit(void);

/* metrics.c */
int pktcap_metrics_fill(struct pktcap_net *pn, struct sk_buff *skb, bool walk);

/* netlink.c */
int pktcap_genl_init(void);
void pktcap_genl_exit(void);
void *pktcap_genl_put_notify(struct sk_buff *skb, u8 cmd);
int pktcap_genl_multicast_flows(struct net *net, struct sk_buff *skb);
void *pktcap_genl_dump_put(struct sk_buff *skb, struct netlink_callback *cb,
			   u8 cmd);
struct nlattr *pktcap_dump_attr(struct netlink_callback *cb, int type);

/* chardev.c */
int pktcap_chardev_init(void);
void pktcap_chardev_exit(void);

#endif /* _PKTCAP_H */
