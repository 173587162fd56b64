#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# tests/packaging/in-guest-deb.sh - inside the guest (tests/packaging/
# check-deb.sh starts it): install build/deb/pktcap-{dkms,tools}_*.deb with
# dpkg -i, load the DKMS-built module, smoke-check with the installed
# pktcapctl, purge both. TAP; the plan comes last.
set -euo pipefail

PROG=in-guest-deb
cd "$(dirname "$(readlink -f "$0")")/../.."
[[ ${PKTCAP_VM:-0} == 1 ]] || { echo "$PROG: not in a pktcap guest: refusing (use tests/packaging/check-deb.sh)" >&2; exit 2; }

kver=$(uname -r)
ver=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' dkms.conf)
log=${PKTCAP_VM_OUTDIR:-/tmp}/in-guest-deb
mkdir -p "$log"
n=0 failed=0
# The guest's /dev is a bare devtmpfs; dkms needs /dev/fd for <(...).
[[ -e /dev/fd ]] || ln -s /proc/self/fd /dev/fd
# DKMS's make.log, copied out as it grows (the harness brings $log back).
(while sleep 20; do cp "/var/lib/dkms/pktcap/$ver/build/make.log" "$log/dkms-make.log" 2>/dev/null; done) &
copier=$!
trap 'kill "$copier" 2>/dev/null || true' EXIT
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

# The overlay shows the host's DKMS tree: make sure no pktcap is in it.
dkms remove "pktcap/$ver" --all >/dev/null 2>&1 || true
rm -rf "/usr/src/pktcap-$ver"

debs=(build/deb/pktcap-dkms_*_all.deb build/deb/pktcap-tools_*_amd64.deb)
echo "# kernel $kver; ${debs[*]}"
t0=$(date +%s)
check "dpkg -i pktcap-dkms pktcap-tools (the postinst builds the module)" \
	env DEBIAN_FRONTEND=noninteractive dpkg -i "${debs[@]}"
echo "# dpkg -i took $(($(date +%s) - t0)) s"
check "both packages are installed" sh -c \
	"dpkg-query -W -f '\${db:Status-Status}\n' pktcap-dkms pktcap-tools | grep -cx installed | grep -qx 2"
check "the sources and dkms.conf are in /usr/src/pktcap-$ver" test -s "/usr/src/pktcap-$ver/dkms.conf"
check "dkms status: pktcap/$ver installed for $kver" sh -c "dkms status 'pktcap/$ver' -k '$kver' | grep -q installed"
check "modprobe pktcap" modprobe pktcap
check "the loaded module is the DKMS one (updates/dkms, version $ver)" sh -c \
	"modinfo -n pktcap | grep -q /updates/dkms/ && [ \"\$(cat /sys/module/pktcap/version)\" = '$ver' ]"
check "/dev/pktcap exists" test -c /dev/pktcap
check "pktcapctl is /usr/sbin/pktcapctl" test "$(command -v pktcapctl)" = /usr/sbin/pktcapctl
check "pktcapctl backends" /usr/sbin/pktcapctl backends
check "pktcapctl status" /usr/sbin/pktcapctl status
if [[ -e docs/pktcapctl.8 ]]; then
	check "man page installed" test -e /usr/share/man/man8/pktcapctl.8.gz
fi
check "modprobe -r pktcap" modprobe -r pktcap
check "dpkg --purge pktcap-tools pktcap-dkms" env DEBIAN_FRONTEND=noninteractive dpkg --purge pktcap-tools pktcap-dkms
gone() {
	! modinfo -k "$kver" -n pktcap >/dev/null 2>&1 && [[ ! -e /usr/src/pktcap-$ver && ! -e /usr/sbin/pktcapctl ]]
}
check "purge leaves no module, sources or pktcapctl" gone
echo "1..$n"
[[ $failed == 0 ]]
