#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# scripts/fetch-kernel.sh - fetch (once, then from the cache) the kernel
# build trees and images scripts/kernel-matrix.sh tests against, without
# touching the system's apt configuration or installing any kernel package.
#
#   fetch-kernel.sh headers SUITE  Debian's newest linux-headers-*-amd64 of
#                                  SUITE (bookworm-backports), unpacked under
#                                  $PKTCAP_CACHE/kernels/KVER; prints its KDIR
#   fetch-kernel.sh image KVER     linux-image-KVER unpacked next to the
#                                  headers; prints the path of its vmlinuz
#   fetch-kernel.sh modules-install KVER
#                                  places the image's /lib/modules/KVER on
#                                  this machine (no `build` link, so it never
#                                  becomes the default KDIR) and runs depmod
#   fetch-kernel.sh modules-remove KVER
#                                  takes it away again (only if placed here)
#   fetch-kernel.sh chroot SUITE   a minbase chroot of SUITE (sid) with gcc,
#                                  make, pahole and linux-headers-amd64, for
#                                  headers whose kbuild tools need a newer
#                                  libc than this host's; prints
#                                  "CHROOT KDIR-INSIDE-THE-CHROOT"
#
# Private apt state: $PKTCAP_CACHE/apt/{etc,lists,archives}; the package
# lists are refreshed when older than PKTCAP_KERNEL_MAX_AGE hours (24), or
# always with PKTCAP_KERNEL_REFRESH=1. Without network a cached tree is used.
set -euo pipefail

PROG=fetch-kernel
CACHE=${PKTCAP_CACHE:-/var/cache/pktcap}
MIRROR=${PKTCAP_DEBIAN_MIRROR:-http://deb.debian.org/debian}
MAX_AGE_H=${PKTCAP_KERNEL_MAX_AGE:-24}
REFRESH=${PKTCAP_KERNEL_REFRESH:-0}
APTDIR=$CACHE/apt
KERNELS=$CACHE/kernels
CHROOTS=$CACHE/chroot
ARCH=amd64

die() { echo "$PROG: $1: $2" >&2; exit 1; }
note() { echo "$PROG: $*" >&2; }

usage() { sed -n '3,27s/^# \{0,1\}//p' "$0"; }

APT_PRIVATE=(-o Dir::Etc::SourceList=/dev/null
	-o "Dir::Etc::SourceParts=$APTDIR/etc"
	-o "Dir::State::Lists=$APTDIR/lists"
	-o "Dir::Cache::Archives=$APTDIR/archives"
	-o Dir::Cache::pkgcache= -o Dir::Cache::srcpkgcache=
	-o APT::Get::List-Cleanup=0 -o Debug::NoLocking=1)

# older_than_hours FILE H: true if FILE is missing or older than H hours.
older_than_hours() {
	[[ -e $1 ]] || return 0
	(($(date +%s) - $(stat -c %Y "$1") > $2 * 3600))
}

apt_state() {
	mkdir -p "$APTDIR/etc" "$APTDIR/lists/partial" "$APTDIR/archives/partial"
	local s
	for s in bookworm-backports sid; do
		grep -qs "^Suites: $s\$" "$APTDIR"/etc/*.sources && continue
		cat >"$APTDIR/etc/$s.sources" <<EOF
Types: deb
URIs: $MIRROR
Suites: $s
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
	done
	local stamp=$APTDIR/lists/.pktcap-updated
	if [[ $REFRESH == 1 ]] || older_than_hours "$stamp" "$MAX_AGE_H"; then
		note "refreshing the private package lists ($APTDIR)"
		if apt-get "${APT_PRIVATE[@]}" -q update >"$APTDIR/update.log" 2>&1; then
			touch "$stamp"
		elif compgen -G "$APTDIR/lists/*_Packages*" >/dev/null; then
			note "warning: apt-get update failed (see $APTDIR/update.log): using the cached lists"
		else
			die "apt-get update" "failed and nothing is cached (see $APTDIR/update.log)"
		fi
	fi
}

# newest_kver SUITE: the ABI name (6.12.95+deb12-amd64) linux-headers-amd64
# of SUITE depends on.
newest_kver() {
	local suite=$1 ver dep
	ver=$(apt-cache "${APT_PRIVATE[@]}" madison linux-headers-$ARCH |
		awk -F' [|] ' -v s="$suite" '$3 ~ ("/" s "/") || $3 ~ (" " s "/") {print $2}' |
		sort -V | tail -n1) || true
	[[ -n $ver ]] || die "linux-headers-$ARCH" "no version in $suite (see $APTDIR/update.log)"
	dep=$(apt-cache "${APT_PRIVATE[@]}" show "linux-headers-$ARCH=$ver" |
		sed -n 's/^Depends: .*\(linux-headers-[^ ,]*-'"$ARCH"'\).*/\1/p' | head -n1)
	[[ -n $dep ]] || die "linux-headers-$ARCH=$ver" "cannot read its Depends"
	echo "${dep#linux-headers-}"
}

# download PKG...: the .debs into the private archive (cached).
download() {
	(cd "$APTDIR/archives" && apt-get "${APT_PRIVATE[@]}" -q download "$@" >>"$APTDIR/download.log" 2>&1) ||
		die "apt-get download $*" "failed (see $APTDIR/download.log)"
}

# deb_of PKG: the cached .deb of PKG (newest), or nothing.
deb_of() {
	find "$APTDIR/archives" -maxdepth 1 -name "$1_*_*.deb" | sort -V | tail -n1
}

cmd_headers() {
	local suite=$1 kver base dir kdir tmp p latest=$KERNELS/$1.latest
	mkdir -p "$KERNELS"
	if [[ $REFRESH != 1 && -s $latest ]] && ! older_than_hours "$latest" "$MAX_AGE_H"; then
		kver=$(<"$latest")
	else
		apt_state
		kver=$(newest_kver "$suite")
		echo "$kver" >"$latest"
	fi
	base=${kver%-"$ARCH"}
	dir=$KERNELS/$kver
	kdir=$dir/usr/src/linux-headers-$kver
	if [[ ! -e $dir/.headers-ok ]]; then
		apt_state
		local pkgs=("linux-headers-$kver" "linux-headers-$base-common" "linux-kbuild-$base")
		for p in "${pkgs[@]}"; do
			[[ -n $(deb_of "$p") ]] || download "$p"
		done
		tmp=$(mktemp -d "$KERNELS/.unpack.XXXXXX")
		for p in "${pkgs[@]}"; do
			dpkg-deb -x "$(deb_of "$p")" "$tmp" || die "$(deb_of "$p")" "dpkg-deb -x failed"
		done
		# The arch tree's Makefile includes the common tree by its absolute
		# /usr/src path; point it at the unpacked one.
		sed -i "s|^include /usr/src/|include $dir/usr/src/|" \
			"$tmp/usr/src/linux-headers-$kver/Makefile"
		mkdir -p "$dir"
		rm -rf "${dir:?}/usr"
		mv "$tmp/usr" "$dir/usr"
		rm -rf "$tmp"
		touch "$dir/.headers-ok"
		note "unpacked the $kver build tree into $dir"
	fi
	[[ -e $kdir/Makefile ]] || die "$kdir" "no Makefile (remove $dir and retry)"
	echo "$kdir"
}

cmd_image() {
	local kver=$1 dir=$KERNELS/$1 p=linux-image-$1 deb
	if [[ ! -e $dir/.image-ok ]]; then
		deb=$(deb_of "$p")
		if [[ -z $deb ]]; then
			apt_state
			download "$p"
			deb=$(deb_of "$p")
		fi
		rm -rf "$dir/image"
		mkdir -p "$dir/image"
		dpkg-deb -x "$deb" "$dir/image" || die "$deb" "dpkg-deb -x failed"
		touch "$dir/.image-ok"
	fi
	[[ -r $dir/image/boot/vmlinuz-$kver ]] || die "$dir/image/boot/vmlinuz-$kver" "missing (remove $dir/.image-ok and retry)"
	echo "$dir/image/boot/vmlinuz-$kver"
}

# The modules tree of the image under /lib/modules (the guest's root is this
# machine's /). A marker file says we placed it, so we only remove our own.
cmd_modules_install() {
	local kver=$1 src=$KERNELS/$1/image/lib/modules/$1 dst=/lib/modules/$1
	cmd_image "$kver" >/dev/null
	[[ -d $src ]] || die "$src" "missing (remove $KERNELS/$kver/.image-ok and retry)"
	if [[ -d $dst && ! -e $dst/.pktcap-fetch-kernel ]]; then
		note "$dst exists and is not ours: using it as it is"
	elif [[ ! -e $dst/modules.dep ]]; then
		rm -rf "$dst"
		cp -a "$src" "$dst"
		touch "$dst/.pktcap-fetch-kernel"
		depmod -a "$kver" || die "depmod -a $kver" "failed"
	fi
	[[ ! -e $dst/build ]] || die "$dst/build" "exists: it would make $kver the default KDIR (remove it)"
	echo "$dst"
}

cmd_modules_remove() {
	local dst=/lib/modules/$1
	if [[ -e $dst/.pktcap-fetch-kernel ]]; then
		rm -rf "$dst"
	fi
}

# chroot SUITE: debootstrap once; linux-headers-amd64 refreshed with the lists.
cmd_chroot() {
	local suite=$1 root=$CHROOTS/$1 kver stamp
	command -v debootstrap >/dev/null || die debootstrap "not installed (apt-get install debootstrap)"
	mkdir -p "$CHROOTS"
	if [[ ! -e $root/.pktcap-ok ]]; then
		note "debootstrap --variant=minbase $suite into $root (once; a few minutes)"
		rm -rf "$root.tmp"
		debootstrap --variant=minbase --include=gcc,make,libc6-dev,dwarves,ca-certificates \
			"$suite" "$root.tmp" "$MIRROR" >"$CHROOTS/$suite.debootstrap.log" 2>&1 ||
			die "debootstrap $suite" "failed (see $CHROOTS/$suite.debootstrap.log)"
		rm -rf "$root"
		mv "$root.tmp" "$root"
		rm -f "$root/.pktcap-updated"
		touch "$root/.pktcap-ok"
	fi
	stamp=$root/.pktcap-updated
	if [[ $REFRESH == 1 ]] || older_than_hours "$stamp" "$MAX_AGE_H"; then
		note "installing/updating linux-headers-$ARCH in the $suite chroot"
		cp /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null || true
		# The chroot's apt follows this machine's Valid-Until policy (a
		# mirror snapshot may serve an expired Release file).
		local vu=true
		apt-config dump Acquire::Check-Valid-Until | grep -qi '"false"' && vu=false
		if in_chroot "$root" sh -c 'apt-get -q -o Acquire::Check-Valid-Until='"$vu"' update &&
			DEBIAN_FRONTEND=noninteractive apt-get -q -y --no-install-recommends \
				install linux-headers-'"$ARCH"' gcc make dwarves' \
			>"$CHROOTS/$suite.apt.log" 2>&1; then
			touch "$stamp"
		elif [[ -z $(chroot_kver "$root") ]]; then
			die "apt-get install linux-headers-$ARCH in $root" "failed (see $CHROOTS/$suite.apt.log)"
		else
			note "warning: updating the $suite chroot failed (see $CHROOTS/$suite.apt.log): using what it has"
		fi
	fi
	kver=$(chroot_kver "$root")
	[[ -n $kver ]] || die "$root" "has no /usr/src/linux-headers-*-$ARCH"
	echo "$root /usr/src/linux-headers-$kver"
}

chroot_kver() {
	find "$1/usr/src" -maxdepth 1 -name "linux-headers-*-$ARCH" -printf '%f\n' 2>/dev/null |
		sed 's/^linux-headers-//' | sort -V | tail -n1
}

# in_chroot ROOT [--bind DIR] CMD...: CMD in ROOT with /proc, /dev and DIR
# at /pktcap-src, in a private mount namespace (nothing stays mounted).
in_chroot() {
	local root=$1 bind=
	shift
	if [[ ${1:-} == --bind ]]; then
		bind=$2
		shift 2
		mkdir -p "$root/pktcap-src"
	fi
	# shellcheck disable=SC2016 # expanded by the inner sh
	unshare --mount --propagation private -- sh -c '
		r=$1 b=$2; shift 2
		mount -t proc proc "$r/proc" && mount --rbind /dev "$r/dev" &&
			{ [ -z "$b" ] || mount --bind "$b" "$r/pktcap-src"; } &&
			exec chroot "$r" "$@"' sh "$root" "$bind" "$@"
}

[[ $# -ge 1 ]] || { usage >&2; exit 2; }
cmd=$1
shift
case $cmd in
headers) [[ $# == 1 ]] || die headers "usage: $PROG headers SUITE"; cmd_headers "$1" ;;
image) [[ $# == 1 ]] || die image "usage: $PROG image KVER"; cmd_image "$1" ;;
modules-install) [[ $# == 1 ]] || die modules-install "usage: $PROG modules-install KVER"; cmd_modules_install "$1" ;;
modules-remove) [[ $# == 1 ]] || die modules-remove "usage: $PROG modules-remove KVER"; cmd_modules_remove "$1" ;;
chroot) [[ $# == 1 ]] || die chroot "usage: $PROG chroot SUITE"; cmd_chroot "$1" ;;
run-in-chroot) # for kernel-matrix.sh: run-in-chroot ROOT [--bind DIR] CMD...
	[[ $# -ge 2 ]] || die run-in-chroot "usage: $PROG run-in-chroot ROOT [--bind DIR] CMD..."
	in_chroot "$@" ;;
-h | --help) usage ;;
*) die "$cmd" "unknown command (see --help)" ;;
esac
