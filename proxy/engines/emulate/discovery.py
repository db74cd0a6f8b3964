"""Discovery for emulate mode when the recording holds none, built from the recorded resource types and
the built-in ones (proxy.wire.kinds), in the legacy form every client understands; the same types are what
the OpenAPI documents describe (`served_types`, for proxy.wire.openapi).

Clients differ in what they ask first (kr8s: /version/, /api/, /api/v1, /apis/; kubectl: /api and /apis),
and a recording made with one client rarely holds another's discovery, so emulate mode answers it.
"""

from __future__ import annotations

from ...apiserver.history import ResourceTimeline
from ...wire import discovery
from ...wire.kinds import BUILTIN, ResourceType, builtin_by_path


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


def answer(path: str, timelines: dict[str, ResourceTimeline], git_version: str,
           defined: tuple[ResourceType, ...] = ()) -> bytes | None:
    """The discovery document for `path` (trailing slash or not), or None if it is not one; `defined`: the
    custom resources the definitions held serve."""
    wanted = path.rstrip("/") or "/"
    types = served_types(timelines, defined)
    if wanted.startswith("/apis/") and wanted.count("/") == 2:  # one group's versions
        return discovery.api_group_body(wanted.removeprefix("/apis/"), types)
    for doc_path, body in discovery.documents(git_version or "v1.36.0", types):
        if doc_path == wanted:
            return body
    return None
