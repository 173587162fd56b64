// SPDX-License-Identifier: GPL-2.0
/* A small streaming JSON writer with checked nesting. */
#include <inttypes.h>
#include <string.h>

#include "json.h"

void pk_json_init(struct pk_json *j, FILE *out, bool pretty)
{
	memset(j, 0, sizeof(*j));
	j->out = out;
	j->pretty = pretty;
}

static int fail(struct pk_json *j)
{
	j->failed = true;
	return -1;
}

static void indent(struct pk_json *j, unsigned int depth)
{
	if (!j->pretty)
		return;
	fputc('\n', j->out);
	while (depth--)
		fputs("  ", j->out);
}

/* Length of the valid UTF-8 sequence at s, 0 if the bytes are invalid. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	unsigned char c = s[0], lo = 0x80, hi = 0xbf;
	size_t len, i;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		len = 2;
	else if (c >= 0xe0 && c <= 0xef)
		len = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		len = 4;
	else
		return 0;
	if (c == 0xe0)
		lo = 0xa0;		/* overlong */
	else if (c == 0xed)
		hi = 0x9f;		/* surrogates */
	else if (c == 0xf0)
		lo = 0x90;		/* overlong */
	else if (c == 0xf4)
		hi = 0x8f;		/* beyond U+10FFFF */
	if (n < len || s[1] < lo || s[1] > hi)
		return 0;
	for (i = 2; i < len; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return len;
}

static void put_escape(FILE *out, unsigned char c)
{
	static const char short_esc[] = "\bb\ff\nn\rr\tt\"\"\\\\";
	const char *p = c ? strchr(short_esc, c) : NULL;

	if (p && (p - short_esc) % 2 == 0)
		fprintf(out, "\\%c", p[1]);
	else
		fprintf(out, "\\u%04x", c);
}

static void put_string(FILE *out, const unsigned char *s, size_t n)
{
	size_t i = 0, len;

	fputc('"', out);
	while (i < n) {
		unsigned char c = s[i];

		if (c < 0x20 || c == '"' || c == '\\' || c == 0x7f) {
			put_escape(out, c);
			i++;
		} else if ((len = utf8_len(s + i, n - i)) == 0) {
			fputs("\\ufffd", out);
			i++;
		} else {
			fwrite(s + i, 1, len, out);
			i += len;
		}
	}
	fputc('"', out);
}

/* Check the key against the container, write separator and key. */
static int begin(struct pk_json *j, const char *key)
{
	if (j->failed)
		return -1;
	if (j->depth == 0) {
		if (key || j->done)
			return fail(j);
		return 0;
	}
	if ((j->stack[j->depth - 1].type == '{') != (key != NULL))
		return fail(j);
	if (j->stack[j->depth - 1].count++)
		fputc(',', j->out);
	indent(j, j->depth);
	if (key) {
		put_string(j->out, (const unsigned char *)key, strlen(key));
		fputs(j->pretty ? ": " : ":", j->out);
	}
	return 0;
}

static int end(struct pk_json *j)
{
	if (j->depth == 0)
		j->done = true;
	return 0;
}

static int open_container(struct pk_json *j, const char *key, char type)
{
	if (j->depth == PK_JSON_MAX_DEPTH)
		return fail(j);
	if (begin(j, key))
		return -1;
	fputc(type, j->out);
	j->stack[j->depth].type = type;
	j->stack[j->depth].count = 0;
	j->depth++;
	return 0;
}

static int close_container(struct pk_json *j, char type)
{
	if (j->failed)
		return -1;
	if (j->depth == 0 || j->stack[j->depth - 1].type != type)
		return fail(j);
	j->depth--;
	if (j->stack[j->depth].count)
		indent(j, j->depth);
	fputc(type == '{' ? '}' : ']', j->out);
	return end(j);
}

int pk_json_obj_open(struct pk_json *j, const char *key)
{
	return open_container(j, key, '{');
}

int pk_json_obj_close(struct pk_json *j)
{
	return close_container(j, '{');
}

int pk_json_arr_open(struct pk_json *j, const char *key)
{
	return open_container(j, key, '[');
}

int pk_json_arr_close(struct pk_json *j)
{
	return close_container(j, '[');
}

int pk_json_strn(struct pk_json *j, const char *key, const void *s, size_t len)
{
	if (begin(j, key))
		return -1;
	put_string(j->out, s, len);
	return end(j);
}

int pk_json_str(struct pk_json *j, const char *key, const char *s)
{
	if (!s)
		return pk_json_null(j, key);
	return pk_json_strn(j, key, s, strlen(s));
}

int pk_json_hex(struct pk_json *j, const char *key, const void *buf, size_t len)
{
	const unsigned char *p = buf;
	size_t i;

	if (begin(j, key))
		return -1;
	fputc('"', j->out);
	for (i = 0; i < len; i++)
		fprintf(j->out, "%02x", p[i]);
	fputc('"', j->out);
	return end(j);
}

int pk_json_u64(struct pk_json *j, const char *key, uint64_t v)
{
	if (begin(j, key))
		return -1;
	fprintf(j->out, "%" PRIu64, v);
	return end(j);
}

int pk_json_s64(struct pk_json *j, const char *key, int64_t v)
{
	if (begin(j, key))
		return -1;
	fprintf(j->out, "%" PRId64, v);
	return end(j);
}

int pk_json_bool(struct pk_json *j, const char *key, bool v)
{
	if (begin(j, key))
		return -1;
	fputs(v ? "true" : "false", j->out);
	return end(j);
}

int pk_json_null(struct pk_json *j, const char *key)
{
	if (begin(j, key))
		return -1;
	fputs("null", j->out);
	return end(j);
}

int pk_json_finish(struct pk_json *j)
{
	if (j->failed || j->depth || !j->done)
		return -1;
	fputc('\n', j->out);
	return 0;
}
