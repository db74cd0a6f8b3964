"""resource.Quantity as the apiserver writes it back: ParseQuantity, then String().

A controller that writes `cpu: 0.5` or `memory: 1024Mi` reads back `500m` and `1Gi` from a real apiserver;
one that compares what it wrote with what it reads (as many do, by string) would loop forever against an
emulation that kept its spelling. Ported from k8s.io/apimachinery pkg/api/resource/quantity.go, its
quirks included: a string the parser finds already canonical is kept as written (`01`, `+1`), and
amounts finer than a nano-unit are rounded up to one. tests/test_protobuf_go.py compares it with Go's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

_DEC = {"n": -9, "u": -6, "m": -3, "": 0, "k": 3, "M": 6, "G": 9, "T": 12, "P": 15, "E": 18}
_BIN = {"Ki": 10, "Mi": 20, "Gi": 30, "Ti": 40, "Pi": 50, "Ei": 60}
_DEC_SUFFIX = {e: s for s, e in _DEC.items()}
_BIN_SUFFIX = {0: "", **{e // 10: s for s, e in _BIN.items()}}
_INT64 = (1 << 63) - 1
_NANO = Fraction(1, 10**9)
# sign, leading zeros, numerator, fraction, suffix (a letter run, then an optionally signed exponent)
_SHAPE = re.compile(r"([+-]?)(0*)([0-9]*)(?:\.([0-9]*))?((?:[eEinumkKMGTP]*)(?:[+-]?[0-9]*))")
DECIMAL_SI, BINARY_SI, DECIMAL_EXPONENT = "DecimalSI", "BinarySI", "DecimalExponent"


def _interpret(suffix: str) -> tuple[int, int, str] | None:
    if suffix in _DEC:
        return 10, _DEC[suffix], DECIMAL_SI
    if suffix in _BIN:
        return 2, _BIN[suffix], BINARY_SI
    if len(suffix) > 1 and suffix[0] in "eE" and re.fullmatch(r"[+-]?[0-9]+", suffix[1:]):
        exponent = int(suffix[1:])
        return (10, exponent, DECIMAL_EXPONENT) if abs(exponent) < 1 << 63 else None
    return None


class QuantityError(ValueError):
    """A quantity the apiserver cannot decode (its message is Go's)."""


FORMAT_WRONG = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"


Parsed = tuple[str, Fraction, int, str, str]


def parse(text: str) -> Parsed:
    """ParseQuantity's result as reflect.DeepEqual tells it apart: ("int64", the int64Amount's value and scale, its
    format, the text it keeps as its canonical string or "") on its fast path (`0.5` is 5 and -1, `500m` 500 and
    -3), ("dec", the amount rounded up to a nano-unit, 0, its format, "") on its inf.Dec one; QuantityError for
    one it refuses."""
    if text == "0":
        return "int64", Fraction(0), 0, DECIMAL_SI, "0"
    m = _SHAPE.fullmatch(text)
    if not text or m is None:
        raise QuantityError(FORMAT_WRONG)
    sign, _, num, denom, suffix = m.groups()
    num, denom = num or "0", denom or ""  # no digits at all reads as 0, as in Go
    found = _interpret(suffix)
    if found is None:
        raise QuantityError("unable to parse quantity's suffix")
    _, exponent, fmt = found
    positive = sign != "-"
    precision, scale, mantissa = -1, 0, 1
    if fmt in (DECIMAL_SI, DECIMAL_EXPONENT):
        scale, precision = exponent, 18 - (len(num) + len(denom))
    elif exponent >= 0 and not denom:
        mantissa = 1 << exponent
        precision = 15 - len(num) - int(exponent * 3 / 10) - 1
    if precision >= 0:
        scale -= len(denom)
        if scale >= -9:
            shifted = num + denom
            result = int(shifted) * mantissa
            if abs(result) <= _INT64:
                if fmt == BINARY_SI:  # (the text kept where the parser finds it canonical)
                    kept = exponent % 10 == 0 and int(shifted) & 0x07 != 0
                else:
                    kept = scale % 3 == 0 and not shifted.endswith("000") and shifted[0] != "0"
                return "int64", Fraction(result if positive else -result), scale, fmt, text if kept else ""
    amount = value(text)
    if amount:  # rounded away from zero to a nano-unit: who asks for some of a resource gets some
        units = abs(amount) / _NANO
        amount = (1 if amount > 0 else -1) * _NANO * (units.numerator // units.denominator + (units.denominator != 1))
    if fmt == BINARY_SI:
        amount = max(min(amount, Fraction(_INT64)), -Fraction(_INT64))
        if 0 < amount < 1:
            fmt = DECIMAL_SI
    return "dec", amount, 0, fmt, ""


def canonical(text: str) -> str:
    """The string the apiserver answers for a quantity; QuantityError for one it refuses (a 400 there)."""
    return string_of(parse(text))


def string_of(parsed: Parsed) -> str:
    """Quantity.String() of ParseQuantity's result."""
    _, amount, scale, fmt, kept = parsed
    return kept or _string(amount * Fraction(10) ** scale, fmt)


def value(text: str) -> Fraction:
    """The amount a quantity stands for, exactly (Quantity.Cmp compares these; canonical rounds it when it
    must); QuantityError for one the apiserver refuses."""
    m = _SHAPE.fullmatch(text)
    if not text or m is None:
        raise QuantityError(FORMAT_WRONG)
    found = _interpret(m.group(5))
    if found is None:
        raise QuantityError("unable to parse quantity's suffix")
    base, exponent, _ = found
    try:
        return Fraction(Decimal(text[:m.start(5)])) * Fraction(base) ** exponent
    except InvalidOperation:
        raise QuantityError("unable to parse numeric part of quantity") from None


def _string(amount: Fraction, fmt: str) -> str:
    """CanonicalizeBytes: the largest suffix that keeps the number whole."""
    if amount == 0:
        return "0"
    if fmt == BINARY_SI and (-1024 < amount < 1024 or amount.denominator != 1):
        fmt = DECIMAL_SI
    if fmt == BINARY_SI:
        value, power = amount.numerator, 0
        while value % 1024 == 0:
            value, power = value // 1024, power + 1
        return f"{value}{_BIN_SUFFIX.get(power, '')}"
    exponent = 0
    while amount.denominator != 1:
        amount, exponent = amount * 10, exponent - 1
    value = amount.numerator
    while value % 10 == 0:
        value, exponent = value // 10, exponent + 1
    while exponent % 3:
        value, exponent = value * 10, exponent - 1
    if fmt == DECIMAL_EXPONENT:
        return f"{value}" + (f"e{exponent}" if exponent else "")
    return f"{value}{_DEC_SUFFIX.get(exponent, '')}"


def parsed(text: Any) -> Fraction | None:
    """The amount of a quantity in a decoded object, None for one the apiserver would not have decoded (its
    400 came before any validation)."""
    try:
        return value(str(text))
    except QuantityError:
        return None


def semantic(text: str) -> Fraction | str:
    """A quantity as Semantic.DeepEqual compares it (Quantity.Cmp): its amount, so `1e0`, `1` and `1000m` are
    one; the text itself where the apiserver would not have decoded it."""
    amount = parsed(text)
    return text if amount is None else amount


@dataclass(frozen=True)
class Amount:
    """A decoded Quantity in arithmetic: its value and the format it prints in (Quantity.Add keeps the format of
    the amount added to, or the other's when that one is zero)."""

    value: Fraction
    fmt: str

    @classmethod
    def of(cls, text: Any) -> Amount | None:
        """The amount of a quantity in a decoded object; None for one the apiserver would not have decoded."""
        m = _SHAPE.fullmatch(str(text))
        if (number := parsed(text)) is None or m is None or (found := _interpret(m.group(5))) is None:
            return None
        return cls(number, found[2])

    def __add__(self, other: Amount) -> Amount:
        return Amount(self.value + other.value, other.fmt if self.value == 0 else self.fmt)

    def __str__(self) -> str:
        """Quantity.String(): the canonical form in its format."""
        return _string(self.value, self.fmt)
