// SPDX-License-Identifier: GPL-2.0
/*
 * nfgen: export a fixed, known set of flows with pktcap's encoders, for
 * checking them against real decoders (check-decoders.sh).
 *
 *   nfgen -v 5|9|10 [-p PORT [-6]] [-w PCAP] [-e EXPECTED] [-m MTU]
 *         [-S SAMPLING] [-t TEMPLATE_PACKETS]
 *   nfgen -v 5|9|10 -B RECORDS	(benchmark, prints records/s)
 *
 * -p sends each packet over UDP to 127.0.0.1:PORT (::1 with -6); -w writes
 * the same packets as a pcap (raw IP link type, real IP/UDP headers and
 * checksums); -e writes one line per record a collector should list:
 *   proto src dst sport dport packets bytes first_ms last_ms
 * (a v5/v9 biflow as two lines, IPFIX biflows as one).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "netflow.h"

#define NFLOWS		96
#define SPORT_PCAP	40000

static struct pktcap_flowrec flows[NFLOWS];

static void addr_v4(uint8_t *a, uint8_t net, unsigned int i)
{
	a[0] = 10;
	a[1] = net;
	a[2] = i >> 8;
	a[3] = i;
}

static void addr_v6(uint8_t *a, uint8_t net, unsigned int i)
{
	memset(a, 0, 16);
	a[0] = 0x20;
	a[1] = 0x01;
	a[2] = 0x0d;
	a[3] = 0xb8;
	a[5] = net;
	a[14] = i >> 8;
	a[15] = i;
}

/* Flow i: family by i % 3 (v4, v6, non-IP every 16th), proto by i % 4. */
static void make_flow(struct pktcap_flowrec *r, unsigned int i, uint64_t now)
{
	static const uint8_t protos[] = { 6, 17, 1, 6 };

	memset(r, 0, sizeof(*r));
	r->l3_proto = i % 3 == 1 ? PKTCAP_ETH_P_IPV6 : PKTCAP_ETH_P_IP;
	if (r->l3_proto == PKTCAP_ETH_P_IP) {
		addr_v4(r->src, 1, i + 1);
		addr_v4(r->dst, 2, i + 1);
	} else {
		addr_v6(r->src, 1, i + 1);
		addr_v6(r->dst, 2, i + 1);
	}
	r->proto = protos[i % 4];
	if (r->proto == 1) {
		r->proto = r->l3_proto == PKTCAP_ETH_P_IP ? 1 : 58;
		r->icmp_type = r->proto == 1 ? 8 : 128;
	} else {
		r->sport = 1024 + i;
		r->dport = r->proto == 6 ? 443 : 53;
		r->tcp_flags = r->proto == 6 ? 0x1b : 0;
	}
	r->ifindex = 2 + i % 3;
	r->direction = i & 1;
	r->vlan = i % 5 ? 0 : 100 + i;
	r->dscp = i % 64;
	r->packets = i + 1;
	r->bytes = (i + 1) * 100 + i;
	if (i == 7)		/* beyond 32 bits: v5 saturates, v9/IPFIX don't */
		r->bytes = 5000000000ULL;
	r->first_ns = now - (uint64_t)(600 + i) * 1000000000ULL + i * 1000000ULL;
	r->last_ns = now - (uint64_t)i * 1000000000ULL + 123000000ULL;
	r->ttl_min = 60;
	r->ttl_max = 64;
	r->end_reason = 1 + i % 5;
	r->sampling = 1;
	if (i % 4 == 0) {
		r->flags |= PKTCAP_FLOWREC_F_BIDIR;
		r->rev_packets = i + 2;
		r->rev_bytes = (i + 2) * 60;
		r->rev_tcp_flags = r->proto == 6 ? 0x12 : 0;
	}
	if (i % 16 == 15) {	/* ARP: a non-IP flow */
		memset(r->src, 0, 16);
		memset(r->dst, 0, 16);
		r->l3_proto = 0x0806;
		r->proto = 0;
		r->sport = r->dport = 0;
		r->icmp_type = 0;
		r->tcp_flags = 0;
		r->flags = 0;
	}
}

static void print_addr(FILE *f, const struct pktcap_flowrec *r, const uint8_t *a)
{
	char s[INET6_ADDRSTRLEN] = "0.0.0.0";	/* how nfdump shows non-IP */

	if (pk_rec_is_v4(r) || pk_rec_is_v6(r))
		inet_ntop(pk_rec_is_v4(r) ? AF_INET : AF_INET6, a, s, sizeof(s));
	fputs(s, f);
}

/*
 * proto src dst sport dport packets bytes first_ms last_ms rev_packets
 * rev_bytes bidir; ICMP type/code as type << 8 | code in dport.
 */
static void expect_one(FILE *f, const struct pktcap_flowrec *r, int version)
{
	uint64_t bytes = r->bytes, pkts = r->packets;
	bool bi = version == 10 && (r->flags & PKTCAP_FLOWREC_F_BIDIR);

	if (version == 5 && bytes > UINT32_MAX)
		bytes = UINT32_MAX;
	fprintf(f, "%u ", r->proto);
	print_addr(f, r, r->src);
	fputc(' ', f);
	print_addr(f, r, r->dst);
	fprintf(f, " %u %u %llu %llu %llu %llu %llu %llu %d\n", r->sport,
		r->proto == 1 || r->proto == 58 ?
		r->icmp_type << 8 | r->icmp_code : r->dport,
		(unsigned long long)pkts, (unsigned long long)bytes,
		(unsigned long long)(r->first_ns / 1000000),
		(unsigned long long)(r->last_ns / 1000000),
		(unsigned long long)(bi ? r->rev_packets : 0),
		(unsigned long long)(bi ? r->rev_bytes : 0), bi);
}

/* What a collector lists: v5 IPv4 only, v5/v9 biflows split in two. */
static void write_expected(FILE *f, int version)
{
	struct pktcap_flowrec rev;
	unsigned int i;

	for (i = 0; i < NFLOWS; i++) {
		const struct pktcap_flowrec *r = &flows[i];

		if (version == 5 && !pk_rec_is_v4(r))
			continue;
		expect_one(f, r, version);
		if (version == 10 || !(r->flags & PKTCAP_FLOWREC_F_BIDIR) ||
		    !r->rev_packets)
			continue;
		pk_nf_reverse(r, &rev);
		expect_one(f, &rev, version);
	}
}

/* pcap, LINKTYPE_RAW: each packet an IPv4 or IPv6 datagram. */
static void pcap_open(FILE *f)
{
	uint32_t h[6] = { 0xa1b2c3d4, 0x00040002, 0, 0, 65535, 101 };

	fwrite(h, sizeof(h), 1, f);
}

static uint32_t csum_add(uint32_t s, const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		s += p[i] << 8 | p[i + 1];
	if (n & 1)
		s += p[n - 1] << 8;
	return s;
}

static uint16_t csum_fold(uint32_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return ~s;
}

/* IP header + UDP header in front of @len payload bytes at @pkt + hl. */
static size_t wrap_ip(uint8_t *pkt, size_t len, int port, int v6)
{
	size_t hl = v6 ? 40 : 20;
	uint8_t *udp = pkt + hl;
	uint32_t s;

	memset(pkt, 0, hl + 8);
	if (v6) {
		pkt[0] = 0x60;
		pk_put16(pkt + 4, len + 8);
		pkt[6] = 17;
		pkt[7] = 64;
		pkt[23] = 1;			/* ::1 */
		pkt[39] = 1;
	} else {
		pkt[0] = 0x45;
		pk_put16(pkt + 2, hl + 8 + len);
		pkt[8] = 64;
		pkt[9] = 17;
		pkt[12] = pkt[16] = 127;	/* 127.0.0.1 */
		pkt[15] = pkt[19] = 1;
		pk_put16(pkt + 10, csum_fold(csum_add(0, pkt, 20)));
	}
	pk_put16(udp, SPORT_PCAP);
	pk_put16(udp + 2, port);
	pk_put16(udp + 4, len + 8);
	/* pseudo header: addresses, protocol, UDP length */
	s = csum_add(0, v6 ? pkt + 8 : pkt + 12, v6 ? 32 : 8);
	s += 17 + len + 8;
	s = csum_add(s, udp, len + 8);
	pk_put16(udp + 6, csum_fold(s) ? csum_fold(s) : 0xffff);
	return hl + 8 + len;
}

static void pcap_write(FILE *f, const uint8_t *payload, size_t len, int port,
		       int v6, uint64_t now)
{
	static uint8_t pkt[70000];
	size_t hl = v6 ? 48 : 28, n;
	uint32_t rh[4];

	memcpy(pkt + hl, payload, len);
	n = wrap_ip(pkt, len, port, v6);
	rh[0] = now / 1000000000ULL;
	rh[1] = now % 1000000000ULL / 1000;
	rh[2] = rh[3] = n;
	fwrite(rh, sizeof(rh), 1, f);
	fwrite(pkt, n, 1, f);
}

static int udp_open(int port, int v6, struct sockaddr_storage *ss,
		    socklen_t *sl)
{
	struct sockaddr_in *a4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (v6) {
		a6->sin6_family = AF_INET6;
		a6->sin6_port = htons(port);
		a6->sin6_addr = in6addr_loopback;
		*sl = sizeof(*a6);
	} else {
		a4->sin_family = AF_INET;
		a4->sin_port = htons(port);
		a4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		*sl = sizeof(*a4);
	}
	return socket(v6 ? AF_INET6 : AF_INET, SOCK_DGRAM, 0);
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* CPU time of this process: a per-core rate even on a busy machine. */
static double cpu_time(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Encode @total records (the flow set over and over), report records/s. */
static int bench(struct pk_nf *e, unsigned long total, uint64_t now)
{
	static uint8_t buf[1500];
	unsigned long done = 0;
	uint64_t bytes = 0;
	size_t used, off = 0;
	ssize_t len;
	double t0 = cpu_time(), dt;

	while (done < total) {
		len = pk_nf_encode(e, flows + off, NFLOWS - off, &used, buf,
				   sizeof(buf), now);
		if (len < 0)
			return 1;
		bytes += len;
		done += used;
		off = (off + used) % NFLOWS;
	}
	dt = cpu_time() - t0;
	printf("version %u: %lu flows, %llu packets, %llu bytes in %.3f s of CPU: %.0f flows/s, %.0f records/s\n",
	       e->cfg.version, done, (unsigned long long)e->st.packets,
	       (unsigned long long)bytes, dt, done / dt, e->st.records / dt);
	return 0;
}

struct opts {
	struct pk_nf_cfg cfg;
	int port;
	int v6;
	const char *pcap;
	const char *expected;
	unsigned long bench;
};

static int parse(int argc, char **argv, struct opts *o)
{
	int c;

	memset(o, 0, sizeof(*o));
	o->cfg.version = 10;
	o->cfg.domain = 4242;
	o->cfg.tmpl_packets = 20;
	o->cfg.tmpl_secs = 60;
	o->cfg.sampling = 1;
	while ((c = getopt(argc, argv, "v:p:6w:e:m:B:S:t:")) != -1) {
		switch (c) {
		case 'v':
			o->cfg.version = atoi(optarg);
			break;
		case 'p':
			o->port = atoi(optarg);
			break;
		case '6':
			o->v6 = 1;
			break;
		case 'w':
			o->pcap = optarg;
			break;
		case 'e':
			o->expected = optarg;
			break;
		case 'm':
			o->cfg.mtu = atoi(optarg);
			break;
		case 'B':
			o->bench = strtoul(optarg, NULL, 0);
			break;
		case 'S':
			o->cfg.sampling = atoi(optarg);
			break;
		case 't':
			o->cfg.tmpl_packets = atoi(optarg);
			break;
		default:
			return -1;
		}
	}
	o->cfg.collector_v6 = o->v6;
	return 0;
}

static int export_all(struct pk_nf *e, const struct opts *o, uint64_t now)
{
	static uint8_t buf[65536];
	struct sockaddr_storage ss;
	socklen_t sl;
	FILE *pcap = NULL;
	size_t off = 0, used;
	ssize_t len;
	int fd = -1;

	if (o->port) {
		fd = udp_open(o->port, o->v6, &ss, &sl);
		if (fd < 0)
			return perror("socket"), 1;
	}
	if (o->pcap) {
		pcap = fopen(o->pcap, "wb");
		if (!pcap)
			return perror(o->pcap), 1;
		pcap_open(pcap);
	}
	while (off < NFLOWS) {
		len = pk_nf_encode(e, flows + off, NFLOWS - off, &used, buf,
				   sizeof(buf), now);
		if (len < 0)
			return fprintf(stderr, "encode: %s\n", strerror(-len)), 1;
		off += used;
		if (!len)
			continue;
		if (fd >= 0 && sendto(fd, buf, len, 0, (struct sockaddr *)&ss, sl) < 0)
			return perror("sendto"), 1;
		if (pcap)
			pcap_write(pcap, buf, len, o->port ? o->port : 2055, o->v6, now);
		usleep(2000);	/* let the collector keep up */
	}
	if (pcap)
		fclose(pcap);
	if (fd >= 0)
		close(fd);
	fprintf(stderr, "nfgen: v%u %llu packets, %llu records, %llu skipped v6, %llu skipped non-IP\n",
		e->cfg.version, (unsigned long long)e->st.packets,
		(unsigned long long)e->st.records,
		(unsigned long long)e->st.skipped_v6,
		(unsigned long long)e->st.skipped_l2);
	return 0;
}

int main(int argc, char **argv)
{
	struct pk_nf e;
	struct opts o;
	uint64_t now = now_ns();
	unsigned int i;
	FILE *f;
	int err;

	if (parse(argc, argv, &o)) {
		fprintf(stderr, "usage: nfgen -v 5|9|10 [-p PORT [-6]] [-w PCAP] [-e FILE] [-m MTU] [-S N] [-t N] [-B N]\n");
		return 2;
	}
	for (i = 0; i < NFLOWS; i++)
		make_flow(&flows[i], i, now);
	err = pk_nf_init(&e, &o.cfg, now);
	if (err)
		return fprintf(stderr, "init: %s\n", strerror(-err)), 1;
	if (o.bench)
		return bench(&e, o.bench, now);
	if (o.expected) {
		f = fopen(o.expected, "w");
		if (!f)
			return perror(o.expected), 1;
		write_expected(f, o.cfg.version);
		fclose(f);
	}
	return export_all(&e, &o, now);
}
