// SPDX-License-Identifier: GPL-2.0
/* Extended ACK parsing: find NLMSGERR_ATTR_MSG in an error or done message. */
#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <linux/netlink.h>

#include "extack.h"

int pk_nlmsg_error(const struct nlmsghdr *nlh)
{
	int err;

	if (nlh->nlmsg_len < NLMSG_LENGTH(sizeof(err)))
		return -EBADMSG;
	memcpy(&err, NLMSG_DATA(nlh), sizeof(err));
	return err > 0 ? -err : err;
}

/* Offset of the TLVs from the start of the payload, 0 if there are none. */
static size_t tlv_offset(const struct nlmsghdr *nlh)
{
	const struct nlmsgerr *e = NLMSG_DATA(nlh);
	size_t payload = nlh->nlmsg_len - NLMSG_HDRLEN;

	if (nlh->nlmsg_type == NLMSG_DONE)
		return NLMSG_ALIGN(sizeof(int));
	if (payload < sizeof(*e))
		return 0;
	if (nlh->nlmsg_flags & NLM_F_CAPPED)
		return sizeof(*e);
	if (e->msg.nlmsg_len < NLMSG_HDRLEN)
		return 0;
	/* The request's payload is echoed after the nlmsgerr. */
	return NLMSG_ALIGN(sizeof(*e) + e->msg.nlmsg_len - NLMSG_HDRLEN);
}

static const char *find_msg(const unsigned char *p, size_t len)
{
	while (len >= NLA_HDRLEN) {
		const struct nlattr *a = (const void *)p;
		size_t alen = a->nla_len;

		if (alen < NLA_HDRLEN || alen > len)
			return NULL;
		if ((a->nla_type & NLA_TYPE_MASK) == NLMSGERR_ATTR_MSG) {
			const char *s = (const char *)p + NLA_HDRLEN;
			size_t slen = alen - NLA_HDRLEN;

			return slen && memchr(s, '\0', slen) ? s : NULL;
		}
		if (NLA_ALIGN(alen) >= len)
			return NULL;
		p += NLA_ALIGN(alen);
		len -= NLA_ALIGN(alen);
	}
	return NULL;
}

const char *pk_extack_msg(const struct nlmsghdr *nlh)
{
	size_t payload, off;

	if (nlh->nlmsg_type != NLMSG_ERROR && nlh->nlmsg_type != NLMSG_DONE)
		return NULL;
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS) ||
	    nlh->nlmsg_len < NLMSG_HDRLEN)
		return NULL;
	payload = nlh->nlmsg_len - NLMSG_HDRLEN;
	off = tlv_offset(nlh);
	if (!off || off >= payload)
		return NULL;
	return find_msg((const unsigned char *)NLMSG_DATA(nlh) + off,
			payload - off);
}
