#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# scripts/sign.sh - sign a kernel module the way the kernel's own build does.
#
#   scripts/sign.sh [--key KEY.pem --cert CERT.pem] [--hash sha256]
#                   [--kdir KDIR] [--out OUT.ko] [--keydir DIR] MODULE.ko
#   scripts/sign.sh --strip [--out OUT.ko] MODULE.ko
#
# Uses the kernel build tree's scripts/sign-file (appends a PKCS#7 signature,
# no signed attributes, signer named by issuer and serial). Without --key
# and --cert it generates a throwaway key pair once under DIR (default
# build/signing, gitignored) and reuses it: good for tests and for seeing
# how signing works, useless for trust, since no kernel knows that key.
# A module that is already signed is stripped first, so signing twice
# gives one signature, not a signature over a signature; --strip only
# removes it (the tests use that for an unsigned copy).
#
# `make sign [SIGN_KEY=... SIGN_CERT=...]` runs this on kmod/pktcap.ko.
# See docs/INTEGRITY.md.
set -euo pipefail

PROG=sign
REPO=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
MARKER_HEX=$(printf '~Module signature appended~\n' | od -An -tx1 | tr -d ' \n')

die() { echo "$PROG: $1: $2" >&2; exit 1; }
say() { echo "$PROG: $*"; }

usage() {
	sed -n '3,18s/^# \{0,1\}//p' "$0"
	exit "${1:-0}"
}

KEY='' CERT='' HASH=sha256 KDIR=${KDIR:-} OUT='' KEYDIR=$REPO/build/signing STRIP=0
while [ $# -gt 0 ]; do
	case $1 in
	--key) KEY=${2:?}; shift 2 ;;
	--cert) CERT=${2:?}; shift 2 ;;
	--hash) HASH=${2:?}; shift 2 ;;
	--kdir) KDIR=${2:?}; shift 2 ;;
	--out) OUT=${2:?}; shift 2 ;;
	--keydir) KEYDIR=${2:?}; shift 2 ;;
	--strip) STRIP=1; shift ;;
	-h | --help) usage 0 ;;
	-*) die "$1" "unknown option (see --help)" ;;
	*) break ;;
	esac
done
[ $# -eq 1 ] || usage 2 >&2
MODULE=$1
[ -f "$MODULE" ] || die "$MODULE" "no such module (make module first)"
if { [ -n "$KEY" ] && [ -z "$CERT" ]; } || { [ -z "$KEY" ] && [ -n "$CERT" ]; }; then
	die "key" "give both --key and --cert (SIGN_KEY and SIGN_CERT), or neither"
fi

# The build tree's sign-file; Debian's kbuild package ships it compiled.
# As a last resort, compile it from linux-source (tests/lib/kernel-tools.sh).
find_sign_file() {
	local f src
	for f in ${KDIR:+"$KDIR/scripts/sign-file"} \
		/lib/modules/"$(uname -r)"/build/scripts/sign-file \
		/usr/lib/linux-kbuild-*/scripts/sign-file; do
		[ -x "$f" ] && { echo "$f"; return; }
	done
	src=$("$REPO/tests/lib/kernel-tools.sh") || return 1
	mkdir -p "$KEYDIR"
	cc -O2 -o "$KEYDIR/sign-file" "$src/scripts/sign-file.c" -lcrypto >&2 || return 1
	echo "$KEYDIR/sign-file"
}

# The extensions the kernel's own certs/default_x509.genkey asks for: a
# leaf certificate (CA:FALSE) for code signing with a subject key id.
throwaway_key() {
	KEY=$KEYDIR/key.pem
	CERT=$KEYDIR/cert.pem
	if [ -s "$KEY" ] && [ -s "$CERT" ]; then
		say "using the throwaway key $KEY (certificate $CERT)"
		return
	fi
	mkdir -p "$KEYDIR"
	cat >"$KEYDIR/x509.genkey" <<-EOF
		[ req ]
		default_bits = 2048
		distinguished_name = req_distinguished_name
		prompt = no
		string_mask = utf8only
		x509_extensions = v3_codesign
		[ req_distinguished_name ]
		O = pktcap
		CN = pktcap throwaway module signing key ($(hostname))
		[ v3_codesign ]
		basicConstraints = critical,CA:FALSE
		keyUsage = digitalSignature
		extendedKeyUsage = codeSigning
		subjectKeyIdentifier = hash
		authorityKeyIdentifier = keyid
	EOF
	(umask 077 && openssl req -new -x509 -newkey rsa:2048 -nodes -utf8 -sha256 \
		-days 3650 -batch -config "$KEYDIR/x509.genkey" \
		-keyout "$KEY" -out "$CERT" 2>/dev/null) ||
		die "openssl req" "could not generate a key pair in $KEYDIR"
	chmod 644 "$CERT"
	# mokutil --import wants DER.
	openssl x509 -in "$CERT" -outform DER -out "$KEYDIR/cert.der"
	say "generated a throwaway key pair: $KEY (private, mode 600), $CERT (+ cert.der)"
	say "no kernel trusts it: it proves the file, not the load (see docs/INTEGRITY.md)"
}

# Drop an appended signature: [data][sig][12-byte header][marker + \n].
strip_signature() {
	local f=$1 size siglen keep
	size=$(stat -c %s "$f")
	[ "$size" -gt 40 ] || return 0
	# In hex: the tail may hold NULs, and a minimal guest has no /dev/fd
	# for a <(...) to compare against.
	[ "$(tail -c 28 "$f" | od -An -tx1 | tr -d ' \n')" = "$MARKER_HEX" ] || return 0
	siglen=$(tail -c 32 "$f" | head -c 4 | od -An -tu1 |
		awk '{ print $1 * 16777216 + $2 * 65536 + $3 * 256 + $4 }')
	keep=$((size - 40 - siglen))
	[ "$keep" -gt 0 ] || die "$f" "malformed signature (sig_len $siglen): not re-signing it"
	truncate -s "$keep" "$f"
	say "removed the old signature of $f"
}

if [ -n "$OUT" ]; then
	mkdir -p "$(dirname "$OUT")"
	[ "$MODULE" -ef "$OUT" ] || cp "$MODULE" "$OUT"
	MODULE=$OUT
fi
if [ "$STRIP" = 1 ]; then
	strip_signature "$MODULE"
	say "$MODULE is unsigned"
	exit 0
fi

SIGN_FILE=$(find_sign_file) || die "sign-file" "not found: install linux-headers-$(uname -r) or set KDIR"
[ -n "$KEY" ] || throwaway_key
[ -r "$KEY" ] || die "$KEY" "private key not readable"
[ -r "$CERT" ] || die "$CERT" "certificate not readable"
strip_signature "$MODULE"
"$SIGN_FILE" "$HASH" "$KEY" "$CERT" "$MODULE" ||
	die "$MODULE" "$SIGN_FILE failed"
say "signed $MODULE ($HASH, key $KEY, with $SIGN_FILE)"
say "check it: pktcapctl verify --module $MODULE --cert $CERT"
