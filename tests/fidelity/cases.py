"""The catalogue: requests sent to the real apiserver during the workload, and to emulate at the same
virtual times. Each names the workload phase after which it is sent (phases are PHASE seconds apart; a case
goes out half a phase after its phase's changes, so neither server is caught mid-change).

A query may depend on what the same server answered an earlier case (a list's resourceVersion, a
`continue` token): `Context` holds those per server.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

PHASE = 1.0
TABLE = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io," \
        "application/json"
POD0, POD1, POD2 = (f"nginx-deploy-679dc9c764-{s}" for s in ("r9ds5", "54d5d", "x7k2p"))
WIDGETS = "/apis/example.watchproxy.dev/v1/namespaces/{ns}/widgets"
PODS = "/api/v1/namespaces/{ns}/pods"
EVENTS = "/api/v1/namespaces/{ns}/events"


@dataclass
class Context:
    """Values one server gave, by case name: what later cases of the same run ask with."""

    answers: dict[str, Any] = field(default_factory=dict)
    namespace: str = "NS"  # the run's (NS where a query is only shown)

    def list_rv(self, case: str) -> str:
        body = self.answers.get(case)
        return str((body or {}).get("metadata", {}).get("resourceVersion", "")) if isinstance(body, dict) else ""

    def continue_token(self, case: str) -> str:
        body = self.answers.get(case)
        return str((body or {}).get("metadata", {}).get("continue", "")) if isinstance(body, dict) else ""


Query = dict[str, str] | Callable[[Context], dict[str, str]]


@dataclass(frozen=True)
class Case:
    name: str
    phase: int
    path: str
    query: Query = field(default_factory=dict)
    accept: str = "application/json"
    accept_encoding: str = ""
    what: str = ""

    @property
    def watch(self) -> bool:
        q = self.query if isinstance(self.query, dict) else {}
        return "/watch/" in self.path or q.get("watch") in ("1", "true") or self.name.startswith("watch")

    def unbounded(self, ctx: Context) -> bool:
        """A watch without timeoutSeconds: closed at a random moment by each server."""
        return self.watch and "timeoutSeconds" not in self.params(ctx)

    def params(self, ctx: Context) -> dict[str, str]:
        return self.query(ctx) if callable(self.query) else dict(self.query)

    def url_path(self, ns: str) -> str:
        return self.path.format(ns=ns)


def _w(timeout: int | None = None, **extra: str) -> dict[str, str]:
    q = {"watch": "1", **extra}
    if timeout is not None:
        q["timeoutSeconds"] = str(timeout)
    return q


CASES: list[Case] = [
    # --- phase 0: the state before the rollout; watches that will see it happen --------------------------
    Case("watch pods, timeoutSeconds 1", 0, PODS, _w(1)),
    Case("list configmaps", 0, "/api/v1/namespaces/{ns}/configmaps"),
    Case("list secrets", 0, "/api/v1/namespaces/{ns}/secrets"),
    Case("list services", 0, "/api/v1/namespaces/{ns}/services"),
    Case("list events", 0, "/api/v1/namespaces/{ns}/events"),
    Case("list widgets (custom resource)", 0, WIDGETS),
    Case("list pods, namespace empty", 0, PODS),
    Case("list pods, namespace missing", 0, "/api/v1/namespaces/{ns}-missing/pods"),
    Case("get configmap", 0, "/api/v1/namespaces/{ns}/configmaps/settings"),
    Case("get missing configmap", 0, "/api/v1/namespaces/{ns}/configmaps/nope"),
    Case("table configmaps", 0, "/api/v1/namespaces/{ns}/configmaps", accept=TABLE),
    Case("table secrets", 0, "/api/v1/namespaces/{ns}/secrets", accept=TABLE),
    Case("table services", 0, "/api/v1/namespaces/{ns}/services", accept=TABLE),
    Case("table events", 0, "/api/v1/namespaces/{ns}/events", accept=TABLE),
    Case("invalid timeoutSeconds", 0, PODS, {"watch": "1", "timeoutSeconds": "abc"}),
    Case("invalid labelSelector", 0, PODS, {"labelSelector": "app in (a"}),
    Case("invalid fieldSelector field", 0, "/api/v1/namespaces/{ns}/configmaps", {"fieldSelector": "spec.x=y"}),
    Case("invalid resourceVersionMatch without RV", 0, PODS, {"resourceVersionMatch": "Exact"}),
    Case("invalid resourceVersionMatch value", 0, PODS, {"resourceVersion": "1", "resourceVersionMatch": "Bogus"}),
    Case("invalid limit", 0, PODS, {"limit": "abc"}),
    Case("invalid resourceVersion", 0, PODS, {"resourceVersion": "abc"}),
    Case("invalid sendInitialEvents without resourceVersionMatch", 0, PODS,
         _w(3, sendInitialEvents="true", allowWatchBookmarks="true")),
    Case("invalid sendInitialEvents on a list", 0, PODS,
         {"sendInitialEvents": "true", "resourceVersionMatch": "NotOlderThan"}),
    Case("invalid allowWatchBookmarks on a list", 0, PODS, {"allowWatchBookmarks": "true"},
         what="a list ignores it"),
    Case("watch pods, RV unset", 0, PODS, _w(6)),
    Case("watch pods, RV 0", 0, PODS, _w(3, resourceVersion="0")),
    Case("watch pods, unbounded", 0, PODS, _w()),
    Case("watch pods, unbounded with bookmarks", 0, PODS, _w(allowWatchBookmarks="true")),
    Case("watch pods, cluster-wide", 0, "/api/v1/pods", _w(4)),
    Case("watch pods, legacy /watch/ path", 0, "/api/v1/watch/namespaces/{ns}/pods", {"timeoutSeconds": "3"}),
    Case("watch pods, legacy single object", 0, "/api/v1/watch/namespaces/{ns}/pods/" + POD0,
         {"timeoutSeconds": "6"}),
    Case("watch pods, one object by fieldSelector", 0, PODS, _w(6, fieldSelector=f"metadata.name={POD0}")),
    Case("watch pods, labelSelector", 0, PODS, _w(6, labelSelector="app=nginx")),
    Case("watch pods, labelSelector matching later", 0, PODS, _w(7, labelSelector="tier=front")),
    Case("watch pods, RV too old", 0, PODS, _w(3, resourceVersion="1")),
    Case("watch pods, Table", 0, PODS, _w(5), accept=TABLE),
    Case("watch deployments", 0, "/apis/apps/v1/namespaces/{ns}/deployments", _w(6)),
    Case("watch configmaps", 0, "/api/v1/namespaces/{ns}/configmaps", _w(8)),
    Case("watch services", 0, "/api/v1/namespaces/{ns}/services", _w(2)),
    Case("watch widgets", 0, WIDGETS, _w(9)),
    Case("watch configmaps, sendInitialEvents", 0, "/api/v1/namespaces/{ns}/configmaps",
         _w(3, sendInitialEvents="true", resourceVersionMatch="NotOlderThan", allowWatchBookmarks="true")),
    Case("watch configmaps, sendInitialEvents without bookmarks", 0, "/api/v1/namespaces/{ns}/configmaps",
         _w(3, sendInitialEvents="true", resourceVersionMatch="NotOlderThan")),
    Case("watch secrets", 0, "/api/v1/namespaces/{ns}/secrets", _w(2, resourceVersion="0")),
    # events have no watch cache: their reads are etcd's
    Case("list events, RV 0 and limit 1", 0, EVENTS, {"resourceVersion": "0", "limit": "1"},
         what="etcd honours the limit at RV 0"),
    Case("list events, limit 1, continue", 0, EVENTS,
         lambda c: {"limit": "1", "continue": c.continue_token("list events, RV 0 and limit 1")}),
    Case("list events cluster-wide, limit 1", 0, "/api/v1/events", {"limit": "1"}),
    Case("get event, RV not reached", 0, f"{EVENTS}/pulled", {"resourceVersion": "99999999"},
         what="etcd answers at once, without a retry"),
    Case("list events, RV not reached", 0, EVENTS, {"resourceVersion": "99999999"}),
    # a list of one object by its name is a read of its key: an exact one the cacher hands etcd
    Case("list a configmap by name, exact RV not reached", 0, "/api/v1/namespaces/{ns}/configmaps",
         {"fieldSelector": "metadata.name=settings", "limit": "5", "resourceVersion": "99999999"},
         what="etcd answers at once, without a retry"),
    Case("list configmaps cluster-wide by name, exact RV not reached", 0, "/api/v1/configmaps",
         {"fieldSelector": "metadata.name=settings", "limit": "5", "resourceVersion": "99999999"},
         what="the watch cache's, after 3 s, with a retry"),
    Case("watch events, Table, sendInitialEvents", 0, EVENTS,
         _w(3, sendInitialEvents="true", resourceVersionMatch="NotOlderThan", allowWatchBookmarks="true"),
         accept=TABLE, what="the bookmark is a Table too"),
    Case("watch configmaps, Table, sendInitialEvents", 0, "/api/v1/namespaces/{ns}/configmaps",
         _w(3, sendInitialEvents="true", resourceVersionMatch="NotOlderThan", allowWatchBookmarks="true"),
         accept=TABLE),
    Case("watch pods, a field selector they leave", 2, PODS, _w(3, fieldSelector="status.phase!=Running"),
         what="each pod leaves as a DELETED with its previous content, at the new resourceVersion"),
    # --- phase 4: three pods exist ---------------------------------------------------------------------------
    Case("list pods", 4, PODS),
    Case("list pods, RV 0", 4, PODS, {"resourceVersion": "0"}),
    Case("list pods, cluster-wide", 4, "/api/v1/pods"),
    Case("list pods, limit 2", 4, PODS, {"limit": "2"}),
    Case("list pods, continue", 4, PODS,
         lambda c: {"limit": "2", "continue": c.continue_token("list pods, limit 2")}),
    Case("list pods, invalid continue", 4, PODS, {"limit": "2", "continue": "not-a-token"}),
    Case("list pods, labelSelector", 4, PODS, {"labelSelector": "app=nginx"}),
    Case("list pods, labelSelector none", 4, PODS, {"labelSelector": "tier=front"}),
    Case("list pods, fieldSelector name", 4, PODS, {"fieldSelector": f"metadata.name={POD1}"}),
    Case("list pods, fieldSelector phase", 4, PODS, {"fieldSelector": "status.phase=Running"}),
    Case("list pods, RV exact", 4, PODS,
         lambda c: {"resourceVersion": c.list_rv("list pods"), "resourceVersionMatch": "Exact"}),
    Case("list pods, RV not older than", 4, PODS,
         lambda c: {"resourceVersion": c.list_rv("list pods"), "resourceVersionMatch": "NotOlderThan"}),
    Case("watch events, sendInitialEvents, bookmarks", 4, EVENTS,
         _w(4, sendInitialEvents="true", resourceVersionMatch="NotOlderThan", allowWatchBookmarks="true"),
         what="etcd's watch: no bookmark after the initial-events-end one"),
    Case("list pods, RV 0 and limit 1", 4, PODS, {"resourceVersion": "0", "limit": "1"},
         what="the watch cache ignores the limit at RV 0"),
    Case("list deployments", 4, "/apis/apps/v1/namespaces/{ns}/deployments"),
    Case("watch pods, Table, sendInitialEvents", 4, PODS,
         _w(3, sendInitialEvents="true", resourceVersionMatch="NotOlderThan", allowWatchBookmarks="true"),
         accept=TABLE),
    Case("watch deployments, sendInitialEvents from RV 1, none selected", 4,
         "/apis/apps/v1/namespaces/{ns}/deployments",
         _w(2, sendInitialEvents="true", resourceVersionMatch="NotOlderThan", allowWatchBookmarks="true",
            resourceVersion="1", labelSelector="app!=nginx"),
         what="no bookmark may go back behind the initial-events-end one"),
    Case("get pod", 4, f"{PODS}/{POD1}"),
    Case("table pods", 4, PODS, accept=TABLE),
    Case("table pods, limit 2", 4, PODS, {"limit": "2"}, accept=TABLE, what="a page of a Table counts what is left"),
    Case("table deployments", 4, "/apis/apps/v1/namespaces/{ns}/deployments", accept=TABLE),
    Case("watch pods, from a list's RV", 4, PODS, lambda c: _w(3, resourceVersion=c.list_rv("list pods"))),
    Case("watch pods, sendInitialEvents", 4, PODS,
         _w(3, sendInitialEvents="true", resourceVersionMatch="NotOlderThan", allowWatchBookmarks="true")),
    Case("watch pods, RV newer than the cache", 4, PODS,
         lambda c: _w(5, resourceVersion=str(int(c.list_rv("list pods") or 0) + 1000))),
    # --- phase 5: one pod has the label tier ----------------------------------------------------------------
    Case("list pods cluster-wide, a label selector and limit 1", 5, "/api/v1/pods",
         {"labelSelector": "tier", "limit": "1"}, what="more if anything is left to look at, and no count"),
    Case("list pods cluster-wide, a label selector, continue", 5, "/api/v1/pods",
         lambda c: {"labelSelector": "tier", "limit": "1",
                    "continue": c.continue_token("list pods cluster-wide, a label selector and limit 1")}),
    Case("watch pods, bookmarks, timeout 2", 5, PODS,
         lambda c: _w(2, resourceVersion=c.list_rv("list pods"), allowWatchBookmarks="true"),
         what="no bookmark before a deadline 2 s away or less"),
    Case("list pods cluster-wide, one namespace by fieldSelector, limit 1", 5, "/api/v1/pods",
         lambda c: {"fieldSelector": f"metadata.namespace={c.namespace}", "limit": "1"},
         what="the namespace's keys, relative to it"),
    Case("list pods, one by name, limit 1", 5, PODS, {"fieldSelector": f"metadata.name={POD1}", "limit": "1"}),
    # --- phase 7: widgets exist ------------------------------------------------------------------------------
    Case("list widgets", 7, WIDGETS),
    Case("table widgets", 7, WIDGETS, accept=TABLE),
    Case("get widget", 7, f"{WIDGETS}/w1"),
    Case("watch widgets, Table, sendInitialEvents", 7, WIDGETS,
         _w(2, sendInitialEvents="true", resourceVersionMatch="NotOlderThan", allowWatchBookmarks="true"),
         accept=TABLE),
    Case("watch widgets, RV 0", 7, WIDGETS, _w(2, resourceVersion="0")),
    Case("watch widgets, Table", 7, WIDGETS, _w(2, resourceVersion="0"), accept=TABLE),
    Case("watch configmaps, Table", 4, "/api/v1/namespaces/{ns}/configmaps", _w(3, resourceVersion="0"),
         accept=TABLE),
    # --- phase 9: after the deletes --------------------------------------------------------------------------
    Case("list pods, after a delete", 9, PODS),
    Case("list configmaps, after a delete", 9, "/api/v1/namespaces/{ns}/configmaps"),
    Case("watch pods, from an old list's RV", 9, PODS, lambda c: _w(2, resourceVersion=c.list_rv("list pods"))),
    Case("list pods, an old continue token", 9, PODS,
         lambda c: {"limit": "2", "continue": c.continue_token("list pods, limit 2")}),
    Case("list pods, an old RV with a limit", 9, PODS,
         lambda c: {"resourceVersion": c.list_rv("list pods"), "limit": "5"},
         what="a limit with an RV and no match is an exact read: the pod deleted since is listed"),
    # last: the watch cache waits 3 s before it refuses
    Case("watch pods, sendInitialEvents from an RV not reached", 9, PODS,
         _w(5, sendInitialEvents="true", resourceVersionMatch="NotOlderThan", allowWatchBookmarks="true",
            resourceVersion="99999999"), what="the cache waits 3 s, then one ERROR (a shorter timeout races it)"),
]
