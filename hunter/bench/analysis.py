"""``hunter bench analysis``: the full analysis of a stored hunt of 100,000 observations."""

from __future__ import annotations

import time
from typing import Any

import numpy as np

from hunter.analysis import analyse_hunt, background_rate
from hunter.bench.landscapes import LANDSCAPES, LandscapeSut
from hunter.domain import Run, Scenario
from hunter.executor import simulate_one
from hunter.sut import SutOptions


def synthetic_hunt(observations: int, seed: int = 0) -> tuple[Run, list[Run], Any]:
    """A hunt-shaped sample around the in-bucket landscape's origin, built in memory."""
    landscape = LANDSCAPES["in_bucket"]
    sut = LandscapeSut("landscape:in_bucket", SutOptions())
    rng = np.random.default_rng(seed)
    space = landscape.space
    origin_attrs = landscape.origin
    runs = []
    for i in range(observations):
        if i < 12:
            attrs, strategy = dict(origin_attrs), "replay"
        else:
            attrs = dict(origin_attrs)
            for spec in rng.choice(np.array(space.attributes, dtype=object), size=3, replace=False):
                attrs[spec.name] = space.sample_value(spec, rng)
            strategy = "neighbourhood"
        outcome = simulate_one(sut, Scenario.of(attrs, int(rng.integers(2**31 - 1))))
        traj = outcome.trajectory
        assert traj is not None
        runs.append(
            Run(
                f"r{i + 2}",
                outcome.scenario,
                sut.spec,
                traj.failed,
                None,
                traj.verdicts,
                strategy=strategy,
            )
        )
    origin = Run(
        "r1",
        Scenario.of(origin_attrs, 0),
        sut.spec,
        True,
        None,
        runs[0].verdicts if runs[0].failed else (),
        strategy=None,
    )
    return origin, runs, landscape


def bench_analysis(observations: int = 100_000, seed: int = 0) -> dict[str, Any]:
    origin, runs, landscape = synthetic_hunt(observations, seed)
    start = time.perf_counter()
    background = background_rate(origin, [], landscape.coverage_map)
    analysis = analyse_hunt(
        origin, runs, landscape.space, landscape.coverage_map, background, budget_exhausted=True
    )
    seconds = time.perf_counter() - start
    return {
        "observations": observations,
        "seconds": round(seconds, 3),
        "regions": len(analysis.regions),
        "verdict": analysis.verdict,
    }
