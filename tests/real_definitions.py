"""Real-world CustomResourceDefinitions against both servers: the Gateway API's, Calico's, the volume
snapshots' and others that the Kubernetes modules the real apiserver is built from carry as YAML (found in Go's
module cache through tests/peers/realkube's go.mod, so nothing here names a machine's path). Each is installed
on both, then custom resources drawn from its schema at random (valid, or wrong in a few places) are created on
both, each then changed by a merge patch and by an apply, and the answers compared, managedFields included (a
422's causes as a set: Go walks a schema's properties in map order).

    .venv/bin/python -m tests.real_definitions 1 10            # seed 1, ten objects per definition
    .venv/bin/python -m tests.real_definitions 1 10 gateway    # only the definitions whose names hold it
"""

from __future__ import annotations

import json
import random
import string
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from tests import random_writes, rawhttp
from tests.workload import until

_PEER = Path(__file__).parent / "peers" / "realkube"
_MODULES = ("k8s.io/apiextensions-apiserver", "k8s.io/kubernetes")
CRDS = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions"
Server = tuple[str, str]


def definitions(contains: str = "") -> list[dict[str, Any]]:
    """Every apiextensions.k8s.io/v1 definition in the modules' YAML files, once per name, in file order (the
    apiextensions testdata fixture, which sets every field to a placeholder, left out)."""
    dirs = subprocess.run(["go", "list", "-m", "-f", "{{.Dir}}", *_MODULES], cwd=_PEER, check=True,
                          capture_output=True, text=True).stdout.split()
    found: dict[str, dict[str, Any]] = {}
    for path in sorted(p for d in dirs for p in Path(d).rglob("*.yaml") if "testdata/HEAD" not in str(p)):
        text = path.read_text(errors="replace")
        if "kind: CustomResourceDefinition" not in text:
            continue
        try:
            docs = list(yaml.safe_load_all(text))
        except yaml.YAMLError:
            continue
        for doc in docs:
            if isinstance(doc, dict) and (doc.get("apiVersion"), doc.get("kind")) == (
                    "apiextensions.k8s.io/v1", "CustomResourceDefinition") and contains in doc["metadata"]["name"]:
                found.setdefault(doc["metadata"]["name"], doc)
    return list(found.values())


_WORDS = ("a", "web", "x-1", "Abc", "", "10.0.0.1", "example.com", "/path", "http://x", "1m", "5s", "v1", "*",
          "a.b", "0", "-1", "1.5")


def instance(s: Any, r: random.Random, depth: int = 0) -> Any:
    """A value drawn from a schema: mostly what it asks for (its enum, bounds, required fields, some of the
    rest), sometimes a value of another type or past a bound."""
    if not isinstance(s, dict):
        return None
    if r.random() < 0.04:
        return r.choice([None, "str", 3, 1.5, True, [], {}])
    if s.get("enum") and r.random() < 0.8:
        return r.choice(s["enum"])
    kind = s.get("type")
    if s.get("x-kubernetes-int-or-string"):
        return r.choice([80, "http", "50%", -1])
    if kind == "string":
        if s.get("format") == "date-time":
            return r.choice(["2024-01-01T00:00:00Z", "bad"])
        return r.choice([*_WORDS, "".join(r.choice(string.ascii_lowercase) for _ in range(r.randint(1, 70)))])
    if kind == "integer":
        low, high = s.get("minimum", -5), s.get("maximum", 100)
        return r.choice([low, high, r.randint(int(low) - 1, int(min(high, low + 100)) + 1), 0])
    if kind == "number":
        return r.choice([0.5, 1, -1, 100.25])
    if kind == "boolean":
        return r.random() < 0.5
    if kind == "array":
        most = s.get("maxItems", 99)
        count = r.choice([0, 1, 1, 2, 3, most + 1 if most < 20 else 2]) if depth <= 6 else 0
        return [instance(s.get("items"), r, depth + 1) for _ in range(count)]
    if kind == "object" or s.get("properties"):
        return _object(s, r, depth) if depth <= 6 else {}
    return r.choice(["x", 1, {"a": 1}])


def _object(s: dict[str, Any], r: random.Random, depth: int) -> dict[str, Any]:
    out: dict[str, Any] = {}
    needed = set(s.get("required") or ())
    for key, child in (s.get("properties") or {}).items():
        if key not in ("metadata", "apiVersion", "kind") and ((key in needed and r.random() < 0.9)
                                                              or r.random() < 0.35):
            out[key] = instance(child, r, depth + 1)
    extra = s.get("additionalProperties")
    if isinstance(extra, dict) and r.random() < 0.5:
        out[r.choice(["k", "app", "x.y/z"])] = instance(extra, r, depth + 1)
    return out


def _reduced(doc: Any) -> str:
    out = random_writes.reduce(doc)
    if isinstance(out, dict) and out.get("kind") == "Status" and (out.get("details") or {}).get("causes"):
        out["details"]["causes"] = sorted(out["details"]["causes"], key=json.dumps)
        out.pop("message", None)  # (lists the causes in Go's order)
    if isinstance(out, dict) and str(out.get("message")).startswith("failed to create typed patch object"):
        first, *errors = str(out["message"]).split("\n")  # (as structured-merge-diff walks a map: Go's order)
        out["message"] = "\n".join([first, *sorted(errors)])
    return json.dumps(out, sort_keys=True)


def _differ(answers: list[tuple[int, Any, list[str]]]) -> bool:
    (code, doc, warned), (code2, doc2, warned2) = answers
    return code != code2 or warned != warned2 or _reduced(doc) != _reduced(doc2) \
        or random_writes.managed_fields(doc) != random_writes.managed_fields(doc2)


def _change(s: dict[str, Any], r: random.Random) -> dict[str, Any] | None:
    """A merge patch giving one field of the spec a new value drawn from its schema (null at times)."""
    spec = (s.get("properties") or {}).get("spec") or {}
    fields = sorted(spec.get("properties") or {})
    if not fields:
        return None
    name = r.choice(fields)
    return {"spec": {name: None if r.random() < 0.1 else instance(spec["properties"][name], r)}}


def compare(servers: tuple[Server, Server], crds: list[dict[str, Any]], seed: int, count: int,
            ns: str) -> Iterator[tuple[str, Any, Any]]:
    """Install each definition on both servers, create `count` objects of it on both (and change one field of
    each created by a merge patch, then by another manager's apply), and yield what was sent and the two
    answers wherever they differ, managedFields included (the definition's own answer first)."""
    r = random.Random(seed)
    for crd in crds:
        installed = [rawhttp.call(*s, "POST", CRDS, json.dumps(crd).encode()) for s in servers]
        if installed[0][0] != installed[1][0] or _reduced(installed[0][1]) != _reduced(installed[1][1]):
            yield crd["metadata"]["name"], installed[0], installed[1]
            continue
        spec = crd["spec"]
        version = next(v for v in spec["versions"] if v.get("storage"))
        path = (f"/apis/{spec['group']}/{version['name']}" + (f"/namespaces/{ns}" if spec["scope"] == "Namespaced"
                                                               else "") + f"/{spec['names']['plural']}")
        for server in servers:
            until(lambda server=server, path=path: rawhttp.call(*server, "GET", path)[0] == 200, 30, path)
        for i in range(count):
            body = instance(version["schema"]["openAPIV3Schema"], r)
            body = {**(body if isinstance(body, dict) else {}), "apiVersion": f"{spec['group']}/{version['name']}",
                    "kind": spec["names"]["kind"], "metadata": {"name": f"o{i}"}}
            answers = [rawhttp.call(*s, "POST", path, json.dumps(body).encode()) for s in servers]
            if _differ(answers):
                yield f"{crd['metadata']['name']} {json.dumps(body)}", answers[0], answers[1]
            elif answers[0][0] == 201 and (change := _change(version["schema"]["openAPIV3Schema"], r)):
                applied = {k: body[k] for k in ("apiVersion", "kind", "metadata")} | change
                for how, sent, query in (("merge", change, ""), ("apply", applied, "?fieldManager=applier")):
                    kind = "application/merge-patch+json" if how == "merge" else "application/apply-patch+yaml"
                    patched = [rawhttp.call(*s, "PATCH", f"{path}/o{i}{query}", json.dumps(sent).encode(), kind)
                               for s in servers]
                    if _differ(patched):
                        yield f"{crd['metadata']['name']} {json.dumps(body)} then {how} {json.dumps(sent)}", *patched
            for server in servers:
                rawhttp.call(*server, "DELETE", f"{path}/o{i}")


def main(seed: int, count: int, contains: str = "") -> int:
    crds = definitions(contains)
    ns, differing = "real-definitions", 0
    with rawhttp.scanned(ns) as servers:
        for what, r, e in compare(servers, crds, seed, count, ns):
            differing += 1
            print(f"{what[:600]}\n  real: {r[0]} {_reduced(r[1])[:1500]} {r[2]}\n"
                  f"  emulated: {e[0]} {_reduced(e[1])[:1500]} {e[2]}", flush=True)
    print(f"{len(crds)} definitions, {count} objects each: {differing} answers differ")
    return 1 if differing else 0


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]), int(sys.argv[2]), *sys.argv[3:4]))
