# SPDX-License-Identifier: GPL-2.0
#
# pktcap: top-level build.
#
#   make            kmod/pktcap.ko and userspace/pktcapctl
#   make install    the module (modules_install + depmod) and pktcapctl
#   make check      installs what is missing, builds, runs every test
#   make demo       shows what pktcap does, in a throwaway guest
#   make bench      benchmarks against the peers (docs/PERFORMANCE.md)
#   make fuzz       runs the host fuzzers for longer
#   make sign       signs kmod/pktcap.ko [SIGN_KEY=key.pem SIGN_CERT=cert.pem]
#   make check-debug  the guest suite on a KASAN/lockdep/kmemleak/KFENCE
#                   kernel built from linux-source-6.1 (cached; docs/RELIABILITY.md)
#   make matrix     builds against Debian 12, backports and sid kernels, then
#                   the guest suite on 6.1 and 6.12 (docs/KERNELS.md)
#   make deb        pktcap-dkms and pktcap-tools .debs in build/deb/
#
# KDIR selects the kernel build tree; by default the running kernel's,
# else the newest one installed (this machine's own kernel may have none).

KVER_RUNNING := $(shell uname -r)
ifeq ($(KDIR),)
  ifneq ($(wildcard /lib/modules/$(KVER_RUNNING)/build/Makefile),)
    KDIR := /lib/modules/$(KVER_RUNNING)/build
  else
    KDIR := $(lastword $(sort $(wildcard /lib/modules/*/build)))
  endif
endif
# The module directory name, which is what depmod and modprobe use (Debian's
# include/config/kernel.release says the upstream version instead).
KVER := $(notdir $(patsubst %/build,%,$(realpath $(dir $(KDIR))/build)))
ifeq ($(KVER),)
  KVER := $(notdir $(patsubst %/,%,$(dir $(KDIR))))
endif

PREFIX ?= /usr/local
DESTDIR ?=
W ?= 1

.PHONY: all module userspace install install-module install-userspace \
	check demo bench fuzz sparse clean kdir-info

all: module userspace

kdir-print:
	@echo $(KDIR)

kdir-info:
	@if [ -z "$(KDIR)" ] || [ ! -d "$(KDIR)" ]; then \
		echo "pktcap: no kernel build tree found: install linux-headers-$$(uname -r) or set KDIR=" >&2; \
		exit 1; \
	fi
	@echo "pktcap: building against $(KDIR) ($(KVER))"

module: kdir-info
	$(MAKE) -C $(KDIR) M=$(CURDIR) W=$(W) modules

sparse: kdir-info
	$(MAKE) -C $(KDIR) M=$(CURDIR) C=2 W=$(W) modules

userspace:
	$(MAKE) -C userspace

install: install-module install-userspace

install-module: module
	$(MAKE) -C $(KDIR) M=$(CURDIR) INSTALL_MOD_DIR=updates modules_install
	depmod -a $(KVER)

install-userspace: userspace
	$(MAKE) -C userspace install DESTDIR=$(DESTDIR) PREFIX=$(PREFIX)

check:
	KDIR=$(KDIR) tests/check.sh

demo:
	KDIR=$(KDIR) tests/demo.sh

bench:
	KDIR=$(KDIR) tests/bench/run.sh

fuzz:
	$(MAKE) -C tests/fuzz run FUZZ_SECONDS=$${FUZZ_SECONDS:-600}

.PHONY: matrix deb check-debug
matrix:
	scripts/kernel-matrix.sh

check-debug:
	scripts/debug-kernel.sh check

deb:
	packaging/deb/build.sh

# Signs with the build tree's sign-file, in place. Without SIGN_KEY and
# SIGN_CERT: a throwaway key pair, made once under build/signing/, that no
# kernel trusts (docs/INTEGRITY.md says how to enroll a real one).
SIGN_KEY ?=
SIGN_CERT ?=
SIGN_HASH ?= sha256

.PHONY: sign
sign: module
	scripts/sign.sh --kdir $(KDIR) --hash $(SIGN_HASH) \
		$(if $(SIGN_KEY),--key $(SIGN_KEY)) \
		$(if $(SIGN_CERT),--cert $(SIGN_CERT)) kmod/pktcap.ko

clean:
	-[ -n "$(KDIR)" ] && $(MAKE) -C $(KDIR) M=$(CURDIR) clean
	-$(MAKE) -C userspace clean
	-$(MAKE) -C tests/unit clean
	-$(MAKE) -C tests/fuzz clean
	rm -rf build
