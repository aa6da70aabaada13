"""The perturber interface: given what a hunt has seen, propose the next scenarios to run.

Modelled on Optuna's samplers: one small abstract method plus hooks that do nothing by default.
Perturbers never run a SUT, never touch the store and never run the analysis: the hunt loop
(``hunter.flow.hunt``) hands them a :class:`HuntContext` holding the observations and what the
analysis of the last batch concluded, runs what they propose and calls them again.
"""

from __future__ import annotations

import abc
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

import numpy as np

from hunter.domain import Run, Scenario
from hunter.regions import NO_REPLAYS, Constraint, ReplayTally

if TYPE_CHECKING:
    from hunter.coverage import CoverageMap, Space


@dataclass(frozen=True, slots=True)
class HuntContext:
    """Everything a perturber may look at. Immutable: the hunt builds a new one per batch.

    Attributes:
        origin: the failing scenario the hunt started from.
        space: every attribute the SUT accepts (map dimensions and unmapped knobs).
        coverage_map: the map the origin was sampled from, if any.
        observations: every run of this hunt so far, in the order they were proposed; runs with
            an ``error`` are SUT errors and say nothing about the agent.
        budget: the hunt's total simulation budget (a hard cap).
        background: how often scenarios like the origin fail in the store's campaigns (the
            fluke hypothesis of the replay test), when known.
        origin_checks: the checks the origin failed: a run fails "like the origin" when it
            fails one of them (empty: any failure counts).
        replays: the origin's replays so far and the sequential test's decision on them, as the
            hunt loop's analysis of the last batch counts them.
        region: the box around the origin that the analysis would draw now (None while too
            few runs fail like the origin; empty when everything seen fails alike).
    """

    origin: Scenario
    space: Space
    coverage_map: CoverageMap | None
    observations: tuple[Run, ...]
    budget: int
    background: float | None = None
    origin_checks: frozenset[str] = frozenset()
    replays: ReplayTally = NO_REPLAYS
    region: tuple[Constraint, ...] | None = None

    @property
    def valid(self) -> tuple[Run, ...]:
        """Observations that produced a trajectory (errors left out)."""
        return tuple(r for r in self.observations if r.error is None)

    def by_strategy(self, name: str) -> tuple[Run, ...]:
        return tuple(r for r in self.observations if r.strategy == name)

    @property
    def remaining(self) -> int:
        return self.budget - len(self.observations)


@dataclass(frozen=True, slots=True)
class Proposal:
    """A scenario to run and the strategy that asked for it (recorded with the run)."""

    strategy: str
    scenario: Scenario


class Perturber(abc.ABC):
    """Base class of every search strategy.

    Subclasses set ``name`` (the key in the registry and in stored runs) and implement
    :meth:`propose`. Every source of randomness is the ``rng`` passed in: the same context and
    generator state must give the same proposals. Proposed scenarios must lie in
    ``context.space`` with sub-dimensions present exactly when their ``when`` holds
    (``Space.validate`` is the judge); ``tests/perturbers/test_contract.py`` checks both.
    """

    name: ClassVar[str]

    @abc.abstractmethod
    def propose(self, context: HuntContext, n: int, rng: np.random.Generator) -> Sequence[Scenario]:
        """Return at most ``n`` scenarios to run next (fewer, or none, when out of ideas)."""


def new_seed(rng: np.random.Generator) -> int:
    """A fresh SUT seed drawn from the hunt's generator."""
    return int(rng.integers(0, 2**31 - 1))
