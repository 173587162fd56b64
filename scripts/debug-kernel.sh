#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# scripts/debug-kernel.sh - the debug-kernel lane: Debian's linux-source-6.1
# built with KASAN, KFENCE, lockdep (PROVE_LOCKING), DEBUG_ATOMIC_SLEEP and
# kmemleak (tests/vm/debug.config), then the whole guest suite on it.
#
#   debug-kernel.sh build   build the kernel once, then reuse it; prints
#                           "VMLINUZ KDIR KVER"
#   debug-kernel.sh run [PATTERN...]
#                           build (or reuse) it, build pktcap.ko against it
#                           in a copy of the tree, run tests/selftests/run.sh
#                           [PATTERN...] on it; TAP on stdout. Any KASAN, lockdep,
#                           sleep-in-atomic, UBSAN or kmemleak report fails
#                           the run (tests/vm/run.sh reads them).
#   debug-kernel.sh check [PATTERN...]
#                           `make check-debug`: run, the TAP kept in
#                           build/debug/suite.tap, then the summary line
#                           "N passed, N failed, N skipped"
#
# The build lives in $PKTCAP_CACHE/debug/KEY (default /var/cache/pktcap),
# KEY hashing the linux-source package version, the config fragment and the
# parts of this script that shape the build, so a changed config is a new
# build and an unchanged one is never rebuilt. `make check-debug` runs `check`.
#
# The suite's sizing variables, when set, reach the guest: FLOW_BIG and
# FLOW_BIG_MAX (t_30's eviction test), ENC_RECORDS and ENC_SECONDS (t_60's
# nonce test), and PKTCAP_TIME_SCALE (lib.sh's scaled). The debug kernel
# runs some 6 times slower, so unset ones default to the quick sizes
# FLOW_BIG=100000 FLOW_BIG_MAX=10000 ENC_RECORDS=100000, and to a time
# scale of 6.
set -euo pipefail
PROG=debug-kernel
cd "$(dirname "$(readlink -f "$0")")/.."
REPO=$PWD
CACHE=${PKTCAP_CACHE:-/var/cache/pktcap}/debug
FRAGMENT=$REPO/tests/vm/debug.config
SRCPKG=linux-source-6.1
JOBS=${PKTCAP_DEBUG_JOBS:-$(nproc)}

die() { echo "$PROG: $1: $2" >&2; exit 1; }
say() { echo "$PROG: $*" >&2; }

# Options the lane exists for; the build is refused if olddefconfig dropped one.
REQUIRED=(KASAN KFENCE PROVE_LOCKING DEBUG_ATOMIC_SLEEP DEBUG_KMEMLEAK
	NETFILTER_INGRESS NETFILTER_EGRESS VETH NET_PKTGEN NET_9P_VIRTIO 9P_FS
	OVERLAY_FS VIRTIO_PCI BPF_JIT CRYPTO_GCM MODULE_SIG VLAN_8021Q)

srcver() {
	dpkg-query -W -f '${Version}' "$SRCPKG" 2>/dev/null ||
		die "$SRCPKG" "not installed (apt-get install $SRCPKG)"
}

key() {
	{
		srcver
		cat "$FRAGMENT"
		sed -n '/^# --- build: begin/,/^# --- build: end/p' "$0"
	} | sha256sum | cut -c1-16
}

# --- build: begin
# The newest finished build of the same unpacked source: its objects are only
# valid against the very tree (and mtimes) they were built from.
seed_build() {
	local d
	for d in $(ls -dt "$CACHE"/*/.ok 2>/dev/null); do
		d=${d%/.ok}
		if grep -qsF "$1/Makefile" "$d/build/Makefile"; then
			echo "$d"
			return
		fi
	done
}

cmd_build() {
	local ver k dir src tarball t0 kver seed
	ver=$(srcver)
	k=$(key)
	dir=$CACHE/$k
	if [[ -e $dir/.ok ]]; then
		say "cached: $dir (linux-source $ver, key $k)"
		echo "$dir/bzImage $dir/build $(<"$dir/kver")"
		return
	fi
	t0=$(date +%s)
	tarball=/usr/src/$SRCPKG.tar.xz
	[[ -r $tarball ]] || die "$tarball" "missing (apt-get install $SRCPKG)"
	src=$CACHE/src-$ver
	if [[ ! -e $src/.ok ]]; then
		say "unpacking $tarball into $src"
		rm -rf "$src"
		mkdir -p "$src"
		tar -xf "$tarball" -C "$src" --strip-components=1
		touch "$src/.ok"
	fi
	rm -rf "$dir"
	mkdir -p "$dir"
	seed=$(seed_build "$src")
	if [[ -n $seed ]]; then
		# Kbuild rebuilds only what the changed options reach: a fragment
		# that adds one option costs part of a build, not all of one.
		say "seeding $dir/build from $seed"
		cp -a "$seed/build" "$dir/build"
		echo "$seed" >"$dir/seeded-from"
	else
		mkdir -p "$dir/build"
	fi
	say "configuring in $dir/build (x86_64_defconfig + kvm_guest.config + ${FRAGMENT#"$REPO"/})"
	make -s -C "$src" O="$dir/build" x86_64_defconfig >"$dir/config.log" 2>&1 ||
		die x86_64_defconfig "failed (see $dir/config.log)"
	(cd "$dir/build" && "$src/scripts/kconfig/merge_config.sh" -m -O . .config \
		"$src/kernel/configs/kvm_guest.config" "$FRAGMENT") >>"$dir/config.log" 2>&1 ||
		die merge_config.sh "failed (see $dir/config.log)"
	make -s -C "$src" O="$dir/build" olddefconfig >>"$dir/config.log" 2>&1 ||
		die olddefconfig "failed (see $dir/config.log)"
	local o missing=
	for o in "${REQUIRED[@]}"; do
		grep -q "^CONFIG_$o=y" "$dir/build/.config" || missing+=" $o"
	done
	[[ -z $missing ]] || die "$dir/build/.config" "lost CONFIG_{${missing# }} (see $dir/config.log)"
	say "building bzImage and modules with $JOBS jobs (log: $dir/build.log)"
	make -C "$dir/build" -j"$JOBS" bzImage modules >"$dir/build.log" 2>&1 ||
		die "kernel build" "failed (tail of $dir/build.log: $(tail -n3 "$dir/build.log" | tr '\n' ' '))"
	make -C "$dir/build" INSTALL_MOD_PATH="$dir/root" modules_install >>"$dir/build.log" 2>&1 ||
		die "modules_install" "failed (see $dir/build.log)"
	kver=$(<"$dir/build/include/config/kernel.release")
	# No build/source links: they would make this kernel the default KDIR.
	rm -f "$dir/root/lib/modules/$kver/build" "$dir/root/lib/modules/$kver/source"
	cp "$dir/build/arch/x86/boot/bzImage" "$dir/bzImage"
	echo "$kver" >"$dir/kver"
	echo $(($(date +%s) - t0)) >"$dir/build-seconds"
	touch "$dir/.ok"
	say "built $kver in $(<"$dir/build-seconds") s"
	echo "$dir/bzImage $dir/build $kver"
}
# --- build: end

# The guest's root is this machine's /, so its modules tree must be in
# /lib/modules; a marker says we placed it and may take it away.
place_modules() {
	local kver=$1 src=$2 dst=/lib/modules/$1
	if [[ -d $dst && ! -e $dst/.pktcap-debug-kernel ]]; then
		say "$dst exists and is not ours: using it as it is"
		return
	fi
	rm -rf "$dst"
	cp -a "$src" "$dst"
	touch "$dst/.pktcap-debug-kernel"
	depmod -a "$kver"
}

remove_modules() {
	[[ ! -e /lib/modules/$1/.pktcap-debug-kernel ]] || rm -rf "/lib/modules/$1"
}

cmd_run() {
	local out vmlinuz kdir kver work rc=0 t0
	out=$(cmd_build)
	read -r vmlinuz kdir kver <<<"$out"
	work=${PKTCAP_DEBUG_OUT:-$REPO/build/debug}
	rm -rf "$work/src"
	mkdir -p "$work/src"
	# What git tracks plus untracked files that are not ignored: the checkout's
	# own kmod/pktcap.ko is never touched.
	git ls-files -z --cached --others --exclude-standard |
		while IFS= read -r -d '' f; do [[ -e $f ]] && printf '%s\0' "$f"; done |
		tar --null -T - -cf - | tar -xf - -C "$work/src"
	say "building pktcap.ko against $kver (W=1)"
	make -C "$kdir" M="$work/src" W=1 modules >"$work/kmod.log" 2>&1 ||
		die "pktcap.ko" "does not build against $kver (see $work/kmod.log)"
	if grep -q 'warning:' "$work/kmod.log"; then
		die "pktcap.ko" "W=1 warnings against $kver (see $work/kmod.log)"
	fi
	make -s -C "$work/src/userspace" >"$work/userspace.log" 2>&1 ||
		die "pktcapctl" "does not build (see $work/userspace.log)"
	place_modules "$kver" "$CACHE/$(key)/root/lib/modules/$kver"
	# shellcheck disable=SC2064 # $kver now, not at exit
	trap "remove_modules '$kver'" EXIT
	say "guest suite on $kver (tests/vm/run.sh --kernel $vmlinuz)"
	t0=$(date +%s)
	# This kernel runs some 6 times slower: the lane's job is reports, not
	# scale (`make check` has the full sizes), so it defaults to the quick
	# ones, which keep the whole suite within about two hours.
	: "${FLOW_BIG:=100000}" "${FLOW_BIG_MAX:=10000}" "${ENC_RECORDS:=100000}"
	# The few checks that bound a time (lib.sh's scaled) allow for it.
	: "${PKTCAP_TIME_SCALE:=6}"
	local v envs=()
	for v in FLOW_BIG FLOW_BIG_MAX ENC_RECORDS ENC_SECONDS PKTCAP_TIME_SCALE; do
		[[ -z ${!v:-} ]] || envs+=("$v=${!v}")
	done
	# no5lvl: QEMU's "-cpu max" offers LA57, and this KASAN kernel on
	# 5-level page tables reports a wild access from an early interrupt
	# during identify_cpu(), before anything of pktcap runs.
	(cd "$work/src" && PKTCAP_SUITE_UNLOAD=1 tests/vm/run.sh --kernel "$vmlinuz" \
		--append no5lvl \
		--timeout "${PKTCAP_DEBUG_TIMEOUT:-10800}" --mem "${PKTCAP_DEBUG_MEM:-3072}" \
		--log "$work/console.log" -- env "${envs[@]}" tests/selftests/run.sh "$@") ||
		rc=$?
	say "guest suite on $kver: exit $rc in $(($(date +%s) - t0)) s (console: $work/console.log)"
	return "$rc"
}

cmd_check() {
	local work=${PKTCAP_DEBUG_OUT:-$REPO/build/debug} rc=0
	mkdir -p "$work"
	cmd_run "$@" | tee "$work/suite.tap" || rc=$?
	tests/lib/tap-summary.sh "$work/suite.tap" || rc=1
	return "$rc"
}

case ${1:-} in
build) shift; [[ $# == 0 ]] || die build "takes no arguments"; cmd_build ;;
run) shift; cmd_run "$@" ;;
check) shift; cmd_check "$@" ;;
-h | --help) sed -n '3,24s/^# \{0,1\}//p' "$0" ;;
*) die "${1:-command}" "unknown (usage: $PROG build | run [PATTERN] | check [PATTERN])" ;;
esac
