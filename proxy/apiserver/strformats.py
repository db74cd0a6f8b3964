"""The string formats of kube-openapi's strfmt.Default registry, which the apiserver checks a custom resource's
strings against when its CRD's schema names a `format`: a value one of them refuses is what the apiserver
answers `must be of type <format>` for, so whether a value passes has to be decided exactly as there.

Ported from k8s.io/kube-openapi/pkg/validation/strfmt (default.go, time.go, date.go, duration.go, bson.go,
kubernetes-extensions.go, format.go) and its govalidator copy, with the Go pieces they lean on: k8s.io/utils'
ParseIPSloppy/ParseCIDRSloppy, and the standard library's net.ParseIP (net/netip), net.ParseMAC,
net/url.ParseRequestURI (strict colons in http(s) hosts, Go 1.26), net/mail.ParseAddress (with mime's RFC 2047
words), time.Parse and time.ParseDuration. Go works on UTF-8 bytes where it uses len() or indexes a string, so
the port does too; Go's regexp `\\d`, `\\s` and `$` are ASCII digits, [\\t\\n\\f\\r ] and the very end.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

from ..wire.gostrings import SURROGATE


def valid(format_name: str, value: str) -> bool | None:
    """What the registry's checker for the format answers for the value, or None when the registry has no
    checker by that name. The registry drops dashes from names ("date-time" is "datetime")."""
    check = _CHECKERS.get(format_name.replace("-", ""))
    if check is None:
        return None
    # Go's JSON decoder turns a lone surrogate into U+FFFD before any checker sees the string
    return check(SURROGATE.sub("\ufffd", value))


_HEX_DIGITS = frozenset(b"0123456789abcdefABCDEF")
_DIGITS = frozenset(b"0123456789")


def _blen(s: str) -> int:
    return len(s.encode())


# --- regular expressions of strfmt and govalidator ---------------------------------------------------------------

_SPACE = r"[\t\n\f\r ]"  # Go's \s
_UUID = re.compile(r"[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}")
_UUID3 = re.compile(r"[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?3[0-9a-fA-F]{3}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}")
_UUID4 = re.compile(r"[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?4[0-9a-fA-F]{3}-?[89abAB][0-9a-fA-F]{3}-?[0-9a-fA-F]{12}")
_UUID5 = re.compile(r"[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?5[0-9a-fA-F]{3}-?[89abAB][0-9a-fA-F]{3}-?[0-9a-fA-F]{12}")
_CREDIT_CARD = re.compile(
    r"4[0-9]{12}(?:[0-9]{3})?|5[1-5][0-9]{14}|6(?:011|5[0-9][0-9])[0-9]{12}|3[47][0-9]{13}"
    r"|3(?:0[0-5]|[68][0-9])[0-9]{11}|(?:2131|1800|35[0-9]{3})[0-9]{11}")
_ISBN10 = re.compile(r"[0-9]{9}X|[0-9]{10}")
_ISBN13 = re.compile(r"[0-9]{13}")
_HEXCOLOR = re.compile(r"#?(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})")
_OCTET = r"(?:0|[1-9][0-9]?|1[0-9][0-9]?|2[0-4][0-9]|25[0-5])"
_RGBCOLOR = re.compile(rf"rgb\({_SPACE}*{_OCTET}{_SPACE}*,{_SPACE}*{_OCTET}{_SPACE}*,{_SPACE}*{_OCTET}{_SPACE}*\)")
_BASE64 = re.compile(r"(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=|[A-Za-z0-9+/]{4})")
_SSN = re.compile(r"[0-9]{3}[- ]?[0-9]{2}[- ]?[0-9]{4}")
_SHORT_NAME = r"[a-z0-9](?:[-a-z0-9]*[a-z0-9])?"
_LONG_NAME = re.compile(rf"{_SHORT_NAME}(?:\.{_SHORT_NAME})*")
_BSON_OBJECT_ID = re.compile(r"[0-9a-fA-F]{24}")  # hex.DecodeString to exactly 12 bytes


def _matcher(pattern: re.Pattern[str]) -> Callable[[str], bool]:
    return lambda s: pattern.fullmatch(s) is not None


# --- hostname ------------------------------------------------------------------------------------------------------

# HostnamePattern over a shadow of the value: Python's re has no \p{L} or \p{S}, so each character stands for its
# class, `a` a letter (\p{L}, ASCII ones too), `0` an ASCII digit, `#` a symbol (\p{S}), `!` anything else.
_HOSTNAME = re.compile(r"[a0#](?:-?[a0#]{0,62})?|(?:[a0#](?:[-a0#]{0,61}[a0#])?\.)+a{2,63}")
# Go's tables are Unicode 15.0, Python 3.11's unicodedata 14.0: the letters and symbols 15.0 added (a Python whose
# unicodedata is newer than 15.0 would also take characters assigned since, which Go does not)
_LETTERS_SINCE_14 = (
    (0x1123F, 0x11240), (0x11F02, 0x11F02), (0x11F04, 0x11F10), (0x11F12, 0x11F33), (0x1342F, 0x1342F),
    (0x13441, 0x13446), (0x1B132, 0x1B132), (0x1B155, 0x1B155), (0x1DF25, 0x1DF2A), (0x1E030, 0x1E06D),
    (0x1E4D0, 0x1E4EB), (0x2B739, 0x2B739), (0x31350, 0x323AF))
_SYMBOLS_SINCE_14 = (
    (0x1F6DC, 0x1F6DC), (0x1F774, 0x1F776), (0x1F77B, 0x1F77F), (0x1F7D9, 0x1F7D9), (0x1FA75, 0x1FA77),
    (0x1FA87, 0x1FA88), (0x1FAAD, 0x1FAAF), (0x1FABB, 0x1FABD), (0x1FABF, 0x1FABF), (0x1FACE, 0x1FACF),
    (0x1FADA, 0x1FADB), (0x1FAE8, 0x1FAE8), (0x1FAF7, 0x1FAF8))


def _within(c: str, ranges: tuple[tuple[int, int], ...]) -> bool:
    return any(lo <= ord(c) <= hi for lo, hi in ranges)


def _host_class(c: str) -> str:
    if c in "-.":
        return c
    if "0" <= c <= "9":
        return "0"
    category = unicodedata.category(c)[0]
    if category == "L" or _within(c, _LETTERS_SINCE_14):
        return "a"
    if category == "S" or _within(c, _SYMBOLS_SINCE_14):
        return "#"
    return "!"


def _is_hostname(s: str) -> bool:
    if _blen(s) > 255 or any(_blen(label) > 63 for label in s.split(".")):
        return False
    return _HOSTNAME.fullmatch("".join(map(_host_class, s))) is not None


# --- numbers with check digits -------------------------------------------------------------------------------------

def _is_credit_card(s: str) -> bool:
    digits = re.sub("[^0-9]+", "", s)
    if not _CREDIT_CARD.fullmatch(digits):
        return False
    total = 0
    for i, d in enumerate(int(c) for c in reversed(digits)):
        total += d if i % 2 == 0 else (d * 2 % 10 + 1 if d * 2 >= 10 else d * 2)
    return total % 10 == 0


def _is_isbn10(s: str) -> bool:
    digits = re.sub(rf"(?:{_SPACE}|-)+", "", s)
    if not _ISBN10.fullmatch(digits):
        return False
    total = sum((i + 1) * int(digits[i]) for i in range(9)) + 10 * (10 if digits[9] == "X" else int(digits[9]))
    return total % 11 == 0


def _is_isbn13(s: str) -> bool:
    digits = re.sub(rf"(?:{_SPACE}|-)+", "", s)
    if not _ISBN13.fullmatch(digits):
        return False
    total = sum((1, 3)[i % 2] * int(digits[i]) for i in range(12))
    return int(digits[12]) == (10 - total % 10) % 10


# --- IP addresses --------------------------------------------------------------------------------------------------

def _ipv4_fields(s: bytes) -> bool:
    """netip's parseIPv4Fields: four decimal fields without leading zeros."""
    fields, value, digits = 0, 0, 0
    for i, c in enumerate(s):
        if c in _DIGITS:
            if digits == 1 and value == 0:
                return False
            value, digits = value * 10 + c - 0x30, digits + 1
            if value > 255:
                return False
        elif c == 0x2E:
            if i == 0 or i == len(s) - 1 or s[i - 1] == 0x2E or fields == 3:
                return False
            fields, value, digits = fields + 1, 0, 0
        else:
            return False
    return fields == 3


def _ipv6(s: bytes) -> tuple[int, bytes] | None:
    """netip's parseIPv6: (6, zone), or None."""
    zone = b""
    if (cut := s.find(b"%")) >= 0:
        s, zone = s[:cut], s[cut + 1:]
        if not zone:
            return None
    return (6, zone) if _ipv6_groups(s, _hex_group, _ipv4_fields) else None


def _hex_group(s: bytes) -> int:
    """netip's group: one to four hex digits (the length, 0 where it is none)."""
    off = 0
    while off < len(s) and s[off] in _HEX_DIGITS:
        off += 1
    return off if off <= 4 else 0


def _ipv6_groups(s: bytes, group: Callable[[bytes], int], ipv4: Callable[[bytes], bool]) -> bool:
    """The walk netip's parseIPv6 and the old net.parseIPv6 share: groups separated by colons, one `::`, a
    trailing IPv4 address in the last 32 bits; `group` reads a group's length (0: none), `ipv4` the tail."""
    ellipsis = -1
    if s[:2] == b"::":
        ellipsis, s = 0, s[2:]
        if not s:
            return True
    i = 0
    while i < 16:
        off = group(s)
        if off == 0:
            return False
        if off < len(s) and s[off] == 0x2E:  # a trailing IPv4 address
            if (ellipsis < 0 and i != 12) or i + 4 > 16 or not ipv4(s):
                return False
            s, i = b"", i + 4
            break
        i, s = i + 2, s[off:]
        if not s:
            break
        if s[0] != 0x3A or len(s) == 1:
            return False
        s = s[1:]
        if s[0] == 0x3A:
            if ellipsis >= 0:
                return False
            ellipsis, s = i, s[1:]
            if not s:
                break
    return not s and (ellipsis >= 0 if i < 16 else ellipsis < 0)


def _parse_addr(s: bytes) -> tuple[int, bytes] | None:
    """netip.ParseAddr: the address's version and zone, or None."""
    for c in s:
        if c == 0x2E:
            return (4, b"") if _ipv4_fields(s) else None
        if c == 0x3A:
            return _ipv6(s)
        if c == 0x25:
            return None
    return None


def _parse_ip(s: bytes) -> bool:
    """net.ParseIP: an address of either version, without a zone."""
    addr = _parse_addr(s)
    return addr is not None and not addr[1]


_BIG = 0xFFFFFF


def _dtoi(s: bytes) -> tuple[int, int, bool]:
    n = i = 0
    while i < len(s) and s[i] in _DIGITS:
        n = n * 10 + s[i] - 0x30
        if n >= _BIG:
            return _BIG, i, False
        i += 1
    return (n, i, True) if i else (0, 0, False)


def _xtoi(s: bytes) -> tuple[int, int, bool]:
    n = i = 0
    while i < len(s) and s[i] in _HEX_DIGITS:
        n = n * 16 + int(chr(s[i]), 16)
        if n >= _BIG:
            return 0, i, False
        i += 1
    return (n, i, True) if i else (0, 0, False)


def _sloppy_ipv4(s: bytes) -> bool:
    """k8s.io/utils' fork of Go's pre-1.17 parseIPv4, which lets a field have leading zeros."""
    for i in range(4):
        if not s:
            return False
        if i > 0:
            if s[0] != 0x2E:
                return False
            s = s[1:]
        n, c, ok = _dtoi(s)
        if not ok or n > 0xFF:
            return False
        s = s[c:]
    return not s


def _sloppy_group(s: bytes) -> int:
    """The old net.parseIPv6's group: any number of hex digits worth at most 0xFFFF."""
    n, c, ok = _xtoi(s)
    return c if ok and n <= 0xFFFF else 0


def _sloppy_ipv6(s: bytes) -> bool:
    """The fork's parseIPv6: no zone, and a group may have any number of leading zeros."""
    return _ipv6_groups(s, _sloppy_group, _sloppy_ipv4)


def _sloppy_ip(s: bytes) -> bool:
    for c in s:
        if c == 0x2E:
            return _sloppy_ipv4(s)
        if c == 0x3A:
            return _sloppy_ipv6(s)
    return False


def _is_ipv4(s: str) -> bool:
    """isIPv4: whatever ParseIPSloppy reads, if it has a dot (so an IPv6 address ending in an IPv4 one too)."""
    return _sloppy_ip(s.encode()) and "." in s


def _is_ipv6(s: str) -> bool:
    """IsIPv6: whatever net.ParseIP reads, if it has a colon (so an IPv4-mapped address too)."""
    return _parse_ip(s.encode()) and ":" in s


def _is_cidr(s: str) -> bool:
    addr, slash, mask = s.encode().partition(b"/")
    if not slash:
        return False
    bits = 32 if _sloppy_ipv4(addr) else 128 if _sloppy_ipv6(addr) else -1
    n, i, ok = _dtoi(mask)
    return bits > 0 and ok and i == len(mask) and n <= bits


# --- MAC -----------------------------------------------------------------------------------------------------------

def _xtoi2(s: bytes, sep: int) -> bool:
    if len(s) > 2 and s[2] != sep:
        return False
    return len(s) >= 2 and s[0] in _HEX_DIGITS and s[1] in _HEX_DIGITS


def _is_mac(s: str) -> bool:
    """net.ParseMAC: 6, 8 or 20 octets, as pairs of hex digits with `:` or `-` between, or groups of four with
    `.` between, or none between."""
    b = s.encode()
    if len(b) < 12:
        return False
    if b[2] in b":-":
        octets = (len(b) + 1) // 3
        return (len(b) + 1) % 3 == 0 and octets in (6, 8, 20) and all(
            _xtoi2(b[x:], b[2]) for x in range(0, 3 * octets, 3))
    if b[4] == 0x2E:
        octets = 2 * (len(b) + 1) // 5
        return (len(b) + 1) % 5 == 0 and octets in (6, 8, 20) and all(
            _xtoi2(b[x:x + 2], 0) and _xtoi2(b[x + 2:], b[4]) for x in range(0, 5 * (octets // 2), 5))
    return len(b) % 2 == 0 and len(b) // 2 in (6, 8, 20) and all(_xtoi2(b[x:x + 2], 0) for x in range(0, len(b), 2))


# --- URI -----------------------------------------------------------------------------------------------------------

_PATH, _HOST, _ZONE, _USERINFO = range(4)  # the encoding modes net/url unescapes in
# the ASCII bytes net/url's shouldEscape leaves alone in a host (and a zone)
_HOST_BYTES = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~!$&'()*+,;=:[]<>\"")
_USERINFO_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._:~!$&'()*+,;=%@")


def _unescape(s: bytes, mode: int) -> bytes | None:
    """net/url's unescape: the %-decoded bytes, or None where it fails (a host may %-encode only non-ASCII
    bytes and %25, a zone only what a host could hold unescaped, or a space)."""
    out = bytearray()
    i = 0
    while i < len(s):
        if s[i] == 0x25:
            if i + 2 >= len(s) or s[i + 1] not in _HEX_DIGITS or s[i + 2] not in _HEX_DIGITS:
                return None
            v = int(s[i + 1:i + 3], 16)
            if mode == _HOST and v < 0x80 and s[i:i + 3] != b"%25":
                return None
            if mode == _ZONE and s[i:i + 3] != b"%25" and v != 0x20 and v not in _HOST_BYTES:
                return None
            out.append(v)
            i += 3
            continue
        if mode in (_HOST, _ZONE) and s[i] < 0x80 and s[i] not in _HOST_BYTES:
            return None
        out.append(s[i])
        i += 1
    return bytes(out)


def _valid_port(port: bytes) -> bool:
    return not port or (port[:1] == b":" and all(c in _DIGITS for c in port[1:]))


def _host_ok(scheme: bytes, host: bytes) -> bool:
    """net/url's parseHost."""
    opening = host.rfind(b"[")
    if opening > 0:
        return False
    if opening == 0:  # an IP literal, "[fe80::1%25en0]:80"
        closing = host.rfind(b"]")
        if closing < 0 or not _valid_port(host[closing + 1:]):
            return False
        name = host[1:closing]
        zone_at = name.find(b"%25")
        parts = [(name[:zone_at], _HOST), (name[zone_at:], _ZONE)] if zone_at >= 0 else [(name, _HOST)]
        unescaped = [_unescape(part, mode) for part, mode in parts]
        if any(u is None for u in unescaped):
            return False
        addr = _parse_addr(b"".join(u for u in unescaped if u is not None))
        return addr is not None and addr[0] != 4
    if (colon := host.find(b":")) >= 0:
        # several colons: the port follows the last, except in http(s), whose hosts may not have them
        if scheme not in (b"http", b"https"):
            colon = host.rfind(b":")
        if not _valid_port(host[colon:]):
            return False
    return _unescape(host, _HOST) is not None


def _authority_ok(scheme: bytes, authority: bytes) -> bool:
    at = authority.rfind(b"@")
    if not _host_ok(scheme, authority[at + 1:]):
        return False
    if at < 0:
        return True
    userinfo = authority[:at]
    return set(userinfo.decode()) <= _USERINFO_CHARS and _unescape(userinfo, _USERINFO) is not None


def _is_request_uri(s: str) -> bool:
    """url.ParseRequestURI: an absolute URI or an absolute path, as an HTTP request line may carry."""
    b = s.encode()
    if not b or any(c < 0x20 or c == 0x7F for c in b):
        return False
    if b == b"*":
        return True
    scheme, rest = b"", b
    for i, c in enumerate(b):  # getScheme
        if 0x41 <= c <= 0x5A or 0x61 <= c <= 0x7A or (i > 0 and c in b"0123456789+-."):
            continue
        if c == 0x3A:
            if i == 0:
                return False
            scheme, rest = b[:i].lower(), b[i + 1:]
        break
    rest = rest.partition(b"?")[0]
    if not rest.startswith(b"/"):
        return bool(scheme)  # with a scheme, an opaque URI ("mailto:x"); without, not one for a request
    if scheme and rest.startswith(b"//"):
        authority, slash, path = rest[2:].partition(b"/")
        if not _authority_ok(scheme, authority):
            return False
        rest = slash + path
    return _unescape(rest, _PATH) is not None


# --- email ---------------------------------------------------------------------------------------------------------

class _Refused(Exception):
    """An error net/mail's parser returns."""


def _is_vchar(c: str) -> bool:
    return "!" <= c <= "~" or c >= "\x80"


def _is_atext(c: str, dot: bool) -> bool:
    if c == ".":
        return dot
    return c not in '()<>[]:;@\\,"' and _is_vchar(c)


def _rfc2047(word: str) -> bool | None:
    """mime.WordDecoder.Decode as net/mail calls it: None when the word is not an encoded-word (it is then taken
    as it is), else whether it decodes to anything; _Refused when it decodes but its charset is none of the
    three mime knows (net/mail's decoder has no charset reader)."""
    if _blen(word) < 8 or not word.startswith("=?") or not word.endswith("?=") or word.count("?") != 4:
        return None
    charset, encoding, text = word[2:-2].split("?")
    if not charset or len(encoding) != 1:
        return None
    if encoding in "Bb":
        text = text.replace("\r", "").replace("\n", "")
        if text and not _BASE64.fullmatch(text):
            return None
    elif encoding in "Qq":
        if not re.fullmatch(r"(?:=[0-9A-Fa-f]{2}|[ -<>-~\t\n\r])*", text):
            return None
    else:
        return None
    # strings.EqualFold: ſ folds to s
    if charset.translate(_ASCII_LOWER).replace("ſ", "s") not in ("utf-8", "iso-8859-1", "us-ascii"):
        raise _Refused
    return bool(text)


class _AddrParser:
    """net/mail's addrParser, for whether ParseAddress reads the whole string as one address."""

    def __init__(self, s: str) -> None:
        self.s = s
        self.i = 0

    def peek(self) -> str:
        return self.s[self.i:self.i + 1]

    def consume(self, c: str) -> bool:
        if self.peek() == c:
            self.i += 1
            return True
        return False

    def skip_space(self) -> None:
        while self.peek() in (" ", "\t"):
            self.i += 1

    def skip_cfws(self) -> bool:
        self.skip_space()
        while self.consume("("):
            if self.consume_comment() is None:
                return False
            self.skip_space()
        return True

    def single_address(self) -> bool:
        try:
            count = self.address(handle_group=True)
        except _Refused:
            return False
        return self.skip_cfws() and self.i == len(self.s) and count == 1

    def address(self, handle_group: bool) -> int:
        """parseAddress: how many addresses (a group has any number)."""
        self.skip_space()
        if not self.peek():
            raise _Refused
        try:
            self.addr_spec()
        except _Refused:
            pass
        else:
            self.skip_space()
            if self.peek() == "(":
                self.display_name_comment()
            return 1
        if self.peek() != "<":
            self.phrase()
        self.skip_space()
        if handle_group and self.consume(":"):
            return self.group_list()
        if not self.consume("<"):
            raise _Refused
        self.addr_spec()
        if not self.consume(">"):
            raise _Refused
        return 1

    def group_list(self) -> int:
        self.skip_space()
        if self.consume(";"):
            if not self.skip_cfws():
                raise _Refused
            return 0
        count = 0
        while True:
            self.skip_space()
            count += self.address(handle_group=False)
            if not self.skip_cfws():
                raise _Refused
            if self.consume(";"):
                if not self.skip_cfws():
                    raise _Refused
                return count
            if not self.consume(","):
                raise _Refused

    def addr_spec(self) -> None:
        """consumeAddrSpec, which leaves the parser where it was when it fails."""
        start = self.i
        try:
            self.skip_space()
            if not self.peek():
                raise _Refused
            if self.peek() == '"':
                if not self.quoted_string():
                    raise _Refused  # an empty quoted local part
            else:
                self.atom(dot=True, permissive=False)
            if not self.consume("@"):
                raise _Refused
            self.skip_space()
            if not self.peek():
                raise _Refused
            if self.peek() == "[":
                self.domain_literal()
            else:
                self.atom(dot=True, permissive=False)
        except _Refused:
            self.i = start
            raise

    def phrase(self) -> None:
        """consumePhrase: words, encoded ones run together; it stops at the first it cannot read and fails only
        if that was the first."""
        words, pending, failed = 0, False, False  # pending: encoded words decoded to something, not yet a word
        while True:
            if words > 0 and not self.skip_cfws():
                raise _Refused
            self.skip_space()
            if not self.peek():
                break
            try:
                if self.peek() == '"':
                    self.quoted_string()
                    encoded = None
                else:
                    encoded = _rfc2047(self.atom(dot=True, permissive=True))
            except _Refused:
                failed = True
                break
            if encoded is not None:
                pending = pending or encoded
            else:
                words += 2 if pending else 1
                pending = False
        if pending:
            words += 1
        if failed and words == 0:
            raise _Refused

    def quoted_string(self) -> str:
        i = self.i + 1
        text = []
        escaped = False
        while True:
            if i >= len(self.s):
                raise _Refused
            c = self.s[i]
            if escaped:
                if not _is_vchar(c) and c not in " \t":
                    raise _Refused
                text.append(c)
                escaped = False
            elif (_is_vchar(c) and c not in '\\"') or c in " \t":
                text.append(c)
            elif c == '"':
                break
            elif c == "\\":
                escaped = True
            else:
                raise _Refused
            i += 1
        self.i = i + 1
        return "".join(text)

    def atom(self, dot: bool, permissive: bool) -> str:
        start = self.i
        while self.peek() and _is_atext(self.peek(), dot):
            self.i += 1
        atom = self.s[start:self.i]
        if not atom:
            raise _Refused
        if not permissive and (atom.startswith(".") or ".." in atom or atom.endswith(".")):
            raise _Refused
        return atom

    def domain_literal(self) -> None:
        self.consume("[")
        start = self.i
        while self.peek() != "]":
            if not self.peek() or not _is_vchar(self.peek()) or self.peek() in "[\\":
                raise _Refused
            self.i += 1
        dtext = self.s[start:self.i]
        self.consume("]")
        if not _parse_ip(dtext.encode()):
            raise _Refused

    def display_name_comment(self) -> None:
        self.consume("(")
        comment = self.consume_comment()
        if comment is None:
            raise _Refused
        for word in re.split("[ \t]+", comment):
            if word:
                _rfc2047(word)

    def consume_comment(self) -> str | None:
        """The comment after its `(`, up to the `)` that closes it (a backslash escapes any character), or None
        when none does."""
        depth = 1
        text = []
        while self.peek() and depth:
            c = self.peek()
            if c == "\\" and self.i + 1 < len(self.s):
                self.i += 1
            elif c == "(":
                depth += 1
            elif c == ")":
                depth -= 1
            if depth:
                text.append(self.s[self.i])
            self.i += 1
        return "".join(text) if depth == 0 else None


def _is_email(s: str) -> bool:
    return _AddrParser(s).single_address()


# --- date, date-time, duration -------------------------------------------------------------------------------------

_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_TIME = re.compile(r"([0-9]{2}):([0-9]{2}):([0-9]{2})(?:.[0-9]+)?(?:z|[+-][0-9]{2}:[0-9]{2})")
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
_MONTH_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _is_date(s: str) -> bool:
    """time.Parse("2006-01-02", s): four, two and two digits, and a day its month has (year 0 is a leap year)."""
    m = _DATE.fullmatch(s)
    if not m:
        return False
    year, month, day = (int(g) for g in m.groups())
    leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    return 1 <= month <= 12 and 1 <= day <= _MONTH_DAYS[month - 1] + (month == 2 and leap)


def _is_datetime(s: str) -> bool:
    """IsDateTime splits the lowered value at every `t` and reads only the first two pieces, so whatever follows
    a second `t` passes, and its regexp lets any character stand before the fraction's digits."""
    if _blen(s) < 4:
        return False
    # strings.ToLower maps each character to one; only the ASCII ones matter here, and Python's lower() may
    # make one character two
    parts = s.translate(_ASCII_LOWER).split("t")
    if len(parts) < 2 or not _is_date(parts[0]):
        return False
    m = _TIME.fullmatch(parts[1])
    return m is not None and m[1] <= "23" and m[2] <= "59" and m[3] <= "59"


_UNITS = {b"ns": 1, b"us": 10**3, "µs".encode(): 10**3, "μs".encode(): 10**3, b"ms": 10**6, b"s": 10**9,
          b"m": 60 * 10**9, b"h": 3600 * 10**9}
_U64 = (1 << 64) - 1


def _leading_int(s: bytes, i: int) -> tuple[int, int] | None:
    """The number at s[i:] and where it ends, or None when it overflows."""
    x = 0
    while i < len(s) and s[i] in _DIGITS:
        if x > (1 << 63) // 10:
            return None
        x = x * 10 + s[i] - 0x30
        if x > 1 << 63:
            return None
        i += 1
    return x, i


def _leading_fraction(s: bytes, i: int) -> tuple[int, float, int]:
    """The digits at s[i:] as far as they fit (the rest are read and dropped), their scale and where they end."""
    x, scale, overflow = 0, 1.0, False
    while i < len(s) and s[i] in _DIGITS:
        if not overflow:
            if x > ((1 << 63) - 1) // 10 or x * 10 + s[i] - 0x30 > 1 << 63:
                overflow = True
            else:
                x, scale = x * 10 + s[i] - 0x30, scale * 10
        i += 1
    return x, scale, i


def _go_duration(s: bytes) -> bool:
    """time.ParseDuration, with its overflow checks (and its uint64 sum, which can wrap to zero)."""
    neg = s[:1] == b"-"
    i = 1 if s[:1] in (b"-", b"+") else 0
    if s[i:] == b"0":
        return True
    if i == len(s):
        return False
    total = 0
    while i < len(s):
        if s[i] != 0x2E and s[i] not in _DIGITS:
            return False
        whole = _leading_int(s, i)
        if whole is None:
            return False
        v, end = whole
        pre, i = end > i, end
        f, scale, post = 0, 1.0, False
        if s[i:i + 1] == b".":
            f, scale, end = _leading_fraction(s, i + 1)
            post, i = end > i + 1, end
        if not pre and not post:
            return False
        end = i
        while end < len(s) and s[end] != 0x2E and s[end] not in _DIGITS:
            end += 1
        unit = _UNITS.get(s[i:end])
        if unit is None:  # no unit, or not one of these
            return False
        i = end
        if v > (1 << 63) // unit:
            return False
        v *= unit
        if f > 0:
            v += int(float(f) * (float(unit) / scale))
            if v > 1 << 63:
                return False
        total = (total + v) & _U64
        if total > 1 << 63:
            return False
    return neg or total <= (1 << 63) - 1


# a match can only start where a run of digits does (Go's RE2 needs no help to stay linear in a long one)
_SCALA_DURATION = re.compile(r"(?<![0-9])([0-9]++)[\t\n\f\r ]*+([A-Za-zµ]+)")
_SCALA_UNITS = (("ns", "nano"), ("us", "µs", "micro"), ("ms", "milli"), ("s", "sec"), ("m", "min"),
                ("h", "hr", "hour"), ("d", "day"), ("w", "wk", "week"))


def _is_duration(s: str) -> bool:
    """strfmt.ParseDuration: Go's syntax, else any number-and-unit pair in the string (Scala's words for units
    too, the last of each as a prefix), as long as no number overflows an int."""
    if _go_duration(s.encode()):
        return True
    known = False
    for number, unit in _SCALA_DURATION.findall(s):
        digits = number.lstrip("0")
        if len(digits) > 19 or (digits and int(digits) > (1 << 63) - 1):  # strconv.Atoi's range error
            return False
        unit = unit.translate(_ASCII_LOWER)
        known = known or any(
            variant == unit or (i == len(variants) - 1 and unit.startswith(variant))
            for variants in _SCALA_UNITS for i, variant in enumerate(variants))
    return known


# --- the registry --------------------------------------------------------------------------------------------------

_CHECKERS: dict[str, Callable[[str], bool]] = {
    "bsonobjectid": _matcher(_BSON_OBJECT_ID),
    "byte": _matcher(_BASE64),
    "cidr": _is_cidr,
    "creditcard": _is_credit_card,
    "date": _is_date,
    "datetime": _is_datetime,
    "duration": _is_duration,
    "email": _is_email,
    "hexcolor": _matcher(_HEXCOLOR),
    "hostname": _is_hostname,
    "ipv4": _is_ipv4,
    "ipv6": _is_ipv6,
    "isbn": lambda s: _is_isbn10(s) or _is_isbn13(s),
    "isbn10": _is_isbn10,
    "isbn13": _is_isbn13,
    "k8slongname": lambda s: _blen(s) <= 253 and _LONG_NAME.fullmatch(s) is not None,
    "k8sshortname": lambda s: _blen(s) <= 63 and re.fullmatch(_SHORT_NAME, s) is not None,
    "mac": _is_mac,
    "password": lambda s: True,
    "rgbcolor": _matcher(_RGBCOLOR),
    "ssn": lambda s: _blen(s) == 11 and _SSN.fullmatch(s) is not None,
    "uri": _is_request_uri,
    "uuid": _matcher(_UUID),
    "uuid3": _matcher(_UUID3),
    "uuid4": _matcher(_UUID4),
    "uuid5": _matcher(_UUID5),
}
