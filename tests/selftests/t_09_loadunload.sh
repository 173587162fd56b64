#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# t_09_loadunload.sh - unloading leaves nothing behind: no /dev/pktcap, no
# "pktcap" genetlink family, no /sys/module/pktcap; twenty load/unload
# cycles in a row; unloading with a capture session or a flow meter still
# running; and no unloading while a reader holds /dev/pktcap.
. "$(dirname "$0")/lib.sh"

NL_MALFORMED=$REPO/tests/selftests/build/nl_malformed
NL_LOADUNLOAD=$REPO/tests/selftests/build/nl_loadunload
CYCLES=${PKTCAP_LOAD_CYCLES:-20}

family_registered() {
	if command -v genl >/dev/null; then
		genl ctrl list 2>/dev/null | grep -Eq '^Name: pktcap$'
	else
		"$NL_MALFORMED" family >/dev/null 2>&1
	fi
}

# left_behind: prints what of the module is still visible, nothing if clean.
left_behind() {
	[ ! -e /dev/pktcap ] || echo "/dev/pktcap"
	[ ! -e /sys/module/pktcap ] || echo "/sys/module/pktcap"
	! family_registered || echo "genl family pktcap"
	! "$NL_MALFORMED" family >/dev/null 2>&1 || echo "family resolves through nlctrl"
	! grep -q '^pktcap ' /proc/modules || echo "pktcap in /proc/modules"
}

# present: the module's entry points are all there.
present() {
	[ -c /dev/pktcap ] && family_registered &&
		"$NL_MALFORMED" family >/dev/null && "$PKTCAPCTL" status >/dev/null
}

# unload_clean NAME: rmmod must work and leave nothing.
unload_clean() {
	local name=$1 out
	if ! out=$(rmmod pktcap 2>&1); then
		fail "$name: rmmod" "$out"
		return
	fi
	out=$(left_behind)
	eq "$name: rmmod leaves nothing behind" "" "${out//$'\n'/, }"
}

[ -x "$NL_MALFORMED" ] || fail "nl_malformed is built" "missing $NL_MALFORMED"

pktcap_load
check "loaded: /dev/pktcap, the genl family and STATUS are there" present
unload_clean "idle module"

# --------------------------------------------------------------- cycles
# In one process (nl_loadunload.c): from a shell, twenty cycles of insmod,
# genl, rmmod cost minutes of exec under TCG.
if [ -x "$NL_LOADUNLOAD" ]; then
	out=$("$NL_LOADUNLOAD" "$KO" "$CYCLES" 2>&1)
	case $out in
	"ok - "*) ok "${out#ok - }" ;;
	*) fail "$CYCLES load/unload cycles" "${out#not ok - }" ;;
	esac
else
	fail "$CYCLES load/unload cycles" "missing $NL_LOADUNLOAD"
fi
out=$(left_behind)
eq "after the cycles nothing is left" "" "${out//$'\n'/, }"

# ----------------------------------------------- unload with things running
pktcap_load
if "$NL_MALFORMED" start lo; then
	eq "a capture session runs on lo (no reader)" running \
		"$("$PKTCAPCTL" -j status 2>/dev/null | json 'd["capture"]["state"]' 2>&1)"
	unload_clean "running capture session"
else
	fail "a capture session starts on lo"
fi
check "lo still carries traffic after unloading under a session" ping -c 1 -W 2 127.0.0.1

pktcap_load
if "$PKTCAPCTL" flow-meter --help >/dev/null 2>&1; then
	check "the flow meter runs on lo" "$PKTCAPCTL" flow-meter enable -i lo
	ping -c 3 -i 0.2 127.0.0.1 >/dev/null 2>&1
	"$NL_MALFORMED" start lo >/dev/null 2>&1
	unload_clean "running flow meter and capture session"
else
	skip "unload with the flow meter running" "pktcapctl has no flow-meter command"
fi

# ------------------------------------------------- a reader pins the module
pktcap_load
holds_dev() { # holds_dev PID: PID has /dev/pktcap open
	local fd
	for fd in /proc/"$1"/fd/*; do
		[ "$(readlink "$fd" 2>/dev/null)" = /dev/pktcap ] && return 0
	done
	return 1
}
python3 -c 'import os, time; fd = os.open("/dev/pktcap", os.O_RDONLY); time.sleep(60)' &
reader=$!
for ((i = 0; i < 50; i++)); do
	holds_dev "$reader" && break
	sleep 0.1
done
if holds_dev "$reader"; then
	check_fails "rmmod is refused while a reader holds /dev/pktcap" "in use|busy" rmmod pktcap
	check "the module is still fully there" present
else
	fail "a reader opens /dev/pktcap" "python3 did not open it"
fi
kill "$reader" 2>/dev/null
wait "$reader" 2>/dev/null
unload_clean "after the reader closed"
check "the module loads again" pktcap_load
