"""A CustomResourceDefinition's openAPIV3Schema as the apiextensions-apiserver checks it before accepting the
definition: structural (ValidateStructural: a type for every field, anyOf/allOf/oneOf/not holding value
validations only, metadata left alone) and within what the OpenAPI schema of a definition may say
(ValidateCustomResourceDefinitionOpenAPISchema: no $ref, uniqueItems or the like; the markers server-side
apply reads). Pure: schema dicts in, causes out, in the apiserver's order.

Ported from k8s.io/apiextensions-apiserver pkg/apiserver/schema (validation.go, complete.go, convert.go) and
pkg/apis/apiextensions/validation (validation.go). Left out: the rules on defaults, patterns Go cannot
compile, and of CEL rules' compilation all but what celcheck.py checks, and their cost.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from . import celcheck
from .fielderrors import Cause, forbidden, invalid, not_supported, required
from .schema import EMBEDDED, additional_of, items_of, properties_of

Obj = dict[str, Any]

# the one place a value validation may name types: an int-or-string's (isIntOrStringAnyOfPattern)
_INT_OR_STRING_ANY_OF = [{"type": "integer"}, {"type": "string"}]
# what a schema's conversion to a structural one refuses (validateUnsupportedFields); ValidateStructural is then
# skipped, and the OpenAPI schema's own rules say why
_UNSUPPORTED = ("id", "$schema", "$ref", "patternProperties", "dependencies", "definitions")


def causes(s: Obj, path: str) -> list[Cause]:
    """The causes of a 422 for a definition's schema at `path`: a nullable root, the structural rules' (sorted
    by their text, as Go sorts them), then the OpenAPI schema rules', then, where the schema is structural, its
    CEL rules' compilation."""
    out = [forbidden(f"{path}.nullable", "nullable cannot be true at the root")] if s.get("nullable") else []
    structural = sorted(_invariants(s, "root", path) + _completeness(s, path), key=lambda c: f"{c[0]}: {c[2]}") \
        if _convertible(s) else None
    out += (structural or []) + _openapi(s, path)
    return out + _rule_compilation(s, path, True) if structural == [] else out


def _dict(value: Any) -> Obj | None:
    return value if isinstance(value, dict) else None


def _branches(s: Obj, key: str) -> list[Obj]:
    return [b for b in s.get(key) or () if isinstance(b, dict)] if isinstance(s.get(key), list) else []


def nodes(node: Any) -> Iterator[Obj]:
    """Every schema in one, itself first (SchemaHas's walk; properties in the schema's order, not Go's random
    one)."""
    if not isinstance(node, dict):
        return
    yield node
    items = node.get("items")
    for child in [*(items if isinstance(items, list) else [items]), *(node.get("allOf") or []),
                  *(node.get("anyOf") or []), *(node.get("oneOf") or []), node.get("not"),
                  *((node.get("properties") or {}).values()), node.get("additionalProperties"),
                  *((node.get("patternProperties") or {}).values()), node.get("additionalItems"),
                  *((node.get("definitions") or {}).values())]:
        yield from nodes(child)


def _convertible(s: Obj) -> bool:
    """Whether NewStructural converts the schema (no unsupported keyword, a single items schema, no
    x-kubernetes-preserve-unknown-fields: false) anywhere."""
    return not any(any(n.get(k) for k in _UNSUPPORTED) or n.get("additionalItems") is not None
                   or isinstance(n.get("items"), list) or n.get("x-kubernetes-preserve-unknown-fields") is False
                   for n in nodes(s))


def _invariants(s: Obj, level: str, path: str) -> list[Cause]:
    """validateStructuralInvariants: one node of the structural part and its value validations."""
    out: list[Cause] = []
    typ, items, additional = s.get("type") or "", items_of(s), s.get("additionalProperties")
    embedded, int_or_string = bool(s.get(EMBEDDED)), bool(s.get("x-kubernetes-int-or-string"))
    preserve = bool(s.get("x-kubernetes-preserve-unknown-fields"))
    if typ == "array" and items is None:
        out.append(required(f"{path}.items", "must be specified"))
    if items is not None:
        out += _invariants(items, "item", f"{path}.items")
    for name, child in properties_of(s).items():
        if isinstance(child, dict):
            out += _invariants(child, "field", f"{path}.properties[{name}]")
    if additional is not None:
        if level == "root":
            out.append(forbidden(f"{path}.additionalProperties", "must not be used at the root"))
        if isinstance(additional, dict):
            out += _invariants(additional, "field", f"{path}.additionalProperties")
    if int_or_string and preserve:
        out.append(invalid(f"{path}.x-kubernetes-preserve-unknown-fields", True,
                           "must be false if x-kubernetes-int-or-string is true"))
    if int_or_string and embedded:
        out.append(invalid(f"{path}.x-kubernetes-embedded-resource", True,
                           "must be false if x-kubernetes-int-or-string is true"))
    all_of = _branches(s, "allOf")
    out += _value_validation(s, path, skip_any_of=_is_int_or_string(_branches(s, "anyOf")),
                             skip_first_any_of=bool(all_of) and _is_int_or_string(_branches(all_of[0], "anyOf")))
    if embedded and typ != "object":
        why = "must be object if x-kubernetes-embedded-resource is true"
        out.append(invalid(f"{path}.type", typ, why) if typ else required(f"{path}.type", why))
    elif not typ and not int_or_string and not preserve:
        where = {"root": "at the root", "item": "for specified array items", "field": "for specified object fields"}
        out.append(required(f"{path}.type", f"must not be empty {where[level]}"))
    if embedded and additional is not None:
        out.append(forbidden(f"{path}.additionalProperties",
                             "must not be used if x-kubernetes-embedded-resource is set"))
    if level == "root" and typ and typ != "object":
        out.append(invalid(f"{path}.type", typ, "must be object at the root"))
    props = properties_of(s)
    for key in ("kind", "apiVersion"):
        if isinstance(props.get(key), dict) and (level == "root" or embedded) \
                and (props[key].get("type") or "") != "string":
            out.append(invalid(f"{path}.properties[{key}].type", props[key].get("type") or "", "must be string"))
    if isinstance(props.get("metadata"), dict):
        out += _metadata(props["metadata"], level == "root" or embedded, level == "root",
                         f"{path}.properties[metadata]")
    if embedded and not preserve and not props:
        out.append(required(f"{path}.properties", "must not be empty if x-kubernetes-embedded-resource is true "
                                                  "without x-kubernetes-preserve-unknown-fields"))
    return out


def _is_int_or_string(branches: list[Obj]) -> bool:
    return [{k: v for k, v in b.items() if v not in (None, False, "", [], {})} for b in branches] \
        == _INT_OR_STRING_ANY_OF


def _metadata(s: Obj, checked: bool, root: bool, path: str) -> list[Cause]:
    """validateStructuralMetadataInvariants: an object, and at the root nothing said of it but the name and
    generateName (the apiserver owns ObjectMeta's schema)."""
    out = [invalid(f"{path}.type", s.get("type") or "", "must be object")] \
        if checked and s.get("type") != "object" else []
    if root:
        names = set(properties_of(s))
        plain = names in ({"name", "generateName"}, {"name"}, {"generateName"})
        rest = {k: v for k, v in s.items() if k not in ("type", "default") and not (k == "properties" and plain)
                and v not in (None, False, "", [], {})}
        if rest:
            out.append(forbidden(path, "must not specify anything other than name and generateName, but metadata "
                                       "is implicitly specified"))
    return out


def _value_validation(s: Obj, path: str, *, skip_any_of: bool = False, skip_first_any_of: bool = False
                      ) -> list[Cause]:
    """validateValueValidation: what anyOf, allOf, oneOf and not hold (an int-or-string's anyOf aside)."""
    out: list[Cause] = []
    if not skip_any_of:
        for i, branch in enumerate(_branches(s, "anyOf")):
            out += _nested(branch, f"{path}.anyOf[{i}]")
    for i, branch in enumerate(_branches(s, "allOf")):
        out += _nested(branch, f"{path}.allOf[{i}]", skip_any_of=skip_first_any_of and i == 0)
    for i, branch in enumerate(_branches(s, "oneOf")):
        out += _nested(branch, f"{path}.oneOf[{i}]")
    if isinstance(s.get("not"), dict):
        out += _nested(s["not"], f"{path}.not")
    return out


# what a value validation may not say, each with the words of its refusal: said where the value is not null
# (`given`) or, for the rest, where it is not empty or false
_FORBIDDEN_NESTED = (("type", "must be empty"), ("default", "must be undefined"), ("title", "must be empty"),
                     ("description", "must be empty"), ("nullable", "must be false"),
                     ("x-kubernetes-preserve-unknown-fields", "must be false"),
                     ("x-kubernetes-embedded-resource", "must be false"),
                     ("x-kubernetes-int-or-string", "must be false"),
                     ("x-kubernetes-list-map-keys", "must be empty"), ("x-kubernetes-list-type", "must be undefined"),
                     ("x-kubernetes-map-type", "must be undefined"), ("x-kubernetes-validations", "must be empty"))
_GIVEN = frozenset({"default", "x-kubernetes-list-type", "x-kubernetes-map-type"})


def _nested(v: Obj, path: str, *, skip_any_of: bool = False) -> list[Cause]:
    """validateNestedValueValidation: a value validation with no structure of its own."""
    out = _value_validation(v, path, skip_any_of=skip_any_of)
    if isinstance(v.get("items"), dict):
        out += _nested(v["items"], f"{path}.items")
    for name, child in properties_of(v).items():
        if isinstance(child, dict):
            out += _nested(child, f"{path}.properties[{name}]")
    if v.get("additionalProperties") is True or isinstance(v.get("additionalProperties"), dict):
        out.append(forbidden(f"{path}.additionalProperties", "must be undefined to be structural"))
    for key, words in _FORBIDDEN_NESTED:
        if (v.get(key) is not None) if key in _GIVEN else bool(v.get(key)):
            out.append(forbidden(f"{path}.{key}", f"{words} to be structural"))
    if "metadata" in properties_of(v):
        out.append(forbidden(f"{path}.properties[metadata]", "must not be specified in a nested context"))
    return out


def _completeness(s: Obj, path: str) -> list[Cause]:
    """validateStructuralCompleteness: what the root's anyOf, allOf, oneOf and not name must be in the
    structural part (only the root's: Go does not walk further)."""
    return _complete(s, s, path, path)


def _complete(v: Obj, s: Obj | None, s_path: str, v_path: str) -> list[Cause]:
    if s is None:
        return [required(s_path, f"because it is defined in {v_path}")]
    out: list[Cause] = []
    if isinstance(v.get("not"), dict):
        out += _complete_nested(v["not"], s, s_path, f"{v_path}.not")
    for key in ("allOf", "anyOf", "oneOf"):
        for i, branch in enumerate(_branches(v, key)):
            out += _complete_nested(branch, s, s_path, f"{v_path}.{key}[{i}]")
    return out


def _complete_nested(v: Obj, s: Obj | None, s_path: str, v_path: str) -> list[Cause]:
    if s is None:
        return [required(s_path, f"because it is defined in {v_path}")]
    out = _complete(v, s, s_path, v_path)
    if isinstance(v.get("items"), dict):
        out += _complete_nested(v["items"], items_of(s), f"{s_path}.items", f"{v_path}.items")
    props = properties_of(s)
    for name, child in properties_of(v).items():
        if not isinstance(child, dict):
            continue
        if name not in props:
            out.append(required(f"{s_path}.properties[{name}]",
                                f"because it is defined in {v_path}.properties[{name}]"))
        else:
            out += _complete_nested(child, _dict(props[name]), f"{s_path}.properties[{name}]",
                                    f"{v_path}.properties[{name}]")
    return out


# the keywords a definition's schema may not use (specStandardValidatorV3.validate), each with its refusal
_NOT_SUPPORTED = (("id", "id is not supported"), ("additionalItems", "additionalItems is not supported"),
                  ("patternProperties", "patternProperties is not supported"),
                  ("definitions", "definitions is not supported"), ("dependencies", "dependencies is not supported"),
                  ("$ref", "$ref is not supported"))
_NOT_NULL = frozenset({"additionalItems", "dependencies", "$ref"})
_TYPES = ("array", "boolean", "integer", "number", "object", "string")
_NEWLINE = re.compile(r"[\n\r]+")
_RULE_REASONS = ("FieldValueDuplicate", "FieldValueForbidden", "FieldValueInvalid", "FieldValueRequired")


def _openapi(s: Any, path: str) -> list[Cause]:
    """ValidateCustomResourceDefinitionOpenAPISchema, in part and in its order: keywords a definition may not
    use, uniqueItems, properties beside additionalProperties, each nested schema, then the markers server-side
    apply reads (list and map types on lists and maps, a set's items atomic, a list-map's keys scalar
    properties of object items)."""
    if not isinstance(s, dict):
        return []
    out: list[Cause] = []
    typ, items, additional = s.get("type") or "", s.get("items"), s.get("additionalProperties")
    if typ and typ not in _TYPES:
        out.append(not_supported(f"{path}.type", typ, _TYPES, plain=True))
    for key, why in _NOT_SUPPORTED:
        if (s.get(key) is not None) if key in _NOT_NULL else bool(s.get(key)):
            out.append(forbidden(f"{path}.{key}", why))
    if typ == "null":
        out.append(forbidden(f"{path}.type", "type cannot be set to null, use nullable as an alternative"))
    if isinstance(items, list) and items:
        out.append(forbidden(f"{path}.items", "items must be a schema object and not an array"))
    if s.get("uniqueItems") is True:
        out.append(forbidden(f"{path}.uniqueItems",
                             "uniqueItems cannot be set to true since the runtime complexity becomes quadratic"))
    props = properties_of(s)
    if additional is not None and props and (additional is False or isinstance(additional, dict)):
        out.append(forbidden(f"{path}.additionalProperties", "additionalProperties and properties are mutual "
                                                             "exclusive"))
    if isinstance(additional, dict):
        out += _openapi(additional, f"{path}.additionalProperties")
    for name, child in props.items():
        out += _openapi(child, f"{path}.properties[{name}]")
    out += _openapi(s.get("not"), f"{path}.not")
    for key in ("allOf", "oneOf", "anyOf"):
        for i, branch in enumerate(_branches(s, key)):
            out += _openapi(branch, f"{path}.{key}[{i}]")
    if isinstance(items, dict):
        out += _openapi(items, f"{path}.items")
    return out + _markers(s, path)


def _markers(s: Obj, path: str) -> list[Cause]:
    out: list[Cause] = []
    typ, items = s.get("type") or "", s.get("items")
    list_type, map_type, keys = s.get("x-kubernetes-list-type"), s.get("x-kubernetes-map-type"), \
        s.get("x-kubernetes-list-map-keys") or []
    if s.get("x-kubernetes-preserve-unknown-fields") is False:
        out.append(invalid(f"{path}.x-kubernetes-preserve-unknown-fields", False, "must be true or undefined"))
    if map_type is not None and typ != "object":
        why = "must be object if x-kubernetes-map-type is specified"
        out.append(invalid(f"{path}.type", typ, why) if typ else required(f"{path}.type", why))
    if map_type is not None and map_type not in ("atomic", "granular"):
        out.append(not_supported(f"{path}.x-kubernetes-map-type", map_type, ["atomic", "granular"], plain=True))
    if list_type is not None and typ != "array":
        why = "must be array if x-kubernetes-list-type is specified"
        out.append(invalid(f"{path}.type", typ, why) if typ else required(f"{path}.type", why))
    elif list_type == "set" and isinstance(items, dict):
        why = "must be atomic as item of a list with x-kubernetes-list-type=set"
        item_list = items.get("x-kubernetes-list-type")
        if items.get("type") == "array" and item_list is not None and item_list != "atomic":
            out.append(invalid(f"{path}.items.x-kubernetes-list-type", item_list, why))
        if items.get("type") == "object" and items.get("x-kubernetes-map-type") != "atomic":
            out.append(invalid(f"{path}.items.x-kubernetes-map-type", item_list, why))  # (Go prints the list type)
    if list_type is not None and list_type not in ("atomic", "set", "map"):
        out.append(not_supported(f"{path}.x-kubernetes-list-type", list_type, ["atomic", "set", "map"], plain=True))
    if keys and list_type != "map":
        why = "must be map if x-kubernetes-list-map-keys is non-empty"
        out.append(invalid(f"{path}.x-kubernetes-list-type", list_type, why) if list_type is not None
                   else required(f"{path}.x-kubernetes-list-type", why))
    if list_type == "map":
        if not keys:
            out.append(required(f"{path}.x-kubernetes-list-map-keys",
                                "must not be empty if x-kubernetes-list-type is map"))
        if not isinstance(items, dict):
            out.append(required(f"{path}.items", "must have a schema if x-kubernetes-list-type is map"))
        elif items.get("type") != "object":
            out.append(invalid(f"{path}.items.type", items.get("type") or "",
                               "must be object if parent array's x-kubernetes-list-type is map"))
        else:
            item_props = properties_of(items)
            for i, k in enumerate(keys):
                if k not in item_props:
                    out.append(invalid(f"{path}.x-kubernetes-list-map-keys", keys,
                                       "entries must all be names of item properties"))
                elif isinstance(item_props[k], dict) and item_props[k].get("type") in ("array", "object"):
                    out.append(invalid(f"{path}.items.properties[{k}].type", "object",
                                       "must be a scalar type if parent array's x-kubernetes-list-type is map"))
                if k in keys[:i]:
                    out.append(invalid(f"{path}.x-kubernetes-list-map-keys", keys,
                                       "must not contain duplicate entries"))
    return out + _keyed_items(s, path) + _rule_causes(s, path)


def _rule_causes(s: Obj, path: str) -> list[Cause]:
    """A CEL rule's text and words: a rule, a message that is not blank and on one line (one a rule on several
    lines needs), a known reason, a field path that is a path to a field from the rule's place. (Its
    compilation: _rule_compilation.)"""
    out: list[Cause] = []
    for i, rule in enumerate(s.get("x-kubernetes-validations") or ()):
        if not isinstance(rule, dict):
            continue
        where = f"{path}.x-kubernetes-validations[{i}]"
        text, message = str(rule.get("rule") or "").strip(), str(rule.get("message") or "")
        if not text:
            out.append(required(f"{where}.rule", "rule is not specified"))
        elif message and not message.strip():
            out.append(invalid(f"{where}.message", message, "must be non-empty if specified"))
        elif _NEWLINE.search(message.strip()):
            out.append(invalid(f"{where}.message", message, "must not contain line breaks"))
        elif _NEWLINE.search(text) and not message.strip():
            out.append(required(f"{where}.message", "message must be specified if rule contains line breaks"))
        if rule.get("messageExpression") and not str(rule["messageExpression"]).strip():
            out.append(required(f"{where}.messageExpression", "messageExpression must be non-empty if specified"))
        if rule.get("reason") is not None and rule["reason"] not in _RULE_REASONS:
            out.append(not_supported(f"{where}.reason", rule["reason"], _RULE_REASONS))
        field_path = rule.get("fieldPath")
        if isinstance(field_path, str) and field_path:
            if not field_path.strip():
                out.append(invalid(f"{where}.fieldPath", field_path, "must be non-empty if specified"))
            if _NEWLINE.search(field_path):
                out.append(invalid(f"{where}.fieldPath", field_path, "must not contain line breaks"))
            if _convertible(s) and not _valid_field_path(field_path, s):
                out.append(invalid(f"{where}.fieldPath", field_path, "must be a valid path"))
    return out


_PATH_TOKEN = re.compile(r"'(?:[^'\\]|\\.)*'|'.*|[.\[\]]|[^.\[\]]+", re.DOTALL)
_QUOTED_ESCAPES = {"a": "\a", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v", "'": "'",
                   "\\": "\\"}


def _valid_field_path(path: str, s: Obj) -> bool:
    """cel.ValidFieldPath from the rule's node: `.name` and `['name']` steps through properties, or through a
    map's keys where the node has additionalProperties instead."""
    tokens = _PATH_TOKEN.findall(path)
    node: Any = s
    i = 0
    while i < len(tokens):
        tok, i = tokens[i], i + 1
        if tok == "[":
            if i + 2 > len(tokens) or len(tokens[i]) < 2 or tokens[i][0] != "'" or tokens[i][-1] != "'" \
                    or tokens[i + 1] != "]":
                return False
            name, i = _unquoted(tokens[i][1:-1]), i + 2
        elif tok == "." and i < len(tokens):
            name, i = tokens[i], i + 1
        else:
            return False
        if name is None or not isinstance(node, dict):
            return False
        if "properties" in node:
            node = properties_of(node).get(name)
            if node is None:
                return False
        elif "additionalProperties" in node:
            node = additional_of(node)
        else:
            return False
    return True


def _unquoted(text: str) -> str | None:
    """unescapeSingleQuote: None for an escape it does not know."""
    unknown: list[str] = []

    def one(m: re.Match[str]) -> str:
        if m.group(1) not in _QUOTED_ESCAPES:
            unknown.append(m.group(0))
        return _QUOTED_ESCAPES.get(m.group(1), "")
    out = re.sub(r"\\(.)", one, text, flags=re.DOTALL)
    return None if unknown else out


def _rule_compilation(s: Any, path: str, resource: bool, uncorrelatable: str = "") -> list[Cause]:
    """What compiling each CEL rule says (celcheck), a node's children's before its own, in the walk's order
    (additionalProperties, properties, items); a node's rules only where the OpenAPI schema rules find nothing
    at or under it, as the apiserver compiles them. Under the items of a list that is not a list-map
    (`uncorrelatable`: the outermost such list), old and new values cannot be matched, so no rule may name
    oldSelf; a rule that does not may not set optionalOldSelf."""
    if not isinstance(s, dict):
        return []
    out: list[Cause] = []
    items_under = uncorrelatable or (path if s.get("x-kubernetes-list-type") != "map" else "")
    children = [(additional_of(s), f"{path}.additionalProperties", uncorrelatable),
                *((child, f"{path}.properties[{name}]", uncorrelatable) for name, child in properties_of(s).items()),
                (items_of(s), f"{path}.items", items_under)]
    for child, where, under in children:
        if isinstance(child, dict):
            out += _rule_compilation(child, where, bool(child.get(EMBEDDED)), under)
    rules = s.get("x-kubernetes-validations") or ()
    for i, rule in enumerate(rules if rules and not _openapi(s, path) else ()):
        if not isinstance(rule, dict) or not isinstance(rule.get("rule"), str):
            continue
        where = f"{path}.x-kubernetes-validations[{i}]"
        optional = rule.get("optionalOldSelf") is True
        why = celcheck.rule_error(rule["rule"], s, resource, optional)
        expression = rule.get("messageExpression")
        said = celcheck.message_error(expression, s, resource, optional) \
            if not why and isinstance(expression, str) and expression else None
        shown = {"Rule": rule["rule"], "Message": rule.get("message") or "",  # the internal struct, as Go prints it
                 "MessageExpression": expression or "", "Reason": rule.get("reason"),
                 "FieldPath": rule.get("fieldPath") or "", "OptionalOldSelf": rule.get("optionalOldSelf")}
        if why:
            out.append(invalid(f"{where}.rule", shown, why))
        if said:
            out.append(invalid(f"{where}.messageExpression", shown, said))
        if not why and celcheck.names_old_self(rule["rule"]):
            if uncorrelatable:
                out.append(invalid(f"{where}.rule", rule["rule"], "oldSelf cannot be used on the uncorrelatable "
                                                                  f"portion of the schema within {uncorrelatable}"))
        elif isinstance(rule.get("optionalOldSelf"), bool):
            out.append(invalid(f"{where}.optionalOldSelf", rule["optionalOldSelf"],
                               "may not be set if oldSelf is not used in rule"))
    return out


def _keyed_items(s: Obj, path: str) -> list[Cause]:
    """validateMapListKeysMapSet: a set's or list-map's items are not nullable, a list-map's keys are required
    or defaulted, and not nullable."""
    items, list_type = s.get("items"), s.get("x-kubernetes-list-type")
    if not isinstance(items, dict) or list_type not in ("set", "map"):
        return []
    out = [forbidden(f"{path}.items.nullable", f"cannot be nullable when x-kubernetes-list-type is {list_type}")
           ] if items.get("nullable") else []
    props = properties_of(items) if list_type == "map" else {}
    for k in s.get("x-kubernetes-list-map-keys") or []:
        if not isinstance(props.get(k), dict):
            continue
        if k not in (items.get("required") or []) and "default" not in props[k]:
            out.append(required(f"{path}.items.properties[{k}].default",
                                "this property is in x-kubernetes-list-map-keys, so it must have a default or be a "
                                "required property"))
        if props[k].get("nullable"):
            out.append(forbidden(f"{path}.items.properties[{k}].nullable",
                                 "this property is in x-kubernetes-list-map-keys, so it cannot be nullable"))
    return out
