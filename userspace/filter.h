/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Capture filters: a tcpdump expression compiled by libpcap into the
 * classic BPF program the kernel runs (PKTCAP_A_CAPTURE_FILTER).
 */
#ifndef PK_FILTER_H
#define PK_FILTER_H

#include <stddef.h>
#include <stdint.h>
#include <linux/filter.h>

/*
 * The DLT_* link type libpcap compiles for, given a device's ARPHRD_*
 * type; -1 for a type pktcap cannot filter.
 */
int pk_filter_dlt(unsigned int arphrd);

/*
 * Compile expr for link type dlt. On success *prog is a malloc'ed array
 * of *len instructions (free() it). On failure prints
 * "pktcapctl: filter: <libpcap's message>" and returns -EINVAL.
 */
int pk_filter_compile(const char *expr, int dlt, uint32_t snaplen,
		      struct sock_filter **prog, size_t *len);

#endif /* PK_FILTER_H */
