"""The part of CEL a CustomResourceDefinition's validation rules (`x-kubernetes-validations`) use most,
evaluated as the apiserver evaluates them: `self` is the value at the rule's place in the object,
`oldSelf` the stored one on an update (a rule that names it is a transition rule, skipped on create).

Covered: literals, `self`/`oldSelf` and field access (a missing field is the error `no such key: NAME`),
indexing, `has()`, `size()`, arithmetic, comparison (numbers of both kinds compare), `in`, `!`, `&&` and
`||` (an error on one side is absorbed when the other decides), `?:`, the string functions `startsWith`,
`endsWith`, `contains`, `matches`, `lowerAscii`, `upperAscii`, the conversions `int`, `double`, `string`,
and the macros `all`, `exists`, `exists_one`, `map` and `filter`. Anything else (the Kubernetes
libraries: quantity, url, ip, optionals…) is `Unsupported`, and the caller then skips the rule rather than
guess: a rule emulate cannot read never refuses a write. The apiserver's cost limits are not modelled.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator
from typing import Any

Node = tuple[Any, ...]


class Unsupported(Exception):
    """A rule this subset cannot read or evaluate."""


class Incomplete(Unsupported):
    """A rule that ends where an operand is due (`self.x ==`): cel-go's syntax error at the end of input."""

    def __init__(self, at: int) -> None:
        super().__init__("an operand at the end")
        self.at = at


class Trailing(Unsupported):
    """A rule whose expression ends before its last token (`has(x) and y`, `1Gi`): ANTLR's syntax error at the
    first token left, `extraneous input` where it is the last one, else `mismatched input`."""

    def __init__(self, at: int, token: str, last: bool) -> None:
        super().__init__("tokens after the expression")
        self.at, self.token, self.last = at, token, last


class Unlexed(Unsupported):
    """Characters no CEL token starts with (`;`, `#`, a lone `=`): the lexer's `token recognition error`s, each
    (offset, the text it read), and the tokens it read past them."""

    def __init__(self, errors: list[tuple[int, str]], tokens: list[tuple[str, str, int]]) -> None:
        super().__init__("characters no token starts with")
        self.errors, self.tokens = errors, tokens


class CelError(Exception):
    """An evaluation error, in CEL's words (`no such key: replicas`)."""


class Unreadable:
    """A value the rule's data holds but cannot read (UnstructuredToVal's error for data its schema does not
    describe): reading it is an error, asking has() of it is not."""

    def __init__(self, why: str) -> None:
        self.why = why


def _read(v: Any) -> Any:
    if isinstance(v, Unreadable):
        raise CelError(v.why)
    return v


_TOKEN = re.compile(r"""(?:[\t\n\f\r\ ]|//[^\n]*)*(?:(?P<num>[0-9]+\.[0-9]+(?:[eE][+-]?[0-9]+)?|[0-9]+[eE][+-]?[0-9]+
                                                |0x[0-9a-fA-F]+u?|[0-9]+u?)
    |(?P<str>(?:[bB][rR]?|[rR])?(?:'{3}[\s\S]*?'{3}|"{3}[\s\S]*?"{3}|'(?:\\.|[^'\\])*'|"(?:\\.|[^"\\])*"))
    |(?P<name>[A-Za-z_][A-Za-z0-9_]*)
    |(?P<op>\|\||&&|==|!=|<=|>=|[-+*/%<>!?:.,()\[\]{}]))""", re.X)
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "\\": "\\", "'": "'", '"': '"', "`": "`", "?": "?", "a": "\a",
            "b": "\b", "f": "\f", "v": "\v"}


_SPACE = re.compile(r"(?:[\t\n\f\r ]|//[^\n]*)*")  # (CEL's WHITESPACE and COMMENT: no other space, no \v)
_PAIRED = ("=", "&", "|")  # (the first character of `==`, `&&`, `||`: the lexer reads the next one too)
_UNREAD = frozenset("'\"`")  # (a string or a quoted name the lexer could not finish, not read here)


def _skipped(text: str, pos: int) -> int:
    """Past the spaces and comments at `pos`."""
    m = _SPACE.match(text, pos)
    return m.end() if m is not None else pos


def _tokens(text: str) -> list[tuple[str, str, int]]:
    """(kind, text, offset in the rule) of each token; Unlexed where characters start none."""
    out: list[tuple[str, str, int]] = []
    errors: list[tuple[int, str]] = []
    pos = 0
    while (pos := _skipped(text, pos)) < len(text):
        m = _TOKEN.match(text, pos)
        if m is None:
            if text[pos] in _PAIRED:  # (ANTLR's error shows what it read, the next character too, and goes on
                errors.append((pos, text[pos:pos + 2]))  # after that one)
                pos += 2
                continue
            if text[pos] in _UNREAD:
                raise Unsupported(f"cannot read {text[pos:pos + 10]!r}")
            errors.append((pos, text[pos]))  # (any other character no token starts with: `;`, `#`, a control
            pos += 1  # character, a letter beyond ASCII, another space than CEL's)
            continue
        kind = m.lastgroup or ""
        out.append((kind, m.group(kind), m.start(kind)))
        pos = m.end()
    if errors:
        raise Unlexed(errors, out)
    return out


def _string(token: str) -> str | bytes:
    """A string literal's value; a bytes literal's (`b'…'`, its UTF-8)."""
    if token[0] in "bB":
        text = _string(token[1:])
        return text.encode() if isinstance(text, str) else text
    raw = token[0] in "rR"
    quoted = token[1:] if raw else token
    body = quoted[3:-3] if quoted[:3] in ("'''", '"""') and len(quoted) >= 6 else quoted[1:-1]
    if raw:
        return body
    out, i = [], 0
    while i < len(body):
        if body[i] == "\\":
            if i + 1 >= len(body) or body[i + 1] not in _ESCAPES:
                raise Unsupported("an escape this subset does not read")
            out.append(_ESCAPES[body[i + 1]])
            i += 2
        else:
            out.append(body[i])
            i += 1
    return "".join(out)


# binary operators by precedence, loosest first (and in), and the tokens after which an operand must come
_LEVELS = (("||",), ("&&",), ("==", "!=", "<", "<=", ">", ">=", "in"), ("+", "-"), ("*", "/", "%"))
_OPERATORS = (*(op for level in _LEVELS for op in level), "?", ":")


class _Parser:
    """Precedence climbing over CEL's grammar: ?:, ||, &&, relations (and in), + -, * / %, unary, member."""

    def __init__(self, text: str, toks: list[tuple[str, str, int]] | None = None) -> None:
        self.text = text
        self.toks = _tokens(text) if toks is None else toks
        self.i = 0

    def peek(self) -> str:
        return self.toks[self.i][1] if self.i < len(self.toks) else ""

    def take(self, want: str | None = None) -> tuple[str, str]:
        if self.i >= len(self.toks) or (want is not None and self.toks[self.i][1] != want):
            raise Unsupported(f"expected {want or 'more'} at {self.peek()!r}")
        self.i += 1
        return self.toks[self.i - 1][:2]

    def at(self) -> int:
        """The offset of the next token: a node's place as CEL reports it (a selection's `.`, a call's `(`, an
        operator)."""
        return self.toks[self.i][2] if self.i < len(self.toks) else -1

    def parse(self) -> Node:
        node = self.ternary()
        if self.i != len(self.toks):
            kind, tok, at = self.toks[self.i]
            if tok in ("{", "(", "[", ".") or (kind == "name" and tok in _RESERVED - {"true", "false", "null"}):
                raise Unsupported(f"unexpected {tok!r}")  # (what this subset does not read: a message's fields)
            raise Trailing(at, tok, self.i == len(self.toks) - 1)
        return node

    def ternary(self) -> Node:
        cond = self.binary(0)
        if self.peek() == "?":
            at = self.at()
            self.take()
            yes = self.ternary()
            self.take(":")
            return ("?", cond, yes, self.ternary(), at)
        return cond

    def binary(self, level: int) -> Node:
        if level == len(_LEVELS):
            return self.unary()
        node = self.binary(level + 1)
        while self.peek() in _LEVELS[level]:
            at = self.at()
            op = self.take()[1]
            node = (op, node, self.binary(level + 1), at)
        return node

    def unary(self) -> Node:
        if self.peek() in ("!", "-"):
            at = self.at()
            op = self.take()[1]
            if self.i == len(self.toks):
                raise Unsupported("an operator at the end")  # (cel-go words this one otherwise)
            return ("neg" if op == "-" else "!", self.unary(), at)
        return self.member()

    def member(self) -> Node:
        node = self.primary()
        while self.peek() in (".", "["):
            dot = self.at()
            if self.take()[1] == ".":
                kind, name = self.take()
                if kind != "name":
                    raise Unsupported("a field name after '.'")
                paren = self.at()
                node = ("call", name, node, self.args(), paren) if self.peek() == "(" else ("field", node, name, dot)
            else:
                node = ("index", node, self.ternary())
                self.take("]")
        return node

    def args(self) -> list[Node]:
        self.take("(")
        return self.listed(")")

    def listed(self, closer: str) -> list[Node]:
        """Expressions separated by commas, up to `closer` (taken): a call's arguments, a list's items."""
        out: list[Node] = []
        while self.peek() != closer:
            out.append(self.ternary())
            if self.peek() == ",":
                self.take()
        self.take(closer)
        return out

    def primary(self) -> Node:
        if self.i == len(self.toks) and (not self.toks or self.toks[-1][1] in _OPERATORS):
            raise Incomplete(len(self.text))  # (after an operator, or where no token was read at all)
        start = self.at()
        kind, tok = self.take()
        if kind == "num":
            if tok.endswith("u"):
                raise Unsupported("unsigned integers")
            return ("lit", int(tok, 0) if re.fullmatch(r"0x[0-9a-fA-F]+|\d+", tok) else float(tok))
        if kind == "str":
            return ("lit", _string(tok))
        if kind == "name":
            if tok in ("true", "false", "null"):
                return ("lit", {"true": True, "false": False, "null": None}[tok])
            if self.peek() == "(":
                at = self.at()
                return ("call", tok, None, self.args(), at)
            return ("var", tok, start)
        if tok == "(":
            node = self.ternary()
            self.take(")")
            return node
        if tok == "[":
            return ("list", self.listed("]"))
        raise Unsupported(f"unexpected {tok!r}")


def parse_tokens(rule: str, tokens: list[tuple[str, str, int]]) -> Node:
    """parse, of the tokens the lexer read past what it could not (Unlexed.tokens)."""
    return _Parser(rule, tokens).parse()


@functools.lru_cache(maxsize=1024)
def parse(rule: str) -> Node:
    """A rule's tree (read-only: shared by every caller), parsed once: a definition's rules are read on every
    write of its custom resources, for every value they apply to."""
    return _Parser(rule).parse()


def names(node: Any) -> Iterator[str]:
    """Every variable a rule names (to tell a transition rule, which names oldSelf)."""
    if isinstance(node, tuple) and node:
        if node[0] == "var":
            yield node[1]
        for part in node[1:]:
            if isinstance(part, tuple):
                yield from names(part)
            elif isinstance(part, list):
                for p in part:
                    yield from names(p)


def _number(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


def _same_kind(a: Any, b: Any) -> bool:
    return (_number(a) and _number(b)) or type(a) is type(b)


def _bool(v: Any) -> bool:
    if not isinstance(v, bool):
        raise CelError("no matching overload")
    return v


def evaluate(node: Node, env: dict[str, Any]) -> Any:
    op = node[0]
    if op == "lit":
        return node[1]
    if op == "var":
        if node[1] not in env:
            raise Unsupported(f"the variable {node[1]}")
        return _read(env[node[1]])
    if op == "field":
        target, name = evaluate(node[1], env), _property_name(node[2])
        if not isinstance(target, dict):
            raise CelError("no such overload")
        if name not in target:
            raise CelError(f"no such key: {name}")
        return _read(target[name])
    if op == "index":
        target, key = evaluate(node[1], env), evaluate(node[2], env)
        if isinstance(target, list) and isinstance(key, int) and not isinstance(key, bool):
            if not 0 <= key < len(target):
                raise CelError(f"index out of bounds: {key}")
            return _read(target[key])
        if isinstance(target, dict) and key in target:
            return _read(target[key])
        raise CelError(f"no such key: {key}")
    if op in ("||", "&&"):
        decides = op == "||"
        errors: list[CelError] = []
        for side in node[1:3]:
            try:
                if _bool(evaluate(side, env)) == decides:
                    return decides
            except CelError as exc:
                errors.append(exc)
        if errors:
            raise errors[0]
        return not decides
    if op == "!":
        return not _bool(evaluate(node[1], env))
    if op == "neg":
        v = evaluate(node[1], env)
        if not _number(v):
            raise CelError("no matching overload")
        return -v
    if op == "?":
        return evaluate(node[2] if _bool(evaluate(node[1], env)) else node[3], env)
    if op == "list":
        return [evaluate(n, env) for n in node[1]]
    if op == "call":
        return _call(node[1], node[2], node[3], env)
    a, b = evaluate(node[1], env), evaluate(node[2], env)
    return _binary(op, a, b)


def _binary(op: str, a: Any, b: Any) -> Any:
    if op == "==":
        return a == b and _same_kind(a, b) if not (a is None or b is None) else a is b
    if op == "!=":
        return not _binary("==", a, b)
    if op == "in":
        if isinstance(b, list):
            return any(_binary("==", a, x) for x in b)
        if isinstance(b, dict):
            return a in b
        raise CelError("no matching overload")
    if op in ("<", "<=", ">", ">="):
        if not (_number(a) and _number(b)) and not (isinstance(a, str) and isinstance(b, str)):
            raise CelError("no matching overload")
        return {"<": a < b, "<=": a <= b, ">": a > b, ">=": a >= b}[op]
    if op == "+":
        if (_number(a) and _number(b)) or (isinstance(a, str) and isinstance(b, str)) \
                or (isinstance(a, list) and isinstance(b, list)):
            return a + b
        raise CelError("no matching overload")
    if not (_number(a) and _number(b)):
        raise CelError("no matching overload")
    if op in ("/", "%") and b == 0:
        raise CelError("division by zero" if op == "/" else "modulus by zero")
    if op == "*":
        return a * b
    if op == "-":
        return a - b
    if isinstance(a, int) and isinstance(b, int):
        q = abs(a) // abs(b) * (1 if (a >= 0) == (b >= 0) else -1)  # Go truncates toward zero
        return q if op == "/" else a - q * b
    return a / b if op == "/" else a % b


_MACROS = ("all", "exists", "exists_one", "map", "filter")
_STRINGS: dict[str, Callable[[str, list[Any]], Any]] = {
    "startsWith": lambda s, a: s.startswith(a[0]), "endsWith": lambda s, a: s.endswith(a[0]),
    "contains": lambda s, a: a[0] in s, "lowerAscii": lambda s, a: s.lower(), "upperAscii": lambda s, a: s.upper(),
    "matches": lambda s, a: re.search(a[0], s) is not None,
}


def _size(v: Any) -> int:
    if isinstance(v, str | list | dict):
        return len(v)
    raise CelError("no matching overload")


# CEL's reserved words, which a property so named is read as `__word__` by (k8s.io/apiserver/pkg/cel/escaping.go)
_RESERVED = frozenset({"true", "false", "null", "in", "as", "break", "const", "continue", "else", "for", "function",
                       "if", "import", "let", "loop", "package", "namespace", "return", "var", "void", "while"})
_PROPERTY_ESCAPES = {"underscores": "__", "dot": ".", "dash": "-", "slash": "/"}
_ESCAPED = re.compile(r"_{2}[^_]+_{2}")


def _property_name(identifier: str) -> str:
    """The property a rule's field name reads (cel.Unescape): `__namespace__` is `namespace`, `a__dash__b` is
    `a-b`; a name with no valid escape is itself."""
    if "__" not in identifier:
        return identifier
    valid = True

    def unescaped(m: re.Match[str]) -> str:
        nonlocal valid
        inner = m.group(0)[2:-2]
        if inner in _PROPERTY_ESCAPES:
            return _PROPERTY_ESCAPES[inner]
        valid = valid and inner in _RESERVED and len(m.group(0)) == len(identifier)
        return inner
    out = _ESCAPED.sub(unescaped, identifier)
    return out if valid else identifier


def _call(name: str, target: Node | None, args: list[Node], env: dict[str, Any]) -> Any:
    if name == "has" and target is None:
        if len(args) != 1 or args[0][0] != "field":
            raise Unsupported("has() of something other than a field")
        holder = evaluate(args[0][1], env)
        return isinstance(holder, dict) and _property_name(args[0][2]) in holder
    if name in _MACROS and target is not None:
        return _macro(name, evaluate(target, env), args, env)
    values = [evaluate(a, env) for a in args]
    if target is None:
        if name == "size" and len(values) == 1:
            return _size(values[0])
        if name == "int" and len(values) == 1 and (_number(values[0]) or isinstance(values[0], str)):
            try:
                return int(values[0])
            except ValueError:
                raise CelError(f"cannot convert {values[0]!r} to int") from None
        if name == "double" and len(values) == 1 and _number(values[0]):
            return float(values[0])
        if name == "string" and len(values) == 1 and (isinstance(values[0], str) or _number(values[0])):
            return values[0] if isinstance(values[0], str) else repr(values[0])
        raise Unsupported(f"the function {name}")
    receiver = evaluate(target, env)
    if name == "size" and not values:
        return _size(receiver)
    if name in _STRINGS and isinstance(receiver, str) and all(isinstance(v, str) for v in values):
        try:
            return _STRINGS[name](receiver, values)
        except (IndexError, re.error):
            raise Unsupported(f"{name} as called here") from None
    raise Unsupported(f"the method {name}")


def _macro(name: str, target: Any, args: list[Node], env: dict[str, Any]) -> Any:
    if len(args) != 2 or args[0][0] != "var":
        raise Unsupported(f"{name} with {len(args)} arguments")
    var = args[0][1]
    items = list(target) if isinstance(target, list | dict) else None
    if items is None:
        raise CelError("no matching overload")
    results = [evaluate(args[1], {**env, var: item}) for item in items]
    if name == "map":
        return results
    if name == "filter":
        return [item for item, keep in zip(items, results, strict=True) if _bool(keep)]
    truth = [_bool(r) for r in results]
    return all(truth) if name == "all" else any(truth) if name == "exists" else truth.count(True) == 1
