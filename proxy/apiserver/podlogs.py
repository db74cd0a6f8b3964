"""GET pods/NAME/log (`kubectl logs`), and exec, attach and portforward (`kubectl exec`, `attach`,
`port-forward`): the apiserver's part of them, which a replay can play, since the rest is the pod's kubelet's
and a replay has none.

As the pod registry answers them (pkg/registry/core/pod/rest/log.go and subresources.go, LogLocation and
streamLocation): a log's options read from the query (a number Go cannot parse is its 400) and validated
(PodLogOptions' 422), the pod looked up (404), the container chosen (the only one, else named: the 400 that
lists them, init and ephemeral containers included) and checked (portforward names none); a pod no scheduler
has placed has no logs yet (`204 No Content`) and nothing to exec in (`400 pod a does not have a host
assigned`). For a pod on a node the apiserver would now ask that node's kubelet: its node must exist (the 404
names it, as `pods "NODE"`, as the apiserver's does) and have an address (else its 500); then, with no kubelet
to ask, the replay answers a 500 that says so. Logs recorded for the same request are served before any of
this (engine.py).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..wire.gostrings import quote
from ..wire.params import first_values, go_int, query_pairs
from . import gotime
from .fielderrors import Cause, error_text, forbidden, invalid
from .podvalidation import as_dict, dicts
from .writes import Outcome, fail

Obj = dict[str, Any]
STREAMS = frozenset({"exec", "attach", "portforward"})  # the subresources a client upgrades to a stream
_NUMBERS = ("sinceSeconds", "tailLines", "limitBytes")
_PREFERRED = ("Hostname", "InternalDNS", "InternalIP", "ExternalDNS", "ExternalIP")  # --kubelet-preferred-address-types


def answer(pod: Obj | None, name: str, query: str, node: Callable[[str], Obj | None]) -> Outcome:
    """The answer to `GET pods/NAME/log?QUERY` for the pod as stored (None: not there); `node(name)` looks a node
    up. A 204's body is empty ({})."""
    q = first_values(query_pairs(query))
    numbers: dict[str, int] = {}
    for key in _NUMBERS:
        if q.get(key):
            n = go_int(q[key], signed=True)
            if n is None:
                return fail(400, f"strconv.ParseInt: parsing {quote(q[key])}: invalid syntax", "BadRequest")
            numbers[key] = n
    if q.get("sinceTime") and q["sinceTime"] != "null" and \
            (why := gotime.parse_error(q["sinceTime"], "2006-01-02T15:04:05Z07:00")) is not None:
        return fail(400, why, "BadRequest")
    if causes := _invalid(numbers, bool(q.get("sinceTime")) and q["sinceTime"] != "null", "stream" in q):
        return fail(422, f'PodLogOptions {quote(name)} is invalid: {error_text(causes)}', "Invalid",
                    {"name": name, "kind": "PodLogOptions",
                     "causes": [{"reason": r, "message": m, "field": f} for f, r, m in causes]})
    return _located(pod, name, "log", q.get("container", ""), node)


def stream(subresource: str, pod: Obj | None, name: str, query: str, node: Callable[[str], Obj | None]) -> Outcome:
    """The answer to `GET|POST pods/NAME/exec|attach|portforward?QUERY` before its upgrade: always a refusal
    here (the upgrade would reach the kubelet). A connect handler refuses any dryRun before it looks."""
    q = first_values(query_pairs(query))
    if "dryRun" in q:
        return fail(400, "dryRun is not supported", "BadRequest")
    return _located(pod, name, subresource, q.get("container", ""), node)


def _located(pod: Obj | None, name: str, subresource: str, container: str,
             node: Callable[[str], Obj | None]) -> Outcome:
    """The pod, its container and its node's kubelet, as LogLocation and streamLocation find them."""
    if pod is None:
        return fail(404, f'pods {quote(name)} not found', "NotFound", {"name": name, "kind": "pods"})
    spec = as_dict(pod.get("spec"))
    containers = [str(c.get("name") or "") for key in ("initContainers", "containers", "ephemeralContainers")
                  for c in dicts(spec.get(key))]
    if subresource == "portforward":
        pass  # (a port of the pod's, not a container's)
    elif not container:
        regular = dicts(spec.get("containers"))
        if len(regular) != 1:
            choose = f", choose one of: [{' '.join(containers)}]" if regular else ""
            return fail(400, f"a container name must be specified for pod {name}{choose}", "BadRequest")
        container = str(regular[0].get("name") or "")
    elif container not in containers:
        return fail(400, f"container {container} is not valid for pod {name}", "BadRequest")
    node_name = str(spec.get("nodeName") or "")
    if not node_name:
        if subresource == "log":
            return Outcome(204, {})
        return fail(400, f"pod {name} does not have a host assigned", "BadRequest")
    held = node(node_name)
    if held is None:  # (the node's lookup error names the pods resource, as the apiserver's does)
        return fail(404, f'pods "{node_name}" not found', "NotFound", {"name": node_name, "kind": "pods"})
    if (unaddressed := no_address(held)) is not None:
        return unaddressed
    what = {"log": f"read the logs of container {container} of", "exec": f"run a command in container {container} of",
            "attach": f"attach to container {container} of", "portforward": "forward a port of"}[subresource]
    return fail(500, f"watchproxy replay: no kubelet to {what} pod {name} on node {node_name} (a replay serves "
                     "only the logs its recording holds)", "")


def no_address(node: Obj) -> Outcome | None:
    """The 500 of a node none of whose addresses is of a type the apiserver reaches kubelets by, None if one
    is (GetConnectionInfo)."""
    addresses = dicts(as_dict(node.get("status")).get("addresses"))
    if any(a.get("type") in _PREFERRED for a in addresses):
        return None
    known = " ".join(f"{{{a.get('type', '')} {a.get('address', '')}}}" for a in addresses)
    return fail(500, f"no preferred addresses found; known addresses: [{known}]", "")


def _invalid(numbers: dict[str, int], since_time: bool, stream: bool) -> list[Cause]:
    """ValidatePodLogOptions (the split-streams gate is off in 1.37: no `stream`)."""
    causes = []
    if numbers.get("tailLines", 0) < 0:
        causes.append(invalid("tailLines", numbers["tailLines"], "must be greater than or equal to 0"))
    if "limitBytes" in numbers and numbers["limitBytes"] < 1:
        causes.append(invalid("limitBytes", numbers["limitBytes"], "must be greater than 0"))
    if "sinceSeconds" in numbers and since_time:
        causes.append(forbidden("[]", "at most one of `sinceTime` or `sinceSeconds` may be specified"))
    elif numbers.get("sinceSeconds", 1) < 1:
        causes.append(invalid("sinceSeconds", numbers["sinceSeconds"], "must be greater than 0"))
    if stream:
        causes.append(forbidden("stream", "may not be specified"))
    return causes
