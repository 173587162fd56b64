#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# t_01_netlink.sh - the "pktcap" genetlink family under malformed input.
#
# nl_malformed (a raw netlink socket, no libnl) sends one malformed request
# per case and expects an error reply carrying an extack message, with
# STATUS still answering afterwards; then a bounded random mutation loop of
# valid requests of every operation (bytes, lengths, types, extreme values,
# missing and repeated attributes), as root and again as user nobody, for
# whom every privileged operation must be refused. The guest harness fails
# the run on any WARN/oops in dmesg.
. "$(dirname "$0")/lib.sh"

NL_MALFORMED=$REPO/tests/selftests/build/nl_malformed
FUZZ_COUNT=${PKTCAP_NL_FUZZ_COUNT:-2000}
FUZZ_SEED=${PKTCAP_NL_FUZZ_SEED:-$(date +%s)}

if [ ! -x "$NL_MALFORMED" ]; then
	fail "nl_malformed is built" "missing $NL_MALFORMED (make -C tests/selftests)"
	exit 0
fi

family=$("$NL_MALFORMED" family)
if [[ $family =~ ^[0-9]+$ ]]; then
	ok "family pktcap resolves through nlctrl (id $family)"
else
	fail "family pktcap resolves through nlctrl" "$family"
	exit 0
fi

tap_from "" "$NL_MALFORMED" cases
diag "random mutations: $FUZZ_COUNT messages, seed $FUZZ_SEED (PKTCAP_NL_FUZZ_SEED to replay)"
tap_from "" "$NL_MALFORMED" fuzz "$FUZZ_COUNT" "$FUZZ_SEED"
diag "random mutations without CAP_NET_ADMIN (user nobody): $FUZZ_COUNT messages, seed $((FUZZ_SEED + 1))"
tap_from "" setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all \
	--bounding-set=-all "$NL_MALFORMED" fuzz-unpriv "$FUZZ_COUNT" "$((FUZZ_SEED + 1))"
check "module still loaded and answering after the fuzzing" "$PKTCAPCTL" status

# A FLOWS dump walks every bucket of the flow table, and the table has as
# many buckets as max_flows allows. At the limit the walk must still yield
# the CPU: the fuzzing above found a 26 s soft lockup in pktcap_meter_dump()
# (the harness fails the run on any lockup report in dmesg).
if "$PKTCAPCTL" flow-meter enable -i lo --max-flows 16777216 >/dev/null 2>&1; then
	start=$(date +%s)
	check "FLOWS dump of an empty flow table at max-flows 16777216" "$PKTCAPCTL" flows
	diag "the dump took $(($(date +%s) - start)) s"
	"$PKTCAPCTL" flow-meter disable >/dev/null 2>&1
else
	fail "the flow meter enables with --max-flows 16777216 (PKTCAP_MAX_FLOWS_LIMIT)"
fi
