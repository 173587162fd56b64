#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# t_50_verify.sh - pktcapctl verify against the kernel's own view
# (PKTCAP_CMD_VERIFY): the unsigned module, the same module signed with a
# throwaway key, the wrong certificate, a changed byte, a signed module
# whose srcversion is not the loaded one's, another module, not a module,
# and the file lookup without --module.
#
# The files come from tests/verify/fixtures.sh, run on the host before the
# guest (build/verify/); if they are missing it runs here, which under TCG
# takes minutes. They are consistent with one another, so the test loads
# its own unsigned.ko rather than trusting what kmod/pktcap.ko is now.
#
# What the kernel says about our signature is the honest result: the
# throwaway key is in none of its keyrings, so even the signed module is
# "not verified" and taints E. Only a key enrolled with MOK (or built into
# the kernel) would change that; a guest without EFI cannot show it.
. "$(dirname "$0")/lib.sh"

W=$(mktemp -d /tmp/pktcap-verify.XXXXXX)
trap 'rm -rf "$W"' EXIT
F=${PKTCAP_VERIFY_FIXTURES:-$REPO/build/verify}

# load FILE: replace the loaded pktcap with FILE.
load() {
	pktcap_unload && insmod "$1"
}

# fields EXPR...: the values of EXPRs (python, on $J as d), space-separated.
fields() {
	echo "$J" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(" ".join(str(eval(e)) for e in sys.argv[1:]))' "$@"
}

cp "$KO" "$W/suite.ko"	# the suite's module, as it is now
if [ ! -s "$F/signed.ko" ]; then
	diag "no fixtures in $F: making them in the guest (run tests/verify/fixtures.sh on the host first: it is much faster)"
	F=$W/fixtures
	check "make the fixtures in the guest" "$REPO/tests/verify/fixtures.sh" "$KO" "$F"
fi
CERT=$F/keys/cert.pem
OTHER=$F/other/cert.pem
mountpoint -q /sys/kernel/security || mount -t securityfs securityfs /sys/kernel/security 2>/dev/null

# ---- the unsigned module
check "load the unsigned module" load "$F/unsigned.ko"
J=$("$PKTCAPCTL" -j verify --module "$F/unsigned.ko" --cert "$CERT" 2>/dev/null)
# What verify must say of lockdown: the mode where the lockdown LSM runs,
# "none" where securityfs shows a kernel without it, unknown (null) where
# there is no securityfs at all (the debug kernel's config).
if [ -r /sys/kernel/security/lockdown ]; then
	ld=$(sed 's/.*\[\(.*\)\].*/\1/' /sys/kernel/security/lockdown)
elif [ -r /sys/kernel/security/lsm ]; then
	ld=none
else
	ld=None
fi
eq "unsigned: kernel not verified, sig_enforce off, lockdown $ld" "False False $ld" \
	"$(fields 'd["kernel"]["signature_verified"]' 'd["kernel"]["sig_enforce"]' 'd["kernel"]["lockdown"]')"
# The two other cases, in a mount namespace of their own: a securityfs
# whose LSM list has no lockdown, and no securityfs at all.
lockdown_with() {
	unshare -m sh -c 'mount -t tmpfs none /sys/kernel/security &&
		{ [ -z "$1" ] || echo "$1" >/sys/kernel/security/lsm; } &&
		"$2" -j verify --module "$3" --cert "$4" 2>/dev/null' sh "$1" \
		"$PKTCAPCTL" "$F/unsigned.ko" "$CERT" |
		python3 -c 'import json,sys; print(json.load(sys.stdin)["kernel"]["lockdown"])'
}
eq "lockdown: no lockdown LSM in securityfs's list is none" none \
	"$(lockdown_with capability,landlock,yama,apparmor)"
eq "lockdown: no securityfs is unknown (null)" None "$(lockdown_with '')"
taint=$(fields 'd["kernel"]["taint"]')
eq "unsigned: taint has E (unsigned) and O (out of tree)" "EO" \
	"$(echo "$taint" | grep -o '[EO]' | sort | tr -d '\n')"
eq "taint matches /sys/module/pktcap/taint" "$(cat /sys/module/pktcap/taint)" "$taint"
eq "unsigned file: JSON signed false, not valid, srcversion matches" "False False True" \
	"$(fields 'd["file"]["signed"]' 'd["file"]["signature_valid"]' 'd["file"]["srcversion_matches"]')"
check_fails "unsigned file: precise error, exit 1" \
	'unsigned\.ko: not signed \(no "~Module signature appended~" marker\)' \
	"$PKTCAPCTL" verify --module "$F/unsigned.ko" --cert "$CERT"

# ---- signed copies, while the unsigned one (same sources) is loaded
check "signed copy verifies against its certificate" \
	"$PKTCAPCTL" verify --module "$F/signed.ko" --cert "$CERT"
check_fails "signed copy fails against another certificate" \
	'wrong certificate: signed by another key' \
	"$PKTCAPCTL" verify --module "$F/signed.ko" --cert "$OTHER"
check_fails "one changed byte fails the signature" \
	"does not match the file's contents" \
	"$PKTCAPCTL" verify --module "$F/tampered.ko" --cert "$CERT"
check_fails "validly signed, but not the loaded code: srcversion differs" \
	"srcv\\.ko: srcversion [0-9A-F]+ differs from the loaded module's" \
	"$PKTCAPCTL" verify --module "$F/srcv.ko" --cert "$CERT"
check_fails "sig_len beyond the file: pktcapctl says malformed" \
	'badlen\.ko: malformed signature: sig_len is larger than the file' \
	"$PKTCAPCTL" verify --module "$F/badlen.ko" --cert "$CERT"
# The kernel agrees, and refuses it even without sig_enforce: a signature
# it cannot parse is fatal, unlike a missing one.
check_fails "sig_len beyond the file: the kernel refuses it (EBADMSG)" \
	'Bad message' insmod "$F/badlen.ko"
check_fails "no --cert: signature not checked, exit 1" \
	'signature not checked: no --cert' \
	"$PKTCAPCTL" verify --module "$F/signed.ko"

# ---- load the signed copy: the kernel still cannot verify our key
check "load the signed module" load "$F/signed.ko"
out=$("$PKTCAPCTL" verify --module "$F/signed.ko" --cert "$CERT" 2>&1)
rc=$?
if [ $rc -eq 0 ] && echo "$out" | grep -q '^verdict: ok'; then
	ok "loaded signed module: file checks pass (exit 0)"
else
	fail "loaded signed module: file checks pass (exit 0)" "exit $rc: $(echo "$out" | tail -3 | tr '\n' ' ')"
fi
J=$("$PKTCAPCTL" -j verify --module "$F/signed.ko" --cert "$CERT" 2>/dev/null)
eq "signed with a throwaway key: kernel says not verified, taint E" "False True" \
	"$(fields 'd["kernel"]["signature_verified"]' '"E" in d["kernel"]["taint"]')"
diag "the kernel verifies only keys in its keyrings (builtin, MOK): ours is in none"
eq "JSON: signed, valid, srcversion matches, ok" "True True True True" \
	"$(fields 'd["file"]["signed"]' 'd["file"]["signature_valid"]' 'd["file"]["srcversion_matches"]' 'd["ok"]')"
eq "JSON: signer is the certificate's CN" "pktcap throwaway module signing key" \
	"$(fields 'd["file"]["signer"].split(" (")[0]')"
check_fails "--require-kernel-verified makes the kernel's verdict count" \
	'did not verify the signature at load' \
	"$PKTCAPCTL" verify --module "$F/signed.ko" --cert "$CERT" --require-kernel-verified

# ---- no --module: the file modinfo names. Installed into a tmpfs over
# /lib/modules/VER in a private mount namespace: quick, and nothing else
# in the guest sees it.
# shellcheck disable=SC2016 # expanded by the inner sh
out=$(unshare -m sh -c 'set -e
	mount -t tmpfs tmpfs "/lib/modules/$1"
	mkdir -p "/lib/modules/$1/updates"
	cp "$2" "/lib/modules/$1/updates/pktcap.ko"
	depmod "$1" 2>/dev/null
	"$3" verify --cert "$4"' sh "$(uname -r)" "$F/signed.ko" "$PKTCAPCTL" "$CERT" 2>&1)
rc=$?
if [ $rc -eq 0 ] && echo "$out" | grep -q "^file: /lib/modules/$(uname -r)/updates/pktcap.ko (from modinfo -n pktcap)"; then
	ok "without --module: checks the installed file modinfo names"
else
	fail "without --module: checks the installed file modinfo names" "exit $rc: $(echo "$out" | grep -E '^file|FAIL|pktcapctl:' | tr '\n' ' ')"
fi

# ---- files that are not the loaded module
veth=$(modinfo -n veth 2>/dev/null)
if [ -n "$veth" ] && [ -f "$veth" ]; then
	check_fails "another module is named as such" \
		'veth\.ko(\.xz|\.zst|\.gz)?: kernel module veth, not pktcap' \
		"$PKTCAPCTL" verify --module "$veth" --cert "$CERT"
else
	skip "another module is named as such" "no veth.ko"
fi
check_fails "not a module: precise error" 'not a kernel module \(not an ELF file\)' \
	"$PKTCAPCTL" verify --module /etc/hostname --cert "$CERT"
if modinfo -n pktcap >/dev/null 2>&1; then
	skip "without --module, an insmod'ed pktcap needs --module" "pktcap is installed"
else
	check_fails "without --module, an insmod'ed pktcap needs --module" \
		'give --module PATH' "$PKTCAPCTL" verify --cert "$CERT"
fi

# Leave the suite's own module loaded for the next test file.
check "reload the suite's module" load "$W/suite.ko"
