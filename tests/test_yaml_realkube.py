"""YAML answers against the reference: the same requests with the Accept headers that negotiate YAML, to the
real kube-apiserver and to emulate, get the same codes, Content-Types and objects (a watch is a 406: there is
no YAML stream); and every YAML body the real apiserver wrote is, byte for byte, what proxy/wire/goyaml.py
makes of its JSON — strings chosen to fall on each of go-yaml's quoting rules included."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable
from pathlib import Path

from watchproxy.testing import Replay
from watchproxy.wire import goyaml

from tests import rawhttp
from tests.realkube import RealKube

YAML = "application/yaml"
# what differs between two servers, in JSON (`"uid":"…"`) and in YAML (`uid: …`)
_VOLATILE = re.compile(rb'(uid|resourceVersion|creationTimestamp|deletionTimestamp|time)"?: ?"?[^",\n}]*"?')
# go-yaml's cases: what reads back as another type (YAML 1.1 booleans, numbers in every base, timestamps,
# base-60 floats, null), what its emitter cannot write plain, line breaks, characters beyond the BMP,
# and a long line it folds
TRICKY = ["", " ", "a b", " lead", "trail ", "123", "0123", "08", "0x1F", "0o17", "0b101", "1_000", "1e3", "1.5", ".5",
          ".inf", "-.inf", "+1", "-1", "1:20", "1:70", "y", "Y", "n", "yes", "No", "on", "OFF", "true", "False",
          "null", "~", "<<", "=", "2026-12-05", "2026-12-05T10:00:00Z", "2026-13-05", "2026-02-30", "2026-1-5 1:2:3",
          "a: b", "a:b", "a #b", "#c", "- x", "-x", "? q", "[a]", "{a}", "a,b", "*ref", "&anc", "!tag", "%p", "@at",
          "'sq'", '"dq"', "it's", "a\nb", "a\nb\n", "a\n\nb\n", "trailing\n\n", "ünïcödé", "emoji 😀", "tab\tx",
          "back\\slash", "x" * 100, " ".join(["word"] * 30), "|", ">", "NaN", "Infinity", "12:30:45", "1.", "0.0.1"]
KEYS = ["a", "a10", "a2", "a02", "a1", "b", "B", "_x", "1", "10", "2", "x-1", "x_1", "x.1", "Z", "aa", "a-b", "a0",
        "a00", "a01", "k8s", "k9s", "k10s", "y", "on", "z"]


def _json_beside_yaml(server: tuple[str, str], method: str, path: str, accept: str) -> tuple[int, bytes, bytes]:
    """The real apiserver's JSON answer and its YAML answer of one state: a list's resourceVersion is the
    cluster's, which the other tests' writes move, so the YAML is asked between two JSON answers until those
    agree (the JSON's code, the JSON, the YAML)."""
    as_json = accept.replace(YAML, "application/json")
    for _ in range(10):
        code, _, before = rawhttp.send(*server, method, path, None, {"Accept": as_json})
        _, _, yaml = rawhttp.send(*server, method, path, None, {"Accept": accept})
        _, _, after = rawhttp.send(*server, method, path, None, {"Accept": as_json})
        if before == after:
            break
    return code, after, yaml


def test_yaml_answers_are_the_real_apiservers(realkube: RealKube, watchproxy: Callable[..., Replay],
                                              tmp_path: Path) -> None:
    ns = f"yaml-{uuid.uuid4().hex[:8]}"
    cms, pods = f"/api/v1/namespaces/{ns}/configmaps", f"/api/v1/namespaces/{ns}/pods"
    cm = {"metadata": {"name": "tricky", "labels": {k: "v" for k in KEYS if k != "_x"},
                       "annotations": {f"k{i}": v for i, v in enumerate(TRICKY)}},
          "data": {k: TRICKY[i * 7 % len(TRICKY)] for i, k in enumerate(KEYS)}}
    pod = {"metadata": {"name": "p"}, "spec": {"containers": [{"name": "c", "image": "x", "args": TRICKY[:40]}]}}
    requests: list[tuple[str, str, str]] = [("GET", "/version", YAML), ("GET", "/apis", YAML)]
    for accept in (YAML, f"{YAML}, application/json", f"application/json;as=Table;v=v1;g=meta.k8s.io, {YAML}",
                   f"{YAML};as=Table;v=v1;g=meta.k8s.io", f"{YAML};as=PartialObjectMetadataList;v=v1;g=meta.k8s.io"):
        requests += [("GET", f"{cms}/tricky", accept), ("GET", cms, accept), ("GET", f"{pods}/p", accept),
                     ("GET", f"{cms}?watch=1&timeoutSeconds=1", accept), ("GET", f"{cms}/nope", accept),
                     ("GET", f"{cms}?limit=x", accept), ("GET", "/api/v1", accept), ("GET", "/apis/apps/v1", accept)]
    real, replay = rawhttp.reference_and_replay(realkube, watchproxy, tmp_path, ns)
    answers = []
    for server, on in ((real, None), ((replay.url, ""), replay)):
        assert rawhttp.call(*server, "POST", cms, json.dumps(cm).encode())[0] == 201
        assert rawhttp.call(*server, "POST", pods, json.dumps(pod).encode())[0] == 201
        got = []
        for method, path, accept in requests:
            code, headers, body = rawhttp.send_ending_watches(server, on, method, path, None, {"Accept": accept})
            ctype = headers.get("Content-Type", "")
            if on is None and ctype == YAML and "watch=1" not in path and "as=Table" not in accept:
                # the real bytes, made from its JSON (asked again: not for a Table, whose ages may have moved)
                same, as_json, as_yaml = _json_beside_yaml(server, method, path, accept)
                assert same != code or goyaml.dumps(json.loads(as_json)) == as_yaml, (path, accept)
            volatile = code == 200 and ("as=Table" in accept or path in ("/version", "/apis"))  # (ages, groups)
            shown = b"" if volatile else _VOLATILE.sub(rb"\1: X", body)
            got.append((method, path, accept, code, ctype, shown))
        answers.append(got)
    real_answers, emulated_answers = answers
    assert sum(ctype == YAML for *_, ctype, _ in real_answers) >= 20
    assert emulated_answers == real_answers
