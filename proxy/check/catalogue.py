"""The failure catalogue's public bug reports: each scenario of the check is the situation of one or more
numbered entries, and each entry is a bug reported against a real client or server. The report links
them, so a reader can see the original failure (the catalogue itself is not part of the repository)."""

from __future__ import annotations

_GITHUB = "https://github.com/"
_SHORT = {"python": "kubernetes-client/python", "javascript": "kubernetes-client/javascript",
          "client-go": "kubernetes/client-go", "kubernetes": "kubernetes/kubernetes"}

# entry number -> (what goes wrong, the public reports as REPO#NUMBER)
ENTRIES: dict[int, tuple[str, tuple[str, ...]]] = {
    1: ("half-open connection", ("python#1402", "client-go#374", "kubernetes#65012")),
    2: ("silent stop after about an hour", ("javascript#958", "javascript#596")),
    3: ("healthy but quiet stream aborted", ("javascript#3020", "javascript#2432")),
    4: ("abrupt close in the middle of an event", ("python#728", "python#124")),
    5: ("ERROR 410 in the stream kills the watcher", ("apache/airflow#23521", "apache/airflow#30425",
                                                      "tomplus/kubernetes_asyncio#327")),
    6: ("repeated 410 on a stale resourceVersion", ("kubernetes-sigs/headlamp#7451",)),
    7: ("HTTP 410 on the watch request itself", ("snyk/kubernetes-monitor#1506",)),
    8: ("failover to a server with newer history", ("kubernetes#133810", "kubernetes#129266")),
    9: ("only bookmarks, then the timeout close", ("python#1729", "python#2505")),
    10: ("resuming from the wrong resourceVersion", ("python#2223",)),
    11: ("the 410 Status handed to user code", ("kr8s-org/kr8s#476",)),
    12: ("relist fails with 5xx or 429 after a close", ("nolar/kopf#787", "fabric8io/kubernetes-client#3104")),
    13: ("reconnect storm", ("javascript#1933",)),
    14: ("no initial-events-end bookmark", ("kubernetes#122805", "kubernetes#129408")),
    15: ("object deleted between LIST and WATCH", ("kubernetes#141528",)),
}


def url(report: str) -> str:
    """`python#1402` -> the issue's address on GitHub (which also redirects a pull request's)."""
    repo, _, number = report.partition("#")
    return f"{_GITHUB}{_SHORT.get(repo, repo)}/issues/{number}"


def links(refs: tuple[int, ...]) -> str:
    """The public reports of these catalogue entries, as markdown links."""
    return ", ".join(f"[{r}]({url(r)})" for n in refs for r in ENTRIES[n][1])
