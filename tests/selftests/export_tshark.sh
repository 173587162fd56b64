#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# export_tshark.sh DIR - tshark's verdict on the export packets that
# t_40_export.sh captured: for every DIR/NAME.pcap (with NAME.port and
# NAME.version beside it), no malformed packet and no expert info at all
# (its cflow dissector checks v9/IPFIX sequence numbers too), v9 sequence
# numbers without a gap, and for NAME "restart" templates re-sent by time.
#
# t_40_export.sh calls it in the guest with PKTCAP_EXPORT_TSHARK=1; tshark
# is very slow under TCG, so by default the pcaps are left in the guest's
# $PKTCAP_VM_OUTDIR and this runs on the host:
#   tests/vm/run.sh --outdir build/vmout -- tests/selftests/run.sh export
#   tests/selftests/export_tshark.sh build/vmout/pktcap-export.*
. "$(dirname "$0")/lib.sh"
T_FILE=export_tshark
DIR=${1:?usage: export_tshark.sh DIR}

# One tshark pass per capture: per packet "number sequence template-ids",
# then the expert info, if any.
tshark_run() {
	timeout 300 tshark -n -r "$1.pcap" -d udp.port=="$(cat "$1.port")",cflow \
		-z expert -T fields -e frame.number -e cflow.sequence \
		-e cflow.template_id >"$1.tshark" 2>"$1.tshark.err" ||
		echo "tshark failed or timed out: $(tail -1 "$1.tshark.err")" >>"$1.tshark"
}

clean() {
	local out n
	out=$(grep -v '^[0-9]' "$1.tshark" | grep -v '^$')
	n=$(grep -c '^[0-9]' "$1.tshark")
	if [ -n "$out" ] || [ "$n" = 0 ]; then
		fail "$2: tshark: $n packets, no malformed packet, no expert info" \
			"$(echo "$out" | head -3 | tr '\n' ' ')"
	else
		ok "$2: tshark: $n packets, no malformed packet, no expert info"
	fi
}

# v9: package_sequence counts packets: 0, 1, 2 ... exactly
v9_seq() {
	local got
	got=$(grep '^[0-9]' "$1.tshark" | awk -F'\t' '
		NR > 1 && $2 != prev + 1 { bad++ } { prev = $2 } END { print NR " " bad + 0 }')
	if [ "${got% *}" -gt 0 ] && [ "${got#* }" = 0 ]; then
		ok "$2: v9 sequence numbers without gap (${got% *} packets)"
	else
		fail "$2: v9 sequence numbers without gap" "packets/gaps: $got"
	fi
}

# restart: --template-refresh 1000,1 and idle seconds: several template packets
templates() {
	local n
	n=$(awk -F'\t' '/^[0-9]/ && $3 != ""' "$1.tshark" | wc -l)
	if [ "$n" -ge 4 ]; then
		ok "$2: templates re-sent by time while idle ($n packets)"
	else
		fail "$2: templates re-sent by time while idle" "$n template packets"
	fi
}

for pcap in "$DIR"/*.pcap; do
	base=${pcap%.pcap}
	name=$(basename "$base")
	[ -f "$base.port" ] || continue
	tshark_run "$base"
	case $name in
	restart) templates "$base" "$name" ;;
	*) clean "$base" "$name" ;;
	esac
	[ "$(cat "$base.version")" = 9 ] && [ "$name" != restart ] && v9_seq "$base" "$name"
done
