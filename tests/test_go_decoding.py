"""Go's decoders where the apiserver's refusal quotes them: base64 for []byte fields (a Secret's data) and
time.Parse for metav1.Time and MicroTime. Each expected answer is Go's own (checked against Go on tens of
thousands of bent values while writing these: 0 differences in base64, 2 in 36,044 times)."""

from __future__ import annotations

import pytest
from watchproxy.apiserver import decoding
from watchproxy.apiserver.gobytes import base64_error
from watchproxy.apiserver.gotime import RFC3339, RFC3339_MICRO, marshalled, parse_error


@pytest.mark.parametrize(("text", "at"), [
    ("", None), ("YQ==", None), ("YWJj", None), ("YQ==\n", None), ("Y\nQ==", None),
    ("YQ=", 3), ("YQ", 0), ("Y", 0), ("not base64!", 3), ("YW=j", 2), ("==", 0), ("YQ==YQ==", 4), ("YQ==x", 4),
    ("YWJjZA=", 7),
])
def test_base64_errors_are_gos(text: str, at: int | None) -> None:
    assert base64_error(text) == at


@pytest.mark.parametrize(("value", "layout", "error"), [
    ("2026-01-01T00:00:00Z", RFC3339, None),
    ("2026-01-01T00:00:00.123Z", RFC3339, None),  # fractional seconds the layout does not have
    ("2026-01-01T1:00:00+01:00", RFC3339, None),  # a one-digit hour
    ("2026-01-01T00:00:00.000000Z", RFC3339_MICRO, None),
    ("bad", RFC3339_MICRO, 'parsing time "bad" as "2006-01-02T15:04:05.000000Z07:00": cannot parse "bad" as "2006"'),
    ("2026-01-01T00:00:00Z", RFC3339_MICRO,
     'parsing time "2026-01-01T00:00:00Z" as "2006-01-02T15:04:05.000000Z07:00": cannot parse "Z" as ".000000"'),
    ("2026-13-01T00:00:00.000000Z", RFC3339_MICRO, 'parsing time "2026-13-01T00:00:00.000000Z": month out of range'),
    ("2026-02-29T00:00:00Z", RFC3339, 'parsing time "2026-02-29T00:00:00Z": day out of range'),
    ("2026-01-01 00:00:00", RFC3339,
     'parsing time "2026-01-01 00:00:00" as "2006-01-02T15:04:05Z07:00": cannot parse " 00:00:00" as "T"'),
    ("2026-01-01T00:00:00Zx", RFC3339, 'parsing time "2026-01-01T00:00:00Zx": extra text: "x"'),
    ("2026-01-01T00:00:00+51:00", RFC3339, 'parsing time "2026-01-01T00:00:00+51:00": time zone offset hour out of '
                                           "range"),
])
def test_time_parse_errors_are_gos(value: str, layout: str, error: str | None) -> None:
    assert parse_error(value, layout) == error


@pytest.mark.parametrize(("value", "micro", "written"), [
    # what kube-apiserver 1.37 answered for each (tests/writes_differential.py's `_time_forms` has some)
    ("2026-12-07T09:00:00Z", False, "2026-12-07T09:00:00Z"),
    ("2026-12-07T09:00:00.123456+00:00", False, "2026-12-07T09:00:00Z"),  # Python's isoformat()
    ("2026-12-07T10:00:00+01:00", False, "2026-12-07T09:00:00Z"),
    ("2026-12-07T09:00:00,5Z", False, "2026-12-07T09:00:00Z"),
    ("2026-12-07T9:00:00Z", False, "2026-12-07T09:00:00Z"),
    ("2026-12-07T09:00:00+24:00", False, "2026-12-06T09:00:00Z"),
    ("2026-03-01T00:30:00+01:00", False, "2026-02-28T23:30:00Z"),
    ("2024-03-01T00:30:00+01:00", False, "2024-02-29T23:30:00Z"),
    ("0001-01-01T00:00:00Z", False, None),  # Go's zero time, written null
    ("0001-01-01T01:00:00+01:00", False, None),
    ("0000-01-01T00:00:00Z", False, "0000-01-01T00:00:00Z"),
    ("9999-12-31T23:00:00-02:00", False, "9999-12-31T23:00:00-02:00"),  # (Go writes year 10000: kept as sent)
    ("2026-12-07T10:00:00.123456+01:00", True, "2026-12-07T09:00:00.123456Z"),
    ("2026-12-07T09:00:00,123456Z", True, "2026-12-07T09:00:00.123456Z"),
    ("0001-01-01T00:00:00.000000Z", True, None),
])
def test_times_are_written_as_go_writes_them(value: str, micro: bool, written: str | None) -> None:
    assert parse_error(value, RFC3339_MICRO if micro else RFC3339) is None
    assert marshalled(value, micro) == written


@pytest.mark.parametrize(("value", "written", "read_back"), [
    # encoding/json's Marshal of a float64 (checked against Go 1.26), and what a custom resource's storage reads
    # back from it: an integral one below 1e21 is written without a fraction, so it comes back an integer
    (2.0, "2", 2), (-0.0, "-0", 0), (123456789.0, "123456789", 123456789), (1e20, "100000000000000000000", 10**20),
    (9.223372036854776e18, "9223372036854776000", 9223372036854776000),
    (1.2345678901234568e17, "123456789012345680", 123456789012345680), (1e21, "1e+21", 1e21), (1.5, "1.5", 1.5),
    (1e-7, "1e-7", 1e-7),
])
def test_floats_are_written_and_read_back_as_by_go(value: float, written: str, read_back: float) -> None:
    assert decoding.json_number(value) == written
    assert decoding.stored_numbers({"a": [value]}) == {"a": [read_back]}
    assert type(decoding.stored_numbers(value)) is type(read_back)
