"""Every bundled recording, replayed to a real informer through its randomized timeout closes: the
informer ends with exactly the objects the emulated apiserver holds, and it never had to relist."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from kubernetes import client, config
from kubernetes.informer import SharedInformer
from watchproxy.engines.store import load
from watchproxy.testing import Replay

RECORDINGS = sorted((Path(__file__).resolve().parent.parent / "recordings").glob("*.msgpack"))


def list_function(api: client.CoreV1Api, collection: str) -> tuple[Callable[..., Any], dict[str, str]]:
    parts = collection.strip("/").split("/")  # api v1 [namespaces NS] RESOURCE
    resource, ns = parts[-1], parts[3] if len(parts) == 5 else ""
    name = {"pods": "pod", "configmaps": "config_map"}[resource]
    if ns:
        return getattr(api, f"list_namespaced_{name}"), {"namespace": ns}
    return getattr(api, f"list_{name}_for_all_namespaces"), {}


@pytest.mark.parametrize("recording", RECORDINGS, ids=[p.stem for p in RECORDINGS])
def test_informer_ends_with_the_replayed_state(watchproxy: Callable[..., Replay], recording: Path) -> None:
    loaded = load(recording)
    watch = next(e for e in loaded.exchanges.values() if e.info.verb == "watch")
    collection = watch.request.path
    replay = watchproxy(recording, seed=2)
    api = client.CoreV1Api(config.new_client_from_config(config_file=replay.kubeconfig))
    func, kwargs = list_function(api, collection)
    informer = SharedInformer(func, **kwargs)
    informer.start()
    try:
        while replay.now < loaded.duration or sum(w.end == "timeout" for w in replay.watches()) < 2:
            replay.wait_for(lambda r: bool(r.watches()) and r.watches()[-1].end == "open", what="an open watch")
            deadline = replay.watches()[-1].deadline
            assert deadline is not None
            replay.advance_to(deadline)
        expected = replay.objects(watch.info.collection_path)
        scope = kwargs.get("namespace")
        expected = {k: v for k, v in expected.items() if not scope or k.startswith(f"{scope}/")}

        def cached() -> dict[str, str]:
            return {f"{o.metadata.namespace}/{o.metadata.name}": o.metadata.resource_version
                    for o in informer.cache.list()}

        replay.wait_for(lambda _: cached() == expected, what="the informer's cache to match the server")
    finally:
        stopper = threading.Thread(target=informer.stop)
        stopper.start()
        replay.fault("close", verb="watch", count="always")
        stopper.join(10)
    assert expected and len(replay.requests("list")) == 1
    assert sum(w.end == "timeout" for w in replay.watches()) >= 2
