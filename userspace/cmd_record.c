// SPDX-License-Identifier: GPL-2.0
/*
 * pktcapctl record: write the running session's packets to a pcap or
 * pcapng file, or start a session for the duration of the recording.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "capfile.h"
#include "capture_opts.h"
#include "cmd.h"
#include "err.h"
#include "nl.h"
#include "pktcap_reader.h"
#include "sealfile.h"

enum { OPT_FORMAT = CAP_OPT_NEXT };

struct rec_opts {
	struct cap_opts cap;
	const char *path;
	uint64_t count;			/* 0: until interrupted */
	enum pk_capfile_fmt fmt;
	bool fmt_set;			/* --format given: refused when sealed */
	struct pk_capfile_opts file;
};

/* What one recording did, for the summary and the exit status. */
struct rec_state {
	struct pk_nl *nl;
	struct pktcap_reader *r;
	struct pk_capfile *f;
	bool owned;			/* we started the session: stop it */
	uint64_t written;
	struct cap_metrics *before, *after;
};

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

/* No SA_RESTART: poll() must return so the loop sees the flag. */
static void catch_signals(void)
{
	struct sigaction sa = { .sa_handler = on_signal };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

static int parse_num(const char *s, uint64_t min, uint64_t max, uint64_t *v)
{
	char *end;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	*v = strtoull(s, &end, 10);
	return errno || *end || *v < min || *v > max ? -1 : 0;
}

static int take_own(struct rec_opts *o, int c, const char *arg)
{
	const struct pk_cmd *cmd = &pk_cmd_record;
	uint64_t v;

	switch (c) {
	case 'w':
		o->path = arg;
		return 0;
	case 'c':
		if (parse_num(arg, 1, UINT64_MAX, &o->count))
			return pk_usage_error(cmd, arg, "count must be a positive number");
		return 0;
	case OPT_FORMAT:
		o->fmt_set = true;
		if (!strcmp(arg, "pcap"))
			o->fmt = PK_CAPFILE_PCAP;
		else if (!strcmp(arg, "pcapng"))
			o->fmt = PK_CAPFILE_PCAPNG;
		else
			return pk_usage_error(cmd, arg, "format is pcap or pcapng");
		return 0;
	case 'C':
		if (parse_num(arg, 1, UINT64_MAX / 1000000, &v))
			return pk_usage_error(cmd, arg, "file size in MB must be positive");
		o->file.file_size = v * 1000000;	/* tcpdump's -C unit */
		return 0;
	case 'W':
		if (parse_num(arg, 1, 1000000, &v))
			return pk_usage_error(cmd, arg, "file count must be 1 .. 1000000");
		o->file.file_count = (unsigned int)v;
		return 0;
	}
	return pk_usage_error(cmd, arg, "unknown option");
}

static int check_opts(struct rec_opts *o, int argc, char **argv)
{
	const struct pk_cmd *cmd = &pk_cmd_record;

	if (!o->path)
		return pk_usage_error(cmd, "-w", "an output file is needed (\"-\": stdout)");
	if (o->file.file_count && !o->file.file_size)
		return pk_usage_error(cmd, "-W", "needs -C");
	if (o->file.file_size && !strcmp(o->path, "-"))
		return pk_usage_error(cmd, "-C", "cannot rotate standard output");
	if (!o->cap.nr_devs && (optind < argc || o->cap.backend || o->cap.snaplen ||
				o->cap.ring_kb || o->cap.wakeup_records ||
				o->cap.has_wakeup_usec))
		return pk_usage_error(cmd, optind < argc ? argv[optind] : "-i",
				      "capture options and filters need -i DEV "
				      "(the running session has its own)");
	return cap_opts_filter(&o->cap, argc, argv, optind);
}

static int parse(int argc, char **argv, struct rec_opts *o)
{
	static const struct option longopts[] = {
		CAP_LONGOPTS,
		{ "write", required_argument, NULL, 'w' },
		{ "count", required_argument, NULL, 'c' },
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ 0 },
	};
	int c, rc;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":" CAP_SHORTOPTS "w:c:C:W:",
				longopts, NULL)) != -1) {
		if (c == '?' || c == ':')
			return pk_usage_error(&pk_cmd_record, argv[optind - 1],
					      c == ':' ? "missing argument" :
					      "unknown option");
		rc = cap_opts_take(&pk_cmd_record, &o->cap, c, optarg);
		if (rc < 0)
			rc = take_own(o, c, optarg);
		if (rc)
			return rc;
	}
	return check_opts(o, argc, argv);
}

/* Start a session for -i, or make sure one runs without it. */
static int ensure_session(struct rec_state *s, const struct rec_opts *o)
{
	int running = cap_running(s->nl);

	if (running < 0)
		return pk_nl_perror(s->nl, "status", running);
	if (!o->cap.nr_devs) {
		if (running)
			return 0;
		pk_err("record", "no capture session is running "
		       "(give -i DEV, or use pktcapctl start)");
		return 1;
	}
	if (running) {
		pk_err("record", "a capture session is already running in this "
		       "network namespace (record it without -i, or pktcapctl stop)");
		return 1;
	}
	if (cap_start(s->nl, &o->cap))
		return 1;
	s->owned = true;
	return 0;
}

static int open_reader(struct rec_state *s)
{
	int err = pktcap_reader_open(PKTCAP_DEVICE_PATH, &s->r);

	switch (err) {
	case 0:
		return 0;
	case -EBUSY:
		pk_err(PKTCAP_DEVICE_PATH, "busy: another reader has it open");
		return 1;
	case -ENODATA:
		pk_err("record", "the capture session stopped before it was mapped");
		return 1;
	case -ENOENT:
		pk_err(PKTCAP_DEVICE_PATH, "no such device (is the module loaded?)");
		return 1;
	default:
		return pk_err_errno(PKTCAP_DEVICE_PATH, err, NULL);
	}
}

static const struct nla_policy dev_policy[PKTCAP_A_DEVICE_MAX + 1] = {
	[PKTCAP_A_DEVICE_IFINDEX] = PK_POL_U32,
	[PKTCAP_A_DEVICE_IFNAME] = PK_POL_STR(IF_NAMESIZE),
	[PKTCAP_A_DEVICE_STATE] = PK_POL_U32,
	[PKTCAP_A_DEVICE_LINKTYPE] = PK_POL_U32,
};

static int declare_one(struct pk_capfile *f, const struct nlattr *nest,
		       uint32_t snaplen)
{
	struct nlattr *tb[PKTCAP_A_DEVICE_MAX + 1];

	if (pk_nl_parse_nested(nest, tb, PKTCAP_A_DEVICE_MAX, dev_policy) ||
	    !tb[PKTCAP_A_DEVICE_IFINDEX] || !tb[PKTCAP_A_DEVICE_LINKTYPE])
		return -EBADMSG;
	return pk_capfile_add_iface(f, nla_get_u32(tb[PKTCAP_A_DEVICE_IFINDEX]),
				    tb[PKTCAP_A_DEVICE_IFNAME] ?
				    nla_get_string(tb[PKTCAP_A_DEVICE_IFNAME]) : NULL,
				    (uint16_t)nla_get_u32(tb[PKTCAP_A_DEVICE_LINKTYPE]),
				    snaplen);
}

/*
 * pcapng readers learn the interfaces from the IDBs before the packets:
 * declare the session's devices, in STATUS order, first.
 */
static int declare_devices(struct rec_state *s)
{
	struct nlattr *tb[PKTCAP_A_MAX + 1], *a;
	uint32_t snaplen = pktcap_reader_info(s->r)->snaplen;
	struct nlmsghdr *reply;
	int err, rem;

	err = pk_nl_query(s->nl, pk_nl_req(PKTCAP_CMD_STATUS, 0), &reply);
	if (err)
		return pk_nl_perror(s->nl, "status", err);
	err = pk_nl_parse(reply, tb, PKTCAP_A_MAX, NULL);
	if (!err && !tb[PKTCAP_A_CAPTURE])
		err = -EBADMSG;
	if (!err) {
		nla_for_each_nested(a, tb[PKTCAP_A_CAPTURE], rem)
			if (!err && nla_type(a) == PKTCAP_A_CAPTURE_DEVICE)
				err = declare_one(s->f, a, snaplen);
	}
	free(reply);
	if (err == -EBADMSG)
		return pk_err_errno("status", err, NULL);
	if (err)
		return pk_err_errno("record", err, pk_capfile_strerror(s->f));
	return 0;
}

static int open_file(struct rec_state *s, const struct rec_opts *o)
{
	char errbuf[PK_CAPFILE_ERRBUF_SIZE];

	s->f = pk_capfile_open(o->path, o->fmt, &o->file, errbuf);
	if (!s->f) {
		pk_err(NULL, "%s", errbuf);
		return 1;
	}
	return declare_devices(s);
}

/*
 * Everything the rings hold now, up to the count. Returns 0, or 1 after
 * printing why recording must end (corrupt ring, write error).
 */
static int drain(struct rec_state *s, const struct rec_opts *o)
{
	const struct pktcap_rec_hdr *rec;
	unsigned int ring;
	int err;

	/*
	 * @stop too: under a flood the rings never run dry, and SIGINT must
	 * still end the recording now, not at COUNT.
	 */
	while (!stop && (!o->count || s->written < o->count)) {
		err = pktcap_reader_next_merged(s->r, &ring, &rec);
		if (err == -EAGAIN)
			break;
		if (err) {
			pk_err("record", "ring %u is corrupt", ring);
			return 1;
		}
		if (pk_capfile_write(s->f, rec, pktcap_rec_data(rec)))
			break;	/* sticky: reported by the flush below */
		s->written++;
	}
	err = pk_capfile_flush(s->f);
	if (err == -EPIPE) {
		stop = 1;	/* the reader of stdout went away: done */
		return 0;
	}
	if (err) {
		pk_err(NULL, "%s", pk_capfile_strerror(s->f));
		return 1;
	}
	return 0;
}

static int loop(struct rec_state *s, const struct rec_opts *o)
{
	int err;

	for (;;) {
		if (drain(s, o))
			return 1;
		if (stop || (o->count && s->written >= o->count))
			return 0;
		err = pktcap_reader_poll(s->r, 1000);
		if (err == -EPIPE) {
			pk_err("record", "the capture session was stopped");
			return 0;
		}
		if (err < 0 && err != -EINTR)
			return pk_err_errno("poll", err, NULL);
	}
}

static uint64_t delta(const struct rec_state *s, int type)
{
	return s->after->total.val[type] - s->before->total.val[type];
}

/* tcpdump's closing lines, from the kernel's counters over the recording. */
static void summary(const struct rec_state *s)
{
	fprintf(stderr, "%" PRIu64 " packets captured\n", s->written);
	if (!s->before || !s->after)
		return;
	fprintf(stderr, "%" PRIu64 " packets received by filter\n",
		delta(s, PKTCAP_A_METRICS_CAPTURED) + delta(s, PKTCAP_A_METRICS_DROPPED));
	fprintf(stderr, "%" PRIu64 " packets dropped by kernel\n",
		delta(s, PKTCAP_A_METRICS_DROPPED));
}

static int snapshot(struct rec_state *s, struct cap_metrics **m)
{
	int err;

	*m = malloc(sizeof(**m));
	err = *m ? cap_metrics_get(s->nl, *m) : -ENOMEM;
	if (err) {
		free(*m);
		*m = NULL;
		return pk_nl_perror(s->nl, "metrics", err);
	}
	return 0;
}

/*
 * An encrypted session is written in the sealed format (sealfile.h) and
 * never as pcap: this process has no key, and must not pretend otherwise.
 */
static int sealed_check(const struct rec_opts *o)
{
	if (o->fmt_set || o->file.file_size) {
		pk_err("record", "%s: the session is encrypted: it is recorded in "
		       "the sealed format only (pktcapctl decrypt makes pcap of it)",
		       o->fmt_set ? "--format" : "-C");
		return 1;
	}
	fprintf(stderr, "pktcapctl: record: the session is encrypted: writing "
		"a sealed capture file (see pktcapctl decrypt)\n");
	return 0;
}

static int record(struct rec_state *s, const struct rec_opts *o)
{
	char errbuf[PK_CAPFILE_ERRBUF_SIZE];
	bool sealed = false;
	int rc;

	/* Before START, so every packet of the recording is in the deltas. */
	rc = snapshot(s, &s->before);
	if (!rc)
		rc = ensure_session(s, o);
	if (!rc)
		rc = open_reader(s);
	if (!rc && (pktcap_reader_info(s->r)->flags & PKTCAP_INFO_F_SEALED)) {
		sealed = true;
		rc = sealed_check(o);
	}
	if (!rc && !sealed)
		rc = open_file(s, o);
	if (!rc)
		rc = sealed ? pk_record_sealed(s->nl, s->r, o->path, o->count,
					       &stop, &s->written) : loop(s, o);
	if (s->f && pk_capfile_close(s->f, errbuf) && !rc && !stop) {
		pk_err(NULL, "%s", errbuf);
		rc = 1;
	}
	if (s->before && snapshot(s, &s->after))
		rc = 1;
	if (s->owned)
		rc |= cap_stop(s->nl, true);
	pktcap_reader_close(s->r);
	if (s->before)
		summary(s);
	return rc;
}

static int run(const struct pk_ctx *ctx, int argc, char **argv)
{
	struct rec_opts o = { .fmt = PK_CAPFILE_PCAP };
	struct rec_state s = { 0 };
	int rc;

	(void)ctx;
	rc = parse(argc, argv, &o);
	if (!rc && o.cap.nr_devs)
		rc = cap_opts_resolve(&o.cap);
	if (!rc && pk_nl_open(&s.nl))
		rc = 1;
	if (!rc) {
		catch_signals();
		rc = record(&s, &o);
		pk_nl_close(s.nl);
	}
	free(s.before);
	free(s.after);
	cap_opts_free(&o.cap);
	return rc;
}

const struct pk_cmd pk_cmd_record = {
	.name = "record",
	.args = "-w FILE [-c COUNT] [--format pcap|pcapng] [-C MB -W FILES]\n"
		"       [-i DEV ... [--backend NAME] [-s SNAPLEN] [-B RING_KB] [FILTER]]",
	.summary = "Write captured packets to a pcap or pcapng file",
	.help = "  -w, --write FILE       output file, \"-\" for stdout\n"
		"  -c, --count N          stop after N packets\n"
		"  --format FMT           pcap (default, ns timestamps) or pcapng\n"
		"  -C MB                  start a new file when one exceeds MB\n"
		"                         (1,000,000 bytes, as tcpdump)\n"
		"  -W N                   with -C: keep at most N files, rotating\n"
		"Without -i, records the running session (pktcapctl start). With\n"
		"-i, starts a session for the recording and stops it at the end:\n"
		CAP_HELP
		"Ends on SIGINT/SIGTERM, at COUNT, or when the session is stopped,\n"
		"and prints tcpdump's three summary lines on stderr.\n",
	.run = run,
};
