/* SPDX-License-Identifier: GPL-2.0 */
/* The long-lived exporter process behind "pktcapctl export enable". */
#ifndef PK_EXPORT_DAEMON_H
#define PK_EXPORT_DAEMON_H

#include <stdbool.h>

#include "exporter.h"

/* Big enough to ride out a burst of expiries while we encode (32 MiB). */
#define PK_EXPORT_RCVBUF	(32 << 20)

struct export_opts {
	struct pk_exporter_cfg cfg;
	char *collectors[PKTCAP_MAX_COLLECTORS];
	unsigned int ncol;
	bool foreground;
	const char *pidfile;		/* NULL: none */
	const char *state_file;		/* statistics, see docs/EXPORT.md */
	unsigned int state_secs;	/* how often it is rewritten */
};

/*
 * Run the exporter: daemonize unless o->foreground, announce with EXPORT
 * enable from the process that stays, then receive, encode and send until
 * SIGTERM or SIGINT; then EXPORT disable. Returns the exit status; without
 * -f the caller's process gets the status of the start-up only (0 once
 * the daemon announced itself).
 */
int export_daemon_run(struct export_opts *o);

#endif /* PK_EXPORT_DAEMON_H */
