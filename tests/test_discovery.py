"""Discovery's rules as tables (proxy/wire/discovery.py): which form an Accept header gets, the aggregator's
order of groups and versions, go-restful's check of a route; measured against the real kube-apiserver in
test_discovery_realkube.py."""

from __future__ import annotations

import hashlib
import json

import pytest
from watchproxy.apiserver import bootstrap
from watchproxy.apiserver.routes import NOT_ALLOWED, NOT_FOUND
from watchproxy.engines.emulate import discovery as emulate_discovery
from watchproxy.wire import discovery
from watchproxy.wire.kinds import BUILTIN, ResourceType
from watchproxy.wire.negotiation import MEDIA_TYPES, restful_refusal

V2 = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"
_TYPE_META = b'"kind":"APIGroupDiscoveryList","apiVersion":"apidiscovery.k8s.io/v2",'


def etag_of(body: bytes) -> str:
    """An aggregated document's ETag by the apiserver's rule: the SHA-512 of the list before its kind is set."""
    return hashlib.sha512(body.rstrip(b"\n").replace(_TYPE_META, b"", 1)).hexdigest().upper()


@pytest.mark.parametrize(("accept", "at_apis", "elsewhere"), [
    ("", "legacy", "legacy"),
    ("application/json", "legacy", "legacy"),
    (V2, "aggregated", None),
    (f"{V2},application/json", "aggregated", "legacy"),
    (f"application/json;q=0.5,{V2}", "aggregated", "legacy"),
    (f"{V2};q=0.5,application/json", "aggregated", "legacy"),  # any aggregated range wins
    ("application/vnd.kubernetes.protobuf;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList", "aggregated", None),
    ("*/*;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList", "aggregated", None),
    ("application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList", None, None),  # (removed)
    ("application/json;g=apidiscovery.k8s.io;v=v2", None, None),  # a conversion, but not to the list
    ("application/json;as=Table;v=v1;g=meta.k8s.io", None, None),
    ("text/plain", None, None),
    ("application/*", "legacy", "legacy"),
    ("*", "legacy", "legacy"),  # goautoneg reads a lone * as */*
    ("application/json;sv=v1", None, None),  # no server version is allowed
    ("application/json;stream=watch", "legacy", "legacy"),
    ("application/yaml;stream=watch", None, None),  # YAML has no stream form
    ("application/json;as=", "legacy", "legacy"),  # a parameter without a value is dropped
    ("application/json/extra;x=1", None, None),
    ("application/json/;x=1", "legacy", "legacy"),  # (goautoneg drops an empty third part)
    ("text/html, application/yaml;q=0.2", "legacy", "legacy"),
])
def test_which_form_an_accept_header_gets(accept: str, at_apis: str | None, elsewhere: str | None) -> None:
    assert discovery.negotiated(accept, aggregated_served=True) == at_apis
    assert discovery.negotiated(accept, aggregated_served=False) == elsewhere


def test_versions_in_kube_aware_order() -> None:
    versions = ["v1alpha1", "stable", "v2", "v1beta2", "v10", "v1", "alpha", "v1beta1", "v2alpha1", "v1beta10"]
    assert sorted(versions, key=discovery.version_order) == [
        "v10", "v2", "v1", "v1beta10", "v1beta2", "v1beta1", "v2alpha1", "v1alpha1", "alpha", "stable"]


def _custom(group: str, *versions: str) -> tuple[ResourceType, ...]:
    return tuple(ResourceType(group, v, "things", "Thing") for v in versions)


def test_groups_in_the_aggregators_order() -> None:
    """Priorities from APIServices; the legacy list breaks ties by APIService name, the aggregated one by
    group name; a version's priority orders its group's versions before their names do."""
    types = (*_custom("z.example.com", "v1", "v1beta1"), *_custom("a.example.com", "v2"),
             *_custom("m.example.com", "v1alpha1", "v1"))
    priorities = discovery.priorities_of([
        *bootstrap.objects()[bootstrap.API_SERVICES],  # the built-in groups' (apps: 17800)
        *({"spec": {"group": g, "version": v, "groupPriorityMinimum": 1000, "versionPriority": 100}}
          for g, v in (("z.example.com", "v1"), ("z.example.com", "v1beta1"), ("a.example.com", "v2"))),
        {"spec": {"group": "m.example.com", "version": "v1alpha1", "groupPriorityMinimum": 2000,
                  "versionPriority": 5}},
        {"spec": {"group": "m.example.com", "version": "v1", "groupPriorityMinimum": 10, "versionPriority": 1}}])
    legacy = discovery.ordered_groups(types, priorities)
    aggregated = discovery.ordered_groups(types, priorities, aggregated=True)
    assert list(legacy)[:2] == list(aggregated)[:2] == ["apiregistration.k8s.io", "apps"]
    # m: its highest minimum (2000) places it; v1alpha1 before v1 by versionPriority
    assert list(legacy)[-3:] == ["m.example.com", "z.example.com", "a.example.com"]  # v1.z… < v2.a…
    assert list(aggregated)[-3:] == ["m.example.com", "a.example.com", "z.example.com"]
    assert legacy["m.example.com"] == ["v1alpha1", "v1"] and legacy["z.example.com"] == ["v1", "v1beta1"]
    # a group version without an APIService: priority 0, last
    assert list(discovery.ordered_groups((*types, *_custom("b.example.com", "v1")), priorities))[-1] == \
        "b.example.com"


def test_the_aggregated_etag_is_the_hash_of_the_list_before_its_kind_is_set() -> None:
    types = _custom("a.example.com", "v1")
    for path in ("/api", "/apis"):
        body, etag = discovery.aggregated(path, types, {})
        doc = json.loads(body)
        assert (doc["kind"], doc["apiVersion"]) == ("APIGroupDiscoveryList", "apidiscovery.k8s.io/v2")
        assert etag == etag_of(body)
    items = json.loads(discovery.aggregated("/apis", types, {})[0])["items"]
    assert items[1]["metadata"] == {"name": "a.example.com"}  # (without priorities: by name, after the aggregator)
    thing = items[1]["versions"][0]["resources"][0]
    assert thing["responseKind"] == {"group": "a.example.com", "version": "v1", "kind": "Thing"}  # a custom one's
    apps = next(i for i in items if i["metadata"]["name"] == "apps")["versions"][0]["resources"]
    deployments = next(r for r in apps if r["resource"] == "deployments")
    assert deployments["responseKind"] == {"group": "", "version": "", "kind": "Deployment"}  # a built-in's
    assert [(s["subresource"], s["responseKind"]["group"]) for s in deployments["subresources"]] == [
        ("scale", "autoscaling"), ("status", "")]
    core = json.loads(discovery.aggregated("/api", types, {})[0])["items"]
    assert [i["metadata"] for i in core] == [{}] and core[0]["versions"][0]["version"] == "v1"


@pytest.mark.parametrize(("accept", "taken"), [
    ("", True), ("*/*", True), ("application/json", True), ("application/json;as=Table;v=v1;g=meta.k8s.io", True),
    ("text/plain, application/yaml", True), ("application/*", False), ("text/plain", False),
    (" application/vnd.kubernetes.protobuf ;q=0.1", True),
])
def test_a_go_restful_route_checks_the_accept_before_its_handler(accept: str, taken: bool) -> None:
    refusal = restful_refusal(accept, MEDIA_TYPES)
    assert (refusal is None) == taken
    if refusal is not None:
        assert refusal == ("406: Not Acceptable\n\nAvailable representations: application/json, application/yaml, "
                           "application/vnd.kubernetes.protobuf")


@pytest.mark.parametrize(("method", "path", "answer"), [
    ("PUT", "/api/v1", (405, NOT_ALLOWED)), ("DELETE", "/api", (405, NOT_ALLOWED)),
    ("GET", "/api/v2", (404, NOT_FOUND)), ("POST", "/api/v1/namespaces/default/foos", (404, NOT_FOUND)),
    ("PATCH", "/apis/batch/v1", (405, NOT_ALLOWED)), ("GET", "/apis/batch/v9", (404, NOT_FOUND)),
    ("GET", "/apis/apps/v1/foos", (404, NOT_FOUND)), ("POST", "/version", (405, NOT_ALLOWED)),
    ("GET", "/version/x", (404, NOT_FOUND)),
    ("GET", "/apis/example.com/v1/things", None), ("GET", "/nope", None), ("POST", "/apis", None),
])
def test_what_nothing_serves_under_the_apiservers_roots(method: str, path: str,
                                                        answer: tuple[int, str] | None) -> None:
    """go-restful's 404 and 405 under /api, a built-in group and /version; elsewhere (another group, which
    may be an extension's the recording lacks) it is the replay's miss."""
    assert emulate_discovery.not_served(method, path, BUILTIN) == answer
