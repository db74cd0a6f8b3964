"""A faithful stand-in kube-apiserver for watchproxy's test-suite.

Watch-proxy tests need an upstream that behaves like a real apiserver on the wire (chunked JSON-line
watches, 410 as an ERROR event, bookmarks, randomized timeout close, Tables for kubectl, discovery,
TLS and tokens) and that test code can drive and break on purpose. See ``server.FakeApiserver``.
"""

from .encoding import go_json, go_json_line, status_object
from .objects import (
    INITIAL_EVENTS_END_ANNOTATION,
    RESOURCES,
    ResourceType,
    bookmark_object,
    make_configmap,
    make_deployment,
    make_namespace,
    make_pod,
    make_secret,
    resource_for,
)
from .server import FakeApiserver, RecordedRequest, WatchSession, build_kubeconfig, negotiate, parse_bool
from .state import Expired, Revision, Store

__all__ = [
    "INITIAL_EVENTS_END_ANNOTATION",
    "RESOURCES",
    "Expired",
    "FakeApiserver",
    "RecordedRequest",
    "ResourceType",
    "Revision",
    "Store",
    "WatchSession",
    "bookmark_object",
    "build_kubeconfig",
    "go_json",
    "go_json_line",
    "make_configmap",
    "make_deployment",
    "make_namespace",
    "make_pod",
    "make_secret",
    "negotiate",
    "parse_bool",
    "resource_for",
    "status_object",
]
