#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""export_check.py - traffic and comparisons of the export selftests.

  export_check.py gen BASE_PORT K M M6 OUT
      from the namespace of 192.0.2.1: K UDP datagrams on each of M source
      ports (BASE_PORT...) to 192.0.2.2:9 and on each of M6 ports to
      [2001:db8::2]:9; writes the flows this must meter to OUT, one JSON
      object per line
  export_check.py flows NFDUMP_JSON [v4]
      the flows nfdump decoded, one JSON object per line (v4: IPv4 only)
  export_check.py listened LISTEN_OUT [v4]
      export_nl.py listen output normalized the same way
  export_check.py same A B [SINCE_MS]
      A and B hold exactly the same flows (5-tuple, packets, bytes), of
      those that began at or after SINCE_MS
  export_check.py subset A B
      every flow of A is in B with the same packets and bytes
  export_check.py sum A [SINCE_MS] | count A
      packets of the flows in A (that began at or after SINCE_MS)
"""
import calendar
import collections
import json
import socket
import sys
import time

PAYLOAD = 100


def key(r):
    return (r["proto"], r.get("src", "-"), r.get("dst", "-"),
            r.get("sport", 0), r.get("dport", 0))


def load(path, since=0, until=None):
    """Flows of a file that began at or after since and, if until is
    given, before until (ms)."""
    out = collections.Counter()
    for line in open(path):
        if line.strip():
            r = json.loads(line)
            first = r.get("first", since)
            if first >= since and (until is None or first < until):
                out[key(r) + (r["packets"], r["bytes"])] += 1
    return out


def ms(s):
    t, frac = s.split(".")
    return calendar.timegm(time.strptime(t, "%Y-%m-%dT%H:%M:%S")) * 1000 + int(frac)


def gen(base, k, m, m6, out):
    flows = []
    for fam, dst, n, hdr, first in ((socket.AF_INET, "192.0.2.2", m, 28, base),
                                    (socket.AF_INET6, "2001:db8::2", m6, 48,
                                     base + 1000)):
        src = "192.0.2.1" if fam == socket.AF_INET else "2001:db8::1"
        for p in range(first, first + n):
            s = socket.socket(fam, socket.SOCK_DGRAM)
            s.bind((src, p))
            for _ in range(k):
                s.sendto(b"x" * PAYLOAD, (dst, 9))
            s.close()
            flows.append({"proto": 17, "src": src, "dst": dst, "sport": p,
                          "dport": 9, "packets": k,
                          "bytes": k * (hdr + PAYLOAD)})
    with open(out, "w") as f:
        for r in flows:
            f.write(json.dumps(r) + "\n")


def nfdump_flows(path, v4only):
    for r in json.load(open(path)):
        if r.get("type") != "FLOW":
            continue
        src = r.get("src4_addr") or r.get("src6_addr") or "-"
        dst = r.get("dst4_addr") or r.get("dst6_addr") or "-"
        if v4only and "src4_addr" not in r:
            continue
        dport = r.get("dst_port", 0)
        if "icmp_type" in r:
            dport = r["icmp_type"] << 8 | r["icmp_code"]
        print(json.dumps({"proto": r.get("proto", 0), "src": src, "dst": dst,
                          "sport": 0 if "icmp_type" in r else r.get("src_port", 0),
                          "dport": dport, "packets": r["in_packets"],
                          "bytes": r["in_bytes"], "first": ms(r["first"])}))


def listener_flows(path, v4only):
    """export_nl.py listen output, normalized like nfdump_flows()."""
    for line in open(path):
        r = json.loads(line)
        if v4only and r["l3"] != 0x0800:
            continue
        if "src" not in r:
            r = {"proto": 0, "packets": r["packets"], "bytes": r["bytes"],
                 "first": r["first"]}
        elif r["proto"] in (1, 58):
            r["sport"], r["dport"] = 0, r["icmp_type"] << 8 | r["icmp_code"]
        print(json.dumps(r))


def report(missing, extra):
    for what, c in (("missing", missing), ("unexpected", extra)):
        for k in list(c.elements())[:5]:
            print("# %s %s" % (what, k))
    return 1 if missing or extra else 0


def main():
    op, a = sys.argv[1], sys.argv[2:]
    if op == "gen":
        gen(int(a[0]), int(a[1]), int(a[2]), int(a[3]), a[4])
    elif op == "flows":
        nfdump_flows(a[0], len(a) > 1 and a[1] == "v4")
    elif op == "listened":
        listener_flows(a[0], len(a) > 1 and a[1] == "v4")
    elif op == "same":
        # Flows that began at or after 'until' (the quiet moment) may
        # have been delivered after the exporter left: a difference there
        # is no error. NetFlow v9 carries times relative to a header that
        # has whole seconds only, so a collector's start time may be off
        # by up to a second: the late window starts 1.5 s early on each
        # side, and a flow that is late on one side only still matches.
        since = int(a[2]) if len(a) > 2 else 0
        x, y = load(a[0], since), load(a[1], since)
        missing, extra = x - y, y - x
        if len(a) > 3:
            late = max(since, int(a[3]) - 1500)
            missing -= load(a[0], late)
            extra -= load(a[1], late)
        sys.exit(report(missing, extra))
    elif op == "subset":
        x, y = load(a[0]), load(a[1])
        sys.exit(report(x - y, collections.Counter()))
    elif op == "sum":
        since = int(a[1]) if len(a) > 1 else 0
        print(sum(k[5] * n for k, n in load(a[0], since).items()))
    elif op == "count":
        print(sum(load(a[0]).values()))
    else:
        sys.exit("export_check.py: %s: unknown operation" % op)


if __name__ == "__main__":
    main()
