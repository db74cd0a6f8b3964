"""A write's options and a delete's body against the reference: creates, updates, patches and deletes whose
options the apiserver refuses (a dryRun it does not know, a field manager it cannot record, a propagation
policy set twice or wrongly), DeleteOptions bodies it cannot decode, and preconditions a delete does not
meet, sent to the real kube-apiserver and to a replay, get the same code and message."""

from __future__ import annotations

import http.client
import json
import re
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml
from watchproxy.testing import Replay

from tests import random_writes, rawhttp
from tests.realkube import RealKube

_OBJECT = json.dumps({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "o1"}, "data": {"a": "1"}}).encode()
_JSON, _MERGE = "application/json", "application/merge-patch+json"
_YAML, _APPLY, _STRATEGIC = "application/yaml", "application/apply-patch+yaml", "application/strategic-merge-patch+json"
# (method, on the object or its collection, query, body, content type)
_WRITES: list[tuple[str, bool | str, str, bytes | None, str]] = [
    ("POST", False, "dryRun=Bogus", _OBJECT, _JSON),
    ("POST", False, "dryRun=All&dryRun=Bogus", _OBJECT, _JSON),
    ("PUT", True, "dryRun=Bogus", _OBJECT, _JSON),
    ("PATCH", True, "dryRun=Bogus", b"{}", _MERGE),
    ("POST", False, "fieldManager=" + "m" * 200, _OBJECT, _JSON),
    ("POST", False, "fieldManager=a%0Ab&dryRun=x", _OBJECT, _JSON),
    ("POST", False, "fieldManager=ok&dryRun=x", b"not json", _JSON),  # the options are refused first
    ("DELETE", True, "dryRun=Bogus", None, _JSON),
    ("DELETE", True, "propagationPolicy=Sideways", None, _JSON),
    ("DELETE", False, "propagationPolicy=Sideways", None, _JSON),
    ("DELETE", True, "propagationPolicy=Orphan&orphanDependents=true", None, _JSON),
    ("DELETE", True, "gracePeriodSeconds=abc", None, _JSON),
    ("DELETE", True, "gracePeriodSeconds=1%01", None, _JSON),  # (strconv quotes it: "1\x01")
    ("DELETE", True, "dryRun=Bogus", b"{}", _JSON),  # with a body, the query is not read: deleted
    ("DELETE", True, "", b'{"propagationPolicy":"Orphan","orphanDependents":false}', _JSON),
    ("DELETE", True, "", b'{"propagationPolicy":"Sideways","dryRun":["x"]}', _JSON),
    ("DELETE", True, "", b'{"gracePeriodSeconds":NaN}', _JSON),
    ("DELETE", False, "", b'{"propagationPolicy":"Foreground"', _JSON),
    ("DELETE", True, "", b"[1]", _JSON),
    ("DELETE", True, "", b'{"gracePeriodSeconds":"5"}', _JSON),
    ("DELETE", True, "", b'{"preconditions":"x"}', _JSON),
    ("DELETE", True, "", b'{"dryRun":"All"}', _JSON),
    ("DELETE", True, "", b'{"kind":"Pod","apiVersion":"apps/v1"}', _JSON),
    ("DELETE", True, "", b'{"kind":"Pod"}', _JSON),
    ("DELETE", True, "", b'{"kind":"DeleteOptions","apiVersion":"apps/v1","dryRun":["All"]}', _JSON),
    ("DELETE", True, "", b'{"preconditions":{"uid":"nope"}}', _JSON),
    ("DELETE", False, "", b'{"preconditions":{"uid":"nope"}}', _JSON),
    ("DELETE", True, "", b'{"preconditions":{"resourceVersion":"1"}}', _JSON),
    # what comes before the object is looked at (on an object that is not there: "nope"): a PATCH's media type
    # (the route's, before the Accept), then its options (an apply names its manager, only an apply is forced),
    # then whether the patch is JSON at all; a DELETE's body in a media type it has no decoder for, or in YAML;
    # a create's body in a patch's media type; a connect's dryRun
    ("PATCH", "nope", "", b"{}", ""),
    ("PATCH", "nope", "", b"{}", "text/plain"),
    ("PATCH", "nope", "", b"{", _APPLY),
    ("PATCH", "nope", "force=false", b"{}", _MERGE),
    ("PATCH", "nope", "force=true&fieldManager=m", b"kind: [", _APPLY),
    ("PATCH", "nope", "force=true&fieldManager=m", b" {", _APPLY),  # (JSON is decoded later, as it is)
    ("PATCH", "nope", "", b"{", _MERGE),
    ("PATCH", "nope", "", b"", _STRATEGIC),
    ("PATCH", "nope", "", b"kind: ConfigMap", "application/json-patch+json"),
    ("PATCH", "nope", "", b"[]", _MERGE),  # (JSON: the patcher's to refuse, once it holds the object)
    ("DELETE", True, "", b'{"propagationPolicy":"Orphan"}', _STRATEGIC),
    ("DELETE", True, "", b"propagationPolicy: Orphan", _YAML),
    ("DELETE", True, "", b"propagationPolicy: Sideways", _YAML),
    ("DELETE", True, "", b"{", _YAML),
    # a patch that makes the object another type (its quote of the patched object, with times and uid, aside)
    ("PATCH", True, "", b'{"kind":"Binding"}', _MERGE),
    ("PATCH", True, "", b'{"apiVersion":"apps/v1"}', _MERGE),
    ("PATCH", True, "", b'{"kind":"Secret","data":{"a":"not base64"}}', _MERGE),
    ("POST", False, "", _OBJECT, _APPLY),
    ("PUT", True, "", _OBJECT, _APPLY),
    ("DELETE", True, "resourceVersion=0", None, _JSON),  # a DELETE's query holds its preconditions too
    ("DELETE", True, "uid=x&resourceVersion=0", None, _JSON),
    ("POST", "/api/v1/namespaces/{ns}/pods/nope/eviction", "", _OBJECT, _JSON),  # (an Eviction of either version)
    ("POST", "/api/v1/namespaces/{ns}/pods/nope/eviction", "",
     b'{"apiVersion":"policy/v2","kind":"Eviction","metadata":{"name":"nope"}}', _JSON),
    ("POST", "/api/v1/namespaces/{ns}/pods/nope/eviction", "",
     b'{"apiVersion":"policy/v1beta1","kind":"Eviction","metadata":{"name":"nope"}}', _JSON),
    # a TokenRequest of another version, for an account that is not there: decoded first
    ("POST", "/api/v1/namespaces/{ns}/serviceaccounts/nope/token", "",
     b'{"apiVersion":"x","kind":"TokenRequest","spec":{"audiences":["a"]}}', _JSON),
    ("POST", "/api/v1/namespaces/{ns}/serviceaccounts/nope/token", "",
     b'{"apiVersion":"v1","kind":"ConfigMap"}', _JSON),
    ("GET", "/api/v1/namespaces/{ns}/pods/nope/exec", "dryRun=All&command=ls", None, _JSON),
    ("POST", "/api/v1/namespaces/{ns}/pods/nope/attach", "dryRun=x", None, _JSON),
]
_UID_OR_RV = re.compile(r"in record \([^)]*\)")  # the object's own uid and resourceVersion differ
_PARENTHESES = re.compile(r"\([^)]*\)")  # a precondition's uid or resourceVersion, and the object's
_YAML_WORDS = re.compile(r"yaml: line .*")  # go-yaml's words for bad YAML are not PyYAML's (bodies.py)
_QUOTED = re.compile(r'Invalid value: ".*": ', re.DOTALL)  # a patched object, with its own times and uid


def _answers(base: str, token: str, ns: str) -> list[tuple[str, str, str, int, str]]:
    cms = f"/api/v1/namespaces/{ns}/configmaps"
    out = []
    for method, one, query, data, content_type in _WRITES:
        rawhttp.call(base, token, "POST", cms, _OBJECT)
        path = one.format(ns=ns) if isinstance(one, str) and one.startswith("/") else f"{cms}/{one}" \
            if isinstance(one, str) else f"{cms}/o1" if one else cms
        code, doc, _ = rawhttp.call(base, token, method, f"{path}?{query}", data, content_type)
        refused = doc.get("kind") == "Status" and doc.get("status") == "Failure"
        message = _QUOTED.sub('Invalid value: "…": ', _YAML_WORDS.sub("yaml: line …", _UID_OR_RV.sub(
            "in record (…)", doc.get("message", "")))) if refused else doc.get("kind", "")
        out.append((method, query, (data or b"").decode(errors="replace"), code, message))
        rawhttp.call(base, token, "DELETE", f"{cms}/o1")
    return out


def test_write_options_and_delete_bodies_get_the_real_apiservers_answers(
        realkube: RealKube, watchproxy: Callable[..., Replay], tmp_path: Path) -> None:
    real_server, replay = rawhttp.real_and_replay(realkube, watchproxy, tmp_path, "options")
    real, emulated = _answers(*real_server, "options"), _answers(*replay, "options")
    assert [(r, e) for r, e in zip(real, emulated, strict=True) if r != e] == []
    assert sum(code == 422 for *_, code, _ in real) >= 10 and sum(code == 409 for *_, code, _ in real) == 5


_OTHER_TYPES = [  # bodies naming another kind or version than the endpoint's (a ConfigMap's, an Event's)
    {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "o2"}, "data": {"k": "not base64"}},
    {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "o2"}, "data": {"k": "dg=="}, "bogus": 1},
    {"apiVersion": "v1", "kind": "Foo", "metadata": {"name": "o2"}},
    {"apiVersion": "apps/v1", "kind": "ConfigMap", "metadata": {"name": "o2"}},
    {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "o2"}, "spec": {"replicas": "x"}},
    {"kind": "Pod", "metadata": {"name": "o2"}, "spec": {"containers": []}},
    {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "o2"}, "bogus": 1},
]


def test_a_body_of_another_type_gets_the_real_apiservers_answer(
        realkube: RealKube, watchproxy: Callable[..., Replay], tmp_path: Path) -> None:
    """Decoded as the type it names (`no kind … is registered`, that type's own errors), then converted to
    the endpoint's (`unknown conversion`, or for another version of it the handler's refusal of that version):
    before its fields are judged, whatever the field validation; in JSON and YAML, created and updated."""
    def answers(server: rawhttp.Server, ns: str) -> list[tuple[str, int, str]]:
        out = []
        event = {"apiVersion": "events.k8s.io/v1", "kind": "Event", "metadata": {"name": "e"}, "eventTime": None}
        bodies = [(f"/api/v1/namespaces/{ns}/configmaps", b) for b in _OTHER_TYPES]
        bodies.append((f"/api/v1/namespaces/{ns}/events", event))
        for path, body in bodies:
            for content_type, data in ((_JSON, json.dumps(body).encode()), (_YAML, yaml.safe_dump(body).encode())):
                for method, query in (("POST", ""), ("PUT", "fieldValidation=Strict")):
                    at = f"{path}/o2?{query}" if method == "PUT" else f"{path}?{query}"
                    code, doc, _ = rawhttp.call(*server, method, at, data, content_type)
                    out.append((f"{method} {path} {content_type} {data.decode()}", code, doc.get("message", "")))
        return out
    real_server, replay = rawhttp.real_and_replay(realkube, watchproxy, tmp_path, "other-types")
    real, emulated = answers(real_server, "other-types"), answers(replay, "other-types")
    assert [(r, e) for r, e in zip(real, emulated, strict=True) if r != e] == []
    assert {code for _, code, _ in real} == {201, 400, 409}  # (the ConfigMap: created, then there)
    assert next(m for what, _, m in real if "events" in what).startswith("the API version in the data")


# (not `watch=1`: the reference's list then may miss the newest object, a race of its watch cache)
_COLLECTION_DELETES = ["limit=1", "limit=2&labelSelector=x%3D1", "limit=x", "resourceVersion=x",
                       "dryRun=x&resourceVersion=x", "dryRun=x&limit=x", "resourceVersion=0",
                       "fieldSelector=spec.x%3D1", "labelSelector=x%3D1&limit=1&dryRun=All",
                       "resourceVersionMatch=Exact"]


def test_a_collection_delete_reads_its_list_options_as_a_list_does(
        realkube: RealKube, watchproxy: Callable[..., Replay], tmp_path: Path) -> None:
    """Its ListOptions before its DeleteOptions (but the resourceVersion, which its list parses), and the
    objects its list finds: a limit deletes a page (its continue token and count in the answer), not all."""
    def answers(server: rawhttp.Server, ns: str) -> list[tuple[str, int, Any, list[str]]]:
        cms = f"/api/v1/namespaces/{ns}/configmaps"
        out = []
        for query in _COLLECTION_DELETES:
            for name, labels in (("a", {"x": "1"}), ("b", {"x": "1"}), ("c", {})):
                rawhttp.call(*server, "POST", cms, json.dumps({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {
                    "name": name, "labels": labels}}).encode())
            code, doc, _ = rawhttp.call(*server, "DELETE", f"{cms}?{query}")
            got = _UID_OR_RV.sub("in record (…)", doc.get("message", "")) if doc.get("kind") == "Status" else (
                [i["metadata"]["name"] for i in doc["items"]], sorted(doc["metadata"]))
            left = [i["metadata"]["name"] for i in rawhttp.call(*server, "GET", cms)[1]["items"]]
            out.append((query, code, got, left))
            rawhttp.call(*server, "DELETE", cms)
        return out
    real_server, replay = rawhttp.real_and_replay(realkube, watchproxy, tmp_path, "collection-deletes")
    real, emulated = answers(real_server, "collection-deletes"), answers(replay, "collection-deletes")
    assert [(r, e) for r, e in zip(real, emulated, strict=True) if r != e] == []
    assert real[0] == ("limit=1", 200, (["a"], ["continue", "remainingItemCount", "resourceVersion"]), ["b", "c"])


def test_a_collection_delete_deletes_what_it_listed_one_by_one_up_to_its_first_refusal(
        realkube: RealKube, watchproxy: Callable[..., Replay], tmp_path: Path) -> None:
    """One worker deletes the listed objects in order and stops at the first it cannot (a precondition): the
    rest stay. A page listed from an older continue token deletes what is there now (a listed object deleted
    since is passed by) and answers what it listed."""
    def answers(server: rawhttp.Server, ns: str) -> list[tuple[int, Any, list[str]]]:
        cms = f"/api/v1/namespaces/{ns}/configmaps"

        def made() -> dict[str, dict[str, Any]]:
            for name in "abc":
                rawhttp.call(*server, "POST", cms, json.dumps({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {
                    "name": name}, "data": {"v": "1"}}).encode())
            return {i["metadata"]["name"]: i["metadata"] for i in rawhttp.call(*server, "GET", cms)[1]["items"]}

        def deleted(path: str, body: dict[str, Any] | None = None) -> tuple[int, Any, list[str]]:
            code, doc, _ = rawhttp.call(*server, "DELETE", path, None if body is None else json.dumps(body).encode())
            got = _PARENTHESES.sub("(…)", doc.get("message", "")) if doc.get("kind") == "Status" else [
                (i["metadata"]["name"], i.get("data")) for i in doc["items"]]
            left = [i["metadata"]["name"] for i in rawhttp.call(*server, "GET", cms)[1]["items"]]
            rawhttp.call(*server, "DELETE", cms)
            return code, got, left
        out = []
        for precondition in ("uid", "resourceVersion"):
            for name in "abc":
                out.append(deleted(cms, {"preconditions": {precondition: made()[name][precondition]}}))
        made()
        token = rawhttp.call(*server, "GET", f"{cms}?limit=1")[1]["metadata"]["continue"]
        rawhttp.call(*server, "DELETE", f"{cms}/b")
        rawhttp.call(*server, "PATCH", f"{cms}/c", b'{"data":{"v":"2"}}', _MERGE)
        out.append(deleted(f"{cms}?continue={token}"))
        return out
    real_server, replay = rawhttp.real_and_replay(realkube, watchproxy, tmp_path, "collection-refusals")
    real, emulated = answers(real_server, "collection-refusals"), answers(replay, "collection-refusals")
    assert [(r, e) for r, e in zip(real, emulated, strict=True) if r != e] == []
    assert [left for *_, left in real[:6]] == [["b", "c"], ["a", "b", "c"], ["a", "b", "c"]] * 2
    assert real[6] == (200, [("b", {"v": "1"}), ("c", {"v": "1"})], ["a"])


_SCALES = [  # (method, query, body, content type): a Scale with fields it does not have, under each validation
    ("PUT", "", {"spec": {"replicas": 2, "x": 1}, "bogus": True}, _JSON),
    ("PUT", "fieldValidation=Strict", {"spec": {"replicas": 2, "x": 1}}, _JSON),
    ("PUT", "fieldValidation=Ignore", {"spec": {"replicas": 2, "x": 1}}, _JSON),
    ("PUT", "fieldValidation=Strict", {"kind": "Foo", "spec": {"replicas": "2"}}, _JSON),
    ("PUT", "", {"apiVersion": "autoscaling/v2", "spec": {"replicas": 1}}, _JSON),
    ("PATCH", "", {"spec": {"a": {"a": None}}}, _MERGE),
    ("PATCH", "fieldValidation=Strict", {"spec": {"replicas": 3, "x": 1}}, _MERGE),
    ("PATCH", "", {"status": {"y": 1}}, _STRATEGIC),
    ("PATCH", "fieldValidation=Strict", {"spec": {"x": 1}}, _STRATEGIC),
    ("PATCH", "", [{"op": "add", "path": "/spec/x", "value": 1}], "application/json-patch+json"),
]


def test_a_scales_fields_are_validated_as_a_scales(
        realkube: RealKube, watchproxy: Callable[..., Replay], tmp_path: Path) -> None:
    """A Scale written through /scale, put or patched, is decoded as an autoscaling/v1 Scale: a field it does not
    have is a warning, or under Strict the refusal (in a Scale's words), whatever the resource scaled."""
    def answers(server: rawhttp.Server, ns: str) -> list[tuple[int, str, list[str], Any]]:
        deploys = f"/apis/apps/v1/namespaces/{ns}/deployments"
        labels = {"app": "s"}
        rawhttp.call(*server, "POST", deploys, json.dumps({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {
            "name": "s"}, "spec": {"selector": {"matchLabels": labels}, "template": {"metadata": {"labels": labels},
                                   "spec": {"containers": [{"name": "c", "image": "i"}]}}}}).encode())
        out = []
        for method, query, body, content_type in _SCALES:
            if method == "PUT":
                body = {"apiVersion": "autoscaling/v1", "kind": "Scale", "metadata": {"name": "s"}, **body}
            code, doc, warnings = rawhttp.call(*server, method, f"{deploys}/s/scale?{query}", json.dumps(body).encode(),
                                               content_type)
            out.append((code, _QUOTED.sub("Invalid value: …: ", doc.get("message", "")), warnings, doc.get("spec")))
        return out
    real_server, replay = rawhttp.real_and_replay(realkube, watchproxy, tmp_path, "scale-fields")
    real, emulated = answers(real_server, "scale-fields"), answers(replay, "scale-fields")
    assert [(r, e) for r, e in zip(real, emulated, strict=True) if r != e] == []
    assert real[0][2] == ['299 - "unknown field \\"spec.x\\""', '299 - "unknown field \\"bogus\\""']


def test_a_scale_is_patched_with_the_managers_of_its_replicas(
        realkube: RealKube, watchproxy: Callable[..., Replay], tmp_path: Path) -> None:
    """A patch through /scale applies to the Scale as the ScaleHandler makes it, with the managers of the
    replicas as its own (ToSubresource), which a refusal quoting the patched Scale shows: its creator's with a
    time, a scaler's without."""
    def answers(server: rawhttp.Server, ns: str) -> list[tuple[int, Any]]:
        deploys = f"/apis/apps/v1/namespaces/{ns}/deployments"
        labels = {"app": "s"}
        rawhttp.call(*server, "POST", f"{deploys}?fieldManager=creator", json.dumps({
            "apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "s"}, "spec": {
                "replicas": 1, "selector": {"matchLabels": labels}, "template": {"metadata": {"labels": labels},
                                                                                 "spec": {"containers": [{
                                                                                     "name": "c", "image": "i"}]}}}}
        ).encode())
        out = []
        for patch in ({"spec": {"replicas": 1.5}}, {"spec": {"replicas": 2}}, {"spec": 5}):
            code, doc, _ = rawhttp.call(*server, "PATCH", f"{deploys}/s/scale?fieldManager=scaler",
                                        json.dumps(patch).encode(), _MERGE)
            out.append((code, random_writes.reduce(doc).get("message") or doc.get("spec")))
        return out
    real = rawhttp.agreed(realkube, watchproxy, tmp_path, "scale-managers", answers)
    assert '\\"manager\\":\\"creator\\"' in real[0][1] and '\\"manager\\":\\"scaler\\"' in real[2][1]


def test_a_body_that_does_not_decode_gets_no_warning_of_its_unknown_fields(
        realkube: RealKube, watchproxy: Callable[..., Replay], tmp_path: Path) -> None:
    """The strict decoder's unknown fields are only reported of a body that decodes: one with a value of the
    wrong type is refused without them, warned or Strict (the type error, not the strict one)."""
    def answers(server: rawhttp.Server, ns: str) -> list[tuple[int, str, list[str]]]:
        out = []
        for query in ("", "fieldValidation=Strict"):
            for body in ({"metadata": {"name": "u", "a": None}, "data": []}, {"metadata": {"name": "u"}, "x": 1,
                                                                               "data": {"k": 1}}):
                data = json.dumps({"apiVersion": "v1", "kind": "ConfigMap", **body}).encode()
                code, doc, warnings = rawhttp.call(*server, "POST", f"/api/v1/namespaces/{ns}/configmaps?{query}", data)
                out.append((code, doc.get("message", ""), warnings))
        return out
    real = rawhttp.agreed(realkube, watchproxy, tmp_path, "undecodable", answers)
    assert {code for code, _, _ in real} == {400} and not any(warnings for *_, warnings in real)


_NAMED_TYPES = [  # fields of a named Go type, given a value of the wrong JSON type: the error names the type
    ("services", {"kind": "Service", "spec": {"type": 5, "ports": [{"port": 80}]}}),
    ("services", {"kind": "Service", "spec": {"ipFamilies": ["IPv4", 4], "ports": [{"port": 80}]}}),
    ("pods", {"kind": "Pod", "spec": {"restartPolicy": 1, "containers": [{"name": "c", "image": "i"}]}}),
    ("pods", {"kind": "Pod", "spec": {"containers": [{"name": "c", "image": "i", "imagePullPolicy": True}]}}),
    ("configmaps", {"kind": "ConfigMap", "metadata": {"uid": 5}}),
]


def test_a_type_error_names_a_named_go_type_as_the_apiserver_does(
        realkube: RealKube, watchproxy: Callable[..., Replay], tmp_path: Path) -> None:
    """encoding/json names a field's Go type: `v1.ServiceType`, `[]v1.IPFamily`'s `v1.IPFamily`, `types.UID`."""
    def answers(server: rawhttp.Server, ns: str) -> list[tuple[int, str]]:
        out = []
        for resource, obj in _NAMED_TYPES:
            body = {"apiVersion": "v1", **obj, "metadata": {"name": "named", **obj.get("metadata", {})}}
            code, doc, _ = rawhttp.call(*server, "POST", f"/api/v1/namespaces/{ns}/{resource}",
                                        json.dumps(body).encode())
            out.append((code, doc.get("message", "")))
        return out
    real = rawhttp.agreed(realkube, watchproxy, tmp_path, "named-types", answers)
    assert real[0] == (400, 'Service in version "v1" cannot be handled as a Service: json: cannot unmarshal number '
                            'into Go struct field ServiceSpec.spec.type of type v1.ServiceType')


_ODD = "a<b\u0001"  # (what encoding/json escapes and %q does not, or not alike)
_CONTAINER = {"name": "c", "image": "i"}
_ENUM_VALUES: list[tuple[str, dict[str, Any]]] = [  # (path under the namespace or /, body) each refused for _ODD
    ("api/v1/namespaces/{ns}/pods", {"spec": {"restartPolicy": _ODD, "containers": [_CONTAINER]}}),
    ("api/v1/namespaces/{ns}/pods", {"spec": {"tolerations": [{"operator": _ODD}], "containers": [_CONTAINER]}}),
    ("api/v1/namespaces/{ns}/pods", {"spec": {"affinity": {"nodeAffinity": {
        "requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [{"matchExpressions": [
            {"key": "a", "operator": _ODD}]}]}}}, "containers": [_CONTAINER]}}),
    ("api/v1/namespaces/{ns}/pods", {"spec": {"containers": [{**_CONTAINER, "resources": {"limits": {_ODD: "1"}}}]}}),
    ("api/v1/namespaces/{ns}/pods", {"spec": {"securityContext": {"windowsOptions": {"runAsUserName": _ODD}},
                                               "containers": [_CONTAINER]}}),
    ("api/v1/namespaces/{ns}/pods", {"spec": {"containers": [{**_CONTAINER, "env": [{"name": "e", "valueFrom": {
        "resourceFieldRef": {"resource": _ODD}}}]}]}}),
    ("api/v1/namespaces/{ns}/services", {"spec": {"trafficDistribution": _ODD, "ports": [{"port": 80}]}}),
    ("api/v1/namespaces/{ns}/services", {"spec": {"ipFamilyPolicy": _ODD, "ports": [{"port": 80}]}}),
    ("api/v1/namespaces/{ns}/services", {"spec": {"ipFamilies": [_ODD, _ODD], "ipFamilyPolicy": "PreferDualStack",
                                                  "ports": [{"port": 80}]}}),
    ("api/v1/namespaces/{ns}/limitranges", {"spec": {"limits": [{"type": _ODD}]}}),
    ("api/v1/namespaces/{ns}/resourcequotas", {"spec": {"scopeSelector": {"matchExpressions": [
        {"scopeName": _ODD, "operator": _ODD}]}}}),
    ("apis/apps/v1/namespaces/{ns}/statefulsets", {"spec": {"podManagementPolicy": _ODD, "selector": {
        "matchLabels": {"a": "b"}}, "template": {"metadata": {"labels": {"a": "b"}}, "spec": {
            "containers": [_CONTAINER]}}}}),
    ("apis/rbac.authorization.k8s.io/v1/namespaces/{ns}/rolebindings", {"roleRef": {
        "apiGroup": _ODD, "kind": _ODD, "name": "x"}, "subjects": [{"kind": _ODD, "name": "x", "apiGroup": _ODD}]}),
    ("apis/networking.k8s.io/v1/ingressclasses", {"spec": {"controller": "a.b/c", "parameters": {
        "kind": "K", "name": "n", "scope": _ODD}}}),
    ("apis/apiextensions.k8s.io/v1/customresourcedefinitions", {"spec": {
        "group": "a.io", "scope": _ODD, "names": {"plural": "xs", "kind": "X"}, "versions": [{
            "name": "v1", "served": True, "storage": True,
            "schema": {"openAPIV3Schema": {"type": "object", "x-kubernetes-map-type": _ODD}}}]}}),
    ("api/v1/namespaces/{ns}/configmaps?fieldValidation=a%3Cb%01", {}),
]


def test_an_enum_value_is_printed_as_its_named_go_type_is(
        realkube: RealKube, watchproxy: Callable[..., Replay], tmp_path: Path) -> None:
    """A field error's bad value of a named string type (v1.RestartPolicy, v1.ResourceName) or a *string is no
    `string` to ErrorBody's type switch: encoding/json writes it (`"a\\u003cb\\u0001"`); a plain string (a
    reference's kind, an optional string dereferenced, a query parameter) is %q (`"a<b\\x01"`)."""
    def answers(server: rawhttp.Server, ns: str) -> list[tuple[int, str]]:
        out = []
        for path, body in _ENUM_VALUES:
            data = json.dumps({**body, "metadata": {"name": "enum.a.io" if "custom" in path else "enum"}}).encode()
            code, doc, _ = rawhttp.call(*server, "POST", "/" + path.format(ns=ns), data)
            out.append((code, doc.get("message", "")))
        return out
    real = rawhttp.agreed(realkube, watchproxy, tmp_path, "enum-values", answers)
    assert 'spec.restartPolicy: Unsupported value: "a\\u003cb\\u0001"' in real[0][1]
    assert 'roleRef.kind: Unsupported value: "a<b\\x01"' in real[12][1]


def test_an_immutable_fields_new_value_is_printed_as_its_go_type_is(
        realkube: RealKube, watchproxy: Callable[..., Replay], tmp_path: Path) -> None:
    """ValidateImmutableField passes the field as it is: a Secret's type (v1.SecretType), a Job's completion mode
    and manager, a PriorityClass's preemption policy, a volume's mode (behind pointers), a pod's QoS class in its
    status are written by encoding/json, a StatefulSet's service name (a `string`) with %q."""
    job = {"metadata": {"name": "j"}, "spec": {"template": {"spec": {"restartPolicy": "Never",
                                                                     "containers": [_CONTAINER]}}}}
    made = [("api/v1/namespaces/{ns}/secrets", {"metadata": {"name": "s"}, "type": "Opaque"}, "", {"type": _ODD}),
            ("apis/batch/v1/namespaces/{ns}/jobs", job, "", {"spec": {"completionMode": _ODD, "managedBy": _ODD}}),
            ("apis/apps/v1/namespaces/{ns}/statefulsets", {"metadata": {"name": "ss"}, "spec": {
                "serviceName": "x", "selector": {"matchLabels": {"a": "b"}}, "template": {
                    "metadata": {"labels": {"a": "b"}}, "spec": {"containers": [_CONTAINER]}}}}, "",
             {"spec": {"serviceName": _ODD}}),
            ("api/v1/namespaces/{ns}/pods", {"metadata": {"name": "p"}, "spec": {"containers": [_CONTAINER]}},
             "/status", {"status": {"qosClass": _ODD}}),
            ("apis/scheduling.k8s.io/v1/priorityclasses", {"metadata": {"name": "{ns}-pc"}, "value": 5}, "",
             {"preemptionPolicy": _ODD}),
            ("api/v1/persistentvolumes", {"metadata": {"name": "{ns}-pv"}, "spec": {
                "capacity": {"storage": "1Gi"}, "accessModes": ["ReadWriteOnce"], "hostPath": {"path": "/x"}}}, "",
             {"spec": {"volumeMode": _ODD}})]

    def answers(server: rawhttp.Server, ns: str) -> list[tuple[int, str]]:
        out = []
        for path, body, sub, change in made:
            base, name = "/" + path.format(ns=ns), body["metadata"]["name"].format(ns=ns)
            data = json.dumps({**body, "metadata": {"name": name}}).encode()
            code, obj, _ = rawhttp.call(*server, "POST", base, data)
            assert code == 201, obj
            for key, value in change.items():
                obj[key] = {**obj[key], **value} if isinstance(value, dict) else value
            code, doc, _ = rawhttp.call(*server, "PUT", f"{base}/{name}{sub}?dryRun=All", json.dumps(obj).encode())
            out.append((code, doc.get("message", "")))
        return out
    real = rawhttp.agreed(realkube, watchproxy, tmp_path, "immutable-values", answers)
    assert real[0] == (422, 'Secret "s" is invalid: type: Invalid value: "a\\u003cb\\u0001": field is immutable')


def test_a_host_port_taken_twice_is_refused_as_the_real_apiserver_does(
        realkube: RealKube, watchproxy: Callable[..., Replay], tmp_path: Path) -> None:
    """checkHostPortConflicts: a host port with the same protocol and host IP twice among a pod's containers (after
    their other faults), or within one init container (named at index 0: Go passes it as a list of one)."""
    def ports(*host: dict[str, Any]) -> list[dict[str, Any]]:
        return [{"containerPort": 80 + i, **p} for i, p in enumerate(host)]
    specs = [
        {"containers": [{**_CONTAINER, "ports": ports({"hostPort": 80})},
                        {**_CONTAINER, "name": "d", "ports": ports({"hostPort": 80})}]},
        {"containers": [{**_CONTAINER, "ports": ports({"hostPort": 80}, {"hostPort": 80, "protocol": "UDP"},
                                                      {"hostPort": 80, "hostIP": "1.2.3.4"},
                                                      {"hostPort": 80, "hostIP": "1.2.3.4"})}]},
        {"containers": [{**_CONTAINER, "ports": ports({"hostPort": 80})}], "initContainers": [
            {**_CONTAINER, "name": "i1", "ports": ports({"hostPort": 80})},
            {**_CONTAINER, "name": "i2", "ports": ports({"hostPort": 81}, {"hostPort": 81})},
            {**_CONTAINER, "name": "i3", "ports": ports({"hostPort": 82}, {"hostPort": 82}),
             "lifecycle": {"postStart": {"exec": {"command": ["x"]}}}}]},
        {"restartPolicy": "x", "containers": [
            {**_CONTAINER, "ports": ports({"hostPort": 80}), "imagePullPolicy": "x"},
            {**_CONTAINER, "name": "d", "ports": ports({"hostPort": 80})}, {**_CONTAINER, "name": "d"}]},
    ]

    def answers(server: rawhttp.Server, ns: str) -> list[tuple[int, str]]:
        out = []
        for spec in specs:
            data = json.dumps({"metadata": {"name": "p"}, "spec": spec}).encode()
            code, doc, _ = rawhttp.call(*server, "POST", f"/api/v1/namespaces/{ns}/pods", data)
            out.append((code, doc.get("message", "")))
        return out
    real = rawhttp.agreed(realkube, watchproxy, tmp_path, "host-ports", answers)
    assert real[0] == (422, 'Pod "p" is invalid: spec.containers[1].ports[0].hostPort: Duplicate value: "TCP//80"')


_STRATEGIC_TYPE_ERRORS = [  # (resource, patch): values of the wrong type in a strategic merge patch's result
    ("configmaps", '{"data":{"k":1}}'), ("configmaps", '{"data":{"k":true}}'), ("configmaps", '{"data":{"k":1.5}}'),
    ("configmaps", '{"data":[1]}'), ("configmaps", '{"data":"x"}'), ("configmaps", '{"metadata":{"labels":{"a":1}}}'),
    ("configmaps", '{"metadata":{"generation":"x"}}'), ("configmaps", '{"immutable":"yes"}'),
    ("configmaps", '{"binaryData":{"b":"!!"}}'), ("deployments", '{"spec":{"replicas":"3"}}'),
    ("deployments", '{"spec":{"replicas":3.5}}'), ("deployments", '{"spec":{"replicas":true}}'),
    ("deployments", '{"spec":{"template":{"spec":{"containers":[{"name":"c","ports":[{"containerPort":"80"}]}]}}}}'),
    ("deployments", '{"spec":{"strategy":{"type":5}}}'), ("deployments", '{"spec":{"selector":"x"}}'),
    ("deployments", '{"spec":{"paused":"yes"}}'),
    # a type that decodes itself, in its field's turn: a time before the labels, an int-or-string before
    # minReadySeconds, a quantity before the ports' list
    ("configmaps", '{"metadata":{"creationTimestamp":{},"labels":{"a":1}}}'),
    ("configmaps", '{"metadata":{"creationTimestamp":"x","labels":{"a":1}}}'),
    ("deployments", '{"spec":{"minReadySeconds":"x","strategy":{"rollingUpdate":{"maxSurge":{}}}}}'),
    ("deployments", '{"spec":{"minReadySeconds":"x","strategy":{"rollingUpdate":{"maxSurge":1.5}}}}'),
    ("deployments", '{"spec":{"template":{"spec":{"containers":[{"name":"c","resources":{"limits":{"cpu":[]}}}],'
                    '"dnsPolicy":1}}}}'),
    ("configmaps", '{"binaryData":{"b":"!!"},"data":{"k":1}}'),
    ("deployments", '{"spec":{"replicas":2.0}}'),
]


def test_a_strategic_merge_patch_of_the_wrong_type_is_refused_in_the_unstructured_converters_words(
        realkube: RealKube, watchproxy: Callable[..., Replay], tmp_path: Path) -> None:
    """Its result is converted from unstructured, not decoded from JSON: `cannot convert int64 to string`,
    `unrecognized type: int32`, `cannot restore map from slice`, the first in the Go type's field order."""
    def answers(server: rawhttp.Server, ns: str) -> list[tuple[int, str]]:
        made = [("/api/v1", "configmaps", {"apiVersion": "v1", "kind": "ConfigMap", "data": {"k": "v"}}),
                ("/apis/apps/v1", "deployments", {"apiVersion": "apps/v1", "kind": "Deployment", "spec": {
                    "selector": {"matchLabels": {"a": "b"}}, "template": {"metadata": {"labels": {"a": "b"}}, "spec": {
                        "containers": [{"name": "c", "image": "i"}]}}}})]
        for base, resource, obj in made:
            assert rawhttp.call(*server, "POST", f"{base}/namespaces/{ns}/{resource}", json.dumps(
                {**obj, "metadata": {"name": "c"}}).encode())[0] == 201
        out = []
        for resource, patch in _STRATEGIC_TYPE_ERRORS:
            base = "/api/v1" if resource == "configmaps" else "/apis/apps/v1"
            code, doc, _ = rawhttp.call(*server, "PATCH", f"{base}/namespaces/{ns}/{resource}/c", patch.encode(),
                                        _STRATEGIC)
            out.append((code, _QUOTED.sub('Invalid value: "…": ', doc.get("message", doc.get("kind", "")))))
        return out
    real = rawhttp.agreed(realkube, watchproxy, tmp_path, "strategic-types", answers)
    assert real[0] == (422, ' "" is invalid: patch: Invalid value: "…": cannot convert int64 to string')
    assert real[-1] == (200, "Deployment")  # (a whole float is an integer)


_IP = re.compile(r'\\"\d+\.\d+\.\d+\.\d+\\"')  # (an IP quoted in a message, as JSON escapes it)


def test_a_service_without_a_name_fails_in_its_allocator_before_validation(
        realkube: RealKube, watchproxy: Callable[..., Replay], tmp_path: Path) -> None:
    """The cluster IP allocator runs before the Service is validated: without a name it draws an IP (or takes the
    one asked for) and fails to create the IPAddress whose parent it would be; its check of the cluster IP fields
    comes first and alone. A headless or ExternalName Service, or a dry run, allocates nothing, and validation
    says the name is required. (Each server's IPs are its own range's: masked.)"""
    bodies = [{"ports": [{"port": 80}]}, {"ports": [{"port": 80}], "type": "NodePort"},
              {"ports": [{"port": 80}], "clusterIPs": ["10.0.0.78"]}, {"ports": [{"port": 80}], "clusterIP": "None"},
              {"type": "ExternalName", "externalName": "a.example.com"}]

    def answers(server: rawhttp.Server, ns: str) -> list[tuple[int, str]]:
        out = []
        for query, spec in [("", b) for b in bodies] + [("dryRun=All", bodies[0])]:
            data = json.dumps({"apiVersion": "v1", "kind": "Service", "spec": spec}).encode()
            code, doc, _ = rawhttp.call(*server, "POST", f"/api/v1/namespaces/{ns}/services?{query}", data)
            out.append((code, _IP.sub("IP", json.dumps(doc["message"]))))
        return out
    real = rawhttp.agreed(realkube, watchproxy, tmp_path, "unnamed-services", answers)
    assert "spec.parentRef.name: Required value" in real[0][1] and "name or generateName is required" in real[3][1]


def test_a_subresource_body_of_a_type_of_its_own_is_decoded_under_its_field_validation(
        realkube: RealKube, watchproxy: Callable[..., Replay], tmp_path: Path) -> None:
    """A TokenRequest, a Binding and an Eviction are decoded as their own types before anything is looked up: a
    body naming another kind is refused, an unknown field is a Warning, or under Strict the refusal."""
    def answers(server: rawhttp.Server, ns: str) -> list[tuple[int, str, list[str]]]:
        base = f"/api/v1/namespaces/{ns}"
        rawhttp.call(*server, "POST", f"{base}/serviceaccounts", b'{"metadata": {"name": "sa"}}')
        rawhttp.call(*server, "POST", f"{base}/pods", json.dumps(
            {"metadata": {"name": "p"}, "spec": {"containers": [{"name": "c", "image": "i"}]}}).encode())
        token = {"apiVersion": "authentication.k8s.io/v1", "kind": "TokenRequest", "spec": {"audiences": ["a"], "b": 1}}
        bind = {"apiVersion": "v1", "kind": "Binding", "metadata": {"name": "p"}, "target": {"name": "n", "zz": 1}}
        evict = {"apiVersion": "policy/v1", "kind": "Eviction", "metadata": {"name": "p"}, "zz": 1}
        out = []
        for sub, body in (("serviceaccounts/sa/token", token), ("pods/p/binding", {**bind, "kind": "1Gi"}),
                          ("pods/p/binding", bind), ("pods/p/eviction", evict)):
            for query in ("fieldValidation=Strict", ""):
                code, doc, warnings = rawhttp.call(*server, "POST", f"{base}/{sub}?{query}", json.dumps(body).encode())
                out.append((code, doc.get("message", "") if doc.get("kind") == "Status" else doc.get("kind"), warnings))
        return out
    real = rawhttp.agreed(realkube, watchproxy, tmp_path, "subresource-bodies", answers)
    assert [code for code, _, _ in real] == [400, 201, 400, 400, 400, 201, 400, 201] and real[1][2]


def test_a_patched_object_without_an_api_version_decodes_without_its_fields(
        realkube: RealKube, watchproxy: Callable[..., Replay], tmp_path: Path) -> None:
    """A JSON or merge patch whose result names no apiVersion decodes as a bare TypeMeta: every other field is
    unknown (warned of, or the Strict refusal), and the name is lost (the handler's 400); a strategic merge
    patch's result, converted from unstructured, keeps them."""
    def answers(server: rawhttp.Server, ns: str) -> list[tuple[int, str, list[str]]]:
        pods = f"/api/v1/namespaces/{ns}/pods"
        rawhttp.call(*server, "POST", pods, json.dumps(
            {"metadata": {"name": "p"}, "spec": {"containers": [{"name": "c", "image": "i"}]}}).encode())
        out = []
        for query, patch, kind in (("", [{"op": "remove", "path": "/apiVersion"}], "json-patch"),
                                   ("", {"apiVersion": None, "zz": 1}, "merge-patch"),
                                   ("fieldValidation=Strict", {"apiVersion": None, "zz": 1}, "merge-patch"),
                                   ("fieldValidation=Strict", {"apiVersion": None, "kind": None}, "merge-patch"),
                                   ("", {"apiVersion": None}, "strategic-merge-patch")):
            code, doc, warnings = rawhttp.call(*server, "PATCH", f"{pods}/p?{query}", json.dumps(patch).encode(),
                                               f"application/{kind}+json")
            out.append((code, random_writes.reduce(doc).get("message", ""), warnings))
        return out
    real = rawhttp.agreed(realkube, watchproxy, tmp_path, "versionless", answers)
    assert [code for code, _, _ in real] == [400, 400, 422, 422, 200] and len(real[1][2]) == 4


def test_an_autoscalers_defaulted_scaling_rules_are_written_in_their_structs_order(
        realkube: RealKube, watchproxy: Callable[..., Replay], tmp_path: Path) -> None:
    """A direction's rules given in part are defaulted and written in HPAScalingRules' field order, which a
    refusal quoting the object shows (the stabilization window first)."""
    def answers(server: rawhttp.Server, ns: str) -> list[tuple[int, str]]:
        hpas = f"/apis/autoscaling/v2/namespaces/{ns}/horizontalpodautoscalers"
        hpa = {"metadata": {"name": "rules"}, "spec": {
            "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "d"}, "maxReplicas": 3,
            "behavior": {"scaleDown": {"stabilizationWindowSeconds": 60}}}}
        rawhttp.call(*server, "POST", hpas, json.dumps(hpa).encode())
        code, doc, _ = rawhttp.call(*server, "PATCH", f"{hpas}/rules", b'{"spec": {"metrics": [1]}}', _MERGE)
        return [(code, random_writes.reduce(doc).get("message", ""))]
    real = rawhttp.agreed(realkube, watchproxy, tmp_path, "scaling-rules", answers)
    assert '\\"scaleDown\\":{\\"stabilizationWindowSeconds\\":60,' in real[0][1]


def test_a_body_of_another_type_to_an_endpoint_of_its_own_scheme_or_by_strategic_patch(
        realkube: RealKube, watchproxy: Callable[..., Replay], tmp_path: Path) -> None:
    """The aggregator's and apiextensions' schemes hold only their groups' two versions of their kinds: another
    version or kind is `no kind … is registered`, their other version the handler's refusal of it. A strategic
    merge patch that names another type is converted from unstructured into the stored object's: no matter."""
    group = f"o{uuid.uuid4().hex[:8]}.example.com"
    service = {"kind": "APIService", "metadata": {"name": f"v1.{group}"}, "spec": {
        "group": group, "version": "v1", "groupPriorityMinimum": 100, "versionPriority": 10}}
    crd = {"kind": "CustomResourceDefinition", "metadata": {"name": f"widgets.{group}"}, "spec": {}}
    claims = ["x", "v1", "apps/v1"]

    def answers(server: rawhttp.Server, ns: str) -> list[tuple[int, str]]:
        got = [rawhttp.call(*server, "POST", path, json.dumps({**body, "apiVersion": v}).encode())[:2]
               for path, body, own in (("/apis/apiregistration.k8s.io/v1/apiservices", service,
                                        "apiregistration.k8s.io"),
                                       ("/apis/apiextensions.k8s.io/v1/customresourcedefinitions", crd,
                                        "apiextensions.k8s.io"))
               for v in [*claims, f"{own}/v1beta1", f"{own}/v2"]]
        cms = f"/api/v1/namespaces/{ns}/configmaps"
        rawhttp.call(*server, "POST", cms, b'{"metadata": {"name": "c"}}')
        got += [rawhttp.call(*server, "PATCH", f"{cms}/c", json.dumps(p).encode(),
                             "application/strategic-merge-patch+json")[:2]
                for p in ({"apiVersion": "x"}, {"kind": "Secret"})]
        return [(code, doc.get("message") or f"{doc.get('apiVersion')} {doc.get('kind')}") for code, doc in got]
    real = rawhttp.agreed(realkube, watchproxy, tmp_path, "own-schemes", answers)
    assert [code for code, _ in real] == [400] * 10 + [200, 200] and real[-1][1] == "v1 ConfigMap"


def test_an_indexed_jobs_success_rule_without_completions_closes_the_connection_as_the_apiserver_does(
        realkube: RealKube, watchproxy: Callable[..., Replay], tmp_path: Path) -> None:
    """validateSuccessPolicyRule reads an Indexed Job's completions through a pointer nothing checked (parallelism
    alone leaves them unset): the handler panics and net/http closes the connection without an answer, on a dry
    run and an update alike; the server goes on answering."""
    template = {"spec": {"restartPolicy": "Never", "containers": [{"name": "c", "image": "i"}]}}

    def job(**spec: Any) -> bytes:
        return json.dumps({"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "idx"},
                           "spec": {"template": template, "completionMode": "Indexed", **spec}}).encode()

    def answers(server: rawhttp.Server, ns: str) -> list[tuple[int, str]]:
        jobs, out = f"/apis/batch/v1/namespaces/{ns}/jobs", []
        rules = {"rules": [{"succeededCount": 1}]}
        for method, path, body in (("POST", f"{jobs}?dryRun=All", job(parallelism=2, successPolicy=rules)),
                                   ("POST", jobs, job(parallelism=2)),
                                   ("POST", jobs, job(completions=2, parallelism=2)),
                                   ("PUT", f"{jobs}/idx", job(parallelism=2, successPolicy=rules)),
                                   ("GET", f"{jobs}/idx", None)):
            try:
                code, doc, _ = rawhttp.call(*server, method, path, body)
            except http.client.RemoteDisconnected:
                out.append((0, "closed without an answer"))
                continue
            out.append((code, doc.get("message") or doc.get("spec", {}).get("completionMode", "")))
        return out
    real = rawhttp.agreed(realkube, watchproxy, tmp_path, "indexed-panic", answers)
    assert [code for code, _ in real] == [0, 422, 201, 0, 200]


def test_a_strategic_merge_patchs_merge_key_that_is_a_map_closes_the_connection_as_the_apiserver_does(
        realkube: RealKube, watchproxy: Callable[..., Replay], tmp_path: Path) -> None:
    """partitionMapsByPresentInList compares a merged list's keys with those of the patch by ==, which panics for
    a map or a slice: the handler's panic closes the connection, once the whole patch list was merged (a later
    item without its key is the patch's error first); a key that is a string is merged."""
    smp = "application/strategic-merge-patch+json"

    def answers(server: rawhttp.Server, ns: str) -> list[tuple[int, str]]:
        deploys, out = f"/apis/apps/v1/namespaces/{ns}/deployments", []
        body = {"metadata": {"name": "d"}, "spec": {"selector": {"matchLabels": {"a": "b"}}, "template": {
            "metadata": {"labels": {"a": "b"}}, "spec": {"containers": [{"name": "c", "image": "i"}]}}}}

        def containers(*items: Any) -> bytes:
            return json.dumps({"spec": {"template": {"spec": {"containers": list(items)}}}}).encode()
        for method, path, sent, kind in (
                ("POST", deploys, json.dumps(body).encode(), "application/json"),
                ("PATCH", f"{deploys}/d", containers({"name": {"a": None}, "image": "i"}), smp),
                ("PATCH", f"{deploys}/d", containers({"name": ["x"], "image": "i"}), smp),
                ("PATCH", f"{deploys}/d", containers({"name": {"a": 1}, "image": "i"}, {"image": "j"}), smp),
                ("PATCH", f"{deploys}/d?dryRun=All", containers({"name": "e", "image": "i"}), smp),
                ("GET", f"{deploys}/d", None, "")):
            try:
                code, doc, _ = rawhttp.call(*server, method, path, sent, content_type=kind)
            except http.client.RemoteDisconnected:
                out.append((0, "closed without an answer"))
                continue
            out.append((code, str(doc.get("message") or doc.get("kind"))))
        return out
    real = rawhttp.agreed(realkube, watchproxy, tmp_path, "smp-panic", answers)
    assert [code for code, _ in real] == [201, 0, 0, 500, 200, 200]


def test_a_reviews_body_is_decoded_under_its_field_validation_as_on_the_apiserver(
        realkube: RealKube, watchproxy: Callable[..., Replay], tmp_path: Path) -> None:
    """A review is created as any object is decoded: its unknown fields are warned of (or Strict's 400) before the
    review is asked or validated."""
    sar = {"apiVersion": "authorization.k8s.io/v1", "kind": "SubjectAccessReview"}
    bodies = [("subjectaccessreviews", "", {**sar, "spec": {"b": [1], "user": "u",
                                                             "resourceAttributes": {"verb": "get", "zz": 1}}}),
              ("subjectaccessreviews", "", {**sar, "x": 1, "spec": {"user": "u"}}),
              ("subjectaccessreviews", "fieldValidation=Strict", {**sar, "spec": {"b": [1], "user": "u"}}),
              ("subjectaccessreviews", "fieldValidation=Ignore", {**sar, "spec": {"b": [1], "user": "u"}}),
              ("selfsubjectrulesreviews", "", {"apiVersion": "authorization.k8s.io/v1",
                                               "kind": "SelfSubjectRulesReview", "spec": {"q": 1, "namespace": "x"}})]

    def answers(server: rawhttp.Server, ns: str) -> list[tuple[int, str, list[str]]]:
        out = []
        for resource, query, body in bodies:
            code, doc, warnings = rawhttp.call(*server, "POST", f"/apis/authorization.k8s.io/v1/{resource}?{query}",
                                               json.dumps(body).encode())
            out.append((code, doc.get("message", ""), warnings))
        return out
    real = rawhttp.agreed(realkube, watchproxy, tmp_path, "review-fields", answers)
    assert [(code, len(warnings)) for code, _, warnings in real] == [(201, 2), (422, 1), (400, 0), (422, 0), (201, 1)]


def test_a_new_pods_priority_and_runtime_class_are_admitted_as_on_the_apiserver(
        realkube: RealKube, watchproxy: Callable[..., Replay], tmp_path: Path) -> None:
    """The Priority and RuntimeClass admission plugins on a new pod: its priority and preemption policy from its
    class (one it sets otherwise, or a class that does not exist, a 403 before validation, known by its name or
    else its generateName); its runtime class must exist, whose overhead, node selector and tolerations it gets (an
    overhead or a selector that disagrees, or an overhead without a class defining one, a 403)."""
    def answers(server: rawhttp.Server, ns: str) -> list[tuple[int, str, Any]]:
        pods, out = f"/api/v1/namespaces/{ns}/pods?dryRun=All", []
        low, kata, plain = f"{ns}-low", f"{ns}-kata", f"{ns}-plain"

        def pod(name: str, **spec: Any) -> dict[str, Any]:
            return {"metadata": {"generateName": name} if name.endswith("-") else {"name": name},
                    "spec": {"containers": [{"name": "c", "image": "i"}], **spec}}
        classes, runtimes = "/apis/scheduling.k8s.io/v1/priorityclasses", "/apis/node.k8s.io/v1/runtimeclasses"
        node = {"apiVersion": "node.k8s.io/v1", "kind": "RuntimeClass"}
        steps = [
            (classes, {"apiVersion": "scheduling.k8s.io/v1", "kind": "PriorityClass", "metadata": {"name": low},
                       "value": 10, "preemptionPolicy": "Never"}),
            (runtimes, {**node, "metadata": {"name": kata}, "handler": "kata",
                        "overhead": {"podFixed": {"cpu": "250m"}}, "scheduling": {
                            "nodeSelector": {"rt": "kata"}, "tolerations": [
                            {"key": "rt", "operator": "Exists", "effect": "NoSchedule"},
                            {"key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoExecute"}]}}),
            (runtimes, {**node, "metadata": {"name": plain}, "handler": "plain"}),
            (pods, pod("a", priorityClassName="system-cluster-critical")), (pods, pod("b", priorityClassName="nope")),
            (pods, pod("c", priority=5)), (pods, pod("d", preemptionPolicy="Never")),
            (pods, pod("e", priorityClassName=low)), (pods, pod("f", priorityClassName=low, preemptionPolicy="Never")),
            (pods, pod("g", priorityClassName=low, preemptionPolicy="PreemptLowerPriority")),
            (pods, pod("gen-", priorityClassName="nope")),
            (pods, pod("h", runtimeClassName="nope")), (pods, pod("i", overhead={"cpu": "1"})),
            (pods, pod("j", runtimeClassName=kata)),
            (pods, pod("k", runtimeClassName=kata, overhead={"cpu": "0.25"}, nodeSelector={"a": "b"})),
            (pods, pod("l", runtimeClassName=kata, overhead={"cpu": "1"})),
            (pods, pod("m", runtimeClassName=kata, nodeSelector={"rt": "other"})),
            (pods, pod("n", runtimeClassName=plain, overhead={"cpu": "1"}))]
        for path, body in steps:
            code, doc, _ = rawhttp.call(*server, "POST", path, json.dumps(body).encode())
            spec = doc.get("spec", {})
            out.append((code, doc.get("message", ""), {k: spec.get(k) for k in (
                "priority", "priorityClassName", "preemptionPolicy", "overhead", "nodeSelector", "tolerations")}))
        return out
    real = rawhttp.agreed(realkube, watchproxy, tmp_path, "pod-admission", answers)
    assert [code for code, *_ in real] == [201, 201, 201, 201, 403, 403, 403, 201, 201, 403, 403, 403, 403, 201, 201,
                                           403, 403, 403]
    assert real[3][2]["priority"] == 2000000000 and real[7][2]["preemptionPolicy"] == "Never"


def test_a_pod_and_its_templates_get_the_apiservers_warnings(
        realkube: RealKube, watchproxy: Callable[..., Replay], tmp_path: Path) -> None:
    """warningsForPodSpecAndMeta (podwarnings.py) on a pod, a Deployment, a CronJob's and a StatefulSet's template:
    deprecated node labels, null selectors, deprecated annotations and volumes, duplicate host aliases and pull
    secrets, fractional bytes, a hidden env var, IPs written oddly, a name that is no DNS label; a Deployment's
    update warns again only when its generation moves."""
    ctr = {"name": "c", "image": "i",
           "resources": {"limits": {"memory": "1.5"}, "requests": {"ephemeral-storage": "0.1"}},
           "env": [{"name": "A", "value": "1"}, {"name": "A", "value": "$(A)2"}, {"name": "A", "value": "x"}]}
    spec = {"containers": [ctr], "nodeSelector": {"beta.kubernetes.io/os": "linux"},
            "imagePullSecrets": [{"name": "a"}, {"name": "a"}, {}],
            "hostAliases": [{"ip": "1.2.3.4", "hostnames": ["a"]}, {"ip": "1.2.3.4", "hostnames": ["b"]},
                            {"ip": "2001:0db8::1", "hostnames": ["c"]}],
            "topologySpreadConstraints": [{"maxSkew": 1, "topologyKey": "failure-domain.beta.kubernetes.io/zone",
                                           "whenUnsatisfiable": "ScheduleAnyway"}],
            "affinity": {"nodeAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [{
                "weight": 1, "preference": {"matchExpressions": [
                    {"key": "beta.kubernetes.io/arch", "operator": "In", "values": ["bad value!"]}]}}]},
                "podAntiAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [{"topologyKey": "zone"}]}},
            "volumes": [{"name": "g", "gitRepo": {"repository": "r"}}]}
    meta = {"annotations": {"scheduler.alpha.kubernetes.io/critical-pod": "",
                            "seccomp.security.alpha.kubernetes.io/pod": "runtime/default"}}
    template = {"metadata": {"labels": {"a": "b"}, **meta}, "spec": spec}

    def answers(server: rawhttp.Server, ns: str) -> list[tuple[int, list[str]]]:
        deploys = f"/apis/apps/v1/namespaces/{ns}/deployments"
        steps: list[tuple[str, str, Any, str]] = [
            ("POST", f"/api/v1/namespaces/{ns}/pods?dryRun=All", {"metadata": {"name": "bad.name", **meta},
                                                                 "spec": spec}, "application/json"),
            ("POST", deploys, {"metadata": {"name": "w.d"}, "spec": {"selector": {"matchLabels": {"a": "b"}},
                                                                    "template": template}}, "application/json"),
            ("PATCH", f"{deploys}/w.d", {"metadata": {"labels": {"x": "y"}}}, random_writes.MERGE),
            ("PATCH", f"{deploys}/w.d", {"spec": {"template": {"spec": {"terminationGracePeriodSeconds": 5}}}},
             random_writes.MERGE),
            ("POST", f"/apis/batch/v1/namespaces/{ns}/cronjobs?dryRun=All", {"metadata": {"name": "c.j"}, "spec": {
                "schedule": "* * * * *", "jobTemplate": {"spec": {"template": {"spec": {
                    **spec, "restartPolicy": "Never"}}}}}}, "application/json"),
            ("POST", f"/apis/apps/v1/namespaces/{ns}/statefulsets?dryRun=All", {"metadata": {"name": "s"}, "spec": {
                "revisionHistoryLimit": -1, "selector": {"matchLabels": {"a": "b"}}, "template": {
                    "metadata": {"labels": {"a": "b"}}, "spec": {"containers": [{"name": "c", "image": "i"}],
                                                                 "terminationGracePeriodSeconds": -5}}}},
             "application/json")]
        out = []
        for method, path, body, content_type in steps:
            code, _, warnings = rawhttp.call(*server, method, path, json.dumps(body).encode(), content_type)
            out.append((code, warnings))
        return out
    real = rawhttp.agreed(realkube, watchproxy, tmp_path, "pod-warnings", answers)
    # (a name that is no DNS label warns on create only; a label's change moves no generation: no warnings)
    assert [(code, len(warnings)) for code, warnings in real] == [(201, 18), (201, 17), (200, 0), (200, 16),
                                                                 (201, 15), (201, 2)]


def test_a_pods_overlapping_files_and_ports_get_the_apiservers_warnings(
        realkube: RealKube, watchproxy: Callable[..., Replay], tmp_path: Path) -> None:
    """warningsForOverlappingVirtualPaths and the port checks of warningsForPodSpecAndMeta (podwarnings.py):
    files of a config map, secret, downward API or projected volume at one path or one inside another, an empty
    projection; ports defined twice, overlapping or ambiguous, a host IP without a host port, a name used twice
    (a sidecar's too), each warned of in Go's order."""
    projected = {"sources": [
        {"serviceAccountToken": {"path": "token"}}, {"configMap": {"name": "cm", "items": [{"key": "k",
                                                                                            "path": "token/x"}]}},
        {"clusterTrustBundle": {"signerName": "example.com/s", "path": "ca"}},
        {"podCertificate": {"signerName": "example.com/s", "keyType": "ED25519", "keyPath": "ca/key",
                            "certificateChainPath": "chain"}}, {},
        {"downwardAPI": {"items": [{"path": "chain/x", "fieldRef": {"fieldPath": "metadata.name"}}]}}]}
    volumes = [
        {"name": "a", "configMap": {"name": "cm", "items": [
            {"key": "k1", "path": "p"}, {"key": "k2", "path": "p/q"}, {"key": "k3", "path": "p/"},
            {"key": "k4", "path": "pq"}]}},
        {"name": "b", "secret": {"secretName": "s", "items": [{"key": "k1", "path": "x"}, {"key": "k2", "path": "x"}]}},
        {"name": "c", "downwardAPI": {"items": [{"path": "d", "fieldRef": {"fieldPath": "metadata.name"}},
                                                {"path": "d/e", "fieldRef": {"fieldPath": "metadata.uid"}}]}},
        {"name": "d", "projected": projected}]
    pod = {"metadata": {"name": "files"}, "spec": {"serviceAccountName": "default", "volumes": volumes,
                                                   "containers": [{"name": "c", "image": "i"}]}}

    def ctr(name: str, *ports: dict[str, Any], **fields: Any) -> dict[str, Any]:
        return {"name": name, "image": "i", "ports": list(ports), **fields}
    ported = {"metadata": {"name": "ports"}, "spec": {
        "containers": [ctr("a", {"containerPort": 80, "hostIP": "1.2.3.4", "name": "web"}, {"containerPort": 80}),
                       ctr("b", {"containerPort": 80, "name": "web"}, {"containerPort": 80, "protocol": "UDP"},
                           {"containerPort": 90, "hostPort": 9090}, {"containerPort": 81, "name": "http"}),
                       ctr("d", {"containerPort": 90, "hostPort": 9090, "hostIP": "1.2.3.4"})],
        "initContainers": [ctr("s", {"containerPort": 82, "name": "http"}, restartPolicy="Always")]}}

    def answers(server: rawhttp.Server, ns: str) -> list[tuple[int, list[str]]]:
        out = []
        for body in (pod, ported):
            code, _, warnings = rawhttp.call(*server, "POST", f"/api/v1/namespaces/{ns}/pods?dryRun=All",
                                             json.dumps(body).encode())
            out.append((code, warnings))
        return out
    real = rawhttp.agreed(realkube, watchproxy, tmp_path, "pod-files", answers)
    assert [(code, len(warnings)) for code, warnings in real] == [(201, 9), (201, 7)]


def test_claims_and_claim_templates_get_the_apiservers_warnings(
        realkube: RealKube, watchproxy: Callable[..., Replay], tmp_path: Path) -> None:
    """GetWarningsForPersistentVolumeClaim and ...ClaimSpec (claimspec.py): storage in fractions of a byte and
    the beta class annotation on every write of a claim (not its status), and in a pod's ephemeral volume and a
    StatefulSet's claim templates, which warn on every write (named `.Spec` on an update, as Go names them)."""
    spec = {"accessModes": ["ReadWriteOnce"],
            "resources": {"requests": {"storage": "1.5"}, "limits": {"storage": "2.5"}}}
    sts = {"metadata": {"name": "s"}, "spec": {
        "revisionHistoryLimit": -1, "selector": {"matchLabels": {"a": "b"}}, "volumeClaimTemplates": [
            {"metadata": {"name": "d"}, "spec": spec}],
        "template": {"metadata": {"labels": {"a": "b"}}, "spec": {"containers": [{"name": "c", "image": "i"}]}}}}
    claim = {"metadata": {"name": "c", "annotations": {"volume.beta.kubernetes.io/storage-class": "x"}},
             "spec": spec}
    pod = {"metadata": {"name": "p"}, "spec": {"containers": [{"name": "c", "image": "i"}], "volumes": [
        {"name": "v", "ephemeral": {"volumeClaimTemplate": {"spec": spec}}}]}}

    def answers(server: rawhttp.Server, ns: str) -> list[tuple[int, list[str]]]:
        sets, claims = f"/apis/apps/v1/namespaces/{ns}/statefulsets", f"/api/v1/namespaces/{ns}/persistentvolumeclaims"
        labelled = json.dumps({"metadata": {"labels": {"x": "y"}}}).encode()
        steps = [("POST", sets, json.dumps(sts).encode(), "application/json"),
                 ("PATCH", f"{sets}/s", labelled, random_writes.MERGE),
                 ("POST", claims, json.dumps(claim).encode(), "application/json"),
                 ("PATCH", f"{claims}/c", labelled, random_writes.MERGE),
                 ("PATCH", f"{claims}/c/status", json.dumps({"status": {"phase": "Bound"}}).encode(),
                  random_writes.MERGE),
                 ("POST", f"/api/v1/namespaces/{ns}/pods?dryRun=All", json.dumps(pod).encode(), "application/json")]
        out = []
        for method, path, body, content_type in steps:
            code, _, warnings = rawhttp.call(*server, method, path, body, content_type)
            out.append((code, warnings))
        return out
    real = rawhttp.agreed(realkube, watchproxy, tmp_path, "claim-warnings", answers)
    assert [(code, len(warnings)) for code, warnings in real] == [(201, 3), (200, 3), (201, 3), (200, 3), (200, 0),
                                                                 (201, 2)]


def test_a_write_into_a_namespace_no_namespace_can_be_is_not_found(
        realkube: RealKube, watchproxy: Callable[..., Replay], tmp_path: Path) -> None:
    """A replay of a recording that never listed namespaces takes a write into any namespace (the recorded cluster
    may have had it), but not into one whose name no namespace can have (no DNS label): the real one's 404, its
    name quoted as %q quotes it."""
    def answers(server: rawhttp.Server, ns: str) -> list[tuple[int, str]]:
        out = []
        for namespace in ("A", "a%20b", "-a", "a" * 64, "a.b", "a%E2%80%A8b"):
            code, doc, _ = rawhttp.call(*server, "POST", f"/api/v1/namespaces/{namespace}/configmaps",
                                        json.dumps({"metadata": {"name": "x"}}).encode())
            out.append((code, doc.get("message", "")))
        return out
    real = rawhttp.agreed(realkube, watchproxy, tmp_path, "no-namespace", answers)
    assert real[0] == (404, 'namespaces "A" not found') and real[-1] == (404, 'namespaces "a\\u2028b" not found')
