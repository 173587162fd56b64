#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""export_nl.py - raw generic netlink helper of the export selftests.

  export_nl.py meter DEV[,DEV] [INACTIVE_S [BACKEND]]  enable the flow meter
  export_nl.py meter off                               disable it
  export_nl.py metrics                                 METRICS as one JSON object,
                                                       plus "t_request_ms": the
                                                       wall clock just before the
                                                       request left
  export_nl.py listen SECONDS                          flows on the "flows" group
                                                       as JSON lines, for SECONDS

Independent of pktcapctl on purpose: the tests compare what the exporter
sent with what the kernel reports through this second, simpler decoder.
"""
import json
import os
import socket
import struct
import sys
import time

GENL = 16
CTRL = 0x10
NLA_NESTED = 0x8000
SOL_NETLINK = 270
NETLINK_ADD_MEMBERSHIP = 1

CMD_METRICS, CMD_FLOW_METER = 5, 6
A_METRICS, A_FLOW_METER, A_FLOW, A_FLOW_BATCH = 5, 6, 7, 11

METRICS = ["unspec", "pad", "seen", "captured", "filtered", "dropped",
           "truncated", "bytes", "cpu", "cpu_id", "wakeups", "flows_active",
           "flows_created", "flows_expired_idle", "flows_expired_active",
           "flows_expired_end", "flows_evicted", "flows_forced",
           "flow_packets", "flow_bytes", "batches_sent", "batches_lost",
           "flows_lost", "packets_lost", "parse_truncated",
           "parse_bad_header", "parse_exthdr_limit", "flows_delivered",
           "packets_delivered", "flow_sampled_out", "flow_alloc_failed",
           "flow_packets_active", "flow_packets_pending", "flows_pending",
           "batch_seq", "flow_buckets",
           "flow_grow_failed"]


def nla(t, payload):
    n = 4 + len(payload)
    return struct.pack("HH", n, t) + payload + b"\0" * ((4 - n % 4) % 4)


def attrs(b):
    i = 0
    while i + 4 <= len(b):
        n, t = struct.unpack_from("HH", b, i)
        if n < 4:
            break
        yield t & 0x3fff, b[i + 4:i + n]
        i += (n + 3) & ~3


class Genl:
    def __init__(self):
        self.s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, GENL)
        self.s.bind((0, 0))
        self.seq = 0
        reply = self.req(CTRL, 3, nla(2, b"pktcap\0"))[0]
        self.fam, self.groups = None, {}
        for t, v in attrs(reply[4:]):
            if t == 1:
                self.fam = struct.unpack("H", v)[0]
            if t == 7:
                for _, g in attrs(v):
                    d = dict(attrs(g))
                    self.groups[d[1].rstrip(b"\0").decode()] = \
                        struct.unpack("I", d[2])[0]

    def req(self, fam, cmd, payload=b""):
        self.seq += 1
        body = struct.pack("BBH", cmd, 1, 0) + payload
        self.s.send(struct.pack("IHHII", 16 + len(body), fam, 5, self.seq, 0)
                    + body)
        out = []
        while True:
            d = self.s.recv(1 << 20)
            i = 0
            while i < len(d):
                n, t, _, sq, _ = struct.unpack_from("IHHII", d, i)
                body = d[i + 16:i + n]
                i += (n + 3) & ~3
                if sq != self.seq:
                    continue
                if t == 2:
                    err = struct.unpack_from("i", body)[0]
                    if err:
                        raise OSError(-err, os.strerror(-err))
                    return out
                out.append(body)


def meter(g, args):
    if args[0] == "off":
        body = nla(1, b"\1"[:0] + b"\0")
    else:
        body = nla(1, b"\1")
        for dev in args[0].split(","):
            body += nla(NLA_NESTED | 3, nla(2, dev.encode() + b"\0"))
        if len(args) > 1:
            body += nla(6, struct.pack("I", int(args[1])))
        if len(args) > 2:
            body += nla(2, args[2].encode() + b"\0")
    g.req(g.fam, CMD_FLOW_METER, nla(NLA_NESTED | A_FLOW_METER, body))


def metrics(g):
    # Sampled before the request: a flow with first_ns before it began
    # before the kernel read its counters (see baseline in t_40).
    out = {"t_request_ms": time.time_ns() // 1000000}
    for m in g.req(g.fam, CMD_METRICS):
        for t, v in attrs(m[4:]):
            if t != A_METRICS:
                continue
            for tt, vv in attrs(v):
                if tt < len(METRICS) and len(vv) == 8:
                    out[METRICS[tt]] = struct.unpack("Q", vv)[0]
    print(json.dumps(out))


def flow(b):
    d = dict(attrs(b))
    u = lambda t, f: struct.unpack(f, d[t])[0] if t in d else 0
    l3 = u(5, "H")
    fam = socket.AF_INET if l3 == 0x0800 else socket.AF_INET6
    r = {"l3": l3, "proto": u(8, "B"), "sport": u(9, "H"), "dport": u(10, "H"),
         "icmp_type": u(11, "B"), "icmp_code": u(12, "B"),
         "packets": u(14, "Q"), "bytes": u(15, "Q"),
         "first": u(16, "Q") // 1000000}
    if 6 in d:
        r["src"] = socket.inet_ntop(fam, d[6])
        r["dst"] = socket.inet_ntop(fam, d[7])
    return r


def listen(g, secs):
    g.s.setsockopt(SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, g.groups["flows"])
    g.s.settimeout(0.2)
    print("listening", file=sys.stderr, flush=True)
    end = time.time() + secs
    while time.time() < end:
        try:
            d = g.s.recv(1 << 20)
        except socket.timeout:
            continue
        for t, v in attrs(d[20:]):
            if t == A_FLOW:
                print(json.dumps(flow(v)), flush=True)


def main():
    g = Genl()
    op, args = sys.argv[1], sys.argv[2:]
    if op == "meter":
        meter(g, args)
    elif op == "metrics":
        metrics(g)
    elif op == "listen":
        listen(g, float(args[0]))
    else:
        sys.exit("export_nl.py: %s: unknown operation" % op)


if __name__ == "__main__":
    main()
