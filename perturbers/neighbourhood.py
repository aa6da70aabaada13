"""``neighbourhood``: random points within a scaled-distance radius of the origin.

The radius adapts to the landscape: it reaches just past the distance at which failures thin
out (the shell failure rate drops below the level halfway between the origin's rate and the
outside rate). A narrow failure spike gets a tight cloud; a wide region gets a wide one, so
the samples keep straddling the region's edge instead of piling up inside or outside it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import ClassVar

import numpy as np

from hunter.coverage import Space
from hunter.domain import AttributeDict, Scenario, Value
from hunter.perturbers.base import HuntContext, Perturber, new_seed
from hunter.perturbers.encoding import legal, tidy
from hunter.perturbers.evidence import origin_distances, rates

INITIAL_RADIUS = 1.0
MIN_RADIUS = 0.1
SHELL_MIN = 4
"""Observations a distance shell needs before its failure rate is trusted."""


def sample_near(
    space: Space, origin: Mapping[str, Value], radius: float, rng: np.random.Generator
) -> AttributeDict:
    """One legal point at scaled distance about ``radius * u`` from ``origin`` (``u`` uniform).

    The distance budget is spent on the origin's attributes in random order: a categorical flip
    costs 1 (taken with probability ``min(1, budget left)``, so a radius below 1 still flips
    now and then), a numeric move costs its share of the range. Sub-dimensions that a flip
    switches on are filled at random, as ``Space.complete`` does.
    """
    return sample_near_many(space, origin, radius, rng, 1)[0]


def sample_near_many(
    space: Space,
    origin: Mapping[str, Value],
    radius: float,
    rng: np.random.Generator,
    count: int,
) -> list[AttributeDict]:
    """``count`` calls of :func:`sample_near` in a row (the same points, the same draws from
    ``rng``), with what depends only on the space and the origin worked out once: the model-
    guided strategies draw hundreds of candidates per batch."""
    start = dict(origin)
    specs = [s for s in space.attributes if s.name in origin]
    # per attribute: its spec, the origin's value, and the other values a flip may pick (or,
    # for a numeric attribute, its range's width)
    plan = [
        (
            spec,
            origin[spec.name],
            [v for v in spec.values if v != origin[spec.name]] if spec.values is not None else None,
            spec.high - spec.low if spec.values is None else 0.0,
        )
        for spec in specs
    ]
    points: list[AttributeDict] = []
    for _ in range(count):
        for _ in range(8):  # a tiny budget on integer attributes can round back to the origin
            wanted: AttributeDict = dict(start)
            # rng.random() is rng.uniform() (0 + 1 * u, the same draw), without its overhead
            remaining = radius * rng.random()
            for index in rng.permutation(len(plan)).tolist():
                if remaining <= 0:
                    break
                spec, current, others, width = plan[index]
                if others is not None:
                    if others and rng.random() < min(1.0, remaining):
                        wanted[spec.name] = others[int(rng.integers(len(others)))]
                        remaining -= 1.0
                else:
                    span = min(remaining, 1.0) * width
                    value = tidy(spec, float(current) + rng.uniform(-span, span))
                    wanted[spec.name] = value
                    remaining -= abs(float(value) - float(current)) / width
            point = legal(space, wanted, rng)
            if point != start:
                break
        points.append(point)
    return points


def adapted_radius(context: HuntContext) -> float:
    """The radius for the next samples, from how fast failures thin out with distance.

    Distances are cut into doubling shells (0.125, 0.25, 0.5, ...); the first shell with enough
    observations whose failure rate is below the inside/outside level marks where failures
    thin out, and the radius reaches half again past the last distance where they were dense.
    Until there are enough observations the radius is ``INITIAL_RADIUS``; if failures never
    thin out it grows to twice the farthest observation.
    """
    max_radius = float(max(len(context.origin.items), 1))
    pairs = origin_distances(context)
    level = rates(context, pairs).level
    away = sorted((d, f) for d, f in pairs if d > 0)
    if len(away) < 2 * SHELL_MIN:
        return INITIAL_RADIUS
    edge, start = 0.125, 0
    while start < len(away):
        end = start
        while end < len(away) and away[end][0] <= edge:
            end += 1
        shell = [f for _, f in away[start:end]]
        if len(shell) >= SHELL_MIN:
            rate = (sum(shell) + 0.5) / (len(shell) + 1)
            if rate < level:
                dense = away[start - 1][0] if start > 0 else edge
                return float(np.clip(1.5 * dense, MIN_RADIUS, max_radius))
            start = end
        elif end == len(away):
            break
        edge *= 2
    return float(np.clip(2 * away[-1][0], MIN_RADIUS, max_radius))


class NeighbourhoodPerturber(Perturber):
    """Random points around the origin within an adaptive radius.

    Args:
        radius: a fixed radius instead of the adaptive one (for tests and ablations).
    """

    name: ClassVar[str] = "neighbourhood"

    def __init__(self, radius: float | None = None) -> None:
        self.radius = radius

    def propose(self, context: HuntContext, n: int, rng: np.random.Generator) -> Sequence[Scenario]:
        radius = self.radius if self.radius is not None else adapted_radius(context)
        origin = context.origin.attributes()
        return [
            Scenario.of(sample_near(context.space, origin, radius, rng), new_seed(rng))
            for _ in range(max(n, 0))
        ]
