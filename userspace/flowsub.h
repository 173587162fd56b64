/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The listener side of the "flows" multicast group: receives the kernel's
 * PKTCAP_CMD_FLOW_EXPIRED batches, decodes each PKTCAP_A_FLOW nest into a
 * struct pktcap_flowrec and accounts for batches it never saw.
 *
 * Loss is counted two ways, both exact: a gap in PKTCAP_A_FLOW_BATCH_SEQ
 * (every batch takes a number, delivered or not) gives the number of
 * batches missed; ENOBUFS on the socket only says "some were dropped"
 * and is counted as an overrun event. Batches lost after the last one
 * received show up when the next one arrives, or when pk_flowsub_sync()
 * compares with the kernel's METRICS BATCH_SEQ.
 */
#ifndef PK_FLOWSUB_H
#define PK_FLOWSUB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "flowrec.h"
#include "nl.h"

/* Flows one FLOW_EXPIRED message can carry, with room to spare (8 KiB). */
#define PK_FLOWSUB_MAX_FLOWS	256

struct pk_flowsub_stats {
	uint64_t batches;	/* batches received */
	uint64_t flows;		/* flows decoded */
	uint64_t packets;	/* packets + rev_packets of those flows */
	uint64_t lost_batches;	/* sequence numbers never seen */
	uint64_t overruns;	/* ENOBUFS: the kernel dropped for us */
	uint64_t bad;		/* malformed messages or nests, skipped */
	/* batches whose BATCH_COUNT differs from the flows they carry */
	uint64_t count_mismatch;
	uint64_t last_seq;	/* highest batch sequence number accounted */
};

struct pk_flowsub {
	struct pk_nl *nl;
	int fd;
	struct pk_flowsub_stats st;
	bool have_seq;		/* st.last_seq is a real baseline */
	size_t buflen;
	uint8_t *buf;
	struct pktcap_flowrec recs[PK_FLOWSUB_MAX_FLOWS];
};

/* Called with the flows of one batch, in the kernel's order. */
typedef void (*pk_flowsub_cb)(const struct pktcap_flowrec *recs, size_t n,
			      void *arg);

/*
 * Open a netlink socket, join the "flows" group, make the socket
 * non-blocking with a receive buffer of rcvbuf bytes (SO_RCVBUFFORCE,
 * else SO_RCVBUF), and take the kernel's current batch sequence as the
 * baseline, asked on ctl (a socket that joined no group, so that no
 * notification mixes with the reply). Prints its own errors; 0 or -errno.
 */
int pk_flowsub_open(struct pk_flowsub *fs, int rcvbuf, struct pk_nl *ctl);
void pk_flowsub_close(struct pk_flowsub *fs);

/*
 * Read every message pending on the socket, without blocking, and pass
 * each batch to cb. Returns the number of batches read, or -errno for a
 * socket error other than ENOBUFS (which is counted, not returned).
 */
int pk_flowsub_read(struct pk_flowsub *fs, pk_flowsub_cb cb, void *arg);

/*
 * Count as lost the batches the kernel numbered after the last one seen
 * (METRICS BATCH_SEQ), e.g. at exit after a final pk_flowsub_read().
 */
int pk_flowsub_sync(struct pk_flowsub *fs, struct pk_nl *ctl);

/*
 * Decode one PKTCAP_A_FLOW nest (attributes only, no header). Unknown
 * attributes are skipped (newer kernels). 0, or -EBADMSG when an
 * attribute has the wrong size or the addresses do not match L3_PROTO.
 */
int pk_flowrec_decode(const void *attrs, size_t len, struct pktcap_flowrec *r);

/* The kernel's METRICS BATCH_SEQ through a control socket. 0 or -errno. */
int pk_flowsub_kernel_seq(struct pk_nl *nl, uint64_t *seq);

#endif /* PK_FLOWSUB_H */
