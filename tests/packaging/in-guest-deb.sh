#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# tests/packaging/in-guest-deb.sh - inside the guest (tests/packaging/
# check-deb.sh starts it): install build/deb/pktcap-{dkms,tools}_*.deb with
# apt-get, load the DKMS-built module, run the smoke suite with the
# installed pktcapctl, purge both. TAP; the plan comes last.
set -euo pipefail

PROG=in-guest-deb
cd "$(dirname "$(readlink -f "$0")")/../.."
REPO=$PWD
# shellcheck source=tests/lib/in-guest.sh
. "$REPO/tests/lib/in-guest.sh"
dkms_clean

# apt takes a local package only by an absolute path.
debs=("$REPO"/build/deb/pktcap-dkms_*_all.deb "$REPO"/build/deb/pktcap-tools_*_amd64.deb)
echo "# kernel $kver; ${debs[*]}"
t0=$(date +%s)
# apt, as users install them. The guest has no network: every dependency
# is already on the root it boots from.
check "apt-get install pktcap-dkms pktcap-tools (the postinst builds the module)" \
	env DEBIAN_FRONTEND=noninteractive apt-get install -y "${debs[@]}"
echo "# apt-get install took $(($(date +%s) - t0)) s"
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
check "the smoke suite (t_00_foundation) on the packaged module and pktcapctl" smoke /usr/sbin/pktcapctl
grep -E '^(not )?ok ' "$log/$n.log" | sed 's/^/#   /' | tail -n 3
if [[ -e docs/pktcapctl.8 ]]; then
	check "man page installed" test -e /usr/share/man/man8/pktcapctl.8.gz
fi
check "modprobe -r pktcap" modprobe -r pktcap
check "dpkg --purge pktcap-tools pktcap-dkms" env DEBIAN_FRONTEND=noninteractive dpkg --purge pktcap-tools pktcap-dkms
gone() {
	! modinfo -k "$kver" -n pktcap >/dev/null 2>&1 && [[ ! -e /usr/src/pktcap-$ver && ! -e /usr/sbin/pktcapctl ]]
}
check "purge leaves no module, sources or pktcapctl" gone
finish
