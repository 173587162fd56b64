// SPDX-License-Identifier: GPL-2.0
/*
 * pktcap: packet capture and flow telemetry.
 *
 * Module entry points and the per-namespace state. Everything user-visible
 * is reached either through the "pktcap" generic netlink family or through
 * /dev/pktcap; both are registered only after the per-namespace state they
 * use exists, and torn down in the exact reverse order.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/percpu.h>
#include <net/genetlink.h>
#include "pktcap.h"
#include "flow.h"

static unsigned int pktcap_net_id __read_mostly;

struct pktcap_net *pktcap_pernet(const struct net *net)
{
	return net_generic(net, pktcap_net_id);
}

static int __net_init pktcap_net_init(struct net *net)
{
	struct pktcap_net *pn = pktcap_pernet(net);
	int cpu;

	pn->cap_stats = alloc_percpu(struct pktcap_cap_stats);
	if (!pn->cap_stats)
		return -ENOMEM;
	for_each_possible_cpu(cpu)
		u64_stats_init(&per_cpu_ptr(pn->cap_stats, cpu)->syncp);

	if (pktcap_meter_stats_init(pn)) {
		free_percpu(pn->cap_stats);
		return -ENOMEM;
	}

	pn->net = net;
	mutex_init(&pn->lock);
	init_waitqueue_head(&pn->wq);
	atomic_set(&pn->reader_busy, 0);
	return 0;
}

static void __net_exit pktcap_net_exit(struct net *net)
{
	struct pktcap_net *pn = pktcap_pernet(net);

	pktcap_net_shutdown(pn);
	pktcap_meter_stats_free(pn);
	free_percpu(pn->cap_stats);
}

static struct pernet_operations pktcap_net_ops = {
	.init = pktcap_net_init,
	.exit = pktcap_net_exit,
	.id   = &pktcap_net_id,
	.size = sizeof(struct pktcap_net),
};

static int __init pktcap_init(void)
{
	int err;

	err = pktcap_flow_cache_init();
	if (err)
		return err;
	err = register_pernet_subsys(&pktcap_net_ops);
	if (err)
		goto err_cache;
	err = pktcap_notifier_init();
	if (err)
		goto err_pernet;
	err = pktcap_exporter_init();
	if (err)
		goto err_notifier;
	err = pktcap_genl_init();
	if (err)
		goto err_exporter;
	err = pktcap_chardev_init();
	if (err)
		goto err_genl;

	pr_info("version %s loaded\n", PKTCAP_VERSION);
	return 0;

err_genl:
	pktcap_genl_exit();
err_exporter:
	pktcap_exporter_exit();
err_notifier:
	pktcap_notifier_exit();
err_pernet:
	unregister_pernet_subsys(&pktcap_net_ops);
err_cache:
	pktcap_flow_cache_exit();
	return err;
}

static void __exit pktcap_exit(void)
{
	pktcap_chardev_exit();
	pktcap_genl_exit();
	pktcap_exporter_exit();
	pktcap_notifier_exit();
	unregister_pernet_subsys(&pktcap_net_ops);
	pktcap_flow_cache_exit();
	pr_info("unloaded\n");
}

module_init(pktcap_init);
module_exit(pktcap_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("The pktcap developers");
MODULE_DESCRIPTION("Packet capture to mmap rings and in-kernel flow metering");
MODULE_VERSION(PKTCAP_VERSION);
MODULE_ALIAS_GENL_FAMILY(PKTCAP_GENL_NAME);
MODULE_SOFTDEP("pre: gcm");
