"""IP addresses and CIDRs as kube-apiserver 1.37's validation reads them (k8s.io/utils/net's sloppy parsing,
the strict checks of StrictIPCIDRValidation), and the addresses an endpoint may have."""

from __future__ import annotations

import ipaddress

from ..wire.gostrings import quote
from .fielderrors import Cause, invalid


def is_ip(text: str) -> bool:
    """netutils.ParseIPSloppy: IPv4 with leading zeros allowed, or IPv6 (without a zone)."""
    if "%" in text:
        return False
    parts = text.split(".")
    if len(parts) == 4 and all(p.isascii() and p.isdigit() and int(p) < 256 for p in parts):
        return True
    try:
        ipaddress.IPv6Address(text)
    except ValueError:
        return False
    return True


def _leading_zeros(ip: str) -> bool:
    """An IPv4 address (as is_ip takes it) with a part written with leading zeros (`010.1.2.3`)."""
    return "." in ip and ":" not in ip and any(len(p) > 1 and p.startswith("0") for p in ip.split("."))


def _ipv4_mapped(ip: str) -> bool:
    return ":" in ip and ipaddress.IPv6Address(ip).ipv4_mapped is not None


def _parse_errors(value: str) -> list[str]:
    """parseIP, strict: what an IP field's value may not be (the legacy rule and the current one alike)."""
    if not is_ip(value):
        return ["must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"]
    errs = ["must not have leading 0s"] if _leading_zeros(value) else []
    return errs + (["must not be an IPv4-mapped IPv6 address"] if _ipv4_mapped(value) else [])


def legacy_ip(path: str, value: str, old: list[str]) -> list[Cause]:
    """IsValidIPForLegacyField, strict (StrictIPCIDRValidation, on in 1.37): an IP the object already had
    stays valid."""
    return [] if value in old else [invalid(path, value, e) for e in _parse_errors(value)]


def ip_errors(value: str) -> list[str]:
    """IsValidIP's complaints (the strict, current rule: what legacy_ip refuses, and an IP written otherwise than
    Go prints it, RFC 5952 for IPv6)."""
    errs = _parse_errors(value)
    if not errs and str(canonical := ipaddress.ip_address(value)) != value:
        errs.append(f"must be in canonical form ({quote(str(canonical))})")
    return errs


def _sloppy_ip(ip: str) -> str:
    """An IP that is_ip takes, as Python's ipaddress reads it (an IPv4 part's leading zeros dropped)."""
    return ".".join(str(int(p)) for p in ip.split(".")) if "." in ip and ":" not in ip else ip


def cidr(text: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network | None:
    """netutils.ParseCIDRSloppy: a network with host bits allowed (and an IPv4 part's leading zeros)."""
    ip, slash, bits = text.partition("/")
    if not slash or not bits.isascii() or not bits.isdigit() or not is_ip(ip):
        return None
    try:
        return ipaddress.ip_network(f"{_sloppy_ip(ip)}/{int(bits)}", strict=False)
    except ValueError:
        return None


def interface_address(path: str, value: str) -> list[Cause]:
    """IsValidInterfaceAddress: an address in CIDR form (host bits kept), in its canonical form."""
    if cidr(value) is None:
        return [invalid(path, value, "must be a valid address in CIDR form, (e.g. 10.9.8.7/24 or 2001:db8::1/64)")]
    ip_text, _, bits = value.partition("/")
    ip = ipaddress.ip_address(_sloppy_ip(ip_text))
    size = int(bits)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None and size > 32:  # as Go prints it
        ip, size = ip.ipv4_mapped, size - 96
    canonical = f"{ip}/{size}"
    return [] if value == canonical else [invalid(path, value, f'must be in canonical form ("{canonical}")')]


def legacy_cidr(path: str, value: str) -> list[Cause]:
    """IsValidCIDRForLegacyField, strict (StrictIPCIDRValidation, on in 1.37)."""
    net = cidr(value)
    if net is None:
        return [invalid(path, value, "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)")]
    ip, _, bits = value.partition("/")
    if (len(bits) > 1 and bits.startswith("0")) or _leading_zeros(ip):
        return [invalid(path, value, "must not have leading 0s in IP or prefix length")]
    if _ipv4_mapped(ip):
        return [invalid(path, value, "must not have an IPv4-mapped IPv6 address")]
    if ipaddress.ip_address(_sloppy_ip(ip)) != net.network_address:
        return [invalid(path, value, "must not have bits set beyond the prefix length")]
    return []


def _link_local_multicast(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """net.IP.IsLinkLocalMulticast: 224.0.0.0/24, or ff02::/16 whatever the flags (ff12::…)."""
    if isinstance(ip, ipaddress.IPv4Address):
        return ip.packed[:3] == b"\xe0\x00\x00"
    return ip.packed[0] == 0xFF and ip.packed[1] & 0x0F == 0x02


def family(ip: str) -> str:
    """IPv4 or IPv6, as netutils.IsIPv4String tells them (an IPv4-mapped IPv6 address is IPv4)."""
    parsed = ipaddress.ip_address(_sloppy_ip(ip))
    return "IPv4" if isinstance(parsed, ipaddress.IPv4Address) or parsed.ipv4_mapped is not None else "IPv6"


def endpoint_ip(path: str, value: str) -> list[Cause]:
    """ValidateEndpointIP: an address an endpoint may have (not unspecified, loopback or link-local)."""
    if not is_ip(value):
        return [invalid(path, value, "must be a valid IP address")]
    ip = ipaddress.ip_address(_sloppy_ip(value))
    ip = ip.ipv4_mapped or ip if isinstance(ip, ipaddress.IPv6Address) else ip
    causes = [invalid(path, value, f"may not be unspecified ({value})")] if ip.is_unspecified else []
    if ip.is_loopback:
        causes.append(invalid(path, value, "may not be in the loopback range (127.0.0.0/8, ::1/128)"))
    if ip.is_link_local:
        causes.append(invalid(path, value, "may not be in the link-local range (169.254.0.0/16, fe80::/10)"))
    if _link_local_multicast(ip):
        causes.append(invalid(path, value, "may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)"))
    return causes


def ip_warnings(path: str, value: str) -> list[str]:
    """GetWarningsForIP: an address written with leading zeros or IPv4-mapped, or IPv6 not in RFC 5952's form,
    and the form to use (nothing for what is no IP at all)."""
    if not is_ip(value):
        return []
    ip = ipaddress.ip_address(_sloppy_ip(value))
    if _leading_zeros(value) or (isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None):
        shown = ip.ipv4_mapped if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped else ip
        return [f"{path}: non-standard IP address {quote(value)} is invalid: use {quote(str(shown))}"]
    if isinstance(ip, ipaddress.IPv6Address) and str(ip) != value:
        return [f"{path}: IPv6 address {quote(value)} should be in RFC 5952 canonical format ({quote(str(ip))})"]
    return []
