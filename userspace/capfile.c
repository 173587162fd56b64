// SPDX-License-Identifier: GPL-2.0
/*
 * The format-independent half of the capture-file writers: opening and
 * rotating files, the output stream, the device table and the translation
 * of a ring record into the frame the file stores.
 */
#define _GNU_SOURCE		/* fopencookie() */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <net/if_arp.h>
#include "capfile_int.h"

/* A pipe's default capacity: one write(2) per pipe-full when streaming. */
#define PK_OUT_BUFSIZE		(64 << 10)
/* libpcap's largest snapshot; readers reject longer records. */
#define PK_CAPLEN_MAX		(262144 - PK_INSERT_MAX)

int pk_capfile_fail(struct pk_capfile *f, int err, const char *fmt, ...)
{
	const char *name = f->out.is_stdout ? "stdout" : f->cur;
	int n = snprintf(f->errbuf, sizeof(f->errbuf), "%s: ", name);
	va_list ap;

	if (n < 0 || (size_t)n >= sizeof(f->errbuf))
		n = 0;
	va_start(ap, fmt);
	vsnprintf(f->errbuf + n, sizeof(f->errbuf) - n, fmt, ap);
	va_end(ap);
	return -err;
}

int pk_capfile_io_error(struct pk_capfile *f)
{
	int err = f->out.err ? f->out.err : (errno ? errno : EIO);

	if (!f->err)
		f->err = pk_capfile_fail(f, err, "%s", strerror(err));
	return f->err;
}

int pk_capfile_put(struct pk_capfile *f, const void *buf, size_t len)
{
	if (len && fwrite(buf, len, 1, f->fp) != 1)
		return pk_capfile_io_error(f);
	pk_capfile_count(f, len);
	return 0;
}

void pk_capfile_count(struct pk_capfile *f, size_t len)
{
	f->file_bytes += len;
	f->st.bytes += len;
}

const char *pk_linktype_name(uint16_t linktype)
{
	switch (linktype) {
	case PK_LINKTYPE_ETHERNET:
		return "EN10MB";
	case PK_LINKTYPE_RAW:
		return "RAW";
	case PK_LINKTYPE_LINUX_SLL2:
		return "LINUX_SLL2";
	}
	return "?";
}

/*
 * The output stream. stdio buffers for us and libpcap's pcap_dump() needs
 * a FILE, but a plain FILE on a pipe whose reader left raises SIGPIPE and
 * kills the whole program. Writing through a cookie lets us block SIGPIPE
 * around the write(2) itself (once per buffer, not per packet) and swallow
 * the signal it queued, so the caller just sees EPIPE.
 */
static ssize_t pk_out_write(void *cookie, const char *buf, size_t len)
{
	struct pk_out *o = cookie;
	struct timespec zero = { 0 };
	sigset_t pipe_set, old, pending;
	bool was_pending;
	size_t done = 0;
	int err = 0;

	sigemptyset(&pipe_set);
	sigaddset(&pipe_set, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &pipe_set, &old);
	sigpending(&pending);
	was_pending = sigismember(&pending, SIGPIPE);
	while (done < len) {
		ssize_t n = write(o->fd, buf + done, len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			err = n < 0 ? errno : EIO;
			break;
		}
		done += n;
	}
	/* Consume only the SIGPIPE we caused, never someone else's. */
	if (err == EPIPE && !was_pending)
		sigtimedwait(&pipe_set, NULL, &zero);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (!err)
		return done;
	if (!o->err)
		o->err = err;
	errno = err;
	return 0;	/* fopencookie(3): 0 reports the error */
}

static int pk_out_close(void *cookie)
{
	struct pk_out *o = cookie;

	/* stdout stays open: it is the caller's descriptor. */
	if (o->is_stdout)
		return 0;
	if (close(o->fd) && errno != EINTR) {
		if (!o->err)
			o->err = errno;
		return -1;
	}
	return 0;
}

static int open_file(struct pk_capfile *f)
{
	static const cookie_io_functions_t io = {
		.write = pk_out_write,
		.close = pk_out_close,
	};
	int fd, err;

	if (f->out.is_stdout) {
		fflush(stdout);	/* keep anything printed before ahead of us */
		fd = STDOUT_FILENO;
	} else {
		fd = open(f->cur, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
			  0644);
		if (fd < 0)
			return pk_capfile_fail(f, errno, "%s", strerror(errno));
	}
	f->out.fd = fd;
	f->out.err = 0;
	f->fp = fopencookie(&f->out, "w", io);
	if (!f->fp) {
		err = errno;
		pk_out_close(&f->out);
		return pk_capfile_fail(f, err, "%s", strerror(err));
	}
	setvbuf(f->fp, NULL, _IOFBF, PK_OUT_BUFSIZE);
	/*
	 * Only this thread touches the stream, and pcap_dump() makes three
	 * stdio calls per packet (ferror, two fwrites), each taking the
	 * stream's lock otherwise.
	 */
	__fsetlocking(f->fp, FSETLOCKING_BYCALLER);
	f->file_bytes = 0;
	f->started = false;
	f->st.files++;
	return 0;
}

int pk_capfile_filename(char *buf, size_t size, const char *base,
			unsigned int idx, unsigned int file_count)
{
	unsigned int v;
	int width = 0, n;

	/* tcpdump pads to the digits of the largest number, file_count - 1. */
	for (v = file_count ? file_count - 1 : 0; v; v /= 10)
		width++;
	if (idx == 0 && width == 0)
		n = snprintf(buf, size, "%s", base);
	else
		n = snprintf(buf, size, "%s%0*u", base, width, idx);
	if (n < 0 || (size_t)n >= size)
		return -ENAMETOOLONG;
	return 0;
}

static int start_file(struct pk_capfile *f)
{
	int ret = f->ops->start(f);

	if (ret) {
		if (!f->err)
			f->err = ret;
		return ret;
	}
	f->started = true;
	return 0;
}

/* Close the current file and open the next name, as tcpdump -C/-W do. */
static int next_file(struct pk_capfile *f)
{
	unsigned int n = f->opts.file_count;
	int ret;

	ret = f->ops->finish(f);
	f->fp = NULL;
	if (ret)
		return f->err = ret;
	f->file_idx = n ? (f->file_idx + 1) % n : f->file_idx + 1;
	if (pk_capfile_filename(f->cur, sizeof(f->cur), f->path, f->file_idx,
				n))
		return f->err = pk_capfile_fail(f, ENAMETOOLONG,
						"%u: %s", f->file_idx,
						strerror(ENAMETOOLONG));
	ret = open_file(f);
	if (ret)
		f->err = ret;
	return ret;
}

static int check_opts(const struct pk_capfile_opts *o, const char *path,
		      char *errbuf)
{
	const char *why = NULL;

	if (o->file_count && !o->file_size)
		why = "a file count needs a file size to rotate at";
	else if (o->file_size && !strcmp(path, "-"))
		why = "standard output cannot be rotated";
	if (!why)
		return 0;
	snprintf(errbuf, PK_CAPFILE_ERRBUF_SIZE, "%s: %s", path, why);
	return -EINVAL;
}

struct pk_capfile *pk_capfile_open(const char *path, enum pk_capfile_fmt fmt,
				   const struct pk_capfile_opts *o,
				   char *errbuf)
{
	static const struct pk_capfile_opts none;
	struct pk_capfile *f;
	int err;

	if (!o)
		o = &none;
	if (!path || (fmt != PK_CAPFILE_PCAP && fmt != PK_CAPFILE_PCAPNG)) {
		snprintf(errbuf, PK_CAPFILE_ERRBUF_SIZE,
			 "capture file: no path or unknown format");
		errno = EINVAL;
		return NULL;
	}
	err = -check_opts(o, path, errbuf);
	if (err) {
		errno = err;
		return NULL;
	}
	f = calloc(1, sizeof(*f));
	if (!f)
		goto nomem;	/* fail: frees nothing */
	f->ops = fmt == PK_CAPFILE_PCAP ? &pk_capfile_pcap_ops :
					  &pk_capfile_pcapng_ops;
	f->fmt = fmt;
	f->opts = *o;
	f->path = strdup(path);
	f->priv = calloc(1, f->ops->priv_size);
	if (!f->path || !f->priv)
		goto nomem;
	f->out.is_stdout = !strcmp(path, "-");
	err = ENAMETOOLONG;
	if (pk_capfile_filename(f->cur, sizeof(f->cur), path, 0,
				o->file_count)) {
		snprintf(errbuf, PK_CAPFILE_ERRBUF_SIZE, "%.64s...: %s", path,
			 strerror(err));
		goto fail;
	}
	err = -open_file(f);
	if (!err)
		return f;
	snprintf(errbuf, PK_CAPFILE_ERRBUF_SIZE, "%s", f->errbuf);
	goto fail;
nomem:
	err = ENOMEM;
	snprintf(errbuf, PK_CAPFILE_ERRBUF_SIZE, "%s: %s", path,
		 strerror(err));
fail:
	if (f) {
		free(f->priv);
		free(f->path);
		free(f);
	}
	errno = err;
	return NULL;
}

/* The link type a device's records are stored as (docs/CAPTURE-FILES.md). */
static void map_linktype(struct pk_iface *ifc)
{
	switch (ifc->arphrd) {
	case ARPHRD_ETHER:
	case ARPHRD_LOOPBACK:	/* lo carries a zeroed Ethernet header */
		ifc->encap = PK_ENCAP_ETHER;
		ifc->linktype = PK_LINKTYPE_ETHERNET;
		break;
	case ARPHRD_NONE:	/* tun, wireguard: the IP header comes first */
		ifc->encap = PK_ENCAP_RAW;
		ifc->linktype = PK_LINKTYPE_RAW;
		break;
	default:
		/*
		 * Other devices pktcap hooks are L3 devices too (ipip, sit,
		 * gre, ppp, can ...): their records start at the network
		 * header, so a cooked header naming the protocol is all a
		 * reader needs.
		 */
		ifc->encap = PK_ENCAP_SLL2;
		ifc->linktype = PK_LINKTYPE_LINUX_SLL2;
		break;
	}
}

/* Bytes a frame of this encapsulation may have beyond the record's. */
static uint32_t encap_overhead(enum pk_encap encap)
{
	switch (encap) {
	case PK_ENCAP_ETHER:
		return PK_VLAN_TAG_LEN;
	case PK_ENCAP_SLL2:
		return PK_SLL2_HDR_LEN;
	case PK_ENCAP_RAW:
		break;
	}
	return 0;
}

static struct pk_iface *find_iface(struct pk_capfile *f, uint32_t ifindex)
{
	unsigned int i;

	if (f->last < f->nr_ifaces && f->ifaces[f->last].ifindex == ifindex)
		return &f->ifaces[f->last];
	for (i = 0; i < f->nr_ifaces; i++) {
		if (f->ifaces[i].ifindex == ifindex) {
			f->last = i;
			return &f->ifaces[i];
		}
	}
	return NULL;
}

static int append_iface(struct pk_capfile *f, const struct pk_iface *ifc)
{
	struct pk_iface *n;
	int ret;

	if (f->nr_ifaces == f->cap_ifaces) {
		unsigned int cap = f->cap_ifaces ? 2 * f->cap_ifaces : 8;

		n = realloc(f->ifaces, cap * sizeof(*n));
		if (!n)
			return pk_capfile_fail(f, ENOMEM, "%s",
					       strerror(ENOMEM));
		f->ifaces = n;
		f->cap_ifaces = cap;
	}
	n = &f->ifaces[f->nr_ifaces];
	*n = *ifc;
	n->id = f->nr_ifaces++;
	if (!f->started || !f->ops->iface_added)
		return 0;
	ret = f->ops->iface_added(f, n);
	if (ret && !f->err)
		f->err = ret;
	return ret;
}

int pk_capfile_add_iface(struct pk_capfile *f, uint32_t ifindex,
			 const char *name, uint16_t linktype,
			 uint32_t snaplen)
{
	struct pk_iface ifc = { .ifindex = ifindex, .arphrd = linktype };
	int ret;

	if (f->err)
		return f->err;
	if (find_iface(f, ifindex))
		return 0;
	/* Devices declared on the fly from a record get the session's. */
	if (!snaplen)
		snaplen = f->nr_ifaces ? f->def_snaplen : PKTCAP_SNAPLEN_MAX;
	if (!f->nr_ifaces)
		f->def_snaplen = snaplen;
	map_linktype(&ifc);
	ifc.snaplen = snaplen + encap_overhead(ifc.encap);
	if (name)
		snprintf(ifc.name, sizeof(ifc.name), "%s", name);
	ret = f->ops->check_iface(f, &ifc);
	if (ret)
		return ret;
	return append_iface(f, &ifc);
}

static void put_vlan_tag(struct pk_frame *fr, const struct pktcap_rec_hdr *h)
{
	uint16_t tci = htons(h->vlan_tci);
	uint16_t tpid = h->vlan_proto ? h->vlan_proto : htons(0x8100);

	/* After the MAC addresses, where the device found it. */
	fr->split = PK_ETH_ADDRS_LEN;
	memcpy(fr->ins, &tpid, 2);
	memcpy(fr->ins + 2, &tci, 2);
	fr->ins_len = PK_VLAN_TAG_LEN;
}

static void put_sll2(struct pk_frame *fr, const struct pk_iface *ifc,
		     const struct pktcap_rec_hdr *h)
{
	uint32_t ifindex = htonl(h->ifindex);
	uint16_t hatype = htons(ifc->arphrd);
	uint8_t *p = fr->ins;

	memset(p, 0, PK_SLL2_HDR_LEN);
	memcpy(p, &h->protocol, 2);		/* already network order */
	memcpy(p + 4, &ifindex, 4);
	memcpy(p + 8, &hatype, 2);
	/* PACKET_OUTGOING: what AF_PACKET reports for our own packets. */
	p[10] = h->direction == PKTCAP_DIR_OUT ? 4 : h->pkt_type;
	p[11] = 0;	/* no link-layer address: the record has none */
	fr->ins_len = PK_SLL2_HDR_LEN;
}

static void prep_frame(struct pk_frame *fr, const struct pk_iface *ifc,
		       const struct pktcap_rec_hdr *h, const void *pkt)
{
	fr->pkt = pkt ? pkt : (const void *)"";	/* cap_len 0 */
	fr->pkt_len = h->cap_len;
	fr->split = 0;
	fr->ins_len = 0;
	fr->tstamp_ns = h->tstamp_ns;
	fr->direction = h->direction;
	fr->pkt_type = h->pkt_type;
	switch (ifc->encap) {
	case PK_ENCAP_ETHER:
		/* Like libpcap: only when both MAC addresses were captured. */
		if ((h->flags & PKTCAP_REC_F_VLAN) &&
		    h->cap_len >= PK_ETH_ADDRS_LEN)
			put_vlan_tag(fr, h);
		break;
	case PK_ENCAP_SLL2:
		put_sll2(fr, ifc, h);
		break;
	case PK_ENCAP_RAW:
		break;
	}
	fr->caplen = h->cap_len + fr->ins_len;
	fr->len = (h->wire_len > h->cap_len ? h->wire_len : h->cap_len) +
		  fr->ins_len;
}

static int check_record(struct pk_capfile *f, const struct pktcap_rec_hdr *h,
			const void *pkt)
{
	const char *why = NULL;

	if (h->flags & PKTCAP_REC_F_PAD)
		why = "a pad record is not a packet";
	else if (h->flags & PKTCAP_REC_F_SEALED)
		why = "record is still sealed: decrypt it first";
	else if (h->cap_len > PK_CAPLEN_MAX)
		why = "record longer than any reader accepts";
	else if (h->cap_len && !pkt)
		why = "record without packet bytes";
	if (!why)
		return 0;
	return pk_capfile_fail(f, EINVAL, "seq %llu: %s",
			       (unsigned long long)h->seq, why);
}

static struct pk_iface *record_iface(struct pk_capfile *f,
				     const struct pktcap_rec_hdr *h, int *ret)
{
	struct pk_iface *ifc = find_iface(f, h->ifindex);

	if (ifc)
		return ifc;
	*ret = pk_capfile_add_iface(f, h->ifindex, NULL, h->linktype, 0);
	return *ret ? NULL : find_iface(f, h->ifindex);
}

int pk_capfile_write(struct pk_capfile *f, const struct pktcap_rec_hdr *h,
		     const void *pkt)
{
	struct pk_iface *ifc;
	struct pk_frame fr;
	int ret = 0;

	if (f->err)
		return f->err;
	ret = check_record(f, h, pkt);
	if (ret)
		return ret;	/* the record's fault: the file is fine */
	ifc = record_iface(f, h, &ret);
	if (!ifc)
		return ret;
	/* tcpdump -C: a file already over the size gets no more packets. */
	if (f->started && f->opts.file_size &&
	    f->file_bytes > f->opts.file_size) {
		ret = next_file(f);
		if (ret)
			return ret;
	}
	if (!f->started) {
		ret = start_file(f);
		if (ret)
			return ret;
	}
	prep_frame(&fr, ifc, h, pkt);
	ret = f->ops->write(f, ifc, &fr);
	if (ret) {
		if (!f->err)
			f->err = ret;
		return ret;
	}
	f->st.packets++;
	return 0;
}

int pk_capfile_flush(struct pk_capfile *f)
{
	int ret;

	if (f->err)
		return f->err;
	/* Once the devices are known, a reader may as well see the header. */
	if (!f->started) {
		if (!f->nr_ifaces)
			return 0;
		ret = start_file(f);
		if (ret)
			return ret;
	}
	if (fflush(f->fp))
		return pk_capfile_io_error(f);
	return 0;
}

int pk_capfile_close(struct pk_capfile *f, char *errbuf)
{
	int ret, err;

	if (!f)
		return 0;
	ret = f->err;
	if (f->fp) {
		/* Even a capture without packets is a valid, empty file. */
		if (!ret && !f->started)
			ret = start_file(f);
		err = f->ops->finish(f);
		f->fp = NULL;
		if (!ret)
			ret = err;
	}
	if (ret && errbuf)
		snprintf(errbuf, PK_CAPFILE_ERRBUF_SIZE, "%s", f->errbuf);
	f->ops->destroy(f);
	free(f->priv);
	free(f->ifaces);
	free(f->path);
	free(f);
	return ret;
}

void pk_capfile_get_stats(const struct pk_capfile *f,
			  struct pk_capfile_stats *st)
{
	*st = f->st;
}

const char *pk_capfile_strerror(const struct pk_capfile *f)
{
	return f->errbuf;
}

const char *pk_capfile_current(const struct pk_capfile *f)
{
	return f->cur;
}
