// SPDX-License-Identifier: GPL-2.0
/*
 * exporter_bench - how many flow records per second the exporter's
 * encode + send loop (userspace/exporter.c, pk_exporter_send()) pushes
 * to a UDP sink on loopback, on one core.
 *
 *   exporter_bench [-v 5|9|10] [-n RECORDS] [-b BATCH] [-r REPS]
 *                  [--cpu N] [--sink-cpu N]
 *
 * A sink thread (pinned to --sink-cpu) binds 127.0.0.1:0 and drains
 * datagrams; the sender (pinned to --cpu) feeds RECORDS synthetic IPv4
 * flows in batches of BATCH (the kernel's batches hold a few dozen) to
 * pk_exporter_send(). Per repetition it prints one line of key=value:
 * records, the sender thread's CPU seconds, wall seconds, records per
 * CPU second (the "per core" figure), datagrams sent and failed, and
 * datagrams the sink received.
 */
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "exporter.h"

#define NPOOL	4096		/* distinct synthetic flows, reused */

struct sink {
	int fd;
	atomic_bool stop;
	atomic_ulong datagrams;
	int cpu;
};

static double now_s(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static void pin(int cpu)
{
	cpu_set_t set;

	if (cpu < 0)
		return;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		fprintf(stderr, "exporter_bench: cannot pin to CPU %d: %s\n",
			cpu, strerror(errno));
}

static void *sink_main(void *arg)
{
	struct sink *s = arg;
	static uint8_t buf[65536];

	pin(s->cpu);
	while (!atomic_load(&s->stop)) {
		ssize_t n = recv(s->fd, buf, sizeof(buf), 0);

		if (n >= 0)
			atomic_fetch_add(&s->datagrams, 1);
	}
	return NULL;
}

static int sink_open(struct sink *s, char *spec, size_t len)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	struct timeval tv = { .tv_usec = 100000 };
	socklen_t alen = sizeof(a);
	int rcvbuf = 8 << 20;

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	s->fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (s->fd < 0 || bind(s->fd, (struct sockaddr *)&a, sizeof(a)) ||
	    getsockname(s->fd, (struct sockaddr *)&a, &alen)) {
		perror("exporter_bench: sink");
		return -1;
	}
	setsockopt(s->fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	setsockopt(s->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	snprintf(spec, len, "127.0.0.1:%u", ntohs(a.sin_port));
	return 0;
}

/* NPOOL IPv4 UDP/TCP flows with distinct keys and plausible counters. */
static void make_flows(struct pktcap_flowrec *r, size_t n, uint64_t t0)
{
	size_t i;

	memset(r, 0, n * sizeof(*r));
	for (i = 0; i < n; i++) {
		r[i].l3_proto = PKTCAP_ETH_P_IP;
		r[i].src[0] = 198;
		r[i].src[1] = 51;
		r[i].src[2] = 100;
		r[i].src[3] = i & 0xff;
		r[i].dst[0] = 203;
		r[i].dst[1] = 0;
		r[i].dst[2] = 113;
		r[i].dst[3] = (i >> 8) & 0xff;
		r[i].proto = i & 1 ? 6 : 17;
		r[i].sport = 1024 + i;
		r[i].dport = 53 + (i % 7);
		r[i].packets = 1 + i % 100;
		r[i].bytes = r[i].packets * 512;
		r[i].first_ns = t0 - 2000000000ULL;
		r[i].last_ns = t0 - 1000000000ULL;
		r[i].ifindex = 2;
		r[i].sampling = 1;
		r[i].ttl_min = 63;
		r[i].ttl_max = 64;
		r[i].tcp_flags = r[i].proto == 6 ? 0x1b : 0;
		r[i].end_reason = PKTCAP_FLOW_END_IDLE;
		r[i].direction = PKTCAP_DIR_IN;
	}
}

static int run_once(unsigned int version, unsigned long nrec, unsigned int batch,
		    int cpu, int sink_cpu, int rep)
{
	struct pk_exporter_cfg cfg = { .version = version, .sampling = 1,
				       .tmpl_packets = 20, .tmpl_secs = 60 };
	static struct pktcap_flowrec pool[NPOOL];
	struct sink s = { .cpu = sink_cpu };
	struct pk_exporter *x;
	char spec[64], *cols[1] = { spec };
	unsigned long done = 0, datagrams = 0;
	double c0, c1, w0, w1;
	pthread_t th;
	uint64_t t;

	if (sink_open(&s, spec, sizeof(spec)))
		return -1;
	x = calloc(1, sizeof(*x));
	if (!x)
		return -1;
	t = now_ns();
	make_flows(pool, NPOOL, t);
	if (pk_exporter_init(x, &cfg, cols, 1, t))
		return -1;
	if (pthread_create(&th, NULL, sink_main, &s))
		return -1;
	pin(cpu);
	w0 = now_s(CLOCK_MONOTONIC);
	c0 = now_s(CLOCK_THREAD_CPUTIME_ID);
	while (done < nrec) {
		unsigned long off = done % NPOOL, n = batch;

		if (n > NPOOL - off)
			n = NPOOL - off;
		if (n > nrec - done)
			n = nrec - done;
		pk_exporter_send(x, pool + off, n, now_ns());
		done += n;
	}
	c1 = now_s(CLOCK_THREAD_CPUTIME_ID);
	w1 = now_s(CLOCK_MONOTONIC);
	usleep(200000);		/* let the sink drain */
	atomic_store(&s.stop, true);
	pthread_join(th, NULL);
	datagrams = atomic_load(&s.datagrams);
	printf("version=%u rep=%d batch=%u records=%lu cpu_s=%.4f wall_s=%.4f "
	       "rec_per_cpu_s=%.0f rec_per_wall_s=%.0f sends=%llu send_errors=%llu "
	       "exported_records=%llu sink_datagrams=%lu\n",
	       version, rep, batch, done, c1 - c0, w1 - w0,
	       done / (c1 - c0), done / (w1 - w0),
	       (unsigned long long)x->col[0].st.sends,
	       (unsigned long long)x->col[0].st.send_errors,
	       (unsigned long long)x->col[0].st.records, datagrams);
	fflush(stdout);
	pk_exporter_close(x);
	free(x);
	close(s.fd);
	return 0;
}

static void usage(void)
{
	fprintf(stderr, "usage: exporter_bench [-v 5|9|10] [-n RECORDS] [-b BATCH] "
		"[-r REPS] [--cpu N] [--sink-cpu N]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "cpu", required_argument, NULL, 'c' },
		{ "sink-cpu", required_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 }
	};
	unsigned int version = 10, batch = 32;
	unsigned long nrec = 2000000;
	int reps = 1, cpu = 0, sink_cpu = 1, opt, i;

	while ((opt = getopt_long(argc, argv, "v:n:b:r:", opts, NULL)) != -1) {
		switch (opt) {
		case 'v': version = strtoul(optarg, NULL, 10); break;
		case 'n': nrec = strtoul(optarg, NULL, 10); break;
		case 'b': batch = strtoul(optarg, NULL, 10); break;
		case 'r': reps = atoi(optarg); break;
		case 'c': cpu = atoi(optarg); break;
		case 's': sink_cpu = atoi(optarg); break;
		default: usage();
		}
	}
	if (optind != argc || !batch || batch > NPOOL || !nrec || reps < 1 ||
	    (version != 5 && version != 9 && version != 10))
		usage();
	for (i = 1; i <= reps; i++)
		if (run_once(version, nrec, batch, cpu, sink_cpu, i))
			return 1;
	return 0;
}
