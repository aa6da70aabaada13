"""The SUT adapter interface.

An adapter turns ``(attributes, seed)`` into a :class:`~hunter.domain.Trajectory`. It may raise
:class:`~hunter.errors.SutError` (or any exception): the executor records that as the run's
``error``, never as a failure of the agent. Adapters must be picklable, because process and
Dask workers rebuild them from their ``spec`` and ``options``.
"""

from __future__ import annotations

import abc
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from hunter.domain import AttributeDict, Outcome, Run, Scenario, Trajectory
from hunter.records import SutOptions

if TYPE_CHECKING:
    from hunter.coverage import Space


class Sut(abc.ABC):
    """A system under test.

    Attributes:
        spec: the ``--sut`` string that re-creates this adapter (stored with every run).
        options: the recorded options it was built with.
    """

    io_bound: bool = False
    """True for SUTs that mostly wait (model APIs, subprocesses): the executor uses threads."""

    supports_batches: bool = False
    """True for SUTs that schedule a whole batch themselves (:meth:`run_batch`): the executor
    then hands them each batch instead of running scenarios on its own workers."""

    def __init__(self, spec: str, options: SutOptions) -> None:
        self.spec = spec
        self.options = options

    @abc.abstractmethod
    def run(self, attributes: AttributeDict, seed: int) -> Trajectory:
        """Simulate one scenario. Raise ``SutError`` (or anything) when no trajectory results."""

    def run_batch(self, scenarios: Sequence[Scenario], workers: int) -> list[Outcome]:
        """Simulate a batch, ``workers`` at a time, outcomes in order (``supports_batches``).

        A scenario that cannot run is an outcome with an ``error``, never an exception.
        """
        raise NotImplementedError

    def bind_hunt(self, hunt_id: str, parent_run_id: str, folder: Path | None) -> None:  # noqa: B027
        """Called once before a hunt simulates: its ID, the run it hunts, the store's folder
        (None for an in-memory store). SUTs that write files of their own put them there."""

    def stored(self, run: Run) -> None:  # noqa: B027 - a hook that does nothing by default
        """Called after the store kept a simulation of a hunt, with its run ID."""

    def space(self) -> Space | None:
        """The space this SUT declares, if it declares one (the built-in world does)."""
        return None

    def close(self) -> None:  # noqa: B027 - a hook that does nothing by default
        """Release resources (servers, clients) once the hunt or campaign is over."""
