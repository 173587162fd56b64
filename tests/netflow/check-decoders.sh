#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Check pktcap's NetFlow v5 / v9 / IPFIX encoders against real decoders.
#
# For each version and for collector transport IPv4 (127.0.0.1) and IPv6
# (::1), nfgen encodes a known set of flows (IPv4, IPv6, non-IP, biflows, a
# counter beyond 32 bits), sends the packets over loopback UDP to nfcapd and
# writes the same packets to a pcap. Then:
#   - nfdump must list exactly the expected flows: addresses, ports or ICMP
#     type/code, protocol, packets, bytes, first/last to the millisecond,
#     and for IPFIX biflows the reverse packets/bytes;
#   - nfcapd's sequence error count must be the expected one;
#   - tshark must decode every record, with no malformed packet and no
#     expert info at all (its cflow dissector also checks sequence numbers).
# A deliberately corrupted pcap must make tshark complain (negative control).
#
# Needs gcc, nfdump (nfcapd), tshark, python3. Output is TAP.
set -u

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
WORK=$(mktemp -d /tmp/pktcap-nfcheck.XXXXXX)
NFCAPD_PID=
KEEP=${KEEP:-0}

cleanup() {
	[ -n "$NFCAPD_PID" ] && kill "$NFCAPD_PID" 2>/dev/null
	[ "$KEEP" = 1 ] && echo "# kept $WORK" || rm -rf "$WORK"
}
trap cleanup EXIT

for tool in gcc nfcapd nfdump tshark python3; do
	if ! command -v $tool >/dev/null; then
		echo "1..0 # SKIP $tool not installed"
		exit 0
	fi
done

N=0
FAILED=0
ok() { N=$((N + 1)); echo "ok $N - $*"; }
not_ok() { N=$((N + 1)); FAILED=$((FAILED + 1)); echo "not ok $N - $*"; }

gcc -Wall -Wextra -Werror -O2 -I "$ROOT/uapi" -I "$ROOT/userspace" \
	-o "$WORK/nfgen" "$ROOT/tests/netflow/nfgen.c" \
	"$ROOT"/userspace/{nf_common,nf5,nf9,ipfix}.c || {
	echo "Bail out! nfgen does not build"
	exit 1
}

PORT=$((20000 + RANDOM % 20000))

# Wait until something listens on UDP port $1 (at most 5 s).
wait_bound() {
	local i
	for i in $(seq 50); do
		ss -Hlun "sport = :$1" 2>/dev/null | grep -q . && return 0
		sleep 0.1
	done
	return 1
}

# nfdump JSON vs nfgen's expected lines: exact multiset equality.
compare() {
	TZ=UTC python3 - "$1" "$2" <<'EOF'
import calendar, collections, json, sys, time

def ms(s):
	t, frac = s.split('.')
	return calendar.timegm(time.strptime(t, '%Y-%m-%dT%H:%M:%S')) * 1000 + int(frac)

got = collections.Counter()
for r in json.load(open(sys.argv[1])):
	if r.get('type') != 'FLOW':
		continue
	# nfdump lists a non-IP flow without addresses
	src = r.get('src4_addr') or r.get('src6_addr') or '0.0.0.0'
	dst = r.get('dst4_addr') or r.get('dst6_addr') or '0.0.0.0'
	dport = r.get('dst_port', 0)
	if 'icmp_type' in r:
		dport = r['icmp_type'] << 8 | r['icmp_code']
	got[(r['proto'], src, dst, r.get('src_port', 0), dport,
	     r['in_packets'], r['in_bytes'], ms(r['first']), ms(r['last']),
	     r.get('out_packets', 0), r.get('out_bytes', 0))] += 1

want = collections.Counter()
for line in open(sys.argv[2]):
	f = line.split()
	want[(int(f[0]), f[1], f[2]) + tuple(int(x) for x in f[3:11])] += 1

if got == want:
	print('# %d flows match' % sum(want.values()))
	sys.exit(0)
for k in list((want - got).elements())[:5]:
	print('# missing   ', k)
for k in list((got - want).elements())[:5]:
	print('# unexpected', k)
sys.exit(1)
EOF
}

# check_nfdump NAME VERSION TRANSPORT(4|6): nfgen -> nfcapd -> nfdump
check_nfdump() {
	local name=$1 v=$2 t=$3 dir="$WORK/$1" six= bind=127.0.0.1 seqerr want_seq=0

	[ "$t" = 6 ] && six=-6 && bind=::1
	mkdir -p "$dir/flows"
	nfcapd $six -b $bind -p $PORT -w "$dir/flows" -t 3600 \
		>"$dir/nfcapd.log" 2>&1 &
	NFCAPD_PID=$!
	if ! wait_bound $PORT; then
		not_ok "$name: nfcapd listens on [$bind]:$PORT"
		not_ok "$name: no flows to check"
		kill $NFCAPD_PID; wait $NFCAPD_PID 2>/dev/null; NFCAPD_PID=
		return
	fi
	"$WORK/nfgen" -v $v -p $PORT $six -w "$dir/x.pcap" -e "$dir/expected" \
		2>"$dir/nfgen.log"
	sleep 0.5
	kill -TERM $NFCAPD_PID
	wait $NFCAPD_PID 2>/dev/null
	NFCAPD_PID=
	cat "$dir/nfgen.log" | sed 's/^/# /'
	nfdump -r "$(ls "$dir"/flows/nfcapd.2* | head -1)" -o json -6 -N \
		>"$dir/nfdump.json" 2>"$dir/nfdump.err"
	if compare "$dir/nfdump.json" "$dir/expected"; then
		ok "$name: nfdump lists exactly the exported flows"
	else
		not_ok "$name: nfdump lists exactly the exported flows"
	fi
	# nfdump counts only flow records in the IPFIX sequence, RFC 7011
	# (and tshark) all data records: the message after the one with the
	# options data records is one error for nfcapd.
	[ $v = 10 ] && want_seq=1
	seqerr=$(sed -n 's/.*Sequence Errors: \([0-9]*\).*/\1/p' "$dir/nfcapd.log")
	if [ "$seqerr" = "$want_seq" ]; then
		ok "$name: nfcapd sequence errors $seqerr (expected $want_seq)"
	else
		not_ok "$name: nfcapd sequence errors '$seqerr' (expected $want_seq)"
	fi
}

# check_tshark NAME: every record decoded, no malformed, no expert info
check_tshark() {
	local name=$1 dir="$WORK/$1" expert nrec sum want

	expert=$(tshark -r "$dir/x.pcap" -d udp.port==$PORT,cflow -q -z expert 2>/dev/null)
	expert+=$(tshark -r "$dir/x.pcap" -d udp.port==$PORT,cflow -V 2>/dev/null |
		  grep -i 'malformed\|expert info')
	read -r nrec sum < <(tshark -r "$dir/x.pcap" -d udp.port==$PORT,cflow \
		-T fields -e cflow.packets 2>/dev/null | tr ',' '\n' |
		awk 'NF { n++; s += $1 } END { print n + 0, s + 0 }')
	# tshark shows an IPFIX biflow's reverse counts as a second PKTS
	want=$(awk '{ n += 1 + $12; s += $6 + $10 } END { print n + 0, s + 0 }' \
		"$dir/expected")
	if [ -n "$expert" ]; then
		echo "$expert" | head -20 | sed 's/^/# /'
		not_ok "$name: tshark: no malformed packets, no expert info"
	else
		ok "$name: tshark: no malformed packets, no expert info"
	fi
	if [ "$nrec $sum" = "$want" ]; then
		ok "$name: tshark decodes $nrec records, $sum packets"
	else
		not_ok "$name: tshark decodes '$nrec $sum', expected '$want'"
	fi
}

# check_options VERSION: sampling 1 in 10 and templates every 2 packets;
# tshark must read the sampling options, and the exporter statistics in the
# third packet must count the first two (octets = their UDP payloads).
check_options() {
	local v=$1 dir="$WORK/opt$1" got want f

	mkdir -p "$dir"
	"$WORK/nfgen" -v $v -S 10 -t 2 -w "$dir/x.pcap" 2>/dev/null
	case $v in
	5)  f="-e cflow.samplingmode -e cflow.samplerate"; want="1 10" ;;
	9)  f="-e cflow.sampling_interval -e cflow.sampling_algorithm"; want="10 1" ;;
	10) f="-e cflow.selector_algorithm -e cflow.sampling_packet_interval -e cflow.sampling_packet_space"
	    want="1 1 9" ;;
	esac
	got=$(tshark -r "$dir/x.pcap" -d udp.port==2055,cflow -Y 'frame.number == 1' \
		-T fields $f 2>/dev/null | tr '\t' ' ')
	if [ "$got" = "$want" ]; then
		ok "v$v: tshark reads sampling 1 in 10 ($got)"
	else
		not_ok "v$v: tshark reads sampling '$got', expected '$want'"
	fi
	[ $v = 5 ] && return
	want="$(tshark -r "$dir/x.pcap" -Y 'frame.number <= 2' -T fields -e udp.length \
		2>/dev/null | awk '{ s += $1 - 8 } END { print s }') 2"
	got=$(tshark -r "$dir/x.pcap" -d udp.port==2055,cflow -Y 'frame.number == 3' \
		-T fields -e cflow.octetsexp -e cflow.packetsexp 2>/dev/null | tr '\t' ' ')
	if [ "$got" = "$want" ]; then
		ok "v$v: exporter statistics count the packets before ($got)"
	else
		not_ok "v$v: exporter statistics '$got', expected '$want'"
	fi
}

# Negative control: a data set length one byte short must be flagged.
check_negative() {
	local pcap="$WORK/ipfix4/x.pcap" bad="$WORK/bad.pcap" out

	python3 - "$pcap" "$bad" <<'EOF'
import struct, sys
d = bytearray(open(sys.argv[1], 'rb').read())
# first packet: 24 pcap + 16 record header, 20 IP + 8 UDP + 16 IPFIX header,
# then the template set: shorten its length field by 1
off = 24 + 16 + 28 + 16 + 2
struct.pack_into('>H', d, off, struct.unpack_from('>H', d, off)[0] - 1)
open(sys.argv[2], 'wb').write(d)
EOF
	out=$(tshark -r "$bad" -d udp.port==$PORT,cflow -q -z expert 2>/dev/null)
	if [ -n "$out" ]; then
		ok "negative control: tshark flags a corrupted set length"
	else
		not_ok "negative control: tshark flags a corrupted set length"
	fi
}

echo "1..30"
for c in "v5-4 5 4" "v9-4 9 4" "ipfix4 10 4" "v5-6 5 6" "v9-6 9 6" "ipfix6 10 6"; do
	set -- $c
	check_nfdump $1 $2 $3
	check_tshark $1
done
for v in 5 9 10; do
	check_options $v
done
check_negative
[ $FAILED = 0 ]
