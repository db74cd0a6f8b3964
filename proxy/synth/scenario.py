"""Scenario files: a short YAML story of a cluster that `synth` turns into a recording.

A scenario is written by hand, so every mistake is reported with the YAML path of the offending value
(`changes[3].patch: expected a mapping, got a list`) rather than surfacing later as a confusing
recording. `SCHEMA` is the documented shape (a JSON-Schema subset); the parser takes its lists of
allowed fields from it so the documentation and the checks cannot drift apart. recordings/README.md
explains every field with an example.
"""

from __future__ import annotations

import difflib
import operator
import re
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml

from ..wire.discovery import RELEASE
from ..wire.kinds import ResourceType, builtin_by_kind, builtin_by_path, parse_collection_path
from ..wire.listopts import parse_list_options
from ..wire.params import InvalidParams, query_pairs
from .schema import (
    COMPACT_BY_KIND,
    DEFAULT_HEADERS,
    DEFAULT_START_TIME,
    LIST_PARAMS,
    POD_PHASES,
    SPECIFIC_FIELDS,
    WATCH_PARAMS,
    Headers,
    allowed_fields,
)

# --- errors -------------------------------------------------------------------------------------------


class ScenarioError(ValueError):
    """A scenario that cannot be turned into a recording; `where` is the YAML path of the problem."""

    def __init__(self, where: str, message: str, source: str = "") -> None:
        self.where = where
        self.detail = message
        self.source = source
        parts = [p for p in (source, where) if p]
        super().__init__(": ".join([*parts, message]))

    def in_file(self, source: str) -> ScenarioError:
        return ScenarioError(self.where, self.detail, source)


def _type_name(v: object) -> str:
    if v is None:
        return "null"
    return {dict: "a mapping", list: "a list", str: "a string", bool: "a boolean", int: "an integer",
            float: "a number"}.get(type(v), type(v).__name__)


def _join(where: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{where}[{key}]"
    return f"{where}.{key}" if where else key


# --- YAML ---------------------------------------------------------------------------------------------


class _Loader(yaml.SafeLoader):
    """safe_load, except that a key given twice is an error instead of silently taking the last value."""


def _construct_mapping(loader: _Loader, node: yaml.MappingNode, deep: bool = False) -> dict[Hashable, Any]:
    seen: set[object] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if isinstance(key, Hashable) and key in seen:
            mark = key_node.start_mark
            raise ScenarioError(f"line {mark.line + 1} column {mark.column + 1}", f"duplicate key {key!r}")
        seen.add(key)
    return loader.construct_mapping(node, deep=deep)


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _load_yaml(text: str) -> Any:
    try:
        return yaml.load(text, Loader=_Loader)  # a SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"line {mark.line + 1} column {mark.column + 1}" if mark else ""
        raise ScenarioError(where, f"invalid YAML: {exc.problem or exc.context}") from None
    except yaml.YAMLError as exc:
        raise ScenarioError("", f"invalid YAML: {exc}") from None


# --- scalar checks ------------------------------------------------------------------------------------


def _mapping(v: Any, where: str) -> dict[str, Any]:
    if not isinstance(v, dict):
        raise ScenarioError(where, f"expected a mapping, got {_type_name(v)}")
    for k in v:
        if not isinstance(k, str):
            raise ScenarioError(where, f"keys must be strings, got {_type_name(k)} {k!r}")
    return v


def _check_fields(m: dict[str, Any], allowed: tuple[str, ...] | frozenset[str], where: str) -> None:
    for key in m:
        if key not in allowed:
            near = difflib.get_close_matches(key, list(allowed), n=1)
            hint = f"; did you mean {near[0]!r}?" if near else f" (allowed: {', '.join(sorted(allowed))})"
            raise ScenarioError(_join(where, key), f"unknown field{hint}")


def _list(v: Any, where: str) -> list[Any]:
    if not isinstance(v, list):
        raise ScenarioError(where, f"expected a list, got {_type_name(v)}")
    return v


def _str(v: Any, where: str) -> str:
    if not isinstance(v, str) or not v:
        raise ScenarioError(where, f"expected a non-empty string, got {_type_name(v)}")
    return v


def _bool(v: Any, where: str) -> bool:
    if not isinstance(v, bool):
        raise ScenarioError(where, f"expected true or false, got {_type_name(v)}")
    return v


def _int(v: Any, where: str, minimum: int | None = None) -> int:
    if not isinstance(v, int) or isinstance(v, bool):
        raise ScenarioError(where, f"expected an integer, got {_type_name(v)}")
    if minimum is not None and v < minimum:
        raise ScenarioError(where, f"must be at least {minimum}, got {v}")
    return v


def _positive(v: Any, where: str) -> float:
    if not isinstance(v, int | float) or isinstance(v, bool):
        raise ScenarioError(where, f"expected a number, got {_type_name(v)}")
    if not 0 < v < 1e9:
        raise ScenarioError(where, f"must be a positive number of seconds, got {v}")
    return float(v)


_DURATION_PART = re.compile(r"(\d+(?:\.\d+)?)(ms|h|m|s)")
_UNIT = {"h": 3600.0, "m": 60.0, "s": 1.0, "ms": 0.001}


def parse_time(v: Any, where: str) -> float:
    """Seconds since t=0: a number, or a Go-style duration string ("1h30m", "90s", "250ms")."""
    if isinstance(v, str):
        text = v.strip()
        parts = _DURATION_PART.findall(text)
        if not parts or "".join(n + u for n, u in parts) != text:
            raise ScenarioError(where, f"{v!r} is not a time (seconds, or a duration like 90s, 1h30m, 250ms)")
        return round(sum(float(n) * _UNIT[u] for n, u in parts), 6)
    if not isinstance(v, int | float) or isinstance(v, bool):
        raise ScenarioError(where, f"expected seconds or a duration like 1h30m, got {_type_name(v)}")
    if not 0 <= v < 1e9:
        raise ScenarioError(where, f"must be between 0 and 1e9 seconds, got {v}")
    return round(float(v), 6)


def _start_time(v: Any, where: str) -> datetime:
    if isinstance(v, datetime):  # YAML turns an unquoted timestamp into a datetime already
        moment = v
    else:
        text = _str(v, where)
        try:
            moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            raise ScenarioError(where, f"{text!r} is not an RFC 3339 time like "
                                       f"{DEFAULT_START_TIME}") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def _headers(v: Any, where: str) -> Headers:
    m = _mapping(v, where)
    out = []
    for k, val in m.items():
        if not isinstance(val, str | int) or isinstance(val, bool):
            raise ScenarioError(_join(where, k), f"expected a string, got {_type_name(val)}")
        out.append((k, str(val)))
    return tuple(out)


def _string_map(v: Any, where: str) -> dict[str, str | None]:
    """labels/annotations: strings, or null (which a modify uses to remove a key)."""
    m = _mapping(v, where)
    for k, val in m.items():
        if val is not None and not isinstance(val, str):
            raise ScenarioError(_join(where, k), f"expected a string (quote numbers and booleans), got "
                                                 f"{_type_name(val)}")
    return m


# --- the parsed scenario ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class WatchSpec:
    where: str
    at: float
    query: str
    headers: Headers
    reconnect: bool


@dataclass(frozen=True, slots=True)
class ListSpec:
    where: str
    at: float
    query: str
    headers: Headers


@dataclass(frozen=True, slots=True)
class ResourceSpec:
    where: str
    path: str
    type: ResourceType
    namespace: str  # "" for a collection across namespaces (or a cluster-scoped one)
    watches: tuple[WatchSpec, ...]
    lists: tuple[ListSpec, ...]


@dataclass(frozen=True, slots=True)
class ObjectSpec:
    """An object to create: `fields` is the full object when `full`, else the compact fields."""

    where: str
    type: ResourceType
    name: str
    namespace: str
    fields: dict[str, Any]
    full: bool

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.type.kind, self.namespace, self.name)


@dataclass(frozen=True, slots=True)
class Change:
    """One step of the story; `where` is kept so that history errors can point back into the YAML."""

    where: str
    at: float
    op: str  # add | modify | delete
    type: ResourceType
    name: str
    namespace: str
    add: ObjectSpec | None = None
    patch: dict[str, Any] | None = None
    phase: str | None = None
    labels: dict[str, str | None] | None = None
    annotations: dict[str, str | None] | None = None

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.type.kind, self.namespace, self.name)


@dataclass(frozen=True, slots=True)
class Scenario:
    name: str
    seed: int
    min_request_timeout: float
    start_resource_version: int
    start_time: datetime
    server_version: str
    rv_churn_per_minute: int
    duration: float | None
    discovery: bool
    managed_fields: bool
    headers: Headers
    resources: tuple[ResourceSpec, ...]
    objects: tuple[ObjectSpec, ...]
    changes: tuple[Change, ...]

    @property
    def types(self) -> tuple[ResourceType, ...]:
        """Every resource type in play, in first-use order (for discovery)."""
        seen: dict[tuple[str, str, str], ResourceType] = {}
        used = [*(r.type for r in self.resources), *(o.type for o in self.objects),
                *(c.type for c in self.changes)]
        for rt in used:
            seen.setdefault((rt.group, rt.version, rt.plural), rt)
        return tuple(seen.values())


# --- resources ----------------------------------------------------------------------------------------


def _query(v: Any, where: str, *, watch: bool) -> str:
    if not isinstance(v, str):
        raise ScenarioError(where, f"expected a query string like watch=true, got {_type_name(v)}")
    query = v.lstrip("?")
    allowed = WATCH_PARAMS if watch else LIST_PARAMS
    for k, _ in query_pairs(query):
        if k not in allowed:
            raise ScenarioError(where, f"parameter {k!r} is not supported by synth (supported: "
                                       f"{', '.join(sorted(allowed))})")
    try:
        opts = parse_list_options(query)
    except InvalidParams as exc:
        raise ScenarioError(where, f"the apiserver would refuse this query: {exc}") from None
    if opts.watch != watch:
        raise ScenarioError(where, "a watch needs watch=true in its query" if watch else
                            "a list must not have watch=true (put it under watches)")
    if not watch and opts.resource_version_match == "Exact":
        raise ScenarioError(where, "resourceVersionMatch=Exact lists are not supported by synth")
    return query


def _watch(v: Any, where: str, headers: Headers) -> WatchSpec:
    m = _mapping(v, where)
    _check_fields(m, allowed_fields("watch"), where)
    return WatchSpec(
        where=where,
        at=parse_time(m.get("at", 0), _join(where, "at")),
        query=_query(m.get("query", "watch=true"), _join(where, "query"), watch=True),
        headers=_headers(m["headers"], _join(where, "headers")) if "headers" in m else headers,
        reconnect=_bool(m.get("reconnect", False), _join(where, "reconnect")),
    )


def _one_list(v: Any, where: str, headers: Headers) -> ListSpec:
    m = _mapping(v, where)
    _check_fields(m, allowed_fields("list"), where)
    return ListSpec(
        where=where,
        at=parse_time(m.get("at", 0), _join(where, "at")),
        query=_query(m.get("query", ""), _join(where, "query"), watch=False),
        headers=_headers(m["headers"], _join(where, "headers")) if "headers" in m else headers,
    )


def _lists(v: Any, where: str, headers: Headers) -> tuple[ListSpec, ...]:
    if isinstance(v, bool):
        return (ListSpec(where, 0.0, "", headers),) if v else ()
    if isinstance(v, list):
        return tuple(_one_list(item, _join(where, i), headers) for i, item in enumerate(v))
    if isinstance(v, dict):
        return (_one_list(v, where, headers),)
    raise ScenarioError(where, f"expected true/false, a mapping or a list of mappings, got {_type_name(v)}")


def _resource_type(m: dict[str, Any], where: str) -> tuple[ResourceType, str]:
    path = _str(m.get("path"), _join(where, "path"))
    try:
        cp = parse_collection_path(path)
    except ValueError as exc:
        raise ScenarioError(_join(where, "path"), str(exc)) from None
    api_version = f"{cp.group}/{cp.version}" if cp.group else cp.version
    if "api_version" in m and _str(m["api_version"], _join(where, "api_version")) != api_version:
        raise ScenarioError(_join(where, "api_version"), f"{m['api_version']!r} disagrees with the path, "
                                                          f"which serves {api_version}")
    builtin = builtin_by_path(cp.group, cp.version, cp.plural)
    if builtin is not None:
        if "kind" in m and _str(m["kind"], _join(where, "kind")) != builtin.kind:
            raise ScenarioError(_join(where, "kind"), f"{path} serves {builtin.kind}, not {m['kind']!r}")
        if "namespaced" in m and _bool(m["namespaced"], _join(where, "namespaced")) != builtin.namespaced:
            raise ScenarioError(_join(where, "namespaced"), f"{builtin.plural} are "
                                f"{'namespaced' if builtin.namespaced else 'cluster-scoped'}")
        rt = builtin
    else:
        if "kind" not in m:
            raise ScenarioError(_join(where, "kind"), f"required: {cp.plural} in {api_version} is not a "
                                                      "built-in resource")
        rt = ResourceType(cp.group, cp.version, cp.plural, _str(m["kind"], _join(where, "kind")),
                          namespaced=_bool(m.get("namespaced", True), _join(where, "namespaced")),
                          singular=cp.plural.rstrip("s"))
    if cp.namespace and not rt.namespaced:
        raise ScenarioError(_join(where, "path"), f"{rt.plural} are cluster-scoped; drop /namespaces/...")
    return rt, cp.namespace


def _resource(v: Any, where: str, headers: Headers) -> ResourceSpec:
    m = _mapping(v, where)
    _check_fields(m, allowed_fields("resource"), where)
    rt, namespace = _resource_type(m, where)
    if "watches" in m:
        wl = _list(m["watches"], _join(where, "watches"))
        watches = tuple(_watch(w, _join(_join(where, "watches"), i), headers) for i, w in enumerate(wl))
    else:
        watches = (WatchSpec(_join(where, "watches"), 0.0, "watch=true", headers, False),)
    lists = _lists(m.get("list", False), _join(where, "list"), headers)
    return ResourceSpec(where, _str(m["path"], where), rt, namespace, watches, lists)


# --- objects and changes ------------------------------------------------------------------------------


class _Types:
    """Finds the resource type of an object by kind (and apiVersion), scenario resources first."""

    def __init__(self, resources: tuple[ResourceSpec, ...]) -> None:
        self._by_kind: dict[str, ResourceType] = {}
        for r in resources:
            known = self._by_kind.setdefault(r.type.kind, r.type)
            if known != r.type:
                raise ScenarioError(_join(r.where, "path"), f"kind {r.type.kind} is already served by "
                                    f"{known.api_version} {known.plural}; one kind, one resource")

    def find(self, m: dict[str, Any], where: str) -> ResourceType:
        kind = _str(m.get("kind"), _join(where, "kind"))
        rt = self._by_kind.get(kind) or builtin_by_kind(kind)
        if rt is None:
            raise ScenarioError(_join(where, "kind"), f"unknown kind {kind!r}: add a resources entry with "
                                                      f"kind: {kind} and its collection path")
        api_key = "api_version" if "api_version" in m else "apiVersion"
        if api_key in m and _str(m[api_key], _join(where, api_key)) != rt.api_version:
            raise ScenarioError(_join(where, api_key), f"{kind} is served as {rt.api_version}, "
                                                       f"not {m[api_key]!r}")
        return rt


def _name_and_namespace(m: dict[str, Any], rt: ResourceType, where: str) -> tuple[str, str]:
    meta = m.get("metadata") if "metadata" in m else m
    meta_where = _join(where, "metadata") if "metadata" in m else where
    meta = _mapping(meta, meta_where)
    name = _str(meta.get("name"), _join(meta_where, "name"))
    if rt.namespaced:
        namespace = _str(meta.get("namespace", "default"), _join(meta_where, "namespace"))
    else:
        if "namespace" in meta:
            raise ScenarioError(_join(meta_where, "namespace"), f"{rt.kind} is cluster-scoped")
        namespace = ""
    return name, namespace


def _object(v: Any, where: str, types: _Types) -> ObjectSpec:
    m = _mapping(v, where)
    rt = types.find(m, where)
    name, namespace = _name_and_namespace(m, rt, where)
    full = "metadata" in m
    if full:
        return ObjectSpec(where, rt, name, namespace, dict(m), True)
    if rt.kind in COMPACT_BY_KIND:
        _check_fields(m, tuple(sorted(COMPACT_BY_KIND[rt.kind])), where)
    else:
        for key in m:
            if key in SPECIFIC_FIELDS:
                raise ScenarioError(_join(where, key), f"only {SPECIFIC_FIELDS[key]} have this compact "
                                                       f"field; {rt.kind} copies other fields as they are")
    _check_compact_values(m, rt, where)
    return ObjectSpec(where, rt, name, namespace, dict(m), False)


def _check_compact_values(m: dict[str, Any], rt: ResourceType, where: str) -> None:
    for key in ("labels", "annotations"):
        if key in m:
            _string_map(m[key], _join(where, key))
    for key in ("image", "node", "host_ip", "ip", "replicaset"):
        if key in m and rt.kind in COMPACT_BY_KIND:
            _str(m[key], _join(where, key))
    for key in ("port", "restarts", "replicas", "ready_replicas"):
        if key in m and rt.kind in COMPACT_BY_KIND:
            _int(m[key], _join(where, key), minimum=0)
    if "phase" in m and rt.kind == "Pod":
        _phase(m["phase"], _join(where, "phase"))


def _phase(v: Any, where: str) -> str:
    if v not in POD_PHASES:
        raise ScenarioError(where, f"{v!r} is not one of {', '.join(POD_PHASES)}")
    return str(v)


def _change(v: Any, where: str, types: _Types) -> Change:
    m = _mapping(v, where)
    _check_fields(m, allowed_fields("change"), where)
    ops = [op for op in ("add", "modify", "delete") if op in m]
    if len(ops) != 1:
        raise ScenarioError(where, "needs exactly one of add, modify, delete" + (f" (has {', '.join(ops)})"
                                                                                if ops else ""))
    if "at" not in m:
        raise ScenarioError(_join(where, "at"), "required: when the change happens")
    at = parse_time(m["at"], _join(where, "at"))
    op = ops[0]
    body_where = _join(where, op)
    if op == "add":
        spec = _object(m["add"], body_where, types)
        return Change(where, at, op, spec.type, spec.name, spec.namespace, add=spec)
    body = _mapping(m[op], body_where)
    _check_fields(body, allowed_fields(op), body_where)
    rt = types.find(body, body_where)
    name, namespace = _name_and_namespace(body, rt, body_where)
    if op == "delete":
        return Change(where, at, op, rt, name, namespace)
    return _modify(where, at, rt, name, namespace, body, body_where)


def _modify(where: str, at: float, rt: ResourceType, name: str, namespace: str, body: dict[str, Any],
            body_where: str) -> Change:
    patch = _mapping(body["patch"], _join(body_where, "patch")) if "patch" in body else None
    phase = None
    if "phase" in body:
        if rt.kind != "Pod":
            raise ScenarioError(_join(body_where, "phase"), f"only Pods have a phase, not {rt.kind}")
        phase = _phase(body["phase"], _join(body_where, "phase"))
    labels = _string_map(body["labels"], _join(body_where, "labels")) if "labels" in body else None
    annotations = (_string_map(body["annotations"], _join(body_where, "annotations"))
                   if "annotations" in body else None)
    if patch is None and phase is None and labels is None and annotations is None:
        raise ScenarioError(body_where, "says nothing to change: give patch, phase, labels or annotations")
    return Change(where, at, "modify", rt, name, namespace, patch=patch, phase=phase, labels=labels,
                  annotations=annotations)


def _changes(v: Any, where: str, types: _Types) -> tuple[Change, ...]:
    out: list[Change] = []
    for i, entry in enumerate(_list(v, where)):
        for item_where, item in _expand(entry, _join(where, i), timed=True):
            _append_change(out, _change(item, item_where, types))
    return tuple(out)


def _append_change(out: list[Change], change: Change) -> None:
    """Changes are a story told in order; a time going backwards is almost always a typo."""
    if out and change.at < out[-1].at:
        raise ScenarioError(_join(change.where, "at"), f"{change.at:g}s is before the previous change "
                            f"({out[-1].at:g}s at {out[-1].where}); changes must be in time order")
    out.append(change)


# --- repetition ---------------------------------------------------------------------------------------

_PLACEHOLDER = re.compile(r"\{i((?:\s*(?://|[-+*%])\s*\d+)*)\s*\}")
_ARITHMETIC: dict[str, Callable[[int, int], int]] = {
    "+": operator.add, "-": operator.sub, "*": operator.mul, "//": operator.floordiv, "%": operator.mod}
_OPERATION = re.compile(r"\s*(//|[-+*%])\s*(\d+)")


def _evaluate(i: int, ops: str, where: str) -> int:
    """`{i//3%100}`: arithmetic applied left to right, enough to spread copies over names and namespaces."""
    n = i
    for op, text in _OPERATION.findall(ops):
        k = int(text)
        if op in ("//", "%") and k == 0:
            raise ScenarioError(where, f"division by zero in {{i{ops}}}")
        n = _ARITHMETIC[op](n, k)
    return n


def _substitute(v: Any, i: int, where: str) -> Any:
    if isinstance(v, str):
        return _PLACEHOLDER.sub(lambda m: str(_evaluate(i, m.group(1), where)), v)
    if isinstance(v, dict):
        return {k: _substitute(x, i, where) for k, x in v.items()}
    if isinstance(v, list):
        return [_substitute(x, i, where) for x in v]
    return v


def _expand(entry: Any, where: str, *, timed: bool) -> list[tuple[str, Any]]:
    """An entry with `count` stands for that many copies, each with its own {i} (and, for changes, time)."""
    if not isinstance(entry, dict) or ("count" not in entry and "every" not in entry):
        return [(where, entry)]
    if "count" not in entry:
        raise ScenarioError(_join(where, "every"), "needs count: how many times to repeat the change")
    if "every" in entry and not timed:
        raise ScenarioError(_join(where, "every"), "unknown field (only changes repeat over time)")
    count = _int(entry["count"], _join(where, "count"), 1)
    if count > 100_000:
        raise ScenarioError(_join(where, "count"), f"at most 100000 copies, got {count}")
    base = {k: v for k, v in entry.items() if k not in ("count", "every")}
    every = parse_time(entry.get("every", 0), _join(where, "every"))
    start = parse_time(base["at"], _join(where, "at")) if timed and "at" in base else 0.0
    out = []
    for i in range(count):
        item_where = f"{where} (i={i})"
        item = _substitute(base, i, item_where)
        if timed and "at" in base:
            item["at"] = round(start + i * every, 6)
        out.append((item_where, item))
    return out


# --- top level ----------------------------------------------------------------------------------------


def parse_scenario(data: Any, default_name: str = "scenario") -> Scenario:
    """Validate decoded YAML and build a Scenario; raises ScenarioError naming the YAML path."""
    m = _mapping(data, "(top level)")
    _check_fields(m, allowed_fields(""), "")
    headers = _headers(m["headers"], "headers") if "headers" in m else DEFAULT_HEADERS
    if "resources" not in m:
        raise ScenarioError("resources", "required: at least one collection to list or watch")
    rl = _list(m["resources"], "resources")
    if not rl:
        raise ScenarioError("resources", "needs at least one resource")
    resources = tuple(_resource(r, _join("resources", i), headers) for i, r in enumerate(rl))
    types = _Types(resources)
    objects = tuple(_object(item, item_where, types)
                    for i, entry in enumerate(_list(m.get("objects", []), "objects"))
                    for item_where, item in _expand(entry, _join("objects", i), timed=False))
    scenario = Scenario(
        name=_str(m["name"], "name") if "name" in m else default_name,
        seed=_int(m.get("seed", 0), "seed"),
        min_request_timeout=_positive(m.get("min_request_timeout", 1800), "min_request_timeout"),
        start_resource_version=_int(m.get("start_resource_version", 1000), "start_resource_version", 1),
        start_time=_start_time(m.get("start_time", DEFAULT_START_TIME), "start_time"),
        server_version=_str(m.get("server_version", RELEASE), "server_version"),
        rv_churn_per_minute=_int(m.get("rv_churn_per_minute", 0), "rv_churn_per_minute", 0),
        duration=parse_time(m["duration"], "duration") if "duration" in m else None,
        discovery=_bool(m.get("discovery", True), "discovery"),
        managed_fields=_bool(m.get("managed_fields", True), "managed_fields"),
        headers=headers,
        resources=resources,
        objects=objects,
        changes=_changes(m.get("changes", []), "changes", types),
    )
    _check_whole(scenario)
    return scenario


def _check_whole(s: Scenario) -> None:
    """Rules that span sections."""
    if s.start_resource_version < len(s.objects):
        raise ScenarioError("start_resource_version", f"must be at least the number of initial objects "
                                                      f"({len(s.objects)}): each has its own resourceVersion")
    seen: dict[tuple[str, str, str], str] = {}
    for o in s.objects:
        if o.key in seen:
            raise ScenarioError(o.where, f"{_describe(o.key)} is already defined at {seen[o.key]}")
        seen[o.key] = o.where
    for r in s.resources:
        for w in r.watches:
            if w.reconnect and s.duration is None:
                raise ScenarioError(_join(w.where, "reconnect"), "needs a top-level duration: how long the "
                                                                 "client keeps reconnecting")


def _describe(key: tuple[str, str, str]) -> str:
    kind, namespace, name = key
    return f"{kind} {namespace}/{name}" if namespace else f"{kind} {name}"


def describe_key(key: tuple[str, str, str]) -> str:
    """`Pod default/web-0`: how messages name an object."""
    return _describe(key)


def parse_scenario_text(text: str, name: str = "scenario") -> Scenario:
    """Parse YAML text (duplicate keys refused) into a Scenario named `name` unless it names itself."""
    return parse_scenario(_load_yaml(text), default_name=name)


def load_scenario(path: str | Path) -> Scenario:
    """Read and validate a scenario file; errors start with the file name."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise ScenarioError("", f"cannot read: {exc.strerror or exc}", str(p)) from None
    except UnicodeDecodeError:
        raise ScenarioError("", "not a UTF-8 text file", str(p)) from None
    try:
        return parse_scenario_text(text, p.stem)
    except ScenarioError as exc:
        raise exc.in_file(str(p)) from None
