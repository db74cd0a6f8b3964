"""ComponentStatus, the deprecated v1 API the apiserver answers without storing anything: how the control
plane's components are (it probes the scheduler's and the controller manager's `/healthz` and each etcd
server). A replay answers as a healthy cluster's apiserver does: all three `Healthy`, `ok`. (The reference
apiserver of the tests runs without a scheduler or a controller manager, so it reports those two unhealthy.)

Lists and gets only, never a watch (its deprecation warning comes with every answer, as the kind says:
wire/kinds.py); measured against the real
kube-apiserver by tests/test_kubectl_realkube.py.
"""

from __future__ import annotations

from typing import Any

PATH = "/api/v1/componentstatuses"
_COMPONENTS = ("scheduler", "controller-manager", "etcd-0")  # (the apiserver's order is its map's, random)


def statuses() -> list[dict[str, Any]]:
    """Each component's status, as a list holds it (no kind, no resourceVersion: nothing is stored)."""
    return [{"metadata": {"name": name}, "conditions": [{"type": "Healthy", "status": "True", "message": "ok"}]}
            for name in _COMPONENTS]


def refusal(name: str, watch: bool) -> tuple[int, str, dict[str, object]] | None:
    """(code, message, details) for a watch, which the API does not serve, or a component there is not."""
    if watch:
        return 405, 'watch is not supported on resources of kind "componentstatuses"', {"kind": "componentstatuses"}
    if name and name not in _COMPONENTS:
        return 404, f'componentstatus "{name}" not found', {"name": name, "kind": "componentstatus"}
    return None
