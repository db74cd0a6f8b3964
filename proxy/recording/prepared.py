"""What a replay derives from a recording (its index and emulate's rebuilt history), kept at the end of the
recording itself, so that the first replay on any machine (a fresh CI runner: no per-user cache) reads no
events.

After the session's last record come two records (recordings/README.md, "Prepared data"):

    {"kind": "prepared", "covers": C, "digest": D, "crc32": {"index": I, "timeline": T},
     "index": zlib(msgpack({...})), "timeline": zlib(msgpack({...}))}
    {"kind": "prepared-at", "at": C}       # the footer: always FOOTER_SIZE bytes, `at` packed as uint64

`covers` is where the prepared record starts, which is the size of the session it describes. `digest` names
that session's bytes at both ends (as the per-user cache does), so data prepared for other bytes is never
used; `crc32` has a checksum of each part's bytes, so a damaged part is never served (its columns would
still decode). The footer is found from the file's last bytes and the prepared record read from where it points:
nothing of the session is read but its two 64 KiB edges. Whatever does not check out (no footer, a torn
trailer, bytes appended after the footer, a footer pointing elsewhere, a record that does not decode) means
"not prepared", never an error: replay then builds what it needs, as for any recording.
"""

from __future__ import annotations

import contextlib
import os
import zlib
from collections.abc import Callable
from typing import Any, TypeVar

import msgpack

from . import cache
from .errors import RecordingError

T = TypeVar("T")

KIND = "prepared"
FOOTER_KIND = "prepared-at"
KINDS = (KIND, FOOTER_KIND)  # a tuple: `in` compares, so an unhashable kind is no error
PARTS = ("index", "timeline")

_PACK: Callable[[Any], bytes] = msgpack.Packer(use_bin_type=True).pack
_FOOTER_HEAD = b"\x82" + _PACK("kind") + _PACK(FOOTER_KIND) + _PACK("at") + b"\xcf"
FOOTER_SIZE = len(_FOOTER_HEAD) + 8
# What a trailer record written by watchproxy holds right after its map's header: `kind` comes first.
_KIND_FIRST = tuple(_PACK("kind") + _PACK(k) for k in (KIND, FOOTER_KIND))
_MAP_HEAD_LEN = {0xDE: 3, 0xDF: 5} | {b: 1 for b in range(0x80, 0x90)}
HEAD_BYTES = 5 + max(map(len, _KIND_FIRST))  # enough of a record's start for `starts_trailer`
_READ = 1024 * 1024
# Each part is its msgpack map compressed with zlib at level 1: the index's and the history's columns (a time,
# an offset and a length per event) shrink to about a quarter, which keeps a prepared recording of small
# events within 1.1 times their JSON; decompressing 2 M events' worth costs a few tenths of a second.
_LEVEL = 1


def footer(at: int) -> bytes:
    return _FOOTER_HEAD + at.to_bytes(8, "big")


def starts_trailer(head: bytes) -> bool:
    """Whether bytes that begin a record begin a trailer record (as watchproxy writes them, `kind` first):
    for a reader that cannot decode the whole record (a torn trailer, or one beyond its limits)."""
    skip = _MAP_HEAD_LEN.get(head[0]) if head else None
    return skip is not None and head[skip:].startswith(_KIND_FIRST)


def footer_at(fd: int, size: int) -> int | None:
    """The `at` of a well-formed footer ending the file, if it points before itself; nothing more is checked."""
    if size <= FOOTER_SIZE:
        return None
    try:
        tail = os.pread(fd, FOOTER_SIZE, size - FOOTER_SIZE)
    except OSError:
        return None
    if len(tail) != FOOTER_SIZE or not tail.startswith(_FOOTER_HEAD):
        return None
    at = int.from_bytes(tail[-8:], "big")
    return at if 0 < at < size - FOOTER_SIZE else None


def covers(fd: int, size: int) -> int | None:
    """Where the session ends according to a well-formed footer at the very end pointing at a prepared
    record, else None. Reads the last FOOTER_SIZE bytes and the prepared record's first few."""
    at = footer_at(fd, size)
    try:
        return at if at is not None and starts_trailer(os.pread(fd, HEAD_BYTES, at)) else None
    except OSError:
        return None


def read(path: str, part: str) -> dict[str, Any] | None:
    """The prepared `part` ("index" or "timeline") of the recording at `path`, or None when it is not
    prepared (or was prepared for other bytes). The other part is skipped, not decoded."""
    try:
        with open(path, "rb") as f:
            fd = f.fileno()
            size = os.fstat(fd).st_size
            at = covers(fd, size)
            if at is None:
                return None
            length = size - FOOTER_SIZE - at
            f.seek(at)
            unpacker = msgpack.Unpacker(f, raw=False, strict_map_key=True, read_size=min(_READ, length),
                                        max_buffer_size=length)
            fields: dict[str, Any] = {}
            extent = (0, 0)
            for _ in range(unpacker.read_map_header()):
                key = unpacker.unpack()
                if key in PARTS and key != part:
                    unpacker.skip()
                    continue
                start = unpacker.tell()
                fields[key] = unpacker.unpack()
                if key == part:
                    extent = (start, unpacker.tell())
            found, crcs = fields.get(part), fields.get("crc32")
            if fields.get("kind") != KIND or fields.get("covers") != at or not isinstance(found, bytes) \
                    or not isinstance(crcs, dict) or unpacker.tell() != length \
                    or fields.get("digest") != cache.edge_digest(fd, at) \
                    or crcs.get(part) != zlib.crc32(os.pread(fd, extent[1] - extent[0], at + extent[0])):
                return None
            doc = msgpack.unpackb(zlib.decompress(found), raw=False, strict_map_key=True)
            return doc if isinstance(doc, dict) else None
    except Exception:  # whatever msgpack or the file makes of it, the file is not prepared
        return None


def derived(path: str, part: str, decode: Callable[[dict[str, Any]], T], build: Callable[[], T],
            encode: Callable[[T], dict[str, Any]], min_cache_bytes: int | None = None) -> T:
    """What replay derives from the recording at `path` (`part`: "index" or "timeline"): prepared at its end,
    else saved in the per-user cache for this very file, else built (and saved there for next time when the
    file is large). Saved data that does not decode is built again; a RecordingError from decoding (a
    recording this version cannot read) is the caller's."""
    got = _decoded(read(path, part), decode)
    if got is not None:
        return got
    saved, ident = cache.load(path, part, min_cache_bytes)
    got = _decoded(saved, decode)
    if got is not None:
        return got
    value = build()
    cache.save(path, part, ident, encode(value), min_cache_bytes)
    return value


def _decoded(doc: dict[str, Any] | None, decode: Callable[[dict[str, Any]], T]) -> T | None:
    if doc is None:
        return None
    try:
        return decode(doc)
    except RecordingError:
        raise
    except Exception:  # saved data that does not make sense is built again
        return None


def version_at(fd: int) -> tuple[int, int] | None:
    """(the header's version, where the last byte of its encoding lies), for a header that names one."""
    with os.fdopen(os.dup(fd), "rb") as f:
        f.seek(0)
        unpacker = msgpack.Unpacker(f, raw=False, read_size=4096, max_buffer_size=16 * 1024 * 1024)
        for _ in range(unpacker.read_map_header()):
            key = unpacker.unpack()
            value = unpacker.unpack()
            if key == "version":
                return (value, unpacker.tell() - 1) if type(value) is int else None
    return None


def write(path: str, at: int, index: dict[str, Any], timeline: dict[str, Any], version: int | None = None) -> int:
    """Put a trailer for the session of `at` bytes in place of whatever follows them, and (if `version` is
    given) rewrite the header's version as that: the session's bytes are otherwise untouched. Returns the
    trailer's size. Interrupted, it leaves the file as it was up to `at` (a KeyboardInterrupt too)."""
    try:
        with open(path, "r+b") as f:
            fd = f.fileno()
            if version is not None:
                _set_version(fd, version, path)
            parts = [(_PACK(name), _PACK(zlib.compress(msgpack.packb(doc, use_bin_type=True), _LEVEL)))
                     for name, doc in zip(PARTS, (index, timeline), strict=True)]
            head = {"kind": KIND, "covers": at, "digest": cache.edge_digest(fd, at),
                    "crc32": {name: zlib.crc32(doc) for name, doc in zip(PARTS, (p for _, p in parts), strict=True)}}
            entries = bytes((0x80 + len(head) + len(parts),))  # a fixmap's head: up to 15 entries
            pieces = [entries + b"".join(_PACK(k) + _PACK(v) for k, v in head.items()),
                      *(piece for key_doc in parts for piece in key_doc), footer(at)]
            os.ftruncate(fd, at)
            end = at
            try:
                for piece in pieces:
                    _write_all(fd, piece, end)
                    end += len(piece)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.ftruncate(fd, at)
                raise
            return end - at
    except OSError as exc:
        raise RecordingError(f"cannot write the prepared data: {exc.strerror or exc}", path=path) from None


def _set_version(fd: int, version: int, path: str) -> None:
    """Rewrite the header's version in place: an integer's last encoded byte is its lowest, so a version
    below 128 is one byte whatever encoding the writer chose for it."""
    found = version_at(fd)
    if found is None or not 0 < version < 128 or not 0 <= found[0] < 128:
        raise RecordingError("cannot rewrite the header's version", path=path)
    if found[0] != version:
        _write_all(fd, bytes((version,)), found[1])


def _write_all(fd: int, data: bytes, offset: int) -> None:
    view = memoryview(data)
    while view:
        n = os.pwrite(fd, view, offset)
        view, offset = view[n:], offset + n
