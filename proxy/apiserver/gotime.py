"""Go's time.Parse of the two layouts the apiserver decodes times with (metav1.Time: RFC 3339, metav1.MicroTime:
RFC 3339 with six fractional digits), for the words of its refusal: a body with a time it cannot read is
`cannot be handled as a Lease: parsing time "bad" as "2006-01-02T15:04:05.000000Z07:00": cannot parse "bad" as
"2006"`. Only whether and how it fails is modelled, not the time read.
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


def _quote(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _split(layout: str) -> list[str]:
    """The layout's elements and literals in order."""
    return re.findall(r"2006|01|02|15|04|05|\.000000|Z07:00|.", layout)


def parse_error(value: str, layout: str) -> str | None:
    """What time.Parse(layout, value) answers, or None when it reads the value."""
    rest = value
    fields: dict[str, int] = {}

    def cannot(element: str) -> str:
        return f"parsing time {_quote(value)} as {_quote(layout)}: cannot parse {_quote(rest)} as {_quote(element)}"
    for element in _split(layout):
        if element == "Z07:00":
            zone = _ZONE.match(rest)
            if zone is None:
                return cannot(element)
            rest = rest[zone.end():]
            for what, digits, top in (("hour", zone.group()[1:3], 24), ("minute", zone.group()[4:6], 60)):
                if digits and int(digits) > top:  # > rather than >=: some write offsets of 24 hours
                    return f"parsing time {_quote(value)}: time zone offset {what} out of range"
        elif element in _ELEMENTS:
            pattern, bounds = _ELEMENTS[element]
            got = re.match(pattern, rest)
            if got is None:
                return cannot(element)
            rest = rest[got.end():]
            n = fields[element] = int(got.group().lstrip(".,"))
            if element == ".000000" and n < 0:
                return f"parsing time {_quote(value)}: fractional second out of range"
            if bounds is not None and not bounds[0] <= n <= bounds[1]:
                return f"parsing time {_quote(value)}: {_NAMES[element]} out of range"
            if element == "05" and layout == RFC3339 and (frac := re.match(r"[.,]\d+", rest)):
                rest = rest[frac.end():]  # fractional seconds are read after the seconds unless the layout has them
        elif rest.startswith(element):
            rest = rest[len(element):]
        else:
            return cannot(element)
    if rest:
        return f"parsing time {_quote(value)}: extra text: {_quote(rest)}"
    month, day, year = fields["01"], fields["02"], fields["2006"]  # both layouts have all three
    leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    if day < 1 or day > _DAYS[month - 1] or (month == 2 and day == 29 and not leap):
        return f"parsing time {_quote(value)}: day out of range"
    return None
