"""Options that bound one simulation (time, memory, trajectory size, retries), shared by
``campaign`` and ``hunt``, and the values several commands take (seeds, counts, workers, a
cluster); each checked at the edge so a bad value is one line and exit 2."""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from dataclasses import replace
from typing import Any, TypeVar, cast

import click

from hunter.records import LIMIT_RANGES, SEED_MAX, SutOptions

F = TypeVar("F", bound=Callable[..., Any])


class PositiveSeconds(click.FloatRange):
    """A finite number of seconds above zero (``FloatRange`` alone lets ``nan`` through)."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        number = super().convert(value, param, ctx)
        if not math.isfinite(number):
            self.fail(f"{value!r} is not a finite number.", param, ctx)
        return number


def _positive(name: str) -> PositiveSeconds:
    low, high = LIMIT_RANGES[name]
    return PositiveSeconds(min=low, min_open=True, max=high)


def _int_range(name: str) -> click.IntRange:
    low, high = LIMIT_RANGES[name]
    return click.IntRange(min=int(low), max=int(high))


def limit_options(*, timeout_default: float | None) -> Callable[[F], F]:
    """``--timeout``, ``--retries``, ``--memory-limit``, ``--max-trajectory-mb`` and
    ``--no-isolation``.

    ``timeout_default`` None leaves every option unset unless given (a hunt keeps what its run
    recorded); a number is the campaign's default. The command receives them gathered in one
    ``limits`` argument, the dict :func:`apply_limits` takes.
    """

    def decorate(func: F) -> F:
        @functools.wraps(func)
        def gathered(*args: Any, **kwargs: Any) -> Any:
            kwargs["limits"] = {name: kwargs.pop(name) for name in LIMIT_NAMES}
            return func(*args, **kwargs)

        options = [
            click.option(
                "--timeout",
                type=_positive("timeout"),
                default=timeout_default,
                show_default=timeout_default is not None,
                help="Seconds one simulation may take; then it is stopped and recorded as an"
                " error.",
            ),
            click.option(
                "--retries",
                type=_int_range("retries"),
                help="Times a simulation ending in a transient SUT error (timeout, model"
                " overload, cmd: exit 75) is tried again; attempts are recorded.  [default: 0]",
            ),
            click.option(
                "--memory-limit",
                "memory_mb",
                type=_int_range("memory_mb"),
                help="MB of memory one simulation of a Python SUT may use before its process is"
                " stopped and the run recorded as an error.  [default: 4096]",
            ),
            click.option(
                "--max-trajectory-mb",
                type=_positive("max_trajectory_mb"),
                help="Largest trajectory stored; a larger one is a SUT error.  [default: 10]",
            ),
            click.option(
                "--no-isolation",
                is_flag=True,
                default=None,
                help="Call Python SUTs inside hunter's own process (faster to start; a SUT that"
                " exits or crashes then ends the run).",
            ),
        ]
        for option in reversed(options):
            gathered = option(gathered)
        return cast(F, gathered)

    return decorate


LIMIT_NAMES = ("timeout", "retries", "memory_mb", "max_trajectory_mb", "no_isolation")
"""The parameter names of :func:`limit_options`, gathered into ``limits``."""


def limit_overrides(given: dict[str, Any]) -> dict[str, Any]:
    """The ``SutOptions`` fields the user set with :func:`limit_options` (None means not
    given), as ``hunter.api``'s ``limits`` take them."""
    changes: dict[str, Any] = {}
    for name in LIMIT_RANGES:
        if given.get(name) is not None:
            changes[name] = given[name]
    if given.get("no_isolation"):
        changes["isolate"] = False
    return changes


def apply_limits(options: SutOptions, given: dict[str, Any]) -> SutOptions:
    """``options`` with every limit the user gave (None means not given)."""
    changes = limit_overrides(given)
    return replace(options, **changes) if changes else options


SEED = click.IntRange(min=0, max=SEED_MAX)
"""A seed: a non-negative integer the store can hold (64-bit signed)."""
COUNT = click.IntRange(min=1, max=10**9)
"""A number of simulations (``--n``, ``--budget``): at least one, and not absurd."""
WORKERS = click.IntRange(min=1, max=1024)
"""Parallel workers: at least one, and not more than a machine could start."""


def cluster_option(func: F) -> F:
    """``--cluster ADDRESS``, its form checked as it is parsed (``notanaddress`` has no port),
    so a bad address is one line and exit 2 before a campaign, hunt or recheck stores anything.
    """

    def checked(_ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
        from hunter.executor import cluster_address

        return cluster_address(value)

    return click.option(
        "--cluster", callback=checked, help="Dask scheduler address to run simulations on."
    )(func)
