#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# tests/lib/style.sh - checkpatch --strict over the kernel sources and the
# uapi header, one TAP line per file.
set -uo pipefail
cd "$(dirname "$(readlink -f "$0")")/../.."
src=$(tests/lib/kernel-tools.sh) || { echo "not ok - checkpatch available"; exit 1; }
cp=$src/scripts/checkpatch.pl
# Ignored, with reasons:
#  LINUX_VERSION_CODE: compat.h is the one place version checks belong.
#  CONSTANT_COMPARISON: `#if LINUX_VERSION_CODE >= KERNEL_VERSION(...)` there.
#  FILE_PATH_CHANGES: no MAINTAINERS file out of tree.
#  BIT_MACRO (uapi only): BIT() does not exist for userspace.
#  PREFER_DEFINED_ATTRIBUTE_MACRO (pure.h only): its host half defines
#  __aligned() itself.
ignore=LINUX_VERSION_CODE,CONSTANT_COMPARISON,FILE_PATH_CHANGES
rc=0
for f in kmod/*.c kmod/*.h uapi/linux/*.h; do
	case $f in *.mod.c) continue ;; esac
	extra=
	case $f in
	uapi/*) extra=,BIT_MACRO ;;
	kmod/pure.h) extra=,PREFER_DEFINED_ATTRIBUTE_MACRO ;;
	esac
	out=$(perl "$cp" --no-tree --strict --terse --show-types \
		--ignore "$ignore$extra" -f "$f" 2>&1)
	if echo "$out" | grep -Eq ': (ERROR|WARNING|CHECK):'; then
		echo "not ok - checkpatch --strict $f"
		echo "$out" | grep -E ': (ERROR|WARNING|CHECK):' | sed 's/^/#   /' | head -20
		rc=1
	else
		echo "ok - checkpatch --strict $f"
	fi
done
exit $rc
