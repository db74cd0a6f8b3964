"""Query parameters parsed and validated the way the apiserver does, with its error messages.

Sources: k8s.io/apimachinery/pkg/apis/meta/v1 (ListOptions conversion, `validation.ValidateListOptions`)
and the query-parameter codec, where a boolean is false only for `0` and `false` (any case).
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qsl

MAX_TIMEOUT_SECONDS = 10 ** 9  # absurd values are refused rather than overflowing a timer


class InvalidParams(ValueError):
    """A 400 BadRequest (or 422 Invalid when `invalid` is set) with the apiserver's message."""

    def __init__(self, message: str, *, invalid: bool = False) -> None:
        super().__init__(message)
        self.code = 422 if invalid else 400


def parse_bool(value: str) -> bool:
    return value.lower() not in ("0", "false")


@dataclass(frozen=True, slots=True)
class ListOptions:
    watch: bool = False
    resource_version: str = ""
    resource_version_match: str = ""
    timeout_seconds: int | None = None
    allow_watch_bookmarks: bool = False
    send_initial_events: bool | None = None
    label_selector: str = ""
    field_selector: str = ""
    limit: int = 0
    continue_token: str = ""

    @property
    def rv_int(self) -> int | None:
        """The resourceVersion as an integer, or None for "" (unset)."""
        return int(self.resource_version) if self.resource_version else None


def query_pairs(query: str) -> list[tuple[str, str]]:
    return parse_qsl(query, keep_blank_values=True)


def _int(name: str, value: str) -> int:
    try:
        n = int(value)
    except ValueError:
        raise InvalidParams(f'invalid value "{value}" for {name}: must be an integer') from None
    return n


def parse_list_options(query: str, *, watch_path: bool = False) -> ListOptions:
    """Parse and validate list/watch options; raises InvalidParams as the apiserver would answer 400/422."""
    q: dict[str, str] = {}
    for k, v in query_pairs(query):
        q.setdefault(k, v)  # the first value wins, as with url.Values.Get
    watch = watch_path or ("watch" in q and parse_bool(q["watch"]))
    rv = q.get("resourceVersion", "")
    if rv:
        try:
            n = int(rv)
        except ValueError:
            raise InvalidParams(f'resourceVersion: Invalid value: "{rv}": '
                                "must be a non-negative integer", invalid=True) from None
        if n < 0:
            raise InvalidParams(f'resourceVersion: Invalid value: "{rv}": must be a non-negative integer',
                                invalid=True)
    timeout = None
    if q.get("timeoutSeconds", "") != "":
        timeout = _int("timeoutSeconds", q["timeoutSeconds"])
        if timeout < 0 or timeout > MAX_TIMEOUT_SECONDS:
            raise InvalidParams(f'timeoutSeconds: Invalid value: {timeout}: must be between 0 and '
                                f"{MAX_TIMEOUT_SECONDS}", invalid=True)
    limit = 0
    if q.get("limit", "") != "":
        limit = _int("limit", q["limit"])
        if limit < 0:
            limit = 0
    rvm = q.get("resourceVersionMatch", "")
    if rvm and rvm not in ("NotOlderThan", "Exact"):
        raise InvalidParams(f'resourceVersionMatch: Unsupported value: "{rvm}": supported values: '
                            '"Exact", "NotOlderThan"', invalid=True)
    sie: bool | None = None
    if "sendInitialEvents" in q:
        sie = parse_bool(q["sendInitialEvents"])
    opts = ListOptions(
        watch=watch, resource_version=rv, resource_version_match=rvm, timeout_seconds=timeout,
        allow_watch_bookmarks="allowWatchBookmarks" in q and parse_bool(q["allowWatchBookmarks"]),
        send_initial_events=sie, label_selector=q.get("labelSelector", ""),
        field_selector=q.get("fieldSelector", ""), limit=limit, continue_token=q.get("continue", ""))
    _validate(opts)
    return opts


def _validate(o: ListOptions) -> None:
    """validation.ValidateListOptions, for the cases a client can get wrong."""
    if o.watch:
        if o.send_initial_events is not None:
            if o.resource_version_match != "NotOlderThan":
                raise InvalidParams("resourceVersionMatch: Forbidden: sendInitialEvents requires setting "
                                    "resourceVersionMatch to NotOlderThan", invalid=True)
            if not o.allow_watch_bookmarks and o.send_initial_events:
                raise InvalidParams("allowWatchBookmarks: Forbidden: sendInitialEvents requires setting "
                                    "allowWatchBookmarks to true", invalid=True)
        elif o.resource_version_match:
            raise InvalidParams("resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden for "
                                "watch unless sendInitialEvents is provided", invalid=True)
        if o.continue_token:
            raise InvalidParams("continue: Forbidden: continue is forbidden for watch", invalid=True)
        return
    if o.send_initial_events is not None:
        raise InvalidParams("sendInitialEvents: Forbidden: sendInitialEvents is forbidden for list",
                            invalid=True)
    if o.resource_version_match:
        if not o.resource_version:
            raise InvalidParams("resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden "
                                "unless resourceVersion is provided", invalid=True)
        if o.continue_token:
            raise InvalidParams("resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden when "
                                "continue is provided", invalid=True)
        if o.resource_version_match == "Exact" and o.resource_version == "0":
            raise InvalidParams('resourceVersionMatch: Forbidden: resourceVersionMatch "exact" is '
                                'forbidden for resourceVersion "0"', invalid=True)
