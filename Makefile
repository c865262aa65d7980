# Build, lint and test loop for the KVM SEV live-migration series.
# See README.md. Every target installs what it needs (scripts/deps.sh).

SHELL := /bin/bash
S := scripts

.PHONY: all deps tree export kernel selftests initramfs vmtest lint check \
	demo bench base-run selfcheck roundtrip clean help qemu-tree qemu \
	qemu-export qemu-test sev-host psp-test

all: check

help:
	@sed -n 's/^## //p' README.md | head -40

deps:
	@$(S)/deps.sh

## make tree: unpack the base into build/linux and git am patches/
tree: deps
	@$(S)/tree.sh

## make export: regenerate patches/ from build/linux
export:
	@$(S)/export.sh

## make qemu-tree: unpack Debian's qemu source into build/qemu, git am qemu/patches/
qemu-tree: deps
	@$(S)/qemu-tree.sh

## make qemu-export: regenerate qemu/patches/ from build/qemu
qemu-export:
	@$(S)/qemu-export.sh

## make qemu: build the patched QEMU (x86_64-softmmu) into build/qemu-obj
qemu: deps
	@$(S)/build-qemu.sh

## make qemu-test: the QEMU-level test of the emulated SEV host CPU
qemu-test: qemu
	@$(S)/qemu-test.sh

## make sev-host: what the kernel under test makes of the emulated SEV host
sev-host: qemu
	@$(S)/initramfs.sh >/dev/null
	@$(S)/sev-host-check.sh

## make psp-test: the emulated PSP's known-answer tests and firmware tests
psp-test: qemu
	@$(S)/initramfs.sh >/dev/null
	@$(S)/psp-test.sh

## make kernel: build the test kernel (config/kvm-sev-test.config)
kernel: deps
	@[ -d build/linux/.git ] || $(S)/tree.sh
	@$(S)/build-kernel.sh

## make selftests: build the KVM selftests statically
selftests: deps
	@$(S)/build-selftests.sh

initramfs:
	@$(S)/initramfs.sh

## make vmtest TESTS='glob ...': run selftests, one QEMU boot each
vmtest: deps
	@[ -x build/qemu-obj/qemu-system-x86_64 ] || $(S)/build-qemu.sh
	@$(S)/initramfs.sh >/dev/null
	@$(S)/vmtest.sh

## make lint: checkpatch, per-patch builds, sparse, htmldocs
lint: deps
	@$(S)/lint.sh

selfcheck: deps
	@$(S)/selfcheck.sh

roundtrip:
	@$(S)/roundtrip.sh

## make check: every gate; ends with "N passed, N failed, N skipped"
check:
	@$(S)/check.sh

## make demo: build, boot under QEMU and show the series at work
demo: deps
	@$(S)/demo.sh

## make bench: benchmarks that print figures
bench: deps
	@$(S)/bench.sh

## make base-run: run every test on the unpatched base (for known-tcg-failures)
base-run: deps
	@$(S)/base-run.sh

clean:
	rm -rf build
