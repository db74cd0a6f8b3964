"""Discovery documents: ``/api``, ``/apis``, ``/api/v1``, ``/apis/GROUP[/VERSION]``.

Every client does discovery before it lists or watches (kubectl, kr8s, the dynamic client), and kubectl
1.36 asks for aggregated discovery first: only an answer carrying exactly the aggregated media type
stops it from falling back to the legacy per-group documents.
"""

from __future__ import annotations

from .encoding import JsonObject
from .objects import RESOURCES, ResourceType

AGGREGATED_MEDIA_TYPE = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"


def _groups() -> dict[str, list[str]]:
    groups: dict[str, list[str]] = {}
    for rt in RESOURCES:
        versions = groups.setdefault(rt.group, [])
        if rt.version not in versions:
            versions.append(rt.version)
    return groups


def api_versions(server_address: str) -> JsonObject:
    """``GET /api`` (legacy): the core group's versions. The real answer has no apiVersion field."""
    return {
        "kind": "APIVersions",
        "versions": ["v1"],
        "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": server_address}],
    }


def api_group(name: str) -> JsonObject | None:
    """``GET /apis/GROUP``: one named group, or None when not served."""
    versions = _groups().get(name)
    if not name or versions is None:
        return None
    entries = [{"groupVersion": f"{name}/{v}", "version": v} for v in versions]
    return {
        "kind": "APIGroup",
        "apiVersion": "v1",
        "name": name,
        "versions": entries,
        "preferredVersion": entries[0],
    }


def api_group_list() -> JsonObject:
    """``GET /apis`` (legacy): every named group."""
    groups = []
    for name in _groups():
        if name:
            group = api_group(name)
            assert group is not None
            groups.append({k: v for k, v in group.items() if k not in ("kind", "apiVersion")})
    return {"kind": "APIGroupList", "apiVersion": "v1", "groups": groups}


def _api_resource(rt: ResourceType) -> list[JsonObject]:
    main: JsonObject = {
        "name": rt.plural,
        "singularName": rt.singular,
        "namespaced": rt.namespaced,
        "kind": rt.kind,
        "verbs": list(rt.verbs),
    }
    if rt.short_names:
        main["shortNames"] = list(rt.short_names)
    if rt.categories:
        main["categories"] = list(rt.categories)
    if rt.storage_version_hash:
        main["storageVersionHash"] = rt.storage_version_hash
    out = [main]
    for sub, kind, verbs in rt.subresources:
        entry: JsonObject = {"name": f"{rt.plural}/{sub}", "singularName": "", "namespaced": rt.namespaced}
        if kind in ("Scale", "Eviction", "Binding"):
            entry["group"] = {"Scale": "autoscaling", "Eviction": "policy", "Binding": ""}[kind]
            entry["version"] = "v1"
            if not entry["group"]:
                del entry["group"], entry["version"]
        entry["kind"] = kind
        entry["verbs"] = list(verbs)
        out.append(entry)
    return out


def api_resource_list(group: str, version: str) -> JsonObject | None:
    """``GET /api/v1`` or ``GET /apis/GROUP/VERSION``; the core list has no apiVersion field."""
    served = [rt for rt in RESOURCES if rt.group == group and rt.version == version]
    if not served:
        return None
    resources = [entry for rt in sorted(served, key=lambda r: r.plural) for entry in _api_resource(rt)]
    doc: JsonObject = {"kind": "APIResourceList"}
    if group:
        doc["apiVersion"] = "v1"
    doc["groupVersion"] = f"{group}/{version}" if group else version
    doc["resources"] = resources
    return doc


def _discovery_resource(rt: ResourceType) -> JsonObject:
    entry: JsonObject = {
        "resource": rt.plural,
        "responseKind": {"group": rt.group, "version": rt.version, "kind": rt.kind},
        "scope": "Namespaced" if rt.namespaced else "Cluster",
        "singularResource": rt.singular,
        "verbs": list(rt.verbs),
    }
    if rt.short_names:
        entry["shortNames"] = list(rt.short_names)
    if rt.categories:
        entry["categories"] = list(rt.categories)
    if rt.subresources:
        entry["subresources"] = [
            {
                "subresource": sub,
                "responseKind": {
                    "group": {"Scale": "autoscaling", "Eviction": "policy"}.get(kind, rt.group),
                    "version": "v1" if kind in ("Scale", "Eviction") else rt.version,
                    "kind": kind,
                },
                "verbs": list(verbs),
            }
            for sub, kind, verbs in rt.subresources
        ]
    return entry


def aggregated(legacy_core: bool) -> JsonObject:
    """``APIGroupDiscoveryList`` for ``/api`` (``legacy_core``) or ``/apis``.

    Kubernetes 1.34+ writes group metadata without ``creationTimestamp``; the core group has no name.
    """
    items = []
    for name, versions in _groups().items():
        if bool(name) == legacy_core:
            continue
        item: JsonObject = {"metadata": {"name": name} if name else {}}
        item["versions"] = [
            {
                "version": version,
                "resources": [
                    _discovery_resource(rt)
                    for rt in sorted(RESOURCES, key=lambda r: r.plural)
                    if rt.group == name and rt.version == version
                ],
                "freshness": "Current",
            }
            for version in versions
        ]
        items.append(item)
    return {
        "kind": "APIGroupDiscoveryList",
        "apiVersion": "apidiscovery.k8s.io/v2",
        "metadata": {},
        "items": items,
    }


def version_info(git_version: str) -> JsonObject:
    """``GET /version``: build information; ``major``/``minor`` derive from ``git_version``."""
    core = git_version.lstrip("v").split("-")[0]
    major, minor = core.split(".")[:2]
    return {
        "major": major,
        "minor": minor,
        "emulationMajor": major,
        "emulationMinor": minor,
        "minCompatibilityMajor": major,
        "minCompatibilityMinor": str(max(int(minor) - 1, 0)),
        "gitVersion": git_version,
        "gitCommit": "0b4ae0a6b7d3cb8ab03f6a7b2e1f0e7d6b0b2f41",
        "gitTreeState": "clean",
        "buildDate": "2026-04-22T16:00:00Z",
        "goVersion": "go1.26.2",
        "compiler": "gc",
        "platform": "linux/amd64",
    }
