"""The README's example: a real informer, a manual clock, a timeout close and a 410, in well under a second.

`watchproxy` is the fixture the package's pytest plugin provides.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from kubernetes import client, config
from kubernetes.informer import SharedInformer
from watchproxy.testing import Replay

NGINX = Path(__file__).resolve().parent.parent / "recordings" / "nginx-deploy.msgpack"


def test_informer_resumes_after_timeout_and_relists_after_410(watchproxy: Callable[..., Replay]) -> None:
    replay = watchproxy(NGINX, seed=1)
    api = client.CoreV1Api(config.new_client_from_config(config_file=replay.kubeconfig))
    informer = SharedInformer(api.list_namespaced_pod, namespace="default")
    informer.start()
    try:
        first = replay.wait_for_watches(1, open_=True)[0]
        assert first.deadline is not None and 1800 <= first.deadline - first.at < 3600
        replay.advance(11)                        # the nginx rollout: 8 events
        replay.advance_to(first.deadline)         # the apiserver's randomized timeout close
        second = replay.wait_for_watches(2, open_=True)[1]
        assert second.resource_version == "1008"  # resumed from the last event it saw, no relist
        assert len(replay.requests("list")) == 1

        replay.fault("expire", verb="watch", when="next")  # the client's retry is refused as well
        replay.fault("expire", verb="watch")               # ERROR 410 in the open stream
        replay.wait_for(lambda r: len(r.requests("list")) == 2 and r.watches()[-1].end == "open")
        relisted = replay.watches()[-1]
        assert relisted.resource_version == "1008"          # the relist's resourceVersion
    finally:
        replay.stop_client(informer.stop)                  # ends the watch it waits in; its thread ends
    assert informer._thread is None                        # stop() joined it
    assert sorted((p.metadata.name, p.status.phase) for p in informer.cache.list()) == [
        ("nginx-deploy-679dc9c764-54d5d", "Running"), ("nginx-deploy-679dc9c764-r9ds5", "Running")]
    assert [w.end for w in replay.watches()[:3]] == ["timeout", "fault-expire", "fault-expire"]
    # The last watch is over, either way it can end: stop_client ended it with its terminating chunk, or the
    # client's stop got there first (kubernetes >= 37: Watch.stop shuts its own socket down; the informer
    # then logs "Response ended prematurely"). Never still open, cut by the proxy or ended by an error.
    assert replay.watches()[-1].end in ("server-closed", "client-closed")


def test_the_plugin_loads_the_replay_machinery_only_for_a_test_that_asks_for_it() -> None:
    # pytest loads the plugin in every run of every project where watchproxy is installed.
    code = "import sys, watchproxy.pytest_plugin; print(sorted(m for m in sys.modules if m.startswith('watchproxy')))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "['watchproxy', 'watchproxy.pytest_plugin']"
