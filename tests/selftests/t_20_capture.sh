#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# t_20_capture.sh - pktcapctl start/stop/record against tcpdump: every
# backend sees the same packets as AF_PACKET in the direction it covers;
# filters, pipes and the command line's error messages.
. "$(dirname "$0")/lib.sh"

W=$(mktemp -d /tmp/t20.XXXXXX)
P=$PKTCAPCTL
trap 'kill $(jobs -p) 2>/dev/null; netns_cleanup A B; rm -rf "$W"' EXIT

# pcap_tool CMD ARGS: small pcap reader for the comparisons below.
cat >"$W/pcap_tool.py" <<'EOF'
import struct, sys
from collections import defaultdict

def records(path):
    """(cap_len, wire_len, bytes) of each packet of a pcap file (us or ns)."""
    with open(path, 'rb') as f:
        data = f.read()
    magic = struct.unpack_from('<I', data, 0)[0]
    if magic not in (0xa1b2c3d4, 0xa1b23c4d):
        sys.exit('%s: not a little-endian pcap file (magic %#x)' % (path, magic))
    off, out = 24, []
    while off + 16 <= len(data):
        _, _, cap, wire = struct.unpack_from('<IIII', data, off)
        out.append((cap, wire, data[off + 16:off + 16 + cap]))
        off += 16 + cap
    return out

def flow(pkt):
    """Flow key of an Ethernet+IPv4 frame: addresses, proto, ports."""
    ihl = (pkt[14] & 15) * 4
    proto = pkt[23]
    ports = pkt[14 + ihl:14 + ihl + 4] if proto in (6, 17) else b''
    return (pkt[26:34], proto, ports)

def ipv4(path):
    return [r for r in records(path) if r[2][12:14] == b'\x08\x00']

def compare(ours, theirs):
    a, b = ipv4(ours), ipv4(theirs)
    if not b:
        sys.exit('tcpdump captured no IPv4 packet')
    if sorted(r[2] for r in a) != sorted(r[2] for r in b) or \
       sorted(r[:2] for r in a) != sorted(r[:2] for r in b):
        sys.exit('packets differ: pktcap %d, tcpdump %d' % (len(a), len(b)))
    fa, fb = defaultdict(list), defaultdict(list)
    for r in a: fa[flow(r[2])].append(r[2])
    for r in b: fb[flow(r[2])].append(r[2])
    for k in fb:
        if fa[k] != fb[k]:
            sys.exit('order differs in a flow of %d packets' % len(fb[k]))
    print('%d packets in %d flows identical' % (len(b), len(fb)))

def port_only(path, port):
    n = 0
    for cap, wire, p in records(path):
        if p[12:14] != b'\x08\x00' or p[23] != 6:
            sys.exit('packet %d is not IPv4 TCP' % n)
        ihl = (p[14] & 15) * 4
        sp, dp = struct.unpack_from('>HH', p, 14 + ihl)
        if port not in (sp, dp):
            sys.exit('packet %d is port %d -> %d' % (n, sp, dp))
        n += 1
    print(n)

cmd = sys.argv[1]
if cmd == 'count':
    print(len(records(sys.argv[2])))
elif cmd == 'compare':
    compare(sys.argv[2], sys.argv[3])
elif cmd == 'port-only':
    port_only(sys.argv[2], int(sys.argv[3]))
elif cmd == 'snaplen':
    # every record cut to min(wire, snap); print how many were longer
    snap, longer = int(sys.argv[3]), 0
    for cap, wire, p in records(sys.argv[2]):
        if cap != min(wire, snap) or len(p) != cap:
            sys.exit('cap_len %d for wire_len %d, snaplen %d' % (cap, wire, snap))
        longer += wire > snap
    print(longer)
EOF
pcap_tool() { python3 "$W/pcap_tool.py" "$@"; }

inB() { ip netns exec B "$@"; }
inA() { ip netns exec A "$@"; }

# wait_for COMMAND...: retry for up to 30 s.


reader_attached() { inB "$P" -j status | json 'd["capture"]["reader"]' | grep -qx true; }
tcpdump_listening() { grep -q "listening on" "$1"; }

veth_pair A B
inB iperf3 -s -D -I "$W/iperf3.pid" >/dev/null 2>&1
wait_for tcp_listening B 5201 || fail "iperf3 -s did not listen on 5201"

# traffic: ping both ways and a modest TCP stream, slow enough for
# tcpdump under TCG.
traffic() {
	local p1 p2
	ip netns exec A ping -c 10 -i 0.05 -q 192.0.2.2 >/dev/null &
	p1=$!
	ip netns exec B ping -c 5 -i 0.05 -q 192.0.2.1 >/dev/null &
	p2=$!
	timeout 30 ip netns exec A iperf3 -c 192.0.2.2 -b 5M -t 1 >/dev/null 2>&1
	wait $p1 $p2
}

# --- the command line's own errors
check_fails "start on a missing device names it" "pktcapctl: eth9: no such device" \
	inB "$P" start -i b0 -i eth9
check_fails "an invalid filter is pcap's message, exit 1" "^pktcapctl: filter: .*syntax error" \
	inB "$P" start -i b0 tcp port
inB "$P" start -i b0 'tcp port' >/dev/null 2>&1
eq "an invalid filter exits 1" 1 $?
check_fails "stop without a session says so" "pktcapctl: stop: no capture session" \
	inB "$P" stop
check "start" inB "$P" start -i b0
check_fails "a second start is refused as busy" "pktcapctl: start: a capture session is already running" \
	inB "$P" start -i b0
check_fails "start without CAP_NET_ADMIN is refused" "pktcapctl: start: .*(permission|not permitted)" \
	inB setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all \
	--bounding-set=-all "$P" start -i 1
check "stop" inB "$P" stop
check_fails "record without a session says so" "pktcapctl: record: no capture session is running" \
	inB "$P" record -w "$W/x.pcap"
check_fails "an unknown backend is the kernel's message" "pktcapctl: start: unknown backend" \
	inB "$P" start -i b0 --backend nosuch

# --- every backend against tcpdump on the same device
# backend_vs_tcpdump BACKEND DIRECTION(in|out|inout)
backend_vs_tcpdump() {
	diag "$1 $2: recording with pktcapctl and tcpdump"
	local be=$1 dir=$2 q=() rc drops
	[ "$dir" != inout ] && q=(-Q "$dir")
	rm -f "$W"/be.*
	ip netns exec B "$P" record -w "$W/be.pcap" -i b0 --backend "$be" 2>"$W/be.rec.err" &
	local rec=$!
	ip netns exec B tcpdump -i b0 "${q[@]}" -s 65535 -w "$W/be.tcpdump" 2>"$W/be.td.err" &
	local td=$!
	if ! wait_for reader_attached || ! wait_for tcpdump_listening "$W/be.td.err"; then
		fail "$be $dir: record and tcpdump start" "$(cat "$W"/be.*.err)"
		stop_pid INT $rec; stop_pid TERM $td
		return
	fi
	traffic
	sleep 1
	stop_pid TERM $td
	stop_pid INT $rec
	rc=$?
	eq "$be $dir: record exits 0 on SIGINT" 0 $rc
	drops=$(sed -n 's/^\([0-9]*\) packets dropped by kernel/\1/p' "$W/be.td.err")
	if [ "$drops" != 0 ]; then
		skip "$be $dir: same packets as tcpdump" "tcpdump dropped '$drops'"
		return
	fi
	check "$be $dir: same packets, lengths and per-flow order as tcpdump" \
		pcap_tool compare "$W/be.pcap" "$W/be.tcpdump"
	check "$be $dir: summary on stderr" \
		grep -Eq '^[1-9][0-9]* packets captured$' "$W/be.rec.err"
}

backend_vs_tcpdump nf-ingress in
backend_vs_tcpdump nf-egress out
backend_vs_tcpdump rx-handler in
backend_vs_tcpdump ptype inout

# --- a filter, through a pipe to tcpdump
ip netns exec B "$P" record -w - -c 40 -i b0 tcp port 5201 2>"$W/pipe.err" >"$W/pipe.pcap" &
rec=$!
wait_for reader_attached
traffic
stop_pid CONT $rec	# exits by itself at 40 packets
eq "record -c 40 with a filter exits 0" 0 $?
n=$(pcap_tool port-only "$W/pipe.pcap" 5201 2>&1)
eq "filter 'tcp port 5201': 40 packets, every one tcp/5201" 40 "$n"
check "pktcapctl record -w - | tcpdump -r - reads it" \
	bash -c "inB() { ip netns exec B \"\$@\"; }; cat '$W/pipe.pcap' | tcpdump -nr - | grep -c 5201"
mkfifo "$W/fifo"
tcpdump -nr - <"$W/fifo" >"$W/pipe.txt" 2>/dev/null &
td=$!
ip netns exec B "$P" record -w - -c 3 -i b0 icmp >"$W/fifo" 2>/dev/null &
rec=$!
wait_for reader_attached
inA ping -c 5 -i 0.2 -q 192.0.2.2 >/dev/null
stop_pid CONT $rec	# exits by itself at 3 packets
stop_pid CONT $td	# exits at the end of its input
lines=$(grep -c "ICMP echo" "$W/pipe.txt")
eq "record -w - piped straight into tcpdump -r -: 3 packets" 3 "$lines"
check "summary lines go to stderr, not into the pipe" \
	grep -q "^40 packets captured$" "$W/pipe.err"
check "status shows no session after record -i ends" \
	bash -c "ip netns exec B '$P' status | grep -q 'capture: idle'"
