"""Server-side apply on a type (proxy/apiserver/apply.py), as tables: what merges, what conflicts and what a
manager's next apply removes, by the schema's list and map markers and not by field names. The same cases
run against kube-apiserver in tests/crds_differential.py (`_markers`)."""

from __future__ import annotations

from typing import Any

import pytest
from watchproxy.apiserver import apply, fieldsets

_ITEM = {"type": "object", "properties": {"name": {"type": "string"}, "image": {"type": "string"}}}
_SCHEMA = {"type": "object", "properties": {"spec": {"type": "object", "properties": {
    "entries": {"type": "array", "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["id", "proto"],
                "items": {"type": "object", "properties": {"id": {"type": "string"},
                                                           "proto": {"type": "string", "default": "tcp"},
                                                           "v": {"type": "integer"}}}},
    "containers": {"type": "array", "x-kubernetes-list-type": "atomic", "items": _ITEM},
    "selector": {"type": "object", "x-kubernetes-map-type": "atomic", "additionalProperties": {"type": "string"}},
    "labels": {"type": "object", "additionalProperties": {"type": "string"}},
    "tags": {"type": "array", "x-kubernetes-list-type": "set", "items": {"type": "string"}},
}}}}
NODE = fieldsets.custom_root(_SCHEMA)
A, B = ("a", "Apply", "", ""), ("b", "Apply", "", "")


def _obj(**spec: Any) -> dict[str, Any]:
    return {"apiVersion": "x.example.com/v1", "kind": "Thing", "metadata": {"name": "t"}, "spec": spec}


def _owned(config: dict[str, Any]) -> fieldsets.FieldSet:
    return fieldsets.to_field_set(config, NODE)


LIVE = _obj(entries=[{"id": "x", "proto": "tcp", "v": 1}], containers=[{"name": "c", "image": "i"}],
            selector={"app": "a"}, labels={"k": "a"}, tags=["p"])
BY_A = {A: _owned(LIVE)}


@pytest.mark.parametrize(("what", "managers", "me", "config", "spec", "conflicts"), [
    ("a keyed list merges item by item, a set as a union", BY_A, B,
     _obj(entries=[{"id": "y", "v": 2}], tags=["q"]),
     {**LIVE["spec"], "entries": [{"id": "x", "proto": "tcp", "v": 1}, {"id": "y", "v": 2}], "tags": ["p", "q"]}, []),
    ("an atomic list whatever its items' names", BY_A, B, _obj(containers=[{"name": "d"}]), None,
     ['"a": .spec.containers']),
    ("an atomic map", BY_A, B, _obj(selector={"other": "b"}), None, ['"a": .spec.selector']),
    ("a keyed item's field, its missing key defaulted", BY_A, B, _obj(entries=[{"id": "x", "v": 5}]), None,
     ['"a": .spec.entries[id="x",proto="tcp"].v']),
    ("the same value is shared, not a conflict", BY_A, B, _obj(selector={"app": "a"}, tags=["p"]), LIVE["spec"], []),
    ("what the applier names no more goes, unless another owns it",
     {A: _owned(LIVE), B: _owned(_obj(tags=["p"], labels={"k": "a"}))}, A,
     _obj(containers=[{"name": "c", "image": "i"}]),
     {"containers": [{"name": "c", "image": "i"}], "labels": {"k": "a"}, "tags": ["p"]}, []),
    # prune empties the struct the applier named alone: a null there, still a field (structured-merge-diff's
    # removal), so what nobody owns under it stays
    ("an applier that names nothing more leaves the fields nobody owns",
     {A: _owned(_obj(labels={"k": "a"}, selector={"app": "a"}))}, A, _obj(),
     {k: v for k, v in LIVE["spec"].items() if k not in ("labels", "selector")}, []),
])
def test_apply_by_the_schemas_markers(what: str, managers: dict[Any, fieldsets.FieldSet], me: Any,
                                      config: dict[str, Any], spec: dict[str, Any] | None,
                                      conflicts: list[str]) -> None:
    done = apply.apply(LIVE, config, NODE, managers, me, frozenset())
    assert [f"{apply.display(w)}: {fieldsets.dotted(p)}" for w, p in done.conflicts] == conflicts, what
    if spec is not None:
        assert done.obj["spec"] == spec, what


def test_conflicts_name_fields_and_managers_as_structured_merge_diff_prints_them() -> None:
    c = ("f:spec", "f:containers", 'k:{"name":"c"}')
    assert fieldsets.dotted((*c, "f:image")) == '.spec.containers[name="c"].image'
    assert fieldsets.dotted((*c, "f:ports", 'k:{"containerPort":80,"protocol":"TCP"}')) == \
        '.spec.containers[name="c"].ports[containerPort=80,protocol="TCP"]'
    assert fieldsets.dotted(("f:metadata", "f:finalizers", 'v:"a/f"')) == '.metadata.finalizers[="a/f"]'
    assert apply.display(("kubectl", "Update", "apps/v1", "scale")) == \
        '"kubectl" with subresource "scale" using apps/v1'
    assert apply.display(("ap", "Apply", "", "")) == '"ap"'


def test_the_conflicts_of_one_manager_come_in_structured_merge_diffs_set_order() -> None:
    c = ("f:spec", "f:containers", 'k:{"name":"c"}')
    image, env = (*c, "f:image"), (*c, "f:env", 'k:{"name":"A"}', "f:value")
    ports = [("f:spec", "f:ports", f'k:{{"port":{n},"protocol":"TCP"}}', "f:name") for n in (10, 9)]
    label = ("f:metadata", "f:labels", "f:x")
    assert sorted([env, image, *ports, label], key=apply.set_order) == \
        [label, image, env, ports[1], ports[0]]  # leaves before subtrees; numbers as numbers


def test_removing_items_by_type() -> None:
    node = fieldsets.root("v1", "Pod")
    pod = {"spec": {"containers": [{"name": "c", "image": "a"}, {"name": "d", "image": "b"}],
                    "nodeSelector": {"x": "y"}}, "metadata": {"labels": {"a": "b"}}}
    gone = apply.remove_items(pod, frozenset({("f:spec", "f:containers", 'k:{"name":"d"}'),
                                              ("f:metadata", "f:labels", "f:a")}), node)
    # an item goes whole; a map left empty goes with it
    assert gone == {"spec": {"containers": [{"name": "c", "image": "a"}], "nodeSelector": {"x": "y"}}}
    assert apply.named_members(frozenset({("f:spec", "f:nodeSelector", "f:x")}), node) == \
        {("f:spec",), ("f:spec", "f:nodeSelector"), ("f:spec", "f:nodeSelector", "f:x")}  # a map's key is no field


def test_the_others_lose_what_prune_removes_but_a_map_it_empties() -> None:
    """Updater.Apply compares the live object with its pruned merge: another manager loses its field of an item
    prune removed whole (a Service's port another applier's configuration names no more), and keeps a map it
    owns that prune emptied, a null there until the decoder drops it (a Namespace's labels)."""
    item = ("f:spec", "f:entries", 'k:{"id":"x","proto":"tcp"}')
    a = frozenset({item, (*item, "f:id"), (*item, "f:proto"), ("f:spec", "f:labels", "f:k")})
    b = frozenset({(*item, "f:v"), ("f:spec", "f:labels")})
    done = apply.apply(LIVE, _obj(tags=["p"]), NODE, {A: a, B: b}, A, frozenset())
    assert "entries" not in done.obj["spec"] and "labels" not in done.obj["spec"]
    _, _, removed = fieldsets.compare(LIVE, done.merged, NODE)
    assert b - removed == {("f:spec", "f:labels")}


@pytest.mark.parametrize(("config", "built_in", "custom"), [
    # a null map, struct or list that is not atomic is merged as an empty one: the live one stays
    ({"labels": None}, {"labels": {"k": "a"}, "tags": ["p"], "selector": {"s": "1"}}, None),
    ({"tags": None}, {"labels": {"k": "a"}, "tags": ["p"], "selector": {"s": "1"}}, None),
    # an atomic one, or one with nothing live, is replaced: a built-in's Go type decodes the null to nothing,
    # a custom resource keeps it for its schema to judge (a default replaces it, `nullable` keeps it)
    ({"selector": None}, {"labels": {"k": "a"}, "tags": ["p"]},
     {"labels": {"k": "a"}, "tags": ["p"], "selector": None}),
    ({"entries": None}, {"labels": {"k": "a"}, "tags": ["p"], "selector": {"s": "1"}},
     {"labels": {"k": "a"}, "tags": ["p"], "selector": {"s": "1"}, "entries": None}),
    # a map entry's null stays: its Go decoder makes it the element's zero value
    ({"labels": {"k": None}}, {"labels": {"k": None}, "tags": ["p"], "selector": {"s": "1"}}, None),
])
def test_a_null_in_the_configuration_is_merged_as_structured_merge_diff_merges_it(
        config: dict[str, Any], built_in: dict[str, Any], custom: dict[str, Any] | None) -> None:
    live = {"spec": {"labels": {"k": "a"}, "tags": ["p"], "selector": {"s": "1"}}}
    assert apply.merge(live, {"spec": config}, NODE) == {"spec": built_in}
    assert apply.merge(live, {"spec": config}, NODE, nulls=True) == {"spec": custom or built_in}
