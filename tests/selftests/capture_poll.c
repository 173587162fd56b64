// SPDX-License-Identifier: GPL-2.0
/*
 * capture_poll - poll() on /dev/pktcap reports records in batches.
 *
 * Run in a namespace whose capture session watches lo with the nf-ingress
 * backend, wakeup_records 64 and wakeup_usec 2 000 000 (t_20_capture_
 * counters.sh starts it). Sends UDP datagrams to 127.0.0.1 itself, one
 * record each, and checks what the uapi header promises:
 *
 *   - a few records, fewer than wakeup_records: poll() does not report
 *     them at once ...
 *   - ... but within wakeup_usec;
 *   - wakeup_records records: poll() reports them at once;
 *   - a wakeup is reported once: after the reader consumed everything,
 *     one more record does not make the descriptor readable at once.
 *
 * Prints "ok - NAME" / "not ok - NAME: WHY" lines; exit 1 if any failed.
 */
#include <arpa/inet.h>
#include <sched.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <linux/pktcap.h>

static int failures;

static void result(int good, const char *name, const char *fmt, long v)
{
	if (good) {
		printf("ok - %s\n", name);
		return;
	}
	printf("not ok - %s: ", name);
	printf(fmt, v);
	putchar('\n');
	failures++;
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000;
}

struct rings {
	unsigned int nr;
	const volatile uint64_t **prod;
	volatile uint64_t **cons;
};

static int map_rings(int fd, struct rings *r)
{
	long page = sysconf(_SC_PAGESIZE);
	const struct pktcap_mmap_info *info;
	unsigned int i;

	info = mmap(NULL, page, PROT_READ, MAP_SHARED, fd, 0);
	if (info == MAP_FAILED)
		return -1;
	r->nr = info->nr_rings;
	r->prod = calloc(r->nr, sizeof(*r->prod));
	r->cons = calloc(r->nr, sizeof(*r->cons));
	if (!r->prod || !r->cons)
		return -1;
	for (i = 0; i < r->nr; i++) {
		off_t off = info->ring_offset + (off_t)i * info->ring_stride;
		void *p;

		p = mmap(NULL, info->data_offset + info->ring_size, PROT_READ,
			 MAP_SHARED, fd, off);
		if (p == MAP_FAILED)
			return -1;
		r->prod[i] = p;
		p = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
			 off + info->consumer_offset);
		if (p == MAP_FAILED)
			return -1;
		r->cons[i] = p;
	}
	return 0;
}

/* Consumes everything: the consumer index catches up with the producer. */
static uint64_t consume_all(const struct rings *r)
{
	uint64_t bytes = 0;
	unsigned int i;

	for (i = 0; i < r->nr; i++) {
		uint64_t p = __atomic_load_n(r->prod[i], __ATOMIC_ACQUIRE);

		bytes += p - *r->cons[i];
		__atomic_store_n(r->cons[i], p, __ATOMIC_RELEASE);
	}
	return bytes;
}

static void send_udp(int n)
{
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(9) };
	int s = socket(AF_INET, SOCK_DGRAM, 0), i;

	to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	for (i = 0; i < n; i++)
		sendto(s, "x", 1, 0, (struct sockaddr *)&to, sizeof(to));
	close(s);
	usleep(100 * 1000);	/* lo's backlog runs; every record is in */
}

static int readable(int fd, int timeout_ms)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };

	return poll(&pfd, 1, timeout_ms) == 1 && (pfd.revents & POLLIN);
}

int main(void)
{
	struct rings r;
	long t0, waited;
	cpu_set_t cpu0;
	int fd;

	setvbuf(stdout, NULL, _IOLBF, 0);
	/* One CPU, so every record lands on one ring. */
	CPU_ZERO(&cpu0);
	CPU_SET(0, &cpu0);
	sched_setaffinity(0, sizeof(cpu0), &cpu0);
	fd = open(PKTCAP_DEVICE_PATH, O_RDWR);
	if (fd < 0 || map_rings(fd, &r)) {
		perror("capture_poll: " PKTCAP_DEVICE_PATH);
		return 2;
	}
	consume_all(&r);
	readable(fd, 0);	/* nothing pending: every earlier wakeup seen */

	send_udp(3);
	result(!readable(fd, 0), "3 records (< wakeup_records): poll() does not report them at once",
	       "%ld: readable", 0);
	t0 = now_ms();
	result(readable(fd, 10000), "... but within wakeup_usec", "%ld: not readable after 10 s", 0);
	waited = now_ms() - t0;
	result(waited >= 1000 && waited < 8000, "... after about wakeup_usec (2 s)",
	       "after %ld ms", waited);
	result(consume_all(&r) > 0, "the 3 records are there", "%ld bytes", 0);

	send_udp(70);
	result(readable(fd, 0), "70 records (>= wakeup_records 64): poll() reports them at once",
	       "%ld: not readable", 0);
	consume_all(&r);
	send_udp(1);
	result(!readable(fd, 0), "after the reader consumed all, one more record is not readable at once",
	       "%ld: readable", 0);
	consume_all(&r);
	return failures ? 1 : 0;
}
