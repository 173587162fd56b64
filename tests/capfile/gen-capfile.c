// SPDX-License-Identifier: GPL-2.0
/*
 * gen-capfile: write synthetic records through the capfile writers, for
 * check-readers.sh to feed to tcpdump and tshark.
 *
 *   gen-capfile -F pcap|pcapng -w FILE|- [-n COUNT] [-m eth|tun|gre|mixed]
 *               [-C BYTES] [-W FILES] [-e EXPECT]
 *
 * -m eth: two Ethernet devices pk0, pk1; -m tun: tun0 (ARPHRD_NONE, stored
 * as RAW); -m gre: gre0 (ARPHRD_IPGRE, stored as LINUX_SLL2); -m mixed: all
 * four. Packets go round-robin over the devices. EXPECT gets one line per packet:
 *   SEC.NSEC IFNAME in|out CAPLEN LEN VLANID
 * with the lengths the file must show (VLAN tag or SLL2 header included).
 * Exit status: 0, 1 usage, 2 open error, 3 write error (message on stderr).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <net/if_arp.h>
#include "capfile.h"
#include "synth.h"

static const struct synth_dev devs[] = {
	{ 2, "pk0", ARPHRD_ETHER },
	{ 3, "pk1", ARPHRD_ETHER },
	{ 4, "tun0", ARPHRD_NONE },
	{ 5, "gre0", ARPHRD_IPGRE },
};

struct gen {
	enum pk_capfile_fmt fmt;
	const char *path, *expect;
	unsigned long count;
	const struct synth_dev *devs;
	unsigned int ndevs;
	struct pk_capfile_opts o;
};

static int usage(void)
{
	fprintf(stderr, "usage: gen-capfile -F pcap|pcapng -w FILE [-n COUNT] "
		"[-m eth|tun|gre|mixed] [-C BYTES] [-W FILES] [-e EXPECT]\n");
	return 1;
}

static int set_mode(struct gen *g, const char *m)
{
	static const struct {
		const char *name;
		unsigned int first, n;
	} modes[] = {
		{ "eth", 0, 2 }, { "tun", 2, 1 }, { "gre", 3, 1 },
		{ "mixed", 0, 4 },
	};
	unsigned int i;

	for (i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		if (!strcmp(m, modes[i].name)) {
			g->devs = &devs[modes[i].first];
			g->ndevs = modes[i].n;
			return 0;
		}
	}
	return -1;
}

static int parse(struct gen *g, int argc, char **argv)
{
	int c;

	g->devs = devs;
	g->ndevs = 2;
	g->count = 100;
	while ((c = getopt(argc, argv, "F:w:n:m:C:W:e:")) != -1) {
		switch (c) {
		case 'F':
			if (strcmp(optarg, "pcap") && strcmp(optarg, "pcapng"))
				return -1;
			g->fmt = strcmp(optarg, "pcap") ? PK_CAPFILE_PCAPNG :
							  PK_CAPFILE_PCAP;
			break;
		case 'w':
			g->path = optarg;
			break;
		case 'n':
			g->count = strtoul(optarg, NULL, 0);
			break;
		case 'm':
			if (set_mode(g, optarg))
				return -1;
			break;
		case 'C':
			g->o.file_size = strtoull(optarg, NULL, 0);
			break;
		case 'W':
			g->o.file_count = strtoul(optarg, NULL, 0);
			break;
		case 'e':
			g->expect = optarg;
			break;
		default:
			return -1;
		}
	}
	return g->path ? 0 : -1;
}

static void expect_line(FILE *e, const struct synth_pkt *p,
			const struct synth_dev *d)
{
	unsigned int add = 0;

	if (p->h.flags & PKTCAP_REC_F_VLAN)
		add = 4;
	else if (d->arphrd != ARPHRD_ETHER && d->arphrd != ARPHRD_NONE)
		add = 20;	/* SLL2 header */
	fprintf(e, "%llu.%09llu %s %s %u %u %u\n",
		(unsigned long long)(p->h.tstamp_ns / 1000000000ULL),
		(unsigned long long)(p->h.tstamp_ns % 1000000000ULL),
		d->name, p->h.direction == PKTCAP_DIR_OUT ? "out" : "in",
		p->h.cap_len + add, p->h.wire_len + add, p->vid);
}

static int run(struct gen *g, struct pk_capfile *f, FILE *e)
{
	static struct synth_pkt p;
	unsigned long i;
	unsigned int k;
	int ret = 0;

	for (k = 0; k < g->ndevs && !ret; k++)
		ret = pk_capfile_add_iface(f, g->devs[k].ifindex,
					   g->devs[k].name, g->devs[k].arphrd,
					   65535);
	for (i = 0; i < g->count && !ret; i++) {
		const struct synth_dev *d = &g->devs[i % g->ndevs];

		synth_packet(&p, i, d);
		ret = pk_capfile_write(f, &p.h, p.data);
		if (!ret && e)
			expect_line(e, &p, d);
		/* A reader batch is 64 records: flush like pktcapctl. */
		if (!ret && i % 64 == 63)
			ret = pk_capfile_flush(f);
	}
	return ret;
}

int main(int argc, char **argv)
{
	char errbuf[PK_CAPFILE_ERRBUF_SIZE];
	struct pk_capfile_stats st;
	struct gen g = { 0 };
	struct pk_capfile *f;
	FILE *e = NULL;
	int ret, cret;

	if (parse(&g, argc, argv))
		return usage();
	if (g.expect && !(e = fopen(g.expect, "w"))) {
		fprintf(stderr, "gen-capfile: %s: %s\n", g.expect,
			strerror(errno));
		return 2;
	}
	f = pk_capfile_open(g.path, g.fmt, &g.o, errbuf);
	if (!f) {
		fprintf(stderr, "gen-capfile: %s\n", errbuf);
		return 2;
	}
	ret = run(&g, f, e);
	if (ret)
		fprintf(stderr, "gen-capfile: %s\n", pk_capfile_strerror(f));
	pk_capfile_get_stats(f, &st);
	cret = pk_capfile_close(f, errbuf);
	if (e)
		fclose(e);
	if (!ret && cret)
		fprintf(stderr, "gen-capfile: %s\n", errbuf);
	if (ret || cret)
		return 3;
	fprintf(stderr, "gen-capfile: %llu packets, %llu bytes, %llu files\n",
		(unsigned long long)st.packets, (unsigned long long)st.bytes,
		(unsigned long long)st.files);
	return 0;
}
