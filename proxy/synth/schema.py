"""The documented shape of a scenario file: a JSON Schema (2020-12 subset) plus the defaults it names.

It is data, not code, so recordings/README.md, editors and the parser all read the same description; the
parser takes the allowed field names of each section from here, so an undocumented field is refused.
"""

from __future__ import annotations

from typing import Any

from ..wire.discovery import RELEASE

Headers = tuple[tuple[str, str], ...]

DEFAULT_START_TIME = "2026-01-01T00:00:00Z"
DEFAULT_HEADERS: Headers = (("Accept", "application/json"), ("User-Agent", "watchproxy-synth"))
POD_PHASES = ("Pending", "Scheduled", "ContainerCreating", "Running", "Succeeded", "Failed")

_TIME = {"oneOf": [{"type": "number", "minimum": 0},
                   {"type": "string", "pattern": r"^(\d+(\.\d+)?(h|m|s|ms))+$"}],
         "description": "seconds since the recording starts, or a duration such as 90s, 1h30m, 250ms"}
_COUNT = {"type": "integer", "minimum": 1, "maximum": 100000,
          "description": "repeat the entry; {i} in its strings becomes 0..count-1 ({i%3}, {i//3}, {i+1} too)"}
_HEADERS = {"type": "object", "additionalProperties": {"type": "string"},
            "description": "request headers, in order, as the client sends them"}
_META_FIELDS: dict[str, Any] = {
    "kind": {"type": "string", "description": "object kind; must belong to a resource or be built in"},
    "api_version": {"type": "string", "description": "default: from the resource of that kind"},
    "name": {"type": "string"},
    "namespace": {"type": "string", "description": "namespaced kinds only; default 'default'"},
    "labels": {"type": "object", "additionalProperties": {"type": "string"}},
    "annotations": {"type": "object", "additionalProperties": {"type": "string"}},
}
_POD_FIELDS: dict[str, Any] = {
    "phase": {"enum": list(POD_PHASES), "default": "Running",
              "description": "lifecycle stage; status, conditions and container states follow it"},
    "image": {"type": "string", "default": "nginx"},
    "node": {"type": "string", "default": "minikube"},
    "host_ip": {"type": "string", "default": "192.168.49.2"},
    "ip": {"type": "string", "description": "pod IP; default derived from seed and name (10.244.0.x)"},
    "replicaset": {"type": "string", "description": "owning ReplicaSet: ownerReferences, generateName, "
                                                    "pod-template-hash label"},
    "port": {"type": "integer", "description": "containerPort of the single container"},
    "restarts": {"type": "integer", "minimum": 0, "default": 0},
}
_DEPLOYMENT_FIELDS: dict[str, Any] = {
    "replicas": {"type": "integer", "minimum": 0, "default": 1},
    "ready_replicas": {"type": "integer", "minimum": 0, "description": "default: replicas"},
    "image": {"type": "string", "default": "nginx"},
}

SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "watchproxy synth scenario",
    "type": "object",
    "required": ["resources"],
    "additionalProperties": False,
    "properties": {
        "name": {"type": "string", "description": "recorded in the header meta; default: file name stem"},
        "seed": {"type": "integer", "default": 0,
                 "description": "seeds the watch close times (random.Random(seed)) and generated ids"},
        "min_request_timeout": {"type": "number", "exclusiveMinimum": 0, "default": 1800,
                                "description": "a watch without timeoutSeconds closes at min*(1+U)"},
        "start_resource_version": {"type": "integer", "minimum": 1, "default": 1000,
                                   "description": "resourceVersion of the state at t=0"},
        "start_time": {"type": "string", "format": "date-time", "default": DEFAULT_START_TIME,
                       "description": "wall clock at t=0 (header, timestamps, Date headers)"},
        "server_version": {"type": "string", "default": RELEASE},
        "rv_churn_per_minute": {"type": "integer", "minimum": 0, "default": 0,
                                "description": "writes to unwatched resources per minute (leases...)"},
        "duration": {**_TIME, "description": "how long reconnecting watches keep reconnecting"},
        "discovery": {"type": "boolean", "default": True},
        "managed_fields": {"type": "boolean", "default": True},
        "headers": {**_HEADERS, "default": dict(DEFAULT_HEADERS)},
        "resources": {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/resource"}},
        "objects": {"type": "array", "items": {"$ref": "#/$defs/object"}, "default": []},
        "changes": {"type": "array", "items": {"$ref": "#/$defs/change"}, "default": []},
    },
    "$defs": {
        "time": _TIME,
        "headers": _HEADERS,
        "resource": {
            "type": "object", "required": ["path"], "additionalProperties": False,
            "properties": {
                "path": {"type": "string", "description": "collection path, e.g. /api/v1/namespaces/x/pods"},
                "kind": {"type": "string", "description": "required unless the resource is built in"},
                "api_version": {"type": "string", "description": "must agree with the path"},
                "namespaced": {"type": "boolean", "default": True, "description": "for custom kinds"},
                "list": {"oneOf": [{"type": "boolean"}, {"$ref": "#/$defs/list"},
                                   {"type": "array", "items": {"$ref": "#/$defs/list"}}], "default": False},
                "watches": {"type": "array", "items": {"$ref": "#/$defs/watch"},
                            "default": [{"query": "watch=true"}]},
            },
        },
        "watch": {
            "type": "object", "additionalProperties": False,
            "properties": {
                "at": {"$ref": "#/$defs/time", "default": 0},
                "query": {"type": "string", "default": "watch=true"},
                "headers": {"$ref": "#/$defs/headers"},
                "reconnect": {"type": "boolean", "default": False,
                              "description": "re-watch from the last resourceVersion after each close"},
            },
        },
        "list": {
            "type": "object", "additionalProperties": False,
            "properties": {
                "at": {"$ref": "#/$defs/time", "default": 0},
                "query": {"type": "string", "default": ""},
                "headers": {"$ref": "#/$defs/headers"},
            },
        },
        "object": {
            "type": "object", "required": ["kind"],
            "description": "a full object (has metadata) or the compact form: these fields; other kinds "
                           "copy any further field (spec, data, ...) as is",
            "properties": {**_META_FIELDS, **_POD_FIELDS, **_DEPLOYMENT_FIELDS,
                           "metadata": {"type": "object", "description": "present: a full object"},
                           "count": _COUNT},
        },
        "change": {
            "type": "object", "required": ["at"], "additionalProperties": False,
            "description": "exactly one of add, modify, delete",
            "properties": {
                "at": {"$ref": "#/$defs/time"},
                "add": {"$ref": "#/$defs/object"},
                "modify": {"$ref": "#/$defs/modify"},
                "delete": {"$ref": "#/$defs/delete"},
                "count": _COUNT,
                "every": {**_TIME, "description": "with count: the i-th copy happens at at + i*every"},
            },
        },
        "modify": {
            "type": "object", "required": ["kind", "name"], "additionalProperties": False,
            "properties": {
                **{k: _META_FIELDS[k] for k in ("kind", "api_version", "name", "namespace", "labels",
                                                 "annotations")},
                "patch": {"type": "object", "description": "JSON merge patch (RFC 7386)"},
                "phase": _POD_FIELDS["phase"],
            },
        },
        "delete": {
            "type": "object", "required": ["kind", "name"], "additionalProperties": False,
            "properties": {k: _META_FIELDS[k] for k in ("kind", "api_version", "name", "namespace")},
        },
    },
}

WATCH_PARAMS = frozenset({"watch", "resourceVersion", "resourceVersionMatch", "allowWatchBookmarks",
                           "sendInitialEvents", "timeoutSeconds", "timeout"})
LIST_PARAMS = frozenset({"watch", "resourceVersion", "resourceVersionMatch", "limit", "timeout"})
_COMPACT_COMMON = frozenset({"kind", "api_version", "name", "namespace", "labels", "annotations"})
COMPACT_BY_KIND = {"Pod": _COMPACT_COMMON | set(_POD_FIELDS),
                    "Deployment": _COMPACT_COMMON | set(_DEPLOYMENT_FIELDS)}
SPECIFIC_FIELDS = {**{k: "Pods" for k in _POD_FIELDS}, **{k: "Deployments" for k in _DEPLOYMENT_FIELDS}}
SPECIFIC_FIELDS["image"] = "Pods and Deployments"


def allowed_fields(section: str) -> tuple[str, ...]:
    """The field names SCHEMA allows in a section ("" for the top level), in documentation order."""
    node = SCHEMA if not section else SCHEMA["$defs"][section]
    return tuple(node["properties"])
