"""What the observations so far say about failure rates: shared by the adaptive strategies.

Every strategy that adapts (the neighbourhood radius, the active learner's level set, the
boundary's per-point decisions) needs the same two numbers: how often the origin fails and how
often scenarios well away from it fail. Both are recomputed from ``context.observations`` on
each call, which keeps the strategies stateless and a hunt resumable.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import numpy as np

from hunter.domain import Run
from hunter.perturbers.base import HuntContext
from hunter.perturbers.encoding import distance_from

FAR = 1.0
"""Scaled distance beyond which an observation counts as "away from the origin"."""

MIN_RATE = 0.02
"""Floor on rate estimates, so likelihood ratios stay finite when nothing failed yet."""

MAX_OUTSIDE = 0.15
"""Cap on the outside rate: "far" observations may still lie in a wide failing region, and an
outside rate near the inside one would make every point look undecided."""


@dataclass(frozen=True, slots=True)
class Rates:
    """Smoothed failure rates at the origin (``inside``) and away from it (``outside``)."""

    inside: float
    outside: float

    @property
    def level(self) -> float:
        """The failure rate halfway between the two: where a region's edge is drawn."""
        return (self.inside + self.outside) / 2

    def log_likelihood_ratio(self, failures: int, trials: int) -> float:
        """Evidence that a point behaves like the origin (> 0) rather than like the outside.

        The sum of per-run log-likelihood ratios of two Bernoulli rates: Wald's sequential
        probability ratio test statistic, so a caller can stop sampling a point as soon as the
        evidence passes a threshold instead of using a fixed number of replicates.
        """
        p, q = self.inside, self.outside
        return float(failures * np.log(p / q) + (trials - failures) * np.log((1 - p) / (1 - q)))


_last = threading.local()
"""Per thread, the last context :func:`origin_distances` measured and its distances."""


def origin_distances(context: HuntContext) -> list[tuple[float, bool]]:
    """(distance to the origin, failed) for every valid observation, in observation order.

    Every adaptive strategy asks for these, several times per batch, and a batch's context
    holds the previous batch's runs and more: the distances of runs already measured against
    the same origin and space are reused (runs are immutable, compared by identity), only new
    runs are measured.
    """
    valid = context.valid
    previous: tuple[HuntContext, tuple[Run, ...], list[tuple[float, bool]]] | None = getattr(
        _last, "entry", None
    )
    done: list[tuple[float, bool]] = []
    if previous is not None:
        before, runs, pairs = previous
        if (
            before.space is context.space
            and before.origin == context.origin
            and len(runs) <= len(valid)
            and all(x is y for x, y in zip(runs, valid, strict=False))
        ):
            done = pairs
    if len(done) < len(valid):
        measure = distance_from(context.space, context.origin.attributes())
        done = done + [(measure(r.attributes()), r.failed) for r in valid[len(done) :]]
    _last.entry = (context, valid, done)
    return list(done)


def rates(context: HuntContext, pairs: list[tuple[float, bool]] | None = None) -> Rates:
    """Smoothed inside and outside failure rates.

    The origin's own (failed) run counts as one observation at distance 0. Rates are
    Laplace-smoothed and kept apart (``outside <= inside / 3``), because a level set between two
    equal rates is meaningless; before any evidence the defaults are 0.5 and 0.05.
    """
    pairs = origin_distances(context) if pairs is None else pairs
    at_origin = [f for d, f in pairs if d == 0.0]
    inside = (sum(at_origin) + 1 + 0.5) / (len(at_origin) + 1 + 1)
    far = [f for d, f in pairs if d >= FAR]
    outside = (sum(far) + 0.1) / (len(far) + 2) if far else 0.05
    inside = float(np.clip(inside, 2 * MIN_RATE, 1 - MIN_RATE))
    outside = float(np.clip(outside, MIN_RATE, min(inside / 3, MAX_OUTSIDE)))
    return Rates(inside=inside, outside=outside)
