"""pytest plugin (installed with the package): the `watchproxy` fixture.

    def test_resumes(watchproxy):
        replay = watchproxy("nginx-deploy", seed=3)      # a bundled recording's name, or a path
        os.environ["KUBECONFIG"] = replay.kubeconfig   # or pass replay.kubeconfig to your client
        ...start the client...
        replay.wait_for_watches(1)
        replay.advance(3600)                             # past the randomized timeout close
        replay.wait_for_watches(2)
        assert replay.watches()[1].resource_version == ...
        replay.stop_client(client.stop)                  # its threads end before the test does

Every replay started through the fixture is stopped at the end of the test: its open watches end with
their terminating chunk, and the test fails if the replay leaked a task.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    # pytest loads this plugin in every run of every project where watchproxy is installed: the replay
    # machinery (about a second of imports) is loaded only by a test that asks for the fixture.
    from .testing import Replay


@pytest.fixture
def watchproxy() -> Iterator[Callable[..., Replay]]:
    """A factory: `watchproxy(recording, mode=, seed=, min_request_timeout=, history=, faults=)`."""
    from .testing import Replay

    started: list[Replay] = []

    def start(recording: str | os.PathLike[str], **kwargs: Any) -> Replay:
        replay = Replay(recording, **kwargs).start()
        started.append(replay)
        return replay

    yield start
    errors = []
    for replay in reversed(started):
        try:
            replay.stop()
        except AssertionError as exc:
            errors.append(str(exc))
    if errors:
        pytest.fail("; ".join(errors))
