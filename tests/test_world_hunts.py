"""Each bug planted in the built-in world, hunted from a failing run of its region.

The hunter never sees the plants: it sees trajectories judged by checkers. The plants (the
ground truth in hunter.bench.ground_truth) only score what it finds.
"""

from __future__ import annotations

import numpy as np
import pytest

from hunter.bench.ground_truth import PLANTS
from hunter.bench.landscapes import in_box
from hunter.coverage import builtin_map_path, load_map
from hunter.domain import Scenario
from hunter.executor import simulate_one
from hunter.flow.campaign import run_campaign
from hunter.flow.hunt import HuntSettings, run_hunt
from hunter.store import Store
from hunter.sut import make_sut
from hunter.world import world_space


@pytest.fixture(scope="module")
def store_with_campaign(tmp_path_factory):
    store = Store(tmp_path_factory.mktemp("world") / "store")
    cmap = load_map(builtin_map_path())
    sut = make_sut("builtin:ceo")
    run_campaign(
        store,
        cmap,
        world_space().merged_with(cmap.dimensions),
        sut,
        n=200,
        seed=2,
        map_path=str(builtin_map_path()),
    )
    return store


def _failing_origin(store, plant):
    """A stored failing run of the plant's check at the plant's example scenario."""
    sut = make_sut("builtin:ceo")
    cid = store.runs(campaigns_only=True)[0].campaign_id
    for seed in range(50):
        outcome = simulate_one(sut, Scenario.of(dict(plant.origin), seed))
        if outcome.trajectory and plant.check in {
            v.check for v in outcome.trajectory.verdicts if v.failed
        }:
            return store.add_run(outcome, sut="builtin:ceo", campaign_id=cid)
    raise AssertionError(f"{plant.name}: its example scenario never failed")


def region_f1(region, plant, n=3000) -> float:
    rng = np.random.default_rng(0)
    space = world_space()
    sample = [space.sample(rng) for _ in range(n)]
    found = np.array([region.contains(a) for a in sample])
    truth = np.array([in_box(plant.region, a) for a in sample])
    tp = float((found & truth).sum())
    return 0.0 if tp == 0 else 2 * tp / (found.sum() + truth.sum())


SEEDS = (1, 2, 3)


@pytest.mark.parametrize("plant", PLANTS, ids=lambda p: p.name)
def test_planted_world_bug_found_with_label(store_with_campaign, plant):
    """Every hunt calls the origin a bug and bounds a region holding it; at least one of three
    seeds also gets the plant's box (F1 >= 0.9), label and proposal right.

    One seed per plant would test that seed's luck: at a budget of 250 the world's plants are
    bounded right in most hunts, not all (their checks fire at 15-45% inside, and the world's
    dynamics make numeric knobs such as ``months`` matter a little everywhere). How often is
    what ``hunter bench hunt`` measures, per plant, on ten seeds."""
    store = store_with_campaign
    origin = _failing_origin(store, plant)
    right = []
    for seed in SEEDS:
        outcome = run_hunt(store, origin.run_id, HuntSettings(budget=250, seed=seed))
        assert outcome.analysis.verdict == "bug"
        region = next(r for r in outcome.analysis.regions if plant.check in r.checks)
        assert region.contains_origin
        kind = region.proposal.kind if region.proposal else None
        score = region_f1(region, plant)
        right.append((region.label, kind, round(score, 3)))
        if region.label == plant.label and kind == plant.proposal and score >= 0.9:
            return
    raise AssertionError(f"{plant.name}: no seed of {SEEDS} got it right: {right}")
