"""`watchproxy check` against real clients: it must classify what tests/clients/README.md documents.

Each test runs a few scenarios of the battery against one real client and asserts on the outcome's
data (the facts, not the wording): the Python watch resumes from the last resourceVersion at once after
the timeout close and raises on a second 410; client-node's Watch stops at a close and hands the 410
Status to its callback; kr8s restarts after an in-stream 410 from the same resourceVersion; the Python
informer relists after an HTTP 410. The rest checks the command line and the shared markdown report.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from watchproxy.check import CheckError, Options, run_battery
from watchproxy.check.client import parse_output
from watchproxy.check.cluster import PODS_PATH, Cluster
from watchproxy.check.observe import OK, Outcome
from watchproxy.check.report import update_markdown
from watchproxy.check.runner import Row
from watchproxy.check.scenarios import BY_NAME
from watchproxy.commands import check as check_command

from tests.procs import GOCLIENTS, KUBECTL

ROOT = Path(__file__).resolve().parent.parent
CLIENTS = ROOT / "tests" / "clients"
NODE_DIR = ROOT / "examples" / "node"
needs_node = pytest.mark.clients("node")


def battery(argv: list[str], *only: str) -> dict[str, Outcome]:
    rows = run_battery(Options(argv, only))
    assert not [r.error for r in rows if r.error]
    return {r.scenario.name: r.outcome for r in rows}


def python(script: str) -> list[str]:
    return [sys.executable, str(CLIENTS / script)]


def test_python_watch_resumes_at_once_from_the_last_rv_and_gives_up_on_a_second_410() -> None:
    out = battery(python("py_watch.py"), "timeout-close", "expire-in-stream")
    close = out["timeout-close"]
    assert close.verdict == "ok", close
    assert close.data["reaction"] == "recovered" and close.data["resumed"] == "last" and not close.data["relisted"]
    assert close.data["gaps"][0] < 0.3 and close.data["virtual_gaps"] == [0.0]  # at once, no backoff
    assert close.data["lost"] == [] and close.data["extra"] == []
    expire = out["expire-in-stream"]
    assert expire.verdict == "BUG", expire
    assert expire.data["reaction"] == "exited" and expire.data["exit_code"] == 1 and expire.data["lists"] == 0
    retry = expire.data["requests"]
    assert len(retry) == 1 and retry[0].endswith("→ ERROR 410")  # one retry with the same RV, then ApiException
    assert "ERROR : 410" in expire.client


@needs_node
def test_client_node_watch_stops_at_the_close_and_hands_the_410_status_to_its_callback() -> None:
    out = battery(["node", str(NODE_DIR / "seed-watch.js")], "timeout-close", "expire-in-stream")
    close = out["timeout-close"]
    assert close.verdict == "BUG", close
    assert close.data["reaction"] == "exited" and close.data["exit_code"] == 0 and close.data["done"]
    assert close.data["requests"] == []  # no reconnect at all
    expire = out["expire-in-stream"]
    assert expire.verdict == "BUG" and expire.data["status_objects"] == ["undefined"], expire  # `ERROR : undefined`


def test_kr8s_restarts_after_an_in_stream_410_from_the_same_rv_without_relisting() -> None:
    out = battery(python("kr8s_watch.py"), "expire-in-stream")["expire-in-stream"]
    assert out.verdict == "BUG", out
    assert out.data["reaction"] == "recovered" and out.data["resumed"] == "last" and not out.data["relisted"]
    first, second = out.data["requests"]
    assert first.endswith("→ ERROR 410") and first.split(" →")[0] == second  # the same RV twice


def test_python_informer_relists_after_an_http_410() -> None:
    out = battery(python("py_informer.py"), "http-410")["http-410"]
    assert out.verdict == "ok", out
    assert out.data["relisted"] and out.data["resumed"] == "relist" and out.data["lost"] == []
    assert out.data["requests"][:2] == ["watch rv=104 → HTTP 410", "list"]


@pytest.mark.clients("kubectl")
def test_kubectl_exits_0_at_the_close_and_prints_the_410_status_as_a_row() -> None:
    out = battery([str(KUBECTL), "get", "pods", "-w"], "timeout-close", "repeated-410")
    assert out["timeout-close"].data["reaction"] == "exited" and out["timeout-close"].data["exit_code"] == 0
    assert out["repeated-410"].data["status_objects"][0].startswith("Failure")


def test_a_command_that_cannot_start_is_one_line_and_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert check_command.main(["--only", "timeout-close", "--", "/nonexistent/watch-client"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1].startswith("watchproxy check: error: cannot start") and capsys.readouterr().out == ""


def test_a_command_that_never_watches_cannot_be_checked() -> None:
    with pytest.raises(CheckError, match="no watch request"):
        run_battery(Options([sys.executable, "-c", "pass"], ["timeout-close"]))


def test_the_sub_command_leaves_the_clis_dispatch_key_alone() -> None:
    """proxy/cli.py dispatches on `args.command`; the client's command line must not overwrite it."""
    import argparse

    parser = argparse.ArgumentParser(prog="watchproxy")
    check_command.register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["check", "--only", "timeout-close", "--", "node", "watch.js", "--flag"])
    assert args.command == "check" and args.client == ["--", "node", "watch.js", "--flag"]


def test_unknown_scenario_names_the_known_ones(capsys: pytest.CaptureFixture[str]) -> None:
    assert check_command.main(["--only", "nope", "--", sys.executable, "-c", "pass"]) == 2
    assert "timeout-close" in capsys.readouterr().err


def _rows(verdict: str) -> list[Row]:
    return [Row(BY_NAME["timeout-close"], Outcome("closed", "did | something", verdict), 0.1)]


def test_markdown_sections_are_replaced_in_place_and_others_kept(tmp_path: Path) -> None:
    report = tmp_path / "report.md"
    update_markdown(report, "client a", ["a"], _rows("ok"))
    update_markdown(report, "client b", ["b"], _rows("BUG"))
    report.write_text(report.read_text() + "\nhand-written notes stay\n")
    update_markdown(report, "client a", ["a"], _rows("BUG"))
    text = report.read_text()
    assert text.count("## client a") == 1 and text.count("## client b") == 1
    assert text.index("## client a") < text.index("## client b") < text.index("hand-written notes stay")
    assert "| client a | BUG |" in text and "| client b | BUG |" in text  # the summary follows the sections
    assert "did \\| something" in text and text.count("# Client robustness report") == 1


def test_output_parsing_covers_the_drivers_and_kubectl() -> None:
    p = parse_output(["ADDED : a", "UPDATE : a", "DELETE : a", "BOOKMARK : 7", "ERROR : undefined",
                      "ERROR : 410 Gone", "FINAL : b 9", "done", "NONE : "])
    assert p.events == [("ADDED", "a"), ("MODIFIED", "a"), ("DELETED", "a")] and p.done
    assert p.status_objects == ["undefined"] and p.errors == ["410 Gone"] and p.final == {"b": "9"}
    table = ["NAME    READY   STATUS", "web-0   1/1     Running", "STATUS    REASON    MESSAGE",
             "Failure   Expired   too old resource version: 1 (2)"]
    t = parse_output(table, skip=2)
    assert t.table and t.events == [] and t.status_objects == [table[3]]


def test_the_scripted_cluster_is_what_the_emulator_serves(tmp_path: Path) -> None:
    """The check's expectations (state, resourceVersions) come from its own model: it must match emulate."""
    from watchproxy.clock import ManualClock
    from watchproxy.engines.emulate.engine import Emulator
    from watchproxy.engines.store import load

    cluster = Cluster()
    em = Emulator(load(cluster.write(tmp_path / "c.msgpack")), ManualClock())
    path = PODS_PATH.replace("/namespaces/default", "")
    for t in (0.0, 5.0, 30.0, 45.0, 100.0, 155.0, 2500.0, 3600.0, 3700.0):
        state = em.cache.state_upto(path, em.cache.index_at(path, t))
        assert {k[1]: c.rv for k, c in state.items()} == {
            n: int(o["metadata"]["resourceVersion"]) for n, o in cluster.state_at(t).items()}, t
        assert em.cache.current_rv(t) == cluster.rv_at(t), t


def test_a_watch_list_is_read_as_a_relist() -> None:
    """client-go's default WatchListClient relists with a sendInitialEvents watch and no LIST: after an
    ERROR 410 that is its relist, and the state it streams again is no duplicate."""
    if not GOCLIENTS.exists():
        pytest.fail(f"{GOCLIENTS} is missing: `make peers` builds it")
    out = battery([str(GOCLIENTS), "informer"], "expire-in-stream")["expire-in-stream"]
    assert out.data["relisted"] and out.data["resumed"] == "relist", out.client
    assert out.verdict == OK, out.client
