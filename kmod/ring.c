// SPDX-License-Identifier: GPL-2.0
/*
 * The per-CPU rings of a capture session: memory, mmap, and the producer.
 *
 * Each ring is a producer page followed by the data area, allocated page
 * by page on its CPU's NUMA node and vmap()ed so the producer sees it
 * contiguous, plus a separate consumer page, the only memory the reader
 * may write. The index protocol itself is ring_proto.h, shared with the
 * host tests; this file only provides memory and calls it.
 */
#include <linux/if_vlan.h>
#include <linux/kref.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include "pktcap.h"
#include "ring.h"
#include "ring_proto.h"
#include "seal.h"

/**
 * struct pktcap_ring - one CPU's ring
 * @p: the producer's view, ring_proto.h
 * @seq: next record number, counting drops
 * @since_wake: records since the last wakeup request
 * @pages: the producer page then the data pages
 * @nr_pages: entries in @pages
 * @vaddr: kernel mapping of @pages
 * @cons_page: the reader-writable consumer page
 */
struct pktcap_ring {
	/*
	 * Producer state, without a lock: only its CPU writes it, from the
	 * hooks, which all run with BH disabled (receive softirq, transmit
	 * under rcu_read_lock_bh(), process-context receive under
	 * local_bh_disable()), so two producers of one CPU never interleave.
	 * On PREEMPT_RT, BH-disabled sections are a per-CPU lock too.
	 */
	struct pktcap_ring_prod p;
	u64 seq;
	u32 since_wake;
	struct page **pages;
	unsigned int nr_pages;
	void *vaddr;
	struct page *cons_page;
};

/**
 * struct pktcap_rings - the rings of one session
 * @ref: held by the session and by every VMA mapping part of it
 * @info_page: the page behind @info
 * @info: what readers find at mmap offset 0
 * @size: bytes in each data area
 * @wakeup_records: records after which the reader is woken
 * @nr: entries in @ring, one per possible CPU id
 * @ring: the rings, indexed by CPU id
 */
struct pktcap_rings {
	struct kref ref;
	struct page *info_page;
	struct pktcap_mmap_info *info;
	u32 size;
	u32 wakeup_records;
	u32 nr;
	struct pktcap_ring *ring[];
};

/*
 * Rings are as large as the caller asks and are charged to the caller's
 * memory cgroup: when they do not fit, START fails with ENOMEM rather than
 * waking the OOM killer (__GFP_RETRY_MAYFAIL).
 */
#define PKTCAP_GFP (GFP_KERNEL_ACCOUNT | __GFP_ZERO | __GFP_NOWARN | \
		    __GFP_RETRY_MAYFAIL)

static void ring_free(struct pktcap_ring *r)
{
	unsigned int i;

	if (!r)
		return;
	vunmap(r->vaddr);
	for (i = 0; i < r->nr_pages && r->pages[i]; i++)
		__free_page(r->pages[i]);
	if (r->cons_page)
		__free_page(r->cons_page);
	kvfree(r->pages);
	kfree(r);
}

static struct pktcap_ring *ring_alloc(int node, u32 size)
{
	struct pktcap_ring *r;
	unsigned int i;

	r = kzalloc_node(sizeof(*r), GFP_KERNEL_ACCOUNT, node);
	if (!r)
		return NULL;
	r->nr_pages = 1 + size / PAGE_SIZE;
	r->pages = kvcalloc(r->nr_pages, sizeof(*r->pages),
			    GFP_KERNEL_ACCOUNT | __GFP_RETRY_MAYFAIL);
	if (!r->pages)
		goto err;
	for (i = 0; i < r->nr_pages; i++) {
		r->pages[i] = alloc_pages_node(node, PKTCAP_GFP, 0);
		if (!r->pages[i])
			goto err;
	}
	r->cons_page = alloc_pages_node(node, PKTCAP_GFP, 0);
	if (!r->cons_page)
		goto err;
	r->vaddr = vmap(r->pages, r->nr_pages, VM_MAP, PAGE_KERNEL);
	if (!r->vaddr)
		goto err;
	if (pktcap_ring_prod_init(&r->p, r->vaddr, page_address(r->cons_page),
				  (u8 *)r->vaddr + PAGE_SIZE, size))
		goto err;
	return r;
err:
	ring_free(r);
	return NULL;
}

static void fill_info(struct pktcap_rings *rs, u32 snaplen, u64 session_id,
		      const u8 *key_id)
{
	struct pktcap_mmap_info *info = rs->info;

	info->magic = PKTCAP_MMAP_MAGIC;
	info->abi_version = PKTCAP_RING_ABI_VERSION;
	info->nr_rings = rs->nr;
	info->ring_size = rs->size;
	info->ring_offset = PAGE_SIZE;
	info->ring_stride = 2 * PAGE_SIZE + rs->size;
	info->data_offset = PAGE_SIZE;
	info->consumer_offset = PAGE_SIZE + rs->size;
	info->page_size = PAGE_SIZE;
	info->snaplen = snaplen;
	info->session_id = session_id;
	info->rec_hdr_len = sizeof(struct pktcap_rec_hdr);
	if (key_id) {
		info->flags |= PKTCAP_INFO_F_SEALED;
		memcpy(info->key_id, key_id, sizeof(info->key_id));
	}
}

struct pktcap_rings *pktcap_rings_alloc(u32 ring_size, u32 snaplen,
					u32 wakeup_records, u64 session_id,
					const u8 *key_id)
{
	struct pktcap_rings *rs;
	unsigned int cpu;

	rs = kzalloc(struct_size(rs, ring, nr_cpu_ids), GFP_KERNEL_ACCOUNT);
	if (!rs)
		return NULL;
	kref_init(&rs->ref);
	rs->nr = nr_cpu_ids;
	rs->size = ring_size;
	rs->wakeup_records = wakeup_records;
	rs->info_page = alloc_page(PKTCAP_GFP);
	if (!rs->info_page)
		goto err;
	rs->info = page_address(rs->info_page);
	for (cpu = 0; cpu < rs->nr; cpu++) {
		int node = cpu_possible(cpu) ? cpu_to_node(cpu) : NUMA_NO_NODE;

		rs->ring[cpu] = ring_alloc(node, ring_size);
		if (!rs->ring[cpu])
			goto err;
	}
	fill_info(rs, snaplen, session_id, key_id);
	return rs;
err:
	pktcap_rings_put(rs);
	return NULL;
}

static void rings_release(struct kref *ref)
{
	struct pktcap_rings *rs = container_of(ref, struct pktcap_rings, ref);
	unsigned int i;

	for (i = 0; i < rs->nr; i++)
		ring_free(rs->ring[i]);
	if (rs->info_page)
		__free_page(rs->info_page);
	kfree(rs);
}

void pktcap_rings_get(struct pktcap_rings *rs)
{
	kref_get(&rs->ref);
}

void pktcap_rings_put(struct pktcap_rings *rs)
{
	kref_put(&rs->ref, rings_release);
}

/* Tells readers still mapping these rings that the session is over. */
void pktcap_rings_stop(struct pktcap_rings *rs)
{
	WRITE_ONCE(rs->info->stopped, 1);
}

u64 pktcap_rings_session_id(const struct pktcap_rings *rs)
{
	return rs->info->session_id;
}

u32 pktcap_rings_count(const struct pktcap_rings *rs)
{
	return rs->nr;
}

bool pktcap_rings_pending(struct pktcap_rings *rs)
{
	unsigned int i;

	for (i = 0; i < rs->nr; i++) {
		struct pktcap_ring *r = rs->ring[i];

		if (pktcap_ring_unread(r->p.prod, r->p.cons))
			return true;
	}
	return false;
}

static void fill_header(struct pktcap_rec_hdr *h, const struct sk_buff *skb,
			const struct pktcap_rec_meta *m, u32 cap, u32 wire,
			u64 seq)
{
	h->cap_len = cap;
	h->wire_len = wire;
	h->tstamp_ns = ktime_get_real_ns();
	h->seq = seq;
	h->ifindex = m->ifindex;
	h->protocol = skb->protocol;
	h->direction = m->direction;
	h->pkt_type = skb->pkt_type;
	h->linktype = m->linktype;
	if (cap < wire)
		h->flags |= PKTCAP_REC_F_TRUNCATED;
	if (skb_vlan_tag_present(skb)) {
		h->flags |= PKTCAP_REC_F_VLAN;
		h->vlan_tci = skb_vlan_tag_get(skb);
		h->vlan_proto = skb->vlan_proto;
	}
}

u32 pktcap_ring_put(struct pktcap_rings *rs, const struct sk_buff *skb,
		    const struct pktcap_rec_meta *m, bool *wake)
{
	struct pktcap_ring *r = rs->ring[smp_processor_id()];
	u32 wire = skb->len + m->mac_off;
	u32 cap = min(wire, m->snaplen);
	struct pktcap_rec_hdr *h;
	u32 len = 0;
	int err;

	lockdep_assert_in_softirq();	/* the only exclusion: see the struct */
	h = pktcap_ring_reserve(&r->p, m->seal ? cap + PKTCAP_SEAL_OVERHEAD : cap);
	if (h) {
		fill_header(h, skb, m, cap, wire, r->seq);
		if (m->seal) {
			h->flags |= PKTCAP_REC_F_SEALED;
			err = pktcap_seal_record(m->seal, h, skb, m->mac_off, cap,
						 pktcap_rec_payload(h));
		} else {
			err = pktcap_copy_frame(skb, m->mac_off,
						pktcap_rec_payload(h), cap);
		}
		if (likely(!err)) {
			len = h->rec_len;
			pktcap_ring_commit(&r->p);
			if (++r->since_wake >= rs->wakeup_records) {
				r->since_wake = 0;
				*wake = true;
			}
		} else {
			pktcap_ring_abort(&r->p);
		}
	}
	r->seq++;
	return len;
}

static void pktcap_vm_open(struct vm_area_struct *vma)
{
	pktcap_rings_get(vma->vm_private_data);
}

static void pktcap_vm_close(struct vm_area_struct *vma)
{
	pktcap_rings_put(vma->vm_private_data);
}

static const struct vm_operations_struct pktcap_vm_ops = {
	.open = pktcap_vm_open,
	.close = pktcap_vm_close,
};

static int insert_pages(struct vm_area_struct *vma, struct page **pages,
			unsigned int n)
{
	unsigned long addr = vma->vm_start;
	unsigned int i;
	int err;

	for (i = 0; i < n; i++, addr += PAGE_SIZE) {
		err = vm_insert_page(vma, addr, pages[i]);
		if (err)
			return err;
	}
	return 0;
}

/*
 * Resolves an mmap request to the pages behind it. Only whole regions are
 * mapped: the info page, a ring (producer page and data), or a consumer
 * page. Everything but a consumer page is read-only, for good: VM_MAYWRITE
 * is cleared so mprotect() cannot make it writable later.
 */
static int region(struct pktcap_rings *rs, unsigned long off,
		  unsigned long len, struct page ***pages, unsigned int *n,
		  bool *writable)
{
	const struct pktcap_mmap_info *info = rs->info;
	unsigned long idx, rem;
	struct pktcap_ring *r;

	*writable = false;
	if (off == 0) {
		*pages = &rs->info_page;
		*n = 1;
		return len == PAGE_SIZE ? 0 : -EINVAL;
	}
	if (off < info->ring_offset)
		return -EINVAL;
	idx = (off - info->ring_offset) / info->ring_stride;
	rem = (off - info->ring_offset) % info->ring_stride;
	if (idx >= rs->nr)
		return -EINVAL;
	r = rs->ring[idx];
	if (rem == 0 && len == (unsigned long)r->nr_pages * PAGE_SIZE) {
		*pages = r->pages;
		*n = r->nr_pages;
		return 0;
	}
	if (rem == info->consumer_offset && len == PAGE_SIZE) {
		*pages = &r->cons_page;
		*n = 1;
		*writable = true;
		return 0;
	}
	return -EINVAL;
}

int pktcap_rings_mmap(struct pktcap_rings *rs, struct vm_area_struct *vma)
{
	unsigned long len = vma->vm_end - vma->vm_start;
	struct page **pages;
	bool writable;
	unsigned int n;
	int err;

	if (!(vma->vm_flags & VM_SHARED))
		return -EINVAL;
	err = region(rs, vma->vm_pgoff << PAGE_SHIFT, len, &pages, &n,
		     &writable);
	if (err)
		return err;
	if (!writable) {
		if (vma->vm_flags & VM_WRITE)
			return -EACCES;
		pktcap_vm_flags_clear(vma, VM_MAYWRITE);
	}
	pktcap_vm_flags_set(vma, VM_DONTEXPAND | VM_DONTDUMP);
	err = insert_pages(vma, pages, n);
	if (err)
		return err;
	vma->vm_ops = &pktcap_vm_ops;
	vma->vm_private_data = rs;
	pktcap_rings_get(rs);
	return 0;
}
