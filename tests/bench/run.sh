#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# tests/bench/run.sh - `make bench`: pktcap against its peers, written up in
# docs/PERFORMANCE.md.
#
#   make bench                      every section (about 20-25 min)
#   make bench BENCH=capture        one section; several: BENCH=capture,metering
#   make bench BENCH=metering-ab BENCH_AB_KO="A.ko B.ko"
#                                   builds of pktcap.ko side by side against
#                                   ipt-netflow (metering.sh's metering_ab);
#                                   prints the ratios, leaves the doc alone
#
# Sections: capture, metering, exporter, encryption. Each guest section is
# ONE boot of the guest kernel (tests/vm/run.sh --smp 2) in which the
# variants alternate; the exporter section also runs exporter_bench on the
# host. Results go to build/bench/SECTION-DATE/ (results.kv, logs) and
# build/bench/SECTION -> the latest; docs/PERFORMANCE.md is regenerated from
# the latest results of every section, so a one-section run keeps the others
# (a section with no results under build/bench, as in a fresh clone, keeps
# its text and goal status from the document as it stands).
#
# Knobs (environment): BENCH_REPS (default 3), BENCH_CAP_COUNT (1000000;
# 100000 for the encryption section's veth traffic), BENCH_CAP_BURST (32),
# BENCH_CAP_TRAFFIC (rx or veth: see capture.sh), BENCH_CAP_BUF_KB (4096), BENCH_CAP_STEPS (3),
# BENCH_CAP_SHARED_PPS (200000: the pace of the shared run), BENCH_METER_COUNT (400000),
# BENCH_METER_DSTS ("1 101 1001"), BENCH_EXPORT_COUNT (202000),
# BENCH_EXPORTER_RECORDS (2000000), BENCH_QUIET_LOAD (wait up to
# BENCH_QUIET_WAIT seconds, default 0, for the 1-min load average to drop
# below it), BENCH_MEM (guest MB, 2560), BENCH_CLOCK (guest clocksource,
# tsc or hpet), BENCH_NO_DEPS=1 (skip deps.sh), BENCH_PROFILE=1 (keep
# each shared run's perf report in the section's profile-*.txt).
set -euo pipefail

PROG=bench
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
OUTROOT=$TOP/build/bench
DOC=$TOP/docs/PERFORMANCE.md
ALL_SECTIONS=(capture metering exporter encryption)
TOOLS=(metering-ab)	# runs that measure, but are not written up
MEM=${BENCH_MEM:-2560}
# The guest's clocksource. TCG's TSC is the host's, constant-rate, but the
# guest kernel's TSC checks fail under emulation and it falls back to the
# HPET, an emulated device whose every read costs microseconds: pktgen
# reads the clock for every packet it makes, so on HPET the generator's
# own timekeeping dominates the figures (a third of CPU 0). Hardware
# timestamps with the TSC too. BENCH_CLOCK=hpet measures as before.
CLOCK=${BENCH_CLOCK:-tsc}
REPS=${BENCH_REPS:-3}

say() { echo "$PROG: $*"; }
die() { echo "$PROG: error: $*" >&2; exit 1; }

sections() {
	local want=${BENCH:-all} s
	if [[ $want == all ]]; then
		echo "${ALL_SECTIONS[@]}"
		return
	fi
	for s in ${want//,/ }; do
		[[ " ${ALL_SECTIONS[*]} ${TOOLS[*]} " == *" $s "* ]] ||
			die "BENCH=$s: unknown section (use ${ALL_SECTIONS[*]}, ${TOOLS[*]} or all)"
		echo "$s"
	done
}

build() {
	if [[ ${BENCH_NO_DEPS:-0} != 1 ]]; then
		"$TOP/scripts/deps.sh" bench
	fi
	make -C "$TOP" module userspace ${KDIR:+KDIR=$KDIR} >/dev/null
	make -C "$TOP/tests/bench" >/dev/null
}

loadavg() { cut -d' ' -f1-3 /proc/loadavg; }

wait_quiet() {
	local lim=${BENCH_QUIET_LOAD:-} max=${BENCH_QUIET_WAIT:-0} t=0
	[[ -n $lim ]] || return 0
	while (($(awk -v l="$lim" '{print ($1 > l)}' /proc/loadavg))); do
		((t < max)) || { say "load $(loadavg) still above $lim after ${max}s: measuring anyway"; return 0; }
		((t == 0)) && say "waiting for the load average to drop below $lim (now $(loadavg))"
		sleep 10
		t=$((t + 10))
	done
}

# The BENCH_* knobs set in the environment, as a command's prefix: the
# reproducing command in docs/PERFORMANCE.md names them.
knobs() {
	local v
	for v in $(compgen -v BENCH_ | sort); do
		printf '%s=%s ' "$v" "${!v}"
	done
}

# The BENCH_* knobs, as `env` arguments for the guest (tests/vm/run.sh passes
# only PKTCAP_* variables through).
guest_env() {
	local v
	echo "BENCH_REPS=$REPS"
	while IFS='=' read -r -d '' v _; do
		case $v in BENCH_REPS | BENCH_MEM | BENCH_QUIET_* | BENCH_NO_DEPS | BENCH_EXPORTER_*) ;;
		BENCH_*) echo "$v=${!v}" ;;
		esac
	done < <(env -0)
}

write_meta() { # write_meta DIR COMMAND T0 LOAD0
	local d=$1
	{
		echo "date=$(date -u '+%Y-%m-%d %H:%M UTC')"
		echo "command=$2"
		echo "elapsed=$((SECONDS - $3))"
		echo "load_before=$4"
		echo "load_after=$(loadavg)"
		echo "host_cpu=$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)"
		echo "host_cpus=$(nproc)"
		echo "qemu=$(qemu-system-x86_64 --version | awk 'NR == 1 {print $4}')"
		echo "mem=$MEM"
		echo "git=$(git -C "$TOP" rev-parse --short HEAD)$(git -C "$TOP" diff --quiet HEAD -- kmod userspace uapi || echo '+local changes')"
	} >"$d/meta.txt"
}

# guest_section DIR NAME: one boot, one section.
guest_section() {
	local d=$1 name=$2 rc=0
	local -a envs
	mapfile -t envs < <(guest_env)
	say "$name: one guest boot (smp 2, ${MEM} MB); log in $d/guest.log"
	local append="clocksource=$CLOCK"
	[[ $CLOCK == tsc ]] && append="tsc=reliable $append"
	(cd "$TOP" && tests/vm/run.sh --smp 2 --mem "$MEM" --timeout 2400 --append "$append" \
		--outdir "$d" -- env "${envs[@]}" tests/bench/guest.sh "$name") \
		>"$d/guest.log" 2>&1 || rc=$?
	grep -E '^bench: (  )?section=' "$d/guest.log" | sed 's/^bench: *//' | tail -n 3 || true
	((rc == 0)) || say "$name: the guest run failed (exit $rc): see $d/guest.log"
	return "$rc"
}

# exporter_host DIR: exporter_bench, versions alternating, REPS times.
exporter_host() {
	local d=$1 rep v n=${BENCH_EXPORTER_RECORDS:-2000000} b=${BENCH_EXPORTER_BATCH:-32}
	say "exporter: exporter_bench on the host, $REPS x (v5, v9, IPFIX) of $n records"
	{
		echo "records=$n"
		echo "batch=$b"
	} >"$d/host.txt"
	: >"$d/host.kv"
	for ((rep = 1; rep <= REPS; rep++)); do
		for v in 5 9 10; do
			"$TOP/tests/bench/build/exporter_bench" -v "$v" -n "$n" -b "$b" |
				sed "s/rep=1/rep=$rep/" | tee -a "$d/host.kv"
		done
	done
}

# ab_prepare DIR: copies BENCH_AB_KO's builds into DIR, which keeps them
# with the results, and points BENCH_AB_KO at the copies.
ab_prepare() {
	local d=$1 ko i=0 copies=()
	for ko in ${BENCH_AB_KO:-}; do
		[[ -f $ko ]] || die "BENCH_AB_KO: $ko: no such file"
		cp "$ko" "$d/build-$i.ko"
		echo "build-$i.ko=$(readlink -f "$ko") $(modinfo -F srcversion "$ko")" >>"$d/builds.txt"
		copies+=("$d/build-$i.ko")
		i=$((i + 1))
	done
	((i >= 2)) || die "BENCH=metering-ab needs BENCH_AB_KO=\"A.ko B.ko ...\" (two builds at least)"
	export BENCH_AB_KO="${copies[*]}"
}

# ab_summary DIR: per size and build, the shared runs' ratios and median.
ab_summary() {
	python3 - "$1/results.kv" <<'EOF'
import statistics
import sys

runs = {}
for line in open(sys.argv[1]):
    f = dict(kv.split("=", 1) for kv in line.split() if "=" in kv)
    if f.get("kind") != "share":
        continue
    key = (int(f["flows"]), int(f["rep"].split(":")[1]))
    ratio = (int(f["pktcap"]) + int(f["pktcap_hook"])) / int(f["ipt_netflow"])
    runs.setdefault(key, []).append(ratio)
for (flows, b), rs in sorted(runs.items()):
    print(f"bench: metering-ab: {flows} flows, build-{b}.ko: pktcap / ipt-netflow "
          f"{', '.join('%.2f' % r for r in rs)}; median {statistics.median(rs):.2f}")
EOF
}

run_section() {
	local s=$1 d t0 load0 rc=0
	d=$OUTROOT/$s-$(date -u +%Y%m%d-%H%M%S)
	mkdir -p "$d"
	wait_quiet
	t0=$SECONDS
	load0=$(loadavg)
	case $s in
	capture | encryption | metering) guest_section "$d" "$s" || rc=$? ;;
	metering-ab)
		ab_prepare "$d"
		guest_section "$d" "$s" || rc=$?
		((rc != 0)) || ab_summary "$d"
		;;
	exporter)
		exporter_host "$d" || rc=$?
		guest_section "$d" export || rc=$?
		;;
	esac
	write_meta "$d" "$(knobs)make bench BENCH=$s" "$t0" "$load0"
	ln -sfn "$(basename "$d")" "$OUTROOT/$s"
	say "$s: done in $((SECONDS - t0)) s (results in $d)"
	return "$rc"
}

report() {
	local s args=()
	for s in "${ALL_SECTIONS[@]}"; do
		[[ -e $OUTROOT/$s ]] && args+=("$s=$(readlink -f "$OUTROOT/$s")")
	done
	python3 "$TOP/tests/bench/report.py" "$DOC" "${args[@]}"
	say "wrote $DOC"
}

main() {
	local s failed=() t0=$SECONDS
	local -a list
	((EUID == 0)) || die "must run as root (QEMU guests, deps)"
	read -r -a list <<<"$(sections | tr '\n' ' ')"
	say "sections: ${list[*]}; load average $(loadavg)"
	build
	mkdir -p "$OUTROOT"
	for s in "${list[@]}"; do
		run_section "$s" || failed+=("$s")
	done
	# Only the sections rewrite the document.
	for s in "${list[@]}"; do
		if [[ " ${ALL_SECTIONS[*]} " == *" $s "* ]]; then
			report
			break
		fi
	done
	say "total $((SECONDS - t0)) s"
	((${#failed[@]} == 0)) || die "failed sections: ${failed[*]}"
}

main "$@"
