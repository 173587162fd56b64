#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# tests/dkms/in-guest-dkms.sh - runs inside the guest (tests/dkms/guest-dkms.sh
# starts it): add, build, install, load, smoke-check, unload and remove
# pktcap with DKMS for the running kernel. TAP; the plan comes last. Refuses
# to run outside a tests/vm/run.sh guest (it installs into /lib/modules).
set -euo pipefail

PROG=in-guest-dkms
cd "$(dirname "$(readlink -f "$0")")/../.."
REPO=$PWD
[[ ${PKTCAP_VM:-0} == 1 ]] || { echo "$PROG: not in a pktcap guest: refusing (use tests/dkms/guest-dkms.sh)" >&2; exit 2; }

ver=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' dkms.conf)
kver=$(uname -r)
src=/usr/src/pktcap-$ver
log=${PKTCAP_VM_OUTDIR:-/tmp}/in-guest-dkms
mkdir -p "$log"
n=0 failed=0
# The guest's /dev is a bare devtmpfs; dkms needs /dev/fd for <(...).
[[ -e /dev/fd ]] || ln -s /proc/self/fd /dev/fd
# DKMS's make.log, copied out as it grows (the harness brings $log back).
(while sleep 20; do cp "/var/lib/dkms/pktcap/$ver/build/make.log" "$log/dkms-make.log" 2>/dev/null; done) &
copier=$!
trap 'kill "$copier" 2>/dev/null || true' EXIT

# check DESCRIPTION COMMAND...: one TAP line; the output goes to the log,
# and its tail into the TAP stream when the command fails.
check() {
	local desc=$1 f
	shift
	n=$((n + 1))
	f=$log/$n.log
	if "$@" >"$f" 2>&1; then
		echo "ok $n - $desc"
	else
		echo "not ok $n - $desc (exit $?: $*)"
		tail -n 15 "$f" | sed 's/^/# /'
		failed=$((failed + 1))
	fi
}

echo "# kernel $kver, dkms $(dkms --version 2>/dev/null | awk '{print $NF}'), pktcap $ver"
# The overlay may show what the host's DKMS tree holds: start clean.
dkms remove "pktcap/$ver" --all >/dev/null 2>&1 || true
rm -rf "$src"

copy_tree() {
	mkdir -p "$src"
	git -C "$REPO" ls-files -z --cached --others --exclude-standard |
		while IFS= read -r -d '' f; do
			if [[ -e $f ]]; then printf '%s\0' "$f"; fi
		done | tar --null -T - -cf - | tar -xf - -C "$src"
}
check "a copy of the tree in $src" copy_tree
check "dkms add pktcap/$ver" dkms add "pktcap/$ver"
t0=$(date +%s)
check "dkms build pktcap/$ver -k $kver" dkms build "pktcap/$ver" -k "$kver"
echo "# dkms build took $(($(date +%s) - t0)) s"
check "dkms install pktcap/$ver -k $kver" dkms install "pktcap/$ver" -k "$kver"
installed() { modinfo -k "$kver" -n pktcap | grep -q '/updates/dkms/pktcap\.ko'; }
check "modinfo finds the DKMS module under updates/dkms" installed
check "dkms status says installed" sh -c "dkms status 'pktcap/$ver' -k '$kver' | grep -q installed"
check "modprobe pktcap" modprobe pktcap
loaded() { grep -q '^pktcap ' /proc/modules; }
check "pktcap is loaded" loaded
check "the loaded module is the DKMS one" sh -c "[ \"\$(cat /sys/module/pktcap/version)\" = '$ver' ]"
check "/dev/pktcap exists" test -c /dev/pktcap
check "pktcapctl backends" "$REPO/userspace/pktcapctl" backends
check "pktcapctl status" "$REPO/userspace/pktcapctl" status
check "modprobe -r pktcap" modprobe -r pktcap
check "pktcap is unloaded" sh -c "! grep -q '^pktcap ' /proc/modules"
check "dkms remove pktcap/$ver --all" dkms remove "pktcap/$ver" --all
gone() { ! modinfo -k "$kver" -n pktcap >/dev/null 2>&1 && [[ ! -e /var/lib/dkms/pktcap ]]; }
check "no pktcap module and no DKMS tree left" gone
echo "1..$n"
[[ $failed == 0 ]]
