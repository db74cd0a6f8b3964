"""Requests sent byte for byte as a test writes them (a client library would encode or check them first),
to the real kube-apiserver (TLS, a bearer token) or to a replay: the answer's code, decoded body and
Warning headers."""

from __future__ import annotations

import json
import ssl
import urllib.error
import urllib.request
from typing import Any


def _unverified() -> ssl.SSLContext:
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE  # the test apiserver's own CA; what is compared is the answer
    return ctx


def call(base: str, token: str, method: str, path: str, data: bytes | None = None,
         content_type: str = "application/json") -> tuple[int, Any, list[str]]:
    headers = {"Content-Type": content_type, "Accept": "application/json",
               **({"Authorization": f"Bearer {token}"} if token else {})}
    req = urllib.request.Request(base + path, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(req, context=_unverified(), timeout=30) as resp:
            return resp.status, json.loads(resp.read()), resp.headers.get_all("Warning") or []
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read()), exc.headers.get_all("Warning") or []
