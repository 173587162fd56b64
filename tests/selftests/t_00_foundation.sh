#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# t_00_foundation.sh - the module's two entry points exist as documented,
# and pktcapctl's always-present commands (backends, status) work in text
# and JSON, with its exit status conventions (0 ok, 1 error, 2 usage).
. "$(dirname "$0")/lib.sh"

BACKEND_NAMES='["nf-egress", "nf-ingress", "ptype", "rx-handler"]'

# ---------------------------------------------------------------- /dev/pktcap
check "/dev/pktcap exists" test -e /dev/pktcap
check "/dev/pktcap is a character device" test -c /dev/pktcap
eq "/dev/pktcap is mode 0600 root:root" "600 root:root" \
	"$(stat -c '%a %U:%G' /dev/pktcap 2>&1)"

# ------------------------------------------------------------------ backends
out=$("$PKTCAPCTL" backends 2>&1)
rc=$?
eq "backends exits 0" 0 "$rc"
missing=
for name in nf-ingress nf-egress rx-handler ptype; do
	grep -qw -- "$name" <<<"$out" || missing+=" $name"
done
eq "backends text names all four backends" "" "$missing"

# backends_json: the JSON document on stdin as "[SHAPE_OK, NAMES]": SHAPE_OK
# says it is a list of objects with a boolean "available" and a list
# "directions" of "in"/"out"; NAMES are the sorted "name"s. One python3 run
# per document: starting it under TCG takes a second.
backends_json() {
	json '[isinstance(d, list) and all(isinstance(b, dict) and isinstance(b.get("available"), bool) and isinstance(b.get("directions"), list) and set(b["directions"]) <= {"in", "out"} for b in d), sorted(b["name"] for b in d)]'
}
for form in "-j backends" "backends -j" "--json backends"; do
	# shellcheck disable=SC2086 # the form is split on purpose
	out=$("$PKTCAPCTL" $form 2>/dev/null)
	eq "'pktcapctl $form' is a list of the four backend objects" \
		"[true, $BACKEND_NAMES]" "$(backends_json <<<"$out" 2>&1)"
done
out=$("$PKTCAPCTL" -j backends 2>/dev/null)
eq "ptype sees both directions" '["in", "out"]' \
	"$(json 'sorted(next(b for b in d if b["name"] == "ptype")["directions"])' <<<"$out" 2>&1)"
eq "ptype and rx-handler are available on every kernel" "[true, true]" \
	"$(json '[b["available"] for b in sorted(d, key=lambda b: b["name"]) if b["name"] in ("ptype", "rx-handler")]' <<<"$out" 2>&1)"

# -------------------------------------------------------------------- status
out=$("$PKTCAPCTL" status 2>&1)
rc=$?
eq "status exits 0" 0 "$rc"
check "status text shows the module" grep -q '^module: pktcap' <<<"$out"
check "status text shows an idle capture" grep -Eq '^capture: idle' <<<"$out"
srcversion=$(cat /sys/module/pktcap/srcversion 2>&1)
check "status text shows the srcversion of the loaded module" \
	grep -Fq -- "$srcversion" <<<"$out"

for form in "-j status" "status -j" "status --json"; do
	# shellcheck disable=SC2086
	out=$("$PKTCAPCTL" $form 2>/dev/null)
	eq "'pktcapctl $form': module.srcversion is /sys/module/pktcap/srcversion, capture.state idle" \
		"[\"$srcversion\", \"idle\"]" \
		"$(json '[d["module"]["srcversion"], d["capture"]["state"]]' <<<"$out" 2>&1)"
done
out=$("$PKTCAPCTL" -j status 2>/dev/null)
modversion=$(cat /sys/module/pktcap/version 2>/dev/null)
# Our test build is unsigned: the kernel cannot have verified it.
eq "status JSON: module.version is /sys/module/pktcap/version, signature_verified false" \
	"[\"$modversion\", false]" \
	"$(json '[d["module"]["version"], d["module"]["signature_verified"]]' <<<"$out" 2>&1)"
check "status JSON: module.version is not empty" test -n "$modversion"

# ----------------------------------------------------------- usage and exit
check "pktcapctl --help exits 0" "$PKTCAPCTL" --help
check "pktcapctl status --help exits 0" "$PKTCAPCTL" status --help
check "pktcapctl backends --help exits 0" "$PKTCAPCTL" backends --help
"$PKTCAPCTL" no-such-command >/dev/null 2>&1
eq "an unknown command exits 2" 2 "$?"
"$PKTCAPCTL" status extra-argument >/dev/null 2>&1
eq "status with an extra argument exits 2" 2 "$?"

# ------------------------------------------------------- module not loaded
# An installed module (DKMS, the .deb) is loaded on demand instead: the
# genetlink core asks modprobe for the family's alias
# (MODULE_ALIAS_GENL_FAMILY), as for any in-tree family.
installed=$(modinfo -n pktcap 2>/dev/null)
if ! pktcap_unload; then
	fail "rmmod pktcap" "module would not unload"
elif [ -n "$installed" ]; then
	check "status without the module loads the installed one ($installed)" \
		"$PKTCAPCTL" status
	check "the module is loaded after that" test -d /sys/module/pktcap
else
	out=$("$PKTCAPCTL" status 2>&1)
	rc=$?
	eq "status without the module exits 1" 1 "$rc"
	check "status without the module says 'module not loaded'" \
		grep -q 'module not loaded' <<<"$out"
	out=$("$PKTCAPCTL" -j backends 2>&1)
	eq "backends -j without the module exits 1" 1 "$?"
fi
check "the module loads again" pktcap_load
check "status answers after the reload" "$PKTCAPCTL" status
