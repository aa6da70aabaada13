"""Scenarios drawn inside a box of constraints, every other attribute at random.

What ``recheck`` and ``brief`` both need: a legal point of the space that meets every
constraint of a box (the region, a side just beyond it, or a cell of it) and, for a side, still
breaks the region's constraint it stands for. Built on the ``region`` strategy's public
``inside`` draw and the space's own sampling, so a recheck samples the region exactly as the
hunt that bounded it did.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import numpy as np

from hunter.coverage import Space
from hunter.domain import AttributeDict, Value
from hunter.perturbers.encoding import legal
from hunter.perturbers.region import inside
from hunter.regions import Constraint, satisfies

TRIES = 20
"""Draws before a box is given up on (sub-dimensions may switch off a constrained attribute)."""


def draw_in(
    space: Space,
    box: Sequence[Constraint],
    rng: np.random.Generator,
    *,
    accept: Callable[[Mapping[str, Value]], bool] | None = None,
) -> AttributeDict | None:
    """A legal scenario inside ``box`` (None when ``TRIES`` draws all fail).

    Each constrained attribute is drawn uniformly within its constraint, every other one from its
    whole range; ``accept`` may reject a draw (a side's point that lands back on the region's
    edge).
    """
    by_name = {c.attribute: c for c in box}
    for _ in range(TRIES):
        wanted: dict[str, Value] = {}
        for spec in space.attributes:
            constraint = by_name.get(spec.name)
            if constraint is None:
                wanted[spec.name] = space.sample_value(spec, rng)
            else:
                wanted[spec.name] = inside(constraint, spec, rng)
        point = legal(space, wanted, rng)
        if satisfies(box, point) and (accept is None or accept(point)):
            return point
    return None


def spread(total: int, parts: int) -> list[int]:
    """``total`` split into ``parts`` counts that differ by at most one, larger ones first."""
    if parts <= 0:
        return []
    base, extra = divmod(total, parts)
    return [base + (i < extra) for i in range(parts)]
