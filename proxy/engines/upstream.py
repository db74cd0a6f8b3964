"""The connection to the real apiserver, authenticated with the user's own kubeconfig.

Credentials are loaded by the `kubernetes` package (CA, client certificates, bearer tokens, token files,
exec plugins, basic auth, insecure-skip-tls-verify, proxy-url, tls-server-name), so every kubeconfig that
works for kubectl works here, without parsing it by hand. They live only in memory: the package writes
certificate and key data to files because `ssl` loads them from files, and those files are removed as soon
as the SSL context has loaded them (a SIGKILL a moment later leaves nothing behind). A user name and
password in the server URL are used as Go's HTTP client uses them (basic auth, when nothing else is set)
and never shown: `server` is the URL without them. Nothing here logs a credential.

Expiring credentials are refreshed, not cached forever: exec plugin tokens through the package's refresh
hook when their expirationTimestamp passes, token files by re-reading them every minute as client-go does.
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import re
import shutil
import ssl
import tempfile
import time
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import aiohttp
from yarl import URL

from ..recording.records import Headers
from .stream import BodyError, StreamBroken, open_stream

TOKEN_FILE_REREAD_SECONDS = 60.0
_HOP_BY_HOP = frozenset({"connection", "keep-alive", "proxy-connection", "te", "trailer",
                         "transfer-encoding", "upgrade", "host", "content-length",
                         "authorization", "proxy-authorization"})


class UpstreamError(Exception):
    """The apiserver cannot be reached or its credentials cannot be loaded (message safe to show)."""


class UpstreamResponse(Protocol):
    """The apiserver's answer, whichever client read it (aiohttp's, or proxy.engines.stream's)."""

    status: int
    reason: str
    headers: Headers  # as received, in order

    def header(self, name: str) -> str: ...

    @property
    def content_length(self) -> int | None:
        """The length to forward, None for a body sent chunked or ended by closing the connection."""
        ...

    def pieces(self) -> AsyncIterator[list[bytes]]:
        """The body as it arrives; BodyError if it breaks off."""
        ...

    def views(self) -> AsyncIterator[Sequence[bytes | memoryview]]:
        """`pieces`, each perhaps a memoryview of a socket read rather than a copy, for a caller that joins
        them and keeps none (the recorder's JSON watches: JsonLines.feed_read)."""
        ...

    async def close(self) -> None: ...


class ApiserverConnection(Protocol):
    """What the recorder needs of the apiserver: `Upstream` over the network, or an in-memory one, so the
    recorder's behaviour is tested without sockets (tests/memory.py MemoryUpstream)."""

    @property
    def server(self) -> str:
        """The apiserver's URL, without credentials, for what the proxy tells its user."""
        ...

    async def request(self, method: str, path: str, query: str, headers: Headers, body: bytes, *,
                      stream: bool = False) -> UpstreamResponse: ...


class _ClientResponse:
    """An aiohttp response seen through UpstreamResponse."""

    def __init__(self, resp: aiohttp.ClientResponse) -> None:
        self._resp = resp
        self.status = resp.status
        self.reason = resp.reason or ""
        self.headers = tuple((k.decode("latin-1"), v.decode("latin-1")) for k, v in resp.raw_headers)

    def header(self, name: str) -> str:
        return self._resp.headers.get(name, "")

    @property
    def content_length(self) -> int | None:
        return self._resp.content_length if self.header("Transfer-Encoding") != "chunked" else None

    async def pieces(self) -> AsyncIterator[list[bytes]]:
        try:
            async for chunk in self._resp.content.iter_any():
                yield [chunk]
        except (TimeoutError, aiohttp.ClientError, OSError) as exc:
            raise BodyError(describe(exc)) from None

    def views(self) -> AsyncIterator[Sequence[bytes | memoryview]]:
        return self.pieces()

    async def close(self) -> None:
        self._resp.release()  # back to the pool if the body was read to its end, else closed


@dataclass
class _Creds:
    host: str
    ssl: ssl.SSLContext | bool
    server_hostname: str | None
    proxy: str | None
    config: Any  # kubernetes.client.Configuration
    uses_token_file: bool
    loaded_at: float
    tmpdir: str  # where the `kubernetes` package writes key material while it loads or refreshes
    url_auth: str | None = None  # basic auth from user:password@ in the server URL


def forget_files(tmpdir: str) -> None:
    """Remove the credential files the `kubernetes` package wrote under `tmpdir`, and its memory of them
    (it would hand out the removed paths again instead of writing them anew)."""
    from kubernetes.config import kube_config

    shutil.rmtree(tmpdir, ignore_errors=True)
    prefix = os.path.join(tmpdir, "")
    cached: dict[str, str] = kube_config._temp_files
    for key in [k for k, name in cached.items() if name.startswith(prefix)]:
        del cached[key]


def without_userinfo(url: str) -> tuple[str, str | None]:
    """The URL without `user:password@`, and the basic auth header value those made (None without)."""
    parsed = URL(url)
    if parsed.user is None and parsed.password is None:
        return url, None
    pair = f"{parsed.user or ''}:{parsed.password or ''}".encode()
    auth = "Basic " + base64.b64encode(pair).decode("ascii")
    return str(parsed.with_user(None)), auth


def _load(kubeconfig: str | None, context: str | None) -> _Creds:
    tmpdir = tempfile.mkdtemp(prefix="watchproxy-creds-")  # private (0700), a new name each time
    try:
        return _load_into(kubeconfig, context, tmpdir)
    finally:
        forget_files(tmpdir)  # the SSL context holds the key now; nothing on disk outlives this call


def _load_into(kubeconfig: str | None, context: str | None, tmpdir: str) -> _Creds:
    from kubernetes import client, config
    from kubernetes.config.kube_config import _get_kube_config_loader

    cfg = client.Configuration()
    try:
        path = kubeconfig or config.kube_config.KUBE_CONFIG_DEFAULT_LOCATION
        loader = _get_kube_config_loader(  # type: ignore[no-untyped-call]
            filename=path, active_context=context, persist_config=False, temp_file_path=tmpdir)
        loader.load_and_set(cfg)
    except Exception as exc:  # the loader raises many types; its messages carry no secrets
        raise UpstreamError(f"cannot load kubeconfig {kubeconfig or '(default)'}: {describe(exc)}") from None
    uses_token_file = "tokenFile" in getattr(loader, "_user", {})
    sslctx: ssl.SSLContext | bool = False
    if cfg.host.startswith("https"):
        ctx = ssl.create_default_context(cafile=cfg.ssl_ca_cert or None)
        if not cfg.verify_ssl:
            ctx.check_hostname = False
            ctx.verify_mode = ssl.CERT_NONE
        if cfg.cert_file:
            ctx.load_cert_chain(cfg.cert_file, cfg.key_file or None)
        sslctx = ctx
    host, url_auth = without_userinfo(cfg.host.rstrip("/"))
    return _Creds(host=host, ssl=sslctx, server_hostname=cfg.tls_server_name or None,
                  proxy=cfg.proxy or None, config=cfg, uses_token_file=uses_token_file,
                  loaded_at=time.monotonic(), tmpdir=tmpdir, url_auth=url_auth)


class Upstream:
    """Connections to the apiserver (aiohttp's pool, and one of its own per watch) with credentials that
    stay fresh."""

    def __init__(self, kubeconfig: str | None = None, context: str | None = None,
                 connect_timeout: float = 10.0) -> None:
        self._kubeconfig = kubeconfig
        self._context = context
        self._creds = _load(kubeconfig, context)
        self._lock = asyncio.Lock()
        self._connect_timeout = connect_timeout
        self._timeout = aiohttp.ClientTimeout(total=None, sock_connect=connect_timeout,
                                              connect=connect_timeout)
        self._session: aiohttp.ClientSession | None = None

    @property
    def server(self) -> str:
        return self._creds.host

    async def _fresh(self) -> tuple[_Creds, str | None]:
        creds = self._creds
        if creds.uses_token_file and time.monotonic() - creds.loaded_at > TOKEN_FILE_REREAD_SECONDS:
            async with self._lock:
                if self._creds is creds:
                    self._creds = await asyncio.to_thread(_load, self._kubeconfig, self._context)
            creds = self._creds
        cfg = creds.config
        if cfg.refresh_api_key_hook is not None:  # may run an exec plugin: keep it off the event loop
            try:
                auth = await asyncio.to_thread(cfg.get_api_key_with_prefix, "BearerToken")
            finally:  # an exec plugin's client certificate is written to a file again on refresh
                forget_files(creds.tmpdir)
        else:
            auth = cfg.api_key.get("BearerToken")
        auth = auth or creds.url_auth
        # A token file ends with a newline more often than not; client-go trims it, the `kubernetes`
        # package does not, and a newline in a header is refused (found against the real apiserver).
        return creds, auth.strip() if auth else auth

    def _session_for(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(limit=0, force_close=False)
            self._session = aiohttp.ClientSession(connector=connector, timeout=self._timeout, read_bufsize=1 << 20,
                                                  auto_decompress=False, skip_auto_headers=("User-Agent",
                                                  "Accept-Encoding", "Accept", "Content-Type"))
        return self._session

    async def request(self, method: str, path: str, query: str, headers: Headers, body: bytes, *,
                      stream: bool = False) -> UpstreamResponse:
        """Send a request. With `stream` (a watch), a bodiless request not sent through an HTTP proxy
        gets a connection of its own, read in large pieces (proxy.engines.stream)."""
        creds, auth = await self._fresh()
        out = [(k, v) for k, v in headers if k.lower() not in _HOP_BY_HOP]
        if auth:
            out.append(("Authorization", auth))
        target = path + (f"?{query}" if query else "")
        try:
            if stream and not body and not creds.proxy:
                return await open_stream(creds.host, creds.ssl, creds.server_hostname, method, target,
                                         tuple(out), self._connect_timeout)
            resp = await self._session_for().request(
                method, URL(creds.host + target, encoded=True), headers=out, data=body or None,
                ssl=creds.ssl, server_hostname=creds.server_hostname, proxy=creds.proxy,
                allow_redirects=False)
            return _ClientResponse(resp)
        except (aiohttp.ClientError, OSError, TimeoutError, StreamBroken) as exc:
            raise UpstreamError(f"apiserver {creds.host} unreachable: {describe(exc)}") from None

    async def version(self) -> str:
        """The apiserver's gitVersion, for the recording header; "" when it cannot say."""
        try:
            resp = await self.request("GET", "/version", "", (("Accept", "application/json"),), b"")
            try:
                if resp.status == 200:
                    body = b"".join([b async for out in resp.pieces() for b in out])
                    return str(json.loads(body).get("gitVersion", ""))
            finally:
                await resp.close()
        except (UpstreamError, BodyError, ValueError, AttributeError):
            pass
        return ""

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
        forget_files(self._creds.tmpdir)


_USERINFO = re.compile(r"(?<=://)[^/@\s]*@")


def describe(exc: BaseException) -> str:
    """A one-line description of a connection error, without tracebacks or a URL's user:password@."""
    text = str(exc) or type(exc).__name__
    return _USERINFO.sub("", text.splitlines()[0])[:300]
