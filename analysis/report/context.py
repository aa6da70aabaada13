"""What a report is made of, gathered once so every format says the same thing."""

from __future__ import annotations

import json
import shlex
from collections.abc import Mapping
from dataclasses import dataclass, field
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
from hunter.analysis.proposal_words import proposal_words
from hunter.coverage import CoverageMap, Space
from hunter.domain import Run
from hunter.records import CALLABLE_PREFIX, HuntResult, MinimalCheck, StopReason
from hunter.regions import Constraint, HuntAnalysis, Region, constraint_words


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
    proposal_states: Mapping[str, str] = field(default_factory=dict)
    """A reviewer's decision on each proposal by ID: ``pending``, ``accepted into FILE`` or
    ``rejected: REASON`` (absent: unknown, shown as pending)."""
    agent: str = "scripted"
    """The SUT's recorded agent option (``hunter run --agent``, when not the default)."""
    map_path: str | None = None
    """The coverage map the runs were judged against (``hunter run --map``, for SUTs whose own
    space does not hold the map's dimensions)."""
    store: str | None = None
    """The store folder as the user named it (``--store`` in printed commands; None: default)."""

    def proposal_state(self, proposal_id: str | None) -> str:
        return self.proposal_states.get(proposal_id or "", "pending")

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
class StopNote:
    """How a hunt ended, in the words the terminal and every report use.

    Attributes:
        sentence: e.g. ``settled after 128 of 300 simulations (the region held while the hunt
            doubled and could neither grow nor split)`` or ``budget of 40 spent before the region
            settled: R1 is provisional``.
        command: the command that continues the hunt (budget or max cost spent), else None.
    """

    reason: StopReason
    provisional: bool
    sentence: str
    command: str | None


def stop_note(result: HuntResult, store: str | None = None, sut: str = "") -> StopNote:
    """Why ``result``'s hunt stopped, whether its answer is provisional, and how to go on
    (``store``, when not the default folder, is added to the command; a hunt of a Python
    function (``sut``) goes on in Python, handing the function in again)."""
    n, budget, hid = result.searched, result.budget, result.hunt_id
    ran = f"after {n} of {budget} simulations"
    reason = result.stop_reason
    more: tuple[str, str] | None = None  # the limit to raise to go on: (option, value)
    if reason is StopReason.SETTLED:
        sentence = (
            f"settled {ran} (the region held while the hunt doubled and could neither grow"
            " nor split)"
        )
    elif reason is StopReason.FLUKE:
        sentence = f"fluke {ran} (the replays' sequential test called the origin a fluke)"
    elif reason is StopReason.EXHAUSTED:
        sentence = f"exhausted {ran} (every strategy ran out of scenarios to propose)"
    elif reason is StopReason.MAX_COST:
        spent = result.usage.cost_usd if result.usage is not None else 0.0
        sentence = f"max cost reached {ran} (about ${spent:.2f} spent on models)"
        more = ("max-cost", f"{max(1.0, 2 * spent):.2f}")
    else:
        sentence = f"budget of {budget} spent"
        if not result.early_stop:
            sentence += " with early stop off (nothing was tested for settling)"
        elif result.verdict == "inconclusive":
            sentence += " before the verdict was decided"
        elif result.verdict == "bug" and not result.analysis.regions:
            sentence += " before any region was bounded"
        elif result.verdict == "bug":
            sentence += " before the region settled"
        if result.provisional:
            more = ("budget", str(2 * budget))
    ids = [r.id for r in result.analysis.regions]
    if result.provisional and ids:
        if len(ids) == 1:
            sentence += f": {ids[0]} is provisional"
        else:
            sentence += f": {', '.join(ids[:-1])} and {ids[-1]} are provisional"
    elif result.provisional:
        sentence += ": the verdict is provisional"
    return StopNote(reason, result.provisional, sentence, _go_on(hid, more, store, sut))


def _go_on(hunt_id: str, more: tuple[str, str] | None, store: str | None, sut: str) -> str | None:
    """The command that continues a hunt with a raised limit: in Python for a hunt of a
    function (only Python can hand it in again), else on the command line."""
    if more is None:
        return None
    option, value = more
    if sut.startswith(CALLABLE_PREFIX):
        return (
            f"hunter.resume(store, {hunt_id!r}, {option.replace('-', '_')}={value}, sut=FUNCTION)"
        )
    command = f"hunter hunt --resume {hunt_id} --{option} {value}"
    if store not in (None, "runs"):
        command += f" --store {shlex.quote(str(store))}"
    return command


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
    check: MinimalCheck | None = None
    """The hunt's re-run of the minimal failing scenario (None: not re-run)."""
    repro: str | None = None
    """``hunter run ...`` that simulates the minimal failing scenario with a seed that failed."""


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
    """Whether a map bucket overlaps the region on every dimension the region constrains
    (``space``: the map's dimensions, whose bins name the bucket's cells)."""
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
    origin = data.origin.attributes()
    for region in data.analysis.regions:
        names = [c.attribute for c in region.constraints]
        tables = tuple(
            value_table(data.runs, n, data.space, region.checks, data.analysis.regions)
            for n in names
        )
        buckets = [
            (", ".join(f"{d}={c}" for d, c in bucket), hits, fails)
            for bucket, (hits, fails) in data.bucket_coverage.items()
            if data.coverage_map is not None and touches(bucket, region, data.coverage_map.space)
        ]
        check = data.result.minimal_check(region.id)
        minimal: MinimalScenario | None
        if check is not None:  # the scenario the hunt re-ran, not one recomputed from more runs
            minimal = MinimalScenario(
                check.attributes, check.from_run, check.shrunk, check.rate.failures > 0
            )
        else:
            minimal = minimal_failing_scenario(data.runs, region, data.space, origin)
        inside = [r for r in data.runs if region.contains(r.attributes())]
        views.append(
            RegionView(
                region,
                region_words(region, data.space),
                tables,
                minimal,
                boundary_pairs(data.runs, region),
                excerpts(inside, region.checks),
                tuple(buckets[:8]),
                check,
                None if minimal is None else _repro(data, region, minimal, check),
            )
        )
    return tuple(views)


MINIMAL_STRATEGY = "minimal"
"""The strategy the hunt records its re-runs of minimal failing scenarios under."""


def _repro(
    data: ReportInput, region: Region, minimal: MinimalScenario, check: MinimalCheck | None
) -> str:
    """The ``hunter run`` command that simulates the minimal scenario: with the seed of a
    re-run that failed like the region (else the first re-run's, else the observed run's)."""
    seed: int | None = None
    if check is not None:
        by_id = {r.run_id: r for r in data.runs}
        wanted = frozenset(region.checks)
        failing = [
            s
            for s, rid in zip(check.seeds, check.run_ids, strict=False)
            if rid in by_id and by_id[rid].fails_like(wanted)
        ]
        seed = failing[0] if failing else (check.seeds[0] if check.seeds else None)
    if seed is None:
        source = next((r for r in data.runs if r.run_id == minimal.run_id), None)
        seed = source.seed if source is not None else data.seed
    return run_command(
        data.sut,
        minimal.attributes,
        seed,
        agent=data.agent,
        map_path=data.map_path,
        store=data.store,
        like=data.origin.run_id,
    )


def run_command(
    sut: str,
    attributes: Mapping[str, Any],
    seed: int,
    *,
    agent: str = "scripted",
    map_path: str | None = None,
    store: str | None = None,
    like: str | None = None,
) -> str:
    """``hunter run --sut SUT --attributes NAME=VALUE,... --seed SEED``, quoted for a POSIX
    shell; the attributes as a JSON object when a value holds a comma or ``=``. A SUT other
    than the built-in world is run ``--like`` the run ``like`` (the hunt's origin): an Inspect
    task's model, fixed arguments, model roles, rule and sample, and any SUT's space, are
    options a ``--sut`` string cannot carry. A Python function is run again from Python."""
    values = {k: v for k, v in sorted(attributes.items())}
    if like is not None and sut.startswith(CALLABLE_PREFIX):
        return f"hunter.rerun(store, {like!r}, {values!r}, seed={seed}, sut=FUNCTION)"
    pairs = ",".join(f"{k}={v}" for k, v in values.items())
    if any(ch in str(v) for v in values.values() for ch in ",=") or any(
        not isinstance(v, str | int | float) or isinstance(v, bool) for v in values.values()
    ):
        pairs = json.dumps(values, default=str)
    how = (
        ["--like", like] if like is not None and not sut.startswith("builtin:") else ["--sut", sut]
    )
    parts = ["hunter", "run", *how, "--attributes", pairs, "--seed", str(seed)]
    if agent != "scripted" and sut.startswith("builtin:"):
        parts += ["--agent", agent]
    if map_path is not None and how[0] == "--sut" and not sut.startswith("builtin:"):
        parts += ["--map", map_path]
    if store not in (None, "runs"):
        parts += ["--store", str(store)]
    return shlex.join(parts)


def constraint_phrase(c: Constraint) -> str:
    """One constraint in words, after its attribute: "is agent", "is one of a or b", "is at
    most 0.329", "is between 0.1 and 0.4"."""
    if c.values is not None:
        values = [str(v) for v in c.values]
        if len(values) == 1:
            return f"is {values[0]}"
        return f"is one of {', '.join(values[:-1])} or {values[-1]}"
    if c.min is not None and c.max is not None:
        return f"is between {c.min:g} and {c.max:g}"
    if c.max is not None:
        return f"is at most {c.max:g}"
    if c.min is not None:
        return f"is at least {c.min:g}"
    return "is anything"


LEGEND: tuple[tuple[str, str], ...] = (
    (
        "failure rate inside",
        "the share of the hunt's runs inside the region that fail one of its checks"
        " (PRIM calls it the box's density), with its exact 95% interval;"
        " outside: the same for the hunt's runs outside it",
    ),
    (
        "share of failures captured",
        "of the hunt's runs failing the region's checks, the share inside the region"
        " (PRIM's coverage of the box; not the map's bucket coverage)",
    ),
    (
        "rate drop without it",
        "how far the failure rate inside falls when that one constraint is removed and the"
        " others kept: the larger, the more the constraint matters",
    ),
    (
        "campaign hits and failures",
        "runs of every campaign of this SUT on this map that fall in the bucket, as the"
        " campaign's coverage table counts them",
    ),
    (
        "P(fail | value)",
        "failure rate of the hunt's runs with that value, numbers binned as the map's buckets are",
    ),
    (
        "minimal failing scenario",
        "a failing point of the region moved toward the defaults while it stays inside, then"
        " simulated again with new seeds after the search: how often it failed is shown",
    ),
    (
        "boundary pair",
        "two observed scenarios that differ in one attribute only, one failing inside the"
        " region and one passing outside it; the pair nearest the edge is shown",
    ),
)
"""Every statistic of the report, explained once (both formats print it)."""


IN_PASSING = (
    "met in passing: the hunt tested the origin's region, not this one, so its box, rates and"
    " label rest on runs drawn near the origin; hunt one of its failing runs to bound it"
)
"""What a region of another failure mode than the origin's is worth (every view says so)."""


def proposal_text(region: Region) -> str:
    """The region's proposal in words, with the region's own figures (never the proposal's
    detail, which may count other runs): "add dimension x (a, b); fails 73% inside R1, 0.0%
    outside"."""
    if region.proposal is None:
        return ""
    words = proposal_words(region.proposal.kind, region.proposal.detail)
    return (
        f"{words}; fails {region.inside.rate:.0%} inside {region.id},"
        f" {region.outside.rate:.1%} outside"
    )
