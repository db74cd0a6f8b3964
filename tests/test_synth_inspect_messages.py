"""What `synth` and `inspect --timeline` tell the user: a scenario change no client would see is named in
a warning, a scenario error found while building names the file, and a timeline file that would be
mislabelled or cannot be written is refused in one line, before anything else is printed."""

from __future__ import annotations

from pathlib import Path

import pytest
from watchproxy.cli import main

QUIET = """\
name: quiet
seed: 1
min_request_timeout: 60
duration: 300
resources:
  - path: /api/v1/namespaces/default/pods
    list: {at: 0}
    watches: []
objects:
  - {kind: Pod, name: a, namespace: default}
changes:
  - at: 50
    modify: {kind: Pod, name: a, phase: Running}
"""

TOO_SMALL_A_PAGE = """\
name: paged
seed: 1
min_request_timeout: 60
resources:
  - path: /api/v1/namespaces/default/pods
    list: {at: 0, query: "limit=1"}
objects:
  - {kind: Pod, name: a, namespace: default}
  - {kind: Pod, name: b, namespace: default}
"""


def test_a_change_no_client_sees_is_named_in_a_warning(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "quiet.yaml").write_text(QUIET)
    assert main(["synth", str(tmp_path / "quiet.yaml"), "--out", str(tmp_path / "q.msgpack")]) == 0
    err = capsys.readouterr().err.splitlines()
    assert err == [f"watchproxy synth: warning: {tmp_path / 'quiet.yaml'}: 1 change (changes[0] at 50.0s) comes "
                   "after every list and watch of its resource has ended: no client sees it, so the recording "
                   "does not hold it"]


def test_a_bundled_scenario_has_no_such_warning(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["synth", "nginx-deploy", "--out", str(tmp_path / "n.msgpack")]) == 0
    assert capsys.readouterr().err == ""


def test_an_error_found_while_building_names_the_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    scenario = tmp_path / "paged.yaml"
    scenario.write_text(TOO_SMALL_A_PAGE)
    assert main(["synth", str(scenario), "--out", str(tmp_path / "p.msgpack")]) == 2
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 1 and err[0].startswith(f"watchproxy: error: {scenario}: resources[0].list.query: limit=1")


@pytest.mark.parametrize(("name", "says"), [("out.png", "name the file .svg or .html"),
                                            ("missing-dir/out.svg", "no such directory"),
                                            ("dir.svg", "is a directory")])
def test_a_bad_timeline_file_is_one_line_naming_it_and_nothing_else(tmp_path: Path, name: str, says: str,
                                                                    capsys: pytest.CaptureFixture[str],
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "dir.svg").mkdir()
    assert main(["inspect", "nginx-deploy", "--timeline", name]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.splitlines() == [f"watchproxy: error: --timeline {name}: " + err.split(f"{name}: ", 1)[1].strip()]
    assert says in err
    assert not (tmp_path / "out.png").exists()


def test_the_timeline_is_written_under_the_name_asked_for(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["inspect", "nginx-deploy", "--timeline", str(tmp_path / "t.html")]) == 0
    assert (tmp_path / "t.html").read_text().startswith("<!DOCTYPE html>")
    assert f"timeline: wrote {tmp_path / 't.html'}" in capsys.readouterr().out
