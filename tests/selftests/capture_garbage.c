// SPDX-License-Identifier: GPL-2.0
/*
 * capture_garbage - a hostile reader of /dev/pktcap.
 *
 *   capture_garbage SECONDS
 *	Maps every ring of the running session and, for SECONDS, scribbles
 *	random values over every byte of each ring's consumer page (the only
 *	memory a reader may write), the consumer index above all: ahead of
 *	the producer, far behind it, unaligned, anything. It reads every
 *	page of the read-only mappings as it goes. The kernel must survive
 *	it and count what it could not store as dropped. SIGTERM ends it
 *	early. Prints the number of writes.
 *
 *   capture_garbage SECONDS race
 *	The same in short rounds until SECONDS have passed, each round
 *	ending differently: munmap then close, close then keep using the
 *	mappings, or leave both to exit. Meant to run while STOP, START and
 *	rmmod race it (t_80_stress.sh): a session may stop under the
 *	mappings, the module may be gone between rounds. Every failure to
 *	open or map is expected then and only counted. Prints "ROUNDS MAPPED
 *	WRITES".
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <linux/pktcap.h>

static uint64_t seed;
static volatile sig_atomic_t stop;

static void on_term(int sig)
{
	(void)sig;
	stop = 1;
}

static uint64_t rnd(void)
{
	/* xorshift64: any value, cheap; no need for quality. */
	seed ^= seed << 13;
	seed ^= seed >> 7;
	seed ^= seed << 17;
	return seed;
}

/* Values near the producer are the interesting ones: off by one, by the
 * ring size, unaligned; the rest is noise over the whole u64 range.
 */
static uint64_t garbage(uint64_t prod, uint32_t size)
{
	switch (rnd() % 6) {
	case 0: return prod + 1 + rnd() % 4096;
	case 1: return prod - size - 1 - rnd() % 4096;
	case 2: return prod - rnd() % size;
	case 3: return prod | 3;
	case 4: return UINT64_MAX - rnd() % 8;
	default: return rnd();
	}
}

struct mapping {
	const struct pktcap_mmap_info *info;
	unsigned int nr;
	size_t page, ring_len;
	unsigned char **cons;		/* consumer pages, read-write */
	const unsigned char **ring;	/* producer page + data, read-only */
};

static void unmap(struct mapping *m)
{
	unsigned int i;

	for (i = 0; m->cons && m->ring && i < m->nr; i++) {
		if (m->cons[i])
			munmap(m->cons[i], m->page);
		if (m->ring[i])
			munmap((void *)m->ring[i], m->ring_len);
	}
	free(m->cons);
	free(m->ring);
	if (m->info)
		munmap((void *)m->info, m->page);
	memset(m, 0, sizeof(*m));
}

/* 0, or -errno: no session, the module going away, a stop under us. */
static int map_all(int fd, struct mapping *m)
{
	unsigned int i;
	void *p;

	m->page = sysconf(_SC_PAGESIZE);
	p = mmap(NULL, m->page, PROT_READ, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		return -errno;
	m->info = p;
	m->nr = m->info->nr_rings;
	m->ring_len = m->info->data_offset + m->info->ring_size;
	m->cons = calloc(m->nr, sizeof(*m->cons));
	m->ring = calloc(m->nr, sizeof(*m->ring));
	if (!m->cons || !m->ring)
		return -ENOMEM;
	for (i = 0; i < m->nr; i++) {
		off_t off = m->info->ring_offset + (off_t)i * m->info->ring_stride;

		p = mmap(NULL, m->page, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
			 off + m->info->consumer_offset);
		if (p == MAP_FAILED)
			return -errno;
		m->cons[i] = p;
		/* Only whole rings map: the producer page comes with data. */
		p = mmap(NULL, m->ring_len, PROT_READ, MAP_SHARED, fd, off);
		if (p == MAP_FAILED)
			return -errno;
		m->ring[i] = p;
	}
	return 0;
}

/* One pass over every ring: garbage in, every page of it read. */
static uint64_t scribble(const struct mapping *m)
{
	volatile unsigned char sink = 0;
	uint64_t writes = 0;
	unsigned int i;
	size_t off;

	for (i = 0; i < m->nr; i++) {
		uint64_t prod = *(const volatile uint64_t *)m->ring[i];
		unsigned char *c = m->cons[i];

		if (rnd() % 8 == 0) {
			for (off = 0; off < m->page; off += sizeof(uint64_t))
				*(volatile uint64_t *)(c + off) = rnd();
			writes += m->page / sizeof(uint64_t);
		}
		*(volatile uint64_t *)c = garbage(prod, m->info->ring_size);
		writes++;
		for (off = 0; off < m->ring_len; off += m->page)
			sink += m->ring[i][off];
	}
	(void)sink;
	return writes;
}

static int run_plain(time_t end)
{
	struct mapping m = { 0 };
	uint64_t writes = 0;
	int fd, err;

	fd = open(PKTCAP_DEVICE_PATH, O_RDWR);
	if (fd < 0) {
		perror(PKTCAP_DEVICE_PATH);
		return 1;
	}
	err = map_all(fd, &m);
	if (err) {
		fprintf(stderr, "capture_garbage: mmap: %s\n", strerror(-err));
		return 1;
	}
	signal(SIGTERM, on_term);
	while (!stop && time(NULL) < end) {
		writes += scribble(&m);
		usleep(100);
	}
	printf("%llu\n", (unsigned long long)writes);
	return 0;
}

static int complete(const struct mapping *m)
{
	return m->nr && m->ring && m->ring[m->nr - 1];
}

static int run_race(time_t end)
{
	uint64_t rounds = 0, mapped = 0, writes = 0;
	struct mapping m;
	int fd, n;

	while (time(NULL) < end) {
		rounds++;
		memset(&m, 0, sizeof(m));
		fd = open(PKTCAP_DEVICE_PATH, O_RDWR);
		if (fd < 0) {		/* busy, or no module right now */
			usleep(2000);
			continue;
		}
		if (!map_all(fd, &m) && complete(&m))
			mapped++;
		for (n = rnd() % 200; n > 0 && complete(&m); n--)
			writes += scribble(&m);
		switch (rnd() % 3) {
		case 0:
			unmap(&m);
			close(fd);
			break;
		case 1:		/* the mappings outlive the descriptor */
			close(fd);
			for (n = rnd() % 200; n > 0 && complete(&m); n--)
				writes += scribble(&m);
			unmap(&m);
			break;
		default:	/* both left to exit */
			printf("%llu %llu %llu\n", (unsigned long long)rounds,
			       (unsigned long long)mapped,
			       (unsigned long long)writes);
			return 0;
		}
	}
	printf("%llu %llu %llu\n", (unsigned long long)rounds,
	       (unsigned long long)mapped, (unsigned long long)writes);
	return 0;
}

int main(int argc, char **argv)
{
	time_t end = time(NULL) + (argc > 1 ? atoi(argv[1]) : 3);

	seed = 0x9e3779b97f4a7c15ULL ^ (uint64_t)getpid() ^ (uint64_t)time(NULL);
	if (argc > 2 && !strcmp(argv[2], "race"))
		return run_race(end);
	return run_plain(end);
}
