// SPDX-License-Identifier: GPL-2.0
/*
 * pktcapctl's command line: the parser (userspace/args.c) in-process, the
 * built binary through fork/exec, the one-line error format (err.c) and
 * extended ACK parsing (extack.c), and status output from synthetic replies.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "cmd.h"
#include "err.h"
#include "extack.h"
#include "status.h"

/* ---- the parser, against a table of its own ---- */

static int fake_run(const struct pk_ctx *ctx, int argc, char **argv)
{
	(void)ctx, (void)argc, (void)argv;
	return 0;
}

static const struct pk_cmd fake_status = { "status", "", "s", NULL, fake_run };
static const struct pk_cmd fake_fm = { "flow-meter", "", "f", NULL, fake_run };
static const struct pk_cmd *const fake_cmds[] = { &fake_status, &fake_fm };

/* Parse a NULL-terminated list of words (copied: the parser edits argv). */
static void parse(struct pk_args *a, char **words)
{
	static char *argv[32];
	int argc = 0;

	argv[argc++] = "pktcapctl";
	while (*words)
		argv[argc++] = *words++;
	argv[argc] = NULL;
	pk_parse_args(fake_cmds, 2, argc, argv, a);
}

#define PARSE(a, ...) parse(a, (char *[]){ __VA_ARGS__, NULL })

TEST(json_before_and_after_command)
{
	struct pk_args a;

	PARSE(&a, "-j", "status");
	EXPECT_EQ(PK_ACT_RUN, a.action);
	EXPECT_EQ(&fake_status, a.cmd);
	EXPECT_TRUE(a.ctx.json);
	EXPECT_EQ(1, a.argc);

	PARSE(&a, "status", "--json");
	EXPECT_EQ(PK_ACT_RUN, a.action);
	EXPECT_TRUE(a.ctx.json);
	EXPECT_EQ(1, a.argc);
	EXPECT_STREQ("status", a.argv[0]);
	EXPECT_EQ(NULL, a.argv[1]);

	PARSE(&a, "-jp", "flow-meter", "on", "-j", "--x");
	EXPECT_EQ(&fake_fm, a.cmd);
	EXPECT_TRUE(a.ctx.json && a.ctx.pretty);
	ASSERT_EQ(3, a.argc);		/* command options stay, -j goes */
	EXPECT_STREQ("on", a.argv[1]);
	EXPECT_STREQ("--x", a.argv[2]);

	PARSE(&a, "status", "-pj");
	EXPECT_TRUE(a.ctx.json && a.ctx.pretty);
	EXPECT_EQ(1, a.argc);

	PARSE(&a, "status", "-jx");	/* not only global letters: the command's */
	EXPECT_FALSE(a.ctx.json);
	EXPECT_EQ(2, a.argc);

	PARSE(&a, "status");
	EXPECT_FALSE(a.ctx.json);
}

TEST(double_dash_ends_global_options)
{
	struct pk_args a;

	PARSE(&a, "status", "--", "-j");
	EXPECT_EQ(PK_ACT_RUN, a.action);
	EXPECT_FALSE(a.ctx.json);
	ASSERT_EQ(3, a.argc);
	EXPECT_STREQ("--", a.argv[1]);
	EXPECT_STREQ("-j", a.argv[2]);

	PARSE(&a, "--", "status");
	EXPECT_EQ(PK_ACT_RUN, a.action);
	EXPECT_EQ(&fake_status, a.cmd);
}

TEST(help_and_version)
{
	struct pk_args a;

	PARSE(&a, "--help");
	EXPECT_EQ(PK_ACT_HELP, a.action);
	PARSE(&a, "-h");
	EXPECT_EQ(PK_ACT_HELP, a.action);
	PARSE(&a, "help");
	EXPECT_EQ(PK_ACT_HELP, a.action);
	PARSE(&a, "status", "--help");
	EXPECT_EQ(PK_ACT_CMD_HELP, a.action);
	EXPECT_EQ(&fake_status, a.cmd);
	PARSE(&a, "flow-meter", "-h");
	EXPECT_EQ(PK_ACT_CMD_HELP, a.action);
	PARSE(&a, "-h", "flow-meter");
	EXPECT_EQ(PK_ACT_CMD_HELP, a.action);
	EXPECT_EQ(&fake_fm, a.cmd);
	PARSE(&a, "help", "status");
	EXPECT_EQ(PK_ACT_CMD_HELP, a.action);
	PARSE(&a, "-V");
	EXPECT_EQ(PK_ACT_VERSION, a.action);
	PARSE(&a, "--version");
	EXPECT_EQ(PK_ACT_VERSION, a.action);
}

TEST(usage_errors)
{
	struct pk_args a;

	PARSE(&a, "nosuch");
	EXPECT_EQ(PK_ACT_USAGE, a.action);
	EXPECT_STREQ("nosuch", a.what);
	EXPECT_STREQ("unknown command", a.why);

	PARSE(&a, "-x", "status");
	EXPECT_EQ(PK_ACT_USAGE, a.action);
	EXPECT_STREQ("-x", a.what);
	EXPECT_STREQ("unknown option", a.why);

	PARSE(&a, "--jsonx", "status");
	EXPECT_EQ(PK_ACT_USAGE, a.action);

	PARSE(&a, "-j");
	EXPECT_EQ(PK_ACT_USAGE, a.action);
	EXPECT_EQ(NULL, a.what);

	PARSE(&a, "help", "nosuch");
	EXPECT_EQ(PK_ACT_USAGE, a.action);

	PARSE(&a, "flow_meter");	/* the C name is not the command name */
	EXPECT_EQ(PK_ACT_USAGE, a.action);
}

/* ---- the binary ---- */

struct result {
	int status;		/* exit status, or -1 */
	char out[16384];
	char err[4096];
};

static void slurp(FILE *f, char *buf, size_t size)
{
	size_t n;

	rewind(f);
	n = fread(buf, 1, size - 1, f);
	buf[n] = '\0';
	fclose(f);
}

static const char *cli_path(void)
{
	const char *p = getenv("PKTCAPCTL");

	return p && *p ? p : PKTCAP_TOP "/userspace/pktcapctl";
}

/* Run pktcapctl with args (NULL-terminated), capturing stdout and stderr. */
static void run_cli(struct result *r, char **args)
{
	FILE *out = tmpfile(), *err = tmpfile();
	int status;
	pid_t pid;

	r->status = -1;
	if (!out || !err)
		return;
	pid = fork();
	if (pid == 0) {
		dup2(fileno(out), 1);
		dup2(fileno(err), 2);
		args[0] = (char *)cli_path();
		execv(args[0], args);
		_exit(127);
	}
	if (pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status))
		r->status = WEXITSTATUS(status);
	slurp(out, r->out, sizeof(r->out));
	slurp(err, r->err, sizeof(r->err));
}

/* str starts with prefix; on failure the log shows str. */
#define EXPECT_PREFIX(str, prefix)					\
	EXPECT_EQ(0, strncmp(str, prefix, strlen(prefix)))		\
		TH_LOG("got \"%s\"", str)

#define RUN_CLI(r, ...) run_cli(r, (char *[]){ NULL, __VA_ARGS__, NULL })

FIXTURE(cli) {
	struct result r;
};

FIXTURE_SETUP(cli)
{
	if (access(cli_path(), X_OK))
		SKIP(return, "%s not built (make -C userspace)", cli_path());
}

FIXTURE_TEARDOWN(cli) {}

TEST_F(cli, help_exits_0)
{
	RUN_CLI(&self->r, "--help");
	EXPECT_EQ(0, self->r.status);
	EXPECT_NE(NULL, strstr(self->r.out, "Usage: pktcapctl"));
	EXPECT_NE(NULL, strstr(self->r.out, "backends"));
	EXPECT_NE(NULL, strstr(self->r.out, "status"));
	EXPECT_STREQ("", self->r.err);
}

TEST_F(cli, command_help_exits_0)
{
	RUN_CLI(&self->r, "status", "--help");
	EXPECT_EQ(0, self->r.status);
	EXPECT_PREFIX(self->r.out, "Usage: pktcapctl [-j [-p]] status");
	RUN_CLI(&self->r, "-j", "backends", "-h");
	EXPECT_EQ(0, self->r.status);
	EXPECT_NE(NULL, strstr(self->r.out, "backends"));
}

TEST_F(cli, version_exits_0)
{
	RUN_CLI(&self->r, "-V");
	EXPECT_EQ(0, self->r.status);
	EXPECT_PREFIX(self->r.out, "pktcapctl ");
}

TEST_F(cli, unknown_command_exits_2)
{
	RUN_CLI(&self->r, "frobnicate");
	EXPECT_EQ(2, self->r.status);
	EXPECT_STREQ("", self->r.out);
	EXPECT_PREFIX(self->r.err, "pktcapctl: frobnicate: unknown command\nTry 'pktcapctl --help'");
}

TEST_F(cli, unknown_option_exits_2)
{
	RUN_CLI(&self->r, "-Z", "status");
	EXPECT_EQ(2, self->r.status);
	EXPECT_PREFIX(self->r.err, "pktcapctl: -Z: unknown option\n");
	RUN_CLI(&self->r, "status", "--bogus");
	EXPECT_EQ(2, self->r.status);
	EXPECT_PREFIX(self->r.err, "pktcapctl: --bogus: unknown option\nTry 'pktcapctl status --help'");
	RUN_CLI(&self->r, "backends", "extra");
	EXPECT_EQ(2, self->r.status);
}

TEST_F(cli, no_command_exits_2)
{
	RUN_CLI(&self->r, "-j");
	EXPECT_EQ(2, self->r.status);
	EXPECT_PREFIX(self->r.err, "pktcapctl: no command given\n");
}

/*
 * Without the module (the host) a runtime error is one line and exit 1,
 * and -j never leaves half a document on stdout; with it, valid output.
 */
TEST_F(cli, json_status_fails_cleanly_or_succeeds)
{
	RUN_CLI(&self->r, "status", "-j");
	ASSERT_TRUE(self->r.status == 0 || self->r.status == 1);
	if (self->r.status == 0) {
		EXPECT_EQ('{', self->r.out[0]);
		return;
	}
	EXPECT_STREQ("", self->r.out);
	EXPECT_PREFIX(self->r.err, "pktcapctl: ");
	EXPECT_EQ(strchr(self->r.err, '\n'), strrchr(self->r.err, '\n'))
		TH_LOG("not one line: \"%s\"", self->r.err);
	if (access("/sys/module/pktcap", F_OK))
		EXPECT_STREQ("pktcapctl: pktcap: module not loaded (modprobe pktcap)\n",
			     self->r.err);
}

/* ---- error lines ---- */

/* Call fn with stderr redirected; return what it wrote. */
static char *capture_stderr(void (*fn)(void))
{
	static char buf[4096];
	FILE *tmp = tmpfile();
	int saved = dup(2);

	dup2(fileno(tmp), 2);
	fn();
	dup2(saved, 2);
	close(saved);
	slurp(tmp, buf, sizeof(buf));
	return buf;
}

static void err_enodev(void) { pk_err_errno("eth9", ENODEV, NULL); }
static void err_eperm(void) { pk_err_errno("start", -EPERM, NULL); }
static void err_eacces(void) { pk_err_errno("start", EACCES, NULL); }
static void err_family(void) { pk_err_errno("pktcap", PK_ENOFAMILY, NULL); }
static void err_extack(void) { pk_err_errno("eth9", EINVAL, "snaplen above 65535"); }
static void err_extack_mod(void) { pk_err_errno("stop", ENOENT, "pktcap: no capture session is running"); }
static void err_strerror(void) { pk_err_errno("flows", EBUSY, NULL); }
static void err_multiline(void) { pk_err("x", "two\nlines\n"); }
static void err_nowhat(void) { pk_err(NULL, "%s %d", "n", 1); }
static void warn_line(void) { pk_warn("kernel", "deprecated"); }

TEST(error_lines_exact)
{
	EXPECT_STREQ("pktcapctl: eth9: no such device\n", capture_stderr(err_enodev));
	EXPECT_STREQ("pktcapctl: start: permission denied (needs CAP_NET_ADMIN)\n",
		     capture_stderr(err_eperm));
	EXPECT_STREQ("pktcapctl: start: permission denied (needs CAP_NET_ADMIN)\n",
		     capture_stderr(err_eacces));
	EXPECT_STREQ("pktcapctl: pktcap: module not loaded (modprobe pktcap)\n",
		     capture_stderr(err_family));
	EXPECT_STREQ("pktcapctl: eth9: snaplen above 65535\n", capture_stderr(err_extack));
	EXPECT_STREQ("pktcapctl: stop: no capture session is running\n",
		     capture_stderr(err_extack_mod));
	EXPECT_STREQ("pktcapctl: flows: Device or resource busy\n",
		     capture_stderr(err_strerror));
	EXPECT_STREQ("pktcapctl: x: two lines\n", capture_stderr(err_multiline));
	EXPECT_STREQ("pktcapctl: n 1\n", capture_stderr(err_nowhat));
	EXPECT_STREQ("pktcapctl: kernel: warning: deprecated\n", capture_stderr(warn_line));
}

/* ---- extended ACKs ---- */

/* An NLMSG_ERROR answering a request with req_payload bytes, plus TLVs. */
static struct nlmsghdr *make_error(void *buf, int err, unsigned int flags,
				   unsigned int req_payload, const char *msg)
{
	struct nlmsghdr *nlh = buf;
	struct nlmsgerr *e = NLMSG_DATA(nlh);
	size_t off = sizeof(*e);
	struct nlattr *a;

	memset(buf, 0, 512);
	nlh->nlmsg_type = NLMSG_ERROR;
	nlh->nlmsg_flags = flags;
	e->error = err;
	e->msg.nlmsg_len = NLMSG_LENGTH(req_payload);
	if (!(flags & NLM_F_CAPPED))
		off = NLMSG_ALIGN(off + req_payload);
	a = (struct nlattr *)((char *)e + off);
	a->nla_type = NLMSGERR_ATTR_OFFS;	/* a TLV to skip first */
	a->nla_len = NLA_HDRLEN + 4;
	a = (struct nlattr *)((char *)a + NLA_ALIGN(a->nla_len));
	a->nla_type = NLMSGERR_ATTR_MSG;
	a->nla_len = NLA_HDRLEN + strlen(msg) + 1;
	strcpy((char *)a + NLA_HDRLEN, msg);
	nlh->nlmsg_len = (char *)a + NLA_ALIGN(a->nla_len) - (char *)buf;
	return nlh;
}

TEST(extack_message_found)
{
	static char buf[512] __attribute__((aligned(8)));
	struct nlmsghdr *nlh;

	nlh = make_error(buf, -ENODEV, NLM_F_CAPPED | NLM_F_ACK_TLVS, 24, "no dev");
	EXPECT_STREQ("no dev", pk_extack_msg(nlh));
	EXPECT_EQ(-ENODEV, pk_nlmsg_error(nlh));

	/* the request echoed in full, with an unaligned payload length */
	nlh = make_error(buf, -EINVAL, NLM_F_ACK_TLVS, 13, "bad snaplen");
	EXPECT_STREQ("bad snaplen", pk_extack_msg(nlh));

	/* an ACK (error 0) with a warning */
	nlh = make_error(buf, 0, NLM_F_CAPPED | NLM_F_ACK_TLVS, 0, "careful");
	EXPECT_STREQ("careful", pk_extack_msg(nlh));
}

TEST(extack_absent_or_malformed)
{
	static char buf[512] __attribute__((aligned(8)));
	struct nlmsghdr *nlh;
	struct nlattr *a;

	nlh = make_error(buf, -EPERM, NLM_F_CAPPED, 0, "x");	/* no TLV flag */
	EXPECT_EQ(NULL, pk_extack_msg(nlh));

	nlh = make_error(buf, -EPERM, NLM_F_CAPPED | NLM_F_ACK_TLVS, 0, "abc");
	nlh->nlmsg_len -= 4;			/* message cut short */
	EXPECT_EQ(NULL, pk_extack_msg(nlh));

	nlh = make_error(buf, -EPERM, NLM_F_CAPPED | NLM_F_ACK_TLVS, 0, "abc");
	a = (struct nlattr *)((char *)NLMSG_DATA(nlh) + sizeof(struct nlmsgerr));
	a->nla_len = 2;				/* attribute shorter than its header */
	EXPECT_EQ(NULL, pk_extack_msg(nlh));

	nlh = make_error(buf, -EPERM, NLM_F_CAPPED | NLM_F_ACK_TLVS, 0, "abc");
	a = (struct nlattr *)((char *)NLMSG_DATA(nlh) + sizeof(struct nlmsgerr) + 8);
	memset((char *)a + NLA_HDRLEN, 'z', 4);	/* string without its NUL */
	EXPECT_EQ(NULL, pk_extack_msg(nlh));

	/* the echoed request claims to be longer than the message */
	nlh = make_error(buf, -EPERM, NLM_F_ACK_TLVS, 0, "abc");
	((struct nlmsgerr *)NLMSG_DATA(nlh))->msg.nlmsg_len = 4000;
	EXPECT_EQ(NULL, pk_extack_msg(nlh));

	nlh->nlmsg_type = NLMSG_NOOP;
	EXPECT_EQ(NULL, pk_extack_msg(nlh));
}

TEST(done_message_error_and_extack)
{
	static char buf[64] __attribute__((aligned(8)));
	struct nlmsghdr *nlh = (struct nlmsghdr *)buf;
	struct nlattr *a;
	int err = -EMSGSIZE;

	nlh->nlmsg_type = NLMSG_DONE;
	nlh->nlmsg_flags = NLM_F_MULTI | NLM_F_ACK_TLVS;
	memcpy(NLMSG_DATA(nlh), &err, sizeof(err));
	a = (struct nlattr *)((char *)NLMSG_DATA(nlh) + 4);
	a->nla_type = NLMSGERR_ATTR_MSG;
	a->nla_len = NLA_HDRLEN + 5;
	strcpy((char *)a + NLA_HDRLEN, "full");
	nlh->nlmsg_len = NLMSG_HDRLEN + 4 + NLA_ALIGN(a->nla_len);
	EXPECT_EQ(-EMSGSIZE, pk_nlmsg_error(nlh));
	EXPECT_STREQ("full", pk_extack_msg(nlh));
	nlh->nlmsg_len = NLMSG_HDRLEN;
	EXPECT_EQ(-EBADMSG, pk_nlmsg_error(nlh));
}

/* ---- status output from synthetic kernel replies ---- */

static void put_device(struct nl_msg *m, int type, __u32 ifindex,
		       const char *name, __u32 state)
{
	struct nlattr *dev = nla_nest_start(m, type);

	nla_put_u32(m, PKTCAP_A_DEVICE_IFINDEX, ifindex);
	nla_put_string(m, PKTCAP_A_DEVICE_IFNAME, name);
	nla_put_u32(m, PKTCAP_A_DEVICE_STATE, state);
	nla_put_u32(m, PKTCAP_A_DEVICE_LINKTYPE, 1);
	nla_nest_end(m, dev);
}

/* A STATUS reply; running adds a capture session, extra a future attribute. */
static struct nl_msg *status_reply(bool running, bool extra)
{
	struct nl_msg *m = nlmsg_alloc();
	struct nlattr *nest;

	genlmsg_put(m, 0, 0, 0x20, 0, 0, PKTCAP_CMD_STATUS, PKTCAP_GENL_VERSION);
	nest = nla_nest_start(m, PKTCAP_A_MODULE);
	nla_put_string(m, PKTCAP_A_MODULE_VERSION, "0.1.0");
	nla_put_string(m, PKTCAP_A_MODULE_SRCVERSION, "0123456789ABCDEF");
	nla_put_u8(m, PKTCAP_A_MODULE_SIG_VERIFIED, 0);
	nla_put_u32(m, PKTCAP_A_MODULE_ABI_VERSION, PKTCAP_RING_ABI_VERSION);
	if (extra)
		nla_put_u64(m, PKTCAP_A_MODULE_MAX + 1, 42);
	nla_nest_end(m, nest);
	nest = nla_nest_start(m, PKTCAP_A_CAPTURE);
	nla_put_u32(m, PKTCAP_A_CAPTURE_STATE, running);
	if (running) {
		nla_put_string(m, PKTCAP_A_CAPTURE_BACKEND, "ptype");
		put_device(m, PKTCAP_A_CAPTURE_DEVICE, 2, "eth0", PKTCAP_DEV_ATTACHED);
		put_device(m, PKTCAP_A_CAPTURE_DEVICE, 7, "veth\"1", PKTCAP_DEV_DETACHED);
		nla_put_u32(m, PKTCAP_A_CAPTURE_SNAPLEN, 96);
		nla_put_u32(m, PKTCAP_A_CAPTURE_RING_SIZE, PKTCAP_RING_SIZE_DEFAULT);
		nla_put_u32(m, PKTCAP_A_CAPTURE_NR_RINGS, 2);
		nla_put_u64(m, PKTCAP_A_CAPTURE_SESSION_ID, UINT64_MAX);
		nla_put_u8(m, PKTCAP_A_CAPTURE_READER, 1);
	}
	nla_nest_end(m, nest);
	if (extra) {
		nest = nla_nest_start(m, PKTCAP_A_EXPORT);
		nla_put_u8(m, PKTCAP_A_EXPORT_ENABLED, 1);
		nla_put_u32(m, PKTCAP_A_EXPORT_VERSION, 10);
		nla_put_string(m, PKTCAP_A_EXPORT_COLLECTOR, "192.0.2.1:4739");
		nla_put_string(m, PKTCAP_A_EXPORT_COLLECTOR, "[2001:db8::1]:4739");
		nla_nest_end(m, nest);
		nla_put_u32(m, PKTCAP_A_MAX + 1, 1);	/* from a newer kernel */
	}
	return m;
}

struct shown {
	int rc;
	char out[8192];
	char err[1024];
};

/* status_show_reply() with stdout and stderr captured. */
static void show(struct shown *s, struct nl_msg *m, bool json)
{
	struct pk_ctx ctx = { .json = json };
	FILE *out = tmpfile(), *err = tmpfile();
	int o = dup(1), e = dup(2);

	fflush(stdout);
	dup2(fileno(out), 1);
	dup2(fileno(err), 2);
	s->rc = status_show_reply(&ctx, nlmsg_hdr(m));
	fflush(stdout);
	dup2(o, 1);
	dup2(e, 2);
	close(o);
	close(e);
	slurp(out, s->out, sizeof(s->out));
	slurp(err, s->err, sizeof(s->err));
	nlmsg_free(m);
}

/* Python checks the JSON document in s->out. */
static int python_ok(const struct shown *s, const char *expr)
{
	char cmd[1024];
	FILE *py;

	snprintf(cmd, sizeof(cmd), "python3 -c 'import json,sys; "
		 "d = json.load(sys.stdin); sys.exit(0 if (%s) else 1)'", expr);
	py = popen(cmd, "w");
	if (!py)
		return 0;
	fputs(s->out, py);
	return pclose(py) == 0;
}

TEST(status_json_running)
{
	struct shown s;

	show(&s, status_reply(true, true), true);
	ASSERT_EQ(0, s.rc) TH_LOG("%s", s.err);
	EXPECT_STREQ("", s.err);
	EXPECT_TRUE(python_ok(&s,
		"d[\"module\"] == {\"version\": \"0.1.0\", \"srcversion\": "
		"\"0123456789ABCDEF\", \"signature_verified\": False, "
		"\"abi_version\": 1} and "
		"d[\"capture\"][\"state\"] == \"running\" and "
		"d[\"capture\"][\"backend\"] == \"ptype\" and "
		"d[\"capture\"][\"snaplen\"] == 96 and "
		"d[\"capture\"][\"session_id\"] == 2**64 - 1 and "
		"d[\"capture\"][\"reader\"] is True and "
		"d[\"capture\"][\"devices\"] == ["
		"{\"ifindex\": 2, \"name\": \"eth0\", \"linktype\": 1, \"state\": \"attached\"}, "
		"{\"ifindex\": 7, \"name\": \"veth\\\"1\", \"linktype\": 1, \"state\": \"detached\"}] and "
		"d[\"export\"][\"collectors\"] == [\"192.0.2.1:4739\", \"[2001:db8::1]:4739\"]"))
		TH_LOG("%s", s.out);
}

TEST(status_json_idle)
{
	struct shown s;

	show(&s, status_reply(false, false), true);
	ASSERT_EQ(0, s.rc);
	EXPECT_TRUE(python_ok(&s, "d[\"capture\"] == {\"state\": \"idle\"} and "
			      "\"export\" not in d")) TH_LOG("%s", s.out);
}

TEST(status_text)
{
	struct shown s;

	show(&s, status_reply(true, false), false);
	ASSERT_EQ(0, s.rc);
	EXPECT_NE(NULL, strstr(s.out, "module: pktcap\n  version: 0.1.0\n"));
	EXPECT_NE(NULL, strstr(s.out, "\ncapture: running\n  backend: ptype\n"));
	EXPECT_NE(NULL, strstr(s.out, "  device: eth0 (ifindex 2) attached\n"));
	EXPECT_NE(NULL, strstr(s.out, "  device: veth\"1 (ifindex 7) detached\n"));
	show(&s, status_reply(false, false), false);
	EXPECT_NE(NULL, strstr(s.out, "capture: idle\n"));
	EXPECT_EQ(NULL, strstr(s.out, "backend"));
}

/* A known attribute of the wrong size: one error line, no output. */
TEST(status_malformed)
{
	struct nl_msg *m = status_reply(false, false);
	struct nlattr *nest = nla_nest_start(m, PKTCAP_A_EXPORT);
	struct shown s;

	nla_put_u8(m, PKTCAP_A_EXPORT_VERSION, 10);	/* a u32 */
	nla_nest_end(m, nest);
	show(&s, m, true);
	EXPECT_EQ(1, s.rc);
	EXPECT_STREQ("", s.out);
	EXPECT_STREQ("pktcapctl: status: malformed reply from the kernel\n", s.err);

	m = status_reply(false, false);
	nla_put_string(m, PKTCAP_A_MODULE, "not a nest");
	show(&s, m, false);
	EXPECT_EQ(1, s.rc);
}

TEST_HARNESS_MAIN
