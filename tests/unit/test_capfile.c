// SPDX-License-Identifier: GPL-2.0
/*
 * The capture-file writers against libpcap's reader: what we write must
 * come back from pcap_open_offline_with_tstamp_precision() with the same
 * bytes, lengths and nanoseconds. pcapng details libpcap does not expose
 * (interface ids, epb_flags, IDB options) are checked by a block walker.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <arpa/inet.h>
#include <net/if_arp.h>
#include <pcap/pcap.h>
#include "kselftest_harness.h"
#include "capfile.h"
#include "../capfile/synth.h"

static const struct synth_dev eth2[] = {
	{ 2, "pk0", ARPHRD_ETHER },
	{ 3, "pk1", ARPHRD_ETHER },
};
static const struct synth_dev tun = { 4, "tun0", ARPHRD_NONE };
static const struct synth_dev gre = { 5, "gre0", ARPHRD_IPGRE };

/* Write packets [first, first + n) round-robin over @devs. */
static int put_packets(struct pk_capfile *f, unsigned int first,
		       unsigned int n, const struct synth_dev *devs,
		       unsigned int ndevs)
{
	static struct synth_pkt p;
	unsigned int i, k;
	int ret = 0;

	for (k = 0; k < ndevs && !ret; k++)
		ret = pk_capfile_add_iface(f, devs[k].ifindex, devs[k].name,
					   devs[k].arphrd, 65535);
	for (i = first; i < first + n && !ret; i++) {
		synth_packet(&p, i, &devs[i % ndevs]);
		ret = pk_capfile_write(f, &p.h, p.data);
	}
	return ret;
}

/* The frame a reader must see for @p: our own idea of the insertions. */
static unsigned int expect_frame(const struct synth_pkt *p,
				 const struct synth_dev *d, uint8_t *out,
				 uint32_t *len)
{
	const struct pktcap_rec_hdr *h = &p->h;
	unsigned int n = 0;

	*len = h->wire_len;
	if (d->arphrd != ARPHRD_ETHER && d->arphrd != ARPHRD_NONE) {
		uint32_t ifx = htonl(h->ifindex);

		memset(out, 0, 20);
		memcpy(out, &h->protocol, 2);
		memcpy(out + 4, &ifx, 4);
		out[8] = d->arphrd >> 8;
		out[9] = d->arphrd & 0xff;
		out[10] = h->direction == PKTCAP_DIR_OUT ? 4 : h->pkt_type;
		memcpy(out + 20, p->data, h->cap_len);
		*len += 20;
		return h->cap_len + 20;
	}
	if ((h->flags & PKTCAP_REC_F_VLAN) && h->cap_len >= 12) {
		memcpy(out, p->data, 12);
		memcpy(out + 12, &h->vlan_proto, 2);
		out[14] = h->vlan_tci >> 8;
		out[15] = h->vlan_tci & 0xff;
		n = 4;
		memcpy(out + 16, p->data + 12, h->cap_len - 12);
		*len += 4;
		return h->cap_len + 4;
	}
	memcpy(out, p->data, h->cap_len);
	return h->cap_len + n;
}

/*
 * Reads @path with libpcap and compares packet k with synthetic packet
 * first + k. Returns the number of packets read, or -1 on a mismatch.
 */
static int check_libpcap(struct __test_metadata *_metadata, const char *path,
			 unsigned int first, const struct synth_dev *devs,
			 unsigned int ndevs, int dlt)
{
	static struct synth_pkt p;
	static uint8_t want[SYNTH_MAX_LEN + 24];
	char err[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *ph;
	const u_char *data;
	unsigned int k = 0;
	uint32_t len, caplen;
	pcap_t *pc;

	pc = pcap_open_offline_with_tstamp_precision(path,
			PCAP_TSTAMP_PRECISION_NANO, err);
	if (!pc)
		TH_LOG("%s", err);
	ASSERT_NE(NULL, pc);
	EXPECT_EQ(dlt, pcap_datalink(pc));
	while (pcap_next_ex(pc, &ph, &data) == 1) {
		unsigned int i = first + k++;

		synth_packet(&p, i, &devs[i % ndevs]);
		caplen = expect_frame(&p, &devs[i % ndevs], want, &len);
		EXPECT_EQ(p.h.tstamp_ns / 1000000000ULL,
			  (uint64_t)ph->ts.tv_sec);
		EXPECT_EQ(p.h.tstamp_ns % 1000000000ULL,
			  (uint64_t)ph->ts.tv_usec);
		EXPECT_EQ(caplen, ph->caplen);
		EXPECT_EQ(len, ph->len);
		if (caplen == ph->caplen)
			EXPECT_EQ(0, memcmp(want, data, caplen)) TH_LOG("pkt %u", i);
	}
	pcap_close(pc);
	return k;
}

/* --- a pcapng block walker, independent of the writer ---------------- */

struct ng_view {
	unsigned int nidb, nepb;
	uint16_t linktype[8];
	uint32_t snaplen[8];
	char name[8][32];
	int tsresol[8];
	uint32_t ifid[512], flags[512];
};

static void ng_idb_opts(struct ng_view *v, const uint8_t *o, const uint8_t *end)
{
	unsigned int n = v->nidb;

	while (o + 4 <= end) {
		uint16_t code, len;

		memcpy(&code, o, 2);
		memcpy(&len, o + 2, 2);
		if (!code)
			break;
		if (code == 2 && len < 32)
			memcpy(v->name[n], o + 4, len);
		if (code == 9)
			v->tsresol[n] = o[4];
		o += 4 + ((len + 3) & ~3);
	}
}

static void ng_epb(struct ng_view *v, const uint8_t *b, uint32_t blen)
{
	uint32_t caplen, code_len;
	const uint8_t *o;

	memcpy(&v->ifid[v->nepb], b + 8, 4);
	memcpy(&caplen, b + 20, 4);
	o = b + 28 + ((caplen + 3) & ~3U);
	v->flags[v->nepb] = ~0U;
	if (o + 8 <= b + blen - 4) {
		memcpy(&code_len, o, 4);
		if ((code_len & 0xffff) == 2)
			memcpy(&v->flags[v->nepb], o + 4, 4);
	}
	v->nepb++;
}

static int ng_walk(const char *path, struct ng_view *v)
{
	static uint8_t buf[1 << 20];
	uint32_t type, blen, blen2, magic;
	size_t size, off = 0;
	FILE *fp = fopen(path, "r");

	memset(v, 0, sizeof(*v));
	if (!fp)
		return -1;
	size = fread(buf, 1, sizeof(buf), fp);
	fclose(fp);
	memcpy(&magic, buf + 8, 4);
	if (size < 28 || magic != 0x1A2B3C4D)
		return -1;
	while (off + 12 <= size) {
		memcpy(&type, buf + off, 4);
		memcpy(&blen, buf + off + 4, 4);
		if (blen % 4 || blen < 12 || off + blen > size)
			return -1;
		memcpy(&blen2, buf + off + blen - 4, 4);
		if (blen != blen2)
			return -1;
		if (type == 1 && v->nidb < 8) {
			memcpy(&v->linktype[v->nidb], buf + off + 8, 2);
			memcpy(&v->snaplen[v->nidb], buf + off + 12, 4);
			ng_idb_opts(v, buf + off + 16, buf + off + blen - 4);
			v->nidb++;
		} else if (type == 6 && v->nepb < 512) {
			ng_epb(v, buf + off, blen);
		}
		off += blen;
	}
	return off == size ? 0 : -1;
}

static long file_size(const char *path)
{
	struct stat st;

	return stat(path, &st) ? -1 : st.st_size;
}

/* --- fixture: a scratch directory ------------------------------------ */

FIXTURE(cf) {
	char dir[64];
	char path[128];
	char err[PK_CAPFILE_ERRBUF_SIZE];
};

FIXTURE_SETUP(cf)
{
	strcpy(self->dir, "/tmp/test_capfile.XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	snprintf(self->path, sizeof(self->path), "%s/cap", self->dir);
}

static int rm_one(const char *p, const struct stat *s, int t, struct FTW *w)
{
	(void)s; (void)t; (void)w;
	return remove(p);
}

FIXTURE_TEARDOWN(cf)
{
	nftw(self->dir, rm_one, 8, FTW_DEPTH | FTW_PHYS);
}

TEST_F(cf, pcap_roundtrip)
{
	struct pk_capfile_stats st;
	struct pk_capfile *f;
	uint32_t magic;
	FILE *fp;

	f = pk_capfile_open(self->path, PK_CAPFILE_PCAP, NULL, self->err);
	ASSERT_NE(NULL, f) TH_LOG("%s", self->err);
	ASSERT_EQ(0, put_packets(f, 0, 60, eth2, 2));
	pk_capfile_get_stats(f, &st);
	ASSERT_EQ(0, pk_capfile_close(f, self->err));
	EXPECT_EQ(60U, st.packets);
	EXPECT_EQ(1U, st.files);
	EXPECT_EQ(file_size(self->path), (long)st.bytes);
	fp = fopen(self->path, "r");
	ASSERT_NE(NULL, fp);
	ASSERT_EQ(1U, fread(&magic, 4, 1, fp));
	fclose(fp);
	EXPECT_EQ(0xa1b23c4d, magic);	/* nanosecond pcap */
	EXPECT_EQ(60, check_libpcap(_metadata, self->path, 0, eth2, 2,
				    DLT_EN10MB));
}

TEST_F(cf, pcapng_roundtrip)
{
	struct pk_capfile_stats st;
	struct pk_capfile *f;
	struct ng_view v;
	unsigned int i;

	f = pk_capfile_open(self->path, PK_CAPFILE_PCAPNG, NULL, self->err);
	ASSERT_NE(NULL, f) TH_LOG("%s", self->err);
	ASSERT_EQ(0, put_packets(f, 0, 60, eth2, 2));
	pk_capfile_get_stats(f, &st);
	ASSERT_EQ(0, pk_capfile_close(f, self->err));
	EXPECT_EQ(file_size(self->path), (long)st.bytes);
	EXPECT_EQ(60, check_libpcap(_metadata, self->path, 0, eth2, 2,
				    DLT_EN10MB));
	ASSERT_EQ(0, ng_walk(self->path, &v));
	ASSERT_EQ(2U, v.nidb);
	EXPECT_STREQ("pk0", v.name[0]);
	EXPECT_STREQ("pk1", v.name[1]);
	for (i = 0; i < 2; i++) {
		EXPECT_EQ(1, v.linktype[i]);
		EXPECT_EQ(9, v.tsresol[i]);
		EXPECT_EQ(65535U + 4, v.snaplen[i]);	/* room for a tag */
	}
	ASSERT_EQ(60U, v.nepb);
	for (i = 0; i < 60; i++) {
		EXPECT_EQ(i % 2, v.ifid[i]);
		/* synth: every 3rd from 1 is outbound, the rest unicast in */
		EXPECT_EQ(i % 3 == 1 ? 2U : 1U | 1U << 2, v.flags[i]);
	}
}

/* A tag re-inserted into a record cut at the snaplen must not be lost. */
TEST_F(cf, vlan_reinsert_at_snaplen)
{
	static const int fmts[] = { PK_CAPFILE_PCAP, PK_CAPFILE_PCAPNG };
	static struct synth_pkt p;
	char err[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *ph;
	const u_char *d;
	unsigned int k;
	pcap_t *pc;

	synth_packet(&p, 0, &eth2[0]);
	p.h.cap_len = 64;
	p.h.wire_len = 100;
	p.h.flags |= PKTCAP_REC_F_VLAN | PKTCAP_REC_F_TRUNCATED;
	p.h.vlan_tci = 0x2064;			/* priority 1, VID 100 */
	p.h.vlan_proto = htons(0x88a8);		/* 802.1ad keeps its TPID */
	for (k = 0; k < 2; k++) {
		struct pk_capfile *f = pk_capfile_open(self->path, fmts[k],
						       NULL, self->err);

		ASSERT_NE(NULL, f);
		ASSERT_EQ(0, pk_capfile_add_iface(f, 2, "pk0", ARPHRD_ETHER,
						  64));
		ASSERT_EQ(0, pk_capfile_write(f, &p.h, p.data));
		ASSERT_EQ(0, pk_capfile_close(f, NULL));
		pc = pcap_open_offline_with_tstamp_precision(self->path,
				PCAP_TSTAMP_PRECISION_NANO, err);
		ASSERT_NE(NULL, pc);
		EXPECT_EQ(68, pcap_snapshot(pc));
		ASSERT_EQ(1, pcap_next_ex(pc, &ph, &d));
		EXPECT_EQ(68U, ph->caplen);
		EXPECT_EQ(p.h.wire_len + 4, ph->len);
		EXPECT_EQ(0, memcmp(d, p.data, 12));
		EXPECT_EQ(0, memcmp(d + 12, "\x88\xa8\x20\x64", 4));
		EXPECT_EQ(0, memcmp(d + 16, p.data + 12, 52));
		pcap_close(pc);
	}
}

/* Too short to hold both MAC addresses: left alone, as libpcap does. */
TEST_F(cf, vlan_short_record_untouched)
{
	static struct synth_pkt p;
	struct pk_capfile *f;
	char err[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *ph;
	const u_char *d;
	pcap_t *pc;

	synth_packet(&p, 2, &eth2[0]);
	ASSERT_TRUE(!!(p.h.flags & PKTCAP_REC_F_VLAN));
	p.h.cap_len = 10;
	f = pk_capfile_open(self->path, PK_CAPFILE_PCAP, NULL, self->err);
	ASSERT_NE(NULL, f);
	ASSERT_EQ(0, pk_capfile_write(f, &p.h, p.data));
	ASSERT_EQ(0, pk_capfile_close(f, NULL));
	pc = pcap_open_offline_with_tstamp_precision(self->path,
			PCAP_TSTAMP_PRECISION_NANO, err);
	ASSERT_NE(NULL, pc);
	ASSERT_EQ(1, pcap_next_ex(pc, &ph, &d));
	EXPECT_EQ(10U, ph->caplen);
	EXPECT_EQ(p.h.wire_len, ph->len);
	EXPECT_EQ(0, memcmp(d, p.data, 10));
	pcap_close(pc);
}

TEST_F(cf, tun_is_raw_other_is_sll2)
{
	struct pk_capfile *f;

	f = pk_capfile_open(self->path, PK_CAPFILE_PCAP, NULL, self->err);
	ASSERT_NE(NULL, f);
	ASSERT_EQ(0, put_packets(f, 0, 12, &tun, 1));
	ASSERT_EQ(0, pk_capfile_close(f, NULL));
	EXPECT_EQ(12, check_libpcap(_metadata, self->path, 0, &tun, 1,
				    DLT_RAW));

	f = pk_capfile_open(self->path, PK_CAPFILE_PCAP, NULL, self->err);
	ASSERT_NE(NULL, f);
	ASSERT_EQ(0, put_packets(f, 0, 12, &gre, 1));
	ASSERT_EQ(0, pk_capfile_close(f, NULL));
	EXPECT_EQ(12, check_libpcap(_metadata, self->path, 0, &gre, 1,
				    DLT_LINUX_SLL2));
}

TEST_F(cf, pcap_refuses_second_linktype)
{
	static struct synth_pkt p;
	struct pk_capfile *f;

	f = pk_capfile_open(self->path, PK_CAPFILE_PCAP, NULL, self->err);
	ASSERT_NE(NULL, f);
	ASSERT_EQ(0, pk_capfile_add_iface(f, 2, "pk0", ARPHRD_ETHER, 65535));
	ASSERT_EQ(-EINVAL, pk_capfile_add_iface(f, 4, "tun0", ARPHRD_NONE,
						65535));
	EXPECT_NE(NULL, strstr(pk_capfile_strerror(f), "tun0"));
	EXPECT_NE(NULL, strstr(pk_capfile_strerror(f), "pcapng"));
	EXPECT_EQ(0, strncmp(pk_capfile_strerror(f), self->path,
			     strlen(self->path)));
	/* A record of an undeclared tun is refused too, but not fatally. */
	synth_packet(&p, 0, &tun);
	EXPECT_EQ(-EINVAL, pk_capfile_write(f, &p.h, p.data));
	synth_packet(&p, 0, &eth2[0]);
	EXPECT_EQ(0, pk_capfile_write(f, &p.h, p.data));
	EXPECT_EQ(0, pk_capfile_close(f, NULL));
	EXPECT_EQ(1, check_libpcap(_metadata, self->path, 0, eth2, 1,
				   DLT_EN10MB));
}

TEST_F(cf, pcapng_mixed_and_late_iface)
{
	static struct synth_pkt p;
	struct pk_capfile *f;
	struct ng_view v;

	f = pk_capfile_open(self->path, PK_CAPFILE_PCAPNG, NULL, self->err);
	ASSERT_NE(NULL, f);
	ASSERT_EQ(0, put_packets(f, 0, 3, &eth2[0], 1));
	ASSERT_EQ(0, put_packets(f, 0, 3, &tun, 1));
	/* Never declared: declared from the record, IDB without a name. */
	synth_packet(&p, 1, &gre);
	ASSERT_EQ(0, pk_capfile_write(f, &p.h, p.data));
	ASSERT_EQ(0, pk_capfile_close(f, NULL));
	ASSERT_EQ(0, ng_walk(self->path, &v));
	ASSERT_EQ(3U, v.nidb);
	EXPECT_EQ(1, v.linktype[0]);
	EXPECT_EQ(101, v.linktype[1]);
	EXPECT_EQ(276, v.linktype[2]);
	EXPECT_STREQ("tun0", v.name[1]);
	EXPECT_STREQ("", v.name[2]);
	EXPECT_EQ(65535U + 20, v.snaplen[2]);
	ASSERT_EQ(7U, v.nepb);
	EXPECT_EQ(0U, v.ifid[2]);
	EXPECT_EQ(1U, v.ifid[3]);
	EXPECT_EQ(2U, v.ifid[6]);
	EXPECT_EQ(2U, v.flags[6]);	/* packet 1 is outbound */
}

TEST(filenames_like_tcpdump)
{
	static const struct {
		unsigned int idx, count;
		const char *want;
	} t[] = {
		{ 0, 0, "x" }, { 1, 0, "x1" }, { 12, 0, "x12" },
		{ 0, 1, "x" }, { 0, 2, "x0" }, { 1, 2, "x1" },
		{ 9, 10, "x9" }, { 0, 11, "x00" }, { 10, 11, "x10" },
		{ 7, 1000, "x007" },
	};
	char buf[16];
	unsigned int i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		ASSERT_EQ(0, pk_capfile_filename(buf, sizeof(buf), "x",
						 t[i].idx, t[i].count));
		EXPECT_STREQ(t[i].want, buf);
	}
	EXPECT_EQ(-ENAMETOOLONG, pk_capfile_filename(buf, 3, "x", 10, 0));
}

/*
 * Rotation at 3000 bytes: tcpdump's rule is that a file is closed once it
 * is over the size, before the next packet goes in. Every file must be a
 * complete capture on its own and the packets must continue across files.
 * Returns the number of files.
 */
static unsigned int check_rotation(struct __test_metadata *_metadata,
				   const char *path, int fmt, unsigned int n)
{
	struct pk_capfile_opts o = { .file_size = 3000 };
	char name[160], err[PK_CAPFILE_ERRBUF_SIZE];
	struct pk_capfile_stats st;
	unsigned int i, seen = 0;
	struct pk_capfile *f;
	long size;
	int got;

	f = pk_capfile_open(path, fmt, &o, err);
	EXPECT_NE(NULL, f);
	if (!f)
		return 0;
	EXPECT_EQ(0, put_packets(f, 0, n, eth2, 2));
	pk_capfile_get_stats(f, &st);
	EXPECT_EQ(0, pk_capfile_close(f, err));
	EXPECT_LE(3U, st.files);
	for (i = 0; i < st.files; i++) {
		pk_capfile_filename(name, sizeof(name), path, i, 0);
		size = file_size(name);
		if (i < st.files - 1)
			EXPECT_LT(3000, size) TH_LOG("%s", name);
		/* Never more than one record (< 400 bytes) past the size. */
		EXPECT_GT(3400, size) TH_LOG("%s", name);
		got = check_libpcap(_metadata, name, seen, eth2, 2,
				    DLT_EN10MB);
		EXPECT_LT(0, got);
		seen += got;
	}
	EXPECT_EQ(n, seen);
	pk_capfile_filename(name, sizeof(name), path, st.files, 0);
	EXPECT_EQ(-1, file_size(name));		/* nothing past the last */
	return st.files;
}

static int same_file(const char *a, const char *b)
{
	static char ba[8192], bb[8192];
	FILE *fa = fopen(a, "r"), *fb = fopen(b, "r");
	size_t na = 0, nb = 0;

	if (fa) {
		na = fread(ba, 1, sizeof(ba), fa);
		fclose(fa);
	}
	if (fb) {
		nb = fread(bb, 1, sizeof(bb), fb);
		fclose(fb);
	}
	return fa && fb && na == nb && !memcmp(ba, bb, na);
}

/* -W 3: the last three files of an unlimited run, in a ring of names. */
static void check_wrap(struct __test_metadata *_metadata, const char *path,
		       int fmt, unsigned int n, unsigned int nfiles)
{
	struct pk_capfile_opts o = { .file_size = 3000, .file_count = 3 };
	char wpath[160], name[160], wname[160], err[PK_CAPFILE_ERRBUF_SIZE];
	struct pk_capfile *f;
	unsigned int i;

	snprintf(wpath, sizeof(wpath), "%sw", path);
	f = pk_capfile_open(wpath, fmt, &o, err);
	ASSERT_NE(NULL, f);
	ASSERT_EQ(0, put_packets(f, 0, n, eth2, 2));
	ASSERT_EQ(0, pk_capfile_close(f, err));
	for (i = nfiles - 3; i < nfiles; i++) {
		pk_capfile_filename(name, sizeof(name), path, i, 0);
		pk_capfile_filename(wname, sizeof(wname), wpath, i % 3, 3);
		EXPECT_TRUE(same_file(name, wname)) TH_LOG("%s", wname);
	}
	pk_capfile_filename(wname, sizeof(wname), wpath, 3, 0);
	EXPECT_EQ(-1, file_size(wname));
	EXPECT_EQ(-1, file_size(wpath));	/* -W names start at 0 */
}

TEST_F(cf, rotation_pcap)
{
	unsigned int nfiles = check_rotation(_metadata, self->path,
					     PK_CAPFILE_PCAP, 100);

	check_wrap(_metadata, self->path, PK_CAPFILE_PCAP, 100, nfiles);
}

TEST_F(cf, rotation_pcapng)
{
	unsigned int nfiles = check_rotation(_metadata, self->path,
					     PK_CAPFILE_PCAPNG, 100);

	check_wrap(_metadata, self->path, PK_CAPFILE_PCAPNG, 100, nfiles);
}

TEST_F(cf, open_errors)
{
	struct pk_capfile_opts o = { .file_count = 3 };
	char path[200];

	snprintf(path, sizeof(path), "%s/no/such/dir.pcap", self->dir);
	errno = 0;
	EXPECT_EQ(NULL, pk_capfile_open(path, PK_CAPFILE_PCAP, NULL,
					self->err));
	EXPECT_EQ(ENOENT, errno);
	strcat(path, ": No such file or directory");
	EXPECT_STREQ(path, self->err);
	EXPECT_EQ(NULL, pk_capfile_open("/dev/null/x.pcap", PK_CAPFILE_PCAPNG,
					NULL, self->err));
	EXPECT_EQ(ENOTDIR, errno);
	EXPECT_STREQ("/dev/null/x.pcap: Not a directory", self->err);
	EXPECT_EQ(NULL, pk_capfile_open(self->path, PK_CAPFILE_PCAP, &o,
					self->err));
	EXPECT_EQ(EINVAL, errno);
	o.file_size = 1000;
	EXPECT_EQ(NULL, pk_capfile_open("-", PK_CAPFILE_PCAP, &o, self->err));
	EXPECT_EQ(EINVAL, errno);
}

TEST_F(cf, bad_records_are_not_fatal)
{
	static struct synth_pkt p;
	struct pk_capfile *f;

	f = pk_capfile_open(self->path, PK_CAPFILE_PCAPNG, NULL, self->err);
	ASSERT_NE(NULL, f);
	synth_packet(&p, 0, &eth2[0]);
	p.h.flags = PKTCAP_REC_F_SEALED;
	EXPECT_EQ(-EINVAL, pk_capfile_write(f, &p.h, p.data));
	EXPECT_NE(NULL, strstr(pk_capfile_strerror(f), "sealed"));
	p.h.flags = PKTCAP_REC_F_PAD;
	EXPECT_EQ(-EINVAL, pk_capfile_write(f, &p.h, p.data));
	p.h.flags = 0;
	EXPECT_EQ(0, pk_capfile_write(f, &p.h, p.data));
	EXPECT_EQ(0, pk_capfile_close(f, NULL));
	EXPECT_EQ(1, check_libpcap(_metadata, self->path, 0, eth2, 1,
				   DLT_EN10MB));
}

/* Empty captures are valid files; flush shows the header early. */
TEST_F(cf, empty_and_flush)
{
	struct pk_capfile *f;

	f = pk_capfile_open(self->path, PK_CAPFILE_PCAP, NULL, self->err);
	ASSERT_NE(NULL, f);
	EXPECT_EQ(0, pk_capfile_flush(f));
	EXPECT_EQ(0, file_size(self->path));	/* link type not known yet */
	ASSERT_EQ(0, pk_capfile_add_iface(f, 4, "tun0", ARPHRD_NONE, 1500));
	EXPECT_EQ(0, pk_capfile_flush(f));
	EXPECT_EQ(24, file_size(self->path));
	ASSERT_EQ(0, pk_capfile_close(f, NULL));
	EXPECT_EQ(0, check_libpcap(_metadata, self->path, 0, &tun, 1,
				   DLT_RAW));

	f = pk_capfile_open(self->path, PK_CAPFILE_PCAPNG, NULL, self->err);
	ASSERT_NE(NULL, f);
	ASSERT_EQ(0, pk_capfile_close(f, NULL));
	EXPECT_LT(0, file_size(self->path));
}

/* The reader of "-" goes away: -EPIPE, and no SIGPIPE kills us. */
TEST(stdout_epipe)
{
	static struct synth_pkt p;
	char err[PK_CAPFILE_ERRBUF_SIZE];
	struct pk_capfile *f;
	int fds[2], saved, ret = 0, i;
	sigset_t pending;

	signal(SIGPIPE, SIG_DFL);
	ASSERT_EQ(0, pipe(fds));
	close(fds[0]);
	saved = dup(STDOUT_FILENO);
	ASSERT_LE(0, dup2(fds[1], STDOUT_FILENO));
	f = pk_capfile_open("-", PK_CAPFILE_PCAP, NULL, err);
	ASSERT_NE(NULL, f);
	synth_packet(&p, 0, &eth2[0]);
	for (i = 0; i < 10000 && !ret; i++)
		ret = pk_capfile_write(f, &p.h, p.data);
	if (!ret)
		ret = pk_capfile_flush(f);
	EXPECT_EQ(-EPIPE, ret);
	EXPECT_STREQ("stdout: Broken pipe", pk_capfile_strerror(f));
	EXPECT_EQ(-EPIPE, pk_capfile_write(f, &p.h, p.data));	/* sticky */
	EXPECT_EQ(-EPIPE, pk_capfile_close(f, err));
	EXPECT_STREQ("stdout: Broken pipe", err);
	sigpending(&pending);
	EXPECT_FALSE(sigismember(&pending, SIGPIPE));
	dup2(saved, STDOUT_FILENO);
	close(saved);
	close(fds[1]);
}

TEST_HARNESS_MAIN
