// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz target for the ring index protocol: kmod/ring_proto.h (producer) and
 * userspace/lib/pktcap_reader.c (consumer).
 *
 * Input byte 0 picks the ring size (64 << (b & 7)) and the mode:
 *
 *   b & 8 == 0: a program. Each following byte is an op for the producer
 *	(reserve with a fuzzed length, commit, abort), for the reader (next,
 *	next_merged, release), or writes a hostile value into the consumer
 *	page the producer reads.
 *   b & 8 != 0: raw parsing. The input fills the data area, the producer
 *	and consumer indices come from the input, and the reader parses.
 *
 * Everything is allocated at its exact size, so ASan catches a single byte
 * out of bounds. Invariants checked (abort() on violation):
 *   - a reserved header and its payload lie inside the data area;
 *   - the producer's indices keep their invariants whatever the consumer
 *     page says;
 *   - a record the reader returns lies inside the data area, its packet
 *     bytes inside the record, and the reader never consumes past the
 *     producer index;
 *   - the reader terminates: a bounded number of records per batch;
 *   - while nobody tampered with the consumer page, the reader sees every
 *     record intact, in order, and never reports EBADMSG.
 *
 * Built for libFuzzer (clang -fsanitize=fuzzer,address,undefined); with
 * -DFUZZ_STANDALONE it gets a main() that runs the files named on the
 * command line, for gcc builds and corpus replay.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ring_proto.h"
#include "lib/pktcap_reader.h"

#define CHECK(c)							\
	do {								\
		if (!(c)) {						\
			fprintf(stderr, "%s:%d: %s\n", __FILE__,	\
				__LINE__, #c);				\
			abort();					\
		}							\
	} while (0)

struct input {
	const u8 *p;
	size_t left;
};

static u64 take(struct input *in, unsigned int n)
{
	u64 v = 0;

	while (n-- && in->left) {
		v = v << 8 | *in->p++;
		in->left--;
	}
	return v;
}

struct fring {
	struct pktcap_ring_producer *prod;
	struct pktcap_ring_consumer *cons;
	u8 *data;
	u32 size;
};

static void fring_alloc(struct fring *f, u32 size)
{
	f->prod = calloc(1, sizeof(*f->prod));
	f->cons = calloc(1, sizeof(*f->cons));
	f->data = calloc(1, size);
	f->size = size;
	CHECK(f->prod && f->cons && f->data);
}

static void fring_free(struct fring *f)
{
	free(f->prod);
	free(f->cons);
	free(f->data);
}

static struct pktcap_mmap_info *info_new(u32 nr_rings, u32 size)
{
	struct pktcap_mmap_info *info = calloc(1, sizeof(*info));

	CHECK(info);
	info->magic = PKTCAP_MMAP_MAGIC;
	info->abi_version = PKTCAP_RING_ABI_VERSION;
	info->nr_rings = nr_rings;
	info->ring_size = size;
	info->rec_hdr_len = sizeof(struct pktcap_rec_hdr);
	return info;
}

/* What every record the reader returns must satisfy, tampering or not. */
static u64 check_record(const struct fring *f, const struct pktcap_rec_hdr *h)
{
	const u8 *p = (const u8 *)h, *d;
	u64 sum = 0;
	u32 i, n;

	CHECK(p >= f->data && p + h->rec_len <= f->data + f->size);
	CHECK(h->rec_len >= sizeof(*h) && !(h->rec_len & 7));
	CHECK(!(h->flags & PKTCAP_REC_F_PAD));
	n = h->cap_len + (h->flags & PKTCAP_REC_F_SEALED ? PKTCAP_GCM_TAG_LEN : 0);
	CHECK(h->hdr_len >= sizeof(*h) && (u64)h->hdr_len + n <= h->rec_len);
	/* touch every packet byte, so ASan sees any overrun */
	d = pktcap_rec_data(h);
	for (i = 0; i < n; i++)
		sum += d[i];
	return sum;
}

/*
 * A static ring: the reader's consumer index never passes the producer's.
 * If it moved at all from @start, the producer was a plausible distance
 * ahead of @start and the consumer is between the two.
 */
static void check_consumed(const struct fring *f, u64 start)
{
	u64 c = f->cons->consumer, p = f->prod->producer;

	if (c == start)
		return;
	CHECK(p - start <= f->size);
	CHECK(c - start <= p - start);
	CHECK(!(c & 7));
}

/* ---- mode 1: a program of producer, reader and hostile ops ---- */

struct prog {
	struct fring f;
	struct pktcap_ring_prod rp;
	struct pktcap_reader *rd;
	u64 seq;		/* next seq the producer writes */
	u64 last_seq;		/* last seq the reader saw */
	bool seen;
	bool tampered;		/* the consumer page was written by us */
};

static void prog_reserve(struct prog *g, struct input *in)
{
	u64 sel = take(in, 1);
	u32 len = (u32)take(in, 2);
	struct pktcap_rec_hdr *h;

	if (sel & 1)		/* sometimes absurd lengths */
		len = (u32)(len << 16 | take(in, 2));
	h = pktcap_ring_reserve(&g->rp, len);
	g->seq++;
	if (!h)
		return;
	CHECK((u8 *)h >= g->f.data &&
	      (u8 *)h + h->rec_len <= g->f.data + g->f.size);
	CHECK(h->rec_len == pktcap_ring_rec_len(len) && !((uintptr_t)h & 7));
	h->seq = g->seq - 1;
	h->cap_len = len;
	h->wire_len = len;
	memset(pktcap_rec_payload(h), (u8)h->seq, len);
}

static void prog_check_producer(const struct prog *g)
{
	const struct pktcap_ring_prod *r = &g->rp;

	CHECK(r->head - r->committed <= r->size);
	CHECK(r->head - r->cached_cons <= r->size);
	CHECK(r->committed - r->cached_cons <= r->size);
	CHECK(!(r->head & 7) && r->prod->producer == r->committed);
}

static void prog_read(struct prog *g, bool merged, unsigned int count)
{
	const struct pktcap_rec_hdr *h;
	unsigned int ring;
	int err;

	while (count--) {
		err = merged ? pktcap_reader_next_merged(g->rd, &ring, &h)
			     : pktcap_reader_next(g->rd, &ring, &h);
		if (err) {
			CHECK(err == -EAGAIN || err == -EBADMSG);
			CHECK(err == -EAGAIN || g->tampered);
			return;
		}
		CHECK(ring == 0);
		check_record(&g->f, h);
		if (!g->tampered) {
			const u8 *d = pktcap_rec_data(h);
			u32 i;

			CHECK(!g->seen || h->seq > g->last_seq);
			CHECK(h->seq < g->seq);
			for (i = 0; i < h->cap_len; i++)
				CHECK(d[i] == (u8)h->seq);
		}
		g->last_seq = h->seq;
		g->seen = true;
	}
}

static void prog_tamper(struct prog *g, struct input *in, unsigned int how)
{
	u64 v = take(in, 8);

	g->tampered = true;
	switch (how) {
	case 0:
		g->f.cons->consumer = v;
		break;
	case 1:		/* near the producer, either side */
		g->f.cons->consumer = g->rp.committed + (s64)(int8_t)v;
		break;
	default:	/* around one ring behind */
		g->f.cons->consumer = g->rp.head - g->f.size + (s64)(int8_t)v;
		break;
	}
}

static void run_program(u32 size, struct input *in)
{
	struct pktcap_reader_mem_ring mr;
	struct pktcap_mmap_info *info = info_new(1, size);
	struct prog g = { 0 };

	fring_alloc(&g.f, size);
	CHECK(!pktcap_ring_prod_init(&g.rp, g.f.prod, g.f.cons, g.f.data,
				     size));
	mr.prod = g.f.prod;
	mr.cons = g.f.cons;
	mr.data = g.f.data;
	CHECK(!pktcap_reader_attach_mem(info, &mr, &g.rd));

	while (in->left) {
		u8 op = (u8)take(in, 1);

		switch (op % 10) {
		case 0:
		case 1:
		case 2:
			prog_reserve(&g, in);
			break;
		case 3:
			pktcap_ring_commit(&g.rp);
			break;
		case 4:
			pktcap_ring_abort(&g.rp);
			break;
		case 5:
			prog_read(&g, false, 1 + op / 10);
			break;
		case 6:
			prog_read(&g, true, 1 + op / 10);
			break;
		case 7:
			pktcap_reader_release(g.rd);
			/* the live ring: consumer never ahead of producer */
			if (!g.tampered)
				CHECK(g.f.prod->producer - g.f.cons->consumer <=
				      size);
			break;
		default:
			prog_tamper(&g, in, op / 10 % 3);
			break;
		}
		prog_check_producer(&g);
	}
	pktcap_ring_commit(&g.rp);
	prog_read(&g, false, ~0U);
	pktcap_reader_close(g.rd);
	fring_free(&g.f);
	free(info);
}

/* ---- mode 2: the reader over arbitrary ring contents ---- */

static void run_parse(u32 size, struct input *in)
{
	struct pktcap_reader_mem_ring mr[2];
	struct pktcap_mmap_info *info;
	struct fring f[2];
	unsigned int nr = 1 + (unsigned int)(take(in, 1) & 1), i, ring;
	bool merged = take(in, 1) & 1;
	u64 start[2], n = 0, limit;
	struct pktcap_reader *rd;
	const struct pktcap_rec_hdr *h;
	int err;

	info = info_new(nr, size);
	for (i = 0; i < nr; i++) {
		fring_alloc(&f[i], size);
		f[i].cons->consumer = take(in, 8);
		f[i].prod->producer = take(in, 8);
		/* mostly make the indices plausible, else nothing gets parsed */
		if (f[i].cons->consumer & 1)
			f[i].prod->producer = f[i].cons->consumer + 1 +
					      f[i].prod->producer % (size + 16);
		f[i].cons->consumer &= ~1ULL;
		start[i] = f[i].cons->consumer;
		mr[i].prod = f[i].prod;
		mr[i].cons = f[i].cons;
		mr[i].data = f[i].data;
	}
	for (i = 0; i < nr; i++) {
		size_t c = in->left < size ? in->left : size;

		memcpy(f[i].data, in->p, c);
		in->p += c;
		in->left -= c;
	}
	CHECK(!pktcap_reader_attach_mem(info, mr, &rd));

	/* each record takes at least a header: a bound on the successes */
	limit = nr * (size / sizeof(*h) + 1);
	for (;;) {
		err = merged ? pktcap_reader_next_merged(rd, &ring, &h)
			     : pktcap_reader_next(rd, &ring, &h);
		if (err) {
			CHECK(err == -EAGAIN || err == -EBADMSG);
			break;
		}
		CHECK(ring < nr && ++n <= limit);
		check_record(&f[ring], h);
		pktcap_reader_release(rd);
		for (i = 0; i < nr; i++)
			check_consumed(&f[i], start[i]);
	}
	pktcap_reader_close(rd);
	for (i = 0; i < nr; i++) {
		check_consumed(&f[i], start[i]);
		fring_free(&f[i]);
	}
	free(info);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct input in = { data, size };
	u8 b;

	if (!size)
		return 0;
	b = (u8)take(&in, 1);
	if (b & 8)
		run_parse(64U << (b & 7), &in);
	else
		run_program(64U << (b & 7), &in);
	return 0;
}

#ifdef FUZZ_STANDALONE
int main(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++) {
		FILE *fp = fopen(argv[i], "rb");
		static u8 buf[1 << 20];
		size_t n;

		if (!fp) {
			perror(argv[i]);
			return 1;
		}
		n = fread(buf, 1, sizeof(buf), fp);
		fclose(fp);
		LLVMFuzzerTestOneInput(buf, n);
	}
	return 0;
}
#endif
