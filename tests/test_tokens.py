"""The token model (apiserver/tokens.py) where the real apiserver beside the tests cannot be compared with it:
the token itself, a JWT whose claims are a real one's (tests/test_writes_random_realkube.py "tokens" compares
every answer around it)."""

from __future__ import annotations

import base64
import datetime as dt
import json
from typing import Any

from watchproxy.apiserver import tokens, writes

SA = writes.Target("", "v1", "serviceaccounts", "ServiceAccount", True, "team", "builder", "token")
STAMP = writes.Stamp(dt.datetime(2026, 1, 1, tzinfo=dt.UTC), "uid-1", "bcdfg")
ACCOUNT = {"metadata": {"name": "builder", "namespace": "team", "uid": "sa-uid"}}
POD = {"metadata": {"name": "p", "uid": "pod-uid"}, "spec": {"serviceAccountName": "builder"}}


def _claims(token: str) -> Any:
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def test_a_token_carries_the_claims_a_real_one_does() -> None:
    body = {"spec": {"boundObjectRef": {"kind": "Pod", "apiVersion": "v1", "name": "p"}}}
    out = tokens.request(SA, ACCOUNT, body, STAMP, lambda resource, name: POD if resource == "pods" else None, 0)
    assert out.code == 201
    assert out.body["spec"] == {"audiences": [tokens.ISSUER], "expirationSeconds": 3600,
                                "boundObjectRef": {"kind": "Pod", "apiVersion": "v1", "name": "p"}}
    assert out.body["status"]["expirationTimestamp"] == "2026-01-01T01:00:00Z"
    now = int(STAMP.wall.timestamp())
    assert _claims(out.body["status"]["token"]) == {
        "aud": [tokens.ISSUER], "exp": now + 3600, "iat": now, "iss": tokens.ISSUER, "jti": "uid-1",
        "kubernetes.io": {"namespace": "team", "pod": {"name": "p", "uid": "pod-uid"},
                          "serviceaccount": {"name": "builder", "uid": "sa-uid"}},
        "nbf": now, "sub": "system:serviceaccount:team:builder"}
    # what the field manager saw: the defaulted expiration, not the audiences the registry filled in
    assert tokens.as_managed(out.body, body)["spec"] == {"expirationSeconds": 3600,
                                                         "boundObjectRef": out.body["spec"]["boundObjectRef"]}
