#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# scripts/kernel-matrix.sh - build kmod/pktcap.ko (W=1, any warning fails)
# against every kernel pktcap supports, then run the guest suite on those
# that can boot here. `make matrix` runs it with no options.
#
#   6.1    Debian 12's kernel (linux-headers-amd64, installed)
#   6.12   Debian 12 bookworm-backports (scripts/fetch-kernel.sh headers)
#   sid    the newest Debian kernel, built in a sid chroot (its kbuild tools
#          need a newer libc and gcc than Debian 12 has)
#
# Options:
#   --tap          TAP on stdout (the table goes to stderr)
#   --build-only   no guest suite
#   --no-sid       leave the sid chroot out
#   --kernels LIST the builds to run (default "6.1 6.12 sid")
#   --no-docs      do not rewrite the table in docs/KERNELS.md
#   --guest LIST   kernels whose guest suite runs (default "6.1 6.12")
#
# PKTCAP_MATRIX_SID=0 leaves sid out too (make check honours it);
# PKTCAP_MATRIX_OUT moves build/matrix elsewhere.
#
# Each kernel builds in its own copy of the tree (build/matrix/KVER/src:
# what git tracks plus untracked files that are not ignored), so the
# checkout's own kmod/pktcap.ko is never touched.
set -euo pipefail

PROG=kernel-matrix
cd "$(dirname "$(readlink -f "$0")")/.."
REPO=$PWD
OUT=${PKTCAP_MATRIX_OUT:-$REPO/build/matrix}
FETCH=$REPO/scripts/fetch-kernel.sh
DOC=$REPO/docs/KERNELS.md

TAP=0 BUILD_ONLY=0 DOCS=1 GUEST="6.1 6.12" KERNELS="6.1 6.12 sid"
[[ ${PKTCAP_MATRIX_SID:-1} == 0 ]] && KERNELS="6.1 6.12"
while [[ $# -gt 0 ]]; do
	case $1 in
	--tap) TAP=1 ;;
	--build-only) BUILD_ONLY=1 ;;
	--no-sid) KERNELS=${KERNELS//sid/} ;;
	--kernels) [[ $# -ge 2 ]] || { echo "$PROG: --kernels: missing list" >&2; exit 2; }; KERNELS=$2; shift ;;
	--no-docs) DOCS=0 ;;
	--guest) [[ $# -ge 2 ]] || { echo "$PROG: --guest: missing list" >&2; exit 2; }; GUEST=$2; shift ;;
	-h | --help) sed -n '3,25s/^# \{0,1\}//p' "$0"; exit 0 ;;
	*) echo "$PROG: $1: unknown option (see --help)" >&2; exit 2 ;;
	esac
	shift
done

say() { echo "$PROG: $*" >&2; }
# Human output: stdout, or stderr when stdout carries TAP.
out() { if ((TAP)); then echo "$*" >&2; else echo "$*"; fi; }

N=0 FAILED=0
tap() { # tap RC DESCRIPTION
	N=$((N + 1))
	if [[ $1 == 0 ]]; then
		((TAP)) && echo "ok $N - $2"
	else
		FAILED=$((FAILED + 1))
		((TAP)) && echo "not ok $N - $2"
	fi
	return 0
}

mkdir -p "$OUT"

# copy_tree DIR: a fresh copy of the checkout's sources in DIR.
copy_tree() {
	local f
	rm -rf "$1"
	mkdir -p "$1"
	(cd "$REPO" && git ls-files -z --cached --others --exclude-standard |
		while IFS= read -r -d '' f; do
			if [[ -e $f ]]; then printf '%s\0' "$f"; fi
		done | tar --null -T - -cf -) | tar -xf - -C "$1"
}

ROWS=()
declare -A KO_DIR=()

# timed FILE CMD...: CMD, then "WALL CPU" (seconds, CPU = user + sys) in FILE.
timed() {
	local f=$1 rc=0 TIMEFORMAT='%R %U %S'
	shift
	# The command's stderr stays where it was (fd 3); only time's goes to FILE.
	{ time "$@" 2>&3; } 3>&2 2>"$f.raw" || rc=$?
	tail -n1 "$f.raw" | awk '{ printf "%d %d\n", $1 + 0.5, $2 + $3 + 0.5 }' >"$f"
	return "$rc"
}

# record NAME KVER ORIGIN RC LOG TIMEFILE
record() {
	local name=$1 kver=$2 origin=$3 rc=$4 log=$5 secs cpu warnings result
	read -r secs cpu <"$6"
	warnings=$(grep -c 'warning:' "$log" || true)
	if [[ $rc != 0 ]]; then
		result="FAILED (exit $rc)"
	elif [[ $warnings != 0 ]]; then
		result="FAILED ($warnings warnings)"
	else
		result=ok
	fi
	ROWS+=("| $name | $kver | $origin | $result | $warnings | ${secs} s | ${cpu} s |")
	if [[ $result == ok ]]; then
		tap 0 "kmod builds W=1 without warnings against $kver ($origin), ${secs} s"
	else
		tap 1 "kmod builds W=1 without warnings against $kver ($origin): $result (see $log)"
		say "$kver: $result; last lines of $log:"
		grep -E 'warning:|error:' "$log" | head -10 >&2 || tail -15 "$log" >&2
	fi
}

# build_host NAME KVER ORIGIN KDIR: the build on this machine.
build_host() {
	local name=$1 kver=$2 origin=$3 kdir=$4 dir=$OUT/$2 t0 rc=0
	copy_tree "$dir/src"
	say "$kver: make -C $kdir M=$dir/src W=1 modules"
	timed "$dir/time" make -C "$kdir" M="$dir/src" W=1 modules >"$dir/build.log" 2>&1 || rc=$?
	record "$name" "$kver" "$origin" "$rc" "$dir/build.log" "$dir/time"
	[[ $rc == 0 ]] && KO_DIR[$name]=$dir/src
	return 0
}

# build_chroot NAME ROOT KDIR: the build inside ROOT, the copy bind-mounted
# at /pktcap-src.
build_chroot() {
	local name=$1 root=$2 kdir=$3 kver dir t0 rc=0
	kver=${kdir##*/linux-headers-}
	dir=$OUT/$kver
	copy_tree "$dir/src"
	say "$kver: in $root: make -C $kdir M=/pktcap-src W=1 modules"
	timed "$dir/time" "$FETCH" run-in-chroot "$root" --bind "$dir/src" \
		make -C "$kdir" M=/pktcap-src W=1 modules >"$dir/build.log" 2>&1 || rc=$?
	record "$name" "$kver" "Debian sid, chroot" "$rc" "$dir/build.log" "$dir/time"
	return 0
}

T_ALL=$(date +%s)

# --- Debian 12's own kernel: the linux-headers-amd64 it has installed.
dep=$(dpkg-query -W -f '${Depends}' linux-headers-amd64 2>/dev/null | grep -o 'linux-headers-[^ ,]*' | head -n1 || true)
K61=${dep#linux-headers-}
if [[ " $KERNELS " != *" 6.1 "* ]]; then
	:
elif [[ -n $K61 && -e /lib/modules/$K61/build/Makefile ]]; then
	build_host 6.1 "$K61" "Debian 12" "/lib/modules/$K61/build"
else
	tap 1 "kmod builds against Debian 12's kernel: linux-headers-amd64 is not installed (scripts/deps.sh check)"
	ROWS+=("| 6.1 | ? | Debian 12 | not installed | - | - | - |")
fi

# --- bookworm-backports.
t0=$(date +%s)
K612=
if [[ " $KERNELS " != *" 6.12 "* ]]; then
	:
elif K612DIR=$("$FETCH" headers bookworm-backports); then
	say "6.12 headers ready in $(($(date +%s) - t0)) s"
	K612=${K612DIR##*/linux-headers-}
	build_host 6.12 "$K612" "Debian 12 backports" "$K612DIR"
else
	tap 1 "kmod builds against bookworm-backports: fetching the headers failed"
	ROWS+=("| 6.12 | ? | Debian 12 backports | fetch failed | - | - | - |")
fi

# --- sid, in a chroot.
if [[ " $KERNELS " == *" sid "* ]]; then
	t0=$(date +%s)
	if chroot_out=$("$FETCH" chroot sid); then
		say "sid chroot ready in $(($(date +%s) - t0)) s"
		build_chroot sid "${chroot_out%% *}" "${chroot_out#* }"
	else
		tap 1 "kmod builds against Debian sid: the sid chroot failed"
		ROWS+=("| sid | ? | Debian sid, chroot | chroot failed | - | - | - |")
	fi
fi

TABLE=$(
	echo "| kernel | version | from | W=1 build | warnings | wall | CPU |"
	echo "|---|---|---|---|---|---|---|"
	printf '%s\n' "${ROWS[@]}"
)
out ""
out "$TABLE"
out ""

if ((DOCS)) && [[ -e $DOC ]] && grep -q '^<!-- matrix:begin -->' "$DOC"; then
	{
		echo "Last run: $(date -u '+%Y-%m-%d %H:%M UTC'), \`make matrix\` on $(sed -n 's/^PRETTY_NAME="\(.*\)"/\1/p' /etc/os-release), host gcc $(gcc -dumpfullversion)."
		echo
		echo "$TABLE"
	} >"$OUT/table.md"
	awk -v f="$OUT/table.md" '
		/^<!-- matrix:begin -->/ { print; while ((getline l < f) > 0) print l; skip = 1; next }
		/^<!-- matrix:end -->/ { skip = 0 }
		!skip' "$DOC" >"$DOC.tmp" && mv "$DOC.tmp" "$DOC"
	say "wrote the table into $DOC"
fi

# --- the guest suite, on the kernels that boot here.
if ((!BUILD_ONLY)); then
	# pktcapctl is the same for every kernel: built once, in the first copy.
	first=
	for g in $GUEST; do
		[[ -n ${KO_DIR[$g]:-} ]] && { first=${KO_DIR[$g]}; break; }
	done
	if [[ -n $first ]] && make -s -C "$first/userspace" >"$OUT/userspace.log" 2>&1; then
		PKTCAPCTL=$first/userspace/pktcapctl
	else
		PKTCAPCTL=
		say "userspace: the build failed (see $OUT/userspace.log)"
	fi
	for g in $GUEST; do
		[[ " $KERNELS " == *" $g "* ]] || { say "$g: not built in this run: no guest suite"; continue; }
		case $g in
		6.1) kver=$K61 vmlinuz=/boot/vmlinuz-$K61 ;;
		6.12)
			kver=$K612
			vmlinuz=$([[ -n $kver ]] && "$FETCH" image "$kver") || vmlinuz=
			;;
		*) say "$g: no guest for this kernel"; continue ;;
		esac
		src=${KO_DIR[$g]:-}
		if [[ -z $src || -z $kver || -z $vmlinuz || -z $PKTCAPCTL ]]; then
			tap 1 "guest suite on $g: nothing to run (a build or fetch failed above)"
			continue
		fi
		[[ $src/userspace/pktcapctl -ef $PKTCAPCTL ]] || cp "$PKTCAPCTL" "$src/userspace/pktcapctl"
		placed=0
		if [[ ! -d /lib/modules/$kver ]]; then
			"$FETCH" modules-install "$kver" >/dev/null
			placed=1
			# shellcheck disable=SC2064 # $kver now, not at exit
			trap "'$FETCH' modules-remove '$kver'" EXIT
		fi
		say "$kver: guest suite (tests/vm/run.sh --kernel $vmlinuz -- tests/selftests/run.sh)"
		t0=$(date +%s)
		rc=0
		(cd "$src" && tests/vm/run.sh --kernel "$vmlinuz" --timeout "${PKTCAP_MATRIX_GUEST_TIMEOUT:-3600}" \
			--log "$OUT/$kver/guest-console.log" -- tests/selftests/run.sh) \
			>"$OUT/$kver/guest.tap" 2>"$OUT/$kver/guest.log" || rc=$?
		secs=$(($(date +%s) - t0))
		if ((placed)); then
			"$FETCH" modules-remove "$kver"
			trap - EXIT
		fi
		summary=$(tests/lib/tap-summary.sh "$OUT/$kver/guest.tap" 2>&1 | tail -n1 || true)
		out "guest suite on $kver: exit $rc, $summary, $secs s"
		if [[ $rc == 0 ]]; then
			tap 0 "guest suite on $kver: $summary, $secs s"
		else
			tap 1 "guest suite on $kver: exit $rc, $summary, $secs s (see $OUT/$kver/guest.tap)"
		fi
	done
fi

say "done in $(($(date +%s) - T_ALL)) s, $FAILED of $N failed"
((TAP)) && echo "1..$N"
[[ $FAILED == 0 ]]
