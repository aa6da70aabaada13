"""The early-stop rule, on hand-built analyses and runs whose answers are worked out by hand."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from hunter.analysis.stats import rate
from hunter.analysis.stopping import (
    MIN_GROWTH,
    edges_pinned,
    edges_sharp,
    excluded_values_confirmed,
    same_region,
    screened,
    settled,
    sides_confirmed,
)
from hunter.coverage import Space
from hunter.domain import AttributeSpec, Run, Scenario, Verdict
from hunter.regions import Constraint, HuntAnalysis, Region

SPACE = Space((AttributeSpec("kind", values=("a", "b")), AttributeSpec("x", range=(0.0, 1.0))))
BOX = (Constraint("kind", values=("a",)), Constraint("x", max=0.4))
CHECKS = frozenset({"collusion"})


def run(index: int, kind: str, x: float, failed: bool) -> Run:
    return Run(
        run_id=f"r{index}",
        scenario=Scenario.of({"kind": kind, "x": x}, index),
        sut="synthetic",
        failed=failed,
        error=None,
        verdicts=(Verdict("collusion", failed, "high"),),
    )


def analysis(box: tuple[Constraint, ...], inside_runs: int = 40) -> HuntAnalysis:
    inside = rate(inside_runs * 4 // 5, inside_runs)
    region = Region("R1", box, inside, rate(1, 40), "implementation", None, None, (), 0.8)
    region = replace(region, contains_origin=True)
    return HuntAnalysis("bug", rate(8, 10), rate(1, 100), (region,))


def confirming_runs() -> list[Run]:
    """Inside fails 9 in 10; past each side (kind b; x in (0.4, 0.65]) fails 1 in 10, and five
    runs packed just past the x edge (where the ``region`` strategy draws to pin it) pass."""
    rng = np.random.default_rng(0)
    runs = [run(i, "a", float(rng.uniform(0, 0.4)), i % 10 != 0) for i in range(30)]
    runs += [run(100 + i, "b", float(rng.uniform(0, 0.4)), i == 0) for i in range(10)]
    runs += [run(200 + i, "a", float(rng.uniform(0.41, 0.65)), i == 0) for i in range(10)]
    runs += [run(600 + i, "a", 0.402 + 0.004 * i, False) for i in range(5)]
    return runs


def hunt_runs() -> list[Run]:
    """40 runs before the region first appears (at 40 simulations), then the confirming ones:
    the stop rule reads its evidence on the runs after the region appeared."""
    before = [run(1000 + i, "a", 0.1, True) for i in range(40)]
    return before + confirming_runs()


def test_sides_confirmed_when_the_band_past_each_side_passes() -> None:
    region = analysis(BOX).regions[0]
    assert sides_confirmed(region, confirming_runs(), SPACE, CHECKS)


def test_a_side_drawn_too_tight_is_not_confirmed() -> None:
    runs = confirming_runs()
    # Past x <= 0.2 the runs still fail like the inside: the edge is not where it is drawn.
    runs += [run(300 + i, "a", 0.2 + 0.01 * (i + 1), i % 10 != 0) for i in range(10)]
    region = analysis((BOX[0], Constraint("x", max=0.2))).regions[0]
    assert not sides_confirmed(region, runs, SPACE, CHECKS)


def test_too_few_runs_past_a_side_is_not_confirmed() -> None:
    runs = [r for r in confirming_runs() if r.attributes()["kind"] == "a"]
    assert not sides_confirmed(analysis(BOX).regions[0], runs, SPACE, CHECKS)


def test_an_edge_past_which_the_rate_falls_as_far_away_is_sharp() -> None:
    # past x: 1 of 15 fail; far away (kind b): 1 of 10
    assert edges_sharp(analysis(BOX).regions[0], confirming_runs(), SPACE, CHECKS)


def test_an_edge_drawn_inside_a_ramp_is_not_sharp() -> None:
    """Kind a fails 9 in 10 up to x = 0.4, then less and less to x = 0.6 (a soft edge whose
    half-rate contour is 0.5); kind b fails 1 in 40. The box stops at 0.4 and the runs just past
    it confirm the side (they fail less than the inside), but they fail far more often than the
    runs away from the region: the edge lies in a ramp, not at a step."""
    runs = [r for r in confirming_runs() if r.attributes()["kind"] == "a"]
    runs = [r for r in runs if r.attributes()["x"] <= 0.4]
    runs += [run(700 + i, "a", 0.41 + 0.01 * i, i % 3 == 0 and i < 15) for i in range(20)]
    runs += [run(800 + i, "b", 0.2, i == 0) for i in range(40)]
    region = analysis(BOX).regions[0]
    assert sides_confirmed(region, runs, SPACE, CHECKS)
    assert not edges_sharp(region, runs, SPACE, CHECKS)


def test_settled_needs_the_region_to_hold_while_the_hunt_doubles() -> None:
    runs = hunt_runs()
    first_seen = 40
    history = [(16, analysis((BOX[0],)))] + [(n, analysis(BOX)) for n in range(first_seen, 200, 16)]
    # Stable from 40 on: a stop needs 40 + max(MIN_GROWTH, 40) = 80 simulations.
    assert first_seen >= MIN_GROWTH
    assert not settled([h for h in history if h[0] < 80], runs, SPACE, CHECKS)
    assert settled([h for h in history if h[0] <= 88], runs, SPACE, CHECKS)


def test_edges_that_jitter_within_tolerance_count_as_the_same_region() -> None:
    jitter = (BOX[0], Constraint("x", max=0.42))
    moved = (BOX[0], Constraint("x", max=0.5))
    region = analysis(BOX).regions[0]
    assert same_region(region, analysis(jitter).regions[0], SPACE)
    assert not same_region(region, analysis(moved).regions[0], SPACE)
    assert not same_region(region, analysis((BOX[0],)).regions[0], SPACE)
    # The edge moved at 136: from there the hunt has not doubled by 184.
    history = [(n, analysis(moved if n < 136 else BOX)) for n in range(40, 200, 16)]
    assert not settled(history, hunt_runs(), SPACE, CHECKS)
    assert settled(
        [(n, analysis(BOX)) for _, n in enumerate(range(40, 200, 16))],
        hunt_runs(),
        SPACE,
        CHECKS,
    )


def test_no_stop_without_a_bug_verdict_or_support() -> None:
    runs = hunt_runs()
    history = [(n, analysis(BOX)) for n in range(40, 200, 16)]
    assert settled(history, runs, SPACE, CHECKS)
    last_n, last = history[-1]
    inconclusive = HuntAnalysis("inconclusive", last.origin_replay, last.background, last.regions)
    assert not settled([*history[:-1], (last_n, inconclusive)], runs, SPACE, CHECKS)
    thin = [(n, analysis(BOX, inside_runs=12)) for n in range(40, 200, 16)]
    assert not settled(thin, runs, SPACE, CHECKS)


def test_evidence_is_read_on_the_runs_after_the_region_appeared() -> None:
    """The same confirming runs, but all before the region appeared: they chose its edges, so
    they cannot confirm them."""
    history = [(n, analysis(BOX)) for n in range(50, 200, 16)]
    late = confirming_runs() + [run(1000 + i, "a", 0.1, True) for i in range(100)]
    assert not settled(history, late, SPACE, CHECKS)
    assert settled(
        history,
        [run(1000 + i, "a", 0.1, True) for i in range(50)] + confirming_runs(),
        SPACE,
        CHECKS,
    )


SPACE3 = Space(
    (
        AttributeSpec("kind", values=("a", "b", "c")),
        AttributeSpec("x", range=(0.0, 1.0)),
        AttributeSpec("w", values=("w0", "w1")),
    )
)


def run3(index: int, kind: str, x: float, w: str, failed: bool) -> Run:
    return Run(
        run_id=f"r{index}",
        scenario=Scenario.of({"kind": kind, "x": x, "w": w}, index),
        sut="synthetic",
        failed=failed,
        error=None,
        verdicts=(Verdict("collusion", failed, "high"),),
    )


def test_each_excluded_value_must_fail_less_on_its_own() -> None:
    """Pooled, kind b passing would hide kind c failing like the inside; one by one it shows."""
    inside = [run3(i, "a", 0.2, "w0", i % 10 != 0) for i in range(30)]
    b = [run3(100 + i, "b", 0.2, "w0", False) for i in range(10)]
    c_like_inside = [run3(200 + i, "c", 0.2, "w0", i % 10 != 0) for i in range(10)]
    c_passing = [run3(300 + i, "c", 0.2, "w0", False) for i in range(10)]
    region = analysis((Constraint("kind", values=("a",)),)).regions[0]
    assert excluded_values_confirmed(region, inside + b + c_passing, CHECKS)
    assert not excluded_values_confirmed(region, inside + b + c_like_inside, CHECKS)


def test_the_screen_finds_a_missing_sub_dimension_and_wants_enough_runs_per_cell() -> None:
    rng = np.random.default_rng(1)
    box = (Constraint("kind", values=("a",)),)
    region = analysis(box).regions[0]

    def inside(n: int, split: bool) -> list[Run]:
        out = []
        for i in range(n):
            w = ("w0", "w1")[i % 2]
            fails = (w == "w1" or not split) and rng.random() < 0.8
            out.append(run3(i, "a", float(rng.uniform()), w, bool(fails)))
        return out

    assert screened(region, inside(60, split=False), SPACE3, CHECKS)
    assert not screened(region, inside(60, split=True), SPACE3, CHECKS)  # w0 never fails
    assert not screened(region, inside(6, split=False), SPACE3, CHECKS)  # cells too thin


def test_an_edge_drawn_too_tight_is_not_pinned_though_the_band_past_it_passes() -> None:
    """Kind a fails 4 in 10 up to x = 0.5 and never past it (kind b never); the box stops at 0.38.

    The band past 0.38 (a quarter of the range) holds failing runs up to 0.5 and passing ones
    beyond: pooled, it fails significantly less than the inside, so the side test alone would
    confirm the tight edge. The plausible zone of the step lies near 0.5, far from the edge."""
    rng = np.random.default_rng(4)
    runs = []
    for i in range(300):
        x = round(float(rng.uniform(0.0, 0.63)), 4)
        runs.append(run(i, "a", x, bool(x <= 0.5 and rng.random() < 0.4)))
    runs += [run(1000 + i, "b", 0.2, False) for i in range(20)]  # past the kind side
    tight = (Constraint("kind", values=("a",)), Constraint("x", max=0.38))
    right = (Constraint("kind", values=("a",)), Constraint("x", max=0.5))
    assert sides_confirmed(analysis(tight).regions[0], runs, SPACE, CHECKS)
    assert not edges_pinned(analysis(tight).regions[0], runs, SPACE, CHECKS)
    assert edges_pinned(analysis(right).regions[0], runs, SPACE, CHECKS)


def test_a_narrow_sides_edge_is_pinned_against_the_sides_width_not_the_range() -> None:
    """Kind a fails 7 in 10 up to x = 0.05 and never past it. The box stops at 0.032: within 5%
    of the range, but leaving out a third of the region. Past 0.032 only a handful of runs fall
    before 0.05, so the step may still lie anywhere up to there, and the edge is not pinned;
    runs packed around 0.05 pin the edge drawn there."""
    inside = [run(i, "a", 0.0003 * (i + 1), i % 10 < 7) for i in range(100)]  # up to 0.03
    sparse = [run(200 + i, "a", 0.035 + 0.004 * i, i in (1, 3)) for i in range(4)]
    beyond = [run(300 + i, "a", 0.052 + 0.002 * i, False) for i in range(40)]
    past_kind = [run(400 + i, "b", 0.01, False) for i in range(20)]
    runs = inside + sparse + beyond + past_kind
    tight = (Constraint("kind", values=("a",)), Constraint("x", max=0.032))
    assert not edges_pinned(analysis(tight).regions[0], runs, SPACE, CHECKS)
    packed = [run(500 + i, "a", 0.032 + 0.0004 * i, i % 10 < 7) for i in range(45)]
    right = (Constraint("kind", values=("a",)), Constraint("x", max=0.05))
    assert edges_pinned(analysis(right).regions[0], runs + packed, SPACE, CHECKS)
