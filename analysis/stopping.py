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
  fails this, because the band past a misplaced edge still fails like the inside.

The rule reads analyses and runs only (no I/O); the hunt loop runs one analysis per batch.
"""

from __future__ import annotations

from collections.abc import Sequence

from hunter.analysis.stats import fisher_greater
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
MIN_BAND_RUNS = 5
"""Runs past a side before its confirmation test is worth running."""
ALPHA = 0.05


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
) -> bool:
    """Whether the hunt's answer has stopped changing.

    Args:
        history: ``(simulations so far, analysis)`` after each batch, oldest first.
        runs: the hunt's runs so far (the last analysis was made from them).
        space: the hunt's space (numeric ranges scale the tolerances).
        origin_checks: the checks the origin failed; failing one of them is failing like it.
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
    return sides_confirmed(region, runs, space, origin_checks)


def sides_confirmed(
    region: Region, runs: Sequence[Run], space: Space, origin_checks: frozenset[str]
) -> bool:
    """Whether the runs just past each side of ``region`` fail significantly less than inside."""
    points = [(r.attributes(), r.fails_like(origin_checks)) for r in runs if r.error is None]
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
