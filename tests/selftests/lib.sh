#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# tests/selftests/lib.sh - shared helpers for the guest selftests.
#
# Each t_*.sh file sources this, runs its checks and prints one TAP line per
# check: `ok N - name`, `not ok N - name`, `ok N - name # SKIP why`. Numbers
# are global across files (a counter file in $PKTCAP_TAP_DIR) so the whole
# suite is one TAP stream with a plan at the end, written by run.sh.
#
# Addresses come from the documentation ranges (RFC 5737, RFC 3849): the
# traffic never leaves the namespaces the tests create inside the guest.

set -u

REPO=${REPO:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
PKTCAPCTL=${PKTCAPCTL:-$REPO/userspace/pktcapctl}
KO=${KO:-$REPO/kmod/pktcap.ko}
PKTCAP_TAP_DIR=${PKTCAP_TAP_DIR:-/tmp/pktcap-tap}
mkdir -p "$PKTCAP_TAP_DIR"
: >>"$PKTCAP_TAP_DIR/count"
T_FILE=$(basename "${0}" .sh)

# scaled SECONDS: a time bound for a check, times PKTCAP_TIME_SCALE (1; the
# debug-kernel lane runs about 6 times slower and says so). Bounds are for
# liveness ("ends at SIGINT, not when the flood does"), never performance.
scaled() { echo $(($1 * ${PKTCAP_TIME_SCALE:-1})); }

_tap_next() {
	local n
	n=$(($(cat "$PKTCAP_TAP_DIR/count" 2>/dev/null || echo 0) + 1))
	echo "$n" >"$PKTCAP_TAP_DIR/count"
	echo "$n"
}

# ok NAME / fail NAME [WHY] / skip NAME WHY
ok() { echo "ok $(_tap_next) - $T_FILE: $1"; }
fail() {
	echo "not ok $(_tap_next) - $T_FILE: $1${2:+: $2}"
	echo "$T_FILE: $1" >>"$PKTCAP_TAP_DIR/failed"
}
skip() { echo "ok $(_tap_next) - $T_FILE: $1 # SKIP $2"; }

# check NAME COMMAND...: ok if the command succeeds, else fail with its output.
check() {
	local name=$1 out
	shift
	if out=$("$@" 2>&1); then
		ok "$name"
	else
		fail "$name" "$(echo "$out" | tail -3 | tr '\n' ' ')"
	fi
}

# check_fails NAME PATTERN COMMAND...: the command must fail (exit != 0) and
# say something matching PATTERN (an extended regex) on stderr or stdout.
check_fails() {
	local name=$1 pat=$2 out rc
	shift 2
	out=$("$@" 2>&1)
	rc=$?
	if [ "$rc" -eq 0 ]; then
		fail "$name" "succeeded but should have failed: $out"
	elif ! echo "$out" | grep -Eq -- "$pat"; then
		fail "$name" "exit $rc, message '$out' does not match /$pat/"
	else
		ok "$name"
	fi
}

# eq NAME EXPECTED ACTUAL
eq() {
	if [ "$2" = "$3" ]; then ok "$1"; else fail "$1" "expected '$2', got '$3'"; fi
}

diag() { echo "# $*"; }

# wait_for CMD...: run CMD every 0.2 s until it succeeds, at most 30 s.
# tcp_listening NS PORT: something in namespace NS listens on TCP PORT (ss
# exits 0 with or without a match: the output decides).
tcp_listening() {
	ip netns exec "$1" ss -Hltn "sport = :$2" | grep -q .
}

wait_for() {
	local i
	for i in $(seq 150); do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.2
	done
	return 1
}

# has_reader NS: a reader holds /dev/pktcap in network namespace NS.
has_reader() {
	ip netns exec "$1" "$PKTCAPCTL" -j status | json 'd["capture"]["reader"]' | grep -qx true
}

# stop_pid SIG PID: signal PID and reap it; its exit status. A process still
# there after 30 s is described (state, signal masks, kernel stack) before
# it is killed, so a hang says where it hung.
stop_pid() {
	local i
	kill -"$1" "$2" 2>/dev/null
	for i in $(seq 150); do
		kill -0 "$2" 2>/dev/null || break
		sleep 0.2
	done
	if kill -0 "$2" 2>/dev/null; then
		diag "pid $2 ignored SIG$1 for 30 s, killing it"
		grep -E '^(Name|State|SigBlk|SigIgn|SigCgt):' "/proc/$2/status" 2>/dev/null |
			sed 's/^/#   /'
		for i in /proc/"$2"/task/*; do
			diag "  task ${i##*/} wchan $(cat "$i/wchan" 2>/dev/null)"
			sed 's/^/#     /' "$i/stack" 2>/dev/null
		done
		kill -KILL "$2"
	fi
	wait "$2"
}

# tap_from NAME_PREFIX COMMAND...: turns the helper's "ok - X" / "not ok -
# X: why" lines into numbered TAP; a helper that printed nothing is a failure.
tap_from() {
	local prefix=$1 line results=0 output rc
	shift
	# No process substitution: the guest's /dev has no /dev/fd.
	output=$("$@" 2>&1)
	rc=$?
	while IFS= read -r line; do
		case $line in
		"ok - "*) ok "$prefix${line#ok - }"; results=$((results + 1)) ;;
		"not ok - "*)
			line=${line#not ok - }
			fail "$prefix${line%%: *}" "${line#*: }"
			results=$((results + 1))
			;;
		*) echo "$line" ;;
		esac
	done <<<"$output"
	[ "$results" -gt 0 ] || fail "$prefix${*#"$REPO/"}" "the helper printed no result (exit $rc)"
	[ "$rc" -lt 128 ] || fail "$prefix${*#"$REPO/"}" "the helper died of signal $((rc - 128))"
}

pktcap_load() {
	grep -q '^pktcap ' /proc/modules || insmod "$KO"
}

pktcap_unload() {
	! grep -q '^pktcap ' /proc/modules || rmmod pktcap
}

# json EXPR: read JSON on stdin, print python3's evaluation of EXPR on it (as d).
json() {
	python3 -c 'import json,sys; d=json.load(sys.stdin); r=eval(sys.argv[1]); print(json.dumps(r) if isinstance(r,(dict,list,bool)) or r is None else r)' "$1"
}

# veth_pair NS_A NS_B: namespaces NS_A and NS_B joined by veth a0 <-> b0,
# 192.0.2.1/24 + 2001:db8::1 in NS_A, 192.0.2.2/24 + 2001:db8::2 in NS_B.
veth_pair() {
	local a=$1 b=$2
	ip netns add "$a"
	ip netns add "$b"
	ip link add name a0 netns "$a" type veth peer name b0 netns "$b"
	ip -n "$a" addr add 192.0.2.1/24 dev a0
	ip -n "$b" addr add 192.0.2.2/24 dev b0
	ip -n "$a" addr add 2001:db8::1/64 dev a0 nodad
	ip -n "$b" addr add 2001:db8::2/64 dev b0 nodad
	ip -n "$a" link set lo up
	ip -n "$b" link set lo up
	ip -n "$a" link set a0 up
	ip -n "$b" link set b0 up
}

# keys_hold / keys_release: keep the receive path's ingress static keys
# (ingress_needed_key, netfilter's netdev ingress key) enabled while a
# test floods __netif_receive_skb_core and registers or unregisters
# nf-ingress hooks. Each first/last hook re-patches that function with
# int3 while the CPUs run it, and QEMU 7.2's TCG has been seen to keep
# executing such an int3 after the kernel removed it: a soft lockup in
# the guest, not a pktcap bug (seen in t_80 and once in t_60 on
# 2026-11-27). A clsact qdisc on lo holds the first key, a flow meter on
# a dummy device in namespace keepkey both.
keys_hold() {
	netns_cleanup keepkey
	tc qdisc add dev lo clsact 2>/dev/null
	ip netns add keepkey
	ip -n keepkey link add k0 type dummy
	ip -n keepkey link set k0 up
	ip netns exec keepkey "$PKTCAPCTL" flow-meter enable -i k0 --backend nf-ingress \
		>/dev/null || diag "keepkey: no flow meter, the netfilter ingress key may flip"
}
keys_release() {
	netns_cleanup keepkey
	tc qdisc del dev lo clsact 2>/dev/null
	return 0
}

netns_cleanup() {
	local ns
	for ns in "$@"; do
		ip netns del "$ns" 2>/dev/null
	done
	return 0
}
