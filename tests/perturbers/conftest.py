"""A small mixed space, fake runs and a planted landscape shared by the perturber tests."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace

import numpy as np
import pytest

from hunter.analysis.batch import analyse_batch
from hunter.coverage import Space
from hunter.domain import AttributeSpec, Run, Scenario, Value
from hunter.perturbers import Allocator, HuntContext
from hunter.regions import Rate

SPACE = Space(
    (
        AttributeSpec("kind", values=("a", "b", "c")),
        AttributeSpec("level", range=(0.0, 10.0), integer=True),
        AttributeSpec("x", range=(0.0, 1.0)),
        AttributeSpec("flavour", values=("sweet", "sour"), when=(("kind", ("a",)),)),
        AttributeSpec("y", range=(-1.0, 1.0)),
    )
)
ORIGIN = Scenario.of({"kind": "a", "level": 3, "x": 0.2, "flavour": "sweet", "y": 0.0}, 7)

EDGE = 0.4
"""The planted region: kind == a and x <= EDGE fails 80% of the time, elsewhere 3%."""


def planted(attributes: Mapping[str, Value]) -> float:
    """Failure probability of the planted landscape."""
    inside = attributes["kind"] == "a" and float(attributes["x"]) <= EDGE
    return 0.8 if inside else 0.03


def outcome(scenario: Scenario, landscape: Callable[[Mapping[str, Value]], float]) -> bool:
    """A noisy outcome driven by the scenario's own seed, like a real SUT."""
    draw = np.random.default_rng([scenario.seed, 99]).uniform()
    return bool(draw < landscape(scenario.attributes()))


def fake_run(
    index: int, scenario: Scenario, failed: bool, strategy: str | None, error: str | None = None
) -> Run:
    return Run(
        run_id=f"r{index}",
        scenario=scenario,
        sut="synthetic",
        failed=failed and error is None,
        error=error,
        strategy=strategy,
    )


def context_of(runs: tuple[Run, ...] = (), budget: int = 200) -> HuntContext:
    """A context holding ``runs``, analysed as the hunt loop would after a batch."""
    empty = HuntContext(
        origin=ORIGIN, space=SPACE, coverage_map=None, observations=(), budget=budget
    )
    return observed(empty, runs) if runs else empty


ORIGIN_RUN = Run("r0", ORIGIN, "synthetic", True, None)
BACKGROUND = Rate(20, 1, 0.05, (0.0013, 0.2487))
"""The fluke hypothesis of these tests: 5% of campaign runs fail (the allocator's default)."""


def observed(context: HuntContext, runs: tuple[Run, ...]) -> HuntContext:
    """The context after a batch, as the hunt loop builds it: the runs, with what one analysis
    of them concludes (the replay tally and the region estimate)."""
    observations = context.observations + runs
    now = analyse_batch(
        ORIGIN_RUN,
        context.origin.attributes(),
        observations,
        context.space,
        context.coverage_map,
        BACKGROUND,
        estimate=True,
        full=False,
    )
    return replace(
        context, observations=observations, replays=now.replays, region=now.region_estimate
    )


def simulate(
    allocator: Allocator,
    budget: int,
    seed: int = 0,
    landscape: Callable[[Mapping[str, Value]], float] = planted,
    batch_size: int = 16,
    until: Callable[[HuntContext], bool] | None = None,
) -> HuntContext:
    """The hunt loop without a store: propose, simulate the landscape, observe, repeat."""
    context = context_of(budget=budget)
    batch_index = 0
    while context.remaining > 0:
        rng = np.random.default_rng([seed, batch_index])
        batch = allocator.next_batch(context, rng, max_n=min(batch_size, context.remaining))
        assert len(batch) <= min(batch_size, context.remaining)
        if not batch:
            break
        start = len(context.observations)
        runs = tuple(
            fake_run(start + i, p.scenario, outcome(p.scenario, landscape), p.strategy)
            for i, p in enumerate(batch)
        )
        context = observed(context, runs)
        batch_index += 1
        if until is not None and until(context):
            break
    return context


@pytest.fixture
def mixed_runs() -> tuple[Run, ...]:
    """Some observations around the origin, including SUT errors."""
    rng = np.random.default_rng(5)
    runs = []
    for i in range(30):
        attributes = SPACE.sample(rng) if i % 3 else ORIGIN.attributes()
        scenario = Scenario.of(attributes, i)
        error = "boom" if i % 7 == 0 else None
        runs.append(fake_run(i, scenario, outcome(scenario, planted), "uniform", error))
    return tuple(runs)
