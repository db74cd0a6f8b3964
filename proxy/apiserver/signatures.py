"""Checking a signature as Go's crypto packages do, for the keys an X.509 certificate request may hold: RSA
(PKCS #1 v1.5 and PSS), ECDSA on the NIST curves, Ed25519. The apiserver refuses a CertificateSigningRequest
whose request is not signed by its own key (csr.CheckSignature), and the product must install without a
compiler, so the arithmetic is Python's own integers (ECDSA in Jacobian coordinates, both products in one pass):
0.2 ms for RSA, 1.4–8.9 ms for ECDSA from P-224 to P-521, 2.8 ms for Ed25519 (docs/benchmarks.md); a replay
checks one request per create.

Each check returns None when the signature holds, else Go's error text.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

# the hashes by the names Go's crypto.Hash prints
HASHES = {"SHA-1": "sha1", "SHA-256": "sha256", "SHA-384": "sha384", "SHA-512": "sha512"}
# DigestInfo prefixes of PKCS #1 v1.5 (crypto/rsa's hashPrefixes)
_DIGEST_INFO = {
    "SHA-1": bytes.fromhex("3021300906052b0e03021a05000414"),
    "SHA-256": bytes.fromhex("3031300d060960864801650304020105000420"),
    "SHA-384": bytes.fromhex("3041300d060960864801650304020205000430"),
    "SHA-512": bytes.fromhex("3051300d060960864801650304020305000440"),
}
RSA_VERIFICATION = "crypto/rsa: verification error"


def digest(hash_name: str, data: bytes) -> bytes:
    return hashlib.new(HASHES[hash_name], data).digest()


def _rsa_key_refusal(n: int) -> str | None:
    if n.bit_length() < 1024:  # (checkPublicKeySize; rsa1024min)
        return f"crypto/rsa: {n.bit_length()}-bit keys are insecure (see https://go.dev/pkg/crypto/rsa#hdr-Minimum_key_size)"
    return None


def _rsa_open(n: int, e: int, sig: bytes) -> bytes | None:
    size = (n.bit_length() + 7) // 8
    if len(sig) != size:
        return None
    m = int.from_bytes(sig, "big")
    if m >= n:
        return None
    return pow(m, e, n).to_bytes(size, "big")


def rsa_pkcs1v15(n: int, e: int, hash_name: str, hashed: bytes, sig: bytes) -> str | None:
    if (refused := _rsa_key_refusal(n)) is not None:
        return refused
    em = _rsa_open(n, e, sig)
    t = _DIGEST_INFO[hash_name] + hashed
    size = (n.bit_length() + 7) // 8
    if em is None or size < len(t) + 11 or em != b"\x00\x01" + b"\xff" * (size - len(t) - 3) + b"\x00" + t:
        return RSA_VERIFICATION
    return None


def _mgf1(seed: bytes, length: int, hash_name: str) -> bytes:
    out = b""
    counter = 0
    while len(out) < length:
        out += digest(hash_name, seed + counter.to_bytes(4, "big"))
        counter += 1
    return out[:length]


def rsa_pss(n: int, e: int, hash_name: str, hashed: bytes, sig: bytes) -> str | None:
    """EMSA-PSS verification with the salt as long as the hash (PSSSaltLengthEqualsHash)."""
    if (refused := _rsa_key_refusal(n)) is not None:
        return refused
    em_bits = n.bit_length() - 1
    em_len = (em_bits + 7) // 8
    opened = _rsa_open(n, e, sig)
    if opened is None:
        return RSA_VERIFICATION
    em = opened[-em_len:] if len(opened) >= em_len else opened
    h_len = s_len = len(hashed)
    if em_len < h_len + s_len + 2 or em[-1] != 0xBC or any(opened[:len(opened) - em_len]):
        return RSA_VERIFICATION
    masked, h = em[:em_len - h_len - 1], em[em_len - h_len - 1:-1]
    top_bits = 8 * em_len - em_bits
    if masked[0] & (0xFF00 >> top_bits) & 0xFF:
        return RSA_VERIFICATION
    db = bytearray(a ^ b for a, b in zip(masked, _mgf1(h, len(masked), hash_name), strict=True))
    db[0] &= 0xFF >> top_bits
    ps_len = em_len - h_len - s_len - 2
    if any(db[:ps_len]) or db[ps_len] != 0x01:
        return RSA_VERIFICATION
    salt = bytes(db[len(db) - s_len:])
    if digest(hash_name, b"\x00" * 8 + hashed + salt) != h:
        return RSA_VERIFICATION
    return None


@dataclass(frozen=True)
class Curve:
    """A short-Weierstrass curve y² = x³ - 3x + b over GF(p), of prime order n with base point (gx, gy)."""

    name: str
    p: int
    b: int
    n: int
    gx: int
    gy: int

    @property
    def size(self) -> int:
        return (self.p.bit_length() + 7) // 8


CURVES = {
    "1.3.132.0.33": Curve(
        "P-224", 2**224 - 2**96 + 1,
        0xB4050A850C04B3ABF54132565044B0B7D7BFD8BA270B39432355FFB4,
        0xFFFFFFFFFFFFFFFFFFFFFFFFFFFF16A2E0B8F03E13DD29455C5C2A3D,
        0xB70E0CBD6BB4BF7F321390B94A03C1D356C21122343280D6115C1D21,
        0xBD376388B5F723FB4C22DFE6CD4375A05A07476444D5819985007E34),
    "1.2.840.10045.3.1.7": Curve(
        "P-256", 2**256 - 2**224 + 2**192 + 2**96 - 1,
        0x5AC635D8AA3A93E7B3EBBD55769886BC651D06B0CC53B0F63BCE3C3E27D2604B,
        0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551,
        0x6B17D1F2E12C4247F8BCE6E563A440F277037D812DEB33A0F4A13945D898C296,
        0x4FE342E2FE1A7F9B8EE7EB4A7C0F9E162BCE33576B315ECECBB6406837BF51F5),
    "1.3.132.0.34": Curve(
        "P-384", 2**384 - 2**128 - 2**96 + 2**32 - 1,
        0xB3312FA7E23EE7E4988E056BE3F82D19181D9C6EFE8141120314088F5013875AC656398D8A2ED19D2A85C8EDD3EC2AEF,
        0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFC7634D81F4372DDF581A0DB248B0A77AECEC196ACCC52973,
        0xAA87CA22BE8B05378EB1C71EF320AD746E1D3B628BA79B9859F741E082542A385502F25DBF55296C3A545E3872760AB7,
        0x3617DE4A96262C6F5D9E98BF9292DC29F8F41DBD289A147CE9DA3113B5F0B8C00A60B1CE1D7E819D7A431D7C90EA0E5F),
    "1.3.132.0.35": Curve(
        "P-521", 2**521 - 1,
        0x0051953EB9618E1C9A1F929A21A0B68540EEA2DA725B99B315F3B8B489918EF109E156193951EC7E937B1652C0BD3BB1BF073573DF883D2C34F1EF451FD46B503F00,
        0x01FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFA51868783BF2F966B7FCC0148F709A5D03BB5C9B8899C47AEBB6FB71E91386409,
        0x00C6858E06B70404E9CD9E3ECB662395B4429C648139053FB521F828AF606B4D3DBAA14B5E77EFE75928FE1DC127A2FFA8DE3348B3C1856A429BF97E7E31C2E5BD66,
        0x011839296A789A3BC0045C8A5FB42C7D1BD998F54449579B446817AFBD17273E662C97EE72995EF42640C550B9013FAD0761353C7086A272C24088BE94769FD16650),
}

_Point = tuple[int, int] | None  # affine; None is the point at infinity
_Jacobian = tuple[int, int, int]  # (X, Y, Z) for the affine (X/Z², Y/Z³); Z = 0 at infinity


def on_curve(curve: Curve, x: int, y: int) -> bool:
    p = curve.p
    return 0 <= x < p and 0 <= y < p and (y * y - (x * x * x - 3 * x + curve.b)) % p == 0


def _double(p: int, a: _Jacobian) -> _Jacobian:
    x, y, z = a
    if not y or not z:
        return 0, 1, 0
    yy, zz = y * y % p, z * z % p
    s = 4 * x * yy % p
    m = 3 * (x - zz) * (x + zz) % p  # (a = -3)
    x3 = (m * m - 2 * s) % p
    return x3, (m * (s - x3) - 8 * yy * yy) % p, 2 * y * z % p


def _plus(p: int, a: _Jacobian, b: _Jacobian) -> _Jacobian:
    if not a[2]:
        return b
    if not b[2]:
        return a
    x1, y1, z1 = a
    x2, y2, z2 = b
    z1z1, z2z2 = z1 * z1 % p, z2 * z2 % p
    u1, u2 = x1 * z2z2 % p, x2 * z1z1 % p
    s1, s2 = y1 * z2 * z2z2 % p, y2 * z1 * z1z1 % p
    if u1 == u2:
        return _double(p, a) if s1 == s2 else (0, 1, 0)
    h, r = (u2 - u1) % p, (s2 - s1) % p
    hh = h * h % p
    hhh, v = h * hh % p, u1 * hh % p
    x3 = (r * r - hhh - 2 * v) % p
    return x3, (r * (v - x3) - s1 * hhh) % p, z1 * z2 * h % p


def _affine(p: int, a: _Jacobian) -> _Point:
    if not a[2]:
        return None
    zi = pow(a[2], -1, p)
    zi2 = zi * zi % p
    return a[0] * zi2 % p, a[1] * zi2 * zi % p


def _combined(curve: Curve, u1: int, u2: int, q: tuple[int, int]) -> _Point:
    """[u1]G + [u2]Q in one pass over their bits (Shamir's trick)."""
    p = curve.p
    g: _Jacobian = (curve.gx, curve.gy, 1)
    qj: _Jacobian = (q[0], q[1], 1)
    both = _plus(p, g, qj)
    out: _Jacobian = (0, 1, 0)
    for i in range(max(u1.bit_length(), u2.bit_length()) - 1, -1, -1):
        out = _double(p, out)
        pick = (u1 >> i & 1, u2 >> i & 1)
        if pick != (0, 0):
            out = _plus(p, out, both if pick == (1, 1) else g if pick[0] else qj)
    return _affine(p, out)


def ecdsa(curve: Curve, x: int, y: int, hashed: bytes, r: int, s: int) -> bool:
    """ECDSA verification (r, s already read from the signature's ASN.1); the hash cut to the order's size."""
    n = curve.n
    if not (0 < r < n and 0 < s < n):
        return False
    e = int.from_bytes(hashed, "big")
    if (excess := 8 * len(hashed) - n.bit_length()) > 0:
        e >>= excess
    w = pow(s, -1, n)
    point = _combined(curve, e * w % n, r * w % n, (x, y))
    return point is not None and point[0] % n == r


# Ed25519 (RFC 8032), in extended coordinates
_P = 2**255 - 19
_L = 2**252 + 27742317777372353535851937790883648493
_D = -121665 * pow(121666, -1, _P) % _P
_SQRT_M1 = pow(2, (_P - 1) // 4, _P)
_Ext = tuple[int, int, int, int]


def _ed_add(a: _Ext, b: _Ext) -> _Ext:
    x1, y1, z1, t1 = a
    x2, y2, z2, t2 = b
    aa, bb = (y1 - x1) * (y2 - x2) % _P, (y1 + x1) * (y2 + x2) % _P
    cc, dd = 2 * t1 * t2 * _D % _P, 2 * z1 * z2 % _P
    e, f, g, h = bb - aa, dd - cc, dd + cc, bb + aa
    return e * f % _P, g * h % _P, f * g % _P, e * h % _P


def _ed_mul(k: int, point: _Ext) -> _Ext:
    out: _Ext = (0, 1, 1, 0)
    while k:
        if k & 1:
            out = _ed_add(out, point)
        point = _ed_add(point, point)
        k >>= 1
    return out


def _ed_decode(data: bytes) -> _Ext | None:
    """A point from its 32 bytes, accepting a y not reduced mod p, as Go's edwards25519 does."""
    y = int.from_bytes(data, "little") & ((1 << 255) - 1)
    sign = data[31] >> 7
    y %= _P
    u, v = (y * y - 1) % _P, (_D * y * y + 1) % _P
    x = u * pow(v, 3, _P) * pow(u * pow(v, 7, _P), (_P - 5) // 8, _P) % _P
    if (v * x * x - u) % _P:
        if (v * x * x + u) % _P:
            return None
        x = x * _SQRT_M1 % _P
    if x & 1 != sign:
        x = -x % _P
    return x, y, 1, x * y % _P


def _ed_encode(point: _Ext) -> bytes:
    x, y, z, _ = point
    zi = pow(z, -1, _P)
    x, y = x * zi % _P, y * zi % _P
    return (y | (x & 1) << 255).to_bytes(32, "little")


_ED_BASE = _ed_decode((4 * pow(5, -1, _P) % _P).to_bytes(32, "little"))


def ed25519(public: bytes, message: bytes, sig: bytes) -> bool:
    """ed25519.Verify: [S]B = R + [k]A, compared as encodings (cofactorless), S below the group order."""
    if len(public) != 32 or len(sig) != 64 or _ED_BASE is None:
        return False
    a = _ed_decode(public)
    s = int.from_bytes(sig[32:], "little")
    if a is None or s >= _L:
        return False
    k = int.from_bytes(hashlib.sha512(sig[:32] + public + message).digest(), "little") % _L
    neg_a = (-a[0] % _P, a[1], a[2], -a[3] % _P)
    return _ed_encode(_ed_add(_ed_mul(s, _ED_BASE), _ed_mul(k, neg_a))) == sig[:32]
