#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# tests/packaging/check-deb.sh - `make deb`, lintian, then the packages in a
# throwaway guest (tests/vm/run.sh): dpkg -i of both (pktcap-dkms's postinst
# builds and installs the module with DKMS for the guest's kernel), the
# smoke check with the installed pktcapctl, dpkg --purge. TAP on stdout.
#
# dpkg -i rather than `apt install ./*.deb`: the guest has no network, and
# every dependency (dkms, libnl, libpcap, libssl) is already on this
# machine's root, which the guest boots from.
set -euo pipefail

PROG=check-deb
cd "$(dirname "$(readlink -f "$0")")/../.."

die() { echo "$PROG: $1: $2" >&2; exit 1; }

n=0 failed=0
tap() { # tap RC DESCRIPTION
	n=$((n + 1))
	if [[ $1 == 0 ]]; then echo "ok $n - $2"; else echo "not ok $n - $2"; failed=$((failed + 1)); fi
}

if [[ -z ${KVER:-} ]]; then
	KDIR=${KDIR:-$(make -s --no-print-directory -f Makefile kdir-print 2>/dev/null)}
	[[ -n $KDIR ]] || die KDIR "no kernel build tree (scripts/deps.sh check)"
	KVER=$(basename "$(dirname "$(readlink -f "$KDIR")")")
	[[ -d /lib/modules/$KVER ]] || KVER=$(basename "$(dirname "$KDIR")")
fi

mkdir -p build/results
rc=0
packaging/deb/build.sh >&2 || rc=$?
tap "$rc" "make deb builds pktcap-dkms and pktcap-tools"
if [[ $rc != 0 ]]; then
	echo "1..$n"
	exit 1
fi
errors=$(grep -c '^E: ' build/deb/lintian.log || true)
tap "$([[ $errors == 0 ]] && echo 0 || echo 1)" "lintian: no errors ($errors; build/deb/lintian.log)"
echo "# lintian: $(grep -cE '^[EWIPX]: ' build/deb/lintian.log || true) tags in all"

echo "1..$n"

# The guest's TAP (its own numbering and plan) follows; tap-summary.sh adds
# the plans up.
guest=0
tests/vm/run.sh --kernel "/boot/vmlinuz-$KVER" --timeout "${PKTCAP_DEB_GUEST_TIMEOUT:-3600}" \
	--log build/results/deb-guest-console.log --outdir build/results/deb-guest \
	-- tests/packaging/in-guest-deb.sh || guest=$?
[[ $failed == 0 && $guest == 0 ]]
