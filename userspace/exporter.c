// SPDX-License-Identifier: GPL-2.0
/*
 * Collectors and the encode + send loop. The encoders (netflow.h) are
 * pure; this file owns the sockets and the counters around them.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "err.h"
#include "exporter.h"

/* Split "HOST:PORT" / "[V6]:PORT" into host and port strings. */
static int split_spec(const char *spec, char *host, size_t hlen,
		      const char **port, const char **why)
{
	const char *colon, *h = spec;
	size_t len;

	if (*spec == '[') {
		colon = strchr(spec, ']');
		if (!colon || colon[1] != ':') {
			*why = "expected [IPV6]:PORT";
			return -EINVAL;
		}
		h = spec + 1;
		len = colon - h;
		colon++;
	} else {
		colon = strrchr(spec, ':');
		if (!colon || strchr(spec, ':') != colon) {
			*why = colon ? "write an IPv6 address as [ADDR]:PORT" :
				       "expected HOST:PORT";
			return -EINVAL;
		}
		len = colon - spec;
	}
	if (!len || len >= hlen) {
		*why = "bad host";
		return -EINVAL;
	}
	memcpy(host, h, len);
	host[len] = '\0';
	*port = colon + 1;
	return 0;
}

int pk_collector_parse(const char *spec, struct sockaddr_storage *addr,
		       socklen_t *addrlen, const char **why)
{
	struct addrinfo hints = { .ai_socktype = SOCK_DGRAM }, *res;
	char host[256], *end;
	const char *port;
	unsigned long p;
	int err;

	err = split_spec(spec, host, sizeof(host), &port, why);
	if (err)
		return err;
	p = strtoul(port, &end, 10);
	if (!*port || *end || !p || p > 65535) {
		*why = "port must be 1-65535";
		return -EINVAL;
	}
	err = getaddrinfo(host, port, &hints, &res);
	if (err) {
		*why = gai_strerror(err);
		return -EINVAL;
	}
	memcpy(addr, res->ai_addr, res->ai_addrlen);
	*addrlen = res->ai_addrlen;
	freeaddrinfo(res);
	return 0;
}

static int collector_open(struct pk_collector *c)
{
	int fd = socket(c->addr.ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -errno;
	/*
	 * Connected: the kernel then reports an ICMP port unreachable as
	 * ECONNREFUSED on a later send, which tells us the collector
	 * restarted and needs templates again.
	 */
	if (connect(fd, (struct sockaddr *)&c->addr, c->addrlen)) {
		int err = -errno;

		close(fd);
		return err;
	}
	c->fd = fd;
	return 0;
}

static int collector_init(struct pk_exporter *x, struct pk_collector *c,
			  const char *spec, uint64_t now_ns)
{
	struct pk_nf_cfg nc = {
		.version = x->cfg.version,
		.domain = x->cfg.domain,
		.mtu = x->cfg.mtu,
		.tmpl_packets = x->cfg.tmpl_packets,
		.tmpl_secs = x->cfg.tmpl_secs,
		.sampling = x->cfg.sampling,
		.sampling_random = x->cfg.sampling_random,
		.boot_ns = x->cfg.boot_ns,
	};
	const char *why = NULL;
	int err;

	snprintf(c->name, sizeof(c->name), "%s", spec);
	c->fd = -1;
	err = pk_collector_parse(spec, &c->addr, &c->addrlen, &why);
	if (err) {
		pk_err(spec, "%s", why);
		return err;
	}
	nc.collector_v6 = c->addr.ss_family == AF_INET6;
	if (pk_nf_init(&c->nf, &nc, now_ns)) {
		pk_err(spec, "MTU %u too small for NetFlow v%u templates",
		       x->cfg.mtu, x->cfg.version);
		return -EINVAL;
	}
	err = collector_open(c);
	if (err)
		pk_err_errno(spec, err, NULL);
	return err;
}

int pk_exporter_init(struct pk_exporter *x, const struct pk_exporter_cfg *cfg,
		     char *const *collectors, unsigned int n, uint64_t now_ns)
{
	unsigned int i;
	int err;

	memset(x, 0, offsetof(struct pk_exporter, buf));
	x->cfg = *cfg;
	if (n > PKTCAP_MAX_COLLECTORS) {
		pk_err("collectors", "at most %d", PKTCAP_MAX_COLLECTORS);
		return -EINVAL;
	}
	for (i = 0; i < n; i++) {
		x->ncol = i + 1;
		err = collector_init(x, &x->col[i], collectors[i], now_ns);
		if (err) {
			pk_exporter_close(x);
			return err;
		}
	}
	return 0;
}

void pk_exporter_close(struct pk_exporter *x)
{
	unsigned int i;

	for (i = 0; i < x->ncol; i++) {
		if (x->col[i].fd >= 0)
			close(x->col[i].fd);
		x->col[i].fd = -1;
	}
}

static bool exportable(const struct pk_exporter *x, const struct pktcap_flowrec *r)
{
	return x->cfg.version != PK_NF_V5 || pk_rec_is_v4(r);
}

static uint64_t flow_packets(const struct pktcap_flowrec *r)
{
	return r->packets + r->rev_packets;
}

/* v5 consumes IPv6 and non-IP flows without a record: count them here. */
static void count_skipped(struct pk_collector_stats *st,
			  const struct pktcap_flowrec *r, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (pk_rec_is_v4(&r[i]))
			continue;
		if (pk_rec_is_v6(&r[i])) {
			st->skipped_v6++;
			st->skipped_v6_packets += flow_packets(&r[i]);
		} else {
			st->skipped_l2++;
			st->skipped_l2_packets += flow_packets(&r[i]);
		}
	}
}

static void send_failed(struct pk_collector *c, int err, uint64_t pkts)
{
	c->st.send_errors++;
	c->st.error_packets += pkts;
	c->st.last_errno = err;
	if (err == EAGAIN || err == EWOULDBLOCK) {
		c->st.would_block++;
	} else if (err == ECONNREFUSED) {
		/* Nothing listens: when it comes back it knows no template. */
		c->st.refused++;
		pk_nf_tmpl_reset(&c->nf);
	}
}

/* One datagram of len bytes carrying the flows recs[0..used). */
static bool send_one(struct pk_exporter *x, struct pk_collector *c, size_t len,
		     const struct pktcap_flowrec *recs, size_t used,
		     uint64_t records, bool tmpl)
{
	uint64_t pkts = 0;
	size_t i;

	for (i = 0; i < used; i++)
		if (exportable(x, &recs[i]))
			pkts += flow_packets(&recs[i]);
	if (send(c->fd, x->buf, len, MSG_DONTWAIT) < 0) {
		send_failed(c, errno, pkts);
		return false;
	}
	c->st.sends++;
	c->st.octets += len;
	c->st.records += records;
	c->st.packets += pkts;
	c->st.tmpl_sends += tmpl;
	return true;
}

static unsigned int collector_send(struct pk_exporter *x, struct pk_collector *c,
				   const struct pktcap_flowrec *recs, size_t n,
				   uint64_t now_ns)
{
	unsigned int sent = 0;
	uint64_t records, tmpl;
	size_t used;
	ssize_t len;

	do {
		records = c->nf.st.records;
		tmpl = c->nf.st.tmpl_packets;
		len = pk_nf_encode(&c->nf, recs, n, &used, x->buf,
				   sizeof(x->buf), now_ns);
		if (len < 0 || (!len && !used))
			break;	/* cannot happen with a full-size buffer */
		if (x->cfg.version == PK_NF_V5)
			count_skipped(&c->st, recs, used);
		if (len)
			sent += send_one(x, c, len, recs, used,
					 c->nf.st.records - records,
					 c->nf.st.tmpl_packets != tmpl);
		if (!used)
			break;	/* a template-only packet */
		recs += used;
		n -= used;
	} while (n);
	return sent;
}

unsigned int pk_exporter_send(struct pk_exporter *x,
			      const struct pktcap_flowrec *recs, size_t n,
			      uint64_t now_ns)
{
	unsigned int i, sent = 0;
	size_t k;

	x->st.flows += n;
	for (k = 0; k < n; k++)
		x->st.packets += flow_packets(&recs[k]);
	for (i = 0; i < x->ncol; i++)
		sent += collector_send(x, &x->col[i], recs, n, now_ns);
	return sent;
}

void pk_exporter_tick(struct pk_exporter *x, uint64_t now_ns)
{
	unsigned int i;

	/* With no flows, pk_nf_encode() makes a packet only if templates are due. */
	for (i = 0; i < x->ncol; i++)
		collector_send(x, &x->col[i], NULL, 0, now_ns);
}
