#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Check the capture-file writers (userspace/capfile*.c) against real
# readers. gen-capfile writes known synthetic records and an expectation
# file (one line per packet: SEC.NSEC IFNAME in|out CAPLEN LEN VLANID);
# then:
#   - tcpdump -r FILE -nn -tt --nano must accept pcap and pcapng, with the
#     packet count and every nanosecond timestamp expected, the right link
#     type, and the re-inserted VLAN tags;
#   - tshark must show, per packet, the timestamp, lengths and VLAN id, and
#     for pcapng the interface name and the epb_flags direction (also as
#     frame.p2p_dir), including a file mixing Ethernet, RAW and SLL2;
#   - "-w -" must stream into "tcpdump -r -", and a reader that goes away
#     must give a clean "stdout: Broken pipe" error, not a SIGPIPE death;
#   - -C/-W rotation must produce the very files tcpdump -C/-W produces
#     from the same packets (names and bytes), and rotated pcapng files must
#     each stand alone.
#
# Needs cc, libpcap-dev, tcpdump, tshark. Output is TAP. KEEP=1 keeps the
# scratch directory.
set -u

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
WORK=$(mktemp -d /tmp/pktcap-capcheck.XXXXXX)
KEEP=${KEEP:-0}
CC=${CC:-cc}

cleanup() {
	[ "$KEEP" = 1 ] && echo "# kept $WORK" || rm -rf "$WORK"
}
trap cleanup EXIT

for tool in "$CC" tcpdump tshark; do
	if ! command -v "$tool" >/dev/null; then
		echo "1..0 # SKIP $tool not installed"
		exit 0
	fi
done

N=0
FAILED=0
ok() {	# ok STATUS DESCRIPTION [DIAGNOSTIC FILE]
	N=$((N + 1))
	if [ "$1" = 0 ]; then
		echo "ok $N - $2"
	else
		echo "not ok $N - $2"
		FAILED=$((FAILED + 1))
		[ -n "${3:-}" ] && [ -r "$3" ] && head -n 20 "$3" | sed 's/^/#   /'
	fi
}

GEN=$WORK/gen-capfile
if ! $CC -O2 -g -Wall -Wextra -Werror -I"$ROOT/uapi" -I"$ROOT/userspace" \
	-o "$GEN" "$ROOT/tests/capfile/gen-capfile.c" \
	"$ROOT/tests/capfile/synth.c" "$ROOT/userspace/capfile.c" \
	"$ROOT/userspace/capfile_pcap.c" "$ROOT/userspace/capfile_pcapng.c" \
	-lpcap 2>"$WORK/build.log"; then
	echo "1..1"
	ok 1 "build gen-capfile" "$WORK/build.log"
	exit 1
fi

# tcpdump drops to user "tcpdump" when root, which cannot write $WORK.
ZROOT=
[ "$(id -u)" = 0 ] && ZROOT="-Z root"

# Packet lines only: some ports make tcpdump print more lines per packet.
pkt_lines() {
	grep -E '^[0-9]{10}\.[0-9]{9} '
}

tshark_q() {	# tshark_q FILE FIELD... : one tab-separated line per packet
	local f=$1 args=() x
	shift
	for x in "$@"; do args+=(-e "$x"); done
	tshark -r "$f" -T fields "${args[@]}" 2>"$WORK/tshark.err"
}

# --- tcpdump: count, timestamps, link type, VLAN tags -----------------------
check_tcpdump() {	# check_tcpdump FILE EXPECT LINKTYPE WHAT
	local f=$1 exp=$2 lt=$3 what=$4 out=$WORK/td.out err=$WORK/td.err
	local want

	tcpdump -r "$f" -nn -tt --nano -e 2>"$err" | pkt_lines >"$out"
	ok ${PIPESTATUS[0]} "$what: tcpdump reads it" "$err"
	grep -q "link-type $lt " "$err"
	ok $? "$what: tcpdump sees link-type $lt" "$err"
	[ "$(wc -l <"$out")" = "$(wc -l <"$exp")" ]
	ok $? "$what: tcpdump counts $(wc -l <"$exp") packets" "$out"
	diff <(cut -d' ' -f1 "$out") <(cut -d' ' -f1 "$exp") >"$WORK/diff"
	ok $? "$what: tcpdump shows every nanosecond timestamp" "$WORK/diff"
	want=$(awk '$6 != 0 { n++ } END { print n + 0 }' "$exp")
	[ "$(grep -c 'ethertype 802.1Q (0x8100), length [0-9]*: vlan 1' \
		"$out")" = "$want" ]
	ok $? "$what: tcpdump decodes the $want re-inserted VLAN tags" "$out"
}

# --- tshark: per packet timestamp, lengths, VLAN, interface, direction ------
# Prints the expectation format from tshark's view.
tshark_view() {	# tshark_view FILE
	tshark_q "$1" frame.time_epoch frame.interface_name \
		frame.packet_flags_direction frame.cap_len frame.len vlan.id |
	awk -F'\t' '{
		dir = $3 == "0x00000001" ? "in" : $3 == "0x00000002" ? "out" : "?"
		printf "%s %s %s %s %s %s\n", $1, $2 == "" ? "-" : $2, dir,
			$4, $5, $6 == "" ? 0 : $6
	}'
}

check_tshark_pcapng() {	# check_tshark_pcapng FILE EXPECT WHAT
	tshark_view "$1" >"$WORK/ts.out"
	diff "$WORK/ts.out" "$2" >"$WORK/diff"
	ok $? "$3: tshark: timestamps, interface names, epb_flags directions, lengths, VLAN ids" "$WORK/diff"
	tshark_q "$1" frame.p2p_dir | sed 's/^0$/out/; s/^1$/in/' \
		>"$WORK/p2p.out"
	diff "$WORK/p2p.out" <(cut -d' ' -f3 "$2") >"$WORK/diff"
	ok $? "$3: tshark frame.p2p_dir agrees" "$WORK/diff"
}

check_tshark_pcap() {	# check_tshark_pcap FILE EXPECT WHAT: no names, no dirs
	tshark_view "$1" | cut -d' ' -f1,4- >"$WORK/ts.out"
	diff "$WORK/ts.out" <(cut -d' ' -f1,4- "$2") >"$WORK/diff"
	ok $? "$3: tshark: timestamps, lengths, VLAN ids" "$WORK/diff"
}

for fmt in pcap pcapng; do
	f=$WORK/eth.$fmt
	"$GEN" -F $fmt -n 500 -w "$f" -e "$WORK/eth.$fmt.exp" 2>"$WORK/gen.err"
	ok $? "$fmt: gen-capfile writes 500 Ethernet packets" "$WORK/gen.err"
	check_tcpdump "$f" "$WORK/eth.$fmt.exp" EN10MB "$fmt eth"
	if [ $fmt = pcap ]; then
		[ "$(head -c4 "$f" | od -An -tx4 | tr -d ' ')" = a1b23c4d ]
		ok $? "pcap: nanosecond magic 0xa1b23c4d"
		check_tshark_pcap "$f" "$WORK/eth.$fmt.exp" "$fmt eth"
	else
		check_tshark_pcapng "$f" "$WORK/eth.$fmt.exp" "$fmt eth"
	fi
done

# RAW (tun) and SLL2 (any other L3 device) in pcap.
"$GEN" -F pcap -m tun -n 50 -w "$WORK/tun.pcap" -e "$WORK/tun.exp" 2>/dev/null
check_tcpdump "$WORK/tun.pcap" "$WORK/tun.exp" RAW "pcap tun" 2>/dev/null
"$GEN" -F pcap -m gre -n 50 -w "$WORK/gre.pcap" -e "$WORK/gre.exp" 2>/dev/null
tcpdump -r "$WORK/gre.pcap" -nn -tt --nano 2>"$WORK/gre.err" |
	pkt_lines >"$WORK/gre.td"
grep -q 'link-type LINUX_SLL2 ' "$WORK/gre.err"
ok $? "pcap gre: tcpdump sees link-type LINUX_SLL2" "$WORK/gre.err"
awk '{ print $1, ($3 == "Out" ? "out" : "in") }' "$WORK/gre.td" >"$WORK/gre.dir"
diff "$WORK/gre.dir" <(cut -d' ' -f1,3 "$WORK/gre.exp") >"$WORK/diff"
ok $? "pcap gre: SLL2 header gives tcpdump timestamps and In/Out" "$WORK/diff"
tshark_q "$WORK/gre.pcap" sll.ifindex sll.hatype ip.dst | sort -u >"$WORK/gre.ts"
[ "$(cat "$WORK/gre.ts")" = "$(printf '5\t778\t10.0.0.2')" ]
ok $? "pcap gre: tshark decodes SLL2 ifindex, ARPHRD and the IP inside" "$WORK/gre.ts"
check_tshark_pcap "$WORK/gre.pcap" "$WORK/gre.exp" "pcap gre"

# pcap holds one link type: the generator must be refused, clearly.
"$GEN" -F pcap -m mixed -w "$WORK/mixed.pcap" 2>"$WORK/mixed.err"
[ $? = 3 ] && grep -q 'tun0.*write pcapng' "$WORK/mixed.err"
ok $? "pcap refuses devices of different link types, naming them" "$WORK/mixed.err"

# pcapng mixing EN10MB, RAW and SLL2: tshark reads it (libpcap cannot).
"$GEN" -F pcapng -m mixed -n 200 -w "$WORK/mixed.pcapng" -e "$WORK/mixed.exp" \
	2>"$WORK/gen.err"
ok $? "pcapng: gen-capfile writes Ethernet, tun and gre devices" "$WORK/gen.err"
check_tshark_pcapng "$WORK/mixed.pcapng" "$WORK/mixed.exp" "pcapng mixed"
tshark_q "$WORK/mixed.pcapng" frame.interface_name frame.encap_type |
	sort -u >"$WORK/encap"
[ "$(awk '{ printf "%s=%s ", $1, $2 }' "$WORK/encap")" = \
	"gre0=210 pk0=1 pk1=1 tun0=7 " ]
ok $? "pcapng mixed: one IDB per device with its own link type" "$WORK/encap"

# --- stdout ------------------------------------------------------------------
for fmt in pcap pcapng; do
	"$GEN" -F $fmt -n 1000 -w - 2>/dev/null |
		tcpdump -r - -nn -tt --nano 2>"$WORK/pipe.err" |
		pkt_lines >"$WORK/pipe.out"
	[ "$(wc -l <"$WORK/pipe.out")" = 1000 ]
	ok $? "$fmt: -w - | tcpdump -r - reads 1000 packets" "$WORK/pipe.err"
	"$GEN" -F $fmt -n 2000000 -w - 2>"$WORK/epipe.err" | head -c 4096 >/dev/null
	rc=${PIPESTATUS[0]}
	[ "$rc" = 3 ] && grep -q 'stdout: Broken pipe' "$WORK/epipe.err"
	ok $? "$fmt: reader gone: clean 'stdout: Broken pipe' error, exit $rc (not SIGPIPE)" "$WORK/epipe.err"
done

# --- rotation, against tcpdump's own ----------------------------------------
# ~4.2 MB of packets; -C 1 is 1,000,000 bytes to tcpdump.
mkdir -p "$WORK/rot" "$WORK/rotw"
"$GEN" -F pcap -n 25000 -w "$WORK/rot/all.pcap" 2>/dev/null
"$GEN" -F pcap -n 25000 -C 1000000 -w "$WORK/rot/ours" 2>/dev/null
tcpdump -r "$WORK/rot/all.pcap" --nano $ZROOT -C 1 -w "$WORK/rot/theirs" 2>/dev/null
compare_rot() {	# compare_rot DIR WHAT
	local d=$1 a b bad=0 names

	names=$(cd "$d" && ls ours* | sed 's/^ours//' | tr '\n' ' ')
	[ "$names" = "$(cd "$d" && ls theirs* | sed 's/^theirs//' | tr '\n' ' ')" ] || bad=1
	for a in "$d"/ours*; do
		b=$d/theirs${a##*/ours}
		cmp -s "$a" "$b" || bad=1
	done
	echo "names: $names" >"$WORK/rot.diag"
	ok $bad "$2: same names [${names% }] and bytes as tcpdump" "$WORK/rot.diag"
}
compare_rot "$WORK/rot" "pcap -C 1"
"$GEN" -F pcap -n 25000 -C 1000000 -W 3 -w "$WORK/rotw/ours" 2>/dev/null
tcpdump -r "$WORK/rot/all.pcap" --nano $ZROOT -C 1 -W 3 -w "$WORK/rotw/theirs" 2>/dev/null
compare_rot "$WORK/rotw" "pcap -C 1 -W 3"

mkdir -p "$WORK/rotng"
"$GEN" -F pcapng -n 25000 -C 1000000 -e "$WORK/rotng.exp" \
	-w "$WORK/rotng/cap" 2>/dev/null
: >"$WORK/rotng.td"
bad=0
for f in "$WORK"/rotng/cap "$WORK"/rotng/cap[0-9]*; do
	tcpdump -r "$f" -nn -tt --nano 2>/dev/null | pkt_lines >>"$WORK/rotng.td"
	[ "${PIPESTATUS[0]}" = 0 ] || bad=1
done
diff <(cut -d' ' -f1 "$WORK/rotng.td") <(cut -d' ' -f1 "$WORK/rotng.exp") \
	>"$WORK/diff" || bad=1
ok $bad "pcapng -C: $(ls "$WORK"/rotng | wc -l) files, each readable alone, packets continue across them" "$WORK/diff"

echo "1..$N"
[ $FAILED = 0 ]
