/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The few kernel primitives that pktcap's pure logic (packet parser, ring
 * index protocol) uses, so that the same source builds in the module and on
 * the host, where it is unit-tested and fuzzed. Only this header knows which
 * side it is on.
 */
#ifndef _PKTCAP_PURE_H
#define _PKTCAP_PURE_H

#ifdef __KERNEL__
#include <linux/types.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/string.h>
#include <linux/compiler.h>
#include "compat.h"		/* get_unaligned_be16() and friends */
#include <asm/byteorder.h>
#include <asm/barrier.h>
#else /* host */
#include <assert.h>		/* static_assert(), as <linux/build_bug.h> */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <endian.h>
#include <linux/types.h>

typedef __u8 u8;
typedef __u16 u16;
typedef __u32 u32;
typedef __u64 u64;
typedef __s32 s32;
typedef __s64 s64;

#ifndef likely
#define likely(x)	__builtin_expect(!!(x), 1)
#define unlikely(x)	__builtin_expect(!!(x), 0)
#endif
#define READ_ONCE(x)		__atomic_load_n(&(x), __ATOMIC_RELAXED)
#define WRITE_ONCE(x, v)	__atomic_store_n(&(x), (v), __ATOMIC_RELAXED)
/* barrier: the C11 acquire, as the kernel's smp_load_acquire() promises */
#define smp_load_acquire(p)	__atomic_load_n((p), __ATOMIC_ACQUIRE)
/* barrier: the C11 release, as the kernel's smp_store_release() promises */
#define smp_store_release(p, v)	__atomic_store_n((p), (v), __ATOMIC_RELEASE)
#define be16_to_cpu(x)		be16toh(x)
#define be32_to_cpu(x)		be32toh(x)
#define cpu_to_be16(x)		htobe16(x)
#define cpu_to_be32(x)		htobe32(x)
#define ALIGN(x, a)		({ __typeof__(x) _m = (__typeof__(x))(a) - 1; \
				   ((x) + _m) & ~_m; })
#define min_t(t, a, b)		({ t _a = (a), _b = (b); _a < _b ? _a : _b; })
#define max_t(t, a, b)		({ t _a = (a), _b = (b); _a > _b ? _a : _b; })
#define fallthrough		__attribute__((__fallthrough__))
#ifndef __aligned
#define __aligned(x)		__attribute__((__aligned__(x)))
#endif

static inline u16 get_unaligned_be16(const void *p)
{
	u16 v;

	memcpy(&v, p, sizeof(v));
	return be16toh(v);
}

static inline u32 get_unaligned_be32(const void *p)
{
	u32 v;

	memcpy(&v, p, sizeof(v));
	return be32toh(v);
}
#endif /* __KERNEL__ */

#endif /* _PKTCAP_PURE_H */
