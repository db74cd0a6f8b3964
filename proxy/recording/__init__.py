"""Layer 1: the recording file format. Pure data and file I/O; knows nothing about HTTP servers."""

from proxy.recording.errors import RecordingError, UnsupportedVersion
from proxy.recording.reader import RecordingReader, read_records
from proxy.recording.records import (
    FORMAT,
    VERSION,
    End,
    EndHow,
    Frame,
    Header,
    Record,
    Request,
    Response,
)
from proxy.recording.writer import RecordingWriter

__all__ = [
    "FORMAT",
    "VERSION",
    "End",
    "EndHow",
    "Frame",
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
