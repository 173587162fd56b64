// SPDX-License-Identifier: GPL-2.0
/*
 * pktcapctl metrics: the namespace's capture and flow-meter counters, once
 * or every N seconds with rates.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "capture_opts.h"
#include "prometheus.h"
#include "exporter.h"
#include "cmd.h"
#include "err.h"
#include "json.h"
#include "nl.h"

enum { OPT_WATCH = 0x100, OPT_PER_CPU, OPT_PROM, OPT_LISTEN };

struct mopts {
	unsigned int watch;	/* seconds, 0: once */
	bool per_cpu;
	bool prometheus;	/* text exposition format */
	const char *listen;	/* serve it over HTTP on ADDR:PORT */
};

/* The capture counters, the columns of the table, in order. */
static const int cap_cols[] = {
	PKTCAP_A_METRICS_SEEN, PKTCAP_A_METRICS_CAPTURED,
	PKTCAP_A_METRICS_FILTERED, PKTCAP_A_METRICS_DROPPED,
	PKTCAP_A_METRICS_TRUNCATED, PKTCAP_A_METRICS_BYTES,
};
#define NR_COLS (sizeof(cap_cols) / sizeof(cap_cols[0]))

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static bool is_cap_col(int t)
{
	size_t i;

	for (i = 0; i < NR_COLS; i++)
		if (cap_cols[i] == t)
			return true;
	return false;
}

static void json_counters(struct pk_json *j, const struct cap_counters *c)
{
	int t;

	for (t = 0; t <= PKTCAP_A_METRICS_MAX; t++)
		if (c->present[t])
			pk_json_u64(j, cap_counter_name(t), c->val[t]);
}

/* Per-second rates of the capture counters between two snapshots. */
static void json_rates(struct pk_json *j, const struct cap_metrics *prev,
		       const struct cap_metrics *cur, double secs)
{
	size_t i;

	pk_json_obj_open(j, "rates");
	for (i = 0; i < NR_COLS; i++) {
		int t = cap_cols[i];

		pk_json_u64(j, cap_counter_name(t),
			    (uint64_t)((cur->total.val[t] - prev->total.val[t]) / secs + 0.5));
	}
	pk_json_obj_close(j);
}

static int print_json(const struct pk_ctx *ctx, const struct cap_metrics *m,
		      const struct cap_metrics *prev, double secs)
{
	struct pk_json j;
	unsigned int i;

	pk_json_init(&j, stdout, ctx->pretty);
	pk_json_obj_open(&j, NULL);
	json_counters(&j, &m->total);
	pk_json_arr_open(&j, "per_cpu");
	for (i = 0; i < m->nr_cpus; i++) {
		pk_json_obj_open(&j, NULL);
		pk_json_u64(&j, "cpu", m->cpu_id[i]);
		json_counters(&j, &m->cpu[i]);
		pk_json_obj_close(&j);
	}
	pk_json_arr_close(&j);
	if (prev)
		json_rates(&j, prev, m, secs);
	/* The exporter's own counters (send errors, lost batches), if one ran. */
	pk_exporter_metrics(NULL, &j, NULL);
	pk_json_obj_close(&j);
	if (pk_json_finish(&j)) {
		pk_err("json", "internal error: unbalanced document");
		return 1;
	}
	fflush(stdout);
	return 0;
}

static void text_header(const char *first)
{
	size_t i;

	printf("%-8s", first);
	for (i = 0; i < NR_COLS; i++)
		printf(" %14s", cap_counter_name(cap_cols[i]));
	putchar('\n');
}

static void text_row(const char *label, const struct cap_counters *c)
{
	size_t i;

	printf("%-8s", label);
	for (i = 0; i < NR_COLS; i++)
		printf(" %14" PRIu64, c->val[cap_cols[i]]);
	putchar('\n');
}

/* The flow meter's counters, when the kernel sent any: name value lines. */
static void text_flow(const struct cap_counters *c)
{
	bool any = false;
	int t;

	for (t = 0; t <= PKTCAP_A_METRICS_MAX; t++) {
		if (!c->present[t] || is_cap_col(t))
			continue;
		if (!any)
			putchar('\n');
		any = true;
		printf("%-22s %" PRIu64 "\n", cap_counter_name(t), c->val[t]);
	}
}

static void print_text(const struct mopts *mo, const struct cap_metrics *m)
{
	char label[16];
	unsigned int i;

	text_header("");
	text_row("total", &m->total);
	for (i = 0; mo->per_cpu && i < m->nr_cpus; i++) {
		snprintf(label, sizeof(label), "cpu%u", m->cpu_id[i]);
		text_row(label, &m->cpu[i]);
	}
	text_flow(&m->total);
}

/* One --watch line: the counters' growth per second since the last one. */
static void watch_text_row(const struct cap_metrics *prev,
			   const struct cap_metrics *cur, double secs)
{
	char label[16];
	time_t now = time(NULL);
	struct tm tm;
	size_t i;

	localtime_r(&now, &tm);
	strftime(label, sizeof(label), "%H:%M:%S", &tm);
	printf("%-8s", label);
	for (i = 0; i < NR_COLS; i++) {
		int t = cap_cols[i];

		printf(" %12.0f/s", (cur->total.val[t] - prev->total.val[t]) / secs);
	}
	putchar('\n');
	fflush(stdout);
}

static double now_sec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Sleep up to secs, waking early on SIGINT/SIGTERM. */
static void nap(unsigned int secs)
{
	struct timespec ts = { .tv_sec = secs };

	while (!stop && nanosleep(&ts, &ts) && errno == EINTR)
		;
}

static int watch(const struct pk_ctx *ctx, const struct mopts *mo,
		 struct pk_nl *nl, struct cap_metrics *m)
{
	struct cap_metrics *prev = malloc(sizeof(*prev));
	double t0, t1;
	int err = 0;

	if (!prev)
		return pk_err_errno("metrics", -ENOMEM, NULL);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	if (!ctx->json)
		text_header("rates");
	t0 = now_sec();
	memcpy(prev, m, sizeof(*m));
	while (!stop) {
		nap(mo->watch);
		if (stop)
			break;
		err = cap_metrics_get(nl, m);
		if (err)
			break;
		t1 = now_sec();
		if (ctx->json)
			print_json(ctx, m, prev, t1 - t0);
		else
			watch_text_row(prev, m, t1 - t0);
		memcpy(prev, m, sizeof(*m));
		t0 = t1;
	}
	free(prev);
	return err ? pk_nl_perror(nl, "metrics", err) : 0;
}

static int parse(int argc, char **argv, struct mopts *mo)
{
	static const struct option longopts[] = {
		{ "watch", required_argument, NULL, OPT_WATCH },
		{ "per-cpu", no_argument, NULL, OPT_PER_CPU },
		{ "prometheus", no_argument, NULL, OPT_PROM },
		{ "listen", required_argument, NULL, OPT_LISTEN },
		{ 0 },
	};
	char *end;
	long v;
	int c;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_WATCH:
			v = strtol(optarg, &end, 10);
			if (*end || v < 1 || v > 86400)
				return pk_usage_error(&pk_cmd_metrics, optarg,
						      "seconds must be 1 .. 86400");
			mo->watch = (unsigned int)v;
			break;
		case OPT_PER_CPU:
			mo->per_cpu = true;
			break;
		case OPT_PROM:
			mo->prometheus = true;
			break;
		case OPT_LISTEN:
			mo->listen = optarg;
			break;
		default:
			return pk_usage_error(&pk_cmd_metrics, argv[optind - 1],
					      c == ':' ? "missing argument" :
					      "unknown option");
		}
	}
	if (optind < argc)
		return pk_usage_error(&pk_cmd_metrics, argv[optind],
				      "unexpected argument");
	return 0;
}

static int run(const struct pk_ctx *ctx, int argc, char **argv)
{
	struct mopts mo = { 0 };
	struct cap_metrics *m;
	struct pk_nl *nl;
	int rc, err;

	rc = parse(argc, argv, &mo);
	if (rc)
		return rc;
	if (pk_nl_open(&nl))
		return 1;
	if (mo.listen) {
		rc = pk_prom_serve(nl, mo.listen);
		pk_nl_close(nl);
		return rc;
	}
	m = malloc(sizeof(*m));
	err = m ? cap_metrics_get(nl, m) : -ENOMEM;
	if (err)
		rc = pk_nl_perror(nl, "metrics", err);
	else if (mo.prometheus)
		rc = pk_prom_write(stdout, m) ? pk_err_errno("stdout", EIO, NULL) : 0;
	else if (ctx->json)
		rc = print_json(ctx, m, NULL, 0);
	else {
		print_text(&mo, m);
		pk_exporter_metrics(NULL, NULL, stdout);
	}
	if (!rc && mo.watch)
		rc = watch(ctx, &mo, nl, m);
	free(m);
	pk_nl_close(nl);
	return rc;
}

const struct pk_cmd pk_cmd_metrics = {
	.name = "metrics",
	.args = "[--watch SECONDS] [--per-cpu] [--prometheus] [--listen ADDR:PORT]",
	.summary = "Show the capture and flow-meter counters",
	.help = "  --watch SECONDS  then every SECONDS print the rates per second\n"
		"                   until interrupted (-j: one document each time)\n"
		"  --per-cpu        one row per CPU too (JSON always has per_cpu)\n"
		"  --prometheus     Prometheus text format (pktcap_* families)\n"
		"  --listen ADDR:PORT  serve that format over HTTP at /metrics,\n"
		"                   for scraping, until interrupted\n"
		"Counters are cumulative since the module was loaded, for this\n"
		"network namespace; at a quiet moment\n"
		"seen == captured + filtered + dropped. Unprivileged.\n",
	.run = run,
};
