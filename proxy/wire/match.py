"""How exact replay matches an incoming request to recorded ones, and explains a miss.

A match key ignores what legitimately changes between runs (`resourceVersion`, `timeoutSeconds`,
`timeout`) and normalises what is spelled differently by different clients for the same meaning (boolean
values, parameter order, Accept variants that select the same representation). Selectors, paths and the
representation still have to agree.
"""

from __future__ import annotations

import dataclasses
import difflib
from dataclasses import dataclass

from .params import parse_bool, query_pairs

VOLATILE = frozenset({"resourceVersion", "timeoutSeconds", "timeout"})
_BOOLEANS = frozenset({"watch", "allowWatchBookmarks", "sendInitialEvents", "pretty"})


def representation(accept: str) -> str:
    """Which representation an Accept header selects: table, discovery-v2, protobuf, json or other."""
    a = accept.replace(" ", "").lower()
    if "as=table" in a:
        return "table"
    if "as=apigroupdiscoverylist" in a:
        return "discovery"
    first = a.split(",")[0].split(";")[0]
    if first.startswith("application/vnd.kubernetes.protobuf"):
        return "protobuf"
    if first in ("", "*/*", "application/json", "application/*"):
        return "json"
    return first


def accepts_json(accept: str) -> bool:
    """Does this Accept header take plain JSON (an absent header does)?"""
    a = accept.replace(" ", "").lower()
    return not a or any(p.split(";")[0] in ("application/json", "*/*", "application/*") for p in a.split(","))


def wants_table(accept: str) -> bool:
    return representation(accept) == "table"


def prefer_json(accept: str) -> str:
    """The Accept header without protobuf when the client accepts JSON as well, else unchanged.

    client-go asks for `application/vnd.kubernetes.protobuf, application/json` by default; a recording of
    JSON can be rebuilt into a watch cache and read by anyone, one of protobuf cannot (without schemas).
    """
    ranges = [r.strip() for r in accept.split(",") if r.strip()]
    rest = [r for r in ranges if not r.lower().startswith("application/vnd.kubernetes.protobuf")]
    if len(rest) == len(ranges) or not rest or not accepts_json(",".join(rest)):
        return accept
    return ", ".join(rest)


def normalized_query(query: str) -> str:
    pairs = []
    for k, v in query_pairs(query):
        if k in VOLATILE:
            continue
        if k in _BOOLEANS:
            v = "true" if parse_bool(v) else "false"
        pairs.append((k, v))
    return "&".join(f"{k}={v}" for k, v in sorted(pairs))


@dataclass(frozen=True, slots=True)
class MatchKey:
    method: str
    path: str
    query: str
    representation: str

    def __str__(self) -> str:
        q = f"?{self.query}" if self.query else ""
        rep = "" if self.representation == "json" else f" [{self.representation}]"
        return f"{self.method} {self.path}{q}{rep}"


def match_key(method: str, path: str, query: str, accept: str) -> MatchKey:
    return MatchKey(method.upper(), path, normalized_query(query), representation(accept))


def legacy_discovery(key: MatchKey, accept: str) -> MatchKey | None:
    """The key of the legacy answer to an aggregated discovery request whose Accept takes plain JSON too
    (kubectl's, client-go's): what a recording that holds only the legacy document (a synthesized one, one
    another client made) answers it with, as an apiserver without aggregated discovery would."""
    plain = any(r.split(";")[0].strip().lower() in ("application/json", "*/*", "application/*")
                and "as=" not in r.replace(" ", "").lower() for r in accept.split(","))
    return dataclasses.replace(key, representation="json") if key.representation == "discovery" and plain else None


def differences(want: MatchKey, have: MatchKey) -> list[str]:
    """What keeps `have` (recorded) from answering `want` (asked), in words."""
    out = []
    for name in ("method", "path", "query", "representation"):
        a, b = getattr(want, name), getattr(have, name)
        if a != b:
            out.append(f"{name} {b!r} != {a!r}")
    return out


def nearest(want: MatchKey, candidates: list[MatchKey], n: int = 3) -> list[MatchKey]:
    def score(c: MatchKey) -> float:
        s = difflib.SequenceMatcher(None, str(want), str(c)).ratio()
        return s + (1.0 if c.path == want.path else 0.0) + (0.5 if c.method == want.method else 0.0)

    return sorted(set(candidates), key=lambda c: (-score(c), str(c)))[:n]
