"""An operator's first steps, run against any apiserver: install CustomResourceDefinitions, wait for them to be
established, then write custom resources (pruned, defaulted, validated by the schema; status and scale
subresources only where declared), print them, and delete the definitions. Answers are reduced as in
tests/writes_differential.py."""

from __future__ import annotations

import copy
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from kubernetes import client, config

from tests.random_writes import managed_fields
from tests.writes_differential import APPLY, INVALID, JSONP, MERGE, SMP, Step, _call, _pick, _reduce, call_warned

CRDS = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions"
TABLE = "application/json;as=Table;v=v1;g=meta.k8s.io"
# the cells of these columns hold times, which differ between any two servers
_TIME_COLUMNS = frozenset({"Age", "Created At"})

def schemaless(group: str, plural: str, kind: str, versions: tuple[str, ...] = ("v1",), *,
               subresources: dict[str, Any] | None = None, **names: Any) -> dict[str, Any]:
    """A namespaced definition whose versions (the first stored) take any object; `names`: more of its
    names (shortNames, categories)."""
    return {"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
            "metadata": {"name": f"{plural}.{group}"},
            "spec": {"group": group, "scope": "Namespaced",
                     "names": {"plural": plural, "singular": kind.lower(), "kind": kind, **names},
                     "versions": [{"name": v, "served": True, "storage": i == 0,
                                   **({"subresources": subresources} if subresources is not None else {}),
                                   "schema": {"openAPIV3Schema": {"type": "object",
                                                                  "x-kubernetes-preserve-unknown-fields": True}}}
                                  for i, v in enumerate(versions)]}}


_SPEC_SCHEMA: dict[str, Any] = {
    "type": "object", "required": ["color"],
    "properties": {
        "replicas": {"type": "integer", "minimum": 0, "maximum": 10},
        "color": {"type": "string", "enum": ["red", "blue"]},
        "size": {"type": "integer", "default": 3, "multipleOf": 1},
        "ratio": {"type": "number", "exclusiveMinimum": True, "minimum": 0, "multipleOf": 0.5},
        "name": {"type": "string", "pattern": "^[a-z]+$", "minLength": 2, "maxLength": 5},
        "tags": {"type": "array", "minItems": 1, "maxItems": 2, "items": {"type": "string"}},
        "labels": {"type": "object", "maxProperties": 2, "additionalProperties": {"type": "string"}},
        "free": {"type": "object", "x-kubernetes-preserve-unknown-fields": True},
        "note": {"type": "string", "nullable": True},
        "level": {"type": "string"},
        "port": {"x-kubernetes-int-or-string": True},
        "nested": {"type": "object", "default": {}, "properties": {
            "mode": {"type": "string", "default": "auto"}, "count": {"type": "integer"}}},
    },
}


def _crd(group: str, plural: str, kind: str, *, scope: str = "Namespaced", status: bool = True,
         columns: bool = True) -> dict[str, Any]:
    status_schema = {"type": "object", "properties": {"replicas": {"type": "integer"}, "ready": {"type": "boolean"}}}
    version: dict[str, Any] = {"name": "v1", "served": True, "storage": True, "schema": {"openAPIV3Schema": {
        "type": "object", "properties": {"metadata": {"type": "object"},  # (as controller-gen writes every one)
                                         "spec": copy.deepcopy(_SPEC_SCHEMA), "status": status_schema}}}}
    if status:
        version["subresources"] = {"status": {}, "scale": {"specReplicasPath": ".spec.replicas",
                                                          "statusReplicasPath": ".status.replicas"}}
    if columns:
        version["additionalPrinterColumns"] = [
            {"name": "Color", "type": "string", "jsonPath": ".spec.color"},
            {"name": "Replicas", "type": "integer", "jsonPath": ".spec.replicas"},
            {"name": "Age", "type": "date", "jsonPath": ".metadata.creationTimestamp"}]
    return {"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
            "metadata": {"name": f"{plural}.{group}"},
            "spec": {"group": group, "scope": scope, "versions": [version],
                     "names": {"kind": kind, "plural": plural, "shortNames": [plural[:3]]}}}


def _two_versions(group: str) -> dict[str, Any]:
    """A definition serving v1beta1 and v1 (storage) of one resource, with no conversion webhook."""
    crd = _crd(group, "doohickeys", "Doohickey", columns=False)
    v1 = crd["spec"]["versions"][0]
    crd["spec"]["versions"] = [{**copy.deepcopy(v1), "name": "v1beta1", "storage": False}, v1]
    return crd


def _doohickey(group: str, version: str, name: str, **spec: Any) -> dict[str, Any]:
    return {"apiVersion": f"{group}/{version}", "kind": "Doohickey", "metadata": {"name": name},
            "spec": {"color": "red", **spec}}


def _versions(group: str, ns: str) -> tuple[Step, ...]:
    """One object, seen and written through both versions of its definition."""
    beta, v1 = (f"/apis/{group}/{v}/namespaces/{ns}/doohickeys" for v in ("v1beta1", "v1"))
    return (
        Step("install one serving two versions", "POST", CRDS, _two_versions(group), fields=WHOLE),
        Step("create through v1beta1", "POST", beta, _doohickey(group, "v1beta1", "d1", replicas=1), fields=WHOLE),
        Step("read it through v1", "GET", f"{v1}/d1", fields=WHOLE),
        Step("update it through v1", "PUT", f"{v1}/d1", _doohickey(group, "v1", "d1", replicas=2), fields=WHOLE),
        Step("list through v1beta1", "GET", beta, fields=("code", "kind", "apiVersion", "items")),
        Step("status through v1beta1", "PUT", f"{beta}/d1/status",
             {**_doohickey(group, "v1beta1", "d1"), "status": {"ready": True}}, fields=WHOLE),
        Step("delete it through v1beta1", "DELETE", f"{beta}/d1", fields=("code", "kind", "details")),
        Step("gone through v1", "GET", f"{v1}/d1", fields=("code", "reason")),
    )


def _scale_paths(group: str, ns: str) -> tuple[Step, ...]:
    """A scale subresource's paths read as unstructured.NestedInt64 and NestedString read them: a map on the
    way that is something else, a count or a label selector of another type, each the accessor's error (in Go's
    %v and %T), a null on the way nothing at all."""
    crd = _crd(group, "ratchets", "Ratchet", columns=False)
    version = crd["spec"]["versions"][0]
    free = {"type": "object", "x-kubernetes-preserve-unknown-fields": True}
    version["schema"]["openAPIV3Schema"]["properties"].update(spec=free, status=free)
    version["subresources"]["scale"] = {"specReplicasPath": ".spec.scale.replicas", "statusReplicasPath":
                                        ".status.replicas", "labelSelectorPath": ".status.selector"}
    ratchets = f"/apis/{group}/v1/namespaces/{ns}/ratchets"
    made = {"apiVersion": f"{group}/v1", "kind": "Ratchet", "metadata": {"name": "s1"},
            "spec": {"scale": {"replicas": 1}}}
    refused = ("code", "reason", "message", "details.causes")
    return (
        Step("install one whose scale paths are free-form", "POST", CRDS, crd, fields=("code", "spec")),
        Step("create a ratchet", "POST", ratchets, made, fields=("code", "spec", "status")),
        *(Step(f"status patched: {json.dumps(status)}", "PATCH", f"{ratchets}/s1/status", {"status": status}, MERGE,
               fields=refused) for status in ({"selector": 5}, {"selector": ["a", 1]}, {"selector": {"a": None}},
                                              {"replicas": 1.5, "selector": True}, {"replicas": "x"})),
        Step("status put with nulls", "PUT", f"{ratchets}/s1/status",
             {**made, "status": {"replicas": None, "selector": None}}, fields=("code", "status")),
        *(Step(f"spec patched: {json.dumps(spec)}", "PATCH", f"{ratchets}/s1", {"spec": spec}, MERGE, fields=refused)
          for spec in ({"scale": 1}, {"scale": [1, "a"]}, {"scale": {"replicas": None}}, {"scale": None})),
        Step("a ratchet whose scale map is null", "POST", ratchets,
             {**made, "metadata": {"name": "s2"}, "spec": {"scale": None}}, fields=("code", "spec")),
        *(Step(f"its scale, which holds no replicas, {what}", "PATCH", f"{ratchets}/s2/scale", patch, content,
               query="fieldManager=m", fields=("code", "reason", "message", "spec"))
          for what, patch, content in (("patched with nothing: they may not stay empty", {}, MERGE),
                                       ("applied without them", json.dumps({"apiVersion": "autoscaling/v1",
                                                                           "kind": "Scale"}), APPLY),
                                       ("patched with a null: zero", {"spec": {"replicas": None}}, MERGE),
                                       ("patched with only a field a Scale lacks: refused, and warned of",
                                        {"spec": {"a": "x"}}, MERGE))),
        Step("its scale patched with a field a Scale lacks: warned", "PATCH", f"{ratchets}/s1/scale",
             {"spec": {"replicas": 2, "x": 1}}, MERGE, fields=("code", "spec")),
        Step("its scale patched below zero: refused by the resource's own validation, at its path", "PATCH",
             f"{ratchets}/s1/scale", {"spec": {"replicas": -1}}, MERGE, fields=refused),
        # (the handler's typer knows no Scale: each refusal of a body it cannot decode is in the same words)
        *(Step(f"its scale put: {json.dumps(scale)}{' under Strict' if strict else ''}", "PUT",
               f"{ratchets}/s1/scale", {"apiVersion": "autoscaling/v1", "kind": "Scale", "metadata": {"name": "s1"},
                                         "spec": {"replicas": 2}, **scale},
               query="fieldValidation=Strict" if strict else "", fields=refused)
          for scale, strict in (({"x": 1}, True), ({"kind": 1.5}, False), ({"spec": {"replicas": "2"}}, False),
                                ({"kind": "Foo"}, False), ({"apiVersion": "autoscaling/v2"}, False))),
        Step("its scale patched with a field a Scale lacks under Strict", "PATCH", f"{ratchets}/s1/scale",
             {"spec": {"x": 1}}, MERGE, query="fieldValidation=Strict", fields=("code", "reason")),
        Step("a widget's status patched to a number: its schema's root has no name", "PATCH",
             f"/apis/{group}/v1/namespaces/{ns}/widgets/w1/status", {"status": 5}, MERGE, fields=refused),
        Step("a ratchet whose metadata is a list", "POST", ratchets, {**made, "metadata": []}, fields=refused),
        Step("one of another kind whose metadata is a list: the body's kind names it", "POST", ratchets,
             {**made, "kind": "Gear", "metadata": []}, fields=refused),
        Step("a ratchet whose apiVersion is null", "POST", ratchets, {**made, "apiVersion": None}, fields=refused),
        Step("a ratchet without an apiVersion whose metadata is a number: the decoder's version is none",
             "POST", ratchets, {k: v for k, v in {**made, "metadata": -1}.items() if k != "apiVersion"},
             fields=refused),
        Step("a ratchet of another kind whose apiVersion is null", "PUT", f"{ratchets}/s1",
             {**made, "apiVersion": None, "kind": "Gadget"}, fields=refused),
        Step("a widget without a name, its spec refused too", "POST", f"/apis/{group}/v1/namespaces/{ns}/widgets",
             {"apiVersion": f"{group}/v1", "kind": "Widget", "metadata": {"labels": {"a": "b"}},
              "spec": {"color": "green"}}, fields=refused),
        Step("a ratchet put without metadata (so without a resourceVersion)", "PUT", f"{ratchets}/s1",
             {**made, "metadata": None}, fields=refused),
    )


def _with_rules(group: str) -> dict[str, Any]:
    """A definition with CEL rules (x-kubernetes-validations) as kubebuilder's XValidation markers write them:
    bounds across fields, optional fields, immutability (a transition rule, in a list-map's items too), list
    items, a reason and a field path of its own."""
    crd = _crd(group, "sprockets", "Sprocket", columns=False)
    spec = crd["spec"]["versions"][0]["schema"]["openAPIV3Schema"]["properties"]["spec"]
    spec["x-kubernetes-validations"] = [
        {"rule": "self.replicas <= 5", "message": "at most five"},
        {"rule": "!has(self.name) || self.name.startsWith('a')"},
        {"rule": "self.color == oldSelf.color", "message": "color is immutable"},
        {"rule": "!has(self.tags) || self.tags.all(t, t != 'x') && self.tags.exists_one(t, t == 'y')",
         "message": "one y and no x"},
        {"rule": "self.size > 0 ? true : false", "reason": "FieldValueForbidden", "fieldPath": ".size",
         "message": "size must be positive"},
    ]
    spec["properties"]["tags"]["items"]["maxLength"] = 10
    spec["properties"]["tags"]["x-kubernetes-validations"] = [{"rule": "self.all(t, size(t) <= 3)"}]
    spec["properties"]["ports"] = {  # a list-map: old and new items are matched by key for transition rules
        "type": "array", "maxItems": 4, "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["name"],
        "items": {"type": "object", "required": ["name"], "properties": {
            "name": {"type": "string", "maxLength": 8},
            "port": {"type": "integer", "x-kubernetes-validations": [{"rule": "self == oldSelf",
                                                                        "message": "port is immutable"}]}}}}
    return crd


def _rules(group: str, ns: str) -> tuple[Step, ...]:
    sprockets = f"/apis/{group}/v1/namespaces/{ns}/sprockets"

    def sprocket(object_name: str, **spec: Any) -> dict[str, Any]:
        return {"apiVersion": f"{group}/v1", "kind": "Sprocket", "metadata": {"name": object_name},
                "spec": {"color": "red", "replicas": 1, **spec}}

    return (
        Step("install one with CEL rules", "POST", CRDS, _with_rules(group), fields=("code", "spec")),
        Step("a sprocket every rule passes", "POST", sprockets, sprocket("s1", tags=["y"]), fields=WHOLE),
        Step("a bound across fields broken", "POST", sprockets, sprocket("s2", replicas=7), fields=INVALID),
        Step("an optional field, wrong", "POST", sprockets, sprocket("s3", name="bc"), fields=INVALID),
        Step("a missing field the rule reads", "POST", sprockets,
             {**sprocket("s4"), "spec": {"color": "red"}}, fields=INVALID),
        Step("list items against a macro", "POST", sprockets, sprocket("s5", tags=["x", "y"]), fields=INVALID),
        Step("a rule on the list's items", "POST", sprockets, sprocket("s6", tags=["abcd", "y"]), fields=INVALID),
        Step("a rule with its own reason and path", "POST", sprockets, sprocket("s7", size=-1), fields=INVALID),
        Step("another kind: its refusal, then the rules, which the strategy runs past its validator", "POST",
             sprockets, {**sprocket("s8", replicas=7, name="bc", tags=["a", "x"]), "kind": "Gear"},
             fields=INVALID),
        Step("another kind whose values are not of their schema's types: the rules cannot read them", "POST",
             sprockets, {**sprocket("s9", replicas="7", name=5, tags="x"), "kind": "Gear"}, fields=INVALID),
        Step("and whose spec is no object", "POST", sprockets, {**sprocket("s9"), "kind": "Gear", "spec": -1},
             fields=INVALID),
        Step("a transition rule: an immutable field changed", "PUT", f"{sprockets}/s1",
             sprocket("s1", tags=["y"], color="blue"), fields=INVALID),
        Step("a transition rule kept", "PUT", f"{sprockets}/s1", sprocket("s1", tags=["y"], replicas=2),
             fields=WHOLE),
        Step("a list-map's item added", "PUT", f"{sprockets}/s1",
             sprocket("s1", tags=["y"], replicas=2, ports=[{"name": "a", "port": 1}]), fields=WHOLE),
        Step("a list-map item's immutable field changed", "PUT", f"{sprockets}/s1",
             sprocket("s1", tags=["y"], replicas=2, ports=[{"name": "a", "port": 2}]), fields=INVALID),
        Step("a list-map's items reordered, one added", "PUT", f"{sprockets}/s1",
             sprocket("s1", tags=["y"], replicas=2, ports=[{"name": "b", "port": 5}, {"name": "a", "port": 1}]),
             fields=WHOLE),
    )


def _decoded(group: str, ns: str) -> tuple[Step, ...]:
    """What the handlers make of a custom resource's body before its schema does (unstructured: any version
    and kind decode, the handler then accepts its own version only; metadata through ObjectMeta; floats read
    back from storage), and what its subresources and lists answer of it."""
    widgets, sprockets = (f"/apis/{group}/v1/namespaces/{ns}/{plural}" for plural in ("widgets", "sprockets"))
    def widget(name: str, **fields: Any) -> dict[str, Any]:
        return {**_widget(group, name), **fields}
    text = ("code", "reason", "message")
    scale = {"apiVersion": "autoscaling/v1", "kind": "Scale", "metadata": {"name": "d1"}, "spec": {"replicas": 4}}
    return (
        Step("another version in the body", "POST", widgets, widget("d0", apiVersion=f"{group}/v1beta1"), fields=text),
        Step("no version in the body", "POST", widgets, {k: v for k, v in widget("d0").items() if k != "apiVersion"},
             fields=text),
        Step("no kind in the body", "POST", widgets, {k: v for k, v in widget("d0").items() if k != "kind"},
             fields=text),
        Step("another version and kind: the version first", "PUT", f"{widgets}/d0",
             widget("d0", apiVersion=f"{group}/v2", kind="Gadget"), fields=text),
        Step("empty lists and maps in metadata are gone, and not owned", "POST", widgets,
             widget("d1", metadata={"name": "d1", "labels": {}, "annotations": {}, "finalizers": []},
                    spec={"color": "red", "replicas": 2.0, "free": {"a": 3.0, "b": 1.5, "c": 1e20}}),
             fields=(*WHOLE, "metadata.managedFields")),
        Step("a float that is an integer is one to the schema", "POST", widgets,
             widget("d2", spec={"color": "red", "size": 2.0}), fields=("code", "spec")),
        Step("a merge patch of another version: validation's", "PATCH", f"{widgets}/d1",
             {"apiVersion": f"{group}/v2"}, MERGE, fields=INVALID),
        Step("a merge patch removing the kind", "PATCH", f"{widgets}/d1", {"kind": None}, MERGE, fields=("code",)),
        Step("a merge patch removing the version", "PATCH", f"{widgets}/d1", {"apiVersion": None}, MERGE,
             fields=text),
        Step("a merge patch of /status naming another version", "PATCH", f"{widgets}/d1/status",
             {"apiVersion": f"{group}/v2", "status": {"replicas": 1}}, MERGE, fields=("code", "status")),
        Step("write the scale", "PUT", f"{widgets}/d1/scale", scale, fields=("code", "spec")),
        Step("an apply of the scale conflicts with its writer, of autoscaling/v1", "PATCH", f"{widgets}/d1/scale",
             {**scale, "spec": {"replicas": 5}}, APPLY, query="fieldManager=hpa", fields=text),
        Step("no spec replicas: the scale cannot be read", "GET", f"{widgets}/d2/scale", fields=text),
        Step("a status merge patch", "PATCH", f"{widgets}/d2/status", {"status": {"replicas": 1}}, MERGE,
             fields=("code", "status")),
        Step("a status patch with metadata the status strategy keeps: the stored metadata is validated", "PATCH",
             f"{widgets}/d2/status", {"metadata": {"labels": {"bad key!": "x"}, "ownerReferences": [{}]}}, MERGE,
             fields=("code", "metadata.labels", "metadata.ownerReferences")),
        Step("a controller's apply of the same status changes nothing but who manages it", "PATCH",
             f"{widgets}/d2/status", {**widget("d2"), "status": {"replicas": 1}}, APPLY,
             query="fieldManager=ctrl&force=true", fields=("code", "status")),
        Step("delete by label: the list's continue is there, empty", "DELETE", widgets,
             query="labelSelector=gone%3Dyes", fields=("code", "kind", "metadata.continue", "items")),
        Step("a CEL rule reads a float where an integer belongs", "POST", sprockets,
             {"apiVersion": f"{group}/v1", "kind": "Sprocket", "metadata": {"name": "f1"},
              "spec": {"color": "red", "replicas": 2.0}}, fields=CAUSES),
    )


def _formats(group: str, ns: str) -> tuple[Step, ...]:
    """A schema's formats (kube-openapi's strfmt registry, int32/int64, float): a value one refuses, in the
    apiserver's words; one of another type; formats it does not know warned of and dropped; a value the field
    manager cannot type, such as an array kube-openapi lets by where a string with a format belongs, written
    without managedFields."""
    gauges = f"/apis/{group}/v1/namespaces/{ns}/gauges"
    props = {"at": {"type": "string", "format": "date-time"}, "day": {"type": "string", "format": "date"},
             "id": {"type": "string", "format": "uuid"}, "ip": {"type": "string", "format": "ipv4"},
             "host": {"type": "string", "format": "hostname"}, "raw": {"type": "string", "format": "byte"},
             "link": {"type": "string", "format": "uri"}, "mail": {"type": "string", "format": "email"},
             "wait": {"type": "string", "format": "duration"}, "short": {"type": "string", "format": "k8s-short-name"},
             "small": {"type": "integer", "format": "int32"}, "ratio": {"type": "number", "format": "float"},
             "odd": {"type": "string"}, "odder": {"type": "integer", "format": "uint8"},
             "pairs": {"type": "array", "x-kubernetes-list-type": "set",
                       "items": {"type": "object", "x-kubernetes-map-type": "atomic"}}}
    crd = _crd(group, "gauges", "Gauge", status=False, columns=False)
    crd["spec"]["versions"][0]["schema"]["openAPIV3Schema"]["properties"]["spec"] = {"type": "object",
                                                                                   "properties": props}
    granular = copy.deepcopy(crd)
    granular["spec"]["versions"][0]["schema"]["openAPIV3Schema"]["properties"]["spec"]["properties"]["pairs"][
        "items"].pop("x-kubernetes-map-type")
    more = copy.deepcopy(crd)
    more["spec"]["versions"][0]["schema"]["openAPIV3Schema"]["properties"]["spec"]["properties"]["odd"] = {
        "type": "string", "format": "nonsense"}  # (one: several come in Go's map order)
    def gauge(name: str, **spec: Any) -> dict[str, Any]:
        return {"apiVersion": f"{group}/v1", "kind": "Gauge", "metadata": {"name": name}, "spec": spec}
    refused = [("at", "2026-01-01"), ("at", "2026-13-01T00:00:00Z"), ("day", "2026-02-30"), ("id", "nope"),
               ("ip", "::1"), ("host", "a_b.com"), ("raw", "aGVsbG8"), ("link", "x"), ("mail", "a@"),
               ("wait", "soon"), ("short", "Abc"), ("small", 2147483648), ("small", 1.5), ("ratio", 3.5e38),
               ("at", 5), ("at", True)]
    return (
        Step("a set of objects that are not atomic is refused", "POST", CRDS, granular, fields=INVALID),
        Step("install one with formats: those it does not know, and a set of objects, warned of", "POST", CRDS,
             crd, fields=("code",)),
        Step("values every format takes, and one it does not know takes anything", "POST", gauges, gauge(
            "g1", at="2026-01-01T00:00:00.5+02:00", day="2026-02-28", id="123E4567E89B12D3A456426614174000",
            ip="01.2.3.4", host="example.com", raw="aGVsbG8=", link="/path", mail="Name <a@b.c>", wait="3 days",
            short="abc", small=2147483647, ratio=1.5, odd="whatever", odder=300), fields=WHOLE),
        *(Step(f"{field} {json.dumps(value)}", "POST", gauges, gauge(f"r{i}", **{field: value}), fields=INVALID)
          for i, (field, value) in enumerate(refused)),
        Step("an array where a string with a format belongs: let by, and no managedFields", "POST", gauges,
             gauge("untyped", at=["2026-01-01T00:00:00Z"]), fields=WHOLE),
        Step("a label on it keeps none", "PATCH", f"{gauges}/untyped", {"metadata": {"labels": {"a": "b"}}}, MERGE,
             fields=WHOLE),
        Step("an update without the definition's status warns only of a format it newly does not know", "PUT",
             f"{CRDS}/gauges.{group}", more, fields=("code",)),
    )


def _composites(group: str, ns: str) -> tuple[Step, ...]:
    """anyOf, oneOf, allOf and not: a value no branch passes gets the keyword's own cause and the causes of the
    branch that came closest (kube-openapi's match count: the branch whose checks passed most), every branch of
    an allOf its own; kubebuilder's int-or-string anyOf; a write through /status checked the same way; CEL rules
    naming properties by their escapes."""
    gadgets = f"/apis/{group}/v1/namespaces/{ns}/gadgets"
    ab = {"a": {"type": "string"}, "b": {"type": "string"}}
    xy = {"x": {"type": "integer"}, "y": {"type": "string"}}
    props: dict[str, Any] = {
        "port": {"anyOf": [{"type": "integer"}, {"type": "string"}], "x-kubernetes-int-or-string": True},
        "sized": {"type": "string", "x-kubernetes-int-or-string": True},  # (a string to the field manager)
        "choice": {"type": "object", "properties": ab, "oneOf": [{"required": ["a"]}, {"required": ["b"]}]},
        "some": {"type": "object", "properties": ab, "anyOf": [{"required": ["a"]}, {"required": ["b"]}]},
        "bounded": {"type": "integer", "allOf": [{"minimum": 1}, {"maximum": 10}]},
        "both": {"type": "string", "allOf": [{"pattern": "^x"}, {"maxLength": 2}]},
        "other": {"type": "string", "not": {"enum": ["x", "y"]}},
        "either": {"type": "string", "anyOf": [{"pattern": "^a"}, {"maxLength": 2}]},
        "one": {"type": "integer", "oneOf": [{"minimum": 5}, {"maximum": 7}]},
        "closest": {"type": "object", "properties": xy,
                    "anyOf": [{"required": ["z"]}, {"properties": {"x": {"minimum": 10}, "y": {"maxLength": 1}}}]},
        "only": {"type": "object", "properties": xy,
                 "oneOf": [{"required": ["z"]}, {"properties": {"x": {"minimum": 10}}, "required": ["q"]}]},
        "address": {"type": "string", "anyOf": [{"format": "ipv4"}, {"format": "ipv6"}]},
        "items": {"type": "array", "items": {"type": "string", "anyOf": [{"pattern": "^x"}, {"format": "ipv4"}]}},
        "nested": {"type": "object", "properties": {"list": {"type": "array", "items": {
                       "type": "object", "properties": {"n": {"type": "integer"}}}}},
                   "oneOf": [{"properties": {"list": {"items": {"required": ["n"]}}}},
                             {"properties": {"list": {"maxItems": 0}}}]},
        "ruled": {"type": "object", "properties": ab, "anyOf": [{"required": ["a"]}, {"required": ["b"]}],
                  "x-kubernetes-validations": [{"rule": "!has(self.a) || self.a != 'bad'", "message": "a is bad"}]},
        "ref": {"type": "object", "properties": {"name": {"type": "string"}, "namespace": {"type": "string"},
                                                 "api-group": {"type": "string"}},
                "x-kubernetes-validations": [  # (a reserved word and a dash, escaped as CEL needs)
                    {"rule": "has(self.name) && has(self.__namespace__)", "message": "both name and namespace"},
                    {"rule": "!has(self.api__dash__group) || self.api__dash__group != ''", "message": "a group"}]},
    }
    crd = _crd(group, "gadgets", "Gadget", status=False, columns=False)
    crd["spec"]["versions"][0]["subresources"] = {"status": {}}
    crd["spec"]["versions"][0]["schema"]["openAPIV3Schema"]["properties"].update(
        spec={"type": "object", "properties": props}, status={"type": "object", "properties": props})

    def gadget(name: str, **spec: Any) -> dict[str, Any]:
        return {"apiVersion": f"{group}/v1", "kind": "Gadget", "metadata": {"name": name}, "spec": spec}
    values: list[tuple[str, Any]] = [
        ("port", True), ("port", 1.5), ("port", [1]), ("port", "http"), ("sized", 5), ("sized", "5"),
        ("choice", {"a": "1", "b": "2"}),
        ("choice", {}), ("some", {}), ("bounded", 0), ("bounded", 11), ("both", "abc"), ("other", "x"),
        ("either", "zzz"), ("one", 6), ("closest", {"x": 1, "y": "ab"}), ("closest", {}), ("closest", {"x": "s"}),
        ("only", {"x": 1}), ("only", {"z": 1, "q": 1, "x": 12}), ("address", "::1"), ("address", "nope"),
        ("items", ["x1", "1.2.3.4", "zz", "y"]), ("nested", {"list": [{}]}), ("nested", {"list": []}),
        ("ruled", {}), ("ruled", {"a": "bad"}), ("ruled", {"b": "x"}), ("ref", {"name": "a"}),
        ("ref", {"name": "a", "namespace": "b", "api-group": ""}), ("ref", {"name": "a", "namespace": "b"})]
    return (
        Step("install one whose schema has anyOf, oneOf, allOf and not", "POST", CRDS, crd, fields=("code",)),
        *(Step(f"{field} {json.dumps(value)}", "POST", gadgets, gadget(f"c{i}", **{field: value}),
               fields=CAUSES if field == "closest" else INVALID) for i, (field, value) in enumerate(values)),
        Step("one that passes", "POST", gadgets, gadget("s", closest={"x": 11}), fields=WHOLE),
        Step("a status write checked alike", "PATCH", f"{gadgets}/s/status",
             {"status": {"both": "abc"}}, MERGE, fields=INVALID),
        Step("what the stored object broke already is let by", "PATCH", f"{gadgets}/s/status",
             {"status": {"closest": {}}}, MERGE, fields=INVALID),
    )


def _written_as_go(group: str) -> tuple[Step, ...]:
    """A definition as the apiserver decodes and stores it: what its Go types leave out when empty or false
    gone, numbers and JSON values through float64s, fields its types do not have warned of (in the order the
    decoder meets them) or, under Strict, refused."""
    props: dict[str, Any] = {
        "empty": {"type": "string", "nullable": False, "description": "", "format": "", "enum": [], "allOf": [],
                  "uniqueItems": False, "x-kubernetes-validations": [], "default": None},
        "free": {"type": "object", "properties": {}, "required": [], "x-kubernetes-preserve-unknown-fields": True},
        "bounds": {"type": "number", "minimum": 1.0, "maximum": 1e3, "multipleOf": 0.5, "exclusiveMinimum": False},
        "count": {"type": "integer", "maxLength": 0, "enum": [1, 2.0, None], "default": 2.0},
        "open": {"type": "object", "additionalProperties": True},
        "list": {"type": "array", "items": {"type": "string"}, "x-kubernetes-list-map-keys": []},
        "typo": {"type": "string", "maxLenght": 3},
    }
    crd = _crd(group, "sprockets", "Sprocket", status=False, columns=False)
    crd["spec"]["versions"][0]["schema"]["openAPIV3Schema"]["properties"]["spec"] = {"type": "object",
                                                                                   "properties": props}
    crd["spec"]["versions"][0]["selectable"] = True
    crd["spec"]["preserveUnknownFields"] = False
    strict = copy.deepcopy(crd)
    strict["metadata"]["name"] = f"sprocketz.{group}"
    strict["spec"]["names"].update(plural="sprocketz", kind="Sprocketz")
    return (
        Step("a definition with empty values and fields its types do not have", "POST", CRDS, crd, fields=WHOLE),
        Step("the same under Strict", "POST", CRDS, strict, query="fieldValidation=Strict",
             fields=("code", "reason", "message")),
    )


def _annotated(crd: dict[str, Any], approval: str) -> dict[str, Any]:
    out = copy.deepcopy(crd)
    out["metadata"]["annotations"] = {"api-approved.kubernetes.io": approval}
    return out


def _approved_group(group: str, ns: str) -> tuple[Step, ...]:
    """A definition in a group under k8s.io, as the Gateway API's and volume snapshots' are: it needs the API
    review's annotation, and its custom resources are custom resources all the same (a generation, keys
    sorted, no strategic merge patch), not built-in kinds because of their group's name."""
    k8s_group = f"{group.split('.')[0]}.approved.k8s.io"
    crd = _crd(k8s_group, "gears", "Gear", status=False, columns=False)
    approved = _annotated(crd, "https://example.com/review/1")
    gears = f"/apis/{k8s_group}/v1/namespaces/{ns}/gears"
    gear = {"apiVersion": f"{k8s_group}/v1", "kind": "Gear", "metadata": {"name": "g1"},
            "spec": {"size": 2, "color": "red", "name": "ab"}}
    return (
        Step("a definition in a group under k8s.io without the review's annotation", "POST", CRDS, crd,
             fields=INVALID),
        Step("with one that is neither a URL nor unapproved", "POST", CRDS, _annotated(crd, "reviewed"),
             fields=INVALID),
        Step("install it with the annotation", "POST", CRDS, approved, fields=("code",)),
        Step("one of its custom resources", "POST", gears, gear, fields=WHOLE),
        Step("a strategic merge patch of it", "PATCH", f"{gears}/g1", {"spec": {"size": 3}}, SMP,
             fields=("code", "reason", "message")),
    )


def _embedded(group: str, ns: str) -> tuple[Step, ...]:
    """Embedded resources (x-kubernetes-embedded-resource, as kubebuilder marks a template): an apiVersion and
    kind each a string the decoder takes, metadata it decodes as ObjectMeta (unknown fields warned of and
    dropped, a null one empty; a label of the wrong type, a bad time: its 400), then validated as an object's
    (an apiVersion and a kind, its name a path segment, its namespace, labels, annotations and managedFields),
    in a field, in a list's items and in a map's values; a patch that breaks one quotes the patched object."""
    props: dict[str, Any] = {
        "template": {"type": "object", "x-kubernetes-embedded-resource": True,
                     "x-kubernetes-preserve-unknown-fields": True},
        "typed": {"type": "object", "x-kubernetes-embedded-resource": True, "properties": {
            "metadata": {"type": "object"},
            "spec": {"type": "object", "properties": {"replicas": {"type": "integer"}}}}},
        "list": {"type": "array", "items": {"type": "object", "x-kubernetes-embedded-resource": True,
                                            "x-kubernetes-preserve-unknown-fields": True}},
        "map": {"type": "object", "additionalProperties": {"type": "object", "x-kubernetes-embedded-resource": True,
                                                           "x-kubernetes-preserve-unknown-fields": True}},
    }
    crd = _crd(group, "molds", "Mold", status=False, columns=False)
    crd["spec"]["versions"][0]["schema"]["openAPIV3Schema"]["properties"]["spec"] = {"type": "object",
                                                                                   "properties": props}
    molds = f"/apis/{group}/v1/namespaces/{ns}/molds"
    pod = {"apiVersion": "v1", "kind": "Pod"}

    def mold(name: str, **spec: Any) -> dict[str, Any]:
        return {"apiVersion": f"{group}/v1", "kind": "Mold", "metadata": {"name": name}, "spec": spec}
    values: list[dict[str, Any]] = [
        {"template": {**pod, "metadata": {"name": "p", "labels": {"a": "b"}}, "spec": {"x": 1}}},
        {"template": {**pod, "metadata": {"name": "P_bad", "labels": {"a b": "c"}}}},
        {"template": {"metadata": {"name": "p", "bogus": 1, "finalizers": [], "annotations": {}}}},
        {"template": {"apiVersion": 5, "kind": "Pod"}},
        {"template": {**pod, "metadata": {"generateName": "x-", "uid": "u", "creationTimestamp": "bad"}}},
        {"template": {**pod, "metadata": {"labels": {"a": 5}}}},
        {"template": {**pod, "metadata": None}},
        {"template": {**pod, "metadata": []}},
        {"template": {**pod, "kind": "Bad_Kind"}}, {"template": {**pod, "apiVersion": "a/b/c"}},
        {"template": {**pod, "metadata": {"name": "a/b"}}},
        {"template": {**pod, "metadata": {"namespace": "Bad NS", "generateName": "x/"}}},
        {"template": {**pod, "metadata": {"managedFields": [{"manager": "x"}, {"operation": "Merge",
                                                                               "fieldsType": "FieldsV2"}]}}},
        {"typed": {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d"}, "spec": {"replicas": 2,
                                                                                                  "other": 3}}},
        {"typed": {**pod, "metadata": "notamap"}},
        {"list": [{**pod, "metadata": {"labels": {"a": "b c"}}}, {"kind": "X"}]},
        {"map": {"k": {**pod, "metadata": {"annotations": {"bad key": "x"}}}, "j": {"apiVersion": 5}}},
    ]
    return (
        Step("install one with embedded resources", "POST", CRDS, crd, fields=("code",)),
        *(Step(f"embedded {json.dumps(v)}", "POST", molds, mold(f"m{i}", **v), fields=INVALID if i else WHOLE)
          for i, v in enumerate(values)),
        Step("a patch that breaks an embedded resource's metadata", "PATCH", f"{molds}/m0",
             {"spec": {"template": {"metadata": {"labels": {"a b": "1"}}}}}, MERGE, fields=INVALID),
        Step("one whose kind is no string (its 422 quotes the object: times, uid)", "PATCH", f"{molds}/m0",
             {"spec": {"template": {"kind": 7}}}, MERGE, fields=("code", "reason")),
    )


def _unstructural(group: str) -> list[tuple[str, Callable[[dict[str, Any]], None]]]:
    """Definitions whose schemas are not structural, or use what a definition may not: a value validation
    (anyOf, allOf, oneOf, not) that says more than how to check a value, keywords of JSON schema a definition
    cannot use, metadata specified; and other parts a developer writes by hand wrong: printer columns, scale
    paths, conversion, the words of CEL rules."""
    def spec(field: dict[str, Any]) -> Callable[[dict[str, Any]], None]:
        return lambda c: _spec_props(c).update(f=field)
    return [
        ("a type in an anyOf", spec({"type": "string", "anyOf": [{"type": "string"}]})),
        ("a default, a title and a description in value validations", spec(
            {"type": "string", "anyOf": [{"default": "a"}], "oneOf": [{"description": "d", "title": "t"}]})),
        ("nullable in a oneOf", spec({"type": "string", "oneOf": [{"nullable": True}]})),
        ("a property's type in an anyOf", spec({"type": "object", "properties": {"a": {"type": "string"}},
                                                "anyOf": [{"properties": {"a": {"type": "string"}}}]})),
        ("additionalProperties in an allOf", spec({"type": "object", "properties": {"a": {"type": "string"}},
                                                   "allOf": [{"additionalProperties": {"type": "string"}}]})),
        ("markers in value validations", spec({"type": "array", "items": {"type": "string"}, "not": {
            "x-kubernetes-preserve-unknown-fields": True}, "anyOf": [{"x-kubernetes-list-type": "atomic"}]})),
        ("a rule in an allOf", spec({"type": "string", "allOf": [{"x-kubernetes-validations": [{"rule": "true"}]}]})),
        ("an int-or-string's anyOf of other types", spec(
            {"x-kubernetes-int-or-string": True, "anyOf": [{"type": "integer"}, {"type": "boolean"}]})),
        ("nested anyOf types", spec({"type": "string", "anyOf": [{"anyOf": [{"type": "string"}]}]})),
        ("$ref and uniqueItems", spec({"type": "string", "anyOf": [{"$ref": "#/x"}, {"uniqueItems": True}]})),
        ("the root's anyOf naming a field it does not have", lambda c: (  # (without status: a root so is refused)
            c["spec"]["versions"][0].pop("subresources"),
            c["spec"]["versions"][0]["schema"]["openAPIV3Schema"].update(
                anyOf=[{"properties": {"extra": {"minProperties": 1}}}]))),
        ("metadata beyond name and generateName", lambda c: c["spec"]["versions"][0]["schema"]["openAPIV3Schema"][
            "properties"].update(metadata={"type": "object", "properties": {"labels": {"type": "object"}}})),
        ("additionalProperties beside properties", spec({"type": "object", "properties": {"a": {"type": "string"}},
                                                         "additionalProperties": {"type": "string"}})),
        ("an array without items", spec({"type": "array"})),
        ("a null property (an empty schema to Go)", lambda c: _spec_props(c).update(f=None)),
        ("a null version (a zero one)", lambda c: c["spec"]["versions"].append(None)),
        ("a type JSON schema does not have", spec({"type": "int"})),
        ("a nullable root", lambda c: (c["spec"]["versions"][0].pop("subresources"),
                                       c["spec"]["versions"][0]["schema"]["openAPIV3Schema"].update(nullable=True))),
        ("rules without text, with a message on two lines or an unknown reason", spec({"type": "string",
            "x-kubernetes-validations": [{"rule": " "}, {"rule": "true", "message": "a\nb"},
                                         {"rule": "self.size() > 1\n&& true"}, {"rule": "true", "reason": "Nope"},
                                         {"rule": "true", "messageExpression": " "}]})),
        ("rules naming fields their place does not declare, the escaped, a map's and an embedded resource's "
         "aside", spec({"type": "object", "x-kubernetes-validations": [
             {"rule": "self.b == 'x' && self.l.all(i, i.nme == self.a__dash__b)"}, {"rule": "has(self.q)"},
             {"rule": "self.m.anykey == 'a' && self.t.kind == 'T' && has(self.t.metadata.labels)"},
             {"rule": "self.a__dash__c == 'a' ||\n  self.pu.x == 1", "message": "m"}],
             "properties": {
                 "a-b": {"type": "string"}, "m": {"type": "object", "additionalProperties": {"type": "string"}},
                 "l": {"type": "array", "items": {"type": "object", "properties": {"name": {"type": "string"}}}},
                 "t": {"type": "object", "x-kubernetes-embedded-resource": True,
                       "x-kubernetes-preserve-unknown-fields": True},
                 "pu": {"type": "object", "x-kubernetes-preserve-unknown-fields": True}}})),
        ("rules that are no bool, variables that are not declared, and a resource's metadata beyond name and "
         "generateName", lambda c: (
            _spec_props(c).update(f={"type": "object", "properties": {"n": {"x-kubernetes-int-or-string": True}},
                                     "x-kubernetes-validations": [{"rule": "self.n"}, {"rule": "size(self.n)"}]}),
            c["spec"]["versions"][0]["schema"]["openAPIV3Schema"].update({"x-kubernetes-validations": [
                {"rule": "self.metadata.namespace == 'x'"}, {"rule": "self.metadata.name.startsWith('a')"},
                {"rule": "slef.kind == 'x' || [1].all(i, j == i)"}]}))),
        ("rules given operands their operators and functions do not take, and a rule that ends too soon", spec({
            "type": "object", "properties": {"n": {"type": "integer"}, "s": {"type": "string"},
                                             "l": {"type": "array", "items": {"type": "integer"}}},
            "x-kubernetes-validations": [
                {"rule": "self.n == 1.0 || self.s in self.l"}, {"rule": "self.s && self.n > 1.5"},
                {"rule": "(self.n > 0 ? 1 : 'b') == 1"}, {"rule": "size(self.n) > 0 && self.s.startsWith(self.n)"},
                {"rule": "self.l == ['a'] && int(true) == 1"}, {"rule": "self.n % 2 == 0 &&  "}]})),
        ("rules whose syntax cel-go refuses: Python's `and`, a lone `=`, a `;`, a quantity's suffix", spec({
            "type": "object", "properties": {"n": {"type": "integer"}},
            "x-kubernetes-validations": [
                {"rule": "self.n > 1 and true"}, {"rule": "self.n = 1"}, {"rule": "self.n > 1 ;"},
                {"rule": "self.n > 1Gi", "messageExpression": "'a' 'b'"}]})),
        ("rules whose field paths are no paths to a field from their place", spec({
            "type": "object", "properties": {
                "a": {"type": "object", "properties": {"b": {"type": "string"}}},
                "m": {"type": "object",
                      "additionalProperties": {"type": "object", "properties": {"x": {"type": "string"}}}},
                "l": {"type": "array", "items": {"type": "string"}}},
            "x-kubernetes-validations": [{"rule": "true", "fieldPath": p} for p in (
                ".a.b", ".a['b']", ".m['k.z'].x", ".l", ".a.c", ".m.k.y", ".l[0]", "a", ".a.", " ", "\n.a",
                ".a['b")]})),
        ("transition rules under a list's items, where old and new items cannot be matched, and optionalOldSelf on "
         "a rule that does not read oldSelf", spec({"type": "array", "maxItems": 4, "items": {
             "type": "object", "properties": {"v": {"type": "string", "maxLength": 8, "x-kubernetes-validations": [
                 {"rule": "self == oldSelf"}]}},
             "x-kubernetes-validations": [{"rule": "self.v == oldSelf.v"},
                                          {"rule": "self.v != ''", "optionalOldSelf": True}]}})),
        ("message expressions that do not compile or are no string", spec({
            "type": "string", "maxLength": 10, "x-kubernetes-validations": [
                {"rule": "true", "messageExpression": "self + 1"}, {"rule": "true", "messageExpression": "size(self)"},
                {"rule": "self.size() > 0", "messageExpression": "'too short: ' + self"},
                {"rule": "self.zz", "messageExpression": "self.yy"}]})),
        ("printer columns of unknown types and formats, and paths not starting with a dot", lambda c: c["spec"][
            "versions"][0].update(additionalPrinterColumns=[
                {"name": "A", "type": "text", "format": "money", "jsonPath": "spec.a"}, {"jsonPath": ""}])),
        ("scale paths outside spec and status", lambda c: c["spec"]["versions"][0]["subresources"].update(scale={
            "specReplicasPath": ".status.replicas", "statusReplicasPath": "status.replicas",
            "labelSelectorPath": ".metadata.labels"})),
        ("a conversion strategy it does not know", lambda c: c["spec"].update(conversion={"strategy": "Magic"})),
        ("a webhook conversion without its webhook", lambda c: c["spec"].update(conversion={"strategy": "Webhook"})),
        *[(f"a conversion webhook {what}", lambda c, hook=hook: c["spec"].update(conversion={
            "strategy": "Webhook", "webhook": hook})) for what, hook in (
            ("at a URL it may not call, reviewing versions it cannot send", {
                "clientConfig": {"url": "http://u@h/x?y#z"}, "conversionReviewVersions": ["v2", "v2", "B"]}),
            ("at a URL url.Parse refuses", {"clientConfig": {"url": "https://h:x/"},
                                            "conversionReviewVersions": ["v1"]}),
            ("at a service without a name or namespace, on port 0, under a bad path", {
                "clientConfig": {"service": {"name": "", "namespace": "", "path": "a//Bad_Seg", "port": 0}},
                "conversionReviewVersions": []}),
            ("at a URL and a service", {"clientConfig": {"url": "https://h/", "service": {"name": "s",
                                                                                          "namespace": "n"}}}))],
    ]


def _spec_props(crd: dict[str, Any]) -> dict[str, Any]:
    props: dict[str, Any] = crd["spec"]["versions"][0]["schema"]["openAPIV3Schema"]["properties"]["spec"]["properties"]
    return props


def _bad_crd(group: str, change: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    crd = _crd(group, "bolts", "Bolt")
    change(crd)
    return crd


def _widget(group: str, object_name: str, **spec: Any) -> dict[str, Any]:
    return {"apiVersion": f"{group}/v1", "kind": "Widget", "metadata": {"name": object_name},
            "spec": {"color": "red", **spec}}


def _with_markers(group: str) -> dict[str, Any]:
    """A definition whose schema says how server-side apply merges and owns its fields, under names a
    built-in uses otherwise (a pod's containers are keyed by name, a Service's selector is atomic)."""
    crd = _crd(group, "thingamajigs", "Thingamajig", status=False, columns=False)
    item = {"type": "object", "properties": {"name": {"type": "string"}, "image": {"type": "string"}}}
    spec: dict[str, Any] = {"type": "object", "properties": {
        "entries": {"type": "array", "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["id", "proto"],
                    "items": {"type": "object", "required": ["id"], "properties": {
                        "id": {"type": "string"}, "proto": {"type": "string", "default": "tcp"},
                        "v": {"type": "integer"}}}},
        "containers": {"type": "array", "x-kubernetes-list-type": "atomic", "items": item},
        "selector": {"type": "object", "x-kubernetes-map-type": "atomic",
                     "additionalProperties": {"type": "string"}},
        "labels": {"type": "object", "additionalProperties": {"type": "string"}},
        "tags": {"type": "array", "x-kubernetes-list-type": "set", "items": {"type": "string"}},
        "limits": {"type": "object", "x-kubernetes-map-type": "atomic", "properties": {
            "cpu": {"type": "integer"}, "memory": {"type": "integer"}}},
        "conditions": {"type": "array", "items": {"type": "object", "properties": {
            "type": {"type": "string"}, "status": {"type": "string"}}}},
        "free": {"type": "object", "x-kubernetes-preserve-unknown-fields": True},
    }}
    crd["spec"]["versions"][0]["schema"]["openAPIV3Schema"]["properties"]["spec"] = spec
    return crd


def _markers(group: str, ns: str) -> tuple[Step, ...]:
    """Two appliers and an updater sharing one custom resource: merged, owned, conflicting and pruned as the
    definition's list and map markers say, not as a built-in's fields of the same names."""
    things = f"/apis/{group}/v1/namespaces/{ns}/thingamajigs"

    def thing(**spec: Any) -> dict[str, Any]:
        return {"apiVersion": f"{group}/v1", "kind": "Thingamajig", "metadata": {"name": "t1"}, "spec": spec}

    def apply(what: str, manager: str, body: dict[str, Any], force: bool = False,
              fields: tuple[str, ...] = WHOLE) -> Step:
        query = f"fieldManager={manager}" + ("&force=true" if force else "")
        return Step(what, "PATCH", f"{things}/t1", body, APPLY, query=query, fields=fields)

    conflict = ("code", "reason", "message", "details.causes")
    return (
        Step("install one whose schema has list and map markers", "POST", CRDS, _with_markers(group),
             fields=("code", "spec")),
        apply("apply by a: a keyed list, an atomic list, an atomic map, a set, an atomic struct", "a",
              thing(entries=[{"id": "x", "v": 1}, {"id": "x", "proto": "udp", "v": 2}],
                    containers=[{"name": "c", "image": "i1"}], selector={"app": "a"}, labels={"k": "a"},
                    tags=["p", "q"], limits={"cpu": 1}, conditions=[{"type": "Ready", "status": "True"}])),
        apply("apply by b: its own items of the keyed list and the set, merged in", "b",
              thing(entries=[{"id": "y", "v": 3}, {"id": "x", "v": 1}], tags=["r", "p"], labels={"j": "b"})),
        apply("apply by b: an atomic list a set, conflicts whatever the item names", "b",
              thing(containers=[{"name": "d", "image": "i2"}]), fields=conflict),
        apply("apply by b: an atomic map a set, conflicts", "b", thing(selector={"other": "b"}), fields=conflict),
        apply("apply by b: a field of an atomic struct a set, conflicts", "b", thing(limits={"memory": 2}),
              fields=conflict),
        apply("apply by b: a list without a type a set, conflicts", "b",
              thing(conditions=[{"type": "Synced", "status": "True"}]), fields=conflict),
        apply("apply by b, forced: takes the atomic map over", "b",
              thing(entries=[{"id": "y", "v": 3}, {"id": "x", "v": 1}], tags=["r", "p"], labels={"j": "b"},
                    selector={"other": "b"}), force=True),
        Step("an update by c changes an item b applied", "PATCH", f"{things}/t1",
             {"spec": {"labels": {"j": "c", "u": "c"}}}, MERGE, query="fieldManager=c", fields=WHOLE),
        apply("apply by a again without the keyed list's items or the labels: what only it owned goes", "a",
              thing(containers=[{"name": "c", "image": "i1"}], tags=["q"], limits={"cpu": 1},
                    conditions=[{"type": "Ready", "status": "True"}])),
        apply("apply by b with nothing but the set: its items and map keys go unless others own them", "b",
              thing(tags=["r"])),
        Step("read it", "GET", f"{things}/t1", fields=WHOLE),
        # nulls, as structured-merge-diff merges them: a map's leaves the live one, an entry's or an atomic
        # value's replaces it (a conflict with its owner, then the schema's to judge)
        apply("apply by d: a null map, the live one stays", "d", thing(labels=None)),
        apply("apply by d: a null entry c owns, a conflict", "d", thing(labels={"u": None}), fields=conflict),
        apply("apply by d, forced: the null entry is the schema's to judge", "d", thing(labels={"u": None}),
              force=True, fields=("code", "message", "spec")),
        apply("apply by d: a null atomic map b owns, a conflict", "d", thing(selector=None), fields=conflict),
        Step("apply a keyed list naming an item twice (its defaulted key)", "PATCH", f"{things}/t2",
             {**thing(entries=[{"id": "x"}, {"id": "x", "proto": "tcp"}]), "metadata": {"name": "t2"}}, APPLY,
             query="fieldManager=a", fields=("code", "message")),
        Step("apply a set naming a value twice", "PATCH", f"{things}/t2",
             {**thing(tags=["p", "p"]), "metadata": {"name": "t2"}}, APPLY, query="fieldManager=a",
             fields=("code", "message")),
        *(Step(f"apply {what}: structured-merge-diff cannot type it", "PATCH", f"{things}/t2",
               {**thing(**spec), "metadata": {"name": "t2"}}, APPLY, query="fieldManager=a", fields=("code", "message"))
          for what, spec in (("a string for an integer in a keyed item", {"entries": [{"id": "x", "v": "s"}]}),
                             ("a number for a string in a map", {"labels": {"k": 1}}),
                             ("a string for a set", {"tags": "p"}), ("a map in a set", {"tags": [{"a": "b"}]}),
                             ("a keyed item that is not an object", {"entries": ["x"]}),
                             ("a list for a map", {"selector": ["x"]}),
                             ("a field the schema does not have", {"limits": {"gpu": 1}}))),
        # (one list at a time: Go walks an object's fields in random order, so two lists' causes come either way)
        Step("create with a key twice in a keyed list", "POST", things,
             {**thing(entries=[{"id": "x"}, {"id": "y"}, {"id": "x", "v": 2}]), "metadata": {"name": "t3"}},
             fields=INVALID),
        Step("create with a value twice in a set, three times", "POST", things,
             {**thing(tags=["p", "q", "p", "p"]), "metadata": {"name": "t3"}}, fields=INVALID),
        # nulls under x-kubernetes-preserve-unknown-fields: structured-merge-diff walks a null of a deduced type
        # as a map first, so one over a map leaves it (no conflict, both own it); one over a scalar replaces it
        *(Step(what, "PATCH", f"{things}/t4", {**thing(**spec), "metadata": {"name": "t4"}}, APPLY,
               query=f"fieldManager={manager}", fields=(*WHOLE, "message"))
          for what, manager, spec in (
              ("apply by e: free-form fields", "e", {"free": {"a": {"b": 1, "c": [1, 2]}, "d": "x", "g": {"f": 1}}}),
              ("apply by f: a null over a free-form map, which stays", "f", {"free": {"a": None}}),
              ("apply by f: a null over e's free-form scalar, a conflict", "f", {"free": {"d": None}}),
              ("apply by f, forced: the scalar replaced", "f&force=true", {"free": {"a": None, "d": None}}),
              ("apply by f: a null inside a free-form map", "f&force=true", {"free": {"g": {"f": None}}}),
              ("apply by f of nothing free: what it owned alone goes, an emptied map stays a null", "f",
               {"tags": ["z"]}))),
        Step("read the free-form one", "GET", f"{things}/t4", fields=WHOLE),
        Step("delete the definition with list and map markers", "DELETE", f"{CRDS}/thingamajigs.{group}",
             fields=("code",)),
    )


WHOLE = ("code", "apiVersion", "kind", "metadata", "spec", "status")
CAUSES = ("code", "reason", "details.name", "details.group", "details.kind", "details.causes")  # as a set


def _field_validation(group: str, ns: str, widgets: str) -> tuple[Step, ...]:
    """Fields a type does not have, under each fieldValidation (kubectl sends Strict, other clients get
    Warn): a 400 or 422, or the write with a Warning header per field."""
    cms, deploys = f"/api/v1/namespaces/{ns}/configmaps", f"/apis/apps/v1/namespaces/{ns}/deployments"
    cm = {"metadata": {"name": "fv", "zeta": 1}, "zdata": 1, "data": {"a": "1"}, "adata": {"x": 1}}
    deployment = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "fv"}, "spec": {
        "replicas": 1, "selector": {"matchLabels": {"a": "b"}}, "template": {"metadata": {"labels": {"a": "b"}},
        "spec": {"containers": [{"name": "c", "image": "nginx", "imagePullPolicyy": "Always",
                                 "ports": [{"containerPort": 80, "protocl": "TCP"}]}], "bogus": True}}}}
    gadget = {**_widget(group, "fv", bogus=1, abc={"x": 1}), "zed": 1}
    gadget["metadata"]["zz"] = 1
    # one unknown field: with several the apiserver's walk stops at the first it meets in each object, in
    # Go's random map order, so which ones it names varies from one request to the next
    applied = _widget(group, "fv", bogus=1)
    text = ("code", "reason", "message")
    return (
        Step("a configmap with unknown fields, Strict", "POST", cms, cm, query="fieldValidation=Strict", fields=text),
        Step("a deployment with unknown fields deep down, Strict", "POST", deploys, deployment,
             query="fieldValidation=Strict", fields=text),
        Step("a widget with unknown fields, Strict", "POST", widgets, gadget, query="fieldValidation=Strict",
             fields=text),
        Step("an unknown fieldValidation", "POST", cms, cm, query="fieldValidation=Loose", fields=INVALID),
        Step("a configmap with unknown fields, Ignore", "POST", cms, cm, query="fieldValidation=Ignore",
             fields=("code", "data")),
        Step("a merge patch adding an unknown field, Strict", "PATCH", f"{cms}/fv", {"datta": {"b": "2"}}, MERGE,
             query="fieldValidation=Strict", fields=("code", "reason")),
        Step("a deployment with unknown fields, no fieldValidation: Warn", "POST", deploys, deployment,
             fields=("code",)),
        Step("a widget with unknown fields, Warn", "POST", widgets, gadget, query="fieldValidation=Warn",
             fields=("code", "spec")),
        Step("server-side apply of a field the schema lacks", "PATCH", f"{widgets}/fv", applied, APPLY,
             query="fieldManager=op", fields=("code", "reason", "message")),
        Step("server-side apply of a field the Go type lacks", "PATCH", f"{cms}/fv",
             {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "fv"}, "datta": 1}, APPLY,
             query="fieldManager=op&fieldValidation=Ignore", fields=("code", "reason", "message")),
        Step("a merge patch adding an unknown field: Warn", "PATCH", f"{cms}/fv", {"datta": {"b": "2"}}, MERGE,
             fields=("code", "data")),
    )


def _type_errors(ns: str) -> tuple[Step, ...]:
    """Values of the wrong JSON type anywhere in a built-in kind: encoding/json's 400, naming the Go struct,
    the field's path and its Go type."""
    deploys = f"/apis/apps/v1/namespaces/{ns}/deployments"
    tpl = {"metadata": {"labels": {"a": "b"}}, "spec": {"containers": [{"name": "c", "image": "nginx"}]}}

    def deployment(**spec: Any) -> dict[str, Any]:
        return {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "te"},
                "spec": {"replicas": 1, "selector": {"matchLabels": {"a": "b"}}, "template": tpl, **spec}}

    text = ("code", "reason", "message")
    return (
        Step("a spec that is a list", "POST", deploys, {**deployment(), "spec": [1]}, fields=text),
        Step("a fraction of a replica", "POST", deploys, deployment(replicas=1.5), fields=text),
        Step("replicas as a string", "POST", deploys, deployment(replicas="2"), fields=text),
        Step("containers as an object", "POST", deploys, deployment(template={**tpl, "spec": {"containers": {}}}),
             fields=text),
        Step("a 64-bit field as a string", "POST", deploys, deployment(template={
            **tpl, "spec": {**tpl["spec"], "terminationGracePeriodSeconds": "30"}}), fields=text),
        Step("a port as a string", "POST", deploys, deployment(template={**tpl, "spec": {"containers": [
            {"name": "c", "image": "nginx", "ports": [{"containerPort": "80"}]}]}}), fields=text),
        Step("a selector that is a list", "POST", f"/api/v1/namespaces/{ns}/services",
             {"metadata": {"name": "te"}, "spec": {"selector": ["a"], "ports": [{"port": 80}]}}, fields=text),
        Step("secret data that is a number", "POST", f"/api/v1/namespaces/{ns}/secrets",
             {"metadata": {"name": "te"}, "data": {"a": 5}}, fields=text),
    )


def steps(group: str, ns: str) -> tuple[Step, ...]:
    crd_path, widgets = f"{CRDS}/widgets.{group}", f"/apis/{group}/v1/namespaces/{ns}/widgets"
    gizmos = f"/apis/{group}/v1/gizmos"
    spec_sets: list[tuple[str, dict[str, Any]]] = [
        ("a string where an integer belongs", {"replicas": "two"}),
        ("a value outside the enum", {"color": "green"}),
        ("above the maximum", {"replicas": 11}),
        ("below the minimum", {"replicas": -1}),
        ("not above an exclusive minimum", {"ratio": 0}),
        ("not a multiple", {"ratio": 0.7}),
        ("too long", {"name": "abcdefg"}),
        ("too short", {"name": "a"}),
        ("not matching the pattern", {"name": "AB"}),
        ("too many items", {"tags": ["a", "b", "c"]}),
        ("too few items", {"tags": []}),
        ("an item of the wrong type", {"tags": ["a", 5]}),
        ("too many properties", {"labels": {"a": "1", "b": "2", "c": "3"}}),
        ("a map value of the wrong type", {"labels": {"a": 1}}),
        ("a float where an integer belongs", {"size": 1.5}),
        ("an object where a string belongs", {"level": {"x": 1}}),
        ("a bool for an int-or-string", {"port": True}),
    ]
    out: list[Step] = [
        Step("install the definition", "POST", CRDS, _crd(group, "widgets", "Widget"), fields=WHOLE),
        Step("install one without subresources or columns, cluster-scoped", "POST", CRDS,
             _crd(group, "gizmos", "Gizmo", scope="Cluster", status=False, columns=False), fields=WHOLE),
        Step("the definition once established", "GET", crd_path, fields=WHOLE),
        Step("discovery of the group version", "GET", f"/apis/{group}/v1", fields=("code", "resources")),
        Step("create: unknown fields and status dropped, nulls dropped unless nullable, defaults filled in",
             "POST", widgets, {**_widget(group, "w1", replicas=2, bogus=1, level=None, note=None,
                                         free={"any": {"thing": [1]}}, port="http"),
                               "status": {"replicas": 5}, "extra": True}, fields=WHOLE),
        Step("create: a missing required field", "POST", widgets,
             {**_widget(group, "w2"), "spec": {"replicas": 1}}, fields=INVALID),
        *(Step(f"create: {what}", "POST", widgets, _widget(group, f"bad{i}", **spec), fields=INVALID)
          for i, (what, spec) in enumerate(spec_sets)),
        Step("create: several faults at once", "POST", widgets, {**_widget(group, "w3", replicas=20, name="X"),
                                                                   "spec": {"replicas": 20, "name": "X"}},
             fields=CAUSES),
        Step("create: a name that is a number", "POST", widgets, {**_widget(group, "x"), "metadata": {"name": 5}},
             fields=("code", "reason", "message")),
        Step("create: labels that are a list", "POST", widgets,
             {**_widget(group, "x"), "metadata": {"name": "x", "labels": ["a"]}}, fields=("code", "reason", "message")),
        Step("a configmap whose finalizers hold a number", "POST", f"/api/v1/namespaces/{ns}/configmaps",
             {"metadata": {"name": "x", "finalizers": ["a", 1]}}, fields=("code", "reason", "message")),
        *_field_validation(group, ns, widgets),
        *_type_errors(ns),
        Step("create: the wrong kind", "POST", widgets, {**_widget(group, "w4"), "kind": "Gadget"}, fields=INVALID),
        Step("update one that is not there, of the wrong kind: the store's 404 first", "PUT", f"{widgets}/w9",
             {**_widget(group, "w9"), "kind": "Gadget"}, fields=INVALID),
        Step("create: a spec that is not an object", "POST", widgets, {**_widget(group, "w5"), "spec": 7},
             fields=INVALID),
        Step("update without a resourceVersion", "PUT", f"{widgets}/w1", _widget(group, "w1", replicas=4),
             fields=INVALID),
        Step("update: spec and status, status kept", "PUT", f"{widgets}/w1",
             {**_widget(group, "w1", replicas=4), "status": {"replicas": 9}}, fields=WHOLE),
        Step("update status: spec kept", "PUT", f"{widgets}/w1/status",
             {**_widget(group, "w1", replicas=7), "status": {"replicas": 2, "ready": True, "junk": 1}},
             fields=WHOLE),
        Step("read the scale", "GET", f"{widgets}/w1/scale", fields=("code", "kind", "spec", "status")),
        Step("write the scale", "PUT", f"{widgets}/w1/scale", {"apiVersion": "autoscaling/v1", "kind": "Scale",
                                                              "metadata": {"name": "w1"}, "spec": {"replicas": 6}},
             fields=("code", "kind", "spec", "status")),
        Step("merge patch: an unknown field is dropped", "PATCH", f"{widgets}/w1",
             {"spec": {"color": "blue", "unknown": 1}}, MERGE, fields=WHOLE),
        Step("JSON patch", "PATCH", f"{widgets}/w1", [{"op": "replace", "path": "/spec/replicas", "value": 1}],
             JSONP, fields=WHOLE),
        Step("a strategic merge patch is refused", "PATCH", f"{widgets}/w1", {"spec": {"replicas": 2}}, SMP,
             fields=("code", "reason", "message")),
        Step("apply", "PATCH", f"{widgets}/w2", {**_widget(group, "w2", replicas=3)}, APPLY,
             query="fieldManager=op", fields=WHOLE),
        Step("apply a null the schema does not allow: no decoder prunes an apply's nulls", "PATCH",
             f"{widgets}/w6", {**_widget(group, "w6"), "spec": {"color": "red", "level": None}}, APPLY,
             query="fieldManager=op", fields=INVALID),
        Step("apply a nullable null and a null a default replaces", "PATCH", f"{widgets}/w6",
             {**_widget(group, "w6"), "spec": {"color": "red", "note": None, "size": None}}, APPLY,
             query="fieldManager=op", fields=WHOLE),
        Step("apply status through /status", "PATCH", f"{widgets}/w2/status",
             {**_widget(group, "w2"), "status": {"replicas": 2, "ready": True}}, APPLY, query="fieldManager=st",
             fields=WHOLE),
        Step("apply through /status again without ready: it goes; the spec it names is not written", "PATCH",
             f"{widgets}/w2/status", {**_widget(group, "w2", replicas=9), "status": {"replicas": 3}}, APPLY,
             query="fieldManager=st", fields=WHOLE),
        Step("apply through /status naming labels and annotations: its metadata neither written nor owned", "PATCH",
             f"{widgets}/w2/status", {**_widget(group, "w2"), "metadata": {"name": "w2", "labels": {"l": "1"},
                                                                          "annotations": {"a": "1"}},
                                      "status": {"replicas": 4}}, APPLY, query="fieldManager=st", fields=WHOLE),
        Step("merge patch of /status naming a label: neither written nor owned", "PATCH", f"{widgets}/w2/status",
             {"metadata": {"labels": {"m": "1"}}, "status": {"ready": False}}, MERGE, fields=WHOLE),
        Step("apply status through the main resource: not written, not owned", "PATCH", f"{widgets}/w2",
             {**_widget(group, "w2", replicas=3), "status": {"replicas": 7}}, APPLY, query="fieldManager=op",
             fields=WHOLE),
        Step("an invalid update", "PUT", f"{widgets}/w2", _widget(group, "w2", replicas=99), fields=INVALID),
        Step("a Table of widgets", "GET", widgets, accept=TABLE, fields=("code", "columnDefinitions", "rows")),
        Step("a cluster-scoped create keeps status", "POST", gizmos,
             {"apiVersion": f"{group}/v1", "kind": "Gizmo", "metadata": {"name": "g1"},
              "spec": {"color": "blue"}, "status": {"ready": True}}, fields=WHOLE),
        Step("without the subresource, status is written with the object", "PUT", f"{gizmos}/g1",
             {"apiVersion": f"{group}/v1", "kind": "Gizmo", "metadata": {"name": "g1"},
              "spec": {"color": "blue"}, "status": {"ready": False}}, fields=WHOLE),
        Step("without the subresource, /status is not found", "PUT", f"{gizmos}/g1/status",
             {"apiVersion": f"{group}/v1", "kind": "Gizmo", "metadata": {"name": "g1"}}, fields=INVALID),
        Step("without the subresource, /scale is not found", "GET", f"{gizmos}/g1/scale", fields=INVALID),
        Step("a Table of gizmos", "GET", gizmos, accept=TABLE, fields=("code", "columnDefinitions", "rows")),
        Step("a Table of definitions", "GET", CRDS, query=f"fieldSelector=metadata.name%3Dwidgets.{group}",
             accept=TABLE, fields=("code", "columnDefinitions", "rows")),
        Step("list by name", "GET", widgets, query="fieldSelector=metadata.name%3Dw2",
             fields=("code", "kind", "items")),
        Step("list by a spec field, which a definition must declare selectable", "GET", widgets,
             query="fieldSelector=spec.color%3Dred", fields=("code", "reason", "message")),
        Step("list by label, none", "GET", widgets, query="labelSelector=a%3Db", fields=("code", "kind", "items")),
        Step("create one with a finalizer", "POST", widgets,
             {**_widget(group, "w9"), "metadata": {"name": "w9", "finalizers": ["example.com/hold"]}},
             fields=WHOLE),
        Step("delete it: held by its finalizer", "DELETE", f"{widgets}/w9", fields=WHOLE),
        Step("remove the finalizer: gone", "PATCH", f"{widgets}/w9", {"metadata": {"finalizers": None}}, MERGE,
             fields=WHOLE),
        Step("get it after", "GET", f"{widgets}/w9", fields=("code", "reason")),
        Step("finalizers without a path are warned of", "POST", widgets,
             {**_widget(group, "w10"), "metadata": {"name": "w10", "finalizers": ["hold", "example.com", "orphan"]}},
             fields=("code", "metadata.finalizers")),
        Step("an update warns of those it adds", "PATCH", f"{widgets}/w10",
             {"metadata": {"finalizers": ["hold", "keep", "example.com/ok"]}}, MERGE, fields=("code",)),
        Step("released", "PATCH", f"{widgets}/w10", {"metadata": {"finalizers": None}}, MERGE, fields=("code",)),
        Step("a custom resource's finalizers are only qualified names", "POST", widgets,
             {**_widget(group, "w11"), "metadata": {"name": "w11", "finalizers": ["-x/y", "orphan",
                                                                                   "foregroundDeletion"]}},
             fields=INVALID),
        Step("a gizmo its finalizer holds", "POST", gizmos,
             {"apiVersion": f"{group}/v1", "kind": "Gizmo", "metadata": {"name": "g2", "finalizers": ["example.com/x"]},
              "spec": {"color": "red"}}, fields=("code", "metadata")),
        Step("delete the gizmos' definition", "DELETE", f"{CRDS}/gizmos.{group}", fields=("code", "metadata")),
        Step("wait until marked: the held gizmo is being deleted", "GET", f"{gizmos}/g2", fields=("code", "metadata")),
        Step("the gizmo without a finalizer is gone", "GET", f"{gizmos}/g1", fields=("code",)),
        Step("no new gizmo while the definition is terminating", "POST", gizmos,
             {"apiVersion": f"{group}/v1", "kind": "Gizmo", "metadata": {"name": "g3"}, "spec": {"color": "red"}},
             fields=INVALID),
        Step("release the held gizmo", "PATCH", f"{gizmos}/g2", {"metadata": {"finalizers": None}}, MERGE,
             fields=("code", "kind")),
        Step("wait until gone: the gizmos' definition", "GET", f"{CRDS}/gizmos.{group}", fields=("code",)),
        *_versions(group, ns),
        *_scale_paths(group, ns),
        *_rules(group, ns),
        *_decoded(group, ns),
        *_formats(group, ns),
        *_composites(group, ns),
        *_written_as_go(group),
        *_approved_group(group, ns),
        *_embedded(group, ns),
        *_markers(group, ns),
        Step("delete a widget", "DELETE", f"{widgets}/w1", fields=("code", "kind", "status", "details")),
        Step("delete the definition", "DELETE", crd_path, fields=WHOLE),
    ]
    bad: list[tuple[str, Callable[[dict[str, Any]], None]]] = [
        ("a group without a dot", lambda c: (c["spec"].update(group="nodot"),
                                             c["metadata"].update(name="bolts.nodot"))),
        ("an unknown scope", lambda c: c["spec"].update(scope="Global")),
        ("a version without a schema", lambda c: c["spec"]["versions"][0].pop("schema")),
        ("no kind", lambda c: c["spec"]["names"].pop("kind")),
        ("a bad version name", lambda c: c["spec"]["versions"][0].update(name="V_1")),
        ("a name that is not plural.group", lambda c: c["metadata"].update(name=f"nuts.{group}")),
        ("a generated name, which is never plural.group", lambda c: c["metadata"].update(generateName="bolts-")),
        ("no storage version", lambda c: c["spec"]["versions"][0].update(storage=False)),
        ("a field without a type", lambda c: c["spec"]["versions"][0]["schema"]["openAPIV3Schema"][
            "properties"]["spec"]["properties"]["name"].pop("type")),
        ("a kind equal to its list kind", lambda c: c["spec"]["names"].update(listKind="Bolt")),
        *((f"a field marked {what}", lambda c, marks=marks: _spec_props(c).update(marked=marks)) for what, marks in (
            ("a list-map without keys", {"type": "array", "x-kubernetes-list-type": "map",
                                         "items": {"type": "object", "properties": {"k": {"type": "string"}}}}),
            ("a list-map keyed by no property", {"type": "array", "x-kubernetes-list-type": "map",
                                                 "x-kubernetes-list-map-keys": ["k", "z"],
                                                 "items": {"type": "object", "properties": {"k": {"type": "string"}}}}),
            ("a list-map keyed by an object", {"type": "array", "x-kubernetes-list-type": "map",
                                               "x-kubernetes-list-map-keys": ["k"],
                                               "items": {"type": "object", "properties": {"k": {"type": "object"}}}}),
            ("a list-map of strings", {"type": "array", "x-kubernetes-list-type": "map",
                                       "x-kubernetes-list-map-keys": ["k"], "items": {"type": "string"}}),
            ("keys without a list type", {"type": "array", "x-kubernetes-list-map-keys": ["k"],
                                          "items": {"type": "object", "properties": {"k": {"type": "string"}}}}),
            ("an unknown list type", {"type": "array", "x-kubernetes-list-type": "bag", "items": {"type": "string"}}),
            ("a list type on a string", {"type": "string", "x-kubernetes-list-type": "set"}),
            ("a map type on an array", {"type": "array", "x-kubernetes-map-type": "atomic",
                                        "items": {"type": "string"}}),
            ("an unknown map type", {"type": "object", "x-kubernetes-map-type": "loose"}),
            ("a set of granular lists", {"type": "array", "x-kubernetes-list-type": "set", "items": {
                "type": "array", "x-kubernetes-list-type": "set", "items": {"type": "string"}}}),
            ("preserve-unknown-fields false", {"type": "object", "x-kubernetes-preserve-unknown-fields": False}))),
        *_unstructural(group),
    ]
    undecodable: list[tuple[str, Callable[[dict[str, Any]], None]]] = [
        ("a version served as a string", lambda c: c["spec"]["versions"][0].update(served="yes")),
        ("short names as a string", lambda c: c["spec"]["names"].update(shortNames="b")),
        ("versions as an object", lambda c: c["spec"].update(versions={"v1": {}})),
    ]
    out += [Step(f"a definition with {what}", "POST", CRDS, _bad_crd(group, change), fields=("code", "message"))
            for what, change in undecodable]
    out += [Step(f"a definition with {what}", "POST", CRDS, _bad_crd(group, change), fields=INVALID)
            for what, change in bad]
    return tuple(out)


@dataclass
class Result:
    answers: list[dict[str, Any]] = field(default_factory=list)


def _without_times(doc: Any, columns: list[Any]) -> Any:
    """A Table's rows without the cells of time columns."""
    drop = {i for i, c in enumerate(columns) if isinstance(c, dict) and c.get("name") in _TIME_COLUMNS}
    return [{**r, "cells": [c for i, c in enumerate(r.get("cells") or []) if i not in drop]} for r in doc or []]


def _established(api: client.ApiClient, crd: dict[str, Any], deadline: float = 30.0) -> None:
    """Wait for a definition to be established and listed in its group version's discovery (at once in emulate;
    on a real server two controllers do it, each in its own time: a definition can be Established before the
    discovery controller has added it)."""
    end = time.monotonic() + deadline
    spec = crd["spec"]
    discovery = f"/apis/{spec['group']}/{spec['versions'][0]['name']}"
    while time.monotonic() < end:
        _, doc = _call(api, Step("", "GET", f"{CRDS}/{crd['metadata']['name']}"), None)
        _, listed = _call(api, Step("", "GET", discovery), None)
        if any(c.get("type") == "Established" and c.get("status") == "True"
               for c in ((doc or {}).get("status") or {}).get("conditions") or []) and any(
                r.get("name") == spec["names"]["plural"] for r in (listed or {}).get("resources") or []):
            return
        time.sleep(0.05)  # polling the server under test: nothing here to wait on but its answer
    raise AssertionError(f"{crd['metadata']['name']} was not established and discovered in {deadline} s")


def _settled(api: client.ApiClient, step: Step, deadline: float = 60.0) -> tuple[int, Any, list[str]]:
    """Poll a GET until the object is gone, or marked for deletion (`wait until marked:`): at once in
    emulate; the apiextensions controllers take up to seconds."""
    end = time.monotonic() + deadline
    marked = step.what.startswith("wait until marked:")
    while True:
        code, doc, warnings = call_warned(api, step, None)
        if code == 404 or (marked and _pick(doc, "metadata.deletionTimestamp")) or time.monotonic() > end:
            return code, doc, warnings
        time.sleep(0.1)  # polling the server under test: nothing here to wait on but its answer


# answers whose managedFields are not a custom resource's (a definition's are also the apiextensions
# controllers', which emulate does not run)
_NOT_CUSTOM = frozenset({"CustomResourceDefinition", "CustomResourceDefinitionList", "Status", "Table",
                         "APIResourceList", "APIGroup", "APIGroupList"})


def run(kubeconfig: str, group: str, ns: str) -> Result:
    api = config.new_client_from_config(config_file=kubeconfig)
    out = Result()
    for step in steps(group, ns):
        body = step.body
        if step.method == "PUT" and "without a resourceVersion" not in step.what:  # as read just before
            _, current = _call(api, Step("", "GET", step.path.removesuffix("/status").removesuffix("/scale")), None)
            rv = _pick(current, "metadata.resourceVersion")
            body = {**body, "metadata": {**body.get("metadata", {}), "resourceVersion": rv}}
        code, doc, warnings = (_settled(api, step) if step.what.startswith("wait until") else
                               call_warned(api, step, body))
        answer: dict[str, Any] = {"step": step.what, "code": code, "warnings": warnings}
        for f in step.fields:
            if f == "code":
                continue
            value = _pick(doc, f)
            if f == "rows":
                value = _without_times(value, _pick(doc, "columnDefinitions") or [])
            if f == "resources" and isinstance(value, list):  # Go lists a group's custom resources in no set order
                value = sorted(value, key=lambda r: str(r.get("name")).split("/")[0])
            if f == "details.causes" and isinstance(value, list):
                value = sorted(value, key=lambda c: json.dumps(c, sort_keys=True))
            answer[f] = _reduce(value)
        if isinstance(doc, dict) and doc.get("kind") not in _NOT_CUSTOM and code < 300:
            answer["managedFields"] = managed_fields(doc)  # a custom resource's, typed by its definition's schema
        out.answers.append(answer)
        if step.what.startswith("install") and code == 201 and isinstance(body, dict):
            _established(api, step.body)
    return out


def crd_events(kubeconfig: str, name: str, resource_version: str, timeout: int) -> list[str]:
    """The types of the events of one definition after `resource_version`, for `timeout` s."""
    api = config.new_client_from_config(config_file=kubeconfig)
    resp = api.rest_client.request("GET", f"{api.configuration.host}{CRDS}?watch=1&resourceVersion={resource_version}"
                                          f"&timeoutSeconds={timeout}&fieldSelector=metadata.name%3D{name}",
                                   headers={"Accept": "application/json"})
    return [json.loads(line)["type"] for line in resp.read().splitlines()]
