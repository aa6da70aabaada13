"""Fluke or bug: the origin's replays, counted by the one rule every part of a hunt uses.

A replay counts as failing when it fails *like the origin* (one of the origin's checks), so the
allocator deciding to stop replaying, the hunt loop stopping on a fluke and the final verdict
never disagree about the same replays. The test is Wald's SPRT (``analysis.stats``) between
"the origin fails at background level" and "it fails well above it".

The background is the store's own (the campaign runs failing like the origin), so on a noisy
SUT (8% of every scenario failing) the fluke hypothesis is 8%, not a fixed guess. Wald's test
may stay undecided on such a background for a while; it is truncated at ``MAX_REPLAYS``
valid replays toward a fluke only: when by then the replays favour the background (the
log-likelihood ratio is not above 0) the origin is a fluke, otherwise it stays undecided. A bug
is never called on a truncated test: that would send the hunt after a region that is not there.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from hunter.analysis.stats import hypotheses, sprt
from hunter.domain import Run
from hunter.regions import Rate, ReplayTally

MAX_REPLAYS = 60
"""Replays after which an undecided test that favours the background calls a fluke (the
allocator's replay cap, ``hunter.perturbers.allocator.MAX_REPLAYS``, is the same number)."""


def tally_replays(
    replays: Iterable[Run], origin_checks: frozenset[str], background: Rate
) -> ReplayTally:
    """Valid replays, those failing like the origin, and the sequential test's decision (at
    the test's error rates, ``analysis.stats.BUG_ALPHA`` and ``FLUKE_BETA``)."""
    valid = [r for r in replays if r.error is None]
    failures = sum(r.fails_like(origin_checks) for r in valid)
    p0, p1 = hypotheses(background)
    decision = sprt(failures, len(valid), p0, p1)
    if decision == "continue" and len(valid) >= MAX_REPLAYS:
        passes = len(valid) - failures
        llr = failures * math.log(p1 / p0) + passes * math.log((1 - p1) / (1 - p0))
        if llr <= 0:
            decision = "fluke"
    return ReplayTally(len(valid), failures, decision)
