#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# tests/bench/lib.sh - helpers the guest-side benchmark sections share.
#
# Sourced by tests/bench/guest.sh inside the guest (tests/vm/run.sh). Results
# are appended as one line of key=value words per measurement to
# $BENCH_OUT/results.kv; tests/bench/report.py turns them into tables.

REPO=${REPO:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
PKTCAPCTL=${PKTCAPCTL:-$REPO/userspace/pktcapctl}
KO=${KO:-$REPO/kmod/pktcap.ko}
BENCH_OUT=${BENCH_OUT:-${PKTCAP_VM_OUTDIR:-/tmp/bench-out}}
REPS=${BENCH_REPS:-3}
PG=/proc/net/pktgen

mkdir -p "$BENCH_OUT"

log() { echo "bench: $*" >&2; }
die() { echo "bench: error: $*" >&2; exit 1; }

# emit KEY=VALUE...: one measurement line in results.kv (and on stderr).
emit() {
	echo "$*" >>"$BENCH_OUT/results.kv"
	log "  $*"
}

median() { # median N... (numbers, any order)
	printf '%s\n' "$@" | sort -g | awk '{v[NR]=$1} END {
		if (NR == 0) { print "nan"; exit }
		if (NR % 2) print v[(NR+1)/2]; else print (v[NR/2]+v[NR/2+1])/2 }'
}

# ------------------------------------------------------------------ pktgen
pg_ctrl() { echo "$1" >"$PG/pgctrl"; }
pg_thread() { echo "$2" >"$PG/kpktgend_$1"; }
pg_set() { # pg_set DEV "cmd args" ...
	local dev=$1 cmd
	shift
	for cmd in "$@"; do
		echo "$cmd" >"$PG/$dev" || die "pktgen $dev: '$cmd' refused: $(grep -m1 Result "$PG/$dev")"
	done
}

# pg_attach CPU DEV: DEV is the only device of pktgen's thread on CPU.
pg_attach() {
	local cpu t
	for t in "$PG"/kpktgend_*; do
		echo rem_device_all >"$t"
	done
	cpu=$1
	pg_thread "$cpu" "add_device $2"
}

# pg_sent DEV: packets DEV sent in the last run.
pg_sent() { awk '/pkts-sofar:/ {print $2; exit}' "$PG/$1"; }

# The shared runs' sampling: perf's cpu-clock on CPU 0, one sample per
# PERF_PERIOD_NS of its time, with call chains.
PERF_PERIOD_NS=250000

# pg_start_sampled MODE: start pktgen's attached devices (counts and rates
# already set), CPU 0 sampled while they run; prints perf_share.py MODE's
# counts and "period_ns=".
pg_start_sampled() {
	local f=$BENCH_TMP/shared.data share
	perf record -q -C 0 -g -e cpu-clock -c "$PERF_PERIOD_NS" -o "$f" -- \
		sh -c "echo start >$PG/pgctrl" >/dev/null 2>&1 || die "perf record failed"
	share=$(perf script -i "$f" 2>/dev/null | python3 "$HERE/perf_share.py" "$1")
	# BENCH_PROFILE=1: keep where CPU 0's time went, self time by symbol,
	# in BENCH_OUT/profile-MODE.txt (one report per shared run).
	if [[ ${BENCH_PROFILE:-0} == 1 ]]; then
		{
			echo "=== $1 ${PROFILE_TAG:-} ($share)"
			perf report -i "$f" --no-children --sort symbol --stdio -g none \
				--percent-limit 0.5 2>/dev/null | grep -v '^#' | grep -v '^$'
			echo "--- self samples by instruction, pktcap's functions"
			perf script -i "$f" -G -F ip,sym,symoff 2>&1 |
				awk '$2 ~ /^(pktcap|lookup|flow_|jhash|nf_hook_slow)/ {n[$2]++}
				     END {for (k in n) print n[k], k}' | sort -rn | head -60
		} >>"$BENCH_OUT/profile-$1.txt"
	fi
	rm -f "$f"
	echo "$share period_ns=$PERF_PERIOD_NS"
}

# pg_run DEV COUNT [RATEP]: send COUNT packets (RATEP pps, 0 = full speed);
# prints "PPS SENT ERRORS USEC" as pktgen reports them.
pg_run() {
	local dev=$1 count=$2 rate=${3:-0} res
	pg_set "$dev" "count $count"
	if ((rate > 0)); then
		pg_set "$dev" "ratep $rate"
	else
		pg_set "$dev" "delay 0"
	fi
	pg_ctrl start
	res=$(cat "$PG/$dev")
	# A start that returned before sending (seen once, under a loaded host)
	# leaves the last command's "Result: OK: <cmd>": try once more.
	if ! grep -q '^Result: OK: [0-9]' <<<"$res"; then
		log "pktgen $dev: start returned without a result ($(grep -m1 Result <<<"$res")), retrying"
		sleep 1
		pg_ctrl start
		res=$(cat "$PG/$dev")
	fi
	echo "$res" | awk '
		/^Result: OK:/ { usec = $3; sub(/\(.*/, "", usec); sent = $5 }
		/pps/ && /errors:/ { pps = $1; sub(/pps/, "", pps); err = $NF }
		END { if (pps == "") exit 1; print pps, sent, err, usec }' ||
		die "pktgen $dev: no result: $(echo "$res" | grep -m1 Result)"
}

# --------------------------------------------------------------- /proc/stat
# cpu_ticks: "BUSY KERN USER" of CPU 0, then of CPU 1, then of all CPUs, in
# USER_HZ ticks: busy = all but idle and iowait; kern = system + irq + softirq.
cpu_ticks() {
	awk '$1 ~ /^cpu[01]?$/ { t[$1] = ($2+$3+$4+$7+$8+$9) " " ($4+$7+$8) " " ($2+$3) }
		END { print t["cpu0"], t["cpu1"], t["cpu"] }' /proc/stat
}

# cpu_delta "BEFORE" "AFTER": element-wise differences of two cpu_ticks.
cpu_delta() {
	local -a a b out
	local i
	read -r -a a <<<"$1"
	read -r -a b <<<"$2"
	for i in "${!a[@]}"; do
		out+=($((b[i] - a[i])))
	done
	echo "${out[*]}"
}

# ---------------------------------------------------------------- pktcap
pktcap_load() {
	grep -q '^pktcap ' /proc/modules || insmod "$KO" || die "insmod $KO failed"
}

# metrics NAME...: top-level counters of `pktcapctl -j metrics`, space
# separated (0 when absent). One process only: under TCG every fork costs
# tens of ms, and these calls sit next to CPU measurements.
metrics() {
	local json k out=()
	json=$("$PKTCAPCTL" -j metrics)
	for k in "$@"; do
		if [[ $json =~ \"$k\":([0-9]+) ]]; then
			out+=("${BASH_REMATCH[1]}")
		else
			out+=(0)
		fi
	done
	echo "${out[*]}"
}

metric() { metrics "$1"; }

# wait_for SECONDS COMMAND...: poll COMMAND every 0.1 s until it succeeds.
wait_for() {
	local t=$(($1 * 10))
	shift
	while ((t-- > 0)); do
		"$@" && return 0
		sleep 0.1
	done
	return 1
}

mac_of() { cat "/sys/class/net/$1/address"; }

no_ipv6() { sysctl -qw "net.ipv6.conf.$1.disable_ipv6=1" 2>/dev/null || true; }
