#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Print the directory of a linux-source-6.1 tree that holds the few kernel
# tools the tests use (checkpatch.pl and its data files, kselftest_harness.h,
# sign-file.c), extracting them on first use from Debian's linux-source-6.1
# in one pass over the xz stream (about a minute), cached under
# ${PKTCAP_CACHE:-/var/cache/pktcap}/src. Progress goes to stderr.
set -eu

cache=${PKTCAP_CACHE:-/var/cache/pktcap}
top=linux-source-6.1
dir=$cache/src/$top
tarball=/usr/src/$top.tar.xz
members="
$top/scripts/checkpatch.pl
$top/scripts/spelling.txt
$top/scripts/const_structs.checkpatch
$top/scripts/sign-file.c
$top/tools/testing/selftests/kselftest_harness.h
$top/tools/testing/selftests/kselftest.h
"

complete() {
	for m in $members; do
		[ -s "$cache/src/$m" ] || return 1
	done
}

if complete; then
	echo "$dir"
	exit 0
fi
if [ ! -r "$tarball" ]; then
	echo "kernel-tools: installing linux-source-6.1" >&2
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq linux-source-6.1 >&2
fi
echo "kernel-tools: extracting checkpatch and kselftest headers from $tarball" >&2
mkdir -p "$cache/src"
tmp=$(mktemp -d "$cache/src/.x.XXXXXX")
# shellcheck disable=SC2086 # one word per member
tar -C "$tmp" -xJf "$tarball" $members
cp -r "$tmp/$top" "$cache/src/" && rm -rf "$tmp"
complete || { echo "kernel-tools: extraction incomplete" >&2; exit 1; }
echo "$dir"
