"""Waiting until a server's RBAC authorizer has seen the roles and bindings written to it.

The real kube-apiserver authorizes from informers of the four RBAC collections, which lag the writes: on a loaded
machine a request made right after a RoleBinding was written was refused (a 403 naming a role "not found" that had
been created before). A replay sees each write at once, so a differential has to wait on the real side — not by
sleeping: after a write to a collection, a probe object of that collection is written too and a
SubjectAccessReview polled until it shows the probe's effect. An informer's watch delivers in resourceVersion
order, so once it has the probe it has every write before it. The probes live in a namespace of their own and
under cluster-scoped names made unique by the test's namespace: the sequences under test never see them."""

from __future__ import annotations

import json
from typing import Any

from tests import rawhttp
from tests.workload import until

_RBAC = "/apis/rbac.authorization.k8s.io/v1"
_REF = {"apiGroup": "rbac.authorization.k8s.io"}
COLLECTIONS = ("roles", "rolebindings", "clusterroles", "clusterrolebindings")


class AuthorizerProbe:
    """Per collection: a role whose rule names the latest probe number (roles, clusterroles), or a binding whose
    subject does (rolebindings, clusterrolebindings), the other half of each pair fixed."""

    def __init__(self, server: rawhttp.Server, ns: str) -> None:
        self.server, self.ns, self.space, self.count = server, ns, f"{ns}-probe", 0
        self._call("POST", "/api/v1/namespaces", {"metadata": {"name": self.space}})
        for collection in COLLECTIONS:
            for path, body in self._probe(collection):
                self._call("POST", path, body)
        self.settle(*COLLECTIONS)

    def settle(self, *collections: str) -> None:
        """Returns once the authorizer has seen every write made so far to `collections` (others ignored)."""
        for collection in (c for c in collections if c in COLLECTIONS):
            self.count += 1
            path, body = self._probe(collection)[0]
            self._call("PUT", f"{path}/{body['metadata']['name']}", body)
            review = self._review(collection)
            until(lambda review=review: self._allowed(review), 30, f"the authorizer seeing {collection} written")

    def _probe(self, collection: str) -> list[tuple[str, dict[str, Any]]]:
        """The changing object first, then the fixed one it works with."""
        cluster, by_binding = collection.startswith("cluster"), collection.endswith("bindings")
        scope = _RBAC if cluster else f"{_RBAC}/namespaces/{self.space}"
        prefix = "cluster" if cluster else ""
        name = f"probe-{collection}" + (f"-{self.ns}" if cluster else "")
        rule = {"verbs": ["get"], "apiGroups": [""], "resources": [self._resource(collection)],
                **({} if by_binding else {"resourceNames": [str(self.count)]})}
        role = (f"{scope}/{prefix}roles", {"metadata": {"name": name}, "rules": [rule]})
        binding = (f"{scope}/{prefix}rolebindings", {
            "metadata": {"name": name}, "roleRef": {**_REF, "kind": "ClusterRole" if cluster else "Role", "name": name},
            "subjects": [{**_REF, "kind": "User", "name": self._user(collection)}]})
        return [binding, role] if by_binding else [role, binding]

    @staticmethod
    def _resource(collection: str) -> str:
        return "nodes" if collection.startswith("cluster") else "configmaps"

    def _user(self, collection: str) -> str:
        return f"probe-{collection}-{self.ns}" + (f"-{self.count}" if collection.endswith("bindings") else "")

    def _review(self, collection: str) -> dict[str, Any]:
        attributes = {"verb": "get", "resource": self._resource(collection),
                      **({"namespace": self.space} if not collection.startswith("cluster") else {}),
                      **({} if collection.endswith("bindings") else {"name": str(self.count)})}
        return {"apiVersion": "authorization.k8s.io/v1", "kind": "SubjectAccessReview",
                "spec": {"user": self._user(collection), "resourceAttributes": attributes}}

    def _allowed(self, review: dict[str, Any]) -> bool:
        doc = self._call("POST", "/apis/authorization.k8s.io/v1/subjectaccessreviews", review)
        return bool(doc.get("status", {}).get("allowed"))

    def _call(self, method: str, path: str, body: dict[str, Any]) -> Any:
        code, doc, _ = rawhttp.call(*self.server, method, path, json.dumps(body).encode())
        assert code in (200, 201), (method, path, doc)
        return doc
