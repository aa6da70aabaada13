"""The default profile's planted bugs: caught by their checker inside their region, rarely outside.

Ground truth comes from ``hunter.bench.ground_truth``; the world never sees it. Scenarios are drawn
from the world's space, so every unmapped knob is randomized as a campaign would.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pytest

from hunter.bench.ground_truth import BACKGROUND, PLANTS, PlantedBug, in_region
from hunter.coverage import builtin_map_path, load_map
from hunter.domain import AttributeDict
from hunter.world import simulate, world_space

DEFAULT_MAP = builtin_map_path()


def inside(plant: PlantedBug, rng: np.random.Generator) -> AttributeDict:
    """A random scenario of the space inside the plant's region."""
    space = world_space()
    partial: dict[str, Any] = {}
    for name, c in plant.region.items():
        spec = space[name]
        if "in" in c:
            partial[name] = c["in"][int(rng.integers(len(c["in"])))]
        else:
            lo, hi = c.get("min", spec.low), c.get("max", spec.high)
            if spec.integer:
                partial[name] = int(rng.integers(int(lo), int(hi) + 1))
            else:
                partial[name] = float(rng.uniform(lo, hi))
    return space.complete(partial, rng)


def caught(plant: PlantedBug, attributes: Mapping[str, Any], seed: int) -> bool:
    t = simulate(attributes, seed)
    return any(v.failed and v.check == plant.check for v in t.verdicts)


@pytest.mark.parametrize("plant", PLANTS, ids=lambda p: p.name)
def test_each_plant_fires_inside_its_region_and_rarely_outside(plant):
    rng = np.random.default_rng(11)
    n = 150
    rate_in = sum(caught(plant, inside(plant, rng), s) for s in range(n)) / n
    outside = []
    while len(outside) < 400:
        a = world_space().sample(rng)
        if not in_region(plant, a):
            outside.append(a)
    rate_out = sum(caught(plant, a, 10_000 + s) for s, a in enumerate(outside)) / len(outside)
    # The planted probability, less the runs that never meet the opportunity (binomial sd ~0.04).
    assert plant.rate - 0.15 <= rate_in <= plant.rate + 0.1, rate_in
    assert rate_out <= 0.01, rate_out
    assert any(caught(plant, plant.origin, s) for s in range(10))


def test_plant_origins_are_full_scenarios_inside_their_regions():
    space = world_space()
    for plant in PLANTS:
        assert space.validate(plant.origin) == dict(plant.origin)
        assert in_region(plant, plant.origin)


def test_plants_match_their_labels_on_the_default_map():
    cmap = load_map(DEFAULT_MAP)
    mapped = set(cmap.dimension_names)
    checks = [p.check for p in PLANTS]
    assert len(set(checks)) == len(checks) >= 4
    for plant in PLANTS:
        dims = set(plant.region)
        crossed = any(dims <= set(c) for c in cmap.crosses)
        if plant.proposal == "reweight_bucket":
            assert dims <= mapped and crossed and len(dims) == 2
            assert any("max" in c or "min" in c for c in plant.region.values())
        elif plant.proposal == "add_cross":
            assert dims <= mapped and not crossed and len(dims) >= 2
        elif plant.proposal == "add_dimension":
            assert not dims & mapped
        else:
            assert plant.proposal == "add_subdimension"
            (parent,) = dims & mapped
            assert len(plant.region[parent]["in"]) == 1 and dims - mapped


def test_regions_are_mostly_disjoint():
    rng = np.random.default_rng(5)
    sample = [world_space().sample(rng) for _ in range(4000)]
    for i, a in enumerate(PLANTS):
        for b in PLANTS[i + 1 :]:
            both = sum(in_region(a, s) and in_region(b, s) for s in sample)
            either = sum(in_region(a, s) or in_region(b, s) for s in sample)
            assert both / either < 0.15, (a.name, b.name)


def test_background_is_low_everywhere_outside_the_plants():
    rng = np.random.default_rng(9)
    runs = failures = 0
    while runs < 600:
        a = world_space().sample(rng)
        if any(in_region(p, a) for p in PLANTS):
            continue
        failures += simulate(a, runs).failed
        runs += 1
    rate = failures / runs
    assert 0.001 <= rate <= 0.015, rate
    assert BACKGROUND < 0.01


def test_the_world_fails_rarely_as_real_evals_do():
    """Planted regions are small (one about 1% of the space, the largest under 5%) and a
    campaign of the whole space fails a few percent of its runs."""
    rng = np.random.default_rng(3)
    sample = [world_space().sample(rng) for _ in range(3000)]
    shares = sorted(sum(in_region(p, a) for a in sample) / len(sample) for p in PLANTS)
    assert 0.005 <= shares[0] <= 0.015 and shares[-1] <= 0.05, shares
    failed = sum(simulate(a, 50_000 + i).failed for i, a in enumerate(sample[:1500]))
    assert 0.02 <= failed / 1500 <= 0.06, failed / 1500


def test_a_500_run_campaign_of_the_default_map_catches_every_plant_with_evidence():
    from hunter.flow.campaign import run_campaign
    from hunter.store import Store
    from hunter.sut import SutOptions
    from hunter.sut.builtin import BuiltinSut

    cmap = load_map(DEFAULT_MAP)
    sut = BuiltinSut("builtin:ceo", SutOptions())
    with Store(":memory:") as store:
        result = run_campaign(store, cmap, world_space(), sut, n=500, seed=0)
        runs = store.runs(campaign_id=result.campaign_id, events=True)
    assert len(result.runs) == 500
    by_id = {r.run_id: r for r in runs}
    for plant in PLANTS:
        hits = []
        for run in result.runs:
            stored = by_id[run.run_id]
            for v in stored.verdicts:
                if v.check == plant.check and v.failed and in_region(plant, stored.attributes()):
                    hits.append((stored, v))
        assert len(hits) >= 3, plant.name
        stored, verdict = hits[0]
        assert verdict.evidence and verdict.event_ids
        texts = {int(e["id"]): str(e["text"]) for e in stored.events}
        for eid in verdict.event_ids:
            assert eid in texts
        assert any(texts[eid][:30] in verdict.evidence for eid in verdict.event_ids)
