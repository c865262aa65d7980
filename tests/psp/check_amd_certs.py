#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Check the emulated AMD's certificates with OpenSSL, independently of the
emulated PSP's own code (amd_sev_psp_crypto.c, which made and verifies them).

    check_amd_certs.py CERTDIR KEYDIR PSP_SOURCE SEV_AMD_CA

CERTDIR holds what sev_amd_ca wrote (ask_ark.cert, ark.cert, ask.cert,
cek.cert); KEYDIR the emulated AMD's keys (ark.pem, ask.pem). Layouts: AMD's
sev-tool, src/sevapi.h (AMD_CERT, SEV_CERT) and src/amdcert.cpp: an AMD
certificate's signature covers its header, public exponent and modulus and
is RSA-PSS over SHA-384 with a 48-byte salt for 4096-bit keys; the CEK's
signature by the ASK covers bytes 0 to 0x414 of the SEV certificate; numbers
are little-endian. TAP lines; exit 1 if a check fails.
"""
import hashlib
import os
import re
import subprocess
import sys
import tempfile

HDR = 0x40
failures = 0


def check(ok, what):
    global failures
    failures += not ok
    print(("ok - " if ok else "not ok - ") + what)


def u32(b, off):
    return int.from_bytes(b[off:off + 4], "little")


def openssl_verify(pubkey, data, sig_le):
    """RSA-PSS SHA-384, salt 48, with OpenSSL; sig_le little-endian."""
    with tempfile.TemporaryDirectory() as d:
        paths = [os.path.join(d, n) for n in ("data", "sig")]
        for p, b in zip(paths, (data, sig_le[::-1])):
            with open(p, "wb") as f:
                f.write(b)
        r = subprocess.run(["openssl", "dgst", "-sha384",
                            "-sigopt", "rsa_padding_mode:pss",
                            "-sigopt", "rsa_pss_saltlen:48",
                            "-verify", pubkey, "-signature", paths[1], paths[0]],
                           capture_output=True, text=True)
        return r.returncode == 0 and "Verified OK" in r.stdout


def modulus(pem):
    out = subprocess.run(["openssl", "rsa", "-in", pem, "-noout", "-modulus"],
                         capture_output=True, text=True, check=True).stdout
    return int(out.strip().split("=", 1)[1], 16)


def amd_cert(b, name):
    e_bits, m_bits = u32(b, 0x38), u32(b, 0x3c)
    check(u32(b, 0) == 1 and e_bits == 4096 and m_bits == 4096,
          f"{name}: version 1, 4096-bit exponent and modulus fields")
    e_len, m_len = e_bits // 8, m_bits // 8
    exp = int.from_bytes(b[HDR:HDR + e_len], "little")
    mod = int.from_bytes(b[HDR + e_len:HDR + e_len + m_len], "little")
    signed = b[:HDR + e_len + m_len]
    sig = b[HDR + e_len + m_len:HDR + e_len + 2 * m_len]
    check(len(b) == HDR + e_len + 2 * m_len, f"{name}: {len(b)} bytes")
    check(exp == 65537, f"{name}: public exponent 65537")
    return {"mod": mod, "signed": signed, "sig": sig,
            "id": b[4:20], "certifying": b[20:36], "usage": u32(b, 0x24)}


def main():
    certdir, keydir, psp_src, tool = sys.argv[1:5]
    with tempfile.TemporaryDirectory() as d:
        pub = {}
        for k in ("ark", "ask"):
            pub[k] = os.path.join(d, k + ".pub")
            subprocess.run(["openssl", "rsa", "-in", os.path.join(keydir, k + ".pem"),
                            "-pubout", "-out", pub[k]], capture_output=True, check=True)
        read = lambda n: open(os.path.join(certdir, n), "rb").read()
        pair = read("ask_ark.cert")
        check(len(pair) == 3200 and pair == read("ask.cert") + read("ark.cert"),
              "ask_ark.cert: the ASK then the ARK, 3200 bytes as AMD's Rome/Milan files")
        ark, ask = amd_cert(read("ark.cert"), "ARK"), amd_cert(read("ask.cert"), "ASK")
        check(ark["usage"] == 0 and ask["usage"] == 0x13, "usages: ARK 0x0, ASK 0x13")
        check(ark["certifying"] == ark["id"], "the ARK certifies itself (CERTIFYING_ID = KEY_ID)")
        check(ask["certifying"] == ark["id"], "the ASK's CERTIFYING_ID is the ARK's KEY_ID")
        check(ark["mod"] == modulus(os.path.join(keydir, "ark.pem")), "the ARK's modulus is ark.pem's")
        check(ask["mod"] == modulus(os.path.join(keydir, "ask.pem")), "the ASK's modulus is ask.pem's")
        check(openssl_verify(pub["ark"], ark["signed"], ark["sig"]), "OpenSSL: the ARK signed the ARK")
        check(openssl_verify(pub["ark"], ask["signed"], ask["sig"]), "OpenSSL: the ARK signed the ASK")
        bad = bytearray(ask["signed"])
        bad[0x24] ^= 1
        check(not openssl_verify(pub["ark"], bytes(bad), ask["sig"]),
              "OpenSSL: a changed ASK does not verify")

        cek = read("cek.cert")
        check(len(cek) == 0x824 and u32(cek, 0) == 1 and u32(cek, 8) == 0x1004 and
              u32(cek, 0xc) == 2 and u32(cek, 0x10) == 2,
              "cek.cert: an SEV certificate, usage CEK 0x1004, ECDSA SHA-256, P-384")
        check(u32(cek, 0x414) == 0x13 and u32(cek, 0x418) == 0x101,
              "cek.cert: signature 1 by the ASK (0x13), RSA SHA-384 (0x101)")
        check(u32(cek, 0x61c) == 0x1000, "cek.cert: signature 2 empty (usage 0x1000)")
        check(openssl_verify(pub["ask"], cek[:0x414], cek[0x41c:0x41c + 512]),
              "OpenSSL: the ASK signed the CEK")

        # ECDSA as the PSP signs its certificates: P-384, SHA-256 over bytes
        # 0 to 0x414, R and S little-endian in 72-byte fields.
        sample = os.path.join(d, "oca.cert")
        subprocess.run([tool, "--sample-oca", sample], check=True)
        oca = open(sample, "rb").read()
        qx, qy = oca[0x14:0x14 + 48][::-1], oca[0x5c:0x5c + 48][::-1]
        spki = bytes.fromhex("3076301006072a8648ce3d020106052b81040022036200") + b"\x04" + qx + qy
        r = int.from_bytes(oca[0x41c:0x41c + 72], "little")
        s_ = int.from_bytes(oca[0x41c + 72:0x41c + 144], "little")

        def der_int(v):
            b = v.to_bytes((v.bit_length() + 8) // 8, "big")
            return b"\x02" + bytes([len(b)]) + b
        body = der_int(r) + der_int(s_)
        sig = b"\x30" + bytes([len(body)]) + body
        for n, b in (("oca.der", spki), ("oca.sig", sig), ("oca.signed", oca[:0x414])):
            open(os.path.join(d, n), "wb").write(b)
        subprocess.run(["openssl", "pkey", "-pubin", "-inform", "DER", "-in",
                        os.path.join(d, "oca.der"), "-out", os.path.join(d, "oca.pub")],
                       capture_output=True, check=True)
        v = subprocess.run(["openssl", "dgst", "-sha256", "-verify", os.path.join(d, "oca.pub"),
                            "-signature", os.path.join(d, "oca.sig"), os.path.join(d, "oca.signed")],
                           capture_output=True, text=True)
        check(u32(oca, 0x414) == 0x1001 and u32(oca, 0x418) == 2 and "Verified OK" in v.stdout,
              "OpenSSL: an OCA certificate that the PSP's code signed verifies (ECDSA P-384, SHA-256)")

        # The root the PSP holds is this ARK.
        want = subprocess.run([tool, "--ark-hash", keydir], capture_output=True,
                              text=True, check=True).stdout
        want = [int(x, 16) for x in re.findall(r"0x([0-9a-f]{2})", want)]
        src = open(psp_src).read()
        m = re.search(r"psp_ark_hash\[48\] = \{([^}]*)\}", src)
        have = [int(x, 16) for x in re.findall(r"0x([0-9a-f]{2})", m.group(1))] if m else []

        mine = list(hashlib.sha384(ark["signed"]).digest())
        check(want == mine, "sev_amd_ca --ark-hash is SHA-384 of the ARK's header and key")
        check(have == mine, "the emulated PSP's psp_ark_hash is this ARK's")

    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
