"""``hunter bench engine``: what the hunt machinery itself costs, apart from the SUT.

Two figures (contract §5): the overhead per simulation of a whole hunt with a SUT that does
nothing (proposing, executing, storing, analysing), and the throughput of an I/O-bound SUT (each
call waits ``latency`` seconds, like a model API) on ``workers`` threads.
"""

from __future__ import annotations

import tempfile
import time
from typing import Any

from hunter.coverage import CoverageMap, Space
from hunter.domain import AttributeDict, AttributeSpec, Outcome, Scenario, Trajectory, Verdict
from hunter.flow.campaign import run_campaign
from hunter.flow.hunt import run_hunt
from hunter.records import HuntSettings, HuntSetup
from hunter.store import Store
from hunter.sut import Sut, SutOptions

SPACE = Space(
    (
        AttributeSpec("kind", values=("a", "b", "c", "d")),
        AttributeSpec("mode", values=("x", "y")),
        AttributeSpec("level", range=(0.0, 1.0)),
        AttributeSpec("count", range=(1.0, 8.0), integer=True),
    )
)
MAP = CoverageMap("bench", 1, SPACE.attributes[:3], crosses=(("kind", "level"),), goal=5)


class NoopSut(Sut):
    """Answers at once from a planted rule, so the hunt has a real region to map while everything
    measured is hunter's own cost."""

    def run(self, attributes: AttributeDict, seed: int) -> Trajectory:
        failed = attributes["kind"] == "a" and float(attributes["level"]) < 0.5
        return Trajectory((Verdict("noop", failed),))


class SleepSut(Sut):
    """Waits like a remote model would, then passes."""

    io_bound = True

    def __init__(self, spec: str, options: SutOptions, latency: float) -> None:
        super().__init__(spec, options)
        self.latency = latency

    def run(self, attributes: AttributeDict, seed: int) -> Trajectory:
        time.sleep(self.latency)
        return Trajectory((Verdict("sleep", False),))


def overhead_ms_per_sim(
    budget: int = 300, strategy: str | None = None, early_stop: bool = True
) -> float:
    """Wall time of a whole no-op hunt (analysis included) divided by its simulations."""
    with tempfile.TemporaryDirectory() as folder, Store(folder) as store:
        setup = HuntSetup("bench:noop", SutOptions(), MAP, None, SPACE)
        cid = store.add_campaign(setup).campaign_id
        origin = Scenario.of({"kind": "a", "mode": "x", "level": 0.2, "count": 3}, 1)
        failing = Trajectory((Verdict("noop", True),))
        run = store.add_run(Outcome(origin, failing, None), sut="bench:noop", campaign_id=cid)
        sut = NoopSut("bench:noop", SutOptions())
        start = time.perf_counter()
        outcome = run_hunt(
            store,
            run.run_id,
            HuntSettings(budget=budget, strategy=strategy, early_stop=early_stop),
            setup,
            sut=sut,
        )
        seconds = time.perf_counter() - start
        return 1000 * seconds / max(1, len(outcome.runs))


def io_throughput(workers: int = 32, latency: float = 1.0, sims: int = 96) -> float:
    """Simulations per second of a campaign whose SUT waits ``latency`` s per call."""
    with tempfile.TemporaryDirectory() as folder, Store(folder) as store:
        sut = SleepSut("bench:sleep", SutOptions(), latency)
        start = time.perf_counter()
        run_campaign(store, MAP, SPACE, sut, n=sims, seed=0, workers=workers)
        return sims / (time.perf_counter() - start)


def bench_engine(quick: bool = False) -> dict[str, Any]:
    """The engine figures. ``overhead_ms_per_sim`` is the first hunt of a fresh process, as a
    user's ``hunter hunt`` is; ``overhead_ms_per_sim_warm`` the same hunt again, without the
    process's one-time start-up (imports resolved, scikit-learn's first fit), which a hunt pays
    once whatever its budget."""
    budget = 100 if quick else 300
    cold = overhead_ms_per_sim(budget)
    return {
        "overhead_ms_per_sim": round(cold, 3),
        "overhead_ms_per_sim_warm": round(overhead_ms_per_sim(budget), 3),
        "overhead_ms_per_sim_neighbourhood": round(
            overhead_ms_per_sim(budget, strategy="neighbourhood"), 3
        ),
        # The machinery alone (store, executor, loop): one cheap strategy and no per-batch
        # analysis for the stop rule, which costs about 4 ms a batch of 16 once runs fail.
        "overhead_ms_per_sim_machinery": round(
            overhead_ms_per_sim(budget, strategy="neighbourhood", early_stop=False), 3
        ),
        "io_sims_per_second": round(io_throughput(32, 1.0, 64 if quick else 128), 2),
        "io_workers": 32,
        "io_latency_s": 1.0,
        "hunt_budget": budget,
    }
