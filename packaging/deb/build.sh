#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# packaging/deb/build.sh - what `make deb` runs: pktcap-dkms and pktcap-tools
# with dpkg-buildpackage (debhelper + dh-dkms), from a copy of the checkout
# (tracked files plus untracked ones git does not ignore) in build/deb/src,
# with packaging/deb/debian as its debian/. The .debs land in build/deb/;
# lintian's verdict in build/deb/lintian.log (reported, never fatal).
set -euo pipefail

PROG=make-deb
cd "$(dirname "$(readlink -f "$0")")/../.."
REPO=$PWD
OUT=$REPO/build/deb

die() { echo "$PROG: $1: $2" >&2; exit 1; }
say() { echo "$PROG: $*" >&2; }

ver=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' dkms.conf)
[[ -n $ver ]] || die dkms.conf "no PACKAGE_VERSION"
chver=$(dpkg-parsechangelog -l packaging/deb/debian/changelog -S Version)
[[ $chver == "$ver" ]] ||
	die packaging/deb/debian/changelog "says $chver but dkms.conf says $ver (add a changelog entry: dch -c packaging/deb/debian/changelog -v $ver)"

src=$OUT/src/pktcap-$ver
rm -rf "$OUT"
mkdir -p "$src"
git ls-files -z --cached --others --exclude-standard |
	while IFS= read -r -d '' f; do
		if [[ -e $f ]]; then printf '%s\0' "$f"; fi
	done | tar --null -T - -cf - | tar -xf - -C "$src"
rm -rf "$src/debian"
cp -r packaging/deb/debian "$src/debian"

if ! missing=$(cd "$src" && dpkg-checkbuilddeps 2>&1); then
	die "build dependencies" "${missing#*: } (apt-get install debhelper dh-dkms and these)"
fi

say "dpkg-buildpackage -b in $src (log: $OUT/build.log)"
t0=$(date +%s)
(cd "$src" && dpkg-buildpackage -b -us -uc) >"$OUT/build.log" 2>&1 ||
	{ tail -30 "$OUT/build.log" >&2; die dpkg-buildpackage "failed (see $OUT/build.log)"; }
mv "$OUT"/src/*.deb "$OUT"/src/*.changes "$OUT"/src/*.buildinfo "$OUT"/
say "built in $(($(date +%s) - t0)) s:"
for d in "$OUT"/*.deb; do
	echo "  $d"
done

if [[ ${PKTCAP_LINTIAN:-1} == 1 ]] && command -v lintian >/dev/null; then
	lintian -I -E --pedantic --tag-display-limit 0 "$OUT"/*.changes >"$OUT/lintian.log" 2>&1 || true
	say "lintian: $(grep -cE '^[EWIPX]: ' "$OUT/lintian.log" || true) tags (see $OUT/lintian.log)"
	grep -E '^[EW]: ' "$OUT/lintian.log" >&2 || true
fi
