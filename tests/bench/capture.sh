#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# tests/bench/capture.sh - capture sections, run inside the guest by guest.sh.
#
#   capture_section SECTION VARIANT...
#
# Traffic (CAP_TRAFFIC), from pktgen's thread on CPU 0 to v1, where the
# readers, on CPU 1, capture:
#   rx    pktgen injects UDP frames into v1's receive path (xmit_mode
#         netif_receive, CAP_BURST receptions of each skb), addressed to
#         another host's MAC as a monitoring port sees a SPAN copy: IP drops
#         them at once, so CPU 0's time per packet is mostly the capture's
#         and the generator can outrun a reader. The capture section's.
#   veth  pktgen sends on v0 to v1's MAC: the xmit, veth and IP receive
#         paths cost TCG some 10 µs a packet, standing in for the receive
#         path a real NIC's packets take (every reader keeps up with it).
#         The encryption section's: under TCG the AES-NI and PCLMULQDQ
#         instructions are emulated, so sealing costs ~10 µs a record, and
#         against the rx path's ~1 µs that says more about QEMU than about
#         the share of a receiving CPU sealing takes on hardware.
# Variants:
#   none           no capture (the baseline of the CPU figures)
#   tcpdump        tcpdump -w /dev/null  (AF_PACKET, TPACKET_V3)
#   pktcap         pktcapctl record -w /dev/null (ptype backend, the same
#                  tap AF_PACKET uses)
#   pktcap-sealed  the same with pktcapctl encryption enabled
#   pktcap-wN      pktcap with --wakeup-records N (default 64): how much of
#                  its cost is waking the reader
# Per repetition, alternating the variants: one full-speed run of each
# (drops, CPU), then a bisection of each capturing variant's zero-drop rate.

CAP_COUNT=${BENCH_CAP_COUNT:-100000}	# packets per run
CAP_BUF_KB=${BENCH_CAP_BUF_KB:-4096}	# pktcap -B (per CPU) = tcpdump -B
CAP_SNAPLEN=${BENCH_CAP_SNAPLEN:-65535}
CAP_STEPS=${BENCH_CAP_STEPS:-3}		# bisection steps
CAP_DRAIN=${BENCH_CAP_DRAIN:-1.5}	# seconds for the reader to catch up
CAP_BURST=${BENCH_CAP_BURST:-32}	# rx traffic: receptions per skb
CAP_SHARED_PPS=${BENCH_CAP_SHARED_PPS:-200000}	# shared_run's pace: no drops
CAP_TRAFFIC=rx				# set by capture_section
PG_DEV=v1
READER_PID=
READER_ERR=

capture_setup() {
	modprobe veth
	modprobe pktgen
	# What udev loads at boot on a CPU with AES-NI and PCLMULQDQ (the
	# guest has no udev): without them gcm(aes) is built from aes-generic.
	if grep -qw aes /proc/cpuinfo; then
		modprobe -q aesni_intel || true
	fi
	if grep -qw pclmulqdq /proc/cpuinfo; then
		modprobe -q ghash_clmulni_intel || true
	fi
	pktcap_load
	ip link add name v0 type veth peer name v1
	no_ipv6 v0
	no_ipv6 v1
	ip link set v0 up
	ip link set v1 up
	if [[ $CAP_TRAFFIC == rx ]]; then
		PG_DEV=v1
		pg_attach 0 v1
		pg_set v1 "xmit_mode netif_receive" "pkt_size 60" "dst 198.18.0.1" \
			"src_min 198.18.1.1" "src_max 198.18.1.1" "udp_src_min 1000" \
			"udp_src_max 1001" "dst_mac 02:00:5e:00:53:01" "burst $CAP_BURST"
	else
		PG_DEV=v0
		pg_attach 0 v0
		pg_set v0 "pkt_size 60" "dst 198.18.0.1" "src_min 198.18.1.1" \
			"src_max 198.18.1.1" "udp_src_min 1000" "udp_src_max 1001" \
			"dst_mac $(mac_of v1)" "clone_skb 0" "burst 1"
	fi
	"$PKTCAPCTL" encryption genkey >"$BENCH_TMP/seal.key"
}

capture_teardown() {
	ip link del v0 2>/dev/null || true
	"$PKTCAPCTL" encryption disable >/dev/null 2>&1 || true
}

has_fd() { ls -l "/proc/$1/fd" 2>/dev/null | grep -q -- "$2"; }
listening() { grep -q 'listening on' "$READER_ERR"; }

# reader_start VARIANT [ERRFILE]: the reader, pinned to CPU 1, ready to
# receive; its stderr in ERRFILE (READER_ERR), its pid in READER_PID.
reader_start() {
	READER_ERR=${2:-$BENCH_TMP/reader.err}
	: >"$READER_ERR"
	case $1 in
	none) READER_PID= ; return 0 ;;
	tcpdump)
		taskset -c 1 tcpdump -i v1 -n -p -s "$CAP_SNAPLEN" -B "$CAP_BUF_KB" \
			-w /dev/null 2>"$READER_ERR" &
		READER_PID=$!
		wait_for 20 listening || die "tcpdump did not start: $(cat "$READER_ERR")"
		;;
	pktcap | pktcap-sealed | pktcap-w[0-9]*)
		local extra=()
		if [[ $1 == pktcap-sealed ]]; then
			"$PKTCAPCTL" encryption enable --key-file "$BENCH_TMP/seal.key" >/dev/null
		fi
		[[ $1 == pktcap-w* ]] && extra=(--wakeup-records "${1#pktcap-w}")
		taskset -c 1 "$PKTCAPCTL" record -i v1 -s "$CAP_SNAPLEN" -B "$CAP_BUF_KB" \
			"${extra[@]}" -w /dev/null 2>"$READER_ERR" &
		READER_PID=$!
		wait_for 20 has_fd "$READER_PID" /dev/pktcap ||
			die "pktcapctl record did not start: $(cat "$READER_ERR")"
		;;
	*) die "unknown capture variant $1" ;;
	esac
}

reader_stop() {
	[[ -n $READER_PID ]] || return 0
	kill -INT "$READER_PID" 2>/dev/null || true
	wait "$READER_PID" 2>/dev/null || true
	READER_PID=
	"$PKTCAPCTL" encryption disable >/dev/null 2>&1 || true
}

# tcpdump_stat WORDS: the number before "packets WORDS" in tcpdump's summary.
tcpdump_stat() {
	awk -v w="packets $1" 'index($0, w) { print $1; exit }' "$READER_ERR"
}

# capture_run VARIANT RATE: one run of CAP_COUNT packets at RATE pps (0:
# full speed). Prints "PPS SENT CAPTURED DROPPED" and the cpu_delta of the
# run (busy kern user of CPU 0, CPU 1, all).
capture_run() {
	local v=$1 rate=$2 m0 m1 c0 c1 pg cpu captured=0 dropped=0
	local -a a b
	reader_start "$v"
	m0=$(metrics captured dropped)
	c0=$(cpu_ticks)
	# pktgen paces its bursts: ratep is per skb, CAP_BURST packets each.
	if [[ $PG_DEV == v1 ]] && ((rate > 0)); then
		rate=$((rate / CAP_BURST))
		((rate > 0)) || rate=1
	fi
	pg=$(pg_run "$PG_DEV" "$CAP_COUNT" "$rate")
	sleep "$CAP_DRAIN"
	c1=$(cpu_ticks)
	m1=$(metrics captured dropped)
	reader_stop
	cpu=$(cpu_delta "$c0" "$c1")
	case $v in
	tcpdump)
		captured=$(tcpdump_stat "received by filter")
		dropped=$(tcpdump_stat "dropped by kernel")
		;;
	pktcap*)
		read -r -a a <<<"$m0"
		read -r -a b <<<"$m1"
		captured=$((b[0] - a[0]))
		dropped=$((b[1] - a[1]))
		;;
	esac
	read -r -a a <<<"$pg"
	echo "${a[0]} ${a[1]} ${captured:-0} ${dropped:-0} $cpu"
}

# full_run SECTION VARIANT REP: a full-speed run; emits kind=full.
full_run() {
	local -a r
	read -r -a r <<<"$(capture_run "$2" 0)"
	emit "section=$1 kind=full variant=$2 rep=$3 pps=${r[0]} sent=${r[1]}" \
		"captured=${r[2]} dropped=${r[3]} busy0=${r[4]} kern0=${r[5]} user0=${r[6]}" \
		"busy1=${r[7]} kern1=${r[8]} user1=${r[9]} busy=${r[10]} kern=${r[11]} user=${r[12]}" \
		"buf_kb=$CAP_BUF_KB snaplen=$CAP_SNAPLEN"
	echo "${r[0]} ${r[3]}"
}

# bisect SECTION VARIANT REP FULL_PPS FULL_DROPS: the highest rate with
# zero drops in [0, FULL_PPS]; emits kind=probe per try and kind=zerodrop.
bisect() {
	local sec=$1 v=$2 rep=$3 full=$4 fdrops=$5 lo=0 hi step mid best=0
	local -a r
	if ((fdrops == 0)); then
		emit "section=$sec kind=zerodrop variant=$v rep=$rep rate=$full bound=generator lo=$full hi=$full"
		return
	fi
	hi=$full
	for ((step = 1; step <= CAP_STEPS; step++)); do
		mid=$(((lo + hi) / 2))
		read -r -a r <<<"$(capture_run "$v" "$mid")"
		emit "section=$sec kind=probe variant=$v rep=$rep target=$mid pps=${r[0]}" \
			"sent=${r[1]} captured=${r[2]} dropped=${r[3]}"
		if ((r[3] == 0)); then
			lo=$mid
			best=${r[0]}
		else
			hi=$mid
		fi
	done
	emit "section=$sec kind=zerodrop variant=$v rep=$rep rate=$best bound=bisect lo=$lo hi=$hi"
}

# shared_run SECTION REP: pktcap and tcpdump capture the same packets at
# once, both readers on CPU 1, pktgen paced at CAP_SHARED_PPS so that
# neither drops, CPU 0 sampled by perf: each tap's in-kernel cost per
# packet, on the same packets at the same moments, which host drift
# cannot skew (pg_start_sampled, tests/bench/perf_share.py). Emits
# kind=share.
shared_run() {
	local share tpid terr=$BENCH_TMP/shared-tcpdump.err rate=$CAP_SHARED_PPS
	local -a a b
	reader_start tcpdump "$terr"
	tpid=$READER_PID
	reader_start pktcap "$BENCH_TMP/shared-pktcap.err"
	[[ $PG_DEV == v1 ]] && rate=$((rate / CAP_BURST))
	read -r -a a <<<"$(metrics captured dropped)"
	pg_set "$PG_DEV" "count $CAP_COUNT" "ratep $rate"
	share=$(pg_start_sampled capture)
	sleep "$CAP_DRAIN"
	read -r -a b <<<"$(metrics captured dropped)"
	reader_stop
	kill -INT "$tpid" 2>/dev/null || true
	wait "$tpid" 2>/dev/null || true
	READER_ERR=$terr	# for tcpdump_stat
	emit "section=$1 kind=share rep=$2 $share sent=$(pg_sent "$PG_DEV")" \
		"burst=$CAP_BURST pktcap_captured=$((b[0] - a[0])) pktcap_dropped=$((b[1] - a[1]))" \
		"tcpdump_captured=$(tcpdump_stat "received by filter")" \
		"tcpdump_dropped=$(tcpdump_stat "dropped by kernel")"
}

capture_section() {
	local sec=$1 rep v
	local -a variants res
	shift
	variants=("$@")
	CAP_TRAFFIC=rx
	[[ $sec == encryption ]] && CAP_TRAFFIC=veth
	CAP_TRAFFIC=${BENCH_CAP_TRAFFIC:-$CAP_TRAFFIC}
	# At rx speeds 100 000 packets fit in the rings: make the readers keep up.
	[[ $CAP_TRAFFIC == rx && -z ${BENCH_CAP_COUNT:-} ]] && CAP_COUNT=1000000
	capture_setup
	emit "section=$sec kind=traffic mode=$CAP_TRAFFIC burst=$CAP_BURST"
	log "$sec: variants ${variants[*]}, $REPS repetitions of $CAP_COUNT packets"
	for ((rep = 1; rep <= REPS; rep++)); do
		declare -A full=()
		for v in none "${variants[@]}"; do
			full[$v]=$(full_run "$sec" "$v" "$rep")
		done
		for v in "${variants[@]}"; do
			read -r -a res <<<"${full[$v]}"
			bisect "$sec" "$v" "$rep" "${res[0]}" "${res[1]}"
		done
		if [[ " ${variants[*]} " == *" tcpdump "* ]]; then
			shared_run "$sec" "$rep"
		fi
	done
	if [[ " ${variants[*]} " == *" pktcap-sealed "* ]]; then
		crypto_used >"$BENCH_OUT/crypto.txt"
		emit "section=$sec kind=crypto driver=$(awk '/^driver/ {print $3}' "$BENCH_OUT/crypto.txt" | paste -sd+)"
	fi
	capture_teardown
}

# crypto_used: the /proc/crypto entries of the GCMs a sealed session holds:
# the SIMD one (internal "__gcm(aes)") where the CPU has it, used whenever
# SIMD is usable, and the synchronous "gcm(aes)" otherwise.
crypto_used() {
	awk 'BEGIN { RS = ""; FS = "\n"; ORS = "\n\n" }
		/name *: (__)?gcm\(aes\)\n/ && /type *: aead/ &&
		(/internal *: yes/ || /driver *: gcm_base/)' /proc/crypto
}
