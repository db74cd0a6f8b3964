"""Bytes and identifiers the way the apiserver produces them.

Replay compares and serves bytes, and clients parse them: a synthesized recording is only a faithful
stand-in if its JSON is what Go's encoder writes (compact, `<>&` escaped, one trailing newline) and its
ids look like the apiserver's (version-4 UUIDs, RFC 3339 timestamps with whole seconds).
"""

from __future__ import annotations

import random
import uuid
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

from ..wire.jsonenc import go_json, go_json_indent

__all__ = ["go_json", "go_json_indent"]

# Characters Kubernetes uses for generated name suffixes (apimachinery rand.String).
NAME_ALPHABET = "bcdfghjklmnpqrstvwxz2456789"


def rfc3339(moment: datetime) -> str:
    """metav1.Time: UTC, whole seconds, Z."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def http_date(start: datetime, t: float) -> str:
    """The Date header of a response sent t seconds after the recording started."""
    return format_datetime((start + timedelta(seconds=t)).replace(microsecond=0), usegmt=True)


def rng_for(seed: int, *parts: object) -> random.Random:
    """A generator private to one purpose, so adding an object never shifts another object's ids."""
    return random.Random("/".join([str(seed), *(str(p) for p in parts)]))


def uid_for(seed: int, *parts: object) -> str:
    return str(uuid.UUID(int=rng_for(seed, "uid", *parts).getrandbits(128), version=4))


def hex_for(seed: int, length: int, *parts: object) -> str:
    rng = rng_for(seed, "hex", *parts)
    return "".join(rng.choice("0123456789abcdef") for _ in range(length))


def suffix_for(seed: int, length: int, *parts: object) -> str:
    rng = rng_for(seed, "suffix", *parts)
    return "".join(rng.choice(NAME_ALPHABET) for _ in range(length))


def seconds(t: float) -> float:
    """Times are kept to the microsecond so that files do not carry float noise."""
    return round(t, 6)
