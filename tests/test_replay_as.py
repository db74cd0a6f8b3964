"""Running a client as someone else against a replay: `watchproxy replay --write-kubeconfig PATH --as USER`
and `Replay.kubeconfig_as(user, *groups)` write a kubeconfig whose clients impersonate that user (kubectl's
`as:`), whom emulate authorizes by RBAC. The real kubectl is the client."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from watchproxy.cli import main
from watchproxy.testing import Replay

from tests.procs import KUBECTL, ClientProcess


def _kubectl(kubeconfig: str, *args: str) -> tuple[int, str]:
    done = subprocess.run([str(KUBECTL), "--kubeconfig", kubeconfig, *args], capture_output=True, text=True,
                          timeout=60, check=False)
    return done.returncode, (done.stdout + done.stderr).strip()


def test_the_cli_writes_a_kubeconfig_that_impersonates(tmp_path: Path) -> None:
    kubeconfig = tmp_path / "kc"
    replay = ClientProcess([sys.executable, "-m", "watchproxy", "replay", "nginx-deploy", "--listen", "127.0.0.1:0",
                            "--write-kubeconfig", str(kubeconfig), "--as", "system:serviceaccount:default:ctl"])
    try:
        replay.wait_for(lambda lines: any("listening on" in ln for ln in lines), what="the listening line")
        assert _kubectl(str(kubeconfig), "get", "deployments") == (
            1, 'Error from server (Forbidden): deployments.apps is forbidden: User "system:serviceaccount:default:ctl" '
               'cannot list resource "deployments" in API group "apps" in the namespace "default"')
        code, who = _kubectl(str(kubeconfig), "auth", "whoami")
        assert code == 0 and "system:serviceaccount:default:ctl" in who and "system:serviceaccounts:default" in who
    finally:
        replay.terminate()


def test_replay_kubeconfig_as_a_user_and_groups() -> None:
    with Replay("nginx-deploy") as r:
        alice = r.kubeconfig_as("alice", "devs")
        assert _kubectl(alice, "auth", "can-i", "list", "pods") == (1, "no")
        code, who = _kubectl(alice, "auth", "whoami")
        assert code == 0 and "alice" in who and "[devs system:authenticated]" in who
        assert _kubectl(r.kubeconfig_as("bob", "system:masters"), "auth", "can-i", "list", "pods") == (0, "yes")
        assert _kubectl(r.kubeconfig, "auth", "can-i", "delete", "secrets") == (0, "yes")  # (the administrator)


@pytest.mark.parametrize(("args", "why"), [
    (["--as", "alice"], "give --write-kubeconfig PATH too"),
    (["--write-kubeconfig", "kc", "--as-group", "devs"], "--as-group needs --as USER"),
])
def test_as_without_what_it_needs_is_one_line(args: list[str], why: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["replay", "nginx-deploy", *args]) == 2
    err = capsys.readouterr().err
    assert why in err and err.count("\n") == 1
