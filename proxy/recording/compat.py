"""Version checks and migrations of older recordings to the current record shapes.

A migration for version N is a function from a version-N record map to a version N+1 map, chained by
`upgrader`; None where every version-N record is a valid version N+1 record as it is. Version 2 only added
a record kind (`frames`) and the prepared trailer, so a version-1 file is read exactly as before, with no
call per record. A newer file than this program knows is refused with a message saying what to do, never
half-read.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .errors import UnsupportedVersion
from .records import VERSION, Header

Migration = Callable[[Any], Any]
_MIGRATIONS: dict[int, Migration | None] = {
    1: None,  # 1 -> 2: every v1 record is a v2 record
}


def check_version(header: Header, path: str) -> None:
    check_version_number(header.version, path)


def check_version_number(version: int, path: str) -> None:
    if version > VERSION:
        raise UnsupportedVersion(
            f"recording format version {version} is newer than this watchproxy reads "
            f"(up to {VERSION}); upgrade watchproxy to read it", path=path)
    if version < 1:
        raise UnsupportedVersion(f"recording format version {version} is not valid", path=path)


def upgrader(version: int) -> Migration | None:
    """What turns a record map of `version` into the current shape; None when it is that already."""
    steps = [step for v in range(version, VERSION) if (step := _MIGRATIONS[v]) is not None]
    if not steps:
        return None

    def up(m: Any) -> Any:
        for step in steps:
            m = step(m)
        return m

    return up
