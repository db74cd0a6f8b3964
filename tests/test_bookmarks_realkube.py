"""The bookmark object of each kind (apiserver/encode.py) is the one the real kube-apiserver sends."""

from __future__ import annotations

import json

import pytest
from kubernetes import config
from watchproxy.apiserver import encode
from watchproxy.wire.kinds import BUILTIN

from tests.realkube import RealKube

# every built-in kind a replay serves without having recorded it
KINDS = [(("/apis/" + rt.group if rt.group else "/api") + f"/{rt.version}/{rt.plural}", rt.kind) for rt in BUILTIN
         if "watch" in rt.verbs]


@pytest.mark.parametrize(("path", "kind"), KINDS, ids=[p.rsplit("/", 2)[-2] + "/" + k for p, k in KINDS])
def test_initial_events_end_bookmark(realkube: RealKube, path: str, kind: str) -> None:
    api = config.new_client_from_config(config_file=str(realkube.admin_kubeconfig))
    url = f"{api.configuration.host}{path}?watch=1&sendInitialEvents=true&resourceVersionMatch=NotOlderThan" \
          "&allowWatchBookmarks=true&timeoutSeconds=1"
    resp = api.rest_client.request("GET", url, headers={"Accept": "application/json"})
    bookmarks = [e["object"] for e in map(json.loads, resp.read().splitlines()) if e["type"] == "BOOKMARK"]
    assert bookmarks, "no initial-events-end bookmark"
    got = bookmarks[0]
    api_version = got["apiVersion"]
    rv = int(got["metadata"]["resourceVersion"])
    assert got == encode.bookmark(kind, api_version, rv, initial_events_end=True)
