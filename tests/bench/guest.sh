#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# tests/bench/guest.sh SECTION - one benchmark section, inside the guest.
#
#   capture     pktcap vs tcpdump (AF_PACKET): zero-drop rate, CPU per packet
#   encryption  pktcap sealed vs plain: zero-drop rate, CPU per packet
#   metering    pktcap flow meter vs ipt-netflow: cost per packet, memory
#   metering-ab builds of pktcap side by side against ipt-netflow
#   export      exporter vs the kernel's expiry rate: gaps, losses
#
# Started by tests/bench/run.sh through tests/vm/run.sh; writes results.kv
# and guest.txt to $PKTCAP_VM_OUTDIR (or $BENCH_OUT).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=tests/bench/lib.sh
. "$HERE/lib.sh"
# shellcheck source=tests/bench/capture.sh
. "$HERE/capture.sh"
# shellcheck source=tests/bench/metering.sh
. "$HERE/metering.sh"
# shellcheck source=tests/bench/export.sh
. "$HERE/export.sh"

BENCH_TMP=$(mktemp -d /tmp/bench.XXXXXX)

guest_info() {
	{
		echo "kernel=$(uname -r)"
		echo "cpus=$(nproc)"
		echo "cpu_model=$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)"
		echo "clocksource=$(cat /sys/devices/system/clocksource/clocksource0/current_clocksource)"
		echo "mem_kb=$(awk '/^MemTotal/ {print $2}' /proc/meminfo)"
		echo "tcpdump=$(tcpdump --version 2>&1 | head -n1)"
		echo "libpcap=$(tcpdump --version 2>&1 | awk '/libpcap/ {print $3; exit}')"
		echo "ipt_netflow=$(modinfo -F version ipt_NETFLOW 2>/dev/null || echo none)"
		echo "pktcap=$(modinfo -F version "$KO" 2>/dev/null)"
	} >"$BENCH_OUT/guest.txt"
}

main() {
	[[ $# -eq 1 ]] || die "usage: guest.sh capture|encryption|metering|metering-ab|export"
	[[ -e $KO && -x $PKTCAPCTL ]] || die "build first: $KO, $PKTCAPCTL"
	# The console would slow everything down; the log ring keeps it all.
	dmesg -n 1 2>/dev/null || true
	guest_info
	local t0=$SECONDS
	case $1 in
	capture) capture_section capture pktcap tcpdump ${BENCH_CAP_EXTRA-pktcap-w4096} ;;
	encryption) capture_section encryption pktcap pktcap-sealed ;;
	metering) metering_section ;;
	metering-ab) metering_ab ;;
	export) export_section ;;
	*) die "$1: unknown section" ;;
	esac
	emit "section=$1 kind=elapsed seconds=$((SECONDS - t0))"
}

main "$@"
