"""When a hunt may stop before its budget: the verdict is decided and the regions have settled.

Every simulation of a real agent costs minutes and dollars, so a hunt whose answer no longer
changes should not spend the rest of its budget confirming it. The rule is deliberately
conservative, because a hunt that stops on a wrong box has wasted everything it spent:

* the verdict is ``bug`` (a fluke already stops the hunt through the replay test; an
  inconclusive hunt has nothing settled to report);
* at least ``MIN_RUNS`` simulations ran and the origin's region holds ``MIN_SUPPORT`` of them;
* the origin's region has not changed (the same constrained attributes, the same value sets,
  numeric edges within ``EDGE_TOLERANCE`` of their range) while the hunt at least doubled
  from what it had when that region first appeared, and by ``MIN_GROWTH`` simulations at least.
  Growth in proportion, not a fixed count, because a box found early on little evidence needs
  as much again to confirm it, and the strategies that run meanwhile (samples inside the box
  with every other attribute at random, and just past each side) are the ones that would
  overturn a wrong one;
* every side of that region is confirmed where it is drawn: the runs just past it (breaking
  that constraint alone, within ``EDGE_BAND`` of a numeric edge) fail significantly less often
  than the runs inside (one-sided Fisher exact test). A box that is stable but drawn too tight
  fails this, because the band past a misplaced edge still fails like the inside;
* every numeric edge is pinned: the zone where a step in the failure rate stays likely
  (:mod:`hunter.analysis.edges`) is at most ``EDGE_TOLERANCE`` of the range wide;
* every numeric edge is sharp: the band past it fails no more often than the runs far from the
  region (:func:`edges_sharp`). Past an edge drawn inside a ramp of the failure rate (a soft
  edge, or a hard one drawn short of where it lies) the band still fails more often than far
  away, and a chance run of passes just past such an edge can pin it where it is drawn;
* the region cannot still grow: *each* value a categorical side excludes was tested on its own
  (the other sides kept) and fails significantly less than the inside. Pooled, one excluded
  value that fails like the inside hides among those that pass; that is how a side admitting
  two values got kept to the origin's alone;
* the region cannot still split: the runs inside, every attribute the box does not name drawn
  at random, were screened (:func:`screened`): each value of each unconstrained categorical
  attribute, each third of each unconstrained numeric range, each half of each numeric side
  and each value of a categorical side admitting several holds enough inside runs to show a
  rate far below the inside's, and none shows one (one-sided Fisher against the rest of the
  inside, Holm-corrected across the screen). A missing sub-dimension, a third attribute of a
  conjunction or an edge drawn too loose all show up as such a cell.

Stability alone settled hunts on wrong boxes (issue 18: F1 0.5-0.67 on a soft edge and a
sub-dimension not yet found); the last two conditions are evidence that no box near this one
fits better, and a hunt that lacks it goes on (a budget-capped hunt is reported as provisional,
a wrong stop as settled: the second is the worse error).

The rule reads analyses and runs only (no I/O); the hunt loop runs one analysis per batch.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Sequence

from hunter.analysis.edges import edge_zones, outcome_points
from hunter.analysis.stats import fisher_greater, holm
from hunter.coverage import Space
from hunter.domain import Run, Value
from hunter.regions import EDGE_BAND, Constraint, HuntAnalysis, Region, satisfies

MIN_RUNS = 48
"""Simulations before any stop: enough for the replays, a pass of single changes and a box."""
MIN_SUPPORT = 30
"""Runs inside the origin's region before its rate is worth settling on."""
MIN_GROWTH = 32
"""Fewest simulations the hunt must add while its region stays the same."""
GROWTH_SHARE = 1.0
"""Share of the simulations at the region's first appearance that must be added before a stop."""
EDGE_TOLERANCE = 0.05
"""Largest move of a numeric edge, as a share of the attribute's range, that counts as still."""
EDGE_SHARE = 0.15
"""Widest zone a pinned edge may have, as a share of its side's own width (see
:func:`edges_pinned`)."""
MIN_BAND_RUNS = 5
"""Runs past a side before its confirmation test is worth running."""
ALPHA = 0.05
NUMERIC_CELLS = 3
"""Equal slices of an unconstrained numeric range the screen looks at separately."""
MIN_CELL_RUNS = 3
"""Fewest inside runs per screened cell, however high the inside's rate."""


def _same_constraint(a: Constraint, b: Constraint, space: Space) -> bool:
    if a.attribute != b.attribute or a.values != b.values:
        return False
    if a.values is not None:
        return True
    spec = space[a.attribute]
    tolerance = EDGE_TOLERANCE * (spec.high - spec.low)
    for x, y in ((a.min, b.min), (a.max, b.max)):
        if (x is None) != (y is None):
            return False
        if x is not None and y is not None and abs(x - y) > tolerance:
            return False
    return True


def same_region(a: Region, b: Region, space: Space) -> bool:
    """Whether two regions are the same box, up to edge jitter (constraints are in space order)."""
    if len(a.constraints) != len(b.constraints):
        return False
    pairs = zip(a.constraints, b.constraints, strict=True)
    return all(_same_constraint(ca, cb, space) for ca, cb in pairs)


def settled(
    history: Sequence[tuple[int, HuntAnalysis]],
    runs: Sequence[Run],
    space: Space,
    origin_checks: frozenset[str],
    unrunnable: Collection[tuple[str, Value]] = (),
) -> bool:
    """Whether the hunt's answer has stopped changing.

    Args:
        history: ``(simulations so far, analysis)`` after each batch, oldest first.
        runs: the hunt's runs so far (the last analysis was made from them).
        space: the hunt's space (numeric ranges scale the tolerances).
        origin_checks: the checks the origin failed; failing one of them is failing like it.
        unrunnable: ``(attribute, value)`` pairs the SUT errors on and the search no longer
            proposes; their cells are not screened, since they can never hold a valid run.
    """
    if not history:
        return False
    count, last = history[-1]
    if count < MIN_RUNS or last.verdict != "bug":
        return False
    region = last.origin_region
    if region is None or region.inside.runs < MIN_SUPPORT:
        return False
    since = count
    for earlier_count, analysis in reversed(history[:-1]):
        earlier = analysis.origin_region
        if analysis.verdict != "bug" or earlier is None:
            break
        if not same_region(earlier, region, space):
            break
        since = earlier_count
    if count - since < max(MIN_GROWTH, GROWTH_SHARE * since):
        return False
    # The evidence is read on the runs proposed after the region first appeared: its edges and
    # value sets were chosen on the earlier ones, and on those the runs just past an edge pass
    # by construction (the edge was drawn where the failures stop), so they would confirm a
    # misplaced edge. The later runs were drawn to test this very box and did not move it.
    fresh = runs[since:]
    return (
        sides_confirmed(region, fresh, space, origin_checks)
        and edges_pinned(region, runs, space, origin_checks)
        and edges_sharp(region, runs, space, origin_checks)
        and excluded_values_confirmed(region, fresh, origin_checks)
        and screened(region, fresh, space, origin_checks, unrunnable)
    )


def edges_pinned(
    region: Region, runs: Sequence[Run], space: Space, origin_checks: frozenset[str]
) -> bool:
    """Whether every numeric edge's plausible zone (:func:`hunter.analysis.edges.edge_zones`,
    on all the hunt's runs) is at most ``EDGE_TOLERANCE`` of its range wide, and the edge is
    drawn within that tolerance of it.

    The runs just past a side can fail significantly less than the inside while the edge is
    drawn too tight: the band past it is a quarter of the range, and when its inner part fails
    like the inside and its outer part not at all, it passes on average. The zone is where a
    step in the failure rate stays likely, so a wide one says the edge may still move.

    A narrow side needs a narrower zone: its edge's error counts against the side's own width
    (an edge at 0.032 for a side up to 0.05 leaves out a third of the region, though it is
    within 5% of the range), so the zone may be at most ``EDGE_SHARE`` of that width too."""
    points = outcome_points(runs, origin_checks)
    for side in region.constraints:
        if side.values is not None:
            continue
        spec = space[side.attribute]
        low, high = side.within(spec.low, spec.high)
        width = min(EDGE_TOLERANCE * (spec.high - spec.low), EDGE_SHARE * (high - low))
        for zone in edge_zones(side, region.constraints, spec, points):
            if zone.high - zone.low > width:
                return False
            if not zone.low - width <= zone.edge <= zone.high + width:
                return False
    return True


def edges_sharp(
    region: Region, runs: Sequence[Run], space: Space, origin_checks: frozenset[str]
) -> bool:
    """Whether the runs just past each numeric edge (breaking that side alone, within
    ``EDGE_BAND``) fail no more often than the runs far from the region: outside it and in no
    numeric side's band (one-sided Fisher, each edge at ``ALPHA``).

    Past a hard edge drawn where it lies the failure rate drops to what it is anywhere else.
    Past an edge drawn inside a ramp it does not: the rate falls off over the band, so the band
    fails more often than far away. That is the one case the other tests can pass on a wrong
    box: a run of chance passes just past an edge drawn short of the half-rate contour makes a
    step look sharp there, its zone narrow and the band past it less failing than the inside
    (``hunter bench hunt --quick``: a soft edge settled at ``x <= 0.377`` against its contour at
    0.45, F1 0.898). Such a hunt goes on to its budget and reports its box as provisional.
    Read on all the hunt's runs: the far runs are the ones proposed before the box existed too.
    """
    numeric = [
        (side, [c for c in region.constraints if c is not side])
        for side in region.constraints
        if side.values is None
    ]
    if not numeric:
        return True
    bands: dict[str, list[bool]] = {side.attribute: [] for side, _ in numeric}
    far: list[bool] = []
    for a, failed in outcome_points(runs, origin_checks):
        if satisfies(region.constraints, a):
            continue
        near = False
        for side, others in numeric:
            if satisfies(others, a) and _just_past(side, a.get(side.attribute), space):
                bands[side.attribute].append(failed)
                near = True
        if not near:
            far.append(failed)
    if not far:
        return True
    for past in bands.values():
        if (
            len(past) >= MIN_BAND_RUNS
            and fisher_greater(sum(past), len(past), sum(far), len(far)) < ALPHA
        ):
            return False
    return True


def excluded_values_confirmed(
    region: Region, runs: Sequence[Run], origin_checks: frozenset[str]
) -> bool:
    """Whether every value each categorical side excludes was tested on its own, the other
    sides kept, and fails significantly less often than the inside (one-sided Fisher).

    Only values that were observed at all can be asked about: a value no run ever took is
    tested through the region strategy, which breaks a side on its least-tested value first.
    """
    points = outcome_points(runs, origin_checks)
    inside = [failed for a, failed in points if satisfies(region.constraints, a)]
    for side in region.constraints:
        if side.values is None:
            continue
        others = [c for c in region.constraints if c is not side]
        by_value: dict[Value, list[bool]] = {}
        for a, failed in points:
            value = a.get(side.attribute)
            if value is not None and not side.contains(value) and satisfies(others, a):
                by_value.setdefault(value, []).append(failed)
        for past in by_value.values():
            if fisher_greater(sum(inside), len(inside), sum(past), len(past)) >= ALPHA:
                return False
    return True


def _cells(region: Region, space: Space) -> list[tuple[str, Constraint]]:
    """The screen's cells: a constraint each, on one attribute, naming a slice of the inside."""
    constrained = {c.attribute: c for c in region.constraints}
    cells: list[tuple[str, Constraint]] = []
    for spec in space.attributes:
        side = constrained.get(spec.name)
        if spec.values is not None:
            values = spec.values if side is None else side.values or ()
            if len(values) > 1:
                cells += [(f"{spec.name}={v}", Constraint(spec.name, values=(v,))) for v in values]
            continue
        if side is None:
            low, high, parts = spec.low, spec.high, NUMERIC_CELLS
        else:
            low, high = side.within(spec.low, spec.high)
            parts = 2
        if spec.integer and high - low < 1:
            continue
        edges = [low + (high - low) * i / parts for i in range(parts + 1)]
        for i in range(parts):
            lo = edges[i] if i else None
            hi = edges[i + 1] if i < parts - 1 else None
            if lo is None and hi is None:
                continue
            name = f"{spec.name} in [{edges[i]:g}, {edges[i + 1]:g}]"
            cells.append((name, Constraint(spec.name, min=lo, max=hi)))
    return cells


def screened(
    region: Region,
    runs: Sequence[Run],
    space: Space,
    origin_checks: frozenset[str],
    unrunnable: Collection[tuple[str, Value]] = (),
) -> bool:
    """Whether the inside of ``region`` was screened for a split and none was found.

    Every cell (see the module docstring) must hold enough inside runs that a cell which never
    fails would stand out after the Holm correction: ``n`` with ``(1 - rate) ** n`` below
    ``ALPHA / cells``, ``rate`` the inside's. Then no cell may fail significantly less often
    than the rest of the inside. Why the count rests on the inside's rate: at 80% a missing
    constraint shows in a handful of runs, at 30% it takes three times as many.
    """
    points = outcome_points(runs, origin_checks)
    inside = [(a, failed) for a, failed in points if satisfies(region.constraints, a)]
    total, failures = len(inside), sum(failed for _, failed in inside)
    if not failures:
        return False
    # An attribute mostly absent inside (a sub-dimension its parent switches off) is not
    # screened: its cells could never fill, and a parent side is screened in its own right.
    present = {
        spec.name
        for spec in space.attributes
        if 2 * sum(a.get(spec.name) is not None for a, _ in inside) >= total
    }
    cells = [
        (name, cell)
        for name, cell in _cells(region, space)
        if cell.attribute in present
        and not (cell.values is not None and (cell.attribute, cell.values[0]) in unrunnable)
    ]
    if not cells:
        return True
    level = failures / total
    needed = MIN_CELL_RUNS
    if level < 1.0:
        needed = max(needed, math.ceil(math.log(ALPHA / len(cells)) / math.log(1.0 - level)))
    pvalues: dict[str, float] = {}
    for name, cell in cells:
        hit = [failed for a, failed in inside if cell.contains(a.get(cell.attribute))]
        if len(hit) < needed:
            return False
        rest_n, rest_f = total - len(hit), failures - sum(hit)
        if rest_n:
            pvalues[name] = fisher_greater(rest_f, rest_n, sum(hit), len(hit))
    return not holm(pvalues, ALPHA)


def sides_confirmed(
    region: Region, runs: Sequence[Run], space: Space, origin_checks: frozenset[str]
) -> bool:
    """Whether the runs just past each side of ``region`` fail significantly less than inside."""
    points = outcome_points(runs, origin_checks)
    inside = [failed for a, failed in points if satisfies(region.constraints, a)]
    for side in region.constraints:
        others = [c for c in region.constraints if c is not side]
        past = [
            failed
            for a, failed in points
            if satisfies(others, a) and _just_past(side, a.get(side.attribute), space)
        ]
        if len(past) < MIN_BAND_RUNS:
            return False
        if fisher_greater(sum(inside), len(inside), sum(past), len(past)) >= ALPHA:
            return False
    return True


def _just_past(side: Constraint, value: Value | None, space: Space) -> bool:
    """Whether ``value`` breaks ``side``, and lies within ``EDGE_BAND`` of a numeric edge."""
    if value is None or side.contains(value):
        return False
    if side.values is not None:
        return True
    spec = space[side.attribute]
    band = EDGE_BAND * (spec.high - spec.low)
    x = float(value)
    below = side.min is not None and side.min - band <= x < side.min
    above = side.max is not None and side.max < x <= side.max + band
    return below or above
