"""What a hunt simulates and judges against, and what makes two hunts the same hunt.

The setup (SUT, options, map, space) is recorded with the campaign or hunt that made a run;
a hunt of that run re-creates it, with the user's overrides. The fingerprint of run, settings
and setup is how a hunt is found again to resume, continue or return its stored result.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace

from hunter.coverage import CoverageMap, Space, load_map, load_space
from hunter.domain import Run
from hunter.errors import InvalidConfig
from hunter.flow.campaign import check_same_dimension
from hunter.records import HuntSettings, HuntSetup
from hunter.store import Store


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
    agent: str | None = None,
) -> HuntSetup:
    """The recorded setup with the user's ``--sut``, ``--map``, ``--space``, ``--model`` and
    ``--agent`` (validated as the built-in world's agent); for an ``inspect:`` SUT, the
    origin's sample when its dataset had several (the campaign of an import records one
    setup for all its samples, so the sample comes from the run).

    Raises:
        InvalidConfig: a map, space or agent that cannot be used.
    """
    setup = recorded_setup(store, origin)
    if sut is not None:
        setup = replace(setup, sut=sut)
    if model is not None:
        setup = replace(setup, options=replace(setup.options, model=model))
    if agent is not None:
        from hunter.sut.builtin import agent_spec

        setup = replace(setup, options=replace(setup.options, agent=agent_spec(agent)))
    if map_path is not None:
        cmap = load_map(map_path)
        _check_map_fits(cmap, setup.space, map_path)
        setup = replace(setup, coverage_map=cmap, map_path=str(map_path))
    if space_path is not None:
        setup = replace(setup, space=load_space(space_path))
    if setup.coverage_map is not None:
        setup = replace(setup, space=setup.space.merged_with(setup.coverage_map.dimensions))
    if setup.sut.startswith("inspect:"):  # the import's setup is shared by all its samples
        from hunter.sut.inspect import pin_origin_sample

        setup = pin_origin_sample(setup, origin)
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
        **({"triage": settings.triage} if settings.triage else {}),  # keeps older hunts' keys
    }
    return hashlib.sha256(json.dumps(key, sort_keys=True).encode()).hexdigest()[:24]


def _check_map_fits(cmap: CoverageMap, space: Space, map_path: str) -> None:
    """A map given to a hunt must mean by each dimension what the run's space means by it
    (as a campaign requires).

    Raises:
        InvalidConfig: naming the first dimension that differs.
    """
    for dim in cmap.dimensions:
        spec = space.get(dim.name)
        if spec is not None:
            try:
                check_same_dimension(dim, spec)
            except InvalidConfig as exc:
                raise InvalidConfig(f"--map {map_path}: {exc}") from None
