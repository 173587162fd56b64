// SPDX-License-Identifier: GPL-2.0
/*
 * The exporter process: start-up (daemonizing), the announcement to the
 * kernel, and the receive -> encode -> send loop.
 *
 * The kernel ties the announcement to the netlink socket that sent EXPORT
 * enable and clears it when that socket closes, so the control socket is
 * opened by the process that stays, after the forks, and kept open for
 * its whole life. Flows arrive on a second socket: a socket that has
 * joined a group may get notifications between a request and its reply.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "err.h"
#include "export_daemon.h"
#include "flowsub.h"
#include "nl.h"

#define NS_PER_SEC	1000000000ULL

static volatile sig_atomic_t stop_requested;

static void on_stop(int sig)
{
	(void)sig;
	stop_requested = 1;
}

static uint64_t clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * NS_PER_SEC + ts.tv_nsec;
}

/* The host's boot time on the realtime clock: v5/v9 sysUpTime counts from it. */
static uint64_t boot_ns(void)
{
	return clock_ns(CLOCK_REALTIME) - clock_ns(CLOCK_BOOTTIME);
}

static int put_settings(struct nl_msg *m, const struct export_opts *o)
{
	const struct pk_exporter_cfg *c = &o->cfg;
	bool tmpl = c->version != 5;
	unsigned int i;

	if (nla_put_u8(m, PKTCAP_A_EXPORT_ENABLED, 1) ||
	    nla_put_u32(m, PKTCAP_A_EXPORT_VERSION, c->version) ||
	    nla_put_u32(m, PKTCAP_A_EXPORT_DOMAIN, c->domain) ||
	    nla_put_u32(m, PKTCAP_A_EXPORT_MTU, c->mtu) ||
	    nla_put_u32(m, PKTCAP_A_EXPORT_PID, getpid()) ||
	    nla_put_u32(m, PKTCAP_A_EXPORT_TEMPLATE_PACKETS, tmpl ? c->tmpl_packets : 0) ||
	    nla_put_u32(m, PKTCAP_A_EXPORT_TEMPLATE_SECONDS, tmpl ? c->tmpl_secs : 0))
		return -EMSGSIZE;
	for (i = 0; i < o->ncol; i++)
		if (nla_put_string(m, PKTCAP_A_EXPORT_COLLECTOR, o->collectors[i]))
			return -EMSGSIZE;
	return 0;
}

static int send_export(struct pk_nl *nl, const struct export_opts *o, bool on)
{
	struct nl_msg *m = pk_nl_req(PKTCAP_CMD_EXPORT, 0);
	struct nlattr *nest;

	if (!m)
		return -ENOMEM;
	nest = nla_nest_start(m, PKTCAP_A_EXPORT);
	if (!nest || (on ? put_settings(m, o) :
		      nla_put_u8(m, PKTCAP_A_EXPORT_ENABLED, 0))) {
		nlmsg_free(m);
		return -EMSGSIZE;
	}
	nla_nest_end(m, nest);
	return pk_nl_send(nl, m, NULL, NULL);
}

/* The meter's sampling, for the options records; none if it is off. */
static int meter_sampling(const struct nlmsghdr *nlh, void *arg)
{
	struct pk_exporter_cfg *c = arg;
	struct nlattr *tb[PKTCAP_A_MAX + 1], *a;
	int rem;

	if (genlmsg_parse((struct nlmsghdr *)nlh, 0, tb, PKTCAP_A_MAX, NULL) ||
	    !tb[PKTCAP_A_FLOW_METER])
		return 0;
	nla_for_each_nested(a, tb[PKTCAP_A_FLOW_METER], rem) {
		if (nla_type(a) == PKTCAP_A_FLOW_METER_SAMPLING && nla_len(a) == 4)
			c->sampling = nla_get_u32(a);
		if (nla_type(a) == PKTCAP_A_FLOW_METER_SAMPLING_RANDOM && nla_len(a) >= 1)
			c->sampling_random = nla_get_u8(a);
	}
	return 0;
}

static int write_pidfile(const char *path)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return -errno;
	fprintf(f, "%d\n", (int)getpid());
	return fclose(f) ? -errno : 0;
}

/* Everything the running exporter holds. */
struct exp_run {
	struct export_opts *o;
	struct pk_nl *ctl;
	struct pk_flowsub fs;
	struct pk_exporter *x;
	bool announced;
	bool state_warned;
};

static void on_batch(const struct pktcap_flowrec *recs, size_t n, void *arg)
{
	struct exp_run *r = arg;

	pk_exporter_send(r->x, recs, n, clock_ns(CLOCK_REALTIME));
}

static void save_state(struct exp_run *r)
{
	int err;

	r->x->st.batches = r->fs.st.batches;
	r->x->st.lost_batches = r->fs.st.lost_batches;
	r->x->st.overruns = r->fs.st.overruns;
	r->x->st.bad = r->fs.st.bad;
	r->x->st.count_mismatch = r->fs.st.count_mismatch;
	if (!r->o->state_file || !*r->o->state_file)
		return;
	err = pk_exporter_write_state(r->x, r->o->state_file, getpid());
	if (err && !r->state_warned) {
		pk_warn(r->o->state_file, "cannot write statistics: %s", strerror(-err));
		r->state_warned = true;
	}
}

/*
 * The receive buffer. PKTCAP_EXPORT_RCVBUF overrides it for the tests,
 * which make it tiny to provoke (and check the accounting of) lost batches.
 */
static int rcvbuf_size(void)
{
	const char *s = getenv("PKTCAP_EXPORT_RCVBUF");
	long v = s ? strtol(s, NULL, 0) : 0;

	return v > 0 && v <= PK_EXPORT_RCVBUF ? (int)v : PK_EXPORT_RCVBUF;
}

/* Sets up sockets, encoders and the announcement. Prints its errors. */
static int start(struct exp_run *r)
{
	int err;

	r->x = calloc(1, sizeof(*r->x));
	if (!r->x)
		return pk_err_errno("export", ENOMEM, NULL), -ENOMEM;
	if (pk_nl_open(&r->ctl))
		return -EIO;
	r->o->cfg.boot_ns = boot_ns();
	pk_nl_send(r->ctl, pk_nl_req(PKTCAP_CMD_STATUS, 0), meter_sampling,
		   &r->o->cfg);
	err = pk_exporter_init(r->x, &r->o->cfg, r->o->collectors, r->o->ncol,
			       clock_ns(CLOCK_REALTIME));
	if (err)
		return err;
	err = pk_flowsub_open(&r->fs, rcvbuf_size(), r->ctl);
	if (err)
		return err;
	err = send_export(r->ctl, r->o, true);
	if (err)
		return pk_nl_perror(r->ctl, "export", err), err;
	r->announced = true;
	err = r->o->pidfile ? write_pidfile(r->o->pidfile) : 0;
	if (err)
		pk_err_errno(r->o->pidfile, err, NULL);
	return err;
}

static void finish(struct exp_run *r)
{
	if (r->fs.nl) {
		/* What the kernel sent before we stopped still goes out. */
		pk_flowsub_read(&r->fs, on_batch, r);
		if (r->announced)
			pk_flowsub_sync(&r->fs, r->ctl);
	}
	if (r->announced) {
		send_export(r->ctl, r->o, false);
		save_state(r);
	}
	if (r->announced && r->o->pidfile)
		unlink(r->o->pidfile);
	pk_flowsub_close(&r->fs);
	if (r->x)
		pk_exporter_close(r->x);
	free(r->x);
	pk_nl_close(r->ctl);
}

static int loop(struct exp_run *r)
{
	struct pollfd p = { .fd = r->fs.fd, .events = POLLIN };
	uint64_t now, next = 0;
	int n;

	while (!stop_requested) {
		n = poll(&p, 1, 200);
		if (n < 0 && errno != EINTR)
			return pk_err_errno("poll", errno, NULL);
		if (n > 0) {
			n = pk_flowsub_read(&r->fs, on_batch, r);
			if (n < 0)
				return pk_err_errno("flows", n, NULL);
		}
		now = clock_ns(CLOCK_MONOTONIC);
		if (now >= next) {
			pk_exporter_tick(r->x, clock_ns(CLOCK_REALTIME));
			save_state(r);
			next = now + r->o->state_secs * NS_PER_SEC;
		}
	}
	return 0;
}

static void set_signals(void)
{
	struct sigaction sa = { .sa_handler = on_stop };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
}

/* stdin, stdout and stderr to /dev/null, once start-up errors are told. */
static void detach_stdio(void)
{
	int fd = open("/dev/null", O_RDWR);

	if (fd < 0)
		return;
	dup2(fd, 0);
	dup2(fd, 1);
	dup2(fd, 2);
	if (fd > 2)
		close(fd);
}

/*
 * Double fork: the first child calls setsid() and forks again, so the
 * daemon is no session leader and never gets a controlling terminal.
 * The original process waits on a pipe for the daemon's start-up result
 * and exits with it: "export enable" fails visibly (EBUSY ...) even in
 * the background. Returns in the daemon with *ready the pipe's write end.
 */
static int daemonize(int *ready)
{
	int pfd[2];
	char rc = 1;
	pid_t pid;

	if (pipe2(pfd, O_CLOEXEC))
		return pk_err_errno("pipe", errno, NULL);
	pid = fork();
	if (pid < 0)
		return pk_err_errno("fork", errno, NULL);
	if (pid > 0) {
		close(pfd[1]);
		waitpid(pid, NULL, 0);
		if (read(pfd[0], &rc, 1) != 1)
			rc = 1;
		_exit(rc);
	}
	close(pfd[0]);
	if (setsid() < 0)
		_exit(1);
	pid = fork();
	if (pid < 0)
		_exit(1);
	if (pid > 0)
		_exit(0);
	umask(022);
	if (chdir("/"))
		_exit(1);
	*ready = pfd[1];
	return 0;
}

static void tell(int *ready, char rc)
{
	if (*ready < 0)
		return;
	if (write(*ready, &rc, 1) != 1)
		rc = 1;
	close(*ready);
	*ready = -1;
}

int export_daemon_run(struct export_opts *o)
{
	struct exp_run r = { .o = o };
	int ready = -1, rc;

	if (!o->foreground && daemonize(&ready))
		return 1;
	set_signals();
	rc = start(&r) ? 1 : 0;
	tell(&ready, rc);
	if (!rc && !o->foreground)
		detach_stdio();
	if (!rc) {
		pk_exporter_tick(r.x, clock_ns(CLOCK_REALTIME));
		rc = loop(&r);
	}
	finish(&r);
	return rc;
}
