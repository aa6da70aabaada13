"""Where a numeric edge of the region may still lie: the runs that would move it most.

A side drawn from noisy runs is uncertain: at a 40% failure rate inside, a handful of passing
runs just inside the true edge pull the drawn edge in, and a region a tenth of its attribute's
range wide is then bounded at half its width. Sampling a fixed band past the edge (the stop
rule's band, a quarter of the range) puts most runs where the answer is already clear.

This module gives the *zone* of plausible edge positions instead: along the side's attribute,
among the runs that satisfy every other side, each cut between two observed values is scored by
the likelihood of a step (one failure rate up to the cut, a lower one past it), and the zone
spans every cut within ``LIKELIHOOD_DROP`` of the best (a profile-likelihood interval for a
change point). Runs drawn in the zone are the ones expected to tell the most about the edge; as
they come in the zone shrinks to a bracket around it. The ``region`` strategy draws there, and
the stop rule waits until every zone is narrow: a side the runs just past it confirm can still
be drawn too tight (a band a quarter of the range wide passes on average when its inner part
fails like the inside and its outer part does not), and a wide zone says so. Written here
because the one computation needed (a one-sided Bernoulli change-point interval over a few
hundred points) is a few lines of numpy, and the change-point libraries take neither a side
nor an origin that must stay inside.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import numpy as np

from hunter.analysis.stats import step_loglik
from hunter.domain import AttributeDict, AttributeSpec, Run, Value
from hunter.regions import Constraint, satisfies

LIKELIHOOD_DROP = 3.0
"""Log-likelihood below the best at which a cut stops being plausible (about a 99% interval:
the stop rule waits for it to be narrow, and at 95% a run of chance passes just past a
narrow side pinned a tight edge that settled hunts on a wrong box)."""


def outcome_points(
    runs: Sequence[Run], origin_checks: frozenset[str]
) -> list[tuple[AttributeDict, bool]]:
    """The runs that produced a trajectory as (attributes, fails like the origin): what the
    zones and the stop rule's tests read."""
    return [(r.attributes(), r.fails_like(origin_checks)) for r in runs if r.error is None]


class Zone(NamedTuple):
    """Where one edge of a side may lie: ``low`` to ``high``; ``edge`` is where it is drawn."""

    edge: float
    low: float
    high: float


def _zone_above(xs: np.ndarray, ys: np.ndarray, keep: float, top: float) -> tuple[float, float]:
    """The plausible span of an upper edge: ``xs`` sorted, the cut above ``keep``."""
    n = len(xs)
    if n == 0:
        return top, top
    f_cum = np.concatenate([[0], np.cumsum(ys)])
    cuts = [k for k in range(1, n + 1) if (k == n or xs[k - 1] < xs[k]) and xs[k - 1] >= keep]
    if not cuts:
        return float(xs[-1] if keep == -np.inf else keep), top
    k = np.array(cuts)
    score = step_loglik(f_cum[k], k, float(f_cum[n]), float(n))
    plausible = k[score >= score.max() - LIKELIHOOD_DROP]
    low = float(xs[plausible.min() - 1])
    high = top if plausible.max() == n else float(xs[plausible.max()])
    return low, high


def edge_zones(
    side: Constraint,
    box: Sequence[Constraint],
    spec: AttributeSpec,
    points: Sequence[tuple[AttributeDict, bool]],
    keep: Value | None = None,
) -> list[Zone]:
    """The zone of each bounded edge of numeric ``side`` of ``box``.

    ``points`` are the runs as (attributes, fails like the origin); ``keep`` a value the region
    must hold whatever the cut (the origin's), None for no such value."""
    if side.values is not None:
        return []
    others = [c for c in box if c is not side]
    chosen_points = [
        (float(x), failed)
        for a, failed in points
        if isinstance(x := a.get(side.attribute), int | float) and satisfies(others, a)
    ]
    if not chosen_points:
        return []
    xs = np.array([p[0] for p in chosen_points])
    ys = np.array([p[1] for p in chosen_points], dtype=float)
    inner = float(keep) if isinstance(keep, int | float) else None
    zones = []
    if side.max is not None and side.max < spec.high:
        chosen = xs >= (spec.low if side.min is None else side.min)
        order = np.argsort(xs[chosen], kind="stable")
        floor = -np.inf if inner is None else inner
        low, high = _zone_above(xs[chosen][order], ys[chosen][order], floor, spec.high)
        zones.append(Zone(side.max, low, high))
    if side.min is not None and side.min > spec.low:
        chosen = xs <= (spec.high if side.max is None else side.max)
        order = np.argsort(-xs[chosen], kind="stable")
        floor = -np.inf if inner is None else -inner
        low, high = _zone_above(-xs[chosen][order], ys[chosen][order], floor, -spec.low)
        zones.append(Zone(side.min, -high, -low))
    return [zone for zone in zones if zone.high > zone.low]
