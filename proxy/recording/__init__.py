"""Layer 1: the recording file format. Pure data and file I/O; knows nothing about HTTP servers."""

from .errors import RecordingError, UnsupportedVersion
from .reader import RecordingReader, read_records
from .records import (
    FORMAT,
    VERSION,
    End,
    EndHow,
    Frame,
    FrameBatch,
    Header,
    Record,
    Request,
    Response,
)
from .writer import RecordingWriter

__all__ = [
    "FORMAT",
    "VERSION",
    "End",
    "EndHow",
    "Frame",
    "FrameBatch",
    "Header",
    "Record",
    "RecordingError",
    "RecordingReader",
    "RecordingWriter",
    "Request",
    "Response",
    "UnsupportedVersion",
    "read_records",
]
