"""Rechecking a hunt's regions after a fix: simulate inside and just beyond each, then judge.

"Fix the region, not the sample": a fixer changes the agent (a training run, a new prompt, a
scripted agent's profile with one misbehaviour removed) and asks whether each region the hunt
bounded is gone. For each region the recheck draws half its share of the budget inside the box,
every attribute the box does not name at random, and the other half just beyond each side of
it (the "super-box": one constraint broken at a time, within ``EDGE_BAND`` of the range past a
numeric edge, or on one value a categorical side excludes), simulates them with the SUT and
agent given (the hunt's own by default), and hands the counts to ``analysis.recheck`` for the
verdict. Runs are stored as a campaign of kind ``recheck`` (so ``hunter show`` and ``hunter
hunt`` work on them), verdicts in the store's ``rechecks`` table.

Deterministic: region ``i`` of hunt ``h`` is sampled from a generator seeded with ``(seed,
crc32(h), i)``, whatever the number of workers.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from hunter.analysis.recheck import (
    Piece,
    RegionRecheck,
    breaks,
    count_cells,
    judge_region,
    sides,
)
from hunter.coverage import Space
from hunter.domain import Run, Scenario
from hunter.errors import InvalidConfig, SutError
from hunter.executor import Executor
from hunter.flow.sampling import draw_in, spread
from hunter.perturbers.base import new_seed
from hunter.records import HuntRecord, HuntSetup
from hunter.regions import EDGE_BAND, Rate, Region
from hunter.store import Store
from hunter.sut import Sut, make_sut

DEFAULT_BUDGET = 300
"""Simulations per hunt, shared evenly by its regions."""
INSIDE_SHARE = 0.5
"""Share of a region's simulations drawn inside it; the rest go to its sides, evenly."""


@dataclass(frozen=True, slots=True)
class HuntRecheck:
    """The recheck of one hunt: where its runs are, and one verdict per region."""

    hunt_id: str
    run_id: str
    sut: str
    agent: str | None  # the built-in world's agent (None for other SUTs)
    seed: int
    budget: int
    simulations: int
    errors: int
    rechecks: tuple[RegionRecheck, ...]
    recheck_id: str | None = None
    campaign_id: str | None = None
    note: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "hunt_id": self.hunt_id,
            "run_id": self.run_id,
            "recheck_id": self.recheck_id,
            "campaign_id": self.campaign_id,
            "sut": self.sut,
            "agent": self.agent,
            "seed": self.seed,
            "budget": self.budget,
            "simulations": self.simulations,
            "errors": self.errors,
            "rechecks": [r.to_json() for r in self.rechecks],
            **({"note": self.note} if self.note else {}),
        }


@dataclass(frozen=True, slots=True)
class _Planned:
    region: int
    piece: int  # 0 the inside, 1.. the sides in order
    scenario: Scenario


def finished_hunt(store: Store, hunt_id: str) -> HuntRecord:
    """The stored hunt, which must have finished.

    Raises:
        UnknownId: no such hunt. InvalidConfig: it has not finished.
    """
    record = store.hunt(hunt_id)
    if not record.done:
        raise InvalidConfig(
            f"hunt {hunt_id} has not finished; finish it first with hunter hunt --resume {hunt_id}"
        )
    return record


def recheck_setup(
    record: HuntRecord, *, sut: str | None = None, agent: str | None = None
) -> HuntSetup:
    """The hunt's setup with the user's ``--sut`` and ``--agent``.

    Raises:
        InvalidConfig: ``--agent`` for a SUT other than the built-in world, or a bad agent.
    """
    setup = record.setup
    if sut is not None:
        setup = replace(setup, sut=sut)
    if agent is not None:
        if not setup.sut.startswith("builtin:"):
            raise InvalidConfig(
                f"--agent applies to builtin: SUTs only; hunt {record.hunt_id} uses {setup.sut!r}"
            )
        from hunter.sut.builtin import agent_spec

        setup = replace(setup, options=replace(setup.options, agent=agent_spec(agent)))
    return setup


def plan_region(
    region: Region, space: Space, n: int, rng: np.random.Generator
) -> tuple[tuple[Piece, ...], list[tuple[int, Scenario]]]:
    """The pieces of a region's recheck (the inside first, then its sides) and ``n`` scenarios,
    each with the index of its piece. A side no legal point lies on gets none."""
    inside = Piece("inside", region.constraints)
    side_pieces = sides(region.constraints, space, EDGE_BAND)
    n_inside = min(n, max(1, round(n * INSIDE_SHARE))) if side_pieces else n
    counts = [n_inside, *spread(n - n_inside, len(side_pieces))]
    pieces = (inside, *side_pieces)
    planned: list[tuple[int, Scenario]] = []
    for index, (piece, count) in enumerate(zip(pieces, counts, strict=True)):
        accept = None
        if piece.kind == "side":
            accept = _breaking(piece, region)
        for _ in range(count):
            point = draw_in(space, piece.box, rng, accept=accept)
            if point is None:
                break
            planned.append((index, Scenario.of(point, new_seed(rng))))
    return pieces, planned


def _breaking(side: Piece, region: Region) -> Callable[[Any], bool]:
    return lambda attributes: breaks(side, region.constraints, attributes)


def recheck_hunt(
    store: Store,
    hunt_id: str,
    *,
    sut: str | Sut | None = None,
    agent: str | None = None,
    budget: int = DEFAULT_BUDGET,
    seed: int = 0,
    workers: int = 1,
    cluster: str | None = None,
    on_run: Callable[[Run], None] | None = None,
) -> HuntRecheck:
    """Recheck every region of a finished hunt and store the runs and the verdicts.

    ``sut`` is the fixed system: a ``--sut`` string, or an adapter (a fixed Python function,
    which a string cannot name); default the hunt's own.

    Raises:
        UnknownId: no such hunt. InvalidConfig: unfinished hunt, bad ``--sut``/``--agent`` or
        budget. SutError: every simulation was a SUT error (the runs stay stored).
    """
    if budget < 1:
        raise InvalidConfig(f"--budget must be at least 1, got {budget}")
    record = finished_hunt(store, hunt_id)
    assert record.result is not None
    given = sut if isinstance(sut, Sut) else None
    setup = recheck_setup(record, sut=sut if isinstance(sut, str) else None, agent=agent)
    regions = record.result.analysis.regions
    if not regions:
        return HuntRecheck(
            hunt_id,
            record.run_id,
            setup.sut,
            _agent(setup),
            seed,
            budget,
            0,
            0,
            (),
            note=f"no region to recheck (the hunt's verdict: {record.result.verdict})",
        )
    space = setup.space
    plans: list[tuple[Region, tuple[Piece, ...]]] = []
    planned: list[_Planned] = []
    for i, (region, n) in enumerate(zip(regions, spread(budget, len(regions)), strict=True)):
        rng = np.random.default_rng([seed, zlib.crc32(hunt_id.encode()), i])
        pieces, scenarios = plan_region(region, space, n, rng)
        plans.append((region, pieces))
        planned.extend(_Planned(i, k, s) for k, s in scenarios)

    adapter = given if given is not None else make_sut(setup.sut, setup.options)
    setup = replace(setup, sut=adapter.spec, options=adapter.options)  # as the SUT records it
    campaign = store.add_campaign(setup, kind="recheck", seed=seed, n=len(planned))
    adapter.bind_campaign(campaign.campaign_id, store.folder, rechecked_hunt=hunt_id)
    executor = Executor(adapter, workers=workers, cluster=cluster)
    runs: list[Run] = []
    try:
        for plan, outcome in zip(planned, executor.map([p.scenario for p in planned]), strict=True):
            region, pieces = plans[plan.region]
            piece = pieces[plan.piece]
            tag = "inside" if piece.kind == "inside" else f"side {piece.label}"
            run = store.add_run(
                outcome,
                sut=setup.sut,
                campaign_id=campaign.campaign_id,
                parent_run_id=record.run_id,
                strategy=f"recheck {region.id} {tag}",
            )
            adapter.stored(run)
            runs.append(run)
            if on_run is not None:
                on_run(run)
    finally:
        executor.close()
        adapter.close()
    if runs and all(r.error is not None for r in runs):
        raise SutError(
            f"every simulation of the recheck ({len(runs)}) was a SUT error, e.g.: {runs[0].error}"
        )

    background = record.result.analysis.background
    verdicts = []
    for i, (region, pieces) in enumerate(plans):
        mine = [(p, r) for p, r in zip(planned, runs, strict=True) if p.region == i]
        verdicts.append(_judge(region, pieces, mine, space, background))
    result = HuntRecheck(
        hunt_id=hunt_id,
        run_id=record.run_id,
        sut=setup.sut,
        agent=_agent(setup),
        seed=seed,
        budget=budget,
        simulations=len(runs),
        errors=sum(r.error is not None for r in runs),
        rechecks=tuple(verdicts),
        campaign_id=campaign.campaign_id,
    )
    recheck_id = store.add_recheck(hunt_id, campaign.campaign_id, result.to_json())
    return replace(result, recheck_id=recheck_id)


def _agent(setup: HuntSetup) -> str | None:
    return setup.options.agent if setup.sut.startswith("builtin:") else None


def _judge(
    region: Region,
    pieces: Sequence[Piece],
    runs: Sequence[tuple[_Planned, Run]],
    space: Space,
    hunt_background: Rate,
) -> RegionRecheck:
    checks = frozenset(region.checks)
    valid = [(p.piece, r) for p, r in runs if r.error is None]
    counted = []
    for index, piece in enumerate(pieces):
        outcomes = [r.fails_like(checks) for k, r in valid if k == index]
        counted.append(piece.counted(sum(outcomes), len(outcomes)))
    inside_runs = [(r.attributes(), r.fails_like(checks)) for k, r in valid if k == 0]
    # The region's own rate outside its box in the hunt is the background of its failure mode;
    # results stored before outside counts were kept fall back to the hunt's background.
    background = region.outside if region.outside.runs > 0 else hunt_background
    return judge_region(
        region.id,
        region.constraints,
        region.checks,
        region.inside,
        background,
        (counted[0].failures, counted[0].runs),
        counted[1:],
        count_cells(region.constraints, space, inside_runs),
    )


def rechecked_hunts(store: Store) -> list[str]:
    """Every finished hunt of the store that found at least one region, oldest first."""
    return [
        h.hunt_id
        for h in store.hunts()
        if h.done and h.result is not None and h.result.analysis.regions
    ]


def recheck_all(
    store: Store,
    *,
    sut: str | None = None,
    agent: str | None = None,
    budget: int = DEFAULT_BUDGET,
    seed: int = 0,
    workers: int = 1,
    cluster: str | None = None,
    on_run: Callable[[Run], None] | None = None,
) -> list[HuntRecheck]:
    """Recheck every region of every finished hunt: a regression suite of everything found.

    ``budget`` is per hunt. A bad ``--agent`` is reported before anything is simulated.
    """
    hunt_ids = rechecked_hunts(store)
    if agent is not None:
        from hunter.sut.builtin import agent_spec

        agent = agent_spec(agent)
        for hunt_id in hunt_ids:  # every hunt must accept it before the first simulation
            recheck_setup(store.hunt(hunt_id), sut=sut, agent=agent)
    return [
        recheck_hunt(
            store,
            hunt_id,
            sut=sut,
            agent=agent,
            budget=budget,
            seed=seed,
            workers=workers,
            cluster=cluster,
            on_run=on_run,
        )
        for hunt_id in hunt_ids
    ]


def summary(rechecks: Sequence[HuntRecheck]) -> dict[str, int]:
    """How many regions got each verdict."""
    out = {"fixed": 0, "partly fixed": 0, "still failing": 0, "inconclusive": 0}
    for hunt in rechecks:
        for region in hunt.rechecks:
            out[region.verdict] += 1
    return out
