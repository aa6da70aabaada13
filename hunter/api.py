"""The Python API: what the command line does, as functions a notebook or script calls.

Every function takes an open :class:`~hunter.store.Store` first (``open_store``) and returns
the typed records the store keeps (:class:`~hunter.domain.Run`,
:class:`~hunter.records.HuntResult`, ...); :mod:`hunter.frames` turns a store into pandas
DataFrames. A SUT is a ``--sut`` string (``builtin:ceo``, ``MODULE:FUNC``, ``file.py:FUNC``,
``cmd:...``, ``inspect:...``), an adapter (:class:`~hunter.sut.Sut`), or a plain function
``f(attributes, seed) -> trajectory`` (see :mod:`hunter.sut.callable_sut`).

Errors are the CLI's: bad input raises a :class:`~hunter.errors.HunterError` whose message is
the one line the CLI prints. Nothing here prints. A seed is a whole number from 0 to
``2**63 - 1`` (what the store holds); any other raises ``InvalidConfig`` before anything is
stored.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from hunter.errors import InvalidConfig

if TYPE_CHECKING:
    from hunter.analysis.triage import TriageResult
    from hunter.coverage import CoverageMap, Space
    from hunter.domain import Run, Value
    from hunter.flow.brief import Brief
    from hunter.flow.campaign import CampaignResult
    from hunter.flow.hunt import HuntOutcome, Progress
    from hunter.flow.recheck import HuntRecheck
    from hunter.records import HuntRecord, HuntSetup, SutOptions
    from hunter.store import Store
    from hunter.sut import Sut

__all__ = [
    "DEFAULT_MAPS",
    "campaign",
    "common_errors",
    "hunt",
    "hunt_rows",
    "open_store",
    "report",
    "rerun",
    "resume",
    "run",
    "sut_adapter",
    "triage",
]

DEFAULT_MAPS = {"builtin:ceo": "ai_ceo"}
"""SUTs with a coverage map of their own, shipped in ``hunter.maps``: ``map`` is optional."""

ONE_OFF_KIND = "run"
"""The kind of the campaign that holds a single run (:func:`run`, ``hunter run``)."""


def open_store(path: str | Path = "runs") -> Store:
    """Open (or create) the run store in folder ``path``; ``":memory:"`` keeps it in memory.

    Use it as a context manager, or call ``close()`` when done.

    Raises:
        StoreError: when the folder cannot be created or the database cannot be opened.
    """
    from hunter.store import Store

    return Store(path)


def sut_adapter(
    sut: str | Sut | Callable[..., Any],
    options: SutOptions | None = None,
    *,
    workers: int = 1,
    cluster: str | Any = None,
) -> Sut:
    """The adapter for ``sut``: a ``--sut`` string, an adapter (returned as is) or a function.

    Raises:
        InvalidConfig: for a bad spec, or a function that parallel workers need but that
            cannot be pickled (one line naming why).
    """
    from hunter.sut import Sut, make_sut
    from hunter.sut.callable_sut import CallableSut

    if isinstance(sut, Sut):
        adapter = sut
    elif isinstance(sut, str):
        adapter = make_sut(sut, options)
    elif callable(sut):
        adapter = CallableSut(sut, options)
    else:
        raise InvalidConfig(
            f"a SUT must be a --sut string, an adapter or a function, got {type(sut).__name__}"
        )
    if isinstance(adapter, CallableSut) and (workers > 1 or cluster is not None):
        adapter.check_picklable()
    return adapter


def campaign(
    store: Store,
    sut: str | Sut | Callable[..., Any],
    *,
    map: str | Path | CoverageMap | None = None,
    n: int = 200,
    seed: int = 0,
    space: str | Path | Space | None = None,
    workers: int = 1,
    cluster: str | Any = None,
    agent: str | None = None,
    judge: str | None = None,
    timeout: float | None = None,
    options: SutOptions | None = None,
    limits: Mapping[str, Any] | None = None,
    on_run: Callable[[Run], None] | None = None,
) -> CampaignResult:
    """Simulate ``n`` scenarios sampled from the coverage map, under-covered buckets first.

    Args:
        store: where every run is stored as it returns.
        sut: the system under test (a ``--sut`` string, an adapter or a function).
        map: a coverage map (YAML path or value); optional for ``builtin:ceo`` only. Give
            a path when its proposals are to be accepted: accepting writes the map's next
            version beside its file.
        n: simulations to run.
        seed: the seed of every random choice of the campaign.
        space: the attributes the SUT accepts (YAML path or value); default the SUT's own
            space, else the map's dimensions.
        workers: parallel workers (processes for Python SUTs, threads for I/O-bound ones).
        cluster: a Dask scheduler to simulate on instead: its address, a ``Client`` or a
            ``LocalCluster``.
        agent: the built-in world's agent (``scripted``, the default,
            ``scripted:PROFILE.yaml``, ``anthropic:MODEL``).
        judge: ``anthropic:MODEL`` for an LLM judge beside the built-in world's checkers.
        timeout: seconds per simulation before it is recorded as a timeout error (60).
        options: every recorded SUT option at once (retries, memory and trajectory limits,
            isolation; the CLI's ``--retries`` ...); ``agent``, ``judge`` and ``timeout``
            override its fields when given.
        limits: SUT limits over ``options``, named as :func:`hunt` takes them
            (:data:`LIMITS`: ``timeout``, ``retries``, ``memory_mb``...).
        on_run: called with each run as it is stored (a progress bar).

    Returns:
        The campaign's ID, its runs and the coverage table (hits of earlier campaigns on the
        same map and SUT included).

    Raises:
        InvalidConfig: a bad map, space, SUT or option.
    """
    from hunter.coverage import CoverageMap, builtin_map_path, load_map
    from hunter.executor import cluster_address
    from hunter.flow.campaign import campaign_space, run_campaign
    from hunter.records import check_seed

    seed = check_seed(seed)
    cluster = cluster_address(cluster)
    if n < 1:
        raise InvalidConfig(f"n must be at least 1, got {n}")
    chosen = _options(options, agent, judge, timeout)
    if limits:
        chosen = _with_limits(chosen, limits)
    adapter = sut_adapter(sut, chosen, workers=workers, cluster=cluster)
    map_path: str | None = None
    if map is None:
        if adapter.spec not in DEFAULT_MAPS:
            raise InvalidConfig(
                f"SUT {str(adapter.spec)!r} needs a coverage map (--map, or map= in Python):"
                f" only {', '.join(DEFAULT_MAPS)} has a default"
            )
        map = builtin_map_path(DEFAULT_MAPS[adapter.spec])
    if isinstance(map, CoverageMap):
        cmap = map
    else:
        cmap = load_map(map)
        map_path = str(Path(map).resolve())
    declared = _space(space) if space is not None else adapter.space()
    return run_campaign(
        store,
        cmap,
        campaign_space(cmap, declared, adapter),
        adapter,
        n=n,
        seed=seed,
        workers=workers,
        cluster=cluster,
        map_path=map_path,
        on_run=on_run,
    )


def hunt(
    store: Store,
    run_id: str,
    *,
    budget: int | None = None,
    seed: int = 0,
    workers: int = 1,
    cluster: str | Any = None,
    sut: str | Sut | Callable[..., Any] | None = None,
    map: str | Path | None = None,
    space: str | Path | None = None,
    agent: str | None = None,
    strategy: str | None = None,
    early_stop: bool = True,
    new: bool = False,
    max_cost: float | None = None,
    model: str | None = None,
    task_args: Mapping[str, Any] | None = None,
    rewrite_model: str | None = None,
    limits: Mapping[str, Any] | None = None,
    on_progress: Callable[[Progress], None] | None = None,
) -> HuntOutcome:
    """Hunt around the failed run ``run_id``: fluke or bug, its failing regions and proposals.

    The same call again returns the finished hunt's stored result at no cost (``new=True``
    hunts again); with a larger ``budget`` after a hunt that spent its budget, it continues.

    Args:
        store: the store holding the run; every simulation is stored as it returns.
        run_id: a failed run (``r3``).
        budget: simulations at most (default 300).
        seed: the seed of every random choice of the hunt.
        workers: parallel workers.
        cluster: a Dask scheduler to simulate on instead: its address, a ``Client`` or a
            ``LocalCluster``.
        sut: the SUT to hunt with instead of the recorded one; required (the same function
            again) when the run was simulated by a Python function.
        map: a coverage map YAML instead of the recorded one.
        space: a space YAML instead of the recorded one.
        agent: the built-in world's agent instead of the recorded one.
        strategy: one perturber only (``neighbourhood``, ``optuna``, ...) instead of the
            staged schedule.
        early_stop: stop once the verdict and the region have settled (else spend the budget).
        new: hunt again even when the same hunt has finished.
        max_cost: stop once models cost this much (USD).
        model: the model of an ``inspect:`` SUT instead of the imported log's.
        task_args: fixed arguments of an ``inspect:`` SUT's task over the ones recorded from
            the origin's log, as Inspect's ``eval(task_args=...)`` takes them.
        rewrite_model: ``anthropic:MODEL`` for the ``llm_rewrite`` perturber.
        limits: SUT limits over the recorded ones: ``timeout`` (seconds), ``retries``,
            ``memory_mb``, ``max_trajectory_mb`` and ``isolate`` (the CLI's ``--timeout``
            ... ``--no-isolation``).
        on_progress: called after each stored simulation (a progress bar).

    Returns:
        The hunt: ``.hunt_id``, ``.result`` (a :class:`~hunter.records.HuntResult` with
        verdict, regions and stop reason) and ``.runs``.

    Raises:
        UnknownId: no such run. InvalidConfig: the run did not fail, bad options, or a run
            of a Python function without ``sut``. SutError: the first batch only errored.
    """
    from hunter.executor import cluster_address
    from hunter.flow.hunt import run_hunt
    from hunter.flow.setup import resolve_setup
    from hunter.models import model_name
    from hunter.records import DEFAULT_BUDGET, HuntSettings, check_seed

    seed = check_seed(seed)
    cluster = cluster_address(cluster)
    settings = HuntSettings(
        budget=budget or DEFAULT_BUDGET,
        seed=seed,
        workers=workers,
        cluster=cluster,
        strategy=strategy,
        max_cost=max_cost,
        rewrite_model=None if rewrite_model is None else model_name(rewrite_model, "rewrite_model"),
        early_stop=early_stop,
    )
    origin = store.run(run_id)
    spec = None
    if isinstance(sut, str):  # recorded as the CLI records it: files absolute, tasks named
        from hunter.sut.inspect import absolute_task_spec, registered_spec
        from hunter.sut.python import absolute_spec

        spec = absolute_spec(absolute_task_spec(registered_spec(sut)))
    setup = resolve_setup(
        store,
        origin,
        sut=spec,
        map_path=None if map is None else str(map),
        space_path=None if space is None else str(space),
        model=model,
        agent=agent,
    )
    if task_args:
        from hunter.sut.inspect import override_task_args

        setup = override_task_args(setup, task_args, origin.attributes())
    if limits:
        setup = replace(setup, options=_with_limits(setup.options, limits))
    adapter = None
    if sut is not None and not isinstance(sut, str):
        adapter = sut_adapter(sut, setup.options, workers=workers, cluster=cluster)
        setup = replace(setup, sut=adapter.spec, options=adapter.options)
    return run_hunt(store, run_id, settings, setup, sut=adapter, on_progress=on_progress, new=new)


LIMITS: dict[str, type] = {
    "timeout": float,
    "retries": int,
    "memory_mb": int,
    "max_trajectory_mb": float,
    "isolate": bool,
}
"""The SUT limits a hunt may set over the recorded ones (fields of ``SutOptions``) and their
types; the numbers' ranges are :data:`hunter.records.LIMIT_RANGES`."""


def _with_limits(options: SutOptions, limits: Mapping[str, Any]) -> SutOptions:
    """``options`` with ``limits`` (None values left as recorded).

    Raises:
        InvalidConfig: a name that is not a limit, or a value out of its range.
    """
    from hunter.records import LIMIT_RANGES

    changes: dict[str, Any] = {}
    for name, value in limits.items():
        if name not in LIMITS:
            raise InvalidConfig(f"unknown SUT limit {name!r}: choose from {', '.join(LIMITS)}")
        if value is None:
            continue
        kind = LIMITS[name]
        number = isinstance(value, int | float) and not isinstance(value, bool)
        if kind is bool:
            ok = isinstance(value, bool)
        else:
            low, high = LIMIT_RANGES[name]
            if kind is int:
                ok = number and value == int(value) and low <= value <= high
            else:
                ok = number and low < value <= high
        if not ok:
            raise InvalidConfig(f"SUT limit {name}={value!r} is not a {kind.__name__} in range")
        changes[name] = kind(value)
    return replace(options, **changes)


def resume(
    store: Store,
    hunt_id: str,
    *,
    budget: int | None = None,
    early_stop: bool | None = None,
    workers: int = 1,
    cluster: str | Any = None,
    max_cost: float | None = None,
    sut: Sut | Callable[..., Any] | None = None,
    on_progress: Callable[[Progress], None] | None = None,
) -> HuntOutcome:
    """Resume an unfinished hunt, or continue a finished one with a larger ``budget``.

    Args:
        store: the store holding the hunt.
        hunt_id: the hunt (``h1``).
        budget: the new budget (default: the hunt's own).
        early_stop: ``False`` spends the whole budget (default: the hunt's own setting).
        workers: parallel workers.
        cluster: a Dask scheduler to simulate on instead: its address, a ``Client`` or a
            ``LocalCluster``.
        max_cost: stop once models cost this much (USD).
        sut: the function again, for a hunt of a Python function (its runs record only its
            name); otherwise the recorded SUT is rebuilt.
        on_progress: called after each stored simulation.

    Raises:
        UnknownId: no such hunt. InvalidConfig: nothing left to do, or a budget that shrinks.
    """
    from hunter.executor import cluster_address
    from hunter.flow.hunt import continue_hunt

    cluster = cluster_address(cluster)
    adapter = None
    if sut is not None:
        record = store.hunt(hunt_id)
        adapter = sut_adapter(sut, record.setup.options, workers=workers, cluster=cluster)
        _same_function(adapter, record)
    return continue_hunt(
        store,
        hunt_id,
        budget=budget,
        early_stop=early_stop,
        workers=workers,
        cluster=cluster,
        max_cost=max_cost,
        sut=adapter,
        on_progress=on_progress,
    )


def recheck(
    store: Store,
    hunt_id: str,
    *,
    sut: str | Sut | Callable[..., Any] | None = None,
    budget: int = 300,
    seed: int = 0,
    workers: int = 1,
    cluster: str | Any = None,
    agent: str | None = None,
) -> HuntRecheck:
    """Recheck every region of a finished hunt after a fix: is each fixed, partly fixed or
    still failing? The runs and the verdicts are stored, as ``hunter recheck`` stores them.

    Args:
        store: the store holding the hunt.
        hunt_id: the finished hunt (``h1``).
        sut: the fixed system: the fixed function, a ``--sut`` string or an adapter (default:
            the hunt's own SUT, rebuilt; a hunt of a function needs the function again).
        budget: simulations over all regions (300).
        seed: the seed of every random choice.
        workers: parallel workers.
        cluster: a Dask scheduler to simulate on instead: its address, a ``Client`` or a
            ``LocalCluster``.
        agent: the built-in world's agent to recheck with.

    Returns:
        The recheck: ``rechecks`` holds each region's verdict (``fixed``, ``partly fixed``,
        ``still failing`` or ``inconclusive``) with its rates inside and just beyond.

    Raises:
        UnknownId: no such hunt. InvalidConfig: an unfinished hunt, or a bad SUT or budget.
    """
    from hunter.executor import cluster_address
    from hunter.flow.recheck import recheck_hunt
    from hunter.records import CALLABLE_PREFIX, check_seed

    seed = check_seed(seed)
    cluster = cluster_address(cluster)
    record = store.hunt(hunt_id)
    adapter: str | Sut | None = None
    if sut is not None:
        adapter = sut_adapter(sut, record.setup.options, workers=workers, cluster=cluster)
    elif record.setup.sut.startswith(CALLABLE_PREFIX):
        raise InvalidConfig(
            f"hunt {hunt_id} is of a Python function: hand in the fixed one,"
            f" hunter.recheck(store, {hunt_id!r}, sut=FUNCTION)"
        )
    return recheck_hunt(
        store,
        hunt_id,
        sut=adapter,
        agent=agent,
        budget=budget,
        seed=seed,
        workers=workers,
        cluster=cluster,
    )


def brief(store: Store, hunt_id: str, *, n: int = 20, seed: int = 0) -> Brief:
    """Scenarios spanning each region of a finished hunt, for the fixer: inside the region and
    just beyond each side, each with the evidence of a failure there (``hunter brief``).

    Args:
        n: scenarios per region. seed: the seed of every random choice.

    Returns:
        The brief; ``items`` are its scenarios (``to_json()`` is a line of ``hunter brief``).

    Raises:
        UnknownId: no such hunt. InvalidConfig: an unfinished hunt, or one with no region.
    """
    from hunter.flow.brief import build_brief
    from hunter.records import check_seed

    seed = check_seed(seed)
    return build_brief(store, hunt_id, n=n, seed=seed)


def _same_function(adapter: Sut, record: HuntRecord) -> None:
    """Refuse to go on with a hunt on another version of its function: its runs would mix two
    systems in one region (a fixed function is rechecked, or hunted anew).

    Raises:
        InvalidConfig: when the function's fingerprint differs from the one the hunt recorded.
    """
    key = "callable_sha256"
    then, now = record.setup.options.extra.get(key), adapter.options.extra.get(key)
    if then is not None and now is not None and then != now:
        raise InvalidConfig(
            f"hunt {record.hunt_id} ran another version of this function (fingerprint {then},"
            f" now {now}): recheck the fix with hunter.recheck(store, {record.hunt_id!r},"
            f" sut=FUNCTION), or hunt anew with hunter.hunt(store, {record.run_id!r},"
            " sut=FUNCTION)"
        )


def triage(
    store: Store,
    campaign_id: str,
    *,
    budget: int = 3000,
    hunt_budget: int = 300,
    seed: int = 0,
    workers: int = 1,
    sut: Sut | Callable[..., Any] | None = None,
    on_hunt: Callable[[HuntOutcome], None] | None = None,
) -> TriageResult:
    """Triage a campaign's failed runs into ranked distinct bugs, flukes and unexplained runs.

    One hunt per candidate group of failures, ``hunt_budget`` each and ``budget`` for all;
    every failed run inside a found region (failing one of its checks) is attributed to it
    instead of being hunted. The same call again resumes the triage, or returns it at no new
    cost (as ``hunter triage``).

    Args:
        store: the store holding the campaign.
        campaign_id: the campaign (``c1``).
        budget: simulations for every hunt of the triage together.
        hunt_budget: simulations for one hunt at most.
        seed: the seed of every hunt.
        workers: parallel workers.
        sut: the function again, for a campaign of a Python function; otherwise the
            recorded SUT is rebuilt.
        on_hunt: called with each hunt as it finishes.

    Returns:
        ``.bugs`` (ranked, each with its region, label, rates and contribution), ``.flukes``,
        ``.unexplained``, ``.buckets`` (residual risk per bucket) and ``.to_json()``.

    Raises:
        UnknownId: no such campaign. InvalidConfig: an empty campaign or a budget below one
            hunt's need.
    """
    from hunter.flow.triage import triage as triage_campaign
    from hunter.records import check_seed

    seed = check_seed(seed)
    adapter = None
    if sut is not None:
        recorded = store.campaign(campaign_id).setup.options
        adapter = sut_adapter(sut, recorded, workers=workers)
    return triage_campaign(
        store,
        campaign_id,
        budget=budget,
        hunt_budget=hunt_budget,
        seed=seed,
        workers=workers,
        sut=adapter,
        on_hunt=on_hunt,
    )


def run(
    store: Store,
    sut: str | Sut | Callable[..., Any],
    attributes: Mapping[str, Any],
    *,
    seed: int = 0,
    map: str | Path | None = None,
    space: str | Path | Space | None = None,
    agent: str | None = None,
    judge: str | None = None,
    timeout: float | None = None,
    options: SutOptions | None = None,
) -> Run:
    """Simulate one scenario and store it as a run (in a one-run campaign of kind ``run``).

    Attributes the space declares but ``attributes`` leaves out are drawn at random from
    ``seed``; values given as text (``"0.3"``) are read as the space's attribute expects. A
    one-off run is not coverage of the map and not background for hunts: it was chosen, not
    sampled. It can be shown and hunted like any run.

    Args:
        store: where the run is stored.
        sut: the system under test (a ``--sut`` string, an adapter or a function).
        attributes: the scenario's attributes.
        seed: the simulation's seed.
        map: a coverage map (its dimensions join the space; default the SUT's own map).
        space: the attributes the SUT accepts (default the SUT's own, else the map's).
        agent: the built-in world's agent (default ``scripted``).
        judge: ``anthropic:MODEL`` for an LLM judge.
        timeout: seconds before the simulation is recorded as a timeout error (60).
        options: every recorded SUT option at once, as for :func:`campaign`.

    Returns:
        The stored run (a SUT error is stored and returned as such, never raised).

    Raises:
        InvalidConfig: an unknown or illegal attribute, or no space to check it against.
    """
    from hunter.coverage import builtin_map_path, load_map
    from hunter.flow.campaign import campaign_space
    from hunter.records import HuntSetup, check_seed

    seed = check_seed(seed)
    adapter = sut_adapter(sut, _options(options, agent, judge, timeout))
    map_path = None
    if map is None and adapter.spec in DEFAULT_MAPS:
        map = builtin_map_path(DEFAULT_MAPS[adapter.spec])
    cmap = None if map is None else load_map(map)
    if map is not None:
        map_path = str(Path(map).resolve())
    declared = _space(space) if space is not None else adapter.space()
    if cmap is not None:
        full = campaign_space(cmap, declared, adapter)
    elif declared is not None:
        full = declared
    else:
        raise InvalidConfig(
            f"SUT {str(adapter.spec)!r} declares no space: give a space or a map to check the"
            " attributes against"
        )
    setup = HuntSetup(adapter.spec, adapter.options, cmap, map_path, full)
    return _one_off(store, adapter, setup, attributes, seed)


def rerun(
    store: Store,
    run_id: str,
    attributes: Mapping[str, Any],
    *,
    seed: int = 0,
    sut: Sut | Callable[..., Any] | None = None,
) -> Run:
    """Simulate one scenario as the stored run ``run_id`` was simulated, and store it as
    :func:`run` does.

    Everything but the scenario comes from that run's setup: the SUT and its options (an
    Inspect task's model, fixed arguments, model roles, failure rule and sample), the map and
    the space. A report's "simulate it again" command uses it, since a ``--sut`` string alone
    cannot carry all that. ``sut`` hands in a Python function again (its runs record only its
    name), or another system to simulate with the run's map and space.

    Raises:
        UnknownId: no such run. InvalidConfig: an unknown or illegal attribute.
    """
    from hunter.flow.setup import resolve_setup
    from hunter.records import check_seed

    seed = check_seed(seed)
    setup = resolve_setup(store, store.run(run_id))
    adapter = sut_adapter(sut if sut is not None else setup.sut, setup.options)
    setup = replace(setup, sut=adapter.spec, options=adapter.options)
    return _one_off(store, adapter, setup, attributes, seed)


def _one_off(
    store: Store, adapter: Sut, setup: HuntSetup, attributes: Mapping[str, Any], seed: int
) -> Run:
    """One scenario (attributes left out drawn from ``seed``) simulated and stored in a
    one-run campaign of kind ``run``."""
    import numpy as np

    from hunter.domain import Scenario
    from hunter.executor import simulate_one

    full = setup.space
    typed = {name: _coerce(full, name, value) for name, value in attributes.items()}
    scenario_attributes = full.validate(
        full.complete(typed, np.random.default_rng(seed)), "attributes"
    )
    record = store.add_campaign(setup, kind=ONE_OFF_KIND, seed=seed, n=1)
    # As a campaign's: an Inspect task's eval goes under the store, tagged and linked to its run.
    adapter.bind_campaign(record.campaign_id, store.folder)
    try:
        outcome = simulate_one(adapter, Scenario.of(scenario_attributes, seed))
        stored = store.add_run(outcome, sut=adapter.spec, campaign_id=record.campaign_id)
        adapter.stored(stored)
    finally:
        adapter.close()
    return stored


def report(store: Store, hunt_id: str, format: Literal["md", "html", "json"] = "md") -> str:
    """The region report of a finished hunt, as Markdown, HTML or JSON text.

    Raises:
        UnknownId: no such hunt. InvalidConfig: the hunt has not finished.
    """
    from hunter.flow.gather import build_report

    return build_report(store, hunt_id, format)


def common_errors(runs: Iterable[Run], top: int = 3) -> list[tuple[str, int]]:
    """The ``top`` most frequent SUT error messages among ``runs``, with their counts.

    Messages that differ only in their numbers (a run ID, a line number) are still different
    messages: the count answers "is it always the same error", which is what a user asks.
    """
    counts = Counter(r.error for r in runs if r.error is not None)
    return [(message, count) for message, count in counts.most_common(top)]


HUNT_COLUMNS = (
    "hunt_id",
    "run_id",
    "status",
    "verdict",
    "simulations",
    "budget",
    "errors",
    "stop_reason",
    "provisional",
    "regions",
    "seed",
    "sut",
    "created",
    "live",
)
"""The fields of :func:`hunt_rows`, in order."""


def hunt_rows(store: Store) -> list[dict[str, Any]]:
    """Every stored hunt as a plain row (``hunter hunts --json``, :func:`hunter.frames.hunts`).

    ``verdict``, ``simulations``, ``errors``, ``stop_reason``, ``provisional`` and
    ``regions`` (how many) are None for a hunt that has not finished; ``live`` says whether a
    process is running it now (a ``running`` hunt that is not live was stopped and waits to be
    resumed).
    """
    rows = []
    live = store.live_hunts()
    for record in store.hunts():
        result = record.result
        rows.append(
            {
                "hunt_id": record.hunt_id,
                "run_id": record.run_id,
                "status": record.status,
                "verdict": result.verdict if result else None,
                "simulations": result.simulations if result else None,
                "budget": record.budget,
                "errors": result.errors if result else None,
                "stop_reason": result.stop_reason.value if result else None,
                "provisional": result.provisional if result else None,
                "regions": len(result.analysis.regions) if result else None,
                "seed": record.seed,
                "sut": record.setup.sut,
                "created": record.created,
                "live": record.hunt_id in live,
            }
        )
    return rows


def _options(
    options: SutOptions | None, agent: str | None, judge: str | None, timeout: float | None
) -> SutOptions:
    """``options`` (default: the defaults) with the fields given, the agent validated."""
    from hunter.records import SutOptions
    from hunter.sut.builtin import agent_spec

    base = options or SutOptions()
    return replace(
        base,
        agent=agent_spec(base.agent if agent is None else agent),
        judge=base.judge if judge is None else judge,
        timeout=base.timeout if timeout is None else timeout,
    )


def _space(space: str | Path | Space) -> Space:
    from hunter.coverage import Space, load_space

    return space if isinstance(space, Space) else load_space(space)


def _coerce(space: Space, name: str, value: Any) -> Value:
    """``value`` as attribute ``name`` expects it: text from the command line (``"0.3"``,
    ``"profit"``) becomes the declared value it names; anything else is passed through.

    Raises:
        InvalidConfig: for an unknown attribute or text that names no legal value.
    """
    spec = space.get(name)
    if spec is None:
        raise InvalidConfig(f"attributes: unknown attribute {name!r}")
    if not isinstance(value, str):
        return value  # type: ignore[no-any-return]
    if spec.values is not None:
        for legal in spec.values:
            if legal == value or str(legal) == value:
                return legal
        for legal in spec.values:  # true / True for a boolean value
            if isinstance(legal, bool) and value.lower() == str(legal).lower():
                return legal
        allowed = ", ".join(str(v) for v in spec.values)
        raise InvalidConfig(f"attributes: {name}={value!r} is not one of {allowed}")
    try:
        number = float(value)
    except ValueError:
        raise InvalidConfig(f"attributes: {name}={value!r} is not a number") from None
    return int(number) if spec.integer and number.is_integer() else number
