"""Who a client is when it impersonates someone, and what RBAC lets that someone do: kube-apiserver's
impersonation filter, its RBAC authorizer (plugin/pkg/auth/authorizer/rbac) and the answers both give.

A replay authenticates nobody: a client is the cluster's administrator (system:masters, whom the apiserver
allows everything before RBAC is asked) until it sends `Impersonate-User`, as `kubectl --as` and a
controller's kubeconfig with `as:` do. Then the replay authorizes each request as the apiserver would for
that user, from the RBAC objects the replay holds and, where it holds none of a name, from the policy a new
cluster of the release starts with (bootstrap.py, taken from the real apiserver): a controller can
be run offline as its service account and meet the 403s its RBAC manifests would give it in a cluster.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import unquote

from ..wire import names
from ..wire.gostrings import aggregate, quote, quote_list
from ..wire.request import RequestInfo
from ..wire.selectors import exact_match, selector_matches
from . import bootstrap
from .podvalidation import as_dict, dicts

Obj = dict[str, Any]

MASTERS = "system:masters"  # the apiserver's privileged group: allowed everything before RBAC is asked
AUTHENTICATED, UNAUTHENTICATED, ANONYMOUS = "system:authenticated", "system:unauthenticated", "system:anonymous"
_SA_PREFIX = "system:serviceaccount:"
RBAC_GROUP = "rbac.authorization.k8s.io"


@dataclass(frozen=True)
class User:
    name: str
    groups: tuple[str, ...] = ()
    uid: str = ""
    extra: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def info(self) -> Obj:
        """The user as a review answers it (authentication/v1 UserInfo, in its field order)."""
        out: Obj = {"username": self.name}
        if self.uid:
            out["uid"] = self.uid
        if self.groups:
            out["groups"] = list(self.groups)
        if self.extra:
            out["extra"] = {k: list(v) for k, v in self.extra}
        return out


ADMIN = User("system:admin", (MASTERS, AUTHENTICATED))  # every client of a replay that impersonates nobody


class BadImpersonation(Exception):
    """Impersonation headers the apiserver refuses with a 400 (groups, extras or a uid without a user)."""


def service_account(username: str) -> tuple[str, str] | None:
    """(namespace, name) of a service account's user name (serviceaccount.SplitUsername), else None."""
    if not username.startswith(_SA_PREFIX):
        return None
    parts = username[len(_SA_PREFIX):].split(":")
    if len(parts) != 2 or names.dns_label(parts[0]) or names.subdomain(parts[1]):
        return None
    return parts[0], parts[1]


def impersonated(headers: Iterable[tuple[str, str]]) -> User | None:
    """The user a request impersonates, as the apiserver makes it from the `Impersonate-*` headers (a service
    account's groups, then system:authenticated, or system:unauthenticated for system:anonymous); None when it
    impersonates nobody."""
    name = uid = ""
    groups: list[str] = []
    extra: dict[str, list[str]] = {}
    for key, value in headers:
        k = key.lower()
        if k == "impersonate-user":
            name = name or value
        elif k == "impersonate-uid":
            uid = uid or value
        elif k == "impersonate-group":
            groups.append(value)
        elif k.startswith("impersonate-extra-"):
            extra.setdefault(unquote(k[len("impersonate-extra-"):], errors="replace"), []).append(value)
    if not name:
        if uid or groups or extra:
            raise BadImpersonation(f"requested {_go_user(uid, groups, extra)} without impersonating a user name")
        return None
    sa = service_account(name)
    if sa is not None and not groups:
        groups = ["system:serviceaccounts", f"system:serviceaccounts:{sa[0]}"]
    if name == ANONYMOUS:
        groups += [] if UNAUTHENTICATED in groups else [UNAUTHENTICATED]
    elif AUTHENTICATED not in groups and UNAUTHENTICATED not in groups:
        groups.append(AUTHENTICATED)
    return User(name, tuple(groups), uid, tuple((k, tuple(v)) for k, v in sorted(extra.items())))


def _go_user(uid: str, groups: list[str], extra: dict[str, list[str]]) -> str:
    """The wanted user as Go's %#v prints a *user.DefaultInfo (map keys sorted)."""
    def strings(values: list[str]) -> str:
        return "[]string{" + ", ".join(quote(v) for v in values) + "}" if values else "[]string(nil)"
    extras = ("map[string][]string{" + ", ".join(f"{quote(k)}:{strings(v)}" for k, v in sorted(extra.items()))
              + "}") if extra else "map[string][]string(nil)"
    return f'&user.DefaultInfo{{Name:"", UID:{quote(uid)}, Groups:{strings(groups)}, Extra:{extras}}}'


@dataclass(frozen=True)
class Attributes:
    """What is asked (authorizer.Attributes): a verb on a resource, or on a path that names none."""

    user: User
    verb: str
    resource_request: bool
    group: str = ""
    resource: str = ""
    subresource: str = ""
    namespace: str = ""
    name: str = ""
    path: str = ""


def request_attributes(user: User, method: str, path: str, info: RequestInfo, field_selector: str) -> Attributes:
    """A request's attributes as the apiserver's RequestInfoFactory makes them: a namespace's own requests are
    in that namespace, a list or watch of one name (`metadata.name=` alone or among the requirements) names it."""
    if not info.is_resource:
        return Attributes(user, method.lower(), False, path=path)
    namespace, name = info.namespace, info.name
    if info.resource == "namespaces" and info.name and not namespace:
        namespace = info.name
    if info.verb in ("list", "watch") and not name:
        named = exact_match(field_selector, "metadata.name")
        if named is not None and not names.path_segment(named):
            name = named
    return Attributes(user, info.verb, True, info.group, info.resource, info.subresource, namespace, name)


def may_impersonate(requestor: User, who: User, policy: Policy) -> bool:
    """Whether `requestor` may act as `who` (the impersonation filter's checks, one per thing impersonated: the
    user or service account, each group asked for, the uid, each extra value)."""
    sa = service_account(who.name)
    asked = [Attributes(requestor, "impersonate", True, "", "serviceaccounts", "", sa[0], sa[1]) if sa else
             Attributes(requestor, "impersonate", True, "", "users", name=who.name)]
    defaulted = {AUTHENTICATED, UNAUTHENTICATED, *(("system:serviceaccounts", f"system:serviceaccounts:{sa[0]}")
                                                   if sa else ())}
    asked += [Attributes(requestor, "impersonate", True, "", "groups", name=g) for g in who.groups
              if g not in defaulted]
    asked += [Attributes(requestor, "impersonate", True, "authentication.k8s.io", "userextras", key, name=value)
              for key, values in who.extra for value in values]
    if who.uid:
        asked.append(Attributes(requestor, "impersonate", True, "authentication.k8s.io", "uids", name=who.uid))
    return all(authorize(a, policy)[0] for a in asked)


def impersonating(asked: Attributes, who: User) -> Attributes:
    """The request as the apiserver names it when its requestor may not impersonate: `impersonate-on:MODE:VERB`,
    the constrained impersonation mode it tried last (`serviceaccount`, else `user-info`)."""
    mode = "serviceaccount" if service_account(who.name) else "user-info"
    return replace(asked, verb=f"impersonate-on:{mode}:{asked.verb}")


@dataclass(frozen=True)
class Policy:
    """The RBAC objects a cluster holds: ClusterRoles by name, ClusterRoleBindings, Roles by (namespace, name),
    and a namespace's RoleBindings."""

    cluster_roles: Mapping[str, Obj]
    cluster_role_bindings: Sequence[Obj]
    roles: Mapping[tuple[str, str], Obj]
    role_bindings: Callable[[str], Sequence[Obj]] = field(default=lambda ns: ())


def with_bootstrap(cluster_roles: Iterable[Obj], cluster_role_bindings: Iterable[Obj], roles: Iterable[Obj],
                   role_bindings: Iterable[Obj]) -> Policy:
    """The policy of a cluster holding these objects, and the release's bootstrap objects of every name it
    does not hold (a recording seldom lists them, but the cluster it came from had them)."""
    def named(items: Iterable[Obj], boot: str) -> dict[tuple[str, str], Obj]:
        out = {_key(o): o for o in bootstrap.rbac(boot)}
        out.update((_key(o), o) for o in items)
        return out
    bindings = named(role_bindings, "rolebindings")
    by_namespace: dict[str, list[Obj]] = {}
    for (ns, _), b in sorted(bindings.items()):
        by_namespace.setdefault(ns, []).append(b)
    return Policy({name: o for (_, name), o in named(cluster_roles, "clusterroles").items()},
                  [o for _, o in sorted(named(cluster_role_bindings, "clusterrolebindings").items())],
                  named(roles, "roles"), lambda ns: by_namespace.get(ns, ()))


def _key(o: Obj) -> tuple[str, str]:
    meta = o.get("metadata") or {}
    return str(meta.get("namespace") or ""), str(meta.get("name") or "")


def authorize(a: Attributes, policy: Policy) -> tuple[bool, str]:
    """(allowed, reason), as the apiserver's authorizer chain decides: system:masters first, then RBAC, which
    allows by the first rule that matches (ClusterRoleBindings, then the namespace's RoleBindings, each in
    name order: the apiserver's are in its cache's order) or has no opinion, saying why only where a binding's
    role is missing."""
    if MASTERS in a.user.groups:
        return True, ""
    errors: list[str] = []
    for source, rules, error in _visit(a.user, a.namespace, policy):
        if error:
            errors.append(error)
        elif any(rule_allows(a, rule) for rule in rules):
            return True, f"RBAC: allowed by {source}"
    return False, f"rbac: RBAC: {aggregate(errors)}" if errors else ""


def rules_for(user: User, namespace: str, policy: Policy) -> tuple[list[Obj], list[Obj], str]:
    """A SelfSubjectRulesReview's resource rules, non-resource rules and evaluation error: every rule of every
    role bound to the user in the namespace (and cluster-wide)."""
    resource, non_resource, errors = [], [], []
    for _, rules, error in _visit(user, namespace, policy):
        if error:
            errors.append(error)
        for rule in rules:
            if rule.get("resources"):
                resource.append({k: rule[k] for k in ("verbs", "apiGroups", "resources", "resourceNames")
                                 if k == "verbs" or rule.get(k)})
            if rule.get("nonResourceURLs"):
                non_resource.append({"verbs": rule.get("verbs") or [], "nonResourceURLs": rule["nonResourceURLs"]})
    return resource, non_resource, aggregate(errors) if errors else ""


def _visit(user: User, namespace: str, policy: Policy,
           named: str = "") -> Iterable[tuple[str, list[Obj], str]]:
    """(source, rules, error) of each binding that applies to the user (DefaultRuleResolver.VisitRulesFor).
    `named`: the resource a missing role's error names (the authorizer's informers name the role's; a role or
    binding being written, whose storage looks roles up through the registry, names its own)."""
    scopes: list[tuple[str, Iterable[Obj]]] = [("", policy.cluster_role_bindings)]
    if namespace:
        scopes.append((namespace, policy.role_bindings(namespace)))
    for ns, bindings in scopes:
        for binding in bindings:
            subject = next((s for s in dicts(binding.get("subjects")) if _applies(user, s, ns)), None)
            if subject is None:
                continue
            ref = as_dict(binding.get("roleRef"))
            kind, role_name = str(ref.get("kind", "")), str(ref.get("name", ""))
            rules = _role_rules(kind, role_name, ns, policy)
            if rules is None:
                yield "", [], f'{named or kind.lower()}.{RBAC_GROUP} "{role_name}" not found'
                continue
            name = str(as_dict(binding.get("metadata")).get("name", ""))
            what = f'ClusterRoleBinding "{name}"' if not ns else f'RoleBinding "{name}/{ns}"'
            yield f'{what} of {kind} "{role_name}" to {_describe(subject, ns)}', rules, ""


def _role_rules(kind: str, name: str, namespace: str, policy: Policy) -> list[Obj] | None:
    """The rules of the role a binding in `namespace` ("" for a ClusterRoleBinding) refers to, None if the
    cluster holds no such role (GetRoleReferenceRules)."""
    if kind == "ClusterRole":
        role = policy.cluster_roles.get(name)
        return _rules(role, policy) if role is not None else None
    role = policy.roles.get((namespace, name)) if kind == "Role" and namespace else None
    return dicts(role.get("rules")) if role is not None else None


def _rules(role: Obj, policy: Policy) -> list[Obj]:
    """A ClusterRole's rules; an aggregated one's are those of the ClusterRoles its selectors select, as the
    controller manager's aggregation controller writes them into it (a replay has no controller manager)."""
    aggregation = role.get("aggregationRule")
    if not isinstance(aggregation, dict):
        return dicts(role.get("rules"))
    name = as_dict(role.get("metadata")).get("name")
    out: list[Obj] = []
    for selector in aggregation.get("clusterRoleSelectors") or []:
        for other_name, other in sorted(policy.cluster_roles.items()):
            labels = as_dict(as_dict(other.get("metadata")).get("labels"))
            if other_name != name and selector_matches(selector, labels):
                out.extend(r for r in dicts(other.get("rules")) if r not in out)
    return out


def _applies(user: User, subject: Obj, namespace: str) -> bool:
    kind, name = subject.get("kind"), subject.get("name")
    if kind == "User":
        return bool(user.name == name)
    if kind == "Group":
        return name in user.groups
    if kind == "ServiceAccount":
        ns = subject.get("namespace") or namespace
        return bool(ns) and user.name == f"{_SA_PREFIX}{ns}:{name}"
    return False


def _describe(subject: Obj, namespace: str) -> str:
    kind, name = str(subject.get("kind", "")), str(subject.get("name", ""))
    if kind == "ServiceAccount":
        return f'{kind} "{name}/{subject.get("namespace") or namespace}"'
    return f'{kind} "{name}"'


def rule_allows(a: Attributes, rule: Obj) -> bool:
    """RuleAllows: the verb, and the group, resource (`*`, `pods/log`, `*/scale`) and name, or the path
    (`/healthz`, `/apis/*`)."""
    verbs = rule.get("verbs") or []
    if "*" not in verbs and a.verb not in verbs:
        return False
    if not a.resource_request:
        return any(_url_matches(u, a.path) for u in rule.get("nonResourceURLs") or [])
    groups = rule.get("apiGroups") or []
    if "*" not in groups and a.group not in groups:
        return False
    combined = f"{a.resource}/{a.subresource}" if a.subresource else a.resource
    if not any(r in ("*", combined) or (a.subresource and r == f"*/{a.subresource}")
               for r in rule.get("resources") or []):
        return False
    resource_names = rule.get("resourceNames") or []
    return not resource_names or a.name in resource_names


def _url_matches(pattern: str, path: str) -> bool:
    """A non-resource URL of a rule covers a path: itself, or all it prefixes when it ends in `*` (`*` all)."""
    return pattern == path or (pattern.endswith("*") and path.startswith(pattern.rstrip("*")))


def forbidden(a: Attributes, reason: str) -> tuple[str, Obj]:
    """The 403's message and details (responsewriters.ForbiddenStatusError), `<`, `>` and `&` escaped as
    there."""
    if not a.resource_request:
        what = f"User {quote(a.user.name)} cannot {a.verb} path {quote(a.path)}"
    else:
        resource = f"{a.resource}/{a.subresource}" if a.subresource else a.resource
        where = f"in the namespace {quote(a.namespace)}" if a.namespace else "at the cluster scope"
        what = (f"User {quote(a.user.name)} cannot {a.verb} resource {quote(resource)} in API group "
                f"{quote(a.group)} {where}")
    what = what.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    error = f"{what}: {reason}" if reason else what
    if not a.resource_request:
        return f"forbidden: {error}", {}
    qualified = f"{a.resource}.{a.group}" if a.group else a.resource
    details: Obj = {"name": a.name} if a.name else {}
    details |= {"group": a.group} if a.group else {}
    details["kind"] = a.resource
    return (f"{qualified} {quote(a.name)} is forbidden: {error}" if a.name else f"{qualified} is forbidden: {error}",
            details)


# What a role or binding may grant without `escalate` or `bind` (pkg/registry/rbac/*/policybased): no more than
# its writer holds, rule by rule, as component-helpers' Covers decides.
_FULL_AUTHORITY = [{"verbs": ["*"], "apiGroups": ["*"], "resources": ["*"]}, {"verbs": ["*"], "nonResourceURLs": ["*"]}]
_GC_FIELDS = ("ownerReferences", "finalizers", "resourceVersion", "managedFields")


def _strings(value: Any) -> list[str]:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def _breakdown(rule: Obj) -> list[Obj]:
    """BreakdownRule: one rule per group, resource, verb and name; one per path and verb."""
    verbs = _strings(rule.get("verbs"))
    resource_names: list[str | None] = [*_strings(rule.get("resourceNames"))] or [None]
    out = [{"apiGroups": [g], "resources": [r], "verbs": [v], **({"resourceNames": [n]} if n is not None else {})}
           for g in _strings(rule.get("apiGroups")) for r in _strings(rule.get("resources")) for v in verbs
           for n in resource_names]
    return out + [{"nonResourceURLs": [u], "verbs": [v]} for u in _strings(rule.get("nonResourceURLs")) for v in verbs]


def _rule_covers(owner: Obj, sub: Obj) -> bool:
    """ruleCovers: every verb, group, resource (`*`, `*/sub`), name and path of `sub` is `owner`'s."""
    def has_all(field: str, star: str | None) -> bool:
        held = _strings(owner.get(field))
        return (star is not None and star in held) or all(v in held for v in _strings(sub.get(field)))
    resources = _strings(owner.get("resources"))
    resource_ok = "*" in resources or all(r in resources or ("/" in r and f"*/{r.split('/', 1)[1]}" in resources)
                                          for r in _strings(sub.get("resources")))
    urls_ok = all(any(_url_matches(u, p) for u in _strings(owner.get("nonResourceURLs")))
                  for p in _strings(sub.get("nonResourceURLs")))
    owner_names = _strings(owner.get("resourceNames"))
    names_ok = not owner_names or (bool(sub.get("resourceNames")) and has_all("resourceNames", None))
    return has_all("verbs", "*") and has_all("apiGroups", "*") and resource_ok and urls_ok and names_ok


def _compact_string(rule: Obj) -> str:
    """rbacv1helpers.CompactString: {APIGroups:["apps"], Resources:["deployments"], Verbs:["get"]}."""
    parts = [f"{label}:{quote_list(_strings(rule.get(key)))}" for label, key in (
        ("APIGroups", "apiGroups"), ("Resources", "resources"), ("NonResourceURLs", "nonResourceURLs"),
        ("ResourceNames", "resourceNames"), ("Verbs", "verbs")) if _strings(rule.get(key))]
    return "{" + ", ".join(parts) + "}"


def _compacted(rules: list[Obj]) -> list[Obj]:
    """CompactRules: the one-group, one-resource, at most one-name rules of a resource joined, their verbs
    together (the order does not matter: the descriptions are sorted)."""
    joined: dict[tuple[str, str, tuple[str, ...]], Obj] = {}
    out = []
    for rule in rules:
        if len(rule.get("apiGroups", [])) == 1 and len(rule.get("resources", [])) == 1 and \
                len(rule.get("resourceNames", [])) <= 1 and not rule.get("nonResourceURLs"):
            key = (rule["apiGroups"][0], rule["resources"][0], tuple(rule.get("resourceNames", [])))
            if key in joined:
                joined[key]["verbs"] = [*joined[key]["verbs"], *rule["verbs"]]
            else:
                joined[key] = {**rule, "verbs": list(rule["verbs"])}
        else:
            out.append(rule)
    return out + list(joined.values())


def escalation(user: User, resource: str, namespace: str, granted: list[Obj], policy: Policy) -> str | None:
    """ConfirmNoEscalation: why `user` may not grant `granted` in `namespace` through a write of `resource`
    (what it does not hold itself), or None when it may."""
    held: list[Obj] = []
    errors: list[str] = []
    for _, rules, error in _visit(user, namespace, policy, resource):
        held += rules
        errors += [error] if error else []
    missing = [sub for rule in granted for sub in _breakdown(rule) if not any(_rule_covers(o, sub) for o in held)]
    if not missing:
        return None
    why = (f"user {quote(user.name)} (groups={quote_list(list(user.groups))}) is attempting to grant RBAC "
           "permissions not currently held:\n" + "\n".join(sorted({_compact_string(r) for r in _compacted(missing)})))
    return why + (f"; resolution errors: [{aggregate(errors)}]" if errors else "")


def write_refusal(user: User, resource: str, namespace: str, request_name: str, new: Obj, old: Obj | None,
                  policy: Policy) -> tuple[int, str, Obj] | None:
    """(code, message, details) of a role or binding `user` may not write, as the RBAC storage refuses it: a
    role granting what the user does not hold (without `escalate` on it), an aggregated ClusterRole (without
    everything), a binding to a role granting so (without `bind` on that role), a binding to a role that is not
    there (its 404), or of a kind no role is (the rule resolver's 500, before validation); None when it may
    (always for system:masters, and for an update changing no more than the garbage collector's fields).
    `request_name`: the name in the request's path (none for a create, so `escalate` granted on some names lets
    only their updates through)."""
    if MASTERS in user.groups or resource not in ("roles", "clusterroles", "rolebindings", "clusterrolebindings"):
        return None
    if old is not None and only_gc_fields(new, old):
        return None
    name = str(as_dict(new.get("metadata")).get("name") or "")

    def refused(why: str) -> tuple[int, str, Obj]:
        head = f'{resource}.{RBAC_GROUP} "{name}"' if name else f"{resource}.{RBAC_GROUP}"
        return 403, f"{head} is forbidden: {why}", {**({"name": name} if name else {}), "group": RBAC_GROUP,
                                                    "kind": resource}
    if resource.endswith("roles"):
        if authorize(Attributes(user, "escalate", True, RBAC_GROUP, resource, "", namespace, request_name),
                     policy)[0]:
            return None
        why = escalation(user, resource, namespace, dicts(new.get("rules")), policy)
        if why is not None:
            return refused(why)
        if resource == "clusterroles" and isinstance(new.get("aggregationRule"), dict) and \
                escalation(user, resource, namespace, _FULL_AUTHORITY, policy) is not None:
            return refused("must have cluster-admin privileges to use the aggregationRule")
        return None
    ref = as_dict(new.get("roleRef"))
    kind, role_name = str(ref.get("kind") or ""), str(ref.get("name") or "")
    bound = {"ClusterRole": "clusterroles", "Role": "roles"}.get(kind)
    if bound is None:  # (not bindable: the rule resolver's error, as the handler's 500, before validation)
        return 500, f"unsupported role reference kind: {quote(kind)}", {}
    if authorize(Attributes(user, "bind", True, str(ref.get("apiGroup") or ""), bound, "", namespace, role_name),
                 policy)[0]:
        return None
    rules = _role_rules(kind, role_name, namespace, policy)
    if rules is None:  # (the apiserver names the binding's resource, with the role's name)
        return 404, f'{resource}.{RBAC_GROUP} "{role_name}" not found', {
            "name": role_name, "group": RBAC_GROUP, "kind": resource}
    why = escalation(user, resource, namespace, rules, policy)
    return refused(why) if why is not None else None


def only_gc_fields(new: Obj, old: Obj) -> bool:
    """IsOnlyMutatingGCFields: the update changes nothing but owner references and finalizers."""
    def without(o: Obj) -> Obj:
        return {**o, "metadata": {k: v for k, v in as_dict(o.get("metadata")).items() if k not in _GC_FIELDS}}
    return without(new) == without(old)
