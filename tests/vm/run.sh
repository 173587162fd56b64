#!/bin/bash
# tests/vm/run.sh - boot a kernel in QEMU and run one command as root inside it.
#
# The guest's root is the host's / (read-only 9p + overlayfs with a tmpfs upper),
# so every host program, /lib/modules and the repository are there at the same
# paths.  A second, writable 9p share brings back the command's output, exit
# status and the kernel taint read after the command.  Pass/fail is decided from
# those files and from the console log (oops/WARN/... patterns), never from the
# command's own words.  See tests/vm/README.md.
set -euo pipefail

PROG=run.sh
SCRIPT_PATH=$(readlink -f "${BASH_SOURCE[0]}")
SCRIPT_DIR=$(dirname "$SCRIPT_PATH")

usage() {
	cat <<'EOF'
usage: tests/vm/run.sh [--kernel VMLINUZ] [--append "EXTRA KERNEL ARGS"]
                       [--timeout SECONDS] [--log FILE] [--smp N] [--mem MB]
                       [--outdir DIR] -- COMMAND [ARGS...]

Boots VMLINUZ (default: newest /boot/vmlinuz-* with /lib/modules/VER) under
QEMU (TCG; KVM if PKTCAP_VM_KVM=1) with the host's / as a read-only root plus a
tmpfs overlay, runs COMMAND as root in the caller's current directory, and
exits with COMMAND's exit status if the guest kernel stayed clean.

  --kernel FILE   kernel image to boot
  --append ARGS   extra kernel command line arguments
  --timeout S     wall-clock limit for the whole VM run (default 900)
  --log FILE      console log (default tests/vm/out/console-TIMESTAMP-PID.log)
  --smp N         guest CPUs (default 2)
  --mem MB        guest memory (default 2048)
  --outdir DIR    copy files the command left in $PKTCAP_VM_OUTDIR to DIR

Exit status: COMMAND's status if the kernel stayed clean; 124 timeout;
125 kernel not clean (oops/WARN/panic/taint) or guest died without a status;
2 usage error; 3 host-side setup error.

Environment: PKTCAP_VM_KVM=1, PKTCAP_CACHE (default /var/cache/pktcap),
PKTCAP_VM_ALLOW_TAINT (default OE), PKTCAP_VM_KEEP=1 (keep the results dir).
Passed into the guest: CI, V, and variables named PKTCAP_* / KSFT_*.
EOF
}

die() { # die CODE WHAT WHY
	echo "$PROG: $2: $3" >&2
	exit "$1"
}

note() { echo "$PROG: $*" >&2; }

# ---------------------------------------------------------------- arguments
KERNEL=
APPEND=
TIMEOUT=900
LOG=
SMP=2
MEM=2048
OUTDIR=

need_arg() { [[ $# -ge 2 ]] || die 2 "$1" "missing argument (see --help)"; }

while [[ $# -gt 0 ]]; do
	case $1 in
	--kernel) need_arg "$@"; KERNEL=$2; shift 2 ;;
	--append) need_arg "$@"; APPEND=$2; shift 2 ;;
	--timeout) need_arg "$@"; TIMEOUT=$2; shift 2 ;;
	--log) need_arg "$@"; LOG=$2; shift 2 ;;
	--smp) need_arg "$@"; SMP=$2; shift 2 ;;
	--mem) need_arg "$@"; MEM=$2; shift 2 ;;
	--outdir) need_arg "$@"; OUTDIR=$2; shift 2 ;;
	-h | --help) usage; exit 0 ;;
	--) shift; break ;;
	-*) die 2 "$1" "unknown option (see --help)" ;;
	*) break ;;
	esac
done
[[ $# -gt 0 ]] || die 2 "command" "missing (usage: $PROG [options] -- COMMAND [ARGS...])"
for v in TIMEOUT SMP MEM; do
	[[ ${!v} =~ ^[1-9][0-9]*$ ]] || die 2 "--${v,,}" "'${!v}' is not a positive integer"
done

ALLOW_TAINT=${PKTCAP_VM_ALLOW_TAINT-OE}
CACHE_DIR=${PKTCAP_CACHE:-/var/cache/pktcap}/vm

for tool in qemu-system-x86_64 busybox modprobe timeout tail; do
	command -v "$tool" >/dev/null 2>&1 ||
		die 3 "$tool" "not found (run scripts/deps.sh check)"
done
BUSYBOX=$(command -v busybox)
# Debian's busybox (dynamic) and busybox-static both install /bin/busybox; the
# initramfs needs the static one.
if command -v readelf >/dev/null 2>&1 &&
	LC_ALL=C readelf -l "$BUSYBOX" 2>/dev/null | grep -q 'program interpreter'; then
	die 3 "$BUSYBOX" "is dynamically linked (install busybox-static)"
fi

# ------------------------------------------------------------------- kernel
# Version string of a bzImage: header "HdrS" at 0x202, pointer at 0x20e.
kernel_version() {
	local img=$1 magic off ver
	magic=$(dd if="$img" bs=1 skip=514 count=4 2>/dev/null || true)
	if [[ $magic == HdrS ]]; then
		off=$(od -An -tu2 -j526 -N2 "$img" | tr -d ' ')
		ver=$(dd if="$img" bs=1 skip=$((off + 512)) count=200 2>/dev/null |
			tr '\0' '\n' | head -n1 | awk '{print $1}')
		[[ -n $ver ]] && { echo "$ver"; return; }
	fi
	ver=${img##*/}
	ver=${ver#vmlinuz-}
	echo "$ver"
}

if [[ -z $KERNEL ]]; then
	while read -r k; do
		v=${k#/boot/vmlinuz-}
		[[ -d /lib/modules/$v ]] && KERNEL=$k
	done < <(find /boot -maxdepth 1 -name 'vmlinuz-*' 2>/dev/null | sort -V)
	[[ -n $KERNEL ]] ||
		die 3 "kernel" "no /boot/vmlinuz-* with a matching /lib/modules/VER (run scripts/deps.sh check)"
fi
[[ -r $KERNEL ]] || die 3 "$KERNEL" "kernel image not readable"
KVER=$(kernel_version "$KERNEL")
[[ -n $KVER ]] || die 3 "$KERNEL" "cannot determine the kernel version"

# ---------------------------------------------------------------- initramfs
# Modules the guest needs before it can mount its root, in load order.
GUEST_MODULES=(virtio_pci 9pnet_virtio 9p overlay)

MODFILES=()
if [[ -d /lib/modules/$KVER ]]; then
	for m in "${GUEST_MODULES[@]}"; do
		deps=$(modprobe -S "$KVER" --show-depends "$m" 2>&1) ||
			die 3 "module $m" "not available for $KVER: $deps"
		while read -r verb path _; do # "insmod /path/x.ko [params]" or "builtin x"
			[[ $verb == insmod ]] || continue
			[[ " ${MODFILES[*]} " == *" $path "* ]] || MODFILES+=("$path")
		done <<<"$deps"
	done
else
	note "warning: /lib/modules/$KVER missing: assuming virtio/9p/overlay are built into $KERNEL"
fi

init_script() {
	cat <<'EOF'
#!/bin/busybox sh
# pktcap guest init (stage 1, busybox): load modules, build the root, switch.
/bin/busybox mkdir -p /proc /sys /dev /sbin /usr/bin /usr/sbin
/bin/busybox --install -s
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
mount -t devtmpfs devtmpfs /dev
exec </dev/console >/dev/console 2>&1
mount -t proc proc /proc
fail() { echo "pktcap-vm: init: $*"; sync; poweroff -f; sleep 60; }
while read -r m; do
	[ -n "$m" ] || continue
	insmod "/mods/$m" || fail "insmod $m failed"
done </mods/order
O9P=trans=virtio,version=9p2000.L,msize=262144
mkdir -p /lower /upper /newroot
mount -t 9p -o "$O9P,ro" hostroot /lower || fail "mount of the host root over 9p failed"
mount -t tmpfs -o mode=0755 tmpfs /upper || fail "tmpfs for the overlay failed"
mkdir -p /upper/u /upper/w
mount -t overlay -o lowerdir=/lower,upperdir=/upper/u,workdir=/upper/w overlay /newroot ||
	fail "overlay mount failed"
N=/newroot
mkdir -p $N/proc $N/sys $N/dev $N/run $N/tmp
mount -t proc proc $N/proc
mount -t sysfs sysfs $N/sys
mount -t devtmpfs devtmpfs $N/dev
mkdir -p $N/dev/pts $N/dev/shm
mount -t devpts -o gid=5,mode=620,ptmxmode=666 devpts $N/dev/pts
mount -t tmpfs -o mode=1777 tmpfs $N/dev/shm
mount -t tmpfs -o mode=0755 tmpfs $N/run
mount -t debugfs debugfs $N/sys/kernel/debug 2>/dev/null
mount -t cgroup2 cgroup2 $N/sys/fs/cgroup 2>/dev/null
mkdir -p $N/run/pktcap-vm/res $N/run/lock
mount -t 9p -o "$O9P" pktcapres $N/run/pktcap-vm/res || fail "mount of the results share failed"
# /tmp is a fresh tmpfs unless the caller's directory lives under it.
case "$(cat $N/run/pktcap-vm/res/cwd)" in
/tmp | /tmp/*) echo "pktcap-vm: cwd is under /tmp: keeping the host's /tmp (overlay)" ;;
*) mount -t tmpfs -o mode=1777 tmpfs $N/tmp ;;
esac
cp /bin/busybox $N/run/pktcap-vm/busybox
umount /proc
exec switch_root -c /dev/console $N /bin/bash /run/pktcap-vm/res/stage2.sh
fail "switch_root failed"
EOF
}

# Stage 2 runs as PID 1 in the new root (host's bash); written per run into the
# results share, so it is not part of the cached initramfs.
stage2_script() {
	cat <<'EOF'
#!/bin/bash
# pktcap guest stage 2: PID 1 in the overlay root.  Runs the job, records the
# exit status and the taint, powers off.
R=/run/pktcap-vm/res
BB=/run/pktcap-vm/busybox
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root TERM=dumb LANG=C.UTF-8 SHELL=/bin/bash USER=root LOGNAME=root
export PKTCAP_VM=1 PKTCAP_VM_OUTDIR=$R/files
mkdir -p "$PKTCAP_VM_OUTDIR" /root
"$BB" hostname pktcap-vm
echo "127.0.1.1 pktcap-vm" >>/etc/hosts
ip link set lo up 2>/dev/null || "$BB" ip link set lo up
# shellcheck disable=SC1091
. "$R/job" # sets JOB_CWD, JOB_ARGV=(...), exports pass-through variables
KML=/sys/kernel/debug/kmemleak
if [ -w "$KML" ]; then # debug kernels: forget leaks from before the command
	echo scan >"$KML"
	echo clear >"$KML"
fi
echo "pktcap-vm: guest up, running the command in $JOB_CWD"
rc=0
if cd "$JOB_CWD"; then
	(exec "${JOB_ARGV[@]}") </dev/null >>"$R/output" 2>&1 || rc=$?
else
	echo "pktcap-vm: cannot cd to $JOB_CWD" >>"$R/output"
	rc=125
fi
if [ -w "$KML" ]; then
	echo "pktcap-vm: kmemleak scan"
	echo scan >"$KML"
	cat "$KML" >"$R/kmemleak"
fi
# The console may have been silenced (dmesg -n): read the ring buffer too.
dmesg >"$R/dmesg" 2>/dev/null || "$BB" dmesg >"$R/dmesg" 2>/dev/null
cat /proc/sys/kernel/tainted >"$R/tainted"
echo "$rc" >"$R/rc.tmp" && mv "$R/rc.tmp" "$R/rc"
echo "pktcap-vm: command exited with status $rc, taint $(cat "$R/tainted")"
sync
"$BB" poweroff -f
sleep 60
EOF
}

now_ms() { echo $(($(date +%s%N) / 1000000)); }
secs_since() { # secs_since T0_MS -> seconds with 2 decimals
	local d=$(($(now_ms) - $1))
	printf '%d.%02d' $((d / 1000)) $((d % 1000 / 10))
}

build_initramfs() { # build_initramfs OUT
	local out=$1 dir i f base
	dir=$(mktemp -d "$CACHE_DIR/.build.XXXXXX")
	mkdir -p "$dir/bin" "$dir/mods"
	cp "$BUSYBOX" "$dir/bin/busybox"
	init_script >"$dir/init"
	chmod 755 "$dir/init"
	: >"$dir/mods/order"
	i=0
	for f in "${MODFILES[@]}"; do
		base=${f##*/}
		base=$(printf '%02d-%s' "$i" "${base%%.ko*}.ko")
		case $f in
		*.ko) cp "$f" "$dir/mods/$base" ;;
		*.ko.xz) xz -dc "$f" >"$dir/mods/$base" ;;
		*.ko.zst) zstd -qdc "$f" >"$dir/mods/$base" ;;
		*.ko.gz) gzip -dc "$f" >"$dir/mods/$base" ;;
		*) rm -rf "$dir"; die 3 "$f" "unknown module compression" ;;
		esac || { rm -rf "$dir"; die 3 "$f" "cannot decompress (xz-utils/zstd installed?)"; }
		echo "$base" >>"$dir/mods/order"
		i=$((i + 1))
	done
	(cd "$dir" && find . -mindepth 1 | LC_ALL=C sort | "$BUSYBOX" cpio -o -H newc 2>/dev/null) |
		gzip -1 >"$out.tmp.$$"
	mv -f "$out.tmp.$$" "$out"
	rm -rf "$dir"
}

mkdir -p "$CACHE_DIR" 2>/dev/null || die 3 "$CACHE_DIR" "cannot create the cache directory (set PKTCAP_CACHE)"
KEY=$( {
	echo "$KVER"
	sha256sum "$SCRIPT_PATH" "$BUSYBOX" | awk '{print $1}'
	[[ ${#MODFILES[@]} -eq 0 ]] || sha256sum "${MODFILES[@]}"
} | sha256sum | cut -c1-16)
INITRD=$CACHE_DIR/initramfs-$KVER-$KEY.cpio.gz
if [[ -s $INITRD ]]; then
	INITRD_STATE=cached
else
	t0=$(now_ms)
	build_initramfs "$INITRD"
	INITRD_STATE="built in $(secs_since "$t0")s"
fi

# -------------------------------------------------------------- the results
RES=$(mktemp -d "${TMPDIR:-/tmp}/pktcap-vm.XXXXXX")
QPID=
TAILPID=
# shellcheck disable=SC2317 # called from the EXIT trap
cleanup() {
	if [[ -n $QPID ]]; then kill "$QPID" 2>/dev/null || true; fi
	if [[ -n $TAILPID ]]; then kill "$TAILPID" 2>/dev/null || true; fi
	if [[ ${PKTCAP_VM_KEEP:-0} == 1 ]]; then
		note "results kept in $RES"
	else
		rm -rf "$RES"
	fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

case $(pwd -P) in
/proc | /proc/* | /sys | /sys/* | /dev | /dev/* | /run | /run/*)
	die 3 "$(pwd -P)" "not usable as the guest's working directory (the guest mounts its own there)" ;;
esac
chmod 0777 "$RES"
: >"$RES/output"
pwd -P >"$RES/cwd"
stage2_script >"$RES/stage2.sh"
{
	printf 'JOB_CWD=%q\n' "$(pwd -P)"
	printf 'JOB_ARGV=('
	printf ' %q' "$@"
	printf ' )\n'
	while IFS='=' read -r -d '' name value; do
		case $name in
		CI | V | KSFT_* | PKTCAP_*)
			case $name in PKTCAP_VM_* | PKTCAP_CACHE) continue ;; esac
			printf 'export %s=%q\n' "$name" "$value"
			;;
		esac
	done < <(env -0)
} >"$RES/job"

if [[ -z $LOG ]]; then
	mkdir -p "$SCRIPT_DIR/out"
	LOG=$SCRIPT_DIR/out/console-$(date +%Y%m%d-%H%M%S)-$$.log
fi
mkdir -p "$(dirname "$LOG")"
LOG=$(readlink -f "$LOG")
: >"$LOG" || die 3 "$LOG" "cannot write the console log"

if [[ ${PKTCAP_VM_KVM:-0} == 1 ]]; then
	ACCEL=(-accel kvm -cpu host)
else
	ACCEL=(-accel tcg -cpu max)
fi
# no_timer_check: on a loaded host TCG can miss the IO-APIC timer check and
# the guest panics at boot ("IO-APIC + timer doesn't work!").
CMDLINE="console=ttyS0 panic=-1 oops=panic panic_on_warn=1 no_timer_check${APPEND:+ $APPEND}"

QEMU=(qemu-system-x86_64 "${ACCEL[@]}" -smp "$SMP" -m "$MEM"
	-no-reboot -nographic -nodefaults -monitor none
	-serial "file:$LOG"
	-kernel "$KERNEL" -initrd "$INITRD" -append "$CMDLINE"
	-fsdev "local,id=hostroot,path=/,readonly=on,security_model=none,multidevs=remap"
	-device "virtio-9p-pci,fsdev=hostroot,mount_tag=hostroot"
	-fsdev "local,id=pktcapres,path=$RES,security_model=none"
	-device "virtio-9p-pci,fsdev=pktcapres,mount_tag=pktcapres")

note "kernel $KERNEL ($KVER), initramfs $INITRD_STATE, ${ACCEL[1]}, smp $SMP, mem ${MEM}M, timeout ${TIMEOUT}s"
note "console log: $LOG"
T_START=$(now_ms)
timeout -k 5 "$TIMEOUT" "${QEMU[@]}" </dev/null 2>"$RES/qemu.stderr" &
QPID=$!
# Stream the command's output as the guest writes it into the share.
tail -n +1 -s 0.2 -F --pid="$QPID" "$RES/output" 2>/dev/null &
TAILPID=$!
QRC=0
wait "$QPID" || QRC=$?
QPID=
wait "$TAILPID" 2>/dev/null || true
TAILPID=
# The harness line must start a line of its own.
[[ ! -s $RES/output || -z $(tail -c1 "$RES/output") ]] || echo
ELAPSED=$(secs_since "$T_START")

if [[ -s $RES/qemu.stderr ]]; then
	{ echo "--- qemu stderr ---"; cat "$RES/qemu.stderr"; } >>"$LOG"
fi
[[ -n $OUTDIR && -d $RES/files ]] && { mkdir -p "$OUTDIR" && cp -a "$RES/files/." "$OUTDIR/"; }
cp "$RES/output" "${LOG%.log}.output" 2>/dev/null || true
cp "$RES/dmesg" "${LOG%.log}.dmesg" 2>/dev/null || true

# ----------------------------------------------------------------- verdict
decode_taint() { # letters for the set bits (include/linux/panic.h, 6.x)
	local t=$1 letters=PFSRMBUDAWCIOELKXTN i out=
	for ((i = 0; i < ${#letters}; i++)); do
		((t >> i & 1)) && out+=${letters:i:1}
	done
	((t >> ${#letters})) && out+="+0x$(printf '%x' $((t >> ${#letters} << ${#letters})))"
	echo "${out:-none}"
}

BAD_RE='(Kernel panic|Oops|BUG:|WARNING:|KASAN|UBSAN|kernel BUG|Call Trace|lockdep|possible recursive locking|INFO: task .* blocked|kmemleak)'
# Boot-time lines that match BAD_RE but report no problem.
BENIGN_RE='(^pktcap-vm:|kmemleak: Kernel memory leak detector|kmemleak: Automatic memory scanning|kasan: KernelAddressSanitizer initialized|MAX_LOCKDEP|RCU lockdep checking is enabled|RETBleed: WARNING: Spectre v2 mitigation|pktgen: WARNING: trying to remove a running interface)'
BAD_LINE=$(cat "$LOG" "$RES/dmesg" 2>/dev/null | tr -d '\r' | sed 's/^\[ *[0-9.]*\] //' | grep -E "$BAD_RE" | grep -Ev "$BENIGN_RE" | head -n1 || true)

REASON=
RC=
if [[ -s $RES/rc ]]; then
	RC=$(<"$RES/rc")
fi
TAINT=
[[ -s $RES/tainted ]] && TAINT=$(<"$RES/tainted")
if [[ $QRC == 124 || $QRC == 137 ]]; then
	REASON="timeout: the guest did not power off within ${TIMEOUT}s"
	STATUS=124
elif [[ -n $BAD_LINE ]]; then
	REASON="kernel reported a problem: $BAD_LINE"
elif [[ $QRC != 0 ]]; then
	REASON="qemu failed (exit $QRC): $(head -n1 "$RES/qemu.stderr" 2>/dev/null)"
elif [[ -s $RES/kmemleak ]]; then
	REASON="kmemleak: $(grep -c '^unreferenced object' "$RES/kmemleak") suspected leaks after the command"
	cp "$RES/kmemleak" "${LOG%.log}.kmemleak" 2>/dev/null || true
elif [[ ! $RC =~ ^[0-9]+$ ]]; then
	REASON="the guest powered off without an exit status (panic, or init failed: see the console log)"
elif [[ ! $TAINT =~ ^[0-9]+$ ]]; then
	REASON="no taint value came back from the guest"
else
	allowed=0 letters=PFSRMBUDAWCIOELKXTN
	for ((i = 0; i < ${#letters}; i++)); do
		[[ $ALLOW_TAINT == *"${letters:i:1}"* ]] && allowed=$((allowed | 1 << i))
	done
	if ((TAINT & ~allowed)); then
		REASON="kernel tainted $(decode_taint "$TAINT") ($TAINT); only '$ALLOW_TAINT' is allowed"
	fi
fi

if [[ -z $REASON ]]; then
	note "guest powered off after ${ELAPSED}s, command exit status $RC"
	echo "ok - guest kernel clean (taint: $(decode_taint "$TAINT"))"
	exit "$RC"
fi

echo "not ok - guest kernel clean: $REASON"
{
	echo "$PROG: FAILED after ${ELAPSED}s: $REASON"
	[[ -n $RC ]] && echo "$PROG: (the command itself exited with status $RC)"
	echo "$PROG: console log: $LOG (last 40 lines follow)"
	tr -d '\r' <"$LOG" | tail -n 40 | sed 's/^/  | /'
	echo "$PROG: $REASON"
} >&2
exit "${STATUS:-125}"
