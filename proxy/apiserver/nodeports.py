"""A Service's node ports as kube-apiserver's port allocator hands them out from the default
--service-node-port-range (30000-32767): ports of one number (TCP and UDP) share one node port; a node port
asked for must lie in the range and be free of every other Service's (a 422 at the port, as initNodePorts and
updateNodePorts word it; a dry run checks only that it is free, its health check port too); a drawn one
(defaults.py) that is taken moves to the next free one. A LoadBalancer Service with externalTrafficPolicy Local
holds a health check node port too; one asked for that cannot be had is the allocator's internal error, not a
validation error, and so is an update whose ports then hold one node port twice for one protocol (updateNodePorts,
before validation sees the ports repeated). Pure: what is taken, the caller says."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from .fielderrors import Cause, invalid

LOW, HIGH = 30000, 32767
Obj = dict[str, Any]


class Duplicate(ValueError):
    """updateNodePorts' plain error (not an API one: the handler answers a 500 with its text alone)."""


def _ports(service: Obj | None) -> list[Obj]:
    spec = (service or {}).get("spec") or {}
    return [p for p in spec.get("ports") or [] if isinstance(p, dict)] if isinstance(spec, dict) else []


def held(service: Obj | None) -> set[int]:
    """The node ports a Service holds, its health check node port included."""
    spec = (service or {}).get("spec") or {}
    ports = {p["nodePort"] for p in _ports(service) if isinstance(p.get("nodePort"), int) and p["nodePort"]}
    hc = spec.get("healthCheckNodePort") if isinstance(spec, dict) else None
    return ports | ({hc} if isinstance(hc, int) and hc else set())


def externally_accessible(spec: Obj) -> bool:
    """ExternallyAccessible: a node port or a load balancer, or a ClusterIP with external IPs (where an external
    traffic policy belongs)."""
    typ = spec.get("type")
    return typ in ("NodePort", "LoadBalancer") or (typ == "ClusterIP" and bool(spec.get("externalIPs")))


def needs_health_check(spec: Obj) -> bool:
    """NeedsHealthCheck: a LoadBalancer that keeps external traffic on the node it arrives at."""
    return spec.get("type") == "LoadBalancer" and spec.get("externalTrafficPolicy") == "Local"


def _problem(port: int, taken: Callable[[int], bool], dry_run: bool = False) -> str:
    """Why the allocator cannot have `port`; a dry run's operation checks only whether it is taken."""
    if not LOW <= port <= HIGH and not dry_run:
        return f"provided port is not in the valid range. The range of valid ports is {LOW}-{HIGH}"
    return "provided port is already allocated" if taken(port) else ""


def _next_free(start: int, taken: Callable[[int], bool]) -> int | None:
    span = HIGH - LOW + 1
    return next((port for port in (LOW + (start - LOW + k) % span for k in range(span)) if not taken(port)), None)


def allocate(old: Obj | None, new: Obj, sent: Any, taken: Callable[[int], bool],
             dry_run: bool = False) -> tuple[list[Cause], str]:
    """Why a write that turns `old` (None: a create) into `new` cannot have the node ports it names (422 causes),
    or the allocator's internal error for a health check node port (an update's ports that repeat a node port:
    Duplicate, raised); a drawn port that is taken is replaced in
    `new` by the next free one (all ports of its number alike). `sent`: the body as sent, any patch type (a port
    it names is asked for). `taken`: every other Service's node ports."""
    spec = new.get("spec") or {}
    kept = held(old)
    mine: dict[Any, int] = {}  # port number -> its node port, in this write
    causes: list[Cause] = []

    def busy(port: int) -> bool:
        return taken(port) or port in mine.values()

    for i, p in enumerate(_ports(new) if spec.get("type") in ("NodePort", "LoadBalancer") else []):
        node_port, number = p.get("nodePort"), p.get("port")
        if not isinstance(node_port, int) or not node_port or node_port in kept or mine.get(number) == node_port:
            continue
        if names(sent, str(node_port)):
            if problem := _problem(node_port, busy, dry_run):
                causes.append(invalid(f"spec.ports[{i}].nodePort", node_port, problem))
            else:
                mine[number] = node_port
            continue
        chosen = mine.get(number) or (node_port if not busy(node_port) else _next_free(node_port, busy))
        if chosen is None:
            continue  # (no port free: the reference's internal error, not modelled)
        for q in _ports(new):
            if q.get("port") == number and q.get("nodePort") == node_port:
                q["nodePort"] = chosen
        mine[number] = chosen
    if old is not None and not causes:
        _no_duplicates(new)
    hc = spec.get("healthCheckNodePort")
    if causes or not needs_health_check(spec) or not isinstance(hc, int) or not hc or hc in kept:
        return causes, ""
    if names(sent, str(hc)):
        problem = _problem(hc, busy, dry_run)
        return [], f"failed to allocate requested HealthCheck NodePort {hc}: {problem}" if problem else ""
    if busy(hc) and (free := _next_free(hc, busy)) is not None:
        spec["healthCheckNodePort"] = free
    return [], ""


def _no_duplicates(new: Obj) -> None:
    seen: set[tuple[Any, Any]] = set()
    for p in _ports(new):
        if isinstance(node_port := p.get("nodePort"), int) and node_port:
            if (pair := (p.get("protocol"), node_port)) in seen:
                raise Duplicate(f"duplicate nodePort: {{{pair[0]} {node_port}}}")
            seen.add(pair)


def names(sent: Any, value: str) -> bool:
    """Whether a request's body (an object, a patch of any type, an apply's text) names `value` (an IP, a port):
    the allocators tell what a client asked for from what was drawn for it."""
    text = sent if isinstance(sent, str) else json.dumps(sent)
    return re.search(rf"(?<![\w.]){re.escape(value)}(?![\w.])", text) is not None
