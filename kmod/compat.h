/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every difference between the kernel versions pktcap builds against lives
 * here and nowhere else. Each block says which kernels it serves.
 */
#ifndef _PKTCAP_COMPAT_H
#define _PKTCAP_COMPAT_H

#include <linux/version.h>

/* <asm/unaligned.h> moved to <linux/unaligned.h> in 6.12. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0)
#include <linux/unaligned.h>
#else
#include <asm/unaligned.h>
#endif

#endif /* _PKTCAP_COMPAT_H */
