"""Version checks and migrations of older recordings to the current record shapes.

Version 1 is the only one so far; a migration for version N is a function from a version-N record map to
a version N+1 map, chained by `upgrader`. A newer file than this program knows is refused with a message
saying what to do, never half-read.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .errors import UnsupportedVersion
from .records import VERSION, Header

_MIGRATIONS: dict[int, Callable[[Any], Any]] = {}


def check_version(header: Header, path: str) -> None:
    check_version_number(header.version, path)


def check_version_number(version: int, path: str) -> None:
    if version > VERSION:
        raise UnsupportedVersion(
            f"recording format version {version} is newer than this watchproxy reads "
            f"(up to {VERSION}); upgrade watchproxy to read it", path=path)
    if version < 1:
        raise UnsupportedVersion(f"recording format version {version} is not valid", path=path)


def upgrader(version: int) -> Callable[[Any], Any]:
    steps = [_MIGRATIONS[v] for v in range(version, VERSION)]
    if not steps:
        return lambda m: m

    def up(m: Any) -> Any:
        for step in steps:
            m = step(m)
        return m

    return up
