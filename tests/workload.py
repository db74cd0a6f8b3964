"""A workload for the real apiserver: creates, updates, scales and deletes objects of several kinds.

No kubelet, scheduler or controller-manager runs beside tests/peers/realkube, so this does their part the
way they would: a Deployment's pods are created here with an owner reference, bound to a node by name, and
their status is posted through the `status` subresource as a kubelet posts it (Pending → ContainerCreating →
Running with conditions and container statuses); deletes are final (grace period 0), as a kubelet confirms.
Every call goes through the official Python client, so what the apiserver receives is what a client sends.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kubernetes import client, config
from kubernetes.client.rest import ApiException

CRD_GROUP = "example.watchproxy.dev"
CRD_PLURAL = "widgets"
CRD_NAME = f"{CRD_PLURAL}.{CRD_GROUP}"
NODE = "worker-0"


@dataclass
class Step:
    at: float  # seconds since the workload started
    action: str


@dataclass
class Workload:
    """One namespace's worth of objects; `steps` records what was done when (monotonic, from the start)."""

    kubeconfig: Path | str
    namespace: str = "default"
    steps: list[Step] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.api = config.new_client_from_config(config_file=str(self.kubeconfig))
        self.core = client.CoreV1Api(self.api)
        self.apps = client.AppsV1Api(self.api)
        self.ext = client.ApiextensionsV1Api(self.api)
        self.custom = client.CustomObjectsApi(self.api)
        self._start = time.monotonic()

    def _did(self, action: str) -> None:
        self.steps.append(Step(time.monotonic() - self._start, action))

    def close(self) -> None:
        self.api.close()

    # -- namespaces and the CRD ---------------------------------------------------------------------------

    def ensure_namespace(self) -> None:
        try:
            self.core.create_namespace({"metadata": {"name": self.namespace}})
            self._did(f"create namespace {self.namespace}")
        except ApiException as e:
            if e.status != 409:
                raise

    def ensure_crd(self, timeout: float = 30.0) -> None:
        """The Widget CRD (namespaced, v1, a status subresource), waited on until Established."""
        body = {
            "metadata": {"name": CRD_NAME},
            "spec": {
                "group": CRD_GROUP, "scope": "Namespaced",
                "names": {"plural": CRD_PLURAL, "singular": "widget", "kind": "Widget", "listKind": "WidgetList"},
                "versions": [{
                    "name": "v1", "served": True, "storage": True, "subresources": {"status": {}},
                    "additionalPrinterColumns": [{"name": "Size", "type": "integer", "jsonPath": ".spec.size"}],
                    "schema": {"openAPIV3Schema": {"type": "object", "x-kubernetes-preserve-unknown-fields": True}},
                }],
            },
        }
        try:
            self.ext.create_custom_resource_definition(body)
            self._did(f"create crd {CRD_NAME}")
        except ApiException as e:
            if e.status != 409:
                raise
        until(lambda: any(c.type == "Established" and c.status == "True"
                           for c in (self.ext.read_custom_resource_definition(CRD_NAME).status.conditions or [])),
               timeout, f"CRD {CRD_NAME} established")
        # The apiserver serves a new CRD's resource a moment after Established; a list proves it does.
        until(lambda: _lists(lambda: self.custom.list_namespaced_custom_object(
            CRD_GROUP, "v1", self.namespace, CRD_PLURAL)), timeout, f"{CRD_PLURAL} served")

    # -- pods, the way a kubelet and a ReplicaSet make them -----------------------------------------------

    def create_pod(self, name: str, labels: dict[str, str] | None = None, owner: dict[str, Any] | None = None,
                   image: str = "nginx:1.27") -> dict[str, Any]:
        meta: dict[str, Any] = {"name": name, "labels": labels or {"app": "nginx"}}
        if owner:
            meta["ownerReferences"] = [owner]
        body = {"metadata": meta, "spec": {"nodeName": NODE, "containers": [{"name": "nginx", "image": image}]}}
        pod = self.api.sanitize_for_serialization(self.core.create_namespaced_pod(self.namespace, body))
        self._did(f"create pod {name}")
        return pod  # type: ignore[no-any-return]

    def post_pod_status(self, name: str, phase: str) -> None:
        """What a kubelet posts: Pending (ContainerCreating) or Running (ready, with a start time), as a
        patch of the status subresource (as a kubelet's status manager sends it), so a controller writing
        the same pod meanwhile causes no conflict."""
        now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        running = phase == "Running"
        state = {"running": {"startedAt": now}} if running else \
            {"waiting": {"reason": "ContainerCreating"}}
        conds = [{"type": t, "status": "True" if (running or t == "PodScheduled") else "False",
                  "lastTransitionTime": now} for t in ("PodScheduled", "Initialized", "ContainersReady", "Ready")]
        status = {"phase": phase, "hostIP": "10.0.0.2", "podIP": "10.244.0.7" if running else None,
                  "startTime": now, "conditions": conds, "qosClass": "BestEffort",
                  "containerStatuses": [{"name": "nginx", "image": "nginx:1.27", "imageID": "", "ready": running,
                                         "restartCount": 0, "started": running, "state": state}]}
        self.core.patch_namespaced_pod_status(name, self.namespace, {"status": status})
        self._did(f"pod {name} status {phase}")

    def delete_pod(self, name: str) -> None:
        self.core.delete_namespaced_pod(name, self.namespace, grace_period_seconds=0)
        self._did(f"delete pod {name}")

    def label_pod(self, name: str, key: str, value: str) -> None:
        self.core.patch_namespaced_pod(name, self.namespace, {"metadata": {"labels": {key: value}}})
        self._did(f"label pod {name} {key}={value}")

    # -- other kinds ---------------------------------------------------------------------------------------

    def configmap(self, name: str, data: dict[str, str]) -> None:
        """Create, or replace the data of, a ConfigMap."""
        body = {"metadata": {"name": name}, "data": data}
        try:
            self.core.create_namespaced_config_map(self.namespace, body)
            self._did(f"create configmap {name}")
        except ApiException as e:
            if e.status != 409:
                raise
            self.core.patch_namespaced_config_map(name, self.namespace, {"data": data})
            self._did(f"update configmap {name}")

    def configmaps(self, names: Sequence[str], data: dict[str, str], writers: int = 8, pause: float = 0.0) -> None:
        """Create (or update) many ConfigMaps from `writers` threads at once, as busy controllers write, each
        writer pausing `pause` seconds between its writes (a pace, not a wait for anything); the first error
        of any writer is raised once all of them have stopped."""
        errors: list[BaseException] = []

        def work(k: int) -> None:
            try:
                for name in names[k::writers]:
                    self.configmap(name, data)
                    if pause:
                        time.sleep(pause)
            except BaseException as exc:  # raised below, after the other writers stop
                errors.append(exc)

        pool = [threading.Thread(target=work, args=(k,)) for k in range(writers)]
        for t in pool:
            t.start()
        for t in pool:
            t.join()
        if errors:
            raise errors[0]

    def delete_configmap(self, name: str) -> None:
        self.core.delete_namespaced_config_map(name, self.namespace)
        self._did(f"delete configmap {name}")

    def secret(self, name: str, string_data: dict[str, str]) -> None:
        body = {"metadata": {"name": name}, "type": "Opaque", "stringData": string_data}
        try:
            self.core.create_namespaced_secret(self.namespace, body)
            self._did(f"create secret {name}")
        except ApiException as e:
            if e.status != 409:
                raise
            self.core.patch_namespaced_secret(name, self.namespace, {"stringData": string_data})
            self._did(f"update secret {name}")

    def event(self, name: str, about: str) -> None:
        """A core/v1 Event about a pod, as a kubelet records one."""
        now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        self.core.create_namespaced_event(self.namespace, {
            "metadata": {"name": name}, "type": "Normal", "reason": "Pulled", "message": "image pulled",
            "involvedObject": {"kind": "Pod", "namespace": self.namespace, "name": about},
            "source": {"component": "kubelet", "host": NODE}, "firstTimestamp": now, "lastTimestamp": now,
            "count": 1})
        self._did(f"create event {name}")

    def service(self, name: str, port: int = 80) -> None:
        body = {"metadata": {"name": name}, "spec": {"selector": {"app": "nginx"},
                                                     "ports": [{"port": port, "targetPort": port}]}}
        self.core.create_namespaced_service(self.namespace, body)
        self._did(f"create service {name}")

    def deployment(self, name: str, replicas: int) -> dict[str, Any]:
        body = {"metadata": {"name": name, "labels": {"app": "nginx"}},
                "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": "nginx"}},
                         "template": {"metadata": {"labels": {"app": "nginx"}},
                                      "spec": {"containers": [{"name": "nginx", "image": "nginx:1.27"}]}}}}
        dep = self.api.sanitize_for_serialization(self.apps.create_namespaced_deployment(self.namespace, body))
        self._did(f"create deployment {name}")
        return dep  # type: ignore[no-any-return]

    def scale(self, name: str, replicas: int) -> None:
        self.apps.patch_namespaced_deployment_scale(name, self.namespace, {"spec": {"replicas": replicas}})
        self._did(f"scale deployment {name} {replicas}")

    def delete_deployment(self, name: str) -> None:
        self.apps.delete_namespaced_deployment(name, self.namespace, propagation_policy="Orphan")
        self._did(f"delete deployment {name}")

    def widget(self, name: str, size: int) -> None:
        try:
            self.custom.create_namespaced_custom_object(
                CRD_GROUP, "v1", self.namespace, CRD_PLURAL,
                {"apiVersion": f"{CRD_GROUP}/v1", "kind": "Widget", "metadata": {"name": name}, "spec": {"size": size}})
            self._did(f"create widget {name}")
        except ApiException as e:
            if e.status != 409:
                raise
            self.custom.patch_namespaced_custom_object(CRD_GROUP, "v1", self.namespace, CRD_PLURAL, name,
                                                       {"spec": {"size": size}})
            self._did(f"update widget {name}")

    def delete_widget(self, name: str) -> None:
        self.custom.delete_namespaced_custom_object(CRD_GROUP, "v1", self.namespace, CRD_PLURAL, name)
        self._did(f"delete widget {name}")

    def reset(self) -> None:
        """Delete the pods, deployments and widgets of the namespace (what an earlier run left)."""
        self.core.delete_collection_namespaced_pod(self.namespace, grace_period_seconds=0)
        self.apps.delete_collection_namespaced_deployment(self.namespace)
        if any(c.metadata.name == CRD_NAME for c in self.ext.list_custom_resource_definition().items):
            self.custom.delete_collection_namespaced_custom_object(CRD_GROUP, "v1", self.namespace, CRD_PLURAL)
        self._did(f"reset {self.namespace}")

    # -- the usual sequence --------------------------------------------------------------------------------

    def rollout(self, name: str = "nginx-deploy", replicas: int = 2, pause: Callable[[], None] = lambda: None) -> \
            list[str]:
        """The seed's nginx rollout: a Deployment and its pods created and progressing to Running."""
        dep = self.deployment(name, replicas)
        owner = {"apiVersion": "apps/v1", "kind": "Deployment", "name": name, "uid": dep["metadata"]["uid"],
                 "controller": True}
        pods = [f"{name}-679dc9c764-{suffix}" for suffix in ("r9ds5", "54d5d", "x7k2p", "q4m8n")[:replicas]]
        for pod in pods:
            self.create_pod(pod, owner=owner)
            pause()
        for pod in pods:
            self.post_pod_status(pod, "Pending")
            pause()
        for pod in pods:
            self.post_pod_status(pod, "Running")
            pause()
        return pods

    def everything(self, pause: Callable[[], None] = lambda: None) -> None:
        """Every kind the tests watch, each created, changed and (most) deleted: the differential workload."""
        self.ensure_namespace()
        self.configmap("settings", {"mode": "a"})
        pause()
        self.secret("db", {"password": "hunter2-realkube"})
        pause()
        self.service("web")
        pause()
        pods = self.rollout(pause=pause)
        self.scale("nginx-deploy", 3)
        pause()
        self.configmap("settings", {"mode": "b"})
        pause()
        self.label_pod(pods[0], "tier", "front")
        pause()
        self.widget("w1", 1)
        pause()
        self.widget("w1", 2)
        pause()
        self.widget("w2", 5)
        pause()
        self.delete_pod(pods[1])
        pause()
        self.delete_widget("w2")
        pause()
        self.delete_configmap("settings")


def until(check: Callable[[], bool], timeout: float, what: str) -> None:
    """Polls the apiserver (an external process with no event to wait on) until `check` holds."""
    give_up = time.monotonic() + timeout
    while not check():
        if time.monotonic() > give_up:
            raise TimeoutError(f"{what}: not within {timeout} s")
        time.sleep(0.1)


def _lists(call: Callable[[], object]) -> bool:
    try:
        call()
    except ApiException as e:
        if e.status == 404:
            return False
        raise
    return True
