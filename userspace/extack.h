/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Extended ACK parsing (NETLINK_EXT_ACK), independent of libnl so that it
 * can be unit-tested on hand-made messages.
 */
#ifndef PK_EXTACK_H
#define PK_EXTACK_H

#include <linux/netlink.h>

/*
 * The error code an NLMSG_ERROR or NLMSG_DONE message carries: 0 or a
 * negative errno (-EBADMSG if the message is too short to carry one).
 */
int pk_nlmsg_error(const struct nlmsghdr *nlh);

/*
 * The NLMSGERR_ATTR_MSG string of an NLMSG_ERROR (error or ACK) or
 * NLMSG_DONE message, or NULL if it has none or is malformed. Handles both
 * the capped (NETLINK_CAP_ACK) and the full echo of the request. The string
 * points into the message.
 */
const char *pk_extack_msg(const struct nlmsghdr *nlh);

#endif /* PK_EXTACK_H */
