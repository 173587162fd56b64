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
# shellcheck source=tests/lib/in-guest.sh
. "$REPO/tests/lib/in-guest.sh"
src=/usr/src/pktcap-$ver

echo "# kernel $kver, dkms $(dkms --version 2>/dev/null | awk '{print $NF}'), pktcap $ver"
dkms_clean

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
check "the smoke suite (t_00_foundation) on the DKMS module" smoke "$REPO/userspace/pktcapctl"
grep -E '^(not )?ok ' "$log/$n.log" | sed 's/^/#   /' | tail -n 3
check "modprobe -r pktcap" modprobe -r pktcap
check "pktcap is unloaded" sh -c "! grep -q '^pktcap ' /proc/modules"
check "dkms remove pktcap/$ver --all" dkms remove "pktcap/$ver" --all
gone() { ! modinfo -k "$kver" -n pktcap >/dev/null 2>&1 && [[ ! -e /var/lib/dkms/pktcap ]]; }
check "no pktcap module and no DKMS tree left" gone
finish
