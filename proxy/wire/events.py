"""A watch event's identity read straight from the apiserver's encoding, without decoding the object.

Decoding every event of a long recording dominates the time to summarise or rebuild it. The apiserver
writes an event as `{"type":…,"object":{"kind":…,"apiVersion":…,"metadata":{…` with ObjectMeta's fields in
struct order (name, generateName, namespace, selfLink, uid, resourceVersion), so one anchored regex finds
type, kind, namespace, name and resourceVersion. Any other layout (escapes, another encoder) does not match,
and callers fall back to `json.loads`.
"""

from __future__ import annotations

import re
from typing import NamedTuple

APISERVER_EVENT = re.compile(
    rb'^\{"type":"([A-Z]+)","object":(?=\{"kind":"([^"\\]*)","apiVersion":"[^"\\]*","metadata":\{'
    rb'(?:"name":"([^"\\]*)",)?(?:"generateName":"[^"\\]*",)?(?:"namespace":"([^"\\]*)",)?'
    rb'(?:"selfLink":"[^"\\]*",)?(?:"uid":"[^"\\]*",)?"resourceVersion":"(\d*)")')


# Its groups: type, kind, name, namespace, resourceVersion (bytes); its match ends where the object starts.

_last: tuple[bytes, re.Match[bytes] | None] = (b"", None)


def apiserver_event(line: bytes) -> re.Match[bytes] | None:
    """`APISERVER_EVENT.match(line)`, remembered for the last line asked about: `inspect` looks at every
    event twice in its one pass (the summary, then the resource table), and so parses it once. One tuple,
    replaced whole: a thread asking about another line never gets this one's match."""
    global _last
    last = _last
    if last[0] is line:
        return last[1]
    m = APISERVER_EVENT.match(line)
    _last = (line, m)
    return m


class EventIdentity(NamedTuple):
    type: str
    kind: str
    name: str
    namespace: str
    resource_version: str
    object_at: int  # where the object's bytes start in the line


def identity(line: bytes) -> EventIdentity | None:
    m = APISERVER_EVENT.match(line)
    if m is None:
        return None
    typ, kind, name, ns, rv = m.groups(b"")
    return EventIdentity(typ.decode(), kind.decode(), name.decode(), ns.decode(), rv.decode(), m.end())
