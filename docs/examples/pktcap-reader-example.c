// SPDX-License-Identifier: GPL-2.0
/*
 * pktcap-reader-example: a complete, minimal pktcap reader that uses
 * nothing but the ABI header, to show third parties the whole protocol.
 * (pktcapctl uses userspace/lib/pktcap_reader.c, which does the same with
 * more checks and a timestamp-ordered merge across rings.)
 *
 *   cc -O2 -Wall -I uapi docs/examples/pktcap-reader-example.c \
 *      -o pktcap-reader-example
 *   pktcapctl start ...            # a capture session must be running
 *   ./pktcap-reader-example        # one line per packet, ^C to stop
 *   ./pktcap-reader-example PATH   # another device node (or a test file)
 *
 * Steps: open /dev/pktcap read-write (the consumer pages are writable),
 * map the info page and check it, map each ring read-only and its consumer
 * page read-write, then loop: for each ring load the producer index with
 * acquire (C), walk the records up to it (skipping PAD records), and store
 * the consumer index with release (D) once per ring per pass; poll() when
 * there is nothing to read.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <arpa/inet.h>

#include <linux/pktcap.h>

struct ring {
	const struct pktcap_ring_producer *prod;
	struct pktcap_ring_consumer *cons;
	const unsigned char *data;
};

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static int die(const char *what)
{
	fprintf(stderr, "pktcap-reader-example: %s: %s\n", what,
		strerror(errno));
	return 1;
}

static const struct pktcap_mmap_info *map_info(int fd, long page)
{
	const struct pktcap_mmap_info *info;

	info = mmap(NULL, page, PROT_READ, MAP_SHARED, fd, 0);
	if (info == MAP_FAILED)
		return NULL;
	if (info->magic != PKTCAP_MMAP_MAGIC ||
	    info->abi_version != PKTCAP_RING_ABI_VERSION ||
	    info->rec_hdr_len < sizeof(struct pktcap_rec_hdr) ||
	    !info->nr_rings || !info->ring_size ||
	    (info->ring_size & (info->ring_size - 1))) {
		errno = EPROTO;
		return NULL;
	}
	return info;
}

static int map_rings(int fd, const struct pktcap_mmap_info *info, long page,
		     struct ring *rings)
{
	size_t len = (size_t)info->data_offset + info->ring_size;
	uint32_t i;

	for (i = 0; i < info->nr_rings; i++) {
		off_t off = (off_t)(info->ring_offset + i * info->ring_stride);
		void *r, *c;

		r = mmap(NULL, len, PROT_READ, MAP_SHARED, fd, off);
		if (r == MAP_FAILED)
			return -1;
		c = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
			 off + info->consumer_offset);
		if (c == MAP_FAILED)
			return -1;
		rings[i].prod = r;
		rings[i].data = (const unsigned char *)r + info->data_offset;
		rings[i].cons = c;
	}
	return 0;
}

static void print_record(uint32_t ring, const struct pktcap_rec_hdr *h)
{
	printf("ring %" PRIu32 " seq %llu %llu.%09llu if %u %s proto 0x%04x len %u/%u%s\n",
	       ring, (unsigned long long)h->seq,
	       (unsigned long long)(h->tstamp_ns / 1000000000ULL),
	       (unsigned long long)(h->tstamp_ns % 1000000000ULL),
	       h->ifindex, h->direction == PKTCAP_DIR_OUT ? "out" : "in",
	       ntohs(h->protocol), h->cap_len, h->wire_len,
	       h->flags & PKTCAP_REC_F_SEALED ? " sealed" : "");
}

/*
 * Read everything ring @i has published, then hand it back with one
 * release store. Returns the number of packets, or -1 if the ring holds
 * something that is not a valid record (never trust sizes blindly).
 */
static long drain_ring(const struct pktcap_mmap_info *info, struct ring *r,
		       uint32_t i)
{
	uint64_t mask = info->ring_size - 1;
	uint64_t pos = r->cons->consumer;	/* only we write it */
	uint64_t end = __atomic_load_n(&r->prod->producer,
				       __ATOMIC_ACQUIRE);	/* (C) */
	long n = 0;

	if (end - pos > info->ring_size)
		return -1;
	while (pos != end) {
		const struct pktcap_rec_hdr *h;
		uint64_t off = pos & mask;

		h = (const struct pktcap_rec_hdr *)(r->data + off);
		if (!h->rec_len || h->rec_len % PKTCAP_REC_ALIGN ||
		    h->rec_len > end - pos || h->rec_len > info->ring_size - off)
			return -1;
		if (!(h->flags & PKTCAP_REC_F_PAD)) {
			if (h->rec_len < sizeof(*h))
				return -1;
			print_record(i, h);
			n++;
		}
		pos += h->rec_len;
	}
	__atomic_store_n(&r->cons->consumer, pos, __ATOMIC_RELEASE);	/* (D) */
	return n;
}

int main(int argc, char **argv)
{
	const char *path = argc > 1 ? argv[1] : PKTCAP_DEVICE_PATH;
	long page = sysconf(_SC_PAGESIZE);
	const struct pktcap_mmap_info *info;
	struct ring *rings;
	struct pollfd pfd;
	uint32_t i;
	int fd;

	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return die(path);
	info = map_info(fd, page);
	if (!info)
		return die("info page");
	rings = calloc(info->nr_rings, sizeof(*rings));
	if (!rings || map_rings(fd, info, page, rings))
		return die("mapping rings");

	pfd.fd = fd;
	pfd.events = POLLIN;
	pfd.revents = 0;
	while (!stop) {
		long got = 0;

		for (i = 0; i < info->nr_rings; i++) {
			long n = drain_ring(info, &rings[i], i);

			if (n < 0) {
				fprintf(stderr, "ring %u: corrupt record\n", i);
				return 1;
			}
			got += n;
		}
		fflush(stdout);
		if (got)
			continue;
		/* Everything read: leave if the session is gone. */
		if (__atomic_load_n(&info->stopped, __ATOMIC_RELAXED) ||
		    (pfd.revents & POLLHUP)) {
			fprintf(stderr, "capture session stopped\n");
			break;
		}
		/* Sleeps until the kernel's wakeup_records/wakeup_usec. */
		if (poll(&pfd, 1, 1000) < 0 && errno != EINTR)
			return die("poll");
	}
	close(fd);	/* the mappings go with the process */
	return 0;
}
