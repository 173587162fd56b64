// SPDX-License-Identifier: GPL-2.0
/*
 * nl_loadunload KO N - load and unload the module N times in one process,
 * checking after each load that /dev/pktcap is a character device and the
 * "pktcap" genetlink family resolves, and after each unload that neither
 * is left. One process, because under TCG each exec costs about a second
 * and twenty cycles of insmod/genl/rmmod from a shell take minutes.
 *
 * Prints "ok - ..." or "not ok - ...: why", like nl_malformed; exit 1 on
 * failure.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/pktcap.h>

/* 0 if the family resolves, -ENOENT if nlctrl does not know it. */
static int family_lookup(void)
{
	struct {
		struct nlmsghdr nlh;
		struct genlmsghdr g;
		struct nlattr a;
		char name[8];
	} req = {
		.nlh = { .nlmsg_len = sizeof(req), .nlmsg_type = GENL_ID_CTRL,
			 .nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK, .nlmsg_seq = 1 },
		.g = { .cmd = CTRL_CMD_GETFAMILY, .version = 1 },
		.a = { .nla_len = NLA_HDRLEN + sizeof(PKTCAP_GENL_NAME),
		       .nla_type = CTRL_ATTR_FAMILY_NAME },
		.name = PKTCAP_GENL_NAME,
	};
	struct timeval tv = { .tv_sec = 5 };
	char buf[8192];
	struct nlmsghdr *nlh;
	int fd, err = -EIO;
	ssize_t n;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (send(fd, &req, sizeof(req), 0) < 0 || (n = recv(fd, buf, sizeof(buf), 0)) < 0) {
		err = -errno;
		goto out;
	}
	nlh = (struct nlmsghdr *)buf;
	if (!NLMSG_OK(nlh, n))
		goto out;
	if (nlh->nlmsg_type == GENL_ID_CTRL)
		err = 0;	/* the family's description: it exists */
	else if (nlh->nlmsg_type == NLMSG_ERROR)
		err = ((struct nlmsgerr *)NLMSG_DATA(nlh))->error;
out:
	close(fd);
	return err;
}

static bool dev_present(void)
{
	struct stat st;

	return !stat(PKTCAP_DEVICE_PATH, &st) && S_ISCHR(st.st_mode);
}

static bool dev_gone(void)
{
	struct stat st;

	return stat(PKTCAP_DEVICE_PATH, &st) && errno == ENOENT;
}

static int load(int ko_fd)
{
	if (lseek(ko_fd, 0, SEEK_SET) || syscall(SYS_finit_module, ko_fd, "", 0))
		return -errno;
	return 0;
}

static int unload(void)
{
	return syscall(SYS_delete_module, "pktcap", O_NONBLOCK) ? -errno : 0;
}

/* One cycle; NULL if it went well, else what went wrong. */
static const char *cycle(int ko_fd)
{
	static char why[128];
	int err;

	err = load(ko_fd);
	if (err) {
		snprintf(why, sizeof(why), "load: %s", strerror(-err));
		return why;
	}
	if (!dev_present())
		return "loaded, but no character device " PKTCAP_DEVICE_PATH;
	err = family_lookup();
	if (err) {
		snprintf(why, sizeof(why), "loaded, but the family does not resolve: %s",
			 strerror(-err));
		return why;
	}
	err = unload();
	if (err) {
		snprintf(why, sizeof(why), "unload: %s", strerror(-err));
		return why;
	}
	if (!dev_gone())
		return "unloaded, but " PKTCAP_DEVICE_PATH " is still there";
	if (family_lookup() != -ENOENT)
		return "unloaded, but the family still resolves";
	return NULL;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	const char *why = NULL;
	int ko_fd, n, i;
	double t0;

	if (argc != 3 || (n = atoi(argv[2])) < 1) {
		fprintf(stderr, "usage: nl_loadunload KO N\n");
		return 2;
	}
	ko_fd = open(argv[1], O_RDONLY | O_CLOEXEC);
	if (ko_fd < 0) {
		perror(argv[1]);
		return 2;
	}
	t0 = now();
	for (i = 1; i <= n && !why; i++)
		why = cycle(ko_fd);
	if (why)
		printf("not ok - %d load/unload cycles: cycle %d: %s\n", n, i - 1, why);
	else
		printf("ok - %d load/unload cycles, device and family there and gone each time (%.0f ms each)\n",
		       n, (now() - t0) * 1000 / n);
	return why ? 1 : 0;
}
