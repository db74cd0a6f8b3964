"""The command line as a new user reads it: every command says what it does, every argument has help,
`-v` is taken where a user types it, no option offers a single choice, messages fit what the command does,
and a failed start is one line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from watchproxy.cli import _parser, main


def _sub(name: str) -> object:
    parser = _parser()
    action = next(a for a in parser._actions if a.dest == "command")
    return action.choices[name]  # type: ignore[index]


@pytest.mark.parametrize("name", ["record", "replay", "inspect", "recordings", "synth", "export", "redact", "check"])
def test_every_command_describes_itself_and_helps_every_argument(name: str) -> None:
    sub = _sub(name)
    assert sub.description, name  # type: ignore[attr-defined]
    for action in sub._actions:  # type: ignore[attr-defined]
        if action.dest not in ("help", "verbose", "on_miss"):
            assert action.help, (name, action.dest)


def test_replay_offers_no_option_with_a_single_choice(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["replay", "--help"])
    text = capsys.readouterr().out
    assert "--on-miss" not in text and "{fail}" not in text
    assert _parser().parse_args(["replay", "x", "--on-miss", "fail"]).on_miss == "fail"  # older scripts


def test_inspect_takes_v_after_the_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["inspect", "-v", "nginx-deploy"]) == 0
    assert "nginx-deploy" in capsys.readouterr().out


def test_json_names_no_resource_for_paths_that_have_none(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["inspect", "nginx-deploy", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert {(e["path"], e["resource"]) for e in doc["exchanges"]} >= {("/version", ""), ("/apis/apps/v1", ""),
                                                                      ("/api/v1/namespaces/default/pods", "pods")}
    assert all(r == r.strip() for r in (e["resource"] for e in doc["exchanges"]))


def test_counts_are_singular_when_one(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from watchproxy.report.words import plural
    assert (plural(1, "request"), plural(2, "request"), plural(1, "watch", "watches"),
            plural(0, "miss", "misses")) == ("1 request", "2 requests", "1 watch", "0 misses")
    assert main(["inspect", "nginx-deploy", "--timeline", str(tmp_path / "t.svg")]) == 0
    assert "(1 lane, " in capsys.readouterr().out


def test_replay_refusing_a_remote_listen_speaks_of_what_replay_serves(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["replay", "nginx-deploy", "--listen", "0.0.0.0:0"]) == 2
    replay_says = capsys.readouterr().err
    assert "credentials" not in replay_says and "recording" in replay_says
    assert main(["record", "--out", "x.msgpack", "--listen", "0.0.0.0:0"]) == 2
    assert "cluster credentials" in capsys.readouterr().err


# A failed record start (a busy port, an existing --out) is one line with no `Unclosed connector` after it:
# tests/test_record_out.py.
