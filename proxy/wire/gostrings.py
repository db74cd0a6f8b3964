"""Go's quoting of strings (strconv.Quote, the %q of fmt), which the apiserver's messages are full of:
field errors quote values with it, encoding/json quotes a byte it refuses with it."""

from __future__ import annotations

_SHORT = {"\a": "\\a", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\v": "\\v"}


def _escaped(ch: str, quote: str) -> str:
    if ch == quote or ch == "\\":
        return "\\" + ch
    if ch.isprintable():
        return ch
    if ch in _SHORT:
        return _SHORT[ch]
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x80 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def quote(value: str) -> str:
    """strconv.Quote: printable characters as they are, the rest escaped, in double quotes."""
    return '"' + "".join(_escaped(ch, '"') for ch in value) + '"'


def quote_byte(c: int) -> str:
    """encoding/json's quoteChar: a byte as the rune U+00XX in a Go rune literal ('ï', '\\x00', '\\'')."""
    return "'" + _escaped(chr(c), "'") + "'"
