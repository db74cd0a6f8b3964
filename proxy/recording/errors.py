"""Errors a user meets when a file is not a readable recording.

Every error names the file, and where it can, the record number and byte offset, because the user's next
step is to look at (or truncate) that spot, not to read a msgpack traceback.
"""

from __future__ import annotations


class RecordingError(Exception):
    """A recording cannot be read (corrupt, foreign, truncated header) or written (disk full, bad path)."""

    def __init__(self, message: str, *, path: str = "", offset: int | None = None,
                 index: int | None = None) -> None:
        self.path = path
        self.offset = offset
        self.index = index
        self.detail = message
        where = []
        if index is not None:
            where.append(f"record {index}")
        if offset is not None:
            where.append(f"at byte {offset}")
        prefix = f"{path}: " if path else ""
        loc = (" ".join(where) + ": ") if where else ""
        super().__init__(f"{prefix}{loc}{message}")


class UnsupportedVersion(RecordingError):
    """The file is a recording, written by a newer watchproxy than this one."""
