"""managedFields as the field manager writes them (proxy/apiserver/managedfields.py, fieldsets.py), as tables
without sockets. The expected FieldsV1 are what kube-apiserver v1.37.2 wrote for the same writes
(tests/test_writes_random_realkube.py compares whole sequences with it)."""

from __future__ import annotations

from typing import Any

from watchproxy.apiserver import managedfields
from watchproxy.apiserver.fieldsets import (
    compare,
    fields_v1,
    from_fields_v1,
    root,
    to_field_set,
    untyped_in_whole_lists,
)
from watchproxy.apiserver.govalues import copied, with_held

NOW, LATER = "2026-12-04T10:00:00Z", "2026-12-04T10:00:05Z"
CM_EMPTY = {"kind": "ConfigMap", "apiVersion": "v1", "metadata": {"creationTimestamp": None}}


def _cm(data: dict[str, str], labels: dict[str, str] | None = None, entries: Any = None) -> dict[str, Any]:
    meta: dict[str, Any] = {"name": "c", "namespace": "ns", "uid": "u", "resourceVersion": "5"}
    if labels:
        meta["labels"] = labels
    if entries is not None:
        meta["managedFields"] = entries
    return {"kind": "ConfigMap", "apiVersion": "v1", "metadata": meta, "data": data}


def _entry(manager: str, fields: dict[str, Any], operation: str = "Update", time: str = NOW) -> dict[str, Any]:
    return {"manager": manager, "operation": operation, "apiVersion": "v1", "time": time, "fieldsType": "FieldsV1",
            "fieldsV1": fields}


def test_a_create_owns_what_it_set_with_each_new_map_itself() -> None:
    entries = managedfields.after_update(None, _cm({"k": "0"}, {"x": "1"}), CM_EMPTY, "", "", False, NOW)
    assert entries == [_entry("unknown", {"f:data": {".": {}, "f:k": {}}, "f:metadata": {"f:labels": {
        ".": {}, "f:x": {}}}})]


def test_an_update_takes_what_it_changes_from_the_others_and_what_goes_leaves_everyone() -> None:
    old = _cm({"k": "0", "j": "1"}, entries=[_entry("ap", {"f:data": {"f:k": {}}}, "Apply"),
                                             _entry("maker", {"f:data": {".": {}, "f:j": {}, "f:k": {}}})])
    entries = managedfields.after_update(old, _cm({"k": "9"}), CM_EMPTY, "m", "", False, LATER)
    # (the map itself stays the maker's: it added it)
    assert entries == [_entry("maker", {"f:data": {}}), _entry("m", {"f:data": {"f:k": {}}}, time=LATER)]


def test_an_object_nobody_manages_stays_so_and_one_empty_entry_clears_them() -> None:
    assert managedfields.after_update(_cm({"k": "0"}), _cm({"k": "1"}), CM_EMPTY, "m", "", False, NOW) is None
    managed = _cm({"k": "0"}, entries=[_entry("maker", {"f:data": {".": {}, "f:k": {}}})])
    assert managedfields.after_update(managed, _cm({"k": "1"}, entries=[{}]), CM_EMPTY, "m", "", False, NOW) is None


def test_an_applied_configuration_owns_what_it_names_and_list_items_by_their_keys() -> None:
    applied = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d"}, "spec": {
        "selector": {"matchLabels": {"app": "d"}}, "template": {"metadata": {"labels": {"app": "d"}}, "spec": {
            "containers": [{"name": "c", "ports": [{"containerPort": 80}]}]}}}}
    node = root("apps/v1", "Deployment")
    owned = to_field_set(applied, node) - {("f:apiVersion",), ("f:kind",), ("f:metadata",),
                                            ("f:metadata", "f:name")}
    # (an item is owned itself, with the key's default filled in; the list is not)
    container = {".": {}, "f:name": {}, "f:ports": {'k:{"containerPort":80,"protocol":"TCP"}': {
        ".": {}, "f:containerPort": {}}}}
    assert fields_v1(owned) == {"f:spec": {"f:selector": {}, "f:template": {
        "f:metadata": {"f:labels": {"f:app": {}}}, "f:spec": {"f:containers": {'k:{"name":"c"}': container}}}}}


def test_fields_v1_reads_back_as_the_same_set() -> None:
    fields = {"f:metadata": {"f:finalizers": {".": {}, 'v:"a.io/x"': {}}, "f:labels": {".": {}, "f:a": {}}},
              "f:spec": {"f:ports": {'k:{"port":80,"protocol":"TCP"}': {".": {}, "f:port": {}}}}}
    assert fields_v1(from_fields_v1(fields)) == fields


def test_a_scale_write_moves_replicas_only_where_they_had_a_manager() -> None:
    def deployment(replicas: int, entries: Any) -> dict[str, Any]:
        return {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d", "managedFields": entries},
                "spec": {"replicas": replicas}}
    owned = [{**_entry("maker", {"f:spec": {"f:replicas": {}, "f:paused": {}}}), "apiVersion": "apps/v1"}]
    entries = managedfields.after_scale(deployment(1, owned), deployment(3, owned), "scaler", ("spec", "replicas"))
    assert entries == [
        {"manager": "scaler", "operation": "Update", "apiVersion": "apps/v1", "fieldsType": "FieldsV1",
         "fieldsV1": {"f:spec": {"f:replicas": {}}}, "subresource": "scale"},
        {**owned[0], "fieldsV1": {"f:spec": {"f:paused": {}}}}]
    # the same replicas: the maker keeps them under its Scale identity, an entry of its own without a time
    # (what a horizontal pod autoscaler's unchanged PUT leaves on the real apiserver)
    same = managedfields.after_scale(deployment(1, owned), deployment(1, owned), "scaler", ("spec", "replicas"))
    assert same == [{k: v for k, v in owned[0].items() if k != "time"} | {"fieldsV1": {"f:spec": {"f:replicas": {}}}},
                    {**owned[0], "fieldsV1": {"f:spec": {"f:paused": {}}}}]
    # scaled to 0, which a Scale leaves out: the replicas leave their manager and nobody takes them
    assert managedfields.after_scale(deployment(1, owned), deployment(0, owned), "scaler", ("spec", "replicas")) \
        == [{**owned[0], "fieldsV1": {"f:spec": {"f:paused": {}}}}]
    unowned = [{**_entry("maker", {"f:spec": {"f:paused": {}}}), "apiVersion": "apps/v1"}]
    assert managedfields.after_scale(deployment(1, unowned), deployment(3, unowned), "scaler",
                                     ("spec", "replicas")) == unowned


def test_more_than_ten_updaters_merge_the_oldest_into_ancient_changes() -> None:
    entries = [_entry(f"m{i:02}", {"f:data": {f"f:k{i}": {}}}, time=f"2026-12-04T09:00:{i:02}Z") for i in range(10)]
    data = {f"k{i}": "0" for i in range(10)}
    entries = managedfields.after_update(_cm(data, entries=entries), _cm({**data, "new": "1"}), CM_EMPTY, "late",
                                         "", False, LATER)
    assert entries is not None and [e["manager"] for e in entries] == [
        "ancient-changes", *(f"m{i:02}" for i in range(2, 10)), "late"]
    assert entries[0]["fieldsV1"] == {"f:data": {"f:k0": {}, "f:k1": {}}}


def test_admission_and_the_strategy_own_nothing_of_a_create() -> None:
    sent = {"apiVersion": "v1", "kind": "Pod", "spec": {"containers": [{"name": "c", "image": "i"}]}}
    written = {**sent, "spec": {**sent["spec"], "priority": 0, "tolerations": [{"key": "k"}]}}
    assert managedfields.as_compared("Pod", written, sent, True) == sent
    claim = {"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": {
        "finalizers": ["kubernetes.io/pvc-protection"]}}
    assert managedfields.as_compared("PersistentVolumeClaim", claim, {"metadata": {}}, True)["metadata"] == {}
    # an empty list the request sent is gone once decoded (omitempty): what the strategy put there is nobody's
    namespace = {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "n"}}
    written = {**namespace, "spec": {"finalizers": ["kubernetes"]}}
    assert managedfields.as_compared("Namespace", written, {**namespace, "spec": {"finalizers": []}}, True) == \
        {**namespace, "spec": {}}  # (as the type's empty object has it)


def test_managed_fields_the_field_manager_cannot_read_leave_the_object_untracked() -> None:
    for fields in ({"x:y": {}}, {'k:{"name"': {}}, {"k:5": {}}, {"i:one": {}}, "not fields"):
        old = _cm({"k": "0"}, entries=[_entry("maker", fields)])  # type: ignore[arg-type]
        assert managedfields.after_update(old, _cm({"k": "1"}), CM_EMPTY, "m", "", False, NOW) is None


def test_an_empty_list_sent_in_an_item_of_a_list_compared_whole_is_a_change() -> None:
    """reflect.DeepEqual, with which the field manager compares a list, tells an empty list sent (kept as Held
    by with_held) from the nil one storage decodes; in an item of a keyed list, walked field by field, it is no
    change (omitempty hides it)."""
    def deploy(values: Any, command: Any) -> dict[str, Any]:
        expression: dict[str, Any] = {"key": "k", "operator": "Exists"}
        container: dict[str, Any] = {"name": "c", "image": "i"}
        if values is not None:
            expression["values"] = values
        if command is not None:
            container["command"] = command
        return {"apiVersion": "apps/v1", "kind": "Deployment", "spec": {
            "selector": {"matchLabels": {"a": "b"}, "matchExpressions": [expression]},
            "template": {"spec": {"containers": [container]}}}}
    node = root("apps/v1", "Deployment")
    stored = deploy(None, None)
    for sent, changed in ((deploy([], None), {("f:spec", "f:selector")}), (deploy(None, []), set()),
                          (deploy(None, None), set())):
        shown = with_held(sent, stored)  # (the encoded object: what omitempty leaves of it)
        added, modified, removed = compare(stored, shown, node)
        assert (added, modified, removed) == (frozenset(), frozenset(changed), frozenset())
        assert compare(stored, copied(shown), node)[1] == frozenset(changed)


def test_a_quantity_in_a_list_compared_whole_is_compared_as_go_parses_the_text_sent() -> None:
    """The stored limits hold the canonical text, which storage parses again; the update's hold ParseQuantity's
    result of the text sent (SentQuantity): `0.5` and `2048Mi` differ from `500m` and `2Gi` for reflect.DeepEqual,
    `204800Ki` is the same int64 amount as `200Mi` with neither text kept."""
    def limits(cpu: Any, memory: str) -> dict[str, Any]:
        return {"apiVersion": "v1", "kind": "LimitRange", "spec": {"limits": [
            {"type": "Container", "max": {"cpu": cpu, "memory": memory}}]}}
    node = root("v1", "LimitRange")
    for (stored_cpu, stored_memory), (cpu, memory), changed in (
            (("500m", "200Mi"), ("0.5", "200Mi"), True), (("500m", "200Mi"), ("500m", "204800Ki"), False),
            (("500m", "2Gi"), (0.5, "2Gi"), True), (("1", "2Gi"), (1, "2048Mi"), True),
            (("1", "2Gi"), ("1", "2Gi"), False)):
        stored = limits(stored_cpu, stored_memory)
        sent = with_held(stored, stored, limits(cpu, memory), "core/v1.LimitRange")
        assert sent == stored  # (its JSON the same)
        assert compare(stored, sent, node)[1] == (frozenset({("f:spec", "f:limits")}) if changed else frozenset())


def test_a_quantity_behind_a_pointer_differs_where_go_keeps_no_text_of_the_one_sent() -> None:
    """An autoscaler's target, reached without a map: storage's value holds its canonical text (encoding kept it),
    so `200Mi` (a text ParseQuantity keeps none of) sent again differs, `1Gi` (one it keeps) does not."""
    def target(value: Any) -> dict[str, Any]:
        return {"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler", "spec": {"metrics": [
            {"type": "Resource", "resource": {"name": "memory", "target": {"type": "AverageValue",
                                                                          "averageValue": value}}}]}}
    node = root("autoscaling/v2", "HorizontalPodAutoscaler")
    for stored_value, value, changed in (("200Mi", "200Mi", True), ("1Gi", "1Gi", False), ("500m", "0.5", True),
                                         ("1", 1, False)):
        stored = target(stored_value)
        sent = with_held(stored, stored, target(value), "autoscaling/v2.HorizontalPodAutoscaler")
        assert compare(stored, sent, node)[1] == (frozenset({("f:spec", "f:metrics")}) if changed else frozenset())


def test_the_kinds_whose_lists_compared_whole_may_hold_a_quantity() -> None:
    """Only those are walked for the quantities a body sent (a Lease's renewal, the most frequent write, is not)."""
    assert untyped_in_whole_lists("v1", "LimitRange") and untyped_in_whole_lists("autoscaling/v2",
                                                                                  "HorizontalPodAutoscaler")
    assert untyped_in_whole_lists("v1", "Pod")  # (a downward API volume file's divisor)
    assert not any(untyped_in_whole_lists(v, k) for v, k in (
        ("v1", "ConfigMap"), ("v1", "Service"), ("coordination.k8s.io/v1", "Lease"), ("v1", "ResourceQuota")))
