"""The serviceaccounts/token subresource (TokenRequest): how `kubectl create token`, a kubelet and operators
that hand tokens to other systems get a service account's token.

As the service account registry's TokenREST decides it in 1.37: the request's name and namespace must be the
service account's if given (422), the account must exist (404), a uid given must be its (409,
TokenRequestServiceAccountUIDValidation); audiences default to the apiserver's, the expiration to an hour,
and must lie between ten minutes and 2^32 seconds (422); attestations only for a webhook configuration (not
modelled: such a request is refused here as a webhook binding with the gate off would be). A token may be
bound to a pod of the account (400 for another account's pod), a secret or a node, each looked up (404) and
its uid checked (409). The answer is the TokenRequest with the account's name, namespace and uid, the time,
and a token.

The token is a JWT with the claims a real one has (issuer, subject `system:serviceaccount:NS:NAME`,
audiences, times, the kubernetes.io claims of the account and the bound object), signed by nobody who can be
trusted: a replay has no key. A client that reads its claims sees what it would see; one that verifies it
against a cluster's keys must not.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Callable
from typing import Any

from ..wire.gostrings import quote, quote_list
from . import decoding, goorder
from .fielderrors import invalid
from .podvalidation import as_dict
from .writes import Outcome, Stamp, Target, fail, foreign_namespace, invalid_object

Obj = dict[str, Any]
ISSUER = "https://kubernetes.default.svc.cluster.local"  # kubeadm's, kind's and minikube's issuer and audience
_GROUP, _KIND = "authentication.k8s.io", "TokenRequest"
_BOUND = {"Pod": "pods", "Secret": "secrets", "Node": "nodes"}


def as_managed(answer: Obj, body: Obj) -> Obj:
    """The TokenRequest as the field manager saw it: decoded and defaulted (its expiration), before the registry
    filled in the audiences and the status."""
    spec = {k: v for k, v in as_dict(answer.get("spec")).items()
            if k != "audiences" or as_dict(body.get("spec")).get("audiences")}
    return {**{k: v for k, v in answer.items() if k != "status"}, "spec": spec}


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


_KEY_ID = "watchproxy-replay"


def _signature(signed: str, seed: str) -> str:
    return _b64(hashlib.sha512(f"{seed}|{signed}".encode()).digest())


def _jwt(claims: Obj, seed: str) -> str:
    head = _b64(json.dumps({"alg": "ES256", "kid": _KEY_ID}, separators=(",", ":")).encode())
    body = _b64(json.dumps(claims, separators=(",", ":")).encode())
    return f"{head}.{body}.{_signature(f'{head}.{body}', seed)}"


def request(t: Target, account: Obj | None, body: Obj, stamp: Stamp, lookup: Callable[[str, str], Obj | None],
            seed: int) -> Outcome:
    """POST serviceaccounts/NAME/token. `lookup(resource, name)` finds a pod, secret or node that a token is
    bound to (pods and secrets in the request's namespace)."""
    if (other := goorder.other_type_error(body, f"{_GROUP}/v1", _KIND)) is not None:  # (as the type it names)
        return fail(400, other, "BadRequest")
    if (error := decoding.type_error(body, _KIND, typed=True, api_version=f"{_GROUP}/v1")) is not None:
        return fail(400, f'{_KIND} in version "v1" cannot be handled as a {_KIND}: {error}', "BadRequest")
    name, meta = t.name, as_dict(body.get("metadata"))
    if (refused := foreign_namespace(t, meta)) is not None:
        return refused
    for key, want in (("name", name), ("namespace", t.namespace)):
        if meta.get(key) and meta[key] != want:
            why = f"must match the service account {key} if specified"
            return invalid_object(_GROUP, _KIND, name, [invalid(f"metadata.{key}", meta[key], why)])
    if account is None:
        return fail(404, f"serviceaccounts {quote(name)} not found", "NotFound",
                    {"name": name, "kind": "serviceaccounts"})
    held = as_dict(account.get("metadata"))
    uid = str(held.get("uid") or "")
    if meta.get("uid") and meta["uid"] != uid:
        return fail(409, f"Operation cannot be fulfilled on {_KIND}.{_GROUP} {quote(name)}: the UID in the token "
                         f"request ({meta['uid']}) does not match the UID of the service account ({uid})", "Conflict",
                    {"name": name, "group": _GROUP, "kind": _KIND})
    spec = as_dict(body.get("spec"))
    seconds = spec.get("expirationSeconds")
    seconds = 3600 if seconds is None else seconds
    audiences = list(spec.get("audiences") or [ISSUER])
    causes = []
    if seconds < 600:
        causes.append(invalid("spec.expirationSeconds", seconds, "may not specify a duration less than 10 minutes"))
    if seconds > 1 << 32:
        causes.append(invalid("spec.expirationSeconds", seconds, "may not specify a duration larger than 2^32 seconds"))
    if spec.get("attestations"):
        why = "attestations may only be specified with a webhook bound object reference"
        return invalid_object(_GROUP, _KIND, "", [invalid("spec.attestations", spec["attestations"], why)])
    if causes:
        return invalid_object(_GROUP, _KIND, "", causes)
    ref = spec.get("boundObjectRef")
    bound: Obj = {}
    if isinstance(ref, dict):
        kind, group = str(ref.get("kind") or ""), str(ref.get("apiVersion") or "").rpartition("/")[0]
        if group or kind not in _BOUND:
            version = str(ref.get("apiVersion") or "")
            return fail(400, f"cannot bind token to object of type {version}, Kind={kind}"
                        if "/" in version else f"cannot bind token to object of type /{version}, Kind={kind}",
                        "BadRequest")
        ref_name = str(ref.get("name") or "")
        target = lookup(_BOUND[kind], ref_name)
        if target is None:
            return fail(404, f'{_BOUND[kind]} "{ref_name}" not found', "NotFound",
                        {"name": ref_name, "kind": _BOUND[kind]})
        if kind == "Pod" and as_dict(target.get("spec")).get("serviceAccountName") != name:
            return fail(400, f'cannot bind token for serviceaccount "{name}" to pod running with different '
                             "serviceaccount name.", "BadRequest")
        target_uid = str(as_dict(target.get("metadata")).get("uid") or "")
        if ref.get("uid") and ref["uid"] != target_uid:
            return fail(409, f'Operation cannot be fulfilled on {kind} "{ref_name}": the UID in the bound object '
                             f"reference ({ref['uid']}) does not match the UID in record. The object might have been "
                             "deleted and then recreated", "Conflict", {"name": ref_name, "kind": kind})
        bound = {kind.lower(): {"name": ref_name, "uid": target_uid}}
    now = int(stamp.wall.timestamp())
    claims = {"aud": audiences, "exp": now + seconds, "iat": now, "iss": ISSUER, "jti": stamp.uid,
              "kubernetes.io": {"namespace": t.namespace, **bound,
                                "serviceaccount": {"name": name, "uid": uid}},
              "nbf": now, "sub": f"system:serviceaccount:{t.namespace}:{name}"}
    answer = {"kind": _KIND, "apiVersion": f"{_GROUP}/v1",
              "metadata": {"name": name, "namespace": t.namespace, "uid": uid, "creationTimestamp": stamp.timestamp},
              "spec": {"audiences": audiences, "expirationSeconds": seconds,
                       "boundObjectRef": {k: ref[k] for k in ("kind", "apiVersion", "name", "uid") if ref.get(k)}
                       if isinstance(ref, dict) else None},
              "status": {"token": _jwt(claims, f"{seed}|{stamp.uid}"), "expirationTimestamp": stamp.after(seconds)}}
    return Outcome(201, answer)


def review(t: Target, body: Obj, lookup: Callable[[str, str, str], Obj | None], seed: int, now: float) -> Outcome:
    """POST tokenreviews: who a token is, as the apiserver's service account authenticator decides for the tokens
    this replay made (their signature, issuer, audiences and times, the account and bound object still there,
    their uids unchanged); any other token is no one's. `lookup(resource, namespace, name)` finds an object,
    `now` is the replay's wall clock in Unix seconds."""
    if (error := decoding.type_error(body, "TokenReview", typed=True, api_version=f"{_GROUP}/v1")) is not None:
        return fail(400, f'TokenReview in version "v1" cannot be handled as a TokenReview: {error}', "BadRequest")
    spec = as_dict(body.get("spec"))
    token = spec.get("token")
    if not isinstance(token, str) or not token:
        return fail(400, "token is required for TokenReview in authentication", "BadRequest")
    asked = [str(a) for a in spec.get("audiences") or []] or [ISSUER]
    user, audiences, why = authenticated(token, asked, lookup, seed, now)
    if user is None:
        status: Obj = {"user": {}, "error": f"[invalid bearer token, {why}]" if why else "invalid bearer token"}
    else:
        status = {"authenticated": True, "user": user, "audiences": audiences}
    return Outcome(201, goorder.encoded({**body, "status": status}, "TokenReview", f"{_GROUP}/v1"))


_LEEWAY = 60  # go-jose's jwt.DefaultLeeway, in seconds
_EXTRA = "authentication.kubernetes.io/"


def _parts(token: str) -> tuple[Obj, Obj, str] | None:
    """A JWT's header, claims and signature, None if it is none (or its claims are not this cluster's issuer's:
    the service account authenticator passes such a token by)."""
    parts = token.split(".")
    try:
        head, claims = (json.loads(base64.urlsafe_b64decode(p + "=" * (-len(p) % 4))) for p in parts[:2])
    except (ValueError, TypeError):
        return None
    if len(parts) != 3 or not isinstance(claims, dict) or not isinstance(head, dict) or claims.get("iss") != ISSUER:
        return None
    return head, claims, parts[2]


def _signed(token: str, claims: Obj, signature: str, seed: int) -> bool:
    return signature == _signature(token.rpartition(".")[0], f"{seed}|{claims.get('jti')}")


def made_here(token: str, seed: int) -> bool:
    """Whether a replay of `seed` made the token (so it, and only it, can say who the token is)."""
    parsed = _parts(token)
    return parsed is not None and _signed(token, parsed[1], parsed[2], seed)


def authenticated(token: str, asked: list[str], lookup: Callable[[str, str, str], Obj | None], seed: int,
                  now: float) -> tuple[Obj | None, list[str], str]:
    """(user info, audiences, "") of a token this replay made and still honours, else (None, [], why): why
    empty where the token is not a service account token of this cluster at all (the authenticator passes)."""
    parsed = _parts(token)
    if parsed is None:
        return None, [], ""
    head, claims, signature = parsed
    if head.get("kid") not in ("", None, _KEY_ID):
        return None, [], "invalid signature, no keys found"
    if not _signed(token, claims, signature, seed):
        return None, [], "go-jose/go-jose: error in cryptographic primitive"
    aud = claims.get("aud")
    has = ([aud] if isinstance(aud, str) else [str(a) for a in aud] if isinstance(aud, list) else []) or [ISSUER]
    audiences = [a for a in has if a in asked]
    if not audiences:
        return None, [], f"token audiences {quote_list(has)} is invalid for the target audiences {quote_list(asked)}"
    times = {c: v for c in ("nbf", "exp", "iat") if isinstance(v := claims.get(c), int | float)}
    for claim, why in (("nbf", "is not valid yet"), ("exp", "has expired"), ("iat", "is issued in the future")):
        if claim in times and (now - _LEEWAY > times[claim] if claim == "exp" else now + _LEEWAY < times[claim]):
            return None, [], f"service account token {why}"
    private = as_dict(claims.get("kubernetes.io"))
    ns, account = str(private.get("namespace") or ""), as_dict(private.get("serviceaccount"))
    name, uid = str(account.get("name") or ""), str(account.get("uid") or "")
    held = lookup("serviceaccounts", ns, name)
    if held is None:
        return None, [], f'serviceaccount "{name}" not found'
    if (held_uid := as_dict(held.get("metadata")).get("uid")) != uid:
        return None, [], f"service account UID ({held_uid}) does not match claim ({uid})"
    extra: dict[str, list[str]] = {f"{_EXTRA}credential-id": [f"JTI={claims.get('jti')}"]}
    for kind, resource in (("secret", "secrets"), ("pod", "pods"), ("node", "nodes")):
        ref = private.get(kind)
        if not isinstance(ref, dict):
            continue
        bound = lookup(resource, "" if kind == "node" else ns, str(ref.get("name") or ""))
        if bound is None:
            return None, [], "service account token has been invalidated"
        if (bound_uid := as_dict(bound.get("metadata")).get("uid")) != ref.get("uid"):
            why = f"does not match service account {kind} ref claim ({ref.get('uid')})"
            return None, [], f"{kind} UID ({bound_uid}) {why}"
        if kind != "secret":
            extra |= {f"{_EXTRA}{kind}-name": [str(ref.get("name"))], f"{_EXTRA}{kind}-uid": [str(ref.get("uid"))]}
    user = {"username": f"system:serviceaccount:{ns}:{name}", "uid": uid,
            "groups": ["system:serviceaccounts", f"system:serviceaccounts:{ns}", "system:authenticated"],
            "extra": dict(sorted(extra.items()))}
    return user, audiences, ""
