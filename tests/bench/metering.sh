#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# tests/bench/metering.sh - per-packet metering cost, run inside the guest.
#
# pktgen (kpktgend_0, CPU 0) injects UDP packets into dummy device d0 with
# xmit_mode netif_receive: the whole receive path, hooks included, runs in
# pktgen's thread, so its pps directly reflects what a meter costs. Two
# identical dummy devices: pktcap meters d0, ipt-netflow d1, so that both
# tables stay filled while the variants alternate. Every packet is dropped
# by `iptables -t raw -A PREROUTING -i dN -j DROP`, in every variant, right
# after the hooks:
#   none        d1, no meter rule
#   pktcap      d0: pktcapctl flow-meter enable -i d0 --backend nf-ingress
#   ipt-netflow d1: ipt_NETFLOW, `-t raw -I PREROUTING -i d1 -j NETFLOW`
#               before the DROP (the raw table sees exactly the packets
#               nf-ingress sees, before conntrack and routing)
# The meters' periodic workers are started on CPU 1 (pktcapctl under
# taskset, ipt_NETFLOW exportcpu=1, kernel.timer_migration=0), away from
# pktgen; what they cost is measured apart, as CPU time with no traffic.
# Each repetition ends with a shared run (see shared()): both meters in one
# pktgen run, their costs read from perf's samples of CPU 0, the figure a
# drifting host cannot skew.
# Flows: 1000 UDP source ports x D destinations, D = 1, 101, 1001 (coprime to
# 1000, so pktgen's lock-step ranges give exactly 1000*D flows). Timeouts of
# an hour: no flow expires during the run. Each meter's table is filled by a
# warm-up of 1000*D packets first; the timed run then only finds flows.

METER_COUNT=${BENCH_METER_COUNT:-400000}
METER_DSTS=${BENCH_METER_DSTS:-1 101 1001}
METER_MAX_FLOWS=${BENCH_METER_MAX_FLOWS:-2097152}
METER_IDLE=${BENCH_METER_IDLE:-5}	# seconds of background-cost measurement
METER_TIMEOUT=3600

METER_D=1	# destinations of the current size

# pg_dev DEV: pktgen (thread on CPU 0) sends into DEV only: 1000 source
# ports x METER_D destinations. Re-made at every switch of device, since
# pktgen keeps the settings of attached devices only.
pg_dev() {
	pg_attach 0 "$1"
	pg_dev_flows "$1"
}

pg_dev_flows() {
	local d=$((METER_D - 1))
	pg_set "$1" "xmit_mode netif_receive" "pkt_size 60" "src_min 198.18.1.1" \
		"src_max 198.18.1.1" "udp_src_min 1000" "udp_src_max 2000" \
		"udp_dst_min 9" "udp_dst_max 9" "dst_min 198.19.0.0" \
		"dst_max 198.19.$((d / 256)).$((d % 256))" \
		"dst_mac $(mac_of "$1")" "clone_skb 0" "burst 1"
}

meter_setup() {
	local dev
	modprobe dummy
	modprobe pktgen
	pktcap_load
	sysctl -qw net.ipv4.ip_forward=0
	# Keep the meters' workers where they were started (CPU 1).
	sysctl -qw kernel.timer_migration=0
	for dev in d0 d1; do
		ip link add name "$dev" type dummy
		no_ipv6 "$dev"
		ip link set "$dev" up
		iptables -t raw -A PREROUTING -i "$dev" -j DROP
	done
}

meter_teardown() {
	"$PKTCAPCTL" flow-meter disable >/dev/null 2>&1 || true
	iptables -t raw -F PREROUTING
	ip link del d0 2>/dev/null || true
	ip link del d1 2>/dev/null || true
}

iptnf_load() {
	rmmod ipt_NETFLOW 2>/dev/null || true
	taskset -c 1 modprobe ipt_NETFLOW hashsize="$METER_MAX_FLOWS" maxflows="$METER_MAX_FLOWS" \
		inactive_timeout=$METER_TIMEOUT active_timeout=$METER_TIMEOUT exportcpu=1 \
		destination=127.0.0.1:2055 || die "modprobe ipt_NETFLOW failed"
}
iptnf_on() { iptables -t raw -I PREROUTING 1 -i d1 -j NETFLOW; }
iptnf_off() { iptables -t raw -D PREROUTING -i d1 -j NETFLOW; }
iptnf_active() {
	awk '/^Flows: active/ { v = $3; gsub(/[^0-9]/, "", v); print v; exit }' /proc/net/stat/ipt_netflow
}

pktcap_on() {
	taskset -c 1 "$PKTCAPCTL" flow-meter enable -i d0 --backend nf-ingress \
		--max-flows "$METER_MAX_FLOWS" --inactive-timeout $METER_TIMEOUT \
		--active-timeout $METER_TIMEOUT >/dev/null
}
pktcap_off() { "$PKTCAPCTL" flow-meter disable >/dev/null 2>&1 || true; }

meminfo() { # "SLAB_KB VMALLOC_KB AVAILABLE_KB"
	awk '$1 == "Slab:" {s=$2} $1 == "VmallocUsed:" {v=$2} $1 == "MemAvailable:" {a=$2}
		END {print s "," v "," a}' /proc/meminfo
}

# slab_of CACHE: "OBJECT_SIZE,SLAB_SIZE,OBJS_PER_SLAB,ORDER" from SLUB's sysfs.
slab_of() {
	local d=/sys/kernel/slab/$1
	[[ -d $d ]] || { echo "0,0,0,0"; return; }
	echo "$(<"$d/object_size"),$(<"$d/slab_size"),$(<"$d/objs_per_slab"),$(<"$d/order")"
}

# timed VARIANT DEV FLOWS REP: the timed run; emits kind=meter with pktgen's
# rate and the /proc/stat ticks of the run (cpu_delta: CPU 0, CPU 1, all).
timed() {
	local c0 c1
	local -a r c
	pg_dev "$2"
	c0=$(cpu_ticks)
	read -r -a r <<<"$(pg_run "$2" "$METER_COUNT" 0)"
	c1=$(cpu_ticks)
	read -r -a c <<<"$(cpu_delta "$c0" "$c1")"
	emit "section=metering kind=meter variant=$1 flows=$3 rep=$4 pps=${r[0]} sent=${r[1]}" \
		"busy0=${c[0]} kern0=${c[1]} busy1=${c[3]} busy=${c[6]}"
}

# shared FLOWS REP: one pktgen run into d0 and d1 together, pktcap metering
# d0 and ipt-netflow d1, with CPU 0 sampled by perf. A delay of 1 ns makes
# pktgen's thread alternate between its two devices (it serves the one
# whose next send is due first), so both meters see the same number of
# packets at the same moments: a host that slows down slows both alike,
# which the A/B runs above cannot promise. Emits kind=share with each
# meter's samples (pg_start_sampled, tests/bench/perf_share.py).
shared() {
	local share dev
	pg_attach 0 d0
	pg_thread 0 "add_device d1"
	for dev in d0 d1; do
		pg_dev_flows "$dev"
		pg_set "$dev" "count $METER_COUNT" "delay 1"
	done
	iptnf_on
	share=$(PROFILE_TAG="flows=$1 rep=$2" pg_start_sampled meter)
	iptnf_off
	emit "section=metering kind=share flows=$1 rep=$2 $share" \
		"sent_pktcap=$(pg_sent d0) sent_ipt=$(pg_sent d1)"
}

# warm VARIANT DEV FLOWS [refill]: fill the table with FLOWS flows; emits
# kind=create (the creation rate) and, unless a refill, kind=mem (memory
# before and after).
warm() {
	local v=$1 flows=$3 m0 m1 active buckets=
	local -a r
	pg_dev "$2"
	m0=$(meminfo)
	read -r -a r <<<"$(pg_run "$2" "$flows" 0)"
	sleep 1
	m1=$(meminfo)
	case $v in
	pktcap) active=$(metric flows_active) buckets=$(metric flow_buckets) ;;
	ipt-netflow) active=$(iptnf_active) ;;
	esac
	emit "section=metering kind=create variant=$v flows=$flows pps=${r[0]} sent=${r[1]} active=$active"
	[[ ${4:-} != refill ]] || return 0
	emit "section=metering kind=mem variant=$v flows=$flows active=$active meminfo0=$m0 meminfo1=$m1" \
		"slab=$(slab_of "$([[ $v == pktcap ]] && echo pktcap_flow || echo ipt_netflow)")" \
		"max_flows=$METER_MAX_FLOWS" ${buckets:+"buckets=$buckets"}
}

# idle WHAT FLOWS: CPU ticks of each CPU over METER_IDLE seconds of no
# traffic: what the meters' housekeeping (expiry scans) costs.
idle() {
	local c0 c1
	c0=$(awk '/^cpu[0-9]/ {printf "%s ", $2+$3+$4+$7+$8+$9}' /proc/stat)
	sleep "$METER_IDLE"
	c1=$(awk '/^cpu[0-9]/ {printf "%s ", $2+$3+$4+$7+$8+$9}' /proc/stat)
	emit "section=metering kind=idle what=$1 flows=$2 seconds=$METER_IDLE" \
		"busy0=$(echo "$c0" | tr ' ' ,) busy1=$(echo "$c1" | tr ' ' ,)"
}

mem_raw() {
	{
		echo "=== $1 flows: /proc/net/stat/ipt_netflow"
		cat /proc/net/stat/ipt_netflow
		echo "=== /proc/slabinfo (pktcap, netflow)"
		grep -E 'pktcap|netflow' /proc/slabinfo || true
		for c in pktcap_flow ipt_netflow; do
			echo "=== /sys/kernel/slab/$c -> $(readlink -f /sys/kernel/slab/$c 2>/dev/null): $(slab_of $c)"
		done
	} >>"$BENCH_OUT/metering-memory.txt"
}

# refill FLOWS: both tables made anew and filled again, before each
# repetition but the first. Under TCG a meter's cost depends on where its
# table and flows land in memory: QEMU's software TLB is direct-mapped, so
# which hot pages evict each other is a matter of their addresses, the
# other meter's included. With one layout for all the repetitions of a
# size, they agreed with each other (+-0.05) and not with the next run
# (1 000 flows: in-run ratio 0.55, then 0.69 an hour later after a change
# meant to help). So every repetition samples a layout of its own, and the
# medians are over layouts (LIMITS.md).
refill() {
	refill_pktcap "$1"
	refill_iptnf "$1"
}

# refill_pktcap FLOWS, refill_iptnf FLOWS: one meter's table made anew.
refill_pktcap() {
	pktcap_off
	pktcap_on
	warm pktcap d0 "$1" refill
}

refill_iptnf() {
	iptnf_load
	iptnf_on
	warm ipt-netflow d1 "$1" refill
	iptnf_off
}

# One size: a fresh pktcap table on d0 and ipt-netflow table (rule on d1),
# both filled, then REPS x (none on d1, pktcap on d0, ipt-netflow on d1).
metering_size() {
	local d=$1 flows=$(($1 * 1000)) rep
	METER_D=$d
	pktcap_off
	iptnf_load
	idle none-loaded "$flows"
	pktcap_on
	idle pktcap-empty "$flows"
	warm pktcap d0 "$flows"
	idle pktcap-full "$flows"
	iptnf_on
	warm ipt-netflow d1 "$flows"
	iptnf_off
	idle both-full "$flows"
	mem_raw "$flows"
	log "metering: $flows flows, $REPS x $METER_COUNT packets per variant"
	for ((rep = 1; rep <= REPS; rep++)); do
		((rep == 1)) || refill "$flows"
		timed none d1 "$flows" "$rep"
		timed pktcap d0 "$flows" "$rep"
		iptnf_on
		timed ipt-netflow d1 "$flows" "$rep"
		iptnf_off
		shared "$flows" "$rep"
	done
	emit "section=metering kind=check flows=$flows pktcap_active=$(metric flows_active)" \
		"iptnf_active=$(iptnf_active)"
}

metering_section() {
	local d
	meter_setup
	for d in $METER_DSTS; do
		metering_size "$d"
	done
	meter_teardown
}

# metering_ab: builds of pktcap.ko side by side in one boot (make bench
# BENCH=metering-ab BENCH_AB_KO="A.ko B.ko ..."). In each repetition of a
# size, ipt-netflow's table is made anew and filled, then each build in
# turn is loaded, fills a table of its own and takes one shared run
# against it; kind=share records carry rep=REP:INDEX (the index into
# BENCH_AB_KO). Section 2 compares one build with ipt-netflow; this says
# whether a change moved that ratio, in the same boot configuration
# (LIMITS.md: the clock source alone moves it).
metering_ab() {
	local d flows rep i
	local -a kos
	read -r -a kos <<<"${BENCH_AB_KO:-}"
	((${#kos[@]} >= 2)) || die "BENCH_AB_KO: the pktcap.ko builds to compare, two at least"
	meter_setup
	rmmod pktcap
	for d in $METER_DSTS; do
		METER_D=$d
		flows=$((d * 1000))
		log "metering-ab: $flows flows, $REPS x ${#kos[@]} builds"
		for ((rep = 1; rep <= REPS; rep++)); do
			refill_iptnf "$flows"
			for i in "${!kos[@]}"; do
				insmod "${kos[i]}" || die "insmod ${kos[i]} failed"
				refill_pktcap "$flows"
				shared "$flows" "$rep:$i"
				pktcap_off
				rmmod pktcap
			done
		done
	done
	meter_teardown
}
