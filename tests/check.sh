#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# tests/check.sh - what `make check` runs: install what is missing, build,
# run every test (host unit tests, fuzzers for a bounded time, real readers
# and collectors on the host, the whole guest suite in one boot), and end
# with tests/lib/tap-summary.sh's line `N passed, N failed, N skipped`.
#
# Each stage writes TAP to build/results/STAGE.tap and its full output to
# build/results/STAGE.log; a stage that cannot run still leaves a failing
# TAP line, so nothing is silently left out of the count.
set -uo pipefail

cd "$(dirname "$(readlink -f "$0")")/.."
REPO=$PWD
R=$REPO/build/results
rm -rf "$R"
mkdir -p "$R"

say() { echo "check: $*" >&2; }

# stage NAME COMMAND...: runs COMMAND with stdout to NAME.tap, stderr to
# NAME.log; if it produced no TAP result at all, records one failure.
stage() {
	local name=$1 start rc
	shift
	start=$(date +%s)
	say "$name ..."
	"$@" >"$R/$name.tap" 2>"$R/$name.log"
	rc=$?
	say "$name: exit $rc, $(($(date +%s) - start)) s"
	if ! grep -Eq '^(not )?ok\b' "$R/$name.tap"; then
		echo "not ok - $name: produced no result (exit $rc, see $R/$name.log)" >>"$R/$name.tap"
		tail -20 "$R/$name.log" >&2
	fi
}

# build_tap NAME COMMAND...: one TAP line: the build succeeded with no
# compiler warning in its output.
build_tap() {
	local name=$1 log=$R/$1.build.log warnings
	shift
	if ! "$@" >"$log" 2>&1; then
		echo "not ok - $name: build failed (see $log)"
		tail -20 "$log" >&2
		return
	fi
	warnings=$(grep -c 'warning:' "$log")
	if [ "$warnings" -ne 0 ]; then
		echo "not ok - $name: $warnings warnings (see $log)"
		grep 'warning:' "$log" | head -5 >&2
	else
		echo "ok - $name"
	fi
}

scripts/deps.sh check || { echo "not ok - dependencies installed" >"$R/deps.tap"; }

KDIR=${KDIR:-$(make -s --no-print-directory -f Makefile kdir-print 2>/dev/null)}
# /lib/modules/VER/build -> VER (not the symlink's target directory).
KVER=$(basename "$(dirname "$KDIR")")
export KDIR KVER
say "kernel build tree $KDIR, guest kernel $KVER"

{
	build_tap "kmod builds (W=1) without warnings" make -C "$REPO" module KDIR="$KDIR"
	build_tap "kmod passes sparse (C=2)" sh -c "touch kmod/*.c && make -C '$REPO' sparse KDIR='$KDIR'"
	build_tap "userspace builds (-Wall -Wextra -Werror)" make -C "$REPO/userspace"
} >"$R/build.tap"
stage style tests/lib/style.sh
stage spec /usr/bin/python3 tests/lib/check-spec.py
stage unit make -s -C tests/unit run
# The flow parser sees every packet a meter meters: a minute for it.
stage fuzz env FUZZ_SECONDS_flow_parse="${PKTCAP_FUZZ_SECONDS_FLOW:-60}" \
	make -s -C tests/fuzz run FUZZ_SECONDS="${PKTCAP_FUZZ_SECONDS:-15}"
stage dkms tests/dkms/check-dkms.sh
stage cli sh -c "tests/cli/check-completion.sh; tests/cli/check-manpage.sh"
[ -x tests/capfile/check-readers.sh ] && stage capfile tests/capfile/check-readers.sh
[ -x tests/netflow/check-decoders.sh ] && stage netflow tests/netflow/check-decoders.sh
stage verify tests/verify/check-verify.sh
# The guest suite's C helpers, built here: compiling inside the guest is
# many times slower under TCG.
make -s -C tests/selftests >"$R/selftests-build.log" 2>&1 || say "selftests helpers did not build (see $R/selftests-build.log)"
# Signed and tampered module copies for the guest's t_50_verify.sh, made on
# the host where hashing is fast (the guest sees the host's files).
tests/verify/fixtures.sh >"$R/fixtures.log" 2>&1 || say "verify fixtures failed (see $R/fixtures.log)"
# PKTCAP_NO_GUEST=1: host stages only, for quick local runs (a skip, and
# so a failure under CI=true).
if [ -n "${PKTCAP_NO_GUEST:-}" ]; then
	echo "ok - guest suite # SKIP PKTCAP_NO_GUEST set" >"$R/guest.tap"
else
stage guest tests/vm/run.sh --kernel "/boot/vmlinuz-$KVER" --timeout "${PKTCAP_GUEST_TIMEOUT:-3600}" \
	--log "$R/guest-console.log" --outdir "$R/vmout" \
	-- tests/selftests/run.sh
# tshark is too slow under TCG: its verdict on t_40's export captures,
# which the guest handed back, is taken here.
stage export-tshark sh -c "tests/selftests/export_tshark.sh $R/vmout/pktcap-export.*"
# module.sig_enforce=1 needs a boot of its own.
stage sig-enforce tests/verify/sig-enforce.sh
fi
# Other kernels (builds only; sid in a chroot), DKMS in a guest; the .debs
# in a guest only with PKTCAP_CHECK_DEB=1 (CI time: docs/KERNELS.md).
stage matrix-build scripts/kernel-matrix.sh --tap --build-only --no-docs
# DKMS inside the guest compiles the module under TCG (tens of minutes):
# opt-in, like the .deb stage; the host DKMS stage runs always.
[ "${PKTCAP_CHECK_DKMS_GUEST:-0}" = 1 ] && stage dkms-guest tests/dkms/guest-dkms.sh
[ "${PKTCAP_CHECK_DEB:-0}" = 1 ] && stage deb tests/packaging/check-deb.sh

exec tests/lib/tap-summary.sh "$R"/*.tap
