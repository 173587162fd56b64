// SPDX-License-Identifier: GPL-2.0
/*
 * What the kernel itself knows about the provenance of the loaded pktcap
 * code: whether it verified the module signature at load time, the
 * srcversion modpost computed over our sources, and the taint the module
 * brought with it. Userspace compares these with a .ko on disk
 * (pktcapctl verify); here we only report, never judge.
 */
#include <linux/module.h>
#include <net/netlink.h>
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

/* The taint letters a module can carry, as /sys/module/NAME/taint shows them. */
static const struct {
	int bit;
	char c;
} module_taints[] = {
	{ TAINT_PROPRIETARY_MODULE, 'P' },
	{ TAINT_FORCED_MODULE, 'F' },
	{ TAINT_CRAP, 'C' },
	{ TAINT_OOT_MODULE, 'O' },
	{ TAINT_UNSIGNED_MODULE, 'E' },
	{ TAINT_LIVEPATCH, 'K' },
	{ TAINT_TEST, 'N' },
};

static void taint_string(char *buf)
{
	unsigned int i, n = 0;

	for (i = 0; i < ARRAY_SIZE(module_taints); i++)
		if (test_bit(module_taints[i].bit, &THIS_MODULE->taints))
			buf[n++] = module_taints[i].c;
	buf[n] = '\0';
}

/* The PKTCAP_A_VERIFY nest: the kernel's own view, never a judgement. */
int pktcap_verify_fill(struct sk_buff *skb)
{
	char taint[ARRAY_SIZE(module_taints) + 1];
	struct nlattr *nest;

	taint_string(taint);
	nest = nla_nest_start(skb, PKTCAP_A_VERIFY);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u8(skb, PKTCAP_A_VERIFY_SIG_VERIFIED, pktcap_sig_verified()) ||
	    nla_put_string(skb, PKTCAP_A_VERIFY_TAINT, taint) ||
	    nla_put_string(skb, PKTCAP_A_VERIFY_VERSION, PKTCAP_VERSION) ||
	    nla_put_string(skb, PKTCAP_A_VERIFY_SRCVERSION, pktcap_srcversion()) ||
	    nla_put_u8(skb, PKTCAP_A_VERIFY_SIG_ENFORCE, is_module_sig_enforced())) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}
