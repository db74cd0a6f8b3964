"""A recording as JSON Lines: one object per record, header first, for grep, jq and diff.

msgpack is compact and safe to stream, but people debugging a client want to search events with the tools
they have. Bytes fields are decoded for that: a frame or request body that is JSON appears parsed (so jq
can reach into it and two exports diff field by field), UTF-8 text appears as text, anything else as
base64, so nothing is lost and every output line is valid JSON; a protobuf watch event or body (recorded
under --keep-protobuf) appears as base64 and, beside it, as the apiserver's JSON of it.
"""

from __future__ import annotations

import base64
import json
import os
from dataclasses import dataclass
from typing import Any, TextIO

from ..recording.reader import RecordingReader
from ..recording.records import End, Frame, Header, Record, Request, Response
from ..wire import protobuf


@dataclass(frozen=True, slots=True)
class ExportStats:
    records: int  # records written after the header
    torn_tail: str | None  # the reader's note about a truncated final record, if any


def _no_constants(name: str) -> Any:
    # NaN and Infinity parse in Python but are not JSON: keep such data as text instead.
    raise ValueError(f"not JSON: {name}")


def decode_bytes(data: bytes, *, json_key: str, text_key: str, b64_key: str) -> dict[str, Any]:
    """`{json_key: parsed}` for a JSON object or array, `{text_key: str}` for UTF-8, else base64.

    Scalars that happen to parse as JSON (`ok`, `42`) stay text: only documents are worth parsing, and a
    reader should not have to guess whether `"event": 42` was a number or the text "42".
    """
    if not data:
        return {}
    if data.lstrip()[:1] in (b"{", b"["):
        try:
            return {json_key: json.loads(data, parse_constant=_no_constants)}
        except (ValueError, RecursionError):  # nested too deeply to parse: kept as text
            pass
    try:
        return {text_key: data.decode("utf-8")}
    except UnicodeDecodeError:
        return {b64_key: base64.b64encode(data).decode("ascii")}


def _plain(value: Any) -> Any:
    """Header `meta` comes from msgpack and may hold bytes; JSON cannot."""
    if isinstance(value, bytes):
        return {"b64": base64.b64encode(value).decode("ascii")}
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def _protobuf_json(data: bytes) -> Any:
    """A protobuf watch frame or whole body (--keep-protobuf) as the apiserver's JSON of it, beside its
    bytes; None for anything else (a piece of a body)."""
    try:
        if protobuf.watch_frame_type(data) is not None:
            return protobuf.decode_watch_frame(data)
        return protobuf.decode(data) if data.startswith(protobuf.MAGIC) else None
    except (ValueError, RecursionError):
        return None


def header_json(h: Header) -> dict[str, Any]:
    d: dict[str, Any] = _plain(h.to_wire())
    return d


def record_json(rec: Record) -> dict[str, Any]:
    """The JSON form of one record: its wire map with bytes decoded (see decode_bytes)."""
    if isinstance(rec, Frame):
        d: dict[str, Any] = {"kind": "frame", "ex": rec.ex, "t": rec.t, "bytes": len(rec.data)}
        d.update(decode_bytes(rec.data, json_key="event", text_key="text", b64_key="data_b64"))
        if "data_b64" in d and (readable := _protobuf_json(rec.data)) is not None:
            d["protobuf"] = readable
        return d
    if isinstance(rec, Request):
        d = rec.to_wire()
        del d["body"]
        d.update(decode_bytes(rec.body, json_key="body", text_key="body_text", b64_key="body_b64"))
        return d
    if isinstance(rec, Response | End):
        return rec.to_wire()
    raise TypeError(f"not a record: {type(rec).__name__}")


def _line(rec: Record) -> str:
    try:
        return json.dumps(record_json(rec), ensure_ascii=False)
    except RecursionError:  # parsed, but nested too deeply to write again: the bytes as text instead
        d = rec.to_wire()
        for key in ("data", "body"):
            if isinstance(d.get(key), bytes):
                raw = d.pop(key)
                d[f"{key}_b64"] = base64.b64encode(raw).decode("ascii")
        return json.dumps(d, ensure_ascii=False)


def export_jsonl(path: str | os.PathLike[str], out_stream: TextIO) -> ExportStats:
    """Write the header and every record of `path` as JSON Lines to `out_stream`, streaming."""
    n = 0
    with RecordingReader(path) as reader:
        out_stream.write(json.dumps(header_json(reader.header), ensure_ascii=False) + "\n")
        for rec in reader.records():
            out_stream.write(_line(rec) + "\n")
            n += 1
        return ExportStats(n, reader.torn_tail_message())
