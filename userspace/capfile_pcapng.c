// SPDX-License-Identifier: GPL-2.0
/*
 * The pcapng back end, written by hand (libpcap only reads pcapng).
 *
 * Each file is one section: a Section Header Block, one Interface
 * Description Block per device (if_name, if_tsresol = 9 so timestamps are
 * plain nanoseconds, the snaplen) and an Enhanced Packet Block per record,
 * whose epb_flags carry the direction pcap cannot store. Blocks are in
 * host byte order, which the SHB's byte-order magic announces; every
 * block and option is padded to 32 bits and ends with its length again.
 */
#include <errno.h>
#include <string.h>
#include "capfile_int.h"

#define BT_SHB			0x0A0D0D0AU
#define BT_IDB			0x00000001U
#define BT_EPB			0x00000006U
#define BYTE_ORDER_MAGIC	0x1A2B3C4DU

#define OPT_ENDOFOPT		0
#define OPT_SHB_USERAPPL	4
#define OPT_IF_NAME		2
#define OPT_IF_TSRESOL		9
#define OPT_EPB_FLAGS		2

/* epb_flags: bits 0-1 direction, bits 2-4 reception type. */
#define EPB_DIR_INBOUND		1U
#define EPB_DIR_OUTBOUND	2U
#define EPB_RX_UNICAST		(1U << 2)
#define EPB_RX_MULTICAST	(2U << 2)
#define EPB_RX_BROADCAST	(3U << 2)
#define EPB_RX_PROMISC		(4U << 2)

/* linux/if_packet.h, not included to keep this file libc-only. */
#define PK_PACKET_HOST		0
#define PK_PACKET_BROADCAST	1
#define PK_PACKET_MULTICAST	2
#define PK_PACKET_OTHERHOST	3

#define PAD4(x)			(((x) + 3U) & ~3U)
#define EPB_FIXED_LEN		28	/* type .. original length */
#define EPB_TAIL_LEN		16	/* epb_flags, end of options, length */

/* SHB and IDB are small: build them whole, then write. */
struct blk {
	uint8_t b[512];
	size_t len;
};

static void blk_put(struct blk *k, const void *v, size_t len)
{
	if (!len)
		return;		/* v may be NULL: opt_endofopt */
	memcpy(k->b + k->len, v, len);
	k->len += len;
}

static void blk_u32(struct blk *k, uint32_t v)
{
	blk_put(k, &v, 4);
}

static void blk_opt(struct blk *k, uint16_t code, const void *v, uint16_t len)
{
	static const uint8_t zero[4];

	blk_put(k, &code, 2);
	blk_put(k, &len, 2);
	blk_put(k, v, len);
	blk_put(k, zero, PAD4(len) - len);
}

static void blk_begin(struct blk *k, uint32_t type)
{
	k->len = 0;
	blk_u32(k, type);
	blk_u32(k, 0);		/* total length, set by blk_end() */
}

static int blk_end(struct pk_capfile *f, struct blk *k)
{
	uint32_t total;

	blk_opt(k, OPT_ENDOFOPT, NULL, 0);
	total = k->len + 4;
	memcpy(k->b + 4, &total, 4);
	blk_u32(k, total);
	return pk_capfile_put(f, k->b, k->len);
}

static int write_idb(struct pk_capfile *f, const struct pk_iface *ifc)
{
	const uint8_t tsresol = 9;	/* 10^-9 s: the ring's nanoseconds */
	uint16_t linktype = ifc->linktype, reserved = 0;
	struct blk k;

	blk_begin(&k, BT_IDB);
	blk_put(&k, &linktype, 2);
	blk_put(&k, &reserved, 2);
	blk_u32(&k, ifc->snaplen);
	if (ifc->name[0])
		blk_opt(&k, OPT_IF_NAME, ifc->name, strlen(ifc->name));
	blk_opt(&k, OPT_IF_TSRESOL, &tsresol, 1);
	return blk_end(f, &k);
}

static int pcapng_start(struct pk_capfile *f)
{
	const char *app = f->opts.application ? f->opts.application : "pktcap";
	uint16_t major = 1, minor = 0;
	int64_t section_len = -1;	/* unknown: we stream */
	size_t app_len = strnlen(app, 256);
	unsigned int i;
	struct blk k;
	int ret;

	blk_begin(&k, BT_SHB);
	blk_u32(&k, BYTE_ORDER_MAGIC);
	blk_put(&k, &major, 2);
	blk_put(&k, &minor, 2);
	blk_put(&k, &section_len, 8);
	blk_opt(&k, OPT_SHB_USERAPPL, app, app_len);
	ret = blk_end(f, &k);
	/* Interface ids are per section: every rotated file needs them all. */
	for (i = 0; !ret && i < f->nr_ifaces; i++)
		ret = write_idb(f, &f->ifaces[i]);
	return ret;
}

static int pcapng_check_iface(struct pk_capfile *f, const struct pk_iface *ifc)
{
	(void)f;
	(void)ifc;
	return 0;	/* any mix of link types: one IDB each */
}

static uint32_t epb_flags(const struct pk_frame *fr)
{
	if (fr->direction == PKTCAP_DIR_OUT)
		return EPB_DIR_OUTBOUND;
	switch (fr->pkt_type) {
	case PK_PACKET_HOST:
		return EPB_DIR_INBOUND | EPB_RX_UNICAST;
	case PK_PACKET_MULTICAST:
		return EPB_DIR_INBOUND | EPB_RX_MULTICAST;
	case PK_PACKET_BROADCAST:
		return EPB_DIR_INBOUND | EPB_RX_BROADCAST;
	case PK_PACKET_OTHERHOST:
		return EPB_DIR_INBOUND | EPB_RX_PROMISC;
	}
	return EPB_DIR_INBOUND;
}

static int pcapng_write(struct pk_capfile *f, const struct pk_iface *ifc,
			const struct pk_frame *fr)
{
	static const uint8_t zero[4];
	uint32_t total = EPB_FIXED_LEN + PAD4(fr->caplen) + EPB_TAIL_LEN;
	uint32_t head[7] = {
		BT_EPB, total, ifc->id,
		(uint32_t)(fr->tstamp_ns >> 32), (uint32_t)fr->tstamp_ns,
		fr->caplen, fr->len,
	};
	uint32_t tail[4] = {
		OPT_EPB_FLAGS | (4U << 16), epb_flags(fr),
		OPT_ENDOFOPT, total,
	};
	int ret;

	/* Option code and length are two host-order u16s: code first. */
	if (__BYTE_ORDER__ == __ORDER_BIG_ENDIAN__)
		tail[0] = (OPT_EPB_FLAGS << 16) | 4U;
	ret = pk_capfile_put(f, head, sizeof(head));
	if (!ret)
		ret = pk_capfile_put(f, fr->pkt, fr->split);
	if (!ret)
		ret = pk_capfile_put(f, fr->ins, fr->ins_len);
	if (!ret)
		ret = pk_capfile_put(f, fr->pkt + fr->split,
				     fr->pkt_len - fr->split);
	if (!ret)
		ret = pk_capfile_put(f, zero, PAD4(fr->caplen) - fr->caplen);
	if (!ret)
		ret = pk_capfile_put(f, tail, sizeof(tail));
	return ret;
}

static int pcapng_finish(struct pk_capfile *f)
{
	int bad = fclose(f->fp);

	f->fp = NULL;
	if (bad || f->out.err)
		return pk_capfile_io_error(f);
	return f->err;
}

static void pcapng_destroy(struct pk_capfile *f)
{
	(void)f;
}

const struct pk_capfile_ops pk_capfile_pcapng_ops = {
	.priv_size = 1,
	.check_iface = pcapng_check_iface,
	.start = pcapng_start,
	.iface_added = write_idb,
	.write = pcapng_write,
	.finish = pcapng_finish,
	.destroy = pcapng_destroy,
};
