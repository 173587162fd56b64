#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Print the directory holding kselftest_harness.h and kselftest.h, the
# kernel's unit test harness that tests/unit builds against.
#
# Found, in order, in:
#   $PKTCAP_CACHE/kselftest/                         (our extraction)
#   $PKTCAP_CACHE/src/linux-source-6.1/tools/testing/selftests/
# else extracted on first use from /usr/src/linux-source-6.1.tar.xz
# (Debian package linux-source-6.1, installed if missing) into
# $PKTCAP_CACHE/kselftest/. PKTCAP_CACHE defaults to /var/cache/pktcap.
# Extraction reads the whole xz stream: about a minute.
#
# Only the directory goes to stdout; progress and errors go to stderr.
set -eu

cache=${PKTCAP_CACHE:-/var/cache/pktcap}
dest=$cache/kselftest
tarball=/usr/src/linux-source-6.1.tar.xz
member=linux-source-6.1/tools/testing/selftests

# Both headers present and complete (a partial write lacks the last #endif).
headers_ok() {
	[ -s "$1/kselftest_harness.h" ] && [ -s "$1/kselftest.h" ] &&
	tail -n 3 "$1/kselftest_harness.h" | grep -q '__KSELFTEST_HARNESS_H' &&
	tail -n 3 "$1/kselftest.h" | grep -q '__KSELFTEST_H'
}

for dir in "$dest" "$cache/src/$member"; do
	if headers_ok "$dir"; then
		echo "$dir"
		exit 0
	fi
done

if [ ! -r "$tarball" ]; then
	echo "kselftest-headers: installing linux-source-6.1 for $tarball" >&2
	apt-get install -y linux-source-6.1 >&2 || {
		echo "kselftest-headers: cannot install linux-source-6.1" >&2
		exit 1
	}
fi

mkdir -p "$cache"
tmp=$(mktemp -d "$cache/kselftest.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
echo "kselftest-headers: extracting from $tarball (about a minute)" >&2
tar -xJf "$tarball" -C "$tmp" --strip-components=4 --occurrence=1 \
	"$member/kselftest_harness.h" "$member/kselftest.h"
headers_ok "$tmp" || {
	echo "kselftest-headers: $tarball lacks the kselftest headers" >&2
	exit 1
}
# Publish atomically; a concurrent run may have won the race.
mv -T "$tmp" "$dest" 2>/dev/null || headers_ok "$dest"
echo "$dest"
