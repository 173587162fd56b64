// SPDX-License-Identifier: GPL-2.0
/*
 * What the kernel itself knows about the provenance of the loaded pktcap
 * code: whether it verified the module signature at load time, the
 * srcversion modpost computed over our sources, and the taint the module
 * brought with it. Userspace compares these with a .ko on disk
 * (pktcapctl verify); here we only report, never judge.
 */
#include <linux/module.h>
#include "pktcap.h"

bool pktcap_sig_verified(void)
{
#ifdef CONFIG_MODULE_SIG
	return THIS_MODULE->sig_ok;
#else
	return false;
#endif
}

const char *pktcap_srcversion(void)
{
	return THIS_MODULE->srcversion ? THIS_MODULE->srcversion : "";
}
