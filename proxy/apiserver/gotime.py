"""Go's time.Parse of the two layouts the apiserver decodes times with (metav1.Time: RFC 3339, metav1.MicroTime:
RFC 3339 with six fractional digits), for the words of its refusal: a body with a time it cannot read is
`cannot be handled as a Lease: parsing time "bad" as "2006-01-02T15:04:05.000000Z07:00": cannot parse "bad" as
"2006"`; and what a time it reads is written back as (`marshalled`): a client's own form of a time (Python's
`isoformat()`, an offset, a fraction) is answered and stored in UTC, to the second or microsecond.
"""

from __future__ import annotations

import re

RFC3339 = "2006-01-02T15:04:05Z07:00"
TIMESTAMP = "%Y-%m-%dT%H:%M:%SZ"  # (strftime's) metadata times as the apiserver writes them: whole seconds, UTC
RFC3339_MICRO = "2006-01-02T15:04:05.000000Z07:00"

# (layout element, digits it reads or the literal it expects, the range of its value)
_ELEMENTS: dict[str, tuple[str, tuple[int, int] | None]] = {
    # the day is checked against its month once all is read; the hour may have one digit
    "2006": (r"\d{4}", None), "01": (r"\d{2}", (1, 12)), "02": (r"\d{2}", None), "15": (r"\d{1,2}", (0, 23)),
    "04": (r"\d{2}", (0, 59)), "05": (r"\d{2}", (0, 59)),
    ".000000": (r"[.,](?:[+-]\d{5}|\d{6})", None),  # six characters strconv.Atoi reads, a sign too
}
_NAMES = {"01": "month", "02": "day", "15": "hour", "04": "minute", "05": "second"}
_ZONE = re.compile(r"Z|[+-]\d{2}:\d{2}")
_DAYS = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def quote(text: str) -> str:
    """The time package's own quote (not strconv's): each byte of a character below a space or beyond ASCII as
    \\xNN, a quote and a backslash escaped."""
    return '"' + "".join("".join(f"\\x{b:02x}" for b in c.encode()) if c < " " or c >= "\x80" else
                         "\\" + c if c in '"\\' else c for c in text) + '"'


def _split(layout: str) -> list[str]:
    """The layout's elements and literals in order."""
    return re.findall(r"2006|01|02|15|04|05|\.000000|Z07:00|.", layout)


def parse_error(value: str, layout: str) -> str | None:
    """What time.Parse(layout, value) answers, or None when it reads the value."""
    rest = value
    fields: dict[str, int] = {}

    def cannot(element: str) -> str:
        return f"parsing time {quote(value)} as {quote(layout)}: cannot parse {quote(rest)} as {quote(element)}"
    for element in _split(layout):
        if element == "Z07:00":
            zone = _ZONE.match(rest)
            if zone is None:
                return cannot(element)
            rest = rest[zone.end():]
            for what, digits, top in (("hour", zone.group()[1:3], 24), ("minute", zone.group()[4:6], 60)):
                if digits and int(digits) > top:  # > rather than >=: some write offsets of 24 hours
                    return f"parsing time {quote(value)}: time zone offset {what} out of range"
        elif element in _ELEMENTS:
            pattern, bounds = _ELEMENTS[element]
            got = re.match(pattern, rest)
            if got is None:
                return cannot(element)
            rest = rest[got.end():]
            n = fields[element] = int(got.group().lstrip(".,"))
            if element == ".000000" and n < 0:
                return f"parsing time {quote(value)}: fractional second out of range"
            if bounds is not None and not bounds[0] <= n <= bounds[1]:
                return f"parsing time {quote(value)}: {_NAMES[element]} out of range"
            if element == "05" and layout == RFC3339 and (frac := re.match(r"[.,]\d+", rest)):
                rest = rest[frac.end():]  # fractional seconds are read after the seconds unless the layout has them
        elif rest.startswith(element):
            rest = rest[len(element):]
        else:
            return cannot(element)
    if rest:
        return f"parsing time {quote(value)}: extra text: {quote(rest)}"
    month, day, year = fields["01"], fields["02"], fields["2006"]  # both layouts have all three
    leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    if day < 1 or day > _DAYS[month - 1] or (month == 2 and day == 29 and not leap):
        return f"parsing time {quote(value)}: day out of range"
    return None


_READ = re.compile(r"(\d{4})-(\d{2})-(\d{2})T(\d{1,2}):(\d{2}):(\d{2})(?:[.,]([+-]?\d+))?(Z|([+-])(\d{2}):(\d{2}))")
_WRITTEN = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")
_MICRO_WRITTEN = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z")
_ZERO_DAYS = -719162  # (days from 1970-01-01 back to 0001-01-01, Go's zero time)


def marshalled(value: str, micro: bool) -> str | None:
    """A time parse_error reads, as metav1.Time (`micro`: MicroTime) writes it: in UTC, whole seconds (six
    fractional digits); None for Go's zero time, which it writes as null. Days are counted here rather than with
    datetime, which has no year 0. A time whose UTC year has not four digits (`9999-12-31T23:00:00-02:00`) is
    written by Go as it is (`10000-01-01T01:00:00Z`) and then cannot be read again; here it stays as sent."""
    if (_MICRO_WRITTEN if micro else _WRITTEN).fullmatch(value) and not value.startswith("0001-01-01T00:00:00"):
        return value  # (already as Go writes it, as every time the apiserver wrote is: most of them)
    got = _READ.fullmatch(value)
    if got is None:
        return value
    year, month, day, hour, minute, second = (int(got.group(i)) for i in range(1, 7))
    fraction = got.group(7) or "0"  # (a MicroTime's six characters, which may hold a sign; else nine at most)
    nanos = int(fraction) * 1000 if micro else int(fraction[:9].ljust(9, "0"))
    if got.group(9):
        offset = (int(got.group(10)) * 3600 + int(got.group(11)) * 60) * (1 if got.group(9) == "+" else -1)
    else:
        offset = 0
    days, clock = divmod(_days(year, month, day) * 86400 + hour * 3600 + minute * 60 + second - offset, 86400)
    if days == _ZERO_DAYS and clock == 0 and nanos == 0:
        return None
    y, m, d = _civil(days)
    if not 0 <= y <= 9999:  # (Go writes it, and refuses it when read again: kept as sent, which reads again)
        return value
    text = f"{y:04d}-{m:02d}-{d:02d}T{clock // 3600:02d}:{clock // 60 % 60:02d}:{clock % 60:02d}"
    return f"{text}.{nanos // 1000:06d}Z" if micro else f"{text}Z"


def _days(year: int, month: int, day: int) -> int:
    """Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil)."""
    year -= month <= 2
    era = year // 400
    of_era = year - era * 400
    of_year = (153 * (month + (-3 if month > 2 else 9)) + 2) // 5 + day - 1
    return era * 146097 + (of_era * 365 + of_era // 4 - of_era // 100 + of_year) - 719468


def _civil(days: int) -> tuple[int, int, int]:
    days += 719468
    era = days // 146097
    of_era = days - era * 146097
    year_of_era = (of_era - of_era // 1460 + of_era // 36524 - of_era // 146096) // 365
    of_year = of_era - (365 * year_of_era + year_of_era // 4 - year_of_era // 100)
    mp = (5 * of_year + 2) // 153
    day = of_year - (153 * mp + 2) // 5 + 1
    month = mp + (3 if mp < 10 else -9)
    return year_of_era + era * 400 + (month <= 2), month, day
