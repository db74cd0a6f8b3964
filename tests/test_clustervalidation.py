"""The validation of quotas, limit ranges, priority, ingress and storage classes, webhook configurations and
persistent volumes, as synchronous tables; every
message here is one the real kube-apiserver v1.37.2 answered (tests/random_writes.py's sequences of these
kinds, compared in tests/test_writes_random_realkube.py)."""

from __future__ import annotations

from typing import Any

import pytest
from watchproxy.apiserver.specvalidation import spec_causes, status_causes, write_warnings


def _quota(**spec: Any) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "ResourceQuota", "metadata": {"name": "q"}, "spec": spec}


def _limits(*limits: dict[str, Any]) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "LimitRange", "metadata": {"name": "l"}, "spec": {"limits": list(limits)}}


def _webhooks(*hooks: dict[str, Any]) -> dict[str, Any]:
    return {"apiVersion": "admissionregistration.k8s.io/v1", "kind": "ValidatingWebhookConfiguration",
            "metadata": {"name": "w"}, "webhooks": list(hooks)}


_BAD_NAME = ("Invalid value: \"bad resource!\": name part must consist of alphanumeric characters, '-', '_' or '.', "
             "and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', "
             "regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')")
_EXISTS_ONLY = ("Invalid value: \"In\": must be 'Exists' when scope is any of ResourceQuotaScopeTerminating, "
                "ResourceQuotaScopeNotTerminating, ResourceQuotaScopeBestEffort, ResourceQuotaScopeNotBestEffort or "
                "ResourceQuotaScopeCrossNamespacePodAffinity")


@pytest.mark.parametrize(("obj", "wrong"), [
    (_quota(hard={"pods": "10", "requests.cpu": "1"}), []),
    (_quota(hard={"bad resource!": "1"}), [("spec.hard[bad resource!]", _BAD_NAME),
                                           ("spec.hard[bad resource!]", 'Invalid value: "bad resource!": must be a '
                                                                        "standard resource for quota")]),
    (_quota(hard={"pods": "1500m"}, scopes=["Terminating", "NotTerminating"]),
     [("spec.hard[pods]", 'Invalid value: "1500m": must be an integer'),
      ("spec.scopes", 'Invalid value: ["Terminating","NotTerminating"]: conflicting scopes')]),
    (_quota(hard={"pods": "-1"}), [("spec.hard[pods]", 'Invalid value: "-1": must be greater than or equal to 0')]),
    (_quota(hard={"requests.cpu": "1"}, scopes=["BestEffort"]),
     [("spec.scopes", 'Invalid value: ["BestEffort"]: unsupported scope applied to resource')]),
    (_quota(scopes=["Sometimes"]), [("spec.scopes", 'Invalid value: ["Sometimes"]: unsupported scope')]),
    (_quota(hard={"pods": "1"}, scopeSelector={"matchExpressions": [
        {"scopeName": "BestEffort", "operator": "In", "values": ["x"]}]}),
     [("spec.scopeSelector.matchExpressions.operator", _EXISTS_ONLY)]),
    (_quota(hard={"requests.cpu": "1"}, scopeSelector={"matchExpressions": [
        {"scopeName": "BestEffort", "operator": "Exists"}]}),
     [("spec.scopeSelector.matchExpressions", 'Invalid value: {"MatchExpressions":[{"ScopeName":"BestEffort",'
                                              '"Operator":"Exists","Values":null}]}: unsupported scope applied to '
                                              'resource')]),
    (_limits({"type": "Container", "max": {"cpu": "1"}, "min": {"cpu": "2"}}),
     [("spec.limits[0].min[cpu]", 'Invalid value: "2": min value 2 is greater than max value 1')]),
    (_limits({"type": "Container", "default": {"cpu": "3"}, "max": {"cpu": "1"}}),
     [("spec.limits[0].default[cpu]", 'Invalid value: "1": default value 3 is greater than max value 1')]),
    (_limits({"type": "Pod", "max": {"memory": "1Gi"}, "default": {"memory": "1Mi"}}),
     [("spec.limits[0].default", "Forbidden: may not be specified when `type` is 'Pod'")]),
    (_limits({"type": "PersistentVolumeClaim", "max": {"cpu": "1"}}),
     [("spec.limits[0].limits", "Required value: either minimum or maximum storage value is required, but neither "
                                "was provided")]),
    (_limits({"type": "Container", "min": {"cpu": "100m"}, "max": {"cpu": "1"}, "maxLimitRequestRatio": {"cpu": "30"}}),
     [("spec.limits[0].maxLimitRequestRatio[cpu]",
       'Invalid value: "30": ratio 30 is greater than max/min = 10.000000')]),
    (_limits({"type": "Container", "maxLimitRequestRatio": {"cpu": "500m"}}),
     [("spec.limits[0].maxLimitRequestRatio[cpu]", 'Invalid value: "500m": ratio 500m is less than 1')]),
    (_limits({"type": "Container"}, {"type": "Container"}),
     [("spec.limits[1].type", 'Duplicate value: "Container"')]),
    (_limits({"type": "Sometimes"}), [("spec.limits[0].type", 'Invalid value: "Sometimes": must be a standard limit '
                                                              'type or fully qualified')]),
    ({"apiVersion": "scheduling.k8s.io/v1", "kind": "PriorityClass", "metadata": {"name": "p"}, "value": 2000000000},
     [("value", "Forbidden: maximum allowed value of a user defined priority is 1000000000")]),
    ({"apiVersion": "networking.k8s.io/v1", "kind": "IngressClass", "metadata": {"name": "i"},
      "spec": {"controller": "bad!", "parameters": {"kind": "P", "name": "p", "scope": "Cluster", "namespace": "x"}}},
     [("spec.controller", 'Invalid value: "bad!": must be a domain-prefixed path (such as "acme.io/foo")'),
      ("spec.parameters.namespace", "Forbidden: `parameters.scope` is set to 'Cluster'")]),
    ({"apiVersion": "storage.k8s.io/v1", "kind": "StorageClass", "metadata": {"name": "s"}, "provisioner": "",
      "reclaimPolicy": "Recycle", "volumeBindingMode": "Later",
      "allowedTopologies": [{"matchLabelExpressions": [{"key": "zone", "values": []}]}]},
     [("reclaimPolicy", 'Unsupported value: "Recycle": supported values: "Delete", "Retain"'),
      ("volumeBindingMode", 'Unsupported value: "Later": supported values: "Immediate", "WaitForFirstConsumer"'),
      ("allowedTopologies[0].matchLabelExpressions[0].values", "Required value"),
      ("provisioner", "Required value")]),
    (_webhooks({"name": "check", "failurePolicy": "Sometimes", "sideEffects": "Some", "timeoutSeconds": 0,
                "clientConfig": {"url": "http://hook.example.com/"}, "admissionReviewVersions": ["v0"],
                "rules": [{"operations": ["CREATE"], "apiGroups": ["example.com"], "apiVersions": ["v1"]}],
                "matchConditions": [{"name": "c", "expression": " "}, {"name": "c", "expression": "true"}]}),
     [("webhooks[0].name", 'Invalid value: "check": should be a domain with at least three segments separated by '
                           "dots"),
      ("webhooks[0].rules[0].resources", "Required value"),
      ("webhooks[0].failurePolicy", 'Unsupported value: "Sometimes": supported values: "Fail", "Ignore"'),
      ("webhooks[0].sideEffects", 'Unsupported value: "Some": supported values: "None", "NoneOnDryRun"'),
      ("webhooks[0].timeoutSeconds", "Invalid value: 0: the timeout value must be between 1 and 30 seconds"),
      ("webhooks[0].clientConfig.url", "Invalid value: \"http\": 'https' is the only allowed URL scheme; desired "
                                       "format: https://host[/path]"),
      ("webhooks[0].matchConditions[0].expression", "Required value"),
      ("webhooks[0].matchConditions[1].name", 'Duplicate value: "c"'),
      ("webhooks[0].admissionReviewVersions", 'Invalid value: ["v0"]: must include at least one of v1, v1beta1')]),
    (_webhooks({"name": "a.example.com", "sideEffects": "None", "admissionReviewVersions": ["v1"],
                "clientConfig": {}}, {"name": "a.example.com", "sideEffects": "None", "admissionReviewVersions": [],
                                      "clientConfig": {"service": {"name": "h", "namespace": "n", "path": "a//b"}}}),
     [("webhooks[0].clientConfig", "Required value: exactly one of url or service is required"),
      ("webhooks[1].clientConfig.service.path", 'Invalid value: "a//b": must start with a \'/\''),
      ("webhooks[1].clientConfig.service.path", 'Invalid value: "a//b": segment[0] may not be empty'),
      ("webhooks[1].clientConfig.service.path", 'Invalid value: "a//b": segment[1] may not be empty'),
      ("webhooks[1].admissionReviewVersions", "Required value: must specify one of v1, v1beta1"),
      ("webhooks[1].name", 'Duplicate value: "a.example.com"')]),
    ({"apiVersion": "v1", "kind": "PersistentVolume", "metadata": {"name": "v", "annotations": {
        "volume.beta.kubernetes.io/mount-options": "ro"}}, "spec": {
        "capacity": {"storage": "1Gi", "cpu": "1"}, "accessModes": ["ReadWriteOncePod", "ReadWriteOnce"],
        "hostPath": {"path": "/a/../b", "type": "Weird"}, "nfs": {"server": "s", "path": "/x"}}},
     [("spec.accessModes", "Forbidden: may not use ReadWriteOncePod with other access modes"),
      ("spec.capacity", 'Unsupported value: {"cpu":"1","storage":"1Gi"}: supported values: "storage"'),
      ("spec.hostPath.path", "Invalid value: \"/a/../b\": must not contain '..'"),
      ("spec.hostPath.type", 'Unsupported value: "Weird": supported values: "", "BlockDevice", "CharDevice", '
                             '"Directory", "DirectoryOrCreate", "File", "FileOrCreate", "Socket"'),
      ("spec.nfs", "Forbidden: may not specify more than 1 volume type")]),  # (NFS mounts with options)
    ({"apiVersion": "v1", "kind": "PersistentVolume", "spec": {
        "capacity": {"storage": "-1Gi"}, "accessModes": ["ReadWriteOnce"], "local": {"path": "/mnt"}},
      "metadata": {"name": "v", "annotations": {"volume.beta.kubernetes.io/mount-options": "ro"}}},
     [("spec.capacity[storage]", "Invalid value: -1073741824: must be a valid resource quantity"),
      ("spec.capacity[storage]", 'Invalid value: "-1Gi": must be greater than zero'),
      ("spec.nodeAffinity", "Required value: Local volume requires node affinity"),
      ("metadata.annotations.volume.beta.kubernetes.io/mount-options",
       "Forbidden: may not specify mount options for this volume type")]),
])
def test_what_a_create_is_refused_for(obj: dict[str, Any], wrong: list[tuple[str, str]]) -> None:
    assert [(c[0], c[2]) for c in spec_causes(obj)] == wrong


def test_an_update_may_not_change_what_each_kind_keeps() -> None:
    quota = _quota(hard={"pods": "1"})
    assert [(c[0], c[2]) for c in spec_causes(_quota(hard={"pods": "1"}, scopes=["BestEffort"]), quota)] == [
        ("spec.scopes", 'Invalid value: ["BestEffort"]: field is immutable')]
    pc = {"apiVersion": "scheduling.k8s.io/v1", "kind": "PriorityClass", "metadata": {"name": "p"}, "value": 1000,
          "preemptionPolicy": "PreemptLowerPriority"}
    # an update checks only what may not change: not the bound a create checks
    assert [(c[0], c[2]) for c in spec_causes({**pc, "value": 2000000000}, pc)] == [
        ("value", "Forbidden: may not be changed in an update.")]
    sc = {"apiVersion": "storage.k8s.io/v1", "kind": "StorageClass", "metadata": {"name": "s"}, "provisioner": "a/b",
          "parameters": {"type": "ssd"}, "volumeBindingMode": "Immediate"}
    assert [(c[0], c[2]) for c in spec_causes({**sc, "parameters": None}, sc)] == [
        ("parameters", "Invalid value: null: field is immutable")]
    ic = {"apiVersion": "networking.k8s.io/v1", "kind": "IngressClass", "metadata": {"name": "i"},
          "spec": {"controller": "example.com/a"}}
    assert [(c[0], c[2]) for c in spec_causes({**ic, "spec": {"controller": "x"}}, ic)] == [
        ("spec.controller", 'Invalid value: "x": field is immutable'),
        ("spec.controller", 'Invalid value: "x": must be a domain-prefixed path (such as "acme.io/foo")')]


def test_a_quotas_status_is_checked_as_its_limits_are() -> None:
    quota = {**_quota(hard={"pods": "1"}), "status": {"hard": {"pods": "1"}, "used": {"pods": "-1"}}}
    assert [(c[0], c[2]) for c in status_causes(quota, quota)] == [
        ("status.used[pods]", 'Invalid value: "-1": must be greater than or equal to 0')]


def test_a_csi_drivers_spec_and_what_may_not_change() -> None:
    driver = {"apiVersion": "storage.k8s.io/v1", "kind": "CSIDriver", "metadata": {"name": "c.example.com"},
              "spec": {"attachRequired": True, "volumeLifecycleModes": ["Persistent"]}}
    bad = {**driver, "spec": {"attachRequired": False, "volumeLifecycleModes": ["Sometimes"], "fsGroupPolicy": "Always",
                              "tokenRequests": [{"audience": "a", "expirationSeconds": 60}, {"audience": "a"}]}}
    assert [(c[0], c[2]) for c in spec_causes(bad, driver)] == [
        ("spec.fsGroupPolicy", 'Unsupported value: "Always": supported values: "File", "None", '
                               '"ReadWriteOnceWithFSType"'),
        ("spec.tokenRequests[0].expirationSeconds", "Invalid value: 60: may not specify a duration less than 10 "
                                                    "minutes"),
        ("spec.tokenRequests[1].audience", 'Duplicate value: "a"'),
        ("spec.volumeLifecycleModes", 'Unsupported value: "Sometimes": supported values: "Persistent", "Ephemeral"'),
        ("spec.attachedRequired", "Invalid value: false: field is immutable"),
        ("spec.volumeLifecycleModes", 'Invalid value: ["Sometimes"]: field is immutable')]
    with_tokens = {**driver, "spec": {**driver["spec"], "tokenRequests": [{"audience": "a"}]}}
    assert write_warnings(with_tokens) == write_warnings(with_tokens, driver) == [
        "spec.serviceAccountTokenInSecrets is unset; if supported by this CSI driver, set to true to prevent possible "
        "logging of tokens in volume attributes"]
    assert write_warnings(with_tokens, with_tokens) == []  # (only when the requests change)


def test_a_volumes_source_may_not_change_and_the_refusal_shows_gos_diff() -> None:
    pv = {"apiVersion": "v1", "kind": "PersistentVolume", "metadata": {"name": "v"}, "spec": {
        "capacity": {"storage": "1Gi"}, "accessModes": ["ReadWriteOnce"], "hostPath": {"path": "/x", "type": ""}}}
    moved = {**pv, "spec": {**pv["spec"], "hostPath": {"path": "/y", "type": ""}}}
    [(path, reason, message)] = spec_causes(moved, pv)
    assert (path, reason) == ("spec.persistentvolumesource", "FieldValueForbidden")
    assert message.startswith("Forbidden: spec.persistentvolumesource is immutable after creation\n@@ ")
    assert '-  "Path": "/x",\n+  "Path": "/y",\n' in message


def test_a_volume_is_warned_of_what_is_deprecated() -> None:
    pv = {"apiVersion": "v1", "kind": "PersistentVolume", "metadata": {"name": "v"},
          "spec": {"persistentVolumeReclaimPolicy": "Recycle", "cephfs": {"monitors": ["m"]}}}
    assert write_warnings(pv) == [
        "spec.persistentVolumeReclaimPolicy: The Recycle reclaim policy is deprecated. Instead, the recommended "
        "approach is to use dynamic provisioning.", "spec.cephfs: deprecated in v1.28, non-functional in v1.31+"]
