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

TRANSIENT_STATUS = frozenset({408, 429, 500, 502, 503, 504, 529})
"""HTTP statuses of model APIs that mean "try again later" (529: overloaded)."""


def is_transient(exc: BaseException) -> bool:
    """Whether an exception from a SUT is worth retrying: marked so by the SUT
    (``SutTransient`` or ``transient = True``), a timeout, or a model API's overload, rate
    limit or server error (recognised by status code or name, without importing any SDK)."""
    from hunter.errors import SutTransient

    if isinstance(exc, SutTransient) or getattr(exc, "transient", False) is True:
        return True
    if isinstance(exc, TimeoutError):
        return True
    status = getattr(exc, "status_code", None)
    if isinstance(status, int) and status in TRANSIENT_STATUS:
        return True
    name = type(exc).__name__
    return any(word in name for word in ("Overloaded", "RateLimit", "Timeout", "Connection"))


def check_size(trajectory: Trajectory, options: SutOptions) -> Trajectory:
    """The trajectory, unless its JSON is larger than ``options.max_trajectory_mb``.

    Raises:
        SutError: naming the size and the limit.
    """
    import json

    from hunter.errors import SutError

    limit = options.max_trajectory_mb
    size = len(json.dumps(trajectory.to_json(), default=str))
    if size > limit * 2**20:
        raise SutError(
            f"SUT trajectory is {size / 2**20:.1f} MB, over the {limit:g} MB limit"
            " (--max-trajectory-mb); not stored"
        )
    return trajectory


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

    def bind_campaign(  # noqa: B027
        self, campaign_id: str, folder: Path | None, rechecked_hunt: str | None = None
    ) -> None:
        """Called once before a campaign simulates (a recheck's runs are a campaign too, of the
        hunt ``rechecked_hunt``): as :meth:`bind_hunt`."""

    def stored(self, run: Run) -> None:  # noqa: B027 - a hook that does nothing by default
        """Called after the store kept a simulation of a hunt or campaign, with its run ID."""

    @property
    def isolated(self) -> bool:
        """Whether the executor should run this SUT in worker processes of its own
        (:mod:`hunter.sut.isolation`); adapters running untrusted in-process code say yes."""
        return False

    def space(self) -> Space | None:
        """The space this SUT declares, if it declares one (the built-in world does)."""
        return None

    def accepts(self, attribute: str) -> bool:
        """Whether the SUT takes ``attribute`` at all (a map dimension it does not take would
        make every run an error); True when it cannot tell, as a plain function."""
        return True

    def close(self) -> None:  # noqa: B027 - a hook that does nothing by default
        """Release resources (servers, clients) once the hunt or campaign is over."""
