// SPDX-License-Identifier: GPL-2.0
#include <string.h>
#include <arpa/inet.h>
#include <net/if_arp.h>
#include <linux/if_packet.h>
#include "synth.h"

static uint16_t ip_csum(const uint8_t *b, unsigned int len)
{
	uint32_t sum = 0;
	unsigned int i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (b[i] << 8) | b[i + 1];
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return ~sum;
}

/* IPv4 + UDP + payload at @b; returns the bytes written. */
static unsigned int put_ipv4_udp(uint8_t *b, unsigned int i,
				 unsigned int payload)
{
	unsigned int tot = 20 + 8 + payload, k;
	uint16_t csum;

	memset(b, 0, 28);
	b[0] = 0x45;
	b[2] = tot >> 8;
	b[3] = tot;
	b[4] = i >> 8;
	b[5] = i;
	b[8] = 64;
	b[9] = 17;	/* UDP */
	memcpy(b + 12, "\x0a\x00\x00\x01\x0a\x00\x00\x02", 8);
	csum = ip_csum(b, 20);
	b[10] = csum >> 8;
	b[11] = csum;
	b[20] = (1000 + i) >> 8;
	b[21] = 1000 + i;
	b[22] = 2000 >> 8;
	b[23] = 2000 & 0xff;
	b[24] = (8 + payload) >> 8;
	b[25] = 8 + payload;
	for (k = 0; k < payload; k++)
		b[28 + k] = (uint8_t)(i + k);
	return tot;
}

void synth_packet(struct synth_pkt *p, unsigned int i,
		  const struct synth_dev *dev)
{
	unsigned int payload = 18 + (i * 7) % 200, off = 0, len;
	int eth = dev->arphrd == ARPHRD_ETHER;

	memset(&p->h, 0, sizeof(p->h));
	p->vid = 0;
	if (eth) {
		memcpy(p->data, "\x02\x00\x00\x00\x00\x02"
				"\x02\x00\x00\x00\x00\x01\x08\x00", 14);
		off = 14;
	}
	len = off + put_ipv4_udp(p->data + off, i, payload);
	p->h.hdr_len = sizeof(p->h);
	p->h.cap_len = len;
	p->h.wire_len = len;
	p->h.tstamp_ns = SYNTH_TS0 + i * SYNTH_TS_STEP;
	p->h.seq = i;
	p->h.ifindex = dev->ifindex;
	p->h.protocol = htons(0x0800);
	p->h.direction = i % 3 == 1 ? PKTCAP_DIR_OUT : PKTCAP_DIR_IN;
	p->h.pkt_type = i % 3 == 1 ? PACKET_OUTGOING : PACKET_HOST;
	p->h.linktype = dev->arphrd;
	if (i % 11 == 4) {
		p->h.cap_len = len / 2;
		p->h.wire_len = len;
		p->h.flags |= PKTCAP_REC_F_TRUNCATED;
	}
	if (eth && i % 5 == 2) {
		p->vid = 100 + i % 7;
		p->h.vlan_tci = (3 << 13) | p->vid;	/* priority 3 */
		p->h.vlan_proto = htons(0x8100);
		p->h.flags |= PKTCAP_REC_F_VLAN;
	}
	p->h.rec_len = (sizeof(p->h) + p->h.cap_len + 7) & ~7U;
}
