"""The apiserver's health endpoints (`/healthz`, `/livez`, `/readyz`), as a replay that has no recorded answer
gives them: healthy. Tools and controllers ask before they start (`kubectl get --raw /readyz`, readiness
gates in test harnesses), and a real apiserver always answers them, in plain text, as k8s.io/apiserver's
healthz handler words it: each check it runs (health_checks.json, taken from a new kube-apiserver of the
release by tests/peers/realkube/bootstrapobjects.py, its post-start hooks among them) when asked `?verbose`,
those `exclude`d said so, and one check by its path."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources

from .params import query_pairs

ENDPOINTS = ("healthz", "livez", "readyz")
CHECKS_FILE = "health_checks.json"
CONTENT_TYPE = "text/plain; charset=utf-8"
_NOT_FOUND = (404, b"404 page not found\n")


@cache
def checks() -> dict[str, tuple[str, ...]]:
    """Each endpoint's checks, in the order it runs them."""
    data = json.loads(resources.files(__package__).joinpath(CHECKS_FILE).read_text())
    return {endpoint: tuple(names) for endpoint, names in data.items()}


def answer(path: str, query: str) -> tuple[int, bytes] | None:
    """(status, body) for a health path, None for any other path."""
    endpoint, slash, check = path.lstrip("/").partition("/")
    if endpoint not in ENDPOINTS:
        return None
    if slash:  # one check (`/livez/ping`, `/readyz/poststarthook/rbac/bootstrap-roles`); `/readyz/` is none
        return (200, b"ok") if check in checks()[endpoint] else _NOT_FOUND
    pairs = query_pairs(query)
    if "verbose" not in dict(pairs):
        return 200, b"ok"
    excluded = {v for k, v in pairs if k == "exclude"}
    lines = [f"[+]{c} excluded: ok" if c in excluded else f"[+]{c} ok" for c in checks()[endpoint]]
    if unknown := sorted(excluded - set(checks()[endpoint])):
        lines.append("warn: some health checks cannot be excluded: no matches for "
                     + ",".join(json.dumps(name) for name in unknown))
    return 200, "".join(f"{line}\n" for line in [*lines, f"{endpoint} check passed"]).encode()
