#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# tests/selftests/run.sh [PATTERN...] - the guest suite: every t_*.sh here
# (or those whose name contains one of the PATTERNs), in
# order, as root inside the guest (tests/vm/run.sh). One TAP stream; the
# plan comes last. Loads pktcap.ko before each file; with
# PKTCAP_SUITE_UNLOAD=1 unloads it after the last one (make check-debug).
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
export REPO=${REPO:-$(cd "$HERE/../.." && pwd)}
export PKTCAP_TAP_DIR
PKTCAP_TAP_DIR=$(mktemp -d /tmp/pktcap-tap.XXXXXX)
: >"$PKTCAP_TAP_DIR/count"
patterns=("$@")
# wanted FILE: no pattern given, or FILE's name contains one of them.
wanted() {
	local p
	[ ${#patterns[@]} -eq 0 ] && return 0
	for p in "${patterns[@]}"; do
		[[ $1 == *$p* ]] && return 0
	done
	return 1
}

echo "TAP version 13"
modprobe -q veth 2>/dev/null
# The C helpers (build/NAME from NAME.c); gcc comes with the host's root.
# A failed build is reported by the tests that need a helper.
make -s -C "$HERE" >&2 || echo "# building the selftest helpers failed (make -C tests/selftests)"
for t in "$HERE"/t_*.sh; do
	wanted "$(basename "$t")" || continue
	echo "# ---- $(basename "$t")"
	start=$(date +%s)
	grep -q '^pktcap ' /proc/modules || insmod "$REPO/kmod/pktcap.ko"
	bash "$t"
	echo "# ---- $(basename "$t") took $(($(date +%s) - start)) s"
done
# The debug-kernel lane unloads the module last, so that the harness's
# kmemleak scan sees whatever pktcap leaked and never freed.
if [ "${PKTCAP_SUITE_UNLOAD:-0}" = 1 ]; then
	# shellcheck disable=SC2016 # expanded by the inner bash
	bash -c '. "$1/lib.sh"; T_FILE=run; check "rmmod pktcap after the suite" rmmod pktcap' \
		sh "$HERE"
fi
n=$(cat "$PKTCAP_TAP_DIR/count")
echo "1..$n"
[ ! -s "$PKTCAP_TAP_DIR/failed" ]
