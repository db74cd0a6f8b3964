"""A kopf operator that writes, as operators do: every pod in `default` it has not handled gets the label
`reconciled: "yes"` and a child ConfigMap `<pod>-config` owned by the pod. Prints `RECONCILED : name` per
pod handled; SIGTERM stops it (exit 0). Used by tests/test_operator_writes.py against an emulated replay.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import sys
from typing import Any

import kopf
from kubernetes import client, config
from kubernetes.client.rest import ApiException


@kopf.on.startup()
def configure(settings: kopf.OperatorSettings, **_: Any) -> None:
    settings.scanning.disabled = True  # no namespace listing: `default` is taken to exist
    settings.posting.enabled = False  # no Kubernetes Events about the handling


@kopf.on.create("v1", "pods")
async def reconcile(name: str, uid: str | None, patch: kopf.Patch, **_: Any) -> None:
    patch.setdefault("metadata", {}).setdefault("labels", {})["reconciled"] = "yes"
    child: dict[str, Any] = {"metadata": {"name": f"{name}-config"}, "data": {"pod": name}}
    if uid:
        child["metadata"]["ownerReferences"] = [{"apiVersion": "v1", "kind": "Pod", "name": name, "uid": uid}]
    try:
        await asyncio.to_thread(client.CoreV1Api().create_namespaced_config_map, "default", child)
    except ApiException as exc:
        if exc.status != 409:  # it exists already: handled before an actor undid the label
            raise
    print(f"RECONCILED : {name}", flush=True)


async def main() -> int:
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s")
    config.load_kube_config()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await kopf.operator(standalone=True, namespaces=["default"], clusterwide=False, stop_flag=stop)
    print("done", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
