/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Capture-file writers: turn pktcap ring records into pcap or pcapng.
 *
 * One interface for both formats. The caller opens a file, declares the
 * devices of the session, hands over records as it reads them from the
 * rings and flushes after each batch. See docs/CAPTURE-FILES.md for what
 * ends up in the files.
 *
 * Errors: functions returning int give 0 or a negative errno; the message
 * ("/tmp/x.pcap: Permission denied") is then in pk_capfile_strerror().
 * Errors are sticky: after a failed write every later call fails the same
 * way, so a caller may check only at flush or close. -EPIPE means the
 * reader of "-" went away; SIGPIPE is never raised for it.
 */
#ifndef _PKTCAP_CAPFILE_H
#define _PKTCAP_CAPFILE_H

#include <stddef.h>
#include <stdint.h>
#include <linux/pktcap.h>

#define PK_CAPFILE_ERRBUF_SIZE	512

enum pk_capfile_fmt {
	PK_CAPFILE_PCAP,	/* libpcap format, nanosecond magic 0xa1b23c4d */
	PK_CAPFILE_PCAPNG,	/* pcapng: one IDB per device, direction kept */
};

/**
 * struct pk_capfile_opts - how to write; a zeroed struct (or NULL) means
 *	one file, never rotated
 * @file_size: tcpdump's -C, in bytes (the CLI multiplies -C by 1,000,000
 *	as tcpdump does): before a packet is written, a file already larger
 *	than this is closed and the next one opened; 0: never rotate
 * @file_count: tcpdump's -W: keep at most this many files, overwriting the
 *	oldest, and number them with leading zeros; 0: no limit. Needs
 *	@file_size.
 * @application: pcapng shb_userappl; NULL: "pktcap"
 */
struct pk_capfile_opts {
	uint64_t file_size;
	unsigned int file_count;
	const char *application;
};

/**
 * struct pk_capfile_stats - counters since open, over all files
 * @packets: records written
 * @bytes: bytes handed to the output, file headers included
 * @files: files opened so far (rotation included; 1 for stdout)
 */
struct pk_capfile_stats {
	uint64_t packets;
	uint64_t bytes;
	uint64_t files;
};

struct pk_capfile;

/*
 * Creates @path ("-": standard output) and returns the writer, or NULL with
 * errno set and the reason in @errbuf (PK_CAPFILE_ERRBUF_SIZE bytes).
 * With "-" the writer owns descriptor 1 until close: print nothing else
 * to stdout meanwhile (messages go to stderr).
 */
struct pk_capfile *pk_capfile_open(const char *path, enum pk_capfile_fmt fmt,
				   const struct pk_capfile_opts *o,
				   char *errbuf);

/*
 * Declares a device whose records will be written: @linktype is its
 * ARPHRD_* type, @snaplen the session's snaplen, @name may be NULL.
 * pcap holds one link type per file; a device whose type maps to another
 * one fails with -EINVAL. Declaring an ifindex again is a no-op. Records
 * of undeclared devices declare them on the fly from the record.
 */
int pk_capfile_add_iface(struct pk_capfile *f, uint32_t ifindex,
			 const char *name, uint16_t linktype,
			 uint32_t snaplen);

/*
 * Appends one record: @h is its ring header, @pkt its h->cap_len bytes.
 * Pad and still-sealed records are refused with -EINVAL.
 */
int pk_capfile_write(struct pk_capfile *f, const struct pktcap_rec_hdr *h,
		     const void *pkt);

/* Pushes buffered data to the file or pipe; call after every batch. */
int pk_capfile_flush(struct pk_capfile *f);

/*
 * Flushes, closes and frees; returns the first error seen, if any, with
 * its message copied to @errbuf (may be NULL).
 */
int pk_capfile_close(struct pk_capfile *f, char *errbuf);

void pk_capfile_get_stats(const struct pk_capfile *f,
			  struct pk_capfile_stats *st);

/* The message of the last error ("" if none). */
const char *pk_capfile_strerror(const struct pk_capfile *f);

/* Name of the file being written now (path as given for "-"). */
const char *pk_capfile_current(const struct pk_capfile *f);

/*
 * Name of file number @idx under tcpdump's rotation rules: without
 * @file_count, @base then base1, base2 ...; with it, base0 .. base(N-1)
 * zero-padded to the width of N-1 (plain @base when N is 1).
 * Returns -ENAMETOOLONG if it does not fit in @size.
 */
int pk_capfile_filename(char *buf, size_t size, const char *base,
			unsigned int idx, unsigned int file_count);

#endif /* _PKTCAP_CAPFILE_H */
