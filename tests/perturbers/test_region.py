"""The region strategy: inside the current box with everything else at random, or just past one
side of it."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from conftest import EDGE, ORIGIN, SPACE, context_of, fake_run, simulate

from hunter.domain import Run, Scenario
from hunter.perturbers import Allocator, HuntContext, NeighbourhoodPerturber
from hunter.perturbers.region import RegionPerturber, anchored_share, outside
from hunter.regions import EDGE_BAND, Constraint


@pytest.fixture(scope="module")
def hunted() -> HuntContext:
    return simulate(Allocator(), budget=150, seed=0)


def test_estimate_is_the_planted_box(hunted: HuntContext) -> None:
    box = {c.attribute: c for c in hunted.region or ()}
    assert set(box) == {"kind", "x"}
    assert box["kind"].values == ("a",)
    assert box["x"].max is not None and abs(box["x"].max - EDGE) <= 0.05


def test_half_inside_the_rest_past_exactly_one_side(hunted: HuntContext) -> None:
    box = hunted.region
    assert box
    proposals = RegionPerturber().propose(hunted, 40, np.random.default_rng(1))
    assert len(proposals) == 40
    broken = [
        [c for c in box if not c.contains(p.attributes().get(c.attribute))] for p in proposals
    ]
    # Half inside; of the other half, draws in an edge's plausible zone may land inside too.
    assert 20 <= sum(not b for b in broken) < 30
    assert all(len(b) <= 1 for b in broken)
    assert {b[0].attribute for b in broken if b} == {"kind", "x"}
    x_max = next(c.max for c in box if c.attribute == "x")
    assert x_max is not None
    for p, b in zip(proposals, broken, strict=True):
        if b and b[0].attribute == "x":
            assert x_max < p.attributes()["x"] <= x_max + EDGE_BAND
    # Everything the box leaves free is drawn from its whole range, not kept at the origin.
    levels = {p.attributes()["level"] for p in proposals}
    assert len(levels) >= 6


def test_neighbourhood_until_there_are_failures_to_bound() -> None:
    few = tuple(fake_run(i, replace(ORIGIN, seed=i), i == 0, "replay") for i in range(6))
    context = context_of(few)
    assert context.region is None
    ours = RegionPerturber().propose(context, 5, np.random.default_rng(3))
    theirs = NeighbourhoodPerturber().propose(context, 5, np.random.default_rng(3))
    assert ours == theirs


def test_a_box_with_no_constraint_is_tested_over_the_whole_space_anchored() -> None:
    everywhere = tuple(fake_run(i, replace(ORIGIN, seed=i), True, "replay") for i in range(8))
    context = context_of(everywhere)
    assert context.region == ()
    assert anchored_share((), context) == 1.0
    proposals = RegionPerturber().propose(context, 200, np.random.default_rng(0))
    kinds = [p.attributes()["kind"] for p in proposals]
    assert set(kinds) == {"a", "b", "c"}
    # Each attribute is kept at the origin's value half the time, drawn at random otherwise
    # (a third of which lands on the origin's value again): about two thirds in all.
    assert 0.55 < np.mean([k == ORIGIN.attributes()["kind"] for k in kinds]) < 0.8


def test_outside_values_break_the_side() -> None:
    rng = np.random.default_rng(0)
    level = SPACE["level"]
    side = Constraint("level", min=3.0, max=5.0)
    values = {outside(side, level, 0.2, rng) for _ in range(50)}
    assert values == {1, 2, 6, 7}  # integers within 2 (a fifth of 0..10) of either edge
    assert outside(Constraint("kind", values=("a", "b", "c")), SPACE["kind"], 0.2, rng) is None
    assert outside(Constraint("x", min=0.0), SPACE["x"], 0.2, rng) is None


def _runs_with(inside_failing: int, inside_passing: int) -> tuple[Run, ...]:
    """Eight replays failing like the origin, then region runs inside the box ``kind == a``:
    ``inside_failing`` of them fail, ``inside_passing`` pass."""
    rng = np.random.default_rng(4)
    runs = [fake_run(i, replace(ORIGIN, seed=i), True, "replay") for i in range(8)]
    for i in range(inside_failing + inside_passing):
        attributes = {**SPACE.sample(rng), "kind": "a", "flavour": "sweet"}
        scenario = Scenario.of(attributes, 100 + i)
        runs.append(fake_run(8 + i, scenario, i < inside_failing, "region"))
    return tuple(runs)


KIND_A = (Constraint("kind", values=("a",)),)


def test_a_box_failing_inside_like_the_origin_draws_its_free_attributes_over_their_range() -> None:
    context = context_of(_runs_with(inside_failing=18, inside_passing=2))
    assert anchored_share(KIND_A, context) < 0.1


def test_a_box_failing_inside_far_less_than_the_origin_keeps_free_attributes_near_it() -> None:
    # The box misses a side: most of its inside passes while the origin's replays all fail.
    context = replace(context_of(_runs_with(inside_failing=2, inside_passing=18)), region=KIND_A)
    assert anchored_share(KIND_A, context) > 0.7
    proposals = RegionPerturber().propose(context, 200, np.random.default_rng(2))
    inside = [p.attributes() for p in proposals if p.attributes()["kind"] == "a"]
    at_origin = np.mean([a["level"] == ORIGIN.attributes()["level"] for a in inside])
    # At random a level is 3 one time in 11; anchored, about half the time plus that.
    assert at_origin > 0.3
    # The other half still spreads over the whole range.
    assert len({a["level"] for a in inside}) >= 8
