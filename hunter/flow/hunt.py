"""The hunt loop: from one failed run to failing regions, labels and proposals.

The loop is deliberately dumb: the allocator (``hunter.perturbers``) decides what to simulate, the
executor simulates, the store keeps every outcome as it lands, and the analysis
(``hunter.analysis``) decides what it all means. They meet only here, like Optuna's samplers and
storages meet only in ``Study``: after each batch the loop analyses once and hands the result to
the strategies (through the hunt context), the stop rule and the progress bar.

A hunt is a sequence of named steps (:class:`Hunt`): **start or resume** the stored hunt,
**search** batch by batch (propose, simulate what is not stored yet, analyse), **stop** for one
:class:`StopReason`, **check** each region's minimal failing scenario by re-running it with a few
new seeds, and **finish** (final analysis, proposals, result).

Determinism and resume come from one rule: batch ``b`` is proposed from the observations of the
batches before it and a generator seeded with ``(seed, b)``. Re-running the same command
re-proposes the same batches, finds their runs already stored, and simulates only what is missing;
once the hunt has finished, the same command returns its stored result at no cost (``new=True``
hunts again). A finished hunt can be *continued* with a larger budget (:func:`continue_hunt`, or the
same command with a larger ``--budget`` after a budget-capped hunt): every stored run is kept as
it is, and proposals go on from the next batch (see :meth:`Hunt.take_stored` for why).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from threadpoolctl import ThreadpoolController

from hunter.analysis import analyse_hunt, background_pool, background_rate
from hunter.analysis.batch import BatchAnalysis, analyse_batch
from hunter.analysis.explain import MinimalScenario, minimal_failing_scenario
from hunter.analysis.hunt_analysis import BackgroundRun
from hunter.analysis.modes import MIN_MODE_FAILURES
from hunter.analysis.stats import rate
from hunter.analysis.stopping import settled
from hunter.domain import Run, Scenario
from hunter.errors import InvalidConfig, SutError
from hunter.executor import Executor
from hunter.flow.dashboard import journal_path, write_journal
from hunter.flow.setup import fingerprint, resolve_setup
from hunter.perturbers import Allocator
from hunter.perturbers.base import HuntContext, Proposal, new_seed
from hunter.perturbers.sut_errors import ErrorProneValue, error_prone_values
from hunter.records import (
    HuntRecord,
    HuntResult,
    HuntSettings,
    HuntSetup,
    MinimalCheck,
    StopReason,
    usage_of,
)
from hunter.regions import HuntAnalysis, MapProposal, Region, constraint_words
from hunter.store import Store
from hunter.sut import Sut, make_sut

__all__ = [
    "HuntOutcome",
    "HuntSettings",
    "HuntSetup",
    "Progress",
    "StopReason",
    "continue_hunt",
    "run_hunt",
]


MINIMAL = "minimal"
"""The strategy name of the minimal failing scenarios' re-runs (``Hunt.check_minimal``)."""

MIN_MINIMAL_RERUNS = 3
"""Fewer re-runs than this say too little about a scenario's failure rate to spend them."""


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
    """A finished hunt: its stored result and the runs it is made of.

    Attributes:
        resumed: an unfinished hunt went on where it stopped.
        continued_from: the budget of the hunt this one continued (None: not a continuation).
        kept: simulations stored before this session (resumed or continued hunts).
        already_finished: the identical hunt had finished; nothing ran, its result is returned.
    """

    origin: Run
    setup: HuntSetup
    runs: tuple[Run, ...]
    result: HuntResult
    resumed: bool = False
    continued_from: int | None = None
    kept: int = 0
    already_finished: bool = False

    @property
    def hunt_id(self) -> str:
        return self.result.hunt_id

    @property
    def analysis(self) -> HuntAnalysis:
        return self.result.analysis


def run_hunt(
    store: Store,
    run_id: str,
    settings: HuntSettings,
    setup: HuntSetup | None = None,
    *,
    sut: Sut | None = None,
    on_progress: Callable[[Progress], None] | None = None,
    new: bool = False,
) -> HuntOutcome:
    """Hunt around the failed run ``run_id``.

    Unless ``new``: an unfinished identical hunt is resumed; a finished identical one (same
    fingerprint and ``early_stop``) is returned as stored, at no cost; a budget-capped one that
    differs only by a smaller budget is continued to ``settings.budget``, its runs kept.

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
    setup = setup or resolve_setup(store, origin)
    # The SUT is built before anything is stored: a SUT that cannot be built leaves no hunt.
    sut = sut or make_sut(setup.sut, setup.options)
    hunt = Hunt.start_or_resume(store, origin, settings, setup, new=new)
    return _run(hunt, sut, on_progress)


def continue_hunt(
    store: Store,
    hunt_id: str,
    *,
    budget: int | None = None,
    early_stop: bool | None = None,
    workers: int = 1,
    cluster: str | None = None,
    max_cost: float | None = None,
    sut: Sut | None = None,
    on_progress: Callable[[Progress], None] | None = None,
) -> HuntOutcome:
    """Go on with hunt ``hunt_id`` (``--resume``): an unfinished one where it stopped, and
    with a larger ``budget`` (or ``early_stop`` off, or a higher ``max_cost``) a finished one,
    every stored simulation kept. ``None`` keeps the hunt's stored budget and ``early_stop``.

    Raises:
        UnknownId: when the store has no such hunt.
        InvalidConfig: when the budget would shrink, or the hunt has nothing left to do.
        SutError: as :func:`run_hunt`.
    """
    record = store.hunt(hunt_id)
    origin = store.run(record.run_id)
    settings = replace(
        record.settings,
        budget=record.budget if budget is None else budget,
        workers=workers,
        cluster=cluster,
        max_cost=max_cost,
        early_stop=record.settings.early_stop if early_stop is None else early_stop,
    )
    sut = sut or make_sut(record.setup.sut, record.setup.options)
    hunt = Hunt.start_or_resume(store, origin, settings, record.setup, hunt_id=hunt_id)
    return _run(hunt, sut, on_progress)


def _run(
    hunt: Hunt, sut: Sut | None, on_progress: Callable[[Progress], None] | None
) -> HuntOutcome:
    """Search and finish ``hunt`` (nothing to run when it had already finished)."""
    adapter = sut or make_sut(hunt.setup.sut, hunt.setup.options)
    if hunt.done is not None:
        adapter.close()
        return hunt.finish(hunt.done.stop_reason)
    # One live process per hunt: a second one started meanwhile is told who holds it.
    hunt.store.acquire_hunt(hunt.record.hunt_id)
    try:
        adapter.bind_hunt(hunt.record.hunt_id, hunt.origin.run_id, hunt.store.folder)
        executor = Executor(adapter, workers=hunt.settings.workers, cluster=hunt.settings.cluster)
        try:
            stop = hunt.search(executor, on_progress)
            hunt.check_minimal(executor, stop, on_progress)
        finally:
            executor.close()
            adapter.close()
        return hunt.finish(stop)
    finally:
        hunt.store.release_hunt(hunt.record.hunt_id)


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
        done: HuntResult | None = None,
    ) -> None:
        self.store = store
        self.origin = origin
        self.settings = settings
        self.setup = setup
        self.record = record
        self.resumed = resumed
        self.continued_from: int | None = None
        """The budget the hunt had before this session continued it."""
        self.done: HuntResult | None = done
        """The stored result when the identical hunt had already finished: nothing to run."""
        self.stored_in_order = store.runs(hunt_id=record.hunt_id, events=False)
        self.stored = self._stored_runs()
        self.allocator = self._allocator()
        if done is not None:  # the stored answer is returned: no background to estimate
            self.background = done.analysis.background
        else:
            pool = _background_pool(store, origin, setup)
            mine = [r for r in pool if r.run_id != origin.run_id]
            self.background = background_rate(origin, mine, setup.coverage_map)
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
        self._kept: dict[int, tuple[int, str, dict[str, Any] | None]] | None = None
        """Analyses a previous session kept per batch (read on first use)."""
        self.history: list[tuple[int, HuntAnalysis]] = []
        """``(simulations, analysis)`` after each batch that was fully analysed."""
        self.final: HuntAnalysis | None = None
        """The analysis of every searched run, once the search has stopped."""
        self.minimal_runs: list[Run] = []
        self.minimal_checks: tuple[MinimalCheck, ...] = ()

    # -- step 1: start or resume -----------------------------------------------------------------

    @classmethod
    def start_or_resume(
        cls,
        store: Store,
        origin: Run,
        settings: HuntSettings,
        setup: HuntSetup,
        *,
        new: bool = False,
        hunt_id: str | None = None,
    ) -> Hunt:
        """The hunt this command means, first match wins:

        1. ``hunt_id`` (``--resume``): resumed where it stopped, or continued when
           ``settings.budget`` is larger than its budget or it had finished;
        2. the unfinished hunt started by the same command: resumed;
        3. the finished hunt of the same command (and ``early_stop``): returned as it is
           (:attr:`done` set, nothing to run); so is a triage's finished hunt of the same
           command, and one that was started by this command and continued since to a larger
           budget (``--resume``), rather than hunting again;
        4. an unfinished or budget-capped hunt of the same command but a smaller budget:
           continued to ``settings.budget``;
        5. a new hunt. ``new`` skips 2 to 4.

        Raises:
            InvalidConfig: when ``hunt_id`` cannot go on (see :meth:`_reopen`).
        """
        setup.space.validate(origin.attributes(), where=f"run {origin.run_id}")
        if hunt_id is not None:
            return cls._reopen(store, origin, settings, setup, store.hunt(hunt_id))
        key = fingerprint(origin.run_id, settings, setup)
        if not new:
            previous = store.unfinished_hunt(key)
            if previous is not None:
                kept = previous.settings
                settings = replace(
                    settings, continue_batch=kept.continue_batch, settle_after=kept.settle_after
                )
                return cls(store, origin, settings, setup, previous, resumed=True)
            finished = store.finished_hunt(key, early_stop=settings.early_stop)
            if finished is None and settings.triage is None:
                finished = _triage_hunt(store, origin.run_id, settings, setup)
            if finished is not None:
                return cls(
                    store, origin, finished.settings, setup, finished, False, finished.result
                )
            larger = _larger_hunt(store, origin.run_id, settings, setup)
            if larger is not None:
                return cls(store, origin, larger.settings, setup, larger, False, larger.result)
            smaller = _smaller_hunt(store, origin.run_id, settings, setup)
            if smaller is not None:
                return cls._continued(store, origin, settings, setup, smaller)
        # One transaction: a hunt whose settings fail to build (an unknown strategy...)
        # leaves no empty "running" hunt behind.
        with store.atomic():
            record = store.add_hunt(origin.run_id, setup, settings, key)
            return cls(store, origin, settings, setup, record, resumed=False)

    @classmethod
    def _reopen(
        cls, store: Store, origin: Run, settings: HuntSettings, setup: HuntSetup, record: HuntRecord
    ) -> Hunt:
        """Hunt ``record`` under ``settings`` (its own, but for the budget, ``early_stop`` and
        the session's options): resumed, or continued when there is more to do.

        Raises:
            InvalidConfig: the budget would shrink; or the hunt finished and cannot go on: a
                fluke, its simulations already reach the budget, or it settled (or ran out of
                scenarios) and neither a larger budget nor ``early_stop`` off asks for more.
        """
        hid = record.hunt_id
        if settings.budget < record.budget:
            raise InvalidConfig(
                f"--budget {settings.budget} is below hunt {hid}'s budget of {record.budget}:"
                " a hunt's budget can only be raised"
            )
        if record.status == "running" and settings.budget == record.budget:
            return cls(store, origin, settings, setup, record, resumed=True)
        result = record.result
        if result is not None and result.stop_reason is StopReason.FLUKE:
            raise InvalidConfig(
                f"hunt {hid} called run {record.run_id} a fluke (the replays decided);"
                " more budget would not change that: hunt it again with --new"
            )
        answered = (StopReason.SETTLED, StopReason.EXHAUSTED)
        if (
            result is not None
            and result.stop_reason in answered
            and settings.early_stop
            and settings.budget == record.budget
        ):
            raise InvalidConfig(
                f"hunt {hid} finished ({result.stop_reason.value} after {result.simulations} of"
                f" {record.budget} simulations): nothing to resume; continue it with a larger"
                f" budget (--budget {2 * record.budget}) or --no-early-stop"
            )
        if result is not None and settings.budget <= result.simulations:
            raise InvalidConfig(
                f"hunt {hid} has already spent its budget of {record.budget};"
                f" continue it with a larger one, e.g. --budget {2 * record.budget}"
            )
        return cls._continued(store, origin, settings, setup, record)

    @classmethod
    def _continued(
        cls, store: Store, origin: Run, settings: HuntSettings, setup: HuntSetup, record: HuntRecord
    ) -> Hunt:
        """``record`` reopened under ``settings`` (a larger budget, or a finished hunt given
        more to do), every run it stored kept: the batches it ran are taken as they are
        (``continue_batch``), and a hunt that had settled must settle again from here."""
        stored = store.runs(hunt_id=record.hunt_id, events=False)
        settle_after = record.settings.settle_after
        if record.result is not None and record.result.stop_reason is StopReason.SETTLED:
            settle_after = len(stored)
        # Runs of stores that kept no batch count as batch -1: before the next one all the same.
        next_batch = max(_batch_of(r) for r in stored) + 1 if stored else 0
        settings = replace(
            settings,
            continue_batch=max(next_batch, 1) if stored else 0,
            settle_after=settle_after,
        )
        key = fingerprint(origin.run_id, settings, setup)
        reopened = store.reopen_hunt(record.hunt_id, settings, key)
        hunt = cls(store, origin, settings, setup, reopened, resumed=False)
        hunt.continued_from = record.budget
        return hunt

    def _stored_runs(self) -> dict[tuple[int, str], Run]:
        """Runs a previous session of this hunt stored, by batch and scenario."""
        return {(_batch_of(run), run.scenario.key()): run for run in self.stored_in_order}

    def _allocator(self) -> Allocator:
        if self.settings.strategy:
            return Allocator.single(self.settings.strategy)
        # The dashboard's journal is written by the loop (``write_journal``), not the strategy.
        return Allocator(rewrite_model=self.settings.rewrite_model)

    # -- step 2: search, batch by batch ----------------------------------------------------------

    def search(
        self, executor: Executor, on_progress: Callable[[Progress], None] | None = None
    ) -> StopReason:
        """Run batches until one of the stop reasons holds; return it."""
        # The full analysis of each batch feeds the stop rule and the progress bar's region.
        watch = self.settings.early_stop or on_progress is not None
        batch_index = self.take_stored(watch, on_progress)
        max_cost = self.settings.max_cost
        if max_cost is not None and batch_index and _spent(self.context.observations) >= max_cost:
            return StopReason.MAX_COST  # continued, but the cap is already spent
        while self.context.remaining > 0:
            with _one_blas_thread():
                proposals = self.propose(batch_index)
            if not proposals:
                return StopReason.EXHAUSTED
            runs = self.simulate(batch_index, proposals, executor, on_progress)
            stored = all((batch_index, p.scenario.key()) in self.stored for p in proposals)
            with _one_blas_thread():
                self.observe(
                    runs,
                    first_batch=batch_index == 0,
                    watch=watch,
                    batch=batch_index,
                    stored=stored,
                )
            self.write_journal()
            batch_index += 1
            reason = self.stop_reason()
            if reason is not None:
                return reason
        return StopReason.BUDGET

    def take_stored(
        self, watch: bool, on_progress: Callable[[Progress], None] | None = None
    ) -> int:
        """Observe the stored batches before ``settings.continue_batch`` as they are, batch by
        batch (the stop rule's history as the hunt saw it); return the next batch to propose.

        Why a continued hunt does not re-propose them like a resumed one: the allocator's stage
        schedule reads the budget (``Allocator.stage`` measures progress as a share of it), so
        under a larger budget batch ``b`` may differ from the one stored, and a re-proposal
        would simulate it anew. Taking them as observations re-runs nothing; the batches after
        them are proposed, as always, from ``(seed, b)`` and everything observed before.
        """
        first = self.settings.continue_batch
        batches: dict[int, list[Run]] = {}
        for run in self.stored_in_order:
            if _batch_of(run) < first:
                batches.setdefault(_batch_of(run), []).append(run)
        for index in sorted(batches):
            self.observe(batches[index], first_batch=False, watch=watch, batch=index, stored=True)
        if on_progress is not None and self.context.observations:
            on_progress(self._progress(self.context.observations, "stored"))
        return first

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
                executor.sut.stored(run)
            runs.append(run)
            if on_progress is not None:
                on_progress(self._progress([*self.context.observations, *runs], proposal.strategy))
        return runs

    def _kept_analysis(
        self, batch: int, observations: Sequence[Run], full: bool
    ) -> tuple[bool, HuntAnalysis | None]:
        """``(found, analysis)``: the full analysis kept for a stored batch, when this session
        would make it alike (same runs, same background, full or not alike); it saves a
        resume from analysing every stored batch again."""
        if self._kept is None:
            self._kept = self.store.batch_analyses(self.record.hunt_id)
        kept = self._kept.get(batch)
        if kept is None:
            return False, None
        simulations, background, analysis = kept
        same = simulations == len(observations) and background == json.dumps(
            self.background.to_json(), sort_keys=True
        )
        if not same or (analysis is not None) != full:
            return False, None
        if analysis is None:
            return True, None
        return True, HuntAnalysis.from_json(analysis, self.context.origin.attributes())

    def _full(self, observations: Sequence[Run], watch: bool) -> bool:
        # Without enough failures no mode can be bounded, and after the last batch ``finish``
        # analyses anyway.
        failures = sum(r.failed for r in observations)
        return watch and failures >= MIN_MODE_FAILURES and self.settings.budget > len(observations)

    def observe(
        self,
        runs: Sequence[Run],
        *,
        first_batch: bool,
        watch: bool,
        batch: int | None = None,
        stored: bool = False,
    ) -> None:
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
        full = self._full(observations, watch)
        found, kept = (False, None)
        if stored and batch is not None:  # a batch a previous session ran: its analysis kept?
            found, kept = self._kept_analysis(batch, observations, full)
        now: BatchAnalysis = analyse_batch(
            self.origin,
            self.context.origin.attributes(),
            observations,
            self.setup.space,
            self.setup.coverage_map,
            self.background,
            estimate=self.allocator.uses("region"),
            full=full and not found,
        )
        analysis = kept if found else now.analysis
        if analysis is not None:
            self.history.append((len(observations), analysis))
        if batch is not None and not found:  # keep the analysis for a resume, once
            self.store.add_batch_analysis(
                self.record.hunt_id,
                batch,
                len(observations),
                self.background.to_json(),
                None if now.analysis is None else now.analysis.to_json(),
            )
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
        # A continued hunt that had settled counts its region's history from where it went on.
        history = [h for h in self.history if h[0] >= self.settings.settle_after]
        if (
            self.settings.early_stop
            and history
            and history[-1][0] == len(runs)
            and settled(
                history,
                self.context.observations,
                self.setup.space,
                self.context.origin_checks,
                unrunnable={(v.attribute, v.value) for v in self._unrunnable()},
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

    # -- step 3: check the minimal failing scenarios ---------------------------------------------

    def analyse(self, stop: StopReason) -> HuntAnalysis:
        """The analysis of every searched run (computed once; the minimal re-runs are not in
        it: they check its answer, they do not change it)."""
        if self.final is None:
            if stop is StopReason.SETTLED:  # the stop rule's own analysis is of exactly these
                self.final = self.history[-1][1]
            else:
                self.final = analyse_hunt(
                    self.origin,
                    self.context.observations,
                    self.setup.space,
                    self.setup.coverage_map,
                    self.background,
                    budget_exhausted=stop is StopReason.BUDGET,
                )
        return self.final

    def check_minimal(
        self,
        executor: Executor,
        stop: StopReason,
        on_progress: Callable[[Progress], None] | None = None,
    ) -> None:
        """Re-run each region's minimal failing scenario with ``settings.check_minimal`` new
        seeds, while the budget leaves at least ``MIN_MINIMAL_RERUNS`` for it (never after a
        cost cap).

        The re-runs are stored as the hunt's runs of strategy ``minimal`` in the batch after the
        search's last, so a resumed hunt finds them and a continued one observes them like any
        other run; their seeds come from the hunt's seed and that batch.
        """
        want = self.settings.check_minimal
        if want <= 0 or stop is StopReason.MAX_COST:
            return
        analysis = self.analyse(stop)
        observed = self.context.observations
        remaining = self.settings.budget - len(observed)
        batch = max((_batch_of(r) for r in observed), default=-1) + 1
        rng = np.random.default_rng([self.settings.seed, batch])
        origin = self.context.origin.attributes()
        plan: list[tuple[Region, MinimalScenario, list[Scenario]]] = []
        for region in analysis.regions:
            if remaining < MIN_MINIMAL_RERUNS:
                break
            minimal = minimal_failing_scenario(observed, region, self.setup.space, origin)
            if minimal is None:
                continue
            count = min(want, remaining)
            remaining -= count
            attributes = dict(minimal.attributes)
            plan.append(
                (region, minimal, [Scenario.of(attributes, new_seed(rng)) for _ in range(count)])
            )
        scenarios = [s for _, _, group in plan for s in group]
        todo = [s for s in scenarios if (batch, s.key()) not in self.stored]
        fresh = iter(executor.map(todo))
        checks = []
        for region, minimal, group in plan:
            runs = []
            for scenario in group:
                run = self.stored.get((batch, scenario.key()))
                if run is None:
                    run = self.store.add_run(
                        next(fresh),
                        sut=self.setup.sut,
                        hunt_id=self.record.hunt_id,
                        parent_run_id=self.origin.run_id,
                        strategy=MINIMAL,
                        batch=batch,
                    )
                runs.append(run)
                self.minimal_runs.append(run)
                if on_progress is not None:
                    on_progress(
                        self._progress([*observed, *self.minimal_runs], f"minimal {region.id}")
                    )
            valid = [r for r in runs if r.error is None]
            fails = sum(r.fails_like(frozenset(region.checks)) for r in valid)
            checks.append(
                MinimalCheck(
                    region=region.id,
                    attributes=dict(minimal.attributes),
                    from_run=minimal.run_id,
                    seeds=tuple(s.seed for s in group),
                    run_ids=tuple(r.run_id for r in runs),
                    rate=rate(fails, len(valid)),
                    errors=len(runs) - len(valid),
                    shrunk=minimal.shrunk,
                )
            )
        self.minimal_checks = tuple(checks)

    # -- step 4: finish -------------------------------------------------------------------------

    def finish(self, stop: StopReason) -> HuntOutcome:
        """Analyse every run, store the proposals and the result, and mark the hunt done
        (a hunt that had already finished: its stored result, nothing stored again)."""
        if self.done is not None:
            return HuntOutcome(
                self.origin,
                self.setup,
                tuple(self.stored_in_order),
                self.done,
                kept=len(self.stored_in_order),
                already_finished=True,
            )
        runs = (*self.context.observations, *self.minimal_runs)
        analysis = self._with_error_notes(self.analyse(stop))
        suggestions = self._dimension_suggestions(analysis)
        # Proposals and the result in one transaction: a kill in between stores neither, and
        # the resume finishes the hunt once.
        with self.store.atomic():
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
                dimension_suggestions=suggestions,
                early_stop=self.settings.early_stop,
                minimal_scenarios=self.minimal_checks,
            )
            self.store.finish_hunt(result)
        self.write_journal()
        return HuntOutcome(
            self.origin,
            self.setup,
            tuple(runs),
            result,
            self.resumed,
            self.continued_from,
            len(self.stored_in_order),
        )

    def _unrunnable(self) -> tuple[ErrorProneValue, ...]:
        """The values the allocator steers clear of now (it reads the same observations)."""
        return error_prone_values(
            self.context.observations, self.setup.space, self.context.origin.attributes()
        )

    def _with_error_notes(self, analysis: HuntAnalysis) -> HuntAnalysis:
        """The analysis noting each value the search steered clear of because the SUT kept
        erroring there (:mod:`hunter.perturbers.sut_errors`)."""
        avoided = self._unrunnable()
        if not avoided:
            return analysis
        return replace(analysis, notes=(*analysis.notes, *(v.note() for v in avoided)))

    def _with_stored_proposals(self, analysis: HuntAnalysis) -> HuntAnalysis:
        """The regions with their proposals stored, each as the store now holds it (another
        region's numbers merged in: what accepting writes). The store gives a proposal this
        hunt made before (resumed, or continued with more budget) its earlier ID: no
        duplicates; one it made before and no longer makes loses its support."""
        hid = self.record.hunt_id
        regions = []
        for region in analysis.regions:
            if region.proposal is not None:
                kind, detail = region.proposal.kind, region.proposal.detail
                pid = self.store.add_proposal(hid, region.id, kind, detail, self.setup.map_path)
                stored = self.store.proposal(pid)
                region = replace(region, proposal=MapProposal(kind, stored.detail, pid))
            regions.append(region)
        made = {r.proposal.id for r in regions if r.proposal is not None and r.proposal.id}
        n = len(self.context.observations) + len(self.minimal_runs)
        self.store.withdraw_support(hid, made, f"hunt {hid} no longer proposes it after {n} runs")
        return replace(analysis, regions=tuple(regions))

    def write_journal(self) -> None:
        """Bring the hunt's Optuna journal up to date with the runs observed so far, for
        ``optuna-dashboard`` (``hunter.flow.dashboard``; file stores only)."""
        path = journal_path(self.store.folder, self.record.hunt_id)
        if path is not None:
            write_journal(
                path,
                self.record.hunt_id,
                self.origin,
                (*self.context.observations, *self.minimal_runs),
                self.setup.space,
            )

    def _dimension_suggestions(self, analysis: HuntAnalysis) -> tuple[dict[str, Any], ...]:
        """A model's guesses at a missing dimension, when no region explains the origin."""
        model = self.settings.rewrite_model
        if not model or analysis.verdict == "fluke" or analysis.origin_region is not None:
            return ()
        from hunter.models.suggest import suggest_dimensions

        failing = [r for r in self.context.observations if r.failed]
        return tuple(suggest_dimensions(model, self.setup.space, failing))


_POOLS: dict[tuple[Any, ...], tuple[BackgroundRun, ...]] = {}
"""Background pools of this process, by store, SUT, version, map and the stamp of the SUT's
campaign runs: a triage's hunts (and a notebook's) read the store's campaign runs once."""
KEPT_POOLS = 4


def _background_pool(store: Store, origin: Run, setup: HuntSetup) -> tuple[BackgroundRun, ...]:
    """The campaign runs of the origin's SUT, the background the replays are judged against;
    of a Python function, only those of the version hunted (a fixed function keeps its name).

    Reading and bucketing every campaign run costs seconds on a store of 100,000 runs, once
    per hunt; so the pool is kept while the SUT's campaign runs stay as they were."""
    version = setup.options.function_version
    cmap = setup.coverage_map
    map_key = json.dumps(cmap.to_dict(), sort_keys=True, default=str) if cmap else None
    # An in-memory store has no name that outlives it (a new one may get its id): not kept.
    folder = str(store.folder.resolve()) if store.folder is not None else None
    key = (folder, origin.sut, version, map_key, store.campaign_runs_stamp(origin.sut))
    pool = _POOLS.get(key) if folder is not None else None
    if pool is None:
        runs = store.runs(campaigns_only=True, sut=origin.sut)
        if version is not None:
            same = {
                c.campaign_id
                for c in store.campaigns()
                if c.setup.options.function_version == version
            }
            runs = [r for r in runs if r.campaign_id in same]
        pool = background_pool(runs, cmap)
        while len(_POOLS) >= KEPT_POOLS:
            _POOLS.pop(next(iter(_POOLS)))
        if folder is not None:
            _POOLS[key] = pool
    return pool


def _batch_of(run: Run) -> int:
    """The batch a stored run of a hunt was proposed in (-1 when not recorded)."""
    return int(run.extra.get("batch", -1))


def _triage_hunt(
    store: Store, run_id: str, settings: HuntSettings, setup: HuntSetup
) -> HuntRecord | None:
    """A triage's finished hunt that the user's command ``settings`` would have made: the
    same command returns it at no new cost. (Only one way round: a triage never takes over a
    user's hunt, which it could not tell from its own; see :mod:`hunter.flow.triage`.)"""
    for record, key in store.hunts_of_run(run_id, settings.seed):
        triage = record.settings.triage
        if not triage or record.status != "done" or record.result is None:
            continue
        if record.settings.early_stop != settings.early_stop:
            continue
        if key == fingerprint(run_id, replace(settings, triage=triage), setup):
            return record
    return None


def _larger_hunt(
    store: Store, run_id: str, settings: HuntSettings, setup: HuntSetup
) -> HuntRecord | None:
    """The latest finished hunt of the same command continued to a larger budget than
    ``settings.budget``: the command that started it, run again, means that hunt. (A hunt
    started with the larger budget is another command's: never one that was continued.)"""
    for record, key in store.hunts_of_run(run_id, settings.seed):
        if record.budget <= settings.budget or record.settings.early_stop != settings.early_stop:
            continue
        if not record.settings.continue_batch:
            continue
        same = key == fingerprint(run_id, replace(settings, budget=record.budget), setup)
        if same and record.status == "done" and record.result is not None:
            return record
    return None


def _smaller_hunt(
    store: Store, run_id: str, settings: HuntSettings, setup: HuntSetup
) -> HuntRecord | None:
    """The latest hunt of the same command but a smaller budget that can be continued to
    ``settings.budget``: unfinished, or finished because its budget ran out."""
    for record, key in store.hunts_of_run(run_id, settings.seed):
        if record.budget >= settings.budget or record.settings.early_stop != settings.early_stop:
            continue
        if key != fingerprint(run_id, replace(settings, budget=record.budget), setup):
            continue
        if record.status == "running" or (
            record.result is not None and record.result.stop_reason is StopReason.BUDGET
        ):
            return record
    return None


@functools.cache
def _blas() -> ThreadpoolController:
    return ThreadpoolController()


def _one_blas_thread() -> Any:
    """Limit BLAS and OpenMP to one thread while the hunt fits its models and analyses a batch.

    The matrices are small (a Gaussian process on at most a few hundred runs, 2x2 tables), so
    a second BLAS thread saves nothing, and on a machine whose cores are busy with the SUT's
    workers its spin-waiting made each fit up to eight times slower (``hunter bench engine``:
    26 ms per simulation with two threads under load, 3.4 ms with one). The limit is lifted
    while the SUT runs. threadpoolctl (scikit-learn's own dependency) does this portably.
    """
    return _blas().limit(limits=1)


def _spent(runs: Sequence[Run]) -> float:
    """Estimated model spend of ``runs`` in USD (0 for SUTs that record no cost)."""
    return float(sum(float(r.extra.get("cost_usd", 0.0) or 0.0) for r in runs))
