"""Data derived from a recording, saved so the next replay of the same file need not derive it again.

Reading millions of events to find where each one lies takes longer than anyone wants to wait before a replay
answers, and the answer only changes when the file does. Entries live in a cache directory (never beside the
recording, which may be read-only or under version control), one per recording path and kind. Each entry
names the file it was derived from (size, modification time, inode, and a digest of its first and last 64
KiB); an entry for any other file content is ignored and replaced. A missing, stale, corrupt or unwritable
entry only costs the time to derive it again: nothing here raises.

`WATCHPROXY_CACHE_DIR` chooses the directory (empty: no cache); otherwise `$XDG_CACHE_HOME/watchproxy`
or `~/.cache/watchproxy`.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import tempfile
from pathlib import Path
from typing import Any

import msgpack

log = logging.getLogger("watchproxy")

FORMAT = "watchproxy-cache"
VERSION = 1
MIN_BYTES = 16 * 1024 * 1024  # smaller recordings are read whole faster than an entry is checked
_EDGE = 64 * 1024


def directory() -> Path | None:
    env = os.environ.get("WATCHPROXY_CACHE_DIR")
    if env is not None:
        return Path(env) if env else None
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "watchproxy"


def identity(path: str) -> dict[str, Any]:
    """What a cache entry must match: a rewritten or edited recording has a different identity."""
    with open(path, "rb") as f:
        st = os.fstat(f.fileno())
        digest = edge_digest(f.fileno(), st.st_size)
    return {"size": st.st_size, "mtime_ns": st.st_mtime_ns, "ino": st.st_ino, "dev": st.st_dev, "digest": digest}


def edge_digest(fd: int, size: int) -> str:
    """A digest of the first `size` bytes' first and last 64 KiB: what changes when a file is rewritten or
    edited, read in two system calls whatever its size."""
    digest = hashlib.sha256(os.pread(fd, min(_EDGE, size), 0))
    if size > _EDGE:
        start = max(_EDGE, size - _EDGE)
        digest.update(os.pread(fd, size - start, start))
    return digest.hexdigest()


def _entry(path: str, kind: str) -> Path | None:
    d = directory()
    if d is None:
        return None
    name = hashlib.sha256(os.path.realpath(path).encode()).hexdigest()[:32]
    return d / f"{name}.{kind}"


def load(path: str, kind: str, min_bytes: int | None = None) -> tuple[dict[str, Any] | None, dict[str, Any]]:
    """(the saved data for this file, or None; the file's identity, to save with fresh data)."""
    min_bytes = MIN_BYTES if min_bytes is None else min_bytes
    try:
        ident = identity(path)
    except OSError:
        return None, {}
    entry = _entry(path, kind)
    if entry is None or ident["size"] < min_bytes:
        return None, ident
    try:
        doc = msgpack.unpackb(entry.read_bytes(), raw=False, strict_map_key=True)
    except FileNotFoundError:
        return None, ident
    except Exception as exc:  # a corrupt entry is rebuilt, whatever msgpack makes of it
        log.info("ignoring unreadable cache entry %s (%s)", entry, type(exc).__name__)
        return None, ident
    if not isinstance(doc, dict) or doc.get("format") != FORMAT or doc.get("version") != VERSION \
            or doc.get("kind") != kind or doc.get("source") != ident or not isinstance(doc.get("data"), dict):
        return None, ident
    data: dict[str, Any] = doc["data"]
    return data, ident


def save(path: str, kind: str, ident: dict[str, Any], data: dict[str, Any], min_bytes: int | None = None) -> None:
    """Write an entry atomically (a reader never sees half of one); readable by this user only."""
    min_bytes = MIN_BYTES if min_bytes is None else min_bytes
    entry = _entry(path, kind)
    if entry is None or not ident or ident["size"] < min_bytes:
        return
    blob = msgpack.packb({"format": FORMAT, "version": VERSION, "kind": kind, "source": ident, "data": data},
                         use_bin_type=True)
    tmp = ""
    try:
        entry.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, tmp = tempfile.mkstemp(dir=entry.parent, prefix=entry.name, suffix=".tmp")
        with os.fdopen(fd, "wb") as f:
            f.write(blob)
        os.replace(tmp, entry)
    except OSError as exc:
        log.info("cannot save cache entry %s (%s)", entry, exc.strerror or exc)
        if tmp:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
