// SPDX-License-Identifier: GPL-2.0
/*
 * tcpdump expressions to classic BPF, with libpcap's own compiler so that
 * an expression means exactly what it means to tcpdump.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <net/if_arp.h>
#include <pcap/pcap.h>

#include "err.h"
#include "filter.h"

int pk_filter_dlt(unsigned int arphrd)
{
	switch (arphrd) {
	case ARPHRD_ETHER:
	case ARPHRD_LOOPBACK:	/* the kernel gives lo a zeroed Ethernet header */
		return DLT_EN10MB;
	case ARPHRD_NONE:	/* tun and friends: packets start at the IP header */
		return DLT_RAW;
	default:
		return -1;
	}
}

/* Copy out of libpcap's bpf_program into the kernel's layout. */
static int to_sock_filter(const struct bpf_program *bp,
			  struct sock_filter **prog, size_t *len)
{
	struct sock_filter *p;
	unsigned int i;

	p = calloc(bp->bf_len, sizeof(*p));
	if (!p)
		return -ENOMEM;
	for (i = 0; i < bp->bf_len; i++) {
		p[i].code = bp->bf_insns[i].code;
		p[i].jt = bp->bf_insns[i].jt;
		p[i].jf = bp->bf_insns[i].jf;
		p[i].k = bp->bf_insns[i].k;
	}
	*prog = p;
	*len = bp->bf_len;
	return 0;
}

int pk_filter_compile(const char *expr, int dlt, uint32_t snaplen,
		      struct sock_filter **prog, size_t *len)
{
	struct bpf_program bp;
	pcap_t *p;
	int err;

	p = pcap_open_dead(dlt, (int)snaplen);
	if (!p) {
		pk_err("filter", "%s", strerror(ENOMEM));
		return -ENOMEM;
	}
	/* Netmask unknown: "ip broadcast" is refused, as by tcpdump -i any. */
	if (pcap_compile(p, &bp, expr, 1, PCAP_NETMASK_UNKNOWN)) {
		pk_err("filter", "%s", pcap_geterr(p));
		pcap_close(p);
		return -EINVAL;
	}
	err = to_sock_filter(&bp, prog, len);
	if (err)
		pk_err("filter", "%s", strerror(-err));
	pcap_freecode(&bp);
	pcap_close(p);
	return err;
}
