"""A write's body as the apiserver's handlers decode it before anything else looks at it, and the answer
each gives when it cannot (measured against kube-apiserver v1.37.2; JSON is read by gojson).

A create or update is JSON or YAML (YAML converted to JSON first); it first has its apiVersion and kind found
(the json serializer's Interpret, which unmarshals into an anonymous struct): a body that is not JSON, or not
an object, or whose kind is not a string, fails there, and transformDecodeError words it with a summary of
the body. A patch is decoded by its patcher (into a map, or a list of operations) and fails in that one's
words; a delete's DeleteOptions by the delete handler, in the decoder's words alone.
"""

from __future__ import annotations

import base64
import json
import math
import re
from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any

import yaml

from ..wire import gotypes, protobuf
from ..wire.gostrings import SURROGATE, format_float, quote, sharp_v
from ..wire.goyaml import go_float, go_scalar, is_timestamp
from . import decoding, gojson
from .decoding import json_word
from .writes import JSON_PATCH, MERGE_PATCH

# The type the json serializer's Interpret unmarshals a body into, as Go's %v prints it.
_FIND_KIND = 'struct { APIVersion string "json:\\"apiVersion,omitempty\\""; Kind string "json:\\"kind,omitempty\\"" }'


class BadBody(ValueError):
    """The apiserver's refusal of a body: a 400 (or the 415 of a media type it does not decode), its message
    the Status's."""

    def __init__(self, message: str, code: int = 400) -> None:
        super().__init__(message)
        self.code = code


# What a create or update may be sent as (a custom resource too: protobuf is then refused further on).
OBJECT_TYPES = ("application/json", "application/yaml", "application/vnd.kubernetes.protobuf")


_YAML_BREAKS = "\r\n\x85\u2028\u2029"  # (what PyYAML's scanner reads as a line break)
_YAML_ENDS = "\0 \t" + _YAML_BREAKS  # (what may follow a document marker)


class _YamlLoader(yaml.SafeLoader):
    """YAML as sigs.k8s.io/yaml reads it into JSON: a plain scalar resolved as go-yaml v2 resolves it (go_scalar,
    not YAML 1.1's regular expressions), and each key a mapping repeats noted in go-yaml's words (`line 9: key
    "a" already set in map`; the last value is kept)."""

    repeated: list[str]

    def scan_to_next_token(self) -> None:
        """PyYAML's, but tabs are whitespace between tokens where go-yaml takes them so
        (yaml_parser_scan_to_next_token): in a flow context, and in a block where no simple key may start (after a
        key's `:`)."""
        if self.index == 0 and self.peek() == "\uFEFF":
            self.forward()
        while True:
            while self.peek() == " " or (self.peek() == "\t" and (self.flow_level or not self.allow_simple_key)):
                self.forward()
            if self.peek() == "#":
                while self.peek() not in "\0" + _YAML_BREAKS:
                    self.forward()
            if not self.scan_line_break():  # type: ignore[no-untyped-call]
                return
            if not self.flow_level:
                self.allow_simple_key = True

    def scan_plain_spaces(self, indent: int, start_mark: Any) -> list[Any] | None:
        """PyYAML's, but tabs are blanks within a plain scalar as spaces are (yaml_parser_scan_plain_scalar: `a\tb`
        is one scalar), and one on its next line left of its indentation is go-yaml's error."""
        chunks: list[Any] = []
        length = 0
        while self.peek(length) in " \t":
            length += 1
        whitespaces = self.prefix(length)
        self.forward(length)
        if self.peek() not in _YAML_BREAKS:
            return [whitespaces] if whitespaces else chunks
        line_break = self.scan_line_break()  # type: ignore[no-untyped-call]
        self.allow_simple_key = True
        if self.prefix(3) in ("---", "...") and self.peek(3) in _YAML_ENDS:
            return None
        breaks = []
        while self.peek() in " \t" + _YAML_BREAKS:
            if self.peek() == "\t" and self.column < indent:
                raise yaml.scanner.ScannerError("while scanning a plain scalar", start_mark,
                                                "found a tab character that violates indentation", self.get_mark())
            if self.peek() in " \t":
                self.forward()
                continue
            breaks.append(self.scan_line_break())  # type: ignore[no-untyped-call]
            if self.prefix(3) in ("---", "...") and self.peek(3) in _YAML_ENDS:
                return None
        if line_break != "\n":
            chunks.append(line_break)
        elif not breaks:
            chunks.append(" ")
        return chunks + breaks

    def scan_block_scalar_indentation(self) -> tuple[list[str], int, Any]:
        """PyYAML's, but a tab where a block scalar's indentation is still to be found is go-yaml's error
        (yaml_parser_scan_block_scalar_breaks)."""
        chunks: list[str] = []
        max_indent, end_mark = 0, self.get_mark()
        while True:
            while self.peek() == " ":
                self.forward()
                max_indent = max(max_indent, self.column)
            self._tab_in_indentation()
            if self.peek() not in _YAML_BREAKS:
                return chunks, max_indent, end_mark
            chunks.append(self.scan_line_break())  # type: ignore[no-untyped-call]
            end_mark = self.get_mark()

    def scan_block_scalar_breaks(self, indent: int) -> tuple[list[str], Any]:
        """PyYAML's, but a tab left of a block scalar's indentation is go-yaml's error."""
        chunks: list[str] = []
        end_mark = self.get_mark()
        while True:
            while self.column < indent and self.peek() == " ":
                self.forward()
            if self.column < indent:
                self._tab_in_indentation()
            if self.peek() not in _YAML_BREAKS:
                return chunks, end_mark
            chunks.append(self.scan_line_break())  # type: ignore[no-untyped-call]
            end_mark = self.get_mark()

    def _tab_in_indentation(self) -> None:
        if self.peek() == "\t":
            raise yaml.scanner.ScannerError("while scanning a block scalar", None,
                                            "found a tab character where an indentation space is expected",
                                            self.get_mark())

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        if isinstance(node, yaml.ScalarNode) and node.style == '"' and SURROGATE.search(node.value):
            raise Refused(f"yaml: line {node.start_mark.line + 1}: found invalid Unicode character escape code")
        return super().construct_object(node, deep)

    def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
        if kind is yaml.ScalarNode and implicit[0]:  # a plain scalar
            return _MERGE if value == "<<" else _GO_PLAIN
        return super().resolve(kind, value, implicit)  # type: ignore[no-untyped-call]

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        """The mapping with its keys made JSON's (_json_key), each as go-yaml decoded it first: a mapping or a list
        refused at once, a repeat noted (keys of different types differ: `1`, `1.0` and `true`)."""
        seen: set[tuple[type, Any]] = set()
        for key_node, _ in node.value:
            if key_node.tag == _MERGE:  # `<<`: merged keys are not repeats
                continue
            key = self.construct_object(key_node, deep=True)
            if isinstance(key, dict | list):  # (go-yaml's decoder refuses one at once, as the document goes)
                raise Refused(f"yaml: invalid map key: {sharp_v(key)}")
            if (type(key), key) in seen:
                self.repeated.append(f"line {key_node.start_mark.line + 1}: key {sharp_v(key)} already set in map")
            elif isinstance(key, Hashable):
                seen.add((type(key), key))
        self.flatten_mapping(node)  # (SafeConstructor's: the pairs `<<` merges in come first)
        mapping: dict[Any, Any] = {}
        for key_node, value_node in node.value:  # the last value of a key is kept
            value = self.construct_object(value_node, deep=deep)
            mapping[_json_key(self.construct_object(key_node, deep=True), value)] = value
        return mapping


class Refused(yaml.YAMLError):
    """What go-yaml or sigs.k8s.io/yaml refuses where PyYAML would not (a key JSON cannot have, a scalar that is
    not what its tag says, an escape of half a surrogate pair), the whole error in their words."""


@dataclass(eq=False, slots=True)
class _Unsupported:
    """A key sigs.k8s.io/yaml refuses once the document is decoded (so after any error of go-yaml's decoder):
    a null, or an integer only a uint64 holds."""

    key: int | None
    value: Any

    def error(self) -> Refused:
        typ, shown = ("%!s(<nil>)", "<nil>") if self.key is None else ("uint64", sharp_v(self.key))
        return Refused(f"unsupported map key of type: {typ}, key: {shown}, value: {sharp_v(self.value)}")


def _json_key(key: Any, value: Any) -> Any:
    """A key as sigs.k8s.io/yaml's convertToJSONableObject makes a string of it: an integer's digits, a float as
    strconv.FormatFloat(_, 'g', -1, 32) writes it (two keys may become one: the last value is kept where Go's is
    the random one of a map's iteration), a boolean's word."""
    if key is None or (type(key) is int and key >= 1 << 63):
        return _Unsupported(key, value)
    if isinstance(key, bool):
        return "true" if key else "false"
    return go_float(key, 32) if isinstance(key, float) else str(key) if isinstance(key, int) else key


def _refuse_unsupported_keys(value: Any) -> Any:
    """`value`, or Refused for its first key sigs.k8s.io/yaml refuses (depth first, in the document's order;
    Go's is a map's)."""
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for k, v in items:
        if isinstance(k, _Unsupported):
            raise k.error()
        _refuse_unsupported_keys(v)
    return value


_GO_PLAIN, _MERGE = "tag:watchproxy,go-yaml-plain", "tag:yaml.org,2002:merge"
_YamlLoader.add_constructor(_GO_PLAIN, lambda loader, node: go_scalar(node.value))
_YamlLoader.add_constructor(_MERGE, lambda loader, node: "<<")  # (a value `<<`; as a key it merges)
_STD = "tag:yaml.org,2002:"


def _tagged(loader: _YamlLoader, node: yaml.Node) -> Any:
    """A scalar with one of the tags go-yaml resolves (resolve.go): resolved as a plain one, and refused where it
    is not of that tag (but an integer for a float; a timestamp is kept as its text, a !!str is the text)."""
    tag, text = node.tag.removeprefix(_STD), node.value
    if tag == "str":
        return text
    value = go_scalar(text)
    found = "null" if value is None else "bool" if isinstance(value, bool) else "int" if isinstance(value, int) \
        else "float" if isinstance(value, float) else "str"
    if found == tag or (tag == "timestamp" and is_timestamp(text)):  # (only a !!timestamp tries it)
        return value
    if tag == "float" and isinstance(value, int):
        return float(value)
    raise Refused(f"yaml: cannot decode !!{found} `{text}` as a !!{tag}")


def _untagged(loader: _YamlLoader, node: yaml.Node) -> Any:
    """What go-yaml makes of a node with any other tag (a local one, !!set, !!omap…): it ignores the tag, so a
    mapping is a map, a sequence a list, a scalar its text (!!binary's decoded)."""
    if isinstance(node, yaml.MappingNode):
        return loader.construct_mapping(node, deep=True)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node, deep=True)
    if node.tag != _STD + "binary":
        return node.value
    try:
        return base64.b64decode(re.sub(r"[\r\n]", "", node.value), validate=True).decode(errors="replace")
    except ValueError:
        raise Refused("yaml: !!binary value contains invalid base64 data") from None


for _tag in ("str", "bool", "int", "float", "null", "timestamp"):
    _YamlLoader.add_constructor(_STD + _tag, _tagged)
for _tag in ("binary", "set", "omap", "pairs"):
    _YamlLoader.add_constructor(_STD + _tag, _untagged)
_YamlLoader.add_constructor(None, _untagged)


def _non_finite(value: Any) -> str | None:
    """The first NaN or infinity encoding/json meets (maps in key order), as strconv.FormatFloat writes it."""
    if isinstance(value, float) and not math.isfinite(value):
        return format_float(value)
    items = [value[k] for k in sorted(value, key=str)] if isinstance(value, dict) else \
        value if isinstance(value, list) else []
    return next((bad for v in items if (bad := _non_finite(v)) is not None), None)


# PyYAML's problems in go-yaml v2's words (scannerc.go, parserc.go), where they differ
_GO_PROBLEMS = ((re.compile(r"found character .* that cannot start any token"), "found character that cannot start "
                 "any token"),
                (re.compile(r"mapping values are not allowed here"), "mapping values are not allowed in this context"),
                (re.compile(r"expected the node content, but found .*"), "did not find expected node content"),
                (re.compile(r"expected ',' or '\]', but got .*"), "did not find expected ',' or ']'"),
                (re.compile(r"expected ',' or '}', but got .*"), "did not find expected ',' or '}'"))


def _go_yaml_error(exc: yaml.YAMLError) -> str:
    """What go-yaml v2 says of YAML PyYAML refused (parser.fail): its words for the problem, and a line only where
    it names one — a scanner's problem line counted from 1, a parser's from 0 (as its marks are), none where that
    is 0; a problem at the end of a stream that does not end a line is a line further on (fetch_stream_end)."""
    problem = getattr(exc, "problem", None) or str(exc)
    if isinstance(exc, yaml.composer.ComposerError) and problem.startswith("found undefined alias "):
        return f"unknown anchor {problem.removeprefix('found undefined alias ')} referenced"
    for pattern, words in _GO_PROBLEMS:
        if pattern.fullmatch(problem):
            problem = words
    context = getattr(exc, "context", None) or ""
    if problem.startswith("expected <block end>"):
        problem = "did not find expected '-' indicator" if "block collection" in context else \
            "did not find expected key"
    mark, context_mark = getattr(exc, "problem_mark", None), getattr(exc, "context_mark", None)
    line = mark.line if mark is not None else 0
    if mark is not None and mark.column and ("<stream end>" in str(getattr(exc, "problem", "")) or
                                             problem == "could not find expected ':'"):
        line += 1
    if isinstance(exc, yaml.scanner.ScannerError) and line:
        line += 1
    if not line and context_mark is not None:
        line = context_mark.line
    return f"line {line}: {problem}" if line else problem


def _unreadable(data: bytes) -> str | None:
    """What go-yaml's reader says of the first character of a UTF-8 body it refuses (readerc.go), None for a body
    in another encoding (a UTF-16 byte order mark) or none it refuses."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return None
    i = 3 if data.startswith(b"\xef\xbb\xbf") else 0
    while i < len(data):
        octet = data[i]
        width = 1 if octet < 0x80 else 2 if octet >> 5 == 6 else 3 if octet >> 4 == 14 else 4 if octet >> 3 == 30 else 0
        if not width:
            return "invalid leading UTF-8 octet"
        if i + width > len(data):
            return "incomplete UTF-8 octet sequence"
        value = octet & (0x7F, 0x1F, 0x0F, 0x07)[width - 1]
        for trailing in data[i + 1:i + width]:
            if trailing >> 6 != 2:
                return "invalid trailing UTF-8 octet"
            value = value << 6 | trailing & 0x3F
        if value < (0, 0x80, 0x800, 0x10000)[width - 1]:
            return "invalid length of a UTF-8 sequence"
        if 0xD800 <= value <= 0xDFFF or value > 0x10FFFF:
            return "invalid Unicode character"
        if not (value in (0x09, 0x0A, 0x0D, 0x85) or 0x20 <= value <= 0x7E or 0xA0 <= value <= 0xD7FF
                or 0xE000 <= value <= 0xFFFD or value >= 0x10000):
            return "control characters are not allowed"
        i += width
    return None


class YamlError(ValueError):
    """What sigs.k8s.io/yaml's YAMLToJSON says of a body it cannot convert, in its words."""


def yaml_to_json(data: bytes, repeated: list[str] | None = None) -> tuple[Any, bytes]:
    """A YAML (or JSON) body as YAMLToJSON converts it: the document and its JSON; YamlError if it cannot (in
    go-yaml's words where they are known, _unreadable and _go_yaml_error, else PyYAML's). Its numbers pass through
    float64, which Go writes without a fraction where it has none: `replicas: 2.0` is `2`, which an integer field
    takes."""
    try:
        loaded = decoding.stored_numbers(load_yaml(data, repeated))
    except Refused as exc:
        raise YamlError(str(exc)) from None
    except yaml.reader.ReaderError as exc:  # (go-yaml's reader allows the same characters, and says so otherwise)
        raise YamlError(f"yaml: {_unreadable(data) or exc.reason}") from None
    except yaml.YAMLError as exc:
        raise YamlError(f"yaml: {_go_yaml_error(exc)}") from None
    try:
        return loaded, json.dumps(loaded, allow_nan=False).encode()
    except (ValueError, TypeError) as exc:  # NaN, Infinity or binary: JSON has no words for them
        bad = _non_finite(loaded)
        raise YamlError(f"json: unsupported value: {bad}" if bad else f"yaml: {exc}") from None


def read_apply(data: bytes) -> gojson.Decoded:
    """An applied configuration (YAML or JSON), which the patch handler converts to JSON before anything else
    (validateAndTranscodePatch); BadBody in its words if it cannot. A body that starts as JSON does (`{`) is
    passed as it is, and refused where the apply decodes it."""
    if not data:
        return gojson.Decoded(None)
    try:
        return gojson.Decoded(yaml_to_json(data)[0])
    except YamlError as exc:
        if data.lstrip().startswith(b"{"):  # (yaml.ToJSON: IsJSONBuffer)
            raise BadBody(f"error decoding patch: error converting YAML to JSON: {exc}") from None
        raise BadBody(f"error encoding patch: {exc}") from None


def load_yaml(data: bytes, repeated: list[str] | None = None) -> Any:
    """A YAML (or JSON) document as the apiserver converts it to JSON; yaml.YAMLError if it is not one. The
    keys it repeats are added to `repeated`."""
    loader = _YamlLoader(data)
    loader.repeated = []
    try:  # (the first document: sigs.k8s.io/yaml's Unmarshal reads no further)
        return _refuse_unsupported_keys(loader.construct_document(loader.get_node()) if loader.check_node() else None)
    finally:
        loader.dispose()
        if repeated is not None:  # in the document's order (mappings inside are built after their parents)
            repeated += sorted(loader.repeated, key=lambda r: int(r.split(":")[0].removeprefix("line ")))


def summary(data: bytes, limit: int = 30) -> str:
    """handlers.summarizeData: the body's start as text if it starts as an object, else in hex."""
    if not data:
        return "<empty>"
    cut = data[:limit]
    text = cut.decode("utf-8", "replace") if data[:1] == b"{" else cut.hex()
    return text + " ..." if len(data) > limit else text


def _unrecognized(kind: str, error: str, data: bytes) -> BadBody:
    return BadBody(f"the object provided is unrecognized (must be of type {kind}): {error} ({summary(data)})")


def _kind_missing(kind: str, data: bytes) -> BadBody:
    """An unstructured body (a custom resource's) that names no kind: quoted as sent, YAML as written."""
    return _unrecognized(kind, f"Object 'Kind' is missing in '{data.decode(errors='replace')}'", data)


def _kind_error(doc: Any) -> str | None:
    """What the json serializer's Interpret says of a decoded body whose apiVersion and kind it cannot read
    (it is not an object, or one of them is not a string), None if it can."""
    if not isinstance(doc, dict):
        return f"couldn't get version/kind; json parse error: json: cannot unmarshal {json_word(doc)} into Go " \
               f"value of type {_FIND_KIND}"
    for key, value in doc.items():
        if key in ("apiVersion", "kind") and value is not None and not isinstance(value, str):
            return f"couldn't get version/kind; json parse error: json: cannot unmarshal {json_word(value)} into " \
                   f"Go struct field .{key} of type string"
    return None


# The other kinds the delete handler's scheme (metainternalversionscheme) decodes, by version, as Go names their
# types: the unversioned ones under every version, the options and meta types under theirs (measured against
# kube-apiserver v1.37.2).
_UNVERSIONED = ("Status", "APIVersions", "APIGroupList", "APIGroup", "APIResourceList", "CreateOptions",
                "UpdateOptions")
_META_KINDS: dict[str, dict[str, str]] = {
    "v1": {k: f"v1.{k}" for k in _UNVERSIONED},
    "meta.k8s.io/v1": {k: f"v1.{k}" for k in (*_UNVERSIONED, "ListOptions", "GetOptions", "PatchOptions", "WatchEvent",
                                               "Table", "TableOptions", "PartialObjectMetadata",
                                               "PartialObjectMetadataList")},
    "meta.k8s.io/v1beta1": {**{k: f"v1.{k}" for k in (*_UNVERSIONED, "Table", "TableOptions", "PartialObjectMetadata")},
                            "PartialObjectMetadataList": "v1beta1.PartialObjectMetadataList"},
}


def read_delete_options(data: bytes, media_type: str = "application/json") -> dict[str, Any]:
    """A DELETE's body, decoded as the delete handler decodes DeleteOptions (its errors without a summary of
    the body); BadBody in its words, a 415 for a media type it has no decoder for."""
    if media_type not in OBJECT_TYPES:
        raise BadBody("the body of the request was in an unknown format - accepted media types include: "
                      + ", ".join(OBJECT_TYPES), 415)
    if media_type == protobuf.MEDIA_TYPE:
        try:
            named_version, named_kind, raw = protobuf.envelope(data)
            kind = named_kind or "DeleteOptions"
            version = protobuf.defaulted_version(named_version, "meta.k8s.io/v1")
            _refuse_other_kind(kind, version)
            return protobuf.decode_object(raw, version, kind)
        except protobuf.DecodeError as exc:
            raise BadBody(str(exc)) from None
    if media_type == "application/yaml":
        try:
            data = yaml_to_json(data)[1]
        except YamlError as exc:
            raise BadBody(str(exc)) from None
    try:
        doc = gojson.loads(data).value
    except gojson.GoSyntaxError as exc:
        raise BadBody(f"couldn't get version/kind; json parse error: {exc}") from None
    except gojson.TooDeep as exc:
        raise BadBody(str(exc)) from None
    if doc is None:
        return {}
    if (error := _kind_error(doc)) is not None:
        raise BadBody(error)
    _refuse_other_kind(doc.get("kind") or "DeleteOptions", doc.get("apiVersion") or "meta.k8s.io/v1")
    if (error := decoding.type_error(doc, "DeleteOptions", typed=True, api_version="meta.k8s.io/v1")) is not None:
        raise BadBody(error)
    return dict(doc)


def _refuse_other_kind(kind: str, version: str) -> None:
    """BadBody for a DELETE's body of another kind than DeleteOptions: one the delete handler's scheme decodes
    cannot be converted, the others it does not register."""
    if kind != "DeleteOptions":
        if (go_type := _META_KINDS.get(version, {}).get(kind)) is not None:  # decoded, then not convertible
            raise BadBody(f"converting ({go_type}) to (v1.DeleteOptions): unknown conversion")
        raise BadBody(decoding.not_registered(kind, version))


def read_object(data: bytes, kind: str, version: str, *, custom: bool, media_type: str = "application/json"
                ) -> gojson.Decoded:
    """A create's or update's JSON or YAML body (`kind` is the type the resource holds); BadBody if the
    apiserver would not decode it. A `null` body is an empty object to a built-in kind's decoder."""
    if media_type not in OBJECT_TYPES:
        raise BadBody("the body of the request was in an unknown format - accepted media types include: "
                      + ", ".join(OBJECT_TYPES), 415)
    original = data
    repeated: list[str] = []
    if media_type == "application/yaml":
        try:
            _, data = yaml_to_json(data, repeated)
        except YamlError as exc:
            raise _unrecognized(kind, str(exc), data) from None
    try:
        got = gojson.loads(data)
    except gojson.GoSyntaxError as exc:
        raise _unrecognized(kind, f"couldn't get version/kind; json parse error: {exc}", original) from None
    except gojson.TooDeep as exc:
        raise BadBody(str(exc)) from None
    doc = got.value
    if doc is None:
        if custom:  # unstructured: the body must name its kind
            raise _kind_missing(kind, original)
        got.value = {}
        return got
    if (error := _kind_error(doc)) is not None:
        raise _unrecognized(kind, error, original)
    if custom and not doc.get("kind"):  # (unstructured's Decode: a missing kind is an error; a version is not)
        raise _kind_missing(kind, original)
    if custom and "apiVersion" in doc and doc["apiVersion"] is None:  # (unstructured reads it as a string)
        raise BadBody(f'{doc["kind"]} in version "" cannot be handled as a {kind}: .apiVersion accessor error: '
                      "<nil> is of the type <nil>, expected string")
    if custom and got.overflow:  # unstructured numbers are float64 or int64
        raise BadBody(f'{kind} in version "{version}" cannot be handled as a {kind}: json: cannot unmarshal '
                      f"number {got.overflow} into Go value of type float64")
    got.yaml_repeated = repeated
    return got


def read_protobuf(data: bytes, kind: str, api_version: str) -> gojson.Decoded:
    """A create's or update's protobuf body for a built-in resource holding `kind` (of `api_version`, which the
    serializer defaults a body's from); BadBody in the handler's words (transformDecodeError): an envelope it
    cannot read is unrecognized, with a summary of the body; an object after it names the kind it was sent as."""
    try:
        named_version, named_kind, raw = protobuf.envelope(data)
        version, sent_kind = protobuf.defaulted_version(named_version, api_version), named_kind or kind
        if gotypes.message_of_kind(version, sent_kind) is None:
            raise _not_handled(sent_kind, version, kind, decoding.not_registered(sent_kind, version))
        return gojson.Decoded(protobuf.decode_object(raw, version, sent_kind))
    except protobuf.DecodeError as exc:
        if exc.envelope is None:
            raise _unrecognized(kind, str(exc), data) from None
        raise _not_handled(exc.envelope[1], exc.envelope[0], kind, str(exc)) from None


def _not_handled(sent_kind: str, api_version: str, kind: str, error: str) -> BadBody:
    """transformDecodeError where the body named its kind (printed as Go prints the string, which may hold any
    byte)."""
    return BadBody(f"{sent_kind.encode('utf-8', 'surrogateescape').decode('utf-8', 'replace')} in version "
                   f"{quote(api_version.rsplit('/', 1)[-1])} cannot be handled as a {kind}: {error}")


def valid_patch(data: bytes) -> gojson.Decoded:
    """A JSON, merge or strategic merge patch of an object that is not there: the handler refuses one that is
    not JSON at all (validateAndTranscodePatch) before it looks; what the JSON holds is the patcher's to
    judge, which never comes to it."""
    try:
        return gojson.loads(data)
    except gojson.GoSyntaxError:
        raise BadBody("invalid JSON patch") from None
    except gojson.TooDeep as exc:
        raise BadBody(str(exc)) from None


def read_patch(data: bytes, content_type: str) -> gojson.Decoded:
    """A JSON, merge or strategic merge patch's document; BadBody in its patcher's words. A `null` strategic
    merge or JSON patch changes nothing (an empty one is given)."""
    got = valid_patch(data)
    doc = got.value
    if content_type == JSON_PATCH:
        if doc is None:
            got.value = []
            return got
        wrong = doc if not isinstance(doc, list) else next((op for op in doc if not isinstance(op, dict)), None)
        if wrong is not None:
            into = "[]handlers.jsonPatchOp" if wrong is doc else "handlers.jsonPatchOp"
            raise BadBody(f"error decoding patch: json: cannot unmarshal {json_word(wrong)} into Go value of type "
                          f"{into}")
    else:
        prefix = "error decoding patch: " if content_type == MERGE_PATCH else ""
        if doc is None:
            if content_type == MERGE_PATCH:
                raise BadBody("Invalid JSON Patch")
            got.value = {}
            return got
        if not isinstance(doc, dict):
            raise BadBody(f"{prefix}json: cannot unmarshal {json_word(doc)} into Go value of type "
                          "map[string]interface {}")
    if got.overflow:
        prefix = "" if content_type not in (MERGE_PATCH, JSON_PATCH) else "error decoding patch: "
        raise BadBody(f"{prefix}json: cannot unmarshal number {got.overflow} into Go value of type float64")
    return got
