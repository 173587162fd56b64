# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# tests/lib/in-guest.sh - sourced by the install tests that run inside a
# tests/vm/run.sh guest (tests/dkms/in-guest-dkms.sh, tests/packaging/
# in-guest-deb.sh): refuses to run on a real machine, keeps a log per
# check, copies DKMS's make.log out as it grows, and runs the smoke suite
# against what was installed.
#
# Before sourcing: PROG (the script's name) and REPO (the tree's root).

[[ ${PKTCAP_VM:-0} == 1 ]] || {
	echo "$PROG: not in a pktcap guest: refusing (it installs into /lib/modules and /usr)" >&2
	exit 2
}

ver=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$REPO/dkms.conf")
kver=$(uname -r)
log=${PKTCAP_VM_OUTDIR:-/tmp}/$PROG
mkdir -p "$log"
n=0 failed=0
# The guest's /dev is a bare devtmpfs; dkms needs /dev/fd for <(...).
[[ -e /dev/fd ]] || ln -s /proc/self/fd /dev/fd
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

# Start from a DKMS tree without pktcap: the overlay shows the host's.
dkms_clean() {
	dkms remove "pktcap/$ver" --all >/dev/null 2>&1 || true
	rm -rf "/usr/src/pktcap-$ver"
}

# smoke PKTCAPCTL: the guest suite's foundation file (both entry points,
# backends and status in text and JSON, exit codes, rmmod and reload)
# against the installed module and the given pktcapctl.
smoke() {
	local ko
	ko=$(modinfo -k "$kver" -n pktcap) || return 1
	PKTCAPCTL=$1 KO=$ko "$REPO/tests/selftests/run.sh" t_00_foundation
}

# finish: the plan, and the status: 0 if every check passed.
finish() {
	echo "1..$n"
	[[ $failed == 0 ]]
}
