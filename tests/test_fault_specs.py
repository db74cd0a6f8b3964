"""Fault descriptions are taken strictly (a value or option that would be ignored is refused, naming it),
and faults given at start-up (`--fault`, `Replay(faults=...)`) arm for the coming requests."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from typing import Any

import aiohttp
import pytest
from watchproxy.engines.faults import FaultError, parse_fault
from watchproxy.testing import Replay

from tests.procs import start_proxy

PODS = "/api/v1/namespaces/default/pods"


@pytest.mark.parametrize(("spec", "names"), [
    ("reset:mid_event=maybe", "mid_event"),
    ({"action": "reset", "mid_event": "maybe"}, "mid_event"),
    ({"action": "reset", "mid_event": 2}, "mid_event"),
    ("slow:delay=1,bytes_per_second=100", "delay"),
    ("slow:verb=watch", "bytes_per_second"),
    ("slow:bytes_per_second=0", "bytes_per_second"),
    ("close:status=410", "status"),
    ("http-status:mid_event=true", "mid_event"),
    ("expire:delay=1", "delay"),
    ("restart:after_events=2", "after_events"),
    ("stall:retry_after=3", "retry_after"),
])
def test_a_value_or_option_that_would_be_ignored_is_refused_naming_it(spec: Any, names: str) -> None:
    with pytest.raises(FaultError, match=names):
        parse_fault(spec, 1)


@pytest.mark.parametrize(("text", "value"), [("true", True), ("False", False), ("1", True), ("no", False)])
def test_mid_event_takes_the_usual_spellings_of_a_boolean(text: str, value: bool) -> None:
    assert parse_fault(f"reset:mid_event={text}", 1).mid_event is value


def test_start_up_faults_default_to_the_coming_requests() -> None:
    for action in ("close", "reset", "expire", "restart"):
        assert parse_fault(action, 1).when == "now"
        assert parse_fault(action, 1, default_when="next").when == "next"


def test_a_start_up_fault_that_says_now_is_refused() -> None:
    with pytest.raises(FaultError, match="when=now"):
        Replay("nginx-deploy", faults=("close:when=now",))


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "watchproxy", "replay", "nginx-deploy", "--listen", "127.0.0.1:0",
                           *args], capture_output=True, text=True, timeout=60, check=False)


@pytest.mark.parametrize(("fault", "says"), [("reset:mid_event=maybe", "mid_event must be true or false"),
                                             ("slow:delay=1,bytes_per_second=5", "not both"),
                                             ("expire:when=now", "when=now")])
def test_the_command_line_refuses_a_bad_fault_in_one_line(fault: str, says: str) -> None:
    done = _cli("--fault", fault)
    assert done.returncode == 2
    lines = done.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("watchproxy: error: ") and says in lines[0], done.stderr


async def test_command_line_stream_faults_arm_for_the_coming_requests() -> None:
    proc, url = await start_proxy("replay", "nginx-deploy", "--clock", "manual",
                                  "--fault", "expire:verb=watch", "--fault", "close:verb=watch,nth=2",
                                  "--fault", "reset:verb=watch,nth=3", "--fault", "restart:verb=list")
    async with aiohttp.ClientSession() as http:
        async with http.get(f"{url}/_watchproxy/faults") as resp:
            armed = (await resp.json())["faults"]
        assert [(f["action"], f["when"]) for f in armed] == [
            ("expire", "next"), ("close", "next"), ("reset", "next"), ("restart", "next")]
        async with http.get(f"{url}{PODS}?watch=true") as resp:
            assert resp.status == 200
            event = json.loads(await resp.content.readline())
            assert (event["type"], event["object"]["code"]) == ("ERROR", 410)
            assert await resp.content.read() == b""  # then a clean end
        async with http.get(f"{url}{PODS}?watch=true") as resp:
            assert resp.status == 200 and await resp.content.read() == b""  # closed at once, cleanly
        with pytest.raises(aiohttp.ClientError):
            async with http.get(f"{url}{PODS}?watch=true") as resp:
                await resp.content.read()  # reset
        async with http.get(f"{url}{PODS}") as resp:
            assert resp.status == 200
        async with http.get(f"{url}/_watchproxy/requests") as resp:
            log = await resp.json()
    proc.terminate()
    await asyncio.wait_for(proc.wait(), 30)
    notes = [n for r in log["requests"] for n in r["notes"]]
    assert any("restart" in n for n in notes), notes
