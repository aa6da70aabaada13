"""Each strategy does its own job on the planted landscape of ``conftest``."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import replace

import numpy as np
import pytest
from conftest import EDGE, ORIGIN, SPACE, context_of, fake_run, outcome, planted, simulate

from hunter.analysis.stats import hypotheses, passes_to_call_fluke
from hunter.domain import Scenario, Value
from hunter.perturbers import (
    Allocator,
    BoundaryPerturber,
    NeighbourhoodPerturber,
    OneAtATimePerturber,
    get_perturber,
)
from hunter.perturbers.base import HuntContext
from hunter.perturbers.encoding import distance
from hunter.perturbers.neighbourhood import adapted_radius, sample_near
from hunter.perturbers.one_at_a_time import move_of, moves


def near_edge(attributes: Mapping[str, Value], band: float = 0.1) -> bool:
    """Within ``band`` of the planted region's numeric edge, on the region's side of kind."""
    return attributes["kind"] == "a" and abs(float(attributes["x"]) - EDGE) <= band


def share_near_edge(scenarios: Sequence[Scenario]) -> float:
    return sum(near_edge(s.attributes()) for s in scenarios) / len(scenarios)


# --- boundary -----------------------------------------------------------------------------


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_boundary_pins_the_numeric_edge(seed: int) -> None:
    context = simulate(Allocator.single("boundary"), budget=300, seed=seed)
    edges = {(e.attribute, e.side): e for e in BoundaryPerturber().edges(context)}
    high = edges[("x", "high")]
    assert high.status == "pinned"
    assert high.estimate is not None and abs(high.estimate - EDGE) <= 0.05
    assert edges[("x", "low")].status == "unbounded"  # x = 0 still fails: no edge below
    assert edges[("kind", "b")].status == "passes"
    assert edges[("flavour", "sour")].status == "fails"
    assert BoundaryPerturber().exhausted(context) == (len(context.observations) < 300)


def test_boundary_is_exact_on_a_noiseless_landscape() -> None:
    def sharp(a: Mapping[str, Value]) -> float:
        return 1.0 if a["kind"] == "a" and float(a["x"]) <= EDGE else 0.0

    context = simulate(Allocator.single("boundary"), budget=300, seed=0, landscape=sharp)
    high = next(
        e for e in BoundaryPerturber().edges(context) if e.attribute == "x" and e.side == "high"
    )
    assert high.status == "pinned"
    assert high.inside is not None and high.outside is not None
    assert float(high.inside) <= EDGE < float(high.outside)
    assert float(high.outside) - float(high.inside) <= 0.02
    print(f"\nboundary pinned x <= {EDGE} within 0.02 using {len(context.observations)} sims")


def test_boundary_reports_non_monotone_attributes() -> None:
    def stripes(a: Mapping[str, Value]) -> float:
        return 1.0 if a["kind"] == "a" and (float(a["x"]) <= 0.3 or float(a["x"]) >= 0.9) else 0.0

    context = simulate(Allocator.single("boundary"), budget=200, seed=0, landscape=stripes)
    high = next(
        e for e in BoundaryPerturber().edges(context) if (e.attribute, e.side) == ("x", "high")
    )
    assert high.status == "non_monotone"


# --- active -------------------------------------------------------------------------------


def test_active_proposes_near_the_boundary_more_than_uniform() -> None:
    def later_share(name: str) -> float:
        context = simulate(Allocator.single(name), budget=120, seed=0, batch_size=8)
        return share_near_edge([r.scenario for r in context.observations[40:]])

    active, uniform = later_share("active"), later_share("uniform")
    assert active > 3 * max(uniform, 0.02)
    assert active >= 0.25
    print(
        f"\nshare of proposals within 0.1 of the edge: active {active:.2f}, uniform {uniform:.2f}"
    )


# --- neighbourhood ------------------------------------------------------------------------


def test_neighbourhood_stays_near_the_origin() -> None:
    rng = np.random.default_rng(0)
    origin = ORIGIN.attributes()
    near = NeighbourhoodPerturber(radius=0.3).propose(context_of(), 200, rng)
    far = get_perturber("uniform").propose(context_of(), 200, rng)
    near_d = [distance(SPACE, origin, s.attributes()) for s in near]
    far_d = [distance(SPACE, origin, s.attributes()) for s in far]
    assert max(near_d) <= 1.3 + 1.0  # one categorical flip may overshoot, plus its sub-dimension
    assert np.mean(near_d) < 0.4 < np.mean(far_d)
    assert all(s.attributes() != origin for s in near)


def test_neighbourhood_radius_follows_how_fast_failures_thin_out() -> None:
    def runs_for(landscape: object) -> float:
        rng = np.random.default_rng(1)
        origin = ORIGIN.attributes()
        scenarios = [Scenario.of(sample_near(SPACE, origin, 3.0, rng), i) for i in range(80)]
        runs = tuple(
            fake_run(i, s, outcome(s, landscape), "uniform")  # type: ignore[arg-type]
            for i, s in enumerate(scenarios)
        )
        return adapted_radius(context_of(runs))

    everywhere = runs_for(lambda a: 0.9)
    spike = runs_for(lambda a: 0.9 if distance(SPACE, ORIGIN.attributes(), a) < 0.5 else 0.0)
    assert adapted_radius(context_of()) == 1.0  # nothing seen yet: the initial radius
    assert spike < 1.0 < everywhere


# --- one_at_a_time ------------------------------------------------------------------------


def test_one_at_a_time_covers_every_single_change() -> None:
    context = simulate(Allocator.single("one_at_a_time"), budget=500, seed=0)
    expected = moves(context)
    seen = Counter(move_of(ORIGIN.attributes(), r.attributes()) for r in context.observations)
    assert set(seen) == set(expected)
    assert all(count == 3 for count in seen.values())  # three repeats each, then exhausted
    assert len(context.observations) == 3 * len(expected) < 500
    assert ("kind", "b") in expected and ("flavour", "sour") in expected
    assert {("x", 0.15), ("x", 0.25), ("level", 2), ("level", 4)} <= set(expected)
    flipped = [r.attributes() for r in context.observations if r.attributes()["kind"] != "a"]
    assert flipped and all("flavour" not in a for a in flipped)


def test_one_at_a_time_retries_errors_but_not_forever() -> None:
    perturber = OneAtATimePerturber(repeats=1)
    context = context_of()
    rng = np.random.default_rng(0)
    first = perturber.propose(context, 1, rng)[0]
    errored = tuple(fake_run(i, first, False, perturber.name, error="boom") for i in range(2))
    assert perturber.propose(replace(context, observations=errored[:1]), 1, rng)[0].items == (
        first.items
    )
    assert perturber.propose(replace(context, observations=errored), 1, rng)[0].items != (
        first.items
    )


# --- allocator ----------------------------------------------------------------------------


def test_allocator_replays_first_and_respects_max_n() -> None:
    allocator = Allocator(replays=12)
    rng = np.random.default_rng(0)
    small = allocator.next_batch(context_of(), rng, max_n=5)
    assert [p.strategy for p in small] == ["replay"] * 5
    batch = allocator.next_batch(context_of(), rng, max_n=16)
    # Enough replays to call a fluke at once against the default 5% background: 10.
    first = passes_to_call_fluke(*hypotheses(0.05))
    assert first == 10
    assert [p.strategy for p in batch[:first]] == ["replay"] * first
    assert len(batch) == 16 and all(p.strategy != "replay" for p in batch[first:])
    assert all(p.scenario.items == ORIGIN.items for p in batch[:first])
    assert allocator.next_batch(context_of(), rng, max_n=0) == []
    context = simulate(allocator, budget=37, seed=0, batch_size=16)
    assert len(context.observations) == 37  # the last batch is cut to the remaining budget


def test_allocator_stops_replaying_once_replays_settle() -> None:
    context = simulate(Allocator(replays=12), budget=64, seed=0, landscape=lambda a: 1.0)
    assert len(context.by_strategy("replay")) == 10  # the first batch decides: no more
    allocator = Allocator(replays=12)
    rng = np.random.default_rng(0)
    six = tuple(fake_run(i, replace(ORIGIN, seed=i), True, "replay") for i in range(6))
    assert allocator.replays_wanted(context_of(six)) == 0  # 6/6 failures: the SPRT says bug
    # 2 of 6: log-likelihood ratio 2 ln 6 + 4 ln(0.7/0.95) = 2.36, short of ln 95 = 4.55;
    # 6.8 more replays expected at the bug hypothesis' drift, capped by the 12 allowed
    mixed = tuple(fake_run(i, replace(ORIGIN, seed=i), i < 2, "replay") for i in range(6))
    assert allocator.replays_wanted(context_of(mixed)) == 6  # undecided: a few more
    eleven = tuple(fake_run(i, replace(ORIGIN, seed=i), i < 2, "replay") for i in range(11))
    assert allocator.replays_wanted(context_of(eleven)) == 1  # never past ``replays``
    assert allocator.next_batch(context_of(six), rng, 4)[0].strategy != "replay"


def test_allocator_follows_its_stages() -> None:
    context = simulate(Allocator(), budget=200, seed=0)
    by_batch = [r.strategy for r in context.observations]
    early, late = Counter(by_batch[10:42]), Counter(by_batch[150:])
    assert early["region"] > sum(early.values()) / 2  # the broad stage tests the box most
    assert early["one_at_a_time"] > 0 and early["neighbourhood"] > 0
    assert early["active"] == early["optuna"] == 0
    assert late["boundary"] + late["active"] + late["optuna"] > late["neighbourhood"]
    assert late["region"] > 0


def test_single_uses_one_strategy() -> None:
    for name in ("uniform", "neighbourhood", "optuna", "one_at_a_time"):
        context = simulate(Allocator.single(name), budget=40, seed=0)
        assert {r.strategy for r in context.observations} == {name}


# --- the whole schedule on a planted landscape --------------------------------------------


def test_default_schedule_finds_failures_near_the_edge() -> None:
    """The staged schedule against a planted region: failures found near its edge, and when."""
    budget = 150
    default = simulate(Allocator(), budget=budget, seed=0)
    uniform = simulate(Allocator.single("uniform"), budget=budget, seed=0)

    def edge_runs(context: HuntContext) -> int:
        return sum(near_edge(r.attributes()) for r in context.valid)

    def edge_failures(context: HuntContext) -> int:
        return sum(r.failed and near_edge(r.attributes()) for r in context.valid)

    assert edge_runs(default) >= 2 * max(edge_runs(uniform), 1)
    assert edge_failures(default) > edge_failures(uniform)
    # The region strategy's box, the one the analysis would report, has the planted edges.
    box = {c.attribute: c for c in default.region or ()}
    assert set(box) == {"kind", "x"} and box["kind"].values == ("a",)
    assert box["x"].max is not None and abs(box["x"].max - EDGE) <= 0.05
    print(
        f"\ndefault schedule: {edge_runs(default)} runs ({edge_failures(default)} failures) "
        f"within 0.1 of the edge in {budget} sims (uniform: {edge_runs(uniform)} runs, "
        f"{edge_failures(uniform)} failures); x <= {box['x'].max} (true {EDGE})"
    )
    assert planted(ORIGIN.attributes()) == 0.8
