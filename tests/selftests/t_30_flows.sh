#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# t_30_flows.sh - the flow meter end to end: flow-meter and flows commands,
# exact flow counts from pktgen, expiry reasons and their delivery, the key
# rules (IPv6, VLAN, ICMP, fragments, non-IP), eviction and conservation,
# dumps while the table churns, disable/enable/rmmod under traffic.
#
# Traffic generation that works in the guest (Debian 6.1 under TCG):
#  - pktgen runs from the init namespace only. It injects into pg1's receive
#    path ("xmit_mode netif_receive" on pg1, one end of a veth pair in the
#    root namespace, IPv6 off so that only pktgen's packets are on it), and
#    the meter hooks pg1 (ptype backend). Sending on pg0 towards pg1 works
#    too, but veth drops packets when pg1's backlog is full on a loaded
#    host, pktgen then skips those field values (a dropped packet is not
#    counted in pkts-sofar, yet the fields step on), and the flows come out
#    as 1 and 3 packets instead of 2 each. netif_receive has no queue.
#  - pktgen steps every field once per packet (no RND flags); dst_min/max
#    are inclusive, udp_src_min/max exclude max. D destinations x P ports
#    with D and P coprime give D*P distinct flows before the first repeat.
#  - real sockets (ping, socat, python) between namespaces made by veth_pair.
# T30_SECTIONS picks sections (cli pktgen_exact expiry keys big churn grow).
# The FLOW_BIG / FLOW_BIG_MAX environment variables size the eviction test
# (default 1 000 000 flows against 100 000, about a minute under TCG;
# FLOW_BIG=300000 FLOW_BIG_MAX=30000 is the quick variant).
. "$(dirname "$0")/lib.sh"

HERE=$(cd "$(dirname "$0")" && pwd)
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
NL="$PY $HERE/flow_nl.py"
W=$(mktemp -d /tmp/t30.XXXXXX)
# A private copy: the guest sees the host's files live over 9p, and a
# rebuild on the host while the test runs must not change the binary.
cp "$PKTCAPCTL" "$W/pktcapctl" && PK=$W/pktcapctl || PK=$PKTCAPCTL
PG=/proc/net/pktgen
FLOW_BIG=${FLOW_BIG:-1000000}
FLOW_BIG_MAX=${FLOW_BIG_MAX:-100000}
BG_PIDS=()

cleanup() {
	local p
	[ -w $PG/pgctrl ] && echo stop >$PG/pgctrl 2>/dev/null
	for p in "${BG_PIDS[@]}"; do kill "$p" 2>/dev/null; done
	$PK flow-meter disable >/dev/null 2>&1
	netns_cleanup A B C D S
	ip link del pg0 2>/dev/null
	ip link del st0 2>/dev/null
	return 0
}
trap cleanup EXIT

# fq FILE EXPR: EXPR evaluated by python over the JSON list of flows in FILE
# as F; sel(k=v, ...) is the flows whose fields equal the given values.
fq() {
	$PY - "$1" "$2" <<'PYEOF'
import collections, json, sys
F = json.load(open(sys.argv[1]))
def sel(**kw):
    return [f for f in F if all(f.get(k) == v for k, v in kw.items())]
r = eval(sys.argv[2])
print(json.dumps(r))
PYEOF
}

# metric [NS] NAME: one METRICS counter, read on the wire by flow_nl.py.
metric() {
	local pre=()
	[ $# -eq 2 ] && { pre=(ip netns exec "$1"); shift; }
	"${pre[@]}" $NL metrics | json "d['$1']"
}

# conserve NAME [NS]: at a quiet moment, packets metered == delivered +
# lost + still active, and nothing is pending.
conserve() {
	local name=$1 pre=() out
	[ $# -eq 2 ] && pre=(ip netns exec "$2")
	out=$("${pre[@]}" $NL metrics | $PY -c '
import json, sys
m = json.load(sys.stdin)
lhs = m["flow_packets"]
rhs = m["packets_delivered"] + m["packets_lost"] + m["flow_packets_active"]
print("flow_packets=%d delivered=%d lost=%d active=%d pending=%d flows_pending=%d" % (
    lhs, m["packets_delivered"], m["packets_lost"], m["flow_packets_active"],
    m["flow_packets_pending"], m["flows_pending"]))
sys.exit(0 if lhs == rhs and m["flow_packets_pending"] == 0 and m["flows_pending"] == 0 else 1)')
	if [ $? -eq 0 ]; then ok "$name"; diag "$out"; else fail "$name" "$out"; fi
}

# metrics_until EXPR: METRICS (flow_nl.py) until EXPR over them as d holds,
# at most scaled(20) s; prints the last; fails if EXPR never held. For what
# a worker does in its own time (the table's growth).
metrics_until() {
	local i m
	for i in $(seq $(($(scaled 20) * 5))); do
		m=$($NL metrics)
		[ "$(echo "$m" | json "$1")" = true ] && { echo "$m"; return 0; }
		sleep 0.2
	done
	echo "$m"
	return 1
}

# wait_file FILE: up to 10 s for a helper's ready file.
wait_file() {
	local i
	for i in $(seq 100); do [ -e "$1" ] && return 0; sleep 0.1; done
	return 1
}

# ------------------------------------------------------------------ pktgen
pg_veth() {
	ip link add name pg0 type veth peer name pg1 || return 1
	sysctl -qw net.ipv6.conf.pg0.disable_ipv6=1 net.ipv6.conf.pg1.disable_ipv6=1
	ip link set pg0 up && ip link set pg1 up
}

pgset() { # pgset FILE CMD: one pktgen command, checked
	echo "$2" >"$PG/$1" || { diag "pktgen: $1: '$2' refused"; return 1; }
}

# pg_flows COUNT NDST NPORTS [RATEP]: pktgen injects COUNT (0: until
# stopped) UDP packets of 100 bytes (IP length 86) from 192.0.2.1 ports
# PG_SPORT.. (1000) to 198.51.100.1.. port 9 into pg1's receive path.
pg_flows() {
	local count=$1 ndst=$2 nports=$3 ratep=${4:-0} sport=${PG_SPORT:-1000} mac
	mac=$(cat /sys/class/net/pg1/address)
	pgset kpktgend_0 rem_device_all && pgset kpktgend_0 "add_device pg1" || return 1
	local c
	for c in "xmit_mode netif_receive" "count $count" "clone_skb 0" \
		"pkt_size 100" "delay 0" \
		"dst_mac $mac" "src_min 192.0.2.1" "src_max 192.0.2.1" \
		"dst_min 198.51.100.1" "dst_max $(pg_dst "$ndst")" \
		"udp_src_min $sport" "udp_src_max $((sport + nports))" \
		"udp_dst_min 9" "udp_dst_max 9"; do
		pgset pg1 "$c" || return 1
	done
	[ "$ratep" -gt 0 ] && { pgset pg1 "ratep $ratep" || return 1; }
	return 0
}

# The NDST-th address from 198.51.100.1 (crossing into 198.51.101.x ...).
pg_dst() {
	local n=$(($1 - 1))
	echo "198.51.$((100 + (1 + n) / 256)).$(((1 + n) % 256))"
}

pg_run() { echo start >$PG/pgctrl; }
pg_bg() { echo start >$PG/pgctrl & BG_PIDS+=($!); PG_BG=$!; }
pg_stop() { echo stop >$PG/pgctrl; wait "$PG_BG" 2>/dev/null; }
pg_sent() { sed -n 's/^ *pkts-sofar: \([0-9]*\).*/\1/p' $PG/pg1; }

# ------------------------------------------------------------- 1. the CLI
t_cli() {
	$PK flow-meter disable >/dev/null 2>&1
	check_fails "disable when not enabled" "^pktcapctl: flow-meter: flow meter is not enabled" \
		$PK flow-meter disable
	check_fails "enable on a missing device names it" \
		"^pktcapctl: flow-meter: nosuchdev0: no such device" \
		$PK flow-meter enable -i nosuchdev0
	$PK flow-meter enable -i pg1 --max-flows 0 >/dev/null 2>&1
	eq "--max-flows 0 is a usage error (exit 2)" 2 $?
	$PK flow-meter enable -i pg1 --sampling 2:sometimes >/dev/null 2>&1
	eq "--sampling N:bad is a usage error (exit 2)" 2 $?
	check_fails "unknown backend: the kernel's message" "^pktcapctl: flow-meter: .*unknown backend" \
		$PK flow-meter enable -i pg1 --backend nosuch
	check "enable -i pg1" $PK flow-meter enable -i pg1 --max-flows 20000 \
		--inactive-timeout 3600 --active-timeout 3600
	check_fails "second enable: EBUSY with the kernel's message" \
		"^pktcapctl: flow-meter: flow meter already enabled .*\(disable it first\)" \
		$PK flow-meter enable -i pg1
	eq "status -j shows the flow meter settings" \
		'[true, ["pg1"], 20000, 3600, 3600, 1, false, false, "ptype"]' \
		"$($PK -j status | json '[d["flow_meter"][k] for k in ("enabled",)] + [[x["name"] for x in d["flow_meter"]["devices"]]] + [d["flow_meter"][k] for k in ("max_flows","active_timeout","inactive_timeout","sampling","sampling_random","bidirectional","backend")]')"
	$PK flows --top 0 >/dev/null 2>&1
	eq "flows --top 0 is a usage error" 2 $?
	check_fails "flows -i on a missing device names it" "^pktcapctl: flows: nosuchdev0: no such device" \
		$PK flows -i nosuchdev0
	eq "flows -j on an empty table is []" "[]" "$($PK -j flows)"
}

# ----------------------------------------- 2. exact flows from pktgen
t_pktgen_exact() {
	local f=$W/exact.json n
	pg_flows 14000 7 1000 || { fail "pktgen setup"; return; }
	pg_run
	eq "pktgen sent 14000" 14000 "$(pg_sent)"
	$PK -j flows >"$f"
	eq "flows -j: 7000 flows" 7000 "$(fq "$f" 'len(F)')"
	eq "every flow 2 packets, 172 bytes (2 x IP length 86), from 192.0.2.1 to port 9" \
		'[[2, 172, "192.0.2.1", 9, 17, "pg1", "in", 2048, 0]]' \
		"$(fq "$f" 'sorted(set((f["packets"], f["bytes"], f["src"], f["dport"], f["proto"], f["dev"], f["direction"], f["l3_proto"], f["vlan"]) for f in F))')"
	eq "the flows are exactly 7 destinations x ports 1000-1999" true \
		"$(fq "$f" 'sorted((f["dst"], f["sport"]) for f in F) == sorted(("198.51.100.%d" % d, p) for d in range(1, 8) for p in range(1000, 2000))')"
	eq "first_ns <= last_ns, both set" true \
		"$(fq "$f" 'all(0 < f["first_ns"] <= f["last_ns"] for f in F)')"
	eq "METRICS: 7000 flows created, 14000 packets, 14000 x 86 bytes" "[7000, 14000, 1204000]" \
		"$($NL metrics | json '[d["flows_created"], d["flow_packets"], d["flow_bytes"]]')"
	eq "--proto udp -i pg1 filter: 7000 flows" 7000 "$($PK -j flows --proto udp -i pg1 | json 'len(d)')"
	eq "--proto tcp filter: no flow" 0 "$($PK -j flows --proto tcp | json 'len(d)')"
	eq "-i lo filter: no flow" 0 "$($PK -j flows -i lo | json 'len(d)')"
	eq "--top 5 --sort packets: 5 flows" 5 "$($PK -j flows --top 5 --sort packets | json 'len(d)')"
	n=$($PK flows --top 3 | grep -Ec '^udp +in +192\.0\.2\.1:1[0-9]{3} +198\.51\.100\.[1-7]:9 +2 +172 .* pg1 ')
	eq "text table: 3 rows 'udp in 192.0.2.1:PORT 198.51.100.N:9 2 172 ... pg1'" 3 "$n"
	conserve "conservation with 7000 active flows"
	check "disable" $PK flow-meter disable
	eq "disable ended the 7000 flows as forced" 7000 "$(metric flows_forced)"
	conserve "conservation after disable (no listener: all lost)"
}

# ------------------------------------- 3. expiry reasons and delivery
t_expiry() {
	local IA="ip netns exec A" IB="ip netns exec B" lpid sum=$W/l.json fl=$W/l.flows m
	veth_pair A B
	$IB $NL listen --summary "$sum" --flows "$fl" --ready "$W/l.ready" &
	lpid=$!
	BG_PIDS+=($lpid)
	wait_file "$W/l.ready" || { fail "listener did not start"; return; }
	check "enable in B: inactive 1 s, active 2 s" \
		$IB $PK flow-meter enable -i b0 --inactive-timeout 1 --active-timeout 2
	# idle: one echo, then silence; active: echoes every 0.2 s for 4 s;
	# end: a TCP session
	$IA ping -c 1 -q 192.0.2.2 >/dev/null
	sleep 2.5
	$IA ping -c 20 -i 0.2 -q 192.0.2.2 >/dev/null
	$IB socat -u TCP-LISTEN:5001,reuseaddr OPEN:/dev/null &
	BG_PIDS+=($!)
	# Connecting before socat listens makes a SYN and a RST, not a session.
	wait_for tcp_listening B 5001 || fail "socat did not listen on 5001"
	echo hello | $IA socat -u - TCP:192.0.2.2:5001
	sleep 3
	check "disable (forced end)" $IB $PK flow-meter disable
	# lack of resources: 30 UDP flows into a table of 4
	check "enable with --max-flows 4" \
		$IB $PK flow-meter enable -i b0 --max-flows 4 --inactive-timeout 3600
	$IA $PY -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for p in range(30):
    s.sendto(b"x" * 10, ("192.0.2.2", 7000 + p))'
	sleep 1.5
	check "disable" $IB $PK flow-meter disable
	sleep 1
	kill "$lpid"
	wait "$lpid"
	m=$($IB $NL metrics)
	diag "metrics: $(echo "$m" | json '{k: v for k, v in d.items() if "flow" in k or "batch" in k or "deliver" in k or "lost" in k}')"
	diag "listener: $(cat "$sum")"
	eq "expired idle >= 1" true "$(echo "$m" | json 'd["flows_expired_idle"] >= 1')"
	eq "expired active >= 1" true "$(echo "$m" | json 'd["flows_expired_active"] >= 1')"
	eq "ended by FIN/RST >= 1" true "$(echo "$m" | json 'd["flows_expired_end"] >= 1')"
	eq "evicted >= 26 (30 UDP flows, table of 4)" true "$(echo "$m" | json 'd["flows_evicted"] >= 26')"
	eq "forced >= 1" true "$(echo "$m" | json 'd["flows_forced"] >= 1')"
	eq "nothing lost, nothing pending" "[0, 0, 0, 0]" \
		"$(echo "$m" | json '[d["batches_lost"], d["flows_lost"], d["flows_pending"], d["flow_packets_pending"]]')"
	eq "listener: per reason exactly the kernel's counters" true \
		"$($PY -c '
import json, sys
m = json.loads(sys.argv[1]); s = json.load(open(sys.argv[2]))
want = {"1": m["flows_expired_idle"], "2": m["flows_expired_active"], "3": m["flows_expired_end"],
        "4": m["flows_forced"], "5": m["flows_evicted"]}
print(json.dumps({k: v for k, v in want.items() if v} == s["reasons"]))' "$m" "$sum")"
	eq "listener: flows, packets, batches = delivered counters" true \
		"$($PY -c '
import json, sys
m = json.loads(sys.argv[1]); s = json.load(open(sys.argv[2]))
print(json.dumps([s["flows"], s["packets"], s["batches"]] == [m["flows_delivered"], m["packets_delivered"], m["batches_sent"]]))' "$m" "$sum")"
	eq "listener: batch sequence 1..batch_seq without a gap" true \
		"$(json "d[\"gaps\"] == [] and d[\"first_seq\"] == 1 and d[\"last_seq\"] == $(echo "$m" | json 'd["batch_seq"]') and d[\"bad_count\"] == 0 and d[\"enobufs\"] == 0" <"$sum")"
	eq "the TCP flow to port 5001 ended with reason 3 (end of flow) on FIN or RST" true \
		"$($PY -c '
import json, sys
F = [json.loads(l) for l in open(sys.argv[1])]
good = any(f.get("dport") == 5001 and f["end_reason"] == 3 and f["tcp_flags"] & 5 for f in F)
# on failure, what the listener had for the session (either direction)
print(json.dumps(good) if good else [{k: f.get(k) for k in ("sport", "dport", "packets", "tcp_flags", "end_reason")} for f in F if 5001 in (f.get("sport"), f.get("dport"))])' "$fl")"
	eq "echo flows: the lone echo ended idle (1 packet, reason 1), the 4 s burst by active timeout (2)" "[true, true]" \
		"$($PY -c '
import json, sys
F = [json.loads(l) for l in open(sys.argv[1])]
e = [(f["end_reason"], f["packets"]) for f in F if f.get("icmp_type") == 8]
print(json.dumps([(1, 1) in e, any(r == 2 and p > 1 for r, p in e)]))' "$fl")"
	eq "UDP flows evicted with reason 5 carry their packet" true \
		"$($PY -c '
import json, sys
F = [json.loads(l) for l in open(sys.argv[1])]
u = [f for f in F if f.get("proto") == 17 and 7000 <= f.get("dport", 0) < 7030]
print(json.dumps(len(u) == 30 and all(f["packets"] == 1 and f["bytes"] == 38 for f in u) and sum(f["end_reason"] == 5 for f in u) >= 26))' "$fl")"
	conserve "conservation after the expiry run" B
	netns_cleanup A B
}

# ------------------------ 4. IPv6, VLAN, ICMP, fragments, non-IP (ARP)
t_keys() {
	local IC="ip netns exec C" ID="ip netns exec D" f=$W/keys.json
	veth_pair C D
	ip -n C link add link a0 name a0.100 type vlan id 100
	ip -n D link add link b0 name b0.100 type vlan id 100
	ip -n C addr add 198.51.100.1/24 dev a0.100
	ip -n D addr add 198.51.100.2/24 dev b0.100
	ip -n C link set a0.100 up
	ip -n D link set b0.100 up
	check "enable on b0 (the VLAN's parent) in D" $ID $PK flow-meter enable -i b0 --inactive-timeout 3600
	$IC ping -c 2 -i 0.2 -q 192.0.2.2 >/dev/null
	$IC ping -6 -c 2 -i 0.2 -q 2001:db8::2 >/dev/null
	$IC ping -c 2 -i 0.2 -q 198.51.100.2 >/dev/null
	# DSCP 8 keeps the fragmented echoes out of the plain ping's flows
	$IC ping -c 2 -i 0.2 -q -s 3000 -Q 0x20 192.0.2.2 >/dev/null
	$IC $PY -c '
import socket
s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
s.bind(("2001:db8::1", 6000))
for i in range(3):
    s.sendto(b"y" * 100, ("2001:db8::2", 7000))
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("192.0.2.1", 6001))
for i in range(2):
    s.sendto(b"z" * 3000, ("192.0.2.2", 7001))'
	sleep 0.5
	$ID $PK -j flows >"$f"
	eq "ICMP echo request: type 8 code 0, 2 x 84 bytes, TTL 64" '[[2, 168, 0, 64, 64, false]]' \
		"$(fq "$f" '[(f["packets"], f["bytes"], f["icmp_code"], f["ttl_min"], f["ttl_max"], f["fragmented"]) for f in sel(direction="in", src="192.0.2.1", dst="192.0.2.2", proto=1, icmp_type=8, dscp=0)]')"
	eq "ICMP echo reply out: type 0, 2 packets" '[2]' \
		"$(fq "$f" '[f["packets"] for f in sel(direction="out", src="192.0.2.2", dst="192.0.2.1", proto=1, icmp_type=0, dscp=0)]')"
	eq "ICMPv6 echo request: proto 58 type 128, 2 x 104 bytes, l3 0x86dd" '[[2, 208, 34525]]' \
		"$(fq "$f" '[(f["packets"], f["bytes"], f["l3_proto"]) for f in sel(direction="in", src="2001:db8::1", dst="2001:db8::2", proto=58, icmp_type=128)]')"
	eq "ICMPv6 echo reply out: type 129" '[2]' \
		"$(fq "$f" '[f["packets"] for f in sel(direction="out", src="2001:db8::2", proto=58, icmp_type=129)]')"
	eq "ICMPv6 neighbour discovery seen (type 135 or 136)" true \
		"$(fq "$f" 'len([f for f in F if f.get("icmp_type") in (135, 136)]) > 0')"
	eq "UDP over IPv6: [2001:db8::1]:6000 -> :7000, 3 x 148 bytes" '[[3, 444, 0]]' \
		"$(fq "$f" '[(f["packets"], f["bytes"], f["vlan"]) for f in sel(direction="in", l3_proto=34525, proto=17, sport=6000, dport=7000)]')"
	eq "text shows IPv6 with brackets" 1 \
		"$($ID $PK flows --proto udp | grep -c '\[2001:db8::1\]:6000 *\[2001:db8::2\]:7000')"
	eq "VLAN 100 in the key of the tagged echo, on the parent b0" '[[2, 168, 100, "b0"]]' \
		"$(fq "$f" '[(f["packets"], f["bytes"], f["vlan"], f["dev"]) for f in sel(direction="in", src="198.51.100.1", proto=1, icmp_type=8)]')"
	eq "ARP inside VLAN 100 is its own flow" true \
		"$(fq "$f" 'len(sel(l3_proto=2054, vlan=100, direction="in")) == 1')"
	eq "ARP: untagged flows in and out, l3_proto 0x0806, 42 bytes per frame, no addresses" true \
		"$(fq "$f" 'all(len(sel(l3_proto=2054, vlan=0, direction=d)) == 1 for d in ("in", "out")) and all(f["bytes"] == 42 * f["packets"] and f["src"] is None for f in sel(l3_proto=2054))')"
	eq "fragmented echo: first fragments under type 8 (2 x 1500 bytes)" '[[2, 3000, true]]' \
		"$(fq "$f" '[(f["packets"], f["bytes"], f["fragmented"]) for f in sel(direction="in", src="192.0.2.1", proto=1, dscp=8, icmp_type=8)]')"
	eq "fragmented echo: later fragments with 'ports' 0, i.e. type 0 code 0 (4 packets, 2 x (1500 + 68))" \
		'[[4, 3136, true]]' \
		"$(fq "$f" '[(f["packets"], f["bytes"], f["fragmented"]) for f in sel(direction="in", src="192.0.2.1", proto=1, dscp=8, icmp_type=0)]')"
	eq "fragmented UDP: first fragments keep the ports (2 x 1500 bytes)" '[[2, 3000, true]]' \
		"$(fq "$f" '[(f["packets"], f["bytes"], f["fragmented"]) for f in sel(direction="in", proto=17, sport=6001, dport=7001)]')"
	eq "fragmented UDP: later fragments under ports 0 (4 packets, 3136 bytes)" '[[4, 3136, true]]' \
		"$(fq "$f" '[(f["packets"], f["bytes"], f["fragmented"]) for f in sel(direction="in", src="192.0.2.1", proto=17, sport=0, dport=0)]')"
	eq "no flow repeated in the dump" true \
		"$(fq "$f" 'len(set(json.dumps([f.get(k) for k in ("ifindex","direction","vlan","l3_proto","src","dst","proto","sport","dport","dscp")]) for f in F)) == len(F)')"
	# The namespace goes away with its meter enabled: the exit path ends it.
	ip netns del D
	ip netns del C
	sleep 1
	ok "namespace deleted with the meter enabled"
}

# ------------------------------ 5. eviction and conservation at scale
t_big() {
	local n=$FLOW_BIG max=$FLOW_BIG_MAX t0 t1 m m0
	check "enable: --max-flows $max" $PK flow-meter enable -i pg1 --max-flows "$max" \
		--inactive-timeout 3600 --active-timeout 3600
	# 1000 ports and 1000*(n/1000)+1 destinations: coprime, n distinct flows
	pg_flows "$n" $((n / 1000 + 1)) 1000 || { fail "pktgen setup"; return; }
	m0=$($NL metrics)
	t0=$(date +%s.%N)
	pg_run
	t1=$(date +%s.%N)
	diag "pktgen: $n packets in $(awk "BEGIN { print $t1 - $t0 }") s"
	eq "pktgen sent $n" "$n" "$(pg_sent)"
	sleep 3
	# the namespace's counters are cumulative: this run is the difference
	m=$($PY -c '
import json, sys
a, b = json.loads(sys.argv[1]), json.loads(sys.argv[2])
print(json.dumps({k: b[k] - a[k] if k not in ("flows_active", "flow_packets_active") else b[k] for k in b}))' "$m0" "$($NL metrics)")
	diag "$(echo "$m" | json '{k: d[k] for k in ("flows_active","flows_created","flows_evicted","flow_alloc_failed","flow_packets","packets_delivered","packets_lost","flow_packets_active","flow_packets_pending")}')"
	eq "every packet a new flow: created + alloc_failed = $n" "$n" \
		"$(echo "$m" | json 'd["flows_created"] + d["flow_alloc_failed"]')"
	eq "flows_evicted > 0 and created = active + evicted" true \
		"$(echo "$m" | json 'd["flows_evicted"] > 0 and d["flows_created"] == d["flows_active"] + d["flows_evicted"]')"
	eq "no packet left unmetered (alloc_failed = 0)" 0 "$(echo "$m" | json 'd["flow_alloc_failed"]')"
	eq "the table holds at most $max flows" true "$(echo "$m" | json "d['flows_active'] <= $max")"
	conserve "conservation after $n flows against $max"
	check "disable" $PK flow-meter disable
	conserve "conservation after disable"
}

# --------------------- 6. dumps while the table churns, stable flows
t_churn() {
	local IS="ip netns exec S" i bad=0 miss=0 d out
	ip netns add S
	ip link add name st0 type veth peer name st1 netns S
	ip addr add 198.18.0.1/24 dev st0
	ip link set st0 up
	ip -n S addr add 198.18.0.2/24 dev st1
	ip -n S link set st1 up
	ip -n S link set lo up
	check "enable on pg1 and st0, idle 2 s" $PK flow-meter enable -i pg1 -i st0 \
		--inactive-timeout 2 --active-timeout 600 --max-flows 100000
	# stable: echoes every 0.2 s and a UDP stream every 0.2 s, from S
	$IS ping -i 0.2 -q 198.18.0.1 >/dev/null &
	BG_PIDS+=($!)
	$IS $PY -c '
import socket, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("198.18.0.2", 7776))
while True:
    s.sendto(b"s", ("198.18.0.1", 7777)); time.sleep(0.2)' &
	BG_PIDS+=($!)
	# churn: 51 000 flows (51 and 1000 coprime) at 10 000 packets/s, each
	# seen every 5.1 s > idle 2 s
	pg_flows 0 51 1000 10000 || { fail "pktgen setup"; return; }
	pg_bg
	# the stable flows must exist before the first dump (python starts slowly)
	for i in $(seq 60); do
		[ "$($PK -j flows -i st0 --proto udp | json 'len(d)')" = 1 ] && break
		sleep 0.5
	done
	sleep 2
	for i in 1 2 3 4 5; do
		$PK -j flows >"$W/churn$i.json" || { fail "dump $i"; continue; }
		out=$(fq "$W/churn$i.json" '[len(F), len(set(json.dumps([f.get(k) for k in ("ifindex","direction","vlan","l3_proto","src","dst","proto","sport","dport","dscp")]) for f in F)), len(sel(dev="st0", direction="in", proto=1, icmp_type=8)), len(sel(dev="st0", direction="out", proto=1, icmp_type=0)), len(sel(dev="st0", direction="in", proto=17, sport=7776, dport=7777))]')
		diag "dump $i: [flows, distinct, echo, reply, udp] = $out"
		[ "$(echo "$out" | json 'd[0] == d[1]')" = true ] || bad=$((bad + 1))
		[ "$(echo "$out" | json 'd[2:] == [1, 1, 1]')" = true ] || miss=$((miss + 1))
	done
	eq "no flow repeated within any of 5 dumps" 0 "$bad"
	eq "the 3 stable flows exactly once in every dump" 0 "$miss"
	eq "the stable flows are the same flows throughout (first_ns unchanged, packets grow)" true \
		"$($PY - "$W"/churn[1-5].json <<'PYEOF'
import json, sys
seen = {}
okay = True
for path in sys.argv[1:]:
    for f in json.load(open(path)):
        if f["dev"] != "st0" or f["proto"] not in (1, 17):
            continue
        k = (f["direction"], f["proto"], f["dport"])
        if k in seen:
            okay &= seen[k][0] == f["first_ns"] and seen[k][1] <= f["packets"]
        seen[k] = (f["first_ns"], f["packets"])
print(json.dumps(okay and len(seen) >= 3))
PYEOF
)"
	eq "churn happened: flows expired idle meanwhile" true "$(metric flows_expired_idle | json 'd > 1000')"
	bad=0
	# disable and enable again under traffic, with dumps running meanwhile:
	# a dump that spans a re-enable is retried (NLM_F_DUMP_INTR) or warned
	# about, never a failure or broken JSON
	(for i in $(seq 8); do $PK -j flows >"$W/toggle$i.json" 2>"$W/toggle$i.err"; echo $? >"$W/toggle$i.rc"; done) &
	d=$!
	for i in 1 2 3 4 5; do
		$PK flow-meter disable && $PK flow-meter enable -i pg1 -i st0 \
			--inactive-timeout 2 --active-timeout 600 --max-flows 100000 || bad=$((bad + 1))
	done
	wait "$d"
	eq "5 x disable + enable under traffic" 0 "$bad"
	bad=0
	for i in $(seq 8); do
		[ "$(cat "$W/toggle$i.rc")" = 0 ] && json 'len(d) >= 0' <"$W/toggle$i.json" >/dev/null 2>&1 ||
			{ bad=$((bad + 1)); diag "dump $i: rc $(cat "$W/toggle$i.rc"): $(cat "$W/toggle$i.err")"; }
		[ -s "$W/toggle$i.err" ] && diag "dump $i said: $(cat "$W/toggle$i.err")"
	done
	eq "8 dumps during the re-enables: all exit 0 with valid JSON" 0 "$bad"
	pg_stop
	kill "${BG_PIDS[@]}" 2>/dev/null
	sleep 3
	conserve "conservation after churn and re-enables (quiet)"
	# rmmod with the meter enabled and pktgen running
	pg_bg
	sleep 1
	if rmmod pktcap; then ok "rmmod with the meter enabled under traffic"; else fail "rmmod under traffic"; fi
	pg_stop
	insmod "$KO"
	eq "no pktcap warning in dmesg" 0 "$(dmesg | grep -Ec 'WARNING: CPU|BUG:|Oops|pktcap.*(leak|error)')"
	check "module reloaded, meter off" sh -c "$PK -j status | grep -q '\"enabled\": *false'"
}

# ------------- 7. the table grows with its flows, during a dump too
t_grow() {
	local n=101000 m f s c0 out cg=/sys/fs/cgroup/pktcap-t30
	insmod "$KO" 2>/dev/null
	check "enable: --max-flows 1000000" $PK flow-meter enable -i pg1 --max-flows 1000000 \
		--inactive-timeout 3600 --active-timeout 3600
	eq "the table starts at 1024 buckets, whatever max-flows says" 1024 "$(metric flow_buckets)"
	# 3000 stable flows (3 destinations x ports 1000-1999), one packet each
	pg_flows 3000 3 1000 || { fail "pktgen setup"; return; }
	pg_run
	m=$(metrics_until 'd["flows_active"] == 3000 and d["flow_buckets"] >= 3000')
	diag "after 3000 flows: $(echo "$m" | json '{k: d[k] for k in ("flows_active", "flow_buckets")}')"
	eq "3000 flows: the table grew past them, to at most 8192 buckets" true \
		"$(echo "$m" | json 'd["flows_active"] == 3000 and 3000 <= d["flow_buckets"] <= 8192')"
	# a dump in 8 KiB pages; after its first page 101 000 new flows (ports
	# 20000-20999) make the table grow at least 16-fold before it goes on
	rm -f "$W/started" "$W/go"
	$NL dump --out "$W/grow.json" --started "$W/started" --go "$W/go" >"$W/grow.out" &
	BG_PIDS+=($!)
	f=$!
	wait_file "$W/started" || fail "dump: no first page"
	PG_SPORT=20000 pg_flows "$n" 101 1000 || { fail "pktgen setup"; return; }
	pg_run
	s=$(metrics_until 'd["flow_buckets"] >= 65536' | json 'd["flow_buckets"]')
	touch "$W/go"
	wait "$f" || fail "dump"
	diag "dump: $(cat "$W/grow.out"), buckets $s when it went on"
	eq "the table grew in the middle of the dump (>= 65536 buckets)" true "$(echo "$s" | json 'd >= 65536')"
	out=$(fq "$W/grow.json" '[len(F), len(set((f["dst"], f["sport"]) for f in F)), sorted(collections.Counter((f["dst"], f["sport"]) for f in F if f["sport"] < 2000 and f["proto"] == 17).values()) == [1] * 3000]' 2>&1)
	diag "dump: [flows, distinct, stable each once] = $out"
	eq "each of the 3000 stable flows exactly once in a dump that spanned the growth" true \
		"$(echo "$out" | json 'd[2]')"
	eq "no flow repeated in that dump" true "$(echo "$out" | json 'd[0] == d[1]')"
	m=$(metrics_until "d['flows_active'] == $((n + 3000)) and d['flow_buckets'] >= d['flows_active']")
	diag "after $n more: $(echo "$m" | json '{k: d[k] for k in ("flows_active", "flow_buckets", "flow_alloc_failed")}')"
	eq "every flow held ($((n + 3000))), in at least as many buckets" true \
		"$(echo "$m" | json "d['flows_active'] == $((n + 3000)) and d['flow_buckets'] >= d['flows_active']")"
	# growth goes on until they fill at most half the buckets
	m=$(metrics_until "2 * d['flows_active'] <= d['flow_buckets']")
	eq "the grown table holds them at a load of a half at most" true \
		"$(echo "$m" | json "d['flows_active'] == $((n + 3000)) and 2 * d['flows_active'] <= d['flow_buckets']")"
	conserve "conservation across the growth"
	check "disable" $PK flow-meter disable
	# Growth is charged to the memory cgroup of whoever enabled the meter;
	# when that cgroup has no room, the table stays as it is and metering
	# goes on, exactly, with longer chains; with room again, it grows.
	if [ -w /sys/fs/cgroup/cgroup.subtree_control ] && mkdir -p "$cg" 2>/dev/null &&
		echo "+memory" >/sys/fs/cgroup/cgroup.subtree_control 2>/dev/null; then
		check "enable from a memory cgroup" sh -c "echo \$\$ >$cg/cgroup.procs; exec $PK flow-meter enable -i pg1 --max-flows 1000000 --inactive-timeout 3600 --active-timeout 3600"
		# memory.current counts charges the CPUs hold in stock (up to 256
		# KiB each): a small headroom, against growths up to 2 MiB
		echo 64M >"$cg/memory.reclaim" 2>/dev/null
		c0=$(cat "$cg/memory.current")
		echo $((c0 + 16384)) >"$cg/memory.max"
		PG_SPORT=5000 pg_flows "$n" 101 1000 || { fail "pktgen setup"; return; }
		pg_run
		# time for a growth, were there room (with room, below, it happens)
		sleep "$(scaled 3)"
		m=$($NL metrics)
		diag "no room to grow: $(echo "$m" | json '{k: d[k] for k in ("flows_active", "flow_buckets", "flow_alloc_failed")}'), cgroup $(grep -h '^max' "$cg/memory.events")"
		eq "no room in the cgroup: the table stopped growing, below its $n flows" true \
			"$(echo "$m" | json "d['flows_active'] == $n and d['flow_buckets'] < $n")"
		conserve "conservation with the growth refused"
		# Each refused try made the cgroup reclaim; the next ones wait
		# 1, 2, 4 ... 16 s, and are counted. Three seconds or more into
		# the refusal the wait is at least 4 s (scaled alike).
		g1=$(echo "$m" | json "d['flow_grow_failed']")
		w=$(scaled 4)
		sleep "$w"
		g2=$($NL metrics | json "d['flow_grow_failed']")
		diag "refused growths: $g1 by then, $((g2 - g1)) in the next $w s"
		check "the refused growth is counted in flow_grow_failed" [ "$g1" -ge 1 ]
		check "refused growths back off: at most 2 more tries in $w s, not one a second" \
			[ $((g2 - g1)) -le 2 ]
		echo max >"$cg/memory.max"
		m=$(metrics_until "d['flow_buckets'] >= $n")
		s=$(cat "$cg/memory.current")
		diag "room again: $(echo "$m" | json '{k: d[k] for k in ("flows_active", "flow_buckets")}'), cgroup +$((s - c0)) bytes"
		eq "room again: the worker grew the table past its flows" true \
			"$(echo "$m" | json "d['flow_buckets'] >= $n")"
		# (less the stock of charges the CPUs held, up to 256 KiB each)
		eq "the grown array is charged to the enabling cgroup" true \
			"$(echo "$m" | json "$s - $c0 >= 4 * d['flow_buckets']")"
		eq "no allocation warning in dmesg" 0 "$(dmesg | grep -Ec 'page allocation failure|WARNING: CPU')"
		check "disable" $PK flow-meter disable
		rmdir "$cg" 2>/dev/null
	else
		skip "growth refused by a memory cgroup" "cgroup v2 memory controller not available"
	fi
}

pg_veth || { fail "veth pg0/pg1"; exit 0; }
modprobe pktgen || { fail "modprobe pktgen"; exit 0; }
# T30_SECTIONS="expiry churn" runs only those sections (all by default).
for t in ${T30_SECTIONS:-cli pktgen_exact expiry keys big churn grow}; do
	start=$(date +%s)
	"t_$t"
	diag "section $t took $(($(date +%s) - start)) s"
done
exit 0
