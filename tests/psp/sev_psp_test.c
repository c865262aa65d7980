// SPDX-License-Identifier: GPL-2.0-only
/*
 * The SEV firmware through the kernel under test: /dev/sev and the
 * KVM_MEMORY_ENCRYPT_OP commands, against whatever PSP the host has (the
 * emulated one in make check).  Nothing here knows about the emulator:
 * guest memory is only ever read back through DBG_DECRYPT.
 *
 *  1. /dev/sev: PLATFORM_STATUS, PDH_CERT_EXPORT (length query, then the
 *     PDH and its chain), GET_ID2 (length query, then a stable ID).
 *  2. LAUNCH_START/UPDATE_DATA/MEASURE/FINISH, GUEST_STATUS at each step,
 *     then DBG_DECRYPT returns the launched data; DBG_ENCRYPT round trip.
 *  3. Policy: LAUNCH_START with the ES bit, DBG_DECRYPT of a NODBG guest and
 *     SEND_START of a NOSEND guest fail with POLICY_FAILURE; LAUNCH_MEASURE twice fails with
 *     INVALID_GUEST_STATE; SEND_UPDATE_DATA before SEND_START too.
 *  4. For a guest whose policy has the SEV bit, SEND_START verifies the
 *     chain (the firmware's sev_mcmd_send_start(), amd/AMD-ASPFW): an
 *     all-zero ASK and ARK, the ARK twice and the platform's own CEK, which
 *     the ASK has not signed, fail with INVALID_CERTIFICATE, a PEK whose
 *     signed bytes were changed with BAD_SIGNATURE; the platform's PEK and
 *     OCA with the CEK signed by the ASK and AMD's ASK and ARK (files in
 *     $SEV_CERT_DIR: see sev_amd_chain()) pass.  Then, policy 0:
 *     SEND_START to this platform's PDH, SEND_CANCEL (SEV API 0.24 and
 *     later), a fresh SEND_START, SEND_UPDATE_DATA of a page; on a second
 *     VM RECEIVE_START; a tampered
 *     packet fails RECEIVE_UPDATE_DATA with BAD_MEASUREMENT and leaves the
 *     target's memory as it was; the intact packet arrives (DBG_DECRYPT on
 *     the target); RECEIVE_FINISH and SEND_FINISH give RUNNING and SENT.
 *
 * The certificate formats are the SEV API's (sev-tool's src/sevapi.h):
 * usages PDH 0x1003, PEK 0x1002, OCA 0x1001, CEK 0x1004; algorithms ECDH
 * SHA-256 3 (PDH), ECDSA SHA-256 2 (the others); the PEK carries the API
 * version.
 *
 * TAP output; exit 0 when every check passed, 1 if one failed, and 4
 * (skip) without SEV or, when nothing failed, without the AMD chain's files
 * (part 4 is then skipped).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <linux/kvm.h>
#include <linux/psp-sev.h>
#include "../lib/sev_raw.h"

#define PAGE 4096
#define CERT_LEN SEV_CERT_LEN
#define POLICY_NODBG (1 << 0)
#define POLICY_ES (1 << 2)
#define POLICY_NOSEND (1 << 3)
#define POLICY_SEV (1 << 5)	/* SEND_START verifies the chain */
/* SEND_CANCEL is not in SEV API 0.17 (sev-tool's sevapi.h); 0.24 has it. */
#define SEND_CANCEL_API 24

enum { LUPDATE = 1, LSECRET = 2, RUNNING = 3, SUPDATE = 4, RUPDATE = 5, SENT = 6 };

static int checks, failures;

static void check(int ok, const char *fmt, const char *what, long got, long want)
{
	checks++;
	failures += !ok;
	printf("%s - %s", ok ? "ok" : "not ok", what);
	if (!ok)
		printf(fmt, got, want);
	printf("\n");
}

#define CHECK_EQ(what, got, want) do {					\
	long g_ = (long)(got), w_ = (long)(want);			\
	check(g_ == w_, ": got %ld, want %ld", what, g_, w_);		\
} while (0)

static int sev_ok(int vm, int id, void *data, const char *what)
{
	unsigned int fw;
	int r = sev_op(vm, id, data, &fw);

	if (r) {
		checks++;
		failures++;
		printf("not ok - %s: ioctl %d errno %d firmware status %#x\n",
		       what, r, errno, fw);
	}
	return r;
}

static int guest_state(int vm)
{
	struct kvm_sev_guest_status st = { 0 };

	if (sev_op(vm, KVM_SEV_GUEST_STATUS, &st, NULL))
		return -1;
	return st.state;
}

static uint8_t *new_page(int fill)
{
	uint8_t *p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED) {
		perror("mmap");
		exit(1);
	}
	memset(p, fill, PAGE);
	return p;
}

/* LAUNCH a VM with one page of data; returns its state after FINISH. */
static int launch(int vm, uint32_t policy, uint8_t *page)
{
	struct kvm_sev_launch_start start = { .policy = policy };
	struct kvm_sev_launch_update_data upd = { .uaddr = (uintptr_t)page, .len = PAGE };
	uint8_t measure[256];
	struct kvm_sev_launch_measure m = { .uaddr = (uintptr_t)measure, .len = sizeof(measure) };

	if (sev_ok(vm, KVM_SEV_LAUNCH_START, &start, "LAUNCH_START") ||
	    sev_ok(vm, KVM_SEV_LAUNCH_UPDATE_DATA, &upd, "LAUNCH_UPDATE_DATA") ||
	    sev_ok(vm, KVM_SEV_LAUNCH_MEASURE, &m, "LAUNCH_MEASURE") ||
	    sev_ok(vm, KVM_SEV_LAUNCH_FINISH, NULL, "LAUNCH_FINISH"))
		return -1;
	return guest_state(vm);
}

static int dbg_decrypt(int vm, uint8_t *guest, uint8_t *out, unsigned int *fw)
{
	struct kvm_sev_dbg d = {
		.src_uaddr = (uintptr_t)guest, .dst_uaddr = (uintptr_t)out, .len = PAGE,
	};

	return sev_op(vm, KVM_SEV_DBG_DECRYPT, &d, fw);
}

static void pattern(uint8_t *p, int seed)
{
	for (int i = 0; i < PAGE; i++)
		p[i] = (uint8_t)(i * 7 + seed);
}

int main(void)
{
	static uint8_t pdh[CERT_LEN], chain[3 * CERT_LEN], id[64], id2[64];
	static uint8_t ask_ark[SEV_ASK_ARK_MAX], kds_chain[3 * CERT_LEN], zero[SEV_ASK_ARK_MAX];
	const char *missing;
	size_t ask_ark_len = 0;
	struct sev_user_data_status status = { 0 };
	struct sev_user_data_pdh_cert_export exp = { 0 };
	struct sev_user_data_get_id2 gid = { 0 };
	struct sev_issue_cmd ic = { 0 };
	uint8_t buf[PAGE], want[PAGE], hdr[64], trans[PAGE], bad[PAGE], session[256];
	unsigned int fw;
	int kvm, vm, src, dst, r;

	printf("TAP version 13\n");
	if (!sev_open(&kvm)) {
		printf("1..0 # SKIP no SEV on this host\n");
		return 4;
	}

	/* 1. /dev/sev */
	ic.cmd = SEV_PLATFORM_STATUS;
	ic.data = (uintptr_t)&status;
	r = ioctl(sev_fd, SEV_ISSUE_CMD, &ic);
	CHECK_EQ("SEV_PLATFORM_STATUS", r, 0);
	printf("# API %d.%d build %d, state %d, %u guests\n", status.api_major,
	       status.api_minor, status.build, status.state, status.guest_count);
	check(status.api_major > 0 || status.api_minor >= 17,
	      ": %ld.%ld", "  API version is at least 0.17", status.api_major, status.api_minor);

	ic.cmd = SEV_PDH_CERT_EXPORT;
	ic.data = (uintptr_t)&exp;
	r = ioctl(sev_fd, SEV_ISSUE_CMD, &ic);
	check(r < 0 && ic.error == SEV_RET_INVALID_LEN, ": r %ld status %#lx",
	      "SEV_PDH_CERT_EXPORT length query: INVALID_LEN", r, ic.error);
	CHECK_EQ("  PDH length", exp.pdh_cert_len, CERT_LEN);
	CHECK_EQ("  chain length (PEK, OCA, CEK)", exp.cert_chain_len, 3 * CERT_LEN);
	exp.pdh_cert_address = (uintptr_t)pdh;
	exp.cert_chain_address = (uintptr_t)chain;
	ic.error = 0;
	r = ioctl(sev_fd, SEV_ISSUE_CMD, &ic);
	CHECK_EQ("SEV_PDH_CERT_EXPORT", r, 0);
	CHECK_EQ("  PDH certificate: version 1", *(uint32_t *)pdh, 1);
	CHECK_EQ("  usage PDH (0x1003)", *(uint32_t *)(pdh + 8), 0x1003);
	CHECK_EQ("  algorithm ECDH SHA-256 (3)", *(uint32_t *)(pdh + 0x0c), 3);
	CHECK_EQ("  curve P-384", *(uint32_t *)(pdh + 0x10), 2);
	CHECK_EQ("  signed by the PEK (0x1002)", *(uint32_t *)(pdh + 0x414), 0x1002);
	CHECK_EQ("  chain: PEK (0x1002)", *(uint32_t *)(chain + 8), 0x1002);
	CHECK_EQ("  the PEK is ECDSA SHA-256 (2)", *(uint32_t *)(chain + 0x0c), 2);
	/* The version of the firmware that made the PEK: this one or older. */
	check(chain[4] < status.api_major ||
	      (chain[4] == status.api_major && chain[5] <= status.api_minor),
	      ": %ld.%ld", "  the PEK carries an API version up to the firmware's",
	      chain[4], chain[5]);
	CHECK_EQ("  chain: OCA (0x1001)", *(uint32_t *)(chain + CERT_LEN + 8), 0x1001);
	CHECK_EQ("  chain: CEK (0x1004)", *(uint32_t *)(chain + 2 * CERT_LEN + 8), 0x1004);

	/* The platform's PEK and OCA, and the CEK that the ASK signed. */
	missing = sev_amd_chain(ask_ark, &ask_ark_len, kds_chain + 2 * CERT_LEN);
	memcpy(kds_chain, chain, 2 * CERT_LEN);
	/* KVM wants an AMD chain even where the firmware does not read it. */
	if (missing)
		ask_ark_len = 3200;

	gid.address = (uintptr_t)id;
	gid.length = 0;
	ic.cmd = SEV_GET_ID2;
	ic.data = (uintptr_t)&gid;
	r = ioctl(sev_fd, SEV_ISSUE_CMD, &ic);
	check(r < 0 && ic.error == SEV_RET_INVALID_LEN, ": r %ld status %#lx",
	      "SEV_GET_ID2 length query: INVALID_LEN", r, ic.error);
	CHECK_EQ("  ID length", gid.length, 64);
	r = ioctl(sev_fd, SEV_ISSUE_CMD, &ic);
	CHECK_EQ("SEV_GET_ID2", r, 0);
	gid.address = (uintptr_t)id2;
	ioctl(sev_fd, SEV_ISSUE_CMD, &ic);
	check(!memcmp(id, id2, 64) && memcmp(id, (uint8_t[64]){0}, 64), "", "  the ID is stable and not zero", 0, 0);

	/* 2. LAUNCH, then DBG_DECRYPT returns the launched data */
	vm = sev_new_vm(kvm);
	uint8_t *page = new_page(0);

	pattern(page, 1);
	memcpy(want, page, PAGE);
	CHECK_EQ("LAUNCH_START .. FINISH: guest RUNNING", launch(vm, 0, page), RUNNING);
	check(memcmp(page, want, PAGE) != 0, "", "  the host reads ciphertext where it wrote the data", 0, 0);
	r = dbg_decrypt(vm, page, buf, &fw);
	check(!r && !memcmp(buf, want, PAGE), ": r %ld fw %#lx",
	      "DBG_DECRYPT returns the launched data", r, fw);
	pattern(buf, 2);
	{
		struct kvm_sev_dbg d = { .src_uaddr = (uintptr_t)buf,
					 .dst_uaddr = (uintptr_t)page, .len = PAGE };

		r = sev_op(vm, KVM_SEV_DBG_ENCRYPT, &d, &fw);
	}
	CHECK_EQ("DBG_ENCRYPT", r, 0);
	dbg_decrypt(vm, page, want, &fw);
	check(!memcmp(buf, want, PAGE), "", "  DBG_DECRYPT reads back what DBG_ENCRYPT wrote", 0, 0);
	{
		uint8_t m[64];
		struct kvm_sev_launch_measure lm = { .uaddr = (uintptr_t)m, .len = sizeof(m) };

		r = sev_op(vm, KVM_SEV_LAUNCH_MEASURE, &lm, &fw);
		check(r < 0 && fw == SEV_RET_INVALID_GUEST_STATE, ": r %ld status %#lx",
		      "LAUNCH_MEASURE on a RUNNING guest: INVALID_GUEST_STATE", r, fw);
	}
	close(vm);

	/* 3. Policy */
	if (!(status.flags & SEV_STATUS_FLAGS_CONFIG_ES)) {
		struct kvm_sev_launch_start es = { .policy = POLICY_ES };

		/*
		 * Firmware not initialized for SEV-ES (PLATFORM_STATUS CONFIG_ES
		 * clear) must refuse the ES policy; sev_mcmd_launch_start().
		 */
		vm = sev_new_vm(kvm);
		r = sev_op(vm, KVM_SEV_LAUNCH_START, &es, &fw);
		/* sev_mcmd_launch_start() (amd/AMD-ASPFW) */
		check(r < 0 && fw == SEV_RET_UNSUPPORTED, ": r %ld status %#lx",
		      "LAUNCH_START with the ES policy bit, no SEV-ES: UNSUPPORTED",
		      r, fw);
		close(vm);
	}

	vm = sev_new_vm(kvm);
	page = new_page(0x11);
	CHECK_EQ("NODBG guest launched", launch(vm, POLICY_NODBG, page), RUNNING);
	r = dbg_decrypt(vm, page, buf, &fw);
	check(r < 0 && fw == SEV_RET_POLICY_FAILURE, ": r %ld status %#lx",
	      "DBG_DECRYPT of a NODBG guest: POLICY_FAILURE", r, fw);
	close(vm);

	vm = sev_new_vm(kvm);
	page = new_page(0x22);
	CHECK_EQ("NOSEND guest launched", launch(vm, POLICY_NOSEND, page), RUNNING);
	{
		/* The firmware checks NOSEND before any certificate. */
		struct kvm_sev_send_start ss = {
			.pdh_cert_uaddr = (uintptr_t)pdh, .pdh_cert_len = CERT_LEN,
			.plat_certs_uaddr = (uintptr_t)chain, .plat_certs_len = sizeof(chain),
			.amd_certs_uaddr = (uintptr_t)ask_ark, .amd_certs_len = ask_ark_len,
			.session_uaddr = (uintptr_t)session, .session_len = 128,
		};

		r = sev_op(vm, KVM_SEV_SEND_START, &ss, &fw);
		check(r < 0 && fw == SEV_RET_POLICY_FAILURE, ": r %ld status %#lx",
		      "SEND_START of a NOSEND guest: POLICY_FAILURE", r, fw);
	}
	close(vm);

	/* 4. SEND and RECEIVE one page between two VMs */
	if (missing) {
		printf("ok - SEND_START verifies the chain # SKIP missing %s\n", missing);
		checks++;
	} else {
		/* Chains that do not verify: refused, the guest stays RUNNING. */
		static uint8_t bad_pek[3 * CERT_LEN], ark_twice[SEV_ASK_ARK_MAX];
		struct {
			const char *what;
			uint8_t *plat, *amd;
			unsigned int want;
		} bad_chains[] = {
			{ "an all-zero ASK and ARK: INVALID_CERTIFICATE", kds_chain, zero,
			  SEV_RET_INVALID_CERTIFICATE },
			{ "the ARK in place of the ASK: INVALID_CERTIFICATE", kds_chain, ark_twice,
			  SEV_RET_INVALID_CERTIFICATE },
			{ "the platform's own CEK (not signed by the ASK): INVALID_CERTIFICATE",
			  chain, ask_ark, SEV_RET_INVALID_CERTIFICATE },
			{ "a PEK whose signed API version was changed: BAD_SIGNATURE", bad_pek,
			  ask_ark, SEV_RET_BAD_SIGNATURE },
		};
		char what[160];

		vm = sev_new_vm(kvm);
		page = new_page(0x33);
		CHECK_EQ("a guest with the SEV policy bit launched",
			 launch(vm, POLICY_SEV, page), RUNNING);
		memcpy(bad_pek, kds_chain, sizeof(bad_pek));
		bad_pek[5] ^= 1;
		memcpy(ark_twice, ask_ark + ask_ark_len / 2, ask_ark_len / 2);
		memcpy(ark_twice + ask_ark_len / 2, ask_ark + ask_ark_len / 2, ask_ark_len / 2);
		for (unsigned int i = 0; i < sizeof(bad_chains) / sizeof(bad_chains[0]); i++) {
			struct kvm_sev_send_start ss = {
				.pdh_cert_uaddr = (uintptr_t)pdh, .pdh_cert_len = CERT_LEN,
				.plat_certs_uaddr = (uintptr_t)bad_chains[i].plat,
				.plat_certs_len = sizeof(chain),
				.amd_certs_uaddr = (uintptr_t)bad_chains[i].amd,
				.amd_certs_len = ask_ark_len,
				.session_uaddr = (uintptr_t)session, .session_len = 128,
			};

			r = sev_op(vm, KVM_SEV_SEND_START, &ss, &fw);
			snprintf(what, sizeof(what), "SEND_START with %s", bad_chains[i].what);
			check(r < 0 && fw == bad_chains[i].want, ": r %ld status %#lx", what, r, fw);
			CHECK_EQ("  guest still RUNNING", guest_state(vm), RUNNING);
		}
		{
			struct kvm_sev_send_start ss = {
				.pdh_cert_uaddr = (uintptr_t)pdh, .pdh_cert_len = CERT_LEN,
				.plat_certs_uaddr = (uintptr_t)kds_chain,
				.plat_certs_len = sizeof(kds_chain),
				.amd_certs_uaddr = (uintptr_t)ask_ark, .amd_certs_len = ask_ark_len,
				.session_uaddr = (uintptr_t)session, .session_len = 128,
			};

			r = sev_op(vm, KVM_SEV_SEND_START, &ss, &fw);
			check(!r, ": r %ld status %#lx",
			      "SEND_START with the chain up to AMD's ARK", r, fw);
			CHECK_EQ("  guest in SUPDATE", guest_state(vm), SUPDATE);
		}
		close(vm);
	}
	src = sev_new_vm(kvm);
	page = new_page(0);
	pattern(page, 3);
	memcpy(want, page, PAGE);
	CHECK_EQ("source launched", launch(src, 0, page), RUNNING);

	struct kvm_sev_send_update_data su = {
		.hdr_uaddr = (uintptr_t)hdr, .hdr_len = 52,
		.guest_uaddr = (uintptr_t)page, .guest_len = PAGE,
		.trans_uaddr = (uintptr_t)trans, .trans_len = PAGE,
	};
	r = sev_op(src, KVM_SEV_SEND_UPDATE_DATA, &su, &fw);
	check(r < 0 && fw == SEV_RET_INVALID_GUEST_STATE, ": r %ld status %#lx",
	      "SEND_UPDATE_DATA before SEND_START: INVALID_GUEST_STATE", r, fw);

	struct kvm_sev_send_start ss = { 0 };
	r = sev_op(src, KVM_SEV_SEND_START, &ss, &fw);
	check(r < 0 && fw == SEV_RET_INVALID_LEN && ss.session_len == 128,
	      ": session_len %ld status %#lx", "SEND_START length query: 128 bytes",
	      ss.session_len, fw);
	/* Policy 0: the firmware reads the PDH only. */
	ss = (struct kvm_sev_send_start){
		.pdh_cert_uaddr = (uintptr_t)pdh, .pdh_cert_len = CERT_LEN,
		.plat_certs_uaddr = (uintptr_t)chain, .plat_certs_len = sizeof(chain),
		.amd_certs_uaddr = (uintptr_t)ask_ark, .amd_certs_len = ask_ark_len,
		.session_uaddr = (uintptr_t)session, .session_len = 128,
	};
	if (!sev_ok(src, KVM_SEV_SEND_START, &ss, "SEND_START"))
		CHECK_EQ("  source in SUPDATE", guest_state(src), SUPDATE);
	if (status.api_major == 0 && status.api_minor < SEND_CANCEL_API) {
		printf("ok - SEND_CANCEL # SKIP SEV API %d.%d is older than 0.%d\n",
		       status.api_major, status.api_minor, SEND_CANCEL_API);
		checks++;
	} else {
		if (!sev_ok(src, KVM_SEV_SEND_CANCEL, NULL, "SEND_CANCEL"))
			CHECK_EQ("  source back in RUNNING", guest_state(src), RUNNING);
		if (!sev_ok(src, KVM_SEV_SEND_START, &ss, "SEND_START again after SEND_CANCEL"))
			CHECK_EQ("  source in SUPDATE", guest_state(src), SUPDATE);
	}
	r = sev_ok(src, KVM_SEV_SEND_UPDATE_DATA, &su, "SEND_UPDATE_DATA");
	CHECK_EQ("SEND_UPDATE_DATA", r, 0);
	check(memcmp(trans, want, PAGE) != 0, "", "  the packet is not the plaintext", 0, 0);

	dst = sev_new_vm(kvm);
	uint8_t *tpage = new_page(0x5a);
	struct kvm_sev_receive_start rs = {
		.policy = 0, .pdh_uaddr = (uintptr_t)pdh, .pdh_len = CERT_LEN,
		.session_uaddr = (uintptr_t)session, .session_len = 128,
	};
	struct kvm_sev_receive_start rs_bad = rs;

	rs_bad.policy = POLICY_NODBG;
	r = sev_op(dst, KVM_SEV_RECEIVE_START, &rs_bad, &fw);
	check(r < 0 && fw == SEV_RET_BAD_MEASUREMENT, ": r %ld status %#lx",
	      "RECEIVE_START with another policy than the session's: BAD_MEASUREMENT", r, fw);
	if (!sev_ok(dst, KVM_SEV_RECEIVE_START, &rs, "RECEIVE_START"))
		CHECK_EQ("  target in RUPDATE", guest_state(dst), RUPDATE);

	uint8_t before[PAGE];

	dbg_decrypt(dst, tpage, before, &fw);
	memcpy(bad, trans, PAGE);
	bad[100] ^= 0x01;
	struct kvm_sev_receive_update_data ru = {
		.hdr_uaddr = (uintptr_t)hdr, .hdr_len = 52,
		.guest_uaddr = (uintptr_t)tpage, .guest_len = PAGE,
		.trans_uaddr = (uintptr_t)bad, .trans_len = PAGE,
	};
	r = sev_op(dst, KVM_SEV_RECEIVE_UPDATE_DATA, &ru, &fw);
	check(r < 0 && fw == SEV_RET_BAD_MEASUREMENT, ": r %ld status %#lx",
	      "RECEIVE_UPDATE_DATA of a tampered packet: BAD_MEASUREMENT", r, fw);
	dbg_decrypt(dst, tpage, buf, &fw);
	check(!memcmp(buf, before, PAGE), "", "  the target's memory is unchanged", 0, 0);

	ru.trans_uaddr = (uintptr_t)trans;
	r = sev_ok(dst, KVM_SEV_RECEIVE_UPDATE_DATA, &ru, "RECEIVE_UPDATE_DATA");
	CHECK_EQ("RECEIVE_UPDATE_DATA of the intact packet", r, 0);
	r = dbg_decrypt(dst, tpage, buf, &fw);
	check(!r && !memcmp(buf, want, PAGE), ": r %ld fw %#lx",
	      "  the page arrived (DBG_DECRYPT on the target)", r, fw);
	{
		/* Wrong paths: another guest's key, and the host's copy. */
		uint8_t *copy = new_page(0);

		r = dbg_decrypt(dst, page, buf, &fw);
		check(!r && memcmp(buf, want, PAGE), ": r %ld fw %#lx",
		      "  the source's page read with the target's key is garbage", r, fw);
		memcpy(copy, page, PAGE);
		r = dbg_decrypt(dst, copy, buf, &fw);
		check(!r && memcmp(buf, want, PAGE), ": r %ld fw %#lx",
		      "  a copy the host made of the source's page is garbage to the target",
		      r, fw);
	}
	if (!sev_ok(dst, KVM_SEV_RECEIVE_FINISH, NULL, "RECEIVE_FINISH"))
		CHECK_EQ("  target RUNNING", guest_state(dst), RUNNING);
	if (!sev_ok(src, KVM_SEV_SEND_FINISH, NULL, "SEND_FINISH"))
		CHECK_EQ("  source SENT", guest_state(src), SENT);
	close(dst);
	close(src);

	printf("1..%d\n# %s\n", checks, failures ? "FAIL" : "PASS");
	return failures ? 1 : 0;
}
