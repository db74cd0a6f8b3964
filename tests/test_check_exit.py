"""`watchproxy check` fails a CI job on the verdicts it is told to (--fail-on, default BUG), and its report
links the public bug reports behind each scenario instead of a catalogue the repository does not hold."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest
from watchproxy.check.catalogue import ENTRIES, url
from watchproxy.check.observe import Outcome
from watchproxy.check.report import update_markdown
from watchproxy.check.runner import Row
from watchproxy.check.scenarios import BY_NAME, SCENARIOS
from watchproxy.commands import check as check_command

CLIENT = ["--", sys.executable, "my_watcher.py"]


def _battery(verdicts: dict[str, str]) -> Any:
    def run(options: object) -> list[Row]:
        return [Row(BY_NAME[name], Outcome("did", "reacted", v), 0.1) for name, v in verdicts.items()]
    return run


@pytest.mark.parametrize(("verdicts", "args", "code"), [
    ({"timeout-close": "ok", "repeated-410": "BUG"}, [], 1),
    ({"timeout-close": "ok", "repeated-410": "n/a"}, [], 0),
    ({"timeout-close": "ok", "repeated-410": "BUG"}, ["--fail-on", "none"], 0),
    ({"timeout-close": "ok", "repeated-410": "n/a"}, ["--fail-on", "BUG,n/a"], 1),
])
def test_the_exit_status_follows_the_verdicts_chosen_to_fail(monkeypatch: pytest.MonkeyPatch,
                                                             capsys: pytest.CaptureFixture[str],
                                                             verdicts: dict[str, str], args: list[str],
                                                             code: int) -> None:
    monkeypatch.setattr(check_command, "run_battery", _battery(verdicts))
    assert check_command.main([*args, *CLIENT]) == code
    err = capsys.readouterr().err
    assert ("repeated-410" in err) == (code == 1), err


def test_an_unknown_verdict_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        check_command.main(["--fail-on", "bugs", *CLIENT])
    assert exit_.value.code == 2 and "choose from BUG, n/a, ok, or none" in capsys.readouterr().err


def test_the_report_links_the_public_reports_of_every_scenario(tmp_path: Path) -> None:
    report = tmp_path / "report.md"
    update_markdown(report, "mine", ["w"], [Row(BY_NAME["timeout-close"], Outcome("a", "b", "ok"), 0.1)])
    text = report.read_text()
    assert "failure-scenarios" not in text
    for s in SCENARIOS:
        for ref in s.refs:
            for public in ENTRIES[ref][1]:
                assert f"[{public}]({url(public)})" in text
    assert url("python#1402") == "https://github.com/kubernetes-client/python/issues/1402"
    assert url("nolar/kopf#787") == "https://github.com/nolar/kopf/issues/787"
