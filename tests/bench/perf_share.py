#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""perf_share.py [meter|capture] - how many of CPU 0's samples each peer's
code took.

Reads `perf script` output (callchains of cpu-clock samples, leaf first) on
standard input and prints one line of KEY=VALUE. For the flow meters
(the default):

  samples        all samples
  pktcap         samples with pktcap_nf_in in the callchain: the meter's
                 own code, parse, hash, lookup, counting
  pktcap_hook    samples in nf_hook_slow itself when called from the
                 receive core: the netdev ingress hook's own cost, which
                 exists only because pktcap hooks there
  ipt_netflow    samples with netflow_target in the callchain

ipt-netflow's share leaves out the evaluation of its iptables rule (that
code is shared with the DROP rule every variant has), pktcap's includes its
hook: any error is against pktcap.

For the captures (`capture`), both taps on the same device:

  samples        all samples
  pktcap         samples with pktcap_capture_rx in the callchain, or the
                 ptype backend's pktcap_ptype_rcv, which calls it
  af_packet      samples with tpacket_rcv or packet_rcv in the callchain
"""
import re
import sys

FRAME = re.compile(r"^\s*[0-9a-f]+\s+(\S+?)(\+0x[0-9a-f]+)?\s+\(")


def classify_capture(chain):
    if "pktcap_ptype_rcv" in chain or "pktcap_capture_rx" in chain:
        return "pktcap"
    if "tpacket_rcv" in chain or "packet_rcv" in chain:
        return "af_packet"
    return None


def classify_meter(chain):
    if "pktcap_nf_in" in chain:
        return "pktcap"
    if "netflow_target" in chain:
        return "ipt_netflow"
    if chain and chain[0] == "nf_hook_slow" and len(chain) > 1 and \
            chain[1].startswith("__netif_receive_skb_core"):
        return "pktcap_hook"
    return None


def main():
    if sys.argv[1:] == ["capture"]:
        classify = classify_capture
        counts = {"samples": 0, "pktcap": 0, "af_packet": 0}
    elif sys.argv[1:] in ([], ["meter"]):
        classify = classify_meter
        counts = {"samples": 0, "pktcap": 0, "pktcap_hook": 0, "ipt_netflow": 0}
    else:
        sys.exit("usage: perf_share.py [meter|capture] <perf-script-output")
    chain = []
    in_sample = False

    def flush():
        if in_sample:
            counts["samples"] += 1
            k = classify(chain)
            if k:
                counts[k] += 1

    for line in sys.stdin:
        if not line.strip():
            flush()
            chain, in_sample = [], False
            continue
        m = FRAME.match(line)
        if m and in_sample:
            chain.append(m.group(1))
        else:  # a sample's header line: comm (padded), pid, cpu, time, event
            flush()
            chain, in_sample = [], True
    flush()
    print(" ".join(f"{k}={v}" for k, v in counts.items()))


if __name__ == "__main__":
    main()
