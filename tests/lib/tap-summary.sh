#!/bin/bash
# tests/lib/tap-summary.sh LOG... - count TAP results over one or more logs.
#
# Counts top-level (unindented) result lines: `ok N desc`, `not ok N desc`,
# `ok - desc` (tests/vm/run.sh's kernel-clean line), with `# SKIP`/`# TODO`
# directives as skipped and `# XFAIL` as passed.  Indented lines and `#` lines
# (nested kselftest output, `# PASSED:`, `# Totals:`) are ignored.  A file whose
# plans (`1..N`, summed if several) announce more numbered results than it has,
# a `Bail out!`, a missing/unreadable file, or a file with no result at all
# counts as a failure.
#
# Prints one line per file, the failing tests, and finally exactly one line
# `N passed, N failed, N skipped`.  With CI=true skips count as failed.
# Exit status 0 iff nothing failed.
set -euo pipefail

PROG=tap-summary
[[ $# -gt 0 ]] || { echo "usage: $PROG LOG..." >&2; exit 2; }

tp=0 tf=0 ts=0
for f in "$@"; do
	if [[ ! -r $f || -d $f ]]; then
		echo "$PROG: $f: missing or unreadable log (counted as 1 failed)"
		tf=$((tf + 1))
		continue
	fi
	# awk prints "P F S" on its last line; earlier lines are diagnostics.
	out=$(tr -d '\r' <"$f" | awk -v file="$f" '
	function directive(line,   d) {
		d = ""
		if (match(line, /[ \t]#[ \t]*[A-Za-z]+/)) {
			d = toupper(substr(line, RSTART, RLENGTH))
			gsub(/[^A-Z]/, "", d)
		}
		return d
	}
	/^Bail out!/ { bail = $0; next }
	/^[0-9]+\.\.[0-9]+/ {
		split($1, a, /\.\./); plan += a[2]; plans++
		if (a[2] == 0) planskip = 1
		next
	}
	/^(not )?ok([ \t]|$)/ {
		notok = ($0 ~ /^not ok/)
		rest = $0; sub(/^(not )?ok[ \t]*/, "", rest)
		if (rest ~ /^[0-9]+([ \t]|$)/) numbered++
		d = directive(rest)
		if (d ~ /^(SKIP|SKIPPED|TODO)/) s++
		else if (d ~ /^XFAIL/) p++
		else if (notok) { fl++; failed[fl] = $0 }
		else p++
		next
	}
	END {
		for (i = 1; i <= fl; i++) print "  " failed[i]
		F = fl
		if (bail != "") { print "  " bail; F++ }
		if (plans && numbered < plan) {
			print "  plan 1.." plan " but only " numbered " numbered results: " plan - numbered " missing (counted as failed)"
			F += plan - numbered
		} else if (plans && numbered > plan) {
			print "  plan 1.." plan " but " numbered " numbered results (counted as 1 failed)"
			F++
		}
		if (p + fl + s == 0 && !planskip && bail == "") {
			print "  no TAP results at all (counted as 1 failed)"
			F++
		}
		if (planskip && p + fl + s == 0) s++
		print p + 0, F + 0, s + 0
	}')
	read -r p fl s <<<"$(tail -n1 <<<"$out")"
	printf '%s: pass %d, fail %d, skip %d\n' "$f" "$p" "$fl" "$s"
	head -n -1 <<<"$out" | sed '/^$/d'
	tp=$((tp + p)) tf=$((tf + fl)) ts=$((ts + s))
done

if [[ ${CI:-} == true && $ts -gt 0 ]]; then
	echo "$PROG: CI=true: $ts skipped counted as failed"
	tf=$((tf + ts))
	ts=0
fi
echo "$tp passed, $tf failed, $ts skipped"
[[ $tf -eq 0 ]]
