#!/bin/bash
# tests/vm/selftest.sh - check tests/vm/run.sh itself (TAP on stdout).
#
# Boots the guest five times (about a minute under TCG): exit status and output
# come back, test output that merely looks like a kernel warning does not fail,
# a WARN, a panic (sysrq-c), a forbidden taint and a hang are each reported as
# failures with the right status instead of passing or waiting for the timeout.
set -euo pipefail

HERE=$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")
RUN=$HERE/run.sh
W=$HERE/out/selftest
rm -rf "$W"
mkdir -p "$W/mod"

KVER=${KVER:-}
if [[ -z $KVER ]]; then
	# the same kernel run.sh boots by default
	for k in $(find /boot -maxdepth 1 -name 'vmlinuz-*' | sort -V); do
		v=${k#/boot/vmlinuz-}
		[[ -d /lib/modules/$v ]] && KVER=$v
	done
fi

echo "TAP version 13"
echo "1..6"
n=0
result() { # result OK DESC [DETAIL]
	n=$((n + 1))
	if [[ $1 == 1 ]]; then echo "ok $n $2"; else echo "not ok $n $2${3:+ # $3}"; fi
}

# Runs run.sh; sets RC, OUT (its stdout), SECS.
vm() {
	local t0 args
	t0=$(date +%s)
	RC=0
	"$RUN" --log "$W/console-$((n + 1)).log" "$@" >"$W/stdout" 2>"$W/stderr" || RC=$?
	SECS=$(($(date +%s) - t0))
	OUT=$(<"$W/stdout")
	args=$(tr -s '\n\t' '  ' <<<"$*")
	echo "# run.sh ${args:0:70}: exit $RC after ${SECS}s; $(grep -E '^(ok|not ok) - guest' "$W/stdout" || echo 'no harness line')"
}

cp "$HERE/selftest/vmtest_mod.c" "$HERE/selftest/Kbuild" "$W/mod/"
if ! make -s -C "/lib/modules/$KVER/build" M="$W/mod" modules >"$W/mod/build.log" 2>&1; then
	sed 's/^/# /' "$W/mod/build.log"
	echo "Bail out! cannot build the self-test module for $KVER"
	exit 1
fi
MOD=$W/mod/vmtest_mod.ko

# 1. status, output, environment, outdir; fake warning text in the output.
# shellcheck disable=SC2016 # expanded in the guest
vm --outdir "$W/files" -- sh -c '
	echo "hello from $(hostname) in $(pwd) HOME=$HOME TERM=$TERM PKTCAP_VM=$PKTCAP_VM"
	echo "WARNING: this line is test output, not a kernel warning (Call Trace: BUG:)"
	echo payload >"$PKTCAP_VM_OUTDIR/file.txt"
	insmod '"$MOD"' action=none && grep -q "^vmtest_mod " /proc/modules || exit 99
	exit 7'
ok=1
[[ $RC == 7 ]] || ok=0
grep -qx "hello from pktcap-vm in $PWD HOME=/root TERM=dumb PKTCAP_VM=1" <<<"$OUT" || ok=0
grep -qx 'ok - guest kernel clean (taint: OE)' <<<"$OUT" || ok=0
[[ $(cat "$W/files/file.txt" 2>/dev/null) == payload ]] || ok=0
result $ok "exit status 7, output, cwd, env and outdir come back; OE taint allowed" "rc=$RC"

# 2. WARN -> panic_on_warn -> detected.
vm -- insmod "$MOD" action=warn
ok=0
[[ $RC == 125 ]] && grep -q 'not ok - guest kernel clean: kernel reported a problem: WARNING:' <<<"$OUT" && ok=1
result $ok "a WARN in the guest fails the run (125)" "rc=$RC"

# 3. panic (sysrq-c) must be detected quickly, not by the timeout.
vm --timeout 120 -- sh -c 'echo c >/proc/sysrq-trigger; sleep 600'
ok=0
[[ $RC == 125 && $SECS -lt 100 ]] && grep -q 'Kernel panic' <<<"$OUT" && ok=1
result $ok "a kernel panic fails the run (125) without waiting for the timeout" "rc=$RC after ${SECS}s"

# 4. forbidden taint bit (U, 64) with a successful command.
vm -- sh -c 'echo 64 >/proc/sys/kernel/tainted'
ok=0
[[ $RC == 125 ]] && grep -q 'kernel tainted U (64)' <<<"$OUT" && ok=1
result $ok "a taint other than O/E fails the run (125)" "rc=$RC"

# 5. hang -> timeout.
vm --timeout 30 -- sleep 600
ok=0
[[ $RC == 124 && $SECS -lt 45 ]] && ok=1
result $ok "a hung command is killed at --timeout (124)" "rc=$RC after ${SECS}s"

# 6. usage errors are reported by the host side.
RC=0
"$RUN" --smp x -- true >/dev/null 2>"$W/stderr" || RC=$?
ok=0
[[ $RC == 2 ]] && grep -q '^run.sh: --smp: ' "$W/stderr" && ok=1
result $ok "bad options fail with status 2 and a run.sh: message" "rc=$RC"
