// SPDX-License-Identifier: GPL-2.0
/*
 * Seed corpus for fuzz_sealfile: well-formed sealed files written by the
 * real writer, so the fuzzer starts past the magic and the header checks.
 * The payloads are arbitrary bytes: the reader checks framing, not tags.
 * Usage: seeds_sealfile DIR
 */
#include <stdio.h>
#include <string.h>

#include "sealfile.h"

static int seed(const char *dir, const char *name, unsigned int nifaces,
		unsigned int nrec, uint32_t snaplen)
{
	static const uint8_t key_id[PKTCAP_KEY_ID_LEN] = "keyid!!";
	union {
		struct pktcap_rec_hdr h;
		uint8_t b[256];
	} r;
	char path[4096], errbuf[256], ifname[IF_NAMESIZE];
	struct pk_sealw *w;
	unsigned int i;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	w = pk_sealw_open(path, key_id, snaplen, errbuf);
	if (!w)
		return -1;
	for (i = 0; i < nifaces; i++) {
		snprintf(ifname, sizeof(ifname), "veth%u", i);
		pk_sealw_add_iface(w, i + 2, ifname, 1);
	}
	for (i = 0; i < nrec; i++) {
		uint32_t cap = (i * 13) % (snaplen < 100 ? snaplen : 100);

		memset(&r, (int)i, sizeof(r));
		memset(&r.h, 0, sizeof(r.h));
		r.h.hdr_len = sizeof(r.h);
		r.h.cap_len = cap;
		r.h.wire_len = cap;
		r.h.flags = PKTCAP_REC_F_SEALED;
		r.h.rec_len = (sizeof(r.h) + cap + PKTCAP_SEAL_OVERHEAD + 7) & ~7u;
		r.h.ifindex = 2 + i % (nifaces ? nifaces : 1);
		r.h.seq = i;
		pk_sealw_write(w, &r.h);
	}
	return pk_sealw_close(w, errbuf);
}

int main(int argc, char **argv)
{
	if (argc != 2)
		return 2;
	return seed(argv[1], "empty", 0, 0, 65535) ||
	       seed(argv[1], "one", 1, 1, 65535) ||
	       seed(argv[1], "several", 3, 12, 96) ||
	       seed(argv[1], "small_snap", 2, 5, 16);
}
