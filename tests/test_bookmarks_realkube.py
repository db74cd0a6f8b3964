"""The bookmark object of each kind (apiserver/encode.py) is the one the real kube-apiserver sends."""

from __future__ import annotations

import json

import pytest
from kubernetes import config
from watchproxy.apiserver import encode

from tests.realkube import RealKube

KINDS = [("/apis/apps/v1/deployments", "Deployment"), ("/apis/apps/v1/replicasets", "ReplicaSet"),
         ("/apis/apps/v1/statefulsets", "StatefulSet"), ("/apis/apps/v1/daemonsets", "DaemonSet"),
         ("/apis/batch/v1/jobs", "Job"), ("/api/v1/pods", "Pod"), ("/api/v1/services", "Service"),
         ("/api/v1/namespaces", "Namespace"), ("/api/v1/nodes", "Node"), ("/api/v1/configmaps", "ConfigMap"),
         ("/api/v1/secrets", "Secret"), ("/apis/batch/v1/cronjobs", "CronJob"),
         ("/apis/apps/v1/controllerrevisions", "ControllerRevision"), ("/apis/coordination.k8s.io/v1/leases", "Lease"),
         ("/api/v1/endpoints", "Endpoints"), ("/apis/discovery.k8s.io/v1/endpointslices", "EndpointSlice"),
         ("/api/v1/persistentvolumeclaims", "PersistentVolumeClaim"),
         ("/apis/networking.k8s.io/v1/ingresses", "Ingress"),
         ("/apis/policy/v1/poddisruptionbudgets", "PodDisruptionBudget")]


@pytest.mark.parametrize(("path", "kind"), KINDS, ids=[k for _, k in KINDS])
def test_initial_events_end_bookmark(realkube: RealKube, path: str, kind: str) -> None:
    api = config.new_client_from_config(config_file=str(realkube.admin_kubeconfig))
    url = f"{api.configuration.host}{path}?watch=1&sendInitialEvents=true&resourceVersionMatch=NotOlderThan" \
          "&allowWatchBookmarks=true&timeoutSeconds=1"
    resp = api.rest_client.request("GET", url, headers={"Accept": "application/json"})
    bookmarks = [e["object"] for e in map(json.loads, resp.read().splitlines()) if e["type"] == "BOOKMARK"]
    assert bookmarks, "no initial-events-end bookmark"
    got = bookmarks[0]
    api_version = got["apiVersion"]
    rv = int(got["metadata"]["resourceVersion"])
    assert got == encode.bookmark(kind, api_version, rv, initial_events_end=True)
