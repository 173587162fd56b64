#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# tests/verify/check-verify.sh - pktcapctl verify's file checks on the host,
# against real sign-file output made here with fresh keys: signed, signed
# with -k (signer named by key id), sha512, a PEM bundle and a DER
# certificate, the wrong certificate, one changed byte in the body and in
# the signature, unsigned, truncated, an oversized sig_len, a file that is
# not ELF, an ELF object without .modinfo. Each verdict is also compared
# with `openssl cms -verify` on the same bytes. The host kernel cannot load
# modules, so these run with --no-kernel, plus one run without it that
# must say the module is not loaded.
#
# Needs cc, openssl, a kernel build tree's sign-file (scripts/sign.sh finds
# it), python3. TAP on stdout. KEEP=1 keeps the scratch directory.
set -u

REPO=$(cd "$(dirname "$(readlink -f "$0")")/../.." && pwd)
CTL=$REPO/userspace/pktcapctl
SIGN=$REPO/scripts/sign.sh
W=$(mktemp -d /tmp/pktcap-verify.XXXXXX)
N=0
FAILED=0
trap '[ "${KEEP:-0}" = 1 ] && echo "# kept $W" || rm -rf "$W"' EXIT

ok() { N=$((N + 1)); echo "ok $N - verify: $1"; }
fail() { N=$((N + 1)); FAILED=1; echo "not ok $N - verify: $1${2:+: $2}"; }

# passes NAME ARGS...: pktcapctl verify --no-kernel ARGS exits 0.
passes() {
	local name=$1 out
	shift
	if out=$("$CTL" verify --no-kernel "$@" 2>&1); then
		ok "$name"
	else
		fail "$name" "$(echo "$out" | tail -2 | tr '\n' ' ')"
	fi
}

# fails NAME REGEX ARGS...: exit 1 (not a crash, not a usage error) and a
# "pktcapctl: ..." line on stderr matching REGEX.
fails() {
	local name=$1 re=$2 err rc
	shift 2
	err=$("$CTL" verify --no-kernel "$@" 2>&1 >/dev/null)
	rc=$?
	if [ $rc -ne 1 ]; then
		fail "$name" "exit $rc (want 1): $err"
	elif ! echo "$err" | grep -Eq "^pktcapctl: .*$re"; then
		fail "$name" "stderr '$err' does not match /$re/"
	else
		ok "$name"
	fi
}

# jget EXPR ARGS...: evaluate EXPR on pktcapctl -j verify --no-kernel's JSON (d).
jget() {
	local expr=$1
	shift
	"$CTL" -j verify --no-kernel "$@" 2>/dev/null |
		python3 -c 'import json,sys; d=json.load(sys.stdin); print(eval(sys.argv[1]))' "$expr"
}

# ossl FILE CERT: "valid" or "invalid" per openssl cms -verify on FILE's
# appended signature, the independent opinion.
ossl() {
	python3 - "$1" "$W/o.sig" "$W/o.data" <<-'EOF' || { echo invalid; return; }
		import struct, sys
		d = open(sys.argv[1], "rb").read()
		assert d.endswith(b"~Module signature appended~\n")
		n = struct.unpack(">I", d[-32:-28])[0]
		assert 0 < n < len(d) - 40
		open(sys.argv[2], "wb").write(d[-40 - n:-40])
		open(sys.argv[3], "wb").write(d[:-40 - n])
	EOF
	if openssl cms -verify -binary -inform DER -in "$W/o.sig" -content "$W/o.data" \
		-certfile "$2" -nointern -noverify -out /dev/null 2>/dev/null; then
		echo valid
	else
		echo invalid
	fi
}

agrees() { # agrees NAME FILE CERT WANT
	local got
	got=$(ossl "$2" "$3")
	if [ "$got" = "$4" ]; then ok "openssl cms agrees: $1 is $4"; else fail "openssl cms agrees: $1 is $4" "openssl says $got"; fi
}

# ------------------------------------------------------------ fixtures
setup() {
	make -s -C "$REPO/userspace" >&2 || return 1
	# A small module-like ELF object: what matters is a .modinfo section.
	cat >"$W/mini.c" <<-'EOF'
		__attribute__((section(".modinfo"), used))
		static const char modinfo[] = "version=9.9\0srcversion=0123456789ABCDEF0123456\0name=pktcap";
		int mini(void) { return 42; }
	EOF
	cc -c -o "$W/mini.o" "$W/mini.c" &&
		echo 'int plain(void) { return 1; }' >"$W/plain.c" &&
		cc -c -o "$W/plain.o" "$W/plain.c" &&
		"$SIGN" --keydir "$W/k1" --out "$W/signed.ko" "$W/mini.o" &&
		"$SIGN" --keydir "$W/k2" --out "$W/other.ko" "$W/mini.o" &&
		"$SIGN" --keydir "$W/k1" --hash sha512 --out "$W/sha512.ko" "$W/mini.o" &&
		"$SIGN" --keydir "$W/k1" --out "$W/noelf.ko" "$W/mini.c" &&
		"$SIGN" --keydir "$W/k1" --out "$W/plain.ko" "$W/plain.o"
} >"$W/sign.log" 2>&1

if ! setup || [ ! -s "$W/signed.ko" ]; then
	echo "not ok 1 - verify: fixtures (see below)"
	sed 's/^/# /' "$W/sign.log"
	exit 1
fi
SIGN_FILE=$(sed -n 's/^sign: signed .*, with \(.*\))$/\1/p' "$W/sign.log" | head -1)
C1=$W/k1/cert.pem
C2=$W/k2/cert.pem
echo "TAP version 13"
ok "fixtures signed with $SIGN_FILE"

# ------------------------------------------------------------ valid
passes "signed object verifies against its certificate" --module "$W/signed.ko" --cert "$C1"
agrees "signed.ko" "$W/signed.ko" "$C1" valid
passes "DER certificate (what mokutil and DKMS use)" --module "$W/signed.ko" --cert "$W/k1/cert.der"
cat "$C2" "$C1" >"$W/bundle.pem"
passes "PEM bundle holding the right certificate second" --module "$W/signed.ko" --cert "$W/bundle.pem"
passes "sha512 signature" --module "$W/sha512.ko" --cert "$C1"
eq_json() { # eq_json NAME WANT EXPR ARGS...
	local name=$1 want=$2 expr=$3 got
	shift 3
	got=$(jget "$expr" "$@")
	if [ "$got" = "$want" ]; then ok "$name"; else fail "$name" "want '$want', got '$got'"; fi
}
eq_json "sha512 reported as the digest" sha512 'd["file"]["digest"]' --module "$W/sha512.ko" --cert "$C1"
eq_json "JSON contract keys" \
	"(['path', 'signed', 'signature_valid', 'signer', 'srcversion_matches'], None)" \
	'[k for k in ["path","signed","signature_valid","signer","srcversion_matches"] if k in d["file"]], d["kernel"]' \
	--module "$W/signed.ko" --cert "$C1"
eq_json "JSON: signed, valid, signer CN, srcversion from .modinfo" \
	"True True pktcap throwaway module signing key ($(hostname)) 0123456789ABCDEF0123456" \
	'" ".join(str(d["file"][k]) for k in ["signed","signature_valid","signer","srcversion"])' \
	--module "$W/signed.ko" --cert "$C1"
if [ -x "$SIGN_FILE" ] && cp "$W/mini.o" "$W/keyid.ko" &&
	"$SIGN_FILE" -k sha256 "$W/k1/key.pem" "$C1" "$W/keyid.ko"; then
	passes "sign-file -k: signer named by subject key id" --module "$W/keyid.ko" --cert "$C1"
	eq_json "sign-file -k: the signer id is the key id" True \
		'd["file"]["signer_id"].startswith("subject key id ")' --module "$W/keyid.ko" --cert "$C1"
	fails "sign-file -k, wrong certificate" 'wrong certificate: signed by another key \(subject key id' \
		--module "$W/keyid.ko" --cert "$C2"
else
	fail "sign-file -k fixture"
fi
if [ -f "$REPO/kmod/pktcap.ko" ] &&
	"$SIGN" --keydir "$W/k1" --out "$W/pktcap.ko" "$REPO/kmod/pktcap.ko" >/dev/null 2>&1; then
	passes "a signed copy of kmod/pktcap.ko verifies" --module "$W/pktcap.ko" --cert "$C1"
else
	echo "ok $((N += 1)) - verify: a signed copy of kmod/pktcap.ko verifies # SKIP not built"
fi

# ------------------------------------------------------------ invalid
fails "wrong certificate" 'signed\.ko: wrong certificate: signed by another key \(issuer .*, serial [0-9A-F]+\), not with the key of' \
	--module "$W/signed.ko" --cert "$C2"
agrees "signed.ko with the wrong certificate" "$W/signed.ko" "$C2" invalid

cp "$W/signed.ko" "$W/body.ko"
printf '\x5a' | dd of="$W/body.ko" bs=1 seek=100 conv=notrunc 2>/dev/null
fails "one changed byte in the body" "body\.ko: the signature does not match the file's contents" \
	--module "$W/body.ko" --cert "$C1"
agrees "one changed byte in the body" "$W/body.ko" "$C1" invalid

size=$(stat -c %s "$W/signed.ko")
cp "$W/signed.ko" "$W/sigbyte.ko"
printf '\x00' | dd of="$W/sigbyte.ko" bs=1 seek=$((size - 60)) conv=notrunc 2>/dev/null
fails "one changed byte in the signature" 'sigbyte\.ko: (the signature does not match|malformed signature)' \
	--module "$W/sigbyte.ko" --cert "$C1"
agrees "one changed byte in the signature" "$W/sigbyte.ko" "$C1" invalid

fails "unsigned" 'mini\.o: not signed \(no "~Module signature appended~" marker\)' \
	--module "$W/mini.o" --cert "$C1"
head -c $((size - 10)) "$W/signed.ko" >"$W/cut.ko"
fails "truncated at the end (marker lost)" 'cut\.ko: not signed' --module "$W/cut.ko" --cert "$C1"
python3 - "$W/signed.ko" "$W/short.ko" "$W/huge.ko" <<'EOF'
import struct, sys
d = open(sys.argv[1], "rb").read()
n = struct.unpack(">I", d[-32:-28])[0]
# Half the signature cut out, header and marker kept.
open(sys.argv[2], "wb").write(d[:-40 - n // 2] + d[-40:])
# sig_len larger than the whole file.
open(sys.argv[3], "wb").write(d[:-32] + struct.pack(">I", len(d) * 2) + d[-28:])
EOF
fails "signature truncated in the middle" 'short\.ko: (malformed signature|the signature does not match|not a kernel module)' \
	--module "$W/short.ko" --cert "$C1"
fails "sig_len larger than the file" 'huge\.ko: malformed signature: sig_len is larger than the file' \
	--module "$W/huge.ko" --cert "$C1"
fails "not ELF (a signed C source)" 'noelf\.ko: not a kernel module \(not an ELF file\)' \
	--module "$W/noelf.ko" --cert "$C1"
fails "ELF without .modinfo" 'plain\.ko: not a kernel module \(no \.modinfo section\)' \
	--module "$W/plain.ko" --cert "$C1"
fails "no --cert: not checked counts as failed" 'signature not checked: no --cert' \
	--module "$W/signed.ko"
fails "a certificate file that holds none" 'mini\.c: cannot read a certificate: no X\.509' \
	--module "$W/signed.ko" --cert "$W/mini.c"
# Compressed as modules_install and DKMS do on 6.12 and later kernels.
xz -c "$W/signed.ko" >"$W/signed.ko.xz"
zstd -qc "$W/signed.ko" >"$W/signed.ko.zst"
gzip -c "$W/signed.ko" >"$W/signed.ko.gz"
for z in xz zst gz; do
	passes "a $z-compressed signed module verifies" --module "$W/signed.ko.$z" --cert "$C1"
done
eq_json "JSON: the compression is reported" "xz True" \
	'd["file"]["compression"] + " " + str(d["file"]["signature_valid"])' \
	--module "$W/signed.ko.xz" --cert "$C1"
eq_json "JSON: compression null for a plain module" None 'd["file"]["compression"]' \
	--module "$W/signed.ko" --cert "$C1"
xz -c "$W/body.ko" >"$W/body.ko.xz"
fails "a compressed module with a changed byte" "body\.ko\.xz: the signature does not match" \
	--module "$W/body.ko.xz" --cert "$C1"
fails "a compressed module with the wrong certificate" 'signed\.ko\.xz: wrong certificate' \
	--module "$W/signed.ko.xz" --cert "$C2"
head -c 300 "$W/signed.ko.xz" >"$W/cut.ko.xz"
fails "a truncated xz file" 'cut\.ko\.xz: xz-compressed, and xz cannot decompress it' \
	--module "$W/cut.ko.xz" --cert "$C1"
fails "a missing module file" 'nonexistent\.ko: cannot read: No such file' \
	--module "$W/nonexistent.ko" --cert "$C1"
fails "a directory" ': not a regular file' --module "$W" --cert "$C1"

# Random bytes before a valid trailer, and hostile headers: never a crash.
crash=
for i in 1 2 3 4 5 6 7 8; do
	head -c $((i * 97)) /dev/urandom >"$W/rand.ko"
	[ $((i % 2)) = 0 ] && tail -c 40 "$W/signed.ko" >>"$W/rand.ko"
	"$CTL" verify --no-kernel --module "$W/rand.ko" --cert "$C1" >/dev/null 2>&1
	rc=$?
	[ $rc -eq 1 ] || crash="$crash exit $rc on $(od -An -tx1 -N16 "$W/rand.ko" | tr -d ' ')"
done
if [ -z "$crash" ]; then ok "random files: exit 1, never a crash"; else fail "random files: exit 1, never a crash" "$crash"; fi

# ------------------------------------------------------------ the kernel side
err=$("$CTL" verify --module "$W/signed.ko" --cert "$C1" 2>&1 >/dev/null)
rc=$?
if [ $rc -eq 1 ] && echo "$err" | grep -q 'module not loaded'; then
	ok "without --no-kernel and no module loaded: says so, exit 1"
else
	fail "without --no-kernel and no module loaded: says so, exit 1" "exit $rc: $err"
fi
"$CTL" verify --no-kernel --require-kernel-verified >/dev/null 2>&1
rc=$?
if [ $rc -eq 2 ]; then ok "--no-kernel with --require-kernel-verified is a usage error"; else fail "--no-kernel with --require-kernel-verified is a usage error" "exit $rc"; fi
"$CTL" verify --bogus >/dev/null 2>&1
rc=$?
if [ $rc -eq 2 ]; then ok "unknown option is a usage error"; else fail "unknown option is a usage error" "exit $rc"; fi

echo "1..$N"
exit $FAILED
