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
they come in the zone shrinks to a bracket around it. Written here because the one computation
needed (a one-sided Bernoulli change-point interval over a few hundred points) is a few lines
of numpy, and the change-point libraries do not take a side or the origin that must stay inside.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from hunter.analysis.stats import step_loglik
from hunter.domain import AttributeSpec
from hunter.perturbers.base import HuntContext
from hunter.regions import Constraint, satisfies

LIKELIHOOD_DROP = 2.0
"""Log-likelihood below the best at which a cut stops being plausible (about a 95% interval)."""


def _zone_above(xs: np.ndarray, ys: np.ndarray, keep: float, top: float) -> tuple[float, float]:
    """The plausible span of an upper edge: ``xs`` sorted, the cut above ``keep``."""
    n = len(xs)
    f_cum = np.concatenate([[0], np.cumsum(ys)])
    cuts = [k for k in range(1, n + 1) if (k == n or xs[k - 1] < xs[k]) and xs[k - 1] >= keep]
    if not cuts:
        return keep, top
    k = np.array(cuts)
    score = step_loglik(f_cum[k], k, float(f_cum[n]), float(n))
    plausible = k[score >= score.max() - LIKELIHOOD_DROP]
    low = float(xs[plausible.min() - 1])
    high = top if plausible.max() == n else float(xs[plausible.max()])
    return low, high


def edge_zones(
    side: Constraint, box: Sequence[Constraint], spec: AttributeSpec, context: HuntContext
) -> list[tuple[float, float]]:
    """The zone of each bounded edge of numeric ``side`` (see the module docstring)."""
    if side.values is not None:
        return []
    others = [c for c in box if c is not side]
    points = []
    for run in context.valid:
        attributes = run.attributes()
        x = attributes.get(side.attribute)
        if isinstance(x, int | float) and satisfies(others, attributes):
            points.append((float(x), run.fails_like(context.origin_checks)))
    origin = context.origin.attributes().get(side.attribute)
    if not points or not isinstance(origin, int | float):
        return []
    xs = np.array([p[0] for p in points])
    ys = np.array([p[1] for p in points], dtype=float)
    zones = []
    if side.max is not None and side.max < spec.high:
        chosen = xs >= (spec.low if side.min is None else side.min)
        order = np.argsort(xs[chosen], kind="stable")
        zones.append(_zone_above(xs[chosen][order], ys[chosen][order], float(origin), spec.high))
    if side.min is not None and side.min > spec.low:
        chosen = xs <= (spec.high if side.max is None else side.max)
        order = np.argsort(-xs[chosen], kind="stable")
        low, high = _zone_above(-xs[chosen][order], ys[chosen][order], -float(origin), -spec.low)
        zones.append((-high, -low))
    return [(low, high) for low, high in zones if high > low]
