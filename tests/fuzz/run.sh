#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# run.sh O NAME... - fuzz each target $O/fuzz_NAME for $FUZZ_SECONDS
# seconds (default 30; FUZZ_SECONDS_NAME=S for one target) and print one
# TAP line per target. Called by `make run`. Exits 1 if any target crashed, failed an invariant, hung or
# did not run.

set -u

O=$1
shift
secs=${FUZZ_SECONDS:-30}
here=$(cd "$(dirname "$0")" && pwd)
fail=0
n=0

echo "TAP version 13"
echo "1..$#"
for name in "$@"; do
	n=$((n + 1))
	bin=$O/fuzz_$name
	work=$O/corpus/$name
	crashes=$O/crashes/$name
	log=$O/fuzz_$name.log
	mkdir -p "$work" "$crashes"
	: >"$log"
	t=$secs
	eval "t=\${FUZZ_SECONDS_$name:-$secs}"

	if [ -x "$O/seeds_$name" ] &&
	   ! "$O/seeds_$name" "$work" >>"$log" 2>&1; then
		echo "not ok $n fuzz_$name: seed generator failed, log $log"
		sed 's/^/# /' "$log"
		fail=1
		continue
	fi
	dirs=$work
	if [ -d "$here/corpus/$name" ]; then
		dirs="$dirs $here/corpus/$name"
	fi

	# New inputs go to the first (working) corpus directory only.
	# shellcheck disable=SC2086
	"$bin" -max_total_time="$t" -timeout=10 -print_final_stats=1 \
		-artifact_prefix="$crashes/" $dirs >>"$log" 2>&1
	rc=$?

	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	eps=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
	if [ "$rc" -eq 0 ] && [ -n "$runs" ]; then
		echo "ok $n fuzz_$name: $runs runs, no crash"
		echo "# fuzz_$name: $eps execs/s over ${t}s, corpus $work"
		continue
	fi
	art=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -n 1)
	if [ -n "$art" ]; then
		echo "not ok $n fuzz_$name: crash after ${runs:-?} runs, input $art (log $log)"
	else
		echo "not ok $n fuzz_$name: exit $rc after ${runs:-?} runs (log $log)"
	fi
	# the lines leading to the first report, and the report's summary
	grep -m 1 -B 3 -E 'ERROR|runtime error|invariant failed' "$log" |
		sed 's/^/# /'
	grep -E '^SUMMARY' "$log" | head -n 3 | sed 's/^/# /'
	fail=1
done
exit $fail
