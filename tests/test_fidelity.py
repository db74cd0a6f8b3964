"""Emulate diff-tested against the real kube-apiserver: the catalogue of tests/fidelity, every difference
either absent or accepted with its reason (tests/fidelity/accepted.py); docs/fidelity.md lists them all."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from tests.conftest import REALKUBE_MIN_REQUEST_TIMEOUT
from tests.fidelity.accepted import accepted_why
from tests.fidelity.cases import CASES, Case
from tests.fidelity.harness import GUARD, _Deadlines, run
from tests.fidelity.report import verdict
from tests.fidelity.transcript import Transcript, differences
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
    # the cache moved twice in a 3 s sendInitialEvents watch: a bookmark at its first tick and one before the deadline
    ("4 events ≠ 2: real ['ADDED settings', 'BOOKMARK 523', 'BOOKMARK 524', 'BOOKMARK 525'] / emulated "
     "['ADDED settings', 'BOOKMARK 523']", True),
    ("4 events ≠ 2: real ['ADDED a', 'BOOKMARK 5', 'ADDED b', 'BOOKMARK 6'] / emulated ['ADDED a', 'BOOKMARK 5']",
     False),
    # an initial-events-end bookmark whose revision differs before it (another entry accepts that one)
    ("4 events ≠ 3: real ['ADDED a', 'BOOKMARK 7', 'DELETED a', 'BOOKMARK 9'] / emulated ['ADDED a', 'BOOKMARK 6', "
     "'DELETED a']", True),
    ("4 events ≠ 3: real ['ADDED a', 'BOOKMARK 7', 'DELETED a', 'BOOKMARK 9'] / emulated ['ADDED a', 'BOOKMARK 6', "
     "'DELETED b']", False),
])
def test_more_bookmarks_at_the_end_are_accepted_only_when_everything_before_them_agrees(
        difference: str, accepted: bool) -> None:
    assert (accepted_why("watch services", [difference]) is not None) is accepted


def _deadlines(*sent: float, longest: float | None = None) -> _Deadlines:
    d = _Deadlines(longest=longest)
    for i, t in enumerate(sent):
        q = {"watch": "1", "timeoutSeconds": "1"}
        d.watch(Case(f"w{i}", 0, "/api/v1/pods", q), q, t, t + 0.05, lambda: False)
    return d


@pytest.mark.parametrize(("sent", "longest", "now", "changes_at"), [
    ((), None, 5.0, 5.0),  # no watch running
    ((2.0,), None, 5.0, 5.0),  # its deadline (3.0) is past
    ((4.5,), None, 5.0, 5.65),  # deadline 5.5–5.55 within half a phase: after it
    ((4.5,), 0.1, 5.0, 5.0),  # changes known to take 0.1 s are over 0.3 s before it
    ((4.5, 4.6), None, 5.0, 5.75),  # two in a row: after both
    ((4.5, 5.1), 0.25, 5.0, 6.25),  # the first moved it next to the second: after that too
    ((4.05,), 0.1, 5.0, 5.2),  # just behind it
])
def test_a_phase_s_changes_wait_for_a_bounded_watch_s_deadline_they_would_come_near(
        sent: tuple[float, ...], longest: float | None, now: float, changes_at: float) -> None:
    assert _deadlines(*sent, longest=longest).clear_from(now) == pytest.approx(changes_at)


def test_a_phase_s_changes_also_wait_for_the_bookmark_due_two_seconds_before_a_deadline() -> None:
    """The real cacher sends it at a tick up to a second and a quarter after it is due, emulate half a tick after:
    a change in between would come before it on one server and after it on the other."""
    d = _Deadlines(longest=0.1)
    q = {"watch": "1", "timeoutSeconds": "5", "allowWatchBookmarks": "true"}
    d.watch(Case("w", 0, "/api/v1/pods", q), q, 0.0, 0.05, lambda: False)
    assert d.clear_from(1.0) == 1.0  # well before the bookmark is due (3.0)
    assert d.clear_from(3.2) == pytest.approx(3.05 + 1.25 + GUARD)  # inside its window: after it
    assert _deadlines(0.0).clear_from(0.5) == pytest.approx(1.05 + GUARD)  # (a one-second watch has none)


def test_changes_that_came_near_a_deadline_anyway_are_said_to() -> None:
    d = _deadlines(4.5, 7.0)
    d.changed(5.0, 5.6)
    assert list(d.near) == ["w0"] and "0.60 s" in d.near["w0"]
    assert d.clear_from(9.0) == 9.0 and d.clear_from(7.0) == pytest.approx(8.15)  # twice the 0.6 s seen


def _pod(rv: int) -> dict[str, object]:
    return {"type": "MODIFIED", "object": {"kind": "Pod", "metadata": {"name": "p", "resourceVersion": str(rv)}}}


def _tick(rv: int) -> dict[str, object]:
    return {"type": "BOOKMARK", "object": {"kind": "Pod", "metadata": {"resourceVersion": str(rv)}}}


@pytest.mark.parametrize(("real", "emulated", "same"), [
    # the same order: compared as they are
    ([(1.0, _pod(5)), (2.0, _tick(6)), (3.0, _pod(7))], [(1.0, _pod(5)), (2.1, _tick(6)), (3.0, _pod(7))], True),
    ([(1.0, _pod(5)), (2.0, _tick(6)), (3.0, _pod(7))], [(1.0, _pod(5)), (2.1, _tick(5)), (3.0, _pod(7))], False),
    # a tick just before the change on one side, just after it on the other: chance, each consistent
    ([(1.0, _pod(5)), (2.9, _tick(6)), (3.0, _pod(7))], [(1.0, _pod(5)), (3.0, _pod(7)), (3.2, _tick(8))], True),
    ([(1.0, _pod(5)), (3.0, _pod(7)), (3.2, _tick(8))], [(1.0, _pod(5)), (2.9, _tick(6)), (3.0, _pod(7))], True),
    # a bookmark older than the event before it is wrong whatever the order
    ([(1.0, _pod(5)), (2.9, _tick(6)), (3.0, _pod(7))], [(1.0, _pod(5)), (3.0, _pod(7)), (3.2, _tick(6))], False),
    # the bookmark seconds away from the change on one side: not a race
    ([(1.0, _pod(5)), (1.5, _tick(6)), (3.0, _pod(7))], [(1.0, _pod(5)), (3.0, _pod(7)), (3.2, _tick(8))], False),
    # different events are never a race
    ([(1.0, _pod(5)), (2.9, _tick(6)), (3.0, _pod(7))], [(1.0, _pod(5)), (3.0, _pod(9)), (3.2, _tick(9))], False),
    # one side with a tick bookmark the other lacks
    ([(1.0, _pod(5)), (2.9, _tick(6)), (3.0, _pod(7))], [(1.0, _pod(5)), (3.0, _pod(7))], False),
])
def test_a_tick_bookmark_racing_an_event_may_come_on_either_side_of_it(
        real: list[tuple[float, object]], emulated: list[tuple[float, object]], same: bool) -> None:
    def transcript(events: list[tuple[float, object]]) -> Transcript:
        return Transcript(status=200, chunked=True, events=events, end="complete", ended_after=5.0)

    assert (differences(transcript(real), transcript(emulated), unbounded=False) == []) is same
