"""Statistics against hand-computed values."""

from __future__ import annotations

import math

import pytest

from hunter.analysis.stats import hypotheses, rate, sprt, upper_bound
from hunter.regions import Rate


def test_clopper_pearson_known_values():
    # 0/10: upper = 1 - 0.025 ** (1/10); 10/10: lower = 0.025 ** (1/10)
    r = rate(0, 10)
    assert r.ci95[0] == 0.0
    assert r.ci95[1] == pytest.approx(1 - 0.025 ** (1 / 10), abs=1e-9)
    r = rate(10, 10)
    assert r.ci95[0] == pytest.approx(0.025 ** (1 / 10), abs=1e-9)
    # 8/12 from the contract's example: [0.349, 0.901]
    r = rate(8, 12)
    assert r.rate == pytest.approx(2 / 3)
    assert r.ci95 == pytest.approx((0.3489, 0.9008), abs=1e-3)
    assert rate(0, 0).ci95 == (0.0, 1.0)


def test_one_sided_upper_bound():
    # 0 failures in n: bound is 1 - 0.05 ** (1/n)
    assert upper_bound(0, 20) == pytest.approx(1 - 0.05 ** (1 / 20), abs=1e-9)
    assert upper_bound(3, 3) == 1.0


def test_sprt_boundaries_by_hand():
    p0, p1 = 0.05, 0.3
    step_pass = math.log((1 - p1) / (1 - p0))
    bound = math.log(0.05 / 0.95)
    n_fluke = math.ceil(bound / step_pass)
    assert sprt(0, n_fluke, p0, p1) == "fluke"
    assert sprt(0, n_fluke - 1, p0, p1) == "continue"
    assert sprt(3, 4, p0, p1) == "bug"


def test_flat_fluke_called_within_30_and_bug_never_called_fluke():
    import numpy as np

    background = Rate(200, 6, 0.03, (0.01, 0.06))
    p0, p1 = hypotheses(background)
    rng = np.random.default_rng(0)
    firsts = []
    for _ in range(400):  # a fluke: the origin fails at background level
        fails = rng.random(30) < 0.03
        decisions = [sprt(int(fails[:n].sum()), n, p0, p1) for n in range(1, 31)]
        firsts.append(next((d for d in decisions if d != "continue"), "continue"))
    # most flukes are called within 30 replays; wrongly calling a bug stays rare (alpha 5%
    # against p1, a little more against a fluke this close to p0)
    assert firsts.count("fluke") / len(firsts) >= 0.7
    assert firsts.count("bug") / len(firsts) <= 0.1
    for _ in range(200):  # a real bug failing 60% of the time is never called a fluke
        fails = rng.random(30) < 0.6
        decisions = [sprt(int(fails[:n].sum()), n, p0, p1) for n in range(1, 31)]
        first = next(d for d in decisions if d != "continue")
        assert first == "bug"
