"""Discovery answers of a v1.37 apiserver for a set of resource types: the legacy (plain JSON) documents and
the aggregated one (apidiscovery.k8s.io/v2) that kubectl and client-go ask for first.

Many clients ask before they list: kr8s reads /version, /api, /api/v1 and /apis; kubectl and client-go ask
/api and /apis for the aggregated document and fall back to the legacy ones without it. Only groups whose
resource lists are recorded are announced, so a client following the announcements never asks for an
unrecorded document. Groups and versions come in the aggregator's order, from the APIServices' priorities.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from typing import Any, Literal

from . import negotiation
from .jsonenc import go_json, go_json_indent
from .kinds import BUILTIN, ResourceType

_SERVER_ADDRESS = "192.168.49.2:8443"


RELEASE = "v1.37.2"
"""The release whose apiserver emulate models (its types, defaults, validation, discovery): what /version says
where a recording does not say what it was made against (a synthesized one, by default)."""


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


Priorities = Mapping[tuple[str, str], tuple[int, int]]
"""(group, version) → an APIService's (groupPriorityMinimum, versionPriority): what orders discovery."""


def priorities_of(api_services: Iterable[Mapping[str, Any]]) -> dict[tuple[str, str], tuple[int, int]]:
    """The priorities APIService objects give their group versions (a group version without one: 0, 0, as
    the aggregated handler defaults it)."""
    out: dict[tuple[str, str], tuple[int, int]] = {}
    for svc in api_services:
        spec = svc.get("spec") or {}
        group, version = spec.get("group") or "", spec.get("version") or ""
        if version:
            out[(group, version)] = (int(spec.get("groupPriorityMinimum") or 0), int(spec.get("versionPriority") or 0))
    return out


def remote_of(api_services: Iterable[Mapping[str, Any]]) -> frozenset[tuple[str, str]]:
    """The group versions of APIServices an extension apiserver serves (they name a Service): discovery lists
    them whether or not anything answers there."""
    return frozenset((str((svc.get("spec") or {}).get("group") or ""), str((svc.get("spec") or {}).get("version")))
                     for svc in api_services if isinstance((svc.get("spec") or {}).get("service"), dict))


_KUBE_VERSION = re.compile(r"v(\d+)(?:(alpha|beta)(\d+))?")
_STABILITY = {"alpha": 0, "beta": 1, None: 2}


def version_order(version: str) -> tuple[int, int, int, int, str]:
    """A sort key putting versions in CompareKubeAwareVersionStrings' descending order: v2, v1, v1beta2,
    v1beta1, v1alpha1, then versions of another form by name."""
    m = _KUBE_VERSION.fullmatch(version)
    if m is None:
        return (1, 0, 0, 0, version)
    return (0, -_STABILITY[m[2]], -int(m[1]), -int(m[3] or 0), "")


def _versions_in_order(group: str, versions: list[str], priorities: Priorities) -> list[str]:
    """ByVersionPriority: the highest versionPriority first, kube-aware between equals."""
    return sorted(versions, key=lambda v: (-priorities.get((group, v), (0, 0))[1], version_order(v)))


def ordered_groups(types: tuple[ResourceType, ...], priorities: Priorities, *, aggregated: bool = False,
                   remote: frozenset[tuple[str, str]] = frozenset()) -> dict[str, list[str]]:
    """Each group beyond core with its versions (`remote`'s too), in the order /apis lists them. The legacy
    list is the aggregator's (apiregistration first, then its APIServices by groupPriorityMinimum, highest
    first, and name: a group where its first APIService falls); the aggregated one takes each group's highest
    minimum and breaks ties by group name."""
    versions: dict[str, list[str]] = {}
    served = group_versions(types)
    for group, version in [*served, *sorted(remote - set(served))]:
        if group:
            versions.setdefault(group, []).append(version)

    priorities = {**_AGGREGATOR_OWN, **priorities}

    def priority(group: str, version: str) -> int:
        return priorities.get((group, version), (0, 0))[0]
    if aggregated:
        order = sorted(versions, key=lambda g: (-max(priority(g, v) for v in versions[g]), g))
    else:
        order = list(dict.fromkeys(g for *_, g in sorted((-priority(g, v), f"{v}.{g}", g)
                                                         for g, vs in versions.items() for v in vs)))
    return {g: _versions_in_order(g, versions[g], priorities) for g in order}


# the aggregator's own group has no APIService: it puts itself first (APIRegistrationGroupPriority)
_AGGREGATOR_OWN = {("apiregistration.k8s.io", "v1"): (20001, 0)}


def _groups(types: tuple[ResourceType, ...], priorities: Priorities, remote: frozenset[tuple[str, str]]
            ) -> dict[str, dict[str, Any]]:
    """Each group's APIGroup: its versions in priority order (the preferred one first)."""
    groups: dict[str, dict[str, Any]] = {}
    for group, versions in ordered_groups(types, priorities, remote=remote).items():
        gvs = [{"groupVersion": f"{group}/{version}", "version": version} for version in versions]
        groups[group] = {"name": group, "versions": gvs, "preferredVersion": gvs[0]}
    return groups


def api_group_list_body(types: tuple[ResourceType, ...], priorities: Priorities,
                        remote: frozenset[tuple[str, str]] = frozenset()) -> bytes:
    return go_json({"kind": "APIGroupList", "apiVersion": "v1",
                    "groups": list(_groups(types, priorities, remote).values())}) + b"\n"


def api_group_body(group: str, types: tuple[ResourceType, ...], priorities: Priorities,
                   remote: frozenset[tuple[str, str]] = frozenset()) -> bytes | None:
    """/apis/GROUP: the group's APIGroup (None for a group not served)."""
    found = _groups(types, priorities, remote).get(group)
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


def _served(group: str, version: str, types: tuple[ResourceType, ...]) -> list[tuple[ResourceType, bool]]:
    """The resources of one group version by name, each with whether it is a built-in: every built-in of it
    (a cluster always has them, and emulate serves them all), plus the scenario's."""
    chosen: dict[str, tuple[ResourceType, bool]] = {}
    for rt in BUILTIN:
        if (rt.group, rt.version) == (group, version):
            chosen[rt.plural] = rt, True
    for rt in types:
        if (rt.group, rt.version) == (group, version):
            chosen.setdefault(rt.plural, (rt, False))
    return sorted(chosen.values(), key=lambda served: served[0].plural)


def resource_list_body(group: str, version: str, types: tuple[ResourceType, ...]) -> bytes:
    """APIResourceList of one group version."""
    # by resource, each followed by its subresources in their type's order (a custom resource's status
    # comes before its scale; the built-in types list theirs by name)
    entries = [e for rt, _ in _served(group, version, types) for e in _entries(rt)]
    doc: dict[str, Any] = {"kind": "APIResourceList"}
    if group:
        doc["apiVersion"] = "v1"
    doc.update(groupVersion=f"{group}/{version}" if group else version, resources=entries)
    return go_json(doc) + b"\n"


def document(path: str, server_version: str, types: tuple[ResourceType, ...], priorities: Priorities,
             git_commit: str = "", remote: frozenset[tuple[str, str]] = frozenset()) -> bytes | None:
    """The legacy discovery document at `path` (/version, /api, /apis, /api/v1, /apis/GROUP, /apis/GROUP/VERSION);
    None where there is none (a group version only an extension apiserver serves: the aggregator asks it)."""
    if path == "/version":
        return version_body(server_version, git_commit)
    if path == "/api":
        return api_versions_body()
    if path == "/apis":
        return api_group_list_body(types, priorities, remote)
    if path == "/api/v1":
        return resource_list_body("", "v1", types)
    parts = path.split("/")
    if len(parts) == 3 and parts[1] == "apis":
        return api_group_body(parts[2], types, priorities, remote)
    if len(parts) == 4 and parts[1] == "apis" and (parts[2], parts[3]) in group_versions(types):
        return resource_list_body(parts[2], parts[3], types)
    return None


def documents(server_version: str, types: tuple[ResourceType, ...], priorities: Priorities, git_commit: str = ""
              ) -> list[tuple[str, bytes]]:
    """(path, body) of every legacy discovery document but the groups', in the order a client asks for them."""
    paths = ["/version", "/api", "/apis", "/api/v1", *(f"/apis/{group}/{version}" for group, versions
                                                        in ordered_groups(types, priorities).items()
                                                        for version in versions)]
    return [(path, body) for path in paths
            if (body := document(path, server_version, types, priorities, git_commit)) is not None]


AGGREGATED_CONTENT_TYPE = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"
AGGREGATED_PATHS = frozenset({"/api", "/api/", "/apis"})  # (not /apis/: the real one 406s there)


def aggregated(path: str, types: tuple[ResourceType, ...], priorities: Priorities,
               remote: frozenset[tuple[str, str]] = frozenset()) -> tuple[bytes, str]:
    """The aggregated document of /api (core alone) or /apis (every other group), and its ETag: the
    SHA-512 of the list as the handler hashes it (before its kind and apiVersion are set). A version only an
    extension apiserver serves is `Stale` without resources: its backend never answered."""
    groups = {"": ["v1"]} if path == "/api" else ordered_groups(types, priorities, aggregated=True, remote=remote)
    served = set(group_versions(types)) | {("", "v1")}
    items = [{"metadata": {"name": group} if group else {}, "versions": [
        {"version": version, "resources": [_aggregated_resource(rt) if not builtin else _converted(_entries(rt))
                                           for rt, builtin in _served(group, version, types)],
         "freshness": "Current"} if (group, version) in served else {"version": version, "freshness": "Stale"}
        for version in versions]} for group, versions in groups.items()]
    etag = hashlib.sha512(go_json({"metadata": {}, "items": items})).hexdigest().upper()
    group, version, kind = negotiation.AGGREGATED_DISCOVERY
    return go_json({"kind": kind, "apiVersion": f"{group}/{version}", "metadata": {}, "items": items}) + b"\n", etag


def _converted(entries: list[dict[str, Any]]) -> dict[str, Any]:
    """A built-in resource's legacy entries (the resource, then its subresources) as one aggregated entry,
    as ConvertGroupVersionIntoToDiscovery makes it: a kind of the group itself has an empty group and
    version."""
    def kind_of(e: dict[str, Any]) -> dict[str, str]:
        return {"group": e.get("group", ""), "version": e.get("version", ""), "kind": e["kind"]}
    main, *subs = entries
    out: dict[str, Any] = {"resource": main["name"], "responseKind": kind_of(main),
                           "scope": "Namespaced" if main["namespaced"] else "Cluster",
                           "singularResource": main["singularName"], "verbs": main["verbs"]}
    out.update((k, main[k]) for k in ("shortNames", "categories") if k in main)
    if subs:
        out["subresources"] = [{"subresource": e["name"].partition("/")[2], "responseKind": kind_of(e),
                                "verbs": e["verbs"]} for e in subs]
    return out


def negotiated(accept: str, aggregated_served: bool) -> Literal["aggregated", "legacy"] | None:
    """What a discovery endpoint answers `accept` with: the aggregated document when a range asks for
    apidiscovery.k8s.io/v2 (only /api and /apis serve it); else the legacy one when a range takes JSON, YAML
    or protobuf as they are; else None, a 406. (Either is answered in JSON.)"""
    if aggregated_served and (got := negotiation.negotiate(accept, "discovery")) is not None \
            and got[1] == negotiation.AGGREGATED_DISCOVERY:
        return "aggregated"
    return "legacy" if negotiation.negotiate(accept, "default") is not None else None


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

