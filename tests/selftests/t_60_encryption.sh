#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# t_60_encryption.sh - sealed captures end to end: keys in and never out,
# the same frames captured in the clear and sealed decrypt to the same
# packets, any changed byte or the wrong key is caught, and nonces never
# repeat, within a session of ENC_RECORDS records or across a restart.
. "$(dirname "$0")/lib.sh"

W=$(mktemp -d /tmp/t60.XXXXXX)
P=$PKTCAPCTL
T=$(dirname "$0")/enc_tool.py
# The nonce test wants ENC_RECORDS records (default 1 000 000) within
# ENC_SECONDS (default 150): under a loaded TCG host pass ENC_RECORDS=200000.
N_BIG=${ENC_RECORDS:-1000000}
N_SECS=${ENC_SECONDS:-150}
N=100
trap 'enc_cleanup' EXIT

enc_cleanup() {
	[ -w /proc/net/pktgen/pgctrl ] && echo stop >/proc/net/pktgen/pgctrl
	kill $(jobs -p) 2>/dev/null
	wait 2>/dev/null
	inA "$P" stop >/dev/null 2>&1
	"$P" stop >/dev/null 2>&1
	inA "$P" encryption disable >/dev/null 2>&1
	"$P" encryption disable >/dev/null 2>&1
	ip link del p0 2>/dev/null
	keys_release
	netns_cleanup encA encB
	rm -rf "$W"
}

enc() { python3 "$T" "$@"; }

# The internal "__gcm(aes)" algorithms of /proc/crypto: how many, and the
# references they hold (one per transform allocated).
gcm_simd_awk() {
	awk -v want="$1" 'BEGIN { RS = ""; FS = "\n" }
		/(^|\n)name *: __gcm\(aes\)(\n|$)/ {
			n++
			for (i = 1; i <= NF; i++)
				if ($i ~ /^refcnt/) { sub(/.*: */, "", $i); r += $i }
		}
		END { print (want == "count" ? n : r) + 0 }' /proc/crypto
}
gcm_simd_count() { gcm_simd_awk count; }
gcm_simd_refs() { gcm_simd_awk refs; }
inA() { ip netns exec encA "$@"; }
inB() { ip netns exec encB "$@"; }

# A reader is attached (plain text: no python start-up per poll under TCG).
# enc_reap PID SECONDS: wait for PID to exit, killing it after SECONDS.
enc_reap() {
	local i
	for i in $(seq $(($2 * 5))); do
		kill -0 "$1" 2>/dev/null || break
		sleep 0.2
	done
	kill "$1" 2>/dev/null
	wait "$1"
}

enc_running() { "$@" status | grep -q 'reader: yes'; }

# enc_record NS_CMD OUT [ARGS]: record N frames from b0 on a0 in encA.
enc_record() {
	local out=$1
	shift
	inA "$P" record -i a0 --backend nf-ingress -c $N -w "$out" "$@" \
		'ether proto 0x88b5' 2>"$out.err" &
	local pid=$!
	wait_for enc_running inA "$P" || { kill $pid; return 1; }
	inB python3 "$T" send b0 $N
	enc_reap $pid 60
}

veth_pair encA encB
umask 022

# --- keys
"$P" encryption genkey >"$W/key"
eq "genkey writes 32 bytes" 32 "$(stat -c %s "$W/key")"
eq "genkey makes the file 0600 even under umask 022" 600 "$(stat -c %a "$W/key")"
"$P" encryption genkey >"$W/key2"
check "two keys differ" bash -c "! cmp -s '$W/key' '$W/key2'"
if command -v script >/dev/null; then
	check_fails "genkey refuses a terminal" "refusing to write a key to a terminal" \
		script -qec "$P encryption genkey" /dev/null
else
	skip "genkey refuses a terminal" "no script(1)"
fi
head -c 31 "$W/key" >"$W/short"
check_fails "a 31-byte key is refused" "pktcapctl: $W/short: key must be 32 bytes, found 31" \
	inA "$P" encryption enable --key-file "$W/short"
check_fails "a missing key file is named" "pktcapctl: $W/none: No such file or directory" \
	inA "$P" encryption enable --key-file "$W/none"
cp "$W/key2" "$W/open"
chmod 644 "$W/open"
out=$(inA "$P" encryption enable --key-file "$W/open" 2>&1)
eq "a readable key file works" 0 $?
case $out in
*"pktcapctl: $W/open: warning: key file is readable by others (chmod 600)"*)
	ok "... with a warning" ;;
*) fail "... with a warning" "$out" ;;
esac

# --- status: the contract, and the key id
check "disable" inA "$P" encryption disable
eq "status -j when disabled" '{"enabled": false, "algorithm": null, "key_id": null}' \
	"$(inA "$P" -j status | json 'd["encryption"]')"
check "enable" inA "$P" encryption enable --key-file "$W/key"
KEY_ID=$(enc keyid "$W/key")
eq "status -j shows algorithm and key id" \
	"{\"enabled\": true, \"algorithm\": \"aes-256-gcm\", \"key_id\": \"$KEY_ID\"}" \
	"$(inA "$P" -j status | json 'd["encryption"]')"
check "status text shows the key id" bash -c \
	"ip netns exec encA '$P' status | grep -q 'key id: $KEY_ID'"

# --- the same frames, in the clear and sealed
inA "$P" encryption disable >/dev/null
enc_record "$W/plain.pcap"
eq "clear capture has every frame" $N "$(enc pcap "$W/plain.pcap")"
check "the clear capture holds the plaintext marker" grep -qa PKTCAP-PLAINTEXT-MARKER "$W/plain.pcap"

# The first sealed capture goes through the generic GCM (ctr and ghash
# templates): take the CPU's SIMD GCM away if nothing holds it.
modprobe -rq aesni_intel 2>/dev/null
SIMD_AT_FIRST=$(gcm_simd_count)
diag "first sealed capture: $SIMD_AT_FIRST SIMD GCM implementation(s) registered"
inA "$P" encryption enable --key-file "$W/key" >/dev/null
enc_record "$W/sealed"
check "record on an encrypted session writes a sealed file" \
	bash -c "enc() { python3 '$T' \"\$@\"; }; enc sealed '$W/sealed' | grep -qx 'records $N key_id $KEY_ID'"
check "... and says so" grep -q "writing a sealed capture file" "$W/sealed.err"
check "the sealed file holds no plaintext marker" bash -c "! grep -qa PKTCAP-PLAINTEXT-MARKER '$W/sealed'"
check_fails "--format pcap on an encrypted session is refused" \
	"pktcapctl: record: --format: the session is encrypted" \
	inA "$P" record -i a0 -c 1 --format pcap -w "$W/refused.pcap"
check "... and writes nothing" test ! -s "$W/refused.pcap"

check "decrypt" "$P" decrypt --key-file "$W/key" -r "$W/sealed" -w "$W/dec.pcap"
check "decrypted == clear capture (bytes, lengths; not timestamps)" \
	enc same "$W/dec.pcap" "$W/plain.pcap"
check "decrypt --format pcapng" "$P" decrypt -k "$W/key" -r "$W/sealed" \
	-w "$W/dec.pcapng" --format pcapng
if command -v tshark >/dev/null; then
	eq "tshark reads $N packets from the pcapng" $N \
		"$(tshark -r "$W/dec.pcapng" 2>/dev/null | wc -l)"
fi

# --- the same frames sealed by the CPU's SIMD GCM (x86: AES-NI and
# PCLMULQDQ), which the kernel uses whenever SIMD is usable
if [ "$SIMD_AT_FIRST" -eq 0 ] && grep -qw aes /proc/cpuinfo &&
	modprobe -q aesni_intel && [ "$(gcm_simd_count)" -gt 0 ]; then
	r0=$(gcm_simd_refs)
	inA "$P" start -i a0 >/dev/null
	r1=$(gcm_simd_refs)
	inA "$P" stop >/dev/null
	check "an encrypted session holds the SIMD GCM ($r0 -> $r1 references)" test "$r1" -gt "$r0"
	eq "... and lets it go at STOP" "$r0" "$(gcm_simd_refs)"
	enc_record "$W/sealed-simd"
	check "decrypt the SIMD-sealed capture" \
		"$P" decrypt --key-file "$W/key" -r "$W/sealed-simd" -w "$W/dec-simd.pcap"
	check "... == clear capture" enc same "$W/dec-simd.pcap" "$W/plain.pcap"
elif [ "$SIMD_AT_FIRST" -ne 0 ]; then
	skip "SIMD GCM" "aesni_intel was in use and could not be unloaded: the sealed capture above used it"
elif grep -qw aes /proc/cpuinfo; then
	skip "SIMD GCM" "no internal __gcm(aes) in this kernel: its gcm(aes) is synchronous SIMD already"
else
	skip "SIMD GCM" "no AES-NI here"
fi

# --- tampering and the wrong key: reported, exit 1, no output
REC5=$(enc offset "$W/sealed" 5)

enc_flip() {	# enc_flip OFFSET: a copy of the sealed file, one bit changed
	local b
	cp "$W/sealed" "$W/bad"
	b=$(od -An -tu1 -j "$1" -N1 "$W/bad" | tr -d ' ')
	printf "\\x$(printf %02x $((b ^ 1)))" |
		dd of="$W/bad" bs=1 seek="$1" conv=notrunc status=none
}

enc_tamper() {	# enc_tamper NAME OFFSET: byte OFFSET of record 5
	enc_flip $((REC5 + $2))
	check "$1: the copy differs" bash -c "! cmp -s '$W/sealed' '$W/bad'"
	rm -f "$W/bad.pcap"
	check_fails "$1 is detected" "pktcapctl: $W/bad: record 5: authentication failed" \
		"$P" decrypt -k "$W/key" -r "$W/bad" -w "$W/bad.pcap"
	check "... and leaves no output" test ! -e "$W/bad.pcap"
}
enc_tamper "a changed timestamp (header)" 16
enc_tamper "a changed ifindex (header)" 32
enc_tamper "a changed nonce" 48
enc_tamper "a changed ciphertext byte" 70
enc_tamper "a changed tag byte" $((48 + 12 + 60 + 3))
enc_flip $((REC5 + 8))
check_fails "a changed cap_len breaks the framing or the tag" \
	"pktcapctl: $W/bad: (record 5|.*record length)" \
	"$P" decrypt -k "$W/key" -r "$W/bad" -w "$W/bad.pcap"
check_fails "the wrong key is named as such" "pktcapctl: $W/sealed: wrong key" \
	"$P" decrypt -k "$W/key2" -r "$W/sealed" -w "$W/wrong.pcap"
check "... and leaves no output" test ! -e "$W/wrong.pcap"

# --- the kernel refuses key changes under a running session
inA "$P" start -i a0 >/dev/null
check_fails "enable while capturing: EBUSY" \
	"a capture session is running: stop it before changing encryption" \
	inA "$P" encryption enable --key-file "$W/key2"
check_fails "disable while capturing: EBUSY" \
	"a capture session is running: stop it before changing encryption" \
	inA "$P" encryption disable
inA "$P" stop >/dev/null

# --- nonces: a big session and a restart under the same key
modprobe pktgen 2>/dev/null
"$P" encryption enable --key-file "$W/key" >/dev/null
if [ -d /proc/net/pktgen ]; then
	# The recordings below start and end while pktgen floods p1.
	keys_hold
	ip link add p0 type veth peer name p1
	ip link set p0 up
	ip link set p1 up
	echo "add_device p0" >/proc/net/pktgen/kpktgend_0
	for c in "count 0" "pkt_size 60" "delay 0" "dst 198.51.100.2" \
		 "dst_mac 02:00:00:00:00:01"; do
		echo "$c" >/proc/net/pktgen/p0
	done
	start=$(date +%s)
	"$P" record -i p1 --backend nf-ingress -s 32 -B 65536 -c "$N_BIG" \
		-w "$W/big" 2>"$W/big.err" &
	rec=$!
	wait_for enc_running "$P"
	echo start >/proc/net/pktgen/pgctrl &
	enc_reap $rec "$N_SECS"
	echo stop >/proc/net/pktgen/pgctrl
	diag "$N_BIG sealed records in $(($(date +%s) - start)) s: $(tail -2 "$W/big.err" | tr '\n' ' ')"
	"$P" record -i p1 -s 32 -c 1000 -w "$W/restart" 2>/dev/null &
	rec=$!
	wait_for enc_running "$P"
	echo start >/proc/net/pktgen/pgctrl &
	enc_reap $rec 60
	echo stop >/proc/net/pktgen/pgctrl
	out=$(enc nonces "$W/big" "$W/restart" "$W/sealed" 2>&1)
	rc=$?
	diag "$(echo "$out" | tr '\n' ' ')"
	eq "no nonce repeats in $N_BIG records, nor across two restarts" 0 $rc
	check "the big session reached $N_BIG records in ${N_SECS}s" \
		bash -c "echo '$out' | grep -q '^$W/big: $N_BIG records'"
else
	skip "no nonce repeats in $N_BIG records" "no pktgen"
fi

# --- the key is nowhere to be read
"$P" status >"$W/status.txt"
"$P" -j status >"$W/status.json"
dmesg >"$W/dmesg.txt"
# The key file itself comes first: the one hit that shows the scan works.
out=$(enc scan "$W/key" "$W/key" "$W/dmesg.txt" "$W/status.txt" "$W/status.json" \
	"$W/sealed" "$W/big" "$W/restart" /sys/module/pktcap /proc/net \
	/proc/self/environ /proc/self/cmdline /proc/sys/net 2>/dev/null)
eq "the key scan finds the key in the key file (control)" \
	"key found in $W/key" "$(echo "$out" | head -1)"
eq "the key is not in dmesg, STATUS (both forms), sealed files, /sys/module/pktcap, /proc" \
	1 "$(echo "$out" | tail -1)"
check "disable" "$P" encryption disable
