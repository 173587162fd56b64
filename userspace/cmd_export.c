// SPDX-License-Identifier: GPL-2.0
/*
 * pktcapctl export enable|disable: NetFlow v5 / v9 / IPFIX export of the
 * flows the kernel meter expires. The kernel only delivers flows and keeps
 * the settings for STATUS; the exporter process does the rest
 * (export_daemon.c, exporter.c).
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"
#include "err.h"
#include "export_daemon.h"
#include "nl.h"

enum {
	OPT_VERSION = 0x100, OPT_DOMAIN, OPT_MTU, OPT_TMPL, OPT_PIDFILE,
	OPT_STATE,
};

#define DEFAULT_TMPL_PACKETS	20
#define DEFAULT_TMPL_SECS	60
#define DISABLE_WAIT_MS		10000

static int parse_u32(const char *s, unsigned long min, unsigned long max,
		     unsigned int *v)
{
	unsigned long x;
	char *end;

	errno = 0;
	x = strtoul(s, &end, 0);
	if (!*s || *end || errno || x < min || x > max || *s == '-')
		return -1;
	*v = x;
	return 0;
}

static int parse_version(const char *s, unsigned int *v)
{
	if (!strcmp(s, "ipfix") || !strcmp(s, "IPFIX"))
		s = "10";
	if (parse_u32(s, 5, 10, v) || (*v != 5 && *v != 9 && *v != 10))
		return -1;
	return 0;
}

/* PACKETS[,SECONDS]: seconds omitted means no refresh by time. */
static int parse_tmpl(const char *s, struct pk_exporter_cfg *c)
{
	char buf[64], *comma;

	snprintf(buf, sizeof(buf), "%s", s);
	comma = strchr(buf, ',');
	c->tmpl_secs = 0;
	if (comma) {
		*comma = '\0';
		if (parse_u32(comma + 1, 0, 86400, &c->tmpl_secs))
			return -1;
	}
	return parse_u32(buf, 0, 1000000, &c->tmpl_packets);
}

static int take_opt(struct export_opts *o, int c, const char *arg)
{
	const struct pk_cmd *cmd = &pk_cmd_export;
	struct sockaddr_storage ss;
	const char *why = NULL;
	socklen_t sslen;
	unsigned int v;

	switch (c) {
	case 'c':
		if (o->ncol == PKTCAP_MAX_COLLECTORS)
			return pk_usage_error(cmd, arg, "too many collectors (at most 8)");
		if (strlen(arg) > 63)
			return pk_usage_error(cmd, arg, "longer than 63 characters");
		if (pk_collector_parse(arg, &ss, &sslen, &why))
			return pk_usage_error(cmd, arg, why);
		o->collectors[o->ncol++] = (char *)arg;
		return 0;
	case OPT_VERSION:
		if (parse_version(arg, &o->cfg.version))
			return pk_usage_error(cmd, arg, "version must be 5, 9 or 10 (IPFIX)");
		return 0;
	case OPT_DOMAIN:
		if (parse_u32(arg, 0, UINT32_MAX, &v))
			return pk_usage_error(cmd, arg, "domain must be 0-4294967295");
		o->cfg.domain = v;
		return 0;
	case OPT_MTU:
		if (parse_u32(arg, 576, 9216, &o->cfg.mtu))
			return pk_usage_error(cmd, arg, "MTU must be 576-9216");
		return 0;
	case OPT_TMPL:
		if (parse_tmpl(arg, &o->cfg))
			return pk_usage_error(cmd, arg, "expected PACKETS[,SECONDS]");
		return 0;
	case 'f':
		o->foreground = true;
		return 0;
	case OPT_PIDFILE:
		o->pidfile = arg;
		return 0;
	case OPT_STATE:
		o->state_file = arg;
		return 0;
	}
	return pk_usage_error(cmd, NULL, "internal error: unhandled option");
}

static int parse_enable(int argc, char **argv, struct export_opts *o)
{
	static const struct option longopts[] = {
		{ "collector", required_argument, NULL, 'c' },
		{ "version", required_argument, NULL, OPT_VERSION },
		{ "domain", required_argument, NULL, OPT_DOMAIN },
		{ "mtu", required_argument, NULL, OPT_MTU },
		{ "template-refresh", required_argument, NULL, OPT_TMPL },
		{ "foreground", no_argument, NULL, 'f' },
		{ "pidfile", required_argument, NULL, OPT_PIDFILE },
		{ "state-file", required_argument, NULL, OPT_STATE },
		{ 0 }
	};
	int c, rc;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":c:f", longopts, NULL)) != -1) {
		if (c == '?' || c == ':')
			return pk_usage_error(&pk_cmd_export, argv[optind - 1],
					      c == ':' ? "missing argument" :
					      "unknown option");
		rc = take_opt(o, c, optarg);
		if (rc)
			return rc;
	}
	if (optind < argc)
		return pk_usage_error(&pk_cmd_export, argv[optind], "unexpected argument");
	if (!o->ncol)
		return pk_usage_error(&pk_cmd_export, "-c", "at least one collector is needed");
	return 0;
}

static int enable(int argc, char **argv)
{
	struct export_opts o = {
		.cfg = {
			.version = 10,
			.mtu = 1500,
			.tmpl_packets = DEFAULT_TMPL_PACKETS,
			.tmpl_secs = DEFAULT_TMPL_SECS,
		},
		.state_file = PK_EXPORTER_STATE_DEFAULT,
		.state_secs = 1,
	};
	int rc = parse_enable(argc, argv, &o);

	if (rc)
		return rc;
	return export_daemon_run(&o);
}

/* The exporter's pid from STATUS; 0 when export is not enabled. */
static int exporter_pid(const struct nlmsghdr *nlh, void *arg)
{
	struct nlattr *tb[PKTCAP_A_MAX + 1], *a;
	unsigned int enabled = 0, pid = 0;
	int rem;

	if (genlmsg_parse((struct nlmsghdr *)nlh, 0, tb, PKTCAP_A_MAX, NULL))
		return -EBADMSG;
	if (tb[PKTCAP_A_EXPORT]) {
		nla_for_each_nested(a, tb[PKTCAP_A_EXPORT], rem) {
			if (nla_type(a) == PKTCAP_A_EXPORT_ENABLED && nla_len(a) >= 1)
				enabled = nla_get_u8(a);
			if (nla_type(a) == PKTCAP_A_EXPORT_PID && nla_len(a) == 4)
				pid = nla_get_u32(a);
		}
	}
	*(unsigned int *)arg = enabled ? (pid ? pid : UINT_MAX) : 0;
	return 0;
}

static int query_pid(struct pk_nl *nl, unsigned int *pid)
{
	*pid = 0;
	return pk_nl_send(nl, pk_nl_req(PKTCAP_CMD_STATUS, 0), exporter_pid, pid);
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* A process is gone when it no longer exists or is a zombie. */
static bool process_gone(pid_t pid)
{
	char path[64], buf[512], *p;
	FILE *f;

	if (kill(pid, 0) && errno == ESRCH)
		return true;
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return true;
	p = fgets(buf, sizeof(buf), f) ? strrchr(buf, ')') : NULL;
	fclose(f);
	return p && p[1] == ' ' && p[2] == 'Z';
}

/*
 * The exporter announces its end with EXPORT disable (and the kernel
 * clears the announcement anyway when its socket closes), so STATUS is
 * the truth; the process itself may linger a moment after that.
 */
static int wait_exit(struct pk_nl *nl, pid_t pid)
{
	unsigned int now;
	long waited;
	int err;

	for (waited = 0; waited < DISABLE_WAIT_MS; waited += 20) {
		err = query_pid(nl, &now);
		if (err)
			return pk_nl_perror(nl, "status", err);
		if (now != (unsigned int)pid && process_gone(pid))
			return 0;
		sleep_ms(20);
	}
	pk_err("export", "exporter (pid %d) did not exit within %d s",
	       (int)pid, DISABLE_WAIT_MS / 1000);
	return 1;
}

static int disable(int argc, char **argv)
{
	unsigned int pid;
	struct pk_nl *nl;
	int err, rc;

	if (argc > 1)
		return pk_usage_error(&pk_cmd_export, argv[1], "unexpected argument");
	if (pk_nl_open(&nl))
		return 1;
	err = query_pid(nl, &pid);
	if (err) {
		rc = pk_nl_perror(nl, "status", err);
	} else if (!pid) {
		pk_err("export", "no exporter is running");
		rc = 1;
	} else if (pid == UINT_MAX || kill((pid_t)pid, SIGTERM)) {
		pk_err("export", "cannot signal the exporter (pid %u): %s", pid,
		       pid == UINT_MAX ? "unknown pid" : strerror(errno));
		rc = 1;
	} else {
		rc = wait_exit(nl, (pid_t)pid);
	}
	pk_nl_close(nl);
	return rc;
}

static int run(const struct pk_ctx *ctx, int argc, char **argv)
{
	(void)ctx;
	if (argc < 2)
		return pk_usage_error(&pk_cmd_export, NULL, "expected enable or disable");
	if (!strcmp(argv[1], "enable"))
		return enable(argc - 1, argv + 1);
	if (!strcmp(argv[1], "disable"))
		return disable(argc - 1, argv + 1);
	return pk_usage_error(&pk_cmd_export, argv[1], "expected enable or disable");
}

const struct pk_cmd pk_cmd_export = {
	.name = "export",
	.args = "enable -c HOST:PORT [-c HOST:PORT ...] [--version 5|9|10]\n"
		"       [--domain ID] [--mtu BYTES] [--template-refresh PACKETS[,SECONDS]]\n"
		"       [-f|--foreground] [--pidfile FILE] [--state-file FILE]\n"
		"   or: pktcapctl export disable",
	.summary = "Export expired flows as NetFlow v5, v9 or IPFIX to collectors",
	.help = "enable starts the exporter: it announces itself to the kernel\n"
		"(pktcapctl status shows it), receives the flows the meter expires\n"
		"and sends them over UDP to every collector (HOST:PORT or\n"
		"[IPV6]:PORT, up to 8). Without -f it runs in the background.\n"
		"  --version V          5, 9 or 10 (IPFIX, the default); v5 carries IPv4\n"
		"                       only, other flows are counted as skipped\n"
		"  --domain ID          observation domain (v9 source id; v5 engine)\n"
		"  --mtu BYTES          path MTU to the collectors (default 1500)\n"
		"  --template-refresh P[,S]  templates every P packets and/or S seconds\n"
		"                       (default 20,60; 0 disables either)\n"
		"  --pidfile FILE       write the exporter's pid\n"
		"  --state-file FILE    statistics (default " PK_EXPORTER_STATE_DEFAULT ")\n"
		"disable stops it: SIGTERM, then waits until it has exited.\n"
		"Needs CAP_NET_ADMIN. See docs/EXPORT.md. Example:\n"
		"  pktcapctl export enable -c 192.0.2.10:2055 --version 9\n",
	.run = run,
};
