#!/usr/bin/python3
"""Expected values for the IKE crypto tests, computed independently of Tandem's C++ code.

Run with the system Python (it has the `cryptography` package):

    /usr/bin/python3 tests/controlplane/ike/crypto/make_vectors.py > tests/data/ike/crypto-vectors.txt

Everything is recomputed here from the RFC text: prf+ (RFC 7296 2.13), SKEYSEED and the key split
(2.14), IKE SA rekey (2.18), CHILD_SA KEYMAT (2.17), shared-key AUTH (2.15), NAT-D (2.23), SK
payload protection (3.14; RFC 5282 for GCM) and MODP-2048 (RFC 3526, whose prime is rebuilt
from its defining formula). HMAC and SHA-1 come from Python's standard library, AES from
`cryptography`, modular exponentiation from Python integers. The inputs are fixed byte patterns,
so the output is stable.

Output: sections "[name]" followed by "field = value" lines; integers are decimal, byte strings hex.
"""
import hashlib
import hmac
import sys

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

PRF_HASH = {5: hashlib.sha256, 6: hashlib.sha384, 7: hashlib.sha512}
PRF_KEY = {5: 32, 6: 48, 7: 64}
# INTEG id -> (hash, key length, ICV length)
INTEG = {2: (hashlib.sha1, 20, 12), 12: (hashlib.sha256, 32, 16),
         13: (hashlib.sha384, 48, 24), 14: (hashlib.sha512, 64, 32)}
# (ENCR id, key bits) -> (key length, salt length, aead)
ENCR = {(12, 128): (16, 0, False), (12, 256): (32, 0, False),
        (20, 128): (16, 4, True), (20, 256): (32, 4, True)}


def pattern(label, n):
    """n deterministic bytes named by a label."""
    out = b""
    counter = 0
    while len(out) < n:
        out += hashlib.sha256(label.encode() + counter.to_bytes(4, "big")).digest()
        counter += 1
    return out[:n]


def prf(prf_id, key, data):
    return hmac.new(key, data, PRF_HASH[prf_id]).digest()


def prf_plus(prf_id, key, seed, length):
    out, t, n = b"", b"", 1
    while len(out) < length:
        t = prf(prf_id, key, t + seed + bytes([n]))
        out += t
        n += 1
    return out[:length]


def split(keymat, lengths):
    parts, pos = [], 0
    for n in lengths:
        parts.append(keymat[pos:pos + n])
        pos += n
    assert pos == len(keymat)
    return parts


def cipher_lengths(encr, bits, integ):
    key, salt, aead = ENCR[(encr, bits)]
    return key + salt, (0 if aead else INTEG[integ][1])


out = []


def section(name, **fields):
    out.append("[%s]" % name)
    for k, v in fields.items():
        out.append("%s = %s" % (k, v.hex() if isinstance(v, (bytes, bytearray)) else v))
    out.append("")


# ---- prf+ -----------------------------------------------------------------------------------
for prf_id in (5, 6, 7):
    key = pattern("prf+ key %d" % prf_id, PRF_KEY[prf_id])
    seed = pattern("prf+ seed %d" % prf_id, 77)
    for length in (1, 32, 200):
        section("prf_plus.%d.%d" % (prf_id, length), prf=prf_id, key=key, seed=seed,
                length=length, out=prf_plus(prf_id, key, seed, length))

# ---- IKE SA keys (2.14) -----------------------------------------------------------------------
IKE_CASES = [  # name, encr, bits, prf, integ
    ("cbc128_sha256", 12, 128, 5, 12),
    ("cbc256_sha512", 12, 256, 7, 14),
    ("cbc256_sha384", 12, 256, 6, 13),
    ("cbc128_sha1", 12, 128, 5, 2),
    ("gcm128_sha256", 20, 128, 5, 0),
    ("gcm256_sha384", 20, 256, 6, 0),
]


def ike_keys(encr, bits, prf_id, integ, skeyseed, ni, nr, spi_i, spi_r):
    e_len, a_len = cipher_lengths(encr, bits, integ)
    p_len = PRF_KEY[prf_id]
    lengths = [p_len, a_len, a_len, e_len, e_len, p_len, p_len]
    keymat = prf_plus(prf_id, skeyseed, ni + nr + spi_i + spi_r, sum(lengths))
    return dict(zip(["sk_d", "sk_ai", "sk_ar", "sk_ei", "sk_er", "sk_pi", "sk_pr"],
                    split(keymat, lengths)))


for name, encr, bits, prf_id, integ in IKE_CASES:
    ni = pattern("Ni " + name, 32)
    nr = pattern("Nr " + name, 48)
    g_ir = pattern("g^ir " + name, 256)
    spi_i = pattern("SPIi " + name, 8)
    spi_r = pattern("SPIr " + name, 8)
    skeyseed = prf(prf_id, ni + nr, g_ir)
    section("ike_keys." + name, encr=encr, bits=bits, prf=prf_id, integ=integ, ni=ni, nr=nr,
            g_ir=g_ir, spi_i=spi_i, spi_r=spi_r, skeyseed=skeyseed,
            **ike_keys(encr, bits, prf_id, integ, skeyseed, ni, nr, spi_i, spi_r))

# ---- IKE SA rekey (2.18): the old PRF makes SKEYSEED, the new one the keys ------------------
old_prf, new_prf = 5, 7
old_sk_d = pattern("old SK_d", PRF_KEY[old_prf])
ni, nr = pattern("rekey Ni", 32), pattern("rekey Nr", 32)
g_ir = pattern("rekey g^ir", 32)
spi_i, spi_r = pattern("rekey SPIi", 8), pattern("rekey SPIr", 8)
skeyseed = prf(old_prf, old_sk_d, g_ir + ni + nr)
section("ike_rekey", old_prf=old_prf, old_sk_d=old_sk_d, prf=new_prf, encr=20, bits=256, integ=0,
        g_ir=g_ir, ni=ni, nr=nr, spi_i=spi_i, spi_r=spi_r, skeyseed=skeyseed,
        **ike_keys(20, 256, new_prf, 0, skeyseed, ni, nr, spi_i, spi_r))

# ---- CHILD_SA KEYMAT (2.17) -------------------------------------------------------------------
CHILD_CASES = [  # name, prf, encr, bits, integ, pfs
    ("gcm256_nopfs", 5, 20, 256, 0, False),
    ("gcm128_pfs", 6, 20, 128, 0, True),
    ("cbc256_sha256_nopfs", 5, 12, 256, 12, False),
    ("cbc128_sha512_pfs", 7, 12, 128, 14, True),
]
for name, prf_id, encr, bits, integ, pfs in CHILD_CASES:
    sk_d = pattern("SK_d " + name, PRF_KEY[prf_id])
    ni, nr = pattern("child Ni " + name, 32), pattern("child Nr " + name, 32)
    g_ir = pattern("child g^ir " + name, 66) if pfs else b""
    e_len, a_len = cipher_lengths(encr, bits, integ)
    keymat = prf_plus(prf_id, sk_d, g_ir + ni + nr, 2 * (e_len + a_len))
    encr_i, integ_i, encr_r, integ_r = split(keymat, [e_len, a_len, e_len, a_len])
    section("child." + name, prf=prf_id, encr=encr, bits=bits, integ=integ, sk_d=sk_d,
            g_ir=g_ir if pfs else "", ni=ni, nr=nr, encr_i=encr_i, integ_i=integ_i,
            encr_r=encr_r, integ_r=integ_r)

# ---- Shared-key AUTH (2.15) -------------------------------------------------------------------
for prf_id in (5, 6, 7):
    psk = b"tandem test pre-shared key"
    message = pattern("IKE_SA_INIT %d" % prf_id, 300)
    nonce = pattern("peer nonce %d" % prf_id, 32)
    sk_p = pattern("SK_p %d" % prf_id, PRF_KEY[prf_id])
    id_body = bytes([2, 0, 0, 0]) + b"gw1.example.net"  # ID_FQDN
    octets = message + nonce + prf(prf_id, sk_p, id_body)
    auth = prf(prf_id, prf(prf_id, psk, b"Key Pad for IKEv2"), octets)
    section("psk_auth.%d" % prf_id, prf=prf_id, psk=psk, message=message, nonce=nonce,
            sk_p=sk_p, id_body=id_body, auth=auth)

# ---- NAT detection (2.23) ---------------------------------------------------------------------
for name, ip, port in (("v4", bytes([192, 0, 2, 17]), 500), ("v4_4500", bytes([198, 51, 100, 1]), 4500),
                       ("v6", bytes.fromhex("20010db8000000000000000000000001"), 500)):
    spi_i, spi_r = pattern("natd SPIi " + name, 8), pattern("natd SPIr " + name, 8)
    digest = hashlib.sha1(spi_i + spi_r + ip + port.to_bytes(2, "big")).digest()
    section("natd." + name, spi_i=spi_i, spi_r=spi_r, ip=ip, port=port, hash=digest)

# ---- SK payload protection (3.14, RFC 5282) ---------------------------------------------------
SK_CASES = [  # name, encr, bits, integ, plaintext length
    ("cbc128_sha256_128", 12, 128, 12, 45),
    ("cbc256_sha384_192", 12, 256, 13, 32),
    ("cbc256_sha512_256", 12, 256, 14, 0),
    ("cbc128_sha1_96", 12, 128, 2, 100),
    ("gcm128", 20, 128, 0, 45),
    ("gcm256", 20, 256, 0, 3),
]
for name, encr, bits, integ, pt_len in SK_CASES:
    e_len, a_len = cipher_lengths(encr, bits, integ)
    key, salt_len, aead = ENCR[(encr, bits)]
    encr_key = pattern("SK_e " + name, e_len)
    integ_key = pattern("SK_a " + name, a_len)
    plaintext = pattern("inner payloads " + name, pt_len)
    # IKE header (28) + SK payload header (4); lengths are only bytes to the crypto.
    aad = pattern("IKE header " + name, 32)
    if aead:
        iv = pattern("IV " + name, 8)
        padded = plaintext + b"\x00"  # block size 1: only the Pad Length byte (0)
        nonce = encr_key[key:] + iv
        sealed = iv + AESGCM(encr_key[:key]).encrypt(nonce, padded, aad)
    else:
        iv = pattern("IV " + name, 16)
        pad = 15 - pt_len % 16
        padded = plaintext + bytes(pad) + bytes([pad])
        enc = Cipher(algorithms.AES(encr_key), modes.CBC(iv)).encryptor()
        ct = enc.update(padded) + enc.finalize()
        h, _, icv_len = INTEG[integ]
        icv = hmac.new(integ_key, aad + iv + ct, h).digest()[:icv_len]
        sealed = iv + ct + icv
    section("sk." + name, encr=encr, bits=bits, integ=integ, encr_key=encr_key,
            integ_key=integ_key if a_len else "", iv=iv, aad=aad, plaintext=plaintext if pt_len else "",
            sealed=sealed)


# Bodies with a valid ICV whose decrypted padding is unusual: a Pad Length larger than the
# plaintext (must be refused) and a long, non-zero padding (must be accepted, RFC 7296 3.14).
def seal_raw(encr, bits, integ, encr_key, integ_key, iv, aad, padded):
    key, _, aead = ENCR[(encr, bits)]
    if aead:
        return iv + AESGCM(encr_key[:key]).encrypt(encr_key[key:] + iv, padded, aad)
    enc = Cipher(algorithms.AES(encr_key), modes.CBC(iv)).encryptor()
    ct = enc.update(padded) + enc.finalize()
    h, _, icv_len = INTEG[integ]
    return iv + ct + hmac.new(integ_key, aad + iv + ct, h).digest()[:icv_len]


for name, encr, bits, integ, padded, inner in (
        ("badpad_cbc", 12, 128, 12, pattern("bad pad cbc", 31) + bytes([200]), None),
        ("badpad_gcm", 20, 128, 0, pattern("bad pad gcm", 3) + bytes([4]), None),
        ("longpad_cbc", 12, 256, 13, pattern("long pad", 5) + bytes(range(1, 27)) + bytes([26]), 5),
        ("longpad_gcm", 20, 256, 0, pattern("long pad gcm", 7) + bytes([9] * 9) + bytes([9]), 7)):
    e_len, a_len = cipher_lengths(encr, bits, integ)
    encr_key = pattern("SK_e " + name, e_len)
    integ_key = pattern("SK_a " + name, a_len)
    iv = pattern("IV " + name, 8 if ENCR[(encr, bits)][2] else 16)
    aad = pattern("IKE header " + name, 32)
    section("sk_raw." + name, encr=encr, bits=bits, integ=integ, encr_key=encr_key,
            integ_key=integ_key if a_len else "", aad=aad,
            sealed=seal_raw(encr, bits, integ, encr_key, integ_key, iv, aad, padded),
            plaintext=padded[:inner] if inner else "", valid=1 if inner else 0)

# DeterministicRandom: block i = SHA-256(seed | i), both 64-bit big-endian.
seed = 0x0123456789abcdef
stream = b"".join(hashlib.sha256(seed.to_bytes(8, "big") + i.to_bytes(8, "big")).digest() for i in range(3))
section("deterministic_random", seed=seed, out=stream[:80])

# ---- MODP-2048 (RFC 3526 section 3) -----------------------------------------------------------
def pi_fixed(bits):
    """floor(pi * 2^bits) by Machin's formula in integer arithmetic (with guard bits)."""
    guard = 64
    one = 1 << (bits + guard)

    def arctan_inv(x):
        total, term, k, sign = 0, one // x, 1, 1
        while term:
            total += sign * (term // k)
            term //= x * x
            k += 2
            sign = -sign
        return total

    return (16 * arctan_inv(5) - 4 * arctan_inv(239)) >> guard


# p = 2^2048 - 2^1984 - 1 + 2^64 * { [2^1918 pi] + 124476 }
P = 2**2048 - 2**1984 - 1 + 2**64 * (pi_fixed(1918) + 124476)
assert P.to_bytes(256, "big")[:16].hex().upper() == "FFFFFFFFFFFFFFFFC90FDAA22168C234"
assert pow(2, (P - 1) // 2, P) == 1  # 2 generates the prime-order subgroup (p = 7 mod 8)
x_i = int.from_bytes(pattern("MODP x_i", 48), "big")
x_r = int.from_bytes(pattern("MODP x_r", 48), "big")
g_xi, g_xr = pow(2, x_i, P), pow(2, x_r, P)
shared = pow(g_xr, x_i, P)
assert shared == pow(g_xi, x_r, P)
section("modp2048", p=P.to_bytes(256, "big"), x_i=x_i.to_bytes(48, "big"), x_r=x_r.to_bytes(48, "big"),
        g_xi=g_xi.to_bytes(256, "big"), g_xr=g_xr.to_bytes(256, "big"), shared=shared.to_bytes(256, "big"))

sys.stdout.write("# Generated by tests/controlplane/ike/crypto/make_vectors.py; do not edit.\n\n")
sys.stdout.write("\n".join(out))
