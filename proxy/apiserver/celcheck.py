"""A definition's CEL rules checked as the apiextensions-apiserver compiles them when the definition is
written, for the mistakes typing makes most: a field the schema does not declare at the rule's place
(`undefined field 'replcas'`), a variable that is neither `self`, `oldSelf` nor a macro's (`slef`), and a rule
whose result is not a bool; operators and the common functions given operands of types they do not take
(`found no matching overload for '_==_' applied to '(int, double)'`); a rule that ends where an operand is due;
a library the environment lacks (`math.greatest`). The same checks of what an admission policy's, a webhook's
and a device selector's expressions name, against their variables (reference_error). The rest of cel-go's
checker (functions it does not have, other syntax errors, objects' types, which cel-go names at random) and the
cost estimate are not modelled: such a rule is accepted here, where the apiserver refuses it.

A rule's types are SchemaDeclType's (k8s.io/apiserver/pkg/cel/common/schemas.go): an object declares the
properties that have a type (an int-or-string is `dyn`; x-kubernetes-preserve-unknown-fields declares none),
plus apiVersion, kind and metadata.name and generateName at a resource's root and in an embedded resource;
an object with an additionalProperties schema is a map, which any key selects. What this subset does not
type (a function it does not know) is unknown and never refused on.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from . import cel
from .schema import EMBEDDED, additional_of, items_of, properties_of

# A type: ("object", {field: type}), ("map", value), ("list", item), a scalar's name ("string", "int", "double",
# "bool", "dyn", "null"), or UNKNOWN (this checker cannot tell)
UNKNOWN: Any = None
OPAQUE = "?"  # a type CEL has that this checker does not follow (a timestamp, a duration, bytes)
_SCALARS = {"string": "string", "integer": "int", "number": "double", "boolean": "bool"}
# the type names CEL declares (`type(self.x) == string`)
_TYPE_NAMES = ("bool", "bytes", "double", "duration", "int", "list", "map", "null_type", "string", "timestamp",
               "type", "uint")  # (not `dyn`: a function, no identifier)
# the namespaces of CEL libraries' functions (`strings.quote(…)`, `cel.bind(…)`): no variables; those the
# apiserver's environments have (a rule's, an admission policy's: not math, cel, base64 or regex, which are
# undeclared references there), or those an environment names (env[LIBRARIES]: a device selector's has cel)
_NAMESPACES = frozenset({"base64", "cel", "format", "lists", "math", "optional", "regex", "sets", "strings"})
_LIBRARIES = frozenset({"format", "lists", "optional", "sets", "strings"})
LIBRARIES = "$libraries"  # (no CEL identifier: the key of an environment's namespaces)
_MACROS = ("all", "exists", "exists_one", "existsOne", "map", "filter", "transformList", "transformMap",
           "transformMapEntry")
_BOOL_METHODS = ("startsWith", "endsWith", "contains", "matches")
# methods a misspelt variable is often the receiver of: cel-go reports the variable undeclared
_METHODS = frozenset({*_BOOL_METHODS, "size", "lowerAscii", "upperAscii", "split", "join", "replace", "trim",
                      "indexOf", "lastIndexOf", "substring", "charAt", "isSorted", "sum", "min", "max", "reverse",
                      "distinct", "format", "quote"})
_RESULTS = {"size": "int", "int": "int", "double": "double", "string": "string", "lowerAscii": "string",
            "upperAscii": "string", **dict.fromkeys(_BOOL_METHODS, "bool")}


def rule_error(rule: str, s: dict[str, Any], resource: bool, optional_old_self: bool = False) -> str | None:
    """What compiling `rule` at schema node `s` (`resource`: a resource's root or an embedded resource) says
    is wrong, in the apiserver's words, or None. With `optional_old_self`, oldSelf is an optional, which this
    checker does not follow."""
    failed, result = _compiled(rule, s, resource, optional_old_self)
    if failed:
        return "compilation failed: " + failed
    return "cel expression must evaluate to a bool" if result is not UNKNOWN and result != "bool" else None


def message_error(expression: str, s: dict[str, Any], resource: bool, optional_old_self: bool = False
                  ) -> str | None:
    """rule_error for a rule's messageExpression, which must be a string."""
    failed, result = _compiled(expression, s, resource, optional_old_self)
    if failed:
        return "messageExpression compilation failed: " + failed
    return "messageExpression must evaluate to a string" if result is not UNKNOWN and result != "string" else None


def _compiled(text: str, s: dict[str, Any], resource: bool, optional_old_self: bool) -> tuple[str, Any]:
    """cel-go's issues compiling `text` at `s` ("" for none) and the result's type."""
    try:
        tree = cel.parse(text)
    except cel.Unsupported:
        return _syntax_errors(text), UNKNOWN
    errors: list[tuple[int, str]] = []
    self_type = decl(s, resource)
    result = _typed(tree, {"self": self_type, "oldSelf": UNKNOWN if optional_old_self else self_type}, errors)
    return "\n".join(_shown(text, at, what) for at, what in sorted(errors)), result


def with_libraries(env: dict[str, Any], *names: str) -> dict[str, Any]:
    """`env` with these libraries besides the usual ones."""
    return {**env, LIBRARIES: _LIBRARIES | set(names)}


def variables(names: Iterable[str]) -> Any:
    """The type of an admission policy's `variables`: an object with a field of each variable declared."""
    return "object", dict.fromkeys(names, "dyn")


def reference_error(text: str, env: dict[str, Any]) -> str | None:
    """What compiling `text` with these variables (their types; UNKNOWN where this checker does not follow them:
    an admission request's `object`) says of what it names: a variable not declared, a field `variables` has
    not, an operator over literals it has no overload for; None where it says nothing this checker tells, or
    this subset cannot read the text."""
    try:
        tree = cel.parse(text)
    except cel.Unsupported:
        return None
    errors: list[tuple[int, str]] = []
    _typed(tree, env, errors)
    return "compilation failed: " + "\n".join(_shown(text, at, what) for at, what in sorted(errors)) if errors \
        else None


def compile_error(text: str, env: dict[str, Any]) -> str | None:
    """What compiling an expression with these variables says: its syntax (syntax_error), else what it names
    (reference_error)."""
    return syntax_error(text) or reference_error(text, env)


def syntax_error(text: str) -> str | None:
    """What compiling `text` says of its syntax (`compilation failed: ERROR: <input>:1:0: Syntax error: …`), in
    an environment this checker does not type (a device selector's, an admission policy's): characters no token
    starts with, an expression that ends where an operand is due or before its last token; None otherwise, or
    where this subset cannot read it."""
    if not text:  # (at column 0, and no line to show)
        return f"compilation failed: ERROR: <input>:1:0: {_AT_THE_END}"
    errors = _syntax_errors(text)
    return "compilation failed: " + errors if errors else None


def _syntax_errors(text: str) -> str:
    """syntax_error's errors, each shown in its place ("": none found)."""
    errors: list[tuple[int, str]] = []
    try:
        try:
            cel.parse(text)
        except cel.Unlexed as unlexed:
            errors += [(at, f"Syntax error: token recognition error at: '{_escaped(read)}'")
                       for at, read in unlexed.errors]
            cel.parse_tokens(text, unlexed.tokens)
    except cel.Incomplete as end:
        errors.append((end.at, _AT_THE_END))
    except cel.Trailing as left:
        what = "extraneous" if left.last else "mismatched"
        errors.append((left.at, f"Syntax error: {what} input '{_escaped(left.token)}' expecting <EOF>"))
    except cel.Unsupported:
        pass  # (the lexer's errors found, if any, and no more)
    return "\n".join(_shown(text, at, what) for at, what in sorted(errors))


def _escaped(text: str) -> str:
    """ANTLR's display of a token's or the lexer's text: its line breaks and tabs escaped."""
    return text.replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")


def names_old_self(rule: str) -> bool:
    """Whether a rule reads oldSelf (a transition rule), as far as this subset reads rules."""
    try:
        return "oldSelf" in set(cel.names(cel.parse(rule)))
    except cel.Unsupported:
        return False


def decl(s: Any, resource: bool = False) -> Any:
    """SchemaDeclType: the CEL type of values of schema `s`, None where it declares none."""
    if not isinstance(s, dict):
        return None
    if s.get("x-kubernetes-int-or-string"):
        return "dyn"
    typ = s.get("type")
    if typ == "array":
        items = items_of(s)
        item = decl(items, bool(items.get(EMBEDDED))) if items is not None else None
        return None if item is None else ("list", item)
    if typ == "object":
        extra = additional_of(s)
        if extra is not None:
            value = decl(extra, bool(extra.get(EMBEDDED)))
            return None if value is None else ("map", value)
        fields = {name: t for name, p in properties_of(s).items()
                  if (t := decl(p, isinstance(p, dict) and bool(p.get(EMBEDDED)))) is not None}
        if resource and not _typed_resource(s):  # WithTypeAndObjectMeta
            fields.update(apiVersion="string", kind="string",
                          metadata=("object", {"name": "string", "generateName": "string"}))
        return "object", fields
    if typ == "string" and s.get("format") in ("byte", "date", "date-time", "duration"):
        return OPAQUE  # bytes, timestamps and durations to CEL
    return _SCALARS.get(str(typ))


def _typed_resource(s: dict[str, Any]) -> bool:
    """Whether a resource's schema declares apiVersion, kind and metadata.name and generateName itself (then
    WithTypeAndObjectMeta leaves it, its metadata's other properties included, as it is)."""
    props = properties_of(s)
    meta = props.get("metadata")
    meta_props = properties_of(meta) if isinstance(meta, dict) else {}
    return all(isinstance(n, dict) and n.get("type") == t for n, t in (
        (props.get("kind"), "string"), (props.get("apiVersion"), "string"), (meta, "object"),
        (meta_props.get("name"), "string"), (meta_props.get("generateName"), "string")))


def _typed(node: Any, env: dict[str, Any], errors: list[tuple[int, str]]) -> Any:
    """The type of `node`, noting each field it selects that its object does not declare."""
    op = node[0]
    if op == "lit":
        v = node[1]
        return "null" if v is None else "bool" if isinstance(v, bool) else "int" if isinstance(v, int) \
            else "double" if isinstance(v, float) else "bytes" if isinstance(v, bytes) else "string"
    if op == "var":
        if node[1] not in env and node[1] not in _TYPE_NAMES:
            errors.append((node[2], _undeclared(node[1])))
        return env.get(node[1], UNKNOWN)
    if op == "field":
        return _selected(_typed(node[1], env, errors), node[2], node[3], errors)
    if op == "index":
        target = _typed(node[1], env, errors)
        _typed(node[2], env, errors)
        return target[1] if isinstance(target, tuple) and target[0] in ("list", "map") else UNKNOWN
    if op == "call":
        return _called(node, env, errors)
    if op == "list":
        items = [_typed(item, env, errors) for item in node[1]]
        return "list", items[0] if items and all(t == items[0] for t in items) else UNKNOWN
    parts, at = [_typed(n, env, errors) for n in node[1:-1]], node[-1]
    if op in ("||", "&&"):
        for operand, t in zip(node[1:3], parts, strict=True):
            if _named(t) not in (None, "bool", "dyn") and (place := _place(operand)) is not None:
                errors.append((place, f"expected type 'bool' but found '{_named(t)}'"))
        return "bool"
    result = _operator(op, parts)
    if result is _NO_OVERLOAD:
        errors.append((at, f"found no matching overload for '{_FUNCTIONS[op]}' applied to "
                           f"'({', '.join(str(_named(t)) for t in parts)})'"))
        return UNKNOWN
    return result


_NO_OVERLOAD = ("no overload",)
# what cel-go's grammar expects where an expression starts (its syntax error's words)
_EXPRESSION_START = "{'[', '{', '(', '.', '-', '!', 'true', 'false', 'null', NUM_FLOAT, NUM_INT, NUM_UINT, STRING, " \
    "BYTES, IDENTIFIER}"
_AT_THE_END = f"Syntax error: mismatched input '<EOF>' expecting {_EXPRESSION_START}"
_FUNCTIONS = {"==": "_==_", "!=": "_!=_", "<": "_<_", "<=": "_<=_", ">": "_>_", ">=": "_>=_", "+": "_+_",
              "-": "_-_", "*": "_*_", "/": "_/_", "%": "_%_", "in": "@in", "!": "!_", "neg": "-_", "?": "_?_:_"}
_NUMBERS = ("int", "uint", "double")


def _operator(op: str, parts: list[Any]) -> Any:
    """The result type of an operator over these operand types (cel-go's overloads: numbers of different
    kinds compare but do not mix in arithmetic or equality), _NO_OVERLOAD where it has none, UNKNOWN where
    an operand's type is unknown here (an object's, whose name cel-go makes up, included)."""
    relation = op in ("==", "!=", "<", "<=", ">", ">=", "in", "!")
    if any(_named(t) is None for t in parts) or "dyn" in parts:
        return "bool" if relation else UNKNOWN
    if op == "?":
        if parts[0] != "bool":
            return _NO_OVERLOAD
        return parts[1] if _alike(parts[1], parts[2]) else _NO_OVERLOAD
    if op in ("!", "neg"):
        ok = parts[0] == "bool" if op == "!" else parts[0] in ("int", "double")
        return (parts[0] if ok else _NO_OVERLOAD)
    a, b = parts
    if op in ("==", "!="):
        return "bool" if _alike(a, b) else _NO_OVERLOAD
    if op in ("<", "<=", ">", ">="):
        return "bool" if (a in _NUMBERS and b in _NUMBERS) or (a == b and a in ("string", "bool")) else _NO_OVERLOAD
    if op == "in":
        within = b[1] if isinstance(b, tuple) and b[0] == "list" else "string" if isinstance(b, tuple) else None
        return "bool" if within is not None and _alike(a, within) else _NO_OVERLOAD
    if op == "+" and isinstance(a, tuple) and isinstance(b, tuple) and a[0] == b[0] == "list":
        return a if a == b else ("list", UNKNOWN)
    numeric = ("int", "uint") if op == "%" else _NUMBERS + (("string",) if op == "+" else ())
    return a if a == b and a in numeric else _NO_OVERLOAD


def _alike(a: Any, b: Any) -> bool:
    """Whether cel-go's equality takes the two types: the same, or lists whose items are alike (an empty
    literal's are anything)."""
    if UNKNOWN in (a, b) or "dyn" in (a, b) or "null" in (a, b):
        return True
    if isinstance(a, tuple) and isinstance(b, tuple) and a[0] == b[0] == "list":
        return _alike(a[1], b[1])
    return bool(a == b)


def _named(t: Any) -> str | None:
    """A type as cel-go prints it; None for one this checker does not know or cannot name."""
    if isinstance(t, tuple):
        inner = _named(t[1]) if t[0] in ("list", "map") else None
        if inner is None:
            return None
        return f"list({inner})" if t[0] == "list" else f"map(string, {inner})"
    return "null_type" if t == "null" else t if isinstance(t, str) and t != OPAQUE else None


def _place(node: Any) -> int | None:
    """Where cel-go places a node (a selection's `.`, a call's `(`, a variable's name, an operator)."""
    if node[0] in ("field",):
        return int(node[3])
    if node[0] in ("var", "call") or node[0] in _FUNCTIONS or node[0] in ("||", "&&"):
        return int(node[-1])
    return None


def _selected(target: Any, name: str, at: int, errors: list[tuple[int, str]]) -> Any:
    """The type of `target.name`, noting what cel-go refuses."""
    if _named(target) not in (None, "dyn", "null_type") and not (isinstance(target, tuple) and target[0] == "map"):
        errors.append((at, f"type '{_named(target)}' does not support field selection"))
        return UNKNOWN
    if isinstance(target, tuple) and target[0] == "object":
        declared = target[1].get(cel._property_name(name))
        if declared is None:
            errors.append((at, f"undefined field '{name}'"))
        return declared
    return target[1] if isinstance(target, tuple) and target[0] == "map" else UNKNOWN


def _undeclared(name: str) -> str:
    return f"undeclared reference to '{name}' (in container '')"


def _called(node: Any, env: dict[str, Any], errors: list[tuple[int, str]]) -> Any:
    name, target, args, at = node[1], node[2], node[3], node[4]
    if name == "has" and target is None and len(args) == 1 and args[0][0] == "field":
        _selected(_typed(args[0][1], env, errors), args[0][2], at, errors)  # the macro's place: its `(`
        return "bool"
    if name in _MACROS and target is not None and len(args) >= 2 and args[0][0] == "var":
        over = _typed(target, env, errors)
        each = (over[1] if over[0] == "list" else "string") if isinstance(over, tuple) and over[0] != "object" \
            else UNKNOWN
        scope = {**env, args[0][1]: each}
        if len(args) == 3 and args[1][0] == "var":  # two variables (an index or key, a value): not typed here
            scope.update({args[0][1]: UNKNOWN, args[1][1]: UNKNOWN})
        elif len(args) == 3:  # map's filter
            _typed(args[1], scope, errors)
        body = _typed(args[-1], scope, errors)
        return ("list", body) if name == "map" and len(args) == 2 else over if name == "filter" \
            else "bool" if name in ("all", "exists", "exists_one", "existsOne") else UNKNOWN
    libraries = env.get(LIBRARIES, _LIBRARIES)
    if target is not None and target[:2] == ("var", "cel") and name == "bind" and len(args) == 3 \
            and args[0][0] == "var" and "cel" in libraries:  # (cel.bind(name, value, body): a variable of the body)
        return _typed(args[2], {**env, args[0][1]: _typed(args[1], env, errors)}, errors)
    unknown = target is not None and target[0] == "var" and target[1] not in env
    lacked = unknown and target[1] in _NAMESPACES and target[1] not in libraries  # (a library it lacks)
    if lacked or (unknown and target[1] not in _NAMESPACES and name in _METHODS):
        errors.append((target[2], _undeclared(target[1])))
    receiver = _typed(target, env, errors) if target is not None and not unknown else UNKNOWN
    types = [_typed(arg, env, errors) for arg in args]
    if lacked and name not in _METHODS:  # (its function undeclared too; a method's name is an overload of an
        errors.append((at, _undeclared(name)))  # erroneous receiver, where its arguments' types can be named)
    elif lacked and all(_named(t) not in (None, "dyn") for t in types):
        errors.append((at, f"found no matching overload for '{name}' applied to "
                           f"'!error!.({', '.join(str(_named(t)) for t in types)})'"))
    takes = _SIGNATURES.get((name, target is not None, len(args)))
    given = (receiver, *types) if target is not None else tuple(types)
    if takes is None or any(_named(t) in (None, "dyn") for t in given):
        return _RESULTS.get(name, UNKNOWN) if takes is not None else UNKNOWN
    if not all(_kind(t) in allowed for t, allowed in zip(given, takes, strict=True)):
        shown = ", ".join(str(_named(t)) for t in types)
        errors.append((at, f"found no matching overload for '{name}' applied to "
                           f"'{f'{_named(receiver)}.' if target is not None else ''}({shown})'"))
        return UNKNOWN
    return _RESULTS[name]


def _kind(t: Any) -> str:
    return t[0] if isinstance(t, tuple) else str(t)


_SIZED = ("string", "bytes", "list", "map")
# (function, as a method, arguments) -> the kinds of its receiver (for a method) and arguments it takes
_SIGNATURES: dict[tuple[str, bool, int], tuple[tuple[str, ...], ...]] = {
    ("size", False, 1): (_SIZED,), ("size", True, 0): (_SIZED,),
    **{(f, True, 1): (("string",), ("string",)) for f in _BOOL_METHODS},
    ("lowerAscii", True, 0): (("string",),), ("upperAscii", True, 0): (("string",),),
    ("int", False, 1): (("int", "uint", "double", "string"),),
    ("double", False, 1): (("int", "uint", "double", "string"),),
    ("string", False, 1): (("int", "uint", "double", "bool", "string", "bytes"),),
}


def _shown(rule: str, at: int, what: str) -> str:
    """cel-go's Error.ToDisplayString: the place (line, and column from 1), the words, the line and a caret
    under the place (full-width for a wide character)."""
    line_start = rule.rfind("\n", 0, at) + 1
    line_end = rule.find("\n", at)
    line = rule[line_start:line_end if line_end >= 0 else None].replace("\t", " ")
    column = at - line_start
    dots = "".join("\uff0e" if len(c.encode()) > 1 else "." for c in line[:column])
    caret = "\uff3e" if column < len(line) and len(line[column].encode()) > 1 else "^"
    return f"ERROR: <input>:{rule.count(chr(10), 0, at) + 1}:{column + 1}: {what}\n | {line}\n | {dots}{caret}"
