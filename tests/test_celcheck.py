"""A definition's CEL rules checked as the apiserver compiles them (proxy/apiserver/celcheck.py): the fields a
rule's place declares, a result that is a bool, and cel-go's display of where (the words the real
kube-apiserver v1.37.2 answered; tests/crds_differential.py compares whole definitions with it)."""

from __future__ import annotations

from typing import Any

import pytest
from watchproxy.apiserver import celcheck

SPEC: dict[str, Any] = {"type": "object", "properties": {
    "x": {"type": "string"}, "n": {"type": "integer"}, "t": {"type": "string", "format": "date-time"},
    "foo-bar": {"type": "string"}, "ios": {"x-kubernetes-int-or-string": True},
    "m": {"type": "object", "additionalProperties": {"type": "string"}},
    "pu": {"type": "object", "x-kubernetes-preserve-unknown-fields": True},
    "l": {"type": "array", "items": {"type": "object", "properties": {"name": {"type": "string"}}}},
    "e": {"type": "object", "x-kubernetes-embedded-resource": True, "x-kubernetes-preserve-unknown-fields": True}}}


def _failed(rule: str, at: int, what: str) -> str:
    return f"compilation failed: ERROR: <input>:1:{at + 1}: {what}\n | {rule}\n | {'.' * at}^"


def _undefined(rule: str, at: int, name: str) -> str:
    return _failed(rule, at, f"undefined field '{name}'")


@pytest.mark.parametrize(("rule", "error"), [
    ("self.x == 'a'", None),
    ("self.y == 'a'", _undefined("self.y == 'a'", 4, "y")),
    ("has(self.q)", _undefined("has(self.q)", 3, "q")),  # a macro's place is its `(`
    ("self.foo__dash__bar == ''", None),
    ("self.foo__dash__baz == ''", _undefined("self.foo__dash__baz == ''", 4, "foo__dash__baz")),
    ("self.m.anykey == 'a'", None),  # a map: any key
    ("self.pu.foo == 'a'", _undefined("self.pu.foo == 'a'", 7, "foo")),  # preserved fields are not declared
    ("self.e.kind == 'T' && self.e.metadata.name == 'n'", None),  # an embedded resource's
    ("self.l.all(i, i.nme == 'x')", _undefined("self.l.all(i, i.nme == 'x')", 15, "nme")),
    ("self.l[0].name == self.x", None),
    ("self.ios", "cel expression must evaluate to a bool"),  # dyn is no bool
    ("self.l.map(i, i.name)", "cel expression must evaluate to a bool"),
    ("size(self.l) > 0 ? self.x == 'a' : true", None),
    ("self.x.lowerAscii().foo(1)", None),  # what this subset does not type is never refused
    ("slef.x == 'a'", "compilation failed: ERROR: <input>:1:1: undeclared reference to 'slef' (in container '')"
                      "\n | slef.x == 'a'\n | ^"),
    ("self.l.all(i, j == 'a')", "compilation failed: ERROR: <input>:1:15: undeclared reference to 'j' (in "
                                "container '')\n | self.l.all(i, j == 'a')\n | ..............^"),
    ("type(self.x) == string && strings.quote(self.x) != ''", None),  # a type's name; a library's namespace
    # libraries the apiserver's environment lacks: their namespace and function undeclared (cel.bind's variable too)
    ("math.greatest(1, 2) > 0", "compilation failed: ERROR: <input>:1:1: undeclared reference to 'math' (in "
                                "container '')\n | math.greatest(1, 2) > 0\n | ^\nERROR: <input>:1:14: undeclared "
                                "reference to 'greatest' (in container '')\n | math.greatest(1, 2) > 0\n | "
                                ".............^"),
    ("cel.bind(x, self, x == 'a')", "compilation failed: " + "\n".join(
        f"ERROR: <input>:1:{at + 1}: undeclared reference to '{name}' (in container '')\n | cel.bind(x, self, "
        f"x == 'a')\n | {'.' * at}^" for at, name in ((0, "cel"), (8, "bind"), (9, "x"), (18, "x")))),
    ("b'a' == b'a' && self.x == 'a'", None),  # bytes literals
    ("self.n == 1.0", _failed("self.n == 1.0", 7,
                              "found no matching overload for '_==_' applied to '(int, double)'")),
    ("self.n > 1.5 && self.t == 'x'", None),  # numbers compare across kinds; a timestamp is not followed
    ("self.x && true", _failed("self.x && true", 4, "expected type 'bool' but found 'string'")),
    ("(self.x == 'a' ? 1 : 'b') == 1", _failed("(self.x == 'a' ? 1 : 'b') == 1", 15,
                                               "found no matching overload for '_?_:_' applied to "
                                               "'(bool, int, string)'")),
    ("self.x.contains(self.n)", _failed("self.x.contains(self.n)", 15,
                                        "found no matching overload for 'contains' applied to 'string.(int)'")),
    ("size(self.n) > 0", _failed("size(self.n) > 0", 4, "found no matching overload for 'size' applied to '(int)'")),
    ("self.x in self.l.map(i, i.name) && self.n in [1, 2]", None),
    ("self.x ==", _failed("self.x ==", 9, "Syntax error: mismatched input '<EOF>' expecting {'[', '{', '(', '.', "
                                          "'-', '!', 'true', 'false', 'null', NUM_FLOAT, NUM_INT, NUM_UINT, STRING, "
                                          "BYTES, IDENTIFIER}")),
    ("self.a == self.b", _undefined("self.a == self.b", 4, "a") + "\n" + _undefined("self.a == self.b", 14, "b")[20:]),
])
def test_a_rules_fields_and_result(rule: str, error: str | None) -> None:
    assert celcheck.rule_error(rule, SPEC, False) == error


def test_a_resources_root_declares_its_type_and_name_alone() -> None:
    root = {"type": "object", "properties": {"metadata": {"type": "object"}}}
    assert celcheck.rule_error("self.metadata.name.startsWith('a') && self.kind == 'K'", root, True) is None
    assert celcheck.rule_error("self.metadata.namespace == 'x'", root, True) == \
        _undefined("self.metadata.namespace == 'x'", 13, "namespace")


def test_the_place_is_shown_on_its_line_and_under_wide_characters() -> None:
    assert celcheck.rule_error("self.x == 'é' ||\n  self.zz == 'b'", SPEC, False) == \
        "compilation failed: ERROR: <input>:2:7: undefined field 'zz'\n |   self.zz == 'b'\n | ......^"
    wide = "compilation failed: ERROR: <input>:1:13: undefined field 'zz'\n | '日本' == self.zz\n | .．．.........^"
    assert celcheck.rule_error("'日本' == self.zz", SPEC, False) == wide


def test_a_message_expression_compiles_to_a_string() -> None:
    assert celcheck.message_error("'a: ' + self.x", SPEC, False) is None
    assert celcheck.message_error("size(self.x)", SPEC, False) == "messageExpression must evaluate to a string"
    assert celcheck.message_error("self.zz", SPEC, False) == \
        "messageExpression " + _undefined("self.zz", 4, "zz")


@pytest.mark.parametrize(("expression", "said"), [
    # (each as the real kube-apiserver words it: tests/writes_differential.py _cel_syntax)
    ("1Gi", "ERROR: <input>:1:2: Syntax error: extraneous input 'Gi' expecting <EOF>\n | 1Gi\n | .^"),
    ("has(x) and true", "ERROR: <input>:1:8: Syntax error: mismatched input 'and' expecting <EOF>\n"
                        " | has(x) and true\n | .......^"),
    ("x = 1", "ERROR: <input>:1:3: Syntax error: token recognition error at: '= '\n | x = 1\n | ..^\n"
              "ERROR: <input>:1:5: Syntax error: extraneous input '1' expecting <EOF>\n | x = 1\n | ....^"),
    ("true ;", "ERROR: <input>:1:6: Syntax error: token recognition error at: ';'\n | true ;\n | .....^"),
    ("'a' 'b'", "ERROR: <input>:1:5: Syntax error: extraneous input ''b'' expecting <EOF>\n | 'a' 'b'\n | ....^"),
    ("true // a comment", None),
    ("a<b\x01", "ERROR: <input>:1:4: Syntax error: token recognition error at: '\x01'\n | a<b\x01\n | ...^"),
    ("1 \x0b+ 2", "ERROR: <input>:1:3: Syntax error: token recognition error at: '\x0b'\n | 1 \x0b+ 2\n | ..^"),
    ("true // a comment\rfalse", None),  # (a comment ends at a line feed only)
    ("quantity('1Gi').isGreaterThan(quantity('1'))", None),  # (parses: its types are not checked here)
    ("Object{spec: 1} x", None),  # (a message this subset does not read: no verdict)
])
def test_a_cel_expressions_syntax_is_refused_in_cel_gos_words(expression: str, said: str | None) -> None:
    assert celcheck.syntax_error(expression) == (None if said is None else "compilation failed: " + said)
