"""A CronJob's schedule as the apiserver reads it: github.com/robfig/cron/v3's standard parser (five fields,
or a descriptor such as `@hourly`), which kube-apiserver calls to validate `spec.schedule`. Only whether it
parses, and the error it gives when it does not, are needed here: the error is the 422's message."""

from __future__ import annotations

import re

from ..wire.gostrings import quote
from . import gotime

_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_DAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")
_BOUNDS: tuple[tuple[int, int, dict[str, int]], ...] = (  # minute, hour, day of month, month, day of week
    (0, 59, {}), (0, 23, {}), (1, 31, {}), (1, 12, {m: i + 1 for i, m in enumerate(_MONTHS)}),
    (0, 6, {d: i for i, d in enumerate(_DAYS)}),
)
_DESCRIPTORS = frozenset({"@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"})
_DURATION = re.compile(r"[-+]?(?:(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:ns|us|µs|μs|ms|s|m|h))+|[-+]?0")
_ATOI = re.compile(r"[-+]?[0-9]+")


def error(schedule: str) -> str | None:
    """Why the schedule does not parse (robfig's error text), or None when it does."""
    if not schedule:
        return "empty spec string"
    if schedule.startswith(("TZ=", "CRON_TZ=")):  # a location first (its name is not checked here)
        if " " not in schedule:  # robfig slices up to a space it did not find, and panics
            return "invalid schedule format: runtime error: slice bounds out of range [:-1]"
        schedule = schedule[schedule.index(" "):].strip()
    if schedule.startswith("@"):
        return _descriptor(schedule)
    fields = schedule.split()
    if len(fields) != 5:
        return f"expected exactly 5 fields, found {len(fields)}: [{' '.join(fields)}]"
    for field, (low, high, names) in zip(fields, _BOUNDS, strict=True):
        for expr in (e for e in field.split(",") if e):
            if (why := _range(expr, low, high, names)) is not None:
                return why
    return None


def _descriptor(text: str) -> str | None:
    if text in _DESCRIPTORS:
        return None
    if text.startswith("@every "):
        duration = text[len("@every "):]
        if not _DURATION.fullmatch(duration):
            return f"failed to parse duration {text}: {_duration_error(duration)}"
        return None
    return f"unrecognized descriptor: {text}"


def _duration_error(text: str) -> str:
    """time.ParseDuration's error, for the common mistakes."""
    quoted = gotime.quote(text)
    if m := re.fullmatch(r"[-+]?[0-9.]+", text):
        return f"time: missing unit in duration {quoted}" if m.group() not in ("", ".") else \
            f"time: invalid duration {quoted}"
    if (m := re.fullmatch(r"[-+]?([0-9.]+)([^0-9.]+)(?:[0-9.].*)?", text)) and re.search("[0-9]", m.group(1)):
        return f"time: unknown unit {gotime.quote(m.group(2))} in duration {quoted}"  # (a number with no digit
    return f"time: invalid duration {quoted}"  # is invalid whatever follows)


def _number(text: str, names: dict[str, int]) -> tuple[int, str | None]:
    if text.lower() in names:
        return names[text.lower()], None
    if not _ATOI.fullmatch(text):
        return 0, f"failed to parse int from {text}: strconv.Atoi: parsing {quote(text)}: invalid syntax"
    number = int(text)
    if number < 0:
        return 0, f"negative number ({number}) not allowed: {text}"
    return number, None


def _range(expr: str, low: int, high: int, names: dict[str, int]) -> str | None:
    """getRange: `*`, a number or name, a range `a-b`, each with an optional `/step`."""
    range_and_step = expr.split("/")
    low_and_high = range_and_step[0].split("-")
    if low_and_high[0] in ("*", "?"):
        start, end = low, high
    else:
        start, why = _number(low_and_high[0], names)
        if why:
            return why
        if len(low_and_high) > 2:
            return f"too many hyphens: {expr}"
        end, why = _number(low_and_high[1], names) if len(low_and_high) == 2 else (start, None)
        if why:
            return why
    if len(range_and_step) > 2:
        return f"too many slashes: {expr}"
    step = 1
    if len(range_and_step) == 2:
        step, why = _number(range_and_step[1], {})
        if why:
            return why
        if len(low_and_high) == 1:
            end = high
    if start < low:
        return f"beginning of range ({start}) below minimum ({low}): {expr}"
    if end > high:
        return f"end of range ({end}) above maximum ({high}): {expr}"
    if start > end:
        return f"beginning of range ({start}) beyond end of range ({end}): {expr}"
    if step == 0:
        return f"step of range should be a positive number: {expr}"
    return None
