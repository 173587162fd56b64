#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# tests/verify/sig-enforce.sh - a kernel booted with module.sig_enforce=1
# refuses pktcap unless its signing key is in the kernel's keyrings.
#
# On the host: makes an unsigned and a throwaway-signed copy of
# kmod/pktcap.ko under build/ (the guest's root is the host's /, so it sees
# them), then boots one guest with module.sig_enforce=1 (tests/vm/run.sh)
# and runs this script again inside it with --guest. In the guest:
#   - both copies are refused with EKEYREJECTED ("Key was rejected by
#     service"), and dmesg says why (unsigned / unavailable key);
#   - a module Debian signed (dummy.ko) still loads: enforcement is on,
#     not broken;
#   - pktcapctl verify still checks the file and says the module is not
#     loaded.
# TAP on stdout; one boot: 58 s under load, TCG (10-20 s idle). Needs what tests/vm/run.sh needs.
set -u

HERE=$(cd "$(dirname "$(readlink -f "$0")")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)

# ------------------------------------------------------------ guest side
N=0
FAILED=0
ok() { N=$((N + 1)); echo "ok $N - sig-enforce: $1"; }
fail() { N=$((N + 1)); FAILED=1; echo "not ok $N - sig-enforce: $1${2:+: $2}"; }

# refused NAME FILE DMESG-PATTERN: insmod FILE must fail with EKEYREJECTED
# and the kernel log must say why.
refused() {
	local name=$1 file=$2 pat=$3 out
	if out=$(insmod "$file" 2>&1); then
		fail "$name is refused" "insmod succeeded"
		rmmod pktcap 2>/dev/null
		return
	fi
	if echo "$out" | grep -q 'Key was rejected by service'; then
		ok "$name is refused with EKEYREJECTED"
	else
		fail "$name is refused with EKEYREJECTED" "insmod said: $out"
	fi
	if dmesg | grep -q "$pat"; then
		ok "$name: dmesg explains: $pat"
	else
		fail "$name: dmesg explains: $pat" "$(dmesg | tail -3 | tr '\n' ' ')"
	fi
}

guest() {
	local dir=$1 ctl=$REPO/userspace/pktcapctl out
	echo "TAP version 13"
	if [ "$(cat /sys/module/module/parameters/sig_enforce)" = Y ]; then
		ok "module.sig_enforce=1 is in force"
	else
		fail "module.sig_enforce=1 is in force"
	fi
	refused "the unsigned module" "$dir/unsigned.ko" \
		'Loading of unsigned module is rejected'
	refused "the module signed with a throwaway key" "$dir/signed.ko" \
		'Loading of module with unavailable key is rejected'
	if grep -q '^pktcap ' /proc/modules; then
		fail "pktcap is not loaded"
	else
		ok "pktcap is not loaded"
	fi
	if modprobe dummy 2>/dev/null && [ -z "$(cat /sys/module/dummy/taint)" ]; then
		ok "a module Debian signed still loads, untainted"
	else
		fail "a module Debian signed still loads, untainted"
	fi
	if ! out=$("$ctl" verify --module "$dir/signed.ko" --cert "$dir/keys/cert.pem" 2>&1) &&
		echo "$out" | grep -q 'module not loaded' &&
		echo "$out" | grep -q 'ok    signature: valid'; then
		ok "pktcapctl verify: file valid, module not loaded, exit 1"
	else
		fail "pktcapctl verify: file valid, module not loaded, exit 1" \
			"$(echo "$out" | tail -3 | tr '\n' ' ')"
	fi
	echo "1..$N"
	return $FAILED
}

if [ "${1:-}" = --guest ]; then
	guest "$2"
	exit
fi

# ------------------------------------------------------------ host side
KO=${KO:-$REPO/kmod/pktcap.ko}
[ -f "$KO" ] || { echo "1..0 # SKIP $KO not built (make module)"; exit 0; }
[ -x "$REPO/userspace/pktcapctl" ] || { echo "1..0 # SKIP pktcapctl not built"; exit 0; }
mkdir -p "$REPO/build"
DIR=$(mktemp -d "$REPO/build/sig-enforce.XXXXXX")
trap 'rm -rf "$DIR"' EXIT
if ! "$REPO/scripts/sign.sh" --strip --out "$DIR/unsigned.ko" "$KO" >&2 ||
	! "$REPO/scripts/sign.sh" --keydir "$DIR/keys" --out "$DIR/signed.ko" "$KO" >&2; then
	echo "not ok - sig-enforce: sign copies of $KO"
	exit 1
fi
start=$(date +%s)
cd "$REPO" || exit 1
"$REPO/tests/vm/run.sh" --append "module.sig_enforce=1" -- \
	bash "$HERE/sig-enforce.sh" --guest "$DIR"
rc=$?
echo "# sig-enforce: one boot, $(($(date +%s) - start)) s"
exit $rc
