"""A brief for fixers: scenarios spread over each region of a hunt and just beyond it.

"Fix the region, not the sample": a fix trained or tested on the one failing run (or a few
neighbours of it) covers the sample; a fix trained on scenarios drawn all over the region, every
attribute the region does not name varied, covers the region. This module draws them: ``n`` per
region, most inside the box and the rest just beyond each of its sides (one constraint broken,
as a recheck samples them: contrast cases where the agent behaves and must go on behaving), each
with the region in words, the checks it fails and one piece of checker evidence from a failing
run of the hunt inside the region, ready to drive the generation of training stories or eval
samples.

Among a few candidate draws for each scenario the one that adds most is kept: buckets of the
coverage map that campaigns covered least, then attribute values the brief has used least.
Deterministic: region ``i`` of hunt ``h`` draws from a generator seeded with ``(seed, crc32(h),
i)``.
"""

from __future__ import annotations

import json
import zlib
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from hunter.analysis.recheck import Piece, box_json, box_text, breaks, sides
from hunter.coverage import Bucket, CoverageMap, Space
from hunter.domain import AttributeDict, Run, Value
from hunter.errors import InvalidConfig
from hunter.flow.campaign import coverage_table, prior_campaign_runs
from hunter.flow.recheck import finished_hunt
from hunter.flow.sampling import draw_in, spread
from hunter.perturbers.base import new_seed
from hunter.records import HuntSetup
from hunter.regions import EDGE_BAND, Region, constraint_words
from hunter.store import Store

DEFAULT_N = 20
"""Scenarios per region."""
INSIDE_SHARE = 0.7
"""Share of a region's scenarios drawn inside it; the rest lie just beyond its sides."""
CANDIDATES = 8
"""Draws per scenario, of which the one that adds most to the brief is kept."""


@dataclass(frozen=True, slots=True)
class BriefItem:
    """One scenario of the brief (a JSON line of ``hunter brief``)."""

    hunt_id: str
    region: Region
    inside: bool
    side: str | None  # the broken constraint, for a scenario just beyond the region
    attributes: AttributeDict
    seed: int
    evidence: str
    evidence_run_id: str | None

    def to_json(self) -> dict[str, Any]:
        return {
            "region_id": self.region.id,
            "inside": self.inside,
            "attributes": dict(self.attributes),
            "region_words": constraint_words(self.region),
            "checks": list(self.region.checks),
            "evidence": self.evidence,
            "hunt_id": self.hunt_id,
            "constraints": box_json(self.region.constraints),
            "side": self.side,
            "evidence_run_id": self.evidence_run_id,
            "seed": self.seed,
        }


@dataclass(frozen=True, slots=True)
class Brief:
    """The brief of one hunt: its scenarios, region by region."""

    hunt_id: str
    run_id: str
    sut: str
    regions: tuple[Region, ...]
    items: tuple[BriefItem, ...]


def build_brief(store: Store, hunt_id: str, *, n: int = DEFAULT_N, seed: int = 0) -> Brief:
    """``n`` scenarios for each region of a finished hunt.

    Raises:
        UnknownId: no such hunt. InvalidConfig: the hunt has not finished, or found no region.
    """
    if n < 1:
        raise InvalidConfig(f"--n must be at least 1, got {n}")
    record = finished_hunt(store, hunt_id)
    assert record.result is not None
    regions = record.result.analysis.regions
    if not regions:
        raise InvalidConfig(
            f"hunt {hunt_id} found no region to brief on (verdict {record.result.verdict})"
        )
    setup = record.setup
    hits = _bucket_hits(store, setup)
    runs = [*store.runs(hunt_id=hunt_id), store.run(record.run_id)]
    items: list[BriefItem] = []
    for i, region in enumerate(regions):
        rng = np.random.default_rng([seed, zlib.crc32(hunt_id.encode()), i])
        evidence, evidence_run = example_evidence(region, runs)
        for inside, side, attributes, scenario_seed in _region_scenarios(
            region, setup.space, setup.coverage_map, hits, n, rng
        ):
            items.append(
                BriefItem(
                    hunt_id,
                    region,
                    inside,
                    side,
                    attributes,
                    scenario_seed,
                    evidence,
                    evidence_run,
                )
            )
    return Brief(hunt_id, record.run_id, setup.sut, regions, tuple(items))


def example_evidence(region: Region, runs: Sequence[Run]) -> tuple[str, str | None]:
    """One checker's evidence from a run inside the region failing one of its checks (the
    first stored), with that run's ID; ``("", None)`` when no such run is stored."""
    checks = frozenset(region.checks)
    for run in runs:
        if run.error is None and run.fails_like(checks) and region.contains(run.attributes()):
            for verdict in run.verdicts:
                if verdict.failed and (not checks or verdict.check in checks) and verdict.evidence:
                    return verdict.evidence, run.run_id
    return "", None


def _bucket_hits(store: Store, setup: HuntSetup) -> Mapping[Bucket, float]:
    """Each bucket's campaign hits as a share of the map's goal (empty without a map)."""
    cmap = setup.coverage_map
    if cmap is None:
        return {}
    version = setup.options.function_version
    rows = coverage_table(cmap, prior_campaign_runs(store, cmap, setup.sut, version=version))
    return {row.bucket: row.hits / row.goal for row in rows}


def _region_scenarios(
    region: Region,
    space: Space,
    cmap: CoverageMap | None,
    hits: Mapping[Bucket, float],
    n: int,
    rng: np.random.Generator,
) -> list[tuple[bool, str | None, AttributeDict, int]]:
    side_pieces = sides(region.constraints, space, EDGE_BAND)
    n_inside = min(n, max(1, round(n * INSIDE_SHARE))) if side_pieces else n
    used: Counter[tuple[str, str]] = Counter()
    covered = dict(hits)  # the brief's own picks count toward coverage as it goes
    out: list[tuple[bool, str | None, AttributeDict, int]] = []
    plan: list[tuple[Piece | None, int]] = [(None, n_inside)]
    plan.extend(zip(side_pieces, spread(n - n_inside, len(side_pieces)), strict=True))
    for piece, count in plan:
        box = region.constraints if piece is None else piece.box
        accept = None if piece is None else _breaking(piece, region)
        label = None if piece is None else _side_text(piece)
        for _ in range(count):
            candidates = [draw_in(space, box, rng, accept=accept) for _ in range(CANDIDATES)]
            drawn = [c for c in candidates if c is not None]
            if not drawn:
                break
            best = min(drawn, key=lambda a: _score(a, space, cmap, covered, used, len(out)))
            used.update(_cells(best, space))
            if cmap is not None:
                for bucket in cmap.buckets_of(best):
                    covered[bucket] = covered.get(bucket, 0.0) + 1 / cmap.goal
            out.append((piece is None, label, best, new_seed(rng)))
    return out


def _breaking(side: Piece, region: Region) -> Any:
    return lambda attributes: breaks(side, region.constraints, attributes)


def _side_text(side: Piece) -> str:
    return box_text([side.broken])


def _cells(attributes: Mapping[str, Value], space: Space) -> list[tuple[str, str]]:
    return [
        (spec.name, spec.bucket_label(attributes[spec.name]))
        for spec in space.attributes
        if spec.name in attributes
    ]


def _score(
    attributes: Mapping[str, Value],
    space: Space,
    cmap: CoverageMap | None,
    hits: Mapping[Bucket, float],
    used: Counter[tuple[str, str]],
    drawn: int,
) -> float:
    """Lower is better: the mean coverage (hits over goal) of the map's buckets the scenario
    falls in, plus the mean share of earlier scenarios that share each of its values."""
    coverage = 0.0
    if cmap is not None:
        buckets = cmap.buckets_of(attributes)
        coverage = sum(hits.get(b, 0.0) for b in buckets) / max(1, len(buckets))
    cells = _cells(attributes, space)
    repeats = sum(used[cell] for cell in cells) / max(1, drawn * len(cells))
    return coverage + repeats


def brief_jsonl(brief: Brief) -> str:
    """The brief as JSON lines, one scenario a line (strict JSON: no NaN)."""
    return "".join(
        json.dumps(item.to_json(), allow_nan=False, ensure_ascii=False) + "\n"
        for item in brief.items
    )


def brief_markdown(brief: Brief) -> str:
    """The brief as Markdown for a human fixer: each region in words, its rates, checks and
    evidence, then its scenarios. Values from the store are escaped for tables and the
    evidence is fenced, so nothing in them is read as Markdown."""
    lines = [
        f"# Brief for fixers: hunt {brief.hunt_id} of run {brief.run_id}",
        "",
        f"SUT `{brief.sut}`. Fix the region, not the sample: every scenario below lies inside a"
        " failing region (every attribute it does not name varied) or just beyond one of its"
        " sides, where the agent behaves and must go on behaving.",
    ]
    for region in brief.regions:
        items = [i for i in brief.items if i.region.id == region.id]
        lo, hi = region.inside.ci95
        lines += [
            "",
            f"## {region.id}: {_md(constraint_words(region))}",
            "",
            f"- constraints: `{_md(box_text(region.constraints))}`",
            f"- checks: {', '.join(_md(c) for c in region.checks) or '(any failure)'}",
            f"- fails {100 * region.inside.rate:.0f}% [{100 * lo:.0f}-{100 * hi:.0f}%] of"
            f" {region.inside.runs} runs inside, {100 * region.outside.rate:.1f}% outside;"
            f" label {region.label}",
        ]
        if items and items[0].evidence:
            lines += [
                "",
                f"Evidence from run {items[0].evidence_run_id}:",
                "",
                *_fenced(items[0].evidence),
            ]
        lines += ["", "| # | where | attributes |", "|---|---|---|"]
        for k, item in enumerate(items, start=1):
            where = "inside" if item.inside else f"beyond: {_md(item.side or '')}"
            attrs = ", ".join(f"{a}={v}" for a, v in item.attributes.items())
            lines.append(f"| {k} | {where} | {_md(attrs)} |")
    return "\n".join(lines) + "\n"


def _md(text: str) -> str:
    """Plain text safe inside a Markdown table cell or inline code: no pipes, backticks or
    line breaks."""
    return " ".join(str(text).replace("|", "/").replace("`", "'").split())


def _fenced(text: str) -> list[str]:
    fence = "```"
    while fence in text:
        fence += "`"
    return [fence + "text", text, fence]
