"""The apiserver's randomized watch timeout, made reproducible.

The apiserver (k8s.io/apiserver/pkg/endpoints/handlers/get.go) closes a watch without timeoutSeconds after
`minRequestTimeout * (1 + rand.Float64())`. Here U comes from a generator seeded by the replay's seed and
the request's own identity (its path, its query and how many identical requests came before it), so the
same seed and request sequence always close at the same virtual instants, and other clients' traffic
cannot shift them.
"""

from __future__ import annotations

import random
from collections import Counter

from ...wire.params import query_pairs


class TimeoutDraw:
    def __init__(self, seed: int, min_request_timeout: float) -> None:
        self.seed = seed
        self.min_request_timeout = min_request_timeout
        self._seen: Counter[str] = Counter()

    def identity(self, method: str, path: str, query: str) -> str:
        q = "&".join(f"{k}={v}" for k, v in sorted(query_pairs(query)))
        base = f"{method} {path}?{q}"
        n = self._seen[base]
        self._seen[base] += 1
        return f"{base}#{n}"

    def u(self, identity: str) -> float:
        return random.Random(f"{self.seed}|{identity}").random()

    def timeout(self, identity: str) -> float:
        return self.min_request_timeout * (1.0 + self.u(identity))
