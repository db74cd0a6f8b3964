"""Streaming reader: constant memory, clear errors with byte offsets, torn tails tolerated.

The recorder writes each record with one write() before forwarding it, so a killed proxy leaves at worst
one partial record at the end. That torn tail is reported, not fatal: every whole record before it is
still served. Anything else malformed is refused with the record number and byte offset.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from types import TracebackType
from typing import BinaryIO

import msgpack

from . import compat, prepared
from .errors import RecordingError
from .records import FORMAT, FrameBatch, Header, Record, header_from_wire, record_from_wire

_CHUNK = 256 * 1024
# Limits keep a hostile or corrupt file from making the reader allocate gigabytes from a length prefix.
_LIMITS = {
    "max_buffer_size": 256 * 1024 * 1024,
    "max_bin_len": 128 * 1024 * 1024,
    "max_str_len": 16 * 1024 * 1024,
    # msgpack preallocates up to ~10k slots for each array it starts, and nests up to 1024 deep: a 5 KB
    # file of nested array32 headers would cost ~80 MB. Records hold short arrays (headers, redactions).
    "max_array_len": 4096,
    "max_map_len": 100_000,
    "max_ext_len": 0,
}


class _SessionEnd(Exception):
    """A record of prepared data was read: the session's records are all before it."""


class RecordingReader:
    """Opens a recording, checks its header, then yields decoded records one at a time."""

    def __init__(self, path: str | os.PathLike[str],
                 progress: Callable[[int, int], None] | None = None) -> None:
        """`progress(bytes_read, size)` is called as the file is read, for long reads a person watches."""
        self.path = str(path)
        self.progress = progress
        self.torn_tail: tuple[int, int] | None = None  # (offset, bytes) of a partial final record
        self.trailer_at: int | None = None  # where prepared data follows the session (see `session_end`)
        self.records_read = 0
        self.size = 0
        try:
            self._file: BinaryIO = open(self.path, "rb")  # noqa: SIM115 - closed by close()/__exit__
            self.size = os.fstat(self._file.fileno()).st_size
        except OSError as exc:
            raise RecordingError(exc.strerror or str(exc), path=self.path) from None
        # A prepared file's session ends where its footer says: the prepared data is never read as records.
        # (Where a footer points at something else, the session still ends there if that does not decode.)
        self._footer_at = prepared.footer_at(self._file.fileno(), self.size)
        self.trailer_at = self._footer_at if self._starts_trailer(self._footer_at) else None
        self._end = self.size if self.trailer_at is None else self.trailer_at
        self._unpacker = msgpack.Unpacker(raw=False, strict_map_key=True, **_LIMITS)
        self._fed = 0
        self._eof = False
        try:
            self.header = self._read_header()
        except BaseException:
            self._file.close()
            raise

    def __enter__(self) -> RecordingReader:
        return self

    def __exit__(self, t: type[BaseException] | None, e: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        self._file.close()

    @property
    def offset(self) -> int:
        """Bytes consumed so far: where the next record starts."""
        return int(self._unpacker.tell())

    @property
    def session_end(self) -> int:
        """Once every record is read: where the session's last whole record ends (where prepared data
        starts, if there is some, whole or torn)."""
        return self.offset if self.trailer_at is None else self.trailer_at

    def _fill(self) -> bool:
        data = self._file.read(min(_CHUNK, self._end - self._fed))
        if not data:
            self._eof = True
            return False
        try:
            self._unpacker.feed(data)
        except msgpack.BufferFull:
            raise RecordingError("a record is larger than the reader allows (corrupt length?)",
                                 path=self.path, offset=self.offset) from None
        self._fed += len(data)
        if self.progress is not None:
            self.progress(self._fed, self._end)
        return True

    def _next_object(self, index: int) -> object | None:
        """The next whole msgpack object, or None at end of file (recording a torn tail if any)."""
        while True:
            start = self.offset
            try:
                obj: object = next(self._unpacker)
                return obj
            except StopIteration:
                if self._fill():
                    continue
                self._note_torn_tail(start)
                return None
            except Exception as exc:  # msgpack raises several types for corrupt input
                raise self._corrupt(exc, start, index) from None

    def _note_torn_tail(self, start: int) -> None:
        if self._fed > start:
            if self._is_trailer(start):  # prepared data cut short: the session itself is whole
                self.trailer_at = start
            else:
                self.torn_tail = (start, self._fed - start)

    def _starts_trailer(self, start: int | None) -> bool:
        if start is None:
            return False
        try:
            return prepared.starts_trailer(os.pread(self._file.fileno(), prepared.HEAD_BYTES, start))
        except OSError:
            return False

    def _is_trailer(self, start: int) -> bool:
        """Whether what starts at `start`, which is not a record, is prepared data (torn, or damaged where the
        footer points)."""
        return start == self._footer_at or self._starts_trailer(start)

    def _corrupt(self, exc: Exception, start: int, index: int | None = None) -> RecordingError:
        why = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        return RecordingError(f"corrupt data ({why})", path=self.path, offset=start,
                              index=self.records_read + 1 if index is None else index)

    def _read_header(self) -> Header:
        try:
            obj = self._next_object(0)
        except RecordingError as exc:  # undecodable first bytes: a foreign file, not a corrupt recording
            raise RecordingError(f"not a watchproxy recording: {exc.detail}", path=self.path,
                                 offset=0) from None
        if obj is None:
            if self._fed == 0:
                raise RecordingError("empty file, not a watchproxy recording", path=self.path)
            raise RecordingError("not a watchproxy recording (truncated or foreign data at the start)",
                                 path=self.path, offset=0)
        if isinstance(obj, dict) and obj.get("format") == FORMAT:
            # A newer version may have changed the header's shape too: say "upgrade", not "malformed".
            version = obj.get("version")
            if isinstance(version, int) and not isinstance(version, bool):
                compat.check_version_number(version, self.path)
        try:
            header = header_from_wire(obj)
        except ValueError as exc:
            raise RecordingError(str(exc), path=self.path, offset=0) from None
        compat.check_version(header, self.path)
        return header

    def records(self) -> Iterator[Record]:
        """Yield every whole record after the header, in file order; a `frames` record as its Frames."""
        decode = self._decode
        for obj, start in self._objects():
            try:
                rec = decode(obj, start)
            except _SessionEnd:
                return
            if isinstance(rec, FrameBatch):
                yield from rec.frames()
            else:
                yield rec

    def located(self) -> Iterator[tuple[Record | FrameBatch, int, bool]]:
        """Like `records`, with where each record ends in the file and whether its bytes are its last field
        (as watchproxy writes `frame` and `frames` records), so they lie just before that end. A `frames`
        record comes as it is, a FrameBatch, so that a pass over the file can note where each of its frames
        lies without copying them out (`FrameBatch.frames()` when the copies are wanted)."""
        decode, unpacker = self._decode, self._unpacker
        for obj, start in self._objects():
            try:
                rec = decode(obj, start)
            except _SessionEnd:
                return
            yield rec, unpacker.tell(), isinstance(obj, dict) and next(reversed(obj)) == "data"

    def _objects(self) -> Iterator[tuple[object, int]]:
        """Each whole object after the header, upgraded to the current version, with where it starts."""
        upgrade = compat.upgrader(self.header.version)
        unpacker = self._unpacker
        # Where the next record starts; not unpacker.tell() after a read that ended inside a record, which is
        # how far msgpack got into it.
        start = unpacker.tell()
        while True:
            # What is buffered is iterated in place: with millions of records every call per record counts.
            try:
                if upgrade is None:
                    for obj in unpacker:
                        yield obj, start
                        start = unpacker.tell()
                else:
                    for obj in unpacker:
                        yield upgrade(obj), start
                        start = unpacker.tell()
            except Exception as exc:  # msgpack raises several types for corrupt input
                if self._is_trailer(start):  # prepared data beyond the reader's limits, or damaged
                    self.trailer_at = start
                    return
                raise self._corrupt(exc, start) from None
            if not self._fill():
                self._note_torn_tail(start)
                return

    def _decode(self, obj: object, start: int) -> Record | FrameBatch:
        try:
            rec = record_from_wire(obj)
        except ValueError as exc:
            if (isinstance(obj, dict) and obj.get("kind") in prepared.KINDS) or start == self._footer_at:
                self.trailer_at = start
                raise _SessionEnd from None
            raise RecordingError(str(exc), path=self.path, offset=start, index=self.records_read + 1) from None
        self.records_read += 1
        return rec

    def torn_tail_message(self) -> str | None:
        if self.torn_tail is None:
            return None
        off, n = self.torn_tail
        return (f"{self.path}: the last record at byte {off} is truncated ({n} bytes); "
                f"{self.records_read} whole records before it were read")


def read_records(path: str | os.PathLike[str] | Path) -> tuple[Header, list[Record], str | None]:
    """Read a whole recording into memory; for small files and tests. Returns the torn-tail note too."""
    with RecordingReader(path) as reader:
        recs = list(reader.records())
        return reader.header, recs, reader.torn_tail_message()
