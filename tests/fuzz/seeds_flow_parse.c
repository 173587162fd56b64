// SPDX-License-Identifier: GPL-2.0
/*
 * Writes the seed corpus of fuzz_flow_parse into the directory given as
 * argument: the unit tests' frames (flow_parse_frames.h) with their
 * metadata, plus a few variants (truncated copies, IPv6 extension chains
 * at and over the limit, raw links with a protocol hint). Generated, so the
 * repository carries no binary seeds.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flow_parse.h"
#include "flow_parse_frames.h"

static const char *dir;

static int put(const char *name, const u8 *hdr, const u8 *frame,
	       unsigned int len)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/seed-%s", dir, name);
	f = fopen(path, "wb");
	if (!f) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return -1;
	}
	if (fwrite(hdr, 1, FPF_IN_HDR, f) != FPF_IN_HDR ||
	    (len && fwrite(frame, 1, len, f) != len)) {
		fprintf(stderr, "%s: short write\n", path);
		fclose(f);
		return -1;
	}
	return fclose(f) ? -1 : 0;
}

int main(int argc, char **argv)
{
	u8 hdr[FPF_IN_HDR], buf[14 + 40 + 8 * 12 + 8];
	char name[64];
	unsigned int i, n, len;
	int err = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: %s DIR\n", argv[0]);
		return 2;
	}
	dir = argv[1];

	for (i = 0; i < FPF_ARRAY_SIZE(fpf_frames); i++) {
		const struct fpf_frame *f = &fpf_frames[i];

		fpf_encode(f, hdr);
		err |= put(f->name, hdr, f->bytes, f->len);

		/* the first half of the frame, of a packet 1000 bytes longer */
		hdr[0] |= 1 << 3;
		hdr[5] = 1000 >> 8;
		hdr[6] = 1000 & 0xff;
		snprintf(name, sizeof(name), "%s-cut", f->name);
		err |= put(name, hdr, f->bytes, f->len / 2);
	}

	for (n = 7; n <= 10; n++) {
		struct fpf_frame f = { .link = PKTCAP_LINK_ETHER };

		len = fpf_build_v6_chain(buf, n);
		fpf_encode(&f, hdr);
		snprintf(name, sizeof(name), "v6_chain%u", n);
		err |= put(name, hdr, buf, len);
	}

	/* raw link, meta.protocol IPv6 on IPv4 bytes; ARP ethertype */
	{
		struct fpf_frame f = { .link = PKTCAP_LINK_RAW };

		fpf_encode(&f, hdr);
		hdr[0] |= 2 << 5;
		err |= put("raw_v4_as_v6", hdr, fpf_raw_v4, sizeof(fpf_raw_v4));
		hdr[0] |= 3 << 5;
		hdr[3] = 0x08;
		hdr[4] = 0x06;
		err |= put("raw_arp", hdr, fpf_raw_v4, sizeof(fpf_raw_v4));
	}
	return err ? 1 : 0;
}
