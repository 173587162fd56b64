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

/* from_timer() became timer_container_of() in 6.16. */
#ifdef timer_container_of
#define pktcap_timer_container(var, t, field) timer_container_of(var, t, field)
#else
#define pktcap_timer_container(var, t, field) from_timer(var, t, field)
#endif

/* vm_flags became read-only outside the vm_flags_*() helpers in 6.3. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 3, 0)
#define pktcap_vm_flags_set(vma, f)	vm_flags_set(vma, f)
#define pktcap_vm_flags_clear(vma, f)	vm_flags_clear(vma, f)
#else
#define pktcap_vm_flags_set(vma, f)	((vma)->vm_flags |= (f))
#define pktcap_vm_flags_clear(vma, f)	((vma)->vm_flags &= ~(f))
#endif

/* A dump's parsed attributes moved into a struct genl_info in 6.7. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 7, 0)
#define pktcap_genl_dump_attrs(cb)	(genl_info_dump(cb)->attrs)
#else
#define pktcap_genl_dump_attrs(cb)	(genl_dumpit_info(cb)->attrs)
#endif

#endif /* _PKTCAP_COMPAT_H */
