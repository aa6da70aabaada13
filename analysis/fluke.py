"""Fluke or bug: the origin's replays, counted by the one rule every part of a hunt uses.

A replay counts as failing when it fails *like the origin* (one of the origin's checks), so the
allocator deciding to stop replaying, the hunt loop stopping on a fluke and the final verdict
never disagree about the same replays. The test is Wald's SPRT (``analysis.stats``) between
"the origin fails at background level" and "it fails well above it".
"""

from __future__ import annotations

from collections.abc import Iterable

from hunter.analysis.stats import hypotheses, sprt
from hunter.domain import Run
from hunter.regions import Rate, ReplayTally


def tally_replays(
    replays: Iterable[Run], origin_checks: frozenset[str], background: Rate, alpha: float = 0.05
) -> ReplayTally:
    """Valid replays, those failing like the origin, and the sequential test's decision."""
    valid = [r for r in replays if r.error is None]
    failures = sum(r.fails_like(origin_checks) for r in valid)
    p0, p1 = hypotheses(background)
    return ReplayTally(len(valid), failures, sprt(failures, len(valid), p0, p1, alpha, alpha))
