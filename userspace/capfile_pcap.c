// SPDX-License-Identifier: GPL-2.0
/*
 * The pcap back end. libpcap writes the file: a dead handle opened with
 * nanosecond precision makes pcap_dump_fopen() write the nanosecond magic
 * (0xa1b23c4d) and pcap_dump() store tv_usec as nanoseconds. We always go
 * through pcap_dump_fopen() on our own stream, for files too, so that
 * buffering, SIGPIPE and error reporting are the same for both formats.
 *
 * pcap has one link type per file and no direction: pcapng keeps both.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <pcap/pcap.h>
#include "capfile_int.h"

#define PCAP_FILE_HDR_LEN	24
#define PCAP_REC_HDR_LEN	16

struct pcap_priv {
	pcap_t *dead;
	pcap_dumper_t *d;
	uint8_t *buf;		/* frames with something inserted */
	size_t buf_size;
};

static int to_dlt(uint16_t linktype)
{
	switch (linktype) {
	case PK_LINKTYPE_RAW:
		return DLT_RAW;	/* libpcap stores it as LINKTYPE_RAW */
	case PK_LINKTYPE_LINUX_SLL2:
		return DLT_LINUX_SLL2;
	}
	return DLT_EN10MB;
}

static int pcap_check_iface(struct pk_capfile *f, const struct pk_iface *ifc)
{
	const struct pk_iface *first = f->nr_ifaces ? &f->ifaces[0] : NULL;

	if (!first || first->linktype == ifc->linktype)
		return 0;
	return pk_capfile_fail(f, EINVAL,
			       "%s (ifindex %u, ARPHRD %u) is stored as %s but "
			       "%s (ifindex %u) as %s; a pcap file holds one "
			       "link type: write pcapng",
			       ifc->name[0] ? ifc->name : "device",
			       ifc->ifindex, ifc->arphrd,
			       pk_linktype_name(ifc->linktype),
			       first->name[0] ? first->name : "device",
			       first->ifindex,
			       pk_linktype_name(first->linktype));
}

static int pcap_start(struct pk_capfile *f)
{
	struct pcap_priv *p = f->priv;
	uint16_t linktype = PK_LINKTYPE_ETHERNET;
	uint32_t snaplen = 0;
	unsigned int i;

	/* The largest frame any device may produce, insertions included. */
	for (i = 0; i < f->nr_ifaces; i++)
		if (f->ifaces[i].snaplen > snaplen)
			snaplen = f->ifaces[i].snaplen;
	if (f->nr_ifaces)
		linktype = f->ifaces[0].linktype;
	else
		snaplen = PKTCAP_SNAPLEN_MAX + PK_VLAN_TAG_LEN;
	if (!p->dead) {
		p->dead = pcap_open_dead_with_tstamp_precision(to_dlt(linktype),
				snaplen, PCAP_TSTAMP_PRECISION_NANO);
		if (!p->dead)
			return pk_capfile_fail(f, ENOMEM, "%s",
					       strerror(ENOMEM));
	}
	p->d = pcap_dump_fopen(p->dead, f->fp);
	if (!p->d) {
		if (f->out.err || ferror(f->fp))
			return pk_capfile_io_error(f);
		return pk_capfile_fail(f, EIO, "%s", pcap_geterr(p->dead));
	}
	pk_capfile_count(f, PCAP_FILE_HDR_LEN);
	return 0;
}

/* pcap_dump() wants the frame in one piece: assemble insertions. */
static const uint8_t *pcap_frame(struct pk_capfile *f,
				 const struct pk_frame *fr)
{
	struct pcap_priv *p = f->priv;
	uint8_t *b;

	if (!fr->ins_len)
		return fr->pkt;
	if (p->buf_size < fr->caplen) {
		b = realloc(p->buf, fr->caplen);
		if (!b)
			return NULL;
		p->buf = b;
		p->buf_size = fr->caplen;
	}
	b = p->buf;
	memcpy(b, fr->pkt, fr->split);
	memcpy(b + fr->split, fr->ins, fr->ins_len);
	memcpy(b + fr->split + fr->ins_len, fr->pkt + fr->split,
	       fr->pkt_len - fr->split);
	return b;
}

static int pcap_write(struct pk_capfile *f, const struct pk_iface *ifc,
		      const struct pk_frame *fr)
{
	struct pcap_priv *p = f->priv;
	struct pcap_pkthdr hdr;
	const uint8_t *data;

	(void)ifc;
	data = pcap_frame(f, fr);
	if (!data)
		return pk_capfile_fail(f, ENOMEM, "%s", strerror(ENOMEM));
	hdr.ts.tv_sec = fr->tstamp_ns / 1000000000ULL;
	hdr.ts.tv_usec = fr->tstamp_ns % 1000000000ULL;	/* ns: see top */
	hdr.caplen = fr->caplen;
	hdr.len = fr->len;
	pcap_dump((u_char *)p->d, &hdr, data);
	/*
	 * pcap_dump() returns nothing. Every byte reaches the file through
	 * pk_out_write(), which records the first failure in out.err; the
	 * stream's own error flag (ferror() takes its lock: a cost per
	 * packet) is checked at each flush.
	 */
	if (f->out.err)
		return pk_capfile_io_error(f);
	pk_capfile_count(f, PCAP_REC_HDR_LEN + fr->caplen);
	return 0;
}

static int pcap_finish(struct pk_capfile *f)
{
	struct pcap_priv *p = f->priv;
	int bad;

	if (p->d) {
		bad = pcap_dump_flush(p->d);
		pcap_dump_close(p->d);	/* fclose()s f->fp */
		p->d = NULL;
	} else {
		bad = fclose(f->fp);
	}
	f->fp = NULL;
	if (bad || f->out.err)
		return pk_capfile_io_error(f);
	return f->err;
}

static void pcap_destroy(struct pk_capfile *f)
{
	struct pcap_priv *p = f->priv;

	if (p->dead)
		pcap_close(p->dead);
	free(p->buf);
}

const struct pk_capfile_ops pk_capfile_pcap_ops = {
	.priv_size = sizeof(struct pcap_priv),
	.check_iface = pcap_check_iface,
	.start = pcap_start,
	.write = pcap_write,
	.finish = pcap_finish,
	.destroy = pcap_destroy,
};
