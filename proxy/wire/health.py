"""The apiserver's health endpoints (`/healthz`, `/livez`, `/readyz`), as a replay that has no recorded answer
gives them: healthy. Tools and controllers ask before they start (`kubectl get --raw /readyz`, readiness
gates in test harnesses), and a real apiserver always answers them, in plain text."""

from __future__ import annotations

from .params import query_pairs

ENDPOINTS = ("healthz", "livez", "readyz")
# The checks every apiserver runs (a real one lists dozens of post-start hooks besides; verbose lists these)
CHECKS = ("ping", "log", "etcd")
CONTENT_TYPE = "text/plain; charset=utf-8"


def answer(path: str, query: str) -> tuple[int, bytes] | None:
    """(status, body) for a health path, None for any other path."""
    parts = path.strip("/").split("/")
    if parts[0] not in ENDPOINTS or len(parts) > 2:
        return None
    if len(parts) == 2:  # one check: /livez/ping
        return (200, b"ok") if parts[1] in CHECKS else (404, b"404 page not found\n")
    if "verbose" not in dict(query_pairs(query)):
        return 200, b"ok"
    return 200, b"".join(b"[+]%s ok\n" % c.encode() for c in CHECKS) + f"{parts[0]} check passed\n".encode()
