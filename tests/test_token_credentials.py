"""No service account token reaches a recording: the token a TokenRequest is answered (`kubectl create token`,
in JSON and asked for in protobuf) and the one a TokenReview asks about (a webhook or an auth proxy checking
its caller), recorded through watchproxy in front of the real kube-apiserver; the client still gets them."""

from __future__ import annotations

import io
import json
import logging
import uuid
from pathlib import Path

import aiohttp
import pytest
from watchproxy.engines.store import load
from watchproxy.report.export import export_jsonl
from watchproxy.server.sessions import RecordSession

from tests.realkube import RealKube

PROTOBUF = "application/vnd.kubernetes.protobuf"


async def test_service_account_tokens_never_reach_a_recording(tmp_path: Path, realkube: RealKube,
                                                              caplog: pytest.LogCaptureFixture) -> None:
    ns = f"tokens-{uuid.uuid4().hex[:6]}"
    out = tmp_path / "tokens.msgpack"
    caplog.set_level(logging.DEBUG, logger="watchproxy")
    json_body = {"Content-Type": "application/json", "Accept": "application/json"}
    tokens: list[str] = []
    async with RecordSession(out, kubeconfig=str(realkube.admin_kubeconfig)) as s, aiohttp.ClientSession() as http:
        for path, body in (("/api/v1/namespaces", {"metadata": {"name": ns}}),
                           (f"/api/v1/namespaces/{ns}/serviceaccounts", {"metadata": {"name": "ctl"}})):
            async with http.post(s.url + path, json=body) as resp:
                assert resp.status == 201, await resp.text()
        token_path = f"/api/v1/namespaces/{ns}/serviceaccounts/ctl/token"
        for accept in ("application/json", f"{PROTOBUF}, application/json"):
            async with http.post(s.url + token_path, data=json.dumps({"spec": {"audiences": ["a"]}}),
                                 headers={**json_body, "Accept": accept}) as resp:
                assert resp.status == 201, await resp.text()
                tokens.append((await resp.json())["status"]["token"])
        review = {"kind": "TokenReview", "apiVersion": "authentication.k8s.io/v1",
                  "spec": {"token": tokens[0], "audiences": ["a"]}}
        async with http.post(s.url + "/apis/authentication.k8s.io/v1/tokenreviews", data=json.dumps(review),
                             headers=json_body) as resp:
            answer = await resp.json()
            assert resp.status == 201 and answer["status"]["authenticated"], answer
            assert answer["spec"]["token"] == tokens[0]  # (the client gets what it asked about)
    recorded = out.read_bytes()
    text = io.StringIO()
    export_jsonl(out, text)
    for token in tokens:
        for part in token.split("."):  # (a token's signature alone is a credential's secret part)
            assert part.encode() not in recorded
            assert part not in text.getvalue() and part not in caplog.text
    # recorded all the same, redacted
    bodies = [json.loads(e.body) for e in load(out).exchanges.values()
              if e.request.path.endswith(("/token", "/tokenreviews")) and e.body]
    assert [b.get("kind") for b in bodies] == ["TokenRequest", "TokenRequest", "TokenReview"]
    assert {b["status"].get("token") or b["spec"].get("token") for b in bodies} == {"<redacted>"}
