// SPDX-License-Identifier: GPL-2.0
/*
 * pktcapctl record on an encrypted session: copy the sealed records into a
 * sealed capture file (sealfile.h). The recorder holds no key and so can
 * only ever write what the kernel sealed; pk_sealw_write() refuses any
 * record without PKTCAP_REC_F_SEALED, so a plaintext byte cannot slip in
 * even from a confused ring.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "nl.h"
#include "pktcap_reader.h"
#include "sealfile.h"

static const struct nla_policy dev_policy[PKTCAP_A_DEVICE_MAX + 1] = {
	[PKTCAP_A_DEVICE_IFINDEX] = PK_POL_U32,
	[PKTCAP_A_DEVICE_IFNAME] = PK_POL_STR(IF_NAMESIZE),
	[PKTCAP_A_DEVICE_STATE] = PK_POL_U32,
	[PKTCAP_A_DEVICE_LINKTYPE] = PK_POL_U32,
};

static int add_dev(struct pk_sealw *w, const struct nlattr *nest)
{
	struct nlattr *tb[PKTCAP_A_DEVICE_MAX + 1];

	if (pk_nl_parse_nested(nest, tb, PKTCAP_A_DEVICE_MAX, dev_policy) ||
	    !tb[PKTCAP_A_DEVICE_IFINDEX] || !tb[PKTCAP_A_DEVICE_LINKTYPE])
		return -EBADMSG;
	return pk_sealw_add_iface(w, nla_get_u32(tb[PKTCAP_A_DEVICE_IFINDEX]),
				  tb[PKTCAP_A_DEVICE_IFNAME] ?
				  nla_get_string(tb[PKTCAP_A_DEVICE_IFNAME]) : NULL,
				  (uint16_t)nla_get_u32(tb[PKTCAP_A_DEVICE_LINKTYPE]));
}

/* The interface table, from the session's devices in STATUS order. */
static int add_devices(struct pk_nl *nl, struct pk_sealw *w)
{
	struct nlattr *tb[PKTCAP_A_MAX + 1], *a;
	struct nlmsghdr *reply;
	int err, rem;

	err = pk_nl_query(nl, pk_nl_req(PKTCAP_CMD_STATUS, 0), &reply);
	if (err)
		return pk_nl_perror(nl, "status", err);
	err = pk_nl_parse(reply, tb, PKTCAP_A_MAX, NULL);
	if (!err && !tb[PKTCAP_A_CAPTURE])
		err = -EBADMSG;
	if (!err)
		nla_for_each_nested(a, tb[PKTCAP_A_CAPTURE], rem)
			if (!err && nla_type(a) == PKTCAP_A_CAPTURE_DEVICE)
				err = add_dev(w, a);
	free(reply);
	if (err == -EBADMSG)
		return pk_err_errno("status", err, NULL);
	if (err)
		return pk_err_errno("record", err, pk_sealw_strerror(w));
	return 0;
}

/* Everything the rings hold now, up to @count. 0, or 1 once reported. */
static int drain(struct pktcap_reader *r, struct pk_sealw *w, uint64_t count,
		 volatile sig_atomic_t *stop)
{
	const struct pktcap_rec_hdr *rec;
	unsigned int ring;
	int err;

	/* *@stop too: under a flood the rings never run dry (cmd_record.c). */
	while (!*stop && (!count || pk_sealw_records(w) < count)) {
		err = pktcap_reader_next_merged(r, &ring, &rec);
		if (err == -EAGAIN)
			break;
		if (err) {
			pk_err("record", "ring %u is corrupt", ring);
			return 1;
		}
		if (pk_sealw_write(w, rec))
			break;	/* sticky: reported below */
	}
	err = pk_sealw_flush(w);
	if (err == -EPIPE) {
		*stop = 1;	/* the reader of stdout went away */
		return 0;
	}
	if (err) {
		pk_err(NULL, "%s", pk_sealw_strerror(w));
		return 1;
	}
	return 0;
}

static int loop(struct pktcap_reader *r, struct pk_sealw *w, uint64_t count,
		volatile sig_atomic_t *stop)
{
	int err;

	for (;;) {
		if (drain(r, w, count, stop))
			return 1;
		if (*stop || (count && pk_sealw_records(w) >= count))
			return 0;
		err = pktcap_reader_poll(r, 1000);
		if (err == -EPIPE) {
			pk_err("record", "the capture session was stopped");
			return 0;
		}
		if (err < 0 && err != -EINTR)
			return pk_err_errno("poll", err, NULL);
	}
}

int pk_record_sealed(struct pk_nl *nl, struct pktcap_reader *r,
		     const char *path, uint64_t count,
		     volatile sig_atomic_t *stop, uint64_t *written)
{
	const struct pktcap_mmap_info *info = pktcap_reader_info(r);
	char errbuf[256];
	struct pk_sealw *w;
	int rc;

	*written = 0;
	w = pk_sealw_open(path, info->key_id, info->snaplen, errbuf);
	if (!w) {
		pk_err(NULL, "%s", errbuf);
		return 1;
	}
	rc = add_devices(nl, w);
	if (!rc)
		rc = loop(r, w, count, stop);
	*written = pk_sealw_records(w);
	if (pk_sealw_close(w, errbuf) && !rc && !*stop) {
		pk_err(NULL, "%s", errbuf);
		rc = 1;
	}
	return rc;
}
