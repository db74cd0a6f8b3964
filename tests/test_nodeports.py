"""The node port allocator's rules (apiserver/nodeports.py) as tables. Against the real apiserver:
test_writes_random_realkube.py (the `nodeports` sequences and the node port test)."""

from __future__ import annotations

from typing import Any

import pytest
from watchproxy.apiserver import nodeports


def service(*ports: dict[str, Any], **spec: Any) -> dict[str, Any]:
    return {"spec": {"type": "NodePort", "ports": list(ports), **spec}}


@pytest.mark.parametrize(("new", "sent", "taken", "want_ports", "refusal"), [
    # drawn and free: kept; ports of one number share the first's
    (service({"port": 53, "protocol": "UDP", "nodePort": 30100}, {"port": 53, "nodePort": 30100}), {}, (),
     [30100, 30100], ""),
    # drawn and taken: the next free one, for every port of that number
    (service({"port": 53, "nodePort": 30100}, {"port": 53, "protocol": "UDP", "nodePort": 30100}), {},
     (30100, 30101), [30102, 30102], ""),
    # asked for: refused where taken or outside the range
    (service({"port": 80, "nodePort": 30100}), {"ports": [{"nodePort": 30100}]}, (30100,), [30100],
     "provided port is already allocated"),
    (service({"port": 80, "nodePort": 80}), [{"op": "add", "path": "/spec/ports/0/nodePort", "value": 80}], (),
     [80], "provided port is not in the valid range. The range of valid ports is 30000-32767"),
    # two port numbers asking for one node port: the second is refused
    (service({"port": 80, "nodePort": 30200}, {"port": 81, "nodePort": 30200}), "nodePort: 30200", (),
     [30200, 30200], "provided port is already allocated"),
    # a ClusterIP's node ports are not the allocator's (validation refuses them)
    (service({"port": 80, "nodePort": 80}, type="ClusterIP"), {"nodePort": 80}, (), [80], ""),
])
def test_allocate(new: dict[str, Any], sent: Any, taken: tuple[int, ...], want_ports: list[int],
                  refusal: str) -> None:
    causes, internal = nodeports.allocate(None, new, sent, set(taken).__contains__)
    assert internal == ""
    assert [message.rsplit(": ", 1)[-1] for _, _, message in causes] == ([refusal] if refusal else [])
    assert [p["nodePort"] for p in new["spec"]["ports"]] == want_ports


def test_a_dry_run_checks_only_whether_a_port_is_free() -> None:
    low = service({"port": 80, "nodePort": 80})
    assert nodeports.allocate(None, low, {"nodePort": 80}, lambda _: False, dry_run=True) == ([], "")
    taken = service({"port": 80, "nodePort": 30100})
    causes, _ = nodeports.allocate(None, taken, {"nodePort": 30100}, {30100}.__contains__, dry_run=True)
    assert [message.rsplit(": ", 1)[-1] for _, _, message in causes] == ["provided port is already allocated"]
    # a health check node port too: out of the range, it is found taken by the write's own node port
    both = service({"port": 80, "nodePort": 80}, type="LoadBalancer", externalTrafficPolicy="Local",
                   healthCheckNodePort=80)
    assert nodeports.allocate(None, both, {"nodePort": 80, "healthCheckNodePort": 80}, lambda _: False,
                              dry_run=True) == (
        [], "failed to allocate requested HealthCheck NodePort 80: provided port is already allocated")


def test_a_health_check_node_port_asked_for_and_taken_is_an_internal_error() -> None:
    new = service({"port": 80, "nodePort": 30300}, type="LoadBalancer", externalTrafficPolicy="Local",
                  healthCheckNodePort=30100)
    assert nodeports.allocate(None, new, {"healthCheckNodePort": 30100}, {30100}.__contains__) == (
        [], "failed to allocate requested HealthCheck NodePort 30100: provided port is already allocated")


def test_a_drawn_health_check_node_port_that_is_taken_moves() -> None:
    new = service({"port": 80, "nodePort": 30300}, type="LoadBalancer", externalTrafficPolicy="Local",
                  healthCheckNodePort=30100)
    assert nodeports.allocate(None, new, {}, {30100}.__contains__) == ([], "")
    assert new["spec"]["healthCheckNodePort"] == 30101


def test_an_update_keeps_the_ports_it_had() -> None:
    old = service({"port": 80, "nodePort": 30100})
    new = service({"port": 80, "nodePort": 30100}, {"port": 81, "nodePort": 30400})
    causes, _ = nodeports.allocate(old, new, {"spec": {"ports": [{"port": 81}]}}, {30100}.__contains__)
    assert causes == [] and [p["nodePort"] for p in new["spec"]["ports"]] == [30100, 30400]


def test_held() -> None:
    held = service({"port": 80, "nodePort": 30100}, {"port": 81}, healthCheckNodePort=30200)
    assert nodeports.held(held) == {30100, 30200}
    assert nodeports.held(None) == set()
