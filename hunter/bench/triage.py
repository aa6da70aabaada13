"""``hunter bench triage``: does a campaign's triage find each planted bug once, call the
background failures flukes, and spend less than hunting every failed run one by one?

Each landscape plants several regions of different sizes and failure rates (each with its own
check) in a space with mapped and unmapped attributes, plus isolated background failures whose
check is drawn from the planted ones (a fluke looks like a bug's failure from outside). A
campaign samples the landscape's map; ``hunter triage`` runs on it; then, on the same store,
every failed run is hunted with the same per-hunt budget (the one-by-one alternative; a run
the triage already hunted with those settings is returned from the store, and its
simulations are counted again, as that alternative would have spent them).

Scored against the plants (never shown to the triage):

* recall: planted bugs with at least one failure in the campaign that a reported bug matches
  (same check, region F1 >= ``MATCH_F1`` over a uniform sample of the space);
* precision: reported bugs that match a plant no earlier reported bug matched (a duplicate or a
  non-planted region counts against it);
* flukes called: background failures (outside every plant) the triage called flukes, and
  failures it called flukes that were a plant's;
* region F1 per planted bug (of the best-matching reported bug).
"""

from __future__ import annotations

import random
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from hunter.bench.landscapes import Box, in_box
from hunter.coverage import CoverageMap, Space
from hunter.domain import AttributeDict, AttributeSpec, Trajectory, Verdict
from hunter.flow.campaign import run_campaign
from hunter.flow.hunt import HuntSettings, run_hunt
from hunter.flow.triage import MIN_HUNT_BUDGET, triage
from hunter.regions import Region
from hunter.store import Store
from hunter.sut import Sut, SutOptions

MATCH_F1 = 0.5
"""A reported bug is a planted one when its region overlaps the plant this well (F1)."""
F1_SAMPLE = 20_000


@dataclass(frozen=True, slots=True)
class PlantedRegion:
    name: str
    box: Box
    check: str
    rate: float


@dataclass(frozen=True, slots=True)
class TriageLandscape:
    name: str
    space: Space
    coverage_map: CoverageMap
    plants: tuple[PlantedRegion, ...]
    background: float

    def plant_at(self, attributes: Mapping[str, Any]) -> PlantedRegion | None:
        return next((p for p in self.plants if in_box(p.box, attributes)), None)


def _cat(name: str, n: int) -> AttributeSpec:
    return AttributeSpec(name, values=tuple(f"{name}{i}" for i in range(n)))


def _num(name: str, lo: float = 0.0, hi: float = 1.0, integer: bool = False) -> AttributeSpec:
    return AttributeSpec(name, range=(lo, hi), integer=integer)


def _landscapes() -> dict[str, TriageLandscape]:
    a, b, c, x, y = _cat("a", 4), _cat("b", 3), _cat("c", 3), _num("x"), _num("y")
    mapped = (a, b, c, x, y)
    space = Space((*mapped, _num("k", 1, 8, integer=True), _cat("w", 3), _num("z"), _cat("u", 2)))
    cmap = CoverageMap("triage", 1, mapped, crosses=(("a", "x"), ("b", "y")), goal=20)
    three = TriageLandscape(
        "three_bugs",
        space,
        cmap,
        (
            # inside a bucket of a x x, a numeric edge: about 5% of the space
            PlantedRegion("in_bucket", {"a": {"in": ["a1"]}, "x": {"max": 0.2}}, "collusion", 0.5),
            # a cross the map lacks, with an unmapped integer knob: about 2.8%
            PlantedRegion(
                "cross_and_knob",
                {"b": {"in": ["b2"]}, "c": {"in": ["c1"]}, "k": {"min": 7}},
                "deception",
                0.7,
            ),
            # an unmapped knob alone, low rate: about 5%
            PlantedRegion("unmapped", {"w": {"in": ["w1"]}, "z": {"min": 0.85}}, "evasion", 0.4),
        ),
        0.004,
    )
    four = TriageLandscape(
        "four_bugs_one_small",
        space,
        cmap,
        (
            PlantedRegion("in_bucket", {"a": {"in": ["a1"]}, "x": {"max": 0.2}}, "collusion", 0.45),
            # about 1% of the space, failing often
            PlantedRegion(
                "small",
                {"a": {"in": ["a3"]}, "b": {"in": ["b0"]}, "y": {"max": 0.12}},
                "self_preservation",
                0.8,
            ),
            PlantedRegion("unmapped", {"w": {"in": ["w2"]}, "z": {"min": 0.8}}, "evasion", 0.5),
            # same check as in_bucket, elsewhere: two bugs of one check must stay two
            PlantedRegion(
                "same_check_elsewhere",
                {"c": {"in": ["c2"]}, "y": {"min": 0.85}},
                "collusion",
                0.6,
            ),
        ),
        0.004,
    )
    return {ls.name: ls for ls in (three, four)}


LANDSCAPES = _landscapes()


class TriageLandscapeSut(Sut):
    """Fails with the plant's rate inside a plant (its check), the background rate elsewhere
    (a check drawn from the plants'), every draw from the run's seed."""

    def __init__(self, spec: str, options: SutOptions | None = None) -> None:
        super().__init__(spec, options or SutOptions())
        self.landscape = LANDSCAPES[spec.removeprefix("triage:")]

    def run(self, attributes: AttributeDict, seed: int) -> Trajectory:
        rng = random.Random(seed)
        plant = self.landscape.plant_at(attributes)
        checks = sorted({p.check for p in self.landscape.plants})
        if plant is not None:
            failed, check = rng.random() < plant.rate, plant.check
        else:
            failed = rng.random() < self.landscape.background
            check = checks[rng.randrange(len(checks))]
        verdicts = tuple(
            Verdict(c, failed and c == check, "high", f"{c} fired" if failed and c == check else "")
            for c in checks
        )
        return Trajectory(verdicts)


def _f1(region: Region, box: Box, sample: Sequence[Mapping[str, Any]]) -> float:
    found = np.array([region.contains(s) for s in sample])
    truth = np.array([in_box(box, s) for s in sample])
    tp = float((found & truth).sum())
    return 0.0 if tp == 0 else 2 * tp / float(found.sum() + truth.sum())


@dataclass(frozen=True, slots=True)
class _Truth:
    """What a triage is scored against: the plants (name, box, check) and the space."""

    plants: tuple[PlantedRegion, ...]
    space: Space

    def plant_at(self, attributes: Mapping[str, Any]) -> PlantedRegion | None:
        return next((p for p in self.plants if in_box(p.box, attributes)), None)


def _setup(name: str, seed: int, n: int, store: Store) -> tuple[Sut, str, _Truth]:
    """A campaign of landscape ``name`` (``world``: the built-in world on its default map,
    scored against its ground truth) in ``store``; the SUT, the campaign and the truth."""
    if name == "world":
        from hunter.bench.ground_truth import PLANTS
        from hunter.coverage import builtin_map_path, load_map
        from hunter.sut import make_sut
        from hunter.world import world_space

        cmap = load_map(builtin_map_path())
        space = world_space().merged_with(cmap.dimensions)
        sut = make_sut("builtin:ceo")
        plants = tuple(PlantedRegion(p.name, p.region, p.check, p.rate) for p in PLANTS)
        truth = _Truth(plants, space)
        map_path: str | None = str(builtin_map_path())
    else:
        landscape = LANDSCAPES[name]
        cmap, space = landscape.coverage_map, landscape.space
        sut = TriageLandscapeSut(f"triage:{name}")
        truth = _Truth(landscape.plants, space)
        map_path = None
    campaign = run_campaign(store, cmap, space, sut, n=n, seed=seed, map_path=map_path)
    return sut, campaign.campaign_id, truth


def run_one(name: str, seed: int, n: int, budget: int, hunt_budget: int) -> dict[str, Any]:
    """One landscape, one seed: campaign, triage, scoring, and the one-by-one alternative."""
    store = Store(":memory:")
    start = time.perf_counter()
    sut, campaign_id, truth = _setup(name, seed, n, store)
    runs = store.runs(campaign_id=campaign_id)
    failed = [r for r in runs if r.failed]
    result = triage(store, campaign_id, budget=budget, hunt_budget=hunt_budget, seed=seed, sut=sut)
    seconds = time.perf_counter() - start
    rng = np.random.default_rng(1_000 + seed)
    sample = [truth.space.sample(rng) for _ in range(F1_SAMPLE)]
    planted_failing = {
        p.name
        for r in failed
        if (p := truth.plant_at(r.attributes())) is not None and p.check in r.failed_checks
    }
    matched: dict[str, float] = {}
    true_bugs = 0
    for bug in result.bugs:
        best, best_f1 = None, 0.0
        for p in truth.plants:
            if p.check not in bug.bug.checks:
                continue
            f1 = _f1(bug.region, p.box, sample)
            if f1 > best_f1:
                best, best_f1 = p, f1
        if best is not None and best_f1 >= MATCH_F1 and best.name not in matched:
            matched[best.name] = round(best_f1, 3)
            true_bugs += 1
    background = [
        r
        for r in failed
        if (p := truth.plant_at(r.attributes())) is None or p.check not in r.failed_checks
    ]
    called = {e.run_id for e in result.flukes}
    # The one-by-one alternative: every failed run hunted with the same per-hunt budget.
    naive = 0
    for run in failed:
        outcome = run_hunt(store, run.run_id, HuntSettings(budget=hunt_budget, seed=seed), sut=sut)
        naive += outcome.result.simulations
    found = [p for p in truth.plants if p.name in planted_failing]
    return {
        "landscape": name,
        "seed": seed,
        "runs": len(runs),
        "failures": len(failed),
        "planted_with_failures": len(found),
        "found": sum(p.name in matched for p in found),
        "bugs_reported": len(result.bugs),
        "true_bugs": true_bugs,
        "recall": round(sum(p.name in matched for p in found) / len(found), 3) if found else 1.0,
        "precision": round(true_bugs / len(result.bugs), 3) if result.bugs else 1.0,
        "background_failures": len(background),
        "flukes_called": len(called & {r.run_id for r in background}),
        "planted_called_fluke": len(called - {r.run_id for r in background}),
        "unexplained": len(result.unexplained),
        "f1": matched,
        "simulations": result.simulations,
        "one_by_one": naive,
        "ratio": round(result.simulations / naive, 3) if naive else 0.0,
        "seconds": round(seconds, 1),
    }


def bench_triage(
    *,
    quick: bool = False,
    seeds: int | None = None,
    n: int = 500,
    hunt_budget: int = 300,
    budget: int = 4000,
) -> dict[str, Any]:
    """Triage campaigns of every landscape and of the built-in world (``world``, scored against
    its ground truth) over ``seeds`` seeds; per-campaign rows and totals."""
    if hunt_budget < MIN_HUNT_BUDGET:
        raise ValueError(f"hunt_budget must be at least {MIN_HUNT_BUDGET}")
    count = seeds or (1 if quick else 3)
    rows = [
        run_one(name, seed, n, budget, hunt_budget) for name in LANDSCAPES for seed in range(count)
    ]
    found = sum(r["found"] for r in rows)
    planted = sum(r["planted_with_failures"] for r in rows)
    true_bugs = sum(r["true_bugs"] for r in rows)
    reported = sum(r["bugs_reported"] for r in rows)
    sims = sum(r["simulations"] for r in rows)
    naive = sum(r["one_by_one"] for r in rows)
    return {
        "rows": rows,
        "recall": round(found / planted, 3) if planted else 1.0,
        "precision": round(true_bugs / reported, 3) if reported else 1.0,
        "background_failures": sum(r["background_failures"] for r in rows),
        "flukes_called": sum(r["flukes_called"] for r in rows),
        "planted_called_fluke": sum(r["planted_called_fluke"] for r in rows),
        "simulations": sims,
        "one_by_one": naive,
        "ratio": round(sims / naive, 3) if naive else 0.0,
        "seeds": count,
        "campaign_runs": n,
        "hunt_budget": hunt_budget,
        "budget": budget,
    }
