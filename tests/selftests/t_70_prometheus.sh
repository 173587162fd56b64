#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# pktcapctl metrics --prometheus and --listen: the exposition parses with
# the reference parser (python3-prometheus-client), every family has HELP
# and TYPE, the values are the kernel's (checked against metrics -j), and
# the HTTP endpoint serves /metrics, 404s elsewhere and stops on SIGTERM.
. "$(dirname "$0")/lib.sh"
P=$PKTCAPCTL
PARSE='
import sys, json
from prometheus_client.parser import text_string_to_metric_families
text = sys.stdin.read()
fams = {f.name: f for f in text_string_to_metric_families(text)}
helps = [l for l in text.splitlines() if l.startswith("# HELP ")]
types = [l for l in text.splitlines() if l.startswith("# TYPE ")]
out = {"families": len(fams), "helps": len(helps), "types": len(types),
       "names_ok": all(n.startswith("pktcap_") for n in fams)}
for f in fams.values():
    for s in f.samples:
        out.setdefault(s.name + ("" if not s.labels else "{cpu=%s}" % s.labels.get("cpu")), s.value)
print(json.dumps(out))
'

netns_cleanup pa pb
veth_pair pa pb
ip netns exec pb $P start -i b0 >/dev/null
ip netns exec pb $P flow-meter enable -i b0 --backend nf-ingress >/dev/null
ip netns exec pa ping -c 5 -i 0.2 -q 192.0.2.2 >/dev/null
sleep 1

# The counters move (neighbour discovery never quite stops), so the scrape
# is bracketed by two metrics -j snapshots: before <= scraped <= after.
j1=$(ip netns exec pb $P -j metrics)
if out=$(ip netns exec pb $P metrics --prometheus | /usr/bin/python3 -c "$PARSE"); then
	ok "metrics --prometheus parses with prometheus_client"
else
	fail "metrics --prometheus parses with prometheus_client"
	out='{}'
fi
fams=$(echo "$out" | json 'd.get("families", 0)')
[ "$fams" -ge 20 ] && ok "at least 20 pktcap_* families ($fams)" || fail "families exported" "$fams"
eq "every family has HELP and TYPE" "$fams $fams" \
	"$(echo "$out" | json 'd.get("helps", -1)') $(echo "$out" | json 'd.get("types", -1)')"
eq "every name starts with pktcap_" true "$(echo "$out" | json 'd.get("names_ok")')"

j2=$(ip netns exec pb $P -j metrics)
for c in seen captured flow_packets; do
	lo=$(echo "$j1" | json "d[\"$c\"]")
	hi=$(echo "$j2" | json "d[\"$c\"]")
	v=$(echo "$out" | json "d.get(\"pktcap_${c}_total\")")
	if /usr/bin/python3 -c "import sys; sys.exit(0 if $lo <= float('$v') <= $hi else 1)" 2>/dev/null; then
		ok "pktcap_${c}_total is the kernel's ($lo <= $v <= $hi)"
	else
		fail "pktcap_${c}_total is the kernel's" "$lo <= $v <= $hi"
	fi
done
cpus=$(echo "$out" | json 'sum(v for k, v in d.items() if k.startswith("pktcap_cpu_seen_total{"))')
eq "pktcap_cpu_seen_total{cpu=...} sums to pktcap_seen_total" \
	"$(echo "$out" | json 'd.get("pktcap_seen_total")')" "$cpus"

ip netns exec pb $P metrics --listen 127.0.0.1:9464 2>"/tmp/prom.err" &
srv=$!
sleep 1
scrape() {
	ip netns exec pb /usr/bin/python3 -c '
import sys, urllib.request, urllib.error
try:
    r = urllib.request.urlopen("http://127.0.0.1:9464" + sys.argv[1], timeout=10)
    print(r.status, r.headers.get("Content-Type")); print(r.read().decode())
except urllib.error.HTTPError as e:
    print(e.code)' "$1"
}
page=$(scrape /metrics)
eq "GET /metrics answers 200 with the exposition content type" \
	"200 text/plain; version=0.0.4; charset=utf-8" "$(echo "$page" | head -1)"
if echo "$page" | tail -n +2 | /usr/bin/python3 -c "$PARSE" >/dev/null; then
	ok "the scraped page parses with prometheus_client"
else
	fail "the scraped page parses"
fi
ip netns exec pa ping -c 3 -i 0.2 -q 192.0.2.2 >/dev/null
later=$(scrape /metrics | tail -n +2 | /usr/bin/python3 -c "$PARSE" | json 'd.get("pktcap_seen_total")')
before=$(echo "$page" | tail -n +2 | /usr/bin/python3 -c "$PARSE" | json 'd.get("pktcap_seen_total")')
/usr/bin/python3 -c "import sys; sys.exit(0 if float('$later') > float('$before') else 1)" &&
	ok "each scrape reads fresh counters ($before -> $later)" || fail "fresh counters" "$before -> $later"
eq "other paths answer 404" 404 "$(scrape /nope | head -1)"
kill -TERM $srv
wait $srv
eq "the server exits 0 on SIGTERM" 0 $?
# A port someone else listens on: wait until they really do (Python starts
# slowly under TCG), and never let a wrongly successful server hang here.
# (9465: the scrapes above left 9464 in TIME_WAIT, which the blocker's
# plain bind() would trip over.)
ip netns exec pb /usr/bin/python3 -c 'import socket,time; s=socket.socket(); s.bind(("127.0.0.1",9465)); s.listen(); time.sleep(60)' &
blocker=$!
for i in $(seq 100); do
	ip netns exec pb ss -Hltn "sport = :9465" | grep -q . && break
	sleep 0.2
done
check_fails "a busy port is a clear error" "9465.*(in use|Address)" \
	timeout 20 ip netns exec pb $P metrics --listen 127.0.0.1:9465
kill $blocker 2>/dev/null
wait $blocker 2>/dev/null

ip netns exec pb $P stop >/dev/null
ip netns exec pb $P flow-meter disable >/dev/null
netns_cleanup pa pb
