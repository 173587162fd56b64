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
# the counters, meter flows, export them as IPFIX to nfcapd and read them
# with nfdump, seal a capture and decrypt it, and verify the module file. Steps whose pktcapctl command does not exist
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

demo_export() {
	local d=/tmp/nfcapd nfcapd_pid
	step "Exporting expired flows as IPFIX to nfcapd (127.0.0.1:2055 in $NS_A), then nfdump's view"
	local i
	mkdir -p "$d"
	# Not through in_a: $! must be nfcapd itself (ip netns exec execs it).
	ip netns exec "$NS_A" nfcapd -w "$d" -p 2055 -b 127.0.0.1 -t 3600 >/dev/null 2>&1 &
	nfcapd_pid=$!
	for ((i = 0; i < 100; i++)); do
		in_a ss -Hlun "sport = :2055" 2>/dev/null | grep -q . && break
		sleep 0.2
	done
	show in_a "$PKTCAPCTL" flow-meter enable -i a0 --inactive-timeout 1
	show in_a "$PKTCAPCTL" export enable -c 127.0.0.1:2055 --version 10
	in_a ping -c 5 -i 0.2 192.0.2.2 >/dev/null 2>&1
	# The flows end after 1 s idle, at the worker's next pass; then the
	# exporter sends them.
	for ((i = 0; i < 60; i++)); do
		in_a "$PKTCAPCTL" -j metrics | grep -q '"flows_active":0,' && break
		sleep 0.5
	done
	sleep 2
	show in_a "$PKTCAPCTL" export disable
	show in_a "$PKTCAPCTL" flow-meter disable
	kill -TERM "$nfcapd_pid"
	wait "$nfcapd_pid" 2>/dev/null
	show sh -c "nfdump -r \$(ls $d/nfcapd.2* | head -1) -q -o 'fmt:%pr %sap -> %dap %pkt packets %byt bytes' | head"
}

demo_encryption() {
	local pinger
	step "Sealing a capture with AES-256-GCM in the kernel, decrypting it with OpenSSL"
	(umask 077 && "$PKTCAPCTL" encryption genkey >/tmp/demo.key)
	show in_a "$PKTCAPCTL" encryption enable --key-file /tmp/demo.key
	show in_a "$PKTCAPCTL" status
	# Pings until the recording has its packets: starting a session takes
	# a while in a slow guest.
	ip netns exec "$NS_A" ping -c 300 -i 0.2 192.0.2.2 >/dev/null 2>&1 &
	pinger=$!
	show in_a timeout 60 "$PKTCAPCTL" record -i a0 -c 6 -w /tmp/demo.sealed
	kill "$pinger" 2>/dev/null
	wait "$pinger" 2>/dev/null
	show sh -c 'echo "the sealed file holds no plaintext: $(grep -c 192.0.2 /tmp/demo.sealed) matches"'
	show "$PKTCAPCTL" decrypt --key-file /tmp/demo.key -r /tmp/demo.sealed -w /tmp/demo.pcap
	show sh -c 'tcpdump -nn -r /tmp/demo.pcap 2>/dev/null | head -4'
	show in_a "$PKTCAPCTL" encryption disable
}

demo_verify() {
	step "Is the loaded module the file we signed? (make sign's throwaway key)"
	if [ ! -e "$REPO/build/signing/cert.pem" ]; then
		echo "(no build/signing/cert.pem: run make sign first)"
		return
	fi
	show "$PKTCAPCTL" verify --module "$REPO/kmod/pktcap.ko" --cert "$REPO/build/signing/cert.pem"
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
	demo_export
	demo_encryption
	demo_verify
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
say "signing the module with a throwaway key (make sign), for the verify step"
make -s sign KDIR="$KDIR" >/dev/null || exit 1
mkdir -p build
say "booting $KVER in QEMU (TCG, about a minute to boot) and running the demo there"
# no_timer_check: on a busy host, TCG can miss the early IO-APIC timer
# check and the guest panics before it has booted ("IO-APIC + timer
# doesn't work!"); the check is pointless on QEMU's emulated timer.
exec tests/vm/run.sh --kernel "/boot/vmlinuz-$KVER" --timeout 600 \
	--append no_timer_check \
	--log "$REPO/build/demo-console.log" -- tests/demo.sh --in-guest
