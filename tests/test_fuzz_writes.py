"""Writes whose bodies are valid ones bent out of shape (a value replaced by one of another JSON type,
a field dropped, deep inside), of every kind the write differentials cover, custom resources and their
definitions included: emulate answers each with the apiserver's refusal or applies it, never with an
internal error. (Found by this: a spec that was a list, a name that was a dict, a merge key that was an
object, each a 500 before.)"""

from __future__ import annotations

import copy
import json
import random
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from kubernetes import config
from watchproxy.testing import Replay

from tests import crds_differential as cd
from tests import random_writes
from tests import writes_differential as wd
from tests.memory import RecordingBuilder

FUZZ = settings(max_examples=300, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
GROUP = "fuzz.example.com"
TYPES = (("POST", "application/json"), ("PUT", "application/json"), ("PATCH", wd.MERGE), ("PATCH", wd.SMP),
         ("PATCH", wd.APPLY))


def _seeds(ns: str) -> list[wd.Step]:
    every = (*wd.steps(ns), *cd.steps(GROUP, ns))
    return [s for s in every if s.method in ("POST", "PUT") and isinstance(s.body, dict) and "/status" not in s.path
            and isinstance(s.body.get("metadata", {}), dict)]  # (valid bodies: the steps' bent ones left out)


@pytest.fixture(scope="module")
def replay(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Replay]:
    b = RecordingBuilder(tmp_path_factory.mktemp("fuzz") / "empty.msgpack")
    b.list(0.0, 100, [], path="/api/v1/namespaces/default/configmaps", kind="ConfigMapList")
    with Replay(b.write(), mode="emulate") as r:
        api = config.new_client_from_config(config_file=r.kubeconfig)
        wd._call(api, wd.Step("", "POST", cd.CRDS), cd._crd(GROUP, "widgets", "Widget"))  # its resources too
        yield r


@FUZZ
@given(st.integers(min_value=0, max_value=10_000), st.randoms(use_true_random=False))
def test_bent_bodies_never_make_an_internal_error(replay: Replay, pick: int, rnd: random.Random) -> None:
    api = config.new_client_from_config(config_file=replay.kubeconfig)
    seeds = _seeds("default")
    seed = seeds[pick % len(seeds)]
    body = copy.deepcopy(seed.body)
    for _ in range(rnd.randint(1, 4)):
        random_writes.mutate(body, rnd)
    method, content_type = rnd.choice(TYPES)
    name = (seed.body.get("metadata") or {}).get("name")
    path = seed.path if method == "POST" or seed.method == "PUT" else f"{seed.path}/{name}"
    if method != "POST" and seed.method == "POST" and not name:
        return
    wd._call(api, wd.Step("", "POST" if seed.method == "POST" else "PUT", seed.path), seed.body)  # it exists
    code, doc = wd._call(api, wd.Step("", method, path, content_type=content_type,
                                      query="fieldManager=fuzz" if content_type == wd.APPLY else ""), body)
    assert _not_internal(code, doc), f"{method} {path} ({content_type}): {code} {doc}\n{json.dumps(body)[:600]}"


# the 500s the real apiserver answers itself, in its words: an applied configuration's (typedpatch.py), the storage's
# refusal of a create that names a resourceVersion and its reading of one that is no number, a custom resource
# patched out of its apiVersion, a strategic merge patch's keyed list of items without their key or not all maps
_MODELLED_500S = ("failed to create typed patch object", "failed to convert new object",
                  "resourceVersion should not be set on objects to be created", "strconv.ParseUint: parsing ",
                  "Internal error occurred: Object 'apiVersion' is missing", "list element types are not identical",
                  "map: ")


def _not_internal(code: int, doc: Any) -> bool:
    """The answer is no 500 but one of those the apiserver gives itself, and none is watchproxy's own."""
    return "internal error" not in json.dumps(doc) and (code < 500 or (
        code == 500 and isinstance(doc, dict) and str(doc.get("message")).startswith(_MODELLED_500S)))


def test_the_seeds_cover_builtin_and_custom_kinds() -> None:
    paths = {s.path.split("/namespaces/")[0] for s in _seeds("default")}
    wanted = {"/api/v1", "/apis/apps/v1", f"/apis/{GROUP}/v1", cd.CRDS}
    assert wanted <= paths | {p.rsplit("/", 1)[0] for p in paths}


_POINTERS = ("/spec", "/spec/replicas", "/metadata/labels/a", "/status", "/metadata/finalizers/-", "/data/a",
             "/spec/template/spec/containers/0/image", "/x/y", "", "/metadata/name", "/spec/ports/5")


@FUZZ
@given(st.integers(min_value=0, max_value=10_000), st.randoms(use_true_random=False))
def test_patches_of_objects_and_subresources_never_make_an_internal_error(replay: Replay, pick: int,
                                                                           rnd: random.Random) -> None:
    """JSON patches of every operation, and merge and strategic merge patches of odd shapes, to objects and
    to their status and scale subresources."""
    api = config.new_client_from_config(config_file=replay.kubeconfig)
    seeds = [s for s in _seeds("default") if s.method == "POST" and (s.body.get("metadata") or {}).get("name")]
    seed = seeds[pick % len(seeds)]
    wd._call(api, wd.Step("", "POST", seed.path), seed.body)
    target = f"{seed.path}/{seed.body['metadata']['name']}{rnd.choice(['', '', '/status', '/scale'])}"
    if rnd.random() < 0.5:
        ops: list[Any] = []
        for _ in range(rnd.randint(1, 3)):
            op: Any = {"op": rnd.choice(["add", "replace", "remove", "test", "move", "copy", "bogus"]),
                       "path": rnd.choice(_POINTERS), "value": copy.deepcopy(rnd.choice(random_writes.JUNK)),
                       "from": rnd.choice(["/spec", "/metadata/labels", "/nope"])}
            ops.append(op if rnd.random() < 0.9 else copy.deepcopy(rnd.choice(random_writes.JUNK)))
        body: Any = ops
        content_type = wd.JSONP
    else:
        junk = random_writes.JUNK
        body = copy.deepcopy(rnd.choice([rnd.choice(junk), {"spec": rnd.choice(junk)}, {"status": rnd.choice(junk)},
                                         {"metadata": {"labels": rnd.choice(junk)}},
                                         {"spec": {"replicas": rnd.choice(junk)}}]))
        content_type = rnd.choice([wd.MERGE, wd.SMP])
    code, doc = wd._call(api, wd.Step("", "PATCH", target, content_type=content_type), body)
    assert _not_internal(code, doc), f"PATCH {target} ({content_type}): {code} {doc}\n{json.dumps(body)[:600]}"


_POD = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "bent"},
        "spec": {"containers": [{"name": "c", "image": "nginx", "resources": {"requests": {"cpu": "100m"}}}]}}
# the writes to a pod's and a service account's subresources: each a valid body, bent
_SUBRESOURCE_WRITES: list[tuple[str, str, str, dict[str, Any]]] = [
    ("POST", "pods/bent/binding", "application/json",
     {"apiVersion": "v1", "kind": "Binding", "metadata": {"name": "bent"}, "target": {"kind": "Node", "name": "n1"}}),
    ("POST", "serviceaccounts/bent/token", "application/json",
     {"apiVersion": "authentication.k8s.io/v1", "kind": "TokenRequest",
      "spec": {"audiences": ["a"], "expirationSeconds": 600, "boundObjectRef": {"kind": "Pod", "name": "bent"}}}),
    ("PUT", "pods/bent/resize", "application/json", _POD),
    ("PATCH", "pods/bent/resize", wd.SMP, {"spec": {"containers": [{"name": "c", "resources": {"requests": {
        "cpu": "200m"}}}]}}),
    ("PATCH", "pods/bent/ephemeralcontainers", wd.SMP,
     {"spec": {"ephemeralContainers": [{"name": "d", "image": "busybox", "targetContainerName": "c"}]}}),
]


@FUZZ
@given(st.integers(min_value=0, max_value=10_000), st.randoms(use_true_random=False))
def test_bent_subresource_writes_never_make_an_internal_error(replay: Replay, pick: int, rnd: random.Random) -> None:
    """A binding, a token request, a resize and a debug container with bodies bent: refused or applied as the
    apiserver would, never watchproxy's internal error (a binding's invalid target is the registry's own 500)."""
    api = config.new_client_from_config(config_file=replay.kubeconfig)
    wd._call(api, wd.Step("", "POST", "/api/v1/namespaces/default/pods"), _POD)  # (AlreadyExists after the first)
    wd._call(api, wd.Step("", "POST", "/api/v1/namespaces/default/serviceaccounts"), {"metadata": {"name": "bent"}})
    method, path, content_type, valid = _SUBRESOURCE_WRITES[pick % len(_SUBRESOURCE_WRITES)]
    body = copy.deepcopy(valid)
    for _ in range(rnd.randint(1, 4)):
        random_writes.mutate(body, rnd)
    code, doc = wd._call(api, wd.Step("", method, f"/api/v1/namespaces/default/{path}", content_type=content_type),
                         body)
    assert _not_internal(code, doc) or ("internal error" not in json.dumps(doc) and path.endswith("/binding")), \
        f"{method} {path}: {code} {doc}\n{json.dumps(body)[:600]}"
