"""Watch events of a fixed size (1 KB by default), encoded the way the apiserver writes them.

A ConfigMap event with realistic metadata and a `data` payload padded so the whole line, newline included,
is exactly `size` bytes. An optional fixed-width send stamp (time.monotonic(), shared by all processes on
Linux) lets a client compute the latency of each event.
"""

from __future__ import annotations

EVENT_SIZE = 1024
NAMESPACE = "bench"
STAMP_WIDTH = 17  # "%017.6f": monotonic seconds with microseconds, fixed width so sizes do not move

_PREFIX = (b'{"type":"%s","object":{"kind":"ConfigMap","apiVersion":"v1","metadata":{"name":"bench-%05d",'
           b'"namespace":"%s","uid":"6f1c3f4e-2b7a-4c55-9d8e-%012d","resourceVersion":"%d",'
           b'"creationTimestamp":"2024-05-01T00:00:00Z","labels":{"app":"watchproxy-bench"},'
           b'"annotations":{"bench.watchproxy.io/sent":"%s"}},"data":{"payload":"')
_SMALL_PREFIX = (b'{"type":"%s","object":{"kind":"ConfigMap","apiVersion":"v1","metadata":{"name":"bench-%05d",'
                 b'"namespace":"%s","uid":"6f1c3f4e-2b7a-4c55-9d8e-%012d","resourceVersion":"%d",'
                 b'"creationTimestamp":"2024-05-01T00:00:00Z"},"data":{"payload":"')  # for events under 400 B
_SUFFIX = b'"}}}\n'
_NO_STAMP = b"0" * STAMP_WIDTH


def event(rv: int, obj: int = 0, typ: str = "MODIFIED", *, stamp: float | None = None,
          namespace: str = NAMESPACE, size: int = EVENT_SIZE) -> bytes:
    """One JSON watch event line of exactly `size` bytes (if `size` leaves room for the metadata)."""
    sent = b"%017.6f" % stamp if stamp is not None else _NO_STAMP
    if stamp is None and size < 400:
        head = _SMALL_PREFIX % (typ.encode(), obj, namespace.encode(), obj, rv)
    else:
        head = _PREFIX % (typ.encode(), obj, namespace.encode(), obj, rv, sent)
    pad = max(0, size - len(head) - len(_SUFFIX))
    return head + b"x" * pad + _SUFFIX


def stamp_offset(line: bytes) -> int:
    """Where the send stamp sits in an event line (the same for every event of one shape)."""
    key = b'"bench.watchproxy.io/sent":"'
    return line.index(key) + len(key)


def chunk(data: bytes) -> bytes:
    """One HTTP/1.1 chunk."""
    return b"%x\r\n" % len(data) + data + b"\r\n"


def list_body(rv: int, namespace_kind: str = "ConfigMapList") -> bytes:
    """An empty list at resourceVersion `rv`: what a recording's baseline list looks like."""
    return (b'{"kind":"%s","apiVersion":"v1","metadata":{"resourceVersion":"%d"},"items":[]}'
            % (namespace_kind.encode(), rv))
