"""The objects kube-apiserver writes when it starts, beside its namespaces: the RBAC policy, the system
PriorityClasses, API Priority and Fairness's configuration, the aggregator's local APIServices, the `kubernetes`
Service with its ServiceCIDR and IPAddress (bootstrap_objects.json, taken from a new real apiserver of the
release by tests/peers/realkube/bootstrapobjects.py).

A cluster always has them: `kubectl get clusterroles` lists seventy, a pod may name `system-node-critical`,
a binding to `view` grants what `view` holds. A replay serves them where its recording holds none of their kind
(emulate/engine.py), and authorizes by the RBAC ones where it holds none of the name (rbac.py).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from functools import cache
from importlib import resources
from typing import Any

from ..wire.jsonenc import go_json
from .goorder import ordered_meta

FILE = "bootstrap_objects.json"
TIME = "<start>"  # where the file had a time: a replay's start
_RBAC = "/apis/rbac.authorization.k8s.io/v1/"
API_SERVICES = "/apis/apiregistration.k8s.io/v1/apiservices"
SERVICE_CIDRS, IP_ADDRESSES = "/apis/networking.k8s.io/v1/servicecidrs", "/apis/networking.k8s.io/v1/ipaddresses"
AUTOMANAGED = "kube-aggregator.kubernetes.io/automanaged"
COLLECTIONS = (f"{_RBAC}clusterroles", f"{_RBAC}clusterrolebindings", f"{_RBAC}roles", f"{_RBAC}rolebindings",
               "/apis/scheduling.k8s.io/v1/priorityclasses", "/apis/flowcontrol.apiserver.k8s.io/v1/flowschemas",
               "/apis/flowcontrol.apiserver.k8s.io/v1/prioritylevelconfigurations", API_SERVICES,
               "/api/v1/services", SERVICE_CIDRS, IP_ADDRESSES)
# the `kubernetes` Service's addresses as a cluster has them (minikube's, as /api's serverAddress): the capture
# puts them where the test apiserver had its own (tests/peers/realkube/bootstrapobjects.py)
SERVICE_CIDR, SERVICE_IP, SECURE_PORT = "10.96.0.0/12", "10.96.0.1", 8443

Obj = dict[str, Any]


@cache
def objects() -> Mapping[str, Sequence[Obj]]:
    """Each collection's objects as the apiserver lists them, without uid, resourceVersion and times."""
    data: Mapping[str, Sequence[Obj]] = json.loads(resources.files(__package__).joinpath(FILE).read_text())
    return data


def rbac(resource: str) -> Sequence[Obj]:
    """The bootstrap roles or bindings (`resource`: clusterroles, clusterrolebindings, roles, rolebindings)."""
    return objects()[_RBAC + resource]


Key = tuple[str, str]
_UID, _RV = "<uid>", "<resourceVersion>"  # (markers, as TIME is, for what each replay gives)


@cache
def templates(path: str) -> tuple[tuple[Key, bytes], ...]:
    """Each object of a collection: its (namespace, name) and its JSON as the apiserver encodes it, with markers
    where a replay puts its uid, resourceVersion and start (encoded once: a replay starts often)."""
    out = []
    for obj in objects()[path]:
        meta = obj["metadata"]
        marked = ordered_meta({**meta, "uid": _UID, "resourceVersion": _RV, "creationTimestamp": TIME})
        out.append(((str(meta.get("namespace", "")), str(meta["name"])), go_json({**obj, "metadata": marked})))
    return tuple(out)


_MARKED = tuple(go_json(marker)[1:-1] for marker in (_UID, _RV, TIME))  # (as JSON escapes them)


def filled(template: bytes, uid: str, rv: int, timestamp: str) -> bytes:
    """One of them as a cluster that started at `timestamp` holds it (a uuid, a number and an RFC 3339 time
    need no escaping)."""
    for marked, value in zip(_MARKED, (uid, str(rv), timestamp), strict=True):
        template = template.replace(marked, value.encode())
    return template



def made_at(template: Obj, timestamp: str) -> Obj:
    """A copy of one of them with the times a component writing it at `timestamp` gives it."""
    filled_in: Obj = json.loads(json.dumps(template).replace(json.dumps(TIME), json.dumps(timestamp)))
    return filled_in


def registered_api_service(group: str, version: str, uid: str, timestamp: str) -> Obj:
    """The APIService the CRD registration controller makes for a version a definition serves: one of the
    aggregator's own, as its local ones are (Local, always available), but labelled `automanaged: true` and at
    the priorities every definition's versions get (crdregistration_controller.go)."""
    obj = made_at(next(o for o in objects()[API_SERVICES] if o["spec"].get("group")), timestamp)  # (a named group's)
    meta = obj["metadata"]
    meta.update(name=f"{version}.{group}", labels={AUTOMANAGED: "true"}, uid=uid, creationTimestamp=timestamp)
    obj["metadata"] = ordered_meta(meta)
    obj["spec"] = {"group": group, "version": version, "groupPriorityMinimum": 1000, "versionPriority": 100}
    return obj
