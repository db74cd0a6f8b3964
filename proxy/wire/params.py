"""Query parameters parsed and validated the way the apiserver does, with its error messages.

Sources: k8s.io/apimachinery/pkg/apis/meta/v1 (ListOptions conversion, `validation.ValidateListOptions`)
and the query-parameter codec, where a boolean is false only for `0` and `false` (any case).
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from urllib.parse import parse_qsl

from .gostrings import aggregate, quote
from .jsonenc import go_json

_INT64 = re.compile(r"[+-]?[0-9]+")
_UINT64 = re.compile(r"[0-9]+")


class InvalidParams(ValueError):
    """What the apiserver answers for bad list/watch options.

    Values that do not parse are a 400 BadRequest with Go's own message; options that parse but contradict
    each other fail ValidateListOptions, a 422 Invalid wrapped as `ListOptions.meta.k8s.io "" is invalid`.
    """

    def __init__(self, message: str, *, invalid: bool = False, causes: list[dict[str, str]] | None = None,
                 code: int = 0) -> None:
        super().__init__(message)
        self.code = code or (422 if invalid else 400)
        self.reason = "" if code == 500 else None  # the apiserver's 500s here carry no reason
        self.causes = causes or []

    @property
    def details(self) -> dict[str, object] | None:
        if self.code != 422:
            return None
        return {"group": "meta.k8s.io", "kind": "ListOptions", "causes": self.causes}


def _invalid(errors: list[tuple[str, str, str]]) -> InvalidParams:
    """errors: (field, reason, "field: Type: detail") as field.ErrorList renders them."""
    texts = [e[2] for e in errors]
    agg = aggregate(texts)
    causes = [{"reason": r, "message": t.split(": ", 1)[1], "field": f} for f, r, t in errors]
    return InvalidParams(f'ListOptions.meta.k8s.io "" is invalid: {agg}', invalid=True, causes=causes)


def _forbidden(field: str, detail: str) -> tuple[str, str, str]:
    return (field, "FieldValueForbidden", f"{field}: Forbidden: {detail}")


def _unsupported(field: str, value: str, supported: str) -> tuple[str, str, str]:
    """An option of a named string type (metav1.ResourceVersionMatch), printed as encoding/json writes it."""
    shown = go_json(value).decode()
    return (field, "FieldValueNotSupported", f"{field}: Unsupported value: {shown}: supported values: {supported}")


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


def go_int(value: str, *, signed: bool) -> int | None:
    """strconv.ParseInt/ParseUint(value, 10, 64), or None where Go returns an error."""
    if not (_INT64 if signed else _UINT64).fullmatch(value) or len(value.lstrip("+-").lstrip("0")) > 20:
        return None  # (the length check also keeps int() below its 4300-digit limit)
    n = int(value)
    lo, hi = (-(2 ** 63), 2 ** 63) if signed else (0, 2 ** 64)
    return n if lo <= n < hi else None


def parse_int(value: str) -> int:
    """strconv.ParseInt(value, 10, 64); InvalidParams with its failure, which the apiserver passes through as
    the 400 message."""
    n = go_int(value, signed=True)
    if n is None:
        why = "value out of range" if _INT64.fullmatch(value) else "invalid syntax"
        raise InvalidParams(f"strconv.ParseInt: parsing {quote(value)}: {why}")
    return n


def invalid_resource_version(rv: str) -> str:
    """The storage's refusal of a resourceVersion it cannot parse (strconv.ParseUint), "" for one it can
    (or none). A list words it as a 400; a watch and a get let it through as a 500 without a reason."""
    if not rv or go_int(rv, signed=False) is not None:
        return ""
    why = "value out of range" if _UINT64.fullmatch(rv) else "invalid syntax"
    return f"resourceVersion: Invalid value: {quote(rv)}: strconv.ParseUint: parsing {quote(rv)}: {why}"


def first_values(pairs: list[tuple[str, str]]) -> dict[str, str]:
    """Each parameter's first value, which is the one the apiserver reads (url.Values.Get; a list-valued
    option such as dryRun takes them all)."""
    return dict(reversed(pairs))


def converted(query: str, *, watch_path: bool = False) -> ListOptions:
    """The query converted to ListOptions as the parameter codec does (url.Values to metav1.ListOptions),
    nothing validated yet: each parameter's first value; a number that does not parse is the 400, an empty
    one included, timeoutSeconds before limit; a boolean is false only for 0 and false; the resourceVersion is
    not parsed here (the storage does, after every other check: listopts.list_request)."""
    q = first_values(query_pairs(query))
    timeout = parse_int(q["timeoutSeconds"]) if "timeoutSeconds" in q else None
    limit = max(0, parse_int(q["limit"])) if "limit" in q else 0
    return ListOptions(
        watch=watch_path or ("watch" in q and parse_bool(q["watch"])), resource_version=q.get("resourceVersion", ""),
        resource_version_match=q.get("resourceVersionMatch", ""), timeout_seconds=timeout,
        allow_watch_bookmarks="allowWatchBookmarks" in q and parse_bool(q["allowWatchBookmarks"]),
        send_initial_events=parse_bool(q["sendInitialEvents"]) if "sendInitialEvents" in q else None,
        label_selector=q.get("labelSelector", ""), field_selector=q.get("fieldSelector", ""), limit=limit,
        continue_token=q.get("continue", ""))


def list_defaults(o: ListOptions) -> ListOptions:
    """SetListOptionsDefaults (the WatchList gate on): a watch from no resourceVersion or "0" that asks for
    neither initial events nor a match is a watch-list."""
    if o.watch and o.send_initial_events is None and not o.resource_version_match and o.resource_version in ("", "0"):
        return dataclasses.replace(o, send_initial_events=True, resource_version_match="NotOlderThan")
    return o


def validate(o: ListOptions, *, watch_list: bool = True) -> None:
    """validation.ValidateListOptions (apimachinery meta/internalversion/validation) of the options as
    SetListOptionsDefaults leaves them (`watch_list`: the server applies them, 1.34 and later); the 422."""
    o = list_defaults(o) if watch_list else o
    errs: list[tuple[str, str, str]] = []
    rvm = o.resource_version_match
    if o.watch:
        if o.send_initial_events is not None and rvm != "NotOlderThan":
            errs.append(_forbidden("resourceVersionMatch", "sendInitialEvents requires setting resourceVersionMatch "
                                                           "to NotOlderThan"))
        if rvm:
            if o.send_initial_events is None:
                errs.append(_forbidden("resourceVersionMatch", "resourceVersionMatch is forbidden for watch unless "
                                                               "sendInitialEvents is provided"))
            if rvm != "NotOlderThan":
                errs.append(_unsupported("resourceVersionMatch", rvm, '"NotOlderThan"'))
            if o.continue_token:
                errs.append(_forbidden("resourceVersionMatch", "resourceVersionMatch is forbidden when continue is "
                                                               "provided"))
    else:
        if rvm:
            if not o.resource_version:
                errs.append(_forbidden("resourceVersionMatch",
                                       "resourceVersionMatch is forbidden unless resourceVersion is provided"))
            if o.continue_token:
                errs.append(_forbidden("resourceVersionMatch",
                                       "resourceVersionMatch is forbidden when continue is provided"))
            if rvm not in ("Exact", "NotOlderThan"):
                errs.append(_unsupported("resourceVersionMatch", rvm, '"Exact", "NotOlderThan", ""'))
            elif rvm == "Exact" and o.resource_version == "0":
                errs.append(_forbidden("resourceVersionMatch",
                                       'resourceVersionMatch "exact" is forbidden for resourceVersion "0"'))
        if o.send_initial_events is not None:  # after the resourceVersionMatch causes, as the apiserver lists them
            errs.append(_forbidden("sendInitialEvents", "sendInitialEvents is forbidden for list"))
    if errs:
        raise _invalid(errs)
