/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The FLOWS dump's cursor over a flow table that may grow between two
 * pages of the dump (pure logic: unit-tested on the host).
 *
 * Buckets are visited in bit-reversed counting order: with 8 buckets,
 * 0 4 2 6 1 5 3 7. The table's size is a power of two and a flow's bucket
 * is hash & mask, so when the table grows from 2^n to 2^(n+k) buckets, the
 * flows of bucket b spread over the buckets whose low n bits are b. In
 * reversed order those come exactly where b came, so the buckets visited
 * before the growth hold exactly the flows that were in the buckets visited
 * before it: a flow present for the whole dump is reported once, neither
 * missed nor repeated. (Shrinking would break this; the table never
 * shrinks while metering is enabled.)
 */
#ifndef _PKTCAP_FLOW_CURSOR_H
#define _PKTCAP_FLOW_CURSOR_H

#include "pure.h"

static inline u32 pktcap_bitrev32(u32 v)
{
	v = (v >> 1 & 0x55555555) | (v & 0x55555555) << 1;
	v = (v >> 2 & 0x33333333) | (v & 0x33333333) << 2;
	v = (v >> 4 & 0x0f0f0f0f) | (v & 0x0f0f0f0f) << 4;
	v = (v >> 8 & 0x00ff00ff) | (v & 0x00ff00ff) << 8;
	return v >> 16 | v << 16;
}

/**
 * pktcap_flow_cursor_next() - the bucket after @v in reversed order
 * @v: the bucket just visited, at most @mask
 * @mask: the table's buckets minus one, a power of two minus one
 *
 * Return: the next bucket to visit; 0 when every bucket has been (the walk
 * starts at 0 too, so the caller keeps a flag for "started").
 */
static inline u32 pktcap_flow_cursor_next(u32 v, u32 mask)
{
	/* Bits above the mask set, so the increment carries through them. */
	return pktcap_bitrev32(pktcap_bitrev32(v | ~mask) + 1);
}

#endif /* _PKTCAP_FLOW_CURSOR_H */
