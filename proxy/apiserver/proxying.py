"""The proxy subresources (`services/NAME[:PORT]/proxy[/PATH]`, and of pods and nodes; `kubectl proxy` URLs,
dashboards, `kubectl get --raw`): the apiserver's part of them, before it would open a connection, which a
replay can play; the connection itself it cannot make, having no network to the cluster's pods and nodes.

As the registries' ResourceLocation find where to go (pkg/registry/core/service/storage, pod/strategy.go,
node/strategy.go), after the connect handler has refused any dryRun: the name as `[scheme:]name[:port]`
(http or https only), then for a service with a port number the service (404) and that port (503), its
endpoint slices (no ready endpoint on a pod: 503 `no endpoints available`); for a pod the pod (404) and an
address it may be reached at (400 `address not allowed`); for a node the node (404) and an address of a
type the apiserver reaches kubelets by (500). Where the apiserver would now connect, a replay answers a 503
that says why it does not.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from typing import Any

from ..wire.gostrings import quote
from ..wire.params import first_values, go_int, query_pairs
from .podlogs import no_address
from .podvalidation import as_dict, dicts
from .writes import Outcome, fail

Obj = dict[str, Any]
RESOURCES = frozenset({"services", "pods", "nodes"})
SERVICE_NAME_LABEL = "kubernetes.io/service-name"
ENDPOINT_SLICES = "/apis/discovery.k8s.io/v1/endpointslices"


def split_scheme_name_port(id_: str) -> tuple[str, str, str] | None:
    """utilnet.SplitSchemeNamePort: (scheme, name, port), None where it is not valid."""
    parts = id_.split(":")
    if len(parts) == 1:
        scheme, name, port = "", parts[0], ""
    elif len(parts) == 2:
        scheme, name, port = "", parts[0], parts[1]
    elif len(parts) == 3:
        scheme, name, port = parts
    else:
        return None
    return (scheme, name, port) if name and scheme in ("", "http", "https") else None


def answer(resource: str, id_: str, query: str, get: Callable[[str, str], Obj | None],
           slices: Callable[[str], list[Obj]]) -> Outcome:
    """The answer to a proxy request to `resource` (services, pods or nodes) `id_`; `get(resource, name)` looks
    up an object of the request's namespace (of none for nodes), `slices(service)` the service's endpoint
    slices."""
    if "dryRun" in first_values(query_pairs(query)):
        return fail(400, "dryRun is not supported", "BadRequest")
    singular = resource[:-1]
    split = split_scheme_name_port(id_)
    if split is None:
        return fail(400, f'invalid {singular} request "{id_}"', "BadRequest")
    _, name, port = split
    if resource == "services":
        return _service(name, port, get, slices)
    obj = get(resource, name)
    if obj is None:
        return fail(404, f'{resource} {quote(name)} not found', "NotFound", {"name": name, "kind": resource})
    if resource == "pods":
        status = as_dict(obj.get("status"))
        ips = dicts(status.get("podIPs"))
        ip = str(status.get("podIP") or (ips[0].get("ip") if ips else "") or "")
        if not _global_unicast(ip):
            return fail(400, "address not allowed", "BadRequest")
    elif (unaddressed := no_address(obj)) is not None:
        return unaddressed
    return _unreachable(f"{singular} {name}")


def _service(name: str, port: str, get: Callable[[str, str], Obj | None],
             slices: Callable[[str], list[Obj]]) -> Outcome:
    if (number := go_int(port, signed=True)) is not None:  # a number: the port of that number, by its name
        svc = get("services", name)
        if svc is None:
            return fail(404, f'services {quote(name)} not found', "NotFound", {"name": name, "kind": "services"})
        named = [p for p in dicts(as_dict(svc.get("spec")).get("ports")) if p.get("port") == number]
        if not named:
            return fail(503, f'no service port {number} found for service "{name}"', "ServiceUnavailable")
        port = str(named[0].get("name") or "")
    for endpoint_slice in slices(name):  # (proxy.RandomEndpoint: a ready endpoint of a pod, on that port)
        if any(str(p.get("name") or "") == port for p in dicts(endpoint_slice.get("ports"))) and any(
                e.get("addresses") and as_dict(e.get("targetRef")).get("kind") == "Pod"
                and as_dict(e.get("conditions")).get("ready") is not False
                for e in dicts(endpoint_slice.get("endpoints"))):
            return _unreachable(f"service {name}")
    return fail(503, f'no endpoints available for service "{name}"', "ServiceUnavailable")


def _global_unicast(ip: str) -> bool:
    """net.IP.IsGlobalUnicast (ParseIPSloppy: leading zeros allowed)."""
    try:
        sloppy = ip if ":" in ip else ".".join(str(int(x)) for x in ip.split("."))
        address = ipaddress.ip_address(sloppy)
    except ValueError:
        return False
    return not (address.is_unspecified or address.is_loopback or address.is_multicast or address.is_link_local
                or (address.version == 4 and int(address) == 0xFFFFFFFF))


def _unreachable(what: str) -> Outcome:
    return fail(503, f"error trying to reach {what}: watchproxy replay: no network to the cluster's pods and nodes",
                "ServiceUnavailable")
