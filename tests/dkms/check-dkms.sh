#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# tests/dkms/check-dkms.sh - the DKMS install path on the host: `dkms add`
# of a pristine copy of the tree (what git tracks), `dkms build` against the
# installed headers, then `dkms remove`. TAP. Loading the DKMS-built module
# happens in the guest suite.
set -uo pipefail
cd "$(dirname "$(readlink -f "$0")")/../.."
ver=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' dkms.conf)
# The module directory name (/lib/modules/VER/build), not where its build
# symlink points (Debian: /usr/src/linux-headers-VER).
kver=${KVER:-$(basename "$(dirname "${KDIR:-/lib/modules/$(ls /lib/modules | sort -V | tail -1)/build}")")}
n=0
tap() { n=$((n + 1)); if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fi; }

grep -q "^#define PKTCAP_VERSION \"$ver\"" kmod/pktcap.h
tap $? "dkms.conf PACKAGE_VERSION $ver matches the module's version"

src=/usr/src/pktcap-$ver
dkms remove "pktcap/$ver" --all >/dev/null 2>&1
rm -rf "$src"
mkdir -p "$src"
git ls-files -z | xargs -0 tar -cf - | tar -xf - -C "$src"
dkms add "pktcap/$ver" >"$src.add.log" 2>&1
tap $? "dkms add pktcap/$ver"
dkms build "pktcap/$ver" -k "$kver" >"$src.build.log" 2>&1
rc=$?
tap $rc "dkms build pktcap/$ver -k $kver"
[ $rc = 0 ] || tail -20 "$src.build.log" | sed 's/^/# /'
dkms status "pktcap/$ver" | grep -q "$kver.*built"
tap $? "dkms status shows pktcap built for $kver"
dkms remove "pktcap/$ver" --all >/dev/null 2>&1
tap $? "dkms remove pktcap/$ver"
rm -rf "$src" "$src".*.log
echo "1..$n"
