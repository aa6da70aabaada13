"""The exception tree of hunter.

Every error a user can cause (a bad file, an unknown ID, a bad option) is a :class:`HunterError`.
The CLI catches it once, prints ``hunter: error: <message>`` on one line and exits 2. Anything
else that escapes is a bug in hunter and exits 1. Messages name the offending value, so the one
line is enough to fix the input.
"""

from __future__ import annotations


class HunterError(Exception):
    """Root of every error caused by input rather than by a bug in hunter."""

    exit_code = 2


class InvalidConfig(HunterError, ValueError):
    """A map, space, profile or option that does not validate."""


class StoreError(HunterError):
    """The run store cannot be opened, or an ID is not in it."""


class UnknownId(StoreError, KeyError):
    """A run, hunt, campaign or proposal ID that the store does not hold."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else "unknown id"


class UnknownPerturber(InvalidConfig):
    """A perturber name that is not registered."""


class SutError(HunterError):
    """A system under test failed to produce a trajectory.

    This is never a failure of the agent: the executor records it as the run's ``error``.
    """


class MalformedTrajectory(SutError):
    """The SUT returned something that is not a trajectory."""


class SutTimeout(SutError):
    """The SUT did not answer within its time limit."""


class SutTransient(SutError):
    """A SUT failure worth trying again (model overload, rate limit, a flaky service).

    A Python SUT marks one by raising this (or any exception with ``transient = True``); a
    ``cmd:`` SUT by exiting with status 75 (``EX_TEMPFAIL``). Timeouts count as transient too.
    With ``--retries N`` the executor tries such a simulation up to N more times.
    """
