"""The analysis of a whole hunt: fluke or bug, then one bounded, labelled region per mode."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np

from hunter.analysis.boxes import bound_region, to_constraints
from hunter.analysis.fluke import tally_replays
from hunter.analysis.labels import label_region
from hunter.analysis.modes import MIN_MODE_FAILURES, failure_modes
from hunter.analysis.stats import fails_more, rate, upper_bound
from hunter.analysis.table import Observations, observations
from hunter.coverage import Bucket, CoverageMap, Space
from hunter.domain import Run, Value
from hunter.regions import Constraint, HuntAnalysis, Rate, Region, Verdict, satisfies

MIN_BUCKET_RUNS = 20
MIN_REGION_SUPPORT = 15
"""A region with fewer runs inside cannot carry a useful interval; it is not reported."""


@dataclass(frozen=True, slots=True)
class BackgroundRun:
    """A valid campaign run as the background test reads it: the checks it failed, and the
    crossed buckets of the map it lies in."""

    run_id: str
    failed_checks: frozenset[str]
    buckets: frozenset[Bucket]


def background_pool(
    background: Iterable[Run], coverage_map: CoverageMap | None
) -> tuple[BackgroundRun, ...]:
    """The valid runs of ``background`` as :func:`background_rate` reads them: bucketing every
    campaign run is the costly part on a large store, and one pool serves every hunt of it."""
    return tuple(
        BackgroundRun(
            r.run_id,
            frozenset(r.failed_checks),
            frozenset(b for b in coverage_map.buckets_of(r.attributes()) if len(b) > 1)
            if coverage_map is not None
            else frozenset(),
        )
        for r in background
        if r.error is None
    )


def background_rate(
    origin: Run, pool: Sequence[BackgroundRun], coverage_map: CoverageMap | None
) -> Rate:
    """How often campaign runs fail the way the origin did (``pool``: their
    :func:`background_pool`, made with the same map).

    Runs sharing one of the origin's crossed buckets are the reference when there are enough of
    them, else the whole store; and of the two, the lower rate is taken, because a bucket that
    is itself the under-trained region would otherwise make its own bug look like background.
    """
    checks = set(origin.failed_checks)
    valid = pool

    def of(runs: Sequence[BackgroundRun]) -> Rate:
        return rate(sum(bool(checks & r.failed_checks) for r in runs), len(runs))

    overall = of(valid)
    if coverage_map is not None:
        mine = {b for b in coverage_map.buckets_of(origin.attributes()) if len(b) > 1}
        near = [r for r in valid if mine & r.buckets]
        if len(near) >= MIN_BUCKET_RUNS and of(near).rate < overall.rate:
            return of(near)
    return overall


def _significant(y: np.ndarray, inside: np.ndarray, alpha: float) -> bool:
    if inside.all():
        return False
    return fails_more(y, inside, ~inside) < alpha


def _anchor(obs: Observations, y: np.ndarray) -> dict[str, Value] | None:
    """The point a secondary mode's box is kept around: its failing run that shares categorical
    values with the most other failures (the mode's most typical failure)."""
    failing = np.flatnonzero(y)
    if len(failing) == 0:
        return None
    best, best_score = failing[0], -1
    for i in failing[:200]:
        score = 0
        for codes in obs.codes.values():
            score += int(np.sum(y & (codes == codes[i])))
        if score > best_score:
            best, best_score = i, score
    return obs.runs[int(best)].attributes()


def _region(
    index: int,
    obs: Observations,
    y: np.ndarray,
    mode_checks: frozenset[str],
    origin: Run,
    space: Space,
    coverage_map: CoverageMap | None,
    background: Rate,
    alpha: float,
    around_origin: bool,
) -> Region | None:
    origin_attrs = origin.attributes()
    box = bound_region(obs, y, origin_attrs if around_origin else _anchor(obs, y), alpha)
    constraints = to_constraints(box, space)
    inside_mask = box.mask(obs)
    if (
        not constraints
        or inside_mask.sum() < MIN_REGION_SUPPORT
        or not _significant(y, inside_mask, alpha)
    ):
        return None
    inside_rate = float(y[inside_mask].mean())
    relax = {}
    for c in constraints:
        relaxed = box.without(c.attribute).mask(obs)
        relax[c.attribute] = inside_rate - float(y[relaxed].mean()) if relaxed.any() else 0.0
    region = region_of(
        index, constraints, inside_mask, obs, y, mode_checks, origin_attrs, space, coverage_map,
        background, alpha,
    )  # fmt: skip
    return replace(region, relax_drop=relax)


def region_of(
    index: int,
    constraints: tuple[Constraint, ...],
    inside_mask: np.ndarray,
    obs: Observations,
    y: np.ndarray,
    checks: frozenset[str],
    origin_attrs: Mapping[str, Value],
    space: Space,
    coverage_map: CoverageMap | None,
    background: Rate,
    alpha: float = 0.05,
) -> Region:
    """The region a box of ``constraints`` makes of the runs ``obs`` (``inside_mask``: the runs
    it holds; ``y``: which of them fail like the mode): its rates inside and outside, label and
    proposal. Hunter's analysis and the benchmark's PRIM baseline both report regions this way,
    so the two are labelled and scored alike."""
    inside = rate(int(y[inside_mask].sum()), int(inside_mask.sum()))
    outside = rate(int(y[~inside_mask].sum()), int((~inside_mask).sum()))
    label, bucket, proposal = label_region(
        constraints, coverage_map, space, origin_attrs, obs, y, inside, background, alpha
    )
    return Region(
        id=f"R{index}",
        constraints=constraints,
        inside=inside,
        outside=outside,
        label=label,
        bucket=bucket,
        proposal=proposal,
        checks=tuple(sorted(checks)),
        density=inside.rate,
        coverage=float(y[inside_mask].sum() / max(1, y.sum())),
        contains_origin=satisfies(constraints, origin_attrs),
    )


def analyse_hunt(
    origin: Run,
    runs: Sequence[Run],
    space: Space,
    coverage_map: CoverageMap | None,
    background: Rate,
    *,
    budget_exhausted: bool,
    alpha: float = 0.05,
    obs: Observations | None = None,
) -> HuntAnalysis:
    """Fluke or bug, and the regions of the hunt's failure modes (the origin's first).

    Args:
        background: how often the origin's checks fail in the store's campaigns
            (:func:`background_rate`), the fluke hypothesis of the replay test.
        obs: ``runs`` as an observation table, when the caller has already built it.
    """
    origin_checks = frozenset(origin.failed_checks)
    replays = tally_replays((r for r in runs if r.strategy == "replay"), origin_checks, background)
    failures, n, decision = replays.failures, replays.runs, replays.decision
    replay_rate = rate(failures, n)
    back = background

    obs = obs if obs is not None else observations(runs, space)
    regions: list[Region] = []
    if len(obs) >= 2 * MIN_MODE_FAILURES:
        for mode in failure_modes(obs, origin_checks):
            if mode.failures < MIN_MODE_FAILURES:
                continue
            y = obs.mode_labels(mode.checks)
            around_origin = bool(mode.checks & origin_checks)
            region = _region(
                len(regions) + 1,
                obs,
                y,
                mode.checks,
                origin,
                space,
                coverage_map,
                back,
                alpha,
                around_origin,
            )
            if region is not None:
                regions.append(region)
    regions.sort(
        key=lambda r: (
            not (r.contains_origin and set(r.checks) & origin_checks),
            not r.contains_origin,
            -r.inside.failures,
        )
    )
    regions = [_renumber(r, i + 1) for i, r in enumerate(regions)]

    origin_region = next((r for r in regions if r.contains_origin), None)
    verdict: Verdict
    if decision == "bug" or (
        origin_region is not None and origin_region.inside.ci95[0] > back.ci95[1]
    ):
        verdict = "bug"
    elif decision == "fluke":
        verdict = "fluke"
    else:
        verdict = "inconclusive"
    fluke_bound = upper_bound(failures, n) if verdict == "fluke" else None
    if verdict == "fluke":
        regions = [r for r in regions if not r.contains_origin]
    notes: tuple[str, ...] = ()
    if verdict == "inconclusive" and not budget_exhausted:
        notes = ("the hunt stopped before the replays decided",)
    return HuntAnalysis(
        verdict=verdict,
        origin_replay=replay_rate,
        background=back,
        regions=tuple(regions),
        fluke_upper_bound=round(fluke_bound, 4) if fluke_bound is not None else None,
        notes=notes,
    )


def _renumber(region: Region, index: int) -> Region:
    return replace(region, id=f"R{index}")
