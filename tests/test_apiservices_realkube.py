"""An APIService an extension apiserver would serve (a metrics-server's), against the reference: the
availability controller's condition as its Service and EndpointSlices come (ServiceNotFound, ServicePortError,
EndpointsNotFound, MissingEndpoints, then the failed discovery check of a backend nothing answers for),
discovery listing its group (legacy: by its priority; aggregated: `Stale`), and the aggregator's 503 for
what is under it. The real controller writes a moment after each change (awaited); a replay's at once."""

from __future__ import annotations

import base64
import json
import re
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from watchproxy.testing import Replay
from watchproxy.wire.kinds import is_custom_group

from tests import random_writes, rawhttp
from tests.realkube import RealKube
from tests.test_discovery import V2
from tests.workload import until

_APISERVICES = "/apis/apiregistration.k8s.io/v1/apiservices"
_TIMES = re.compile(r'"(uid|resourceVersion|creationTimestamp|time|lastTransitionTime)": "[^"]*"')
_ADDRESS = re.compile(r"https://[0-9.]+:443/")


def _steps(ns: str, group: str) -> list[tuple[str, str, Any, str]]:
    """(method, path, body, the reason the condition has after it)."""
    service = {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "backend"},
               "spec": {"ports": [{"name": "web", "port": 80, "targetPort": 8080}], "selector": {"app": "backend"}}}
    https = {"spec": {"ports": [{"name": "https", "port": 443, "targetPort": 4443}]}}
    endpoints = {"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
                 "metadata": {"name": "backend-1", "labels": {"kubernetes.io/service-name": "backend"}},
                 "addressType": "IPv4", "endpoints": [], "ports": [{"name": "https", "port": 4443, "protocol": "TCP"}]}
    ready = {"endpoints": [{"addresses": ["10.1.2.3"], "conditions": {"ready": True}}]}
    slices = f"/apis/discovery.k8s.io/v1/namespaces/{ns}/endpointslices"
    return [("POST", _APISERVICES, {"apiVersion": "apiregistration.k8s.io/v1", "kind": "APIService",
                                    "metadata": {"name": f"v1beta1.{group}"},
                                    "spec": {"group": group, "version": "v1beta1", "groupPriorityMinimum": 100,
                                             "versionPriority": 100, "insecureSkipTLSVerify": True,
                                             "service": {"namespace": ns, "name": "backend", "port": 443}}},
             "ServiceNotFound"),
            ("POST", f"/api/v1/namespaces/{ns}/services", service, "ServicePortError"),
            ("PATCH", f"/api/v1/namespaces/{ns}/services/backend", https, "EndpointsNotFound"),
            ("POST", slices, endpoints, "MissingEndpoints"),
            ("PATCH", f"{slices}/backend-1", ready, "FailedDiscoveryCheck")]


def test_an_extension_apiservers_apiservice_gets_the_real_apiservers_answers(
        realkube: RealKube, watchproxy: Callable[..., Replay], tmp_path: Path) -> None:
    tag = uuid.uuid4().hex[:8]
    ns, group = f"aggregated-{tag}", f"m{tag}.example.com"
    name = f"{_APISERVICES}/v1beta1.{group}"

    def ours(g: str) -> bool:
        return not is_custom_group(g) or g == group

    answers = []
    for server in rawhttp.real_and_replay(realkube, watchproxy, tmp_path, ns):
        got: list[Any] = []

        def condition(server: rawhttp.Server = server) -> Any:
            code, doc, _ = rawhttp.call(*server, "GET", name)
            assert code == 200, doc
            return ((doc.get("status") or {}).get("conditions") or [{}])[0]
        for method, path, body, reason in _steps(ns, group):
            code, doc, _ = rawhttp.call(*server, method, path, json.dumps(body).encode(),
                                        "application/merge-patch+json" if method == "PATCH" else "application/json")
            assert code < 300, doc
            until(lambda reason=reason: condition().get("reason") == reason, 30, reason)
            got.append(json.loads(_ADDRESS.sub("https://IP:443/", _TIMES.sub(r'"\1": "X"', json.dumps(condition())))))
        code, listed, _ = rawhttp.call(*server, "GET", "/apis")
        got.append([g for g in listed["groups"] if ours(g["name"])])
        aggregated = json.loads(rawhttp.get(*server, "/apis", {"Accept": V2})[2])["items"]
        got.append([i for i in aggregated if ours(i["metadata"]["name"])][-1])
        got.append(rawhttp.call(*server, "GET", f"/apis/{group}")[:2])
        for method, path in (("GET", f"/apis/{group}/v1beta1"), ("GET", f"/apis/{group}/v1beta1/things?watch=1"),
                             ("POST", f"/apis/{group}/v1beta1/namespaces/{ns}/things")):
            code, headers, body = rawhttp.send(*server, method, path, b"{}", {"Content-Type": "application/json"})
            got.append((code, headers.get("Content-Type"), body))
        assert rawhttp.call(*server, "DELETE", name)[0] == 200
        until(lambda server=server: group not in json.dumps(rawhttp.call(*server, "GET", "/apis")[1]), 30,
              "the group gone from discovery")
        answers.append(got)
    real, emulated = answers
    # a backend nothing answers for: how the check fails is the network's (here a proxy's 404, in a cluster
    # mostly a timeout); the rest is the controller's
    check = f"failing or missing response from https://IP:443/apis/{group}/v1beta1: "
    assert real[4]["message"].startswith(check) and emulated[4]["message"].startswith(check)
    real[4]["message"] = emulated[4]["message"] = check
    assert [g["name"] for g in real[5]][-1] == group  # (priority 100: after every built-in group)
    assert real[6] == {"metadata": {"name": group}, "versions": [{"version": "v1beta1", "freshness": "Stale"}]}
    assert real[7][0] == 200 and real[8] == (503, "text/plain; charset=utf-8", b"service unavailable\n")
    assert [(i, r, e) for i, (r, e) in enumerate(zip(real, emulated, strict=True)) if r != e] == []


def _api_service(name: str, **spec: Any) -> dict[str, Any]:
    given = {"group": name.partition(".")[2], "version": name.partition(".")[0], "groupPriorityMinimum": 100,
             "versionPriority": 100, "insecureSkipTLSVerify": True, "service": {"namespace": "ns", "name": "s"},
             **spec}
    return {"apiVersion": "apiregistration.k8s.io/v1", "kind": "APIService", "metadata": {"name": name},
            "spec": {k: v for k, v in given.items() if v is not None}}


def test_an_apiservice_is_validated_as_the_real_apiserver_validates_it(
        realkube: RealKube, watchproxy: Callable[..., Replay], tmp_path: Path) -> None:
    """Its name `VERSION.GROUP`, group and version names, both priorities' bounds, a local one without TLS
    settings, a remote one's Service reference and port, a CA bundle or insecure TLS: on create, on update,
    and a /status write's condition statuses (and what its status has not dropped); what its decoder refuses;
    and how it is stored."""
    group = f"v{uuid.uuid4().hex[:8]}.example.com"
    good = f"v1beta1.{group}"
    creates = [_api_service(f"v1.{group}", version="v1beta1"), _api_service(f"x.{group}", version=None),
               _api_service("v1beta1.", group=None), _api_service(f"V1.{group}"), _api_service("v1.X_y"),
               _api_service(good, groupPriorityMinimum=0), _api_service(good, groupPriorityMinimum=20001),
               _api_service(good, versionPriority=0), _api_service(good, versionPriority=1001),
               _api_service(good, caBundle="Zm9v"), _api_service(good, service={"namespace": "ns", "port": 70000}),
               _api_service(good, service={"name": "s", "port": 0}),
               _api_service(good, service=None, caBundle="Zm9vYmFy"),
               _api_service(good, service=None, groupPriorityMinimum=None, versionPriority=None),
               _api_service("bad", group=None, version=None, groupPriorityMinimum=0, caBundle="Zm9v"),
               # what the decoder refuses first, in the body's order
               _api_service(good, groupPriorityMinimum="high"), _api_service(good, versionPriority=2**31),
               _api_service(good, service="s"), _api_service(good, service={"name": "s", "port": 1.5}),
               _api_service(good, caBundle=7, insecureSkipTLSVerify="yes"), _api_service(good, caBundle="Y\nQ="),
               {**_api_service(good), "spec": ["v1"]},
               # stored as Go holds it: struct order, the port defaulted
               {**_api_service(good), "spec": {"versionPriority": 7, "groupPriorityMinimum": 9, "version": "v1beta1",
                                               "group": group, "insecureSkipTLSVerify": False,
                                               "caBundle": base64.encodebytes(b"a").decode(),  # (Go's form stored)
                                               "service": {"port": None, "name": "s", "namespace": "ns"}}}]
    path = f"{_APISERVICES}/{good}"
    answers = []
    for server in rawhttp.real_and_replay(realkube, watchproxy, tmp_path, f"validated-{group.split('.')[0]}"):
        got = [rawhttp.call(*server, "POST", _APISERVICES, json.dumps(c).encode())[:2] for c in creates]
        got.append((200, {"message": json.dumps(rawhttp.call(*server, "GET", path)[1]["spec"])}))
        for changed in ({"spec": {"versionPriority": 0}}, {"spec": {"service": {"port": -1}, "caBundle": "YQ=="}}):
            got.append(rawhttp.call(*server, "PATCH", path, json.dumps(changed).encode(),
                                    "application/merge-patch+json")[:2])
        bundle = {"spec": {"caBundle": [104, 105]}}  # (an array of bytes: written as base64)
        code, doc, _ = rawhttp.call(*server, "PATCH", path, json.dumps(bundle).encode(), "application/merge-patch+json")
        got.append((code, {"message": json.dumps(doc.get("spec"))}))
        status = {"status": {"conditions": [{"type": "Available", "status": "Maybe", "reason": "R", "message": "m",
                                             "lastTransitionTime": "2026-01-01T00:00:00Z"}]}}
        got.append(rawhttp.call(*server, "PATCH", f"{path}/status", json.dumps(status).encode(),
                                "application/merge-patch+json")[:2])
        for bent in ({"conditions": [1.5]}, [], {"conditions": {"a": 1}}, 5, {"conditions": [{"type": 5}]},
                     {"conditions": [[1]]}):  # (a status its decoder refuses: the 422 quotes the patched object)
            code, doc, _ = rawhttp.call(*server, "PATCH", f"{path}/status", json.dumps({"status": bent}).encode(),
                                        "application/merge-patch+json")
            # (the reference's own controllers write as its binary, the test peer `realkube`)
            got.append((code, json.loads(json.dumps(random_writes.reduce(doc)).replace("realkube", "kube-apiserver"))))
        # (last, as the conditions it replaces are the availability controller's too: a field APIServiceStatus
        # has not dropped; a condition's time in another form written in UTC)
        other = {"status": {"b": [1], "conditions": [{"type": "Custom", "status": "True", "reason": "R", "message": "m",
                                                      "lastTransitionTime": "2026-01-01T01:00:00+01:00"}]}}
        code, doc, _ = rawhttp.call(*server, "PATCH", f"{path}/status", json.dumps(other).encode(),
                                    "application/merge-patch+json")
        got.append((code, {"message": json.dumps(doc.get("status"))}))
        rawhttp.call(*server, "DELETE", path)
        answers.append([(code, doc.get("message"), (doc.get("details") or {}).get("causes")) for code, doc in got])
    real, emulated = answers
    assert [a[0] for a in real] == [422] * 15 + [400] * 7 + [201, 200, 422, 422, 200, 422] + [422] * 6 + [200]
    assert json.loads(real[34][1]) == {"conditions": [{"type": "Custom", "status": "True", "lastTransitionTime":
                                                       "2026-01-01T00:00:00Z", "reason": "R", "message": "m"}]}
    assert real[23][1] == json.dumps({"service": {"namespace": "ns", "name": "s", "port": 443}, "group": group,
                                      "version": "v1beta1", "caBundle": "YQ==", "groupPriorityMinimum": 9,
                                      "versionPriority": 7})
    assert [(i, r, e) for i, (r, e) in enumerate(zip(real, emulated, strict=True)) if r != e] == []


def test_a_strategic_merge_patch_of_an_apiservice_is_converted_from_unstructured(
        realkube: RealKube, watchproxy: Callable[..., Replay], tmp_path: Path) -> None:
    """A strategic merge patch's result is converted from unstructured, not decoded from JSON, so what it
    refuses is in the converter's words (`cannot restore struct from: slice`, a condition type's Go name); and an
    empty list of conditions is left out of the stored status (omitempty)."""
    group = f"v{uuid.uuid4().hex[:8]}.example.com"
    path = f"{_APISERVICES}/v1.{group}"
    patches = [("", {"spec": [1, "a"]}), ("", {"spec": {"service": "x"}}), ("", {"spec": {"caBundle": 5}}),
               ("", {"spec": {"service": {"port": "x"}}}), ("", {"metadata": {"labels": [1]}}),
               ("/status", {"status": {"conditions": "x"}}), ("/status", {"status": {"conditions": [{"type": 1}]}}),
               ("/status", {"status": 7})]
    answers = []
    for server in rawhttp.real_and_replay(realkube, watchproxy, tmp_path, f"unstructured-{group.split('.')[0]}"):
        local = _api_service(f"v1.{group}", service=None, insecureSkipTLSVerify=None)  # (no availability checks)
        rawhttp.call(*server, "POST", _APISERVICES, json.dumps(local).encode())
        got = [rawhttp.call(*server, "PATCH", path + sub, json.dumps(p).encode(),
                            "application/strategic-merge-patch+json")[:2] for sub, p in patches]
        emptied = rawhttp.call(*server, "PATCH", f"{path}/status", b'{"status": {"conditions": []}}',
                               "application/merge-patch+json")
        rawhttp.call(*server, "DELETE", path)
        answers.append([(code, doc.get("message")) for code, doc in got] + [(emptied[0], emptied[1].get("status"))])
    real, emulated = answers
    assert [code for code, _ in real] == [422] * len(patches) + [200]
    assert real[-1] == (200, {})
    assert [(i, r, e) for i, (r, e) in enumerate(zip(real, emulated, strict=True)) if r != e] == []
