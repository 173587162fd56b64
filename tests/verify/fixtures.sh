#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# tests/verify/fixtures.sh [MODULE.ko [DIR]] - the module files the guest
# test tests/selftests/t_50_verify.sh checks, made from kmod/pktcap.ko into
# build/verify/ (gitignored):
#
#   unsigned.ko   the module with any signature stripped
#   signed.ko     the same, signed with a fresh throwaway key (keys/)
#   tampered.ko   signed.ko with one byte of the module body changed
#   srcv.ko       unsigned.ko with one srcversion character changed, then
#                 signed: a valid signature on code the kernel does not run
#   badlen.ko     signed.ko with sig_len larger than the file
#   other/cert.pem  a certificate of another key (EC, made in a blink)
#
# Run it on the host before the guest suite: the guest sees the host's /,
# and key generation and signing under TCG cost minutes; t_50_verify.sh
# falls back to running this itself in the guest. The files are
# consistent with one another, not with whatever kmod/pktcap.ko is later:
# the test loads its own unsigned.ko. Built in a scratch directory and
# renamed, so a reader never sees half a set.
set -euo pipefail

REPO=$(cd "$(dirname "$(readlink -f "$0")")/../.." && pwd)
KO=${1:-$REPO/kmod/pktcap.ko}
DIR=${2:-$REPO/build/verify}
SIGN=$REPO/scripts/sign.sh

[ -f "$KO" ] || { echo "fixtures: $KO: not built (make module)" >&2; exit 1; }
mkdir -p "$(dirname "$DIR")"
tmp=$(mktemp -d "$DIR.new.XXXXXX")
chmod 755 "$tmp"
trap 'rm -rf "$tmp"' EXIT

"$SIGN" --strip --out "$tmp/unsigned.ko" "$KO" >/dev/null
"$SIGN" --keydir "$tmp/keys" --out "$tmp/signed.ko" "$tmp/unsigned.ko" >/dev/null
cp "$tmp/signed.ko" "$tmp/tampered.ko"
# Offset 100000 is inside the ELF body of any real module, far from the end.
printf 'X' | dd of="$tmp/tampered.ko" bs=1 seek=100000 conv=notrunc 2>/dev/null
mkdir -p "$tmp/other"
openssl req -new -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 \
	-nodes -days 30 -subj "/CN=pktcap verify test: another key" \
	-keyout "$tmp/other/key.pem" -out "$tmp/other/cert.pem" 2>/dev/null
python3 - "$tmp/unsigned.ko" "$tmp/srcv.ko" <<'EOF'
import sys
d = bytearray(open(sys.argv[1], "rb").read())
i = d.index(b"\0srcversion=") + len(b"\0srcversion=")
d[i] = ord("0") if d[i] != ord("0") else ord("1")
open(sys.argv[2], "wb").write(d)
EOF
"$SIGN" --keydir "$tmp/keys" "$tmp/srcv.ko" >/dev/null
python3 - "$tmp/signed.ko" "$tmp/badlen.ko" <<'EOF'
import struct, sys
d = open(sys.argv[1], "rb").read()
open(sys.argv[2], "wb").write(d[:-32] + struct.pack(">I", len(d)) + d[-28:])
EOF
rm -rf "$DIR"
mv "$tmp" "$DIR"
trap - EXIT
echo "fixtures: $DIR from $KO"
