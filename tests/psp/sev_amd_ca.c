// SPDX-License-Identifier: GPL-2.0-only
/*
 * The emulated SEV host's "AMD": its root and signing keys (ARK, ASK) and
 * the key server that hands out a chip's CEK signed by the ASK.
 *
 *   sev_amd_ca KEYDIR CHIP_SECRET OUTDIR
 *	writes, in the formats AMD publishes them (sev-tool's file names):
 *	OUTDIR/ask_ark.cert  the ASK then the ARK, AMD certificates, as AMD's
 *	                     ask_ark_<generation>.cert
 *	OUTDIR/ark.cert, OUTDIR/ask.cert  the two halves
 *	OUTDIR/cek.cert      the chip's CEK, an SEV certificate signed by the
 *	                     ASK, as https://kdsintf.amd.com/cek/id/<ID> serves
 *	OUTDIR/chip_id       the chip's GET_ID answer, 64 bytes
 *   sev_amd_ca --ark-hash KEYDIR
 *	prints SHA-384 of the ARK's header and public key, the root that the
 *	emulated PSP (amd_sev_psp.c, psp_ark_hash) holds.
 *   sev_amd_ca --sample-oca FILE
 *	writes a self-signed OCA certificate for a fresh P-384 key, signed by
 *	sevc_cert_sign() as the PSP signs its own, for an outside check.
 *
 * KEYDIR holds ark.pem and ask.pem, RSA-4096 keys in PKCS#1 PEM (the sizes
 * of Rome's and Milan's ARK and ASK).  Certificate layouts and signature
 * schemes: amd_sev_psp_crypto.h, after AMD's sev-tool (src/sevapi.h,
 * src/amdcert.cpp) and virtee/sev (src/certs/sev).  The chip's ID and CEK
 * come from sevc_chip_derive(), as in the emulated PSP.
 */
#include "amd_sev_psp_crypto.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <gmp.h>
#include <nettle/base64.h>
#include <nettle/rsa.h>
#include <nettle/sha2.h>

#define AMD_KEY_BITS	4096
#define AMD_KEY_BYTES	(AMD_KEY_BITS / 8)
#define AMD_CERT_LEN	(SEVC_AMD_HDR_LEN + 3 * AMD_KEY_BYTES)
#define ASK_SIG_SLOT	0

static void die(const char *what)
{
	fprintf(stderr, "sev_amd_ca: %s\n", what);
	exit(1);
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = v;
	p[1] = v >> 8;
	p[2] = v >> 16;
	p[3] = v >> 24;
}

static void rnd(void *ctx __attribute__((unused)), size_t len, uint8_t *buf)
{
	if (getrandom(buf, len, 0) != (ssize_t)len)
		die("getrandom");
}

static void mpz_le(uint8_t *le, size_t len, const mpz_t v)
{
	size_t count;

	memset(le, 0, len);
	if ((mpz_sizeinbase(v, 2) + 7) / 8 > len)
		die("number too large");
	mpz_export(le, &count, -1, 1, 0, 0, v);
}

static void sevc_rnd(void *opaque __attribute__((unused)), size_t len, uint8_t *buf)
{
	rnd(NULL, len, buf);
}

struct rsa_key {
	struct rsa_public_key pub;
	struct rsa_private_key priv;
};

static void read_key(const char *dir, const char *name, struct rsa_key *k)
{
	static const char begin[] = "-----BEGIN RSA PRIVATE KEY-----";
	char path[4096], pem[16384];
	uint8_t der[8192];
	struct base64_decode_ctx b64;
	size_t n, der_len = sizeof(der);
	char *p, *end;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "r");
	if (!f)
		die(path);
	n = fread(pem, 1, sizeof(pem) - 1, f);
	fclose(f);
	pem[n] = 0;
	p = strstr(pem, begin);
	end = p ? strstr(p, "-----END") : NULL;
	if (!end)
		die("not a PKCS#1 PEM key");
	p += strlen(begin);
	base64_decode_init(&b64);
	if (!base64_decode_update(&b64, &der_len, der, end - p, p) ||
	    !base64_decode_final(&b64))
		die("bad base64");
	rsa_public_key_init(&k->pub);
	rsa_private_key_init(&k->priv);
	if (!rsa_keypair_from_der(&k->pub, &k->priv, 0, der_len, der) ||
	    k->pub.size != AMD_KEY_BYTES)
		die("not an RSA-4096 key");
}

/* RSA-PSS, SHA-384, 48-byte salt (the scheme of 4096-bit AMD keys). */
static void pss_sign(const struct rsa_key *k, const uint8_t *msg, size_t len,
		     uint8_t sig_le[AMD_KEY_BYTES])
{
	uint8_t digest[SHA384_DIGEST_SIZE], salt[SHA384_DIGEST_SIZE];
	struct sha384_ctx h;
	mpz_t s;

	sha384_init(&h);
	sha384_update(&h, len, msg);
	sha384_digest(&h, sizeof(digest), digest);
	rnd(NULL, sizeof(salt), salt);
	mpz_init(s);
	if (!rsa_pss_sha384_sign_digest_tr(&k->pub, &k->priv, NULL, rnd,
					   sizeof(salt), salt, digest, s))
		die("signing failed");
	mpz_le(sig_le, AMD_KEY_BYTES, s);
	mpz_clear(s);
}

/* An AMD certificate for k, usage ARK or ASK, signed by signer. */
static void amd_cert(uint8_t c[AMD_CERT_LEN], const struct rsa_key *k,
		     const uint8_t id[16], uint32_t usage,
		     const struct rsa_key *signer, const uint8_t signer_id[16])
{
	memset(c, 0, AMD_CERT_LEN);
	put32(c, 1);
	memcpy(c + 0x04, id, 16);
	memcpy(c + 0x14, signer_id, 16);
	put32(c + 0x24, usage);
	put32(c + 0x38, AMD_KEY_BITS);
	put32(c + 0x3c, AMD_KEY_BITS);
	mpz_le(c + SEVC_AMD_HDR_LEN, AMD_KEY_BYTES, k->pub.e);
	mpz_le(c + SEVC_AMD_HDR_LEN + AMD_KEY_BYTES, AMD_KEY_BYTES, k->pub.n);
	pss_sign(signer, c, SEVC_AMD_HDR_LEN + 2 * AMD_KEY_BYTES,
		 c + SEVC_AMD_HDR_LEN + 2 * AMD_KEY_BYTES);
}

/* Key IDs of the emulated ARK and ASK: fixed, like AMD's. */
static const uint8_t ark_id[16] = "QEMU-EMUL-ARK-01";
static const uint8_t ask_id[16] = "QEMU-EMUL-ASK-01";

static void write_file(const char *dir, const char *name, const void *buf,
		       size_t len)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	if (!f || fwrite(buf, 1, len, f) != len || fclose(f))
		die(path);
}

int main(int argc, char **argv)
{
	uint8_t ark[AMD_CERT_LEN], ask[AMD_CERT_LEN], pair[2 * AMD_CERT_LEN];
	uint8_t cek[SEVC_CERT_LEN], id[SEVC_CHIP_ID_LEN], hash[48];
	uint8_t *sig = cek + SEVC_CERT_SIG_OFF + ASK_SIG_SLOT * SEVC_CERT_SIG_LEN;
	struct rsa_key ark_key, ask_key;
	SevcEcKey cek_key;
	int i;

	if (argc == 3 && !strcmp(argv[1], "--ark-hash")) {
		read_key(argv[2], "ark.pem", &ark_key);
		amd_cert(ark, &ark_key, ark_id, SEVC_USAGE_ARK, &ark_key, ark_id);
		sevc_amd_cert_key_hash(ark, hash);
		for (i = 0; i < 48; i++)
			printf("0x%02x,%s", hash[i], i % 8 == 7 ? "\n" : " ");
		return 0;
	}
	if (argc == 3 && !strcmp(argv[1], "--sample-oca")) {
		SevcEcKey oca;
		FILE *f = fopen(argv[2], "w");

		sevc_p384_generate(&oca, sevc_rnd, NULL);
		sevc_cert_init(cek, 0, 0, SEVC_USAGE_OCA, SEVC_ALGO_ECDSA_SHA256, &oca);
		sevc_cert_sign(cek, 0, SEVC_USAGE_OCA, &oca, sevc_rnd, NULL);
		if (!f || fwrite(cek, 1, sizeof(cek), f) != sizeof(cek) || fclose(f))
			die(argv[2]);
		return 0;
	}
	if (argc != 4) {
		fprintf(stderr, "usage: sev_amd_ca KEYDIR CHIP_SECRET OUTDIR\n"
			"       sev_amd_ca --ark-hash KEYDIR\n");
		return 2;
	}
	read_key(argv[1], "ark.pem", &ark_key);
	read_key(argv[1], "ask.pem", &ask_key);
	amd_cert(ark, &ark_key, ark_id, SEVC_USAGE_ARK, &ark_key, ark_id);
	amd_cert(ask, &ask_key, ask_id, SEVC_USAGE_ASK, &ark_key, ark_id);
	if (!sevc_amd_cert_verify(ark, ark) || !sevc_amd_cert_verify(ask, ark))
		die("the AMD certificates do not verify");

	/* The key server's CEK: the chip's, signed by the ASK in one slot. */
	sevc_chip_derive(argv[2], id, &cek_key);
	sevc_cert_init(cek, 0, 0, SEVC_USAGE_CEK, SEVC_ALGO_ECDSA_SHA256,
		       &cek_key);
	put32(sig, SEVC_USAGE_ASK);
	put32(sig + 4, SEVC_ALGO_RSA_SHA384);
	pss_sign(&ask_key, cek, SEVC_CERT_SIG_OFF, sig + 8);
	if (!sevc_cert_verify_ask(cek, ask))
		die("the CEK does not verify");

	memcpy(pair, ask, AMD_CERT_LEN);
	memcpy(pair + AMD_CERT_LEN, ark, AMD_CERT_LEN);
	write_file(argv[3], "ask_ark.cert", pair, sizeof(pair));
	write_file(argv[3], "ark.cert", ark, sizeof(ark));
	write_file(argv[3], "ask.cert", ask, sizeof(ask));
	write_file(argv[3], "cek.cert", cek, sizeof(cek));
	write_file(argv[3], "chip_id", id, sizeof(id));
	return 0;
}
