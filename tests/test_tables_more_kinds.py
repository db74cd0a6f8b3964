"""The Table cells of the kinds a cluster stores beyond the everyday ones (proxy/wire/table.py), as the
printers of pkg/printers/internalversion make them, for what a minimal object does not show: the same kinds'
tables are compared with kube-apiserver's in tests/test_kubectl_realkube.py."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from watchproxy.wire import table

NOW = dt.datetime(2026, 12, 4, 12, 0, tzinfo=dt.UTC)
BORN = "2026-12-04T11:00:00Z"


def _obj(name: str, **fields: Any) -> dict[str, Any]:
    return {"metadata": {"name": name, "creationTimestamp": BORN, **fields.pop("meta", {})}, **fields}


@pytest.mark.parametrize(("resource", "obj", "cells"), [
    ("persistentvolumes", _obj("pv", spec={
        "capacity": {"storage": "5Gi"}, "accessModes": ["ReadOnlyMany", "ReadWriteOnce", "ReadWriteOnce"],
        "persistentVolumeReclaimPolicy": "Delete", "claimRef": {"namespace": "ns", "name": "data"},
        "storageClassName": "fast", "volumeMode": "Block"}, status={"phase": "Bound"}),
     ["pv", "5Gi", "RWO,ROX", "Delete", "Bound", "ns/data", "fast", "<unset>", "", "60m", "Block"]),
    ("persistentvolumes", _obj("old", meta={"deletionTimestamp": BORN, "annotations": {
        "volume.beta.kubernetes.io/storage-class": "beta"}}, spec={"storageClassName": "fast"},
        status={"phase": "Released"}),
     ["old", "0", "", "", "Terminating", "", "beta", "<unset>", "", "60m", "<unset>"]),
    ("resourcequotas", _obj("q", status={"hard": {"pods": "10", "limits.cpu": "2", "requests.cpu": "1"},
                                         "used": {"pods": "3"}}),
     ["q", "pods: 3/10, requests.cpu: 0/1", "limits.cpu: 0/2", "60m"]),
    ("ingressclasses", _obj("nginx", meta={"annotations": {"ingressclass.kubernetes.io/is-default-class": "true"}},
                            spec={"controller": "k8s.io/ingress-nginx", "parameters": {
                                "apiGroup": "k8s.example.com", "kind": "Params", "name": "p"}}),
     ["nginx (default)", "k8s.io/ingress-nginx", "Params.k8s.example.com/p", "60m"]),
    ("validatingadmissionpolicybindings", _obj("b", spec={"policyName": "p", "paramRef": {"name": "x"}}),
     ["b", "p", "*/x", "60m"]),
    # a selector prints as the generated String() of the Go struct, not as kubectl formats selectors
    ("validatingadmissionpolicybindings", _obj("b", spec={"policyName": "p", "paramRef": {
        "selector": {"matchLabels": {"b": "c", "a": "x"}, "matchExpressions": [
            {"key": "k", "operator": "In", "values": ["v2", "v1"]}, {"key": "e", "operator": "Exists"}]}}}),
     ["b", "p", "&LabelSelector{MatchLabels:map[string]string{a: x,b: c,},MatchExpressions:[]LabelSelectorRequirement"
                "{LabelSelectorRequirement{Key:k,Operator:In,Values:[v2 v1],},"
                "LabelSelectorRequirement{Key:e,Operator:Exists,Values:[],},},}", "60m"]),
    ("mutatingadmissionpolicybindings", _obj("b", spec={"policyName": "p", "paramRef": {"selector": {}}}),
     ["b", "p", "&LabelSelector{MatchLabels:map[string]string{},MatchExpressions:[]LabelSelectorRequirement{},}",
      "60m"]),
    ("mutatingadmissionpolicybindings", _obj("b", spec={"policyName": "p", "paramRef": {
        "name": "x", "namespace": "n"}}),
     ["b", "p", "n/x", "60m"]),
    ("validatingadmissionpolicies", _obj("v", spec={"validations": [{}, {}, {}]}), ["v", 3, "<unset>", "60m"]),
    # the last of Issued, Denied and Failed wins, whatever its status; the annotations print as labels do
    ("podcertificaterequests", _obj("pcr", spec={
        "podName": "p", "serviceAccountName": "sa", "nodeName": "n", "signerName": "example.com/s",
        "unverifiedUserAnnotations": {"example.com/b": "2", "example.com/a": "1"}},
        status={"conditions": [{"type": "Denied", "status": "True"}, {"type": "Issued", "status": "False"},
                               {"type": "Other", "status": "True"}]}),
     ["pcr", "p", "sa", "n", "example.com/s", "Issued", "example.com/a=1,example.com/b=2"]),
    ("podcertificaterequests", _obj("pcr", spec={"podName": "p"}), ["pcr", "p", "", "", "", "Pending", "<none>"]),
    ("devicetaintrules", _obj("t", spec={"taint": {"key": "example.com/k", "value": "v", "effect": "NoExecute",
                                                   "timeAdded": "2026-12-04T11:55:00Z"}}),
     ["t", "example.com/k", "v", "NoExecute", "5m", "60m"]),
    ("devicetaintrules", _obj("t", spec={"taint": {"key": "k", "effect": "None"}}), ["t", "k", "", "None", "", "60m"]),
    ("deviceclasses", _obj("dc", spec={"selectors": [{"cel": {"expression": "true"}}]}), ["dc", "60m"]),
    ("resourceclaimtemplates", _obj("rct", spec={"spec": {}}), ["rct", "60m"]),
    ("replicationcontrollers", _obj("rc", spec={"replicas": 3, "selector": {"b": "2", "a": "1"}, "template": {"spec": {
        "containers": [{"name": "c", "image": "i"}, {"name": "d", "image": "j"}]}}},
        status={"replicas": 2, "readyReplicas": 1}),
     ["rc", 3, 2, 1, "60m", "c,d", "i,j", "a=1,b=2"]),
    ("podtemplates", _obj("pt", template={"metadata": {"labels": {"app": "x"}}, "spec": {
        "containers": [{"name": "c", "image": "i"}]}}), ["pt", "c", "i", "app=x"]),
    ("priorityclasses", _obj("low", value=-5, globalDefault=True), ["low", -5, True, "60m", ""]),
    ("volumeattachments", _obj("va", spec={"attacher": "csi.example.com", "nodeName": "n1", "source": {
        "inlineVolumeSpec": {}}}, status={"attached": True}), ["va", "csi.example.com", "", "n1", True, "60m"]),
    ("csistoragecapacities", _obj("cap", storageClassName="fast"), ["cap", BORN]),
    ("servicecidrs", _obj("s", spec={"cidrs": ["10.0.0.0/24", "fd00::/108"]}), ["s", "10.0.0.0/24,fd00::/108", "60m"]),
    ("resourceclaims", _obj("c", status={"allocation": {}, "reservedFor": [{"name": "pod"}]}),
     ["c", "allocated,reserved", "60m"]),
    ("resourceclaims", _obj("c", meta={"deletionTimestamp": BORN}), ["c", "deleted", "60m"]),
    ("storageversionmigrations", _obj("m", spec={"resource": {"group": "apps", "resource": "deployments"}},
                                      status={"conditions": [{"type": "Running", "status": "False"},
                                                             {"type": "Succeeded", "status": "True"}]}),
     ["m", "deployments.apps", "Succeeded"]),
    ("csidrivers", _obj("d", spec={"attachRequired": False, "tokenRequests": [{"audience": "a"}, {"audience": "b"}],
                                   "volumeLifecycleModes": ["Persistent", "Ephemeral"]}),
     ["d", False, False, False, "a,b", False, "Persistent,Ephemeral", "60m"]),
    ("limitranges", _obj("lr"), ["lr", BORN]),
    ("ipaddresses", _obj("10.0.0.1", spec={"parentRef": {"group": "Example.com", "resource": "Gateways",
                                                         "namespace": "ns", "name": "gw"}}),
     ["10.0.0.1", "gateways.example.com/ns/gw", "60m"]),
    ("prioritylevelconfigurations", _obj("exempt", spec={"type": "Exempt", "exempt": {}}),
     ["exempt", "Exempt", "<none>", "<none>", "<none>", "<none>", "60m"]),
    ("flowschemas", _obj("fs", spec={"priorityLevelConfiguration": {"name": "pl"}, "matchingPrecedence": 500,
                                     "distinguisherMethod": {"type": "ByUser"}},
                         status={"conditions": [{"type": "Dangling", "status": "False"}]}),
     ["fs", "pl", 500, "ByUser", "60m", "False"]),
    ("certificatesigningrequests", _obj("csr", spec={"signerName": "s", "username": "u", "expirationSeconds": 7200},
                                        status={"conditions": [{"type": "Approved"}, {"type": "Failed"}],
                                                "certificate": "Y2VydA=="}),
     ["csr", "60m", "s", "u", "120m", "Approved,Failed,Issued"]),
    ("mutatingadmissionpolicies", {**_obj("m", spec={"mutations": [{}, {}], "paramKind": {
        "apiVersion": "v1", "kind": "ConfigMap"}}), "kind": "MutatingAdmissionPolicy"},
     ["m", 2, "v1/ConfigMap", "60m"]),
])
def test_a_kinds_cells(resource: str, obj: dict[str, Any], cells: list[Any]) -> None:
    assert table.row(resource, obj, NOW)["cells"] == cells
    # (an IP address's printer writes its age in a third cell its two columns do not name, as there)
    assert len(table.columns_for(resource)) == len(cells) - (resource == "ipaddresses")


def test_a_list_of_storage_classes_names_the_newest_default_and_one_alone_is_not_marked() -> None:
    default = {"storageclass.kubernetes.io/is-default-class": "true"}
    classes = [_obj("a", meta={"annotations": default}, provisioner="p"),
               _obj("b", meta={"annotations": default, "creationTimestamp": "2026-12-04T11:30:00Z"}, provisioner="p"),
               _obj("c", provisioner="p", reclaimPolicy="Retain", volumeBindingMode="WaitForFirstConsumer",
                    allowVolumeExpansion=True)]
    rows = [r["cells"] for r in table.table("storageclasses", classes, NOW)["rows"]]
    assert rows == [["a", "p", "Delete", "Immediate", False, "60m"],
                    ["b (default)", "p", "Delete", "Immediate", False, "30m"],
                    ["c", "p", "Retain", "WaitForFirstConsumer", True, "60m"]]
    alone = table.table("storageclasses", classes[1:2], NOW, as_list=False)["rows"][0]["cells"]
    assert alone[0] == "b"
