// SPDX-License-Identifier: GPL-2.0
/*
 * vmtest_mod - a module for checking tests/vm/run.sh itself, never for pktcap.
 * action=none  load and do nothing (out-of-tree + unsigned: taint OE only)
 * action=warn  WARN_ON_ONCE(1) on load (with panic_on_warn=1 the guest dies)
 */
#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/string.h>

static char *action = "none";
module_param(action, charp, 0444);
MODULE_PARM_DESC(action, "none|warn");

static int __init vmtest_init(void)
{
	pr_info("vmtest_mod: action=%s\n", action);
	if (!strcmp(action, "warn"))
		WARN_ON_ONCE(1);
	return 0;
}

static void __exit vmtest_exit(void)
{
}

module_init(vmtest_init);
module_exit(vmtest_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("self-test module for the pktcap VM harness");
