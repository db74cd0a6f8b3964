"""Who can reach what: loopback by default, Host header checks against DNS rebinding, a control API
only loopback peers can use, private files."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path
from unittest import mock

import aiohttp
from aiohttp.test_utils import make_mocked_request
from watchproxy.server import app as app_mod
from watchproxy.server.sessions import ReplaySession

NGINX = Path(__file__).resolve().parent.parent / "recordings" / "nginx-deploy.msgpack"


async def cli(*args: str) -> tuple[int, str, str]:
    proc = await asyncio.create_subprocess_exec(sys.executable, "-m", "watchproxy", *args,
                                                stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(proc.communicate(), 30)
    return proc.returncode or 0, out.decode(), err.decode()


async def test_listening_beyond_loopback_needs_a_flag() -> None:
    code, _, err = await cli("replay", str(NGINX), "--listen", "0.0.0.0:0")
    assert code == 2 and "--allow-remote" in err and len(err.strip().splitlines()) == 1


async def test_default_listen_address_is_loopback() -> None:
    from watchproxy.cli import DEFAULT_LISTEN

    assert DEFAULT_LISTEN.startswith("127.0.0.1:")


async def test_foreign_host_headers_are_refused(tmp_path: Path) -> None:
    async with ReplaySession(NGINX, write_kubeconfig=tmp_path / "kc") as s, aiohttp.ClientSession() as http:
        for host, ok in (("evil.example.com", False), ("127.0.0.1", True), ("localhost:8001", True),
                         ("[::1]:8001", True), ("10.0.0.8", False), ("127.0.0.1.nip.io", False)):
            async with http.get(f"{s.url}/api/v1/namespaces/default/pods", headers={"Host": host}) as resp:
                body = await resp.json()
                assert (resp.status == 200) == ok, host
                if not ok:
                    assert resp.status == 403 and body["kind"] == "Status" and "not accepted" in body["message"]
        assert (tmp_path / "kc").stat().st_mode & 0o777 == 0o600


async def test_accept_host_extends_the_list(tmp_path: Path) -> None:
    async with ReplaySession(NGINX, accept_hosts=("proxy.internal",)) as s, aiohttp.ClientSession() as http, \
            http.get(f"{s.url}/version", headers={"Host": "proxy.internal:8001"}) as resp:
        assert resp.status == 200


async def test_control_api_answers_only_loopback_peers() -> None:
    state = mock.Mock(control=mock.AsyncMock(), mode="replay")
    application = {app_mod.STATE: state}
    for peer, allowed in (("127.0.0.1", True), ("::1", True), ("10.1.2.3", False), ("192.168.1.5", False)):
        transport = mock.Mock()
        transport.get_extra_info.side_effect = lambda name, default=None, p=peer: (p, 1234) if name == "peername" \
            else default
        req = make_mocked_request("GET", "/_watchproxy/status", transport=transport, app=application)  # type: ignore[arg-type]
        resp = await app_mod._control(req)
        assert (resp is state.control.return_value) == allowed, peer
        if not allowed:
            assert resp.status == 403
        state.control.reset_mock()
