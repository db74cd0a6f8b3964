"""Legacy (plain JSON) discovery answers of a v1.36 apiserver for a set of resource types.

Many clients ask before they list: kr8s reads /version, /api, /api/v1 and /apis; kubectl falls back to
the legacy documents when it does not get aggregated discovery. Only groups whose resource lists are
recorded are announced, so a client following the announcements never asks for an unrecorded document.
"""

from __future__ import annotations

import json
from typing import Any

from .jsonenc import go_json, go_json_indent
from .kinds import BUILTIN, ResourceType

_SERVER_ADDRESS = "192.168.49.2:8443"


def version_body(server_version: str, git_commit: str = "") -> bytes:
    """/version: written with MarshalIndent, no trailing newline, like the apiserver's."""
    core = server_version.lstrip("v").split("-")[0].split("+")[0].split(".")
    major, minor = [*core, "0", "0"][:2]
    prev_minor = str(max(int(minor) - 1, 0)) if minor.isdigit() else minor
    info = {
        "major": major, "minor": minor, "emulationMajor": major, "emulationMinor": minor,
        "minCompatibilityMajor": major, "minCompatibilityMinor": prev_minor,
        "gitVersion": server_version, "gitCommit": git_commit,
        "gitTreeState": "clean", "buildDate": "2026-04-22T16:01:55Z", "goVersion": "go1.26.2",
        "compiler": "gc", "platform": "linux/amd64",
    }
    return go_json_indent(info)


def api_versions_body() -> bytes:
    return go_json({"kind": "APIVersions", "versions": ["v1"],
                    "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0",
                                                    "serverAddress": _SERVER_ADDRESS}]}) + b"\n"


def group_versions(types: tuple[ResourceType, ...]) -> list[tuple[str, str]]:
    """The (group, version) pairs beyond core: the built-in ones a cluster always serves (emulate serves
    them all), then the scenario's own, in first-use order."""
    out: list[tuple[str, str]] = []
    for rt in (*BUILTIN, *types):
        if rt.group and (rt.group, rt.version) not in out:
            out.append((rt.group, rt.version))
    return out


def _groups(types: tuple[ResourceType, ...]) -> dict[str, dict[str, Any]]:
    """Each group's APIGroup: its versions in the order first met (the preferred one first)."""
    groups: dict[str, dict[str, Any]] = {}
    for group, version in group_versions(types):
        gv = {"groupVersion": f"{group}/{version}", "version": version}
        groups.setdefault(group, {"name": group, "versions": [], "preferredVersion": gv})["versions"].append(gv)
    return groups


def api_group_list_body(types: tuple[ResourceType, ...]) -> bytes:
    return go_json({"kind": "APIGroupList", "apiVersion": "v1", "groups": list(_groups(types).values())}) + b"\n"


def api_group_body(group: str, types: tuple[ResourceType, ...]) -> bytes | None:
    """/apis/GROUP: the group's APIGroup (None for a group not served)."""
    found = _groups(types).get(group)
    return go_json({"kind": "APIGroup", "apiVersion": "v1", **found}) + b"\n" if found is not None else None


def _entries(rt: ResourceType) -> list[dict[str, Any]]:
    main: dict[str, Any] = {"name": rt.plural, "singularName": rt.singular or rt.kind.lower(),
                            "namespaced": rt.namespaced, "kind": rt.kind, "verbs": list(rt.verbs)}
    if rt.short_names:
        main["shortNames"] = list(rt.short_names)
    if rt.categories:
        main["categories"] = list(rt.categories)
    if rt.storage_version_hash:
        main["storageVersionHash"] = rt.storage_version_hash
    subs = [{"name": f"{rt.plural}/{sub}", "singularName": "", "namespaced": rt.namespaced,
             **_OTHER_GROUP.get(kind, {}), "kind": kind, "verbs": list(verbs)} for sub, kind, verbs in rt.subresources]
    return [main, *subs]


# Subresources whose kind lives in another group say so (kubectl drain evicts only when pods/eviction does)
_OTHER_GROUP = {"Eviction": {"group": "policy", "version": "v1"}, "Scale": {"group": "autoscaling", "version": "v1"},
                "TokenRequest": {"group": "authentication.k8s.io", "version": "v1"}}


def resource_list_body(group: str, version: str, types: tuple[ResourceType, ...]) -> bytes:
    """APIResourceList of one group version: every built-in of it (a cluster always has them, and emulate
    serves them all), plus the scenario's."""
    chosen: dict[str, ResourceType] = {}
    for rt in BUILTIN:
        if (rt.group, rt.version) == (group, version):
            chosen[rt.plural] = rt
    for rt in types:
        if (rt.group, rt.version) == (group, version):
            chosen.setdefault(rt.plural, rt)
    # by resource, each followed by its subresources in their type's order (a custom resource's status
    # comes before its scale; the built-in types list theirs by name)
    entries = [e for rt in sorted(chosen.values(), key=lambda rt: rt.plural) for e in _entries(rt)]
    doc: dict[str, Any] = {"kind": "APIResourceList"}
    if group:
        doc["apiVersion"] = "v1"
    doc.update(groupVersion=f"{group}/{version}" if group else version, resources=entries)
    return go_json(doc) + b"\n"


def documents(server_version: str, types: tuple[ResourceType, ...], git_commit: str = ""
              ) -> list[tuple[str, bytes]]:
    """(path, body) of every discovery document, in the order a client asks for them."""
    docs = [("/version", version_body(server_version, git_commit)), ("/api", api_versions_body()),
            ("/apis", api_group_list_body(types)), ("/api/v1", resource_list_body("", "v1", types))]
    for group, version in group_versions(types):
        docs.append((f"/apis/{group}/{version}", resource_list_body(group, version, types)))
    return docs


def _aggregated_resource(rt: ResourceType) -> dict[str, Any]:
    """A custom resource's entry in aggregated discovery (apidiscovery.k8s.io/v2)."""
    gvk = {"group": rt.group, "version": rt.version, "kind": rt.kind}
    out: dict[str, Any] = {"resource": rt.plural, "responseKind": gvk,
                           "scope": "Namespaced" if rt.namespaced else "Cluster",
                           "singularResource": rt.singular or rt.kind.lower(), "verbs": list(rt.verbs)}
    if rt.short_names:
        out["shortNames"] = list(rt.short_names)
    if rt.categories:
        out["categories"] = list(rt.categories)
    if rt.subresources:
        out["subresources"] = [{"subresource": sub, "responseKind": {
            **({"group": rt.group, "version": rt.version} if kind == rt.kind else
               {k: v for k, v in _OTHER_GROUP.get(kind, {}).items()}), "kind": kind}, "verbs": list(verbs)}
            for sub, kind, verbs in rt.subresources]
    return out


def with_types(body: bytes, types: tuple[ResourceType, ...]) -> bytes | None:
    """A recorded `/apis` (APIGroupList, or aggregated APIGroupDiscoveryList, in JSON) with the group versions
    and resources of `types` it lacks added, as the apiserver lists custom resources a definition made;
    None when it lacks none or is neither (then it is served as recorded)."""
    try:
        doc = json.loads(body)
    except ValueError:
        return None
    changed = False
    if isinstance(doc, dict) and doc.get("kind") == "APIGroupList" and isinstance(doc.get("groups"), list):
        for rt in types:
            gv = {"groupVersion": f"{rt.group}/{rt.version}", "version": rt.version}
            group = next((g for g in doc["groups"] if isinstance(g, dict) and g.get("name") == rt.group), None)
            if group is None:
                doc["groups"].append({"name": rt.group, "versions": [gv], "preferredVersion": gv})
            elif gv not in (group.get("versions") or []):
                group.setdefault("versions", []).append(gv)
            else:
                continue
            changed = True
    elif isinstance(doc, dict) and doc.get("kind") == "APIGroupDiscoveryList" and isinstance(doc.get("items"), list):
        for rt in types:
            item = next((i for i in doc["items"] if isinstance(i, dict)
                         and (i.get("metadata") or {}).get("name") == rt.group), None)
            if item is None:
                item = {"metadata": {"name": rt.group}, "versions": []}
                doc["items"].append(item)
            version = next((v for v in item.get("versions") or [] if v.get("version") == rt.version), None)
            if version is None:
                version = {"version": rt.version, "resources": [], "freshness": "Current"}
                item.setdefault("versions", []).append(version)
            if any(r.get("resource") == rt.plural for r in version.get("resources") or []):
                continue
            version.setdefault("resources", []).append(_aggregated_resource(rt))
            changed = True
    if not changed:
        return None
    return go_json(doc) + (b"\n" if body.endswith(b"\n") else b"")

