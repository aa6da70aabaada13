"""What a report is made of, gathered once so every format says the same thing."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from hunter.analysis.explain import (
    BoundaryPair,
    Excerpt,
    MinimalScenario,
    ValueRow,
    boundary_pairs,
    excerpts,
    minimal_failing_scenario,
    value_table,
)
from hunter.coverage import CoverageMap, Space
from hunter.domain import Run
from hunter.records import HuntResult
from hunter.regions import HuntAnalysis, Region, constraint_words


@dataclass(frozen=True, slots=True)
class ReportInput:
    """A finished hunt as the report shows it: the stored result, never re-decided, and the
    runs its explanation tables are read from."""

    result: HuntResult
    sut: str
    origin: Run
    runs: tuple[Run, ...]
    space: Space
    coverage_map: CoverageMap | None
    bucket_coverage: Mapping[tuple[tuple[str, str], ...], tuple[int, int]]
    """Campaign (hits, failures) of every bucket of the map."""

    @property
    def hunt_id(self) -> str:
        return self.result.hunt_id

    @property
    def run_id(self) -> str:
        return self.result.run_id

    @property
    def seed(self) -> int:
        return self.result.seed

    @property
    def simulations(self) -> int:
        return self.result.simulations

    @property
    def errors(self) -> int:
        return self.result.errors

    @property
    def analysis(self) -> HuntAnalysis:
        return self.result.analysis

    @property
    def suggestions(self) -> tuple[Mapping[str, Any], ...]:
        return self.result.dimension_suggestions


@dataclass(frozen=True, slots=True)
class RegionView:
    """One region with everything the report shows about it."""

    region: Region
    words: str
    tables: tuple[tuple[ValueRow, ...], ...]
    minimal: MinimalScenario | None
    pairs: tuple[BoundaryPair, ...]
    excerpts: tuple[Excerpt, ...]
    buckets: tuple[tuple[str, int, int], ...]  # bucket text, hits, failures in campaigns


def region_words(region: Region, space: Space) -> str:
    """The region as an instruction to fixers: what to train on."""
    what = ", ".join(c.replace("_", " ") for c in region.checks) or "failure"
    free = [
        s.name for s in space.attributes if s.name not in {c.attribute for c in region.constraints}
    ]
    tail = (
        f" (whatever {', '.join(free[:4])}{' and the rest' if len(free) > 4 else ''})"
        if free
        else ""
    )
    return f"{what.capitalize()} when {constraint_words(region)}{tail}."


def touches(bucket: tuple[tuple[str, str], ...], region: Region, space: Space) -> bool:
    """Whether a map bucket overlaps the region on every dimension the region constrains."""
    by_name = {c.attribute: c for c in region.constraints}
    if not set(by_name) & {d for d, _ in bucket}:
        return False
    for dim, cell in bucket:
        c = by_name.get(dim)
        if c is None:
            continue
        spec = space[dim]
        if c.values is not None:
            if not any(str(v) == cell for v in c.values):
                return False
            continue
        edges = spec.bin_edges()
        i = spec.bucket_labels().index(cell)
        lo, hi = edges[i], edges[i + 1]
        if (c.max is not None and lo > c.max) or (c.min is not None and hi < c.min):
            return False
    return True


def region_views(data: ReportInput) -> tuple[RegionView, ...]:
    views = []
    for region in data.analysis.regions:
        names = [c.attribute for c in region.constraints]
        tables = tuple(value_table(data.runs, n, data.space, region.checks) for n in names)
        buckets = [
            (", ".join(f"{d}={c}" for d, c in bucket), hits, fails)
            for bucket, (hits, fails) in data.bucket_coverage.items()
            if touches(bucket, region, data.space)
        ]
        views.append(
            RegionView(
                region,
                region_words(region, data.space),
                tables,
                minimal_failing_scenario(data.runs, region, data.space, data.origin.attributes()),
                boundary_pairs(data.runs, region),
                excerpts([r for r in data.runs if region.contains(r.attributes())], region.checks),
                tuple(buckets[:8]),
            )
        )
    return tuple(views)
