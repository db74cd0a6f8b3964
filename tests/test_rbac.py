"""The RBAC model (proxy/apiserver/rbac.py) as synchronous tables: who impersonation makes a client, which
rules allow which attributes, how a binding is found and described, and the 403 that says no."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from urllib.parse import parse_qs

import pytest
from watchproxy.apiserver import rbac
from watchproxy.wire.request import classify

SA = rbac.User("system:serviceaccount:ns:ctl", ("system:serviceaccounts", "system:serviceaccounts:ns",
                                                 rbac.AUTHENTICATED))


@pytest.mark.parametrize(("headers", "user"), [
    ((), None),
    ((("Impersonate-User", "alice"),), rbac.User("alice", (rbac.AUTHENTICATED,))),
    ((("impersonate-user", "system:serviceaccount:ns:ctl"),), SA),
    # groups given replace a service account's own
    ((("Impersonate-User", "system:serviceaccount:ns:ctl"), ("Impersonate-Group", "g")),
     rbac.User("system:serviceaccount:ns:ctl", ("g", rbac.AUTHENTICATED))),
    ((("Impersonate-User", "system:anonymous"),), rbac.User("system:anonymous", (rbac.UNAUTHENTICATED,))),
    ((("Impersonate-User", "u"), ("Impersonate-Group", rbac.UNAUTHENTICATED)),
     rbac.User("u", (rbac.UNAUTHENTICATED,))),
    # not a service account's name: a user of that name
    ((("Impersonate-User", "system:serviceaccount::x"),), rbac.User("system:serviceaccount::x", (rbac.AUTHENTICATED,))),
    ((("Impersonate-User", "u"), ("Impersonate-Uid", "1"), ("Impersonate-Extra-Scopes%2Fa", "x"),
      ("Impersonate-Extra-scopes%2Fa", "y")), rbac.User("u", (rbac.AUTHENTICATED,), "1", (("scopes/a", ("x", "y")),))),
])
def test_impersonated_users(headers: tuple[tuple[str, str], ...], user: rbac.User | None) -> None:
    assert rbac.impersonated(headers) == user


def test_impersonating_without_a_user_is_refused_in_the_apiservers_words() -> None:
    with pytest.raises(rbac.BadImpersonation, match=r'^requested &user.DefaultInfo\{Name:"", UID:"", '
                                                   r'Groups:\[\]string\{"a", "b"\}, Extra:map\[string\]\[\]string'
                                                   r'\(nil\)\} without impersonating a user name$'):
        rbac.impersonated((("Impersonate-Group", "a"), ("Impersonate-Group", "b")))


def _resource(verb: str, resource: str, subresource: str = "", name: str = "", group: str = "") -> rbac.Attributes:
    return rbac.Attributes(SA, verb, True, group, resource, subresource, "ns", name)


@pytest.mark.parametrize(("rule", "asked", "allowed"), [
    ({"verbs": ["get"], "apiGroups": [""], "resources": ["pods"]}, _resource("get", "pods"), True),
    ({"verbs": ["get"], "apiGroups": [""], "resources": ["pods"]}, _resource("list", "pods"), False),
    ({"verbs": ["*"], "apiGroups": ["*"], "resources": ["*"]}, _resource("patch", "deployments", group="apps"), True),
    ({"verbs": ["get"], "apiGroups": ["apps"], "resources": ["pods"]}, _resource("get", "pods"), False),
    # a subresource is named with its resource, or by */subresource
    ({"verbs": ["get"], "apiGroups": [""], "resources": ["pods"]}, _resource("get", "pods", "log"), False),
    ({"verbs": ["get"], "apiGroups": [""], "resources": ["pods/log"]}, _resource("get", "pods", "log"), True),
    ({"verbs": ["update"], "apiGroups": ["*"], "resources": ["*/scale"]},
     _resource("update", "deployments", "scale", group="apps"), True),
    ({"verbs": ["update"], "apiGroups": ["*"], "resources": ["*/scale"]}, _resource("update", "deployments"), False),
    ({"verbs": ["get"], "apiGroups": [""], "resources": ["pods"], "resourceNames": ["a"]},
     _resource("get", "pods", name="a"), True),
    ({"verbs": ["get"], "apiGroups": [""], "resources": ["pods"], "resourceNames": ["a"]},
     _resource("get", "pods", name="b"), False),
    ({"verbs": ["list"], "apiGroups": [""], "resources": ["pods"], "resourceNames": ["a"]},
     _resource("list", "pods"), False),
    ({"verbs": ["get"], "nonResourceURLs": ["/healthz"]}, rbac.Attributes(SA, "get", False, path="/healthz"), True),
    ({"verbs": ["get"], "nonResourceURLs": ["/apis/*"]}, rbac.Attributes(SA, "get", False, path="/apis/apps"), True),
    ({"verbs": ["get"], "nonResourceURLs": ["/apis/*"]}, rbac.Attributes(SA, "get", False, path="/apis"), False),
    ({"verbs": ["get"], "nonResourceURLs": ["*"]}, rbac.Attributes(SA, "post", False, path="/x"), False),
    # a resource rule says nothing of paths, nor a path rule of resources
    ({"verbs": ["*"], "apiGroups": ["*"], "resources": ["*"]}, rbac.Attributes(SA, "get", False, path="/x"), False),
    ({"verbs": ["*"], "nonResourceURLs": ["*"]}, _resource("get", "pods"), False),
])
def test_rules(rule: dict[str, Any], asked: rbac.Attributes, allowed: bool) -> None:
    assert rbac.rule_allows(asked, rule) is allowed


def _policy(*, roles: Sequence[rbac.Obj] = (), bindings: Sequence[rbac.Obj] = (),
            cluster_roles: Sequence[rbac.Obj] = (), cluster_bindings: Sequence[rbac.Obj] = ()) -> rbac.Policy:
    return rbac.with_bootstrap(cluster_roles, cluster_bindings, roles, bindings)


def _binding(kind: str, name: str, role_kind: str, role: str, subjects: list[rbac.Obj], ns: str = "") -> rbac.Obj:
    return {"kind": kind, "metadata": {"name": name, **({"namespace": ns} if ns else {})},
            "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": role_kind, "name": role},
            "subjects": subjects}


def test_a_service_account_bound_in_its_namespace_by_a_subject_without_one() -> None:
    policy = _policy(roles=[{"metadata": {"name": "r", "namespace": "ns"},
                             "rules": [{"verbs": ["get"], "apiGroups": [""], "resources": ["configmaps"]}]}],
                     bindings=[_binding("RoleBinding", "b", "Role", "r", [{"kind": "ServiceAccount", "name": "ctl"}],
                                        "ns")])
    assert rbac.authorize(_resource("get", "configmaps"), policy) == (
        True, 'RBAC: allowed by RoleBinding "b/ns" of Role "r" to ServiceAccount "ctl/ns"')
    assert rbac.authorize(_resource("get", "secrets"), policy) == (False, "")
    # another namespace's binding is not looked at
    elsewhere = rbac.Attributes(SA, "get", True, "", "configmaps", "", "other")
    assert rbac.authorize(elsewhere, policy) == (False, "")


def test_a_binding_to_a_missing_role_is_the_reason_of_a_denial() -> None:
    policy = _policy(bindings=[_binding("RoleBinding", "b", "Role", "gone", [{"kind": "Group",
                                                                              "name": rbac.AUTHENTICATED}], "ns")])
    assert rbac.authorize(_resource("get", "pods"), policy) == (
        False, 'rbac: RBAC: role.rbac.authorization.k8s.io "gone" not found')


def test_the_bootstrap_policy_lets_every_user_discover_and_masters_do_anything() -> None:
    policy = _policy()
    assert rbac.authorize(rbac.Attributes(SA, "get", False, path="/apis/apps/v1"), policy) == (
        True, 'RBAC: allowed by ClusterRoleBinding "system:discovery" of ClusterRole "system:discovery" to Group '
              '"system:authenticated"')
    assert rbac.authorize(rbac.Attributes(rbac.ADMIN, "delete", True, resource="nodes"), policy) == (True, "")


def test_an_aggregated_cluster_role_has_the_rules_its_selectors_select() -> None:
    """As the controller manager's aggregation controller writes them: `view` gains a custom resource's rule."""
    mine = {"metadata": {"name": "widgets-view", "labels": {"rbac.authorization.k8s.io/aggregate-to-view": "true"}},
            "rules": [{"verbs": ["get"], "apiGroups": ["example.com"], "resources": ["widgets"]}]}
    policy = _policy(cluster_roles=[mine], bindings=[_binding("RoleBinding", "v", "ClusterRole", "view",
                                                              [{"kind": "ServiceAccount", "name": "ctl"}], "ns")])
    assert rbac.authorize(_resource("get", "widgets", group="example.com"), policy)[0]
    assert rbac.authorize(_resource("list", "pods"), policy)[0]  # the bootstrap system:aggregate-to-view's
    assert not rbac.authorize(_resource("create", "pods"), policy)[0]


@pytest.mark.parametrize(("method", "path", "query", "expected"), [
    ("GET", "/api/v1/namespaces/ns", "", ("get", "namespaces", "ns", "ns")),  # a namespace is in itself
    ("GET", "/api/v1/namespaces/ns/pods", "fieldSelector=metadata.name%3Dp", ("list", "pods", "ns", "p")),
    ("GET", "/api/v1/namespaces/ns/pods", "watch=1&fieldSelector=metadata.name%3D%3Dp,spec.nodeName%3Dn",
     ("watch", "pods", "ns", "p")),
    ("GET", "/api/v1/namespaces/ns/pods", "fieldSelector=metadata.name!%3Dp", ("list", "pods", "ns", "")),
    ("DELETE", "/api/v1/namespaces/ns/pods", "fieldSelector=metadata.name%3Dp", ("deletecollection", "pods", "ns",
                                                                                 "")),
])
def test_request_attributes(method: str, path: str, query: str, expected: tuple[str, str, str, str]) -> None:
    fields = (parse_qs(query).get("fieldSelector") or [""])[0]
    a = rbac.request_attributes(SA, method, path, classify(method, path, query), fields)
    assert (a.verb, a.resource, a.namespace, a.name) == expected


@pytest.mark.parametrize(("asked", "message", "details"), [
    (_resource("list", "pods"), 'pods is forbidden: User "system:serviceaccount:ns:ctl" cannot list resource "pods" '
                                'in API group "" in the namespace "ns"', {"kind": "pods"}),
    (rbac.Attributes(SA, "get", True, "apps", "deployments", "scale", "", "web"),
     'deployments.apps "web" is forbidden: User "system:serviceaccount:ns:ctl" cannot get resource '
     '"deployments/scale" in API group "apps" at the cluster scope', {"name": "web", "group": "apps",
                                                                        "kind": "deployments"}),
    (rbac.Attributes(rbac.User("<b>"), "get", False, path="/metrics"),
     'forbidden: User "&lt;b&gt;" cannot get path "/metrics"', {}),
])
def test_forbidden(asked: rbac.Attributes, message: str, details: rbac.Obj) -> None:
    assert rbac.forbidden(asked, "") == (message, details)


@pytest.mark.parametrize("headers", [
    (("Impersonate-User", "ünï"), ("Impersonate-Extra-%ff%fe", "x")),
    (("Impersonate-User", "a"), ("Impersonate-Extra-%zz", "")), (("Impersonate-User", "\x00"),),
    (("Impersonate-User", "system:serviceaccount:" + "a" * 300 + ":b"),),
])
def test_odd_impersonation_headers_make_a_user_not_an_error(headers: tuple[tuple[str, str], ...]) -> None:
    user = rbac.impersonated(headers)
    assert user is not None and rbac.authorize(rbac.Attributes(user, "get", True, resource="pods"), _policy()) == \
        (False, "")
    assert rbac.forbidden(rbac.Attributes(user, "get", False, path="/x"), "")[0].startswith("forbidden: User ")


def _role(name: str, rules: list[rbac.Obj], ns: str = "ns") -> rbac.Obj:
    return {"metadata": {"name": name, "namespace": ns}, "rules": rules}


def test_a_role_may_grant_only_what_its_writer_holds() -> None:
    held = [{"verbs": ["get", "list"], "apiGroups": [""], "resources": ["configmaps"]},
            {"verbs": ["*"], "apiGroups": ["apps"], "resources": ["*/scale"], "resourceNames": ["web"]},
            {"verbs": ["get"], "nonResourceURLs": ["/logs/*"]}]
    policy = _policy(roles=[_role("held", held)], bindings=[_binding(
        "RoleBinding", "b", "Role", "held", [{"kind": "ServiceAccount", "name": "ctl"}], "ns")])
    new = _role("new", [{"verbs": ["get"], "apiGroups": [""], "resources": ["configmaps"]},
                        {"verbs": ["update"], "apiGroups": ["apps"], "resources": ["deployments/scale"],
                         "resourceNames": ["web"]}, {"verbs": ["get"], "nonResourceURLs": ["/logs/a"]}])
    assert rbac.write_refusal(SA, "roles", "ns", "", new, None, policy) is None
    wider = _role("new", [{"verbs": ["get", "watch", "delete"], "apiGroups": [""], "resources": ["configmaps"]},
                          {"verbs": ["update"], "apiGroups": ["apps"], "resources": ["deployments/scale"]}])
    code, message, details = rbac.write_refusal(SA, "roles", "ns", "", wider, None, policy) or (0, "", {})
    assert (code, details) == (403, {"name": "new", "group": "rbac.authorization.k8s.io", "kind": "roles"})
    assert message == (
        'roles.rbac.authorization.k8s.io "new" is forbidden: user "system:serviceaccount:ns:ctl" (groups=['
        '"system:serviceaccounts" "system:serviceaccounts:ns" "system:authenticated"]) is attempting to grant RBAC '
        'permissions not currently held:\n{APIGroups:[""], Resources:["configmaps"], Verbs:["watch" "delete"]}\n'
        '{APIGroups:["apps"], Resources:["deployments/scale"], Verbs:["update"]}')
    assert rbac.write_refusal(rbac.ADMIN, "roles", "ns", "", wider, None, policy) is None
    # an update of what the garbage collector changes (owners, finalizers) is not checked
    owned = {**wider, "metadata": {**wider["metadata"], "finalizers": ["x"], "resourceVersion": "9"}}
    assert rbac.write_refusal(SA, "roles", "ns", "new", owned, wider, policy) is None


def test_a_binding_may_bind_a_role_its_writer_could_grant_or_may_bind() -> None:
    policy = _policy(roles=[_role("small", [{"verbs": ["get"], "apiGroups": [""], "resources": ["pods"]}]),
                            _role("writer", [{"verbs": ["get"], "apiGroups": [""], "resources": ["pods"]},
                                             {"verbs": ["bind"], "apiGroups": ["rbac.authorization.k8s.io"],
                                              "resources": ["clusterroles"], "resourceNames": ["cluster-admin"]}])],
                     bindings=[_binding("RoleBinding", "w", "Role", "writer",
                                        [{"kind": "ServiceAccount", "name": "ctl"}], "ns")])

    def bound(kind: str, name: str) -> tuple[int, str, rbac.Obj] | None:
        return rbac.write_refusal(SA, "rolebindings", "ns", "", _binding("RoleBinding", "x", kind, name, [], "ns"),
                                  None, policy)
    assert bound("Role", "small") is None
    assert bound("ClusterRole", "cluster-admin") is None  # (bind on it)
    assert (bound("ClusterRole", "edit") or (0,))[0] == 403  # (aggregated: the bootstrap roles' rules)
    assert bound("Role", "gone") == (404, 'rolebindings.rbac.authorization.k8s.io "gone" not found',
                                     {"name": "gone", "group": "rbac.authorization.k8s.io", "kind": "rolebindings"})
