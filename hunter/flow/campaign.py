"""Coverage-driven campaigns: sample the map, under-covered buckets first, everything else random.

This is the sampling the CDV essay describes: a bucket is a combination of values of crossed
dimensions; each new scenario targets the bucket furthest below its (weighted) goal, fixes that
bucket's cells, and randomizes every other attribute, mapped or not.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from hunter.coverage import Bucket, CoverageMap, Space
from hunter.domain import AttributeDict, AttributeSpec, Run, Scenario, Value
from hunter.errors import InvalidConfig
from hunter.executor import Executor
from hunter.records import HuntSetup
from hunter.store import Store
from hunter.sut import Sut


@dataclass(frozen=True, slots=True)
class CoverageRow:
    """One line of the coverage table."""

    bucket: Bucket
    hits: int
    failures: int
    errors: int
    goal: int

    @property
    def coverage(self) -> float:
        return min(1.0, self.hits / self.goal)

    @property
    def valid(self) -> int:
        """Hits that did not error: the runs the failure rate is of."""
        return self.hits - self.errors

    @property
    def failure_rate(self) -> float:
        """Failures per valid hit; 0.0 when there is none (``frames.coverage`` keeps it a
        number; the table prints "-" for such a bucket, see :attr:`valid`)."""
        return self.failures / self.valid if self.valid else 0.0

    @property
    def label(self) -> str:
        return bucket_text(self.bucket)


def bucket_text(bucket: Bucket) -> str:
    return ", ".join(f"{d}={c}" for d, c in bucket)


def coverage_table(coverage_map: CoverageMap, runs: Iterable[Run]) -> list[CoverageRow]:
    """Hits, failures and errors of every bucket of the map over ``runs``."""
    hits: Counter[Bucket] = Counter()
    failures: Counter[Bucket] = Counter()
    errors: Counter[Bucket] = Counter()
    for run in runs:
        for bucket in coverage_map.buckets_of(run.attributes()):
            hits[bucket] += 1
            failures[bucket] += run.failed
            errors[bucket] += run.error is not None
    return [
        CoverageRow(b, hits[b], failures[b], errors[b], coverage_map.goal)
        for b in coverage_map.buckets()
    ]


def _value_in_cell(spec: AttributeSpec, cell: str, rng: np.random.Generator) -> Value:
    """A value of ``spec`` in its bucket cell ``cell``; ``spec`` is the map's dimension, whose
    bins an accepted proposal may have refined beyond the SUT space's."""
    if spec.values is not None:
        return next(v for v in spec.values if str(v) == cell)
    edges = spec.bin_edges()
    i = spec.bucket_labels().index(cell)
    lo, hi = edges[i], edges[i + 1]
    if spec.integer:
        options = [
            v
            for v in range(int(np.ceil(lo)), int(np.floor(hi)) + 1)
            if spec.bucket_label(v) == cell
        ]
        return int(options[int(rng.integers(len(options)))]) if options else spec.clip(lo)
    return float(round(rng.uniform(lo, hi), 6))


def plan_campaign(
    coverage_map: CoverageMap,
    space: Space,
    n: int,
    rng: np.random.Generator,
    prior_hits: Mapping[Bucket, int] | None = None,
) -> list[AttributeDict]:
    """Choose ``n`` scenarios, each aimed at the bucket furthest below its weighted goal."""
    hits: Counter[Bucket] = Counter(prior_hits or {})
    buckets = [b for b in coverage_map.buckets() if coverage_map.weight_of(b) > 0]
    plan: list[AttributeDict] = []
    for _ in range(n):
        need = np.array(
            [hits[b] / (coverage_map.goal * coverage_map.weight_of(b)) for b in buckets]
        )
        lowest = np.flatnonzero(need == need.min())
        target = buckets[int(lowest[int(rng.integers(len(lowest)))])]
        partial: AttributeDict = {}
        for name, cell in target:
            dimension = coverage_map.space[name]
            # A sub-dimension needs its parent set, as the map and as the space declare it.
            for parent, allowed in (*dimension.when, *space[name].when):
                partial.setdefault(parent, allowed[0])
            partial[name] = _value_in_cell(dimension, cell, rng)
        attributes = space.validate(space.complete(partial, rng))
        plan.append(attributes)
        for bucket in coverage_map.buckets_of(attributes):
            hits[bucket] += 1
    return plan


@dataclass(frozen=True, slots=True)
class CampaignResult:
    campaign_id: str
    runs: tuple[Run, ...]
    table: tuple[CoverageRow, ...]

    @property
    def failed_run_ids(self) -> list[str]:
        return [r.run_id for r in self.runs if r.failed]

    def to_json(self) -> dict[str, Any]:
        return {
            "campaign_id": self.campaign_id,
            "runs": len(self.runs),
            "failed_run_ids": self.failed_run_ids,
            "errors": sum(r.error is not None for r in self.runs),
        }


def prior_campaign_runs(
    store: Store,
    coverage_map: CoverageMap,
    sut: str,
    before: str | None = None,
    *,
    version: str | None = None,
) -> list[Run]:
    """Runs of earlier campaigns on the same map and SUT (made before campaign ``before``, if
    given): their hits count toward coverage. A Python function's campaigns count only for
    the same ``version`` of it (:attr:`SutOptions.function_version`): a fixed function keeps
    its name, and its old failures must not show in the new one's table or background."""
    made = store.campaigns()
    ids = [c.campaign_id for c in made]
    earlier = made[: ids.index(before)] if before in ids else made
    counted = {
        c.campaign_id
        for c in earlier
        if c.setup.coverage_map is not None
        and c.setup.coverage_map.name == coverage_map.name
        and c.setup.options.function_version == version
    }
    return [r for r in store.runs(campaigns_only=True, sut=sut) if r.campaign_id in counted]


def unfinished_campaign(store: Store, setup: HuntSetup, seed: int, n: int) -> str | None:
    """The campaign the same command made last, if it stopped short of its ``n`` runs
    (interrupted): running the command again finishes it rather than starting another. A
    finished one is left alone: the same command again is a new campaign, aimed at the buckets
    the earlier ones left under-covered."""
    same = [
        c
        for c in store.campaigns(kind="campaign")
        if (c.seed, c.n) == (seed, n) and c.setup.to_json() == setup.to_json()
    ]
    if same and len(store.runs(campaign_id=same[-1].campaign_id)) < n:
        return same[-1].campaign_id
    return None


def run_campaign(
    store: Store,
    coverage_map: CoverageMap,
    space: Space,
    sut: Sut,
    *,
    n: int,
    seed: int,
    workers: int = 1,
    cluster: str | None = None,
    map_path: str | None = None,
    on_run: Callable[[Run], None] | None = None,
) -> CampaignResult:
    """Sample ``n`` scenarios from the map, simulate them and store each as it returns.

    An interrupted campaign is finished by the same command (:func:`unfinished_campaign`): the
    plan is drawn again as it was (from the campaigns made before it) and only the scenarios
    it has not stored yet are simulated."""
    setup = HuntSetup(sut.spec, sut.options, coverage_map, map_path, space)
    resumed = unfinished_campaign(store, setup, seed, n)
    prior = prior_campaign_runs(
        store, coverage_map, sut.spec, before=resumed, version=sut.options.function_version
    )
    prior_hits: Counter[Bucket] = Counter()
    for run in prior:
        prior_hits.update(coverage_map.buckets_of(run.attributes()))
    rng = np.random.default_rng(seed)
    plan = plan_campaign(coverage_map, space, n, rng, prior_hits)
    scenarios = [Scenario.of(a, int(rng.integers(0, 2**31 - 1))) for a in plan]
    runs: list[Run] = []
    if resumed is None:
        campaign_id = store.add_campaign(setup, seed=seed, n=n).campaign_id
    else:
        campaign_id = resumed
        runs = store.runs(campaign_id=campaign_id)
        stored = Counter(run.scenario.key() for run in runs)
        todo = []
        for scenario in scenarios:
            if stored[scenario.key()] > 0:
                stored[scenario.key()] -= 1
            else:
                todo.append(scenario)
        scenarios = todo
        if on_run is not None:
            for run in runs:
                on_run(run)
    sut.bind_campaign(campaign_id, store.folder)
    executor = Executor(sut, workers=workers, cluster=cluster)
    try:
        for outcome in executor.map(scenarios):
            run = store.add_run(outcome, sut=sut.spec, campaign_id=campaign_id)
            sut.stored(run)
            runs.append(run)
            if on_run is not None:
                on_run(run)
    finally:
        executor.close()
    table = coverage_table(coverage_map, [*prior, *runs])
    return CampaignResult(campaign_id, tuple(runs), tuple(table))


def campaign_space(
    coverage_map: CoverageMap, declared: Space | None, sut: Sut | None = None
) -> Space:
    """The space a campaign samples: the SUT's space (declared or given) plus the map's dimensions.

    A map dimension must mean the same in both: a space that declares it differently is rejected,
    and so is one the SUT does not take at all (:meth:`Sut.accepts`: every run would error).
    The map's bins win over the space's: they are the buckets the map counts, and the report's
    tables and plots are binned as the map's buckets are.
    """
    for each in coverage_map.dimensions:
        if sut is not None and not sut.accepts(each.name):
            raise InvalidConfig(
                f"map dimension {each.name!r} is not an attribute SUT {str(sut.spec)!r} takes:"
                " every run would be a SUT error"
            )
    if declared is None:
        return coverage_map.space
    by_name = {dim.name: dim for dim in coverage_map.dimensions}
    specs = []
    for spec in declared.attributes:
        dim = by_name.get(spec.name)
        if dim is not None:
            check_same_dimension(dim, spec)
            if dim.bins is not None:
                spec = replace(spec, bins=dim.bins)
        specs.append(spec)
    return Space(tuple(specs)).merged_with(coverage_map.dimensions)


def check_same_dimension(dim: AttributeSpec, spec: AttributeSpec) -> None:
    """Raise when a map dimension and the space's attribute of its name differ.

    Raises:
        InvalidConfig: naming the dimension and what differs.
    """
    if dim.values is not None or spec.values is not None:
        if dim.values != spec.values:
            raise InvalidConfig(
                f"map dimension {dim.name!r} does not match the space's attribute of that name:"
                f" values {_listed(dim)} in the map, {_listed(spec)} in the space"
            )
    elif dim.range != spec.range:
        raise InvalidConfig(
            f"map dimension {dim.name!r} does not match the space's attribute of that name:"
            f" {_listed(dim)} in the map, {_listed(spec)} in the space"
        )


def _listed(spec: AttributeSpec) -> str:
    if spec.values is not None:
        return "[" + ", ".join(str(v) for v in spec.values) + "]"
    kind = "integer" if spec.integer else "range"
    return f"{kind} {spec.low:g}..{spec.high:g}" if spec.range is not None else "no values"
