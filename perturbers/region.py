"""``region``: test the current estimate of the failing region, inside and just outside.

The analysis reports a region as a box of constraints, and a box is wrong in two ways only: it
names an attribute that does not matter (or bounds it too tightly), or it misses one that does
(or bounds it too loosely). Each kind of error has a sample that exposes it:

* **inside** points satisfy every constraint and draw every other attribute from its whole
  range. If an unnamed attribute matters, some of them pass and peeling finds it; if none does,
  they fail at the region's rate all over the box, which is what lets the analysis drop a
  spurious constraint and what the box's interval is made of.
* **outside** points break exactly one constraint, landing within ``margin`` of its edge (or
  on a value it excludes). If they fail as often as the inside, the constraint is spurious or
  too tight; if they pass, the edge is real, and points near it pin where it lies.

While the box's inside fails far less often than the origin, a side is missing, and points
drawn at random over every free attribute almost all pass (a conjunction's third attribute, a
rare region): a share of the points then keeps free attributes at the origin's values
(:func:`anchored_share`; all of them while the box has no side), inside and outside alike, so
the two stay comparable.

Neighbourhood sampling around the origin learns the same things only by chance, one attribute
flip at a time. The box is the hunt context's ``region``: the estimate the hunt loop's analysis
of the last batch draws with the analysis' own bounding, so this strategy always tests what the
report would say now, holds no state, and resumes exactly. Until enough failures exist to bound
it samples the neighbourhood; a box with no constraint (everything seen fails alike) is tested
over the whole space, every point anchored.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import ClassVar

import numpy as np

from hunter.analysis.edges import edge_zones, outcome_points
from hunter.coverage import Space
from hunter.domain import AttributeDict, AttributeSpec, Scenario, Value
from hunter.perturbers.base import HuntContext, Perturber, new_seed
from hunter.perturbers.encoding import legal, tidy
from hunter.perturbers.neighbourhood import NeighbourhoodPerturber
from hunter.regions import EDGE_BAND, Constraint, satisfies

ZONE_SHARE = 0.5
"""Share of the runs breaking a numeric side that are drawn in its edge's plausible zone
(:mod:`hunter.analysis.edges`) rather than anywhere in the band past the edge."""
TRIES = 20
"""Draws per proposal before a point that keeps sub-dimensions consistent is given up on."""
ANCHOR_KEEP = 0.5
"""Probability that an anchored point keeps an attribute the box leaves free at the origin's
value (see :func:`anchored_share`)."""


def inside(constraint: Constraint, spec: AttributeSpec, rng: np.random.Generator) -> Value:
    """A value of ``spec`` that satisfies ``constraint``, uniformly within it."""
    if constraint.values is not None:
        value: Value = constraint.values[int(rng.integers(len(constraint.values)))]
        return value
    low, high = constraint.within(spec.low, spec.high)
    if spec.integer:
        return int(rng.integers(int(np.ceil(low)), int(np.floor(high)) + 1))
    return tidy(spec, rng.uniform(low, high))


def outside(
    constraint: Constraint,
    spec: AttributeSpec,
    margin: float,
    rng: np.random.Generator,
    tested: Mapping[Value, int] | None = None,
) -> Value | None:
    """A value of ``spec`` that breaks ``constraint``, within ``margin`` of its edge (None: no
    such value: the constraint allows every value the attribute has).

    A categorical side is broken on its least-tested excluded value (``tested`` counts the runs
    that broke it on each, the other sides kept; ties at random): the stop rule asks every
    excluded value on its own whether it fails like the inside, so each needs its own runs.
    """
    if constraint.values is not None:
        others = [v for v in spec.values or () if v not in constraint.values]
        if not others:
            return None
        if tested:
            fewest = min(tested.get(v, 0) for v in others)
            others = [v for v in others if tested.get(v, 0) == fewest]
        return others[int(rng.integers(len(others)))]
    width = margin * (spec.high - spec.low)
    sides: list[tuple[float, float]] = []
    if constraint.min is not None and constraint.min > spec.low:
        sides.append((max(spec.low, constraint.min - width), constraint.min))
    if constraint.max is not None and constraint.max < spec.high:
        sides.append((constraint.max, min(spec.high, constraint.max + width)))
    if not sides:
        return None
    low, high = sides[int(rng.integers(len(sides)))]
    for _ in range(TRIES):  # rounding to an integer or to 6 digits may land back inside
        value = tidy(spec, rng.uniform(low, high))
        if not constraint.contains(value):
            return value
    return None


def draw(
    space: Space,
    box: Sequence[Constraint],
    rng: np.random.Generator,
    *,
    broken: Constraint | None = None,
    margin: float = EDGE_BAND,
    tested: Mapping[Value, int] | None = None,
    zone: tuple[float, float] | None = None,
    anchor: Mapping[str, Value] | None = None,
    accept: Callable[[Mapping[str, Value]], bool] | None = None,
) -> AttributeDict | None:
    """A legal point inside ``box`` but for ``broken``, every other attribute drawn at random
    (None when ``TRIES`` draws all fail).

    Args:
        broken: the one constraint the point breaks, within ``margin`` of its edge (None: a
            point inside the box); ``tested`` counts how often each value of a categorical
            ``broken`` was tried (see :func:`outside`).
        zone: draw the numeric ``broken`` uniformly there instead, inside the box or not.
        anchor: keep each attribute the box leaves free at this value with probability
            ``ANCHOR_KEEP``.
        accept: may reject a draw (a recheck's point that lands back on the region's edge).

    The hunt's ``region`` strategy and a recheck or brief drawing in a region share this, so a
    recheck samples the region exactly as the hunt that bounded it did.
    """
    by_name = {c.attribute: c for c in box}
    for _ in range(TRIES):
        wanted: dict[str, Value] = {}
        for spec in space.attributes:
            constraint = by_name.get(spec.name)
            if constraint is None:
                kept = anchor.get(spec.name) if anchor is not None else None
                if kept is not None and rng.random() < ANCHOR_KEEP:
                    wanted[spec.name] = kept
                else:
                    wanted[spec.name] = space.sample_value(spec, rng)
            elif constraint is broken and zone is not None:
                wanted[spec.name] = tidy(spec, rng.uniform(*zone))
            elif constraint is broken:
                value = outside(constraint, spec, margin, rng, tested)
                if value is None:
                    return None
                wanted[spec.name] = value
            else:
                wanted[spec.name] = inside(constraint, spec, rng)
        point = legal(space, wanted, rng)
        # A parent drawn at random may switch off a sub-dimension the box constrains.
        if all(
            c.contains(point.get(c.attribute)) != (c is broken)
            or (c is broken and zone is not None and point.get(c.attribute) is not None)
            for c in box
        ) and (accept is None or accept(point)):
            return point
    return None


def anchored_share(box: Sequence[Constraint], context: HuntContext) -> float:
    """The share of points that keep free attributes near the origin: how far the box's inside
    fails below the origin's own rate (its replays), as ``1 - inside / origin``.

    A box that misses a side fails inside only where the missing side happens to hold, which
    for a rare region or a conjunction is seldom: points drawn at random over every free
    attribute then almost all pass and say little about which side is missing. Keeping each
    free attribute at the origin's value half the time raises their failure rate and contrasts
    every free attribute against the origin's value. A box whose inside fails as often as the
    origin has no side missing that matters, and its free attributes are drawn over their whole
    range (anchoring them would only narrow the evidence for a wide numeric side). Both rates
    are Laplace-smoothed: a box with no runs inside yet counts as failing half the time.

    A box with no side yet is anchored throughout. The analysis draws it when what was seen
    fails alike, which early in a hunt means the runs so far lie near the origin (replays,
    single changes): their rate says nothing about the rest of the space, where points drawn
    at random almost all pass unless the region is most of it. Anchored points still vary every
    attribute, half the time each, so they also show a region that is the whole space.

    Measured on ``hunter bench hunt``'s landscapes (10 seeds, hunter alone): hunts reaching F1
    0.9 by 75 simulations went from 85 to 90 of 190, by 100 from 108 to 115. Anchoring half the
    inside points whatever the rate was no faster than none: it slowed boxes whose missing
    side was a wide numeric one. Anchoring every point of a box with no side took the hunts of
    ten landscapes reaching F1 0.9 by 68 simulations from 66 to 73 of 100; keeping a free
    attribute three times in four rather than half the time slowed them (57 of 100).
    """
    if not box:
        return 1.0
    checks = context.origin_checks
    replays = context.replays
    origin_rate = (replays.failures + 1) / (replays.runs + 2)
    failures = runs = 0
    for run in context.valid:
        if run.strategy == "replay":
            continue
        if satisfies(box, run.attributes()):
            runs += 1
            failures += run.fails_like(checks)
    inside_rate = (failures + 1) / (runs + 2)
    return float(np.clip(1 - inside_rate / origin_rate, 0.0, 1.0))


def _tested_values(box: Sequence[Constraint], context: HuntContext) -> dict[str, dict[Value, int]]:
    """Per categorical side of ``box``: runs so far that broke it on each value, the other
    sides kept (what the stop rule's per-value test will read)."""
    tested: dict[str, dict[Value, int]] = {c.attribute: {} for c in box if c.values is not None}
    if not tested:
        return tested
    for run in context.observations:
        if run.error is not None:
            continue
        attributes = run.attributes()
        broken = [c for c in box if not c.contains(attributes.get(c.attribute))]
        if len(broken) == 1 and broken[0].attribute in tested:
            value = attributes.get(broken[0].attribute)
            if value is not None:
                counts = tested[broken[0].attribute]
                counts[value] = counts.get(value, 0) + 1
    return tested


class RegionPerturber(Perturber):
    """Samples inside the current region estimate and just outside each of its sides.

    Args:
        inside_share: the share of proposals drawn inside the box; the rest break one
            constraint each, in turn.
        margin: how far past a numeric edge outside points may land, as a share of the range
            (by default the band in which the stop rule looks for the edge's confirmation).
    """

    name: ClassVar[str] = "region"

    def __init__(self, inside_share: float = 0.5, margin: float = EDGE_BAND) -> None:
        self.inside_share = inside_share
        self.margin = margin

    def propose(self, context: HuntContext, n: int, rng: np.random.Generator) -> Sequence[Scenario]:
        if n <= 0:
            return []
        box = context.region
        if box is None:
            return NeighbourhoodPerturber().propose(context, n, rng)
        out: list[Scenario] = []
        n_inside = round(n * self.inside_share)
        order = [int(i) for i in rng.permutation(len(box))]
        tested = _tested_values(box, context)
        zones: dict[str, list[tuple[float, float]]] = {}
        origin = context.origin.attributes()
        share = anchored_share(box, context)
        for k in range(n):
            broken = None if k < n_inside or not box else box[order[(k - n_inside) % len(box)]]
            counts = tested.get(broken.attribute) if broken is not None else None
            zone = self._zone(broken, box, context, zones, rng)
            anchor = origin if rng.random() < share else None
            point = draw(
                context.space,
                box,
                rng,
                broken=broken,
                margin=self.margin,
                tested=counts,
                zone=zone,
                anchor=anchor,
            )
            if point is not None and broken is not None and counts is not None:
                value = point.get(broken.attribute)
                if value is not None:
                    counts[value] = counts.get(value, 0) + 1
            if point is None:  # no way to break that side: test the inside instead
                point = draw(context.space, box, rng)
            if point is not None:
                out.append(Scenario.of(point, new_seed(rng)))
        return out

    def _zone(
        self,
        broken: Constraint | None,
        box: Sequence[Constraint],
        context: HuntContext,
        zones: dict[str, list[tuple[float, float]]],
        rng: np.random.Generator,
    ) -> tuple[float, float] | None:
        """For a numeric ``broken`` side, half the time: one of its edges' plausible zones
        (``zones`` remembers every numeric side's for the batch, worked out from one reading
        of the runs the first time one is asked for); otherwise None (the band past the edge)."""
        if broken is None or broken.values is not None or rng.random() >= ZONE_SHARE:
            return None
        if not zones:
            points = outcome_points(context.observations, context.origin_checks)
            origin = context.origin.attributes()
            for side in box:
                spec = context.space.get(side.attribute)
                if side.values is not None or spec is None:
                    continue
                found = edge_zones(side, box, spec, points, origin.get(side.attribute))
                zones[side.attribute] = [(zone.low, zone.high) for zone in found]
        spans = zones.get(broken.attribute, [])
        return spans[int(rng.integers(len(spans)))] if spans else None
