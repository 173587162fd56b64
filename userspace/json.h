/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small streaming JSON writer. Values inside an object take a key,
 * values inside an array (and the top-level value) take key == NULL.
 * Misuse (a key where none belongs, a missing key, mismatched close, a
 * second top-level value, nesting deeper than PK_JSON_MAX_DEPTH) makes the
 * writer stop writing and pk_json_finish() fail: one document per writer.
 *
 * Strings are escaped fully: ", \ and control characters (U+0000-U+001F,
 * U+007F) are escaped; bytes that are not valid UTF-8 (overlongs,
 * surrogates, beyond U+10FFFF, truncated sequences) are each replaced by
 * U+FFFD, so the output is always valid UTF-8 and valid JSON.
 */
#ifndef PK_JSON_H
#define PK_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define PK_JSON_MAX_DEPTH	32

struct pk_json {
	FILE *out;
	bool pretty;
	bool failed;
	bool done;		/* the top-level value is complete */
	unsigned int depth;
	struct {
		char type;	/* '{' or '[' */
		unsigned int count;
	} stack[PK_JSON_MAX_DEPTH];
};

void pk_json_init(struct pk_json *j, FILE *out, bool pretty);
/* Ends the document with a newline; 0, or -1 if misused or incomplete. */
int pk_json_finish(struct pk_json *j);

/* All return 0, or -1 once the writer has failed. */
int pk_json_obj_open(struct pk_json *j, const char *key);
int pk_json_obj_close(struct pk_json *j);
int pk_json_arr_open(struct pk_json *j, const char *key);
int pk_json_arr_close(struct pk_json *j);

int pk_json_str(struct pk_json *j, const char *key, const char *s);
int pk_json_strn(struct pk_json *j, const char *key, const void *s, size_t len);
int pk_json_hex(struct pk_json *j, const char *key, const void *buf, size_t len);
int pk_json_u64(struct pk_json *j, const char *key, uint64_t v);
int pk_json_s64(struct pk_json *j, const char *key, int64_t v);
int pk_json_bool(struct pk_json *j, const char *key, bool v);
int pk_json_null(struct pk_json *j, const char *key);

#endif /* PK_JSON_H */
