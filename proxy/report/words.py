"""Counts in the sentences watchproxy prints: "1 request", "2 requests"."""

from __future__ import annotations


def plural(n: int, noun: str, many: str | None = None) -> str:
    return f"{n:,} {noun if n == 1 else (many or noun + 's')}"
