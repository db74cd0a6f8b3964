"""Requests sent byte for byte as a test writes them (a client library would encode or check them first),
to the real kube-apiserver (TLS, a bearer token) or to a replay: the answer's code, decoded body and
Warning headers."""

from __future__ import annotations

import json
import ssl
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

from watchproxy.testing import Replay

from tests.memory import RecordingBuilder
from tests.realkube import RealKube


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
            return resp.status, _document(resp.read()), resp.headers.get_all("Warning") or []
    except urllib.error.HTTPError as exc:
        return exc.code, _document(exc.read()), exc.headers.get_all("Warning") or []


def _document(body: bytes) -> Any:
    """The answer decoded; one that is not JSON (the apiserver's `404 page not found`) as {"text": …}."""
    try:
        return json.loads(body)
    except ValueError:
        return {"text": body.decode(errors="replace").strip()}


Server = tuple[str, str]  # base URL, bearer token ("" for a replay)


def real_and_replay(realkube: RealKube, watchproxy: Callable[..., Replay], tmp_path: Path,
                    ns: str) -> tuple[Server, Server]:
    """The real kube-apiserver with namespace `ns` created, and a replay of a recording that lists the
    namespace's (no) ConfigMaps: the two servers a differential sends the same requests to."""
    token = realkube.token_file.read_text().strip()
    namespace = json.dumps({"metadata": {"name": ns}}).encode()
    code, doc, _ = call(realkube.url, token, "POST", "/api/v1/namespaces", namespace)
    assert code == 201, doc
    b = RecordingBuilder(tmp_path / f"{ns}.msgpack")
    b.list(0.0, 100, [], path=f"/api/v1/namespaces/{ns}/configmaps", kind="ConfigMapList")
    return (realkube.url, token), (watchproxy(b.write()).url, "")
