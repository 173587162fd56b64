#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# tests/bench/export.sh - does the exporter keep up with the kernel's expiry
# rate? Run inside the guest by guest.sh.
#
# The meter runs on dummy d0 (nf-ingress, --inactive-timeout 1); pktgen
# injects EXPORT_COUNT packets (netif_receive, 1000 ports x 101 destinations:
# 101 000 packets are 101 000 one-packet flows) as fast as it can, so flows
# are created, and a second later expire, at pktgen's rate.
# `pktcapctl export enable` sends them to nfcapd on 127.0.0.1. Per run:
# the kernel's batches_sent / batches_lost / flows_lost, the exporter's
# sequence gaps (lost_batches) and overruns, what nfcapd received and its
# sequence failures, and the peak expiry rate (flows delivered per second).
# --max-flows 262144 (buckets too): `pktcapctl metrics`, sampled twice a
# second here, walks every bucket of the table under the export lock.

EXPORT_COUNT=${BENCH_EXPORT_COUNT:-101000}
EXPORT_VERSIONS=${BENCH_EXPORT_VERSIONS:-10 9 5}
EXPORT_PORT=9995

export_setup() {
	modprobe dummy
	modprobe pktgen
	pktcap_load
	sysctl -qw net.ipv4.ip_forward=0
	ip link add name d0 type dummy
	no_ipv6 d0
	ip link set d0 up
	iptables -t raw -A PREROUTING -i d0 -j DROP
	# nfcapd -B asks for 8 MiB; without this the kernel caps it at rmem_max
	# (208 KiB), and under TCG nfcapd then loses datagrams, not the exporter.
	sysctl -qw net.core.rmem_max=16777216
	pg_attach 0 d0
	pg_set d0 "xmit_mode netif_receive" "pkt_size 60" "src_min 198.18.1.1" \
		"src_max 198.18.1.1" "udp_src_min 1000" "udp_src_max 2000" \
		"udp_dst_min 9" "udp_dst_max 9" "dst_min 198.19.0.0" "dst_max 198.19.0.100" \
		"dst_mac $(mac_of d0)" "clone_skb 0" "burst 1"
	"$PKTCAPCTL" flow-meter enable -i d0 --backend nf-ingress --max-flows 262144 \
		--inactive-timeout 1 --active-timeout 60 >/dev/null
}

export_teardown() {
	"$PKTCAPCTL" export disable >/dev/null 2>&1 || true
	"$PKTCAPCTL" flow-meter disable >/dev/null 2>&1 || true
	iptables -t raw -F PREROUTING
	ip link del d0 2>/dev/null || true
}

KM=(flows_created flows_delivered batches_sent batches_lost flows_lost flows_active flows_pending)

drained() { # no flow left in the table or waiting for delivery
	local -a m
	read -r -a m <<<"$(metrics flows_active flows_pending)"
	((m[0] == 0 && m[1] == 0))
}

# state_of FILE KEY...: values from the exporter's statistics file; the
# per-collector ones (records, send_errors) from its first collector.
state_of() {
	python3 - "$@" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
c = (d.get("collectors") or [{}])[0]
print(" ".join(str(d.get(k, c.get(k, 0))) for k in sys.argv[2:]))
EOF
}

# nfdump_stat DIR LABEL: a number from `nfdump -R DIR -I` ("Flows: 123").
nfdump_stat() {
	nfdump -R "$1" -I 2>/dev/null | awk -F': *' -v l="$2" '$1 == l { print $2 + 0; exit }'
}

# udp_rcvbuf_errors: datagrams UDP sockets dropped for a full receive buffer.
udp_rcvbuf_errors() {
	awk '$1 == "Udp:" { if (!h) { for (i = 2; i <= NF; i++) c[$i] = i; h = 1 }
		else { print $c["RcvbufErrors"]; exit } }' /proc/net/snmp
}

export_run() {
	local v=$1 rep=$2 dir st pf ncpid pgpid t peak=0 prev now i rate u0 u1
	local -a k0 k1 s r
	dir=$BENCH_TMP/nf-$v-$rep
	st=$BENCH_TMP/exporter-$v-$rep.json
	pf=$BENCH_TMP/exporter.pid
	mkdir -p "$dir"
	nfcapd -w "$dir" -p $EXPORT_PORT -b 127.0.0.1 -B 8388608 -P "$BENCH_TMP/nfcapd.pid" -D >/dev/null 2>&1 ||
		die "nfcapd did not start"
	wait_for 10 test -s "$BENCH_TMP/nfcapd.pid" || die "nfcapd wrote no pid file"
	ncpid=$(cat "$BENCH_TMP/nfcapd.pid")
	"$PKTCAPCTL" export enable -c 127.0.0.1:$EXPORT_PORT --version "$v" \
		--state-file "$st" --pidfile "$pf" >/dev/null
	read -r -a k0 <<<"$(metrics "${KM[@]}")"
	u0=$(udp_rcvbuf_errors)
	pg_run d0 "$EXPORT_COUNT" 0 >"$BENCH_TMP/pg.out" &
	pgpid=$!
	# Peak expiry rate: flows delivered per second between samples taken
	# every half second, while the traffic runs and until all expired.
	prev=${k0[1]}
	t=$EPOCHREALTIME
	for ((i = 0; i < 240; i++)); do
		sleep 0.5
		now=$(metric flows_delivered)
		rate=$(awk -v n=$((now - prev)) -v t0="$t" -v t1="$EPOCHREALTIME" \
			'BEGIN { printf "%d", n / (t1 - t0) }')
		((rate > peak)) && peak=$rate
		prev=$now
		t=$EPOCHREALTIME
		if ! kill -0 "$pgpid" 2>/dev/null && drained; then
			break
		fi
	done
	wait "$pgpid" || die "pktgen failed"
	read -r -a r <"$BENCH_TMP/pg.out"
	sleep 1
	read -r -a k1 <<<"$(metrics "${KM[@]}")"
	"$PKTCAPCTL" export disable >/dev/null
	sleep 1
	u1=$(udp_rcvbuf_errors)
	kill -TERM "$ncpid" 2>/dev/null || true
	wait_for 20 eval "! kill -0 $ncpid 2>/dev/null" || true
	read -r -a s <<<"$(state_of "$st" batches lost_batches overruns flows records send_errors)"
	emit "section=export kind=export version=$v rep=$rep pps=${r[0]} sent=${r[1]}" \
		"created=$((k1[0] - k0[0])) delivered=$((k1[1] - k0[1]))" \
		"batches_sent=$((k1[2] - k0[2])) batches_lost=$((k1[3] - k0[3]))" \
		"flows_lost=$((k1[4] - k0[4])) left_active=${k1[5]} left_pending=${k1[6]}" \
		"peak_expiry_per_s=$peak exp_batches=${s[0]} exp_gaps=${s[1]}" \
		"exp_overruns=${s[2]} exp_flows=${s[3]} exp_records=${s[4]} exp_send_errors=${s[5]}" \
		"collector_flows=$(nfdump_stat "$dir" Flows || echo 0)" \
		"collector_seq_failures=$(nfdump_stat "$dir" "Sequence failures" || echo 0)" \
		"udp_rcvbuf_errors=$((u1 - u0))"
	rm -rf "$dir"
}

export_section() {
	local v rep
	export_setup
	log "export: versions $EXPORT_VERSIONS, $REPS repetitions of $EXPORT_COUNT packets"
	for ((rep = 1; rep <= REPS; rep++)); do
		for v in $EXPORT_VERSIONS; do
			export_run "$v" "$rep"
		done
	done
	export_teardown
}
