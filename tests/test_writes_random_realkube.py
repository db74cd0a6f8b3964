"""Seeded random write sequences (tests/random_writes.py) to the real kube-apiserver and to a replay: every
answer the same, reduced to what does not differ by nature. The sequences found what the fixed differential
did not: a collection delete's answer, server-side apply's conflicts with the updater that set a field,
a create over an object being deleted, a dry-run update that lets an object go."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from watchproxy.testing import Replay
from watchproxy.wire.kinds import is_custom_group

from tests import random_writes, rawhttp
from tests import writes_differential as wd
from tests.memory import RecordingBuilder
from tests.realkube import RealKube
from tests.workload import until


@pytest.mark.parametrize("seed", [10, 19, 20, 24])
def test_a_random_write_sequence_gets_the_real_apiservers_answers_and_events(
        realkube: RealKube, watchproxy: Callable[..., Replay], tmp_path: Path, seed: int) -> None:
    ns = f"random-writes-{seed}"
    real_server = (realkube.url, realkube.token_file.read_text().strip())
    rawhttp.call(*real_server, "POST", "/api/v1/namespaces", json.dumps({"metadata": {"name": ns}}).encode())
    start = rawhttp.call(*real_server, "GET", f"/api/v1/namespaces/{ns}/configmaps")[1]["metadata"]["resourceVersion"]
    b = RecordingBuilder(tmp_path / "empty.msgpack")
    b.list(0.0, 100, [], path=f"/api/v1/namespaces/{ns}/configmaps", kind="ConfigMapList")
    replay = watchproxy(b.write())
    sequence = random_writes.ops(seed, 60)
    real, emulated = random_writes.run(real_server, ns, sequence), random_writes.run((replay.url, ""), ns, sequence)
    differences = [(i, r, e) for i, (r, e) in enumerate(zip(real, emulated, strict=True)) if r != e]
    assert differences == []
    codes = {code for _, code, _, _ in real}
    assert {200, 201, 404, 409} <= codes  # the sequence met refusals as well as writes that went through

    def end_the_watch() -> None:
        replay.wait_for(lambda r: any(w.end == "open" for w in r.watches()), what="the watch")
        replay.advance(2)

    real_events = random_writes.watch_events(real_server, ns, start)
    emulated_events = wd.watched(lambda: random_writes.watch_events((replay.url, ""), ns, "100"), end_the_watch)
    assert emulated_events == real_events
    assert {"ADDED", "MODIFIED", "DELETED"} <= {t for t, _ in real_events}


SEQUENCES = {"deployments": random_writes.deployment_ops, "pods": random_writes.pod_ops,
             "services": random_writes.service_ops, "clusterips": random_writes.cluster_ip_ops,
             "nodeports": random_writes.node_port_ops, "servicefields": random_writes.service_field_ops,
             "statefulsets": random_writes.stateful_set_ops,
             "jobs": random_writes.job_ops, "daemonsets": random_writes.daemon_set_ops,
             "cronjobs": random_writes.cron_job_ops, "persistentvolumeclaims": random_writes.claim_ops,
             "ingresses": random_writes.ingress_ops, "leases": random_writes.lease_ops,
             "events": random_writes.event_ops, "newevents": random_writes.new_event_ops,
             "secrets": random_writes.secret_ops, "roles": random_writes.role_ops,
             "poddisruptionbudgets": random_writes.pdb_ops, "rolebindings": random_writes.role_binding_ops,
             "serviceaccounts": random_writes.service_account_ops, "networkpolicies": random_writes.network_policy_ops,
             "horizontalpodautoscalers": random_writes.hpa_ops, "clusterroles": random_writes.cluster_role_ops,
             "clusterrolebindings": random_writes.cluster_role_binding_ops, "namespaces": random_writes.namespace_ops,
             "resourcequotas": random_writes.resource_quota_ops, "limitranges": random_writes.limit_range_ops,
             "priorityclasses": random_writes.priority_class_ops, "storageclasses": random_writes.storage_class_ops,
             "ingressclasses": random_writes.ingress_class_ops,
             "validatingwebhookconfigurations": random_writes.validating_webhook_ops,
             "mutatingwebhookconfigurations": random_writes.mutating_webhook_ops,
             "persistentvolumes": random_writes.persistent_volume_ops, "csidrivers": random_writes.csi_driver_ops,
             "runtimeclasses": random_writes.runtime_class_ops,
             "csistoragecapacities": random_writes.storage_capacity_ops,
             "volumeattachments": random_writes.volume_attachment_ops, "bindings": random_writes.binding_ops,
             "volumeattributesclasses": random_writes.volume_attributes_class_ops,
             "prioritylevelconfigurations": random_writes.priority_level_ops,
             "flowschemas": random_writes.flow_schema_ops,
             "validatingadmissionpolicies": random_writes.admission_policy_ops,
             "validatingadmissionpolicybindings": random_writes.policy_binding_ops,
             "mutatingadmissionpolicies": random_writes.mutating_policy_ops,
             "mutatingadmissionpolicybindings": random_writes.mutating_binding_ops,
             "resourceclaims": random_writes.resource_claim_ops,
             "resourceclaimtemplates": random_writes.resource_claim_template_ops,
             "resourceslices": random_writes.resource_slice_ops,
             "deviceclasses": random_writes.device_class_ops,
             "devicetaintrules": random_writes.device_taint_rule_ops,
             "storageversionmigrations": random_writes.storage_version_migration_ops,
             "replicationcontrollers": random_writes.replication_controller_ops,
             "podtemplates": random_writes.pod_template_ops,
             "endpoints": random_writes.endpoints_ops, "endpointslices": random_writes.endpoint_slice_ops,
             "servicecidrs": random_writes.service_cidr_ops, "widgets": random_writes.custom_resource_ops,
             "controllerrevisions": random_writes.controller_revision_ops, "nodes": random_writes.node_ops,
             "csinodes": random_writes.csi_node_ops, "ipaddresses": random_writes.ip_address_ops,
             "resize": random_writes.resize_ops, "ephemeralcontainers": random_writes.ephemeral_ops,
             "podstatus": random_writes.pod_status_ops,
             "tokens": random_writes.token_ops, "access": random_writes.access_ops,
             "hpaversions": random_writes.hpa_versions_ops, "quantitytexts": random_writes.quantity_texts_ops,
             "statustexts": random_writes.status_texts_ops,
             "certificatesigningrequests": random_writes.csr_ops, "apiservices": random_writes.api_service_ops}


@pytest.mark.parametrize(("kind", "seed"), [
    ("deployments", 2), ("deployments", 7),  # defaults, a keyed list (containers), /scale under server-side apply
    # graceful deletion waiting for a kubelet, evictions, the few fields a pod's update may change (each seed
    # differed before a pod kept its grace period and priority)
    ("pods", 5), ("pods", 15), ("pods", 17),
    # allocations kept across updates and type changes, a PUT that creates, ports on number and protocol under
    # apply, an atomic selector (24 and 31 answers differed before Services and apply were modelled so)
    ("services", 1), ("services", 8),
    # cluster IPs and families: headless, invalid IPs, the two fields disagreeing, policies and families on a
    # single-stack cluster (the allocator's checks, which come first and alone), type changes to and from
    # ExternalName (32 and 41 answers differed before); 317: the delete of one made ExternalName answers it as
    # read, without the internalTrafficPolicy storage keeps
    ("clusterips", 4), ("clusterips", 7), ("clusterips", 317),
    # node ports (shared by a port number, asked for outside the range), load balancers without them, traffic
    # policies, a health check node port drawn or asked for, type changes (14 and 21 answers differed before)
    ("nodeports", 3), ("nodeports", 7),
    # a dry run's health check node port out of the range, found taken by its own node port (1 answer differed)
    ("nodeports", 348),
    # a load balancer's source ranges and class (fixed while it is one), the internal traffic policy, client-IP
    # affinity's timeout, external IPs' warning (32 and 44 answers differed before)
    ("servicefields", 2), ("servicefields", 4),
    # claim templates, the service's name and the pod policy kept; a rolling update's parameters under OnDelete;
    # status counts (17 and 9 answers differed before StatefulSets were validated so)
    ("statefulsets", 1), ("statefulsets", 2),
    # a Job's template printed as Go's internal struct, a suspended Job's mutable scheduling and resources,
    # deletes that orphan by default (warned), finished Jobs' status rules (each seed differed in 13 to 26
    # answers before Jobs were modelled so)
    ("jobs", 9), ("jobs", 11), ("jobs", 15),
    # a DaemonSet's template generation (16 and 6 answers differed before), a CronJob's time zone
    ("daemonsets", 4), ("daemonsets", 7), ("cronjobs", 1), ("cronjobs", 9),
    # a claim's spec kept, printed as Go's diff (every seed differed in 7 to 33 answers before); grown only where
    # the resize admission plugin allows it (7 and 12 differed before)
    ("persistentvolumeclaims", 2), ("persistentvolumeclaims", 9), ("persistentvolumeclaims", 7),
    ("persistentvolumeclaims", 12),
    # the addresses of an Ingress's load balancer status (leading zeros, IPv4-mapped, IPs as host names)
    ("ingresses", 2), ("ingresses", 7),
    # leader election's Leases: a body's time refused before a missing resourceVersion, a strategic merge patch
    # quoted as Go prints it, the coordinated-election fields dropped, a dry-run PUT that creates (each differed)
    ("leases", 4), ("leases", 7), ("leases", 8),
    # Events through both APIs: validation by the core type's fields (8 to 16 answers differed), a null
    # timestamp owned by nobody
    ("events", 3), ("events", 7), ("newevents", 3), ("newevents", 5), ("newevents", 7),
    # a merge patch's 422 quotes the patched object in evanphx/json-patch's key order: the objects it merged
    # into sorted, the rest as encoded (these differed only there)
    ("leases", 1), ("leases", 12), ("newevents", 1), ("newevents", 6),
    # a docker config Secret's JSON, a TLS warning on AlreadyExists; a Role's empty rules read back as null
    ("secrets", 1), ("secrets", 2), ("secrets", 10), ("roles", 1), ("roles", 12),
    # a budget is not created by a PUT, its status counts not negative; a binding's role reference applied whole,
    # a ServiceAccount's image pull secrets too, and an empty list applied owns nothing (each differed)
    ("poddisruptionbudgets", 3), ("poddisruptionbudgets", 5), ("rolebindings", 2), ("rolebindings", 5),
    ("serviceaccounts", 1), ("serviceaccounts", 3),
    # a NetworkPolicy's ports, peers, IP blocks and policy types (every seed differed in 27 to 39 answers); an
    # HPA's metrics, its scaling behavior's defaults and its status counts (a negative one differed)
    ("networkpolicies", 3), ("networkpolicies", 4), ("horizontalpodautoscalers", 5), ("horizontalpodautoscalers", 8),
    # cluster-scoped kinds (names made unique by the namespace): a ClusterRole's aggregation rule, checks taken
    # over by declarative validation reported last (a binding's role reference changed, a subject without a
    # name); a namespace's lifecycle: the controller's finalizer added, finalizers and status kept by an update,
    # deletion marking it Terminating (no namespace controller runs), /status phases, /finalize (each differed)
    ("clusterroles", 1), ("clusterroles", 4), ("clusterrolebindings", 7),
    ("namespaces", 1), ("namespaces", 2), ("namespaces", 5), ("namespaces", 10),
    # an empty list of finalizers a create sends is gone when decoded (omitempty): the controller's finalizer is
    # nobody's, and a later apply of it conflicts with no one (11 answers differed)
    ("namespaces", 14),
    # an apply's others compared with its pruned merge, where a map prune empties is a null: a label map another
    # applier owns whole stays its, though prune empties it and the strategy puts the name label back (found once
    # the comparison moved before the defaults; 1 answer differed)
    ("namespaces", 355),
    # and an item prune removes whole goes from the others' fields too: an updater's targetPort of a port the
    # applier names no more (2 answers differed while the comparison was made before prune)
    ("services", 370),
    # two ports of a Service on the same port and protocol (a JSON patch made them so)
    ("services", 303),
    # a namespace provisioner's and a platform's kinds (every seed differed in 7 to 51 answers before they were
    # validated): a quota's resources, scopes and scope selector; a limit range's bounds in the apiserver's
    # order of comparison; a priority class's value (bounded, immutable, its generation never counted again);
    # a storage class's fields declarative validation checks; an ingress class's parameters (scope defaulted)
    ("resourcequotas", 4), ("resourcequotas", 5), ("limitranges", 2), ("limitranges", 3),
    ("priorityclasses", 1), ("priorityclasses", 5), ("storageclasses", 2), ("storageclasses", 4),
    ("ingressclasses", 1), ("ingressclasses", 5),
    # an operator's webhook configurations: each webhook's name, rules, policies, client, review versions and
    # match conditions validated; a PUT without a resourceVersion refused; webhooks merged by name in a
    # strategic merge patch; a new generation when the webhooks change, an empty list sent counting as a change
    # (seeds differed in 2 to 35 answers)
    ("validatingwebhookconfigurations", 2), ("validatingwebhookconfigurations", 4),
    ("validatingwebhookconfigurations", 20), ("mutatingwebhookconfigurations", 3),
    # a storage operator's volumes: access modes, capacity, one source and its fields, the mount options
    # annotation, the source immutable (Go's diff of the internal sources), the deprecation warnings, a claim
    # reference owned field by field (every seed differed in 33 to 51 answers)
    ("persistentvolumes", 11), ("persistentvolumes", 16), ("persistentvolumes", 21),
    # a CSI driver's spec, its two immutable fields, its generation (none until the first change), the warning
    # of token requests without their secrets (2 to 16 answers differed)
    ("csidrivers", 5), ("csidrivers", 8),
    # a runtime class's overhead, and its handler where declarative validation (beta) replaces the imperative
    # checks it matches: last, but a changed handler's format first, its immutability stopping the declarative
    # one (15 to 37 answers differed)
    ("runtimeclasses", 1), ("runtimeclasses", 3), ("runtimeclasses", 9),
    # the storage capacities a CSI provisioner publishes: topology and class immutable (10 to 46 answers differed)
    ("csistoragecapacities", 1), ("csistoragecapacities", 3),
    # volume attachments: one source, the node, the attacher in declarative validation's caseless words (or the
    # imperative ones when the immutable spec changed), the status's error codes (23 to 36 answers differed)
    ("volumeattachments", 10), ("volumeattachments", 20),
    # volume attributes classes: driver and parameters required and immutable, the driver's error in lower case
    # (nothing was validated before, not even the name)
    ("volumeattributesclasses", 2), ("volumeattributesclasses", 1),
    # API Priority and Fairness's priority levels: the type and the member it names (declarative validation's
    # words, after the rest), shares, percentages, a limit response and its queuing's shuffle sharding (nothing
    # was validated before, not even the name)
    ("prioritylevelconfigurations", 2), ("prioritylevelconfigurations", 4),
    # and flow schemas: precedence, distinguisher, subjects, resource and non-resource rules, status conditions;
    # the config controller's Dangling condition applied to a written one's status (at once here, a moment
    # later there: the sequence waits for it, random_writes.FlowSchemasSettled) (nothing was validated or applied)
    ("flowschemas", 7), ("flowschemas", 8),
    # validating admission policies and their bindings, as policy engines write them: failure policy, parameter
    # kind and reference, matched resources, conditions, variables, validations, audit annotations, actions
    # (their CEL always compiles here: its errors are not modelled) (nothing was validated before)
    ("validatingadmissionpolicies", 1), ("validatingadmissionpolicies", 2),
    ("validatingadmissionpolicybindings", 1), ("validatingadmissionpolicybindings", 2),
    # replication controllers (the selector the template's labels must match, replicas and minReadySeconds in
    # declarative validation's place, pods that run for ever) and pod templates (nothing was validated before)
    ("replicationcontrollers", 3), ("replicationcontrollers", 6), ("podtemplates", 1), ("podtemplates", 2),
    # endpoints and endpoint slices, as endpoint controllers and meshes write them: addresses an endpoint may have
    # (strict IPs, of the slice's type, FQDNs), ports, node names, hostnames, the address type (declarative, but
    # an update's new unknown one), the warnings of non-standard IPs, a deprecated topology dropped (nothing was
    # validated before)
    ("endpoints", 3), ("endpoints", 2), ("endpointslices", 1), ("endpointslices", 2),
    # service CIDRs (one or two, strictly valid, one per family; fixed but for a second family added) and controller
    # revisions (data an object, fixed; managed as one leaf, a RawExtension, compared as the bytes each write
    # holds: proxy/apiserver/rawjson.py; 302, 303 and 311 differed before, patches of a revision sent with
    # spaces, applies of a null)
    ("servicecidrs", 3), ("servicecidrs", 4), ("controllerrevisions", 14), ("controllerrevisions", 15),
    ("controllerrevisions", 302), ("controllerrevisions", 303), ("controllerrevisions", 311),
    # nodes, as fake-node tools write them and controllers taint them: taints, pod CIDRs (podCIDR and podCIDRs
    # both ways, fixed once set), the provider ID, capacity (allocatable defaulted from it) and addresses through
    # /status; a write to the node validated as new and as an update, with the stored status (nothing was before)
    ("nodes", 1), ("nodes", 2),
    # two pod CIDRs, one that does not parse: the dual-stack check's own internal error besides (302 differed)
    ("nodes", 302),
    # an apply naming nothing of the spec it applied before: prune leaves what nobody owns (the pod CIDRs the
    # strategy derived) where it emptied the struct (311 differed)
    ("nodes", 311),
    # and their CSINodes (drivers named once, node IDs, counts, topology keys; a driver fixed but for its count)
    ("csinodes", 1), ("csinodes", 2),
    # IP addresses, as allocators write them: the name an IP in canonical form, the parent referred to, fixed
    ("ipaddresses", 3), ("ipaddresses", 2),
    # certificate signing requests as a requestor, an approver and a signer write them: the request's PEM and
    # signature, usages, signers, durations; /approval's conditions and their times, /status's certificate, the
    # spec immutable (every create of a damaged request was stored, every /approval a 404, before)
    ("certificatesigningrequests", 3), ("certificatesigningrequests", 12),
    # APIServices, local and an extension apiserver's: the name against the spec, priorities, Service references,
    # TLS settings, the decoder's refusals, Go's order and the port's default, a local one available from its
    # create, a PUT without a resourceVersion refused, /status's conditions (a time left out null, and so its
    # writer's) (nothing was validated before, and seeds differed in 1 to 11 answers; pinned: seeds whose
    # request after an extension apiserver's write is not a read, as the real controller judges it a moment
    # later and a replay at once)
    ("apiservices", 4), ("apiservices", 10),
    # a scheduler's bindings, through the subresource and the legacy collection: the node's topology labels copied,
    # the Binding's refusals (a 500 for an invalid target), its preconditions (the legacy one's uid wiped, a dry
    # run's key without etcd's prefix), pods bound already or gated; a gated pod's condition, a nominated node
    # refused on a bound pod, a node's not-ready taint (nothing was served before: every binding was a 404)
    ("bindings", 2), ("bindings", 7), ("bindings", 12),
    # in-place pod resizes through pods/NAME/resize: resources and resize policies taken, the rest kept; QoS,
    # resources other than cpu and memory, removed requests, container changes and nodes without resize refused
    # (nothing was served before)
    ("resize", 9), ("resize", 13),
    # kubectl debug's ephemeral containers through pods/NAME/ephemeralcontainers: only they taken, each validated
    # (the fields it may not set, its name, its target, sub-paths), those there neither removed nor changed (Go's
    # diff); nothing was served before
    ("ephemeralcontainers", 4), ("ephemeralcontainers", 24),
    # a kubelet's pods/NAME/status writes: conditions, generations, containers terminated and running again, IPs,
    # claim statuses, users; what the status strategy keeps of the stored status (an observed generation cleared,
    # after the field manager saw it go) (12 and 7 answers differed before)
    ("podstatus", 12), ("podstatus", 20),
    # service account tokens (serviceaccounts/NAME/token): the request's name, namespace and uid, expirations,
    # bound pods, secrets and nodes looked up and matched (the tokens themselves aside); nothing was served before
    ("tokens", 2), ("tokens", 38),
    # who may do what: roles and bindings of users, groups and service accounts (to roles missing too), access
    # reviews about them, allowed and not, and requests made as them, allowed and refused, roles and bindings
    # among them granting more than they hold (RBAC's escalation check) (SubjectAccessReview and
    # LocalSubjectAccessReview were not served before, and every client was the administrator)
    ("access", 14), ("access", 20),
    # one autoscaler through autoscaling/v2 and autoscaling/v1: other metrics, behavior, current metrics and
    # conditions carried in v1's annotations both ways, v1's default CPU target, a v1 write validated before v2's
    # defaults (and a dry run's answer read back with them), the status's annotations kept by a spec write, a
    # metric's described object without an API group, managers compared in their own version (v1 was not served
    # before, and a behavior's rules were not validated)
    ("hpaversions", 1), ("hpaversions", 9), ("hpaversions", 11), ("hpaversions", 23), ("hpaversions", 25),
    # a v1 create's status annotations owned by its manager (the field manager sees the status they carry before
    # the strategy resets it; 10, 2 and 5 answers differed), a v2 apply by a manager that wrote through v1 comes
    # back through v1 with its CPU metric last (prune converts to each manager's version; 1 differed)
    ("hpaversions", 308), ("hpaversions", 313), ("hpaversions", 315), ("hpaversions", 328),
    # the others' fields compared with an apply's merge before defaults (a v1 updater loses the CPU target an
    # apply of no metrics removes, though defaults put one back); a write through v1 of what v1 cannot show (a
    # current metric's missing average value) a new version, stored as v1's zero (9 and 6 answers differed)
    ("hpaversions", 344), ("hpaversions", 342),
    # quantities sent again in other texts: the field manager compares Go values in lists it takes whole, the
    # strategy counts a generation by amounts (`1e0` is `1`; 9 and 2 answers differed)
    ("quantitytexts", 2), ("quantitytexts", 5),
    # and through /status: a pod's container statuses, an autoscaler's current metrics (6 and 4 answers differed)
    ("statustexts", 1), ("statustexts", 5),
    # mutating admission policies and their bindings: the mutations, reinvocation policy, operations a mutation can
    # meet, the policy named, the name suffix only static manifests may use (9 to 34 answers differed before)
    ("mutatingadmissionpolicies", 8), ("mutatingadmissionpolicies", 9), ("mutatingadmissionpolicybindings", 5),
    ("mutatingadmissionpolicybindings", 10),
    # DRA claims and their templates: a request's defaults (an exact count of one), its name, kind, class, mode
    # and count, tolerations, constraints and configuration naming the claim's requests; the spec fixed (a
    # template's printed as its internal type); an allocation set once, naming the claim's requests (16 to 40
    # answers differed)
    ("resourceclaims", 8), ("resourceclaims", 9), ("resourceclaimtemplates", 3), ("resourceclaimtemplates", 5),
    # a DRA driver's ResourceSlices: driver, pool, where the devices are, their names, attributes (a list value
    # gated off, dropped) and taints (the time added set by the server), fixed fields on update (20 to 44 answers
    # differed before); DeviceTaintRules: the devices selected, the taint, an update only with a resourceVersion
    # (24 to 45 differed)
    ("resourceslices", 2), ("resourceslices", 12), ("devicetaintrules", 1),
    ("devicetaintrules", 7),
    # StorageVersionMigrations: the resource migrated (fixed, printed as the internal struct), the migrator's
    # status (a resourceVersion fixed once set, conditions by metav1's rules, Succeeded and Failed not both nor
    # taken back; a condition reason's message now with its examples and regex) (14 to 33 differed before)
    ("storageversionmigrations", 8), ("storageversionmigrations", 12),
    # a resize that adds or removes containers is validated with the status the client sent (dropNonResizeUpdates
    # gives up before taking the stored one): the QoS refusal quotes an empty class (a regression of this
    # session's status kept before validation, found by the next scan; 2 answers differed)
    ("resize", 386),
    # custom resources (an operator's definition: tests/random_writes.py WIDGETS_CRD): empty lists and maps in
    # their metadata gone as from ObjectMeta, a schema error that keeps the CEL rules from running said so, a
    # write through /status checked on the status by its own schema, a Scale without spec replicas unreadable
    # and a CEL rule's failure names a scalar's value (each of these seeds differed before)
    ("widgets", 4), ("widgets", 1), ("widgets", 11), ("widgets", 5), ("widgets", 7),
    # DeviceClasses: selectors given, opaque configurations (a driver in declarative validation's words: its
    # length in characters), the extended resource's name (14 to 36 answers differed before)
    ("deviceclasses", 1), ("deviceclasses", 9),
])
def test_a_random_write_sequence_on_a_kind_gets_the_real_apiservers_answers(
        realkube: RealKube, watchproxy: Callable[..., Replay], tmp_path: Path, kind: str, seed: int) -> None:
    ns = f"random-{kind}-{seed}"
    real_server, replay = rawhttp.real_and_replay(realkube, watchproxy, tmp_path, ns)
    sequence = SEQUENCES[kind](seed, 40)
    # (bindings: the node first, until admission sees it, the sequence's own create then a 409; custom resources:
    # their definition)
    if (ready := random_writes.prerequisite(SEQUENCES[kind])) is not None:
        for server in (real_server, replay):
            until(lambda server=server: ready(server, ns), 30, "what the sequence needs")
    probe = random_writes.settler(SEQUENCES[kind], real_server, ns)  # (a replay's controllers act at once)
    real = random_writes.run(real_server, ns, sequence, probe=probe)
    emulated = random_writes.run(replay, ns, sequence)
    assert _differences(real, emulated) == []
    assert {200, 201, 404, 409} <= {code for _, code, _, _ in real}  # refusals as well as writes
    assert kind != "deployments" or any("conflict with" in str(a[2]) for a in real)  # and apply conflicts


@pytest.mark.parametrize(("kind", "seed"), [
    ("configmaps", 1), ("deployments", 1), ("deployments", 4), ("deployments", 7), ("pods", 1), ("services", 1),
    ("daemonsets", 6),
    ("jobs", 4), ("persistentvolumeclaims", 1), ("namespaces", 5), ("namespaces", 10), ("statefulsets", 2),
    ("clusterroles", 1), ("bindings", 2), ("resize", 11), ("ephemeralcontainers", 23), ("tokens", 7),
    # a /finalize PUT compared as sent, before the storage puts the deletionTimestamp back: its manager (here
    # before-first-apply, from an apply to a Terminating namespace nobody managed) loses it (4 answers differed)
    ("namespaces", 821),
    # a Service made ExternalName keeps in storage the internalTrafficPolicy every read drops, so a later PUT
    # without it takes it from its manager (2 answers differed)
    ("clusterips", 305),
    # an approval that sends no conditions, or an empty list, owns none (the unstructured converter omits an
    # empty list as encoding/json does; 15 answers differed)
    ("certificatesigningrequests", 601),
])
def test_written_objects_carry_the_managed_fields_the_real_apiserver_writes(
        realkube: RealKube, watchproxy: Callable[..., Replay], tmp_path: Path, kind: str, seed: int) -> None:
    """managedFields as the field manager writes them: creates, updates and the three patch types (Update
    entries, the fields each added or changed, taken from the others), applies (what the configuration sets),
    /status, /scale (only where replicas had a manager) and /finalize, what admission and the strategies add
    owned by nobody, a DaemonSet's template generation as its internal type shows it; dry runs' answers too.
    Every answer that is an object compared, times aside."""
    ns = f"managed-{kind}-{seed}"
    real_server, replay = rawhttp.real_and_replay(realkube, watchproxy, tmp_path, ns)
    sequence = (random_writes.ops if kind == "configmaps" else SEQUENCES[kind])(seed, 40)
    real, emulated = random_writes.run(real_server, ns, sequence, raw=True), \
        random_writes.run(replay, ns, sequence, raw=True)
    compared = [(r[0], random_writes.managed_fields(r[2]), random_writes.managed_fields(e[2]))
                for r, e in zip(real, emulated, strict=True) if r[1] < 300]
    assert [c for c in compared if c[1] != c[2]] == []
    assert sum(1 for c in compared if any(c[1] or [])) >= 5  # objects with managedFields, not only Statuses


def _differences(real: list[tuple[str, int, Any, list[str]]], emulated: list[tuple[str, int, Any, list[str]]]
                 ) -> list[tuple[int, Any, Any]]:
    """The answers that differ, but for what differs by nature: the causes of a 409 with several conflicts,
    of a custom resource's 422 (its schema's properties are checked in Go's map order) and the errors of an
    applied configuration that cannot be typed come in an order of their own (compared as a set)."""
    def comparable(answer: tuple[str, int, Any, list[str]]) -> Any:
        what, code, doc, warnings = answer
        details = doc.get("details", {}) if isinstance(doc, dict) else {}
        if "causes" in details and (code == 409 or (code == 422 and is_custom_group(details.get("group", "")))):
            doc = {**doc, "message": "", "details": sorted(map(str, details["causes"]))}
        message = doc.get("message") if isinstance(doc, dict) else None
        if code == 500 and isinstance(message, str) and "errors:\n" in message:  # (typing walks a Go map's fields)
            head, _, errors = message.partition("errors:\n")
            doc = {**doc, "message": head + "errors:\n" + "\n".join(sorted(errors.split("\n")))}
        return what, code, doc, warnings
    return [(i, r, e) for i, (r, e) in enumerate(zip(map(comparable, real), map(comparable, emulated), strict=True))
            if r != e]


def test_an_apply_to_a_recorded_object_conflicts_with_the_managers_its_managed_fields_name(
        realkube: RealKube, watchproxy: Callable[..., Replay], tmp_path: Path) -> None:
    """A replay takes a recorded object's owners from its managedFields: the apply that conflicts on the
    cluster conflicts in the replay too, in the same words."""
    ns, token = "recorded-owners", realkube.token_file.read_text().strip()
    rawhttp.call(realkube.url, token, "POST", "/api/v1/namespaces", json.dumps({"metadata": {"name": ns}}).encode())
    cms = f"/api/v1/namespaces/{ns}/configmaps"
    made = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}, "data": {"mode": "a", "keep": "k"}}
    code, created, _ = rawhttp.call(realkube.url, token, "POST", f"{cms}?fieldManager=creator",
                                    json.dumps(made).encode())
    assert code == 201 and created["metadata"]["managedFields"][0]["manager"] == "creator"
    b = RecordingBuilder(tmp_path / "recorded.msgpack")
    b.list(0.0, int(created["metadata"]["resourceVersion"]), [created], path=cms, kind="ConfigMapList")
    replay = watchproxy(b.write())
    applied = b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  mode: b\n  keep: k\n"
    answers = [rawhttp.call(base, tok, "PATCH", f"{cms}/c?fieldManager=me", applied, random_writes.APPLY)[:2]
               for base, tok in ((realkube.url, token), (replay.url, ""))]
    assert answers[0] == answers[1]
    assert answers[0][0] == 409 and answers[0][1]["message"] == \
        'Apply failed with 1 conflict: conflict with "creator" using v1: .data.mode'


def test_an_apply_to_an_object_nobody_manages_meets_before_first_apply(
        realkube: RealKube, watchproxy: Callable[..., Replay], tmp_path: Path) -> None:
    """An object whose managedFields were cleared (one empty entry) is managed by nobody; the first apply to it
    finds everything it holds owned by `before-first-apply`: a change conflicts, the same values are shared."""
    ns = "nobody-manages"
    real_server, replay = rawhttp.real_and_replay(realkube, watchproxy, tmp_path, ns)

    def apply(manager: str, data: dict[str, str], force: bool = False) -> random_writes.Op:
        body = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}, "data": data}
        query = f"fieldManager={manager}" + ("&force=true" if force else "")
        return random_writes.Op("PATCH", "/configmaps/c", query, json.dumps(body), random_writes.APPLY)

    sequence = [random_writes.Op("POST", "/configmaps", "", {"metadata": {"name": "c"}, "data": {"a": "1", "b": "1"}}),
                random_writes.Op("PATCH", "/configmaps/c", "", {"metadata": {"managedFields": [{}]}},
                                 random_writes.MERGE),
                apply("ap", {"a": "2"}), apply("ap", {"a": "1", "c": "3"}), apply("ap", {"c": "3"}),
                apply("ap", {"b": "2"}, force=True), random_writes.Op("GET", "/configmaps/c")]
    real, emulated = (random_writes.run(server, ns, sequence, raw=True) for server in (real_server, replay))
    assert [code for _, code, _, _ in real] == [201, 200, 409, 200, 200, 200, 200]
    assert "before-first-apply" in real[2][2]["message"] and not real[1][2]["metadata"].get("managedFields")
    owners = [[e["manager"] for e in (random_writes.managed_fields(doc) or [[]])[0]] for _, _, doc, _ in real]
    assert owners[3:] == [["ap", "before-first-apply"]] * 4  # a stays before-first-apply's, b is taken by force
    assert real[-1][2]["data"] == {"a": "1", "b": "2"}  # c, which only ap applied, pruned
    def compared(answers: list[tuple[str, int, Any, list[str]]]) -> list[Any]:
        return [(w, c, random_writes.reduce(d), random_writes.managed_fields(d)) for w, c, d, _ in answers]
    assert compared(emulated) == compared(real)


def test_an_apply_that_prunes_what_defaulting_puts_back_is_a_change_of_its_appliers(
        realkube: RealKube, watchproxy: Callable[..., Replay], tmp_path: Path) -> None:
    """Updater.Apply compares the merge with the live object before the defaults: an apply that only drops
    a field its manager alone set, to its default value, changes nothing stored but stamps the applier's time;
    one that adds nothing new does not (found by a bent write scan of PodTemplates, seed 312)."""
    ns = "pruned-default"
    real_server, replay = rawhttp.real_and_replay(realkube, watchproxy, tmp_path, ns)

    def apply(manager: str, **spec: Any) -> random_writes.Op:
        body = {"apiVersion": "v1", "kind": "PodTemplate", "metadata": {"name": "t"}, "template": {
            "metadata": {"labels": {"app": "y"}}, "spec": {"containers": [{"name": "c", "image": "nginx"}], **spec}}}
        return random_writes.Op("PATCH", "/podtemplates/t", f"fieldManager={manager}", json.dumps(body),
                                random_writes.APPLY)
    sequence = [apply("ap2", activeDeadlineSeconds=30), apply("ap1", restartPolicy="Always"),
                apply("ap1", activeDeadlineSeconds=30)]
    real, emulated = (random_writes.run(server, ns, sequence, raw=True) for server in (real_server, replay))
    times = [[(e["manager"], "time" in e) for e in random_writes.managed_fields(doc)[0]] for _, _, doc, _ in real]
    assert times == [[("ap2", True)], [("ap1", False), ("ap2", True)], [("ap1", True), ("ap2", True)]]
    assert [random_writes.managed_fields(d) for _, _, d, _ in emulated] == \
        [random_writes.managed_fields(d) for _, _, d, _ in real]


def test_an_object_its_type_does_not_fit_keeps_its_managers_and_an_apply_to_it_unmanaged_is_refused(
        realkube: RealKube, watchproxy: Callable[..., Replay], tmp_path: Path) -> None:
    """A ServiceAccount's secret without its list's key (`name`) is stored, but structured-merge-diff cannot type
    it: an update keeps the live object's managedFields (UpdateNoErrors, 1.37: it dropped them before), a create
    has none, and an apply to an object nobody manages is the 500 of the manager skipNonApplied would make of it
    (found by a bent write scan of ServiceAccounts, seeds 381 and 383)."""
    ns = "unfit-managers"
    real_server, replay = rawhttp.real_and_replay(realkube, watchproxy, tmp_path, ns)

    def applied(name: str, manager: str, **fields: Any) -> random_writes.Op:
        body = {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": name}, **fields}
        return random_writes.Op("PATCH", f"/serviceaccounts/{name}", f"fieldManager={manager}", json.dumps(body),
                                random_writes.APPLY)
    sequence = [applied("a", "ap1", secrets=[{"name": "s"}]),
                random_writes.Op("PATCH", "/serviceaccounts/a", "", {"secrets": [{}]}, random_writes.MERGE),
                random_writes.Op("GET", "/serviceaccounts/a"),
                random_writes.Op("POST", "/serviceaccounts", "", {"metadata": {"name": "b"}, "secrets": [{"a": None}]}),
                applied("b", "ap2", automountServiceAccountToken=True),
                applied("a", "ap2", automountServiceAccountToken=True)]
    real, emulated = (random_writes.run(server, ns, sequence, raw=True) for server in (real_server, replay))
    assert [c for _, c, _, _ in real] == [201, 200, 200, 201, 500, 500]

    def compared(answers: list[tuple[str, int, Any, list[str]]]) -> list[Any]:
        return [(w, c, random_writes.reduce(d), random_writes.managed_fields(d)) for w, c, d, _ in answers]
    assert compared(emulated) == compared(real)


def test_an_apply_is_refused_and_owns_fields_as_on_the_real_apiserver(
        realkube: RealKube, watchproxy: Callable[..., Replay], tmp_path: Path) -> None:
    """What an applied configuration may not hold (managedFields, another type, another uid), a resourceVersion
    as a precondition, and applies through /scale, whose managers are those of the replicas (a conflict with
    the main resource's applier, a forced take-over, the scale applier conflicting with the next): codes,
    answers and managedFields compared. So are a PUT naming another uid (the storage's precondition) and a merge
    patch changing it (immutable)."""
    ns = "apply-edges"
    real_server, replay = rawhttp.real_and_replay(realkube, watchproxy, tmp_path, ns)
    uid = "00000000-0000-0000-0000-000000000000"

    def cm(meta: dict[str, Any] | None = None, query: str = "fieldManager=m", **body: Any) -> random_writes.Op:
        doc = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c1", **(meta or {})}, **body}
        return random_writes.Op("PATCH", "/configmaps/c1", query, json.dumps(doc), random_writes.APPLY)

    template = {"metadata": {"labels": {"app": "d"}}, "spec": {"containers": [{"name": "c", "image": "nginx"}]}}
    spec = {"replicas": 1, "selector": {"matchLabels": {"app": "d"}}, "template": template}

    def deployment(query: str, **changes: Any) -> random_writes.Op:
        doc = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d"},
               "spec": {k: v for k, v in {**spec, **changes}.items() if v is not None}}
        return random_writes.Op("PATCH", "/deployments/d", query, json.dumps(doc), random_writes.APPLY)

    def scale(replicas: int, query: str) -> random_writes.Op:
        doc = {"apiVersion": "autoscaling/v1", "kind": "Scale", "metadata": {"name": "d"},
               "spec": {"replicas": replicas}}
        return random_writes.Op("PATCH", "/deployments/d/scale", query, json.dumps(doc), random_writes.APPLY)

    sequence = [
        cm(data={"a": "1"}), cm({"managedFields": [{"manager": "x", "operation": "Apply"}]}, data={"a": "1"}),
        cm(kind="Secret", data={"a": "1"}), cm({"resourceVersion": "1"}, data={"a": "2"}),
        cm({"uid": uid}, data={"a": "1"}), cm(query="fieldManager=m&dryRun=All", data={"a": "5"}),
        random_writes.Op("PATCH", "/configmaps/c1", "", {"metadata": {"uid": uid}}, random_writes.MERGE),
        random_writes.Op("PUT", "/configmaps/c1", "", {"metadata": {"name": "c1", "uid": uid}, "data": {"a": "3"}},
                         rv="last"),
        random_writes.Op("PATCH", "/configmaps/c1", "", {"metadata": {"creationTimestamp": "2020-01-01T00:00:00Z"}},
                         random_writes.MERGE),
        deployment("fieldManager=m"), scale(3, "fieldManager=s"), scale(3, "fieldManager=s&force=true"),
        random_writes.Op("GET", "/deployments/d"), scale(4, "fieldManager=s"), scale(1, "fieldManager=s2"),
        deployment("fieldManager=m", replicas=2), deployment("fieldManager=m", replicas=None),
        scale(6, "fieldManager=s3"), random_writes.Op("GET", "/deployments/d")]
    real, emulated = (random_writes.run(server, ns, sequence, raw=True) for server in (real_server, replay))
    assert [code for _, code, _, _ in real] == [201, 400, 400, 409, 422, 200, 422, 409, 200,
                                                201, 409, 200, 200, 200, 409, 409, 200, 409, 200]

    def compared(answers: list[tuple[str, int, Any, list[str]]]) -> list[Any]:
        return [(w, c, random_writes.reduce(d), random_writes.managed_fields(d), warn) for w, c, d, warn in answers]
    assert compared(emulated) == compared(real)


def test_an_apply_that_adds_an_empty_list_changed_the_object_and_has_a_time(
        realkube: RealKube, watchproxy: Callable[..., Replay], tmp_path: Path) -> None:
    """The field manager sees the merge before the decoder drops an empty list it added: to it the object
    changed, so the applier's entry has a time, though the object stored is the same."""
    ns = "apply-empty-list"
    real_server, replay = rawhttp.real_and_replay(realkube, watchproxy, tmp_path, ns)
    applied = {"apiVersion": "v1", "kind": "Endpoints", "metadata": {"name": "ep"}, "subsets": []}
    sequence = [random_writes.Op("POST", "/endpoints", "", {"metadata": {"name": "ep"}}),
                *(random_writes.Op("PATCH", "/endpoints/ep", f"fieldManager={m}", json.dumps(applied),
                                   random_writes.APPLY) for m in ("a", "b")),
                random_writes.Op("GET", "/endpoints/ep")]
    real, emulated = (random_writes.run(server, ns, sequence, raw=True) for server in (real_server, replay))
    assert [random_writes.managed_fields(d) for *_, d, _ in emulated] == \
        [random_writes.managed_fields(d) for *_, d, _ in real]
    assert any("time" in e and e["manager"] == "a" for e in real[-1][2]["metadata"]["managedFields"])


def test_an_applied_configuration_its_types_refuse_gets_the_real_apiservers_answers(
        realkube: RealKube, watchproxy: Callable[..., Replay], tmp_path: Path) -> None:
    """An apply body that is no object; a configuration structured-merge-diff cannot type (its 500 words the
    value as Go's %v and %#v print it); one the unstructured converter cannot turn into the Go type once
    merged (a fraction for an integer, bad base64, a quantity, a time, an int-or-string); one without a name;
    and the same values in a POST, where encoding/json refuses them naming the embedded struct they sit in."""
    ns = "apply-typing"
    real_server, replay = rawhttp.real_and_replay(realkube, watchproxy, tmp_path, ns)

    def ap(path: str, doc: Any, query: str = "fieldManager=m") -> random_writes.Op:
        return random_writes.Op("PATCH", path, query, doc if isinstance(doc, str) else json.dumps(doc),
                                random_writes.APPLY)

    def cm(**fields: Any) -> dict[str, Any]:
        return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c1"}, **fields}

    pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
           "spec": {"containers": [{"name": "c", "image": "i"}]}}

    def ctr(**fields: Any) -> dict[str, Any]:
        return {**pod, "spec": {"containers": [{"name": "c", "image": "i", **fields}]}}

    port = {"httpGet": {"port": 1.5}}
    sequence = [
        *(random_writes.Op("POST", "/pods", "", body) for body in (
            ctr(livenessProbe={"httpGet": {"path": 5}}), ctr(livenessProbe=port),
            ctr(livenessProbe={"httpGet": {"port": True}}), ctr(resources={"limits": {"cpu": True}}),
            {**pod, "spec": {**pod["spec"], "activeDeadlineSeconds": 0}})),
        *(ap("/configmaps/c1", text) for text in ("", "5", '"x"', "- a\n")),
        ap("/configmaps/c1", cm(), ""), ap("/configmaps/c1", {"apiVersion": "v1", "kind": "ConfigMap"}),
        *(ap("/configmaps/c1", cm(**fields)) for fields in (
            {"data": {"a": 1000000}}, {"data": {"a": {"b": [1, "x", None, True]}}}, {"data": ["x"]},
            {"immutable": "yes"}, {"metadata": {"name": "c1", "labels": {"a": 1}}},
            {"metadata": {"name": "c1", "finalizers": [None]}}, {"metadata": {"name": "c1", "finalizers": [{}]}},
            *({"metadata": {"name": "c1", "creationTimestamp": t}} for t in ("x", 5)))),
        ap("/secrets/s1", {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s1"}, "data": {"a": "!!!"}}),
        *(ap("/pods/p", body) for body in (
            ctr(resources={"limits": {"cpu": "abc"}}), ctr(resources={"limits": {"cpu": {"a": 1}}}),
            ctr(ports=[None]), ctr(ports=["x"]), ctr(ports=[{"containerPort": 80}, {"containerPort": 80}]),
            ctr(ports=[{"containerPort": 1.5}]), ctr(ports=[{"containerPort": "x"}]), ctr(livenessProbe=port),
            ctr(livenessProbe={"httpGet": {"port": [1]}}), {**pod, "spec": "x"}, {**pod, "metadata": "x"},
            {**pod, "spec": {**pod["spec"], "tolerations": [{"key": "k", "tolerationSeconds": 2.5}]}},
            ctr(ports=[{"containerPort": 80.0}]))),
        ap("/deployments/d", {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d"}, "spec": {
            "selector": {"matchLabels": {"a": "b"}}, "template": {"metadata": {"labels": {"a": "b"}},
                                                                  "spec": pod["spec"]}}}),
        ap("/deployments/d/scale", {"apiVersion": "autoscaling/v1", "kind": "Scale", "metadata": {"name": "d"},
                                    "spec": {"replicas": "x"}}),
    ]
    real, emulated = (random_writes.run(server, ns, sequence, raw=True) for server in (real_server, replay))
    assert [code for _, code, _, _ in real] == [400] * 4 + [422] + [400] * 4 + [422, 400] + [500] * 22 \
        + [201, 201, 500]

    def compared(answers: list[tuple[str, int, Any, list[str]]]) -> list[Any]:
        return [(w, c, random_writes.reduce(d)) for w, c, d, _ in answers]
    assert compared(emulated) == compared(real)


def test_what_a_client_sets_in_metadata_is_kept_checked_or_dropped_as_on_the_real_apiserver(
        realkube: RealKube, watchproxy: Callable[..., Replay], tmp_path: Path) -> None:
    """ObjectMeta a client writes itself: a resourceVersion on a create (the storage's 500), a uid, times and
    a generation on a kind whose strategy leaves it (kept, and never changed by a write after), a selfLink
    (dropped), owner references (their four names, one controller), annotations over 256 KiB, finalizers added
    while the object is being deleted; the generation a deletion's mark bumps."""
    ns = "client-metadata"
    real_server, replay = rawhttp.real_and_replay(realkube, watchproxy, tmp_path, ns)
    owner = {"apiVersion": "v1", "kind": "ConfigMap", "name": "c1", "uid": "u1"}

    def cm(name: str, **meta: Any) -> random_writes.Op:
        return random_writes.Op("POST", "/configmaps", "", {"metadata": {"name": name, **meta}, "data": {"a": "1"}})

    def patch(body: dict[str, Any], content_type: str = random_writes.MERGE) -> random_writes.Op:
        return random_writes.Op("PATCH", "/configmaps/c3", "", body, content_type)

    sequence = [
        cm("c1", resourceVersion="5"), cm("c2", uid="00000000-0000-0000-0000-000000000000"),
        cm("c3", creationTimestamp="2020-01-01T00:00:00Z", generation=5, selfLink="/x"),
        cm("c4", deletionTimestamp="2020-01-01T00:00:00Z", deletionGracePeriodSeconds=3),
        cm("c5", ownerReferences=[owner]),
        cm("c6", ownerReferences=[{**owner, "controller": True},
                                  {**owner, "name": "c2", "uid": "u2", "controller": True}]),
        cm("c7", ownerReferences=[{"apiVersion": "v1", "kind": "ConfigMap", "name": "c1"}]),
        cm("c8", ownerReferences=[{"apiVersion": "a/b/c", "kind": "", "name": "x", "uid": "u"}]),
        cm("c9", ownerReferences=[{"apiVersion": "v1", "kind": "Event", "name": "e", "uid": "u"}]),
        cm("c10", annotations={"a": "x" * 300_000}),
        patch({"metadata": {"generation": 9, "selfLink": "/y"}}),
        patch({"metadata": {"ownerReferences": [owner]}}, random_writes.SMP),
        patch({"metadata": {"ownerReferences": [{"$patch": "delete", "uid": "u1"}]}}, random_writes.SMP),
        patch({"metadata": {"finalizers": ["x/y"]}}), random_writes.Op("DELETE", "/configmaps/c3"),
        patch({"metadata": {"finalizers": ["x/y", "x/z"]}}), patch({"metadata": {"deletionTimestamp": None}}),
        patch({"metadata": {"finalizers": None}}), random_writes.Op("GET", "/configmaps/c3")]
    real, emulated = (random_writes.run(server, ns, sequence, raw=True) for server in (real_server, replay))
    assert [code for _, code, _, _ in real] == [500, 201, 201, 201, 201, 422, 422, 422, 422, 422,
                                                200, 200, 200, 200, 200, 422, 200, 200, 404]

    def compared(answers: list[tuple[str, int, Any, list[str]]]) -> list[Any]:
        return [(w, c, random_writes.reduce(d), random_writes.managed_fields(d), warn) for w, c, d, warn in answers]
    assert compared(emulated) == compared(real)


def test_a_scale_write_takes_replicas_only_from_an_owner(
        realkube: RealKube, watchproxy: Callable[..., Replay], tmp_path: Path) -> None:
    """Replicas nobody set (the default) stay nobody's after a /scale write: the scale subresource's field
    manager sees only the owners of replicas, and with none it tracks nothing. Once an applier owns them,
    the next /scale write takes them, and the applier's next apply of another number conflicts."""
    ns = "scale-owners"
    real_server, replay = rawhttp.real_and_replay(realkube, watchproxy, tmp_path, ns)
    path = "/deployments/d"
    template = {"selector": {"matchLabels": {"app": "d"}}, "template": {"metadata": {"labels": {"app": "d"}},
                "spec": {"containers": [{"name": "c", "image": "nginx:1.27"}]}}}

    def apply(manager: str, spec: dict[str, Any]) -> random_writes.Op:
        body = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d"}, "spec": spec}
        return random_writes.Op("PATCH", path, f"fieldManager={manager}", json.dumps(body), random_writes.APPLY)

    scale = random_writes.Op("PATCH", f"{path}/scale", "", {"spec": {"replicas": 2}}, random_writes.MERGE)
    sequence = [apply("ap2", template), scale, apply("ap1", {"replicas": 4}), scale,
                apply("ap1", {"replicas": 5})]
    real = random_writes.run(real_server, ns, sequence)
    assert [code for _, code, _, _ in real] == [201, 200, 200, 200, 409]
    assert random_writes.run(replay, ns, sequence) == real


def test_a_load_balancers_status_gets_the_real_apiservers_answers(
        realkube: RealKube, watchproxy: Callable[..., Replay], tmp_path: Path) -> None:
    """Its addresses: an IP (defaulted to ipMode VIP; no leading zeros, no IPv4-mapped IPv6), an IP mode only with
    an IP, a host name that is a DNS name and not an IP."""
    ns = "load-balancer-status"
    real_server, replay = rawhttp.real_and_replay(realkube, watchproxy, tmp_path, ns)
    service = {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "lb"},
               "spec": {"type": "LoadBalancer", "ports": [{"port": 80}]}}
    sequence = [random_writes.Op("POST", "/services", "", service)]
    for ingress in ([{"ip": "1.2.3.4"}], [{"ip": "bad"}], [{"ip": "1.2.3.4", "ipMode": "Proxy"}],
                    [{"hostname": "h.example.com", "ipMode": "VIP"}], [{"ip": "1.2.3.4", "ipMode": "Weird"}],
                    [{"ip": "010.1.2.3"}], [{"hostname": "1.2.3.4"}], [{"hostname": "Bad_H"}],
                    [{"ip": "::ffff:1.2.3.4"}], []):
        sequence += [random_writes.Op("PATCH", "/services/lb/status", "",
                                      {"status": {"loadBalancer": {"ingress": ingress}}}, random_writes.MERGE),
                     random_writes.Op("GET", "/services/lb/status")]
    real = random_writes.run(real_server, ns, sequence)
    assert [code for _, code, _, _ in real].count(422) == 7
    assert random_writes.run(replay, ns, sequence) == real


def test_refusals_print_the_apiservers_internal_types(
        realkube: RealKube, watchproxy: Callable[..., Replay], tmp_path: Path) -> None:
    """An invalid strategy, both budgets of a PDB, a changed role reference: each refusal prints the value as
    Go's internal struct (proxy/apiserver/internal.py), a rolling update the client sent included."""
    ns = "internal-types"
    real_server, replay = rawhttp.real_and_replay(realkube, watchproxy, tmp_path, ns)

    def workload(kind: str, name: str, **spec: Any) -> dict[str, Any]:
        return random_writes.workload(kind, name, "x", **spec)
    binding = {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding", "metadata": {"name": "rb"},
               "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "r"},
               "subjects": [{"kind": "User", "name": "u"}]}
    op = random_writes.Op
    sequence = [
        op("POST", "/deployments", "", workload("Deployment", "d", strategy={"type": "Foo", "rollingUpdate": {
            "maxSurge": 2}})),
        op("POST", "/statefulsets", "", workload("StatefulSet", "s", serviceName="x", updateStrategy={
            "type": "Foo", "rollingUpdate": {"partition": 2}})),
        op("POST", "/statefulsets", "", workload("StatefulSet", "s2", serviceName="x", updateStrategy={
            "type": "OnDelete", "rollingUpdate": {"maxUnavailable": "50%"}})),
        op("POST", "/daemonsets", "", workload("DaemonSet", "ds", updateStrategy={"type": "Foo", "rollingUpdate": {
            "maxSurge": 1}})),
        op("POST", "/poddisruptionbudgets", "", {
            "apiVersion": "policy/v1", "kind": "PodDisruptionBudget", "metadata": {"name": "p"},
            "spec": {"minAvailable": 1, "maxUnavailable": "50%", "selector": {"matchLabels": {"app": "a"}}}}),
        op("POST", "/rolebindings", "", binding),
        op("PUT", "/rolebindings/rb", "", {**binding, "roleRef": {**binding["roleRef"], "kind": "ClusterRole"}}),
    ]
    real = random_writes.run(real_server, ns, sequence)
    assert [code for _, code, _, _ in real] == [422, 422, 422, 422, 422, 201, 422]
    assert '{"Type":"Foo","RollingUpdate":{"MaxUnavailable":0,"MaxSurge":2}}' in real[0][2]["message"]
    assert random_writes.run(replay, ns, sequence) == real


def test_an_event_is_one_object_through_both_event_apis(
        realkube: RealKube, watchproxy: Callable[..., Replay], tmp_path: Path) -> None:
    """An event recorded through events.k8s.io/v1 (controller-runtime's recorder) is what `kubectl get events`
    and `kubectl describe` list through core/v1, and the other way round: each API's fields and field
    selectors, a series patched through one and read through the other, a delete through either."""
    ns = "two-event-apis"
    token = realkube.token_file.read_text().strip()
    real_server = (realkube.url, token)
    rawhttp.call(*real_server, "POST", "/api/v1/namespaces", json.dumps({"metadata": {"name": ns}}).encode())
    start = rawhttp.call(*real_server, "GET", f"/api/v1/namespaces/{ns}/events")[1]["metadata"]["resourceVersion"]
    b = RecordingBuilder(tmp_path / "empty.msgpack")
    b.list(0.0, 100, [], path=f"/api/v1/namespaces/{ns}/events", kind="EventList")
    played = watchproxy(b.write())
    replay = (played.url, "")
    op, new = random_writes.Op, random_writes.new_event
    series = {"series": {"count": 2, "lastObservedTime": "2026-12-03T10:01:00.000000Z"}}
    sequence = [
        op("POST", "/newevents", "", new("p.1")), op("POST", "/events", "", random_writes.event("p.2", "{ns}")),
        op("GET", "/events/p.1"), op("GET", "/newevents/p.2"),
        op("GET", "/events", "fieldSelector=involvedObject.name%3Dp%2Creason%3DSynced"),
        op("GET", "/events", "fieldSelector=source%3Dexample.com/ctl"),
        op("GET", "/newevents", "fieldSelector=regarding.name%3Dp"),
        op("GET", "/newevents", "fieldSelector=involvedObject.name%3Dp"),
        op("PATCH", "/newevents/p.1", "", series, random_writes.MERGE), op("GET", "/events/p.1"),
        op("PATCH", "/newevents/p.2", "", {"note": "changed"}, random_writes.MERGE),
        op("DELETE", "/events/p.1"), op("GET", "/newevents/p.1"), op("GET", "/newevents"), op("GET", "/events")]
    real = random_writes.run(real_server, ns, sequence)
    assert [code for _, code, _, _ in real] == [201, 201, 200, 200, 200, 200, 200, 400, 200, 200, 422, 200, 404,
                                                200, 200]
    assert real[2][2]["message"] == "synced" and real[3][2]["note"] == "started"
    assert random_writes.run(replay, ns, sequence) == real

    def end_the_watch() -> None:
        played.wait_for(lambda r: any(w.end == "open" for w in r.watches()), what="the watch")
        played.advance(2)

    # a core watch sees what was written through either API, in order, with core field names
    core = "/api/v1/namespaces/{ns}/events"
    real_events = random_writes.watch_events(real_server, ns, start, core)
    emulated_events = wd.watched(lambda: random_writes.watch_events(replay, ns, "100", core), end_the_watch)
    assert [(t, e["metadata"]["name"]) for t, e in real_events] == [
        ("ADDED", "p.1"), ("ADDED", "p.2"), ("MODIFIED", "p.1"), ("DELETED", "p.1")]
    assert emulated_events == real_events


def test_recorded_events_are_listed_through_the_other_event_api(
        realkube: RealKube, watchproxy: Callable[..., Replay], tmp_path: Path) -> None:
    """Events a recording holds through core/v1 only (`kubectl get events` was recorded) are listed and
    watched through events.k8s.io/v1 in the replay (`kubectl events`, a controller's new-API informer) as the
    real apiserver lists them; a write through either API then reaches both."""
    ns, token = "recorded-events", realkube.token_file.read_text().strip()
    real = (realkube.url, token)
    rawhttp.call(*real, "POST", "/api/v1/namespaces", json.dumps({"metadata": {"name": ns}}).encode())
    events = f"/api/v1/namespaces/{ns}/events"
    code, made, _ = rawhttp.call(*real, "POST", events, json.dumps(random_writes.event("p.1", ns)).encode())
    assert code == 201, made
    b = RecordingBuilder(tmp_path / "recorded.msgpack")
    b.list(0.0, int(made["metadata"]["resourceVersion"]), [made], path=events, kind="EventList")
    replay = (watchproxy(b.write()).url, "")
    op = random_writes.Op
    sequence = [op("GET", "/newevents"), op("GET", "/newevents/p.1"),
                op("GET", "/newevents", "fieldSelector=regarding.name%3Dp"),
                op("POST", "/newevents", "", random_writes.new_event("p.2")), op("GET", "/events"),
                op("DELETE", "/newevents/p.1"), op("GET", "/events")]
    answers = random_writes.run(real, ns, sequence)
    assert [code for _, code, _, _ in answers] == [200, 200, 200, 201, 200, 200, 200]
    assert len(answers[0][2]["items"]) == 1 and answers[0][2]["items"][0]["note"] == "started"
    assert random_writes.run(replay, ns, sequence) == answers


def test_a_refused_strategic_merge_patch_quotes_the_patch_as_go_prints_it(
        realkube: RealKube, watchproxy: Callable[..., Replay], tmp_path: Path) -> None:
    """`kubectl apply` of an existing object sends a strategic merge patch under fieldValidation=Strict: a field
    the type lacks, or a value it cannot decode, is a 422 quoting the patch as Go's %+v of the map it read it
    into (keys sorted, numbers as Go prints them), with the cause's details."""
    ns = "strategic-refusals"
    real_server, replay = rawhttp.real_and_replay(realkube, watchproxy, tmp_path, ns)
    op, smp = random_writes.Op, random_writes.SMP
    lease = {"apiVersion": "coordination.k8s.io/v1", "kind": "Lease", "metadata": {"name": "l"},
             "spec": {"holderIdentity": "h"}}
    sequence = [
        op("POST", "/configmaps", "", {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a"}}),
        op("PATCH", "/configmaps/a", "fieldValidation=Strict", {"data": {"k": "w"}, "bogus": [1, 2.5, None]}, smp),
        op("POST", "/leases", "", lease),
        op("PATCH", "/leases/l", "", {"spec": {"renewTime": "2026-12-03T10:00:02Z", "leaseTransitions": 1e6}}, smp)]
    real = random_writes.run(real_server, ns, sequence)
    assert [code for _, code, _, _ in real] == [201, 422, 201, 422]
    assert "map[bogus:[1 2.5 <nil>] data:map[k:w]]" in real[1][2]["message"]
    assert random_writes.run(replay, ns, sequence) == real


@pytest.mark.parametrize("seed", [4, 9])
def test_status_writes_change_the_metadata_their_kinds_strategy_lets_by(
        realkube: RealKube, watchproxy: Callable[..., Replay], tmp_path: Path, seed: int) -> None:
    """A /status write carries metadata along on most built-in kinds (not a Deployment's labels, not a pod's
    owners, nothing of a VolumeAttachment's); emulate once kept all of it, as a custom resource's status does.
    Every answer compared, and the managedFields of each object (a status entry owns the metadata it changed)."""
    ns = f"status-metadata-{seed}"
    real_server, replay = rawhttp.real_and_replay(realkube, watchproxy, tmp_path, ns)
    sequence = random_writes.status_metadata_ops(seed, 40)
    real, emulated = random_writes.run(real_server, ns, sequence, raw=True), \
        random_writes.run(replay, ns, sequence, raw=True)
    reduced = [[(w, c, random_writes.reduce(d), [random_writes.reduce(x) for x in ws]) for w, c, d, ws in answers]
               for answers in (real, emulated)]
    assert _differences(*reduced) == []
    assert [random_writes.managed_fields(r[2]) for r in real if r[1] < 300] == \
        [random_writes.managed_fields(e[2]) for e in emulated if e[1] < 300]
    assert any("/status" in w and c == 200 and (d.get("metadata") or {}).get("labels") for w, c, d, _ in real)


def test_autoscalers_written_through_both_versions_are_watched_through_both_as_the_real_apiserver_sends_them(
        realkube: RealKube, watchproxy: Callable[..., Replay], tmp_path: Path) -> None:
    """The events of autoscalers written through autoscaling/v1 and v2, watched through each version: every
    change as that version shows it (v1's annotations, v2's metrics), in the same order."""
    ns = "hpa-watches"
    real_server = (realkube.url, realkube.token_file.read_text().strip())
    rawhttp.call(*real_server, "POST", "/api/v1/namespaces", json.dumps({"metadata": {"name": ns}}).encode())
    versions = [f"/apis/autoscaling/{v}/namespaces/{{ns}}/horizontalpodautoscalers" for v in ("v1", "v2")]
    start = rawhttp.call(*real_server, "GET", versions[1].format(ns=ns))[1]["metadata"]["resourceVersion"]
    b = RecordingBuilder(tmp_path / "empty.msgpack")
    b.list(0.0, 100, [], path=f"/api/v1/namespaces/{ns}/configmaps", kind="ConfigMapList")
    replay = watchproxy(b.write())
    sequence = random_writes.hpa_versions_ops(23, 40)
    random_writes.run(real_server, ns, sequence)
    random_writes.run((replay.url, ""), ns, sequence)
    for collection in versions:
        def end_the_watch() -> None:
            replay.wait_for(lambda r: any(w.end == "open" for w in r.watches()), what="the watch")
            replay.advance(2)
        real_events = random_writes.watch_events(real_server, ns, start, collection)
        emulated_events = wd.watched(
            lambda c=collection: random_writes.watch_events((replay.url, ""), ns, "100", c), end_the_watch)
        assert emulated_events == real_events
        assert {"ADDED", "MODIFIED", "DELETED"} <= {t for t, _ in real_events}


def test_admission_configurations_names_and_rules_are_refused_and_warned_of_as_on_the_real_apiserver(
        realkube: RealKube, watchproxy: Callable[..., Replay], tmp_path: Path) -> None:
    """A name with the suffix static manifests reserve is refused on a create of every admission configuration
    kind; a webhook's rule that names what webhooks never see (the access and token reviews) is warned of on a
    create and an update, once per resource and not through a wildcard."""
    ns = "admission-names"
    real_server, replay = rawhttp.real_and_replay(realkube, watchproxy, tmp_path, ns)
    reviews = {"operations": ["CREATE"], "apiVersions": ["v1"], "apiGroups": ["authorization.k8s.io", "example.com"],
               "resources": ["subjectaccessreviews", "things", "selfsubjectrulesreviews", "subjectaccessreviews"]}
    tokens = {**reviews, "apiGroups": ["authentication.k8s.io"], "resources": ["tokenreviews", "selfsubjectreviews"]}
    wildcard = {**reviews, "apiGroups": ["*"]}

    def webhooks(kind: str, name: str, *rules: dict[str, Any]) -> dict[str, Any]:
        hook = {"name": "check.example.com", "sideEffects": "None", "admissionReviewVersions": ["v1"],
                "clientConfig": {"url": "https://hook.example.com/"}, "rules": list(rules)}
        return {"apiVersion": "admissionregistration.k8s.io/v1", "kind": kind, "metadata": {"name": name},
                "webhooks": [hook, {**hook, "name": "other.example.com", "rules": [wildcard, reviews]}]}

    static = "-{ns}.static.k8s.io"
    policy = {"apiVersion": "admissionregistration.k8s.io/v1", "kind": "ValidatingAdmissionPolicy",
              "metadata": {"name": "p" + static}, "spec": {"matchConstraints": {"resourceRules": [reviews]},
                                                           "validations": [{"expression": "true"}]}}
    binding = {"apiVersion": "admissionregistration.k8s.io/v1", "kind": "ValidatingAdmissionPolicyBinding",
               "metadata": {"name": "b" + static}, "spec": {"policyName": "p", "validationActions": ["Deny"]}}
    sequence = [random_writes.Op("POST", f"/{kind.lower()}s", body=webhooks(kind, "w-{ns}", reviews, tokens))
                for kind in ("ValidatingWebhookConfiguration", "MutatingWebhookConfiguration")]
    sequence += [random_writes.Op("PATCH", f"/{kind.lower()}s/w-{{ns}}", content_type=wd.MERGE,
                                  body=webhooks(kind, "w-{ns}", tokens, wildcard))
                 for kind in ("ValidatingWebhookConfiguration", "MutatingWebhookConfiguration")]
    sequence += [random_writes.Op("POST", "/validatingwebhookconfigurations",
                                  body=webhooks("ValidatingWebhookConfiguration", "w" + static)),
                 random_writes.Op("POST", "/mutatingwebhookconfigurations",
                                  body=webhooks("MutatingWebhookConfiguration", "w" + static, tokens)),
                 random_writes.Op("POST", "/validatingadmissionpolicies", body=policy),
                 random_writes.Op("POST", "/validatingadmissionpolicybindings", body=binding),
                 *(random_writes.Op("DELETE", f"/{kind}s/w-{{ns}}")
                   for kind in ("validatingwebhookconfiguration", "mutatingwebhookconfiguration"))]
    real, emulated = random_writes.run(real_server, ns, sequence), random_writes.run(replay, ns, sequence)
    assert _differences(real, emulated) == []
    assert [code for _, code, _, _ in real] == [201, 201, 200, 200, 422, 422, 422, 422, 200, 200]
    assert [len(warnings) for *_, warnings in real[:4]] == [6, 6, 4, 4]


def test_an_apiservices_unknown_fields_are_warned_of_as_on_the_real_apiserver(
        realkube: RealKube, watchproxy: Callable[..., Replay], tmp_path: Path) -> None:
    """The aggregator's APIService, whose Go type is not client-go's: the fields its spec, service reference
    and conditions do not have are warned of, also beside a refusal (found by a bent write scan, seed 320)."""
    ns = "apiservice-fields"
    real_server, replay = rawhttp.real_and_replay(realkube, watchproxy, tmp_path, ns)
    spec = {"group": "a-{ns}.example.com", "version": "v1", "groupPriorityMinimum": 100, "versionPriority": 15,
            "service": {"namespace": "{ns}", "name": "backend", "weight": 1}, "b": 1}
    made = {"apiVersion": "apiregistration.k8s.io/v1", "kind": "APIService",
            "metadata": {"name": "v1.a-{ns}.example.com"}, "top": True, "spec": spec}
    sequence = [random_writes.Op("POST", "/apiservices", query="dryRun=All", body=made),
                random_writes.Op("POST", "/apiservices", body={**made, "spec": {**spec, "versionPriority": 0}}),
                random_writes.Op("POST", "/apiservices", query="dryRun=All", body={
                    **made, "status": {"conditions": [{"type": "Available", "status": "True", "x": 1}]}})]
    real, emulated = random_writes.run(real_server, ns, sequence), random_writes.run(replay, ns, sequence)
    assert _differences(real, emulated) == []
    assert [code for _, code, _, _ in real] == [201, 422, 201] and len(real[0][3]) == 3


def test_cluster_ips_are_ip_addresses_allocated_and_freed_as_on_the_real_apiserver(
        realkube: RealKube, watchproxy: Callable[..., Replay], tmp_path: Path) -> None:
    """The allocator (MultiCIDRServiceAllocator): each cluster IP a Service gets is an IPAddress naming it, made
    before the Service is stored; one asked for (by a create or an apply) must lie in a ServiceCIDR (one a client
    made too) and be free of Services and of IPAddresses a client made; a dry run allocates nothing; an
    ExternalName made a ClusterIP gets an IP, a ClusterIP made an ExternalName frees its own; each cluster IP is
    an IP, the first the `clusterIP`, at most one per family."""
    ns = "cluster-ips"
    real_server, replay = rawhttp.real_and_replay(realkube, watchproxy, tmp_path, ns)

    def service(name: str, **spec: Any) -> dict[str, Any]:
        return {"apiVersion": "v1", "kind": "Service", "metadata": {"name": name},
                "spec": {"ports": [{"port": 80}], **spec}}

    def post(name: str, query: str = "", **spec: Any) -> random_writes.Op:
        return random_writes.Op("POST", "/services", query, service(name, **spec))

    cidr = {"apiVersion": "networking.k8s.io/v1", "kind": "ServiceCIDR", "metadata": {"name": "ips-{ns}"},
            "spec": {"cidrs": ["10.212.0.0/24"]}}
    probe = [post("probe", clusterIP="10.212.0.99"), random_writes.Op("DELETE", "/services/probe")]
    for server in (real_server, replay):  # (the real allocator serves a new range once its informer saw it)
        random_writes.run(server, ns, [random_writes.Op("POST", "/servicecidrs", body=cidr)])
        until(lambda server=server: random_writes.run(server, ns, probe)[0][1] == 201, 30, "the new range")
    # (the IPs asked for lie in the range's first 16, which the reference never draws from)
    claimed = {"apiVersion": "networking.k8s.io/v1", "kind": "IPAddress", "metadata": {"name": "10.212.0.12"},
               "spec": {"parentRef": {"resource": "services", "namespace": "{ns}", "name": "zz"}}}
    external = {"type": "ExternalName", "externalName": "x.example.com"}
    sequence = [post("a"), post("b", clusterIP="10.212.0.10"), post("c", clusterIP="10.212.0.10"),
                # (a dry run asking for an IP is checked against one range, the first of a Go map's: a random
                # one where a cluster has several, as this shared one does: not compared)
                post("d", clusterIP="192.168.9.9"), post("f", "dryRun=All"),
                random_writes.Op("POST", "/ipaddresses", body=claimed),
                post("g", clusterIP="10.212.0.12"), post("h", **external),
                random_writes.Op("PUT", "/services/h", body=service("h")),
                random_writes.Op("PUT", "/services/b", body=service("b", **external)),
                post("c", clusterIP="10.212.0.10"), post("i", clusterIP="abc"),
                post("j", clusterIP="10.212.0.40", clusterIPs=["10.212.0.41"]),
                post("k", clusterIP="10.212.0.50", clusterIPs=["10.212.0.50", "10.212.0.51"]),
                post("l", type="NodePort", clusterIP="None"),
                random_writes.Op("PATCH", "/services/m", "fieldManager=ips",
                                 json.dumps(service("m", clusterIP="10.212.0.10")), random_writes.APPLY),
                random_writes.Op("DELETE", "/services/a"),
                random_writes.Op("DELETE", "/ipaddresses/10.212.0.12")]
    real, emulated = random_writes.run(real_server, ns, sequence), random_writes.run(replay, ns, sequence)
    assert _differences(real, emulated) == []
    assert [code for _, code, _, _ in real] == [201, 201, 422, 422, 201, 201, 422, 201, 200, 200, 201, 422, 422,
                                                 422, 422, 422, 200, 200]

    def addresses(server: rawhttp.Server, repaired: bool) -> list[tuple[str, str, int]]:
        """This namespace's IPAddresses: (the IP where asked for, else "drawn": the real allocator draws from any
        ServiceCIDR, in the order of a Go map; the Service; whether it was made before its Service). Where
        `repaired`, an IPAddress whose Service is gone or no longer holds it is left out: the real apiserver's
        repair loop (repairip.go, syncService) makes one again when its informer of IPAddresses saw a release
        before its informer of Services saw the change, and removes it a minute later."""
        code, doc, _ = rawhttp.call(*server, "GET", "/apis/networking.k8s.io/v1/ipaddresses")
        assert code == 200, doc
        out = []
        for item in doc["items"]:
            ref, ip = item["spec"]["parentRef"], item["metadata"]["name"]
            if ref.get("namespace") != ns:
                continue
            code, svc, _ = rawhttp.call(*server, "GET", f"/api/v1/namespaces/{ns}/services/{ref['name']}")
            if repaired and (code == 404 or ip not in svc["spec"].get("clusterIPs", [])):
                continue
            assert code == 200, svc
            before = int(item["metadata"]["resourceVersion"]) < int(svc["metadata"]["resourceVersion"])
            out.append((ip if ip == "10.212.0.10" else "drawn", ref["name"], before))
        return sorted(out)

    expected = [("10.212.0.10", "c", True), ("drawn", "h", True)]
    assert addresses(real_server, repaired=True) == addresses(replay, repaired=False) == expected


def test_node_ports_are_allocated_as_on_the_real_apiserver(
        realkube: RealKube, watchproxy: Callable[..., Replay], tmp_path: Path) -> None:
    """The node port allocator: ports of one number share a node port; one taken by another Service, or by another
    port number of the same one, is refused ('provided port is already allocated'), on a dry run too; one outside
    30000-32767 is refused; a LoadBalancer keeping traffic local gets a health check node port, and one asked for
    that is taken is the allocator's internal error, a 500."""
    ns = "node-ports"
    real_server, replay = rawhttp.real_and_replay(realkube, watchproxy, tmp_path, ns)

    def service(name: str, ports: list[dict[str, Any]], **spec: Any) -> bytes:
        return json.dumps({"metadata": {"name": name}, "spec": {"type": "NodePort", "ports": ports, **spec}}).encode()

    def steps(server: rawhttp.Server) -> list[tuple[int, Any]]:
        path = f"/api/v1/namespaces/{ns}/services"
        code, dns, _ = rawhttp.call(*server, "POST", path, service("dns", [
            {"name": "u", "port": 53, "protocol": "UDP"}, {"name": "t", "port": 53, "protocol": "TCP"}]))
        assert code == 201, dns
        taken = dns["spec"]["ports"][0]["nodePort"]
        # a port no Service holds on this server, after the one just drawn (other tests' Services hold some too)
        used = {p.get("nodePort") for svc in rawhttp.call(*server, "GET", "/api/v1/services")[1]["items"]
                for p in svc["spec"]["ports"]}
        free = next(port for port in range(32001, 32768) if port not in used)
        out = [(code, len({p["nodePort"] for p in dns["spec"]["ports"]}))]  # one node port for both
        for query, body in (("", service("dup", [{"port": 80, "nodePort": taken}])),
                            ("?dryRun=All", service("dry", [{"port": 80, "nodePort": taken}])),
                            ("", service("low", [{"port": 80, "nodePort": 80}])),
                            ("?dryRun=All", service("low", [{"port": 80, "nodePort": 80}])),
                            ("", service("two", [{"name": "a", "port": 80, "nodePort": free},
                                                 {"name": "b", "port": 81, "nodePort": free}])),
                            ("", service("lb", [{"port": 80}], type="LoadBalancer", externalTrafficPolicy="Local")),
                            ("", service("lb2", [{"port": 80}], type="LoadBalancer", externalTrafficPolicy="Local",
                                         healthCheckNodePort=taken))):
            code, doc, _ = rawhttp.call(*server, "POST", path + query, body)
            hc = isinstance((doc.get("spec") or {}).get("healthCheckNodePort"), int)
            out.append((code, random_writes.reduce(doc.get("message") if code >= 400 else hc)))
        return out

    real = steps(real_server)
    assert [code for code, _ in real] == [201, 422, 422, 422, 201, 422, 201, 500]
    assert steps(replay) == real
