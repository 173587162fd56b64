#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# t_20_capture_life.sh - a capture session's life: several devices, a
# device or a whole namespace going away under it, one reader at a time,
# the module pinned while /dev/pktcap is open, start/stop in a tight loop,
# and the mmap ABI's refusals.
. "$(dirname "$0")/lib.sh"

W=$(mktemp -d /tmp/t20l.XXXXXX)
P=$PKTCAPCTL
H=$REPO/tests/selftests/build
LOOPS=${PKTCAP_START_STOP_LOOPS:-1000}
trap 'kill $(jobs -p) 2>/dev/null; netns_cleanup A B D; rm -rf "$W"' EXIT
[ -x "$H/capture_mmap" ] || make -s -C "$REPO/tests/selftests" >/dev/null
# The module to load again after rmmod: a copy, since the host's tree may
# be rebuilt meanwhile (it is the guest's root).
cp "$KO" "$W/pktcap.ko"

inA() { ip netns exec A "$@"; }
inB() { ip netns exec B "$@"; }

# dev_state IFINDEX: attached or detached, as STATUS reports the device
dev_state() { inB "$P" -j status | json "[x['state'] for x in d['capture']['devices'] if x.get('ifindex') == $1][0]"; }
# A kernel WARN is "WARNING: CPU: ..."; pktgen prints "pktgen: WARNING: ..."
# about its own interfaces, which is no kernel warning.
dmesg_clean() { ! dmesg | grep -Eq 'WARNING: CPU|BUG:|Oops|Call Trace'; }

veth_pair A B
# a second link between A and B: a1 <-> b1, 198.51.100.0/24
ip link add name a1 netns A type veth peer name b1 netns B
inA ip addr add 198.51.100.1/24 dev a1
inB ip addr add 198.51.100.2/24 dev b1
inA ip link set a1 up
inB ip link set b1 up

# --- two devices in one pcapng: an IDB each, packets on both
ip netns exec B "$P" record -w "$W/two.pcapng" --format pcapng -i b0 -i b1 icmp 2>/dev/null &
rec=$!
wait_for has_reader B
inA ping -c 3 -i 0.1 -q 192.0.2.2 >/dev/null
inA ping -c 3 -i 0.1 -q 198.51.100.2 >/dev/null
sleep 0.5
stop_pid INT $rec
eq "two devices: pcapng declares b0 and b1" "b0 b1" \
	"$(tshark -r "$W/two.pcapng" -T fields -e frame.interface_name 2>/dev/null | sort -u | xargs)"
eq "two devices: 6 echo requests and 6 replies" 12 \
	"$(tshark -r "$W/two.pcapng" -Y icmp 2>/dev/null | wc -l)"

# --- a device deleted during capture
check "start on b0 and b1" inB "$P" start -i b0 -i b1
b0_idx=$(inB cat /sys/class/net/b0/ifindex)
b1_idx=$(inB cat /sys/class/net/b1/ifindex)
inB ip link del b1
eq "the deleted device shows as detached" detached "$(dev_state "$b1_idx")"
eq "the other device stays attached" attached "$(dev_state "$b0_idx")"
seen0=$(inB "$P" -j metrics | json 'd["seen"]')
inA ping -c 3 -i 0.1 -q 192.0.2.2 >/dev/null
check "the session goes on capturing on b0" \
	test "$(inB "$P" -j metrics | json 'd["seen"]')" -ge $((seen0 + 6))
check "stop after a device went away" inB "$P" stop
check "no kernel warning after the device went away" dmesg_clean

# --- a namespace deleted under a running session with a reader
ip netns add D
ip -n D link add d0 type veth peer name d1
ip -n D link set d0 up
ip -n D link set d1 up
check "start in a namespace about to go" ip netns exec D "$P" start -i d0
ip netns exec D "$P" record -w "$W/d.pcap" 2>"$W/d.err" &
rec=$!
wait_for has_reader D
ip netns del D		# the reader still pins the namespace
ip netns exec B true
stop_pid INT $rec
eq "the reader of a deleted namespace exits cleanly" 0 $?
sleep 2			# cleanup_net runs from a workqueue
check "no kernel warning after the namespace went away" dmesg_clean

# --- one reader at a time
inB "$P" start -i b0
ip netns exec B "$P" record -w "$W/r1.pcap" 2>/dev/null &
rec=$!
wait_for has_reader B
check_fails "a second reader is told the device is busy" \
	"pktcapctl: /dev/pktcap: busy" inB "$P" record -w "$W/r2.pcap"
stop_pid INT $rec

# --- the mmap ABI's refusals, each its own line
if [ -x "$H/capture_mmap" ]; then
	inB "$H/capture_mmap" >"$W/mmap.out" 2>&1
	while read -r verdict rest; do
		case $verdict in
		PASS) ok "mmap: $rest" ;;
		FAIL) fail "mmap: ${rest%%:*}" "${rest#*: }" ;;
		*) fail "mmap helper" "$verdict $rest" ;;
		esac
	done <"$W/mmap.out"
	[ -s "$W/mmap.out" ] || fail "mmap helper printed nothing"
else
	skip "mmap refusals" "capture_mmap not built"
fi
inB "$P" stop

# --- rmmod refused while /dev/pktcap is open, fine after
ip netns exec B sleep 30 3<>/dev/pktcap &
holder=$!
sleep 0.5
check_fails "rmmod refused while /dev/pktcap is open" "in use" rmmod pktcap
stop_pid TERM $holder 2>/dev/null
check "rmmod succeeds once it is closed" rmmod pktcap
check "insmod again" insmod "$W/pktcap.ko"

# --- start/stop in a loop: 50 rounds through pktcapctl (filter compiled
# each time), then 1000 (PKTCAP_START_STOP_LOOPS) in one process over raw
# netlink, so that the count does not depend on how fast the guest starts
# processes.
t0=$(date +%s%N)
bad=0
for ((i = 0; i < 50; i++)); do
	inB "$P" start -i b0 -B 64 tcp port 80 || bad=$((bad + 1))
	inB "$P" stop || bad=$((bad + 1))
done
diag "start/stop: 50 rounds with pktcapctl in $((($(date +%s%N) - t0) / 1000000)) ms"
eq "start/stop 50 times with pktcapctl: every command succeeded" 0 $bad
t0=$(date +%s%N)
tap_from "start/stop $LOOPS times: " inB "$REPO/tests/selftests/build/nl_malformed" startstop "$LOOPS" b0
diag "start/stop: $LOOPS rounds over netlink in $((($(date +%s%N) - t0) / 1000000)) ms"
check "idle after the loop" bash -c "ip netns exec B '$P' status | grep -q 'capture: idle'"
check "no kernel warning after the loop" dmesg_clean
