"""Results: one row per figure, printed as a Markdown table (what docs/benchmarks.md holds)."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any


@dataclass
class Row:
    figure: str
    value: str  # watchproxy's figure, formatted
    baseline: str = "—"  # the baseline's figure in the same run, formatted
    ratio: str = "—"  # watchproxy / baseline (or the difference, for latencies)
    target: str = ""
    met: bool | None = None  # None: no target, or not measured
    note: str = ""

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def rate(v: float) -> str:
    return "n/a" if math.isnan(v) else f"{v:,.0f} ev/s"


def ms(v: float) -> str:
    return "n/a" if math.isnan(v) else f"{v * 1000:.2f} ms"


def secs(v: float) -> str:
    return "n/a" if math.isnan(v) else f"{v:.2f} s"


def mb(v: float) -> str:
    return "n/a" if math.isnan(v) else f"{v / 1e6:,.0f} MB"


def ratio(a: float, b: float) -> str:
    return "n/a" if not b or math.isnan(a) or math.isnan(b) else f"{a / b:.2f}×"


def met_text(met: bool | None) -> str:
    return {True: "yes", False: "**no**", None: "—"}[met]


def render(rows: list[Row]) -> str:
    head = ["figure", "watchproxy", "baseline", "ratio", "target", "met?"]
    body = [[r.figure, r.value, r.baseline, r.ratio, r.target, met_text(r.met)] for r in rows]
    widths = [max(len(x) for x in col) for col in zip(head, *body, strict=False)]
    lines = ["| " + " | ".join(h.ljust(w) for h, w in zip(head, widths, strict=True)) + " |",
             "| " + " | ".join("-" * w for w in widths) + " |"]
    lines += ["| " + " | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) + " |" for row in body]
    notes = [f"- {r.figure}: {r.note}" for r in rows if r.note]
    return "\n".join(lines + (["", *notes] if notes else []))
