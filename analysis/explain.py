"""Pure computations behind the report: what a fixer reads besides the region itself."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from hunter.analysis.stats import rate
from hunter.coverage import Space
from hunter.domain import AttributeSpec, Run, Value
from hunter.regions import Constraint, Rate, Region


@dataclass(frozen=True, slots=True)
class ValueRow:
    attribute: str
    value: str
    rate: Rate


class Cells:
    """The one binning of one attribute in a report: categorical values as they are, numbers
    in the map's bins (``AttributeSpec.bin_edges``) split at the edges of the report's regions,
    so every table and plot of the report cuts the attribute the same way and still shows
    where each region's edge lies."""

    def __init__(self, spec: AttributeSpec, regions: Sequence[Region] = ()) -> None:
        self.spec = spec
        self.edges: tuple[float, ...] = ()
        if spec.values is None:
            inner = {
                float(bound)
                for region in regions
                for c in region.constraints
                if c.attribute == spec.name
                for bound in (c.min, c.max)
                if bound is not None and spec.low < bound < spec.high
            }
            edges = set(spec.bin_edges())
            # an edge within 1% of the range of one already there would only add a sliver
            close = 0.01 * (spec.high - spec.low)
            for bound in sorted(inner):
                if all(abs(bound - e) > close for e in edges):
                    edges.add(bound)
            self.edges = tuple(sorted(edges))

    @property
    def labels(self) -> tuple[str, ...]:
        if self.spec.values is not None:
            return tuple(str(v) for v in self.spec.values)
        e = self.edges
        last = len(e) - 2
        return tuple(
            f"[{e[i]:g}, {e[i + 1]:g}{']' if i == last else ')'}" for i in range(len(e) - 1)
        )

    def of(self, value: Value) -> str:
        """The cell ``value`` falls in."""
        if self.spec.values is not None:
            return str(value)
        i = int(np.searchsorted(self.edges, float(value), side="right")) - 1
        return self.labels[min(max(i, 0), len(self.edges) - 2)]


def value_table(
    runs: Sequence[Run],
    attribute: str,
    space: Space,
    checks: Sequence[str],
    regions: Sequence[Region] = (),
) -> tuple[ValueRow, ...]:
    """P(fail | value) with exact intervals, in the report's cells of ``attribute``
    (:class:`Cells`, split at the edges of ``regions``)."""
    valid = [r for r in runs if r.error is None and attribute in r.attributes()]
    wanted = frozenset(checks)
    cells = Cells(space[attribute], regions)
    groups: dict[str, list[bool]] = {label: [] for label in cells.labels}
    for r in valid:
        groups.setdefault(cells.of(r.attributes()[attribute]), []).append(r.fails_like(wanted))
    return tuple(
        ValueRow(attribute, value, rate(sum(flags), len(flags))) for value, flags in groups.items()
    )


@dataclass(frozen=True, slots=True)
class MinimalScenario:
    attributes: Mapping[str, Value]
    run_id: str | None  # the observed run it started from
    shrunk: tuple[str, ...]  # attributes moved to their default
    observed_failing: bool  # whether exactly this scenario was seen failing


def _default(space: Space, name: str, origin: Mapping[str, Value]) -> Value | None:
    spec = space.get(name)
    if spec is None:
        return None
    return spec.default if spec.default is not None else origin.get(name)


def minimal_failing_scenario(
    runs: Sequence[Run], region: Region, space: Space, origin: Mapping[str, Value]
) -> MinimalScenario | None:
    """The failing point closest to the defaults, shrunk while it stays inside the region.

    Closeness counts the attributes that differ from their default (the origin's value where
    the space gives none). Shrinking moves one attribute at a time to its default as long as the
    point stays in the region, whose failure rate is the evidence that it still fails.
    """
    checks = set(region.checks)
    failing = [
        r
        for r in runs
        if r.error is None and checks & set(r.failed_checks) and region.contains(r.attributes())
    ]
    if not failing:
        return None

    def distance(attrs: Mapping[str, Value]) -> int:
        return sum(attrs.get(k) != _default(space, k, origin) for k in attrs)

    start = min(failing, key=lambda r: (distance(r.attributes()), r.run_id))
    point = start.attributes()
    shrunk = []
    for name in sorted(point):
        default = _default(space, name, origin)
        if default is None or point[name] == default:
            continue
        candidate = {**point, name: default}
        try:
            candidate = space.validate(space.complete(candidate, np.random.default_rng(0)))
        except Exception:
            continue
        if region.contains(candidate):
            point = candidate
            shrunk.append(name)
    seen = any(r.attributes() == point and checks & set(r.failed_checks) for r in failing)
    return MinimalScenario(point, start.run_id, tuple(shrunk), seen)


@dataclass(frozen=True, slots=True)
class BoundaryPair:
    """Two observed scenarios that differ in ``attribute`` alone, one failing inside the region
    and one passing outside it; ``gap`` is how far the pair lies from the region's edge (the
    two values' distances to it, summed; 0 for a categorical attribute)."""

    attribute: str
    passing: Run
    failing: Run
    gap: float = 0.0


def boundary_pairs(runs: Sequence[Run], region: Region, limit: int = 6) -> tuple[BoundaryPair, ...]:
    """Observed scenarios one attribute apart, one failing inside the region and one passing
    outside it, so the attribute that differs is an edge of the region (not noise within it).

    Of all such pairs the ones closest to the edge are kept: for a numeric constraint the pair
    whose two values lie nearest its bound, one per side; for a categorical one a pair per
    passing value. Constraints come in the region's order, ties in run order.
    """
    wanted = set(region.checks)
    valid = [r for r in runs if r.error is None]
    fails = [r for r in valid if wanted & set(r.failed_checks) and region.contains(r.attributes())]
    passes = [r for r in valid if not r.failed and not region.contains(r.attributes())]
    by_name = {c.attribute: c for c in region.constraints}
    best: dict[tuple[str, str], BoundaryPair] = {}
    for f in fails:
        fa = f.attributes()
        for p in passes:
            pa = p.attributes()
            if fa.keys() != pa.keys():
                continue
            diff = [k for k in fa if fa[k] != pa[k]]
            if len(diff) != 1 or diff[0] not in by_name:
                continue
            name = diff[0]
            side, gap = _side_and_gap(by_name[name], fa[name], pa[name])
            key = (name, side)
            if key not in best or gap < best[key].gap:
                best[key] = BoundaryPair(name, p, f, gap)
    order = {c.attribute: i for i, c in enumerate(region.constraints)}
    ranked = sorted(best.values(), key=lambda b: (order[b.attribute], b.gap))
    return tuple(ranked[:limit])


def _side_and_gap(c: Constraint, inside: Value, outside: Value) -> tuple[str, float]:
    """Which side of constraint ``c`` the passing value lies beyond, and the pair's distance
    to that edge (categorical: the passing value itself, distance 0)."""
    if c.values is not None:
        return str(outside), 0.0
    x_in, x_out = float(inside), float(outside)
    if c.max is not None and x_out > c.max:
        return "high", abs(x_out - c.max) + abs(c.max - x_in)
    edge = c.min if c.min is not None else x_in
    return "low", abs(edge - x_out) + abs(x_in - edge)


@dataclass(frozen=True, slots=True)
class Excerpt:
    """A failing check's evidence, as the checker wrote it, from the first run that showed it;
    ``also`` lists the other runs whose evidence for the same check reads the same but for
    its numbers (shown once, never merged into new text)."""

    run_id: str
    check: str
    evidence: str
    events: tuple[Mapping[str, Any], ...]
    also: tuple[str, ...] = ()


_NUMBER = re.compile(r"[-+]?\d+(?:[.,]\d+)*")


def _shape(check: str, evidence: str) -> tuple[str, str]:
    """What makes two evidence texts the same finding: the check and the text, numbers aside."""
    return check, _NUMBER.sub("#", " ".join(evidence.split()))


def excerpts(runs: Sequence[Run], checks: Sequence[str], limit: int = 3) -> tuple[Excerpt, ...]:
    """Failing trajectories' evidence, with the events each verdict points at: one excerpt per
    distinct finding (check and text, numbers aside), at most ``limit``, each naming the other
    runs that showed it."""
    wanted = set(checks)
    found: dict[tuple[str, str], Excerpt] = {}
    for run in runs:
        for verdict in run.verdicts:
            if not verdict.failed or verdict.check not in wanted:
                continue
            key = _shape(verdict.check, verdict.evidence)
            seen = found.get(key)
            if seen is not None:
                found[key] = replace(seen, also=(*seen.also, run.run_id))
            elif len(found) < limit:
                ids = set(verdict.event_ids)
                events = tuple(e for e in run.events if e.get("id") in ids)[:6]
                found[key] = Excerpt(run.run_id, verdict.check, verdict.evidence, events)
            break
    return tuple(found.values())
