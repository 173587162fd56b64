// SPDX-License-Identifier: GPL-2.0
/*
 * The exporter's statistics: a JSON state file written atomically, and a
 * reader that copies it into another command's JSON or text output
 * ("pktcapctl metrics"). The reader understands exactly the JSON the
 * writer makes (objects, arrays, strings without escapes, unsigned
 * integers, booleans), and refuses anything else rather than guess.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "exporter.h"

static void collector_json(const struct pk_collector *c, struct pk_json *j)
{
	const struct pk_collector_stats *s = &c->st;

	pk_json_obj_open(j, NULL);
	pk_json_str(j, "address", c->name);
	pk_json_u64(j, "sends", s->sends);
	pk_json_u64(j, "send_errors", s->send_errors);
	pk_json_u64(j, "refused", s->refused);
	pk_json_u64(j, "would_block", s->would_block);
	pk_json_u64(j, "last_errno", s->last_errno);
	pk_json_u64(j, "octets", s->octets);
	pk_json_u64(j, "records", s->records);
	pk_json_u64(j, "packets", s->packets);
	pk_json_u64(j, "error_packets", s->error_packets);
	pk_json_u64(j, "template_sends", s->tmpl_sends);
	pk_json_u64(j, "skipped_v6", s->skipped_v6);
	pk_json_u64(j, "skipped_v6_packets", s->skipped_v6_packets);
	pk_json_u64(j, "skipped_l2", s->skipped_l2);
	pk_json_u64(j, "skipped_l2_packets", s->skipped_l2_packets);
	pk_json_obj_close(j);
}

void pk_exporter_json(const struct pk_exporter *x, struct pk_json *j,
		      const char *key, long pid)
{
	unsigned int i;

	pk_json_obj_open(j, key);
	pk_json_u64(j, "pid", pid);
	pk_json_u64(j, "time", (uint64_t)time(NULL));
	pk_json_u64(j, "version", x->cfg.version);
	pk_json_u64(j, "domain", x->cfg.domain);
	pk_json_u64(j, "batches", x->st.batches);
	pk_json_u64(j, "flows", x->st.flows);
	pk_json_u64(j, "packets", x->st.packets);
	pk_json_u64(j, "lost_batches", x->st.lost_batches);
	pk_json_u64(j, "overruns", x->st.overruns);
	pk_json_u64(j, "bad", x->st.bad);
	pk_json_u64(j, "count_mismatch", x->st.count_mismatch);
	pk_json_arr_open(j, "collectors");
	for (i = 0; i < x->ncol; i++)
		collector_json(&x->col[i], j);
	pk_json_arr_close(j);
	pk_json_obj_close(j);
}

static int mkdir_parent(const char *path)
{
	char dir[4096], *slash;

	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (!slash || slash == dir)
		return 0;
	*slash = '\0';
	if (mkdir(dir, 0755) && errno != EEXIST)
		return -errno;
	return 0;
}

int pk_exporter_write_state(const struct pk_exporter *x, const char *path,
			    long pid)
{
	char tmp[4096];
	struct pk_json j;
	FILE *f;
	int err;

	err = mkdir_parent(path);
	if (err)
		return err;
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "w");
	if (!f)
		return -errno;
	pk_json_init(&j, f, true);
	pk_exporter_json(x, &j, NULL, pid);
	err = pk_json_finish(&j) ? -EIO : 0;
	if (fclose(f) && !err)
		err = -errno;
	/* rename(): a reader sees the old file or the new one, never half. */
	if (!err && rename(tmp, path))
		err = -errno;
	if (err)
		unlink(tmp);
	return err;
}

/* The reader: a cursor over the file's text. */
struct rd {
	const char *p;
	struct pk_json *j;	/* JSON sink, or NULL for text */
	FILE *out;
	int depth;
};

static void skip_ws(struct rd *r)
{
	while (isspace((unsigned char)*r->p))
		r->p++;
}

/* A string without escapes (the writer never needs them for our keys). */
static int read_str(struct rd *r, char *buf, size_t len)
{
	const char *end;

	if (*r->p != '"')
		return -EBADMSG;
	end = strchr(r->p + 1, '"');
	if (!end || (size_t)(end - r->p - 1) >= len || memchr(r->p, '\\', end - r->p))
		return -EBADMSG;
	memcpy(buf, r->p + 1, end - r->p - 1);
	buf[end - r->p - 1] = '\0';
	r->p = end + 1;
	return 0;
}

static void text_key(struct rd *r, const char *key)
{
	fprintf(r->out, "%*s%s%s", 2 * r->depth, "", key ? key : "-",
		key ? ": " : " ");
}

static int read_value(struct rd *r, const char *key);

static int read_container(struct rd *r, const char *key, char close)
{
	char name[128];
	int err;

	if (r->j)
		(close == '}' ? pk_json_obj_open : pk_json_arr_open)(r->j, key);
	else if (key || r->depth)
		fprintf(r->out, "%*s%s%s\n", 2 * r->depth, "", key ? key : "-",
			key ? ":" : "");
	r->p++;
	r->depth++;
	for (skip_ws(r); *r->p != close; skip_ws(r)) {
		if (close == '}') {
			if (read_str(r, name, sizeof(name)))
				return -EBADMSG;
			skip_ws(r);
			if (*r->p++ != ':')
				return -EBADMSG;
		}
		err = read_value(r, close == '}' ? name : NULL);
		if (err)
			return err;
		skip_ws(r);
		if (*r->p == ',')
			r->p++;
		else if (*r->p != close)
			return -EBADMSG;
	}
	r->p++;
	r->depth--;
	if (r->j)
		(close == '}' ? pk_json_obj_close : pk_json_arr_close)(r->j);
	return 0;
}

static int read_scalar(struct rd *r, const char *key)
{
	char s[128], *end;
	unsigned long long v;

	if (*r->p == '"') {
		if (read_str(r, s, sizeof(s)))
			return -EBADMSG;
		if (r->j)
			return pk_json_str(r->j, key, s), 0;
		text_key(r, key);
		fprintf(r->out, "%s\n", s);
		return 0;
	}
	if (!isdigit((unsigned char)*r->p))
		return -EBADMSG;
	v = strtoull(r->p, &end, 10);
	r->p = end;
	if (r->j)
		return pk_json_u64(r->j, key, v), 0;
	text_key(r, key);
	fprintf(r->out, "%llu\n", v);
	return 0;
}

static int read_value(struct rd *r, const char *key)
{
	skip_ws(r);
	if (r->depth > 8)
		return -EBADMSG;
	if (*r->p == '{')
		return read_container(r, key, '}');
	if (*r->p == '[')
		return read_container(r, key, ']');
	return read_scalar(r, key);
}

static char *slurp(const char *path)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = fopen(path, "r");

	if (!f)
		return NULL;
	buf = calloc(1, 65536);
	if (buf)
		len = fread(buf, 1, 65535, f);
	fclose(f);
	if (buf && (!len || len == 65535)) {
		free(buf);
		errno = EBADMSG;
		return NULL;
	}
	return buf;
}

static int copy_doc(const char *text, struct pk_json *j, FILE *out)
{
	struct rd r = { .p = text, .j = j, .out = out };

	skip_ws(&r);
	if (*r.p != '{')
		return -EBADMSG;
	return read_value(&r, "exporter");
}

int pk_exporter_metrics(const char *path, struct pk_json *j, FILE *out)
{
	char *text = slurp(path ? path : PK_EXPORTER_STATE_DEFAULT);
	FILE *null;
	int err;

	if (!text)
		return -errno;
	/* A dry run first: a bad file must not leave j half written. */
	null = fopen("/dev/null", "w");
	err = null ? copy_doc(text, NULL, null) : -errno;
	if (null)
		fclose(null);
	if (!err)
		err = copy_doc(text, j, out);
	free(text);
	return err;
}
