"""The Service IP allocator's rules (apiserver/serviceips.py) as tables: what beginCreate and beginUpdate make of a
Service's IP fields, and what the allocator refuses or draws again. Against the real apiserver:
test_writes_random_realkube.py (the `clusterips` sequences and the allocation test)."""

from __future__ import annotations

import ipaddress
from typing import Any

import pytest
from watchproxy.apiserver import serviceips

DEFAULT = ipaddress.ip_network("10.96.0.0/12")
SINGLE = {"ipFamilies": ["IPv4"], "ipFamilyPolicy": "SingleStack"}
EXTRA = ipaddress.ip_network("10.212.0.0/24")


def drawn() -> str:
    return "10.96.7.7"


@pytest.mark.parametrize(("spec", "old", "selected", "want"), [
    ({}, None, True,
     {"clusterIP": "10.96.7.7", "clusterIPs": ["10.96.7.7"], **SINGLE}),
    ({"clusterIP": "10.212.0.5"}, None, True,  # (normalizeClusterIPs: the plural from the singular)
     {"clusterIP": "10.212.0.5", "clusterIPs": ["10.212.0.5"], **SINGLE}),
    ({"clusterIP": "None"}, None, False,  # headless without a selector: dual-stack, even on a single-stack cluster
     {"clusterIP": "None", "clusterIPs": ["None"], "ipFamilies": ["IPv4", "IPv6"],
      "ipFamilyPolicy": "RequireDualStack"}),
    ({"clusterIP": "None"}, None, True,
     {"clusterIP": "None", "clusterIPs": ["None"], **SINGLE}),
    ({"clusterIP": "fd00::1"}, None, True,  # an unconfigured family: left for family_causes, nothing inferred
     {"clusterIP": "fd00::1", "clusterIPs": ["fd00::1"], "ipFamilyPolicy": "SingleStack"}),
    ({"ipFamilies": ["IPv6"]}, None, True,  # refused before anything is allocated
     {"ipFamilies": ["IPv6"], "ipFamilyPolicy": "SingleStack"}),
    ({"clusterIP": "", "clusterIPs": ["None"]}, None, True,  # validation's to refuse: nothing inferred or drawn
     {"clusterIP": "", "clusterIPs": ["None"], "ipFamilyPolicy": "SingleStack"}),
    ({"type": "ExternalName", "clusterIP": "10.96.1.1", "clusterIPs": ["10.96.1.1"], "ipFamilies": ["IPv4"]},
     {"type": "ClusterIP", "clusterIP": "10.96.1.1", "clusterIPs": ["10.96.1.1"], "ipFamilies": ["IPv4"],
      "ipFamilyPolicy": "SingleStack"}, True,  # dropTypeDependentFields: what the client left as it was
     {"type": "ExternalName"}),
    ({"type": "ClusterIP"}, {"type": "ExternalName"}, True,  # an ExternalName made a ClusterIP gets an IP
     {"type": "ClusterIP", "clusterIP": "10.96.7.7", "clusterIPs": ["10.96.7.7"], **SINGLE}),
])
def test_prepare(spec: dict[str, Any], old: dict[str, Any] | None, selected: bool, want: dict[str, Any]) -> None:
    serviceips.prepare(spec, old, selected, drawn)
    assert spec == want


@pytest.mark.parametrize(("spec", "messages"), [
    ({"clusterIP": "fd00::1", "clusterIPs": ["fd00::1"], "ipFamilyPolicy": "SingleStack"},
     ['Invalid value: ["fd00::1"]: IPv6 is not configured on this cluster']),
    ({"ipFamilies": ["IPv6"], "ipFamilyPolicy": "SingleStack"},
     ['Invalid value: "IPv6": not configured on this cluster']),
    ({"clusterIPs": ["10.96.0.9"], "ipFamilies": ["IPv4"], "ipFamilyPolicy": "RequireDualStack"},
     ['Invalid value: "RequireDualStack": this cluster is not configured for dual-stack services']),
    ({"clusterIP": "None", "clusterIPs": ["None"], "ipFamilies": ["IPv4", "IPv6"],
      "ipFamilyPolicy": "RequireDualStack"}, []),  # (headless without a selector may be dual-stack anywhere)
    ({"ipFamilies": ["IPv4", "IPv6"], "ipFamilyPolicy": "SingleStack"},
     ["Invalid value: \"SingleStack\": must be 'RequireDualStack' or 'PreferDualStack' when multiple IP families are "
      "specified"]),
])
def test_family_causes(spec: dict[str, Any], messages: list[str]) -> None:
    assert [message for _, _, message in serviceips.family_causes(spec)] == messages


def taken(*ips: str) -> Any:
    return set(ips).__contains__


@pytest.mark.parametrize(("sent", "taken_ips", "dry_run", "want_ip", "refusal"), [
    ({"clusterIP": "10.212.0.5"}, (), False, "10.212.0.5", ""),
    ({"clusterIP": "10.212.0.5"}, ("10.212.0.5",), False, "10.212.0.5", "provided IP is already allocated"),
    ({"clusterIP": "192.168.9.9"}, (), False, "192.168.9.9", "the provided network does not match the current range"),
    # a dry run checks the default range only, and nothing for being taken
    ({"clusterIP": "10.212.0.5"}, (), True, "10.212.0.5",
     "the provided IP (10.212.0.5) is not in the valid range. The range of valid IPs is 10.96.0.0/12"),
    ({"clusterIP": "10.96.9.9"}, ("10.96.9.9",), True, "10.96.9.9", ""),
    ({}, (), False, "10.96.7.7", ""),  # drawn, free: kept
    ({}, ("10.96.7.7", "10.96.7.8"), False, "10.96.7.9", ""),  # drawn, taken: the next free one
    ({}, (), True, "10.96.0.0", ""),  # a dry run's dynamic IP: the range's network address
])
def test_allocate(sent: dict[str, Any], taken_ips: tuple[str, ...], dry_run: bool, want_ip: str,
                  refusal: str) -> None:
    ip = sent.get("clusterIP", "10.96.7.7")
    new = {"metadata": {"name": "s"}, "spec": {"clusterIP": ip, "clusterIPs": [ip]}}
    causes = serviceips.allocate(None, new, {"spec": sent}, taken=taken(*taken_ips), networks=[DEFAULT, EXTRA],
                                 dry_run=dry_run)
    assert [message.rsplit(f"failed to allocate IP {ip}: ", 1)[-1] for _, _, message in causes] == (
        [refusal] if refusal else [])
    assert new["spec"]["clusterIP"] == new["spec"]["clusterIPs"][0] == want_ip


@pytest.mark.parametrize(("sent", "dry_run", "refusal"), [
    ({}, False, 'Invalid value: [""]: failed to allocate IP: IPAddress.networking.k8s.io "10.96.7.8" is invalid: '
                'spec.parentRef.name: Required value'),  # (the IP drawn: the next free one)
    ({"clusterIP": "10.212.0.5"}, False, 'Invalid value: ["10.212.0.5"]: failed to allocate IP 10.212.0.5: '
     'IPAddress.networking.k8s.io "10.212.0.5" is invalid: spec.parentRef.name: Required value'),
    ({"clusterIP": "192.168.9.9"}, False, 'Invalid value: ["192.168.9.9"]: failed to allocate IP 192.168.9.9: the '
     'provided network does not match the current range'),  # (checked before the IPAddress is made)
    ({}, True, ""),  # a dry run makes no IPAddress
])
def test_a_service_without_a_name_fails_to_make_its_ip_address(sent: dict[str, Any], dry_run: bool,
                                                                refusal: str) -> None:
    ip = sent.get("clusterIP", "10.96.7.7")
    new = {"metadata": {}, "spec": {"clusterIP": ip, "clusterIPs": [ip]}}
    causes = serviceips.allocate(None, new, {"spec": sent}, taken=taken("10.96.7.7"), networks=[DEFAULT, EXTRA],
                                 dry_run=dry_run)
    assert [message for _, _, message in causes] == ([refusal] if refusal else [])


def test_a_drawn_ip_moves_out_of_the_part_kept_for_ips_asked_for() -> None:
    """The allocator draws above the range's first 1/16 (at most 256 addresses, here 10.96.0.0–10.96.0.255)."""
    new = {"metadata": {"name": "s"}, "spec": {"clusterIP": "10.96.0.5", "clusterIPs": ["10.96.0.5"]}}
    assert serviceips.allocate(None, new, {"spec": {}}, taken=taken(), networks=[DEFAULT], dry_run=False) == []
    assert ipaddress.ip_address(new["spec"]["clusterIP"]) >= ipaddress.ip_address("10.96.1.0")


def test_an_update_that_keeps_its_ips_allocates_nothing() -> None:
    old = {"spec": {"clusterIP": "10.212.0.5", "clusterIPs": ["10.212.0.5"]}}
    new = {"metadata": {"name": "s"},
           "spec": {"clusterIP": "10.212.0.5", "clusterIPs": ["10.212.0.5"], "ports": [{"port": 81}]}}
    assert serviceips.allocate(old, new, new, taken=taken("10.212.0.5"), networks=[DEFAULT, EXTRA],
                               dry_run=False) == []


@pytest.mark.parametrize(("service", "held"), [
    ({"spec": {"clusterIP": "10.96.0.9", "clusterIPs": ["10.96.0.9"]}}, ["10.96.0.9"]),
    ({"spec": {"clusterIP": "None", "clusterIPs": ["None"]}}, []),
    ({"spec": {"type": "ExternalName", "externalName": "x.example.com"}}, []),
    (None, []),
])
def test_held(service: dict[str, Any] | None, held: list[str]) -> None:
    assert serviceips.held(service) == held


def test_the_ip_address_of_a_service_is_the_kubernetes_services_made_its_own() -> None:
    service = {"metadata": {"name": "web", "namespace": "shop"}}
    obj = serviceips.ip_address("10.96.3.4", service, "u-1", "2026-12-05T10:00:00Z")
    assert obj["metadata"]["name"] == "10.96.3.4" and obj["metadata"]["uid"] == "u-1"
    assert obj["metadata"]["labels"] == {"ipaddress.kubernetes.io/ip-family": "IPv4",
                                         "ipaddress.kubernetes.io/managed-by": "ipallocator.k8s.io"}
    assert [e["time"] for e in obj["metadata"]["managedFields"]] == ["2026-12-05T10:00:00Z"]
    assert obj["spec"] == {"parentRef": {"resource": "services", "namespace": "shop", "name": "web"}}


@pytest.mark.parametrize("sent", [
    "apiVersion: v1\nkind: Service\nspec:\n  clusterIP: 10.212.0.5\n",  # an apply's YAML
    [{"op": "add", "path": "/spec/clusterIP", "value": "10.212.0.5"}],  # a JSON patch
    {"spec": {"clusterIPs": ["10.212.0.5"]}},
])
def test_an_ip_a_patch_of_any_type_names_is_asked_for(sent: Any) -> None:
    """Asked for, it is refused where it is taken; drawn, it would move to a free address."""
    new = {"metadata": {"name": "s"}, "spec": {"clusterIP": "10.212.0.5", "clusterIPs": ["10.212.0.5"]}}
    causes = serviceips.allocate(None, new, sent, taken=taken("10.212.0.5"), networks=[DEFAULT, EXTRA],
                                 dry_run=False)
    assert [message.rsplit(": ", 1)[-1] for _, _, message in causes] == ["provided IP is already allocated"]


def test_an_ip_only_like_one_the_body_names_is_drawn() -> None:
    new = {"metadata": {"name": "s"}, "spec": {"clusterIP": "10.96.7.7", "clusterIPs": ["10.96.7.7"]}}
    sent = {"metadata": {"annotations": {"note": "10.96.7.77 and 110.96.7.7"}}, "spec": {}}
    assert serviceips.allocate(None, new, sent, taken=taken("10.96.7.7"), networks=[DEFAULT], dry_run=False) == []
    assert new["spec"]["clusterIP"] == "10.96.7.8"
