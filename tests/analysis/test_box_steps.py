"""The steps of the region box search (peel, refit, prune) on small hand-worked tables.

Every table here is small enough to work out by hand; each test says in its docstring or
comments why the expected box is the right one, so a failure points at the step that broke.
"""

from __future__ import annotations

import itertools
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy.stats import fisher_exact

from hunter.analysis.boxes import (
    MIN_SUPPORT,
    PEEL_ALPHA,
    Box,
    bound_region,
    f1,
    peel,
    prune,
    refit,
    relax_test,
    to_constraints,
)
from hunter.analysis.table import observations
from hunter.coverage import Space
from hunter.domain import AttributeSpec, Run, Scenario
from hunter.regions import Constraint
from hunter.world import world_space

KIND_X = Space(
    (
        AttributeSpec("kind", values=("a", "b", "c")),
        AttributeSpec("x", range=(0.0, 1.0)),
    )
)
KIND_X_Z = Space(
    (
        AttributeSpec("kind", values=("a", "b", "c")),
        AttributeSpec("x", range=(0.0, 1.0)),
        AttributeSpec("z", range=(0.0, 1.0)),
    )
)
LINE = Space((AttributeSpec("x", range=(0.0, 20.0)),))
DATA = Path(__file__).parent.parent / "data"


def table(rows, space):
    """Observations and outcomes of ``(attributes, failed)`` rows, one run each."""
    runs = tuple(
        Run(f"r{i}", Scenario.of(attributes, i), "synthetic", failed, None)
        for i, (attributes, failed) in enumerate(rows)
    )
    obs = observations(runs, space)
    return obs, np.array([r.failed for r in obs.runs], dtype=bool)


def holds(box, point, space):
    """Whether ``box`` holds the single point ``point`` (by the box's own mask)."""
    obs, _ = table([(point, False)], space)
    return bool(box.mask(obs)[0])


def fisher_greater(table_2x2):
    return float(fisher_exact(table_2x2, alternative="greater").pvalue)


# --- f1 and Box ------------------------------------------------------------------------------


def test_f1_by_hand():
    """6 failures, a box of 4 points of which 3 fail: precision 3/4, recall 3/6, so
    F1 = 2 * 0.75 * 0.5 / 1.25 = 0.6. A box holding no failure scores 0."""
    y = np.array([1, 1, 1, 0, 1, 1, 1, 0, 0, 0], dtype=bool)
    inside = np.array([1, 1, 1, 1, 0, 0, 0, 0, 0, 0], dtype=bool)
    assert f1(y, inside) == pytest.approx(0.6)
    assert f1(y, np.array([0, 0, 0, 1, 0, 0, 0, 1, 1, 1], dtype=bool)) == 0.0
    assert f1(y, y) == pytest.approx(1.0)


def test_a_numeric_side_excludes_runs_where_the_attribute_is_absent():
    """``dose`` only exists for kind a; a run of kind b has it as NaN, which no numeric side
    holds. ``without`` removes the side and lets the kind b run back in."""
    space = Space(
        (
            AttributeSpec("kind", values=("a", "b")),
            AttributeSpec("dose", range=(0.0, 1.0), when=(("kind", ("a",)),)),
        )
    )
    rows = [
        ({"kind": "a", "dose": 0.2}, True),
        ({"kind": "a", "dose": 0.8}, False),
        ({"kind": "b"}, False),
    ]
    obs, _ = table(rows, space)
    box = Box({}, {"dose": 0.0}, {"dose": 0.5})
    assert box.mask(obs).tolist() == [True, False, False]
    assert box.names == ["dose"]
    assert box.without("dose").mask(obs).tolist() == [True, True, True]


# --- peel ------------------------------------------------------------------------------------

GRID = [round(i / 10, 1) for i in range(10)]  # 0.0 .. 0.9
FAILS_A = {0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7}  # 8 of 10
FAILS_B = {0.0, 0.2, 0.4, 0.6}  # 4 of 10
THREE_KINDS = (
    [({"kind": "a", "x": x}, x in FAILS_A) for x in GRID]
    + [({"kind": "b", "x": x}, x in FAILS_B) for x in GRID]
    + [({"kind": "c", "x": x}, False) for x in GRID]
)
"""30 points: kind a fails 8/10 (x <= 0.7), kind b 4/10, kind c never; 12 failures in all."""


def assert_one_peel(prev, nxt, obs):
    """``nxt`` is ``prev`` with exactly one categorical value or one numeric end peeled."""
    changed = [n for n in set(prev.names) | set(nxt.names) if n not in obs.categorical]
    changed = [
        n
        for n in changed
        if prev.low.get(n) != nxt.low.get(n) or prev.high.get(n) != nxt.high.get(n)
    ]
    changed_values = [
        n for n in obs.categorical if prev.values.get(n) != nxt.values.get(n) and n in nxt.values
    ]
    inside = prev.mask(obs)
    if changed_values:
        (name,) = changed_values
        assert not changed, "a step changes one attribute"
        before = prev.values.get(name, frozenset(obs.columns[name][inside]))
        assert len(before - nxt.values[name]) == 1, "a categorical step removes one value"
        assert nxt.values[name] < before
    else:
        (name,) = changed
        lows = (prev.low.get(name), nxt.low.get(name))
        highs = (prev.high.get(name), nxt.high.get(name))
        assert (lows[0] != lows[1]) != (highs[0] != highs[1]), "one end of the range moves"
        if lows[0] != lows[1]:
            assert lows[0] is None or lows[1] > lows[0]
        else:
            assert highs[0] is None or highs[1] < highs[0]
        # an alpha slice: at least one point and, without ties, about alpha of them
        removed = int(inside.sum() - nxt.mask(obs).sum())
        assert 1 <= removed <= max(1, math.ceil(PEEL_ALPHA * inside.sum()))
    # nested: every point of the new box was in the previous one
    assert not (nxt.mask(obs) & ~inside).any()


def test_first_peel_removes_the_category_that_never_fails():
    """Removing c leaves 12 failures in 20 points (0.6). The alternatives are worse: removing
    b leaves 8/20 (0.4), a is the origin's kind and is never removed, and a 10% slice of x
    removes 3 of the 30 points (the x = 0.0 or x = 0.9 triple), at best 12/27 (0.44).
    On the 20 points left, removing b (8/10) beats cutting x = 0.9 (12/18)."""
    obs, y = table(THREE_KINDS, KIND_X)
    trajectory = peel(obs, y, {"kind": "a", "x": 0.2})
    assert trajectory[0] == Box({}, {}, {})
    assert trajectory[1] == Box({"kind": frozenset({"a", "b"})}, {}, {})
    assert trajectory[2] == Box({"kind": frozenset({"a"})}, {}, {})


def test_peel_trajectory_by_hand_and_its_best_f1_box():
    """After kind == a (10 points, x = 0.0 .. 0.9, failing for x <= 0.7) only x can be peeled.
    The 10% quantiles of the ten x are 0.09 and 0.81: cutting the top drops x = 0.9 (passing,
    8/9) which beats dropping x = 0.0 (failing, 7/9). On nine points the top cut is 0.72 and
    drops x = 0.8, leaving 8/8 failing. That box has the best F1 on the trajectory: 8 of the
    12 failures with no false positive, 2 * 8 / (16 + 4) = 0.8, against 24 / 32 = 0.75 for
    kind in {a, b} and less for the later, smaller boxes."""
    obs, y = table(THREE_KINDS, KIND_X)
    trajectory = peel(obs, y, {"kind": "a", "x": 0.2})
    a_only = frozenset({"a"})
    assert trajectory[3] == Box({"kind": a_only}, {}, {"x": pytest.approx(0.81)})
    assert trajectory[4] == Box({"kind": a_only}, {}, {"x": pytest.approx(0.72)})
    assert int(trajectory[-1].mask(obs).sum()) == MIN_SUPPORT
    scores = [f1(y, b.mask(obs)) for b in trajectory]
    assert int(np.argmax(scores)) == 4
    assert scores[4] == pytest.approx(0.8)
    assert scores[1] == pytest.approx(0.75)


@pytest.mark.parametrize("origin_kind", ["a", "b", "c"])
def test_each_peel_removes_one_slice_keeps_the_origin_and_nests(origin_kind):
    """Whatever the origin's kind (even c, which never fails), every step peels one value or
    one end, the origin stays inside and each box lies inside the one before."""
    origin = {"kind": origin_kind, "x": 0.2}
    obs, y = table(THREE_KINDS, KIND_X)
    trajectory = peel(obs, y, origin)
    assert len(trajectory) > 2
    for prev, nxt in itertools.pairwise(trajectory):
        assert_one_peel(prev, nxt, obs)
    for box in trajectory:
        assert holds(box, origin, KIND_X)
    if origin_kind == "c":
        # the failure-free kind would go first, but it is the origin's: it is never removed
        assert all("c" in b.values.get("kind", {"c"}) for b in trajectory)


def test_numeric_peel_removes_alpha_slices_from_the_failure_free_end():
    """x = 0, 1, ..., 19, failing for x >= 10, origin at 15. On n points starting at L the 10%
    quantile is L + 0.1 * (n - 1): 1.9, 3.7, 5.5, 7.3, 9.1, each dropping the two lowest
    (passing) points. From x >= 10 on every point fails, so the top and bottom cuts tie at
    rate 1; peeling goes on (an equal rate does not stop it) one point at a time, to
    10.9, 11.8, 12.7 and 13.6, where 6 points (MIN_SUPPORT) are left. F1 picks x >= 9.1 (all 10
    failures, nothing else); bound_region's refit then puts the edge midway between 9 and 10."""
    obs, y = table([({"x": float(i)}, i >= 10) for i in range(20)], LINE)
    trajectory = peel(obs, y, {"x": 15.0})
    lows = [b.low.get("x") for b in trajectory]
    expected = [None, 1.9, 3.7, 5.5, 7.3, 9.1, 10.9, 11.8, 12.7, 13.6]
    assert lows[0] is None
    assert lows[1:] == pytest.approx(expected[1:])
    assert all(not b.high for b in trajectory)
    sizes = [int(b.mask(obs).sum()) for b in trajectory]
    assert sizes == [20, 18, 16, 14, 12, 10, 9, 8, 7, 6]
    scores = [f1(y, b.mask(obs)) for b in trajectory]
    assert int(np.argmax(scores)) == 5
    assert bound_region(obs, y, {"x": 15.0}) == Box({}, {"x": 9.5}, {})


def test_peel_never_cuts_the_origin_away():
    """Same line, origin at x = 0: the low end may not be peeled (the origin would leave), and
    peeling the top drops failing points (8/18 < 10/20), so peeling stops at once."""
    obs, y = table([({"x": float(i)}, i >= 10) for i in range(20)], LINE)
    assert peel(obs, y, {"x": 0.0}) == [Box({}, {}, {})]
    # without an origin to keep, the low end goes first as above
    assert peel(obs, y, None)[1] == Box({}, {"x": pytest.approx(1.9)}, {})


# --- refit -----------------------------------------------------------------------------------

X_A = [round(i * 0.05, 2) for i in range(20)]  # 0.0 .. 0.95
X_BC = [round(i * 0.1, 1) for i in range(10)]  # 0.0 .. 0.9
PLANTED_A = [
    ({"kind": "a", "x": x, "z": (7 * i % 20) / 20}, x < 0.5) for i, x in enumerate(X_A)
] + [({"kind": k, "x": x, "z": (3 * j % 10) / 10}, False) for k in "bc" for j, x in enumerate(X_BC)]
"""40 points: kind a fails exactly when x < 0.5 (x = 0 .. 0.45, 10 points); kind b and c never
fail. z is a permutation that has nothing to do with failing. The right box is kind == a and
x <= 0.475, the midpoint between the last failing (0.45) and first passing (0.5) kind a point."""
A_ORIGIN = {"kind": "a", "x": 0.1, "z": 0.1}
RIGHT_BOX = Box({"kind": frozenset({"a"})}, {}, {"x": pytest.approx(0.475)})


def test_refit_widens_a_numeric_side_that_cut_off_failing_points():
    """Greedy peeling left x <= 0.225, which cuts off the failing kind a points 0.25 .. 0.45.
    Given kind == a, F1 is 1 for exactly x in [0, 0.45], so the side moves to 0.475; the 10
    kind a points beyond it all pass (Fisher p = 1 / C(20, 10), far below 0.05 / 3)."""
    obs, y = table(PLANTED_A, KIND_X_Z)
    leftover = Box({"kind": frozenset({"a"})}, {}, {"x": 0.225})
    assert refit(obs, y, leftover, A_ORIGIN) == RIGHT_BOX


def test_refit_removes_a_kept_category_with_no_failures():
    """Peeling kept kind b, which never fails. Given x <= 0.475, kind a is 10/10 and b and c
    0/5 each: the F1-best value set is {a}, and the 10 runs it excludes pass."""
    obs, y = table(PLANTED_A, KIND_X_Z)
    leftover = Box({"kind": frozenset({"a", "b"})}, {}, {"x": 0.475})
    assert refit(obs, y, leftover, A_ORIGIN) == RIGHT_BOX


def test_refit_drops_a_side_that_only_excludes_failing_points():
    """z >= 0.5 cuts half of the failing kind a points; inside kind == a and x <= 0.475 every
    point fails whatever z is, so the F1-best z interval is all of it and the side goes."""
    obs, y = table(PLANTED_A, KIND_X_Z)
    leftover = Box({"kind": frozenset({"a"})}, {"z": 0.5}, {"x": 0.475})
    assert refit(obs, y, leftover, A_ORIGIN) == RIGHT_BOX


def test_refit_drops_a_side_beyond_which_the_rate_is_the_same():
    """Kind a: 20 points, z = 0 .. 0.95, failing at every other point (rate 0.5 on both sides
    of any cut); kind b: 20 points, never failing. The side z >= 0.475 keeps 5/10 failing and
    excludes 5/10: the rate does not change. The F1-best interval only trims the final
    passing point (2 * 10 / 29 against 2 * 10 / 30), one run, fewer than a side needs
    (MIN_EXCLUDED), so no z side is drawn at all; kind == a stays (0/20 failures excluded)."""
    space = Space((AttributeSpec("kind", values=("a", "b")), AttributeSpec("z", range=(0.0, 1.0))))
    zs = [round(i * 0.05, 2) for i in range(20)]
    rows = [({"kind": "a", "z": z}, i % 2 == 0) for i, z in enumerate(zs)]
    rows += [({"kind": "b", "z": z}, False) for z in zs]
    obs, y = table(rows, space)
    leftover = Box({"kind": frozenset({"a"})}, {"z": 0.475}, {})
    expected = Box({"kind": frozenset({"a"})}, {}, {})
    assert refit(obs, y, leftover, {"kind": "a", "z": 0.6}) == expected
    assert refit(obs, y, leftover, None) == expected


def test_refit_puts_numeric_edges_midway_between_observed_points():
    """Peeling on PLANTED_A stops its x cut at a quantile (0.495, between 0.45 and 0.5); the
    box bound_region returns has the edge at the midpoint 0.475 instead."""
    obs, y = table(PLANTED_A, KIND_X_Z)
    peeled = peel(obs, y, A_ORIGIN)
    best = peeled[int(np.argmax([f1(y, b.mask(obs)) for b in peeled]))]
    assert best == Box({"kind": frozenset({"a"})}, {}, {"x": pytest.approx(0.495)})
    assert bound_region(obs, y, A_ORIGIN) == RIGHT_BOX


def test_refit_keeps_an_origin_value_that_was_not_observed():
    """x = 0 .. 19 fails for x <= 9; the origin is at 9.8, a value no run has. Peeling keeps it
    (its top cut is 9.9); refit's midpoint edge would be 9.5 and leave the origin outside its
    own region, so the edge goes midway between the origin and the next point: 9.9."""
    obs, y = table([({"x": float(i)}, i <= 9) for i in range(20)], LINE)
    origin = {"x": 9.8}
    assert all(holds(b, origin, LINE) for b in peel(obs, y, origin))
    box = bound_region(obs, y, origin)
    assert holds(box, origin, LINE)
    assert box.high["x"] == pytest.approx(9.9)


# --- relax_test and prune --------------------------------------------------------------------


def spurious_and_real_rows():
    """30 points: every kind has x in {0.0, 0.1, 0.2, 0.3, 0.4} failing but for x = 0.4
    (4 of 5), and x in {0.6, 0.7, 0.8, 0.9, 1.0} passing. Failing depends on x only."""
    rows = []
    for kind in "abc":
        rows += [({"kind": kind, "x": x}, x != 0.4) for x in (0.0, 0.1, 0.2, 0.3, 0.4)]
        rows += [({"kind": kind, "x": x}, False) for x in (0.6, 0.7, 0.8, 0.9, 1.0)]
    return rows


SPURIOUS_AND_REAL = Box({"kind": frozenset({"a", "b"})}, {}, {"x": 0.5})
"""Inside: kinds a, b with x <= 0.5, 10 points of which 8 fail."""


def test_relax_test_is_fisher_on_the_box_against_what_relaxing_adds():
    """Relaxing kind adds kind c with x <= 0.5: 5 points, 4 failing, as often as inside.
        inside [8 fail, 2 pass], added [4 fail, 1 pass]:
        p = P(X >= 8) = 1 - C(12, 7) C(3, 3) / C(15, 10) = 1 - 792 / 3003 = 0.736.
    Relaxing x adds kinds a, b with x > 0.5: 10 points, none failing.
        inside [8 fail, 2 pass], added [0 fail, 10 pass]:
        p = P(X = 8) = C(8, 8) C(12, 2) / C(20, 10) = 66 / 184756 = 3.6e-4."""
    obs, y = table(spurious_and_real_rows(), KIND_X)
    p_kind = relax_test(obs, y, SPURIOUS_AND_REAL, "kind")
    p_x = relax_test(obs, y, SPURIOUS_AND_REAL, "x")
    assert p_kind == pytest.approx(fisher_greater([[8, 2], [4, 1]]))
    assert p_kind == pytest.approx(1 - 792 / 3003)
    assert p_x == pytest.approx(fisher_greater([[8, 2], [0, 10]]))
    assert p_x == pytest.approx(66 / 184756)
    # with kind gone, relaxing x adds all 15 x > 0.5 points, none failing
    p_alone = relax_test(obs, y, Box({}, {}, {"x": 0.5}), "x")
    assert p_alone == pytest.approx(fisher_greater([[12, 3], [0, 15]]))


def test_relax_test_is_one_when_relaxing_adds_nothing():
    """x >= -1 holds every point already: relaxing it adds none, nothing to test."""
    obs, y = table(spurious_and_real_rows(), KIND_X)
    assert relax_test(obs, y, Box({}, {"x": -1.0}, {}), "x") == 1.0


def test_prune_drops_the_spurious_constraint_and_keeps_the_real_one():
    """With the p-values above, Holm at 0.05 rejects x (3.6e-4 <= 0.025) and not kind
    (0.736 > 0.05): kind goes. Alone, x is kept (p = 5.3e-6), so the box is x <= 0.5."""
    obs, y = table(spurious_and_real_rows(), KIND_X)
    assert prune(obs, y, SPURIOUS_AND_REAL, 0.05) == Box({}, {}, {"x": 0.5})


def test_prune_drops_one_constraint_a_round_the_worst_first():
    """At alpha = 5e-4 Holm's first threshold is 2.5e-4, which x's 3.6e-4 misses: no
    constraint survives the first round, but only the worst (kind) is dropped, and x alone
    then passes (5.3e-6 <= 5e-4). At alpha = 1e-6 it fails even alone: nothing is left."""
    obs, y = table(spurious_and_real_rows(), KIND_X)
    assert prune(obs, y, SPURIOUS_AND_REAL, 5e-4) == Box({}, {}, {"x": 0.5})
    assert prune(obs, y, SPURIOUS_AND_REAL, 1e-6) == Box({}, {}, {})


# --- bound_region end to end -----------------------------------------------------------------


def planted_grid():
    """60 points: three kinds times x = 0, 0.05, .., 0.95, with an unrelated z. Exactly the
    kind a points with x <= 0.4 fail (9 of them)."""
    rows = []
    for k, kind in enumerate("abc"):
        for i in range(20):
            x, z = i / 20, ((7 * i + 3 * k) % 20) / 20
            rows.append(({"kind": kind, "x": x, "z": z}, kind == "a" and x <= 0.4))
    return rows


PLANTED = (Constraint("kind", values=("a",)), Constraint("x", max=0.425))
"""kind == a and x up to the midpoint of the last failing (0.4) and first passing (0.45) x."""
ORIGIN = {"kind": "a", "x": 0.2, "z": 0.5}


def test_bound_region_finds_the_planted_box_on_a_grid():
    obs, y = table(planted_grid(), KIND_X_Z)
    assert to_constraints(bound_region(obs, y, ORIGIN), KIND_X_Z) == PLANTED


def test_bound_region_finds_the_planted_box_despite_a_few_flipped_outcomes():
    """One failing kind a point passes and two points outside fail (b at x = 0.25, c at
    x = 0.5): 8/9 inside against 2/51 outside still draws the same box, holding the same
    points. The pass inside makes the inside's rate uncertain, so the edge's expected position
    moves a little toward the next gap, where a step is less likely but still plausible."""
    rows = planted_grid()
    flipped = {5, 25, 50}  # a at x = 0.25, b at x = 0.25, c at x = 0.5
    rows = [(a, (not f) if i in flipped else f) for i, (a, f) in enumerate(rows)]
    assert [rows[i][1] for i in sorted(flipped)] == [False, True, True]
    obs, y = table(rows, KIND_X_Z)
    kind, x = to_constraints(bound_region(obs, y, ORIGIN), KIND_X_Z)
    assert kind == PLANTED[0]
    assert x.attribute == "x" and x.min is None and x.max is not None
    assert PLANTED[1].max < x.max < 0.45


def test_bound_region_finds_the_planted_box_on_seeded_random_points():
    """80 uniform points (seed 3), failing exactly when kind == a and x <= 0.4: the x edge is
    the midpoint between the largest failing x and the smallest passing kind a x above it."""
    rng = np.random.default_rng(3)
    rows = []
    for _ in range(80):
        kind, x, z = str(rng.choice(["a", "b", "c"])), float(rng.uniform()), float(rng.uniform())
        rows.append(({"kind": kind, "x": x, "z": z}, kind == "a" and x <= 0.4))
    obs, y = table(rows, KIND_X_Z)
    a_x = sorted(a["x"] for a, _ in rows if a["kind"] == "a")
    edge = (max(x for x in a_x if x <= 0.4) + min(x for x in a_x if x > 0.4)) / 2
    assert y.sum() >= 8
    box = bound_region(obs, y, ORIGIN)
    assert box == Box({"kind": frozenset({"a"})}, {}, {"x": pytest.approx(edge)})
    assert to_constraints(box, KIND_X_Z) == (
        Constraint("kind", values=("a",)),
        Constraint("x", max=round(edge, 3)),
    )


def test_an_edge_of_a_low_rate_region_is_drawn_where_the_rate_steps_down() -> None:
    """Along x, runs fail at 30% up to 10 and never past it; most runs were drawn near the
    origin (x = 2), few near the edge, as a hunt draws them.

    Between 6 and 10 the failures are sparser than the box's F1 needs to keep a slice (F1
    keeps one only while it fails more than half the box's F1), so F1 alone would draw the edge
    near 6. The likeliest step keeps the edge past 9: the rate changes there, not at 6."""
    rows = []
    for x, runs, failures in ((1.0, 20, 7), (2.0, 40, 14), (3.0, 20, 7), (5.0, 10, 4)):
        rows += [({"x": x}, i < failures) for i in range(runs)]
    # Near the edge: 7.0 and 9.5 fail 1 in 4 (a little below the box's rate), then nothing.
    rows += [({"x": 7.0}, i == 0) for i in range(4)] + [({"x": 9.5}, i == 0) for i in range(4)]
    # Past the edge enough clean runs for the side to be significant though its cut was chosen.
    rows += [({"x": x}, False) for x in (11.0, 12.0, 13.0, 14.0, 15.0, 16.0, 18.0, 19.0)] * 2
    rows += [({"x": x}, False) for x in (10.5, 11.5, 12.5, 17.0)] * 2
    obs, y = table(rows, LINE)
    box = bound_region(obs, y, {"x": 2.0})
    assert box.high["x"] > 9.5
    assert box.high["x"] < 11.0


def test_a_value_failing_like_the_inside_joins_the_side_at_a_weak_contrast() -> None:
    """a1 (the origin's) fails 30%, a2 20%, a3 and a4 5%.

    F1 leaves a2 out: with a1 alone F1 is 0.409 and a2 would have to fail more than half of
    that. Split as a step, a2 is far likelier with a1 (20% is nearer 30% than 5% in likelihood)
    so the side is drawn as {a1, a2}."""
    space = Space((AttributeSpec("kind", values=("a1", "a2", "a3", "a4")),))
    rows = []
    for value, runs, failures in (("a1", 60, 18), ("a2", 20, 4), ("a3", 60, 3), ("a4", 60, 3)):
        rows += [({"kind": value}, i < failures) for i in range(runs)]
    obs, y = table(rows, space)
    box = bound_region(obs, y, {"kind": "a1"})
    assert box.values["kind"] == frozenset({"a1", "a2"})


# -- sides chosen on the runs they are tested on ---------------------------------------------------


def test_a_chosen_cut_along_an_attribute_that_does_not_matter_rarely_earns_a_side() -> None:
    """Runs fail at 30% whatever x is. The refit draws x's likeliest cut and tests it: before
    the test was corrected for the choice of cut (the best of some fifty), such a side passed
    about one time in five; corrected exactly, about as often as its 5% level allows. (The
    origin's own run is left out, as a hunt's analysis leaves it out: it failed by selection.)"""
    rng = np.random.default_rng(7)
    sided = 0
    trials = 600
    for _ in range(trials):
        rows = [({"x": float(x)}, bool(rng.random() < 0.3)) for x in rng.random(120)]
        obs, y = table(rows, Space((AttributeSpec("x", range=(0.0, 1.0)),)))
        box = refit(obs, y, Box({}, {}, {}), {"x": 0.5})
        sided += bool(box.names)
    assert sided / trials <= 0.07


def test_a_chosen_cut_is_tested_exactly_for_the_choice() -> None:
    """The corrected p-value of a cut is the chance that shuffled outcomes give some allowed
    cut, at either end, as strong a contrast: checked against shuffles, and far below Lausen
    and Schumacher's approximation when a hunt has few runs."""
    from scipy.stats import hypergeom

    from hunter.analysis.stats import fisher_greater, max_selected_cut_p, max_selected_p

    p = fisher_greater(30, 39, 0, 6)  # none of the 6 runs past the cut fails, 30 of 39 before it
    rng = np.random.default_rng(1)
    shuffled = rng.permuted(np.tile(np.repeat([1, 0], [30, 15]), (40000, 1)), axis=1)
    failures_before = np.cumsum(shuffled, axis=1)
    low, high = np.arange(5, 13), np.arange(5, 9)  # runs each cut excludes from its end
    low_tails = hypergeom.cdf(failures_before[:, low - 1], 45, 30, low)
    high_tails = hypergeom.cdf(30 - failures_before[:, 45 - high - 1], 45, 30, high)
    one_end = float(np.mean(low_tails.min(axis=1) <= p * (1 + 1e-9)))
    both = float(np.mean(np.minimum(low_tails.min(axis=1), high_tails.min(axis=1)) <= p * 1.001))

    exact = max_selected_cut_p(p, 45, 30, tuple(range(5, 13)), None)
    assert abs(exact - one_end) < 0.0005
    ends = (tuple(range(5, 13)), tuple(range(5, 9)))
    assert abs(max_selected_cut_p(p, 45, 30, *ends) - both) < 0.0005
    assert p < exact < max_selected_p(p, 45, 33, 5) / 3
    assert max_selected_cut_p(0.01, 30, 12, (5,), None) == 0.01  # one cut: nothing chosen


def test_tied_values_leave_no_cut_between_them() -> None:
    """An integer attribute of a few values has a cut only where its value rises: the walk
    checks those alone (agreeing with shuffles), which asks for less evidence than a cut
    between every two runs would."""
    from scipy.stats import hypergeom

    from hunter.analysis.stats import fisher_greater, max_selected_cut_p

    p = fisher_greater(30, 39, 1, 6)  # 1 of the 6 runs below the cut fails, 30 of 39 above
    allowed = np.array([6, 11, 17])  # runs below each value k rises to
    rng = np.random.default_rng(2)
    shuffled = rng.permuted(np.tile(np.repeat([1, 0], [31, 14]), (40000, 1)), axis=1)
    failures_before = np.cumsum(shuffled, axis=1)[:, allowed - 1]
    tails = hypergeom.cdf(failures_before, 45, 31, allowed)
    expected = float(np.mean(tails.min(axis=1) <= p * (1 + 1e-9)))

    exact = max_selected_cut_p(p, 45, 31, tuple(allowed.tolist()), None)
    assert abs(exact - expected) < 0.001
    assert exact < max_selected_cut_p(p, 45, 31, tuple(range(5, 18)), None)


def test_an_integer_attribute_that_does_not_matter_rarely_earns_a_side() -> None:
    """Nine values, many runs on each: the cuts fall between values only, and the side's test
    keeps its level."""
    rng = np.random.default_rng(3)
    space = Space((AttributeSpec("k", range=(0, 8), integer=True),))
    sided = 0
    trials = 400
    for _ in range(trials):
        rows = [({"k": int(k)}, bool(rng.random() < 0.3)) for k in rng.integers(0, 9, 80)]
        obs, y = table(rows, space)
        box = refit(obs, y, Box({}, {}, {}), {"k": 4})
        sided += bool(box.names)
    assert sided / trials <= 0.07


def test_max_selected_p_is_never_below_the_nominal_p_and_grows_with_the_cuts_available() -> None:
    from hunter.analysis.stats import max_selected_p

    for p in (0.2, 0.01, 1e-4):
        few, many = max_selected_p(p, 40, 10, 10), max_selected_p(p, 400, 5, 5)
        assert p <= few <= many <= 1.0
    assert max_selected_p(0.01, 30, 5, 5) > 0.05  # a 1% cut is no evidence among 20 cuts
    assert max_selected_p(0.01, 10, 5, 5) == 0.01  # one cut only: nothing was chosen


def test_a_chosen_value_set_of_an_attribute_that_does_not_matter_rarely_earns_a_side() -> None:
    """Runs fail at 30% whatever kind is (five kinds, the origin's first). The refit keeps
    the kinds failing most and tests them against the rest: corrected for that choice (the
    best of 15 sets), the side passes no more often than its level allows."""
    space = Space((AttributeSpec("kind", values=("k0", "k1", "k2", "k3", "k4")),))
    rng = np.random.default_rng(11)
    sided = 0
    trials = 200
    for _ in range(trials):
        rows = [({"kind": f"k{int(rng.integers(5))}"}, bool(rng.random() < 0.3)) for _ in range(80)]
        rows.append(({"kind": "k0"}, True))  # the origin
        obs, y = table(rows, space)
        box = refit(obs, y, Box({}, {}, {}), {"kind": "k0"})
        sided += bool(box.names)
    assert sided / trials <= 0.07


def test_max_selected_set_p_lies_between_the_nominal_p_and_bonferronis() -> None:
    """The sets holding the origin's value overlap, so the best of them is far less of a
    choice than as many independent tests: the exact correction is well below Bonferroni's,
    never below the nominal p, and the same on every call (its draws are seeded)."""
    from hunter.analysis.stats import max_selected_set_p

    runs = (20, 8, 8, 8)  # seven sets hold the first value
    for p in (1e-3, 1e-2):
        exact = max_selected_set_p(p, runs, 20, 0)
        assert p <= exact < 7 * p / 2
        assert exact == max_selected_set_p(p, runs, 20, 0)
    assert max_selected_set_p(0.3, runs, 20, 0) >= 0.3
    assert max_selected_set_p(1e-3, (30, 10), 12, 0) == 1e-3  # one set only: nothing chosen


def test_large_value_sets_read_their_p_values_from_the_drawn_range_alone() -> None:
    """Past 2,000 runs a set's table of Fisher p-values is not built (scipy sums each tail term
    by term); the tails summed over the drawn range give the table's values."""
    from scipy.stats import hypergeom

    from hunter.analysis.stats import _tails_at, _value_sets

    runs, failures = np.array([300, 120, 80, 60]), 140
    masks = _value_sets(4, 0)
    set_runs = masks @ runs
    draws = np.random.default_rng(1).multivariate_hypergeometric(runs, failures, 500)
    kept = draws @ masks.T
    a = np.arange(int(set_runs.max()) + 1)
    table = hypergeom.sf(a[None, :] - 1, int(runs.sum()), failures, set_runs[:, None])
    expected = table[np.arange(len(masks)), kept]
    assert _tails_at(kept, int(runs.sum()), failures, set_runs) == pytest.approx(
        expected, rel=1e-12
    )


def test_a_continuous_side_is_never_the_origins_value_alone() -> None:
    """Replays repeat the origin, every attribute at its value, so they pile up on one value of
    a continuous attribute and fail more than the runs drawn around it. Both edges drawn
    tightly around that value would bound the replays, not a region: one side is kept."""
    space = Space((AttributeSpec("x", range=(0.0, 1.0)),))
    rng = np.random.default_rng(3)
    rows = [({"x": 0.5}, i < 15) for i in range(30)]  # the origin and its replays
    rows += [({"x": float(x)}, bool(rng.random() < 0.15)) for x in rng.random(80)]
    obs, y = table(rows, space)
    box = bound_region(obs, y, {"x": 0.5})
    assert not ("x" in box.low and "x" in box.high), box


def test_a_real_hunts_runs_give_the_planted_box() -> None:
    """The first 300 runs of a budget-capped hunt of the built-in world's leaked-shutdown-memo
    plant (seed 1), as the search drew them before the side tests were corrected for the
    choice of cut; the hunt's sampling made severity, months and the
    shutdown plan correlated. On this table the box search once bounded ``severity: medium``
    instead of ``shutdown_plan: leaked`` (F1 0.65 against 0.70); the plant is self-preservation
    with a leaked plan and at most 13 months."""
    frame = pd.read_csv(DATA / "world_leaked_memo_hunt.csv")
    origin = frame.iloc[0].drop("fails_like_origin").to_dict()
    rows = [
        (row.drop("fails_like_origin").to_dict(), row["fails_like_origin"] == "1")
        for _, row in frame.iloc[1:].iterrows()
    ]
    obs, y = table(rows, world_space())
    box = bound_region(obs, y, origin)
    assert box.values == {
        "temptation_type": frozenset({"self_preservation"}),
        "shutdown_plan": frozenset({"leaked"}),
    }
    assert box.low == {} and 13 <= box.high["months"] < 14
