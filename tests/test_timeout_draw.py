"""The randomized watch timeout: within [min, 2*min), uniform, and a pure function of seed and request."""

from __future__ import annotations

from watchproxy.engines.emulate.timeout import TimeoutDraw

# Chi-square critical value for 19 degrees of freedom at p = 0.001. With fixed seeds the statistic is a
# fixed number; this threshold documents how far from uniform it may be before the draw counts as broken.
CHI2_19_P001 = 43.82
BINS = 20
DRAWS = 4000


def test_closes_lie_in_min_to_twice_min_and_are_uniform() -> None:
    counts = [0] * BINS
    for seed in range(DRAWS):
        t = TimeoutDraw(seed, 1800.0).timeout("GET /api/v1/namespaces/default/pods?watch=true#0")
        assert 1800.0 <= t < 3600.0
        counts[int((t - 1800.0) / 1800.0 * BINS)] += 1
    expected = DRAWS / BINS
    chi2 = sum((c - expected) ** 2 / expected for c in counts)
    assert chi2 < CHI2_19_P001, (chi2, counts)


def test_uniform_across_requests_of_one_replay() -> None:
    draw = TimeoutDraw(42, 60.0)
    counts = [0] * BINS
    for _ in range(DRAWS):
        counts[int((draw.timeout(draw.identity("GET", "/api/v1/pods", "watch=true")) - 60.0) / 60.0 * BINS)] += 1
    expected = DRAWS / BINS
    assert sum((c - expected) ** 2 / expected for c in counts) < CHI2_19_P001


def test_draw_depends_on_seed_and_request_not_on_other_traffic() -> None:
    a, b = TimeoutDraw(3, 1800.0), TimeoutDraw(3, 1800.0)
    mine = a.timeout(a.identity("GET", "/api/v1/pods", "watch=true"))
    b.identity("GET", "/api/v1/configmaps", "watch=true")  # someone else's watch comes first
    assert b.timeout(b.identity("GET", "/api/v1/pods", "watch=true")) == mine
    again = a.timeout(a.identity("GET", "/api/v1/pods", "watch=true"))
    assert again != mine  # a reconnect with the same query is a new request
    assert TimeoutDraw(4, 1800.0).timeout("GET /api/v1/pods?watch=true#0") != mine
