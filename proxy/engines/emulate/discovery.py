"""Discovery for emulate mode when the recording holds none, built from the recorded resource types and
the built-in ones (proxy.wire.kinds), in the form each client asks for; the same types are what the OpenAPI
documents describe (`served_types`, for proxy.wire.openapi).

Clients differ in what they ask first (kr8s: /version/, /api/, /api/v1, /apis/; kubectl: /api and /apis),
and a recording made with one client rarely holds another's discovery, so emulate mode answers it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from ...apiserver.history import ResourceTimeline
from ...apiserver.routes import NOT_ALLOWED, NOT_FOUND
from ...wire import discovery, negotiation
from ...wire.kinds import BUILTIN, ResourceType, builtin_by_path
from ..playback import JSON_HEADERS


def well_known(collection_path: str) -> ResourceType | None:
    """A built-in type by its collection path (/api/v1/pods, /apis/apps/v1/deployments)."""
    parts = collection_path.strip("/").split("/")
    if parts[0] == "api" and len(parts) == 3:
        return builtin_by_path("", parts[1], parts[2])
    if parts[0] == "apis" and len(parts) == 4:
        return builtin_by_path(parts[1], parts[2], parts[3])
    return None


def served_types(timelines: dict[str, ResourceTimeline], defined: tuple[ResourceType, ...]) -> tuple[ResourceType, ...]:
    served = {(rt.group, rt.version, rt.plural) for rt in defined}
    recorded = tuple(ResourceType(tl.group, tl.version, tl.resource, tl.kind or tl.resource.capitalize(),
                                  tl.namespaced) for tl in timelines.values()
                     if (tl.group, tl.version, tl.resource) not in served)
    return BUILTIN + defined + recorded


Answer = tuple[int, tuple[tuple[str, str], ...], bytes]
"""(status, headers, body)"""
_DISCOVERY_PATH = re.compile(r"/api(/v1)?|/apis(/[^/]+){0,2}")


def answer(path: str, accept: str, if_none_match: str, types: tuple[ResourceType, ...], git_version: str,
           api_services: Iterable[Mapping[str, Any]]) -> Answer | None:
    """The discovery answer for a GET of `path` (trailing slash or not), or None if it is not one; `types`
    (served_types): what is served, `api_services`: the APIServices the cluster holds now, whose priorities
    order the groups. /api and /apis answer a client that asks for it with the aggregated document (its ETag
    honoured, a 304 for the one the client has)."""
    wanted = path.rstrip("/") or "/"
    if wanted != "/version" and not _DISCOVERY_PATH.fullmatch(wanted):
        return None
    held = list(api_services)
    priorities, remote = discovery.priorities_of(held), discovery.remote_of(held)
    body = discovery.document(wanted, git_version or discovery.RELEASE, types, priorities, remote=remote)
    if body is None:
        return None
    if wanted == "/version":  # a go-restful route of JSON only: not negotiated, but checked
        if (refusal := negotiation.restful_refusal(accept, ("application/json",))) is not None:
            return 406, JSON_HEADERS, negotiation.status_body(accept, 406, refusal, details={})
        return 200, JSON_HEADERS, body
    if restful(wanted) and (refusal := negotiation.restful_refusal(accept, negotiation.MEDIA_TYPES)) is not None:
        return 406, JSON_HEADERS, negotiation.status_body(accept, 406, refusal, details={})
    form = discovery.negotiated(accept, aggregated_served=path in discovery.AGGREGATED_PATHS)
    if form is None:
        return 406, JSON_HEADERS, negotiation.status_body(accept, 406, negotiation.NOT_ACCEPTABLE)
    if form == "legacy":
        return 200, JSON_HEADERS, body
    body, etag = discovery.aggregated(wanted, types, priorities, remote)
    headers = (("Cache-Control", "public"), ("Etag", f'"{etag}"'), ("Vary", "Accept"))
    if if_none_match == f'"{etag}"':
        return 304, headers, b""
    return 200, (headers[0], ("Content-Type", discovery.AGGREGATED_CONTENT_TYPE), *headers[1:]), body


def restful(path: str) -> bool:
    """Is `path` served by a go-restful route, which checks the Accept first (and takes GET alone: a HEAD is
    its 405): /api, /api/v1, a built-in group version and /version are; /apis and a group (the aggregator's)
    and a custom resource's group version are not."""
    if path.rstrip("/") == "/version":
        return True
    parts = path.strip("/").split("/")
    return parts[0] == "api" or (len(parts) == 3 and any((rt.group, rt.version) == (parts[1], parts[2])
                                                          for rt in BUILTIN))


def any_method(path: str) -> bool:
    """Is `path` the aggregator's /apis or a group's document, or a custom resources' group version's, which
    their handlers answer whatever the method (a POST to /apis/apps is the group's document, as a GET)?"""
    parts = path.strip("/").split("/")
    return parts[0] == "apis" and (len(parts) <= 2 or (len(parts) == 3 and not restful(path)))


def not_served(method: str, path: str, types: tuple[ResourceType, ...]) -> tuple[int, str] | None:
    """The apiserver's go-restful answer to a request nothing serves under one of its roots — /api, a
    built-in group, /version: 405 for a method its discovery route does not take, else 404 — as (code,
    message); None for a path outside them (another group, perhaps an extension's: the replay's miss says what
    the recording lacks)."""
    parts = path.strip("/").split("/")
    if parts[0] == "api":
        return (405, NOT_ALLOWED) if len(parts) == 1 or parts[1:] == ["v1"] else (404, NOT_FOUND)
    if parts[0] == "version":
        return (405, NOT_ALLOWED) if len(parts) == 1 else (404, NOT_FOUND)
    if parts[0] != "apis" or len(parts) < 3 or not any(rt.group == parts[1] for rt in BUILTIN):
        return None
    served = len(parts) == 3 and any((rt.group, rt.version) == (parts[1], parts[2]) for rt in types)
    return (405, NOT_ALLOWED) if served and method != "GET" else (404, NOT_FOUND)


UNAVAILABLE: Answer = (503, (("Cache-Control", "no-cache, private"), ("Content-Type", "text/plain; charset=utf-8"),
                             ("X-Content-Type-Options", "nosniff")), b"service unavailable\n")


def unavailable(path: str, types: tuple[ResourceType, ...], api_services: Iterable[Mapping[str, Any]]) -> bool:
    """Is `path` under a group version only an extension apiserver serves? The aggregator would proxy it
    there; a replay reaches no backend, so it answers as the aggregator does when none is available
    (`UNAVAILABLE`, whatever the method)."""
    parts = path.strip("/").split("/")
    return len(parts) >= 3 and parts[0] == "apis" and (parts[1], parts[2]) in discovery.remote_of(api_services) \
        and (parts[1], parts[2]) not in discovery.group_versions(types)
