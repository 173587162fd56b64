#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# tests/cli/check-completion.sh - bash completion completes what pktcapctl
# actually has: every command of --help, every --option of each command's
# --help, device names for -i. TAP.
set -uo pipefail
cd "$(dirname "$(readlink -f "$0")")/../.."
export PATH=$PWD/userspace:$PATH
# shellcheck source=/dev/null
. userspace/completion/pktcapctl
n=0
tap() { n=$((n + 1)); if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2${3:+: $3}"; fi; }

complete_line() {	# complete_line WORD... : completions of the last word
	COMP_WORDS=("$@")
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	COMPREPLY=()
	_pktcapctl
	echo "${COMPREPLY[*]}"
}

cmds=$(pktcapctl --help | awk '/^Commands:/ { on = 1; next } on && /^  [a-z]/ { print $1 }')
[ "$(echo "$cmds" | wc -w)" -ge 10 ]
tap $? "pktcapctl --help lists at least the ten operations' commands" "$cmds"
for c in $cmds; do
	got=$(complete_line pktcapctl "${c:0:3}")
	[[ " $got " == *" $c "* ]]
	tap $? "command $c completes from '${c:0:3}'" "$got"
	missing=
	sub=()
	case $c in flow-meter | encryption | export) sub=(enable) ;; esac
	for o in $(pktcapctl "$c" --help | grep -o -- '--[a-z][a-z-]*' | sort -u); do
		[[ " $(complete_line pktcapctl "$c" "${sub[@]}" --) " == *" $o "* ]] ||
			missing+=" $o"
	done
	[ -z "$missing" ]
	tap $? "every option of '$c --help' completes" "missing$missing"
done
got=$(complete_line pktcapctl record -i l)
[[ " $got " == *" lo "* ]]
tap $? "-i completes device names" "$got"
got=$(complete_line pktcapctl start --backend nf-)
[ "$got" = "nf-ingress nf-egress" ]
tap $? "--backend completes backend names" "$got"
echo "1..$n"
