"""Emulate diff-tested against the real kube-apiserver: the catalogue of tests/fidelity, every difference
either absent or accepted with its reason (tests/fidelity/accepted.py); docs/fidelity.md lists them all."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from tests.conftest import REALKUBE_MIN_REQUEST_TIMEOUT
from tests.fidelity.accepted import accepted_why
from tests.fidelity.cases import CASES
from tests.fidelity.harness import run
from tests.fidelity.report import verdict
from tests.realkube import RealKube

DOC = Path(__file__).resolve().parent.parent / "docs" / "fidelity.md"


async def test_emulate_answers_the_catalogue_as_the_real_apiserver_does(realkube: RealKube, tmp_path: Path) -> None:
    results = await run(realkube, tmp_path, f"fidelity-{uuid.uuid4().hex[:6]}", REALKUBE_MIN_REQUEST_TIMEOUT)
    assert len(results) == len(CASES) >= 60
    different = {r.case.name: r.differences for r in results if verdict(r) == "DIFFERENT"}
    assert not different, "\n".join(f"{name}: {d}" for name, d in different.items())
    # both sides really answered (a case neither server received would compare equal as "not sent")
    assert all(r.real.status and r.emulated.status for r in results)


def test_docs_fidelity_lists_every_case() -> None:
    """`make fidelity` rewrites docs/fidelity.md; a case added without rerunning it fails here."""
    text = DOC.read_text()
    missing = [c.name for c in CASES if f"| {c.name} |" not in text]
    assert not missing, f"docs/fidelity.md is stale (run `make fidelity`): {missing}"


@pytest.mark.parametrize(("difference", "accepted"), [
    ("1 events ≠ 0: real ['BOOKMARK 232'] / emulated []", True),  # (seen: a quiet Services watch)
    ("3 events ≠ 2: real ['ADDED a', 'MODIFIED a', 'BOOKMARK 5'] / emulated ['ADDED a', 'MODIFIED a']", True),
    ("2 events ≠ 1: real ['ADDED a', 'BOOKMARK 5'] / emulated ['ADDED b']", False),
    ("2 events ≠ 1: real ['ADDED a', 'BOOKMARK 5'] / emulated []", False),
    ("1 events ≠ 0: real ['ADDED a'] / emulated []", False),
    ("1 events ≠ 2: real ['BOOKMARK 5'] / emulated ['BOOKMARK 4', 'BOOKMARK 5']", False),
])
def test_one_more_bookmark_at_the_end_is_accepted_only_when_everything_before_it_agrees(
        difference: str, accepted: bool) -> None:
    assert (accepted_why("watch services", [difference]) is not None) is accepted
