"""Statistics against hand-computed values."""

from __future__ import annotations

import math

import pytest

from hunter.analysis.stats import hypotheses, rate, sprt, upper_bound
from hunter.domain import Run, Scenario, Verdict
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


def _replay(index: int, failed: bool, checks: frozenset[str]) -> Run:
    return Run(
        run_id=f"r{index}",
        scenario=Scenario.of({"x": 0.5}, index),
        sut="synthetic",
        failed=failed,
        error=None,
        verdicts=(Verdict(next(iter(checks)), failed, "high"),),
        strategy="replay",
    )


def test_an_undecided_replay_test_is_truncated_toward_a_fluke_only() -> None:
    from hunter.analysis.fluke import MAX_REPLAYS, tally_replays
    from hunter.perturbers.allocator import MAX_REPLAYS as ALLOCATOR_CAP

    assert MAX_REPLAYS == ALLOCATOR_CAP
    checks = frozenset({"c"})
    background = rate(8, 100)  # p0 0.08, p1 0.3: each failure +1.32, each pass -0.273

    def replays(failures: int, n: int) -> list[Run]:
        return [_replay(i, i < failures, checks) for i in range(n)]

    # 5 of 60: llr = 5(1.32) - 55(0.273) = -8.4, far past the fluke threshold anyway
    assert tally_replays(replays(5, 60), checks, background).decision == "fluke"
    # 12 of 60: llr = 12(1.32) - 48(0.273) = 2.76, undecided (a bug at ln 95 = 4.55) and above 0:
    # never a bug by truncation
    assert tally_replays(replays(12, 60), checks, background).decision == "continue"
    # 10 of 59 (llr -0.18) is undecided before the cap; 10 of 61 (llr -0.72) is a fluke
    assert tally_replays(replays(10, 59), checks, background).decision == "continue"
    assert tally_replays(replays(10, 61), checks, background).decision == "fluke"
