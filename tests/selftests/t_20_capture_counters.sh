#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# t_20_capture_counters.sh - the capture counters add up: pktgen sends an
# exact number of packets, METRICS must account for each one, whether
# captured, filtered, or dropped by a full ring; snaplen truncation; a
# reader scribbling over its consumer page.
. "$(dirname "$0")/lib.sh"

W=$(mktemp -d /tmp/t20c.XXXXXX)
P=$PKTCAPCTL
H=$REPO/tests/selftests/build
N=20000
trap 'echo stop >/proc/net/pktgen/pgctrl 2>/dev/null; kill $(jobs -p) 2>/dev/null; ip link del p0 2>/dev/null; ip link del fl0 2>/dev/null; netns_cleanup C A B; rm -rf "$W"' EXIT
[ -x "$H/capture_garbage" ] || make -s -C "$REPO/tests/selftests" >/dev/null

inC() { ip netns exec C "$@"; }
inB() { ip netns exec B "$@"; }
# d COUNTER: its growth between the JSON snapshots $before and $after
d() { echo $(($(echo "$after" | json "d['$1']") - $(echo "$before" | json "d['$1']"))); }
metric() { inC "$P" -j metrics | json "d['$1']"; }
pktgen_past() { test "$(awk '/pkts-sofar/ {print $2}' /proc/net/pktgen/fl0)" -gt "$1"; }
reader_here() { "$P" -j status | json 'd["capture"]["reader"]' | grep -qx true; }



# pktgen runs in the init namespace: p0 there, p1 in C. No IPv6 on either
# end, so nothing but pktgen's packets crosses the link.
ip netns add C
ip link add p0 type veth peer name p1 netns C
sysctl -qw net.ipv6.conf.p0.disable_ipv6=1
inC sysctl -qw net.ipv6.conf.p1.disable_ipv6=1
ip link set p0 up
inC ip link set p1 up
inC ip addr add 198.51.100.2/24 dev p1
dst_mac=$(inC cat /sys/class/net/p1/address)

# pktgen_send COUNT [DELAY_NS]: exactly COUNT UDP packets from p0 to p1,
# DELAY_NS apart (default 0: as fast as it can).
# rem_device_all is carried out by pktgen's thread, asynchronously: on a
# loaded host add_device can race it and the run then sends nothing, so
# wait for the thread to drop the device and check what was sent.
pktgen_send() {
	local pg=/proc/net/pktgen i
	echo "rem_device_all" >$pg/kpktgend_0
	for i in $(seq 100); do
		[ -e $pg/p0 ] || break
		sleep 0.1
	done
	echo "add_device p0" >$pg/kpktgend_0
	for i in $(seq 100); do
		[ -e $pg/p0 ] && break
		sleep 0.1
	done
	echo "count $1" >$pg/p0
	echo "clone_skb 0" >$pg/p0
	echo "pkt_size 100" >$pg/p0
	echo "delay ${2:-0}" >$pg/p0
	echo "dst 198.51.100.2" >$pg/p0
	echo "dst_mac $dst_mac" >$pg/p0
	echo "start" >$pg/pgctrl
	grep -q "Result: OK" $pg/p0 || cat $pg/p0 >&2
	grep -q "pkts-sofar: $1 " $pg/p0 || { echo "# pktgen sent:" >&2; cat $pg/p0 >&2; }
}

if ! modprobe pktgen 2>/dev/null || [ ! -w /proc/net/pktgen/pgctrl ]; then
	skip "conservation with pktgen" "pktgen not available"
else
	# 1. a reader keeping up: a 4 MiB ring per CPU holds all N anyway.
	ip netns exec C "$P" record -w "$W/c.pcap" -i p1 --backend nf-ingress 2>"$W/c.err" &
	rec=$!
	wait_for has_reader C
	seen0=$(metric seen)
	pktgen_send $N
	sleep 1
	stop_pid INT $rec
	eq "pktgen: seen grew by exactly $N" $N $(($(metric seen) - seen0))
	m=$(inC "$P" -j metrics)
	eq "seen == captured + filtered + dropped" \
		"$(echo "$m" | json 'd["seen"]')" \
		"$(echo "$m" | json 'd["captured"] + d["filtered"] + d["dropped"]')"
	dropped=$(echo "$m" | json 'd["dropped"]')
	n=$(python3 -c 'import sys; d=open(sys.argv[1],"rb").read(); print((len(d)-24)//(16+100))' "$W/c.pcap")
	eq "the file holds every packet the kernel captured" \
		"$(echo "$m" | json 'd["captured"]')" "$n"
	check "record's summary: $N received by filter" \
		grep -q "^$N packets received by filter" "$W/c.err"
	diag "reader keeping up: dropped=$dropped"

	# 2. a stopped reader on a 64 KiB ring: drops, all counted.
	before=$(inC "$P" -j metrics)
	ip netns exec C "$P" record -w "$W/s.pcap" -i p1 --backend nf-ingress -B 64 2>"$W/s.err" &
	rec=$!
	wait_for has_reader C
	kill -STOP $rec
	pktgen_send $N
	sleep 1
	kill -CONT $rec
	sleep 1
	stop_pid INT $rec
	eq "slow reader: record exits 0" 0 $?
	after=$(inC "$P" -j metrics)
	eq "slow reader: seen == $N" $N "$(d seen)"
	dr=$(d dropped)
	check "slow reader: drops are counted (dropped $dr > 0)" test "$dr" -gt 0
	eq "slow reader: captured + dropped == seen" $N $(($(d captured) + dr))
	check "slow reader: summary reports the kernel's drops" \
		grep -q "^$dr packets dropped by kernel" "$W/s.err"

	# 3. a filter: pktgen's UDP to port 9 rejected, all of it counted.
	before=$(inC "$P" -j metrics)
	inC "$P" start -i p1 --backend nf-ingress udp port 7
	pktgen_send 2000
	inC "$P" stop
	after=$(inC "$P" -j metrics)
	eq "filter: 2000 packets counted as filtered" 2000 "$(d filtered)"
	eq "filter: none captured" 0 "$(d captured)"

	# 4. SIGINT under a flood. The reader runs at nice 19 on pktgen's CPU,
	# so the ring never runs dry while pktgen runs: record must still end
	# on SIGINT at once, not when the flood does.
	ip link add fl0 type dummy
	sysctl -qw net.ipv6.conf.fl0.disable_ipv6=1
	ip link set fl0 up
	nice -n 19 taskset -c 0 "$P" record -w "$W/f.pcap" -i fl0 \
		--backend nf-ingress 2>"$W/f.err" &
	rec=$!
	wait_for reader_here
	pg=/proc/net/pktgen
	echo "rem_device_all" >$pg/kpktgend_0
	wait_for bash -c "! test -e $pg/p0"
	echo "add_device fl0" >$pg/kpktgend_0
	for c in "xmit_mode netif_receive" "count 0" "burst 32" "pkt_size 60" \
		 "dst 198.51.100.2" "dst_mac $(cat /sys/class/net/fl0/address)"; do
		echo "$c" >$pg/fl0
	done
	echo start >$pg/pgctrl &
	wait_for pktgen_past 100000
	t0=$SECONDS
	stop_pid INT $rec
	rc=$?
	echo stop >$pg/pgctrl
	wait
	eq "flood: record exits 0 on SIGINT" 0 $rc
	check "flood: ... within $(scaled 10) s (took $((SECONDS - t0)) s)" \
		test $((SECONDS - t0)) -le "$(scaled 10)"
	check "flood: the kernel dropped what the reader could not take" \
		grep -q "[1-9][0-9]* packets dropped by kernel" "$W/f.err"
	check "flood: the file it left is readable" tcpdump -nr "$W/f.pcap" -c 1
	ip link del fl0
fi

# --- snaplen: every record cut to 64 bytes, wire_len kept
veth_pair A B
ip netns exec B "$P" record -w "$W/snap.pcap" -i b0 -s 64 --backend nf-ingress icmp 2>/dev/null &
rec=$!
before=$(ip netns exec B "$P" -j metrics)
wait_for has_reader B
ip netns exec A ping -c 4 -i 0.1 -q -s 400 192.0.2.2 >/dev/null
ip netns exec A ping -c 4 -i 0.1 -q -s 8 192.0.2.2 >/dev/null
sleep 0.5
stop_pid INT $rec
after=$(ip netns exec B "$P" -j metrics)
longer=$(python3 - "$W/snap.pcap" <<'EOF'
import struct, sys
d = open(sys.argv[1], 'rb').read()
off, longer, n = 24, 0, 0
while off < len(d):
    cap, wire = struct.unpack_from('<II', d, off + 8)
    if cap != min(wire, 64):
        sys.exit('cap_len %d wire_len %d' % (cap, wire))
    longer += wire > 64
    n += 1
    off += 16 + cap
print(longer if n == 8 else 'records: %d' % n)
EOF
)
eq "-s 64: 8 records, 4 longer than 64 bytes cut to 64" 4 "$longer"
eq "-s 64: the truncated counter counts exactly those" 4 "$(d truncated)"

# --- poll() reports records in batches, as the uapi header says
# (capture_poll.c: a few records wait for wakeup_usec, wakeup_records
# of them are readable at once, a wakeup is reported once).
ip netns add Q
ip -n Q link set lo up
if ip netns exec Q "$P" start -i lo --backend nf-ingress --wakeup-records 64 \
	--wakeup-usec 2000000 >/dev/null; then
	tap_from "poll: " ip netns exec Q "$H/capture_poll"
	ip netns exec Q "$P" stop >/dev/null
else
	fail "poll: a session on lo starts"
fi
ip netns del Q

# --- a reader writing garbage into its consumer pages
ip netns exec B "$P" start -i b0 -B 64 --backend nf-ingress
before=$(ip netns exec B "$P" -j metrics)
ip netns exec B "$H/capture_garbage" 4 >"$W/g.out" &
g=$!
ip netns exec A ping -c 300 -i 0.01 -q -s 1000 192.0.2.2 >/dev/null
wait $g
eq "garbage reader ran to its end" 0 $?
sleep 0.5
after=$(ip netns exec B "$P" -j metrics)
check "garbage consumer indices make drops, counted (dropped $(d dropped))" \
	test "$(d dropped)" -gt 0
eq "with garbage: seen == captured + filtered + dropped" \
	"$(d seen)" $(($(d captured) + $(d filtered) + $(d dropped)))
check "the session survives and stops" ip netns exec B "$P" stop
