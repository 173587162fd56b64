// SPDX-License-Identifier: GPL-2.0
/*
 * pktcapctl decrypt: turn a sealed capture file back into pcap or pcapng.
 *
 * A record is written only after its tag verified, so no unauthenticated
 * byte ever reaches the output. The output is built in a temporary file
 * beside OUT and renamed over it only when every record verified: a
 * failed decrypt leaves no partial OUT that could pass for the whole
 * capture. --keep-going skips bad records and keeps the rest (still
 * exiting 1); "-w -" cannot be taken back, so there the records before
 * a failure have been written.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "capfile.h"
#include "cmd.h"
#include "err.h"
#include "keyfile.h"
#include "sealcrypto.h"
#include "sealfile.h"

enum { OPT_FORMAT = 256, OPT_KEEP_GOING };

struct dec_opts {
	const char *key_file;
	const char *in;
	const char *out;
	enum pk_capfile_fmt fmt;
	bool keep_going;
};

struct dec_state {
	FILE *in;
	struct pk_sealr *r;
	struct pk_opener *o;
	struct pk_capfile *f;
	char *tmp;			/* the file being written, or NULL for "-" */
	uint8_t *pkt;			/* one record's plaintext */
	uint64_t good, bad;
};

static int parse(int argc, char **argv, struct dec_opts *o)
{
	static const struct option longopts[] = {
		{ "key-file", required_argument, NULL, 'k' },
		{ "read", required_argument, NULL, 'r' },
		{ "write", required_argument, NULL, 'w' },
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "keep-going", no_argument, NULL, OPT_KEEP_GOING },
		{ 0 },
	};
	const struct pk_cmd *cmd = &pk_cmd_decrypt;
	int c;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":k:r:w:", longopts, NULL)) != -1) {
		switch (c) {
		case 'k':
			o->key_file = optarg;
			break;
		case 'r':
			o->in = optarg;
			break;
		case 'w':
			o->out = optarg;
			break;
		case OPT_KEEP_GOING:
			o->keep_going = true;
			break;
		case OPT_FORMAT:
			if (!strcmp(optarg, "pcap"))
				o->fmt = PK_CAPFILE_PCAP;
			else if (!strcmp(optarg, "pcapng"))
				o->fmt = PK_CAPFILE_PCAPNG;
			else
				return pk_usage_error(cmd, optarg, "format is pcap or pcapng");
			break;
		default:
			return pk_usage_error(cmd, argv[optind - 1], c == ':' ?
					      "missing argument" : "unknown option");
		}
	}
	if (optind < argc)
		return pk_usage_error(cmd, argv[optind], "unexpected argument");
	if (!o->key_file || !o->in || !o->out)
		return pk_usage_error(cmd, !o->key_file ? "--key-file" :
				      !o->in ? "-r" : "-w", "is required");
	return 0;
}

static int open_input(struct dec_state *s, const struct dec_opts *o)
{
	char errbuf[256];
	int err;

	s->in = strcmp(o->in, "-") ? fopen(o->in, "rbe") : stdin;
	if (!s->in)
		return pk_err_errno(o->in, errno, NULL);
	err = pk_sealr_open(s->in, &s->r, errbuf);
	if (err == -ENOMEM)
		return pk_err_errno(o->in, err, NULL);
	if (err) {
		pk_err(o->in, "%s", errbuf);
		return 1;
	}
	s->pkt = malloc(pk_sealr_info(s->r)->snaplen);
	return s->pkt ? 0 : pk_err_errno(o->in, ENOMEM, NULL);
}

static void hex(char *buf, const uint8_t *p, size_t len)
{
	while (len--)
		buf += sprintf(buf, "%02x", *p++);
}

/* Read the key, check it is the file's, keep it only inside OpenSSL. */
static int open_key(struct dec_state *s, const struct dec_opts *o)
{
	const uint8_t *want = pk_sealr_info(s->r)->key_id;
	uint8_t key[PKTCAP_KEY_LEN], id[PKTCAP_KEY_ID_LEN];
	char a[2 * PKTCAP_KEY_ID_LEN + 1], b[2 * PKTCAP_KEY_ID_LEN + 1];
	int rc = 1;

	if (pk_keyfile_read(o->key_file, key))
		return 1;
	if (pk_seal_key_id(key, id)) {
		pk_err("decrypt", "cannot compute the key id (OpenSSL)");
	} else if (memcmp(id, want, sizeof(id))) {
		hex(a, want, sizeof(id));
		hex(b, id, sizeof(id));
		pk_err(o->in, "wrong key: the file was sealed with key id %s, "
		       "%s has key id %s", a, o->key_file, b);
	} else if (!(s->o = pk_opener_new(key))) {
		pk_err("decrypt", "cannot set up AES-256-GCM (OpenSSL)");
	} else {
		rc = 0;
	}
	explicit_bzero(key, sizeof(key));
	return rc;
}

/* A temporary name beside OUT, so that rename() stays in one filesystem. */
static int open_output(struct dec_state *s, const struct dec_opts *o)
{
	const struct pk_seal_info *info = pk_sealr_info(s->r);
	char errbuf[PK_CAPFILE_ERRBUF_SIZE];
	const char *path = o->out;
	unsigned int i;
	int fd, err = 0;

	if (strcmp(o->out, "-")) {
		if (asprintf(&s->tmp, "%s.XXXXXX", o->out) < 0) {
			s->tmp = NULL;
			return pk_err_errno(o->out, ENOMEM, NULL);
		}
		fd = mkstemp(s->tmp);	/* 0600: the output is plaintext */
		if (fd < 0) {
			free(s->tmp);
			s->tmp = NULL;
			return pk_err_errno(o->out, errno, NULL);
		}
		close(fd);
		path = s->tmp;
	}
	s->f = pk_capfile_open(path, o->fmt, NULL, errbuf);
	if (!s->f) {
		pk_err(NULL, "%s", errbuf);
		return 1;
	}
	for (i = 0; i < info->nr_ifaces && !err; i++)
		err = pk_capfile_add_iface(s->f, info->ifaces[i].ifindex,
					   info->ifaces[i].name[0] ?
					   info->ifaces[i].name : NULL,
					   info->ifaces[i].linktype, info->snaplen);
	if (err)
		return pk_err_errno(o->out, err, pk_capfile_strerror(s->f));
	return 0;
}

/* One record: 0 written, 1 failed authentication, -1 fatal (reported). */
static int one(struct dec_state *s, const struct dec_opts *o,
	       const struct pktcap_rec_hdr *rec)
{
	struct pktcap_rec_hdr h = *rec;
	uint64_t n = s->good + s->bad + 1;
	int err = pk_opener_open(s->o, rec, s->pkt);

	if (err == -EBADMSG) {
		pk_err(o->in, "record %" PRIu64 ": authentication failed", n);
		s->bad++;
		return 1;
	}
	if (err) {
		pk_err(o->in, "record %" PRIu64 ": OpenSSL error", n);
		return -1;
	}
	/* Verified: from here on this is an ordinary plaintext record. */
	h.flags &= (uint16_t)~PKTCAP_REC_F_SEALED;
	err = pk_capfile_write(s->f, &h, s->pkt);
	explicit_bzero(s->pkt, rec->cap_len);
	if (err) {
		pk_err(NULL, "%s", pk_capfile_strerror(s->f));
		return -1;
	}
	s->good++;
	return 0;
}

static int loop(struct dec_state *s, const struct dec_opts *o)
{
	const struct pktcap_rec_hdr *rec;
	int got, res;

	while ((got = pk_sealr_next(s->r, &rec)) == 1) {
		res = one(s, o, rec);
		if (res < 0 || (res && !o->keep_going))
			return 1;
	}
	if (got < 0) {
		pk_err(o->in, "%s", pk_sealr_strerror(s->r));
		return 1;
	}
	return s->bad ? 1 : 0;
}

/* Close the output; keep it (rename into place) only if @keep. */
static int finish(struct dec_state *s, const struct dec_opts *o, bool keep)
{
	char errbuf[PK_CAPFILE_ERRBUF_SIZE];
	int rc = 0;

	if (s->f && pk_capfile_close(s->f, errbuf) && keep) {
		pk_err(NULL, "%s", errbuf);
		rc = 1;
		keep = false;
	}
	if (s->tmp && keep && rename(s->tmp, o->out)) {
		rc = pk_err_errno(o->out, errno, NULL);
		keep = false;
	}
	if (s->tmp && !keep)
		unlink(s->tmp);
	free(s->tmp);
	return rc;
}

static int run(const struct pk_ctx *ctx, int argc, char **argv)
{
	struct dec_opts o = { .fmt = PK_CAPFILE_PCAP };
	struct dec_state s = { 0 };
	int rc;

	(void)ctx;
	rc = parse(argc, argv, &o);
	if (rc)
		return rc;
	rc = open_input(&s, &o);
	if (!rc)
		rc = open_key(&s, &o);
	if (!rc)
		rc = open_output(&s, &o);
	if (!rc)
		rc = loop(&s, &o);
	rc |= finish(&s, &o, !rc || (o.keep_going && s.f));
	if (s.f)
		fprintf(stderr, "%" PRIu64 " records decrypted, %" PRIu64
			" failed authentication%s\n", s.good, s.bad,
			rc && s.tmp && !o.keep_going ? ", nothing written" : "");
	pk_opener_free(s.o);
	pk_sealr_close(s.r);
	if (s.in && s.in != stdin)
		fclose(s.in);
	free(s.pkt);
	return rc;
}

const struct pk_cmd pk_cmd_decrypt = {
	.name = "decrypt",
	.args = "--key-file KEY -r SEALED -w OUT [--format pcap|pcapng] [--keep-going]",
	.summary = "Authenticate and decrypt a sealed capture file",
	.help = "  -k, --key-file FILE    the 32-byte key the capture was sealed with\n"
		"  -r, --read FILE        sealed capture (pktcapctl record of an\n"
		"                         encrypted session), \"-\" for stdin\n"
		"  -w, --write FILE       plaintext output, \"-\" for stdout; created\n"
		"                         mode 0600\n"
		"  --format FMT           pcap (default) or pcapng\n"
		"  --keep-going           skip records that fail authentication\n"
		"                         and keep the others (still exits 1)\n"
		"Every record is authenticated before it is written. Unless\n"
		"--keep-going, OUT appears only if every record verified.\n",
	.run = run,
};
