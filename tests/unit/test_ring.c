// SPDX-License-Identifier: GPL-2.0
/*
 * The ring index protocol: kmod/ring_proto.h (the producer, exactly as the
 * module runs it) against userspace/lib/pktcap_reader.c (the consumer), over
 * plain memory.
 *
 * Data areas sit flush against a PROT_NONE guard page (and a page-sized
 * ring has one on each side), so a write or read past either end faults
 * even without ASan. Build under -fsanitize=address,undefined as usual, and
 * under -fsanitize=thread for the threaded cases. PKTCAP_TEST_RECORDS
 * overrides how many records each stress producer sends.
 */
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "ring_proto.h"
#include "lib/pktcap_reader.h"

#define HDR	((u32)sizeof(struct pktcap_rec_hdr))

#if defined(__SANITIZE_THREAD__)
#define STRESS_RECORDS_DEFAULT	300000ULL
#elif defined(__SANITIZE_ADDRESS__)
#define STRESS_RECORDS_DEFAULT	1000000ULL
#else
#define STRESS_RECORDS_DEFAULT	4000000ULL
#endif

/* A data area ending exactly at a PROT_NONE page, with another below it. */
struct guarded {
	void *base;
	size_t len;
	u8 *data;
};

static u8 *guarded_alloc(struct guarded *g, u32 size)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	size_t inner = (size + page - 1) & ~(page - 1);
	u8 *base;

	g->len = inner + 2 * page;
	base = mmap(NULL, g->len, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (base == MAP_FAILED)
		return NULL;
	if (mprotect(base, page, PROT_NONE) ||
	    mprotect(base + page + inner, page, PROT_NONE)) {
		munmap(base, g->len);
		return NULL;
	}
	g->base = base;
	g->data = base + page + inner - size;
	return g->data;
}

static void guarded_free(struct guarded *g)
{
	if (g->base)
		munmap(g->base, g->len);
}

/* One ring with its producer view and a reader over it. */
struct tring {
	struct pktcap_ring_producer prod __attribute__((aligned(64)));
	struct pktcap_ring_consumer cons __attribute__((aligned(64)));
	struct pktcap_mmap_info info;
	struct pktcap_ring_prod rp;
	struct guarded g;
	struct pktcap_reader *rd;
	u32 size;
};

static void info_init(struct pktcap_mmap_info *info, u32 nr_rings, u32 size)
{
	memset(info, 0, sizeof(*info));
	info->magic = PKTCAP_MMAP_MAGIC;
	info->abi_version = PKTCAP_RING_ABI_VERSION;
	info->nr_rings = nr_rings;
	info->ring_size = size;
	info->rec_hdr_len = HDR;
	info->session_id = 42;
}

static struct tring *tring_new(u32 size)
{
	struct tring *t = calloc(1, sizeof(*t));
	struct pktcap_reader_mem_ring mr;

	if (!t || !guarded_alloc(&t->g, size))
		goto fail;
	memset(t->g.data, 0xee, size);
	t->size = size;
	if (pktcap_ring_prod_init(&t->rp, &t->prod, &t->cons, t->g.data, size))
		goto fail;
	info_init(&t->info, 1, size);
	mr.prod = &t->prod;
	mr.cons = &t->cons;
	mr.data = t->g.data;
	if (pktcap_reader_attach_mem(&t->info, &mr, &t->rd))
		goto fail;
	return t;
fail:
	if (t)
		guarded_free(&t->g);
	free(t);
	return NULL;
}

static void tring_free(struct tring *t)
{
	pktcap_reader_close(t->rd);
	guarded_free(&t->g);
	free(t);
}

/* Payload bytes are a function of (seed, seq): the reader re-derives them. */
static void pattern(u8 *p, u32 len, u64 seed, u64 seq)
{
	u64 x = seed * 0x9e3779b97f4a7c15ULL ^ (seq + 1) * 0xbf58476d1ce4e5b9ULL;
	u32 i;

	for (i = 0; i < len; i += 8) {
		u32 n = len - i < 8 ? len - i : 8;

		x = x * 6364136223846793005ULL + 1442695040888963407ULL;
		memcpy(p + i, &x, n);
	}
}

static bool pattern_ok(const u8 *p, u32 len, u64 seed, u64 seq)
{
	u8 buf[512];
	u32 done = 0;

	if (len > sizeof(buf)) {
		u8 *big = malloc(len);
		bool ok;

		if (!big)
			return false;
		pattern(big, len, seed, seq);
		ok = !memcmp(big, p, len);
		free(big);
		return ok;
	}
	pattern(buf, len, seed, seq);
	done = !memcmp(buf, p, len);
	return done;
}

static struct pktcap_rec_hdr *put(struct pktcap_ring_prod *rp, u32 len,
				  u64 seq, u64 seed)
{
	struct pktcap_rec_hdr *h = pktcap_ring_reserve(rp, len);

	if (!h)
		return NULL;
	h->seq = seq;
	h->cap_len = len;
	h->wire_len = len;
	h->tstamp_ns = seq;
	pattern(pktcap_rec_payload(h), len, seed, seq);
	return h;
}

static bool in_data(const struct tring *t, const void *p, u32 len)
{
	const u8 *b = p;

	return b >= t->g.data && b + len <= t->g.data + t->size;
}

/* Reads everything, checking contents; returns the count or -errno. */
static long drain(struct tring *t, u64 seed, u64 *last_seq)
{
	const struct pktcap_rec_hdr *h;
	unsigned int ring;
	long n = 0;
	int err;

	while (!(err = pktcap_reader_next(t->rd, &ring, &h))) {
		if (!in_data(t, h, h->rec_len) || ring != 0)
			return -EFAULT;
		if (!pattern_ok(pktcap_rec_data(h), h->cap_len, seed, h->seq))
			return -EILSEQ;
		if (last_seq)
			*last_seq = h->seq;
		n++;
	}
	pktcap_reader_release(t->rd);
	return err == -EAGAIN ? n : err;
}

TEST(init_rejects_bad_geometry)
{
	struct pktcap_ring_producer prod = { 0 };
	struct pktcap_ring_consumer cons = { 0 };
	static u8 data[256] __attribute__((aligned(8)));
	struct pktcap_ring_prod rp;

	ASSERT_EQ(-EINVAL, pktcap_ring_prod_init(&rp, &prod, &cons, data, 0));
	ASSERT_EQ(-EINVAL, pktcap_ring_prod_init(&rp, &prod, &cons, data, 32));
	ASSERT_EQ(-EINVAL, pktcap_ring_prod_init(&rp, &prod, &cons, data, 192));
	ASSERT_EQ(-EINVAL, pktcap_ring_prod_init(&rp, &prod, &cons, data + 4,
						 128));
	prod.producer = 12;
	ASSERT_EQ(-EINVAL, pktcap_ring_prod_init(&rp, &prod, &cons, data, 256));
	prod.producer = 16;
	cons.consumer = 16;
	ASSERT_EQ(0, pktcap_ring_prod_init(&rp, &prod, &cons, data, 256));
	ASSERT_NE(NULL, pktcap_ring_reserve(&rp, 0));
}

TEST(exact_fit_at_end)
{
	struct tring *t = tring_new(256);
	struct pktcap_rec_hdr *h;

	ASSERT_NE(NULL, t);
	/* 128 + 128: the second record ends exactly at the end, no PAD. */
	ASSERT_NE(NULL, put(&t->rp, 128 - HDR, 0, 1));
	ASSERT_EQ(1, pktcap_ring_commit(&t->rp));
	ASSERT_EQ(1, drain(t, 1, NULL));
	h = put(&t->rp, 128 - HDR, 1, 1);
	ASSERT_EQ((void *)(t->g.data + 128), (void *)h);
	ASSERT_EQ(128, h->rec_len);
	ASSERT_EQ(0, h->flags);
	ASSERT_EQ(1, pktcap_ring_commit(&t->rp));
	ASSERT_EQ(256, t->prod.producer);
	ASSERT_EQ(1, drain(t, 1, NULL));
	ASSERT_EQ(256, t->cons.consumer);
	/* And the next one starts at 0, again without a PAD. */
	h = put(&t->rp, 0, 2, 1);
	ASSERT_EQ((void *)t->g.data, (void *)h);
	ASSERT_EQ(1, pktcap_ring_commit(&t->rp));
	ASSERT_EQ(256 + HDR, t->prod.producer);
	/* A record as large as the ring fits only at offset 0 ... */
	ASSERT_EQ(1, drain(t, 1, NULL));
	ASSERT_EQ(NULL, pktcap_ring_reserve(&t->rp, 256 - HDR));
	/* ... so fill up to the end exactly, and it fits in the empty ring */
	ASSERT_NE(NULL, put(&t->rp, 208 - HDR, 3, 1));
	ASSERT_EQ(1, pktcap_ring_commit(&t->rp));
	ASSERT_EQ(512, t->prod.producer);
	ASSERT_EQ(1, drain(t, 1, NULL));
	ASSERT_EQ((void *)t->g.data, (void *)put(&t->rp, 256 - HDR, 4, 1));
	ASSERT_EQ(1, pktcap_ring_commit(&t->rp));
	ASSERT_EQ(1, drain(t, 1, NULL));
	ASSERT_EQ(768, t->cons.consumer);
	tring_free(t);
}

TEST(pad_of_8_bytes)
{
	struct tring *t = tring_new(256);
	const struct pktcap_rec_hdr *pad;
	struct pktcap_rec_hdr *h;

	ASSERT_NE(NULL, t);
	ASSERT_NE(NULL, put(&t->rp, 248 - HDR, 0, 2));
	ASSERT_EQ(1, pktcap_ring_commit(&t->rp));
	ASSERT_EQ(1, drain(t, 2, NULL));
	/*
	 * 8 bytes left: PAD of exactly 8, then the record at 0. The data
	 * area ends at a guard page, so writing a whole header into the PAD
	 * would fault here.
	 */
	h = put(&t->rp, 0, 1, 2);
	ASSERT_EQ((void *)t->g.data, (void *)h);
	pad = (const struct pktcap_rec_hdr *)(t->g.data + 248);
	ASSERT_EQ(8, pad->rec_len);
	ASSERT_EQ(PKTCAP_REC_F_PAD, pad->flags);
	ASSERT_EQ(0xeeee, *(u16 *)(t->g.data + 254));	/* untouched */
	ASSERT_EQ(1, pktcap_ring_commit(&t->rp));
	ASSERT_EQ(256 + HDR, t->prod.producer);
	ASSERT_EQ(1, drain(t, 2, NULL));
	ASSERT_EQ(256 + HDR, t->cons.consumer);
	tring_free(t);
}

TEST(pad_must_fit_too)
{
	struct tring *t = tring_new(256);

	ASSERT_NE(NULL, t);
	ASSERT_NE(NULL, put(&t->rp, 248 - HDR, 0, 3));
	ASSERT_EQ(1, pktcap_ring_commit(&t->rp));
	/* 40 consumed: 48 free, but PAD 8 + record 48 = 56 needed. */
	t->cons.consumer = 40;
	ASSERT_EQ(NULL, pktcap_ring_reserve(&t->rp, 0));
	ASSERT_EQ(0xeeeeeeee, *(u32 *)(t->g.data + 248));	/* no PAD */
	ASSERT_EQ(248, t->rp.head);
	t->cons.consumer = 48;
	ASSERT_NE(NULL, pktcap_ring_reserve(&t->rp, 0));
	ASSERT_EQ(256 + HDR, t->rp.head);
	tring_free(t);
}

TEST(full_ring)
{
	struct tring *t = tring_new(4096);
	int n = 0, i;

	ASSERT_NE(NULL, t);
	while (put(&t->rp, 100, n, 4))
		n++;
	ASSERT_EQ(4096 / 152, n);	/* rec_len 148 -> 152 */
	ASSERT_EQ(n, (int)pktcap_ring_commit(&t->rp));
	for (i = 0; i < 3; i++)
		ASSERT_EQ(NULL, put(&t->rp, 100, n, 4));
	ASSERT_EQ(n, drain(t, 4, NULL));
	ASSERT_NE(NULL, put(&t->rp, 100, n, 4));
	tring_free(t);
}

TEST(oversize_record)
{
	struct tring *t = tring_new(256);

	ASSERT_NE(NULL, t);
	ASSERT_EQ(NULL, pktcap_ring_reserve(&t->rp, 256 - HDR + 1));
	ASSERT_EQ(NULL, pktcap_ring_reserve(&t->rp, UINT32_MAX));
	ASSERT_EQ(NULL, pktcap_ring_reserve(&t->rp, UINT32_MAX - HDR + 1));
	ASSERT_EQ(0, t->rp.head);
	ASSERT_NE(NULL, pktcap_ring_reserve(&t->rp, 256 - HDR));
	tring_free(t);
}

TEST(abort_gives_back_pad_and_record)
{
	struct tring *t = tring_new(256);

	ASSERT_NE(NULL, t);
	ASSERT_NE(NULL, put(&t->rp, 200 - HDR, 0, 5));
	ASSERT_EQ(1, pktcap_ring_commit(&t->rp));
	ASSERT_EQ(1, drain(t, 5, NULL));
	ASSERT_NE(NULL, pktcap_ring_reserve(&t->rp, 100));	/* PAD + rec */
	ASSERT_EQ(256 + 152, t->rp.head);
	pktcap_ring_abort(&t->rp);
	ASSERT_EQ(200, t->rp.head);
	pktcap_ring_abort(&t->rp);				/* no-op */
	ASSERT_EQ(200, t->rp.head);
	ASSERT_EQ(0, pktcap_ring_commit(&t->rp));
	ASSERT_EQ(200, t->prod.producer);
	ASSERT_NE(NULL, put(&t->rp, 0, 1, 5));			/* fits at 200 */
	ASSERT_EQ(248, t->rp.head);
	ASSERT_EQ(1, pktcap_ring_commit(&t->rp));
	pktcap_ring_abort(&t->rp);				/* committed */
	ASSERT_EQ(248, t->rp.head);
	ASSERT_EQ(1, drain(t, 5, NULL));
	tring_free(t);
}

/* Consumer values that must make a freshly initialised ring look full. */
TEST(garbage_consumer)
{
	struct tring *t = tring_new(4096);
	u64 bad[] = { 8, 1, 4096 + 8, ~0ULL, -4ULL, 1ULL << 63,
		      0x8000000000000008ULL, -4104ULL, 0x123456789abcdef1ULL };
	unsigned int i;

	ASSERT_NE(NULL, t);
	/* producer at 0: valid are 0 and 8-aligned values up to 4096 behind */
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		t->cons.consumer = bad[i];
		ASSERT_EQ(NULL, pktcap_ring_reserve(&t->rp, 0));
		ASSERT_EQ(0, t->rp.head);
	}
	/* exactly size behind is valid but full */
	t->cons.consumer = -4096ULL;
	ASSERT_EQ(NULL, pktcap_ring_reserve(&t->rp, 0));
	/* a consumer behind, but within a ring: valid, partly full */
	t->cons.consumer = -200ULL;
	ASSERT_NE(NULL, pktcap_ring_reserve(&t->rp, 100));
	t->cons.consumer = 0;
	ASSERT_NE(NULL, pktcap_ring_reserve(&t->rp, 100));
	/* ahead of the published producer, inside our reservations: bad */
	pktcap_ring_abort(&t->rp);
	t->rp.cached_cons = t->rp.head - 4096;
	t->cons.consumer = 8;
	ASSERT_EQ(NULL, pktcap_ring_reserve(&t->rp, 0));
	tring_free(t);
}

static u64 xorshift(u64 *s)
{
	u64 x = *s;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	*s = x;
	return x;
}

/*
 * Random reservations against a consumer page that holds random values,
 * near-valid values and valid ones; the ring is page sized with guard
 * pages on both sides. Whatever the consumer says, every record lies in
 * the data area and the producer's own invariants hold.
 */
TEST(garbage_consumer_random)
{
	u32 size = (u32)sysconf(_SC_PAGESIZE);
	struct tring *t = tring_new(size);
	u64 s = 0x1234567;
	int i;

	ASSERT_NE(NULL, t);
	for (i = 0; i < 1000000; i++) {
		u64 v = xorshift(&s);
		struct pktcap_rec_hdr *h;
		u32 len;

		switch (v & 7) {
		case 0:
			t->cons.consumer = xorshift(&s);
			break;
		case 1:
			t->cons.consumer = t->rp.committed + (v >> 8) % 64;
			break;
		case 2:
			t->cons.consumer = t->rp.head - size - (v >> 8) % 64;
			break;
		case 3:
		case 4:
			t->cons.consumer = t->rp.committed - (v >> 8) % size;
			break;
		default:
			break;
		}
		len = (u32)(xorshift(&s) % (v & 0x100 ? size : 300));
		h = pktcap_ring_reserve(&t->rp, len);
		if (h) {
			ASSERT_TRUE(in_data(t, h, h->rec_len));
			ASSERT_EQ(0, (uintptr_t)h & 7);
			ASSERT_EQ(pktcap_ring_rec_len(len), h->rec_len);
			memset(pktcap_rec_payload(h), 0x5a, len);
		}
		if (v & 0x200)
			pktcap_ring_commit(&t->rp);
		else if (v & 0x400)
			pktcap_ring_abort(&t->rp);
		ASSERT_LE(t->rp.head - t->rp.committed, (u64)size);
		ASSERT_LE(t->rp.head - t->rp.cached_cons, (u64)size);
		ASSERT_LE(t->rp.committed - t->rp.cached_cons, (u64)size);
		ASSERT_EQ(0, t->rp.head & 7);
	}
	tring_free(t);
}

TEST(batch_commit_and_release)
{
	struct tring *t = tring_new(4096);
	const struct pktcap_rec_hdr *h;
	unsigned int ring;
	int i;

	ASSERT_NE(NULL, t);
	for (i = 0; i < 3; i++)
		ASSERT_NE(NULL, put(&t->rp, 10, i, 6));
	ASSERT_EQ(0, t->prod.producer);			/* nothing published */
	ASSERT_EQ(-EAGAIN, pktcap_reader_next(t->rd, &ring, &h));
	ASSERT_EQ(3, pktcap_ring_commit(&t->rp));
	ASSERT_EQ(3 * 64, t->prod.producer);		/* one store */
	ASSERT_TRUE(pktcap_ring_unread(&t->prod, &t->cons));
	for (i = 0; i < 3; i++) {
		ASSERT_EQ(0, pktcap_reader_next(t->rd, &ring, &h));
		ASSERT_EQ((u64)i, h->seq);
		/* the batch is released only when it is used up */
		ASSERT_EQ(0, t->cons.consumer);
	}
	ASSERT_EQ(-EAGAIN, pktcap_reader_next(t->rd, &ring, &h));
	ASSERT_EQ(3 * 64, t->cons.consumer);
	ASSERT_FALSE(pktcap_ring_unread(&t->prod, &t->cons));
	/* release() and poll() hand back a partly read batch */
	for (i = 3; i < 6; i++)
		ASSERT_NE(NULL, put(&t->rp, 10, i, 6));
	pktcap_ring_commit(&t->rp);
	ASSERT_EQ(0, pktcap_reader_next(t->rd, &ring, &h));
	pktcap_reader_release(t->rd);
	ASSERT_EQ(4 * 64, t->cons.consumer);
	ASSERT_EQ(0, pktcap_reader_next(t->rd, &ring, &h));
	ASSERT_EQ(1, pktcap_reader_poll(t->rd, 0));	/* one still unread */
	ASSERT_EQ(5 * 64, t->cons.consumer);
	ASSERT_EQ(0, pktcap_reader_next(t->rd, &ring, &h));
	ASSERT_EQ(0, pktcap_reader_poll(t->rd, 0));
	ASSERT_EQ(6 * 64, t->cons.consumer);
	tring_free(t);
}

/*
 * A fresh reader starting at consumer index @cons, with the producer index
 * at @prod: the result of its first pktcap_reader_next().
 */
static int parse_one(struct tring *t, u64 cons, u64 prod)
{
	struct pktcap_reader_mem_ring mr = { &t->prod, &t->cons, t->g.data };
	const struct pktcap_rec_hdr *h;
	unsigned int ring;
	int err;

	pktcap_reader_close(t->rd);
	t->rd = NULL;
	t->cons.consumer = cons;
	t->prod.producer = prod;
	err = pktcap_reader_attach_mem(&t->info, &mr, &t->rd);
	if (err)
		return err;
	err = pktcap_reader_next(t->rd, &ring, &h);
	if (!err && !in_data(t, h, h->rec_len))
		return -EFAULT;
	return err;
}

static struct pktcap_rec_hdr *raw(struct tring *t, u32 off, u32 rec_len,
				  u16 flags)
{
	struct pktcap_rec_hdr *h = (void *)(t->g.data + off);

	if (flags & PKTCAP_REC_F_PAD && rec_len == 8) {
		h->rec_len = rec_len;
		h->flags = flags;
		return h;
	}
	memset(h, 0, sizeof(*h));
	h->rec_len = rec_len;
	h->flags = flags;
	h->hdr_len = HDR;
	return h;
}

TEST(reader_rejects_corrupt_records)
{
	struct tring *t = tring_new(256);
	const struct pktcap_rec_hdr *rec;
	struct pktcap_rec_hdr *h;
	unsigned int ring;

	ASSERT_NE(NULL, t);
	raw(t, 0, 0, 0);
	ASSERT_EQ(-EBADMSG, parse_one(t, 0, 64));	/* rec_len 0 */
	ASSERT_EQ(-EBADMSG, pktcap_reader_next(t->rd, &ring, &rec)); /* again */
	ASSERT_EQ(-EBADMSG, pktcap_reader_next_merged(t->rd, &ring, &rec));
	raw(t, 0, 52, 0);
	ASSERT_EQ(-EBADMSG, parse_one(t, 0, 64));	/* not aligned */
	raw(t, 0, 72, 0);
	ASSERT_EQ(-EBADMSG, parse_one(t, 0, 64));	/* past producer */
	raw(t, 0, 40, 0);
	ASSERT_EQ(-EBADMSG, parse_one(t, 0, 64));	/* < header */
	h = raw(t, 0, 64, 0);
	h->hdr_len = 8;
	ASSERT_EQ(-EBADMSG, parse_one(t, 0, 64));	/* hdr_len < header */
	h = raw(t, 0, 64, 0);
	h->cap_len = 17;
	ASSERT_EQ(-EBADMSG, parse_one(t, 0, 64));	/* payload too long */
	h->cap_len = 16;
	h->flags = PKTCAP_REC_F_SEALED;
	ASSERT_EQ(-EBADMSG, parse_one(t, 0, 64));	/* no room for tag */
	h->cap_len = 0;
	h->hdr_len = 0xffff;
	ASSERT_EQ(-EBADMSG, parse_one(t, 0, 64));
	h = raw(t, 0, 64, 0);
	h->cap_len = 16;
	ASSERT_EQ(0, parse_one(t, 0, 64));		/* finally valid */
	ASSERT_EQ(-EAGAIN, pktcap_reader_next(t->rd, &ring, &rec));

	/* A PAD must run exactly to the end of the data area. */
	raw(t, 64, 64, PKTCAP_REC_F_PAD);
	ASSERT_EQ(-EBADMSG, parse_one(t, 64, 256));
	raw(t, 64, 256, PKTCAP_REC_F_PAD);
	ASSERT_EQ(-EBADMSG, parse_one(t, 64, 64 + 256));	/* past end */
	raw(t, 64, 192, PKTCAP_REC_F_PAD);
	raw(t, 0, 256, 0);
	ASSERT_EQ(-EBADMSG, parse_one(t, 64, 64 + 256 + 8));	/* > size */
	ASSERT_EQ(-EBADMSG, parse_one(t, 64, 64 + 192 + 12));	/* unaligned */
	ASSERT_EQ(-EBADMSG, parse_one(t, 64, 64 + 192 + 8));	/* 256 > 8 */
	ASSERT_EQ(-EBADMSG, parse_one(t, 64, 8));		/* backwards */
	ASSERT_EQ(-EBADMSG, parse_one(t, 60, 64));	/* consumer unaligned */
	raw(t, 0, 64, 0);
	ASSERT_EQ(0, parse_one(t, 64, 64 + 192 + 64));	/* PAD, record */
	ASSERT_EQ(256 + 64, t->prod.producer);
	ASSERT_EQ(-EAGAIN, pktcap_reader_next(t->rd, &ring, &rec));
	ASSERT_EQ(256 + 64, t->cons.consumer);
	tring_free(t);
}

TEST(reader_rejects_garbage_consumer_at_attach)
{
	struct tring *t = tring_new(256);
	struct pktcap_reader_mem_ring mr;
	const struct pktcap_rec_hdr *h;
	unsigned int ring;

	ASSERT_NE(NULL, t);
	pktcap_reader_close(t->rd);
	t->cons.consumer = 3;
	mr.prod = &t->prod;
	mr.cons = &t->cons;
	mr.data = t->g.data;
	ASSERT_EQ(0, pktcap_reader_attach_mem(&t->info, &mr, &t->rd));
	ASSERT_EQ(-EBADMSG, pktcap_reader_next(t->rd, &ring, &h));
	ASSERT_EQ(-EBADMSG, pktcap_reader_next_merged(t->rd, &ring, &h));
	tring_free(t);
}

TEST(attach_mem_checks_info)
{
	struct pktcap_ring_producer prod = { 0 };
	struct pktcap_ring_consumer cons = { 0 };
	static u8 data[256] __attribute__((aligned(8)));
	struct pktcap_reader_mem_ring mr = { &prod, &cons, data };
	struct pktcap_mmap_info info;
	struct pktcap_reader *r;

	info_init(&info, 1, 256);
	info.magic++;
	ASSERT_EQ(-EPROTO, pktcap_reader_attach_mem(&info, &mr, &r));
	info_init(&info, 1, 256);
	info.abi_version++;
	ASSERT_EQ(-EPROTONOSUPPORT, pktcap_reader_attach_mem(&info, &mr, &r));
	info_init(&info, 1, 256);
	info.rec_hdr_len = HDR - 8;
	ASSERT_EQ(-EPROTO, pktcap_reader_attach_mem(&info, &mr, &r));
	info_init(&info, 1, 192);
	ASSERT_EQ(-EPROTO, pktcap_reader_attach_mem(&info, &mr, &r));
	info_init(&info, 0, 256);
	ASSERT_EQ(-EPROTO, pktcap_reader_attach_mem(&info, &mr, &r));
	info_init(&info, 1, 256);
	mr.data = data + 4;
	ASSERT_EQ(-EINVAL, pktcap_reader_attach_mem(&info, &mr, &r));
	mr.data = data;
	info.rec_hdr_len = HDR + 16;	/* a longer header is fine */
	ASSERT_EQ(0, pktcap_reader_attach_mem(&info, &mr, &r));
	ASSERT_EQ(256, pktcap_reader_info(r)->ring_size);
	ASSERT_EQ(-1, pktcap_reader_fd(r));
	pktcap_reader_close(r);
	pktcap_reader_close(NULL);
}

TEST(open_missing_device)
{
	struct pktcap_reader *r;

	ASSERT_EQ(-ENOENT, pktcap_reader_open("/nonexistent/pktcap", &r));
}

/*
 * pktcap_reader_open() over a regular file laid out like the device's
 * mmap space: info page, then per ring the producer page, the data area
 * and the consumer page. The producer writes through its own shared
 * mapping of the file, so open, the geometry checks and every mmap are
 * exercised as against /dev/pktcap.
 */
#define FILE_RING_SIZE	16384U

static int make_device_file(char *path, long page, unsigned int nr)
{
	struct pktcap_mmap_info info;
	int fd = mkstemp(path);

	if (fd < 0)
		return -1;
	info_init(&info, nr, FILE_RING_SIZE);
	info.page_size = (u32)page;
	info.ring_offset = page;
	info.data_offset = (u32)page;
	info.consumer_offset = (u32)page + FILE_RING_SIZE;
	info.ring_stride = info.consumer_offset + page;
	if (ftruncate(fd, page + nr * info.ring_stride) ||
	    pwrite(fd, &info, sizeof(info), 0) != sizeof(info)) {
		close(fd);
		return -1;
	}
	return fd;
}

TEST(open_device_file)
{
	long page = sysconf(_SC_PAGESIZE);
	char path[] = "/tmp/pktcap-test-ring-XXXXXX";
	struct pktcap_ring_prod rp[2];
	const struct pktcap_rec_hdr *h;
	const struct pktcap_mmap_info *info;
	struct pktcap_reader *r;
	unsigned int ring, i;
	int fd, n = 0, seen[2] = { 0 };
	size_t len;
	u8 *map;

	fd = make_device_file(path, page, 2);
	ASSERT_LE(0, fd);
	len = page + 2 * (2 * page + FILE_RING_SIZE);
	map = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	ASSERT_NE(MAP_FAILED, map);
	info = (const void *)map;
	for (i = 0; i < 2; i++) {
		u8 *base = map + info->ring_offset + i * info->ring_stride;

		ASSERT_EQ(0, pktcap_ring_prod_init(&rp[i], (void *)base,
				(void *)(base + info->consumer_offset),
				base + info->data_offset, FILE_RING_SIZE));
	}
	ASSERT_EQ(0, pktcap_reader_open(path, &r));
	ASSERT_LE(0, pktcap_reader_fd(r));
	ASSERT_EQ(2, pktcap_reader_info(r)->nr_rings);
	ASSERT_EQ(-EAGAIN, pktcap_reader_next(r, &ring, &h));
	for (n = 0; n < 1000; n++) {
		/* keep both rings busy across several wraps */
		if (!put(&rp[n & 1], (u32)(n * 7 % 200), n, 8)) {
			pktcap_ring_commit(&rp[0]);
			pktcap_ring_commit(&rp[1]);
			while (!pktcap_reader_next(r, &ring, &h)) {
				ASSERT_EQ(ring, h->seq & 1);
				ASSERT_TRUE(pattern_ok(pktcap_rec_data(h),
						       h->cap_len, 8, h->seq));
				seen[ring]++;
			}
			ASSERT_EQ(1, pktcap_reader_poll(r, 0)); /* a file polls in */
			ASSERT_NE(NULL, put(&rp[n & 1], (u32)(n * 7 % 200), n, 8));
		}
	}
	pktcap_ring_commit(&rp[0]);
	pktcap_ring_commit(&rp[1]);
	while (!pktcap_reader_next_merged(r, &ring, &h))
		seen[ring]++;
	ASSERT_EQ(500, seen[0]);
	ASSERT_EQ(500, seen[1]);
	pktcap_reader_close(r);
	/* a bad geometry is refused */
	((struct pktcap_mmap_info *)map)->consumer_offset = (u32)page;
	ASSERT_EQ(-EPROTO, pktcap_reader_open(path, &r));
	((struct pktcap_mmap_info *)map)->consumer_offset = (u32)page + FILE_RING_SIZE;
	((struct pktcap_mmap_info *)map)->page_size = 512;
	ASSERT_EQ(-EPROTO, pktcap_reader_open(path, &r));
	munmap(map, len);
	close(fd);
	unlink(path);
}

TEST(session_stopped)
{
	struct tring *t = tring_new(256);

	ASSERT_NE(NULL, t);
	ASSERT_FALSE(pktcap_reader_session_stopped(t->rd));
	ASSERT_EQ(0, pktcap_reader_poll(t->rd, 0));
	ASSERT_NE(NULL, put(&t->rp, 0, 0, 7));
	pktcap_ring_commit(&t->rp);
	t->info.stopped = 1;
	ASSERT_TRUE(pktcap_reader_session_stopped(t->rd));
	ASSERT_EQ(1, pktcap_reader_poll(t->rd, 0));	/* drain first */
	ASSERT_EQ(1, drain(t, 7, NULL));
	ASSERT_EQ(-EPIPE, pktcap_reader_poll(t->rd, 0));
	t->info.stopped = 0;
	t->info.session_id++;
	ASSERT_TRUE(pktcap_reader_session_stopped(t->rd));
	tring_free(t);
}

/*
 * Two 1 KiB rings in memory, with a reader attached to both. The reader
 * keeps a pointer to *info, as it does to a live info page.
 */
static int two_rings(struct pktcap_ring_producer *prod,
		     struct pktcap_ring_consumer *cons, u8 (*data)[1024],
		     struct pktcap_ring_prod *rp, struct pktcap_mmap_info *info,
		     struct pktcap_reader **r)
{
	struct pktcap_reader_mem_ring mr[2];
	unsigned int i;

	for (i = 0; i < 2; i++) {
		if (pktcap_ring_prod_init(&rp[i], &prod[i], &cons[i], data[i], 1024))
			return -1;
		mr[i].prod = &prod[i];
		mr[i].cons = &cons[i];
		mr[i].data = data[i];
	}
	info_init(info, 2, 1024);
	return pktcap_reader_attach_mem(info, mr, r);
}

/* Two rings, interleaved timestamps: the merge returns global order. */
TEST(merged_order)
{
	struct pktcap_ring_producer prod[2] __attribute__((aligned(64))) = { 0 };
	struct pktcap_ring_consumer cons[2] = { 0 };
	struct pktcap_ring_prod rp[2];
	static u8 data[2][1024] __attribute__((aligned(8)));
	struct pktcap_mmap_info info;
	const struct pktcap_rec_hdr *h;
	struct pktcap_reader *r;
	unsigned int ring, i;
	u64 ts[2] = { 0 }, last = 0;
	u64 s = 99;
	int n = 0;

	ASSERT_EQ(0, two_rings(prod, cons, data, rp, &info, &r));
	for (;;) {
		struct pktcap_rec_hdr *w;

		i = xorshift(&s) & 1;
		w = pktcap_ring_reserve(&rp[i], (u32)(xorshift(&s) % 40));
		if (!w)
			break;
		ts[i] = (ts[0] > ts[1] ? ts[0] : ts[1]) + 1 + xorshift(&s) % 3;
		w->tstamp_ns = ts[i];
		w->seq = i;
	}
	pktcap_ring_commit(&rp[0]);
	pktcap_ring_commit(&rp[1]);
	while (!pktcap_reader_next_merged(r, &ring, &h)) {
		ASSERT_EQ(ring, h->seq);
		ASSERT_LE(last, h->tstamp_ns);
		last = h->tstamp_ns;
		n++;
	}
	ASSERT_LT(20, n);
	/* the merge releases exhausted batches: the rings are free again */
	ASSERT_EQ(prod[0].producer, cons[0].consumer);
	ASSERT_EQ(prod[1].producer, cons[1].consumer);
	pktcap_reader_close(r);
}

/* put_ts: one committed record on rp with timestamp ts, seq = its ring. */
static void put_ts(struct pktcap_ring_prod *rp, u64 ts, u64 ring)
{
	struct pktcap_rec_hdr *w = pktcap_ring_reserve(rp, 8);

	if (!w)
		abort();
	w->tstamp_ns = ts;
	w->seq = ring;
	pktcap_ring_commit(rp);
}

/*
 * Records on one ring only make it "solo": its batch is drained without
 * looking at the other ring. Records published on either ring meanwhile
 * must all come out once the batch ends, merged again.
 */
TEST(merged_solo_ring)
{
	struct pktcap_ring_producer prod[2] __attribute__((aligned(64))) = { 0 };
	struct pktcap_ring_consumer cons[2] = { 0 };
	static u8 data[2][1024] __attribute__((aligned(8)));
	static const u64 want[] = { 1, 2, 3, 4, 5, 6, 7, 10, 11, 12 };
	struct pktcap_ring_prod rp[2];
	struct pktcap_mmap_info info;
	const struct pktcap_rec_hdr *h;
	struct pktcap_reader *r;
	unsigned int ring, i;
	u64 ts;

	ASSERT_EQ(0, two_rings(prod, cons, data, rp, &info, &r));
	for (ts = 1; ts <= 5; ts++)
		put_ts(&rp[0], ts, 0);
	ASSERT_EQ(0, pktcap_reader_next_merged(r, &ring, &h));
	ASSERT_EQ(1, h->tstamp_ns);
	/* published after the solo batch was loaded */
	put_ts(&rp[1], 10, 1);
	put_ts(&rp[1], 11, 1);
	put_ts(&rp[0], 6, 0);
	put_ts(&rp[0], 7, 0);
	put_ts(&rp[1], 12, 1);
	for (i = 1; i < ARRAY_SIZE(want); i++) {
		ASSERT_EQ(0, pktcap_reader_next_merged(r, &ring, &h));
		ASSERT_EQ(want[i], h->tstamp_ns);
		ASSERT_EQ(ring, h->seq);
	}
	ASSERT_EQ(-EAGAIN, pktcap_reader_next_merged(r, &ring, &h));
	ASSERT_EQ(prod[0].producer, cons[0].consumer);
	ASSERT_EQ(prod[1].producer, cons[1].consumer);
	pktcap_reader_close(r);
}

/*
 * The threaded stress: one producer thread per ring driving ring_proto.h
 * as the module does (reserve, fill, commit in small batches, count a drop
 * when full), one consumer thread using the reader. Sequence numbers count
 * drops, so the reader can check that every gap is exactly the drops.
 */
#define STRESS_RING_SIZE	4096U
#define STRESS_MAX_RINGS	2

struct stress_ring {
	struct pktcap_ring_producer prod __attribute__((aligned(64)));
	struct pktcap_ring_consumer cons __attribute__((aligned(64)));
	struct pktcap_ring_prod rp;
	struct guarded g;
	u64 drops;
	u64 received;
	u64 gaps;
	u64 last_seq;
	bool any;
	int done;
	pthread_t thread;
};

struct stress {
	struct stress_ring ring[STRESS_MAX_RINGS];
	unsigned int nr_rings;
	bool merged;
	u64 records;
	u64 clock;			/* shared timestamp source */
	u64 errors;
	char why[128];
	struct pktcap_reader *rd;
};

static u32 stress_len(u64 *s)
{
	u64 v = xorshift(s);

	/* mostly packet sized, sometimes large to force big PADs */
	if ((v & 63) == 0)
		return (u32)((v >> 8) % (STRESS_RING_SIZE / 2));
	return (u32)((v >> 8) % 300);
}

/*
 * The module just drops when full; this test also wants most records to
 * get through, so after a drop the producer waits a little for the reader
 * to move (bounded, so a stuck reader cannot hang it).
 */
static void wait_for_reader(struct stress_ring *sr)
{
	u64 c = __atomic_load_n(&sr->cons.consumer, __ATOMIC_RELAXED);
	int i;

	/* yield often: on a loaded machine the reader may need our CPU */
	for (i = 0; i < 1024; i++) {
		if (__atomic_load_n(&sr->cons.consumer, __ATOMIC_RELAXED) != c)
			return;
		if (i % 8 == 7)
			sched_yield();
		else
			__builtin_ia32_pause();
	}
}

static void *stress_producer(void *arg)
{
	struct stress *st = ((void **)arg)[0];
	struct stress_ring *sr = ((void **)arg)[1];
	u64 s = 0x9e3779b9 + (uintptr_t)sr;
	u64 seq, batch = 1;

	for (seq = 0; seq < st->records; seq++) {
		u32 len = stress_len(&s);
		struct pktcap_rec_hdr *h = pktcap_ring_reserve(&sr->rp, len);

		if (!h) {
			sr->drops++;
			pktcap_ring_commit(&sr->rp);
			wait_for_reader(sr);
			continue;
		}
		h->seq = seq;
		h->cap_len = len;
		h->wire_len = len;
		h->ifindex = (u32)(sr - st->ring);
		h->tstamp_ns = __atomic_add_fetch(&st->clock, 1,
						  __ATOMIC_RELAXED);
		pattern(pktcap_rec_payload(h), len, h->ifindex, seq);
		if (sr->rp.pending >= batch) {
			pktcap_ring_commit(&sr->rp);
			batch = 1 + (xorshift(&s) & 7);
		}
	}
	pktcap_ring_commit(&sr->rp);
	__atomic_store_n(&sr->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

static void stress_fail(struct stress *st, const char *why, u64 a, u64 b)
{
	if (!st->errors++)
		snprintf(st->why, sizeof(st->why), "%s (%llu, %llu)", why,
			 (unsigned long long)a, (unsigned long long)b);
}

static void stress_check(struct stress *st, unsigned int ring,
			 const struct pktcap_rec_hdr *h)
{
	struct stress_ring *sr = &st->ring[ring];
	const u8 *p = (const u8 *)h;

	if (ring >= st->nr_rings || h->ifindex != ring)
		return stress_fail(st, "wrong ring", ring, h->ifindex);
	if (p < sr->g.data || p + h->rec_len > sr->g.data + STRESS_RING_SIZE)
		return stress_fail(st, "record outside data area", ring, 0);
	if (sr->any && h->seq <= sr->last_seq)
		return stress_fail(st, "out of order", sr->last_seq, h->seq);
	if (h->seq >= st->records)
		return stress_fail(st, "seq past the end", h->seq, 0);
	if (h->cap_len != h->wire_len ||
	    !pattern_ok(pktcap_rec_data(h), h->cap_len, ring, h->seq))
		return stress_fail(st, "payload corrupt", ring, h->seq);
	sr->gaps += h->seq - (sr->any ? sr->last_seq + 1 : 0);
	sr->last_seq = h->seq;
	sr->any = true;
	sr->received++;
}

static bool stress_all_done(struct stress *st)
{
	unsigned int i;

	for (i = 0; i < st->nr_rings; i++)
		if (!__atomic_load_n(&st->ring[i].done, __ATOMIC_ACQUIRE))
			return false;
	return true;
}

static void *stress_consumer(void *arg)
{
	struct stress *st = arg;
	const struct pktcap_rec_hdr *h;
	unsigned int ring, spins = 0;
	bool finishing = false;
	u64 n = 0;
	int err;

	for (;;) {
		err = st->merged ? pktcap_reader_next_merged(st->rd, &ring, &h)
				 : pktcap_reader_next(st->rd, &ring, &h);
		if (!err) {
			stress_check(st, ring, h);
			/* now and then, be slow, so the ring fills up */
			if ((++n & 0xffff) == 0)
				usleep(200);
			continue;
		}
		if (err != -EAGAIN) {
			stress_fail(st, "reader error", ring, -err);
			break;
		}
		/* everything published before done is read in one more pass */
		if (finishing)
			break;
		finishing = stress_all_done(st);
		pktcap_reader_poll(st->rd, 0);
		if (++spins % 4 == 0)
			sched_yield();
	}
	return NULL;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static u64 stress_records(void)
{
	const char *e = getenv("PKTCAP_TEST_RECORDS");

	return e ? strtoull(e, NULL, 0) : STRESS_RECORDS_DEFAULT;
}

FIXTURE(stress) {
	struct stress st;
	void *args[STRESS_MAX_RINGS][2];
};

FIXTURE_SETUP(stress)
{
	memset(&self->st, 0, sizeof(self->st));
	self->st.records = stress_records();
}

FIXTURE_TEARDOWN(stress)
{
	unsigned int i;

	pktcap_reader_close(self->st.rd);
	for (i = 0; i < STRESS_MAX_RINGS; i++)
		guarded_free(&self->st.ring[i].g);
}

static int stress_setup_rings(struct stress *st, unsigned int nr)
{
	struct pktcap_reader_mem_ring mr[STRESS_MAX_RINGS];
	static struct pktcap_mmap_info info;
	unsigned int i;

	st->nr_rings = nr;
	for (i = 0; i < nr; i++) {
		struct stress_ring *sr = &st->ring[i];

		if (!guarded_alloc(&sr->g, STRESS_RING_SIZE))
			return -ENOMEM;
		if (pktcap_ring_prod_init(&sr->rp, &sr->prod, &sr->cons,
					  sr->g.data, STRESS_RING_SIZE))
			return -EINVAL;
		mr[i].prod = &sr->prod;
		mr[i].cons = &sr->cons;
		mr[i].data = sr->g.data;
	}
	info_init(&info, nr, STRESS_RING_SIZE);
	return pktcap_reader_attach_mem(&info, mr, &st->rd);
}

static void stress_run(struct __test_metadata *_metadata,
		       FIXTURE_DATA(stress) *self, unsigned int nr, bool merged)
{
	struct stress *st = &self->st;
	u64 received = 0, drops = 0, wraps = 0;
	pthread_t consumer;
	unsigned int i;
	double t0, dt;

	ASSERT_EQ(0, stress_setup_rings(st, nr));
	st->merged = merged;
	t0 = now_s();
	ASSERT_EQ(0, pthread_create(&consumer, NULL, stress_consumer, st));
	for (i = 0; i < nr; i++) {
		self->args[i][0] = st;
		self->args[i][1] = &st->ring[i];
		ASSERT_EQ(0, pthread_create(&st->ring[i].thread, NULL,
					    stress_producer, self->args[i]));
	}
	for (i = 0; i < nr; i++)
		ASSERT_EQ(0, pthread_join(st->ring[i].thread, NULL));
	ASSERT_EQ(0, pthread_join(consumer, NULL));
	dt = now_s() - t0;

	ASSERT_EQ(0, st->errors) TH_LOG("%s", st->why);
	for (i = 0; i < nr; i++) {
		struct stress_ring *sr = &st->ring[i];
		u64 tail = sr->any ? st->records - 1 - sr->last_seq
				   : st->records;

		/* every gap in the sequence is a counted drop, and only that */
		ASSERT_EQ(sr->drops, sr->gaps + tail);
		ASSERT_EQ(st->records, sr->received + sr->drops);
		ASSERT_EQ(sr->prod.producer, sr->cons.consumer);
		received += sr->received;
		drops += sr->drops;
	}
	ASSERT_LT(0, received);
	for (i = 0; i < nr; i++)
		wraps += st->ring[i].prod.producer / STRESS_RING_SIZE;
	TH_LOG("%u ring(s)%s: %llu records, %llu received, %llu dropped, %llu wraps, %.2fs, %.2f M records/s received",
	       nr, merged ? " merged" : "",
	       (unsigned long long)(st->records * nr),
	       (unsigned long long)received, (unsigned long long)drops,
	       (unsigned long long)wraps, dt, received / dt / 1e6);
}

TEST_F_TIMEOUT(stress, one_ring, 600)
{
	stress_run(_metadata, self, 1, false);
}

TEST_F_TIMEOUT(stress, two_rings, 600)
{
	stress_run(_metadata, self, 2, false);
}

TEST_F_TIMEOUT(stress, two_rings_merged, 600)
{
	stress_run(_metadata, self, 2, true);
}

TEST_HARNESS_MAIN
