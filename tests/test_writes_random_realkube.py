"""Seeded random write sequences (tests/random_writes.py) to the real kube-apiserver and to a replay: every
answer the same, reduced to what does not differ by nature. The sequences found what the fixed differential
did not: a collection delete's answer, server-side apply's conflicts with the updater that set a field,
a create over an object being deleted, a dry-run update that lets an object go."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from watchproxy.testing import Replay

from tests import random_writes, rawhttp
from tests.realkube import RealKube


@pytest.mark.parametrize("seed", [10, 19, 20, 24])
def test_a_random_write_sequence_gets_the_real_apiservers_answers(
        realkube: RealKube, watchproxy: Callable[..., Replay], tmp_path: Path, seed: int) -> None:
    ns = f"random-writes-{seed}"
    real_server, replay = rawhttp.real_and_replay(realkube, watchproxy, tmp_path, ns)
    sequence = random_writes.ops(seed, 60)
    real, emulated = random_writes.run(real_server, ns, sequence), random_writes.run(replay, ns, sequence)
    differences = [(i, r, e) for i, (r, e) in enumerate(zip(real, emulated, strict=True)) if r != e]
    assert differences == []
    codes = {code for _, code, _, _ in real}
    assert {200, 201, 404, 409} <= codes  # the sequence met refusals as well as writes that went through
