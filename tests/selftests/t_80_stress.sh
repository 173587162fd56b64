#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Stress: eight processes issuing control operations at once under traffic,
# devices and namespaces deleted mid-capture, and sizes at their limits
# where allocation must fail with an error, never an oops. Every operation
# may fail (EBUSY, ENOENT are the point of racing them); what must hold is
# that each failure is a clean error message, the kernel stays clean (the
# harness checks dmesg), and the counters still add up afterwards.
. "$(dirname "$0")/lib.sh"

STRESS_SECONDS=${STRESS_SECONDS:-20}
W=/tmp/stress
rm -rf "$W"
mkdir -p "$W"
P=$PKTCAPCTL

netns_cleanup sa sb
veth_pair sa sb
# nf-ingress hooks come and go many times a second under a ping flood.
keys_hold
ip netns exec sa ping -f -s 200 -w $((STRESS_SECONDS + 10)) -q 192.0.2.2 >/dev/null 2>&1 &
traffic=$!
umask 077
$P encryption genkey >"$W/key"

# worker NAME CMD...: loops CMD in the namespace until the deadline (and
# at least STRESS_ROUNDS times, however slow the guest is) and records
# every failure's message; an exit status other than 0 and 1 (a usage
# error, a crash) is itself a failure.
STRESS_ROUNDS=3
worker() {
	local name=$1 end=$(($(date +%s) + STRESS_SECONDS)) rc i=0
	shift
	while [ "$(date +%s)" -lt "$end" ] || [ $i -lt $STRESS_ROUNDS ]; do
		i=$((i + 1))
		ip netns exec sb "$@" >>"$W/$name.out" 2>>"$W/$name.err"
		rc=$?
		[ "$rc" -le 1 ] || echo "$name: exit $rc: $*" >>"$W/bad"
		echo x >>"$W/$name.count"
	done
}

worker start $P start -i b0 -B 64 &
worker stop $P stop &
worker meter-on $P flow-meter enable -i b0 --backend nf-ingress --inactive-timeout 1 &
worker meter-off $P flow-meter disable &
worker enc-on $P encryption enable --key-file "$W/key" &
worker enc-off $P encryption disable &
worker status $P -j status &
worker metrics $P -j metrics &
wait_workers() {
	local pid
	for pid in $(jobs -p); do
		[ "$pid" = "$traffic" ] || wait "$pid"
	done
}
wait_workers
netns_cleanup keepkey	# the rmmod races below unload pktcap

ops=$(cat "$W"/*.count | wc -l)
diag "control operations issued: $ops in ${STRESS_SECONDS}s or more"
short=$(for f in "$W"/*.count; do [ "$(wc -l <"$f")" -ge $STRESS_ROUNDS ] || basename "$f"; done)
if [ -z "$short" ] && [ "$(ls "$W"/*.count | wc -l)" -eq 8 ]; then
	ok "eight concurrent workers each ran at least $STRESS_ROUNDS times ($ops operations)"
else
	fail "every worker ran" "short: $short"
fi
if [ -s "$W/bad" ]; then fail "no usage errors or crashes" "$(head -3 "$W/bad")"; else ok "every failed operation exited 1"; fi
# Each failure must be one line `pktcapctl: what: why`.
bad_lines=$(cat "$W"/*.err | grep -v '^pktcapctl: ' | grep -v '^$' | head -3)
if [ -z "$bad_lines" ]; then ok "every error message is 'pktcapctl: <what>: <why>'"; else fail "error messages well formed" "$bad_lines"; fi
for f in status metrics; do
	if python3 -c 'import json,sys
for line in open(sys.argv[1]): json.loads(line)' "$W/$f.out" 2>/dev/null; then
		ok "every concurrent $f -j answer is valid JSON"
	else
		fail "concurrent $f -j answers are valid JSON"
	fi
done

ip netns exec sb $P stop >/dev/null 2>&1
ip netns exec sb $P flow-meter disable >/dev/null 2>&1
ip netns exec sb $P encryption disable >/dev/null 2>&1
kill "$traffic" 2>/dev/null
wait "$traffic" 2>/dev/null
sleep 2
m=$(ip netns exec sb $P -j metrics)
eq "capture conservation after the storm" \
	"$(echo "$m" | json 'd["captured"] + d["filtered"] + d["dropped"]')" \
	"$(echo "$m" | json 'd["seen"]')"
eq "flow conservation after the storm" \
	"$(echo "$m" | json 'd["packets_delivered"] + d["packets_lost"] + d["flow_packets_active"] + d["flow_packets_pending"]')" \
	"$(echo "$m" | json 'd["flow_packets"]')"

# Shared memory under races: hostile readers map every ring, scribble over
# their consumer pages and end each round differently (munmap then close,
# close then keep using the mappings, exit with both) while sessions start
# and stop under them and rmmod tries to pull the module away whenever no
# descriptor is open. Failures to open or map are expected and counted;
# a crash of a reader, a splat or a module that no longer loads is not.
H=$REPO/tests/selftests/build
RACE_SECONDS=${RACE_SECONDS:-$STRESS_SECONDS}
ip netns exec sa ping -f -s 200 -w $((RACE_SECONDS + 10)) -q 192.0.2.2 >/dev/null 2>&1 &
traffic=$!
# race NAME CMD...: loops CMD until the deadline; an exit status above 1
# (a crash) is recorded.
race() {
	local name=$1 end=$(($(date +%s) + RACE_SECONDS)) rc
	shift
	while [ "$(date +%s)" -lt "$end" ]; do
		"$@" >>"$W/race-$name.out" 2>>"$W/race-$name.err"
		rc=$?
		[ "$rc" -le 1 ] || echo "$name: exit $rc: $*" >>"$W/race-bad"
		echo x >>"$W/race-$name.count"
	done
}
startstop() {
	ip netns exec sb "$P" start -i b0 -B 64
	sleep "0.$((RANDOM % 5))"
	ip netns exec sb "$P" stop
}
unload() {
	sleep "0.$((RANDOM % 4))"
	rmmod pktcap 2>/dev/null || return 0
	echo x >>"$W/race-rmmod.ok"
	insmod "$KO"
}
race startstop startstop &
r1=$!
race garbage1 ip netns exec sb "$H/capture_garbage" 1 race &
r2=$!
race garbage2 ip netns exec sb "$H/capture_garbage" 1 race &
r3=$!
race rmmod unload &
r4=$!
wait $r1 $r2 $r3 $r4
kill "$traffic" 2>/dev/null
wait "$traffic" 2>/dev/null
pktcap_load
rounds=$(cat "$W"/race-garbage*.out | awk '{r += $1; m += $2; w += $3} END {print r + 0, m + 0, w + 0}')
diag "races: $(cat "$W"/race-startstop.count | wc -l) start/stop, reader rounds/mapped/writes $rounds, $(cat "$W/race-rmmod.ok" 2>/dev/null | wc -l) rmmod of $(cat "$W"/race-rmmod.count | wc -l) attempts"
if [ -s "$W/race-bad" ]; then fail "no reader or control process crashed in the races" "$(head -3 "$W/race-bad")"; else ok "no reader or control process crashed in the races"; fi
check "some reader rounds mapped a live session ($rounds)" test "$(echo "$rounds" | cut -d' ' -f2)" -gt 0
check "the module is loaded and answers after the races" ip netns exec sb "$P" status
# The same, in an order that is certain: a session stopped under a reader
# that keeps scribbling, rmmod refused while the mappings live, clean after.
check "a session for the ordered case" ip netns exec sb "$P" start -i b0 -B 64
ip netns exec sb "$H/capture_garbage" 600 >"$W/g.out" &
g=$!
wait_for has_reader sb || fail "the scribbling reader attached"
check "STOP under a scribbling reader" ip netns exec sb "$P" stop
check_fails "rmmod is refused while a reader maps the rings" "in use|busy" rmmod pktcap
check "the reader still scribbles over the stopped session's pages" kill -0 $g
kill -TERM $g
wait $g
eq "the reader ended cleanly on SIGTERM" 0 $?
check "rmmod once the reader is gone" rmmod pktcap
check "and the module loads again" pktcap_load

# Devices and namespaces going away under a running capture and meter.
ip netns exec sb ip link add name d0 type dummy
ip netns exec sb ip link set d0 up
check "capture on two devices" ip netns exec sb $P start -i b0 -i d0
check "meter on two devices" ip netns exec sb $P flow-meter enable -i b0 -i d0 --backend nf-ingress
ip netns exec sb ip link del d0
state=$(ip netns exec sb $P -j status | json '[x["state"] for x in d["capture"]["devices"]]')
eq "deleted device shown detached, the other attached" '["attached", "detached"]' "$state"
ip netns del sb
sleep 1
if ip netns exec sa $P -j status | json 'd["capture"]["state"]' | grep -q idle; then
	ok "deleting the namespace ended its session, not the init namespace's"
else
	fail "other namespaces unaffected by the deletion"
fi
netns_cleanup sa

# Sizes at their limits. The rings are charged to the caller's memory
# cgroup, so a cgroup too small for them makes START fail with ENOMEM.
cg=/sys/fs/cgroup/pktcap-stress
if [ -w /sys/fs/cgroup/cgroup.subtree_control ] && mkdir -p "$cg" 2>/dev/null &&
	echo "+memory" >/sys/fs/cgroup/cgroup.subtree_control 2>/dev/null &&
	echo $((32 << 20)) >"$cg/memory.max" 2>/dev/null; then
	ip link add name lim0 type dummy
	out=$(sh -c "echo \$\$ >$cg/cgroup.procs; exec $P start -i lim0 -B 262144" 2>&1)
	rc=$?
	if [ $rc -eq 1 ] && echo "$out" | grep -q "cannot allocate"; then
		ok "rings larger than the memory cgroup allows: clean ENOMEM ($out)"
	else
		fail "ring allocation failure reported as an error" "exit $rc: $out"
		$P stop >/dev/null 2>&1
	fi
	# The flow table starts small and grows with its flows, charged to
	# this cgroup (t_30's grow section fills it until growth is refused).
	out=$(sh -c "echo \$\$ >$cg/cgroup.procs; exec $P flow-meter enable -i lim0 --max-flows 16777216" 2>&1)
	rc=$?
	if [ $rc -eq 0 ]; then
		ok "the largest max-flows enables in a 32 MiB memory cgroup: the table grows with its flows"
	else
		fail "flow meter at the largest max-flows" "exit $rc: $out"
	fi
	$P flow-meter disable >/dev/null 2>&1
	ip link del lim0
	rmdir "$cg" 2>/dev/null
else
	skip "allocation failure in a memory cgroup" "cgroup v2 memory controller not available"
fi
check_fails "ring size above the maximum is refused" "ring|range|large" \
	$P start -i lo -B 524288
check "largest ring size, all CPUs, starts and stops" sh -c "$P start -i lo -B 262144 && $P stop"
keys_release
