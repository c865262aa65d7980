# Build, lint and test loop for the KVM SEV live-migration series.
# See README.md. Every target installs what it needs (scripts/deps.sh).
# `make help` lists the targets: the "## " lines below.

SHELL := /bin/bash
S := scripts

.PHONY: all help deps tree export qemu-tree qemu-export tree-status qemu sev-noncoherent \
	qemu-test kernel selftests programs initramfs vmtest runner-test \
	selfcheck sev-host psp-test lint roundtrip check demo real-guest migrate bench base-run clean

all: check

## make help: this list
help:
	@sed -n 's/^## make /  make /p' $(firstword $(MAKEFILE_LIST)) | \
		awk -F': ' '{ printf "%-22s %s\n", $$1, substr($$0, length($$1) + 3) }'

## make deps: install the Debian packages every target needs (apt-get, non-interactive)
deps:
	@$(S)/deps.sh

## make tree: unpack the base into build/linux, git am patches/ (refuses when build/linux holds work patches/ lacks; FORCE=1 discards it)
tree: deps
	@$(S)/queue.sh tree linux

## make export: regenerate patches/ from the commits in build/linux
export:
	@$(S)/queue.sh export linux

## make tree-status: does build/linux (and build/qemu) hold anything patches/ (qemu/patches/) lacks?
tree-status:
	@$(S)/queue.sh status linux; $(S)/queue.sh status qemu

## make qemu-tree: unpack Debian's qemu source into build/qemu, git am qemu/patches/ (refuses like make tree)
qemu-tree: deps
	@$(S)/queue.sh tree qemu

## make qemu-export: regenerate qemu/patches/ from build/qemu
qemu-export:
	@$(S)/queue.sh export qemu

## make qemu: build the patched QEMU (x86_64-softmmu) into build/qemu-obj
qemu: deps
	@$(S)/build-qemu.sh

## make qemu-test: the QEMU-level test of the emulated SEV host CPU
qemu-test: qemu
	@$(S)/qemu-test.sh

## make kernel: build build/linux into build/kobj (config/kvm-sev-test.config, ccache)
kernel: deps
	@$(S)/build-kernel.sh

## make selftests: build the KVM selftests statically into build/selftests
selftests: kernel
	@$(S)/build-selftests.sh

## make programs: build the repository's own test programs (tests/Makefile)
programs: selftests qemu
	@. $(S)/common.sh && programs

## make initramfs: the test VM's busybox initramfs with the built modules
initramfs: kernel
	@$(S)/initramfs.sh

## make vmtest TESTS='glob ...': rebuild what changed, then run those selftests, one QEMU boot each
vmtest: selftests qemu initramfs
	@$(S)/vmtest.sh

## make runner-test: the test runner's own tests (no QEMU, seconds)
runner-test:
	@$(S)/runner-test.sh

## make selfcheck: a pass, skip, failure, timeout, WARN and taint, each booted and judged
selfcheck: programs initramfs
	@$(S)/selfcheck.sh

## make sev-host: what the kernel under test makes of the emulated SEV host
sev-host: programs initramfs
	@$(S)/sev-host-check.sh

## make psp-test: the emulated PSP's known-answer tests and firmware tests
psp-test: programs initramfs
	@$(S)/psp-test.sh

## make sev-noncoherent: the SEV selftests without SME_COHERENT, kprobes on the cache flushes
sev-noncoherent: selftests qemu initramfs
	@$(S)/sev-noncoherent.sh

## make lint: checkpatch, per-patch builds, sparse, htmldocs
lint: kernel
	@$(S)/lint.sh

## make roundtrip: exporting build/linux and build/qemu gives patches/ and qemu/patches/ back
roundtrip:
	@$(S)/roundtrip.sh

## make check: every gate in build/check (never build/linux), TAP 13, then "N passed, N failed, N skipped"
check:
	@$(S)/check.sh

## make demo: build, boot under QEMU and show the series at work
demo: deps
	@$(S)/demo.sh

## make real-guest: a real VMM boots OVMF and Debian's kernel inside the kernel under test
real-guest: deps
	@$(S)/real-guest.sh

## make migrate: the series' QEMU live-migrates a real SEV guest inside the kernel under test
migrate: deps
	@$(S)/migrate.sh

## make bench: benchmarks that print figures
bench: deps
	@$(S)/bench.sh

## make base-run: every test on the unpatched base, raw results (the base= evidence of tests/expectations)
base-run: deps
	@$(S)/base-run.sh

## make clean: remove build/ (downloads and trees included); refuses like make tree unless FORCE=1
clean:
	@[ "$(FORCE)" = 1 ] || { $(S)/queue.sh status linux && $(S)/queue.sh status qemu && \
		! ls -d build/*.old-* 2>/dev/null; } || \
		{ echo "make clean: build/ holds work (above); FORCE=1 removes it anyway"; exit 1; }
	rm -rf build
