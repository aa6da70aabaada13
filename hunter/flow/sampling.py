"""Scenarios drawn inside a box of constraints, every other attribute at random.

What ``recheck`` and ``brief`` both need: a legal point of the space that meets every
constraint of a box (the region, a side just beyond it, or a cell of it) and, for a side, still
breaks the region's constraint it stands for. Built on the ``region`` strategy's own
draw, so a recheck samples the region exactly as the hunt that bounded it did.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import numpy as np

from hunter.coverage import Space
from hunter.domain import AttributeDict, Value
from hunter.perturbers.region import draw
from hunter.regions import Constraint


def draw_in(
    space: Space,
    box: Sequence[Constraint],
    rng: np.random.Generator,
    *,
    accept: Callable[[Mapping[str, Value]], bool] | None = None,
) -> AttributeDict | None:
    """A legal scenario inside ``box`` (None when every draw fails).

    Each constrained attribute is drawn uniformly within its constraint, every other one from its
    whole range (the ``region`` strategy's inside draw); ``accept`` may reject a draw (a side's
    point that lands back on the region's edge).
    """
    return draw(space, box, rng, accept=accept)


def spread(total: int, parts: int) -> list[int]:
    """``total`` split into ``parts`` counts that differ by at most one, larger ones first."""
    if parts <= 0:
        return []
    base, extra = divmod(total, parts)
    return [base + (i < extra) for i in range(parts)]
