// SPDX-License-Identifier: GPL-2.0
/*
 * userspace/json.c: escaping, nesting checks, numbers, pretty layout, and
 * validity of the output as judged by Python's json module.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "json.h"

/* A writer into memory; done() finishes it and returns the text. */
struct buf {
	char *text;
	size_t len;
	FILE *f;
	struct pk_json j;
};

static void buf_open(struct buf *b, bool pretty)
{
	b->text = NULL;
	b->f = open_memstream(&b->text, &b->len);
	pk_json_init(&b->j, b->f, pretty);
}

/* Finish the document; returns pk_json_finish()'s result. */
static int buf_close(struct buf *b)
{
	int ret = pk_json_finish(&b->j);

	fclose(b->f);
	return ret;
}

/* The JSON text of one string value. */
static char *str_json(const char *s, size_t len)
{
	struct buf b;

	buf_open(&b, false);
	pk_json_strn(&b.j, NULL, s, len);
	buf_close(&b);
	b.text[strcspn(b.text, "\n")] = '\0';
	return b.text;
}

#define EXPECT_STR_JSON(in, out) do {				\
	char *got = str_json(in, sizeof(in) - 1);		\
	EXPECT_STREQ(out, got);					\
	free(got);						\
} while (0)

TEST(escapes_specials_and_controls)
{
	EXPECT_STR_JSON("plain", "\"plain\"");
	EXPECT_STR_JSON("q\"b\\s/", "\"q\\\"b\\\\s/\"");
	EXPECT_STR_JSON("\b\f\n\r\t", "\"\\b\\f\\n\\r\\t\"");
	EXPECT_STR_JSON("\x01\x1f\x7f", "\"\\u0001\\u001f\\u007f\"");
	EXPECT_STR_JSON("a\0b", "\"a\\u0000b\"");
}

TEST(utf8_valid_passes_through)
{
	EXPECT_STR_JSON("\xc3\xa9", "\"\xc3\xa9\"");			/* é */
	EXPECT_STR_JSON("\xe2\x82\xac", "\"\xe2\x82\xac\"");		/* € */
	EXPECT_STR_JSON("\xf0\x9f\x98\x80", "\"\xf0\x9f\x98\x80\"");	/* U+1F600 */
	EXPECT_STR_JSON("\xf4\x8f\xbf\xbf", "\"\xf4\x8f\xbf\xbf\"");	/* U+10FFFF */
}

TEST(utf8_invalid_is_replaced)
{
	EXPECT_STR_JSON("\xff", "\"\\ufffd\"");
	EXPECT_STR_JSON("\x80", "\"\\ufffd\"");			/* lone continuation */
	EXPECT_STR_JSON("\xc0\xaf", "\"\\ufffd\\ufffd\"");		/* overlong */
	EXPECT_STR_JSON("\xe0\x80\xaf", "\"\\ufffd\\ufffd\\ufffd\"");	/* overlong */
	EXPECT_STR_JSON("\xed\xa0\x80", "\"\\ufffd\\ufffd\\ufffd\"");	/* surrogate */
	EXPECT_STR_JSON("\xf4\x90\x80\x80",
			"\"\\ufffd\\ufffd\\ufffd\\ufffd\"");		/* > U+10FFFF */
	EXPECT_STR_JSON("\xe2\x82", "\"\\ufffd\\ufffd\"");		/* truncated */
	EXPECT_STR_JSON("a\xc3", "\"a\\ufffd\"");			/* cut at end */
	EXPECT_STR_JSON("\xc3(", "\"\\ufffd(\"");
}

TEST(numbers_and_literals)
{
	struct buf b;

	buf_open(&b, false);
	pk_json_arr_open(&b.j, NULL);
	pk_json_u64(&b.j, NULL, 0);
	pk_json_u64(&b.j, NULL, UINT64_MAX);
	pk_json_s64(&b.j, NULL, INT64_MIN);
	pk_json_s64(&b.j, NULL, -1);
	pk_json_bool(&b.j, NULL, true);
	pk_json_bool(&b.j, NULL, false);
	pk_json_null(&b.j, NULL);
	pk_json_hex(&b.j, NULL, "\x00\xab\xff", 3);
	pk_json_str(&b.j, NULL, NULL);
	pk_json_arr_close(&b.j);
	ASSERT_EQ(0, buf_close(&b));
	EXPECT_STREQ("[0,18446744073709551615,-9223372036854775808,-1,"
		     "true,false,null,\"00abff\",null]\n", b.text);
	free(b.text);
}

TEST(compact_nesting)
{
	struct buf b;

	buf_open(&b, false);
	pk_json_obj_open(&b.j, NULL);
	pk_json_obj_open(&b.j, "empty");
	pk_json_obj_close(&b.j);
	pk_json_arr_open(&b.j, "list");
	pk_json_obj_open(&b.j, NULL);
	pk_json_str(&b.j, "k\"ey", "v");
	pk_json_obj_close(&b.j);
	pk_json_arr_open(&b.j, NULL);
	pk_json_arr_close(&b.j);
	pk_json_arr_close(&b.j);
	pk_json_obj_close(&b.j);
	ASSERT_EQ(0, buf_close(&b));
	EXPECT_STREQ("{\"empty\":{},\"list\":[{\"k\\\"ey\":\"v\"},[]]}\n", b.text);
	free(b.text);
}

TEST(pretty_layout)
{
	struct buf b;

	buf_open(&b, true);
	pk_json_obj_open(&b.j, NULL);
	pk_json_u64(&b.j, "a", 1);
	pk_json_arr_open(&b.j, "b");
	pk_json_bool(&b.j, NULL, true);
	pk_json_obj_open(&b.j, NULL);
	pk_json_obj_close(&b.j);
	pk_json_arr_close(&b.j);
	pk_json_obj_close(&b.j);
	ASSERT_EQ(0, buf_close(&b));
	EXPECT_STREQ("{\n  \"a\": 1,\n  \"b\": [\n    true,\n    {}\n  ]\n}\n",
		     b.text);
	free(b.text);
}

/* Each misuse must fail the writer, and finish must report it. */
TEST(misuse_is_detected)
{
	struct buf b;
	int i;

	buf_open(&b, false);		/* key inside an array */
	pk_json_arr_open(&b.j, NULL);
	EXPECT_EQ(-1, pk_json_u64(&b.j, "k", 1));
	EXPECT_EQ(-1, buf_close(&b));
	free(b.text);

	buf_open(&b, false);		/* no key inside an object */
	pk_json_obj_open(&b.j, NULL);
	EXPECT_EQ(-1, pk_json_u64(&b.j, NULL, 1));
	EXPECT_EQ(-1, buf_close(&b));
	free(b.text);

	buf_open(&b, false);		/* mismatched close */
	pk_json_obj_open(&b.j, NULL);
	EXPECT_EQ(-1, pk_json_arr_close(&b.j));
	EXPECT_EQ(-1, buf_close(&b));
	free(b.text);

	buf_open(&b, false);		/* unclosed */
	pk_json_obj_open(&b.j, NULL);
	EXPECT_EQ(-1, buf_close(&b));
	free(b.text);

	buf_open(&b, false);		/* second document */
	pk_json_u64(&b.j, NULL, 1);
	EXPECT_EQ(-1, pk_json_u64(&b.j, NULL, 2));
	EXPECT_EQ(-1, buf_close(&b));
	free(b.text);

	buf_open(&b, false);		/* empty document, close at top */
	EXPECT_EQ(-1, pk_json_obj_close(&b.j));
	EXPECT_EQ(-1, buf_close(&b));
	free(b.text);

	buf_open(&b, false);		/* too deep */
	for (i = 0; i < PK_JSON_MAX_DEPTH; i++)
		EXPECT_EQ(0, pk_json_arr_open(&b.j, NULL));
	EXPECT_EQ(-1, pk_json_arr_open(&b.j, NULL));
	EXPECT_EQ(-1, buf_close(&b));
	free(b.text);
}

/* Python must parse the output and find exactly the values written. */
static const char check_py[] =
	"import json, sys\n"
	"d = json.load(sys.stdin)\n"
	"assert d['max'] == 18446744073709551615, d['max']\n"
	"assert d['min'] == -9223372036854775808\n"
	"assert d['s'] == '\"\\\\\\n\\t\\x01\\x7f\\x00é\\ufffd\\ufffd', repr(d['s'])\n"
	"assert d['list'] == [True, False, None, {}, []]\n"
	"assert d['nested']['a']['b'] == ['\\u20ac']\n"
	"assert d['hex'] == 'deadbeef'\n";

static void write_doc(struct pk_json *j)
{
	static const char s[] = "\"\\\n\t\x01\x7f\0\xc3\xa9\xff\xc3";

	pk_json_obj_open(j, NULL);
	pk_json_u64(j, "max", UINT64_MAX);
	pk_json_s64(j, "min", INT64_MIN);
	pk_json_strn(j, "s", s, sizeof(s) - 1);
	pk_json_arr_open(j, "list");
	pk_json_bool(j, NULL, true);
	pk_json_bool(j, NULL, false);
	pk_json_null(j, NULL);
	pk_json_obj_open(j, NULL);
	pk_json_obj_close(j);
	pk_json_arr_open(j, NULL);
	pk_json_arr_close(j);
	pk_json_arr_close(j);
	pk_json_obj_open(j, "nested");
	pk_json_obj_open(j, "a");
	pk_json_arr_open(j, "b");
	pk_json_str(j, NULL, "\xe2\x82\xac");
	pk_json_arr_close(j);
	pk_json_obj_close(j);
	pk_json_obj_close(j);
	pk_json_hex(j, "hex", "\xde\xad\xbe\xef", 4);
	pk_json_obj_close(j);
}

static int python_check(bool pretty)
{
	char cmd[2 * sizeof(check_py) + 64], *p = cmd;
	struct pk_json j;
	const char *c;
	FILE *py;
	int ret;

	/* python3 -c '<script>' with the script's quotes escaped for sh. */
	p += sprintf(p, "python3 -c '");
	for (c = check_py; *c; c++)
		p += *c == '\'' ? sprintf(p, "'\\''") : sprintf(p, "%c", *c);
	sprintf(p, "'");
	py = popen(cmd, "w");
	if (!py)
		return -1;
	pk_json_init(&j, py, pretty);
	write_doc(&j);
	ret = pk_json_finish(&j);
	return pclose(py) == 0 && ret == 0 ? 0 : -1;
}

TEST(python_parses_output)
{
	if (system("python3 -c pass >/dev/null 2>&1"))
		SKIP(return, "python3 not available");
	EXPECT_EQ(0, python_check(false));
	EXPECT_EQ(0, python_check(true));
}

TEST_HARNESS_MAIN
