"""Pure computations behind the report: what a fixer reads besides the region itself."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from hunter.analysis.stats import rate
from hunter.coverage import Space
from hunter.domain import Run, Value
from hunter.regions import Rate, Region


@dataclass(frozen=True, slots=True)
class ValueRow:
    attribute: str
    value: str
    rate: Rate


def value_table(
    runs: Sequence[Run], attribute: str, space: Space, checks: Sequence[str], bins: int = 5
) -> tuple[ValueRow, ...]:
    """P(fail | value) with exact intervals; numeric attributes in equal-width bins."""
    valid = [r for r in runs if r.error is None and attribute in r.attributes()]
    wanted = frozenset(checks)

    def failed(run: Run) -> bool:
        return run.fails_like(wanted)

    spec = space[attribute]
    groups: dict[str, list[bool]] = {}
    if spec.values is not None:
        for v in spec.values:
            groups[str(v)] = []
        for r in valid:
            groups.setdefault(str(r.attributes()[attribute]), []).append(failed(r))
    else:
        edges = np.linspace(spec.low, spec.high, bins + 1)
        labels = [
            f"[{edges[i]:.3g}, {edges[i + 1]:.3g}{']' if i == bins - 1 else ')'}"
            for i in range(bins)
        ]
        for label in labels:
            groups[label] = []
        for r in valid:
            x = float(r.attributes()[attribute])
            i = min(bins - 1, int(np.searchsorted(edges, x, side="right")) - 1)
            groups[labels[max(0, i)]].append(failed(r))
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
    attribute: str
    passing: Run
    failing: Run


def boundary_pairs(runs: Sequence[Run], region: Region, limit: int = 6) -> tuple[BoundaryPair, ...]:
    """Observed scenarios one attribute apart: one failing inside the region, one passing
    outside it, so the attribute that differs is an edge of the region (not noise within it)."""
    wanted = set(region.checks)
    valid = [r for r in runs if r.error is None]
    fails = [r for r in valid if wanted & set(r.failed_checks) and region.contains(r.attributes())]
    passes = [r for r in valid if not r.failed and not region.contains(r.attributes())]
    out: list[BoundaryPair] = []
    seen: set[tuple[str, str]] = set()
    for f in fails:
        fa = f.attributes()
        for p in passes:
            pa = p.attributes()
            if fa.keys() != pa.keys():
                continue
            diff = [k for k in fa if fa[k] != pa[k]]
            if len(diff) == 1 and (diff[0], str(pa[diff[0]])) not in seen:
                seen.add((diff[0], str(pa[diff[0]])))
                out.append(BoundaryPair(diff[0], p, f))
                break
        if len(out) >= limit:
            break
    return tuple(out)


@dataclass(frozen=True, slots=True)
class Excerpt:
    run_id: str
    check: str
    evidence: str
    events: tuple[Mapping[str, Any], ...]


def excerpts(runs: Sequence[Run], checks: Sequence[str], limit: int = 3) -> tuple[Excerpt, ...]:
    """Failing trajectories' evidence, with the events each verdict points at."""
    wanted = set(checks)
    out = []
    for run in runs:
        for verdict in run.verdicts:
            if verdict.failed and verdict.check in wanted:
                ids = set(verdict.event_ids)
                events = tuple(e for e in run.events if e.get("id") in ids)[:6]
                out.append(Excerpt(run.run_id, verdict.check, verdict.evidence, events))
                break
        if len(out) >= limit:
            break
    return tuple(out)
