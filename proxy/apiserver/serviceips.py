"""A Service's cluster IPs as kube-apiserver's Service REST and its allocator (the MultiCIDRServiceAllocator, GA
since 1.33) handle them, on a single-stack IPv4 cluster as emulate models one. Before anything is stored the
allocator puts clusterIP and clusterIPs in step, settles the IP family policy and families and refuses what does
not fit (`prepare`, `related_causes`, `family_causes`: checked first and alone, ahead of the Service's own
validation); then each IP becomes an IPAddress object naming the Service, created before the Service is stored and
deleted once it is gone or no longer needs it (an ExternalName). An IP asked for must lie in a ServiceCIDR and be
free; a drawn one (defaults.py) that is taken moves on to the next free address, as the allocator's iterator does
from its random start; a dry run allocates nothing, and a dynamic IP it answers with is the range's network
address (ipallocator.allocateNextService). Pure: what is taken and which ranges there are, the caller says."""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from . import bootstrap
from .fielderrors import Cause, duplicate, invalid, not_supported, required, typed
from .goorder import ordered_meta
from .ipvalidation import family as family_of
from .ipvalidation import ip_warnings, legacy_ip
from .nodeports import names

DEFAULT = "kubernetes"  # the ServiceCIDR of the apiserver's --service-cluster-ip-range
Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Obj = dict[str, Any]


def held(service: Obj | None) -> list[str]:
    """The cluster IPs a Service holds: none for an ExternalName or a headless one."""
    spec = (service or {}).get("spec") or {}
    if not isinstance(spec, dict) or spec.get("type") == "ExternalName":
        return []
    ips = spec.get("clusterIPs") or ([spec["clusterIP"]] if spec.get("clusterIP") else [])
    return [ip for ip in ips if isinstance(ip, str) and ip and ip != "None"]


def belongs(address: Obj, service: Obj) -> bool:
    """Whether an IPAddress is the one of this Service (its parentRef names it)."""
    ref = (address.get("spec") or {}).get("parentRef") or {}
    meta = service.get("metadata") or {}
    return (ref.get("resource"), ref.get("namespace"), ref.get("name")) == ("services", meta.get("namespace"),
                                                                             meta.get("name"))


def _ready(service_cidr: Obj) -> bool:
    """Ready, or never judged (no controller manager), and not being deleted (cidrallocator.syncAllocators)."""
    conditions = (service_cidr.get("status") or {}).get("conditions") or []
    ready = next((c.get("status") == "True" for c in conditions if isinstance(c, dict) and c.get("type") == "Ready"),
                 True)
    return ready and not (service_cidr.get("metadata") or {}).get("deletionTimestamp")


def related_causes(spec: Obj) -> list[Cause]:
    """ValidateServiceClusterIPsRelatedFields: clusterIP and clusterIPs agree, the families and their policy are
    known, each IP is one (or the first and only one is None), at most one of each family, each of its family."""
    ip, ips = spec.get("clusterIP") or "", [str(v) for v in spec.get("clusterIPs") or []]
    causes: list[Cause] = []
    if ip and not ips:
        causes.append(required("spec.clusterIPs"))
    elif ip and ips[0] != ip:
        causes.append(invalid("spec.clusterIPs", ips, "first value must match `clusterIP`"))
    elif not ip and ips:
        causes.append(invalid("spec.clusterIPs", ips, "must be empty when `clusterIP` is not specified"))
    families = [str(f) for f in spec.get("ipFamilies") or []]
    for i, family in enumerate(families):
        if family not in ("IPv4", "IPv6"):
            causes.append(not_supported(f"spec.ipFamilies[{i}]", family, ("IPv4", "IPv6")))
        if family in families[:i]:
            causes.append(duplicate(f"spec.ipFamilies[{i}]", typed(family)))
    policies = ("PreferDualStack", "RequireDualStack", "SingleStack")
    if (policy := spec.get("ipFamilyPolicy")) is not None and policy not in policies:  # (an empty one too)
        causes.append(not_supported("spec.ipFamilyPolicy", policy, policies))
    bad = []
    for i, value in enumerate(ips):
        if i == 0 and value == "None":
            if len(ips) > 1:
                bad.append(invalid("spec.clusterIPs", ips, "'None' must be the first and only value"))
            continue
        bad += legacy_ip(f"spec.clusterIPs[{i}]", value, [])
    causes += bad
    if len(ips) > 2:
        causes.append(invalid("spec.clusterIPs", ips, "may only hold up to 2 values"))
    if bad:
        return causes
    if len(ips) > 1 and len({family_of(v) for v in ips}) != len(ips):
        causes.append(invalid("spec.clusterIPs", ips, "may specify no more than one IP for each IP family"))
    if ips[:1] != ["None"]:
        for i, (value, family) in enumerate(zip(ips, families, strict=False)):
            if family in ("IPv4", "IPv6") and family_of(value) != family:
                causes.append(invalid(f"spec.clusterIPs[{i}]", value,
                                      f"expected an {family} value as indicated by `ipFamilies[{i}]`"))
    return causes


def prepare(spec: Obj, old: Obj | None, selected: bool, draw: Callable[[], str]) -> None:
    """A Service's spec as beginCreate and beginUpdate leave it for the allocator (this cluster IPv4 only):
    clusterIP and clusterIPs in step (normalizeClusterIPs); on a change to ExternalName the IP fields dropped
    where the client left them as they were (the strategy's dropTypeDependentFields); the IP family policy and
    families (initIPFamilyFields: a headless Service without a selector is dual-stack by default); and a drawn
    cluster IP where one is needed and none asked for (allocate() draws again where it is taken). `old`: the
    stored spec an update replaces; `selected`: whether the Service has a selector."""
    ip, ips = spec.get("clusterIP") or "", spec.get("clusterIPs") or []
    if old is None:
        if ip and not ips:
            spec["clusterIPs"] = ips = [ip]
    elif (old.get("clusterIPs") or []) and not ips and old.get("clusterIP", "") == ip:
        spec["clusterIPs"] = ips = old["clusterIPs"]
    elif old.get("clusterIP", "") != ip and ips == (old.get("clusterIPs") or []):
        spec["clusterIPs"] = ips = [ip] if ip else []
        if not ips:
            spec.pop("clusterIPs")
    if spec.get("type") == "ExternalName":
        if old is not None and old.get("type") != "ExternalName":
            for keys in (("clusterIP", "clusterIPs"), ("ipFamilies",), ("ipFamilyPolicy",)):
                if all(spec.get(k) == old.get(k) for k in keys):
                    for k in keys:
                        spec.pop(k, None)
        return
    headless_selectorless = ip == "None" and not selected
    if spec.get("ipFamilyPolicy") is None:
        spec["ipFamilyPolicy"] = (old or {}).get("ipFamilyPolicy") or (
            "RequireDualStack" if headless_selectorless else "SingleStack")
    if related_causes(spec):
        return  # (validation refuses it, before the families are looked at)
    families = list(spec.get("ipFamilies") or [])
    for i, value in enumerate(ips):
        if value == "None":
            break
        if i >= len(families):
            if family_of(value) != "IPv4":
                return  # (not configured on this cluster: family_causes)
            families.append("IPv4")
    if headless_selectorless:
        families = families or ["IPv4"]
        if len(families) < 2 and spec["ipFamilyPolicy"] != "SingleStack":
            families.append("IPv6" if families[0] == "IPv4" else "IPv4")
    spec["ipFamilies"] = families or ["IPv4"]
    # (an update allocates only for a Service that needed none before: an ExternalName; one made through /status,
    # whose store has no allocator, stays without IPs)
    if not ips and not family_causes(spec) and (old is None or old.get("type") == "ExternalName"):
        spec["clusterIP"] = drawn = draw()
        spec["clusterIPs"] = [drawn]


def family_causes(spec: Obj) -> list[Cause]:
    """What initIPFamilyFields refuses of a Service's families on this cluster (IPv4 only), once its cluster IPs
    passed validation: two IPs or families on a single stack, an IPv6 IP or family, dual stack required."""
    if spec.get("type") == "ExternalName":
        return []
    ips, families = spec.get("clusterIPs") or [], spec.get("ipFamilies") or []
    policy = spec.get("ipFamilyPolicy")
    causes = []
    if policy == "SingleStack":
        causes += [invalid("spec.ipFamilyPolicy", typed(policy), "must be 'RequireDualStack' or 'PreferDualStack' when "
                                                          f"multiple {what} are specified")
                   for what, values in (("cluster IPs", ips), ("IP families", families)) if len(values) == 2]
    for i, value in enumerate(ips):
        if value == "None":
            break
        if family_of(value) == "IPv6" and (i >= len(families) or families[i] != "IPv6"):
            causes.append(invalid(f"spec.clusterIPs[{i}]", ips, "IPv6 is not configured on this cluster"))
    if causes or (spec.get("clusterIP") == "None" and not spec.get("selector")):
        return causes
    if policy == "RequireDualStack":
        causes.append(invalid("spec.ipFamilyPolicy", typed(policy),
                              "this cluster is not configured for dual-stack services"))
    return causes + [invalid(f"spec.ipFamilies[{i}]", f, "not configured on this cluster")
                     for i, f in enumerate(families) if f != "IPv4"]


def ranges(service_cidrs: Iterable[Obj]) -> list[Network]:
    """The ranges of the ServiceCIDRs the allocator serves, the default one's (`kubernetes`) first."""
    out: list[Network] = []
    for obj in sorted(service_cidrs, key=lambda o: (o.get("metadata") or {}).get("name") != DEFAULT):
        if not _ready(obj):
            continue
        for cidr in (obj.get("spec") or {}).get("cidrs") or []:
            try:
                out.append(ipaddress.ip_network(cidr, strict=False))
            except ValueError:
                continue
    return out


def allocate(old: Obj | None, new: Obj | None, sent: Any, *, taken: Callable[[str], bool],
             networks: Sequence[Network], dry_run: bool) -> list[Cause]:
    """Why a write that turns `old` into `new` (None: not there) cannot have the cluster IPs it needs, if it
    cannot; `sent` is the body as the client sent it, an object or a patch of any type (an IP it names is asked for,
    any other new one was drawn).
    A drawn IP that is taken is replaced in `new` by the next free one; a dry run's by the range's network
    address. `networks`: ranges(), the default one first. The allocator runs before validation: a Service
    without a name gets its IP and then fails to create the IPAddress naming it as its parent (a dry run creates
    none)."""
    before, after = held(old), held(new)
    spec = (new or {}).get("spec") or {}
    asked = {ip for ip in after if names(sent, ip)}
    unnamed = not dry_run and not ((new or {}).get("metadata") or {}).get("name")

    def parentless(ip: str, at: str) -> list[Cause]:  # (the IPAddress validation's refusal, in the allocator's)
        shown = [x if x in asked or x in before else "" for x in after]
        why = f'IPAddress.networking.k8s.io "{ip}" is invalid: spec.parentRef.name: Required value'
        return [invalid("spec.clusterIPs", shown, f"failed to allocate IP{at}: {why}")]
    refused: list[Cause] = []
    for i, ip in enumerate(after):
        try:
            address = ipaddress.ip_address(ip)
        except ValueError:  # (validation has said what is wrong with it)
            continue
        if ip in before or not networks:
            continue
        if ip in asked:
            if dry_run:  # (checked against one range only, whichever the allocator met first: the default one)
                if address not in networks[0]:
                    refused.append(_failed(spec, ip, f"the provided IP ({ip}) is not in the valid range. The range "
                                                     f"of valid IPs is {networks[0]}"))
            elif not any(address in n for n in networks):
                refused.append(_failed(spec, ip, "the provided network does not match the current range"))
            elif taken(ip):
                refused.append(_failed(spec, ip, "provided IP is already allocated"))
            elif unnamed:
                return parentless(ip, f" {ip}")
        elif dry_run:
            _replace(spec, i, str(networks[0].network_address))
        elif (free := _next_free(address, networks[0], taken, {*after[:i], *after[i + 1:]})) is not None:
            if unnamed:
                return parentless(free, "")
            _replace(spec, i, free)
        else:  # (ErrFull, which the apiserver answers as an internal error)
            refused.append(_failed(spec, ip, "range is full"))
    return refused


def _failed(spec: Obj, ip: str, why: str) -> Cause:
    return invalid("spec.clusterIPs", spec.get("clusterIPs"), f"failed to allocate IP {ip}: {why}")


def _replace(spec: Obj, i: int, ip: str) -> None:
    ips = list(spec.get("clusterIPs") or [])
    if i < len(ips):
        ips[i] = ip
        spec["clusterIPs"] = ips
    if i == 0:
        spec["clusterIP"] = ip


def _next_free(start: ipaddress.IPv4Address | ipaddress.IPv6Address, network: Network, taken: Callable[[str], bool],
               others: set[str]) -> str | None:
    """`start` if it lies in the range's dynamic part and is free, else the next free address there, wrapping
    around: the part above the first 1/16 (16 to 256 addresses) the allocator keeps for IPs asked for."""
    first, last = int(network.network_address) + 1, int(network.broadcast_address) - (network.version == 4)
    size = last - first + 1
    offset = min(max(16, size // 16), 256) if size > 16 else 0
    low = first + offset
    span = last - low + 1
    if span <= 0:
        return None
    at = int(start) if low <= int(start) <= last else low + int(start) % span
    for k in range(min(span, 1 << 16)):  # (a range full this far is full enough for a replay)
        candidate = str(ipaddress.ip_address(low + (at - low + k) % span))
        if candidate not in others and not taken(candidate):
            return candidate
    return None


def ip_address(ip: str, service: Obj, uid: str, timestamp: str) -> Obj:
    """The IPAddress the allocator creates for a Service's IP: the `kubernetes` Service's, as a new real apiserver
    wrote it (bootstrap_objects.json), made this Service's."""
    obj = bootstrap.made_at(bootstrap.objects()[bootstrap.IP_ADDRESSES][0], timestamp)
    meta = obj["metadata"]
    meta.update(name=ip, uid=uid, creationTimestamp=timestamp,
                labels={**meta["labels"], "ipaddress.kubernetes.io/ip-family": family_of(ip)})
    obj["metadata"] = ordered_meta(meta)
    owner = service.get("metadata") or {}
    obj["spec"] = {"parentRef": {"resource": "services", "namespace": owner.get("namespace", ""),
                                 "name": owner.get("name", "")}}
    return obj


def service_warnings(service: Obj, old: Obj | None = None) -> list[str]:
    """The Service strategy's warnings (pkg/api/service/warnings.go): IPs written otherwise than Go prints them,
    what a headless Service ignores, the deprecated external IPs, a field its type ignores, deprecated names."""
    spec = service.get("spec") or {}
    annotations = (service.get("metadata") or {}).get("annotations") or {}
    typ, ips, external = spec.get("type"), spec.get("clusterIPs") or [], spec.get("externalIPs") or []
    out = []
    if "service.kubernetes.io/topology-aware-hints" in annotations:
        out.append("annotation service.kubernetes.io/topology-aware-hints is deprecated, please use "
                   "service.kubernetes.io/topology-mode instead")
    if spec.get("clusterIP") and spec.get("clusterIP") != "None":
        out += [w for i, ip in enumerate(ips) for w in ip_warnings(f"spec.clusterIPs[{i}]", str(ip))]
    headless = typ == "ClusterIP" and spec.get("clusterIP") == "None"
    if headless:
        out += [f"spec.{field} is ignored for headless services" for field, there in (
            ("loadBalancerIP", spec.get("loadBalancerIP")), ("externalIPs", external),
            ("SessionAffinity", spec.get("sessionAffinity") not in (None, "None"))) if there]
    out += [w for i, ip in enumerate(external) for w in ip_warnings(f"spec.externalIPs[{i}]", str(ip))]
    if external and not headless and typ != "ExternalName":
        out.append("spec.externalIPs is deprecated and may no longer be implemented in some clusters")
    if spec.get("loadBalancerIP"):
        out += ip_warnings("spec.loadBalancerIP", str(spec["loadBalancerIP"]))
    if typ == "ExternalName" and external:
        out.append('spec.externalIPs is ignored when spec.type is "ExternalName"')
    if typ != "ExternalName" and spec.get("externalName"):
        out.append('spec.externalName is ignored when spec.type is not "ExternalName"')
    if spec.get("trafficDistribution") == "PreferClose":
        out.append('spec.trafficDistribution: "PreferClose" is deprecated; use "PreferSameZone"')
    return out
