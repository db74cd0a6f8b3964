"""A kubeconfig whose single context points at the proxy, so any client works by setting KUBECONFIG."""

from __future__ import annotations

import os
from pathlib import Path

import yaml


def proxy_kubeconfig(url: str, namespace: str = "default", as_user: str = "",
                     as_groups: tuple[str, ...] = ()) -> dict[str, object]:
    """`as_user`, `as_groups`: whom its clients impersonate (kubectl --as; an emulated replay authorizes them as
    that user by RBAC)."""
    # insecure-skip-tls-verify: @kubernetes/client-node refuses a plain http:// cluster without it;
    # other clients ignore it for http. The empty user satisfies lightkube, which needs a user entry.
    user: dict[str, object] = {"as": as_user} if as_user else {}
    if as_groups:
        user["as-groups"] = list(as_groups)
    return {
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [{"name": "watchproxy", "cluster": {"server": url, "insecure-skip-tls-verify": True}}],
        "users": [{"name": "watchproxy", "user": user}],
        "contexts": [{"name": "watchproxy",
                      "context": {"cluster": "watchproxy", "user": "watchproxy", "namespace": namespace}}],
        "current-context": "watchproxy",
        "preferences": {},
    }


def write_kubeconfig(path: str | os.PathLike[str], url: str, namespace: str = "default", as_user: str = "",
                     as_groups: tuple[str, ...] = ()) -> None:
    """Written with mode 0600 like every file watchproxy creates: kubeconfigs are habitually secret."""
    p = Path(path)
    if p.parent != Path(""):
        p.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(p, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)
    with os.fdopen(fd, "w") as f:
        yaml.safe_dump(proxy_kubeconfig(url, namespace, as_user, as_groups), f, sort_keys=False)
