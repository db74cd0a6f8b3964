"""Request bodies read as Go's encoding/json reads them (proxy/apiserver/gojson.py) and answered in the
apiserver's words when it cannot (bodies.py): Go's own verdict on thousands of bent bodies (the Go peer's
`jsonerrors`), and a matrix of bad bodies sent to the real kube-apiserver and to a replay, verb by verb."""

from __future__ import annotations

import base64
import json
import random
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from watchproxy.apiserver import bodies, fieldvalidation, gojson, goorder, gorepeats
from watchproxy.testing import Replay
from watchproxy.wire import gostrings, goyaml
from watchproxy.wire.gostrings import quote_byte

from tests import rawhttp
from tests.realkube import RealKube

_DOC = (b'{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a","labels":{"x":"y"}},'
        b'"data":{"k":"v\\n\\u00e9\\ud83d\\ude00"},"n":[1,-2.5e3,0.5E+2,true,false,null,{}],"e":[]}')
_BENT = b'{}[]",:-+.eE0123456789tfnul\\ \t\n\x00\x7f\xff\xc3aN'


def _bent(rng: random.Random) -> bytes:
    """A JSON document with one to three bytes deleted, inserted or cut off."""
    b = bytearray(_DOC)
    for _ in range(rng.randint(1, 3)):
        i = rng.randrange(len(b) + 1)
        op = rng.randrange(3)
        if op == 0 and b:
            del b[min(i, len(b) - 1)]
        elif op == 1:
            b.insert(i, rng.choice(_BENT))
        else:
            del b[i:]
    return bytes(b)


_CASES = [b"", b"  ", b"null", b"12", b'"s"', b"[1,2]", b'{"a":NaN}', b'{"a":-Infinity}', b'{"a":1e999}',
          b'{"a":01}', b'{"a":tru}', b"tru", b"-", b"1.", b"1e+", b'"\\u12', b'"\\', b'"\\x"', b"{'a':1}",
          b'{"a":1,}', b'[1,]', b'{"a":"\n"}', b"\xef\xbb\xbf{}", b"\x00", b'{"a":"\xff"}', b'{"a":1} x',
          b"[" * 10001 + b"]" * 10001, b'{"a":\\}', b'{"a":\xc3\xa9}', b'{"a":1 "b":2}', b'{1:2}']


def _go_verdicts(goclients: Path, cases: list[bytes]) -> list[str]:
    lines = "\n".join(base64.b64encode(c).decode() for c in cases) + "\n"
    done = subprocess.run([str(goclients), "jsonerrors"], input=lines, capture_output=True, text=True,
                          timeout=120, check=True)
    return done.stdout.splitlines()


def _verdict(data: bytes) -> str:
    try:
        got = gojson.loads(data)
    except gojson.GoSyntaxError as exc:
        return str(exc)
    # into interface{} (what the Go peer decodes into) a number beyond float64 is a type error
    return f"json: cannot unmarshal number {got.overflow} into Go value of type float64" if got.overflow else "ok"


def test_every_bent_body_gets_encoding_jsons_verdict_word_for_word(goclients: Path) -> None:
    rng = random.Random(13)
    cases = _CASES + [_bent(rng) for _ in range(3000)]
    go = _go_verdicts(goclients, cases)
    assert len(go) == len(cases)
    differ = [(c[:60], g, _verdict(c)) for c, g in zip(cases, go, strict=True) if _verdict(c) != g]
    assert not differ, differ[:10]
    assert sum(g != "ok" for g in go) > 2000  # most bent bodies are refused: the comparison is not vacuous


def _pod(rng: random.Random) -> dict[str, Any]:
    """A pod whose fields hold a struct, a pointer to one, a map, a map of quantities, lists of structs and of
    varying length, times, scalars."""
    def some(*values: Any) -> Any:
        return rng.choice(values)
    container = {"name": some("a", "b"), "image": some("i", "j"), "ports": [{"containerPort": some(80, 81)}],
                 "resources": {some("limits", "requests"): {some("cpu", "memory"): some("1", "2Gi")}},
                 "env": [{"name": "E", "value": some("1", "2")}], "securityContext": {"privileged": some(True, False)}}
    return {"apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": some("p", "q"), "labels": {some("a", "b"): some("1", "2")},
                         "annotations": {"n": some("x", "y")}},
            "spec": {"containers": [container], "nodeSelector": {some("x", "y"): "1"},
                     "securityContext": {some("runAsUser", "runAsGroup"): some(1, 2)},
                     "terminationGracePeriodSeconds": some(5, 6), "hostname": some("h", "k"),
                     "affinity": {"nodeAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [
                         {"weight": some(1, 2), "preference": {}}]}},
                     "tolerations": [{"key": some("k", "l")}, {"key": "m", "effect": some("NoSchedule", "NoExecute")}][
                         :some(1, 2)],
                     "volumes": [{"name": "v", some("emptyDir", "secret"): {}}],
                     "readinessGates": [{"conditionType": "r"}] if some(True, False) else []},
            "status": {"startTime": some("2026-01-01T00:00:00Z", "2026-01-02T00:00:00+01:00"), "conditions": [
                {"type": "Ready", "status": some("True", "False"), "lastTransitionTime": "2026-01-01T00:00:00Z"}]}}


def _repeating(value: Any, other: Any, rng: random.Random) -> str:
    """`value` as JSON text, each object's keys sometimes repeated with `other`'s value there (or null), before
    or after their own, at any depth, and now and then a key its type does not have."""
    if isinstance(value, list):
        return "[" + ",".join(_repeating(v, other[0] if isinstance(other, list) and other else None, rng)
                              for v in value) + "]"
    if not isinstance(value, dict):
        return json.dumps(value)
    members = []
    for key, inner in value.items():
        theirs = other.get(key) if isinstance(other, dict) else None
        members.append(f"{json.dumps(key)}:{_repeating(inner, theirs, rng)}")
        if rng.random() < 0.3:
            repeat = f"{json.dumps(key)}:{_repeating(theirs, inner, rng) if rng.random() < 0.85 else 'null'}"
            members.insert(len(members) - rng.randint(0, 1), repeat)
    if rng.random() < 0.05:
        members.insert(rng.randint(0, len(members)), '"bogus":"1"')
    return "{" + ",".join(members) + "}"


def test_a_repeated_key_is_decoded_into_a_built_in_type_as_the_apiserver_decodes_it(goclients: Path) -> None:
    """Go decodes a repeated key's later value into the field as the earlier left it (gorepeats.py), and its
    strict decoding reports each repeat and unknown field where it meets them (fieldvalidation.py): bodies with
    keys repeated at random, decoded into a Pod by the Go peer as the apiserver's serializer does, and here."""
    rng = random.Random(7)
    bodies = [_repeating(_pod(rng), _pod(rng), rng).encode() for _ in range(1000)]
    assert sum(b"null" in b for b in bodies) > 200
    lines = "\n".join(base64.b64encode(b).decode() for b in bodies) + "\n"
    go = [json.loads(line) for line in subprocess.run(
        [str(goclients), "typeddecode"], input=lines, capture_output=True, text=True, timeout=120,
        check=True).stdout.splitlines()]
    assert len(go) == len(bodies) and not any("error" in g for g in go), go[:3]

    def here(body: bytes) -> dict[str, Any]:
        decoded = gojson.loads(body)
        gorepeats.merge(decoded, "v1", "Pod")
        return {"object": goorder.encoded(decoded.value, "Pod", "v1"), "strict": fieldvalidation.strict_errors(
            decoded.value, "Pod", "v1", decoded.duplicates, decoded.members)}
    differ = [(b, g) for b, g in zip(bodies, go, strict=True) if here(b) != {**g, "object": {
        "apiVersion": "v1", "kind": "Pod", **g["object"]}}]
    assert not differ, differ[:2]
    # (not vacuous: the last value of each key would differ often, and strict decoding has much to say)
    assert sum(gojson.loads(b).value != g["object"] for b, g in zip(bodies, go, strict=True)) > 300
    assert sum(any("unknown" in e for e in g["strict"]) for g in go) > 100


def test_what_go_takes_and_python_would_not_is_taken_as_go_takes_it() -> None:
    assert gojson.loads(b'{"a":"\xff"}').value == {"a": "\ufffd"}
    assert gojson.loads(b'["\\ud800", "\\ud83d\\ude00"]').value == ["\ufffd", "\U0001f600"]
    assert gojson.loads(b'{"a":1e999}').overflow == "1e999"
    got = gojson.loads(b'{"a":{"b":1,"b":2},"c":[{"d":1,"d":1,"d":3}]}')
    assert got.value == {"a": {"b": 2}, "c": [{"d": 3}]}
    assert sorted(got.duplicates.values()) == [["b"], ["d", "d"]]
    with pytest.raises(gojson.TooDeep):  # valid for Go (up to 10,000 levels), beyond Python's recursion
        gojson.loads(b"[" * 5000 + b"]" * 5000)
    assert quote_byte(0xEF) == "'ï'" and quote_byte(0) == "'\\x00'" and quote_byte(0x27) == "'\\''"
    assert quote_byte(ord("\n")) == "'\\n'" and quote_byte(0x85) == "'\\u0085'" and quote_byte(0x0B) == "'\\v'"


@pytest.mark.parametrize(("data", "message"), [
    (b"", "unexpected end of JSON input (<empty>)"),
    (b"   ", "unexpected end of JSON input (202020)"),
    (b'{"apiVersion":"v1","kind":"ConfigMap","metadata":{}',
     'unexpected end of JSON input ({"apiVersion":"v1","kind":"Con ...)'),
    (b'[{"a":1}]', "json: cannot unmarshal array into Go value of type struct { APIVersion string "
                  '"json:\\"apiVersion,omitempty\\""; Kind string "json:\\"kind,omitempty\\"" } (5b7b2261223a317d5d)')])
def test_a_create_body_is_refused_and_summarized_as_the_apiserver_does(data: bytes, message: str) -> None:
    with pytest.raises(bodies.BadBody) as err:
        bodies.read_object(data, "ConfigMap", "v1", custom=False)
    assert str(err.value) == "the object provided is unrecognized (must be of type ConfigMap): couldn't get " \
                             f"version/kind; json parse error: {message}"


# Bodies sent as they are (the client library would have encoded them), each to every write below.
_BODIES: dict[str, bytes] = {
    "nan": b'{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"b1"},"data":{"a":NaN}}',
    "infinity in an unknown field": b'{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"b2"},"x":-Infinity}',
    "truncated": b'{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"b3"}',
    "trailing garbage": b'{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"b4"}} x',
    "empty": b"",
    "spaces": b"   ",
    "an array": b"[1,2]",
    "a string": b'"hello"',
    "null": b"null",
    "nested past Go's limit": b'{"a":' + b"[" * 10001 + b"]" * 10001 + b"}",
    "single quotes": b"{'a': 1}",
    "a trailing comma": b'{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"b6"},}',
    "a newline in a string": b'{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"b7\n"}}',
    "a bad escape": b'{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"b\\x"}}',
    "invalid UTF-8": b'{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"b8"},"data":{"a":"\xff"}}',
    "a repeated key": b'{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"x"},"data":{"a":"1","a":"2"}}',
    "a leading zero": b'{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"b10"},"x":01}',
    "a byte order mark": b'\xef\xbb\xbf{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"b12"}}',
    "binary": b"\x00\x01\x02",
    "a kind that is a number": b'{"apiVersion":"v1","kind":5,"metadata":{"name":"b13"}}',
    "a number beyond float64": b'{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"x"},"x":1e999}',
}
_WRITES = [("POST", "", "application/json"), ("PUT", "/x", "application/json"),
           ("PATCH", "/x", "application/merge-patch+json"), ("PATCH", "/x", "application/strategic-merge-patch+json"),
           ("PATCH", "/x", "application/json-patch+json")]


def _answers(base: str, token: str, ns: str) -> list[tuple[str, str, int, str, list[str]]]:
    """(body, write, code, message, Warning headers) of every body and write, against a ConfigMap `x`."""
    cms = f"/api/v1/namespaces/{ns}/configmaps"
    x = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x"}, "data": {"a": "1"}}
    assert rawhttp.call(base, token, "POST", cms, json.dumps(x).encode())[0] == 201
    out = []
    for what, data in _BODIES.items():
        for method, path, content_type in _WRITES:
            code, doc, warnings = rawhttp.call(base, token, method, cms + path, data, content_type)
            message = doc.get("message", "") if doc.get("kind") == "Status" else doc["metadata"]["name"]
            out.append((what, f"{method} {content_type}", code, message, warnings))
            if code == 201:
                rawhttp.call(base, token, "DELETE", f"{cms}/{doc['metadata']['name']}")
    return out


# Where a replay differs, and why: a refused merge patch quotes the patched object as JSON where Go prints its
# struct (a strategic one quotes the patch, as a replay does). (Not in the matrix: valid JSON nested 1,000 to
# 10,000 levels deep, which the apiserver takes and a replay refuses with a 400 of its own, as Python's decoder
# recurses.)
_APART = {("a kind that is a number", "PATCH application/merge-patch+json")}


def test_bad_bodies_get_the_real_apiservers_answers(realkube: RealKube, watchproxy: Callable[..., Replay],
                                                     tmp_path: Path) -> None:
    real_server, replay = rawhttp.real_and_replay(realkube, watchproxy, tmp_path, "bodies")
    real, emulated = _answers(*real_server, "bodies"), _answers(*replay, "bodies")
    differ = [(r, e) for r, e in zip(real, emulated, strict=True) if r != e and r[:2] not in _APART]
    assert not differ, differ
    assert {r[:2] for r, e in zip(real, emulated, strict=True) if r != e} == _APART  # each still shows
    assert sum(code == 400 for _, _, code, _, _ in real) > 80


_YAML = (b'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: y1\n  zz: 1\n  labels: {b: "1", b: "2"}\n'
         b'  annotations:\n    since: 2024-01-01\ndata:\n  a: "1"\n  a: "2"\n')
_MEDIA: list[tuple[str, str, bytes]] = [
    ("application/yaml", "", _YAML),
    ("application/yaml", "fieldValidation=Strict", _YAML),
    ("application/yaml", "fieldValidation=Ignore", _YAML.replace(b"y1", b"y2")),
    ("application/yaml", "", b"apiVersion: v1\nkind: ConfigMap\n- a\n"),  # not YAML: in go-yaml's words
    ("application/yaml", "", b"- 1\n- 2\n"),
    # go-yaml v2's booleans beyond YAML 1.1's: y, Y, n, N (a value, then a key)
    ("application/yaml", "", b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: y4\ndata:\n  flag: y\n"),
    # plain scalars as go-yaml v2 resolves them, where YAML 1.1 differs: each a string or a number (which a
    # ConfigMap's data refuses), an infinity in encoding/json's words
    *(("application/yaml", "", b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: s%d\ndata:\n  k: %s\n" % (i, v))
      for i, v in enumerate((b"1:20", b"=", b"<<", b"0o17", b"1e3", b"08", b"-.inf", b"99999999999999999999"))),
    ("application/yaml", "", b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: y5\ndata:\n  N: n-1\n  Y: \"y\"\n"),
    # keys that are not strings, as sigs.k8s.io/yaml makes JSON keys of them (a float through float32, as %g) or
    # refuses them
    *(("application/yaml", "", b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: k%d\ndata:\n%s" % (i, keys))
      for i, keys in enumerate((
          b"  1.0: a\n  0.1: b\n  3.14159265358979: c\n  .inf: d\n  true: e\n  1e3: f\n  -.inf: g\n  .nan: h\n"
          b"  0x10: i\n  1e-5: j\n  123456.7: k\n",
          b"  1000000.5: a\n", b"  16777217.0: a\n", b"  1e21: a\n", b"  ~: a\n", b"  x: 1\n  ~: 1\n",
          b"  18446744073709551615: a\n", b"  {a: 1, b: [1, ~]}: a\n", b"  [a]: a\n"))),
    ("application/yaml", "", b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: k9\n  labels:\n"
                             b"    x: {~: [1, {a: ~}, 2.5]}\n"),
    # explicit tags as go-yaml v2 decodes them into interface{}: the ones it resolves checked against the value,
    # any other ignored (a scalar's text, !!binary's decoded); the first document alone; half a surrogate pair
    *(("application/yaml", "", b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: g%d\ndata:\n  a: %s\n" % (i, v))
      for i, v in enumerate((b"!!binary aGVsbG8=", b"!!binary '@@'", b"!custom x", b"!!timestamp 2001-12-14",
                             b"!!timestamp 2001-13-45", b"!!int abc", b"!!float 1", b"!!str 1", b"!!null x",
                             b"!!set {x, y}", b'"\\uD83D\\uDE00"', b"!!timestamp 2001-12-14T10:00:00"))),
    ("application/yaml", "", b"apiVersion: v1\nkind: ConfigMap\nmetadata: !foo\n  name: g11\ndata: !!map {a: b}\n"),
    ("application/yaml", "", b"---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: g12\n---\n- not read\n"),
    ("text/plain", "", _YAML),
    ("application/cbor", "", _YAML),
    # tabs where go-yaml takes them as whitespace (after a key's `:`, in a flow), and where it does not
    ("application/yaml", "dryRun=All", b"kind: ConfigMap\nmetadata:\t{name:\tt1}\ndata:\n  a:\tb\n"),
    ("application/yaml", "", b"\ta: b"), ("application/yaml", "", b"a:\n\t- b"),
    # tabs within a plain scalar (blanks, as spaces are), and left of a scalar's indentation (go-yaml's errors)
    *(("application/yaml", "dryRun=All", b"kind: ConfigMap\nmetadata:\n  name: t%d\ndata:\n%s" % (i, v))
      for i, v in enumerate((b"  k: a\tb\n", b"  k: a \t b\t\n", b"  k: a\n    \tb\n", b"  k: a\n  \tb\n",
                             b"  k: {x: a\n\tb}\n", b"  k: |\n    a\n\t\n    b\n", b"  k: >\n    a\n  \tb\n",
                             b"  k: |\n \ta\n", b"  k: |\n    a\tb\n    \tc\n"))),
    # what go-yaml's reader refuses, in its words: control characters, bytes that are no UTF-8 (each way)
    *(("application/yaml", "", data) for data in (b"a: \x00", b"\x01", b"kind: ConfigMap\x7f", b"a: b\xff", b"a: \xc3",
                                                  b"a: \xc3(", b"a: \xed\xa0\x80", b"a: \xc0\x80", b"a: [\n\x00")),
    # what go-yaml's scanner and parser refuse, in their words and at the line they name (a parser's counted from
    # 0, the end of a stream that ends no line a line further on)
    *(("application/yaml", "", data) for data in (
        b"{", b"a: [1, 2", b"a: {b: c", b"a:\n  - b\n c: d", b"- a\nb: c", b"a: b: c", b"key: value\n  bad: indent",
        b"a: &x\n  b: *y", b"a: |\n x\n y: z\nw", b"a: 'x")),
]


def _media_answers(base: str, token: str, ns: str) -> list[tuple[str, str, int, str, list[str]]]:
    out = []
    for content_type, query, data in _MEDIA:
        code, doc, warnings = rawhttp.call(base, token, "POST", f"/api/v1/namespaces/{ns}/configmaps?{query}", data,
                                           content_type)
        message = doc.get("message", "") if doc.get("kind") == "Status" else json.dumps(doc.get("data"))
        out.append((content_type, query, code, message, warnings))
    # an applied configuration is converted to JSON first, its refusal worded so (a null key was a 500 here)
    for name, data in (("a1", b"  a: .nan\n"), ("a2", b"  [a]: b\n"), ("a3", b"  1.5: b\n  1e3: c\n"),
                       ("a4", b"  x: y\n  ~: b\n"), ("a5", b"  a: b\n---\nkind: Other\n")):
        code, doc, _ = rawhttp.call(base, token, "PATCH", f"/api/v1/namespaces/{ns}/configmaps/{name}?fieldManager=t",
                                    b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: %s\ndata:\n%s"
                                    % (name.encode(), data), "application/apply-patch+yaml")
        out.append(("apply", name, code, doc.get("message", "") if doc.get("kind") == "Status" else
                    json.dumps(doc.get("data")), []))
    # server-side apply of a manifest with a date in it (a 500 here before: the date became a datetime)
    code, doc, _ = rawhttp.call(base, token, "PATCH", f"/api/v1/namespaces/{ns}/configmaps/y3?fieldManager=t",
                                _YAML.replace(b"y1", b"y3").replace(b"  zz: 1\n", b""), "application/apply-patch+yaml")
    out.append(("apply", "", code, json.dumps(doc["metadata"].get("annotations")), []))
    return out


def test_yaml_bodies_and_other_media_types_get_the_real_apiservers_answers(
        realkube: RealKube, watchproxy: Callable[..., Replay], tmp_path: Path) -> None:
    real_server, replay = rawhttp.real_and_replay(realkube, watchproxy, tmp_path, "media")
    real, emulated = _media_answers(*real_server, "media"), _media_answers(*replay, "media")
    assert emulated == real
    assert real[-1][2:4] == (201, '{"since": "2024-01-01"}')
    assert real[0][4][:2] == ['299 - "line 6: key \\"b\\" already set in map"',
                              '299 - "line 11: key \\"a\\" already set in map"']


@pytest.mark.parametrize(("text", "value"), [
    ("y", True), ("N", False), ("on", True), ("~", None), ("", None), ("yes", True),
    ("0o17", 15), ("017", 15), ("0x1F", 31), ("0B1", 1), ("-0x1", -1), ("1_000", 1000), ("+12", 12),
    ("08", 8.0), ("1e3", 1000.0), (".5", 0.5), ("0.", 0.0), ("99999999999999999999", 1e20),
    ("18446744073709551615", 2**64 - 1), ("+18446744073709551615", float(2**64)),
    ("1:20", "1:20"), ("1:20.5", "1:20.5"), ("=", "="), ("2024-01-01", "2024-01-01"), ("1e999", "1e999"),
    ("0x", "0x"), ("-", "-"), (".Nan", ".Nan"), ("abc", "abc"),
])
def test_a_plain_yaml_scalar_is_what_go_yaml_v2_resolves_it_to(text: str, value: object) -> None:
    got = goyaml.go_scalar(text)
    assert got == value and type(got) is type(value)


@pytest.mark.parametrize(("value", "bits", "text"), [
    (1.0, 64, "1"), (1000000.5, 32, "1.0000005e+06"), (0.1, 32, "0.1"), (3.14159265358979, 32, "3.1415927"),
    (3.14159265358979, 64, "3.14159265358979"), (1e-5, 64, "1e-05"), (123456.7, 32, "123456.7"),
    (1e21, 64, "1e+21"), (1e6, 64, "1e+06"), (100000.0, 64, "100000"), (0.0001, 64, "0.0001"),
    (1.5e-7, 32, "1.5e-07"), (-2.5, 32, "-2.5"), (16777217.0, 32, "1.6777216e+07"), (16777217.0, 64, "1.6777217e+07"),
    (1e38, 32, "1e+38"), (1e39, 32, "+Inf"), (-0.0, 64, "-0"), (float("nan"), 64, "NaN"),
])
def test_a_float_is_formatted_as_go_formats_it(value: float, bits: int, text: str) -> None:
    """strconv.FormatFloat(_, 'g', -1, bits), each text printed by Go 1.26."""
    assert gostrings.format_float(value, bits) == text


def test_a_yaml_document_is_printed_as_fmts_sharp_v_prints_it() -> None:
    """As Go 1.26 printed the same document go-yaml v2 decoded."""
    assert gostrings.sharp_v({"b": 1, "a": ["x", None, 1.0, 2.5, True], 1: "z"}) == \
        'map[interface {}]interface {}{"a":[]interface {}{"x", interface {}(nil), 1, 2.5, true}, "b":1, 1:"z"}'
    assert (gostrings.sharp_v(None), gostrings.sharp_v('q"é\n'), gostrings.sharp_v(2**64 - 1)) == \
        ("<nil>", '"q\\"é\\n"', "0xffffffffffffffff")
