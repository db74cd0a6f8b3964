"""Label and field selectors, parsed and evaluated as k8s.io/apimachinery/pkg/labels and /fields do."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from . import names
from .gostrings import quote
from .kinds import BUILTIN
from .params import InvalidParams, go_int


@dataclass(frozen=True, slots=True)
class Requirement:
    key: str
    op: str  # = != in notin exists !exists gt lt
    values: tuple[str, ...] = ()

    def matches(self, labels: dict[str, str]) -> bool:
        has = self.key in labels
        if self.op == "exists":
            return has
        if self.op == "!exists":
            return not has
        if self.op in ("=", "in"):
            return has and labels[self.key] in self.values
        if self.op in ("gt", "lt"):
            try:
                have, want = int(labels[self.key]), int(self.values[0])
            except (KeyError, ValueError):
                return False
            return have > want if self.op == "gt" else have < want
        return not has or labels[self.key] not in self.values  # != and notin


def _key_error(key: str) -> str:
    """The parser's check of a key as it reads it (before its operator): "" if it is a label key."""
    errs = names.qualified_name(key)  # the path is nil: the apiserver's parser passes none
    return f"<nil>: Invalid value: {quote(key)}: {'; '.join(errs)}" if errs else ""


def _value_errors(r: Requirement) -> str:
    """labels.NewRequirement's refusal of a requirement's values, aggregated as Go's field.ErrorList does
    ("" if none): a Gt or Lt value as an integer, then each value as a label value."""
    errors = []
    if r.op in ("gt", "lt"):
        errors += [f"values[{i}]: Invalid value: {quote(v)}: for 'Gt', 'Lt' operators, the value must be an integer"
                   for i, v in enumerate(r.values) if go_int(v, signed=True) is None]
    for i, v in enumerate(r.values):
        if errs := names.label_value(v):
            errors.append(f"values[{i}][{r.key}]: Invalid value: {quote(v)}: {'; '.join(errs)}")
    return errors[0] if len(errors) == 1 else f"[{', '.join(errors)}]" if errors else ""


# The label selector grammar, lexed and parsed as k8s.io/apimachinery/pkg/labels/selector.go does, so that
# a malformed selector gets the apiserver's own words ("found ')', expected: identifier").
_SPECIAL = frozenset("=!(),><")
_SYMBOLS = {")": ")", ",": ",", "!": "!", "==": "==", "=": "=", ">": ">", "<": "<", "!=": "!=", "(": "("}
_WORDS = {"in": "in", "notin": "notin"}
_ID, _END, _ERROR = "id", "end", "error"
_BINARY = "in, notin, =, ==, !=, gt, lt"


def _lex(text: str) -> list[tuple[str, str]]:
    """(token, literal) pairs; a keyword is its own token, anything else an identifier."""
    out: list[tuple[str, str]] = []
    i, n = 0, len(text)
    while True:
        while i < n and text[i] in " \t\r\n":
            i += 1
        if i >= n or text[i] == "\0":
            out.append((_END, ""))
            return out
        if text[i] in _SPECIAL:
            j, last = i, None
            while j < n and text[j] in _SPECIAL:
                j += 1
                if text[i:j] in _SYMBOLS:
                    last = j
                elif last is not None:
                    break
            if last is None:
                out.append((_ERROR, f"error expected: keyword found '{text[i:j]}'"))
                i = j
            else:
                out.append((_SYMBOLS[text[i:last]], text[i:last]))
                i = last
        else:
            j = i
            while j < n and text[j] not in _SPECIAL and text[j] not in " \t\r\n\0":
                j += 1
            word = text[i:j]
            out.append((_WORDS.get(word, _ID), word))
            i = j


class _Parser:
    def __init__(self, text: str) -> None:
        self.items = _lex(text)
        self.pos = 0

    def peek(self, values: bool = True) -> tuple[str, str]:
        tok, lit = self.items[self.pos]
        return (_ID if values and tok in ("in", "notin") else tok), lit

    def take(self, values: bool = True) -> tuple[str, str]:
        item = self.peek(values)
        self.pos += 1
        return item

    def parse(self) -> list[Requirement]:
        reqs: list[Requirement] = []
        while True:
            tok, lit = self.peek()
            if tok == _END:
                return reqs
            if tok not in (_ID, "!"):
                raise ValueError(f"found '{lit}', expected: !, identifier, or 'end of string'")
            try:
                reqs.append(self.requirement())
            except ValueError as exc:
                raise ValueError(f"unable to parse requirement: {exc}") from None
            tok, lit = self.take()
            if tok == _END:
                return reqs
            if tok != ",":
                raise ValueError(f"found '{lit}', expected: ',' or 'end of string'")
            tok2, lit2 = self.peek()
            if tok2 not in (_ID, "!"):
                raise ValueError(f"found '{lit2}', expected: identifier after ','")

    def requirement(self) -> Requirement:
        negated = False
        tok, key = self.take()
        if tok == "!":
            negated = True
            tok, key = self.take()
        if tok != _ID:
            raise ValueError(f"found '{key}', expected: identifier")
        if error := _key_error(key):
            raise ValueError(error)
        if self.peek()[0] in (_END, ","):
            return Requirement(key, "!exists" if negated else "exists")
        if negated:  # "!key" followed by anything but the end or a comma
            return Requirement(key, "!exists")
        tok, lit = self.take(values=False)
        ops = {"in": "in", "notin": "notin", "=": "=", "==": "=", "!=": "!=", ">": "gt", "<": "lt"}
        if tok not in ops:
            raise ValueError(f"found '{lit}', expected: {_BINARY}")
        op = ops[tok]
        r = Requirement(key, op, self.set_values() if op in ("in", "notin") else (self.exact_value(),))
        if error := _value_errors(r):
            raise ValueError(error)
        return r

    def set_values(self) -> tuple[str, ...]:
        tok, lit = self.take()
        if tok != "(":
            raise ValueError(f"found '{lit}' expected: '('")
        tok, lit = self.peek()
        if tok == ")":
            self.take()
            return ("",)
        if tok not in (_ID, ","):
            raise ValueError(f"found '{lit}', expected: ',', ')' or identifier")
        values: set[str] = set()
        while True:
            tok, lit = self.take()
            if tok == _ID:
                values.add(lit)
                tok2, lit2 = self.peek()
                if tok2 == ",":
                    continue
                if tok2 == ")":
                    break
                raise ValueError(f"found '{lit2}', expected: ',' or ')'")
            if tok == ",":
                if not values:
                    values.add("")
                tok2, _ = self.peek()
                if tok2 == ")":
                    values.add("")
                    break
                if tok2 == ",":
                    values.add("")
                continue
            raise ValueError(f"found '{lit}', expected: ',', or identifier")
        if self.take()[0] != ")":
            raise ValueError(f"found '{lit}', expected: ')'")
        return tuple(sorted(values))

    def exact_value(self) -> str:
        tok, _ = self.peek()
        if tok in (_END, ","):
            return ""
        tok, lit = self.take()
        if tok == _ID:
            return lit
        raise ValueError(f"found '{lit}', expected: identifier")


def parse_label_selector(text: str) -> tuple[Requirement, ...]:
    try:
        reqs = _Parser(text).parse()
    except ValueError as exc:
        raise InvalidParams(str(exc)) from None
    return tuple(reqs)


# Fields the apiserver accepts per (group, resource), for the kinds that register a field label conversion
# (pkg/apis/core/v1/conversion.go, pkg/apis/events/v1/conversion.go, 1.37); an unknown field there is "field
# label not supported".
_FIELDS: dict[tuple[str, str], tuple[str, ...]] = {
    ("", "pods"): ("metadata.name", "metadata.namespace", "spec.nodeName", "spec.restartPolicy", "spec.schedulerName",
                   "spec.serviceAccountName", "spec.hostNetwork", "status.phase", "status.podIP", "status.podIPs",
                   "status.nominatedNodeName", "spec.host"),
    ("", "nodes"): ("metadata.name", "spec.unschedulable"),
    ("", "replicationcontrollers"): ("metadata.name", "metadata.namespace", "status.replicas"),
    ("", "events"): ("involvedObject.kind", "involvedObject.namespace", "involvedObject.name", "involvedObject.uid",
                     "involvedObject.apiVersion", "involvedObject.resourceVersion", "involvedObject.fieldPath",
                     "reason", "reportingComponent", "source", "type", "metadata.namespace", "metadata.name"),
    ("events.k8s.io", "events"): ("reason", "regarding.kind", "regarding.namespace", "regarding.name",
                                  "regarding.uid", "regarding.apiVersion", "regarding.resourceVersion",
                                  "regarding.fieldPath", "reportingController", "type", "metadata.namespace",
                                  "metadata.name"),
    ("", "namespaces"): ("status.phase", "metadata.name"),
    ("", "secrets"): ("type", "metadata.namespace", "metadata.name"),
    ("", "services"): ("metadata.namespace", "metadata.name", "spec.clusterIP", "spec.type"),
    ("batch", "jobs"): ("metadata.name", "metadata.namespace", "status.successful"),
    ("certificates.k8s.io", "certificatesigningrequests"): ("metadata.name", "spec.signerName"),
    ("certificates.k8s.io", "clustertrustbundles"): ("metadata.name", "spec.signerName"),
    ("certificates.k8s.io", "podcertificaterequests"): ("metadata.name", "spec.signerName", "spec.podName",
                                                        "spec.nodeName"),
    ("resource.k8s.io", "resourceslices"): ("metadata.name", "spec.nodeName", "spec.driver", "spec.pool.name"),
}
_META = ("metadata.name", "metadata.namespace")
# Renamed on the way in, as the apiserver's conversion does ("for old v1 clients").
_ALIASES = {("", "pods", "spec.host"): "spec.nodeName"}


def _event_source(obj: dict[str, Any]) -> str:
    """An Event's `source` field (event.ToSelectableFields): its source's component, else its reporting
    controller."""
    source = obj.get("source")
    component = source.get("component") if isinstance(source, dict) else None
    return str(component or obj.get("reportingComponent") or "")


def _pod_ip(obj: dict[str, Any]) -> str:
    """A Pod's `status.podIP` (pod.ToSelectableFields): the first of its podIPs, "" when none."""
    ips = (obj.get("status") or {}).get("podIPs") or [{}]
    return str(ips[0].get("ip") or "") if isinstance(ips[0], dict) else ""


def _go_value(path: str, zero: str) -> Callable[[dict[str, Any]], str]:
    """A field printed as Go prints its value (strconv.FormatBool, strconv.Itoa), its zero value where the
    object leaves it out (false, 0); a Job's status.successful is its status.succeeded."""
    return lambda obj: _field_value(obj, path) or zero


# Fields whose value is worked out rather than read at their path, by resource and the field as a selector
# names it: a Pod's status.podIPs is a label its conversion accepts but its selectable fields never hold, so
# it is always "".
_COMPUTED: dict[tuple[str, str], dict[str, Callable[[dict[str, Any]], str]]] = {
    ("", "events"): {"source": _event_source},
    ("batch", "jobs"): {"status.successful": _go_value("status.succeeded", "0")},
    ("", "pods"): {"spec.hostNetwork": _go_value("spec.hostNetwork", "false"), "status.podIP": _pod_ip,
                   "status.podIPs": lambda obj: ""},
    ("", "nodes"): {"spec.unschedulable": _go_value("spec.unschedulable", "false")},
    ("", "replicationcontrollers"): {"status.replicas": _go_value("status.replicas", "0")}}


# The kinds whose field label conversion words its refusal its own way (a ResourceSlice's names its version:
# the stable one's here).
_UNKNOWN_FIELD = {("batch", "jobs"): 'field label "{}" not supported for Job',
                  ("resource.k8s.io", "resourceslices"):
                      "field label not supported for resource.k8s.io/v1, Kind=ResourceSlice: {}"}


def _unknown_field(group: str, resource: str, label: str) -> str:
    """The apiserver's words: a kind with its own conversion (and every custom resource) says "not supported";
    other built-in kinds get the default conversion's message (apimachinery runtime/conversion.go)."""
    if (group, resource) in _UNKNOWN_FIELD:
        return _UNKNOWN_FIELD[(group, resource)].format(label)
    if (group, resource) in _FIELDS or not any(r.plural == resource and r.group == group for r in BUILTIN):
        return f"field label not supported: {label}"
    return f'"{label}" is not a known field selector: only "metadata.name", "metadata.namespace"'


def _field_value(obj: dict[str, Any], path: str) -> str:
    node: Any = obj
    for p in path.split("."):
        node = node.get(p) if isinstance(node, dict) else None
    if isinstance(node, bool):
        return "true" if node else "false"
    return "" if node is None else str(node)


@dataclass(frozen=True, slots=True)
class FieldRequirement:
    field: str
    equal: bool
    value: str


_FIELD_TERM = re.compile(r"(.*?)(!=|==|=)(.*)", re.DOTALL)  # a field selector's term, at its first operator


def field_terms(text: str) -> list[tuple[str, bool, str]]:
    """fields.ParseSelector: (field, equal, value) per term. Terms split at unescaped commas and taken in
    sorted order, each at its first operator with nothing trimmed (`a = b` is the field "a "), values
    unescaped (`\\,`, `\\=`, `\\\\`; a bare `,` or `=` in one is refused)."""
    terms = []
    for part in sorted(_split_terms(text)):
        if not part:
            continue
        m = _FIELD_TERM.match(part)
        if not m:
            raise InvalidParams(f"invalid selector: '{text}'; can't understand '{part}'")
        terms.append((m.group(1), m.group(2) != "!=", _unescaped(m.group(3))))
    return terms


def parse_field_selector(text: str, resource: str, group: str = "") -> tuple[FieldRequirement, ...]:
    """field_terms, then the field label conversion of `resource`."""
    allowed = _FIELDS.get((group, resource), _META)
    out = []
    for label, equal, value in field_terms(text):
        if label not in allowed:
            raise InvalidParams(_unknown_field(group, resource, label))
        out.append(FieldRequirement(_ALIASES.get((group, resource, label), label), equal, value))
    return tuple(out)


def exact_match(text: str, field: str) -> str | None:
    """The value a field selector requires `field` to equal (fields.Selector.RequiresExactMatch: its first
    equality term of the field, in sorted order), None where it requires none or does not parse."""
    for part in sorted(_split_terms(text)):
        m = _FIELD_TERM.match(part)
        if m is None and part:
            return None
        if m is not None and m.group(1) == field and m.group(2) != "!=":
            try:
                return _unescaped(m.group(3))
            except InvalidParams:
                return None
    return None


def for_name(text: str, name: str) -> str:
    """The field selector of a list or watch of one object by name (the legacy /watch/.../NAME path), as
    listOpts makes it: the name's own where none is given, else the one given, which must require that name
    (checked after the selector's fields are, so an unknown field is refused first)."""
    if not any(_split_terms(text)):
        return "metadata.name=" + "".join("\\" + c if c in "\\,=" else c for c in name)
    if exact_match(text, "metadata.name") != name:
        raise InvalidParams("fieldSelector metadata.name doesn't match requested name")
    return text


def _split_terms(text: str) -> list[str]:
    """fields.splitTerms: at each comma not escaped by a backslash."""
    if not text:
        return []
    terms, start, escaped = [], 0, False
    for i, c in enumerate(text):
        if escaped:
            escaped = False
        elif c == "\\":
            escaped = True
        elif c == ",":
            terms.append(text[start:i])
            start = i + 1
    return [*terms, text[start:]]


def _unescaped(value: str) -> str:
    """fields.UnescapeValue, its errors in its words (a rune is printed as its number: Go's %v of a rune)."""
    out, escaped = [], False
    for c in value:
        if escaped:
            if c not in "\\,=":
                raise InvalidParams(f"invalid field selector: invalid escape sequence: \\{c}")
            out.append(c)
            escaped = False
        elif c == "\\":
            escaped = True
        elif c in ",=":
            raise InvalidParams(f"invalid field selector: unescaped character in value: {ord(c)}")
        else:
            out.append(c)
    if escaped:
        raise InvalidParams("invalid field selector: invalid escape sequence: \\")
    return "".join(out)


def matcher(label_selector: str, field_selector: str, resource: str, group: str = ""
            ) -> Callable[[dict[str, Any]], bool]:
    """A predicate over objects of `resource` in `group`; raises InvalidParams (400) for selectors the apiserver
    would refuse."""
    labels = parse_label_selector(label_selector)
    fields = parse_field_selector(field_selector, resource, group)
    computed = _COMPUTED.get((group, resource), {})
    if not labels and not fields:
        return lambda obj: True

    def match(obj: dict[str, Any]) -> bool:
        meta = obj.get("metadata") or {}
        lab = meta.get("labels") or {}
        if not all(r.matches(lab) for r in labels):
            return False
        return all(((computed[f.field](obj) if f.field in computed else _field_value(obj, f.field)) == f.value)
                   == f.equal for f in fields)

    return match


def selector_matches(selector: Any, labels: dict[str, str]) -> bool:
    """metav1.LabelSelectorAsSelector: no selector selects nothing, an empty one everything."""
    if not isinstance(selector, dict):
        return False
    if any(labels.get(k) != v for k, v in (selector.get("matchLabels") or {}).items()):
        return False
    for expr in selector.get("matchExpressions") or []:
        key, op, values = expr.get("key", ""), expr.get("operator", ""), expr.get("values") or []
        ok = {"In": key in labels and labels[key] in values, "NotIn": labels.get(key) not in values,
              "Exists": key in labels, "DoesNotExist": key not in labels}.get(op)
        if not ok:
            return False  # an unknown operator is an invalid selector, which selects nothing
    return True
