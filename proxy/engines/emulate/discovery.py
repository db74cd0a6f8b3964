"""Discovery for emulate mode when the recording holds none: built from the recorded resource types and
the well-known built-in ones, in the legacy (non-aggregated) form every client understands.

Clients differ in what they ask first (kr8s: /version/, /api/, /api/v1, /apis/; kubectl: /api and /apis),
and a recording made with one client rarely holds another's discovery, so emulate mode answers it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from proxy.engines.emulate.timeline import ResourceTimeline

_VERBS = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"]


@dataclass(frozen=True)
class Known:
    group: str
    version: str
    resource: str
    kind: str
    namespaced: bool
    short: tuple[str, ...] = ()

    @property
    def collection_path(self) -> str:
        base = f"/apis/{self.group}/{self.version}" if self.group else f"/api/{self.version}"
        return f"{base}/{self.resource}"


WELL_KNOWN = [
    Known("", "v1", "pods", "Pod", True, ("po",)),
    Known("", "v1", "services", "Service", True, ("svc",)),
    Known("", "v1", "configmaps", "ConfigMap", True, ("cm",)),
    Known("", "v1", "secrets", "Secret", True),
    Known("", "v1", "events", "Event", True, ("ev",)),
    Known("", "v1", "endpoints", "Endpoints", True, ("ep",)),
    Known("", "v1", "serviceaccounts", "ServiceAccount", True, ("sa",)),
    Known("", "v1", "persistentvolumeclaims", "PersistentVolumeClaim", True, ("pvc",)),
    Known("", "v1", "namespaces", "Namespace", False, ("ns",)),
    Known("", "v1", "nodes", "Node", False, ("no",)),
    Known("", "v1", "persistentvolumes", "PersistentVolume", False, ("pv",)),
    Known("apps", "v1", "deployments", "Deployment", True, ("deploy",)),
    Known("apps", "v1", "replicasets", "ReplicaSet", True, ("rs",)),
    Known("apps", "v1", "statefulsets", "StatefulSet", True, ("sts",)),
    Known("apps", "v1", "daemonsets", "DaemonSet", True, ("ds",)),
    Known("batch", "v1", "jobs", "Job", True),
    Known("batch", "v1", "cronjobs", "CronJob", True, ("cj",)),
]
_BY_PATH = {k.collection_path: k for k in WELL_KNOWN}


def well_known(collection_path: str) -> Known | None:
    return _BY_PATH.get(collection_path)


def _all(timelines: dict[str, ResourceTimeline]) -> list[Known]:
    out = {k.collection_path: k for k in WELL_KNOWN}
    for path, tl in timelines.items():
        if path not in out:
            out[path] = Known(tl.group, tl.version, tl.resource, tl.kind or tl.resource.capitalize(),
                              tl.namespaced)
    return list(out.values())


def _resource_list(gv: str, items: list[Known]) -> dict[str, Any]:
    return {"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": gv, "resources": [
        {"name": k.resource, "singularName": k.kind.lower(), "namespaced": k.namespaced, "kind": k.kind,
         "verbs": _VERBS, **({"shortNames": list(k.short)} if k.short else {})} for k in items]}


def answer(path: str, timelines: dict[str, ResourceTimeline], git_version: str) -> dict[str, Any] | None:
    """The discovery document for `path`, or None if it is not a discovery path this knows."""
    p = path.rstrip("/") or "/"
    known = _all(timelines)
    if p == "/version":
        v = git_version or "v1.36.0"
        major, _, rest = v.lstrip("v").partition(".")
        return {"major": major, "minor": rest.split(".")[0], "emulationMajor": major,
                "emulationMinor": rest.split(".")[0], "gitVersion": v, "gitCommit": "", "gitTreeState": "clean",
                "buildDate": "", "goVersion": "", "compiler": "gc", "platform": "linux/amd64"}
    if p == "/api":
        return {"kind": "APIVersions", "versions": ["v1"],
                "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": "127.0.0.1:6443"}]}
    if p == "/apis":
        groups: dict[str, list[str]] = {}
        for k in known:
            if k.group and k.version not in groups.setdefault(k.group, []):
                groups[k.group].append(k.version)
        return {"kind": "APIGroupList", "apiVersion": "v1", "groups": [
            {"name": g, "versions": [{"groupVersion": f"{g}/{v}", "version": v} for v in vs],
             "preferredVersion": {"groupVersion": f"{g}/{vs[0]}", "version": vs[0]}}
            for g, vs in sorted(groups.items())]}
    parts = p.strip("/").split("/")
    if parts[0] == "api" and len(parts) == 2:
        items = [k for k in known if not k.group and k.version == parts[1]]
        return _resource_list(parts[1], items) if items else None
    if parts[0] == "apis" and len(parts) == 3:
        items = [k for k in known if k.group == parts[1] and k.version == parts[2]]
        return _resource_list(f"{parts[1]}/{parts[2]}", items) if items else None
    return None
