"""A kopf operator with the handlers an operator author writes, for the comparison with the real apiserver in
tests/test_kopf_operator.py: on the custom resources `widgets.kopf.watchproxy.test` of the kubeconfig's namespace
(kopf's usual subject; the test installs the definition), a create/update handler (kopf stores its result in the
object's status, its progress and the last handled configuration in annotations, and posts an Event of each
handling), a ConfigMap `NAME-settings` it owns (kopf.adopt), and a delete handler, which makes kopf hold its
finalizer until the handler has run.

Prints `HANDLED : name image` after each create or update handler, `DELETED : name` after the delete handler;
on SIGTERM it stops kopf and prints the namespace's widgets and ConfigMaps as the server holds them (`FINAL :`
finalizers, kopf's annotations, status, owners, data, managedFields) and its Events (`FINAL : event` reason,
message, regarding, source, count), then `done`.
"""

from __future__ import annotations

import asyncio
import json
import logging
import signal
import sys
from typing import Any

import kopf
from kubernetes import client, config
from kubernetes.client.rest import ApiException

NAMESPACE = ""
GROUP, VERSION, PLURAL = "kopf.watchproxy.test", "v1", "widgets"


@kopf.on.startup()
def configure(settings: kopf.OperatorSettings, **_: Any) -> None:
    settings.scanning.disabled = True  # the namespace is taken to exist, as an operator without that right does
    settings.posting.level = logging.INFO  # kopf.info events, and kopf's own of each handling


@kopf.on.create(GROUP, VERSION, PLURAL)
@kopf.on.update(GROUP, VERSION, PLURAL)
async def reconcile(name: str, spec: kopf.Spec, body: kopf.Body, **_: Any) -> dict[str, str]:
    image = spec["image"]
    settings: dict[str, Any] = {"metadata": {"name": f"{name}-settings"}, "data": {"image": image}}
    kopf.adopt(settings, owner=body)
    api = client.CoreV1Api()
    try:
        await asyncio.to_thread(api.create_namespaced_config_map, NAMESPACE, settings)
    except ApiException as exc:
        if exc.status != 409:
            raise
        await asyncio.to_thread(api.patch_namespaced_config_map, f"{name}-settings", NAMESPACE,
                                {"data": {"image": image}})
    kopf.info(body, reason="SettingsApplied", message=f"{name}-settings: {image}")
    print(f"HANDLED : {name} {image}", flush=True)
    return {"image": image}


@kopf.on.delete(GROUP, VERSION, PLURAL)
async def cleanup(name: str, **_: Any) -> None:
    try:
        await asyncio.to_thread(client.CoreV1Api().delete_namespaced_config_map, f"{name}-settings", NAMESPACE)
    except ApiException as exc:
        if exc.status != 404:
            raise
    print(f"DELETED : {name}", flush=True)


def _managed(meta: Any) -> list[str]:
    return sorted(f"FINAL :   managed {m.manager} {m.operation} {m.subresource or '-'} "
                  f"{json.dumps(m.fields_v1, sort_keys=True)}" for m in meta.managed_fields or [])


def print_state() -> None:
    custom, core = client.CustomObjectsApi(), client.CoreV1Api()
    for w in custom.list_namespaced_custom_object(GROUP, VERSION, NAMESPACE, PLURAL)["items"]:
        meta = w["metadata"]
        annotations = {k: v for k, v in (meta.get("annotations") or {}).items() if k.startswith("kopf.")}
        print(f"FINAL : widget {meta['name']} finalizers {meta.get('finalizers')} annotations "
              f"{json.dumps(annotations, sort_keys=True)} status {json.dumps(w.get('status'), sort_keys=True)}")
        for line in sorted(f"FINAL :   managed {m['manager']} {m['operation']} {m.get('subresource', '-')} "
                           f"{json.dumps(m.get('fieldsV1'), sort_keys=True)}" for m in meta.get("managedFields", [])):
            print(line)
    for c in core.list_namespaced_config_map(NAMESPACE).items:
        owners = [f"{o.kind}/{o.name} controller={o.controller}" for o in c.metadata.owner_references or []]
        print(f"FINAL : configmap {c.metadata.name} owners {owners} data {json.dumps(c.data, sort_keys=True)}")
        for line in _managed(c.metadata):
            print(line)
    events = core.list_namespaced_event(NAMESPACE).items
    for line in sorted(f"FINAL : event {e.type} {e.reason} {e.message!r} regarding {e.involved_object.kind}/"
                       f"{e.involved_object.name} source {e.source.component if e.source else None} count {e.count}"
                       for e in events):
        print(line)


async def main() -> int:
    global NAMESPACE
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s")
    config.load_kube_config()
    NAMESPACE = config.list_kube_config_contexts()[1]["context"].get("namespace", "default")
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await kopf.operator(standalone=True, namespaces=[NAMESPACE], clusterwide=False, stop_flag=stop)
    await asyncio.to_thread(print_state)
    print("done", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
