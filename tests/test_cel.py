"""The CEL subset of CRD validation rules (proxy/apiserver/cel.py) as a table: each rule, `self`, and what
it evaluates to, or the error or refusal to guess (compared with the real apiserver by
tests/test_crds_realkube.py)."""

from __future__ import annotations

from typing import Any

import pytest
from watchproxy.apiserver import cel

SELF = {"replicas": 3, "max": 5, "name": "abc", "tags": ["a", "b"], "labels": {"k": "v"}, "ratio": 0.5,
        "namespace": "ns", "x-y": 1, "a.b": 2, "c__d": 3}


@pytest.mark.parametrize(("rule", "want"), [
    ("self.replicas <= self.max", True),
    ("self.replicas * 2 > self.max && self.ratio < 1", True),
    ("!has(self.other) || self.other > 1", True),
    ("has(self.labels) && 'k' in self.labels", True),
    ("self.tags.all(t, size(t) == 1) && self.tags.exists(t, t == 'b')", True),
    ("self.tags.exists_one(t, t.startsWith('a'))", True),
    ("self.tags.map(t, t + '!') == ['a!', 'b!']", True),
    ("size(self.tags.filter(t, t != 'a')) == 1", True),
    ("self.name.matches('^[a-c]+$') && self.name.endsWith('c') && self.name.contains('b')", True),
    ("self.replicas == 3.0", True),  # numbers of both kinds compare
    ("self.replicas > 2 ? self.name.upperAscii() == 'ABC' : false", True),
    ("-7 / 2 == -3 && -7 % 2 == -1", True),  # Go truncates toward zero
    ("self.other == 1 || true", True),  # the error on one side is absorbed
    ("self.tags[1] == 'b' && string(self.replicas) == '3' && int('4') == 4", True),
    # properties CEL cannot name as they are: a reserved word, a dash, a dot, two underscores (escaping.go)
    ("has(self.__namespace__) && self.__namespace__ == 'ns' && self.x__dash__y == 1", True),
    ("self.a__dot__b == 2 && self.c__underscores__d == 3 && !has(self.__nope__)", True),
    # strings: escapes, raw and triple-quoted (the Gateway API writes its patterns so)
    ("'a\\tb' != 'a\\\\tb' && size('\\n') == 1 && size(r'\\n') == 2", True),
    ("self.name.matches(r\"\"\"^[a-c]+$\"\"\") && '''x''' == 'x'", True),
])
def test_rules(rule: str, want: Any) -> None:
    assert cel.evaluate(cel.parse(rule), {"self": SELF}) is want


@pytest.mark.parametrize(("rule", "error"), [
    ("self.other > 1", "no such key: other"),
    ("self.tags[5] == 'a'", "index out of bounds: 5"),
    ("self.replicas / 0 == 1", "division by zero"),
    ("self.other == 1 && true", "no such key: other"),
])
def test_errors(rule: str, error: str) -> None:
    with pytest.raises(cel.CelError, match=error):
        cel.evaluate(cel.parse(rule), {"self": SELF})


@pytest.mark.parametrize("rule", [
    "quantity(self.name).isGreaterThan(quantity('1'))",  # the Kubernetes libraries
    "self.?other.orValue(1) == 1",  # optionals
    "self.replicas == 1u",
    "{'a': 1}.a == 1",
])
def test_what_it_does_not_claim(rule: str) -> None:
    with pytest.raises(cel.Unsupported):
        cel.evaluate(cel.parse(rule), {"self": SELF})


def test_transition_rules_name_old_self() -> None:
    assert "oldSelf" in set(cel.names(cel.parse("self.color == oldSelf.color")))
    assert "oldSelf" not in set(cel.names(cel.parse("self.color == 'red'")))
