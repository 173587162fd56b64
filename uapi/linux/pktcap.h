/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * pktcap: packet capture and flow telemetry, the userspace ABI.
 *
 * This header is the single definition of two protocols:
 *
 *  1. the generic netlink family "pktcap" (the control plane), and
 *  2. the shared-memory ring that readers mmap from /dev/pktcap.
 *
 * Both kernel and userspace include this file; nothing else defines them.
 * Numbers in this file never change meaning once released: new attributes,
 * commands and flags are only ever appended.
 */
#ifndef _UAPI_LINUX_PKTCAP_H
#define _UAPI_LINUX_PKTCAP_H

#include <linux/types.h>

#define PKTCAP_GENL_NAME	"pktcap"
#define PKTCAP_GENL_VERSION	1

/* Multicast group on which expired flows are delivered (PKTCAP_CMD_FLOW_EXPIRED). */
#define PKTCAP_MCGRP_FLOWS	"flows"

/* The character device readers open and mmap. */
#define PKTCAP_DEVICE_PATH	"/dev/pktcap"

/**
 * enum pktcap_cmd - generic netlink commands of the "pktcap" family
 * @PKTCAP_CMD_UNSPEC: never used
 * @PKTCAP_CMD_BACKENDS: list the capture backends; reply carries one
 *	%PKTCAP_A_BACKEND nest per backend. Unprivileged.
 * @PKTCAP_CMD_START: start the capture session of the caller's network
 *	namespace; request carries a %PKTCAP_A_CAPTURE nest. CAP_NET_ADMIN.
 * @PKTCAP_CMD_STOP: stop the capture session. CAP_NET_ADMIN.
 * @PKTCAP_CMD_STATUS: module, capture, flow meter, export and encryption
 *	state. Unprivileged.
 * @PKTCAP_CMD_METRICS: cumulative counters, reply carries %PKTCAP_A_METRICS.
 *	Unprivileged.
 * @PKTCAP_CMD_FLOW_METER: enable, reconfigure or disable flow metering;
 *	request carries a %PKTCAP_A_FLOW_METER nest. CAP_NET_ADMIN.
 * @PKTCAP_CMD_FLOWS: dump active flows (NLM_F_DUMP), one %PKTCAP_A_FLOW nest
 *	per message. CAP_NET_ADMIN.
 * @PKTCAP_CMD_EXPORT: switch expired-flow delivery on or off and record the
 *	exporter's settings; request carries %PKTCAP_A_EXPORT. CAP_NET_ADMIN.
 * @PKTCAP_CMD_ENCRYPTION: set or clear the capture sealing key; request
 *	carries %PKTCAP_A_ENCRYPTION. CAP_NET_ADMIN.
 * @PKTCAP_CMD_VERIFY: the kernel's view of this module's integrity; reply
 *	carries %PKTCAP_A_VERIFY. Unprivileged.
 * @PKTCAP_CMD_FLOW_EXPIRED: notification on %PKTCAP_MCGRP_FLOWS carrying a
 *	batch of expired flows. Never a request.
 */
enum pktcap_cmd {
	PKTCAP_CMD_UNSPEC,
	PKTCAP_CMD_BACKENDS,
	PKTCAP_CMD_START,
	PKTCAP_CMD_STOP,
	PKTCAP_CMD_STATUS,
	PKTCAP_CMD_METRICS,
	PKTCAP_CMD_FLOW_METER,
	PKTCAP_CMD_FLOWS,
	PKTCAP_CMD_EXPORT,
	PKTCAP_CMD_ENCRYPTION,
	PKTCAP_CMD_VERIFY,
	PKTCAP_CMD_FLOW_EXPIRED,

	__PKTCAP_CMD_MAX,
	PKTCAP_CMD_MAX = __PKTCAP_CMD_MAX - 1
};

/**
 * enum pktcap_a - top-level attributes
 * @PKTCAP_A_UNSPEC: never used
 * @PKTCAP_A_PAD: padding for 64-bit attributes
 * @PKTCAP_A_BACKEND: nest, &enum pktcap_a_backend (multi-attr in replies)
 * @PKTCAP_A_MODULE: nest, &enum pktcap_a_module
 * @PKTCAP_A_CAPTURE: nest, &enum pktcap_a_capture
 * @PKTCAP_A_METRICS: nest, &enum pktcap_a_metrics
 * @PKTCAP_A_FLOW_METER: nest, &enum pktcap_a_flow_meter
 * @PKTCAP_A_FLOW: nest, &enum pktcap_a_flow (multi-attr in notifications)
 * @PKTCAP_A_EXPORT: nest, &enum pktcap_a_export
 * @PKTCAP_A_ENCRYPTION: nest, &enum pktcap_a_encryption
 * @PKTCAP_A_VERIFY: nest, &enum pktcap_a_verify
 * @PKTCAP_A_FLOW_BATCH: nest, &enum pktcap_a_flow_batch, in
 *	%PKTCAP_CMD_FLOW_EXPIRED notifications
 * @PKTCAP_A_FLOW_FILTER: nest, &enum pktcap_a_flow, in a %PKTCAP_CMD_FLOWS
 *	dump request: only flows matching the given ifindex and/or proto
 */
enum pktcap_a {
	PKTCAP_A_UNSPEC,
	PKTCAP_A_PAD,
	PKTCAP_A_BACKEND,
	PKTCAP_A_MODULE,
	PKTCAP_A_CAPTURE,
	PKTCAP_A_METRICS,
	PKTCAP_A_FLOW_METER,
	PKTCAP_A_FLOW,
	PKTCAP_A_EXPORT,
	PKTCAP_A_ENCRYPTION,
	PKTCAP_A_VERIFY,
	PKTCAP_A_FLOW_BATCH,
	PKTCAP_A_FLOW_FILTER,

	__PKTCAP_A_MAX,
	PKTCAP_A_MAX = __PKTCAP_A_MAX - 1
};

/**
 * enum pktcap_backend_id - the ways pktcap can see packets
 * @PKTCAP_BACKEND_NF_INGRESS: netfilter NFPROTO_NETDEV ingress hook
 * @PKTCAP_BACKEND_NF_EGRESS: netfilter NFPROTO_NETDEV egress hook
 * @PKTCAP_BACKEND_RX_HANDLER: netdev_rx_handler_register(); ingress only,
 *	and only on a device no bridge, bond or macvlan already owns
 * @PKTCAP_BACKEND_PTYPE: dev_add_pack(ETH_P_ALL) tap; both directions
 */
enum pktcap_backend_id {
	PKTCAP_BACKEND_NF_INGRESS,
	PKTCAP_BACKEND_NF_EGRESS,
	PKTCAP_BACKEND_RX_HANDLER,
	PKTCAP_BACKEND_PTYPE,

	__PKTCAP_BACKEND_MAX
};

/* Bits of %PKTCAP_A_BACKEND_DIRECTIONS and values of record/flow direction. */
#define PKTCAP_DIR_IN		0
#define PKTCAP_DIR_OUT		1
#define PKTCAP_DIRF_IN		(1U << PKTCAP_DIR_IN)
#define PKTCAP_DIRF_OUT		(1U << PKTCAP_DIR_OUT)

/**
 * enum pktcap_a_backend - attributes of a %PKTCAP_A_BACKEND nest
 * @PKTCAP_A_BACKEND_UNSPEC: never used
 * @PKTCAP_A_BACKEND_NAME: string, "nf-ingress", "nf-egress", "rx-handler",
 *	"ptype"
 * @PKTCAP_A_BACKEND_AVAILABLE: u8, 1 if this kernel offers it
 * @PKTCAP_A_BACKEND_DIRECTIONS: u32, %PKTCAP_DIRF_IN | %PKTCAP_DIRF_OUT
 * @PKTCAP_A_BACKEND_ID: u32, &enum pktcap_backend_id
 */
enum pktcap_a_backend {
	PKTCAP_A_BACKEND_UNSPEC,
	PKTCAP_A_BACKEND_NAME,
	PKTCAP_A_BACKEND_AVAILABLE,
	PKTCAP_A_BACKEND_DIRECTIONS,
	PKTCAP_A_BACKEND_ID,

	__PKTCAP_A_BACKEND_MAX,
	PKTCAP_A_BACKEND_MAX = __PKTCAP_A_BACKEND_MAX - 1
};

/**
 * enum pktcap_a_module - attributes of a %PKTCAP_A_MODULE nest
 * @PKTCAP_A_MODULE_UNSPEC: never used
 * @PKTCAP_A_MODULE_VERSION: string, MODULE_VERSION
 * @PKTCAP_A_MODULE_SRCVERSION: string, the srcversion modpost computed
 * @PKTCAP_A_MODULE_SIG_VERIFIED: u8, 1 if the kernel verified the module's
 *	signature when it was loaded
 * @PKTCAP_A_MODULE_ABI_VERSION: u32, %PKTCAP_RING_ABI_VERSION
 */
enum pktcap_a_module {
	PKTCAP_A_MODULE_UNSPEC,
	PKTCAP_A_MODULE_VERSION,
	PKTCAP_A_MODULE_SRCVERSION,
	PKTCAP_A_MODULE_SIG_VERIFIED,
	PKTCAP_A_MODULE_ABI_VERSION,

	__PKTCAP_A_MODULE_MAX,
	PKTCAP_A_MODULE_MAX = __PKTCAP_A_MODULE_MAX - 1
};

/**
 * enum pktcap_capture_state - value of %PKTCAP_A_CAPTURE_STATE
 * @PKTCAP_STATE_IDLE: no capture session in this namespace
 * @PKTCAP_STATE_RUNNING: a capture session is attached and capturing
 */
enum pktcap_capture_state {
	PKTCAP_STATE_IDLE,
	PKTCAP_STATE_RUNNING,
};

/**
 * enum pktcap_a_capture - attributes of a %PKTCAP_A_CAPTURE nest
 * @PKTCAP_A_CAPTURE_UNSPEC: never used
 * @PKTCAP_A_CAPTURE_STATE: u32, &enum pktcap_capture_state (reply only)
 * @PKTCAP_A_CAPTURE_BACKEND: string, backend name
 * @PKTCAP_A_CAPTURE_DEVICE: nest, &enum pktcap_a_device; multi-attr
 * @PKTCAP_A_CAPTURE_SNAPLEN: u32, bytes captured per packet (at most
 *	%PKTCAP_SNAPLEN_MAX)
 * @PKTCAP_A_CAPTURE_RING_SIZE: u32, bytes of record data per CPU, a power
 *	of two between %PKTCAP_RING_SIZE_MIN and %PKTCAP_RING_SIZE_MAX
 * @PKTCAP_A_CAPTURE_FILTER: binary, a classic BPF program: an array of
 *	struct sock_filter, at most %PKTCAP_FILTER_MAX_INSNS instructions
 * @PKTCAP_A_CAPTURE_WAKEUP_RECORDS: u32, wake the reader after this many
 *	records on a ring (default %PKTCAP_WAKEUP_RECORDS_DEFAULT)
 * @PKTCAP_A_CAPTURE_WAKEUP_USEC: u32, but at the latest this long after the
 *	first unread record (default %PKTCAP_WAKEUP_USEC_DEFAULT)
 * @PKTCAP_A_CAPTURE_NR_RINGS: u32, rings in the mapping (reply only)
 * @PKTCAP_A_CAPTURE_SESSION_ID: u64, changes at every START (reply only)
 * @PKTCAP_A_CAPTURE_PAD: padding
 * @PKTCAP_A_CAPTURE_FILTER_INSNS: u32, length of the filter (reply only)
 * @PKTCAP_A_CAPTURE_READER: u8, 1 while a reader holds /dev/pktcap
 */
enum pktcap_a_capture {
	PKTCAP_A_CAPTURE_UNSPEC,
	PKTCAP_A_CAPTURE_STATE,
	PKTCAP_A_CAPTURE_BACKEND,
	PKTCAP_A_CAPTURE_DEVICE,
	PKTCAP_A_CAPTURE_SNAPLEN,
	PKTCAP_A_CAPTURE_RING_SIZE,
	PKTCAP_A_CAPTURE_FILTER,
	PKTCAP_A_CAPTURE_WAKEUP_RECORDS,
	PKTCAP_A_CAPTURE_WAKEUP_USEC,
	PKTCAP_A_CAPTURE_NR_RINGS,
	PKTCAP_A_CAPTURE_SESSION_ID,
	PKTCAP_A_CAPTURE_PAD,
	PKTCAP_A_CAPTURE_FILTER_INSNS,
	PKTCAP_A_CAPTURE_READER,

	__PKTCAP_A_CAPTURE_MAX,
	PKTCAP_A_CAPTURE_MAX = __PKTCAP_A_CAPTURE_MAX - 1
};

#define PKTCAP_SNAPLEN_MAX		65535
#define PKTCAP_SNAPLEN_DEFAULT		PKTCAP_SNAPLEN_MAX
#define PKTCAP_RING_SIZE_MIN		(64U << 10)
#define PKTCAP_RING_SIZE_MAX		(256U << 20)
#define PKTCAP_RING_SIZE_DEFAULT	(4U << 20)
#define PKTCAP_FILTER_MAX_INSNS		4096
#define PKTCAP_WAKEUP_RECORDS_DEFAULT	64
#define PKTCAP_WAKEUP_USEC_DEFAULT	10000

/**
 * enum pktcap_device_state - value of %PKTCAP_A_DEVICE_STATE
 * @PKTCAP_DEV_ATTACHED: hooked and delivering packets
 * @PKTCAP_DEV_DETACHED: the device went away during the session; its hook
 *	was removed and the entry kept so the operator can see what happened
 */
enum pktcap_device_state {
	PKTCAP_DEV_ATTACHED,
	PKTCAP_DEV_DETACHED,
};

/**
 * enum pktcap_a_device - attributes of a device nest
 * @PKTCAP_A_DEVICE_UNSPEC: never used
 * @PKTCAP_A_DEVICE_IFINDEX: u32; in requests, either this or the name
 * @PKTCAP_A_DEVICE_IFNAME: string
 * @PKTCAP_A_DEVICE_STATE: u32, &enum pktcap_device_state (reply only)
 * @PKTCAP_A_DEVICE_LINKTYPE: u32, ARPHRD_* of the device (reply only)
 */
enum pktcap_a_device {
	PKTCAP_A_DEVICE_UNSPEC,
	PKTCAP_A_DEVICE_IFINDEX,
	PKTCAP_A_DEVICE_IFNAME,
	PKTCAP_A_DEVICE_STATE,
	PKTCAP_A_DEVICE_LINKTYPE,

	__PKTCAP_A_DEVICE_MAX,
	PKTCAP_A_DEVICE_MAX = __PKTCAP_A_DEVICE_MAX - 1
};

/* Most devices one capture session or flow meter may hook. */
#define PKTCAP_MAX_DEVICES	64

/**
 * enum pktcap_a_metrics - attributes of a %PKTCAP_A_METRICS nest
 *
 * All counters are u64, cumulative since module load for this network
 * namespace, summed over CPUs. At any quiet moment (no packet in flight)
 * seen == captured + filtered + dropped holds exactly.
 *
 * @PKTCAP_A_METRICS_UNSPEC: never used
 * @PKTCAP_A_METRICS_PAD: padding
 * @PKTCAP_A_METRICS_SEEN: packets the capture hooks saw
 * @PKTCAP_A_METRICS_CAPTURED: packets written to a ring
 * @PKTCAP_A_METRICS_FILTERED: packets the filter rejected
 * @PKTCAP_A_METRICS_DROPPED: packets lost because the ring was full
 * @PKTCAP_A_METRICS_TRUNCATED: captured packets cut to the snaplen
 * @PKTCAP_A_METRICS_BYTES: bytes of record data written to rings
 * @PKTCAP_A_METRICS_CPU: nest, the same counters for one CPU, with
 *	%PKTCAP_A_METRICS_CPU_ID; multi-attr
 * @PKTCAP_A_METRICS_CPU_ID: u32, in a %PKTCAP_A_METRICS_CPU nest
 * @PKTCAP_A_METRICS_WAKEUPS: reader wakeups issued
 * @PKTCAP_A_METRICS_FLOWS_ACTIVE: flows in the table now
 * @PKTCAP_A_METRICS_FLOWS_CREATED: flows created
 * @PKTCAP_A_METRICS_FLOWS_EXPIRED_IDLE: flows expired by idle timeout
 * @PKTCAP_A_METRICS_FLOWS_EXPIRED_ACTIVE: flows expired by active timeout
 * @PKTCAP_A_METRICS_FLOWS_EXPIRED_END: flows ended by TCP FIN or RST
 * @PKTCAP_A_METRICS_FLOWS_EVICTED: flows expired for lack of resources
 * @PKTCAP_A_METRICS_FLOWS_FORCED: flows ended by disable, namespace exit
 *	or module unload
 * @PKTCAP_A_METRICS_FLOW_PACKETS: packets metered
 * @PKTCAP_A_METRICS_FLOW_BYTES: bytes metered
 * @PKTCAP_A_METRICS_BATCHES_SENT: expired-flow batches multicast
 * @PKTCAP_A_METRICS_BATCHES_LOST: batches that could not be delivered
 * @PKTCAP_A_METRICS_FLOWS_LOST: flows in lost batches
 * @PKTCAP_A_METRICS_PACKETS_LOST: packets in flows in lost batches
 * @PKTCAP_A_METRICS_PARSE_TRUNCATED: headers cut short
 * @PKTCAP_A_METRICS_PARSE_BAD_HEADER: malformed L3/L4 headers
 * @PKTCAP_A_METRICS_PARSE_EXTHDR_LIMIT: IPv6 extension chains too long
 * @PKTCAP_A_METRICS_FLOWS_DELIVERED: flows in delivered batches
 * @PKTCAP_A_METRICS_PACKETS_DELIVERED: packets in delivered flows
 * @PKTCAP_A_METRICS_FLOW_SAMPLED_OUT: packets skipped by sampling
 * @PKTCAP_A_METRICS_FLOW_ALLOC_FAILED: packets not metered: no memory for
 *	a flow
 * @PKTCAP_A_METRICS_FLOW_PACKETS_ACTIVE: packets in flows still in the table
 * @PKTCAP_A_METRICS_FLOW_PACKETS_PENDING: packets in expired flows not yet
 *	delivered or lost; 0 at a quiet moment, when
 *	FLOW_PACKETS == PACKETS_DELIVERED + PACKETS_LOST + FLOW_PACKETS_ACTIVE
 * @PKTCAP_A_METRICS_FLOWS_PENDING: expired flows not yet delivered or lost
 * @PKTCAP_A_METRICS_BATCH_SEQ: sequence number of the last batch
 * @PKTCAP_A_METRICS_FLOW_BUCKETS: buckets in the flow table now; the table
 *	grows with the flows, up to the size max flows calls for
 * @PKTCAP_A_METRICS_FLOW_GROW_FAILED: growths of the bucket array refused
 *	for lack of memory; each is retried after a wait that doubles, from 1
 *	to 16 seconds
 */
enum pktcap_a_metrics {
	PKTCAP_A_METRICS_UNSPEC,
	PKTCAP_A_METRICS_PAD,
	PKTCAP_A_METRICS_SEEN,
	PKTCAP_A_METRICS_CAPTURED,
	PKTCAP_A_METRICS_FILTERED,
	PKTCAP_A_METRICS_DROPPED,
	PKTCAP_A_METRICS_TRUNCATED,
	PKTCAP_A_METRICS_BYTES,
	PKTCAP_A_METRICS_CPU,
	PKTCAP_A_METRICS_CPU_ID,
	PKTCAP_A_METRICS_WAKEUPS,
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
	PKTCAP_A_METRICS_FLOW_PACKETS_ACTIVE,
	PKTCAP_A_METRICS_FLOW_PACKETS_PENDING,
	PKTCAP_A_METRICS_FLOWS_PENDING,
	PKTCAP_A_METRICS_BATCH_SEQ,
	PKTCAP_A_METRICS_FLOW_BUCKETS,
	PKTCAP_A_METRICS_FLOW_GROW_FAILED,

	__PKTCAP_A_METRICS_MAX,
	PKTCAP_A_METRICS_MAX = __PKTCAP_A_METRICS_MAX - 1
};

/**
 * enum pktcap_a_flow_meter - attributes of a %PKTCAP_A_FLOW_METER nest
 * @PKTCAP_A_FLOW_METER_UNSPEC: never used
 * @PKTCAP_A_FLOW_METER_ENABLED: u8; in a request, 1 enables metering (EBUSY
 *	if it already runs: disable first to change settings), 0 disables it
 * @PKTCAP_A_FLOW_METER_BACKEND: string, backend name
 * @PKTCAP_A_FLOW_METER_DEVICE: nest, &enum pktcap_a_device; multi-attr
 * @PKTCAP_A_FLOW_METER_MAX_FLOWS: u32, table capacity
 * @PKTCAP_A_FLOW_METER_ACTIVE_TIMEOUT: u32, seconds
 * @PKTCAP_A_FLOW_METER_INACTIVE_TIMEOUT: u32, seconds
 * @PKTCAP_A_FLOW_METER_SAMPLING: u32, meter 1 packet in N (1: all)
 * @PKTCAP_A_FLOW_METER_SAMPLING_RANDOM: u8, 1: random, 0: deterministic
 * @PKTCAP_A_FLOW_METER_BIDIRECTIONAL: u8, RFC 5103 biflows
 */
enum pktcap_a_flow_meter {
	PKTCAP_A_FLOW_METER_UNSPEC,
	PKTCAP_A_FLOW_METER_ENABLED,
	PKTCAP_A_FLOW_METER_BACKEND,
	PKTCAP_A_FLOW_METER_DEVICE,
	PKTCAP_A_FLOW_METER_MAX_FLOWS,
	PKTCAP_A_FLOW_METER_ACTIVE_TIMEOUT,
	PKTCAP_A_FLOW_METER_INACTIVE_TIMEOUT,
	PKTCAP_A_FLOW_METER_SAMPLING,
	PKTCAP_A_FLOW_METER_SAMPLING_RANDOM,
	PKTCAP_A_FLOW_METER_BIDIRECTIONAL,

	__PKTCAP_A_FLOW_METER_MAX,
	PKTCAP_A_FLOW_METER_MAX = __PKTCAP_A_FLOW_METER_MAX - 1
};

#define PKTCAP_ACTIVE_TIMEOUT_DEFAULT	1800
#define PKTCAP_INACTIVE_TIMEOUT_DEFAULT	15
#define PKTCAP_MAX_FLOWS_LIMIT		(16U << 20)

/**
 * enum pktcap_flow_end - why a flow ended; the values are IPFIX
 * flowEndReason (information element 136)
 * @PKTCAP_FLOW_END_IDLE: idle timeout
 * @PKTCAP_FLOW_END_ACTIVE: active timeout
 * @PKTCAP_FLOW_END_EOF: end of flow detected (TCP FIN or RST)
 * @PKTCAP_FLOW_END_FORCED: forced end (disable, namespace exit, unload)
 * @PKTCAP_FLOW_END_RESOURCES: lack of resources (table full, LRU evicted)
 */
enum pktcap_flow_end {
	PKTCAP_FLOW_END_IDLE = 1,
	PKTCAP_FLOW_END_ACTIVE = 2,
	PKTCAP_FLOW_END_EOF = 3,
	PKTCAP_FLOW_END_FORCED = 4,
	PKTCAP_FLOW_END_RESOURCES = 5,
};

/**
 * enum pktcap_a_flow - attributes of a %PKTCAP_A_FLOW nest
 *
 * Addresses are in network byte order, 4 bytes for IPv4 and 16 for IPv6.
 * Ports are host byte order u16. A flow of a non-IP frame carries only
 * IFINDEX, DIRECTION, VLAN and L3_PROTO (the ethertype) among the keys.
 *
 * @PKTCAP_A_FLOW_UNSPEC: never used
 * @PKTCAP_A_FLOW_PAD: padding
 * @PKTCAP_A_FLOW_IFINDEX: u32, ingress (or egress) interface
 * @PKTCAP_A_FLOW_DIRECTION: u8, %PKTCAP_DIR_IN or %PKTCAP_DIR_OUT
 * @PKTCAP_A_FLOW_VLAN: u16, VLAN id, 0 when untagged
 * @PKTCAP_A_FLOW_L3_PROTO: u16, ethertype (host order): 0x0800, 0x86dd ...
 * @PKTCAP_A_FLOW_SRC: binary, source address
 * @PKTCAP_A_FLOW_DST: binary, destination address
 * @PKTCAP_A_FLOW_PROTO: u8, IP protocol
 * @PKTCAP_A_FLOW_SPORT: u16, source port
 * @PKTCAP_A_FLOW_DPORT: u16, destination port
 * @PKTCAP_A_FLOW_ICMP_TYPE: u8
 * @PKTCAP_A_FLOW_ICMP_CODE: u8
 * @PKTCAP_A_FLOW_DSCP: u8
 * @PKTCAP_A_FLOW_PACKETS: u64
 * @PKTCAP_A_FLOW_BYTES: u64, L3 bytes (IP total length) for IP, frame
 *	length otherwise
 * @PKTCAP_A_FLOW_FIRST_NS: u64, CLOCK_REALTIME ns of the first packet
 * @PKTCAP_A_FLOW_LAST_NS: u64, CLOCK_REALTIME ns of the last packet, to
 *	the resolution of the kernel's tick (never below FIRST_NS)
 * @PKTCAP_A_FLOW_TCP_FLAGS: u8, OR of the TCP flags seen
 * @PKTCAP_A_FLOW_TTL_MIN: u8, minimum TTL or hop limit
 * @PKTCAP_A_FLOW_TTL_MAX: u8, maximum TTL or hop limit
 * @PKTCAP_A_FLOW_END_REASON: u8, &enum pktcap_flow_end (expired flows only)
 * @PKTCAP_A_FLOW_REV_PACKETS: u64, reverse direction (biflows)
 * @PKTCAP_A_FLOW_REV_BYTES: u64, reverse direction (biflows)
 * @PKTCAP_A_FLOW_REV_TCP_FLAGS: u8, reverse direction (biflows)
 * @PKTCAP_A_FLOW_FRAGMENTED: u8, 1 if fragments were seen (see docs)
 * @PKTCAP_A_FLOW_SAMPLING: u32, the sampling interval the counts are under
 */
enum pktcap_a_flow {
	PKTCAP_A_FLOW_UNSPEC,
	PKTCAP_A_FLOW_PAD,
	PKTCAP_A_FLOW_IFINDEX,
	PKTCAP_A_FLOW_DIRECTION,
	PKTCAP_A_FLOW_VLAN,
	PKTCAP_A_FLOW_L3_PROTO,
	PKTCAP_A_FLOW_SRC,
	PKTCAP_A_FLOW_DST,
	PKTCAP_A_FLOW_PROTO,
	PKTCAP_A_FLOW_SPORT,
	PKTCAP_A_FLOW_DPORT,
	PKTCAP_A_FLOW_ICMP_TYPE,
	PKTCAP_A_FLOW_ICMP_CODE,
	PKTCAP_A_FLOW_DSCP,
	PKTCAP_A_FLOW_PACKETS,
	PKTCAP_A_FLOW_BYTES,
	PKTCAP_A_FLOW_FIRST_NS,
	PKTCAP_A_FLOW_LAST_NS,
	PKTCAP_A_FLOW_TCP_FLAGS,
	PKTCAP_A_FLOW_TTL_MIN,
	PKTCAP_A_FLOW_TTL_MAX,
	PKTCAP_A_FLOW_END_REASON,
	PKTCAP_A_FLOW_REV_PACKETS,
	PKTCAP_A_FLOW_REV_BYTES,
	PKTCAP_A_FLOW_REV_TCP_FLAGS,
	PKTCAP_A_FLOW_FRAGMENTED,
	PKTCAP_A_FLOW_SAMPLING,

	__PKTCAP_A_FLOW_MAX,
	PKTCAP_A_FLOW_MAX = __PKTCAP_A_FLOW_MAX - 1
};

/**
 * enum pktcap_a_flow_batch - attributes of a %PKTCAP_A_FLOW_BATCH nest
 * @PKTCAP_A_FLOW_BATCH_UNSPEC: never used
 * @PKTCAP_A_FLOW_BATCH_PAD: padding
 * @PKTCAP_A_FLOW_BATCH_SEQ: u64, per-namespace batch sequence number,
 *	incremented for every batch whether delivered or lost, so a listener
 *	sees a gap exactly when batches were lost
 * @PKTCAP_A_FLOW_BATCH_COUNT: u32, flows in this batch
 */
enum pktcap_a_flow_batch {
	PKTCAP_A_FLOW_BATCH_UNSPEC,
	PKTCAP_A_FLOW_BATCH_PAD,
	PKTCAP_A_FLOW_BATCH_SEQ,
	PKTCAP_A_FLOW_BATCH_COUNT,

	__PKTCAP_A_FLOW_BATCH_MAX,
	PKTCAP_A_FLOW_BATCH_MAX = __PKTCAP_A_FLOW_BATCH_MAX - 1
};

/**
 * enum pktcap_a_export - attributes of a %PKTCAP_A_EXPORT nest
 *
 * The kernel does not send NetFlow itself: it delivers expired flows on
 * %PKTCAP_MCGRP_FLOWS while export is enabled, and keeps the exporter's
 * settings so that STATUS can show them.
 *
 * @PKTCAP_A_EXPORT_UNSPEC: never used
 * @PKTCAP_A_EXPORT_ENABLED: u8
 * @PKTCAP_A_EXPORT_VERSION: u32, 5, 9 or 10
 * @PKTCAP_A_EXPORT_COLLECTOR: string, "HOST:PORT"; multi-attr
 * @PKTCAP_A_EXPORT_DOMAIN: u32, observation domain / source id
 * @PKTCAP_A_EXPORT_MTU: u32
 * @PKTCAP_A_EXPORT_PID: u32, the exporter process
 * @PKTCAP_A_EXPORT_TEMPLATE_PACKETS: u32, template refresh interval
 * @PKTCAP_A_EXPORT_TEMPLATE_SECONDS: u32, template refresh interval
 */
enum pktcap_a_export {
	PKTCAP_A_EXPORT_UNSPEC,
	PKTCAP_A_EXPORT_ENABLED,
	PKTCAP_A_EXPORT_VERSION,
	PKTCAP_A_EXPORT_COLLECTOR,
	PKTCAP_A_EXPORT_DOMAIN,
	PKTCAP_A_EXPORT_MTU,
	PKTCAP_A_EXPORT_PID,
	PKTCAP_A_EXPORT_TEMPLATE_PACKETS,
	PKTCAP_A_EXPORT_TEMPLATE_SECONDS,

	__PKTCAP_A_EXPORT_MAX,
	PKTCAP_A_EXPORT_MAX = __PKTCAP_A_EXPORT_MAX - 1
};

#define PKTCAP_MAX_COLLECTORS	8

/**
 * enum pktcap_a_encryption - attributes of a %PKTCAP_A_ENCRYPTION nest
 * @PKTCAP_A_ENCRYPTION_UNSPEC: never used
 * @PKTCAP_A_ENCRYPTION_ENABLED: u8
 * @PKTCAP_A_ENCRYPTION_KEY: binary, %PKTCAP_KEY_LEN bytes (request only;
 *	never returned by any operation)
 * @PKTCAP_A_ENCRYPTION_ALGORITHM: string, "aes-256-gcm"
 * @PKTCAP_A_ENCRYPTION_KEY_ID: binary, %PKTCAP_KEY_ID_LEN bytes derived
 *	from the key by a one-way function
 */
enum pktcap_a_encryption {
	PKTCAP_A_ENCRYPTION_UNSPEC,
	PKTCAP_A_ENCRYPTION_ENABLED,
	PKTCAP_A_ENCRYPTION_KEY,
	PKTCAP_A_ENCRYPTION_ALGORITHM,
	PKTCAP_A_ENCRYPTION_KEY_ID,

	__PKTCAP_A_ENCRYPTION_MAX,
	PKTCAP_A_ENCRYPTION_MAX = __PKTCAP_A_ENCRYPTION_MAX - 1
};

#define PKTCAP_KEY_LEN		32
#define PKTCAP_KEY_ID_LEN	8
#define PKTCAP_GCM_TAG_LEN	16
#define PKTCAP_GCM_NONCE_LEN	12

/**
 * enum pktcap_a_verify - attributes of a %PKTCAP_A_VERIFY nest
 * @PKTCAP_A_VERIFY_UNSPEC: never used
 * @PKTCAP_A_VERIFY_SIG_VERIFIED: u8, the kernel verified the signature
 * @PKTCAP_A_VERIFY_TAINT: string, this module's taint flags ("OE" ...)
 * @PKTCAP_A_VERIFY_VERSION: string
 * @PKTCAP_A_VERIFY_SRCVERSION: string
 * @PKTCAP_A_VERIFY_SIG_ENFORCE: u8, module.sig_enforce is in force
 * @PKTCAP_A_VERIFY_LOCKDOWN: string, reserved: the kernel offers modules no
 *	way to read the lockdown level without logging a denial, so
 *	pktcapctl reads /sys/kernel/security/lockdown instead
 */
enum pktcap_a_verify {
	PKTCAP_A_VERIFY_UNSPEC,
	PKTCAP_A_VERIFY_SIG_VERIFIED,
	PKTCAP_A_VERIFY_TAINT,
	PKTCAP_A_VERIFY_VERSION,
	PKTCAP_A_VERIFY_SRCVERSION,
	PKTCAP_A_VERIFY_SIG_ENFORCE,
	PKTCAP_A_VERIFY_LOCKDOWN,

	__PKTCAP_A_VERIFY_MAX,
	PKTCAP_A_VERIFY_MAX = __PKTCAP_A_VERIFY_MAX - 1
};

/*
 * The ring ABI
 * ============
 *
 * START allocates one ring per possible CPU. A reader opens /dev/pktcap
 * (one reader per network namespace at a time; a second open gets EBUSY)
 * and maps:
 *
 *   offset 0, one page, PROT_READ:       struct pktcap_mmap_info
 *   info.ring_offset + i * info.ring_stride, PROT_READ:
 *                                        ring i's producer page followed by
 *                                        its data area (info.ring_size bytes)
 *   the same + info.consumer_offset, one page, PROT_READ | PROT_WRITE:
 *                                        ring i's consumer page
 *
 * Any other offset, a length past the region, PROT_WRITE (or a later
 * mprotect to it) on a read-only region, or a mapping that is not MAP_SHARED
 * is refused with EINVAL or EACCES.
 *
 * Records: the data area holds records back to back, each starting with a
 * struct pktcap_rec_hdr at an 8-byte aligned offset, packet bytes at
 * hdr_len, and rec_len rounded up to %PKTCAP_REC_ALIGN. A record never
 * crosses the end of the data area: when the next record does not fit in
 * the space left before the end, the producer writes a header there with
 * %PKTCAP_REC_F_PAD set and rec_len equal to that space (always at least
 * 8 bytes; only rec_len and flags of a pad record are valid) and continues
 * at offset 0.
 *
 * Indices: producer and consumer are free-running byte counts (u64); the
 * offset in the data area is index & (ring_size - 1). The ring holds
 * producer - consumer bytes of unread records. The kernel owns producer,
 * the reader owns consumer.
 *
 * Ordering, as pairs of barriers (AF_XDP's xsk_queue.h uses the same shape):
 *
 *   producer (kernel)                    consumer (reader)
 *   cons = LOAD_ACQUIRE(consumer)  (A)    prod = LOAD_ACQUIRE(producer)  (C)
 *   if (free space for the record)        read records in [cons, prod)
 *       STORE record bytes                STORE_RELEASE(consumer, prod)  (D)
 *       STORE_RELEASE(producer, new) (B)
 *
 *   (B) pairs with (C): a reader that sees a producer value sees every byte
 *       of every record before it.
 *   (D) pairs with (A): the kernel overwrites a byte only after the reader
 *       has released it, so the reader's loads of record bytes complete
 *       before their space is reused.
 *
 * The kernel never trusts the consumer page: a consumer value ahead of the
 * producer, or more than ring_size behind it, makes the ring look full, so
 * packets are dropped and counted in the dropped counter. It never reads
 * anything else the reader may write.
 *
 * Wakeup: poll()/epoll on the /dev/pktcap descriptor reports EPOLLIN in
 * batches: once wakeup_records records arrived on a ring, or wakeup_usec
 * after the first unread record, whichever comes first. Each such wakeup
 * is reported once per descriptor; a poll() that finds unread records but
 * no wakeup it has not reported sleeps until the next one (wakeup_usec at
 * the latest), so a reader that drained its rings waits for a batch
 * instead of taking records one by one. Records may be read at any time
 * without poll(). EPOLLHUP means the session the mapping belongs to was
 * stopped (mmap again after the next START).
 */

#define PKTCAP_MMAP_MAGIC	0x70637031	/* "pcp1" */
#define PKTCAP_RING_ABI_VERSION	1
#define PKTCAP_REC_ALIGN	8

/**
 * struct pktcap_mmap_info - the info page at mmap offset 0
 * @magic: %PKTCAP_MMAP_MAGIC
 * @abi_version: %PKTCAP_RING_ABI_VERSION
 * @nr_rings: number of rings (one per possible CPU)
 * @ring_size: bytes in each ring's data area, a power of two
 * @ring_offset: mmap offset of ring 0
 * @ring_stride: distance in the mmap offset space between rings
 * @data_offset: offset of the data area from the start of a ring mapping
 *	(the producer page comes first)
 * @consumer_offset: offset of the consumer page from a ring's offset
 * @page_size: the kernel's page size
 * @snaplen: the session's snaplen
 * @session_id: changes at every START; readers compare it after mapping
 * @stopped: set to 1 when the session of this mapping stops
 * @rec_hdr_len: sizeof(struct pktcap_rec_hdr) as the kernel knows it
 * @flags: %PKTCAP_INFO_F_*
 * @key_id: first bytes of the sealing key id when %PKTCAP_INFO_F_SEALED
 */
struct pktcap_mmap_info {
	__u32 magic;
	__u32 abi_version;
	__u32 nr_rings;
	__u32 ring_size;
	__u64 ring_offset;
	__u64 ring_stride;
	__u32 data_offset;
	__u32 consumer_offset;
	__u32 page_size;
	__u32 snaplen;
	__u64 session_id;
	__u32 stopped;
	__u32 rec_hdr_len;
	__u32 flags;
	__u32 reserved;
	__u8 key_id[PKTCAP_KEY_ID_LEN];
};

/* Records carry packet bytes sealed with AES-256-GCM (see docs/ENCRYPTION.md). */
#define PKTCAP_INFO_F_SEALED	(1U << 0)

/**
 * struct pktcap_ring_producer - start of a ring's producer page
 * @producer: bytes produced, free running; kernel stores with release
 * @pad: keeps @producer alone on its cache line
 */
struct pktcap_ring_producer {
	__u64 producer;
	__u64 pad[7];
};

/**
 * struct pktcap_ring_consumer - start of a ring's consumer page
 * @consumer: bytes consumed, free running; reader stores with release
 */
struct pktcap_ring_consumer {
	__u64 consumer;
};

/**
 * struct pktcap_rec_hdr - header of every record in a data area
 * @rec_len: length of the whole record, header and padding included,
 *	a multiple of %PKTCAP_REC_ALIGN
 * @flags: %PKTCAP_REC_F_*
 * @hdr_len: offset of the packet bytes from the start of the record
 * @cap_len: bytes of packet data in the record; for a sealed record the
 *	plaintext length, the payload being %PKTCAP_SEAL_OVERHEAD bytes longer
 *	(struct pktcap_seal_layout)
 * @wire_len: length of the packet on the wire
 * @tstamp_ns: CLOCK_REALTIME time the hook saw the packet, in ns
 * @seq: per-ring record number, counting dropped packets too, so a gap
 *	shows exactly how many were lost on this ring
 * @ifindex: the device the packet was seen on
 * @protocol: link-layer protocol (skb->protocol), network byte order
 * @direction: %PKTCAP_DIR_IN or %PKTCAP_DIR_OUT
 * @pkt_type: PACKET_HOST, PACKET_BROADCAST ... as in linux/if_packet.h
 * @vlan_tci: VLAN tag the device stripped (valid with %PKTCAP_REC_F_VLAN)
 * @vlan_proto: its TPID, network byte order
 * @linktype: ARPHRD_* of the device
 * @reserved: zero
 */
struct pktcap_rec_hdr {
	__u32 rec_len;
	__u16 flags;
	__u16 hdr_len;
	__u32 cap_len;
	__u32 wire_len;
	__u64 tstamp_ns;
	__u64 seq;
	__u32 ifindex;
	__be16 protocol;
	__u8 direction;
	__u8 pkt_type;
	__u16 vlan_tci;
	__be16 vlan_proto;
	__u16 linktype;
	__u16 reserved;
};

#define PKTCAP_REC_F_PAD	(1U << 0)	/* skip to the start of the data area */
#define PKTCAP_REC_F_TRUNCATED	(1U << 1)	/* cap_len < wire_len */
#define PKTCAP_REC_F_VLAN	(1U << 2)	/* vlan_tci/vlan_proto valid */
#define PKTCAP_REC_F_SEALED	(1U << 3)	/* packet bytes are AES-256-GCM sealed */

/**
 * DOC: sealed records
 *
 * With encryption enabled (PKTCAP_CMD_ENCRYPTION) before START, every
 * record of the session carries %PKTCAP_REC_F_SEALED and its payload is
 *
 *   nonce[PKTCAP_GCM_NONCE_LEN] | ciphertext[cap_len] | tag[PKTCAP_GCM_TAG_LEN]
 *
 * AES-256-GCM with the namespace's key, the whole struct pktcap_rec_hdr (as
 * stored, hdr_len bytes) as associated data. The nonce is an 8-byte random
 * salt chosen per CPU at START, followed by a 32-bit big-endian counter of
 * that CPU's records; a new salt is drawn when the counter wraps, so a
 * nonce repeats under one key only if two random 64-bit salts collide.
 * The key itself is never returned by any operation; the mmap info page and
 * STATUS carry its key id, the first %PKTCAP_KEY_ID_LEN bytes of
 * SHA-256("pktcap key id v1" || key).
 */
#define PKTCAP_SEAL_OVERHEAD	(PKTCAP_GCM_NONCE_LEN + PKTCAP_GCM_TAG_LEN)

#endif /* _UAPI_LINUX_PKTCAP_H */
