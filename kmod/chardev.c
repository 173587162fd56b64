// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/pktcap: where readers map the rings of their namespace's capture
 * session and sleep in poll() until records arrive.
 *
 * One reader per network namespace: the rings have a single consumer
 * index, so a second reader would steal records from the first. The
 * namespace is the opener's, fixed at open() like a socket's.
 */
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/nsproxy.h>
#include <linux/poll.h>
#include <linux/slab.h>
#include "pktcap.h"
#include "ring.h"

/**
 * struct pktcap_file - one open /dev/pktcap
 * @net: the opener's namespace, referenced while open
 * @pn: its pktcap state
 * @session_id: the session whose rings were last mapped, 0 before any
 * @wake_seen: the session's last wakeup event poll() reported
 */
struct pktcap_file {
	struct net *net;
	struct pktcap_net *pn;
	u64 session_id;
	u32 wake_seen;
};

static int pktcap_open(struct inode *inode, struct file *file)
{
	struct net *net = current->nsproxy->net_ns;
	struct pktcap_file *pf;

	if (!ns_capable(net->user_ns, CAP_NET_RAW) &&
	    !ns_capable(net->user_ns, CAP_NET_ADMIN))
		return -EPERM;
	pf = kzalloc(sizeof(*pf), GFP_KERNEL);
	if (!pf)
		return -ENOMEM;
	pf->net = get_net(net);
	pf->pn = pktcap_pernet(net);
	if (atomic_cmpxchg(&pf->pn->reader_busy, 0, 1)) {
		put_net(pf->net);
		kfree(pf);
		return -EBUSY;
	}
	file->private_data = pf;
	return stream_open(inode, file);
}

static int pktcap_release(struct inode *inode, struct file *file)
{
	struct pktcap_file *pf = file->private_data;

	atomic_set(&pf->pn->reader_busy, 0);
	put_net(pf->net);
	kfree(pf);
	return 0;
}

static int pktcap_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct pktcap_file *pf = file->private_data;
	struct pktcap_rings *rs;
	int err;

	rs = pktcap_capture_rings_get(pf->pn);
	if (!rs)
		return -ENODATA;
	err = pktcap_rings_mmap(rs, vma);
	if (!err)
		WRITE_ONCE(pf->session_id, pktcap_rings_session_id(rs));
	pktcap_rings_put(rs);
	return err;
}

static __poll_t pktcap_poll(struct file *file, poll_table *wait)
{
	struct pktcap_file *pf = file->private_data;
	u64 mapped = READ_ONCE(pf->session_id);
	__poll_t mask = 0;
	bool ready;
	u64 running;

	poll_wait(file, &pf->pn->wq, wait);
	rcu_read_lock();
	running = pktcap_capture_poll_state(pf->pn, &pf->wake_seen, &ready);
	rcu_read_unlock();
	if (mapped && running != mapped)
		mask |= EPOLLHUP;
	else if (ready)
		mask |= EPOLLIN | EPOLLRDNORM;
	return mask;
}

static const struct file_operations pktcap_fops = {
	.owner = THIS_MODULE,
	.open = pktcap_open,
	.release = pktcap_release,
	.mmap = pktcap_mmap,
	.poll = pktcap_poll,
};

static struct miscdevice pktcap_miscdev = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "pktcap",
	.fops = &pktcap_fops,
	.mode = 0600,
};

int __init pktcap_chardev_init(void)
{
	return misc_register(&pktcap_miscdev);
}

void pktcap_chardev_exit(void)
{
	misc_deregister(&pktcap_miscdev);
}
