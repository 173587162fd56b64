// SPDX-License-Identifier: GPL-2.0
/*
 * capture_garbage SECONDS: a hostile reader. Maps every ring's consumer
 * page of the running session and scribbles random values into it for
 * SECONDS, so the kernel sees consumer indices ahead of the producer, far
 * behind it, and everything between. The kernel must survive it and count
 * what it could not store as dropped. Prints the number of writes.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <linux/pktcap.h>

static uint64_t rnd(uint64_t *s)
{
	/* xorshift64: any value, cheap; no need for quality. */
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* Values near the producer are the interesting ones: off by one, by the
 * ring size, unaligned; the rest is noise over the whole u64 range. */
static uint64_t garbage(uint64_t *s, uint64_t prod, uint32_t size)
{
	switch (rnd(s) % 6) {
	case 0: return prod + 1 + rnd(s) % 4096;
	case 1: return prod - size - 1 - rnd(s) % 4096;
	case 2: return prod - rnd(s) % size;
	case 3: return prod | 3;
	case 4: return UINT64_MAX - rnd(s) % 8;
	default: return rnd(s);
	}
}

int main(int argc, char **argv)
{
	struct pktcap_mmap_info *info;
	volatile uint64_t **cons;
	volatile uint64_t **prod;
	uint64_t seed = 0x9e3779b97f4a7c15ULL ^ (uint64_t)getpid(), writes = 0;
	long page = sysconf(_SC_PAGESIZE);
	time_t end;
	unsigned int i;
	int fd;

	end = time(NULL) + (argc > 1 ? atoi(argv[1]) : 3);
	fd = open(PKTCAP_DEVICE_PATH, O_RDWR);
	if (fd < 0) {
		perror(PKTCAP_DEVICE_PATH);
		return 1;
	}
	info = mmap(NULL, page, PROT_READ, MAP_SHARED, fd, 0);
	if (info == MAP_FAILED) {
		perror("mmap info");
		return 1;
	}
	cons = calloc(info->nr_rings, sizeof(*cons));
	prod = calloc(info->nr_rings, sizeof(*prod));
	for (i = 0; i < info->nr_rings; i++) {
		off_t off = info->ring_offset + (off_t)i * info->ring_stride;

		cons[i] = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
			       off + info->consumer_offset);
		/* Only whole rings map: the producer page comes with data. */
		prod[i] = mmap(NULL, info->data_offset + info->ring_size,
			       PROT_READ, MAP_SHARED, fd, off);
		if (cons[i] == MAP_FAILED || prod[i] == MAP_FAILED) {
			perror("mmap ring");
			return 1;
		}
	}
	while (time(NULL) < end) {
		for (i = 0; i < info->nr_rings; i++) {
			uint64_t p = *prod[i];

			*cons[i] = garbage(&seed, p, info->ring_size);
			writes++;
		}
		if (writes % 64 == 0)
			usleep(100);
	}
	printf("%llu\n", (unsigned long long)writes);
	return 0;
}
