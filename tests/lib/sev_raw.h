/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Raw KVM_MEMORY_ENCRYPT_OP helpers shared by the repository's own SEV
 * programs (tests/psp/, tests/bench/), which run without the selftest
 * library: open the devices, issue one command, create an SEV VM.
 */
#ifndef SEV_RAW_H
#define SEV_RAW_H

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <linux/kvm.h>
#include <linux/psp-sev.h>

#define SEV_CERT_LEN	0x824	/* an SEV certificate (PDH, PEK, OCA, CEK) */
#define SEV_ASK_ARK_MAX	4096	/* AMD's ASK and ARK pair: 1664 to 3200 bytes */

/*
 * The AMD half of the chain that SEND_START needs, from the directory named
 * by $SEV_CERT_DIR: ask_ark.cert, AMD's ASK followed by its ARK as AMD
 * publishes them (ask_ark_<generation>.cert), and cek.cert, this chip's CEK
 * signed by the ASK, as AMD's key server returns it for the chip's GET_ID
 * (https://kdsintf.amd.com/cek/id/<ID in hex>).  The names are sev-tool's.
 * Returns NULL, or which file is missing or wrong.
 */
static inline const char *sev_amd_chain(uint8_t *ask_ark, size_t *ask_ark_len,
					uint8_t cek[SEV_CERT_LEN])
{
	static char missing[4200];
	const char *dir = getenv("SEV_CERT_DIR");
	const char *names[] = { "ask_ark.cert", "cek.cert" };
	uint8_t *bufs[] = { ask_ark, cek };
	size_t max[] = { SEV_ASK_ARK_MAX, SEV_CERT_LEN };

	if (!dir)
		return "SEV_CERT_DIR (a directory with AMD's ask_ark.cert and this chip's cek.cert)";
	for (int i = 0; i < 2; i++) {
		FILE *f;
		size_t n;

		snprintf(missing, sizeof(missing), "%s/%s", dir, names[i]);
		f = fopen(missing, "rb");
		if (!f)
			return missing;
		n = fread(bufs[i], 1, max[i], f);
		fclose(f);
		/* AMD's pairs are 1664 (2048-bit keys) to 3200 bytes. */
		if (i == 0 && (n < 1664 || n == max[i])) {
			strncat(missing, ": not an ASK and ARK pair",
				sizeof(missing) - strlen(missing) - 1);
			return missing;
		}
		if (i == 0)
			*ask_ark_len = n;
		else if (n != SEV_CERT_LEN) {
			strncat(missing, ": not an SEV certificate (0x824 bytes)",
				sizeof(missing) - strlen(missing) - 1);
			return missing;
		}
	}
	return NULL;
}

static int sev_fd;

/* Open /dev/kvm and /dev/sev; 0 if this host cannot run SEV VMs. */
static inline int sev_open(int *kvm)
{
	*kvm = open("/dev/kvm", O_RDWR);
	sev_fd = open("/dev/sev", O_RDWR);
	return *kvm >= 0 && sev_fd >= 0 &&
	       (ioctl(*kvm, KVM_CHECK_EXTENSION, KVM_CAP_VM_TYPES) & (1 << KVM_X86_SEV_VM));
}

/* One KVM_MEMORY_ENCRYPT_OP; returns the ioctl's result, *fw the status. */
static inline int sev_op(int vm, int id, void *data, unsigned int *fw)
{
	struct kvm_sev_cmd cmd = { .id = id, .data = (uintptr_t)data, .sev_fd = sev_fd };
	int r = ioctl(vm, KVM_MEMORY_ENCRYPT_OP, &cmd);

	if (fw)
		*fw = cmd.error;
	return r;
}

/* A KVM_X86_SEV_VM after KVM_SEV_INIT2; exits on failure. */
static inline int sev_new_vm(int kvm)
{
	struct kvm_sev_init init = { 0 };
	unsigned int fw = 0;
	int vm = ioctl(kvm, KVM_CREATE_VM, KVM_X86_SEV_VM);

	if (vm < 0 || sev_op(vm, KVM_SEV_INIT2, &init, &fw)) {
		fprintf(stderr, "KVM_CREATE_VM(KVM_X86_SEV_VM), KVM_SEV_INIT2: %s, status %#x\n",
			strerror(errno), fw);
		exit(1);
	}
	return vm;
}

#endif
