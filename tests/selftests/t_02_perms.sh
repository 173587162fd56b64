#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# t_02_perms.sh - who may do what.
#
# State-changing operations (START, STOP, FLOW_METER, FLOWS) need
# CAP_NET_ADMIN over the caller's network namespace; queries (BACKENDS,
# STATUS, METRICS) need nothing. /dev/pktcap is 0600 root, and opening it
# also needs CAP_NET_RAW or CAP_NET_ADMIN, so a root process without those
# capabilities is refused too. Two kinds of caller are tried: user nobody,
# and root with CAP_NET_ADMIN and CAP_NET_RAW dropped.
. "$(dirname "$0")/lib.sh"

NL_MALFORMED=$REPO/tests/selftests/build/nl_malformed
NOBODY=65534

as_nobody() {
	setpriv --reuid="$NOBODY" --regid="$NOBODY" --clear-groups -- "$@"
}

# Root, but CAP_NET_ADMIN and CAP_NET_RAW leave the bounding set, so the
# exec'd command (and anything it runs) never has them.
as_root_without_net_caps() {
	capsh --drop=cap_net_admin,cap_net_raw -- -c 'exec "$@"' as_root_without_net_caps "$@"
}

# Prints "opened" or the errno name of opening /dev/pktcap read-only.
open_dev() {
	python3 -c '
import errno, os
try:
    os.close(os.open("/dev/pktcap", os.O_RDONLY))
    print("opened")
except OSError as e:
    print(errno.errorcode[e.errno])'
}

# has_net_caps: "True" if the effective set holds CAP_NET_ADMIN (12) or
# CAP_NET_RAW (13), so the callers below are really what they claim.
net_caps_of_caller() {
	python3 -c '
for line in open("/proc/self/status"):
    if line.startswith("CapEff:"):
        print(bool(int(line.split()[1], 16) & (1 << 12 | 1 << 13)))'
}

eq "user nobody has neither CAP_NET_ADMIN nor CAP_NET_RAW" False \
	"$(as_nobody bash -c "$(declare -f net_caps_of_caller); net_caps_of_caller" 2>&1)"
eq "root after capsh --drop has neither CAP_NET_ADMIN nor CAP_NET_RAW" False \
	"$(as_root_without_net_caps bash -c "$(declare -f net_caps_of_caller); net_caps_of_caller" 2>&1)"
eq "root itself has them (the test can tell)" True "$(net_caps_of_caller 2>&1)"

# check_denied WHO RUNNER "ARGS": RUNNER pktcapctl ARGS exits 1 saying
# permission denied and naming CAP_NET_ADMIN.
check_denied() {
	local who=$1 runner=$2 args=$3 out rc
	# shellcheck disable=SC2086 # ARGS is an argument list
	out=$("$runner" "$PKTCAPCTL" $args 2>&1)
	rc=$?
	if [ "$rc" -ne 1 ]; then
		fail "$who: pktcapctl $args is refused" "exit $rc (want 1): $out"
	elif ! grep -qi 'permission denied' <<<"$out" || ! grep -q 'CAP_NET_ADMIN' <<<"$out"; then
		fail "$who: pktcapctl $args is refused" "does not say permission denied / CAP_NET_ADMIN: $out"
	else
		ok "$who: pktcapctl $args is refused: ${out//$'\n'/ }"
	fi
}

# The commands, as argument lists after pktcapctl.
DENIED_COMMANDS=(
	"start -i lo --backend ptype"
	"stop"
	"flow-meter enable -i lo"
	"flow-meter disable"
	"flows"
)
ALLOWED_COMMANDS=("backends" "status" "metrics")

for who in nobody root-without-net-caps; do
	case $who in
	nobody) runner=as_nobody ;;
	*) runner=as_root_without_net_caps ;;
	esac
	for cmd in "${DENIED_COMMANDS[@]}"; do
		check_denied "$who" "$runner" "$cmd"
	done
	for cmd in "${ALLOWED_COMMANDS[@]}"; do
		# shellcheck disable=SC2086
		check "$who: pktcapctl $cmd works" "$runner" "$PKTCAPCTL" $cmd
	done
	# The same at the netlink level, whatever pktcapctl makes of it.
	if [ -x "$NL_MALFORMED" ]; then
		while IFS= read -r line; do
			case $line in
			"ok - "*) ok "$who: netlink ${line#ok - }" ;;
			"not ok - "*) fail "$who: netlink ${line#not ok - }" ;;
			esac
		done <<<"$("$runner" "$NL_MALFORMED" perms 2>&1)"
	else
		fail "$who: netlink permission checks" "nl_malformed not built"
	fi
done

# Nothing of the above may have changed anything.
eq "the refused commands left the capture idle" idle \
	"$("$PKTCAPCTL" -j status 2>/dev/null | json 'd["capture"]["state"]' 2>&1)"

# --------------------------------------------------------------- /dev/pktcap
eq "nobody cannot open /dev/pktcap (mode 0600: EACCES)" EACCES \
	"$(as_nobody bash -c "$(declare -f open_dev); open_dev" 2>&1)"
eq "root without CAP_NET_RAW/CAP_NET_ADMIN cannot open /dev/pktcap (EPERM)" EPERM \
	"$(as_root_without_net_caps bash -c "$(declare -f open_dev); open_dev" 2>&1)"
eq "root can open /dev/pktcap" opened "$(open_dev 2>&1)"
# With only CAP_NET_RAW dropped, CAP_NET_ADMIN is enough, and vice versa.
eq "root with only CAP_NET_ADMIN can open /dev/pktcap" opened \
	"$(capsh --drop=cap_net_raw -- -c "$(declare -f open_dev); open_dev" 2>&1)"
eq "root with only CAP_NET_RAW can open /dev/pktcap" opened \
	"$(capsh --drop=cap_net_admin -- -c "$(declare -f open_dev); open_dev" 2>&1)"
