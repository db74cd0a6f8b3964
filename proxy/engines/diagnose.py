"""What in a recording emulate mode cannot rebuild a watch cache from, named by record and byte offset.

Emulate mode reads every list body and watch event; a corrupt or hand-made file can hold one it cannot use
(JSON nested deeper than Python's parser goes, a resourceVersion beyond the apiserver's int64, an event
whose object has no metadata). Checking every event up front would cost every replay a second read of the
file, so the file is searched only once the rebuild has failed: the user gets one line saying where to look,
never a traceback.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from ..recording.errors import RecordingError
from ..recording.reader import RecordingReader
from ..recording.records import End, Frame, FrameBatch, Record, Request, Response
from ..wire.request import classify

MAX_RESOURCE_VERSION = 2**63 - 1  # etcd revisions are int64; the apiserver parses them as such
_EVENT_TYPES = ("ADDED", "MODIFIED", "DELETED", "BOOKMARK")


def _rv_problem(rv: Any) -> str | None:
    if rv is None or rv == "":
        return None
    if not isinstance(rv, str) or not rv.isdigit():
        return f"resourceVersion {str(rv)[:40]!r} is not a number"
    if int(rv) > MAX_RESOURCE_VERSION:
        return f"resourceVersion {rv[:40]} is beyond the apiserver's range (2^63 - 1)"
    return None


def _object_problem(obj: Any) -> str | None:
    if not isinstance(obj, dict):
        return None
    meta = obj.get("metadata")
    return _rv_problem(meta.get("resourceVersion")) if isinstance(meta, dict) else None


def event_problem(data: bytes) -> str | None:
    """Why emulate mode cannot use this watch event, or None."""
    try:
        doc = json.loads(data)
    except RecursionError:
        return "a watch event nested too deeply to read"
    except ValueError:
        return None  # not JSON (a torn line, another encoding): emulate leaves it out
    if not isinstance(doc, dict) or doc.get("type") not in _EVENT_TYPES:
        return None
    obj = doc.get("object")
    if not isinstance(obj, dict) or not isinstance(obj.get("metadata"), dict):
        return f"a {doc['type']} event whose object has no metadata"
    return _object_problem(obj)


def body_problem(data: bytes) -> str | None:
    """Why emulate mode cannot use this list or get body, or None."""
    try:
        doc = json.loads(data)
    except RecursionError:
        return "a body nested too deeply to read"
    except ValueError:
        return None
    if not isinstance(doc, dict):
        return None
    problem = _object_problem(doc)
    items = doc.get("items")
    for item in items if isinstance(items, list) else ():
        problem = problem or _object_problem(item)
    return problem


def _expanded(reader: RecordingReader) -> Iterator[tuple[int, Record, int]]:
    """(record number, record, where it starts) of each record in the file; the frames of a
    `frames` record one by one, each numbered as that record and placed where its own bytes lie (where the
    record starts when a foreign writer put them before other fields)."""
    start = reader.offset
    for rec, end, data_last in reader.located():
        if not isinstance(rec, FrameBatch):
            yield reader.records_read, rec, start
        elif data_last:
            at = end - len(rec.data)
            for f in rec.frames():
                yield reader.records_read, f, at
                at += len(f.data)
        else:
            for f in rec.frames():
                yield reader.records_read, f, start
        start = end


def first_problem(path: str) -> RecordingError | None:
    """The first record emulate mode cannot use, as an error naming its record number and byte offset."""
    watches: set[int] = set()
    bodies: dict[int, tuple[list[bytes], int, int]] = {}  # ex -> (frames, first record, its offset)
    try:
        with RecordingReader(path) as reader:
            for index, rec, start in _expanded(reader):
                problem, at = None, (index, start)
                if isinstance(rec, Request):
                    if classify(rec.method, rec.path, rec.query).verb == "watch":
                        watches.add(rec.ex)
                elif isinstance(rec, Response) and rec.status != 200:
                    watches.discard(rec.ex)
                elif isinstance(rec, Frame) and rec.ex in watches:
                    problem = event_problem(rec.data)
                elif isinstance(rec, Frame):
                    frames, first, offset = bodies.setdefault(rec.ex, ([], index, start))
                    frames.append(rec.data)
                elif isinstance(rec, End) and rec.ex in bodies:
                    frames, first, offset = bodies.pop(rec.ex)
                    problem, at = body_problem(b"".join(frames)), (first, offset)
                if problem:
                    return RecordingError(f"{problem}; emulate mode cannot use it (--mode exact replays it as "
                                          "recorded)", path=path, index=at[0], offset=at[1])
    except RecordingError as exc:
        return exc
    return None


def unusable(path: str, exc: BaseException) -> RecordingError:
    """The error to show when emulate mode failed on `path` with `exc`."""
    found = first_problem(path)
    if found is not None:
        return found
    return RecordingError(f"emulate mode cannot rebuild a watch cache from it ({type(exc).__name__}: "
                          f"{' '.join(str(exc).split())[:200]}); --mode exact replays it as recorded", path=path)
