"""The hunt loop: from one failed run to failing regions, labels and proposals.

The loop is deliberately dumb: the allocator (``hunter.perturbers``) decides what to simulate, the
executor simulates, the store keeps every outcome as it lands, and the analysis
(``hunter.analysis``) decides what it all means. They meet only here, like Optuna's samplers and
storages meet only in ``Study``.

Determinism and resume come from one rule: batch ``b`` is proposed from the observations of the
batches before it and a generator seeded with ``(seed, b)``. Re-running the same command
re-proposes the same batches, finds their runs already stored, and simulates only what is missing.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from hunter.analysis import analyse_hunt, background_rate, replay_decision
from hunter.analysis.modes import MIN_MODE_FAILURES
from hunter.analysis.result import HuntAnalysis, MapProposal, Region, constraint_words
from hunter.analysis.stopping import settled
from hunter.coverage import CoverageMap, Space, load_map, load_space
from hunter.domain import Run
from hunter.errors import InvalidConfig, SutError
from hunter.executor import Executor
from hunter.perturbers import Allocator
from hunter.perturbers.base import HuntContext
from hunter.store import Store
from hunter.sut import Sut, SutOptions, make_sut

DEFAULT_BUDGET = 300


@dataclass(frozen=True, slots=True)
class HuntSetup:
    """What a hunt simulates and judges against: recorded with the origin, overridable."""

    sut: str
    options: SutOptions
    coverage_map: CoverageMap | None
    map_path: str | None
    space: Space

    def to_json(self) -> dict[str, Any]:
        return {
            "sut": self.sut,
            "options": self.options.to_json(),
            "map": self.coverage_map.to_dict() if self.coverage_map else None,
            "map_path": self.map_path,
            "space": self.space.to_dict(),
        }

    @classmethod
    def from_json(cls, raw: Mapping[str, Any]) -> HuntSetup:
        cmap = CoverageMap.from_dict(raw["map"], "stored map") if raw.get("map") else None
        return cls(
            sut=raw["sut"],
            options=SutOptions.from_json(raw.get("options")),
            coverage_map=cmap,
            map_path=raw.get("map_path"),
            space=Space.from_dict(raw["space"], "stored space"),
        )


@dataclass(frozen=True, slots=True)
class HuntSettings:
    budget: int = DEFAULT_BUDGET
    seed: int = 0
    workers: int = 1
    cluster: str | None = None
    strategy: str | None = None  # one strategy only (benchmark baselines); None = the allocator
    batch_size: int = 16
    max_cost: float | None = None  # USD; model SUTs record cost_usd per run
    rewrite_model: str | None = None  # a model for the llm_rewrite perturber (MODEL name)
    early_stop: bool = True  # stop once the verdict and regions settle (analysis.stopping)

    def __post_init__(self) -> None:
        if self.budget < 1:
            raise InvalidConfig(f"--budget must be at least 1, got {self.budget}")
        if self.batch_size < 1:
            raise InvalidConfig(f"batch size must be at least 1, got {self.batch_size}")


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
    hunt_id: str
    origin: Run
    setup: HuntSetup
    runs: tuple[Run, ...]
    analysis: HuntAnalysis
    result: Mapping[str, Any]
    resumed: bool = False


def recorded_setup(store: Store, run: Run) -> HuntSetup:
    """The SUT, options, map and space recorded with the campaign or hunt that made ``run``."""
    if run.campaign_id is not None:
        config = store.campaign(run.campaign_id).config
    elif run.hunt_id is not None:
        config = store.hunt(run.hunt_id).config
    else:  # pragma: no cover - every stored run belongs to one or the other
        raise InvalidConfig(f"run {run.run_id} has no campaign or hunt to take its setup from")
    return HuntSetup.from_json(config)


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


def _fingerprint(run_id: str, settings: HuntSettings, setup: HuntSetup) -> str:
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
    setup = setup or resolve_setup(store, origin)
    space = setup.space
    origin_attrs = space.validate(origin.attributes(), where=f"run {run_id}")
    fingerprint = _fingerprint(run_id, settings, setup)

    previous = store.unfinished_hunt(fingerprint)
    resumed = previous is not None
    if previous is not None:
        hunt_id = previous.hunt_id
    else:
        config = {
            **setup.to_json(),
            "strategy": settings.strategy,
            "batch": settings.batch_size,
            "early_stop": settings.early_stop,
            "rewrite_model": settings.rewrite_model,
        }
        hunt_id = store.add_hunt(run_id, settings.seed, settings.budget, config, fingerprint)
    stored: dict[tuple[int, str], Run] = {}
    for run in store.runs(hunt_id=hunt_id, events=False):
        batch = int(run.extra.get("batch", -1))
        stored[(batch, run.scenario.key())] = run

    sut = sut or make_sut(setup.sut, setup.options)
    allocator = (
        Allocator.single(settings.strategy, batch_size=settings.batch_size)
        if settings.strategy
        else Allocator(
            batch_size=settings.batch_size,
            rewrite_model=settings.rewrite_model,
            journal_path=_journal_path(store, hunt_id),
        )
    )
    background = [
        r for r in store.runs(campaigns_only=True, sut=origin.sut) if r.run_id != origin.run_id
    ]
    background_est = background_rate(origin, background, setup.coverage_map)
    context = HuntContext(
        origin=replace(origin.scenario, items=tuple(sorted(origin_attrs.items()))),
        space=space,
        coverage_map=setup.coverage_map,
        observations=(),
        budget=settings.budget,
        background=background_est.rate,
        origin_checks=frozenset(origin.failed_checks),
    )
    executor = Executor(sut, workers=settings.workers, cluster=settings.cluster)
    failures = 0
    errors = 0
    stop_reason = "budget"
    # One analysis per batch feeds the stop rule and the progress bar's region estimate.
    watch = settings.early_stop or on_progress is not None
    history: list[tuple[int, HuntAnalysis]] = []
    region_text = ""
    try:
        batch_index = 0
        while context.remaining > 0:
            rng = np.random.default_rng([settings.seed, batch_index])
            proposals = allocator.next_batch(
                context, rng, max_n=min(settings.batch_size, context.remaining)
            )[: context.remaining]
            if not proposals:
                stop_reason = "exhausted"
                break
            todo = [p for p in proposals if (batch_index, p.scenario.key()) not in stored]
            fresh = iter(executor.map([p.scenario for p in todo]))
            new_runs: list[Run] = []
            for proposal in proposals:
                found = stored.get((batch_index, proposal.scenario.key()))
                if found is not None:
                    run = found
                else:
                    outcome = next(fresh)
                    run = store.add_run(
                        outcome,
                        sut=setup.sut,
                        hunt_id=hunt_id,
                        parent_run_id=origin.run_id,
                        strategy=proposal.strategy,
                        batch=batch_index,
                    )
                new_runs.append(run)
                failures += run.failed
                errors += run.error is not None
                if on_progress is not None:
                    on_progress(
                        Progress(
                            len(context.observations) + len(new_runs),
                            settings.budget,
                            failures,
                            errors,
                            proposal.strategy,
                            region_text,
                        )
                    )
            context = replace(context, observations=context.observations + tuple(new_runs))
            batch_index += 1
            if batch_index == 1 and errors == len(new_runs):
                first = next(r.error for r in new_runs if r.error)
                raise SutError(
                    f"every simulation of the first batch ({len(new_runs)}) was a SUT error, "
                    f"e.g.: {first}"
                )
            if settings.max_cost is not None and spent(context.observations) >= settings.max_cost:
                stop_reason = "max_cost"
                break
            replays = context.by_strategy("replay")
            if replays and replay_decision(list(replays), background_est) == "fluke":
                stop_reason = "fluke"
                break
            # Without enough failures no mode can be bounded, so there is nothing to analyse yet.
            if watch and failures >= MIN_MODE_FAILURES and context.remaining > 0:
                now = analyse_hunt(
                    origin,
                    context.observations,
                    space,
                    setup.coverage_map,
                    background,
                    budget_exhausted=False,
                )
                history.append((len(context.observations), now))
                region_text = origin_region_text(now)
                if settings.early_stop and settled(
                    history, context.observations, space, context.origin_checks
                ):
                    stop_reason = "settled"
                    break
    finally:
        executor.close()
        sut.close()

    runs = context.observations
    if stop_reason == "settled":  # the stop rule's own analysis is of exactly these runs
        analysis = history[-1][1]
    else:
        analysis = analyse_hunt(
            origin,
            runs,
            space,
            setup.coverage_map,
            background,
            budget_exhausted=stop_reason == "budget",
        )
    analysis = _store_proposals(store, hunt_id, analysis, setup.map_path)
    suggestions: list[dict[str, Any]] = []
    explained = any(r.contains_origin for r in analysis.regions)
    if settings.rewrite_model and analysis.verdict != "fluke" and not explained:
        from hunter.models.suggest import suggest_dimensions

        failing = [r for r in runs if r.failed]
        suggestions = suggest_dimensions(settings.rewrite_model, space, failing)
    result = {
        "hunt_id": hunt_id,
        "run_id": run_id,
        "seed": settings.seed,
        "simulations": len(runs),
        "errors": sum(r.error is not None for r in runs),
        "budget": settings.budget,
        "stop_reason": stop_reason,
        **usage(runs),
        **analysis.to_json(),
        **({"dimension_suggestions": suggestions} if suggestions else {}),
    }
    store.finish_hunt(hunt_id, result)
    return HuntOutcome(hunt_id, origin, setup, tuple(runs), analysis, result, resumed)


def origin_region_text(analysis: HuntAnalysis) -> str:
    """The origin's region in a few words, for the progress bar (empty while there is none)."""
    region = analysis.origin_region
    if region is None:
        return ""
    return f"{constraint_words(region)} ({region.inside.rate:.0%} fail)"


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


def spent(runs: Sequence[Run]) -> float:
    """Estimated model spend of ``runs`` in USD (0 for SUTs that record no cost)."""
    return float(sum(float(r.extra.get("cost_usd", 0.0) or 0.0) for r in runs))


def usage(runs: Sequence[Run]) -> dict[str, Any]:
    """Tokens and cost of a hunt, when its SUT records them (model agents and judges do)."""
    if not any("cost_usd" in r.extra or "input_tokens" in r.extra for r in runs):
        return {}
    return {
        "input_tokens": sum(int(r.extra.get("input_tokens", 0) or 0) for r in runs),
        "output_tokens": sum(int(r.extra.get("output_tokens", 0) or 0) for r in runs),
        "cost_usd": round(spent(runs), 4),
    }


def _store_proposals(
    store: Store, hunt_id: str, analysis: HuntAnalysis, map_path: str | None
) -> HuntAnalysis:
    regions: list[Region] = []
    for region in analysis.regions:
        if region.proposal is not None:
            pid = store.add_proposal(
                hunt_id, region.id, region.proposal.kind, region.proposal.detail, map_path
            )
            region = replace(
                region, proposal=MapProposal(region.proposal.kind, region.proposal.detail, pid)
            )
        regions.append(region)
    return replace(analysis, regions=tuple(regions))


def default_map_path() -> Path:
    return Path(__file__).resolve().parent.parent / "maps" / "ai_ceo.yaml"
