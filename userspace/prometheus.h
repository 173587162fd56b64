/* SPDX-License-Identifier: GPL-2.0 */
/* METRICS as Prometheus text exposition, printed or served over HTTP. */
#ifndef PK_PROMETHEUS_H
#define PK_PROMETHEUS_H

#include <stdio.h>
#include "capture_opts.h"

struct pk_nl;

/* Every counter of m as pktcap_* families with HELP and TYPE. 0 or -EIO. */
int pk_prom_write(FILE *out, const struct cap_metrics *m);

/* Serve GET /metrics on ADDR:PORT ([v6]:port, :port) until SIGINT/SIGTERM. */
int pk_prom_serve(struct pk_nl *nl, const char *addr);

#endif /* PK_PROMETHEUS_H */
