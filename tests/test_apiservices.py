"""The availability controller's conclusions as a table (proxy/apiserver/apiservices.py); measured against the
real kube-apiserver in test_apiservices_realkube.py."""

from __future__ import annotations

from typing import Any

import pytest
from watchproxy.apiserver import apiservices

_SVC = {"metadata": {"name": "v1beta1.metrics.k8s.io"},
        "spec": {"group": "metrics.k8s.io", "version": "v1beta1",
                 "service": {"namespace": "kube-system", "name": "metrics-server", "port": 443}}}
_SERVICE = {"spec": {"type": "ClusterIP", "clusterIP": "10.96.7.8", "ports": [{"name": "https", "port": 443}]}}
_PORT = {"name": "https", "port": 4443}
_WHERE = 'service/metrics-server in "kube-system"'
_CHECK = ("failing or missing response from https://10.96.7.8:443/apis/metrics.k8s.io/v1beta1: Get "
          '"https://10.96.7.8:443/apis/metrics.k8s.io/v1beta1": context deadline exceeded (Client.Timeout exceeded '
          "while awaiting headers)")


@pytest.mark.parametrize(("service", "slices", "expected"), [
    (None, [], ("ServiceNotFound", f"{_WHERE} is not present")),
    ({"spec": {"ports": [{"name": "web", "port": 80}]}}, [], ("ServicePortError",
                                                               f"{_WHERE} is not listening on port 443")),
    (_SERVICE, [], ("EndpointsNotFound", f"cannot find endpointslices for {_WHERE}")),
    (_SERVICE, [{"endpoints": [], "ports": [_PORT]}],
     ("MissingEndpoints", f'endpointslices for {_WHERE} have no addresses with port name "https"')),
    (_SERVICE, [{"endpoints": [{"conditions": {"ready": False}}], "ports": [_PORT]}], ("MissingEndpoints", None)),
    (_SERVICE, [{"endpoints": [{}], "ports": [{"name": "web", "port": 4443}]}], ("MissingEndpoints", None)),
    (_SERVICE, [{"endpoints": [{}], "ports": [{"name": "https"}]}], ("MissingEndpoints", None)),  # (no port)
    (_SERVICE, [{"endpoints": [{}], "ports": [_PORT]}], ("FailedDiscoveryCheck", _CHECK)),  # (ready unsaid: ready)
    (_SERVICE, [{"endpoints": [{"conditions": {"ready": False}}], "ports": [_PORT]},
                {"endpoints": [{"conditions": {"ready": True}}], "ports": [_PORT]}], ("FailedDiscoveryCheck", None)),
    ({"spec": {"type": "NodePort", "clusterIP": "10.96.7.8", "ports": []}}, [],  # only a ClusterIP's are checked
     ("FailedDiscoveryCheck", _CHECK)),
])
def test_what_the_availability_controller_concludes(service: dict[str, Any] | None, slices: list[dict[str, Any]],
                                                    expected: tuple[str, str | None]) -> None:
    status, reason, message = apiservices.availability(_SVC, service, slices) or ("", "", "")
    assert (status, reason) == ("False", expected[0])
    assert expected[1] is None or message == expected[1]


def test_a_local_apiservice_is_always_available() -> None:
    assert apiservices.availability({"spec": {"group": "apps", "version": "v1"}}, None, []) == (
        "True", "Local", "Local APIServices are always available")


def test_the_transition_time_moves_with_the_status_only() -> None:
    first = apiservices.with_availability(_SVC, ("False", "ServiceNotFound", "gone"), "T1")
    assert first is not None and first["status"]["conditions"] == [
        {"type": "Available", "status": "False", "lastTransitionTime": "T1", "reason": "ServiceNotFound",
         "message": "gone"}]
    again = apiservices.with_availability(first, ("False", "EndpointsNotFound", "none"), "T2")
    assert again is not None and again["status"]["conditions"][0]["lastTransitionTime"] == "T1"
    assert apiservices.with_availability(again, ("False", "EndpointsNotFound", "none"), "T3") is None  # no update
    passed = apiservices.with_availability(again, ("True", "Passed", "all checks passed"), "T4")
    assert passed is not None and passed["status"]["conditions"][0]["lastTransitionTime"] == "T4"
