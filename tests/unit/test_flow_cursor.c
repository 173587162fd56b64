// SPDX-License-Identifier: GPL-2.0
/*
 * kmod/flow_cursor.h: the FLOWS dump's visiting order. A model table of
 * hashes stands in for the flow table; it grows at random moments of a
 * dump, as the kernel's does between two pages, and every flow present
 * throughout must be reported exactly once.
 */
#include <stdlib.h>

#include "kselftest_harness.h"
#include "flow_cursor.h"

#define NFLOWS	4000

/* A deterministic generator, so that a failure repeats. */
static u32 rnd(u64 *s)
{
	*s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
	return *s >> 32;
}

TEST(bitrev)
{
	EXPECT_EQ(0x80000000u, pktcap_bitrev32(1));
	EXPECT_EQ(1u, pktcap_bitrev32(0x80000000u));
	EXPECT_EQ(0x0f0000f0u, pktcap_bitrev32(0x0f0000f0u));
	EXPECT_EQ(0x12345678u, pktcap_bitrev32(pktcap_bitrev32(0x12345678u)));
}

/* Without growth: every bucket once, in reversed order, ending at 0. */
TEST(every_bucket_once)
{
	static const u32 order8[] = { 0, 4, 2, 6, 1, 5, 3, 7 };
	u32 mask, v, n, i;
	unsigned char *seen;

	for (i = 0, v = 0; i < 8; i++) {
		EXPECT_EQ(order8[i], v);
		v = pktcap_flow_cursor_next(v, 7);
	}
	EXPECT_EQ(0u, v);

	for (mask = 0; mask < (1u << 16); mask = mask << 1 | 1) {
		seen = calloc(mask + 1, 1);
		ASSERT_NE(NULL, seen);
		n = 0;
		v = 0;
		do {
			ASSERT_LE(v, mask);
			ASSERT_EQ(0, seen[v]);
			seen[v] = 1;
			n++;
			v = pktcap_flow_cursor_next(v, mask);
		} while (v);
		EXPECT_EQ(mask + 1, n);
		free(seen);
	}
}

/* The flows, ordered by bucket under the current mask, to find a bucket's. */
static u32 sort_mask;

static int by_bucket(const void *a, const void *b)
{
	u32 x = *(const u32 *)a & sort_mask, y = *(const u32 *)b & sort_mask;

	return x < y ? -1 : x > y;
}

/* Index of the first flow of bucket @b in @h (sorted by bucket). */
static u32 first_of(const u32 *h, u32 n, u32 b)
{
	u32 lo = 0, hi = n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if ((h[mid] & sort_mask) < b)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/*
 * Growth between pages: the dump visits a random number of buckets per
 * page, and before some pages the table grows by 2, 4 or 8 times. Stable
 * flows (distinct hashes) count each visit of the bucket holding them.
 */
static void dump_with_growth(struct __test_metadata *_metadata, u64 seed,
			     u32 mask, u32 max_mask)
{
	static u32 hash[NFLOWS], sorted[NFLOWS];
	static unsigned char count[1u << 16];
	u32 v = 0, b, i, page;
	bool started = false;

	/* distinct low 16 bits, so count[] can be indexed by them */
	for (i = 0; i < NFLOWS; i++)
		hash[i] = (rnd(&seed) & 0xffff0000u) | (i * 40503u & 0xffff);
	memset(count, 0, sizeof(count));
	sort_mask = ~0u;
	while (!started || v) {
		if (mask < max_mask && rnd(&seed) % 3 == 0) {
			mask = mask << (1 + rnd(&seed) % 3) | 7;
			if (mask > max_mask)
				mask = max_mask;
		}
		if (sort_mask != mask) {
			sort_mask = mask;
			memcpy(sorted, hash, sizeof(sorted));
			qsort(sorted, NFLOWS, sizeof(sorted[0]), by_bucket);
		}
		ASSERT_LE(v, mask);
		for (page = 1 + rnd(&seed) % 40; page && (!started || v); page--) {
			started = true;
			b = v & mask;
			for (i = first_of(sorted, NFLOWS, b);
			     i < NFLOWS && (sorted[i] & mask) == b; i++)
				count[sorted[i] & 0xffff]++;
			v = pktcap_flow_cursor_next(v, mask);
		}
	}
	for (i = 0; i < NFLOWS; i++)
		ASSERT_EQ(1, count[hash[i] & 0xffff]) {
			TH_LOG("seed %llu: flow %u (hash %#x) seen %u times",
			       (unsigned long long)seed, i, hash[i],
			       count[hash[i] & 0xffff]);
		}
}

TEST(growth_mid_dump)
{
	u64 seed;

	for (seed = 1; seed <= 100; seed++)
		dump_with_growth(_metadata, seed, 1023, (1u << 16) - 1);
}

TEST(growth_from_one_bucket)
{
	u64 seed;

	for (seed = 1; seed <= 50; seed++)
		dump_with_growth(_metadata, seed, 0, (1u << 12) - 1);
}

TEST_HARNESS_MAIN
