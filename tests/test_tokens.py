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


REVIEW = writes.Target("authentication.k8s.io", "v1", "tokenreviews", "TokenReview", False)


def _made(seed: int = 7) -> str:
    """A pod-bound token for audiences a and b, made by a replay of `seed`."""
    body = {"spec": {"audiences": ["a", "b"], "boundObjectRef": {"kind": "Pod", "apiVersion": "v1", "name": "p"}}}
    out = tokens.request(SA, ACCOUNT, body, STAMP, lambda resource, name: POD if resource == "pods" else None, seed)
    return str(out.body["status"]["token"])


def _reviewed(token: str, *, audiences: tuple[str, ...] = ("b",), seed: int = 7, after: float = 0,
              held: dict[str, Any] | None = None) -> Any:
    objects = {"serviceaccounts": ACCOUNT, "pods": POD} if held is None else held
    out = tokens.review(REVIEW, {"spec": {"token": token, "audiences": list(audiences)}},
                        lambda resource, ns, name: objects.get(resource), seed, STAMP.wall.timestamp() + after)
    assert out.code == 201, out.body
    return out.body["status"]


def test_a_token_this_replay_made_is_its_service_account_with_its_pod() -> None:
    assert _reviewed(_made()) == {"authenticated": True, "user": {
        "username": "system:serviceaccount:team:builder", "uid": "sa-uid",
        "groups": ["system:serviceaccounts", "system:serviceaccounts:team", "system:authenticated"],
        "extra": {"authentication.kubernetes.io/credential-id": ["JTI=uid-1"],
                  "authentication.kubernetes.io/pod-name": ["p"], "authentication.kubernetes.io/pod-uid": ["pod-uid"]}},
        "audiences": ["b"]}


def test_tokens_that_are_no_one() -> None:
    def error(token: str, **kw: Any) -> str:
        status = _reviewed(token, **kw)
        assert status["user"] == {} and "authenticated" not in status
        return str(status["error"])
    token = _made()
    assert error("abc") == "invalid bearer token"
    assert error(token, seed=8) == "[invalid bearer token, go-jose/go-jose: error in cryptographic primitive]"
    assert error(token, audiences=("x",)) == \
        '[invalid bearer token, token audiences ["a" "b"] is invalid for the target audiences ["x"]]'
    # an hour to live, and a minute's leeway
    assert _reviewed(token, after=3600 + 60)["authenticated"]
    assert error(token, after=3600 + 61) == "[invalid bearer token, service account token has expired]"
    assert error(token, after=-61) == "[invalid bearer token, service account token is not valid yet]"
    assert error(token, held={"pods": POD}) == '[invalid bearer token, serviceaccount "builder" not found]'
    assert error(token, held={"serviceaccounts": {"metadata": {"uid": "new"}}, "pods": POD}) == \
        "[invalid bearer token, service account UID (new) does not match claim (sa-uid)]"
    assert error(token, held={"serviceaccounts": ACCOUNT}) == \
        "[invalid bearer token, service account token has been invalidated]"
    assert error(token, held={"serviceaccounts": ACCOUNT, "pods": {"metadata": {"uid": "other"}}}) == \
        "[invalid bearer token, pod UID (other) does not match service account pod ref claim (pod-uid)]"


def test_a_review_without_a_token_is_refused() -> None:
    out = tokens.review(REVIEW, {"spec": {}}, lambda *_: None, 0, 0)
    assert (out.code, out.body["message"]) == (400, "token is required for TokenReview in authentication")
