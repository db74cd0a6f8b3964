"""Certificates and requests in PEM, read as the apiserver's Go reads them: encoding/pem's Decode, encoding/asn1's
DER rules for a CertificateSigningRequest's structure, crypto/x509's key and signature-algorithm parsing and
its signature check; a certificate (a signer's in a CSR's status, a CA in a ClusterTrustBundle) read as far as
its framing and its basic constraints (its names, times and keys are taken as they come). Errors are Go's
texts, since the apiserver quotes them in its answer; the rarest (a `tags don't match` deep inside a request)
are worded as Go words the same error at the top.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ..wire.gostrings import quote
from . import signatures

PEM_BLOCK_TYPE_ERROR = "PEM block type must be CERTIFICATE REQUEST"


def field_bytes(value: Any) -> bytes:
    """A []byte field of a stored object (base64 in its JSON), empty where there is none (decoding refused a
    body whose base64 Go would not read, so a stored one always decodes)."""
    try:
        return base64.b64decode(value) if isinstance(value, str) else b""
    except (binascii.Error, ValueError):
        return b""
_BEGIN, _END, _DASHES = b"\n-----BEGIN ", b"\n-----END ", b"-----"


@dataclass(frozen=True)
class Block:
    type: str
    headers: dict[str, str]
    data: bytes


def _line(data: bytes) -> tuple[bytes, bytes]:
    """getLine: a line without its trailing spaces, tabs and CR, and what follows it."""
    i = data.find(b"\n")
    line, rest = (data, b"") if i < 0 else (data[:i], data[i + 1:])
    return line.rstrip(b" \t\r"), rest


def pem_decode(data: bytes) -> tuple[Block | None, bytes]:
    """encoding/pem's Decode: the first well-formed block (junk before it skipped) and what follows it."""
    rest = data
    while True:
        if rest.startswith(_BEGIN[1:]):
            rest = rest[len(_BEGIN) - 1:]
        elif (i := rest.find(_BEGIN)) >= 0:
            rest = rest[i + len(_BEGIN):]
        else:
            return None, data
        type_line, rest = _line(rest)
        if not type_line.endswith(_DASHES):
            continue
        type_line = type_line[:-len(_DASHES)]
        headers: dict[str, str] = {}
        while True:
            if not rest:
                return None, data
            line, following = _line(rest)
            key, colon, value = line.partition(b":")
            if not colon:
                break
            headers[key.strip().decode("latin-1")] = value.strip().decode("latin-1")
            rest = following
        if not headers and rest.startswith(_END[1:]):
            end, trailer = 0, len(_END) - 1
        else:
            end = rest.find(_END)
            trailer = end + len(_END)
        if end < 0:
            continue
        closing = rest[trailer:trailer + len(type_line) + len(_DASHES)]
        if len(closing) < len(type_line) + len(_DASHES) or not closing.startswith(type_line) \
                or not closing.endswith(_DASHES):
            continue
        if _line(rest[trailer + len(closing):])[0]:
            continue
        body = rest[:end].replace(b" ", b"").replace(b"\t", b"").replace(b"\r", b"").replace(b"\n", b"")
        try:
            decoded = base64.b64decode(body, validate=True)
        except (binascii.Error, ValueError):
            continue
        return Block(type_line.decode("latin-1"), headers, decoded), _line(rest[end + len(_END) - 1:])[1]


class Asn1Error(ValueError):
    pass


def _syntax(message: str) -> Asn1Error:
    return Asn1Error(f"asn1: syntax error: {message}")


def _structure(message: str) -> Asn1Error:
    return Asn1Error(f"asn1: structure error: {message}")


@dataclass(frozen=True)
class Tlv:
    body: bytes  # its contents
    raw: bytes  # its whole encoding, header included


def _tag_and_length(data: bytes, offset: int) -> tuple[int, int, bool, int, int]:
    """parseTagAndLength: class, tag, compound, length, and the offset of the contents."""
    b = data[offset]
    offset += 1
    cls, compound, tag = b >> 6, bool(b & 0x20), b & 0x1F
    if tag == 0x1F:
        tag = 0
        while True:
            if offset >= len(data):
                raise _syntax("truncated base 128 integer")
            b = data[offset]
            offset += 1
            tag = tag << 7 | b & 0x7F
            if not b & 0x80:
                break
        if tag < 0x1F:
            raise _syntax("non-minimal tag")
    if offset >= len(data):
        raise _syntax("truncated tag or length")
    b = data[offset]
    offset += 1
    if not b & 0x80:
        return cls, tag, compound, b, offset
    count = b & 0x7F
    if not count:
        raise _syntax("indefinite length found (not DER)")
    length = 0
    for _ in range(count):
        if offset >= len(data):
            raise _syntax("truncated tag or length")
        if length >= 1 << 23:
            raise _structure("length too large")
        length = length << 8 | data[offset]
        offset += 1
        if not length:
            raise _structure("superfluous leading zeros in length")
    if length < 0x80:
        raise _structure("non-minimal length")
    return cls, tag, compound, length, offset


_PARAMS = ("{optional:false explicit:false application:false private:false defaultValue:<nil> tag:<nil> "
           "stringType:0 timeType:0 set:false omitEmpty:false}")


def _read(data: bytes, offset: int, expect: tuple[int, bool] | None, go_type: str) -> tuple[Tlv, int]:
    """One element as parseField reads a field of a struct: its tag checked against the Go type's (`expect`:
    a universal tag and whether it is constructed; None for asn1.RawValue, which takes any)."""
    if offset == len(data):
        raise _syntax("sequence truncated")
    cls, tag, compound, length, inner = _tag_and_length(data, offset)
    if expect is not None and (cls != 0 or tag != expect[0] or compound != expect[1]):
        found = f"{{class:{cls} tag:{tag} length:{length} isCompound:{'true' if compound else 'false'}}}"
        raise _structure(f"tags don't match ({expect[0]} vs {found}) {_PARAMS} {go_type} @{inner}")
    if length > len(data) - inner:
        raise _syntax("data truncated")
    end = inner + length
    return Tlv(data[inner:end], data[offset:end]), end


_SEQUENCE, _INTEGER, _BIT_STRING, _OID = (16, True), (2, False), (3, False), (6, False)


def _integer(body: bytes) -> int:
    if not body:
        raise _structure("empty integer")
    if len(body) > 1 and ((body[0] == 0 and not body[1] & 0x80) or (body[0] == 0xFF and body[1] & 0x80)):
        raise _structure("integer not minimally-encoded")
    if len(body) > 8:
        raise _structure("integer too large")
    return int.from_bytes(body, "big", signed=True)


def _bit_string(body: bytes) -> bytes:
    """The bits right-aligned (BitString.RightAlign)."""
    if not body:
        raise _syntax("zero length BIT STRING")
    pad = body[0]
    if pad > 7 or (len(body) == 1 and pad) or body[-1] & ((1 << pad) - 1):
        raise _syntax("invalid padding bits in BIT STRING")
    return (int.from_bytes(body[1:], "big") >> pad).to_bytes(len(body) - 1, "big")


def _oid(body: bytes) -> str:
    if not body:
        raise _syntax("zero length OBJECT IDENTIFIER")
    parts: list[int] = []
    value = 0
    for i, b in enumerate(body):
        if value == 0 and b == 0x80:
            raise _syntax("integer is not minimally encoded")
        value = value << 7 | b & 0x7F
        if not b & 0x80:
            parts.append(value)
            value = 0
        elif i == len(body) - 1:
            raise _syntax("truncated base 128 integer")
    first = parts[0]
    head = [0, first] if first < 40 else [1, first - 40] if first < 80 else [2, first - 80]
    return ".".join(map(str, head + parts[1:]))


@dataclass(frozen=True)
class Algorithm:
    oid: str
    parameters: bytes  # the parameters' whole DER, b"" when absent


def _algorithm(data: bytes, offset: int) -> tuple[Algorithm, int]:
    seq, end = _read(data, offset, _SEQUENCE, "AlgorithmIdentifier")
    oid, inner = _read(seq.body, 0, _OID, "ObjectIdentifier")
    params = _read(seq.body, inner, None, "RawValue")[0].raw if inner < len(seq.body) else b""
    return Algorithm(_oid(oid.body), params), end


@dataclass(frozen=True)
class Request:
    signed: bytes  # the DER of the part signed (RawTBSCertificateRequest)
    subject: bytes
    key_algorithm: Algorithm
    key: bytes
    signature_algorithm: Algorithm
    signature: bytes


def parse_request(der: bytes) -> Request:
    """asn1.Unmarshal into x509's certificateRequest. Raises Asn1Error."""
    outer, end = _read(der, 0, _SEQUENCE, "certificateRequest")
    if end != len(der):
        raise _syntax("trailing data")
    tbs, at = _read(outer.body, 0, _SEQUENCE, "tbsCertificateRequest")
    algorithm, at = _algorithm(outer.body, at)
    sig, _ = _read(outer.body, at, _BIT_STRING, "BitString")
    version, inner = _read(tbs.body, 0, _INTEGER, "int")
    _integer(version.body)
    subject, inner = _read(tbs.body, inner, None, "RawValue")
    spki, inner = _read(tbs.body, inner, _SEQUENCE, "publicKeyInfo")
    key_algorithm, key_at = _algorithm(spki.body, 0)
    key, _ = _read(spki.body, key_at, _BIT_STRING, "BitString")
    if inner == len(tbs.body):
        raise _syntax("sequence truncated")
    cls, tag, _, length, body_at = _tag_and_length(tbs.body, inner)
    if cls != 2 or tag != 0:
        raise _structure(f"tags don't match (0 vs {{class:{cls} tag:{tag} length:{length} isCompound:true}}) "
                         f"{_PARAMS} []asn1.RawValue @{body_at}")
    if length > len(tbs.body) - body_at:
        raise _syntax("data truncated")
    attributes = tbs.body[body_at:body_at + length]
    at = 0
    while at < len(attributes):  # parseSequenceOf: each attribute's framing
        _, _, _, length, at = _tag_and_length(attributes, at)
        if length > len(attributes) - at:
            raise _syntax("truncated sequence")
        at += length
    return Request(tbs.raw, subject.raw, key_algorithm, _bit_string(key.body), algorithm, _bit_string(sig.body))


_RSA, _ECDSA, _ED25519 = "1.2.840.113549.1.1.1", "1.2.840.10045.2.1", "1.3.101.112"
_KEY_NAMES = {_RSA: "RSA", _ECDSA: "ECDSA", _ED25519: "Ed25519", "1.2.840.10040.4.1": "DSA"}
_KEY_TYPES = {_RSA: "*rsa.PublicKey", _ECDSA: "*ecdsa.PublicKey", _ED25519: "ed25519.PublicKey",
              "1.2.840.10040.4.1": "*dsa.PublicKey", "1.3.101.110": "*ecdh.PublicKey"}
_NULL = b"\x05\x00"
# signatureAlgorithmDetails: OID -> (name, hash, key algorithm)
_SIGNATURE_ALGORITHMS = {
    "1.2.840.113549.1.1.2": ("MD2-RSA", "", _RSA), "1.2.840.113549.1.1.4": ("MD5-RSA", "MD5", _RSA),
    "1.2.840.113549.1.1.5": ("SHA1-RSA", "SHA-1", _RSA), "1.3.14.3.2.29": ("SHA1-RSA", "SHA-1", _RSA),
    "1.2.840.113549.1.1.11": ("SHA256-RSA", "SHA-256", _RSA),
    "1.2.840.113549.1.1.12": ("SHA384-RSA", "SHA-384", _RSA),
    "1.2.840.113549.1.1.13": ("SHA512-RSA", "SHA-512", _RSA),
    "1.2.840.10040.4.3": ("DSA-SHA1", "SHA-1", "1.2.840.10040.4.1"),
    "2.16.840.1.101.3.4.3.2": ("DSA-SHA256", "SHA-256", "1.2.840.10040.4.1"),
    "1.2.840.10045.4.1": ("ECDSA-SHA1", "SHA-1", _ECDSA), "1.2.840.10045.4.3.2": ("ECDSA-SHA256", "SHA-256", _ECDSA),
    "1.2.840.10045.4.3.3": ("ECDSA-SHA384", "SHA-384", _ECDSA),
    "1.2.840.10045.4.3.4": ("ECDSA-SHA512", "SHA-512", _ECDSA),
    "1.3.101.112": ("Ed25519", "", _ED25519),
}
_PSS = "1.2.840.113549.1.1.10"
_PSS_HASHES = {"2.16.840.1.101.3.4.2.1": ("SHA-256", 32), "2.16.840.1.101.3.4.2.2": ("SHA-384", 48),
               "2.16.840.1.101.3.4.2.3": ("SHA-512", 64)}
UNSUPPORTED = "x509: cannot verify signature: algorithm unimplemented"


def _explicit(body: bytes) -> dict[int, bytes]:
    """The context-specific [n] elements of a SEQUENCE, by n."""
    out: dict[int, bytes] = {}
    at = 0
    while at < len(body):
        cls, tag, _, length, inner = _tag_and_length(body, at)
        if cls == 2:
            out[tag] = body[inner:inner + length]
        at = inner + length
    return out


def _pss_hash(params: bytes) -> str:
    """The hash of RSASSA-PSS parameters Go accepts (MGF1 with the same hash, the salt as long as the hash,
    the default trailer); "" for any other."""
    try:
        seq, _ = _read(params, 0, _SEQUENCE, "pssParameters")
        fields = _explicit(seq.body)
        hash_alg, _ = _algorithm(fields.get(0, b""), 0)
        mgf, _ = _algorithm(fields.get(1, b""), 0)
        mgf_hash, _ = _algorithm(mgf.parameters, 0)
        salt = _integer(_read(fields[2], 0, _INTEGER, "int")[0].body) if 2 in fields else 20
        trailer = _integer(_read(fields[3], 0, _INTEGER, "int")[0].body) if 3 in fields else 1
    except (Asn1Error, IndexError):
        return ""
    name, size = _PSS_HASHES.get(hash_alg.oid, ("", 0))
    if hash_alg.parameters not in (b"", _NULL) or mgf.oid != "1.2.840.113549.1.1.8" \
            or mgf_hash.oid != hash_alg.oid or mgf_hash.parameters not in (b"", _NULL) or trailer != 1 \
            or salt != size:
        return ""
    return name


@dataclass(frozen=True)
class RsaKey:
    n: int
    e: int


@dataclass(frozen=True)
class EcKey:
    curve: signatures.Curve
    x: int
    y: int


def _rsa_key(alg: Algorithm, key: bytes) -> RsaKey:
    if alg.parameters != _NULL:
        raise ValueError("x509: RSA key missing NULL parameters")
    try:
        seq, end = _read(key, 0, _SEQUENCE, "")
        n_tlv, at = _read(seq.body, 0, _INTEGER, "")
        e_tlv, at = _read(seq.body, at, _INTEGER, "")
    except (Asn1Error, IndexError):
        raise ValueError("x509: invalid RSA public key") from None
    if end != len(key) or at != len(seq.body):
        raise ValueError("x509: invalid RSA public key")
    n, e = int.from_bytes(n_tlv.body, "big", signed=True), int.from_bytes(e_tlv.body, "big", signed=True)
    if len(e_tlv.body) > 4 or e > 2**31 - 1:
        raise ValueError("x509: invalid RSA public exponent")
    if n <= 0:
        raise ValueError("x509: RSA modulus is not a positive number")
    if e <= 0:
        raise ValueError("x509: RSA public exponent is not a positive number")
    return RsaKey(n, e)


def _ec_key(alg: Algorithm, key: bytes) -> EcKey:
    try:
        curve_oid = _oid(_read(alg.parameters, 0, _OID, "")[0].body)
    except (Asn1Error, IndexError):
        raise ValueError("x509: invalid ECDSA parameters") from None
    curve = signatures.CURVES.get(curve_oid)
    if curve is None:
        raise ValueError("x509: unsupported elliptic curve")
    size = curve.size
    if len(key) != 1 + 2 * size or key[0] != 4:
        raise ValueError("x509: failed to unmarshal elliptic curve point")
    x, y = int.from_bytes(key[1:1 + size], "big"), int.from_bytes(key[1 + size:], "big")
    if not signatures.on_curve(curve, x, y):
        raise ValueError("x509: failed to unmarshal elliptic curve point")
    return EcKey(curve, x, y)


def _ecdsa_signature(sig: bytes) -> tuple[int, int] | None:
    """The (r, s) of an ECDSA-Sig-Value, None where it is not one (ecdsa.VerifyASN1 then fails)."""
    try:
        seq, end = _read(sig, 0, _SEQUENCE, "")
        r, at = _read(seq.body, 0, _INTEGER, "")
        s, at = _read(seq.body, at, _INTEGER, "")
    except (Asn1Error, IndexError):
        return None
    if end != len(sig) or at != len(seq.body) or not r.body or not s.body or r.body[0] & 0x80 or s.body[0] & 0x80:
        return None
    return int.from_bytes(r.body, "big"), int.from_bytes(s.body, "big")


def _elements(body: bytes, expect: tuple[int, bool], any_tag: bool = False) -> Iterator[bytes]:
    """parseSequenceOf: each element's whole encoding, all framed before any is read (`any_tag`: of whatever
    type each is)."""
    found, at = [], 0
    while at < len(body):
        cls, tag, compound, length, inner = _tag_and_length(body, at)
        if not any_tag and (cls != 0 or compound != expect[1] or tag != expect[0]):
            raise _structure("sequence tag mismatch")
        if length > len(body) - inner:
            raise _syntax("truncated sequence")
        found.append(body[at:inner + length])
        at = inner + length
    return iter(found)


_SET = (17, True)


_STRINGS = frozenset({12, 19, 20, 22, 26, 30})  # the string types a name's value decodes to a Go string from


def _check_subject(subject: bytes) -> list[tuple[str, str]]:
    """The subject as a pkix.RDNSequence (SETs of (OID, value) SEQUENCEs): its (OID, value) pairs of string
    values, in order."""
    rdns, end = _read(subject, 0, _SEQUENCE, "RDNSequence")
    if end != len(subject):
        raise ValueError("x509: trailing data after X.509 Subject")
    found = []
    for rdn in _elements(rdns.body, _SET):
        for atv in _elements(_read(rdn, 0, _SET, "RelativeDistinguishedNameSET")[0].body, _SEQUENCE):
            body = _read(atv, 0, _SEQUENCE, "AttributeTypeAndValue")[0].body
            oid, at = _read(body, 0, _OID, "ObjectIdentifier")
            value = _read(body, at, None, "")[0]
            if value.raw[0] in _STRINGS:
                text = value.body.decode("utf-16-be" if value.raw[0] == 30 else "utf-8", "replace")
                found.append((_oid(oid.body), text))
    return found


def organizations(pem: bytes) -> list[str] | None:
    """The Organization of a PEM certificate request's subject (pkix.Name), None for one that does not parse."""
    block, _ = pem_decode(pem)
    if block is None or block.type != "CERTIFICATE REQUEST":
        return None
    try:
        return [v for oid, v in _check_subject(parse_request(block.data).subject) if oid == "2.5.4.10"]
    except (ValueError, IndexError):
        return None


PublicKey = RsaKey | EcKey | bytes | None  # an Ed25519 key is its 32 bytes; None: a key of another algorithm


def parsed_request(der: bytes) -> tuple[Request, PublicKey]:
    """x509.ParseCertificateRequest: the request and its key. Raises ValueError in Go's words."""
    try:
        request = parse_request(der)
        key = _public_key(request.key_algorithm, request.key)
        _check_subject(request.subject)
    except IndexError:
        raise Asn1Error("asn1: syntax error: data truncated") from None
    return request, key


def signature_refusal(request: Request, key: PublicKey) -> str | None:
    """CheckSignature: None where the request is signed by its own key, else Go's error."""
    return _signature_refusal(request, key)


def check_request(pem: bytes) -> str | None:
    """certificates.ParseCSR and the request's CheckSignature, in Go's order: None for a well-formed request
    signed by its own key, else the error the apiserver quotes."""
    block, _ = pem_decode(pem)
    if block is None or block.type != "CERTIFICATE REQUEST":
        return PEM_BLOCK_TYPE_ERROR
    try:
        return _signature_refusal(*parsed_request(block.data))
    except ValueError as exc:
        return str(exc)


def _public_key(key_alg: Algorithm, raw: bytes) -> PublicKey:
    """parsePublicKey, for the key algorithms a signature can be checked with; None for others."""
    if key_alg.oid == _RSA:
        return _rsa_key(key_alg, raw)
    if key_alg.oid == _ECDSA:
        return _ec_key(key_alg, raw)
    if key_alg.oid == _ED25519:
        if key_alg.parameters:
            raise ValueError("x509: Ed25519 key encoded with illegal parameters")
        if len(raw) != 32:
            raise ValueError("x509: wrong Ed25519 public key size")
        return raw
    return None


def _signature_refusal(request: Request, key: PublicKey) -> str | None:
    key_alg = request.key_algorithm
    sig_alg = request.signature_algorithm
    name, hash_name, wants = _SIGNATURE_ALGORITHMS.get(sig_alg.oid, ("", "", ""))
    if sig_alg.oid == _ED25519 and sig_alg.parameters:
        name = ""
    if sig_alg.oid == _PSS:
        hash_name = _pss_hash(sig_alg.parameters)
        name, wants = ("PSS", _RSA) if hash_name else ("", "")
    if not name or (not hash_name and wants != _ED25519):
        return UNSUPPORTED
    if hash_name == "MD5":
        return f"x509: cannot verify signature: insecure algorithm {name}"
    signed = request.signed if wants == _ED25519 else signatures.digest(hash_name, request.signed)
    if key is None or key_alg.oid not in (_RSA, _ECDSA, _ED25519):
        return UNSUPPORTED
    if key_alg.oid != wants:
        return (f"x509: signature algorithm specifies an {_KEY_NAMES.get(wants, wants)} public key, but have "
                f"public key of type {_KEY_TYPES[key_alg.oid]}")
    if isinstance(key, bytes):
        return None if signatures.ed25519(key, signed, request.signature) else "x509: Ed25519 verification failure"
    if isinstance(key, RsaKey):
        check = signatures.rsa_pss if sig_alg.oid == _PSS else signatures.rsa_pkcs1v15
        return check(key.n, key.e, hash_name, signed, request.signature)
    rs = _ecdsa_signature(request.signature)
    if rs is None or not signatures.ecdsa(key.curve, key.x, key.y, signed, *rs):
        return "x509: ECDSA verification failure"
    return None


@dataclass(frozen=True)
class Certificate:
    der: bytes  # its whole encoding
    is_ca: bool
    basic_constraints: bool  # whether it has a basic constraints extension (BasicConstraintsValid)
    not_before: dt.datetime
    not_after: dt.datetime
    key: PublicKey
    dns_names: tuple[str, ...] = ()
    emails: tuple[str, ...] = ()


def _certificate(der: bytes) -> Certificate:
    """The first certificate of `der`, read as far as its framing and its extensions: a SEQUENCE of a
    to-be-signed SEQUENCE, an algorithm and a signature BIT STRING. Raises ValueError in x509's words."""
    try:
        cert, end = _read(der, 0, _SEQUENCE, "")
    except (Asn1Error, IndexError):
        raise ValueError("x509: malformed certificate") from None
    try:
        tbs, at = _read(cert.body, 0, _SEQUENCE, "")
        validity, spki, extensions = _tbs(tbs.body)
        times = [_time(t) for t in _elements(_read(validity, 0, _SEQUENCE, "")[0].body, (0, False), any_tag=True)]
        spki_body = _read(spki, 0, _SEQUENCE, "")[0].body
        key_algorithm, key_at = _algorithm(spki_body, 0)
        raw_key = _bit_string(_read(spki_body, key_at, _BIT_STRING, "")[0].body)
    except (Asn1Error, IndexError, ValueError):
        raise ValueError("x509: malformed tbs certificate") from None
    if len(times) != 2:
        raise ValueError("x509: malformed validity")
    key = _public_key(key_algorithm, raw_key)
    names = _alternative_names(extensions.get("2.5.29.17", b""))
    try:
        _, at = _algorithm(cert.body, at)
    except (Asn1Error, IndexError):
        raise ValueError("x509: malformed algorithm identifier") from None
    try:
        sig, at = _read(cert.body, at, _BIT_STRING, "")
        _bit_string(sig.body)
    except (Asn1Error, IndexError):
        raise ValueError("x509: malformed signature") from None
    constraints = extensions.get("2.5.29.19")
    is_ca = False
    if constraints is not None:
        try:
            seq, _ = _read(constraints, 0, _SEQUENCE, "")
            if seq.body[:1] == b"\x01":
                flag, _ = _read(seq.body, 0, (1, False), "")
                if flag.body not in (b"\x00", b"\xff"):
                    raise ValueError("x509: invalid basic constraints")
                is_ca = flag.body == b"\xff"
        except (Asn1Error, IndexError):
            raise ValueError("x509: invalid basic constraints") from None
    return Certificate(der[:end], is_ca, constraints is not None, times[0], times[1], key,
                       tuple(v for tag, v in names if tag == 2), tuple(v for tag, v in names if tag == 1))


def _time(element: bytes) -> dt.datetime:
    """A UTCTime (two-digit years: 1950–2049) or a GeneralizedTime, in whole seconds, UTC."""
    tag, text = element[0], _read(element, 0, None, "")[0].body.decode("ascii")
    if tag == 23 and len(text) == 13 and text.endswith("Z"):
        year = int(text[:2])
        text = f"{1900 + year if year >= 50 else 2000 + year}{text[2:]}"
    elif tag != 24 or len(text) != 15 or not text.endswith("Z"):
        raise ValueError("x509: malformed validity")
    return dt.datetime.strptime(text, "%Y%m%d%H%M%SZ").replace(tzinfo=dt.UTC)


def _alternative_names(extension: bytes) -> list[tuple[int, str]]:
    """A subject alternative names extension's (tag, name) of its e-mail addresses ([1]) and DNS names ([2])."""
    if not extension:
        return []
    names = []
    body = _read(extension, 0, _SEQUENCE, "")[0].body
    at = 0
    while at < len(body):
        cls, tag, _, length, inner = _tag_and_length(body, at)
        if cls == 2 and tag in (1, 2):
            names.append((tag, body[inner:inner + length].decode("ascii", "replace")))
        at = inner + length
    return names


def _tbs(tbs: bytes) -> tuple[bytes, bytes, dict[str, bytes]]:
    """A to-be-signed certificate's validity and subject public key info (each whole), and its extensions (each
    value's contents by OID), past its version, serial number, algorithm, issuer and subject, and its optional
    unique identifiers."""
    at = 0
    if tbs[:1] == b"\xa0":  # [0] the version
        _, _, _, length, inner = _tag_and_length(tbs, 0)
        at = inner + length
    _, at = _read(tbs, at, _INTEGER, "")
    parts = []
    for _ in range(5):  # algorithm, issuer, validity, subject, subject public key
        part, at = _read(tbs, at, _SEQUENCE, "")
        parts.append(part.raw)
    found: dict[str, bytes] = {}
    while at < len(tbs):
        cls, tag, _, length, inner = _tag_and_length(tbs, at)
        if length > len(tbs) - inner:
            raise _syntax("data truncated")
        if (cls, tag) == (2, 3):
            seq, _ = _read(tbs[inner:inner + length], 0, _SEQUENCE, "")
            for ext in _elements(seq.body, _SEQUENCE):
                body = _read(ext, 0, _SEQUENCE, "")[0].body
                oid, pos = _read(body, 0, _OID, "")
                if body[pos:pos + 1] == b"\x01":  # critical
                    _, pos = _read(body, pos, (1, False), "")
                found[_oid(oid.body)] = _read(body, pos, (4, False), "")[0].body
        at = inner + length
    return parts[2], parts[4], found


def _certificates(der: bytes) -> Iterator[Certificate]:
    """x509.ParseCertificates: each certificate of a DER run."""
    while der:
        cert = _certificate(der)
        yield cert
        der = der[len(cert.der):]


def trust_anchor(der: bytes) -> Certificate:
    """x509.ParseCertificate: one certificate, nothing after it. Raises ValueError."""
    cert = _certificate(der)
    if len(cert.der) != len(der):
        raise ValueError("x509: trailing data")
    return cert


def certificate_refusal(pem: bytes) -> str | None:
    """validateCertificate of a CSR's status.certificate: CERTIFICATE blocks only, without headers, each holding
    certificates; None for an empty one."""
    if not pem:
        return None
    blocks = 0
    while True:
        block, rest = pem_decode(pem)
        if block is None:
            break
        if block.type != "CERTIFICATE":
            return f"only CERTIFICATE PEM blocks are allowed, found {quote(block.type)}"
        if block.headers:
            return "no PEM block headers are permitted"
        blocks += 1
        try:
            if not list(_certificates(block.data)):
                return "found CERTIFICATE PEM block containing 0 certificates"
        except ValueError as exc:
            return str(exc)
        pem = rest
    return None if blocks else "must contain at least one CERTIFICATE PEM block"
