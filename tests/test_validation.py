"""Validation of metadata (apiserver/validation.py) and specs (apiserver/specvalidation.py) in cases the
differential against the real apiserver (writes_differential.py) does not send."""

from __future__ import annotations

import shutil
import subprocess
from fractions import Fraction

import pytest
from watchproxy.apiserver import cron, fielderrors, jobvalidation, quantity, specvalidation, validation
from watchproxy.apiserver.internal import as_internal

from tests.procs import ROOT


@pytest.mark.parametrize(("labels", "wrong"), [
    ({"a/b/c": "v"}, ["a valid label key must consist of"]),
    ({"/x": "v"}, ["prefix part must be non-empty"]),
    ({"example.com/": "v"}, ["name part must be non-empty", "name part must consist of"]),
    ({"k": "é" * 32}, ["must be no more than 63 bytes", "a valid label must be an empty string"]),
    ({"k": ""}, []),
    ({"app.kubernetes.io/name": "web_1.2-x"}, []),
])
def test_label_keys_and_values(labels: dict[str, str], wrong: list[str]) -> None:
    causes = validation.object_meta("ConfigMap", {"name": "ok", "labels": labels})
    assert len(causes) == len(wrong)
    for (field, reason, message), start in zip(causes, wrong, strict=True):
        assert field == "metadata.labels" and reason == "FieldValueInvalid" and start in message


@pytest.mark.parametrize(("kind", "meta", "fields"), [
    ("ConfigMap", {"generateName": "web-", "name": "web-x7k2p"}, []),  # a prefix may end in '-'
    ("ConfigMap", {"generateName": "Web-", "name": "web-x7k2p"}, ["metadata.generateName"]),
    ("ConfigMap", {"labels": {"a": "b"}}, ["metadata.name"]),  # neither: `name or generateName is required`
    ("Role", {"name": "Not_A_Subdomain"}, []),  # its rule is another one, not checked here
    ("Service", {"name": "web.v1"}, ["metadata.name"]),  # a DNS label: no dots
    ("StatefulSet", {"generateName": "db-", "name": "db-x7k2p"}, []),
    ("ConfigMap", {"name": "ok", "annotations": {"Example.com/Key": "v"}}, []),  # annotation keys: any case
])
def test_names_by_kind(kind: str, meta: dict[str, object], fields: list[str]) -> None:
    assert [c[0] for c in validation.object_meta(kind, meta)] == fields


def test_a_custom_resources_name_is_a_dns_subdomain() -> None:
    assert validation.object_meta("Service", {"name": "Big"}, custom=True)[0][0] == "metadata.name"


# Spec validation (apiserver/specvalidation.py) in cases the differential does not send: each a field path and
# the start of its message, on objects as the apiserver validates them (decoded and defaulted).
_CTR = {"name": "c", "image": "nginx", "imagePullPolicy": "Always", "terminationMessagePolicy": "File"}
_POD_SPEC = {"containers": [_CTR], "restartPolicy": "Always", "dnsPolicy": "ClusterFirst"}


def _pod(**spec: object) -> dict[str, object]:
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": {**_POD_SPEC, **spec}}


def _cron_job(zone: str) -> dict[str, object]:
    template = {"spec": {"template": {"spec": {**_POD_SPEC, "restartPolicy": "OnFailure"}}}}
    return {"apiVersion": "batch/v1", "kind": "CronJob", "spec": {
        "schedule": "@hourly", "timeZone": zone, "concurrencyPolicy": "Allow", "jobTemplate": template}}


def _ingress(host: str) -> dict[str, object]:
    return {"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "spec": {"rules": [{"host": host}]}}


@pytest.mark.parametrize(("obj", "wrong"), [
    (_pod(), []),
    (_pod(volumes=[{"name": "v"}]), [("spec.volumes[0]", "Required value: must specify a volume type")]),
    (_pod(containers=[{**_CTR, "name": "a" * 64}]), [("spec.containers[0].name", "Invalid value")]),
    (_pod(containers=[{**_CTR, "ports": [{"containerPort": 80, "name": "-web", "protocol": "TCP"}]}]),
     [("spec.containers[0].ports[0].name", 'Invalid value: "-web": must not begin or end with a hyphen')]),
    (_pod(subdomain="Sub"), [("spec.subdomain", 'Invalid value: "Sub": a lowercase RFC 1123 label')]),
    (_pod(nodeName="node_1"), [("spec.nodeName", 'Invalid value: "node_1"')]),
    ({"apiVersion": "v1", "kind": "ConfigMap", "data": {".": "x", "ok": "y"}},
     [("data[.]", "Invalid value: \".\": must not be '.'")]),
    ({"apiVersion": "v1", "kind": "Secret", "type": "kubernetes.io/dockerconfigjson", "data": {}},
     [("data[.dockerconfigjson]", "Required value")]),
    ({"apiVersion": "v1", "kind": "Secret", "type": "kubernetes.io/basic-auth", "data": {"password": ""}}, []),
    ({"apiVersion": "v1", "kind": "Service", "spec": {"clusterIP": "None", "clusterIPs": ["None"], "type": "ClusterIP",
                                                      "sessionAffinity": "None"}}, []),  # headless: no ports
    # one port number twice for one protocol: the node port the allocator gave it is a duplicate too
    ({"apiVersion": "v1", "kind": "Service", "spec": {
        "type": "NodePort", "sessionAffinity": "None", "externalTrafficPolicy": "Cluster", "ports": [
            {"name": "a", "port": 53, "protocol": "TCP", "targetPort": 53, "nodePort": 30053},
            {"name": "b", "port": 53, "protocol": "UDP", "targetPort": 53, "nodePort": 30053},
            {"name": "c", "port": 53, "protocol": "TCP", "targetPort": 53, "nodePort": 30053}]}},
     [("spec.ports[2].nodePort", "Duplicate value: 30053"), ("spec.ports[2]", "Duplicate value: {")]),
    ({"apiVersion": "v1", "kind": "StatefulSet", "spec": {}}, []),  # not validated here
    (_cron_job("Europe/Paris"), []), (_cron_job("UTC"), []), (_cron_job("Local"), [
        ("spec.timeZone", 'Invalid value: "Local": timeZone must be an explicit time zone')]),
    (_cron_job("Mars/Base"), [("spec.timeZone", 'Invalid value: "Mars/Base": unknown time zone Mars/Base')]),
    (_cron_job("a/../b"), [("spec.timeZone", 'Invalid value: "a/../b": unknown time zone a/../b')]),
    # ParseIPSloppy: leading zeros still make an IP, three numbers do not
    (_ingress("010.0.0.1"), [("spec.rules[0].host", "Invalid value: \"010.0.0.1\": must be a DNS name, not an IP")]),
    (_ingress("1.2.3"), []),
    (_ingress("::1"), [("spec.rules[0].host", 'Invalid value: "::1": must be a DNS name, not an IP address'),
                       ("spec.rules[0].host", 'Invalid value: "::1": a lowercase RFC 1123 subdomain')]),
])
def test_spec_causes(obj: dict[str, object], wrong: list[tuple[str, str]]) -> None:
    causes = specvalidation.spec_causes(obj)
    assert len(causes) == len(wrong), causes
    for (field, _, message), (want_field, start) in zip(causes, wrong, strict=True):
        assert field == want_field and message.startswith(start), message


def test_an_update_may_not_change_a_replica_sets_selector_and_the_error_comes_last() -> None:
    tpl = {"metadata": {"labels": {"app": "a", "v": "2"}}, "spec": _POD_SPEC}
    old = {"apiVersion": "apps/v1", "kind": "ReplicaSet",
           "spec": {"replicas": 1, "selector": {"matchLabels": {"app": "a"}}, "template": tpl}}
    new = {**old, "spec": {**old["spec"], "replicas": -1, "selector": {"matchLabels": {"app": "a", "v": "2"}}}}
    assert [c[0] for c in specvalidation.spec_causes(new, old)] == ["spec.replicas", "spec.selector"]
    assert specvalidation.spec_causes(old, old) == []


def test_a_stored_pod_keeps_on_update_what_a_new_pod_may_not_have() -> None:
    """A recording from an older cluster may hold a pod that 1.37 refuses; a controller may still label it
    (the apiserver's PodValidationOptions, set from the old pod: AllowInvalidPodDeletionCost,
    AllowSysAdminWhenPrivilegeEscalationFalse, AllowNamespacedSysctlsForHostNetAndHostIPC)."""
    container = {"name": "c", "image": "i", "terminationMessagePolicy": "File", "imagePullPolicy": "Always",
                 "securityContext": {"allowPrivilegeEscalation": False, "capabilities": {"add": ["CAP_SYS_ADMIN"]}}}
    sysctls = [{"name": "net.ipv4.ip_forward", "value": "1"}]
    old = {"apiVersion": "v1", "kind": "Pod",
           "metadata": {"name": "p", "annotations": {"controller.kubernetes.io/pod-deletion-cost": "+5"}},
           "spec": {"containers": [container], "restartPolicy": "Always", "dnsPolicy": "ClusterFirst",
                    "hostNetwork": True, "securityContext": {"sysctls": sysctls}}}
    assert [c[0] for c in specvalidation.spec_causes(old)] == [
        "metadata.annotations[controller.kubernetes.io/pod-deletion-cost]", "spec.containers[0].securityContext",
        "spec.securityContext.sysctls[0].name"]
    assert specvalidation.spec_causes({**old, "metadata": {**old["metadata"], "labels": {"a": "b"}}}, old) == []


def test_an_immutable_secret_keeps_its_data_but_a_mutable_one_may_become_immutable() -> None:
    old = {"apiVersion": "v1", "kind": "Secret", "type": "Opaque", "data": {"a": "YQ=="}, "immutable": True}
    changed = {**old, "data": {"a": "Yg=="}}
    assert [(c[0], c[2]) for c in specvalidation.spec_causes(changed, old)] == [
        ("data", "Forbidden: field is immutable when `immutable` is set")]
    assert specvalidation.spec_causes(old, {**old, "immutable": False}) == []


def _workload(kind: str, **status: object) -> dict[str, object]:
    return {"apiVersion": "apps/v1", "kind": kind, "status": status}


@pytest.mark.parametrize(("obj", "old_status", "wrong"), [
    (_workload("StatefulSet", replicas=2, readyReplicas=2, availableReplicas=1), {}, []),
    (_workload("StatefulSet", replicas=1, readyReplicas=3, availableReplicas=3), {},
     [("status.readyReplicas", "Invalid value: 3: cannot be greater than status.replicas"),
      ("status.availableReplicas", "Invalid value: 3: cannot be greater than status.replicas")]),
    (_workload("StatefulSet", replicas=2, readyReplicas=1, availableReplicas=2), {},
     [("status.availableReplicas", "Invalid value: 2: cannot be greater than status.readyReplicas")]),
    (_workload("Deployment", replicas=2, readyReplicas=1, availableReplicas=2), {},  # named without `status.`
     [("status.availableReplicas", "Invalid value: 2: cannot be greater than readyReplicas")]),
    (_workload("ReplicaSet", replicas=2, fullyLabeledReplicas=3),
     {}, [("status.fullyLabeledReplicas", "Invalid value: 3: cannot be greater than status.replicas")]),
    (_workload("ReplicaSet", replicas=-1), {},  # and then every count is above it
     [("status.replicas", "Invalid value: -1: must be greater than or equal to 0"),
      *((f"status.{f}", "Invalid value: 0: cannot be greater than status.replicas")
        for f in ("fullyLabeledReplicas", "readyReplicas", "availableReplicas"))]),
    (_workload("DaemonSet", numberReady=-2, collisionCount=1), {"collisionCount": 3},
     [("status.numberReady", "Invalid value: -2"),
      ("status.collisionCount", "Invalid value: 1: cannot be decremented")]),
    (_workload("Deployment"), {"collisionCount": 1},
     [("status.collisionCount", "Invalid value: 0: cannot be decremented")]),
])
def test_a_workloads_status_is_validated_on_its_status_writes(
        obj: dict[str, object], old_status: dict[str, object], wrong: list[tuple[str, str]]) -> None:
    causes = specvalidation.status_causes(obj, {"status": old_status})
    assert len(causes) == len(wrong), causes
    assert [(c[0], c[2][:len(w[1])]) for c, w in zip(causes, wrong, strict=True)] == wrong


def test_an_update_may_not_change_a_stateful_sets_claim_templates_printed_as_gos_internal_struct() -> None:
    claim = {"metadata": {"name": "data", "labels": {"l": "v"}}, "spec": {
        "accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}, "volumeMode": "Filesystem",
        "dataSource": {"kind": "PersistentVolumeClaim", "name": "src"}}, "status": {"phase": "Pending"}}
    old = {"apiVersion": "apps/v1", "kind": "StatefulSet", "spec": {"serviceName": "s", "volumeClaimTemplates": []}}
    new = {**old, "spec": {"serviceName": "s", "volumeClaimTemplates": [claim]}}
    message = next(c[2] for c in specvalidation.spec_causes(new, old) if c[0] == "spec.volumeClaimTemplates")
    assert message == (
        'Invalid value: [{"name":"data","labels":{"l":"v"},"Spec":{"AccessModes":["ReadWriteOnce"],"Selector":null,'
        '"Resources":{"Limits":null,"Requests":{"storage":"1Gi"}},"VolumeName":"","StorageClassName":null,'
        '"VolumeMode":"Filesystem","DataSource":{"APIGroup":null,"Kind":"PersistentVolumeClaim","Name":"src"},'
        '"DataSourceRef":null,"VolumeAttributesClassName":null},"Status":{"Phase":"Pending","AccessModes":null,'
        '"Capacity":null,"Conditions":null,"AllocatedResources":null,"AllocatedResourceStatuses":null,'
        '"CurrentVolumeAttributesClassName":null,"ModifyVolumeStatus":null,"HealthStatus":null}}]: field is immutable')
    assert not [c for c in specvalidation.spec_causes({**old, "spec": {"serviceName": "s"}}, old)
                if c[0] == "spec.volumeClaimTemplates"]  # none and empty are the same to Go's semantic equality


def test_the_committed_internal_types_are_what_the_pinned_go_types_say() -> None:
    """Regenerate with `go run ./internaltypes > ../../../proxy/apiserver/internal_types.json` in
    tests/peers/realkube after moving it to a newer k8s.io/kubernetes."""
    assert shutil.which("go"), "the Go toolchain is needed: not on PATH"
    done = subprocess.run(["go", "run", "./internaltypes"], cwd=ROOT / "tests" / "peers" / "realkube",
                          capture_output=True, text=True, timeout=1800, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout == (ROOT / "proxy" / "apiserver" / "internal_types.json").read_text()


def test_a_jobs_template_is_printed_as_gos_internal_pod_template() -> None:
    template = {"metadata": {"labels": {"job-name": "j"}}, "spec": {
        "containers": [{"name": "c", "image": "busybox", "resources": {"limits": {"cpu": "1"}}}],
        "restartPolicy": "Never", "securityContext": {}, "nodeSelector": {"b": "2", "a": "1"}}}
    printed = fielderrors.go_value(as_internal("PodTemplateSpec", template))
    assert printed.startswith('{"labels":{"job-name":"j"},"Spec":{"Volumes":null,"InitContainers":null,"Containers":'
                              '[{"Name":"c","Image":"busybox","Command":null,')
    assert '"Resources":{"Limits":{"cpu":"1"},"Requests":null,"Claims":null}' in printed
    assert '"NodeSelector":{"a":"1","b":"2"}' in printed  # a map's keys sorted, as encoding/json writes them
    assert '"SecurityContext":{"SELinuxOptions":null,' in printed and '"TTY":false' in printed


def test_a_claims_spec_is_kept_and_the_refusal_shows_gos_diff_of_it() -> None:
    """As kube-apiserver v1.37.2 answered a merge patch of a pending claim's storage from 500Mi to 3Gi."""
    def claim(storage: str) -> dict[str, object]:
        spec = {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": storage}},
                "volumeMode": "Filesystem"}
        return {"apiVersion": "v1", "kind": "PersistentVolumeClaim", "spec": spec, "status": {"phase": "Pending"}}
    causes = specvalidation.spec_causes(claim("3Gi"), claim("500Mi"))
    assert causes == [("spec", "FieldValueForbidden", (
        "Forbidden: spec is immutable after creation except resources.requests and volumeAttributesClassName for "
        'bound claims\n@@ -6,7 +6,7 @@\n  "Resources": {\n   "Limits": null,\n   "Requests": {\n-   "storage": '
        '"500Mi"\n+   "storage": "3Gi"\n   }\n  },\n  "VolumeName": "",\n'))]
    bound = {**claim("500Mi"), "status": {"phase": "Bound", "capacity": {"storage": "500Mi"}}}
    assert specvalidation.spec_causes({**claim("3Gi"), "status": bound["status"]}, bound) == []  # may grow


@pytest.mark.parametrize(("value", "printed"), [
    (True, "true"), (-1, "-1"), (1.5, "1.5"), ("a\"b\n", '"a\\"b\\n"'), ("é", '"é"'),
    ({"b": "<x>", "a": None}, '{"b":"\\u003cx\\u003e","a":null}'), (None, "null"), ([1, "x"], '[1,"x"]'),
])
def test_a_bad_value_is_printed_as_go_prints_it(value: object, printed: str) -> None:
    assert fielderrors.go_value(value) == printed


@pytest.mark.parametrize(("text", "amount"), [
    ("1500m", Fraction(3, 2)), ("1Gi", Fraction(2**30)), ("2e3", Fraction(2000)), ("-1", Fraction(-1)),
    ("0.5", Fraction(1, 2)), ("100n", Fraction(1, 10**7)),
])
def test_the_amount_a_quantity_stands_for(text: str, amount: Fraction) -> None:
    assert quantity.value(text) == amount


def test_a_quantity_that_is_no_quantity_has_no_amount() -> None:
    with pytest.raises(quantity.QuantityError):
        quantity.value("1kk")


@pytest.mark.parametrize("schedule", ["*/5 * * * *", "@hourly", "@every 1h30m", "@every 1.5s", "0 9-17/2 * * mon-fri",
                                      "0 0 1,15 * *", "? * * * SUN", "CRON_TZ=UTC 0 * * * *", "0 0 29 feb *"])
def test_schedules_robfigs_parser_takes(schedule: str) -> None:
    assert cron.error(schedule) is None


@pytest.mark.parametrize(("schedule", "why"), [
    ("", "empty spec string"),
    ("0 0 * *  * *", "expected exactly 5 fields, found 6: [0 0 * * * *]"),
    ("60 * * * *", "end of range (60) above maximum (59): 60"),
    ("0 0 0 * *", "beginning of range (0) below minimum (1): 0"),
    ("-1 * * * *", 'failed to parse int from : strconv.Atoi: parsing "": invalid syntax'),
    ("@every", "unrecognized descriptor: @every"),
    ("TZ=UTC", "invalid schedule format: runtime error: slice bounds out of range [:-1]"),
])
def test_schedules_it_refuses_and_why(schedule: str, why: str) -> None:
    assert cron.error(schedule) == why


def test_an_update_is_refused_only_for_what_it_breaks() -> None:
    """A synthesized Service without ports can still be labelled; a port out of range added to it cannot."""
    stored = {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web"},
              "spec": {"type": "ClusterIP", "sessionAffinity": "None"}}
    assert [c[0] for c in specvalidation.spec_causes(stored)] == ["spec.ports"]
    labelled = {**stored, "metadata": {"name": "web", "labels": {"app": "web"}}}
    assert specvalidation.spec_causes(labelled, stored) == []
    broken = {**stored, "spec": {**stored["spec"], "ports": [{"port": 0, "protocol": "TCP", "targetPort": 80}]}}
    assert [c[0] for c in specvalidation.spec_causes(broken, stored)] == ["spec.ports[0].port"]


@pytest.mark.parametrize(("indexes", "completions", "counted"), [
    ("", 3, (0, "")),
    ("0,2-4", 5, (4, "")),
    ("+1", 3, (1, "")),
    ("1,,2", 3, (0, 'cannot convert string to integer for index: ""')),
    ("-1", 3, (0, 'cannot convert string to integer for index: ""')),
    ("99999999999999999999", 3, (0, 'cannot convert string to integer for index: "99999999999999999999"')),
    ("0-2", 2, (0, 'too large index: "2"')),
    ("2,1", 3, (0, "non-increasing order, previous: 2, current: 1")),
    ("1-1", 3, (0, "non-increasing order, previous: 1, current: 1")),
])
def test_succeeded_indexes_are_read_as_validate_indexes_format_reads_them(
        indexes: str, completions: int, counted: tuple[int, str]) -> None:
    """A success rule's indexes (ValidateJobSpec's validateIndexesFormat): strconv.Atoi's numbers, below the
    completions, increasing."""
    assert jobvalidation._index_count(indexes, completions) == counted


def test_a_success_rule_of_an_indexed_job_without_completions_is_the_validators_panic() -> None:
    spec = {"completionMode": "Indexed", "parallelism": 2, "successPolicy": {"rules": [{"succeededIndexes": "0"}]}}
    with pytest.raises(fielderrors.HandlerPanic):
        jobvalidation.spec_causes(spec, "spec")
    assert jobvalidation.spec_causes({**spec, "successPolicy": {"rules": [{}]}}, "spec") == [
        ("spec.completions", "FieldValueRequired", "Required value: when completion mode is Indexed"),
        ("spec.successPolicy.rules[0]", "FieldValueRequired",
         "Required value: at least one of succeededCount or succeededIndexes must be specified")]
