"""Look for fields emulate's validation or strategies leave unjudged: a valid object of each kind a random write
generator (tests/random_writes.py) creates, and every field of it, to the given depth of its protobuf schema
(proxy/wire/protobuf_schemas.json), set in turn to a bad value — a string "Bad_Value!" and "", an int -1, a map
with a bad key, an empty object, a list of one empty object, a time "bad"; with `--empty`, every list and map
empty instead (Go tells an empty one from none where it checks for nil); with `--forms`, a value in another
form Go reads (_FORMS); with `--odd`, every string "a<b\x01", which Go's field errors print as %q or, of a named
type (an enum's), as encoding/json does — and dry-run created on the real kube-apiserver and on emulate; every
answer that differs (code, reduced body, warnings) is printed. What was found this way and fixed is pinned in the
differential steps of tests/writes_differential.py.

    .venv/bin/python -m tests.scan_fields pod 2           # pod_ops' kinds, fields two objects deep
    .venv/bin/python -m tests.scan_fields job,cron_job 3
    .venv/bin/python -m tests.scan_fields pod 2 --update  # each base created, then each bad value a dry-run PUT
    .venv/bin/python -m tests.scan_fields pod 3 --empty   # each list and map sent empty
    .venv/bin/python -m tests.scan_fields pod 3 --status  # each base created, then each bad status a dry-run PUT
                                                          # to its /status (as a controller writes it)
    .venv/bin/python -m tests.scan_fields pod 3 --forms   # each time, integer and quantity in another form Go
                                                          # reads (--status too)
    .venv/bin/python -m tests.scan_fields pod 3 --odd     # each string "a<b\x01" (--status, --update too)
"""

from __future__ import annotations

import copy
import dataclasses
import json
import sys
from collections.abc import Iterator
from typing import Any

from tests import random_writes, rawhttp
from tests.procs import ROOT

SCHEMAS = json.loads((ROOT / "proxy" / "wire" / "protobuf_schemas.json").read_text())
_SKIPPED = {"metadata", "status", "apiVersion", "kind"}  # (metadata has its own tests; status is not created)


# --forms: values Go reads and writes back in its own form (a client's own time, Python's float for an integer)
_FORMS: dict[str, list[Any]] = {"time": ["2026-12-07T10:00:00.5+01:00", "0001-01-01T00:00:00Z"],
                                 "microtime": ["2026-12-07T10:00:00.123456+01:00"], "int": [2.0],
                                 "quantity": [1.5, 1e9], "intorstr": [80.0],
                                 "bytes": ["aGVs\nbG9=\n"]}  # (Python's base64.encodebytes breaks lines)
_ODD: dict[str, list[Any]] = {"string": ["a<b\x01"]}  # --odd: what encoding/json escapes and %q does not, or not alike


def mutations(obj: Any, message: str, depth: int, most: int, empty: bool = False,
              forms: dict[str, list[Any]] | None = None) -> Iterator[tuple[str, str, Any]]:
    """(the field's dotted path, the top field it lies in, that field's new value) for each bad value of each
    field `message` has, `most` objects deep; `empty`: each list and map empty instead; `forms`: instead, each
    value of a kind the table has (a map's too): _FORMS, _ODD."""
    for _, name, kind, flags in SCHEMAS["messages"].get(message, []):
        if not name:  # an embedded struct's fields sit in its place
            if isinstance(kind, str) and kind.startswith("."):
                yield from mutations(obj, kind[1:], depth, most, empty, forms)
            continue
        if depth == 0 and name in _SKIPPED:
            continue
        here = obj.get(name) if isinstance(obj, dict) else None
        if empty and ("r" in flags or isinstance(kind, list)):
            yield _leaf(name, [] if "r" in flags else {})
            if "r" in flags and isinstance(kind, str) and kind.startswith(".") and depth < most:
                yield from _in_first(name, kind[1:], here, depth, most, empty=True)
        elif empty and not (isinstance(kind, str) and kind.startswith(".")):
            continue
        elif forms:
            if not (isinstance(kind, str) and kind.startswith(".")):
                for value in forms.get(kind, []) if isinstance(kind, str) else []:
                    yield _leaf(name, [value] if "r" in flags else value)
                if isinstance(kind, list) and kind[0] == "map" and isinstance(kind[-1], str):
                    yield from (_leaf(name, {"k": value}) for value in forms.get(kind[-1], []))
            elif depth < most:
                yield from (_in_first if "r" in flags else _inside)(name, kind[1:], here, depth, most, forms=forms)
        elif "r" in flags:
            yield from _repeated(name, kind, here, depth, most)
        elif kind in ("time", "microtime"):
            yield _leaf(name, "bad")
        elif kind == "string":
            yield _leaf(name, "Bad_Value!")
            yield _leaf(name, "")
        elif kind == "int":
            yield _leaf(name, -1)
        elif kind in ("quantity", "intorstr"):
            yield _leaf(name, "-1")
        elif isinstance(kind, list) and kind[0] == "map":
            value = kind[2] if len(kind) > 2 else kind[1]
            yield _leaf(name, {"Bad Key!": "x" if value == "string" else {} if str(value).startswith(".") else "1"})
        elif isinstance(kind, str) and kind.startswith("."):
            if here is None:
                yield _leaf(name, {})
            if depth < most:
                yield from _inside(name, kind[1:], here, depth, most, empty=empty)


def _leaf(name: str, value: Any) -> tuple[str, str, Any]:
    return f"{name}={json.dumps(value)}", name, value


def _repeated(name: str, kind: Any, here: Any, depth: int, most: int) -> Iterator[tuple[str, str, Any]]:
    if kind == "string":
        yield _leaf(name, ["Bad_Value!"])
        yield _leaf(name, [""])
    elif kind == "int":
        yield _leaf(name, [-1])
    elif isinstance(kind, str) and kind.startswith("."):
        yield _leaf(name, [{}])
        if depth < most:
            yield from _in_first(name, kind[1:], here, depth, most)


def _in_first(name: str, message: str, here: Any, depth: int, most: int, empty: bool = False,
              forms: dict[str, list[Any]] | None = None) -> Iterator[tuple[str, str, Any]]:
    """Each mutation of the first item of a list of structs (an empty one where the list has none), the
    other items kept."""
    items = here if isinstance(here, list) else []
    first = items[0] if items and isinstance(items[0], dict) else {}
    for shown, field, value in mutations(first, message, depth + 1, most, empty, forms):
        yield f"{name}[0].{shown}", name, [{**copy.deepcopy(first), field: value}, *copy.deepcopy(items[1:])]


def _inside(name: str, message: str, here: Any, depth: int, most: int, empty: bool = False,
            forms: dict[str, list[Any]] | None = None) -> Iterator[tuple[str, str, Any]]:
    """Each mutation of a struct's fields (of an empty one where there is none)."""
    inner = here if isinstance(here, dict) else {}
    for shown, field, value in mutations(inner, message, depth + 1, most, empty, forms):
        yield f"{name}.{shown}", name, {**copy.deepcopy(inner), field: value}


def _bases(generate: Any, real: rawhttp.Server, ns: str) -> dict[tuple[str, str], random_writes.Op]:
    """The first create of each kind the generator makes that the real apiserver accepts (a dry run)."""
    found: dict[tuple[str, str], random_writes.Op] = {}
    for seed in range(1, 6):
        for op in generate(seed, 30):
            if op.method != "POST" or not isinstance(op.body, dict) or "kind" not in op.body:
                continue
            key = (op.collection, str(op.body["kind"]))
            dry = dataclasses.replace(op, query="dryRun=All", rv="")
            if key not in found and random_writes.run(real, ns, [dry], raw=True)[0][1] == 201:
                found[key] = op
    return found


def _status_message(message: str) -> str | None:
    """The message of a kind's status field, where it has one."""
    return next((kind[1:] for _, name, kind, _ in SCHEMAS["messages"].get(message, [])
                 if name == "status" and isinstance(kind, str) and kind.startswith(".")), None)


def main(generators: list[str], most: int, update: bool = False, empty: bool = False, status: bool = False,
         forms: dict[str, list[Any]] | None = None) -> int:
    ns, differing = "fields", 0
    with rawhttp.scanned(ns) as (real, emulated):
        for name in generators:
            for (_, kind), op in _bases(getattr(random_writes, f"{name}_ops"), real, ns).items():
                if (message := SCHEMAS["kinds"].get(f"{op.body.get('apiVersion', 'v1')}/{kind}")) is None:
                    continue
                write, update = op, update or status
                status_message = _status_message(message) if status else None
                if status and status_message is None:
                    continue
                if update and not (op.body.get("metadata") or {}).get("name"):
                    print(f"== {kind}: not updated (made without a name)", flush=True)
                    continue
                if update:  # (the object made on both, then each bad value an unconditional update of it)
                    made = [random_writes.run(server, ns, [dataclasses.replace(op, query="", rv="")])[0][1]
                            for server in (real, emulated)]
                    if made != [201, 201]:
                        print(f"== {kind}: not made ({made})", flush=True)
                        continue
                    write = random_writes.Op("PUT", f"{op.path}/{op.body['metadata']['name']}"
                                                    f"{'/status' if status else ''}", body=op.body)
                tried = differ = 0
                changed = mutations({}, status_message, 1, most, empty, forms) if status_message is not None else \
                    mutations(op.body, message, 0, most, empty, forms)
                for shown, field, value in changed:
                    body = {**op.body, "status": {field: value}} if status else {**op.body, field: value}
                    dry = dataclasses.replace(write, query="dryRun=All", rv="", body=body)
                    answers = [random_writes.run(server, ns, [dry])[0] for server in (real, emulated)]
                    tried += 1
                    if answers[0][1:] != answers[1][1:]:
                        differ += 1
                        print(f"{kind} {shown}\n"
                              f"    real: {answers[0][1]} {json.dumps(answers[0][2])[:1500]} {answers[0][3]}\n"
                              f"    emulated: {answers[1][1]} {json.dumps(answers[1][2])[:1500]} {answers[1][3]}",
                              flush=True)
                differing += differ
                print(f"== {kind}: {tried} fields set, {differ} answers differ", flush=True)
    return 1 if differing else 0


if __name__ == "__main__":
    arguments = [a for a in sys.argv[1:] if a not in ("--update", "--empty", "--status", "--forms", "--odd")]
    table = _FORMS if "--forms" in sys.argv else _ODD if "--odd" in sys.argv else None
    sys.exit(main(arguments[0].split(","), int(arguments[1]) if len(arguments) > 1 else 2, "--update" in sys.argv,
                  "--empty" in sys.argv, "--status" in sys.argv, table))
