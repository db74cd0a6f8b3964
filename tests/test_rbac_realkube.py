"""A client that impersonates someone (`kubectl --as`, a kubeconfig's `as:`) is authorized by a replay as the
real kube-apiserver authorizes it with RBAC, from the roles and bindings written into each and the release's
bootstrap policy; and the access reviews (about oneself or someone else) get the real apiserver's answers."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from watchproxy.testing import Replay

from tests import random_writes, rawhttp
from tests.rbac_settle import AuthorizerProbe
from tests.realkube import RealKube

_RBAC = "/apis/rbac.authorization.k8s.io/v1"
_AUTHZ = "/apis/authorization.k8s.io/v1"


def _setup(ns: str) -> list[tuple[str, str, dict[str, Any]]]:
    """A controller's service account with a Role (reads of ConfigMaps and pod logs, updates of one Deployment's
    scale) and a ClusterRole (reads of nodes); a user bound to a Role nobody made."""
    ref = {"apiGroup": "rbac.authorization.k8s.io"}
    return [
        ("POST", f"/api/v1/namespaces/{ns}/serviceaccounts", {"metadata": {"name": "ctl"}}),
        ("POST", f"{_RBAC}/namespaces/{ns}/roles", {"metadata": {"name": "r"}, "rules": [
            {"verbs": ["get", "list", "watch"], "apiGroups": [""], "resources": ["configmaps", "pods/log"]},
            {"verbs": ["update"], "apiGroups": ["apps"], "resources": ["*/scale"], "resourceNames": ["web"]}]}),
        ("POST", f"{_RBAC}/namespaces/{ns}/rolebindings", {
            "metadata": {"name": "b"}, "roleRef": {**ref, "kind": "Role", "name": "r"},
            "subjects": [{"kind": "ServiceAccount", "name": "ctl"}]}),
        ("POST", f"{_RBAC}/namespaces/{ns}/rolebindings", {
            "metadata": {"name": "gone"}, "roleRef": {**ref, "kind": "Role", "name": "nope"},
            "subjects": [{"kind": "User", "name": f"alice-{ns}"}]}),
        ("POST", f"{_RBAC}/clusterroles", {"metadata": {"name": f"nodes-{ns}"}, "rules": [
            {"verbs": ["list"], "apiGroups": [""], "resources": ["nodes"]},
            {"verbs": ["get"], "nonResourceURLs": ["/metrics", "/logs/*"]}]}),
        ("POST", f"{_RBAC}/clusterrolebindings", {
            "metadata": {"name": f"nodes-{ns}"}, "roleRef": {**ref, "kind": "ClusterRole", "name": f"nodes-{ns}"},
            "subjects": [{"kind": "ServiceAccount", "name": "ctl", "namespace": ns},
                         {"kind": "Group", "name": f"ops-{ns}"}]}),
    ]


def _set_up(server: rawhttp.Server, ns: str, steps: list[tuple[str, str, dict[str, Any]]]) -> AuthorizerProbe:
    """The steps written, and seen by the authorizer (the real one lags: tests/rbac_settle.py)."""
    for method, path, body in steps:
        code, doc, _ = rawhttp.call(*server, method, path, json.dumps(body).encode())
        assert code == 201, (server, path, doc)
    return AuthorizerProbe(server, ns)


def _impersonated(ns: str) -> list[tuple[str, str, dict[str, str]]]:
    sa = {"Impersonate-User": f"system:serviceaccount:{ns}:ctl"}
    alice, carol = {"Impersonate-User": f"alice-{ns}"}, {"Impersonate-User": "carol", "Impersonate-Group": f"ops-{ns}"}
    cms = f"/api/v1/namespaces/{ns}/configmaps"
    return [
        ("GET", cms, sa), ("GET", f"{cms}/x", sa), ("GET", f"{cms}?fieldSelector=metadata.name%3Dx", sa),
        ("POST", cms, sa), ("DELETE", cms, sa), ("GET", f"/api/v1/namespaces/{ns}/secrets", sa),
        ("GET", f"/api/v1/namespaces/{ns}/secrets/x", sa), ("GET", "/api/v1/configmaps", sa),
        ("GET", f"/api/v1/namespaces/{ns}", sa), ("GET", "/api/v1/nodes", sa), ("GET", "/api/v1/nodes/n1", sa),
        ("GET", "/api/v1/nodes/n1/status", sa), ("GET", f"/api/v1/namespaces/{ns}/foos", sa),
        ("GET", f"/apis/apps/v1/namespaces/{ns}/deployments", sa),
        ("GET", f"/api/v1/namespaces/{ns}/pods?watch=1&fieldSelector=metadata.name%3Dp", sa),
        ("GET", "/api/v1/watch/namespaces/" + ns + "/secrets/s", sa),
        ("GET", "/api", sa), ("GET", "/apis/apps/v1", sa), ("GET", "/version", sa), ("GET", "/metrics", alice),
        ("GET", "/logs/x", alice), ("GET", "/healthz", {"Impersonate-User": "system:anonymous"}),
        ("GET", "/openapi/v3", {"Impersonate-User": "system:anonymous"}),
        ("GET", "/api/v1/namespaces/<x>/pods", sa),
        ("GET", cms, alice), ("GET", "/api/v1/nodes", carol), ("GET", cms, carol),
        ("GET", cms, {"Impersonate-User": "bob", "Impersonate-Group": "system:masters"}),
        ("GET", cms, {"Impersonate-User": "system:anonymous"}),
        ("GET", cms, {"Impersonate-User": f"system:serviceaccount:{ns}"}),
        ("GET", cms, {"Impersonate-User": "system:serviceaccount::x"}),
        ("GET", cms, {"Impersonate-Group": "system:masters"}),
    ]


def _reviews(ns: str) -> list[tuple[str, str, dict[str, Any], dict[str, str]]]:
    sa_name = f"system:serviceaccount:{ns}:ctl"
    sa = {"Impersonate-User": sa_name}

    def sar(spec: dict[str, Any]) -> dict[str, Any]:
        return {"kind": "SubjectAccessReview", "apiVersion": "authorization.k8s.io/v1", "spec": spec}
    get_cm = {"namespace": ns, "verb": "get", "resource": "configmaps"}
    scale = {"namespace": ns, "verb": "update", "group": "apps", "resource": "deployments", "subresource": "scale",
             "name": "web"}
    return [
        ("POST", f"{_AUTHZ}/selfsubjectaccessreviews", {"spec": {"resourceAttributes": get_cm}}, sa),
        ("POST", f"{_AUTHZ}/selfsubjectaccessreviews", {"spec": {"resourceAttributes": {**get_cm, "verb": "delete"}}},
         sa),
        ("POST", f"{_AUTHZ}/selfsubjectaccessreviews", {"spec": {"resourceAttributes": get_cm}}, {}),
        ("POST", "/apis/authentication.k8s.io/v1/selfsubjectreviews", {}, sa),
        ("POST", "/apis/authentication.k8s.io/v1/selfsubjectreviews", {},
         {"Impersonate-User": "dave", "Impersonate-Group": "g1"}),
        ("POST", f"{_AUTHZ}/subjectaccessreviews", sar({"user": sa_name, "resourceAttributes": get_cm}), {}),
        ("POST", f"{_AUTHZ}/subjectaccessreviews", sar({"user": sa_name, "resourceAttributes": scale}), {}),
        ("POST", f"{_AUTHZ}/subjectaccessreviews",
         sar({"user": sa_name, "resourceAttributes": {**scale, "name": "db"}}), {}),
        ("POST", f"{_AUTHZ}/subjectaccessreviews", sar({"user": f"alice-{ns}", "resourceAttributes": get_cm}), {}),
        ("POST", f"{_AUTHZ}/subjectaccessreviews",
         sar({"user": "alice", "groups": ["system:masters"], "resourceAttributes": {"verb": "get",
                                                                                     "resource": "nodes"}}), {}),
        ("POST", f"{_AUTHZ}/subjectaccessreviews",
         sar({"user": "alice", "nonResourceAttributes": {"verb": "get", "path": "/healthz"}}), {}),
        ("POST", f"{_AUTHZ}/subjectaccessreviews",
         sar({"groups": ["system:authenticated"], "nonResourceAttributes": {"verb": "get", "path": "/api"}}), {}),
        ("POST", f"{_AUTHZ}/subjectaccessreviews",
         sar({"user": sa_name, "nonResourceAttributes": {"verb": "get", "path": "/logs/a/b"}}), {}),
        ("POST", f"{_AUTHZ}/subjectaccessreviews", sar({"resourceAttributes": {"verb": "get"}}), {}),
        ("POST", f"{_AUTHZ}/subjectaccessreviews", sar({"user": "x"}), {}),
        ("POST", f"{_AUTHZ}/namespaces/{ns}/localsubjectaccessreviews",
         {"spec": {"user": sa_name, "resourceAttributes": get_cm}}, {}),
        ("POST", f"{_AUTHZ}/namespaces/{ns}/localsubjectaccessreviews",
         {"spec": {"user": sa_name, "resourceAttributes": {"verb": "get", "resource": "configmaps"}}}, {}),
        ("POST", f"{_AUTHZ}/namespaces/{ns}/localsubjectaccessreviews",
         {"spec": {"user": sa_name, "nonResourceAttributes": {"verb": "get", "path": "/x"}}}, {}),
        ("POST", f"{_AUTHZ}/selfsubjectrulesreviews", {"spec": {"namespace": ns}}, sa),
    ]


def _answer(code: int, doc: Any) -> Any:
    """What must agree: a Status whole, another answer's kind only (a list's items differ by design: the replay
    holds what its recording held)."""
    if isinstance(doc, dict) and doc.get("kind") == "Status":
        return code, random_writes.reduce(doc)
    return code, doc.get("kind") if isinstance(doc, dict) else None


def test_impersonated_clients_are_authorized_as_the_real_apiserver_authorizes_them(
        realkube: RealKube, watchproxy: Callable[..., Replay], tmp_path: Path) -> None:
    ns = f"rbac-{uuid.uuid4().hex[:6]}"
    servers = rawhttp.real_and_replay(realkube, watchproxy, tmp_path, ns)
    for server in servers:
        _set_up(server, ns, _setup(ns))
    real, emulated = ([(method, path, headers, _answer(*rawhttp.call(*server, method, path, headers=headers)[:2]))
                       for method, path, headers in _impersonated(ns)] for server in servers)
    assert [(r, e[3]) for r, e in zip(real, emulated, strict=True) if r != e] == []
    assert {a[3][0] for a in real} == {200, 400, 403, 404}


def test_access_reviews_get_the_real_apiservers_answers(realkube: RealKube, watchproxy: Callable[..., Replay],
                                                        tmp_path: Path) -> None:
    ns = f"rbac-{uuid.uuid4().hex[:6]}"
    servers = rawhttp.real_and_replay(realkube, watchproxy, tmp_path, ns)
    answers = []
    for server in servers:
        _set_up(server, ns, _setup(ns))
        got = []
        for method, path, body, headers in _reviews(ns):
            code, doc, _ = rawhttp.call(*server, method, path, json.dumps(body).encode(), headers=headers)
            if isinstance(doc.get("status"), dict) and doc["kind"] == "SelfSubjectRulesReview":
                for rules in doc["status"].values():  # (the apiserver visits its bindings in no fixed order)
                    if isinstance(rules, list):
                        rules.sort(key=json.dumps)
            reason = doc.get("status", {}).get("reason") if isinstance(doc.get("status"), dict) else None
            got.append((path, code, random_writes.reduce(doc), random_writes.managed_fields(doc), reason))
        answers.append(got)
    real, emulated = answers
    # who asks without impersonating: the test's token user there, a replay's administrator here
    assert real[2][2]["status"] == emulated[2][2]["status"] == {"allowed": True}
    differing = [(r, e) for r, e in zip(real, emulated, strict=True) if r != e]
    assert differing == [], json.dumps(differing, indent=1)
    assert {r[2]["status"]["allowed"] for r in real if r[1] == 201 and "allowed" in r[2]["status"]} == {True, False}


def test_token_reviews_get_the_real_apiservers_answers(realkube: RealKube, watchproxy: Callable[..., Replay],
                                                       tmp_path: Path) -> None:
    """Who a token each server made is: its service account (and pod), for the audiences asked; and the tokens
    that are no one (another's signature, other audiences, not a token), and a review without one."""
    ns = f"tokens-{uuid.uuid4().hex[:6]}"
    review = "/apis/authentication.k8s.io/v1/tokenreviews"
    answers = []
    for server in rawhttp.real_and_replay(realkube, watchproxy, tmp_path, ns):
        def post(path: str, body: dict[str, Any], server: rawhttp.Server = server) -> tuple[int, Any]:
            code, doc, _ = rawhttp.call(*server, "POST", path, json.dumps(body).encode())
            return code, doc
        assert post(f"/api/v1/namespaces/{ns}/serviceaccounts", {"metadata": {"name": "ctl"}})[0] == 201
        assert post(f"/api/v1/namespaces/{ns}/pods", {"metadata": {"name": "p"}, "spec": {
            "serviceAccountName": "ctl", "containers": [{"name": "c", "image": "i"}]}})[0] == 201
        made = [post(f"/api/v1/namespaces/{ns}/serviceaccounts/ctl/token", {"spec": spec})[1]["status"]["token"]
                for spec in ({"audiences": ["a", "b"]},
                             {"audiences": ["a"], "boundObjectRef": {"kind": "Pod", "apiVersion": "v1", "name": "p"}})]
        asked = [({"token": made[0], "audiences": ["b"]}, {}), ({"token": made[0], "audiences": ["x", "y"]}, {}),
                 ({"token": made[1], "audiences": ["a"]}, {"name": "named"}), ({"token": "abc"}, {}),
                 ({"token": made[0][:-5] + "AAAAA", "audiences": ["a"]}, {}), ({}, {}), ({"token": ""}, {})]
        got = []
        for spec, meta in asked:
            code, doc = post(review, {"kind": "TokenReview", "apiVersion": "authentication.k8s.io/v1",
                                      "metadata": meta, "spec": spec})
            if isinstance(doc.get("spec"), dict) and doc["spec"].get("token") in made:
                doc["spec"]["token"] = f"made[{made.index(doc['spec']['token'])}]"  # (each server signs its own)
            got.append((code, random_writes.reduce(doc), random_writes.managed_fields(doc)))
        answers.append(got)
    real, emulated = answers
    assert [code for code, _, _ in real] == [201] * 5 + [400] * 2
    assert [r[1]["status"].get("authenticated") for r in real[:5]] == [True, None, True, None, None]
    differing = [(r, e) for r, e in zip(real, emulated, strict=True) if r != e]
    assert differing == [], json.dumps(differing, indent=1)


def test_a_token_each_server_made_is_its_service_account(realkube: RealKube, watchproxy: Callable[..., Replay],
                                                         tmp_path: Path) -> None:
    """A client presenting a token `kubectl create token` got from the same server is that service account,
    authorized as it (and refused impersonating others); a token for other audiences is a 401."""
    ns = f"rbac-{uuid.uuid4().hex[:6]}"
    cms = f"/api/v1/namespaces/{ns}/configmaps"
    requests: list[tuple[str, str, dict[str, str]]] = [
        ("GET", cms, {}), ("GET", f"/api/v1/namespaces/{ns}/secrets", {}), ("GET", "/apis", {}),
        ("POST", cms, {}), ("GET", "/api/v1/nodes", {}), ("GET", cms, {"Impersonate-User": "alice"}),
        ("GET", cms, {"Impersonate-User": f"system:serviceaccount:{ns}:other"})]
    answers = []
    for server in rawhttp.real_and_replay(realkube, watchproxy, tmp_path, ns):
        _set_up(server, ns, _setup(ns))
        token_path = f"/api/v1/namespaces/{ns}/serviceaccounts/ctl/token"
        made = [rawhttp.call(*server, "POST", token_path, json.dumps({"spec": spec}).encode())[1]["status"]["token"]
                for spec in ({}, {"audiences": ["x"]})]
        got = [(method, path, headers, _answer(*rawhttp.call(server[0], made[0], method, path, b"{}" if method ==
                                                             "POST" else None, headers=headers)[:2]))
               for method, path, headers in requests]
        code, doc, _ = rawhttp.call(server[0], made[0], "POST", "/apis/authentication.k8s.io/v1/selfsubjectreviews",
                                    b"{}")
        got.append(("whoami", "", {}, (code, random_writes.reduce(doc["status"]))))
        got.append(("GET", cms, {}, _answer(*rawhttp.call(server[0], made[1], "GET", cms)[:2])))
        answers.append(got)
    real, emulated = answers
    assert [a[3][0] for a in real] == [200, 403, 200, 403, 200, 403, 403, 201, 401]
    assert [(r, e[3]) for r, e in zip(real, emulated, strict=True) if r != e] == []


def test_roles_and_bindings_grant_no_more_than_their_writer_holds(
        realkube: RealKube, watchproxy: Callable[..., Replay], tmp_path: Path) -> None:
    """RBAC's escalation check, for a writer who is not the administrator: a role granting what the writer does
    not hold is refused with what is missing (by verb, group, resource and name), a binding to such a role or to
    one that is not there too (to no role's kind, before validation, the rule resolver's 500); what it holds it may
    grant, and `escalate` and `bind` let it grant more."""
    ns = f"esc-{uuid.uuid4().hex[:6]}"
    ref = {"apiGroup": "rbac.authorization.k8s.io"}
    cms = [{"verbs": ["get", "list"], "apiGroups": [""], "resources": ["configmaps"]}]
    setup = [
        ("POST", f"{_RBAC}/namespaces/{ns}/roles", {"metadata": {"name": "writer"}, "rules": [
            {"verbs": ["create", "update", "get", "patch"], "apiGroups": ["rbac.authorization.k8s.io"],
             "resources": ["roles", "rolebindings"]}, *cms,
            {"verbs": ["escalate"], "apiGroups": ["rbac.authorization.k8s.io"], "resources": ["roles"],
             "resourceNames": ["free"]},
            {"verbs": ["bind"], "apiGroups": ["rbac.authorization.k8s.io"], "resources": ["roles"],
             "resourceNames": ["big"]}]}),
        ("POST", f"{_RBAC}/namespaces/{ns}/rolebindings", {
            "metadata": {"name": "writer"}, "roleRef": {**ref, "kind": "Role", "name": "writer"},
            "subjects": [{"kind": "ServiceAccount", "name": "op"}]}),
        ("POST", f"{_RBAC}/namespaces/{ns}/roles", {"metadata": {"name": "big"}, "rules": [
            {"verbs": ["*"], "apiGroups": ["*"], "resources": ["*"]}]}),
    ]
    wide = [{"verbs": ["get", "delete", "watch"], "apiGroups": ["", "apps"],
             "resources": ["configmaps", "deployments"]},
            {"verbs": ["get"], "apiGroups": [""], "resources": ["pods"], "resourceNames": ["a", "b"]},
            {"verbs": ["get"], "nonResourceURLs": ["/healthz"]}]
    as_op: list[tuple[str, str, dict[str, Any]]] = [
        ("POST", "roles", {"metadata": {"name": "ok"}, "rules": cms}),
        ("POST", "roles", {"metadata": {"name": "wide"}, "rules": wide}),
        ("POST", "roles", {"metadata": {"generateName": "g-"}, "rules": [{"verbs": ["*"], "apiGroups": [""],
                                                                          "resources": ["secrets"]}]}),
        ("POST", "roles", {"metadata": {"name": "free"}, "rules": wide[:1]}),  # (escalate on it: not for a create)
        ("POST", "roles", {"metadata": {"name": "empty"}, "rules": [{"verbs": [], "apiGroups": [""],
                                                                     "resources": ["pods"]}]}),  # (validation)
        ("POST", "rolebindings", {"metadata": {"name": "b1"}, "roleRef": {**ref, "kind": "Role", "name": "ok"},
                                  "subjects": [{"kind": "User", "name": "x"}]}),
        ("POST", "rolebindings", {"metadata": {"name": "b2"}, "roleRef": {**ref, "kind": "Role", "name": "free"},
                                  "subjects": [{"kind": "User", "name": "x"}]}),
        ("POST", "rolebindings", {"metadata": {"name": "b3"}, "roleRef": {**ref, "kind": "Role", "name": "nope"},
                                  "subjects": [{"kind": "User", "name": "x"}]}),
        ("POST", "rolebindings", {"metadata": {"name": "b4"}, "roleRef": {**ref, "kind": "Role", "name": "big"},
                                  "subjects": [{"kind": "User", "name": "x"}]}),  # (bind on it)
        ("POST", "rolebindings", {"metadata": {"name": "b5"}, "roleRef": {**ref, "kind": "", "name": ""},
                                  "subjects": [{"kind": "User", "name": "x"}]}),  # (no role's kind: the resolver's 500)
        ("PUT", "roles/ok", {"metadata": {"name": "ok"}, "rules": [*cms, {"verbs": ["patch"], "apiGroups": [""],
                                                                          "resources": ["configmaps"]}]}),
        ("PUT", "roles/writer", {"metadata": {"name": "writer", "labels": {"a": "b"}},
                                 "rules": setup[0][2]["rules"]}),
        ("PATCH", "roles/ok", {"rules": [{"verbs": ["*"], "apiGroups": [""], "resources": ["configmaps"]}]}),
        ("PUT", "roles/free", {"metadata": {"name": "free"}, "rules": wide[:1]}),  # (created by an update: its name)
    ]
    answers = []
    for server in rawhttp.real_and_replay(realkube, watchproxy, tmp_path, ns):
        probe = _set_up(server, ns, setup)
        got = []
        for method, path, body in as_op:
            code, doc, _ = rawhttp.call(*server, method, f"{_RBAC}/namespaces/{ns}/{path}", json.dumps(body).encode(),
                                        "application/merge-patch+json" if method == "PATCH" else "application/json",
                                        headers={"Impersonate-User": f"system:serviceaccount:{ns}:op"})
            got.append((method, path, code, random_writes.reduce(doc) if code >= 400 else doc.get("kind")))
            if code < 300:  # (a refused write changed nothing to wait for)
                probe.settle(path.split("/")[0])
        answers.append(got)
    real, emulated = answers
    assert [a[2] for a in real] == [201, 403, 403, 403, 422, 201, 404, 404, 201, 500, 403, 200, 403, 201]
    assert [(r, e) for r, e in zip(real, emulated, strict=True) if r != e] == []
