"""Append-only writer. Each call hands its bytes to the kernel in one write before returning.

The recorder calls `write` before it forwards the same bytes to the client: a proxy killed at any moment
has already put every event a client received into the file. (fsync is not needed for that; it would only
protect against power loss, at a large cost per event.)

Only the newest part of a long recording stays in the page cache: the rest is handed back to the kernel
as the file grows (in a thread, since starting writeback can block). A recording of gigabytes then does
not push other files out of memory, and the writer keeps reusing the same pages, which is several times
cheaper than taking new ones on a virtual machine whose host reclaims the guest's free memory (measured
in docs/benchmarks.md).
"""

from __future__ import annotations

import contextlib
import errno
import os
import threading
from itertools import chain, repeat
from pathlib import Path

import msgpack

from .errors import RecordingError
from .records import Header, Record

KEEP_CACHED = 64 << 20  # the newest bytes of the file left in the page cache
_RELEASE_EVERY = 16 << 20


def _release(fd: int, upto: int) -> None:
    """Write back and drop the file's cached pages before `upto`; owns `fd` (a duplicate) and closes it."""
    try:
        with contextlib.suppress(OSError):  # not a regular file, or the kernel declines: only a missed saving
            os.posix_fadvise(fd, 0, upto, os.POSIX_FADV_DONTNEED)
    finally:
        os.close(fd)


class _BinHeads(dict[int, bytes]):
    """msgpack's bin header for a length, computed once per length (looked up per frame in C)."""

    def __missing__(self, n: int) -> bytes:
        if len(self) > 8192:  # lengths are many only when events vary a lot: keep the table small
            self.clear()
        head = b"\xc4" + n.to_bytes(1, "big") if n < 0x100 else b"\xc5" + n.to_bytes(2, "big") \
            if n < 0x10000 else b"\xc6" + n.to_bytes(4, "big")
        self[n] = head
        return head


_BIN_HEADS = _BinHeads()
# The constant parts of a Frame record's map, packed once (a read of a watch at full speed writes a record
# head per read, and these were five pack calls of each).
_PACK = msgpack.Packer(use_bin_type=True).pack
_FRAME_HEAD = b"\x84" + _PACK("kind") + _PACK("frame") + _PACK("ex")
_FRAME_T = _PACK("t")
_FRAME_DATA = _PACK("data")
_FRAMES_HEAD = b"\x85" + _PACK("kind") + _PACK("frames") + _PACK("ex")
_FRAMES_SIZES = _PACK("sizes")
# Frames per `frames` record at most: readers refuse longer arrays (proxy/recording/reader.py _LIMITS), and a
# socket read holds more only when its events are under 64 bytes.
MAX_BATCH = 4096


class RecordingWriter:
    def __init__(self, path: str | os.PathLike[str], header: Header, *, overwrite: bool = True) -> None:
        """`overwrite=False`: an existing file is an error, never truncated (it may be a recording)."""
        self.path = str(path)
        self.records_written = 0
        self.bytes_written = 0
        self.failed: str | None = None
        self._packer = msgpack.Packer(use_bin_type=True)
        self._released = 0
        self._releasing: threading.Thread | None = None
        try:
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
            flags = os.O_WRONLY | os.O_CREAT | (os.O_TRUNC if overwrite else os.O_EXCL)
            self._fd: int | None = os.open(self.path, flags, 0o600)
            os.fchmod(self._fd, 0o600)  # also when the file existed with wider permissions
        except OSError as exc:
            if not overwrite and exc.errno == errno.EEXIST and os.path.lexists(self.path):
                raise RecordingError("already exists; choose another file or overwrite it with --force",
                                     path=self.path) from None
            parent = Path(self.path).parent
            if parent.exists() and not parent.is_dir():
                raise RecordingError(f"cannot write: {parent} is not a directory", path=self.path) from None
            raise RecordingError(f"cannot write: {exc.strerror or exc}", path=self.path) from None
        try:
            self._write(self._packer.pack(header.to_wire()))
        except RecordingError:
            self.close()
            raise

    def _write(self, data: bytes, more: bytes | memoryview = b"") -> None:
        """One write of `data`, then `more` (a read's bytes after their record head: handed to the kernel
        with writev rather than copied behind the head, 7 us saved per 256 KiB read)."""
        # After a failed write the file may end in part of a record: appending more would bury that torn
        # record in the middle of the file, where the reader must refuse it.
        if self._fd is None or self.failed:
            raise RecordingError(self.failed or "writer is closed", path=self.path)
        size = len(data) + len(more)
        try:
            if more:
                n = os.writev(self._fd, (data, more))
                view = memoryview(b"".join((data, more))[n:]) if n < size else memoryview(b"")
            else:
                view = memoryview(data)
            while view:
                n = os.write(self._fd, view)
                view = view[n:]
        except OSError as exc:
            self.failed = f"cannot write: {exc.strerror or exc}"
            raise RecordingError(self.failed, path=self.path) from None
        self.appended(size)

    def appended(self, size: int) -> None:
        """`size` more bytes are in the file: counted, and the page cache released behind them as it grows.
        Called for each write, and by whoever appends to the file without copying through this writer
        (bench/copyloop.py splices reads into it)."""
        self.bytes_written += size
        if self.bytes_written - self._released >= KEEP_CACHED + _RELEASE_EVERY:
            self._release_cache()

    def _release_cache(self) -> None:
        if not hasattr(os, "posix_fadvise") or (self._releasing and self._releasing.is_alive()):
            return
        assert self._fd is not None
        self._released = self.bytes_written - KEEP_CACHED
        self._releasing = threading.Thread(target=_release, args=(os.dup(self._fd), self._released),
                                           name="watchproxy-release-cache", daemon=True)
        self._releasing.start()

    def write(self, *records: Record) -> None:
        """Append records with a single write."""
        pack = self._packer.pack
        self._write(b"".join(pack(r.to_wire()) for r in records))
        self.records_written += len(records)

    def _frame_start(self, ex: int, t: float) -> bytes:
        """A `frame` record up to its data's bin header: what every frame written on its own starts with."""
        pack = self._packer.pack
        head: bytes = _FRAME_HEAD + pack(ex) + _FRAME_T + pack(float(t)) + _FRAME_DATA
        return head

    def frame_head(self, ex: int, t: float, size: int) -> bytes:
        """The bytes of a `frame` record before its data of `size` bytes: for whoever appends the data
        without copying it through this writer (then calls `appended`)."""
        return self._frame_start(ex, t) + _BIN_HEADS[size]

    def fileno(self) -> int:
        """The recording's descriptor, to append to it without a copy in user space (see `frame_head`)."""
        if self._fd is None or self.failed:
            raise RecordingError(self.failed or "writer is closed", path=self.path)
        return self._fd

    def write_frames(self, ex: int, t: float, frames: list[bytes]) -> None:
        """Append frames of exchange `ex` that arrived at time `t` with a single write: one `frames` record
        when there are several (see `write_joined`), a `frame` record when there is one."""
        if len(frames) > 1 and all(frames):
            self.write_joined(ex, t, b"".join(frames), list(map(len, frames)))
            return
        # One frame, or an empty one among them (a `frames` record's pieces have a byte at least): a Frame
        # record each, exactly what `write(*(Frame(ex, t, f) for f in frames))` writes, without a map each.
        head = self._frame_start(ex, t)
        if len(frames) == 1:
            self._write(head + _BIN_HEADS[len(frames[0])] + frames[0])
        else:
            self._write(b"".join(chain.from_iterable(zip(repeat(head), map(_BIN_HEADS.__getitem__,
                                                                             map(len, frames)), frames))))
        self.records_written += len(frames)

    def write_joined(self, ex: int, t: float, data: bytes | memoryview, sizes: list[int]) -> None:
        """Append the frames of one read that are already one piece, `data`, cut at `sizes` (each > 0,
        summing to len(data)), with a single write: one `frames` record (format version 2), so the caller
        never splits a read into a list to have it joined again, and the file gets one record head per read
        instead of one per event. The bytes come last, so an index notes where each frame lies without
        copying it (proxy/recording/index.py)."""
        if len(sizes) == 1:
            self.write_frames(ex, t, [bytes(data)])
            return
        pack = self._packer.pack
        if len(sizes) <= MAX_BATCH:
            self._write(_FRAMES_HEAD + pack(ex) + _FRAME_T + pack(float(t)) + _FRAMES_SIZES + pack(sizes)
                        + _FRAME_DATA + _BIN_HEADS[len(data)], data)
        else:  # a read of thousands of tiny events: several records, still one write
            view, parts, pos = memoryview(data), [], 0
            for i in range(0, len(sizes), MAX_BATCH):
                some = sizes[i:i + MAX_BATCH]
                n = sum(some)
                head = _FRAMES_HEAD + pack(ex) + _FRAME_T + pack(float(t)) + _FRAMES_SIZES + pack(some) \
                    + _FRAME_DATA if len(some) > 1 else self._frame_start(ex, t)
                parts += [head, _BIN_HEADS[n], view[pos:pos + n]]
                pos += n
            self._write(b"".join(parts))
        self.records_written += len(sizes)

    def close(self) -> None:
        if self._fd is not None:
            fd, self._fd = self._fd, None
            os.close(fd)
        if self._releasing is not None:  # no thread outlives the writer
            self._releasing.join()
