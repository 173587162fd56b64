/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Synthetic ring records with known bytes, shared by the capfile unit test
 * and gen-capfile (which the reader checks run): both sides must agree on
 * what packet i looks like to compare a reader's view with it.
 */
#ifndef _PKTCAP_TESTS_SYNTH_H
#define _PKTCAP_TESTS_SYNTH_H

#include <stdint.h>
#include <linux/pktcap.h>

#define SYNTH_TS0	1700000000123456789ULL	/* ns, CLOCK_REALTIME */
#define SYNTH_TS_STEP	1000003ULL
#define SYNTH_MAX_LEN	2048

struct synth_dev {
	uint32_t ifindex;
	const char *name;
	uint16_t arphrd;
};

/* What packet @i looks like: every few are VLAN-stripped or truncated. */
struct synth_pkt {
	struct pktcap_rec_hdr h;
	uint8_t data[SYNTH_MAX_LEN];
	uint16_t vid;		/* VLAN id if PKTCAP_REC_F_VLAN */
};

/*
 * Fills @p as packet @i seen on @dev: an IPv4/UDP datagram, behind an
 * Ethernet header when the device has one. Truncated every 11th packet
 * (from 4), VLAN-stripped every 5th (from 2) on Ethernet, outbound every
 * 3rd (from 1).
 */
void synth_packet(struct synth_pkt *p, unsigned int i,
		  const struct synth_dev *dev);

#endif /* _PKTCAP_TESTS_SYNTH_H */
