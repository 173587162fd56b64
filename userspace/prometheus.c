// SPDX-License-Identifier: GPL-2.0
/*
 * METRICS in the Prometheus text exposition format (version 0.0.4), and a
 * minimal HTTP endpoint that serves it for scraping.
 *
 * The server handles one connection at a time and reads METRICS afresh
 * for every scrape: scrapes come every few seconds, and a scrape must
 * never see counters older than the request.
 */
#include <errno.h>
#include <stdlib.h>
#include <netdb.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "err.h"
#include "nl.h"
#include "prometheus.h"

/* What a counter means, and whether it is a gauge rather than a counter. */
static const struct {
	const char *help;
	bool gauge;
} prom_info[PKTCAP_A_METRICS_MAX + 1] = {
	[PKTCAP_A_METRICS_SEEN] = { "Packets the capture hooks saw" },
	[PKTCAP_A_METRICS_CAPTURED] = { "Packets written to a ring" },
	[PKTCAP_A_METRICS_FILTERED] = { "Packets the capture filter rejected" },
	[PKTCAP_A_METRICS_DROPPED] = { "Packets lost because a ring was full" },
	[PKTCAP_A_METRICS_TRUNCATED] = { "Captured packets cut to the snaplen" },
	[PKTCAP_A_METRICS_BYTES] = { "Bytes of records written to rings" },
	[PKTCAP_A_METRICS_WAKEUPS] = { "Reader wakeups issued" },
	[PKTCAP_A_METRICS_FLOWS_ACTIVE] = { "Flows in the table now", true },
	[PKTCAP_A_METRICS_FLOWS_CREATED] = { "Flows created" },
	[PKTCAP_A_METRICS_FLOWS_EXPIRED_IDLE] = { "Flows ended by the idle timeout" },
	[PKTCAP_A_METRICS_FLOWS_EXPIRED_ACTIVE] = { "Flows ended by the active timeout" },
	[PKTCAP_A_METRICS_FLOWS_EXPIRED_END] = { "Flows ended by TCP FIN or RST" },
	[PKTCAP_A_METRICS_FLOWS_EVICTED] = { "Flows ended for lack of room in the table" },
	[PKTCAP_A_METRICS_FLOWS_FORCED] = { "Flows ended by disable, namespace exit or unload" },
	[PKTCAP_A_METRICS_FLOW_PACKETS] = { "Packets metered" },
	[PKTCAP_A_METRICS_FLOW_BYTES] = { "Bytes metered" },
	[PKTCAP_A_METRICS_BATCHES_SENT] = { "Expired-flow batches delivered" },
	[PKTCAP_A_METRICS_BATCHES_LOST] = { "Expired-flow batches that reached nobody" },
	[PKTCAP_A_METRICS_FLOWS_LOST] = { "Expired flows lost" },
	[PKTCAP_A_METRICS_PACKETS_LOST] = { "Packets in expired flows lost" },
	[PKTCAP_A_METRICS_PARSE_TRUNCATED] = { "Packets whose headers were cut short" },
	[PKTCAP_A_METRICS_PARSE_BAD_HEADER] = { "Packets with malformed L3/L4 headers" },
	[PKTCAP_A_METRICS_PARSE_EXTHDR_LIMIT] = { "IPv6 packets with too many extension headers" },
	[PKTCAP_A_METRICS_FLOWS_DELIVERED] = { "Expired flows delivered" },
	[PKTCAP_A_METRICS_PACKETS_DELIVERED] = { "Packets in expired flows delivered" },
	[PKTCAP_A_METRICS_FLOW_SAMPLED_OUT] = { "Packets skipped by sampling" },
	[PKTCAP_A_METRICS_FLOW_ALLOC_FAILED] = { "Packets not metered for lack of memory" },
	[PKTCAP_A_METRICS_FLOW_PACKETS_ACTIVE] = { "Packets in flows still in the table", true },
	[PKTCAP_A_METRICS_FLOW_PACKETS_PENDING] = { "Packets in expired flows awaiting delivery", true },
	[PKTCAP_A_METRICS_FLOWS_PENDING] = { "Expired flows awaiting delivery", true },
	[PKTCAP_A_METRICS_BATCH_SEQ] = { "Sequence number of the last expired-flow batch", true },
	[PKTCAP_A_METRICS_FLOW_BUCKETS] = { "Buckets in the flow table now", true },
	[PKTCAP_A_METRICS_FLOW_GROW_FAILED] = { "Flow table growths refused for memory" },
};

static bool per_cpu_counter(int t)
{
	return t >= PKTCAP_A_METRICS_SEEN && t <= PKTCAP_A_METRICS_WAKEUPS &&
	       t != PKTCAP_A_METRICS_CPU && t != PKTCAP_A_METRICS_CPU_ID;
}

/*
 * Counters get the conventional _total suffix; gauges keep their name.
 * Per-CPU values are a family of their own (pktcap_cpu_*), so that
 * summing a family never counts a packet twice.
 */
static void metric_name(int t, bool cpu, char *buf, size_t len)
{
	snprintf(buf, len, "pktcap_%s%s%s", cpu ? "cpu_" : "",
		 cap_counter_name(t), prom_info[t].gauge ? "" : "_total");
}

static void family_head(FILE *out, const char *name, int t, bool cpu)
{
	fprintf(out, "# HELP %s %s%s\n# TYPE %s %s\n", name, prom_info[t].help,
		cpu ? ", per CPU" : "", name,
		prom_info[t].gauge ? "gauge" : "counter");
}

static void write_family(FILE *out, const struct cap_metrics *m, int t)
{
	char name[96];
	unsigned int i;

	metric_name(t, false, name, sizeof(name));
	family_head(out, name, t, false);
	fprintf(out, "%s %llu\n", name, (unsigned long long)m->total.val[t]);
	if (!per_cpu_counter(t) || !m->nr_cpus)
		return;
	metric_name(t, true, name, sizeof(name));
	family_head(out, name, t, true);
	for (i = 0; i < m->nr_cpus; i++)
		if (m->cpu[i].present[t])
			fprintf(out, "%s{cpu=\"%u\"} %llu\n", name, m->cpu_id[i],
				(unsigned long long)m->cpu[i].val[t]);
}

int pk_prom_write(FILE *out, const struct cap_metrics *m)
{
	int t;

	for (t = 0; t <= PKTCAP_A_METRICS_MAX; t++)
		if (m->total.present[t] && cap_counter_name(t) && prom_info[t].help)
			write_family(out, m, t);
	return ferror(out) ? -EIO : 0;
}

static int listen_on(const char *addr)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM, .ai_flags = AI_PASSIVE };
	char host[256], *port;
	struct addrinfo *ai;
	int fd, one = 1, err;

	snprintf(host, sizeof(host), "%s", addr);
	port = strrchr(host, ':');
	if (!port)
		return -EINVAL;
	*port++ = '\0';
	if (host[0] == '[' && port[-2] == ']') {
		port[-2] = '\0';
		memmove(host, host + 1, strlen(host));
	}
	err = getaddrinfo(host[0] ? host : NULL, port, &hints, &ai);
	if (err)
		return -EADDRNOTAVAIL;
	fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd >= 0)
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (fd < 0 || bind(fd, ai->ai_addr, ai->ai_addrlen) || listen(fd, 16)) {
		err = -errno;
		if (fd >= 0)
			close(fd);
		freeaddrinfo(ai);
		return err;
	}
	freeaddrinfo(ai);
	return fd;
}

static void reply(FILE *f, const char *status, const char *type, const char *body,
		  size_t len)
{
	fprintf(f, "HTTP/1.0 %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n"
		"Connection: close\r\n\r\n", status, type, len);
	fwrite(body, 1, len, f);
}

/* One request: GET /metrics gets the exposition, anything else 404/405. */
static void serve_one(int c, struct pk_nl *nl)
{
	static struct cap_metrics m;
	char line[512], path[256] = "", *body = NULL;
	struct timeval tv = { .tv_sec = 5 };
	size_t len = 0;
	FILE *f, *mem;

	setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	f = fdopen(c, "r+");
	if (!f) {
		close(c);
		return;
	}
	if (!fgets(line, sizeof(line), f) || sscanf(line, "GET %255s", path) != 1) {
		reply(f, "405 Method Not Allowed", "text/plain", "GET only\n", 9);
		goto out;
	}
	while (fgets(line, sizeof(line), f) && strcmp(line, "\r\n") && strcmp(line, "\n"))
		;	/* headers: nothing in them changes the answer */
	if (strcmp(path, "/metrics") && strcmp(path, "/")) {
		reply(f, "404 Not Found", "text/plain", "try /metrics\n", 13);
		goto out;
	}
	mem = open_memstream(&body, &len);
	if (!mem || cap_metrics_get(nl, &m) || pk_prom_write(mem, &m)) {
		if (mem)
			fclose(mem);
		reply(f, "503 Service Unavailable", "text/plain", "METRICS failed\n", 15);
		goto out;
	}
	fclose(mem);
	reply(f, "200 OK", "text/plain; version=0.0.4; charset=utf-8", body, len);
out:
	free(body);
	fclose(f);
}

static volatile sig_atomic_t prom_stop;

static void on_signal(int sig)
{
	(void)sig;
	prom_stop = 1;
}

int pk_prom_serve(struct pk_nl *nl, const char *addr)
{
	struct sigaction sa = { .sa_handler = on_signal };
	int fd, c;

	fd = listen_on(addr);
	if (fd < 0)
		return pk_err_errno(addr, -fd, NULL);
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	while (!prom_stop) {
		c = accept4(fd, NULL, NULL, SOCK_CLOEXEC);
		if (c < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			close(fd);
			return pk_err_errno(addr, errno, NULL);
		}
		serve_one(c, nl);
	}
	close(fd);
	return 0;
}
