#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# tests/cli/check-manpage.sh - pktcapctl(8) covers the tool: every command
# has a section, every option any --help shows is in the page, and man
# renders it without warnings. TAP.
set -uo pipefail
cd "$(dirname "$(readlink -f "$0")")/../.."
P=userspace/pktcapctl
page=docs/pktcapctl.8
n=0
tap() { n=$((n + 1)); if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2${3:+: $3}"; fi; }

# The page's text with roff escapes removed: \- is a hyphen.
text=$(sed -e 's/\\-/-/g' -e 's/\\f[BIR]//g' "$page")
for c in $($P --help | awk '/^Commands:/ { on = 1; next } on && /^  [a-z]/ { print $1 }'); do
	grep -q "^\.SS $c\$" <<<"$text"
	tap $? "pktcapctl(8) has a section for $c"
	missing=
	for o in $($P "$c" --help | grep -o -- '\(^\|[ ,[]\)--\?[a-zA-Z][a-z-]*' | tr -d ' ,[' | sort -u); do
		grep -q -- "$o\b" <<<"$text" || missing+=" $o"
	done
	[ -z "$missing" ]
	tap $? "pktcapctl(8) documents every option of '$c --help'" "missing$missing"
done
missing=
for o in $($P --help | grep -o -- '--[a-z-]*' | sort -u); do
	grep -q -- "$o" <<<"$text" || missing+=" $o"
done
[ -z "$missing" ]
tap $? "pktcapctl(8) documents every global option" "missing$missing"
if command -v man >/dev/null; then
	warn=$(LC_ALL=C MANWIDTH=80 man --warnings -l "$page" 2>&1 >/dev/null)
	[ -z "$warn" ]
	tap $? "man renders pktcapctl.8 without warnings" "$warn"
fi
echo "1..$n"
