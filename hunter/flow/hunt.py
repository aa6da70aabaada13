"""The hunt loop: from one failed run to failing regions, labels and proposals.

The loop is deliberately dumb: the allocator (``hunter.perturbers``) decides what to simulate, the
executor simulates, the store keeps every outcome as it lands, and the analysis
(``hunter.analysis``) decides what it all means. They meet only here, like Optuna's samplers and
storages meet only in ``Study``: after each batch the loop analyses once and hands the result to
the strategies (through the hunt context), the stop rule and the progress bar.

A hunt is a sequence of named steps (:class:`Hunt`): **start or resume** the stored hunt,
**search** batch by batch (propose, simulate what is not stored yet, analyse), **stop** for one
:class:`StopReason`, and **finish** (final analysis, proposals, result).

Determinism and resume come from one rule: batch ``b`` is proposed from the observations of the
batches before it and a generator seeded with ``(seed, b)``. Re-running the same command
re-proposes the same batches, finds their runs already stored, and simulates only what is missing.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from hunter.analysis import analyse_hunt, background_rate
from hunter.analysis.batch import BatchAnalysis, analyse_batch
from hunter.analysis.modes import MIN_MODE_FAILURES
from hunter.analysis.stopping import settled
from hunter.coverage import load_map, load_space
from hunter.domain import Run
from hunter.errors import InvalidConfig, SutError
from hunter.executor import Executor
from hunter.perturbers import Allocator
from hunter.perturbers.base import HuntContext, Proposal
from hunter.records import (
    HuntRecord,
    HuntResult,
    HuntSettings,
    HuntSetup,
    StopReason,
    usage_of,
)
from hunter.regions import HuntAnalysis, MapProposal, constraint_words
from hunter.store import Store
from hunter.sut import Sut, make_sut

__all__ = [
    "HuntOutcome",
    "HuntSettings",
    "HuntSetup",
    "Progress",
    "StopReason",
    "resolve_setup",
    "run_hunt",
]


@dataclass(frozen=True, slots=True)
class Progress:
    """What the live progress bar shows after each stored simulation."""

    simulations: int
    budget: int
    failures: int
    errors: int
    phase: str
    region: str = ""  # the origin's region as the analysis after the last batch bounds it


@dataclass(frozen=True, slots=True)
class HuntOutcome:
    """A finished hunt: its stored result and the runs it is made of."""

    origin: Run
    setup: HuntSetup
    runs: tuple[Run, ...]
    result: HuntResult
    resumed: bool = False

    @property
    def hunt_id(self) -> str:
        return self.result.hunt_id

    @property
    def analysis(self) -> HuntAnalysis:
        return self.result.analysis


def recorded_setup(store: Store, run: Run) -> HuntSetup:
    """The SUT, options, map and space recorded with the campaign or hunt that made ``run``."""
    if run.campaign_id is not None:
        return store.campaign(run.campaign_id).setup
    if run.hunt_id is not None:
        return store.hunt(run.hunt_id).setup
    raise InvalidConfig(  # pragma: no cover - every stored run belongs to one or the other
        f"run {run.run_id} has no campaign or hunt to take its setup from"
    )


def resolve_setup(
    store: Store,
    origin: Run,
    *,
    sut: str | None = None,
    map_path: str | None = None,
    space_path: str | None = None,
    model: str | None = None,
) -> HuntSetup:
    """The recorded setup with the user's ``--sut``, ``--map``, ``--space``, ``--model``."""
    setup = recorded_setup(store, origin)
    if sut is not None:
        setup = replace(setup, sut=sut)
    if model is not None:
        setup = replace(setup, options=replace(setup.options, model=model))
    if map_path is not None:
        setup = replace(setup, coverage_map=load_map(map_path), map_path=str(map_path))
    if space_path is not None:
        setup = replace(setup, space=load_space(space_path))
    if setup.coverage_map is not None:
        setup = replace(setup, space=setup.space.merged_with(setup.coverage_map.dimensions))
    return setup


def fingerprint(run_id: str, settings: HuntSettings, setup: HuntSetup) -> str:
    """What makes two hunts the same hunt: everything that shapes their batches. Not
    ``early_stop``, which decides only when to stop, nor ``workers`` or ``cluster``."""
    key = {
        "run": run_id,
        "seed": settings.seed,
        "budget": settings.budget,
        "strategy": settings.strategy,
        "batch": settings.batch_size,
        "rewrite": settings.rewrite_model,
        "setup": setup.to_json(),
    }
    return hashlib.sha256(json.dumps(key, sort_keys=True).encode()).hexdigest()[:24]


def run_hunt(
    store: Store,
    run_id: str,
    settings: HuntSettings,
    setup: HuntSetup | None = None,
    *,
    sut: Sut | None = None,
    on_progress: Callable[[Progress], None] | None = None,
) -> HuntOutcome:
    """Hunt around the failed run ``run_id`` (resuming an unfinished identical hunt).

    Raises:
        UnknownId: when the run is not in the store.
        InvalidConfig: when the run did not fail, or the setup is invalid.
        SutError: when every simulation of the first batch errors (all are kept in the store).
    """
    origin = store.run(run_id)
    if origin.error is not None:
        raise InvalidConfig(f"run {run_id} is a SUT error, not a failure: nothing to hunt")
    if not origin.failed:
        raise InvalidConfig(f"run {run_id} did not fail: nothing to hunt")
    hunt = Hunt.start_or_resume(store, origin, settings, setup or resolve_setup(store, origin))
    adapter = sut or make_sut(hunt.setup.sut, hunt.setup.options)
    executor = Executor(adapter, workers=settings.workers, cluster=settings.cluster)
    try:
        stop = hunt.search(executor, on_progress)
    finally:
        executor.close()
        adapter.close()
    return hunt.finish(stop)


class Hunt:
    """One hunt's state between batches. Build it with :meth:`start_or_resume`."""

    def __init__(
        self,
        store: Store,
        origin: Run,
        settings: HuntSettings,
        setup: HuntSetup,
        record: HuntRecord,
        resumed: bool,
    ) -> None:
        self.store = store
        self.origin = origin
        self.settings = settings
        self.setup = setup
        self.record = record
        self.resumed = resumed
        self.stored = self._stored_runs()
        self.allocator = self._allocator()
        self.background_runs = [
            r for r in store.runs(campaigns_only=True, sut=origin.sut) if r.run_id != origin.run_id
        ]
        self.background = background_rate(origin, self.background_runs, setup.coverage_map)
        origin_attributes = setup.space.validate(origin.attributes(), where=f"run {origin.run_id}")
        self.context = HuntContext(
            origin=replace(origin.scenario, items=tuple(sorted(origin_attributes.items()))),
            space=setup.space,
            coverage_map=setup.coverage_map,
            observations=(),
            budget=settings.budget,
            background=self.background.rate,
            origin_checks=frozenset(origin.failed_checks),
        )
        self.history: list[tuple[int, HuntAnalysis]] = []
        """``(simulations, analysis)`` after each batch that was fully analysed."""

    # -- step 1: start or resume -----------------------------------------------------------------

    @classmethod
    def start_or_resume(
        cls, store: Store, origin: Run, settings: HuntSettings, setup: HuntSetup
    ) -> Hunt:
        """The unfinished hunt started by the same command, or a new one."""
        setup.space.validate(origin.attributes(), where=f"run {origin.run_id}")
        key = fingerprint(origin.run_id, settings, setup)
        previous = store.unfinished_hunt(key)
        if previous is not None:
            return cls(store, origin, settings, setup, previous, resumed=True)
        record = store.add_hunt(origin.run_id, setup, settings, key)
        return cls(store, origin, settings, setup, record, resumed=False)

    def _stored_runs(self) -> dict[tuple[int, str], Run]:
        """Runs a previous session of this hunt stored, by batch and scenario."""
        stored: dict[tuple[int, str], Run] = {}
        for run in self.store.runs(hunt_id=self.record.hunt_id, events=False):
            stored[(int(run.extra.get("batch", -1)), run.scenario.key())] = run
        return stored

    def _allocator(self) -> Allocator:
        if self.settings.strategy:
            return Allocator.single(self.settings.strategy)
        return Allocator(
            rewrite_model=self.settings.rewrite_model,
            journal_path=_journal_path(self.store, self.record.hunt_id),
        )

    # -- step 2: search, batch by batch ----------------------------------------------------------

    def search(
        self, executor: Executor, on_progress: Callable[[Progress], None] | None = None
    ) -> StopReason:
        """Run batches until one of the stop reasons holds; return it."""
        # The full analysis of each batch feeds the stop rule and the progress bar's region.
        watch = self.settings.early_stop or on_progress is not None
        batch_index = 0
        while self.context.remaining > 0:
            proposals = self.propose(batch_index)
            if not proposals:
                return StopReason.EXHAUSTED
            runs = self.simulate(batch_index, proposals, executor, on_progress)
            self.observe(runs, first_batch=batch_index == 0, watch=watch)
            batch_index += 1
            reason = self.stop_reason()
            if reason is not None:
                return reason
        return StopReason.BUDGET

    def propose(self, batch_index: int) -> list[Proposal]:
        """Batch ``batch_index``: the same proposals whenever it is asked for again."""
        rng = np.random.default_rng([self.settings.seed, batch_index])
        size = min(self.settings.batch_size, self.context.remaining)
        return self.allocator.next_batch(self.context, rng, max_n=size)[: self.context.remaining]

    def simulate(
        self,
        batch_index: int,
        proposals: Sequence[Proposal],
        executor: Executor,
        on_progress: Callable[[Progress], None] | None,
    ) -> list[Run]:
        """The batch's runs: stored ones as they were, the others simulated and stored."""
        todo = [p for p in proposals if (batch_index, p.scenario.key()) not in self.stored]
        fresh = iter(executor.map([p.scenario for p in todo]))
        runs: list[Run] = []
        for proposal in proposals:
            run = self.stored.get((batch_index, proposal.scenario.key()))
            if run is None:
                run = self.store.add_run(
                    next(fresh),
                    sut=self.setup.sut,
                    hunt_id=self.record.hunt_id,
                    parent_run_id=self.origin.run_id,
                    strategy=proposal.strategy,
                    batch=batch_index,
                )
            runs.append(run)
            if on_progress is not None:
                on_progress(self._progress([*self.context.observations, *runs], proposal.strategy))
        return runs

    def observe(self, runs: Sequence[Run], *, first_batch: bool, watch: bool) -> None:
        """Add a batch's runs to the context, with what one analysis of them concludes
        (the full analysis too when ``watch``).

        Raises:
            SutError: when every simulation of the first batch was a SUT error.
        """
        if first_batch and runs and all(r.error is not None for r in runs):
            first = next(r.error for r in runs if r.error)
            raise SutError(
                f"every simulation of the first batch ({len(runs)}) was a SUT error, e.g.: {first}"
            )
        observations = self.context.observations + tuple(runs)
        failures = sum(r.failed for r in observations)
        # Without enough failures no mode can be bounded, and after the last batch ``finish``
        # analyses anyway.
        full = watch and failures >= MIN_MODE_FAILURES and self.settings.budget > len(observations)
        now: BatchAnalysis = analyse_batch(
            self.origin,
            self.context.origin.attributes(),
            observations,
            self.setup.space,
            self.setup.coverage_map,
            self.background,
            estimate=self.allocator.uses("region"),
            full=full,
        )
        if now.analysis is not None:
            self.history.append((len(observations), now.analysis))
        self.context = replace(
            self.context,
            observations=observations,
            replays=now.replays,
            region=now.region_estimate,
        )

    def stop_reason(self) -> StopReason | None:
        """Why to stop after the last batch, or None to go on."""
        max_cost = self.settings.max_cost
        if max_cost is not None and _spent(self.context.observations) >= max_cost:
            return StopReason.MAX_COST
        runs = self.context.observations
        if self.context.replays.decision == "fluke":
            return StopReason.FLUKE
        if (
            self.settings.early_stop
            and self.history
            and self.history[-1][0] == len(runs)
            and settled(
                self.history,
                self.context.observations,
                self.setup.space,
                self.context.origin_checks,
            )
        ):
            return StopReason.SETTLED
        return None

    def _progress(self, runs: Sequence[Run], phase: str) -> Progress:
        region = ""
        if self.history and (current := self.history[-1][1].origin_region) is not None:
            region = f"{constraint_words(current)} ({current.inside.rate:.0%} fail)"
        return Progress(
            len(runs),
            self.settings.budget,
            sum(r.failed for r in runs),
            sum(r.error is not None for r in runs),
            phase,
            region,
        )

    # -- step 3: finish -------------------------------------------------------------------------

    def finish(self, stop: StopReason) -> HuntOutcome:
        """Analyse every run, store the proposals and the result, and mark the hunt done."""
        runs = self.context.observations
        if stop is StopReason.SETTLED:  # the stop rule's own analysis is of exactly these runs
            analysis = self.history[-1][1]
        else:
            analysis = analyse_hunt(
                self.origin,
                runs,
                self.setup.space,
                self.setup.coverage_map,
                self.background,
                budget_exhausted=stop is StopReason.BUDGET,
            )
        analysis = self._with_stored_proposals(analysis)
        result = HuntResult(
            hunt_id=self.record.hunt_id,
            run_id=self.origin.run_id,
            seed=self.settings.seed,
            simulations=len(runs),
            errors=sum(r.error is not None for r in runs),
            budget=self.settings.budget,
            stop_reason=stop,
            analysis=analysis,
            usage=usage_of([r.extra for r in runs]),
            dimension_suggestions=self._dimension_suggestions(analysis),
        )
        self.store.finish_hunt(result)
        return HuntOutcome(self.origin, self.setup, tuple(runs), result, self.resumed)

    def _with_stored_proposals(self, analysis: HuntAnalysis) -> HuntAnalysis:
        regions = []
        for region in analysis.regions:
            if region.proposal is not None:
                pid = self.store.add_proposal(
                    self.record.hunt_id,
                    region.id,
                    region.proposal.kind,
                    region.proposal.detail,
                    self.setup.map_path,
                )
                proposal = MapProposal(region.proposal.kind, region.proposal.detail, pid)
                region = replace(region, proposal=proposal)
            regions.append(region)
        return replace(analysis, regions=tuple(regions))

    def _dimension_suggestions(self, analysis: HuntAnalysis) -> tuple[dict[str, Any], ...]:
        """A model's guesses at a missing dimension, when no region explains the origin."""
        model = self.settings.rewrite_model
        if not model or analysis.verdict == "fluke" or analysis.origin_region is not None:
            return ()
        from hunter.models.suggest import suggest_dimensions

        failing = [r for r in self.context.observations if r.failed]
        return tuple(suggest_dimensions(model, self.setup.space, failing))


def _journal_path(store: Store, hunt_id: str) -> str | None:
    """Where the Optuna study of a hunt is mirrored, for ``optuna-dashboard`` (file stores only).

    A journal file, not SQLite: Optuna's docs warn against SQLite under concurrent writers, and
    its journal backend appends safely. The study is rebuilt from the stored runs on resume, so
    the file is a view, never the source of truth.
    """
    if store.folder is None:
        return None
    folder = store.folder / "optuna"
    folder.mkdir(exist_ok=True)
    return str(folder / f"{hunt_id}.journal")


def _spent(runs: Sequence[Run]) -> float:
    """Estimated model spend of ``runs`` in USD (0 for SUTs that record no cost)."""
    return float(sum(float(r.extra.get("cost_usd", 0.0) or 0.0) for r in runs))
