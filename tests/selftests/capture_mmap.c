// SPDX-License-Identifier: GPL-2.0
/*
 * capture_mmap: the mappings /dev/pktcap must refuse, and the ones it must
 * allow, against a running capture session. One line per case:
 * "PASS name" or "FAIL name: why"; t_20_capture.sh turns them into TAP.
 * Exit status 0 if every case passed.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <linux/pktcap.h>

static int failed;
static int fd;
static long page;

static void result(const char *name, int pass, const char *why)
{
	if (pass) {
		printf("PASS %s\n", name);
	} else {
		printf("FAIL %s: %s\n", name, why);
		failed = 1;
	}
}

/* The mapping must be refused; a success is unmapped and reported. */
static void refused(const char *name, size_t len, int prot, int flags, off_t off)
{
	void *p = mmap(NULL, len, prot, flags, fd, off);
	char why[128];

	if (p != MAP_FAILED) {
		munmap(p, len);
		result(name, 0, "mapped");
		return;
	}
	snprintf(why, sizeof(why), "errno %d (%s), want EINVAL/EACCES/EPERM",
		 errno, strerror(errno));
	result(name, errno == EINVAL || errno == EACCES || errno == EPERM, why);
}

/* Map read-only, then ask for write access: mprotect must refuse it. */
static void no_mprotect(const char *name, size_t len, off_t off)
{
	void *p = mmap(NULL, len, PROT_READ, MAP_SHARED, fd, off);

	if (p == MAP_FAILED) {
		result(name, 0, strerror(errno));
		return;
	}
	result(name, mprotect(p, len, PROT_READ | PROT_WRITE) != 0,
	       "mprotect(PROT_WRITE) succeeded");
	munmap(p, len);
}

/* A mapping the ABI allows: the positive controls of the cases above. */
static void *allowed(const char *name, size_t len, int prot, off_t off)
{
	void *p = mmap(NULL, len, prot, MAP_SHARED, fd, off);

	result(name, p != MAP_FAILED, strerror(errno));
	return p == MAP_FAILED ? NULL : p;
}

static void ring_cases(const struct pktcap_mmap_info *info)
{
	size_t ring_len = info->data_offset + info->ring_size;
	off_t ring = info->ring_offset, cons = ring + info->consumer_offset;
	off_t last = ring + (off_t)(info->nr_rings - 1) * info->ring_stride;
	void *p;

	p = allowed("ring 0 read-only", ring_len, PROT_READ, ring);
	if (p)
		munmap(p, ring_len);
	p = allowed("consumer page read-write", page, PROT_READ | PROT_WRITE, cons);
	if (p)
		munmap(p, page);
	refused("ring PROT_WRITE", ring_len, PROT_READ | PROT_WRITE, MAP_SHARED, ring);
	refused("ring MAP_PRIVATE", ring_len, PROT_READ, MAP_PRIVATE, ring);
	refused("ring too long", ring_len + page, PROT_READ, MAP_SHARED, ring);
	refused("ring too short", ring_len - page, PROT_READ, MAP_SHARED, ring);
	refused("offset inside a ring", page, PROT_READ, MAP_SHARED, ring + page);
	refused("offset past the last ring", page, PROT_READ, MAP_SHARED,
		last + info->ring_stride);
	refused("consumer page two pages", 2 * page, PROT_READ | PROT_WRITE,
		MAP_SHARED, cons);
	refused("consumer page MAP_PRIVATE", page, PROT_READ | PROT_WRITE,
		MAP_PRIVATE, cons);
	refused("huge offset", page, PROT_READ, MAP_SHARED,
		(off_t)1 << 46);
	no_mprotect("ring mprotect(PROT_WRITE)", ring_len, ring);
}

int main(void)
{
	struct pktcap_mmap_info *info;

	page = sysconf(_SC_PAGESIZE);
	fd = open(PKTCAP_DEVICE_PATH, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		printf("FAIL open %s: %s\n", PKTCAP_DEVICE_PATH, strerror(errno));
		return 1;
	}
	info = allowed("info page read-only", page, PROT_READ, 0);
	if (!info)
		return 1;
	result("info page magic", info->magic == PKTCAP_MMAP_MAGIC, "bad magic");
	refused("info page PROT_WRITE", page, PROT_READ | PROT_WRITE, MAP_SHARED, 0);
	refused("info page MAP_PRIVATE", page, PROT_READ, MAP_PRIVATE, 0);
	refused("info page two pages", 2 * page, PROT_READ, MAP_SHARED, 0);
	no_mprotect("info page mprotect(PROT_WRITE)", page, 0);
	ring_cases(info);
	munmap(info, page);
	close(fd);
	return failed;
}
