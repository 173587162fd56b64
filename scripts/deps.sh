#!/bin/bash
# scripts/deps.sh [check|demo|bench|all] - install the Debian 12 packages pktcap
# needs, and only the missing ones.  Idempotent; safe to run on every `make check`.
#
#   check  build + guest tools: what `make check` needs (default)
#   demo   same set as check (the demos use the guest tools: tshark, nfdump, ...)
#   bench  check + the baseline for benchmarks (ipt-netflow, iptables)
#   all    everything above
#
# Runs `apt-get update` at most once, and only when something is missing.
# Afterwards checks that the newest installed kernel image has a kbuild tree
# (/lib/modules/VER/build) of the same version, installing linux-headers-VER if not.
set -euo pipefail

PROG=deps
die() { echo "$PROG: $*" >&2; exit 1; }
say() { echo "$PROG: $*"; }

BUILD_PKGS=(build-essential pkg-config linux-headers-amd64 linux-image-amd64
	libnl-3-dev libnl-genl-3-dev libpcap-dev libssl-dev kmod bc sparse dkms
	clang libclang-rt-14-dev python3 python3-yaml jq linux-source-6.1 xz-utils zstd gzip
	dwarves debootstrap)
# dwarves (pahole): the 6.12 headers of the kernel matrix ship vmlinux, so
# kbuild generates the module's BTF; debootstrap: the matrix's sid chroot.
GUEST_PKGS=(qemu-system-x86 busybox-static iproute2 iputils-ping openssl man-db tcpdump tshark iperf3 python3-prometheus-client socat
	netcat-openbsd nfdump procps util-linux libcap2-bin)
BENCH_PKGS=(iptables-netflow-dkms iptables linux-perf)

MODE=${1:-check}
case $MODE in
check | demo) WANT=("${BUILD_PKGS[@]}" "${GUEST_PKGS[@]}") ;;
bench | all) WANT=("${BUILD_PKGS[@]}" "${GUEST_PKGS[@]}" "${BENCH_PKGS[@]}") ;;
-h | --help)
	sed -n '2,12s/^# \{0,1\}//p' "$0"
	exit 0
	;;
*) die "$MODE: unknown set (use check, demo, bench or all)" ;;
esac
[[ $# -le 1 ]] || die "too many arguments (usage: scripts/deps.sh [check|demo|bench|all])"

export DEBIAN_FRONTEND=noninteractive
APT_OPTS=(-y -q --no-install-recommends -o DPkg::Lock::Timeout=600
	-o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold)
UPDATED=0

# Print the packages of "$@" that are not installed.
missing_of() {
	local p st
	for p in "$@"; do
		st=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
		[[ $st == installed ]] || echo "$p"
	done
}

apt_update_once() {
	((UPDATED)) && return 0
	say "running apt-get update"
	apt-get update -q -o DPkg::Lock::Timeout=600 >/dev/null ||
		die "apt-get update failed (is the network / mirror reachable?)"
	UPDATED=1
}

# Fail with a clear list if some packages cannot be installed from the sources.
check_available() {
	local p cand bad=()
	for p in "$@"; do
		cand=$(apt-cache policy "$p" 2>/dev/null | awk '/Candidate:/ {print $2}')
		[[ -n $cand && $cand != "(none)" ]] || bad+=("$p")
	done
	((${#bad[@]} == 0)) ||
		die "not available from the configured apt sources: ${bad[*]} (check /etc/apt/sources.list*)"
}

install_pkgs() {
	((EUID == 0)) || die "must be root to install: $*"
	apt_update_once
	check_available "$@"
	# tshark: never ask whether non-root users may capture.
	if printf '%s\n' "$@" | grep -qx tshark; then
		echo "wireshark-common wireshark-common/install-setuid boolean false" |
			debconf-set-selections
	fi
	say "installing: $*"
	apt-get install "${APT_OPTS[@]}" "$@" || die "apt-get install failed for: $*"
}

mapfile -t MISSING < <(missing_of "${WANT[@]}")
if ((${#MISSING[@]})); then
	install_pkgs "${MISSING[@]}"
	mapfile -t STILL < <(missing_of "${WANT[@]}")
	((${#STILL[@]} == 0)) || die "still not installed after apt-get: ${STILL[*]}"
else
	say "all ${#WANT[@]} packages of set '$MODE' are installed"
fi

# The kernel the VM tests boot (newest /boot/vmlinuz-VER with /lib/modules/VER,
# as tests/vm/run.sh picks it) must have a kbuild tree of the same version.
KVER=
while read -r k; do
	v=${k#/boot/vmlinuz-}
	[[ -d /lib/modules/$v ]] && KVER=$v
done < <(find /boot -maxdepth 1 -name 'vmlinuz-*' 2>/dev/null | sort -V)
[[ -n $KVER ]] || die "no /boot/vmlinuz-VER with /lib/modules/VER after installing linux-image-amd64"
if [[ ! -e /lib/modules/$KVER/build/Makefile ]]; then
	say "kernel $KVER has no kbuild tree (/lib/modules/$KVER/build): headers version differs from the image"
	install_pkgs "linux-headers-$KVER"
	[[ -e /lib/modules/$KVER/build/Makefile ]] ||
		die "/lib/modules/$KVER/build still missing after installing linux-headers-$KVER"
fi
say "kernel $KVER: image /boot/vmlinuz-$KVER, kbuild $(readlink -f "/lib/modules/$KVER/build")"
