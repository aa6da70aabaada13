"""Fluke or bug: exact binomial rates and a sequential test on the origin's replays.

The test is Wald's sequential probability ratio test (SPRT) between two simple hypotheses:
"the origin fails at background level p0" (a fluke) and "it fails at p1" (a reproducible bug),
with error rates alpha = beta = 0.05. It calls a fluke after a handful of clean replays and a bug
after a couple of failures, and it never calls a fluke merely because replays ran out: an
undecided test stays ``continue`` (and the hunt's verdict ``inconclusive``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Literal

from scipy.stats import beta, binomtest

from hunter.analysis.result import Rate
from hunter.domain import Run

FLUKE_P0_CAP = 0.15
"""A fluke means the origin fails no more than its surroundings do, but never above this."""
BUG_MARGIN = 0.2
"""The bug hypothesis: the origin fails at least this much more often than background."""


def rate(failures: int, runs: int) -> Rate:
    """A failure rate with its exact Clopper-Pearson 95% interval (``[0, 1]`` when empty)."""
    if runs == 0:
        return Rate(0, 0, 0.0, (0.0, 1.0))
    ci = binomtest(failures, runs).proportion_ci(confidence_level=0.95, method="exact")
    return Rate(runs, failures, failures / runs, (float(ci.low), float(ci.high)))


def upper_bound(failures: int, runs: int, confidence: float = 0.95) -> float:
    """One-sided exact upper bound on the failure rate ("fails in at most X%")."""
    if runs == 0:
        return 1.0
    if failures >= runs:
        return 1.0
    return float(beta.ppf(confidence, failures + 1, runs - failures))


def hypotheses(background: Rate | float) -> tuple[float, float]:
    """The SPRT's (p0, p1) for a given background rate."""
    level = background.rate if isinstance(background, Rate) else background
    p0 = min(max(level, 0.01), FLUKE_P0_CAP)
    return p0, max(0.3, p0 + BUG_MARGIN)


def passes_to_call_fluke(p0: float, p1: float, alpha: float = 0.05, beta_: float = 0.05) -> int:
    """How many clean replays in a row the SPRT needs before it calls a fluke."""
    return math.ceil(math.log(beta_ / (1 - alpha)) / math.log((1 - p1) / (1 - p0)))


def sprt(
    failures: int, runs: int, p0: float, p1: float, alpha: float = 0.05, beta_: float = 0.05
) -> Literal["bug", "fluke", "continue"]:
    """Wald's SPRT on ``failures`` of ``runs`` Bernoulli trials."""
    llr = failures * math.log(p1 / p0) + (runs - failures) * math.log((1 - p1) / (1 - p0))
    if llr >= math.log((1 - beta_) / alpha):
        return "bug"
    if llr <= math.log(beta_ / (1 - alpha)):
        return "fluke"
    return "continue"


def replay_counts(replays: Sequence[Run], checks: Sequence[str] | None = None) -> tuple[int, int]:
    """(failures, valid runs) of replays; with ``checks``, only failures of those checks count."""
    valid = [r for r in replays if r.error is None]
    if checks:
        wanted = set(checks)
        return sum(bool(wanted & set(r.failed_checks)) for r in valid), len(valid)
    return sum(r.failed for r in valid), len(valid)


def replay_decision(
    replays: Sequence[Run], background: Rate, *, alpha: float = 0.05
) -> Literal["bug", "fluke", "continue"]:
    """The sequential decision after the replays so far (errors are ignored)."""
    failures, runs = replay_counts(replays)
    p0, p1 = hypotheses(background)
    return sprt(failures, runs, p0, p1, alpha, alpha)
