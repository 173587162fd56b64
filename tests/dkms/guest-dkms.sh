#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# tests/dkms/guest-dkms.sh - the DKMS life cycle as a user meets it, in a
# throwaway guest (tests/vm/run.sh): dkms add of a copy of the tree in the
# guest's /usr/src, dkms build and install for the guest's kernel, modprobe
# pktcap, a smoke check, modprobe -r, dkms remove. The guest's root is an
# overlay on this machine's /, so nothing it does stays behind. TAP on
# stdout (tests/dkms/in-guest-dkms.sh's, then the harness's kernel-clean
# line).
#
#   KDIR=...       kernel build tree whose kernel boots (make check's default)
#   KVER=...       or the kernel version directly
set -euo pipefail

PROG=guest-dkms
cd "$(dirname "$(readlink -f "$0")")/../.."

die() { echo "$PROG: $1: $2" >&2; exit 1; }

if [[ -z ${KVER:-} ]]; then
	KDIR=${KDIR:-$(make -s --no-print-directory -f Makefile kdir-print 2>/dev/null)}
	[[ -n $KDIR ]] || die KDIR "no kernel build tree (scripts/deps.sh check)"
	KVER=$(basename "$(dirname "$(readlink -f "$KDIR")")")
	[[ -d /lib/modules/$KVER ]] || KVER=$(basename "$(dirname "$KDIR")")
fi
[[ -r /boot/vmlinuz-$KVER ]] || die "/boot/vmlinuz-$KVER" "missing: the guest boots the kernel DKMS builds for"
[[ -e /lib/modules/$KVER/build/Makefile ]] || die "/lib/modules/$KVER/build" "missing: DKMS needs the kernel's headers"
command -v dkms >/dev/null || die dkms "not installed (scripts/deps.sh check)"

# The smoke check uses the checkout's pktcapctl.
if [[ ! -x userspace/pktcapctl ]]; then
	make -s -C userspace >&2 || die userspace/pktcapctl "the build failed"
fi

mkdir -p build/results
exec tests/vm/run.sh --kernel "/boot/vmlinuz-$KVER" --timeout "${PKTCAP_DKMS_GUEST_TIMEOUT:-3600}" \
	--log build/results/dkms-guest-console.log --outdir build/results/dkms-guest \
	-- tests/dkms/in-guest-dkms.sh
