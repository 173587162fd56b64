#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# tests/demo.sh - what `make demo` runs: show what pktcap does, in a
# throwaway guest, in a few minutes.
#
# On the host: install what is missing (scripts/deps.sh demo), build the
# module and pktcapctl, boot Debian's kernel in QEMU (tests/vm/run.sh) and
# run this same script there with --in-guest. In the guest: load the
# module, list the backends, show the status, then capture on a veth pair
# between two namespaces, record to a pcap, read it back with tcpdump, show
# the counters, meter flows. Steps whose pktcapctl command does not exist
# yet are skipped with a one-line note. Nothing on the host is changed
# besides the packages and the build.
set -uo pipefail

cd "$(dirname "$(readlink -f "$0")")/.."
REPO=$PWD

# ------------------------------------------------------------------- guest

PKTCAPCTL=$REPO/userspace/pktcapctl
NS_A=pktcap-demo-a
NS_B=pktcap-demo-b
STEPS_FAILED=0

step() {
	echo
	echo "== $*"
}

# show COMMAND...: print the command as typed, then run it.
show() {
	echo "\$ $*" | sed "s|^\\$ in_a |\$ ip netns exec $NS_A |; s|$PKTCAPCTL|pktcapctl|g; s|$REPO/||g"
	"$@" || {
		echo "(exit status $?)"
		STEPS_FAILED=$((STEPS_FAILED + 1))
	}
}

has_command() {
	"$PKTCAPCTL" --help 2>/dev/null | grep -Eq "^  $1 "
}

# in_a COMMAND...: run in the namespace the capture belongs to.
in_a() {
	ip netns exec "$NS_A" "$@"
}

veth_setup() {
	ip netns add "$NS_A" && ip netns add "$NS_B" &&
		ip link add name a0 netns "$NS_A" type veth peer name b0 netns "$NS_B" &&
		ip -n "$NS_A" addr add 192.0.2.1/24 dev a0 &&
		ip -n "$NS_B" addr add 192.0.2.2/24 dev b0 &&
		ip -n "$NS_A" link set a0 up && ip -n "$NS_B" link set b0 up &&
		ip -n "$NS_A" link set lo up && ip -n "$NS_B" link set lo up
}

demo_capture() {
	if ! has_command start || ! has_command record; then
		step "Capture: skipped, this pktcapctl has no start/record commands yet"
		return
	fi
	step "Starting a capture on a0 (ptype backend: both directions) in namespace $NS_A"
	show in_a "$PKTCAPCTL" start -i a0 --backend ptype -s 256
	show in_a "$PKTCAPCTL" status

	step "Capturing 10 packets to a pcap and reading them back with tcpdump"
	in_a ping -c 30 -i 0.2 192.0.2.2 >/dev/null 2>&1 &
	local pinger=$!
	show in_a timeout 60 "$PKTCAPCTL" record -c 10 -w /tmp/x.pcap
	show sh -c 'tcpdump -nn -r /tmp/x.pcap 2>/dev/null | head'
	wait "$pinger"

	if has_command metrics; then
		step "The counters: seen == captured + filtered + dropped"
		show in_a "$PKTCAPCTL" metrics
	else
		step "Counters: skipped, this pktcapctl has no metrics command yet"
	fi
	step "Stopping the capture"
	show in_a "$PKTCAPCTL" stop
}

# wait_listening PORT: until something listens on TCP PORT in NS_B (a slow
# guest may take seconds to start a program), at most 20 s.
wait_listening() {
	local i
	for ((i = 0; i < 100; i++)); do
		ip netns exec "$NS_B" ss -Hltn "sport = :$1" 2>/dev/null | grep -q . && return 0
		sleep 0.2
	done
	return 1
}

demo_flows() {
	if ! has_command flow-meter || ! has_command flows; then
		step "Flow metering: skipped, this pktcapctl has no flow-meter/flows commands yet"
		return
	fi
	step "Metering flows on a0 in the kernel, then pings and a TCP connection that stays open"
	show in_a "$PKTCAPCTL" flow-meter enable -i a0
	# A TCP flow ends at FIN or RST and leaves the table at once, so the
	# connection stays open until the flows are listed; the pings come
	# last because a slow guest may take longer than the 15 s inactive
	# timeout to start socat.
	local tcp_jobs=()
	if command -v socat >/dev/null; then
		ip netns exec "$NS_B" timeout 120 socat -u TCP-LISTEN:5001,reuseaddr - >/dev/null 2>&1 &
		tcp_jobs+=($!)
		wait_listening 5001
		# Not through in_a: $! must be the process that kill reaches.
		ip netns exec "$NS_A" timeout 120 socat -u \
			SYSTEM:"echo hello from $NS_A; exec sleep 120" \
			TCP:192.0.2.2:5001 >/dev/null 2>&1 &
		tcp_jobs+=($!)
	fi
	in_a ping -c 5 -i 0.2 192.0.2.2 >/dev/null 2>&1
	step "The flows the meter is tracking now"
	show in_a "$PKTCAPCTL" flows
	((${#tcp_jobs[@]} == 0)) || kill "${tcp_jobs[@]}" 2>/dev/null
	wait
	step "Disabling the flow meter (its flows end with reason 'forced')"
	show in_a "$PKTCAPCTL" flow-meter disable
}

in_guest() {
	step "Loading the pktcap module (an unsigned out-of-tree build: taint OE)"
	show insmod "$REPO/kmod/pktcap.ko"
	step "The capture backends this kernel offers, and which directions each sees"
	show "$PKTCAPCTL" backends
	step "Module, capture session and telemetry state"
	show "$PKTCAPCTL" status
	step "Two namespaces joined by a veth pair: $NS_A a0 192.0.2.1 <-> $NS_B b0 192.0.2.2"
	if ! veth_setup; then
		echo "cannot create the veth pair; stopping here"
		return 1
	fi
	demo_capture
	demo_flows
	step "Unloading the module"
	show rmmod pktcap
	echo
	if ((STEPS_FAILED)); then
		echo "demo: $STEPS_FAILED command(s) failed (see above)"
		return 1
	fi
	echo "demo: done"
}

if [[ ${1:-} == --in-guest ]]; then
	in_guest
	exit
fi

# -------------------------------------------------------------------- host

say() { echo "demo: $*" >&2; }

say "installing the Debian packages that are missing (scripts/deps.sh demo)"
scripts/deps.sh demo || exit 1
KDIR=${KDIR:-$(make -s --no-print-directory kdir-print 2>/dev/null)}
KVER=$(basename "$(dirname "$(readlink -f "$KDIR")")")
[ -d "/lib/modules/$KVER" ] || KVER=$(basename "$(dirname "$KDIR")")
say "building the module against $KDIR and pktcapctl"
make -s module KDIR="$KDIR" >/dev/null || exit 1
make -s -C userspace >/dev/null || exit 1
mkdir -p build
say "booting $KVER in QEMU (TCG, about a minute to boot) and running the demo there"
# no_timer_check: on a busy host, TCG can miss the early IO-APIC timer
# check and the guest panics before it has booted ("IO-APIC + timer
# doesn't work!"); the check is pointless on QEMU's emulated timer.
exec tests/vm/run.sh --kernel "/boot/vmlinuz-$KVER" --timeout 600 \
	--append no_timer_check \
	--log "$REPO/build/demo-console.log" -- tests/demo.sh --in-guest
