/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Internals shared by capfile.c (open, rotation, output stream, device
 * table, record preparation) and the two format back ends. Not API.
 */
#ifndef _PKTCAP_CAPFILE_INT_H
#define _PKTCAP_CAPFILE_INT_H

#include <stdbool.h>
#include <stdio.h>
#include <limits.h>
#include "capfile.h"

/* File link types (LINKTYPE_*, the values stored in files, not DLT_*). */
#define PK_LINKTYPE_ETHERNET	1
#define PK_LINKTYPE_RAW		101
#define PK_LINKTYPE_LINUX_SLL2	276

/* How record bytes become a frame of the file's link type. */
enum pk_encap {
	PK_ENCAP_ETHER,		/* as is; stripped VLAN tags go back in */
	PK_ENCAP_RAW,		/* as is: the record starts at the IP header */
	PK_ENCAP_SLL2,		/* a synthesised 20-byte SLL2 header first */
};

#define PK_SLL2_HDR_LEN		20
#define PK_VLAN_TAG_LEN		4
#define PK_ETH_ADDRS_LEN	12	/* destination + source MAC */
#define PK_INSERT_MAX		PK_SLL2_HDR_LEN
#define PK_IFNAMSIZ		16	/* IFNAMSIZ */

struct pk_iface {
	uint32_t ifindex;
	uint32_t id;		/* pcapng interface id: order of declaration */
	uint16_t arphrd;
	uint16_t linktype;	/* PK_LINKTYPE_* */
	enum pk_encap encap;
	uint32_t snaplen;	/* as stored in the file, insertions included */
	char name[PK_IFNAMSIZ];	/* "" if unknown */
};

/*
 * A record as the file sees it: pkt[0, split) + ins[0, ins_len) +
 * pkt[split, cap_len). Lengths include the insertion.
 */
struct pk_frame {
	const uint8_t *pkt;
	uint32_t split;
	uint8_t ins[PK_INSERT_MAX];
	uint32_t ins_len;
	uint32_t pkt_len;	/* record bytes, h->cap_len */
	uint32_t caplen;	/* bytes in the file */
	uint32_t len;		/* length on the wire, as the file says */
	uint64_t tstamp_ns;
	uint8_t direction;
	uint8_t pkt_type;
};

/* fopencookie() state of the file being written. */
struct pk_out {
	int fd;
	bool is_stdout;
	int err;		/* first errno seen by write(2) or close(2) */
};

struct pk_capfile;

struct pk_capfile_ops {
	size_t priv_size;
	/* Checks a device against the file; called before it is added. */
	int (*check_iface)(struct pk_capfile *f, const struct pk_iface *ifc);
	/* Writes the file header (and the IDBs known so far) to f->fp. */
	int (*start)(struct pk_capfile *f);
	/* A device declared after start (pcapng: write its IDB). */
	int (*iface_added)(struct pk_capfile *f, const struct pk_iface *ifc);
	int (*write)(struct pk_capfile *f, const struct pk_iface *ifc,
		     const struct pk_frame *fr);
	/* Flushes and closes f->fp (and anything wrapping it). */
	int (*finish)(struct pk_capfile *f);
	void (*destroy)(struct pk_capfile *f);
};

struct pk_capfile {
	const struct pk_capfile_ops *ops;
	enum pk_capfile_fmt fmt;
	struct pk_capfile_opts opts;
	char *path;			/* as given */
	char cur[PATH_MAX];		/* file being written */
	unsigned int file_idx;
	FILE *fp;
	struct pk_out out;
	bool started;			/* header written to this file */
	uint64_t file_bytes;		/* bytes in this file */
	struct pk_capfile_stats st;
	struct pk_iface *ifaces;
	unsigned int nr_ifaces, cap_ifaces;
	unsigned int last;		/* index of the last device looked up */
	uint32_t def_snaplen;		/* snaplen of the first device */
	int err;			/* sticky negative errno */
	char errbuf[PK_CAPFILE_ERRBUF_SIZE];
	void *priv;			/* the back end's */
};

extern const struct pk_capfile_ops pk_capfile_pcap_ops;
extern const struct pk_capfile_ops pk_capfile_pcapng_ops;

/* Records an error with "path: " prefixed, returns -err. */
int pk_capfile_fail(struct pk_capfile *f, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Turns a failed stdio call on f->fp into an error with its errno. */
int pk_capfile_io_error(struct pk_capfile *f);
/* Writes @len bytes to f->fp, counting them. */
int pk_capfile_put(struct pk_capfile *f, const void *buf, size_t len);
/* Counts bytes a back end wrote to f->fp by other means (libpcap). */
void pk_capfile_count(struct pk_capfile *f, size_t len);

const char *pk_linktype_name(uint16_t linktype);

#endif /* _PKTCAP_CAPFILE_INT_H */
