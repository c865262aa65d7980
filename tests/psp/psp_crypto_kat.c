// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Known-answer tests of the emulated PSP's cryptography
 * (hw/misc/amd_sev_psp_crypto.c of the QEMU series), linked against the
 * very file the emulator builds:
 * - AES-128-CTR: NIST SP 800-38A, F.5.1;
 * - HMAC-SHA-256: RFC 4231, test cases 1 and 2;
 * - ECDH P-384: RFC 5903, section 8.2 (both public keys, both directions);
 * - the SEV KDF, session blob and launch measurement: the vectors of the
 *   guest-owner library virtee/sev (its unit tests), so that the emulator
 *   speaks the format that public tooling speaks.
 * Prints one line per check; exits 1 if any fails.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "amd_sev_psp_crypto.h"

static int failures, checks;

static size_t unhex(const char *h, uint8_t *out)
{
	size_t n = 0;

	for (; h[0] && h[1]; h += 2)
		sscanf(h, "%2hhx", &out[n++]);
	return n;
}

static void check(const char *what, const uint8_t *got, const char *want_hex)
{
	uint8_t want[256];
	size_t n = unhex(want_hex, want);
	int ok = !memcmp(got, want, n);

	checks++;
	failures += !ok;
	printf("%s - %s\n", ok ? "ok" : "not ok", what);
	if (!ok) {
		printf("  got  ");
		for (size_t i = 0; i < n; i++)
			printf("%02x", got[i]);
		printf("\n  want %s\n", want_hex);
	}
}

static void check_bool(const char *what, int ok)
{
	checks++;
	failures += !ok;
	printf("%s - %s\n", ok ? "ok" : "not ok", what);
}

int main(void)
{
	uint8_t key[64], iv[16], in[64], out[64], z[48], z2[48], mac[32];
	uint8_t blob[SEVC_SESSION_LEN], tek[16], tik[16];
	SevcEcKey a, b;

	/* AES-128-CTR, NIST SP 800-38A F.5.1 (encrypt and decrypt) */
	unhex("2b7e151628aed2a6abf7158809cf4f3c", key);
	unhex("f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff", iv);
	unhex("6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51"
	      "30c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710", in);
	sevc_aes128_ctr(key, iv, in, out, 64);
	check("AES-128-CTR encrypt, SP 800-38A F.5.1", out,
	      "874d6191b620e3261bef6864990db6ce9806f66b7970fdff8617187bb9fffdff"
	      "5ae4df3edbd5d35e5b4f09020db03eab1e031dda2fbe03d1792170a0f3009cee");
	sevc_aes128_ctr(key, iv, out, out, 64);
	check("AES-128-CTR decrypt in place, SP 800-38A F.5.2", out,
	      "6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51"
	      "30c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710");

	/* HMAC-SHA-256, RFC 4231 */
	{
		const void *m1[] = { "Hi ", "There" };
		const size_t l1[] = { 3, 5 };
		const void *m2[] = { "what do ya want for nothing?" };
		const size_t l2[] = { 28 };

		memset(key, 0x0b, 20);
		sevc_hmac_sha256(key, 20, 2, m1, l1, mac);
		check("HMAC-SHA-256, RFC 4231 test case 1 (two parts)", mac,
		      "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
		sevc_hmac_sha256((const uint8_t *)"Jefe", 4, 1, m2, l2, mac);
		check("HMAC-SHA-256, RFC 4231 test case 2", mac,
		      "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
	}

	/* ECDH P-384, RFC 5903 section 8.2 */
	unhex("099F3C7034D4A2C699884D73A375A67F7624EF7C6B3C0F160647B67414DCE655"
	      "E35B538041E649EE3FAEF896783AB194", a.d);
	unhex("41CB0779B4BDB85D47846725FBEC3C9430FAB46CC8DC5060855CC9BDA0AA2942"
	      "E0308312916B8ED2960E4BD55A7448FC", b.d);
	check_bool("P-384 scalar i accepted", sevc_p384_public(&a));
	check_bool("P-384 scalar r accepted", sevc_p384_public(&b));
	check("P-384 public key g^i (x), RFC 5903 8.2", a.qx,
	      "667842D7D180AC2CDE6F74F37551F55755C7645C20EF73E31634FE72B4C55EE6"
	      "DE3AC808ACB4BDB4C88732AEE95F41AA");
	check("P-384 public key g^i (y), RFC 5903 8.2", a.qy,
	      "9482ED1FC0EEB9CAFC4984625CCFC23F65032149E0E144ADA024181535A0F38E"
	      "EB9FCFF3C2C947DAE69B4C634573A81C");
	check("P-384 public key g^r (x), RFC 5903 8.2", b.qx,
	      "E558DBEF53EECDE3D3FCCFC1AEA08A89A987475D12FD950D83CFA41732BC509D"
	      "0D1AC43A0336DEF96FDA41D0774A3571");
	check_bool("ECDH i with g^r", sevc_p384_ecdh(&a, b.qx, b.qy, z));
	check("ECDH shared x, RFC 5903 8.2", z,
	      "11187331C279962D93D604243FD592CB9D0A926F422E47187521287E7156C5C4"
	      "D603135569B9E9D09CF5D4A270F59746");
	check_bool("ECDH r with g^i", sevc_p384_ecdh(&b, a.qx, a.qy, z2));
	check_bool("ECDH agrees both ways", !memcmp(z, z2, 48));
	b.qy[47] ^= 1;
	check_bool("ECDH refuses a point off the curve", !sevc_p384_ecdh(&a, b.qx, b.qy, z));

	/* SEV KDF and session blob, virtee/sev unit-test vectors */
	memset(key, 0, 16);
	memset(in, 0, 16);
	sevc_kdf(key, 16, "sev-master-secret", in, 16, out, 16);
	check("SEV KDF(0^16, \"sev-master-secret\", 0^16)", out,
	      "ab4d269fcc62bedb4511d56c386ce706");
	memset(tek, 0, 16);
	memset(tik, 0, 16);
	memset(iv, 0, 16);
	sevc_session_wrap(key, 16, in, iv, tek, tik, 0, blob);
	check("session WRAP_TK (Z = 0^16, nonce = iv = 0, TEK = TIK = 0)", blob + 16,
	      "2137bc7f9bb8bd7c3e55a576a15d3454b3856b8ba27afadf46dcfee9f02c02c4");
	check("session WRAP_MAC", blob + 64,
	      "3176c0752738bd9d5e86689534020f528c088f16238826b000b327dee6aeed7d");
	check("session POLICY_MAC (policy 0)", blob + 96,
	      "aa7855e13839dd767cd5da7c1ff5036540c9264b7a803029315e55375287b4af");
	memset(tek, 0xee, 16);
	check_bool("session unwraps", sevc_session_unwrap(key, 16, blob, 0, tek, tik));
	check("  to TEK = 0", tek, "00000000000000000000000000000000");
	check_bool("session with another policy does not unwrap",
		   !sevc_session_unwrap(key, 16, blob, 1, tek, tik));
	blob[20] ^= 1;
	check_bool("session with a flipped WRAP_TK bit does not unwrap",
		   !sevc_session_unwrap(key, 16, blob, 0, tek, tik));

	/* LAUNCH_MEASURE, virtee/sev "verify" vector */
	unhex("66320db73158a35a255d051758e95ed4", tik);
	unhex("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", out);
	unhex("4fbe0bedbad6c86ae8f68971d103e554", iv);
	sevc_launch_measure(tik, 0x00, 0x12, 0x0f, 0, out, iv, mac);
	check("LAUNCH_MEASURE (API 0.18 build 15, policy 0)", mac,
	      "6faab2daae389bcd3405a05d6cafe33c0414f7bedd0bae19ba5f38b7fd1664ea");

	printf("1..%d\n%s\n", checks, failures ? "# FAIL" : "# PASS");
	return failures ? 1 : 0;
}
