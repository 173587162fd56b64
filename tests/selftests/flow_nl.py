#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""tests/selftests/flow_nl.py - raw generic netlink helpers for the flow tests.

Independent of pktcapctl on purpose: the tests check the CLI against what the
kernel says on the wire.

  flow_nl.py metrics
      METRICS counters as one JSON object (flow meter and capture counters,
      lower-case names of enum pktcap_a_metrics without the prefix).

  flow_nl.py listen --summary FILE [--flows FILE] [--ready FILE]
      Join the "flows" multicast group of family "pktcap" with a large
      receive buffer, decode PKTCAP_CMD_FLOW_EXPIRED batches until SIGTERM or
      SIGINT, then write a JSON summary: batches, sequence numbers and gaps,
      flows and packets by end reason, socket overruns. --flows writes every
      flow as one JSON line. --ready is created once the group is joined.

  flow_nl.py dump --out FILE [--started FILE --go FILE]
      A FLOWS dump read one small page (8 KiB) at a time, written to FILE as
      a JSON list of flows. With --started and --go it creates STARTED after
      the first page and waits for GO to exist before reading the rest, so
      the test can change the table in the middle of the dump.
"""
import argparse
import errno
import json
import os
import signal
import socket
import struct
import sys
import time

NETLINK_GENERIC = 16
SOL_NETLINK = 270
NETLINK_ADD_MEMBERSHIP = 1
NETLINK_EXT_ACK = 11
GENL_ID_CTRL = 0x10
CTRL_CMD_GETFAMILY = 3
CTRL_ATTR_FAMILY_ID = 1
CTRL_ATTR_FAMILY_NAME = 2
CTRL_ATTR_MCAST_GROUPS = 7
CTRL_ATTR_MCAST_GRP_NAME = 1
CTRL_ATTR_MCAST_GRP_ID = 2
NLMSG_ERROR = 2
NLMSG_DONE = 3
NLM_F_REQUEST = 1
NLM_F_ACK = 4

# uapi/linux/pktcap.h
PKTCAP_CMD_METRICS = 5
PKTCAP_CMD_FLOWS = 7
NLM_F_DUMP = 0x300
PKTCAP_CMD_FLOW_EXPIRED = 11
PKTCAP_A_METRICS = 5
PKTCAP_A_FLOW = 7
PKTCAP_A_FLOW_BATCH = 11
METRICS = [None, "pad", "seen", "captured", "filtered", "dropped", "truncated",
           "bytes", "cpu", "cpu_id", "wakeups", "flows_active", "flows_created",
           "flows_expired_idle", "flows_expired_active", "flows_expired_end",
           "flows_evicted", "flows_forced", "flow_packets", "flow_bytes",
           "batches_sent", "batches_lost", "flows_lost", "packets_lost",
           "parse_truncated", "parse_bad_header", "parse_exthdr_limit",
           "flows_delivered", "packets_delivered", "flow_sampled_out",
           "flow_alloc_failed", "flow_packets_active", "flow_packets_pending",
           "flows_pending", "batch_seq", "flow_buckets",
           "flow_grow_failed"]
FLOW = {2: ("ifindex", "I"), 3: ("direction", "B"), 4: ("vlan", "H"),
        5: ("l3_proto", "H"), 6: ("src", None), 7: ("dst", None),
        8: ("proto", "B"), 9: ("sport", "H"), 10: ("dport", "H"),
        11: ("icmp_type", "B"), 12: ("icmp_code", "B"), 13: ("dscp", "B"),
        14: ("packets", "Q"), 15: ("bytes", "Q"), 16: ("first_ns", "Q"),
        17: ("last_ns", "Q"), 18: ("tcp_flags", "B"), 19: ("ttl_min", "B"),
        20: ("ttl_max", "B"), 21: ("end_reason", "B"), 22: ("rev_packets", "Q"),
        23: ("rev_bytes", "Q"), 24: ("rev_tcp_flags", "B"),
        25: ("fragmented", "B"), 26: ("sampling", "I")}
BATCH_SEQ = 2
BATCH_COUNT = 3


def attrs(buf):
    """(type, payload) pairs of a run of netlink attributes."""
    i = 0
    while i + 4 <= len(buf):
        ln, typ = struct.unpack_from("HH", buf, i)
        if ln < 4 or i + ln > len(buf):
            raise ValueError("bad attribute length %d at %d" % (ln, i))
        yield typ & 0x3fff, buf[i + 4:i + ln]
        i += (ln + 3) & ~3


def nla(typ, payload):
    ln = 4 + len(payload)
    return struct.pack("HH", ln, typ) + payload + b"\0" * ((4 - ln % 4) % 4)


def messages(data):
    i = 0
    while i + 16 <= len(data):
        ln, typ, flags, seq, pid = struct.unpack_from("IHHII", data, i)
        if ln < 16:
            break
        yield typ, flags, data[i + 16:i + ln]
        i += (ln + 3) & ~3


class Genl:
    def __init__(self, rcvbuf=0):
        self.s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_GENERIC)
        if rcvbuf:
            # SO_RCVBUFFORCE (root) ignores rmem_max: expired flows come in
            # bursts of thousands of batches when a big table drains.
            try:
                self.s.setsockopt(socket.SOL_SOCKET, 33, rcvbuf)
            except OSError:
                self.s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        self.s.bind((0, 0))
        self.seq = 0
        self.family, self.groups = self.resolve("pktcap")

    def request(self, fam, cmd, payload=b"", flags=NLM_F_REQUEST | NLM_F_ACK):
        self.seq += 1
        body = struct.pack("BBH", cmd, 1, 0) + payload
        self.s.send(struct.pack("IHHII", 16 + len(body), fam, flags, self.seq, 0) + body)
        replies = []
        while True:
            data = self.s.recv(1 << 20)
            for typ, _, body in messages(data):
                if typ == NLMSG_ERROR:
                    err = struct.unpack_from("i", body)[0]
                    if err:
                        raise OSError(-err, os.strerror(-err))
                    return replies
                if typ == NLMSG_DONE:
                    return replies
                replies.append(body)

    def resolve(self, name):
        r = self.request(GENL_ID_CTRL, CTRL_CMD_GETFAMILY,
                         nla(CTRL_ATTR_FAMILY_NAME, name.encode() + b"\0"))
        fam, groups = None, {}
        for typ, val in attrs(r[0][4:]):
            if typ == CTRL_ATTR_FAMILY_ID:
                fam = struct.unpack("H", val[:2])[0]
            elif typ == CTRL_ATTR_MCAST_GROUPS:
                for _, grp in attrs(val):
                    g = dict(attrs(grp))
                    gname = g[CTRL_ATTR_MCAST_GRP_NAME].rstrip(b"\0").decode()
                    groups[gname] = struct.unpack("I", g[CTRL_ATTR_MCAST_GRP_ID])[0]
        return fam, groups

    def metrics(self):
        r = self.request(self.family, PKTCAP_CMD_METRICS)
        out = {}
        for typ, val in attrs(r[0][4:]):
            if typ != PKTCAP_A_METRICS:
                continue
            for t, v in attrs(val):
                if 0 < t < len(METRICS) and len(v) == 8 and METRICS[t] != "pad":
                    out[METRICS[t]] = struct.unpack("Q", v)[0]
        return out


def decode_flow(buf):
    f = {}
    for typ, val in attrs(buf):
        if typ not in FLOW:
            continue
        name, fmt = FLOW[typ]
        if fmt is None:
            fam = socket.AF_INET if len(val) == 4 else socket.AF_INET6
            f[name] = socket.inet_ntop(fam, val)
        else:
            if len(val) != struct.calcsize(fmt):
                raise ValueError("flow attribute %s has %d bytes" % (name, len(val)))
            f[name] = struct.unpack(fmt, val)[0]
    return f


class Listener:
    def __init__(self, flows_out):
        self.batches = 0
        self.first_seq = None
        self.last_seq = None
        self.gaps = []
        self.flows = 0
        self.packets = 0
        self.reasons = {}
        self.reason_packets = {}
        self.bad_count = 0
        self.enobufs = 0
        self.flows_out = flows_out

    def batch(self, body):
        flows, seq, count = [], None, None
        for typ, val in attrs(body[4:]):
            if typ == PKTCAP_A_FLOW:
                flows.append(decode_flow(val))
            elif typ == PKTCAP_A_FLOW_BATCH:
                b = dict(attrs(val))
                seq = struct.unpack("Q", b[BATCH_SEQ])[0]
                count = struct.unpack("I", b[BATCH_COUNT])[0]
        if seq is None or count != len(flows):
            self.bad_count += 1
        if seq is not None:
            if self.last_seq is not None and seq != self.last_seq + 1:
                self.gaps.append([self.last_seq, seq])
            if self.first_seq is None:
                self.first_seq = seq
            self.last_seq = seq
        self.batches += 1
        for f in flows:
            r = str(f.get("end_reason", 0))
            p = f.get("packets", 0) + f.get("rev_packets", 0)
            self.flows += 1
            self.packets += p
            self.reasons[r] = self.reasons.get(r, 0) + 1
            self.reason_packets[r] = self.reason_packets.get(r, 0) + p
            if self.flows_out:
                self.flows_out.write(json.dumps(f) + "\n")

    def summary(self):
        return {"batches": self.batches, "first_seq": self.first_seq,
                "last_seq": self.last_seq, "gaps": self.gaps,
                "flows": self.flows, "packets": self.packets,
                "reasons": self.reasons, "reason_packets": self.reason_packets,
                "bad_count": self.bad_count, "enobufs": self.enobufs}


def listen(args):
    g = Genl(rcvbuf=args.rcvbuf)
    g.s.setsockopt(SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, g.groups["flows"])
    stop = []
    signal.signal(signal.SIGTERM, lambda *a: stop.append(1))
    signal.signal(signal.SIGINT, lambda *a: stop.append(1))
    g.s.settimeout(0.2)
    flows_out = open(args.flows, "w") if args.flows else None
    lst = Listener(flows_out)
    if args.ready:
        open(args.ready, "w").close()
    while not stop:
        try:
            data = g.s.recv(1 << 20)
        except socket.timeout:
            continue
        except InterruptedError:
            continue
        except OSError as e:
            if e.errno == errno.ENOBUFS:
                lst.enobufs += 1
                continue
            raise
        for typ, _, body in messages(data):
            if typ == g.family and body[0] == PKTCAP_CMD_FLOW_EXPIRED:
                lst.batch(body)
    # What was queued before the signal still counts: drain it.
    g.s.settimeout(0.5)
    while True:
        try:
            data = g.s.recv(1 << 20)
        except OSError as e:
            if getattr(e, "errno", None) == errno.ENOBUFS:
                lst.enobufs += 1
                continue
            break
        for typ, _, body in messages(data):
            if typ == g.family and body[0] == PKTCAP_CMD_FLOW_EXPIRED:
                lst.batch(body)
    if flows_out:
        flows_out.close()
    with open(args.summary, "w") as f:
        json.dump(lst.summary(), f)


def dump(args):
    fam = Genl().family
    # A socket of its own: one that has read more than 8 KiB at once gets
    # larger dump pages, which a short read would truncate.
    s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_GENERIC)
    s.bind((0, 0))
    body = struct.pack("BBH", PKTCAP_CMD_FLOWS, 1, 0)
    s.send(struct.pack("IHHII", 16 + len(body), fam,
                       NLM_F_REQUEST | NLM_F_DUMP, 1, 0) + body)
    flows, pages, done = [], 0, False
    while not done:
        # 8 KiB reads keep the kernel's dump pages small: many pages
        data, _, flags, _ = s.recvmsg(8192)
        if flags & socket.MSG_TRUNC:
            raise OSError(errno.EMSGSIZE, "dump page larger than 8 KiB")
        pages += 1
        for typ, _, msg in messages(data):
            if typ == NLMSG_ERROR:
                err = struct.unpack_from("i", msg)[0]
                raise OSError(-err, os.strerror(-err))
            if typ == NLMSG_DONE:
                done = True
                break
            for t, val in attrs(msg[4:]):
                if t == PKTCAP_A_FLOW:
                    flows.append(decode_flow(val))
        if pages == 1 and args.started:
            open(args.started, "w").close()
            while not os.path.exists(args.go):
                time.sleep(0.1)
    with open(args.out, "w") as f:
        json.dump(flows, f)
    print(json.dumps({"pages": pages, "flows": len(flows)}))


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    sub.add_parser("metrics")
    lp = sub.add_parser("listen")
    lp.add_argument("--summary", required=True)
    lp.add_argument("--flows")
    lp.add_argument("--ready")
    lp.add_argument("--rcvbuf", type=int, default=64 << 20)
    dp = sub.add_parser("dump")
    dp.add_argument("--out", required=True)
    dp.add_argument("--started")
    dp.add_argument("--go")
    args = ap.parse_args()
    if args.cmd == "metrics":
        print(json.dumps(Genl().metrics()))
    elif args.cmd == "dump":
        dump(args)
    else:
        listen(args)


if __name__ == "__main__":
    sys.exit(main())
