"""``FakeApiserver``: a stand-in kube-apiserver on a real socket for watchproxy's tests.

The proxy is tested against this server instead of a cluster, so the server has to behave like the
apiserver where clients and the proxy can tell the difference: the watch wire protocol (headers,
chunked JSON lines, the 200 + ERROR 410 for an expired resourceVersion, bookmarks, the randomized
``min-request-timeout`` close, Table events for kubectl), discovery, lists with pagination, selectors,
Status errors, TLS with client certificates and bearer tokens. Test code drives it directly: it changes
objects, moves the resourceVersion on, compacts history and injects faults, and reads the request log
to assert on what clients asked for.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import random
import re
import socket
import ssl
import struct
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import trustme
import yaml
from aiohttp import hdrs, web

from .discovery import (
    AGGREGATED_MEDIA_TYPE,
    aggregated,
    api_group,
    api_group_list,
    api_resource_list,
    api_versions,
    version_info,
)
from .encoding import (
    REASONS_BY_CODE,
    JsonObject,
    go_json_indent,
    go_json_line,
    new_audit_id,
    status_object,
)
from .objects import (
    DEFAULT_NAMESPACES,
    ResourceType,
    bookmark_object,
    make_configmap,
    make_deployment,
    make_namespace,
    make_pod,
    make_secret,
    resource_by_path,
    resource_for,
)
from .selectors import FieldSelector, LabelSelector, SelectorError
from .state import AlreadyExists, Expired, NotFound, Revision, Store, object_key, sort_key
from .tables import partial_object_metadata, to_table

# Fixed per server like a cluster's APF configuration; clients ignore them but a proxy forwards them.
_FLOWSCHEMA_UID = "5e1b7c52-4c1a-4a4b-9a8e-2f3a6c1d9b10"
_PRIORITYLEVEL_UID = "0f6c1e44-8d7b-4d8e-b1a2-7c3e5d9f2a61"
_CREDENTIAL_HEADERS = ("authorization", "proxy-authorization", "cookie")
_INT64 = re.compile(r"^[+-]?[0-9]+$")
_CONTINUE_TOO_OLD = (
    "The provided continue parameter is too old to display a consistent list result. You can start a new "
    "list without the continue parameter, or use the continue token in this response to retrieve the "
    "remainder of the results. Continuing with the provided token results in an inconsistent list - objects "
    "that were created, modified, or deleted between the time the first chunk was returned and now may show "
    "up in the list."
)


class _GoResponse(web.Response):
    """A response without aiohttp's ``Server`` header: Go's net/http sends none, and a proxy forwards it."""

    async def _write_headers(self) -> None:
        self._headers.popall(hdrs.SERVER, None)
        await super()._write_headers()


class _GoStreamResponse(web.StreamResponse):
    """The streaming twin of :class:`_GoResponse`, used for watches."""

    async def _write_headers(self) -> None:
        self._headers.popall(hdrs.SERVER, None)
        await super()._write_headers()


class _ApiError(Exception):
    """Carries a Status to answer with; raised anywhere inside request handling."""

    def __init__(self, status: JsonObject, headers: dict[str, str] | None = None) -> None:
        super().__init__(status.get("message", ""))
        self.status = status
        self.headers = headers or {}


def _bad_request(message: str) -> _ApiError:
    return _ApiError(status_object(400, "BadRequest", message))


def _field_error(kind: str, fld: str, detail: str, value: str | None = None) -> tuple[str, JsonObject]:
    # field.Error renders as "<field>: <Type>: <detail>"; the Status cause carries it without the field.
    if kind == "Forbidden":
        text, reason = f"Forbidden: {detail}", "FieldValueForbidden"
    elif kind == "NotSupported":
        text, reason = (
            f"Unsupported value: {json.dumps(value)}: supported values: {detail}",
            "FieldValueNotSupported",
        )
    else:
        text, reason = f"Invalid value: {json.dumps(value)}: {detail}", "FieldValueInvalid"
    return f"{fld}: {text}", {"reason": reason, "message": text, "field": fld}


def _invalid(group: str, kind: str, name: str, errors: list[tuple[str, JsonObject]]) -> _ApiError:
    """``errors.NewInvalid``: 422 with the aggregated field errors, as validation failures answer."""
    qualified = f"{kind}.{group}" if group else kind
    rendered = errors[0][0] if len(errors) == 1 else "[" + ", ".join(e[0] for e in errors) + "]"
    details: JsonObject = {}
    if name:
        details["name"] = name
    if group:
        details["group"] = group
    details["kind"] = kind
    details["causes"] = [e[1] for e in errors]
    return _ApiError(
        status_object(422, "Invalid", f'{qualified} "{name}" is invalid: {rendered}', details=details)
    )


def _not_found_object(rt: ResourceType, name: str) -> _ApiError:
    details: JsonObject = {"name": name}
    if rt.group:
        details["group"] = rt.group
    details["kind"] = rt.plural
    return _ApiError(
        status_object(404, "NotFound", f'{rt.group_resource} "{name}" not found', details=details)
    )


def _resource_not_found() -> _ApiError:
    return _ApiError(
        status_object(404, "NotFound", "the server could not find the requested resource", details={})
    )


def parse_bool(values: list[str]) -> bool:
    """apimachinery ``Convert_Slice_string_To_bool``: absent is false, then only ``0``/``false`` are false."""
    if not values:
        return False
    return not (values[0] == "0" or values[0].lower() == "false")


def _parse_int64(values: list[str]) -> int | None:
    if not values or values[0] == "":
        return None
    if not _INT64.match(values[0]):
        raise _bad_request(f'strconv.ParseInt: parsing "{values[0]}": invalid syntax')
    return int(values[0])


@dataclass
class ListOptions:
    """``metainternalversion.ListOptions`` decoded from the query the way the apiserver does."""

    watch: bool = False
    allow_watch_bookmarks: bool = False
    resource_version: str = ""
    resource_version_match: str = ""
    timeout_seconds: int | None = None
    limit: int = 0
    continue_token: str = ""
    send_initial_events: bool | None = None
    label_selector: LabelSelector = field(default_factory=lambda: LabelSelector(""))
    field_selector: FieldSelector = field(default_factory=lambda: FieldSelector("", ""))


def parse_list_options(query: Any, kind: str) -> ListOptions:
    """Decode list/watch query parameters; malformed values raise a 400 like DecodeParameters does."""

    def values(key: str) -> list[str]:
        return list(query.getall(key, []))

    opts = ListOptions()
    opts.watch = parse_bool(values("watch"))
    opts.allow_watch_bookmarks = parse_bool(values("allowWatchBookmarks"))
    opts.resource_version = (values("resourceVersion") or [""])[0]
    opts.resource_version_match = (values("resourceVersionMatch") or [""])[0]
    opts.timeout_seconds = _parse_int64(values("timeoutSeconds"))
    opts.limit = _parse_int64(values("limit")) or 0
    opts.continue_token = (values("continue") or [""])[0]
    sie = values("sendInitialEvents")
    opts.send_initial_events = parse_bool(sie) if sie else None
    try:
        opts.label_selector = LabelSelector((values("labelSelector") or [""])[0])
        opts.field_selector = FieldSelector((values("fieldSelector") or [""])[0], kind)
    except SelectorError as err:
        raise _bad_request(str(err)) from err
    return opts


def _validate_list_options(opts: ListOptions) -> None:
    """``ValidateListOptions`` with the WatchList feature on; failures are 422 ListOptions Invalid."""
    errors: list[tuple[str, JsonObject]] = []
    match = opts.resource_version_match
    if opts.watch:
        if opts.send_initial_events is not None and match != "NotOlderThan":
            errors.append(
                _field_error(
                    "Forbidden",
                    "resourceVersionMatch",
                    "sendInitialEvents requires setting resourceVersionMatch to NotOlderThan",
                )
            )
        if match:
            if opts.send_initial_events is None:
                errors.append(
                    _field_error(
                        "Forbidden",
                        "resourceVersionMatch",
                        "resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided",
                    )
                )
            if match != "NotOlderThan":
                errors.append(_field_error("NotSupported", "resourceVersionMatch", '"NotOlderThan"', match))
            if opts.continue_token:
                errors.append(
                    _field_error(
                        "Forbidden",
                        "resourceVersionMatch",
                        "resourceVersionMatch is forbidden when continue is provided",
                    )
                )
    else:
        if match:
            if not opts.resource_version:
                errors.append(
                    _field_error(
                        "Forbidden",
                        "resourceVersionMatch",
                        "resourceVersionMatch is forbidden unless resourceVersion is provided",
                    )
                )
            if opts.continue_token:
                errors.append(
                    _field_error(
                        "Forbidden",
                        "resourceVersionMatch",
                        "resourceVersionMatch is forbidden when continue is provided",
                    )
                )
            if match not in ("Exact", "NotOlderThan"):
                errors.append(
                    _field_error("NotSupported", "resourceVersionMatch", '"Exact", "NotOlderThan", ""', match)
                )
            if match == "Exact" and opts.resource_version == "0":
                errors.append(
                    _field_error(
                        "Forbidden",
                        "resourceVersionMatch",
                        'resourceVersionMatch "exact" is forbidden for resourceVersion "0"',
                    )
                )
        if opts.send_initial_events is not None:
            errors.append(
                _field_error("Forbidden", "sendInitialEvents", "sendInitialEvents is forbidden for list")
            )
    if errors:
        raise _invalid("meta.k8s.io", "ListOptions", "", errors)


def _parse_resource_version(rt: ResourceType, text: str) -> int:
    """``APIObjectVersioner.ParseResourceVersion``; a non-integer is a 422 on ``metadata.resourceVersion``."""
    if text in ("", "0"):
        return 0
    if not text.isdigit():
        raise _invalid(
            rt.group,
            rt.plural,
            "",
            [
                _field_error(
                    "Invalid",
                    "metadata.resourceVersion",
                    f'strconv.ParseUint: parsing "{text}": invalid syntax',
                    text,
                )
            ],
        )
    return int(text)


def _too_large(rv: int, current: int) -> _ApiError:
    return _ApiError(
        status_object(
            504,
            "Timeout",
            f"Too large resource version: {rv}, current: {current}",
            details={
                "causes": [{"reason": "ResourceVersionTooLarge", "message": "Too large resource version"}],
                "retryAfterSeconds": 1,
            },
        ),
        headers={"Retry-After": "1"},
    )


def merge_patch(target: Any, patch: Any) -> Any:
    """RFC 7386 JSON merge patch: ``null`` deletes a key, objects merge, anything else replaces."""
    if not isinstance(patch, dict):
        return json.loads(json.dumps(patch))
    result = dict(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = merge_patch(result.get(key), value)
    return result


def _encode_continue(rv: int, start: str) -> str:
    token = json.dumps({"v": "meta.k8s.io/v1", "rv": rv, "start": start}, separators=(",", ":"))
    return base64.urlsafe_b64encode(token.encode()).decode().rstrip("=")


def _decode_continue(token: str) -> tuple[int, str]:
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        data = json.loads(raw)
        if data.get("v") != "meta.k8s.io/v1":
            raise ValueError(
                "continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)"
            )
        return int(data["rv"]), str(data["start"])
    except (ValueError, KeyError, TypeError) as err:
        message = str(err) if str(err).startswith("continue key") else f"continue key is not valid: {err}"
        raise _bad_request(message) from err


@dataclass(frozen=True)
class Negotiated:
    """What the ``Accept`` header asked for: plain objects, a Table, or PartialObjectMetadata."""

    form: Literal["object", "table", "partial"]
    group_version: str = "meta.k8s.io/v1"


def _media_ranges(accept: str) -> list[tuple[str, dict[str, str]]]:
    ranges = []
    for part in accept.split(","):
        pieces = [p.strip() for p in part.split(";")]
        if not pieces[0]:
            continue
        params = {}
        for piece in pieces[1:]:
            if "=" in piece:
                key, value = piece.split("=", 1)
                params[key.strip()] = value.strip()
        ranges.append((pieces[0].lower(), params))
    return ranges


def negotiate(accept: str) -> Negotiated | None:
    """Pick the first acceptable entry of ``Accept``; None means 406 (nothing we can serve)."""
    if not accept.strip():
        return Negotiated("object")
    for mtype, params in _media_ranges(accept):
        if mtype not in ("application/json", "application/*", "*/*"):
            continue
        target = params.get("as")
        if target is None:
            return Negotiated("object")
        if params.get("g") != "meta.k8s.io" or params.get("v") not in ("v1", "v1beta1"):
            continue
        gv = f"meta.k8s.io/{params['v']}"
        if target == "Table":
            return Negotiated("table", gv)
        if target in ("PartialObjectMetadata", "PartialObjectMetadataList"):
            return Negotiated("partial", gv)
    return None


def wants_aggregated_discovery(accept: str) -> bool:
    """Whether ``Accept`` lists the aggregated discovery v2 media type (kubectl 1.36 puts it first)."""
    for mtype, params in _media_ranges(accept):
        if (
            mtype == "application/json"
            and params.get("g") == "apidiscovery.k8s.io"
            and params.get("v") == "v2"
            and params.get("as") == "APIGroupDiscoveryList"
        ):
            return True
    return False


@dataclass
class RecordedRequest:
    """One request as the stand-in saw it, for tests to assert on (credentials removed)."""

    method: str
    path: str
    query_string: str
    query: list[tuple[str, str]]
    headers: dict[str, str]
    time: float
    client_cert_cn: str | None = None
    status: int | None = None
    watch: bool = False
    ended: str | None = None

    def param(self, name: str) -> str | None:
        """First value of a query parameter, as the apiserver reads it."""
        for key, value in self.query:
            if key == name:
                return value
        return None


@dataclass
class _Failure:
    status: JsonObject
    headers: dict[str, str]
    remaining: int
    when: Callable[[RecordedRequest], bool] | None


_Item = tuple[str, Any]


@dataclass(eq=False)
class WatchSession:
    """An open watch: what it asked for and where it stands. Test code reads it; control goes through
    the FakeApiserver methods that feed its queue."""

    request: RecordedRequest
    resource: ResourceType
    namespace: str | None
    timeout: float
    deadline: float
    allow_bookmarks: bool
    form: Negotiated
    include_object: str
    label_selector: LabelSelector
    field_selector: FieldSelector
    last_rv: int = 0
    start_rv: int = 0  # the RV its cacheWatcher started from: bookmarks go out once the cache is past it
    watch_list: bool = False
    events_sent: int = 0
    headers_sent: bool = False
    stalled: bool = False
    queue: asyncio.Queue[_Item] = field(default_factory=asyncio.Queue)

    def wants(self, obj: JsonObject) -> bool:
        """Namespace and selector filter applied to every candidate event."""
        if self.namespace is not None and (obj.get("metadata") or {}).get("namespace") != self.namespace:
            return False
        return self.label_selector.matches(obj) and self.field_selector.matches(obj)

    def convert(self, revision: Revision) -> tuple[str, JsonObject] | None:
        """The event this watch sees for a change: selector transitions turn MODIFIED into ADDED or
        DELETED (DELETED carries the previous state stamped with the change's RV), as the watch cache does."""
        if revision.resource is not self.resource or revision.rv <= self.last_rv:
            return None
        now_passes = revision.type != "DELETED" and self.wants(revision.obj)
        before_passes = revision.prev is not None and self.wants(revision.prev)
        if now_passes and before_passes:
            return "MODIFIED", revision.obj
        if now_passes:
            return "ADDED", revision.obj
        if before_passes:
            if revision.type == "DELETED":
                return "DELETED", revision.obj
            assert revision.prev is not None
            gone = json.loads(json.dumps(revision.prev))
            gone["metadata"]["resourceVersion"] = str(revision.rv)
            return "DELETED", gone
        return None


def build_kubeconfig(
    server: str,
    *,
    ca_pem: bytes | None = None,
    token: str | None = None,
    client_cert_pem: bytes | None = None,
    client_key_pem: bytes | None = None,
    namespace: str | None = None,
    context: str = "fake",
    cluster: str = "fake-apiserver",
    user: str = "fake-user",
) -> JsonObject:
    """A single-context kubeconfig with inline (``*-data``) credentials, loadable by any client."""
    cluster_entry: JsonObject = {"server": server}
    if ca_pem is not None:
        cluster_entry["certificate-authority-data"] = base64.b64encode(ca_pem).decode()
    user_entry: JsonObject = {}
    if client_cert_pem is not None and client_key_pem is not None:
        user_entry["client-certificate-data"] = base64.b64encode(client_cert_pem).decode()
        user_entry["client-key-data"] = base64.b64encode(client_key_pem).decode()
    if token is not None:
        user_entry["token"] = token
    context_entry: JsonObject = {"cluster": cluster, "user": user}
    if namespace:
        context_entry["namespace"] = namespace
    return {
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [{"name": cluster, "cluster": cluster_entry}],
        "users": [{"name": user, "user": user_entry}],
        "contexts": [{"name": context, "context": context_entry}],
        "current-context": context,
        "preferences": {},
    }


class FakeApiserver:
    """A kube-apiserver stand-in: ``async with FakeApiserver(...) as api: ... api.url ...``.

    All test-facing methods are synchronous unless named ``wait_*`` and must run on the event loop's
    thread; changes fan out to open watches before they return.
    """

    def __init__(
        self,
        *,
        min_request_timeout: float = 1800.0,
        seed: int = 0,
        tls: bool = False,
        client_ca: trustme.CA | bool | None = None,
        token: str | None = None,
        bookmark_frequency: float = 60.0,
        bookmark_before_deadline: float = 2.0,
        bookmark_tick: float = 0.5,
        history_limit: int | None = None,
        initial_resource_version: int = 1000,
        default_namespaces: bool = True,
        watch_list_defaults: bool = True,
        too_large_rv_wait: float = 3.0,
        git_version: str = "v1.36.0",
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        if client_ca and not tls:
            raise ValueError("client_ca needs tls=True")
        self.min_request_timeout = min_request_timeout
        self.seed = seed
        self.rng = random.Random(seed)
        self.object_rng = random.Random(f"{seed}/objects")
        self.token = token
        self.bookmark_frequency = bookmark_frequency
        self.bookmark_before_deadline = bookmark_before_deadline
        self.bookmark_tick = bookmark_tick
        self.watch_list_defaults = watch_list_defaults
        self.too_large_rv_wait = too_large_rv_wait
        self.git_version = git_version
        self.host = host
        self.port = port
        self.store = Store(
            initial_resource_version=initial_resource_version,
            history_limit=history_limit,
            rng=random.Random(f"{seed}/uids"),
        )
        self.requests: list[RecordedRequest] = []
        self.watches: list[WatchSession] = []
        self.watch_count = 0
        self.ca: trustme.CA | None = None
        self.server_cert: trustme.LeafCert | None = None
        self.client_ca: trustme.CA | None = None
        self.client_cert: trustme.LeafCert | None = None
        self._ssl: ssl.SSLContext | None = None
        if tls:
            self.ca = trustme.CA()
            self.server_cert = self.ca.issue_cert(host, "localhost", "127.0.0.1")
            self._ssl = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            self.server_cert.configure_cert(self._ssl)
            if client_ca:
                self.client_ca = client_ca if isinstance(client_ca, trustme.CA) else trustme.CA()
                self.client_ca.configure_trust(self._ssl)
                self._ssl.verify_mode = ssl.CERT_REQUIRED
                self.client_cert = self.issue_client_cert()
        self._failures: list[_Failure] = []
        self._stall_next = 0
        self._changed = asyncio.Event()
        self._runner: web.AppRunner | None = None
        if default_namespaces:
            for name in DEFAULT_NAMESPACES:
                self.store.create(make_namespace(name, rng=self.object_rng))

    # --- lifecycle -----------------------------------------------------------------------------------------

    async def __aenter__(self) -> FakeApiserver:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    async def start(self) -> None:
        """Listen on ``host:port`` (port 0 picks a free one); ``url`` is valid afterwards."""
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._dispatch)
        self._runner = web.AppRunner(app, handler_cancellation=True, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port, ssl_context=self._ssl)
        await site.start()
        self.port = int(self._runner.addresses[0][1])

    async def close(self) -> None:
        """End every watch cleanly, then stop listening."""
        for session in list(self.watches):
            session.queue.put_nowait(("close", None))
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    @property
    def url(self) -> str:
        """Base URL, e.g. ``https://127.0.0.1:43117``."""
        scheme = "https" if self._ssl else "http"
        return f"{scheme}://{self.host}:{self.port}"

    @property
    def server_address(self) -> str:
        """``host:port`` as discovery's ``serverAddressByClientCIDRs`` reports it."""
        return f"{self.host}:{self.port}"

    # --- credentials and kubeconfig -------------------------------------------------------------------------

    def issue_client_cert(
        self, user: str = "kubernetes-admin", group: str = "kubeadm:cluster-admins"
    ) -> trustme.LeafCert:
        """A client certificate the server accepts (CN is the user, O the group, as the apiserver reads)."""
        if self.client_ca is None:
            raise RuntimeError("the server was not started with client_ca")
        return self.client_ca.issue_cert(f"{user}.users.invalid", common_name=user, organization_name=group)

    def auth_headers(self) -> dict[str, str]:
        """The ``Authorization`` header a client needs, empty when no token is required."""
        return {"Authorization": f"Bearer {self.token}"} if self.token else {}

    def client_ssl_context(self, *, with_client_cert: bool = True) -> ssl.SSLContext | None:
        """An ``SSLContext`` for raw aiohttp clients in tests: trusts the CA, presents the client cert."""
        if self.ca is None:
            return None
        ctx = ssl.create_default_context()
        self.ca.configure_trust(ctx)
        if with_client_cert and self.client_cert is not None:
            self.client_cert.configure_cert(ctx)
        return ctx

    def kubeconfig(
        self,
        *,
        namespace: str | None = None,
        include_token: bool = True,
        include_client_cert: bool = True,
        context: str = "fake",
    ) -> JsonObject:
        """A kubeconfig dict for this server with CA data, client cert/key and token as configured."""
        cert = self.client_cert if include_client_cert else None
        return build_kubeconfig(
            self.url,
            ca_pem=self.ca.cert_pem.bytes() if self.ca else None,
            token=self.token if include_token else None,
            client_cert_pem=cert.cert_chain_pems[0].bytes() if cert else None,
            client_key_pem=cert.private_key_pem.bytes() if cert else None,
            namespace=namespace,
            context=context,
        )

    def write_kubeconfig(self, path: str | Path, **options: Any) -> Path:
        """Write :meth:`kubeconfig` as YAML to ``path`` (mode 0600, like kubectl) and return the path."""
        target = Path(path)
        target.write_text(yaml.safe_dump(self.kubeconfig(**options), sort_keys=False))
        target.chmod(0o600)
        return target

    # --- objects --------------------------------------------------------------------------------------------

    @property
    def resource_version(self) -> int:
        """The current global resourceVersion."""
        return self.store.resource_version

    def create(self, obj: JsonObject) -> JsonObject:
        """Store a new object and send ADDED to matching watches; returns it with its resourceVersion."""
        stored = self.store.create(obj)
        self._notify()
        return stored

    def modify(self, obj: JsonObject) -> JsonObject:
        """Replace an object (identified by kind, namespace, name) and send MODIFIED."""
        stored = self.store.update(obj)
        self._notify()
        return stored

    def delete(
        self, obj_or_resource: JsonObject | str, name: str | None = None, namespace: str | None = None
    ) -> JsonObject:
        """Delete an object (pass the object, or resource + name + namespace) and send DELETED."""
        if isinstance(obj_or_resource, dict):
            ns, obj_name = object_key(obj_or_resource)
            removed = self.store.delete(resource_for(obj_or_resource), ns or None, obj_name)
        else:
            if name is None:
                raise ValueError("name is required with a resource name")
            removed = self.store.delete(obj_or_resource, namespace, name)
        self._notify()
        return removed

    def get(self, resource: str, name: str, namespace: str | None = "default") -> JsonObject | None:
        """The current object or None."""
        return self.store.get(resource, namespace, name)

    def objects(self, resource: str, namespace: str | None = None) -> list[JsonObject]:
        """Current objects of a resource in key order."""
        return self.store.objects(resource, namespace)

    def advance_resource_version(self, count: int = 1) -> int:
        """Move the global RV on as writes to unwatched resources do; watches' bookmarks carry it only
        after progress_notify(), as a real apiserver's watch cache learns it from etcd."""
        rv = self.store.advance(count)
        self._notify()
        return rv

    def progress_notify(self) -> int:
        """A sync of every watch cache (the object-count poll's consistent read, once a minute): each learns
        the cluster's resourceVersion."""
        return self.store.progress_notify()

    def compact(self, rv: int | None = None) -> int:
        """Drop history up to ``rv`` (default: now): older watch RVs then get ERROR 410."""
        return self.store.compact(rv)

    def make_pod(
        self, name: str | None = None, namespace: str = "default", phase: str = "Running", **options: Any
    ) -> JsonObject:
        """:func:`make_pod` with the server's seeded generator, so unnamed pods are reproducible."""
        options.setdefault("rng", self.object_rng)
        return make_pod(name, namespace, phase, **options)

    make_deployment = staticmethod(make_deployment)
    make_configmap = staticmethod(make_configmap)
    make_secret = staticmethod(make_secret)
    make_namespace = staticmethod(make_namespace)

    # --- faults --------------------------------------------------------------------------------------------

    def close_watches(self) -> int:
        """End every open watch now with the terminating chunk (after events already queued)."""
        return self._control(("close", None))

    def reset_watches(self, *, mid_event: bool = True) -> int:
        """Abort every open watch's connection with a TCP reset, after half an event line if ``mid_event``."""
        return self._control(("reset", mid_event))

    def stall_watches(self) -> int:
        """Open watches stop sending anything (no events, bookmarks or end): a half-open connection."""
        return self._control(("stall", None))

    def stall_next_watch(self, count: int = 1) -> None:
        """The next ``count`` watches send their 200 headers and then nothing at all."""
        self._stall_next += count

    def error_watches(self, status: JsonObject | None = None) -> int:
        """Send one ERROR event (default: 410 Expired as etcd compaction causes) and end each watch."""
        status = status or status_object(
            410, "Expired", "The resourceVersion for the provided watch is too old."
        )
        return self._control(("error", status))

    def fail_next(
        self,
        status: int = 500,
        *,
        count: int = 1,
        message: str | None = None,
        reason: str | None = None,
        retry_after: int | None = None,
        watch: bool | None = None,
        when: Callable[[RecordedRequest], bool] | None = None,
    ) -> None:
        """Answer the next ``count`` matching requests with an HTTP error and a Status body.

        ``watch`` restricts to watch (True) or non-watch (False) requests; ``when`` is any predicate on
        the recorded request. 429/503 carry ``Retry-After`` when ``retry_after`` is given.
        """
        reason = reason or REASONS_BY_CODE.get(status, "InternalError")
        if message is None:
            message = {
                500: "Internal error occurred: injected by FakeApiserver",
                410: "The resourceVersion for the provided list is too old.",
                429: "storage is (re)initializing",
            }.get(status, f"injected {status} by FakeApiserver")
        details: JsonObject | None = None
        headers: dict[str, str] = {}
        if status == 500:
            details = {"causes": [{"message": message.removeprefix("Internal error occurred: ")}]}
        if retry_after is not None:
            details = {**(details or {}), "retryAfterSeconds": retry_after}
            headers["Retry-After"] = str(retry_after)
        body = status_object(status, reason, message, details=details)

        def matches(req: RecordedRequest) -> bool:
            if watch is not None and req.watch != watch:
                return False
            return when is None or when(req)

        self._failures.append(_Failure(body, headers, count, matches))

    def _control(self, item: _Item) -> int:
        for session in self.watches:
            session.queue.put_nowait(item)
        return len(self.watches)

    # --- waiting (no sleeps in tests) -----------------------------------------------------------------------

    def _notify(self) -> None:
        event, self._changed = self._changed, asyncio.Event()
        event.set()

    async def wait_until(self, predicate: Callable[[], bool], within: float = 5.0) -> None:
        """Wait until ``predicate()`` holds, re-checked whenever a request, watch or object changes."""
        async with asyncio.timeout(within):
            while True:
                changed = self._changed
                if predicate():
                    return
                await changed.wait()

    async def wait_for_watches(self, count: int = 1, within: float = 5.0) -> list[WatchSession]:
        """Wait until at least ``count`` watches are open (subscribed: later changes will reach them)."""
        await self.wait_until(lambda: len(self.watches) >= count, within)
        return list(self.watches)

    async def wait_for_request(
        self, predicate: Callable[[RecordedRequest], bool], count: int = 1, within: float = 5.0
    ) -> list[RecordedRequest]:
        """Wait until ``count`` recorded requests satisfy ``predicate``; returns them."""
        await self.wait_until(lambda: sum(1 for r in self.requests if predicate(r)) >= count, within)
        return [r for r in self.requests if predicate(r)]

    # --- HTTP -----------------------------------------------------------------------------------------------

    def _base_headers(self) -> dict[str, str]:
        return {
            "Audit-Id": new_audit_id(),
            "Cache-Control": "no-cache, private",
            "X-Kubernetes-Pf-Flowschema-Uid": _FLOWSCHEMA_UID,
            "X-Kubernetes-Pf-Prioritylevel-Uid": _PRIORITYLEVEL_UID,
        }

    def _respond(
        self,
        rec: RecordedRequest,
        code: int,
        body: bytes,
        content_type: str = "application/json",
        extra: dict[str, str] | None = None,
    ) -> web.Response:
        headers = self._base_headers()
        headers["Content-Type"] = content_type
        headers.update(extra or {})
        rec.status = code
        rec.ended = "complete"
        self._notify()
        return _GoResponse(status=code, body=body, headers=headers)

    def _respond_json(
        self, rec: RecordedRequest, obj: JsonObject, code: int = 200, content_type: str = "application/json"
    ) -> web.Response:
        return self._respond(rec, code, go_json_line(obj), content_type)

    def _respond_error(self, rec: RecordedRequest, err: _ApiError) -> web.Response:
        return self._respond(rec, int(err.status["code"]), go_json_line(err.status), extra=err.headers)

    async def _dispatch(self, request: web.Request) -> web.StreamResponse:
        peer = request.transport.get_extra_info("peercert") if request.transport else None
        cn = None
        if peer:
            for rdn in peer.get("subject", ()):
                for key, value in rdn:
                    if key == "commonName":
                        cn = value
        rec = RecordedRequest(
            method=request.method,
            path=request.path,
            query_string=request.query_string,
            query=list(request.query.items()),
            headers={k: v for k, v in request.headers.items() if k.lower() not in _CREDENTIAL_HEADERS},
            time=asyncio.get_running_loop().time(),
            client_cert_cn=cn,
        )
        self.requests.append(rec)
        self._notify()
        try:
            if self.token is not None and request.headers.get("Authorization") != f"Bearer {self.token}":
                raise _ApiError(status_object(401, "Unauthorized", "Unauthorized"))
            return await self._route(request, rec)
        except _ApiError as err:
            return self._respond_error(rec, err)

    def _take_failure(self, rec: RecordedRequest) -> _Failure | None:
        for failure in self._failures:
            if failure.remaining > 0 and (failure.when is None or failure.when(rec)):
                failure.remaining -= 1
                if failure.remaining == 0:
                    self._failures.remove(failure)
                return failure
        return None

    async def _route(self, request: web.Request, rec: RecordedRequest) -> web.StreamResponse:
        path = request.path
        accept = request.headers.get("Accept", "")
        parts = [p for p in path.split("/") if p]
        rec.watch = self._is_watch(parts, request)
        failure = self._take_failure(rec)
        if failure is not None:
            raise _ApiError(failure.status, failure.headers)

        if parts in (["version"],):
            return self._respond(rec, 200, go_json_indent(version_info(self.git_version)))
        if parts and parts[0] in ("healthz", "livez", "readyz") and len(parts) == 1:
            return self._respond(
                rec, 200, b"ok", "text/plain; charset=utf-8", {"X-Content-Type-Options": "nosniff"}
            )
        if parts == ["api"] or parts == ["apis"]:
            if wants_aggregated_discovery(accept):
                doc = aggregated(legacy_core=parts == ["api"])
                body = go_json_line(doc)
                etag = '"' + uuid.uuid5(uuid.NAMESPACE_OID, body.decode()).hex.upper() + '"'
                return self._respond(rec, 200, body, AGGREGATED_MEDIA_TYPE, {"Etag": etag, "Vary": "Accept"})
            legacy = api_versions(self.server_address) if parts == ["api"] else api_group_list()
            return self._respond_json(rec, legacy)
        if parts[:1] == ["api"] and len(parts) >= 2:
            return await self._route_group_version(request, rec, "", parts[1], parts[2:])
        if parts[:1] == ["apis"] and len(parts) >= 2:
            if len(parts) == 2:
                group_doc = api_group(parts[1])
                if group_doc is None:
                    raise _resource_not_found()
                return self._respond_json(rec, group_doc)
            return await self._route_group_version(request, rec, parts[1], parts[2], parts[3:])
        return self._respond(
            rec,
            404,
            b"404 page not found\n",
            "text/plain; charset=utf-8",
            {"X-Content-Type-Options": "nosniff"},
        )

    @staticmethod
    def _is_watch(parts: list[str], request: web.Request) -> bool:
        rest = parts[2:] if parts[:1] == ["api"] else parts[3:]
        if rest[:1] == ["watch"]:
            return True
        return request.method == "GET" and parse_bool(list(request.query.getall("watch", [])))

    async def _route_group_version(
        self, request: web.Request, rec: RecordedRequest, group: str, version: str, rest: list[str]
    ) -> web.StreamResponse:
        if not rest:
            doc = api_resource_list(group, version)
            if doc is None:
                raise _resource_not_found()
            return self._respond_json(rec, doc)
        force_watch = False
        if rest[0] == "watch":
            force_watch = True
            rest = rest[1:]
            if not rest:
                raise _resource_not_found()
        namespace: str | None = None
        if rest[0] == "namespaces" and len(rest) > 1:
            namespace = rest[1]
            if len(rest) > 2 and rest[2] not in ("status", "finalize"):
                rest = rest[2:]
        rt = resource_by_path(group, version, rest[0])
        if rt is None:
            raise _resource_not_found()
        name = rest[1] if len(rest) >= 2 else None
        subresource = rest[2] if len(rest) >= 3 else None
        if not rt.namespaced:
            namespace = None
        method = request.method
        if force_watch:
            if method != "GET" or subresource:
                raise _resource_not_found()
            return await self._list_or_watch(request, rec, rt, namespace, name, force_watch=True)
        if name is None:
            if method == "GET":
                return await self._list_or_watch(request, rec, rt, namespace, None, force_watch=False)
            if method == "POST":
                return await self._create(request, rec, rt, namespace)
            raise _ApiError(
                status_object(
                    405,
                    "MethodNotAllowed",
                    "the server does not allow this method on the requested resource",
                    details={},
                )
            )
        if subresource not in (None, "status"):
            raise _resource_not_found()
        if method == "GET":
            obj = self.store.get(rt, namespace, name)
            if obj is None:
                raise _not_found_object(rt, name)
            return self._respond_object(request, rec, rt, obj)
        if method == "PUT":
            body = await self._read_body(request, rt)
            try:
                stored = self.modify(
                    {
                        **body,
                        "metadata": {
                            **(body.get("metadata") or {}),
                            "name": name,
                            **({"namespace": namespace} if namespace else {}),
                        },
                    }
                )
            except NotFound:
                raise _not_found_object(rt, name) from None
            return self._respond_json(rec, stored)
        if method == "PATCH":
            return await self._patch(request, rec, rt, namespace, name)
        if method == "DELETE":
            try:
                removed = self.delete(rt.plural, name, namespace)
            except NotFound:
                raise _not_found_object(rt, name) from None
            if rt.kind == "Pod":
                return self._respond_json(rec, removed)
            details: JsonObject = {"name": name}
            if rt.group:
                details["group"] = rt.group
            details["kind"] = rt.plural
            details["uid"] = removed["metadata"].get("uid", "")
            return self._respond_json(
                rec,
                {
                    "kind": "Status",
                    "apiVersion": "v1",
                    "metadata": {},
                    "status": "Success",
                    "details": details,
                },
            )
        raise _ApiError(
            status_object(
                405,
                "MethodNotAllowed",
                "the server does not allow this method on the requested resource",
                details={},
            )
        )

    async def _patch(
        self, request: web.Request, rec: RecordedRequest, rt: ResourceType, namespace: str | None, name: str
    ) -> web.StreamResponse:
        """Merge patch; strategic merge is approximated by it: enough for patching labels or status."""
        if request.content_type not in (
            "application/merge-patch+json",
            "application/strategic-merge-patch+json",
        ):
            raise _ApiError(
                status_object(
                    415,
                    "UnsupportedMediaType",
                    "the body of the request was in an unknown format - accepted media types include: "
                    "application/merge-patch+json, application/strategic-merge-patch+json",
                )
            )
        current = self.store.get(rt, namespace, name)
        if current is None:
            raise _not_found_object(rt, name)
        try:
            patch = await request.json()
        except (ValueError, UnicodeDecodeError) as err:
            raise _bad_request(f"error decoding patch: {err}") from err
        patched = merge_patch(current, patch)
        patched["metadata"]["name"] = name
        if namespace:
            patched["metadata"]["namespace"] = namespace
        return self._respond_json(rec, self.modify(patched))

    async def _read_body(self, request: web.Request, rt: ResourceType) -> JsonObject:
        try:
            body = await request.json()
        except (ValueError, UnicodeDecodeError) as err:
            raise _bad_request(f"the object provided is unrecognized: {err}") from err
        if not isinstance(body, dict):
            raise _bad_request("the object provided is unrecognized")
        body.setdefault("kind", rt.kind)
        body.setdefault("apiVersion", rt.api_version)
        return body

    async def _create(
        self, request: web.Request, rec: RecordedRequest, rt: ResourceType, namespace: str | None
    ) -> web.StreamResponse:
        body = await self._read_body(request, rt)
        meta = dict(body.get("metadata") or {})
        if namespace:
            meta["namespace"] = namespace
        meta.pop("resourceVersion", None)
        body["metadata"] = meta
        try:
            stored = self.create(body)
        except AlreadyExists:
            details: JsonObject = {"name": meta.get("name", "")}
            if rt.group:
                details["group"] = rt.group
            details["kind"] = rt.plural
            raise _ApiError(
                status_object(
                    409,
                    "AlreadyExists",
                    f'{rt.group_resource} "{meta.get("name", "")}" already exists',
                    details=details,
                )
            ) from None
        except ValueError as err:
            raise _invalid(
                rt.group, rt.kind, "", [_field_error("Invalid", "metadata.name", str(err), "")]
            ) from err
        return self._respond_json(rec, stored, 201)

    def _respond_object(
        self, request: web.Request, rec: RecordedRequest, rt: ResourceType, obj: JsonObject
    ) -> web.Response:
        form = negotiate(request.headers.get("Accept", ""))
        if form is None:
            raise self._not_acceptable()
        if form.form == "table":
            table = to_table(
                rt,
                [obj],
                list_meta={"resourceVersion": obj["metadata"]["resourceVersion"]},
                include_object=self._include_object(request),
                group_version=form.group_version,
            )
            return self._respond_json(rec, table)
        if form.form == "partial":
            return self._respond_json(rec, partial_object_metadata(obj, form.group_version))
        return self._respond_json(rec, obj)

    @staticmethod
    def _not_acceptable() -> _ApiError:
        return _ApiError(
            status_object(
                406,
                "NotAcceptable",
                "only the following media types are accepted: application/json, application/yaml, "
                "application/vnd.kubernetes.protobuf",
            )
        )

    @staticmethod
    def _include_object(request: web.Request) -> str:
        value = request.query.get("includeObject", "")
        if value not in ("", "None", "Object", "Metadata"):
            raise _bad_request(f'unrecognized includeObject value: "{value}"')
        return value or "Metadata"

    # --- list -----------------------------------------------------------------------------------------------

    async def _list_or_watch(
        self,
        request: web.Request,
        rec: RecordedRequest,
        rt: ResourceType,
        namespace: str | None,
        name: str | None,
        *,
        force_watch: bool,
    ) -> web.StreamResponse:
        opts = parse_list_options(request.query, rt.kind)
        if force_watch:
            opts.watch = True
        if (
            self.watch_list_defaults
            and opts.watch
            and opts.send_initial_events is None
            and not opts.resource_version_match
            and opts.resource_version in ("", "0")
        ):
            opts.send_initial_events = True
            opts.resource_version_match = "NotOlderThan"
        _validate_list_options(opts)
        if name is not None:
            selected = opts.field_selector.name
            if opts.field_selector.terms and selected != name:
                raise _bad_request("fieldSelector metadata.name doesn't match requested name")
            if not opts.field_selector.terms:
                opts.field_selector = FieldSelector(f"metadata.name={name}", rt.kind)
        form = negotiate(request.headers.get("Accept", ""))
        if form is None:
            raise self._not_acceptable()
        include_object = self._include_object(request) if form.form == "table" else "Metadata"
        if opts.watch:
            return await self._watch(request, rec, rt, namespace, opts, form, include_object)
        return await self._list(rec, rt, namespace, opts, form, include_object)

    async def _list(
        self,
        rec: RecordedRequest,
        rt: ResourceType,
        namespace: str | None,
        opts: ListOptions,
        form: Negotiated,
        include_object: str,
    ) -> web.Response:
        at: int | None = None
        start = ""
        if opts.continue_token:
            if opts.resource_version not in ("", "0"):
                raise _bad_request("specifying resource version is not allowed when using continue")
            token_rv, start = _decode_continue(opts.continue_token)
            if token_rv and token_rv < self.store.compacted:
                fresh = _encode_continue(-1, start)
                raise _ApiError(
                    status_object(410, "Expired", _CONTINUE_TOO_OLD, list_meta={"continue": fresh})
                )
            at = token_rv if token_rv > 0 else None
        else:
            rv = _parse_resource_version(rt, opts.resource_version)
            if rv > self.store.resource_version and not await self.store.wait_for_resource_version(
                rv, self.too_large_rv_wait
            ):
                raise _too_large(rv, self.store.resource_version)
            if opts.resource_version_match == "Exact":
                if rv < self.store.compacted:
                    raise _ApiError(
                        status_object(410, "Expired", "The resourceVersion for the provided list is too old.")
                    )
                at = rv
        items, list_rv = self.store.list_at(rt, namespace, at)
        items = [o for o in items if opts.label_selector.matches(o) and opts.field_selector.matches(o)]
        keyed = [(self._list_key(o, namespace), o) for o in items]
        if start:
            keyed = [(k, o) for k, o in keyed if k >= start]
        list_meta: JsonObject = {"resourceVersion": str(list_rv)}
        if opts.limit > 0 and len(keyed) > opts.limit:
            page, rest = keyed[: opts.limit], keyed[opts.limit :]
            list_meta["continue"] = _encode_continue(list_rv, page[-1][0] + "\x00")
            if not opts.label_selector.requirements and not opts.field_selector.terms:
                list_meta["remainingItemCount"] = len(rest)
            keyed = page
        page_items = [o for _, o in keyed]
        if form.form == "table":
            return self._respond_json(
                rec,
                to_table(
                    rt,
                    page_items,
                    list_meta=list_meta,
                    include_object=include_object,
                    group_version=form.group_version,
                ),
            )
        if form.form == "partial":
            return self._respond_json(
                rec,
                {
                    "kind": "PartialObjectMetadataList",
                    "apiVersion": form.group_version,
                    "metadata": list_meta,
                    "items": [partial_object_metadata(o, form.group_version) for o in page_items],
                },
            )
        for obj in page_items:
            obj.pop("kind", None)
            obj.pop("apiVersion", None)
        return self._respond_json(
            rec,
            {"kind": rt.list_kind, "apiVersion": rt.api_version, "metadata": list_meta, "items": page_items},
        )

    @staticmethod
    def _list_key(obj: JsonObject, namespace: str | None) -> str:
        key = object_key(obj)
        return key[1] if namespace is not None or not key[0] else sort_key(key)

    # --- watch ----------------------------------------------------------------------------------------------

    def _encode_event(self, session: WatchSession, etype: str, obj: JsonObject) -> bytes:
        """One watch event line; objects become Tables or PartialObjectMetadata as negotiated (never a
        Status), and only the first Table of a watch carries column definitions."""
        if etype != "ERROR" and session.form.form == "table":
            obj = to_table(
                session.resource,
                [obj],
                list_meta={"resourceVersion": obj["metadata"]["resourceVersion"]},
                no_headers=session.headers_sent,
                include_object=session.include_object,
                group_version=session.form.group_version,
            )
            session.headers_sent = True
        elif etype != "ERROR" and session.form.form == "partial":
            obj = partial_object_metadata(obj, session.form.group_version)
        return go_json_line({"type": etype, "object": obj})

    async def _watch(
        self,
        request: web.Request,
        rec: RecordedRequest,
        rt: ResourceType,
        namespace: str | None,
        opts: ListOptions,
        form: Negotiated,
        include_object: str,
    ) -> web.StreamResponse:
        rv = _parse_resource_version(rt, opts.resource_version)
        loop = asyncio.get_running_loop()
        timeout: float = float(opts.timeout_seconds or 0)
        if timeout == 0 and self.min_request_timeout > 0:
            timeout = self.min_request_timeout * (self.rng.random() + 1.0)
        if rv > self.store.resource_version and not await self.store.wait_for_resource_version(
            rv, self.too_large_rv_wait
        ):
            raise _too_large(rv, self.store.resource_version)
        session = WatchSession(
            request=rec,
            resource=rt,
            namespace=namespace,
            timeout=timeout,
            deadline=loop.time() + timeout if timeout > 0 else float("inf"),
            allow_bookmarks=opts.allow_watch_bookmarks,
            form=form,
            include_object=include_object,
            label_selector=opts.label_selector,
            field_selector=opts.field_selector,
        )
        # Everything from here to subscribe() is synchronous: no change can slip between the snapshot
        # of initial events and the live subscription.
        initial: list[tuple[str, JsonObject]] = []
        expired: Expired | None = None
        if opts.send_initial_events or (opts.send_initial_events is None and rv == 0):
            items, snapshot_rv = self.store.list_at(rt, namespace)
            initial = [("ADDED", o) for o in items if session.wants(o)]
            session.last_rv = snapshot_rv
            # An unset RV (and a watch-list) is a consistent read: the cache is synced to the cluster's RV
            # first; "0" takes the resource's cache as it is.
            session.start_rv = snapshot_rv if opts.send_initial_events or not opts.resource_version else \
                max([self.store.cache_rv(rt)] + [int(o["metadata"]["resourceVersion"]) for _, o in initial])
            session.watch_list = bool(opts.send_initial_events)
            if opts.send_initial_events and opts.allow_watch_bookmarks:
                initial.append(("BOOKMARK", bookmark_object(rt, snapshot_rv, initial_events_end=True)))
        elif rv == 0:
            session.last_rv = self.store.resource_version
            session.start_rv = self.store.cache_rv(rt)
        else:
            session.last_rv = rv
            try:
                for revision in self.store.revisions_after(rt, rv):
                    converted = session.convert(revision)
                    if converted is not None:
                        initial.append(converted)
                        session.last_rv = revision.rv
                session.start_rv = session.last_rv
            except Expired as err:
                expired = err
        if self._stall_next > 0:
            self._stall_next -= 1
            session.stalled = True
        unsubscribe = None
        if expired is None:
            unsubscribe = self.store.subscribe(lambda revision: session.queue.put_nowait(("rev", revision)))
            self.watches.append(session)
            self.watch_count += 1
        rec.status = 200
        self._notify()

        headers = self._base_headers()
        headers["Content-Type"] = "application/json"
        response = _GoStreamResponse(status=200, headers=headers)
        response.enable_chunked_encoding()
        ended = "deadline"
        try:
            await response.prepare(request)
            if expired is not None:
                status = status_object(410, "Expired", str(expired))
                await response.write(self._encode_event(session, "ERROR", status))
                ended = "expired"
            elif session.stalled:
                ended = await self._stalled(session, request, response)
            else:
                for etype, obj in initial:
                    await self._send(session, response, etype, obj)
                ended = await self._pump(session, request, response, rt)
            if ended not in ("reset",):
                await response.write_eof()
        except (ConnectionResetError, asyncio.CancelledError):
            ended = "client-gone"
            raise
        finally:
            if unsubscribe is not None:
                unsubscribe()
            if session in self.watches:
                self.watches.remove(session)
            rec.ended = ended
            self._notify()
        return response

    async def _send(
        self, session: WatchSession, response: web.StreamResponse, etype: str, obj: JsonObject
    ) -> None:
        await response.write(self._encode_event(session, etype, obj))
        session.events_sent += 1
        rv_text = (obj.get("metadata") or {}).get("resourceVersion")
        if rv_text and str(rv_text).isdigit():
            session.last_rv = max(session.last_rv, int(rv_text))
        self._notify()

    def _next_bookmark(self, session: WatchSession, now: float, first: bool = False) -> float:
        """cacheWatcher.nextBookmarkTime: a watch-list's at once (sent at the cacher's next tick), then every
        ``bookmark_frequency`` and once ``bookmark_before_deadline`` before the deadline; nothing once that
        point has passed, nor for a watch without a deadline."""
        if first and session.allow_bookmarks and session.watch_list:
            return now + self.bookmark_tick
        heartbeat = session.deadline - self.bookmark_before_deadline
        if not session.allow_bookmarks or session.deadline == float("inf") or heartbeat < now:
            return float("inf")
        return min(now + self.bookmark_frequency, heartbeat)

    async def _pump(
        self, session: WatchSession, request: web.Request, response: web.StreamResponse, rt: ResourceType
    ) -> str:
        """Deliver live events, bookmarks and control items until the deadline or a control item ends it."""
        loop = asyncio.get_running_loop()
        next_bookmark = self._next_bookmark(session, loop.time(), first=True)
        while True:
            now = loop.time()
            if now >= session.deadline:
                return "deadline"
            if now >= next_bookmark:
                # The resource's cache RV, once past the RV the watch started from (cache_watcher.go
                # `process`): the same one again each period if nothing moved since.
                cache_rv = self.store.cache_rv(rt)
                if cache_rv > session.start_rv:
                    await self._send(session, response, "BOOKMARK", bookmark_object(rt, cache_rv))
                next_bookmark = self._next_bookmark(session, max(loop.time(), next_bookmark + 1e-6))
                continue
            wake = min(session.deadline, next_bookmark)
            try:
                async with asyncio.timeout(wake - now if wake != float("inf") else None):
                    kind, payload = await session.queue.get()
            except TimeoutError:
                continue
            if kind == "rev":
                converted = session.convert(payload)
                if converted is not None:
                    await self._send(session, response, *converted)
            elif kind == "close":
                return "closed"
            elif kind == "error":
                await self._send(session, response, "ERROR", payload)
                return "error"
            elif kind == "reset":
                await self._reset(session, request, response, mid_event=bool(payload))
                return "reset"
            elif kind == "stall":
                return await self._stalled(session, request, response)

    async def _stalled(
        self, session: WatchSession, request: web.Request, response: web.StreamResponse
    ) -> str:
        """A half-open watch: ignore events and the deadline; only close/reset/error end it."""
        session.stalled = True
        self._notify()
        while True:
            kind, payload = await session.queue.get()
            if kind == "close":
                return "closed"
            if kind == "reset":
                await self._reset(session, request, response, mid_event=bool(payload))
                return "reset"
            if kind == "error":
                await self._send(session, response, "ERROR", payload)
                return "error"

    async def _reset(
        self, session: WatchSession, request: web.Request, response: web.StreamResponse, *, mid_event: bool
    ) -> None:
        if mid_event:
            candidates = [
                o for o in self.store.objects(session.resource, session.namespace) if session.wants(o)
            ]
            if candidates:
                line = self._encode_event(session, "MODIFIED", candidates[0])
            else:
                line = self._encode_event(
                    session, "BOOKMARK", bookmark_object(session.resource, self.store.resource_version)
                )
            await response.write(line[: len(line) // 2])
        transport = request.transport
        if transport is None:
            return
        sock = transport.get_extra_info("socket")
        if sock is not None:
            # SO_LINGER with a zero timeout makes close() send RST instead of FIN: a real reset.
            with contextlib.suppress(OSError):
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        transport.abort()
