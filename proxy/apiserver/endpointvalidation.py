"""Endpoints and EndpointSlices as kube-apiserver v1.37 validates them (pkg/apis/core/validation,
pkg/apis/discovery/validation): what endpoint controllers, service meshes and the mirroring controller write.
An update is refused only for what it changes (an unchanged list of subsets or endpoints is not validated
again: specvalidation.spec_causes). An EndpointSlice's address type and its endpoints' address counts are
declarative validation's, reported after the rest."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..wire import names
from .fielderrors import Cause, duplicate, invalid, invalid_each, not_supported, required, too_many
from .ipvalidation import endpoint_ip, family, ip_errors, ip_warnings, legacy_ip
from .podvalidation import as_dict, dicts, one_of, port_number

Obj = dict[str, Any]

_PROTOCOLS = ("SCTP", "TCP", "UDP")
_ADDRESS_TYPES = ("FQDN", "IPv4", "IPv6")
_MAX_ENDPOINTS, _MAX_ADDRESSES, _MAX_PORTS = 1000, 100, 20000
# the controllers whose slices' addresses are not looked at for warnings (they write them canonical)
_TRUSTED_MANAGERS = frozenset({"endpointslice-controller.k8s.io", "endpointslicemirroring-controller.k8s.io"})


def _port(port: Obj, path: str, name_required: bool) -> list[Cause]:
    """validateEndpointPort (an Endpoints' port)."""
    name = str(port.get("name") or "")
    causes = [required(f"{path}.name")] if name_required and not name else \
        invalid_each(f"{path}.name", name, names.dns_label(name)) if name else []
    causes += port_number(f"{path}.port", port.get("port") or 0)
    causes += _protocol_and_app(port, path)
    return causes


def _protocol_and_app(port: Obj, path: str, pointer: bool = False) -> list[Cause]:
    """A port's protocol (a slice's is a pointer: an empty one is a protocol it does not know) and app protocol."""
    protocol = port.get("protocol")
    causes = one_of(f"{path}.protocol", protocol, _PROTOCOLS) if not pointer or protocol is None else \
        [] if protocol in _PROTOCOLS else [not_supported(f"{path}.protocol", protocol, _PROTOCOLS)]
    if (app := port.get("appProtocol")) is not None:
        causes += invalid_each(f"{path}.appProtocol", str(app), names.qualified_name(str(app)))
    return causes


def _address(address: Obj, path: str) -> list[Cause]:
    """validateEndpointAddress: a valid IP an endpoint may have, a hostname that is a label, a node's name."""
    ip = str(address.get("ip") or "")
    causes = legacy_ip(f"{path}.ip", ip, [])
    if hostname := str(address.get("hostname") or ""):
        causes += invalid_each(f"{path}.hostname", hostname, names.dns_label(hostname))
    if (node := address.get("nodeName")) is not None:
        causes += invalid_each(f"{path}.nodeName", str(node), names.subdomain(str(node)))
    return causes + endpoint_ip(f"{path}.ip", ip)


def _subset_addresses(subset: Obj, at: str) -> Iterator[tuple[str, Obj]]:
    """A subset's addresses, ready and not, each with its path."""
    for f in ("addresses", "notReadyAddresses"):
        for j, address in enumerate(dicts(subset.get(f))):
            yield f"{at}.{f}[{j}]", address


def endpoints(obj: Obj) -> list[Cause]:
    """validateEndpointSubsets: each subset with addresses (ready or not), each port named where there are
    several."""
    causes: list[Cause] = []
    for i, subset in enumerate(dicts(obj.get("subsets"))):
        at = f"subsets[{i}]"
        if not subset.get("addresses") and not subset.get("notReadyAddresses"):
            causes.append(required(at, "must specify `addresses` or `notReadyAddresses`"))
        causes += [c for path, address in _subset_addresses(subset, at) for c in _address(address, path)]
        ports = dicts(subset.get("ports"))
        causes += [c for j, p in enumerate(ports) for c in _port(p, f"{at}.ports[{j}]", len(ports) > 1)]
    return causes


def _fqdn(path: str, name: str) -> list[Cause]:
    """IsFullyQualifiedDomainName: a subdomain of two labels or more, a trailing dot allowed."""
    if not name:
        return [required(path)]
    name = name.removesuffix(".")
    if errs := names.subdomain(name):
        return [invalid(path, name, ",".join(errs))]
    if len(name.split(".")) < 2:
        return [invalid(path, name, "should be a domain with at least two segments separated by dots")]
    for label in name.split("."):
        if errs := names.dns_label(label):
            return [invalid(path, label, ",".join(errs))]
    return []


def endpoints_warnings(obj: Obj, old: Obj | None) -> list[str]:
    """The strategy's warnings: each address not written as the apiserver writes IPs."""
    return [w for i, subset in enumerate(dicts(obj.get("subsets")))
            for path, address in _subset_addresses(subset, f"subsets[{i}]")
            for w in ip_warnings(f"{path}.ip", str(address.get("ip") or ""))]


def _slice_address(kind: str, address: str, path: str, listed: str) -> list[Cause]:
    """An address of the slice's type (one of an unknown type is not looked at)."""
    if kind == "FQDN":
        return _fqdn(path, address)
    if kind not in ("IPv4", "IPv6"):
        return []
    if causes := legacy_ip(path, address, []) if kind == "IPv4" else \
            [invalid(path, address, e) for e in ip_errors(address)]:  # (IsValidIPForLegacyField, IsValidIP)
        return causes
    causes = [] if family(address) == kind else [invalid(listed, address, f"must be an {kind} address")]
    return causes + endpoint_ip(path, address)


def _address_type(obj: Obj) -> list[Cause]:
    return one_of("addressType", obj.get("addressType"), _ADDRESS_TYPES)


def endpoint_slice_type_update(new: Obj, old: Obj) -> list[Cause]:
    """An update's new address type, if unknown, refused first, where the imperative check does it
    (declarative validation, which then only finds it changed, does not take it over)."""
    kind = new.get("addressType") or ""
    return _address_type(new) if kind and kind != (old.get("addressType") or "") else []


def endpoint_slice(obj: Obj) -> list[Cause]:
    """ValidateEndpointSlice's ports (named at most once, a protocol); its endpoints are
    endpoint_slice_endpoints', its address type endpoint_slice_declared's (and on an update
    endpoint_slice_type_update's)."""
    causes: list[Cause] = []
    ports = dicts(obj.get("ports"))
    if len(ports) > _MAX_PORTS:
        return [*causes, too_many("ports", len(ports), _MAX_PORTS)]
    seen: set[str] = set()
    for i, port in enumerate(ports):
        at, name = f"ports[{i}]", str(port.get("name") or "")
        causes += invalid_each(f"{at}.name", name, names.dns_label(name)) if name else []
        if name in seen:
            causes.append(duplicate(f"{at}.name", name))
        seen.add(name)
        causes += _protocol_and_app(port, at, pointer=True)
    return causes


def _hints(hints: Obj, path: str) -> list[Cause]:
    """validateHints: at most 8 zones (label values) and 8 nodes (node names), each once."""
    causes: list[Cause] = []
    for field, rule in (("forZones", names.label_value), ("forNodes", names.subdomain)):
        given = dicts(hints.get(field))
        if len(given) > 8:
            return [*causes, too_many(f"{path}.{field}", len(given), 8)]
        seen: set[str] = set()
        for i, item in enumerate(given):
            at, name = f"{path}.{field}[{i}].name", str(item.get("name") or "")
            causes += [duplicate(at, name)] if name in seen else []
            seen.add(name)
            causes += invalid_each(at, name, rule(name))
    return causes


def endpoint_slice_endpoints(obj: Obj) -> list[Cause]:
    """validateEndpoints: addresses of the slice's type, node names, hostnames and hints (a deprecated topology,
    dropped by writes through v1 before they are validated, is not looked at)."""
    listed = dicts(obj.get("endpoints"))
    if len(listed) > _MAX_ENDPOINTS:
        return [too_many("endpoints", len(listed), _MAX_ENDPOINTS)]
    kind, causes = str(obj.get("addressType") or ""), []
    for i, endpoint in enumerate(listed):
        at = f"endpoints[{i}]"
        addresses = [str(a) for a in endpoint.get("addresses") or []]
        causes += [c for j, a in enumerate(addresses)
                   for c in _slice_address(kind, a, f"{at}.addresses[{j}]", f"{at}.addresses")]
        if (node := endpoint.get("nodeName")) is not None:
            causes += invalid_each(f"{at}.nodeName", str(node), names.subdomain(str(node)))
        if (hostname := endpoint.get("hostname")) is not None:
            causes += invalid_each(f"{at}.hostname", str(hostname), names.dns_label(str(hostname)))
        if isinstance(hints := endpoint.get("hints"), dict):
            causes += _hints(hints, f"{at}.hints")
    return causes


def endpoint_slice_endpoints_update(new: Obj, old: Obj) -> list[Cause]:
    """An update's endpoints, validated only where they changed (older releases let some by)."""
    return [] if new.get("endpoints") == old.get("endpoints") else endpoint_slice_endpoints(new)


def endpoint_slice_declared(obj: Obj, old: Obj | None) -> list[Cause]:
    """Declarative validation's share, in its order: the address type (given and known; on an update,
    unchanged); each endpoint with 1 to 100 addresses (not checked again on an update that left the endpoints
    as they were)."""
    if old is None:
        causes = _address_type(obj)
    else:
        kind = obj.get("addressType") or ""
        changed = kind != (old.get("addressType") or "")
        causes = [*([] if kind else [required("addressType")]), invalid("addressType", None, "field is immutable")] \
            if changed else []
    if old is not None and obj.get("endpoints") == old.get("endpoints"):
        return causes
    for i, endpoint in enumerate(dicts(obj.get("endpoints"))):
        addresses = endpoint.get("addresses") or []
        if not addresses:
            causes.append(required(f"endpoints[{i}].addresses"))
        elif len(addresses) > _MAX_ADDRESSES:
            causes.append(too_many(f"endpoints[{i}].addresses", len(addresses), _MAX_ADDRESSES))
    return causes


def endpoint_slice_warnings(obj: Obj, old: Obj | None) -> list[str]:
    """The strategy's warnings: a new slice of FQDNs (deprecated), and addresses not written as the apiserver
    writes IPs (but in slices the endpoint slice controllers manage)."""
    warnings = ["spec.addressType: FQDN endpoints are deprecated"] if old is None and obj.get("addressType") == "FQDN" \
        else []
    managers = as_dict(as_dict(obj.get("metadata")).get("labels")).get("endpointslice.kubernetes.io/managed-by")
    if managers in _TRUSTED_MANAGERS:
        return warnings
    return warnings + [w for i, endpoint in enumerate(dicts(obj.get("endpoints")))
                       for j, address in enumerate(endpoint.get("addresses") or [])
                       for w in ip_warnings(f"endpoints[{i}].addresses[{j}]", str(address))]
