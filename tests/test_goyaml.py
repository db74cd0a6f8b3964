"""proxy/wire/goyaml.py's pieces as tables (tests/test_yaml_realkube.py holds the whole to the real
apiserver's bytes): go-yaml's key order, Go's %g, and the same bytes from PyYAML's own emitter as from
libyaml's, for a machine whose PyYAML was built without it."""

from __future__ import annotations

import importlib
import random

import pytest
import yaml
from watchproxy.wire import goyaml

from tests.test_yaml_realkube import KEYS, TRICKY


def test_keys_in_go_yamls_natural_order() -> None:
    keys = ["a10", "a2", "a02", "a1", "b", "B", "_x", "1", "10", "2", "x-1", "x_1", "x.1", "Z", "aa", "a", "k10s",
            "k9s", "a0", "a00", "a01"]
    # digit runs as numbers (a shorter run first when equal), letters after anything else at a difference
    assert sorted(keys, key=goyaml._order) == ["_x", "1", "2", "10", "B", "Z", "a", "a0", "a00", "a1", "a01", "a2",
                                               "a02", "a10", "aa", "b", "k9s", "k10s", "x-1", "x.1", "x_1"]


@pytest.mark.parametrize(("value", "written"), [
    (1.0, "1"), (1.5, "1.5"), (123456.0, "123456"), (1234567.0, "1.234567e+06"), (0.0001, "0.0001"),
    (0.00001, "1e-05"), (1.5e16, "1.5e+16"), (-2.5, "-2.5"), (-0.0, "-0"), (1e21, "1e+21"),
    (float("inf"), ".inf"), (float("-inf"), "-.inf"), (float("nan"), ".nan")])
def test_floats_as_go_formats_them(value: float, written: str) -> None:
    assert goyaml.go_float(value) == written


@pytest.mark.parametrize(("value", "written"), [
    (".5e999", "a: .5e999\n"), ("1e999", "a: 1e999\n"), ("1e3", 'a: "1e3"\n'), ("2001-12-14", 'a: "2001-12-14"\n'),
    ("0x", "a: 0x\n"), ("08", 'a: "08"\n')])
def test_a_string_is_quoted_where_go_yaml_would_read_it_back_as_another_type(value: str, written: str) -> None:
    """As sigs.k8s.io/yaml's Marshal wrote each (Go 1.26): a float out of range reads back as a string, so it is
    written plain."""
    assert goyaml.dumps({"a": value}) == written.encode()


def test_pyyamls_own_emitter_writes_what_libyaml_writes() -> None:
    r = random.Random(3)
    def value(depth: int) -> object:
        pick = r.random()
        if depth < 3 and pick < 0.2:
            return {r.choice(KEYS + TRICKY): value(depth + 1) for _ in range(r.randint(0, 4))}
        if depth < 3 and pick < 0.3:
            return [value(depth + 1) for _ in range(r.randint(0, 3))]
        return r.choice([*TRICKY, 0, -7, 2**63, 1.5, True, None])
    docs = [{k: value(0) for k in r.sample(KEYS, 5)} for _ in range(200)]
    if not hasattr(yaml, "CSafeDumper"):
        pytest.skip("this PyYAML has no libyaml")
    with_libyaml = [goyaml.dumps(d) for d in docs]
    c = yaml.CSafeDumper
    try:
        del yaml.CSafeDumper
        importlib.reload(goyaml)
        assert goyaml._Base is yaml.SafeDumper
        assert [goyaml.dumps(d) for d in docs] == with_libyaml
    finally:
        yaml.CSafeDumper = c  # type: ignore[misc]
        importlib.reload(goyaml)
