"""The SUT adapter interface.

An adapter turns ``(attributes, seed)`` into a :class:`~hunter.domain.Trajectory`. It may raise
:class:`~hunter.errors.SutError` (or any exception): the executor records that as the run's
``error``, never as a failure of the agent. Adapters must be picklable, because process and
Dask workers rebuild them from their ``spec`` and ``options``.
"""

from __future__ import annotations

import abc
from typing import TYPE_CHECKING

from hunter.domain import AttributeDict, Trajectory
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

    def __init__(self, spec: str, options: SutOptions) -> None:
        self.spec = spec
        self.options = options

    @abc.abstractmethod
    def run(self, attributes: AttributeDict, seed: int) -> Trajectory:
        """Simulate one scenario. Raise ``SutError`` (or anything) when no trajectory results."""

    def space(self) -> Space | None:
        """The space this SUT declares, if it declares one (the built-in world does)."""
        return None

    def close(self) -> None:  # noqa: B027 - a hook that does nothing by default
        """Release resources (servers, clients) once the hunt or campaign is over."""
