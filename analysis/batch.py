"""What a hunt learns after each batch: computed once by the hunt loop, read by everyone.

The allocator needs the replay test's decision, the ``region`` strategy the current estimate of
the origin's box, the stop rule and the progress bar the full analysis. All three come from one
observation table of the same runs, so the loop asks for them together once per batch and hands
them on through the hunt context (as Optuna hands its samplers the study) instead of each part
recomputing its own version with its own counting rule.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from hunter.analysis.boxes import bound_region, to_constraints
from hunter.analysis.fluke import tally_replays
from hunter.analysis.hunt_analysis import analyse_hunt
from hunter.analysis.table import observations
from hunter.coverage import CoverageMap, Space
from hunter.domain import Run, Value
from hunter.regions import Constraint, HuntAnalysis, Rate, ReplayTally

MIN_ESTIMATE_FAILURES = 4
"""Failures like the origin's (its own run included) before a box is worth estimating."""


@dataclass(frozen=True, slots=True)
class BatchAnalysis:
    """The hunt's state of knowledge after a batch.

    Attributes:
        replays: the origin's replays, counted as failing when they fail like the origin.
        region_estimate: the box around the origin the analysis would draw now, for strategies
            to test: None while too few runs fail like the origin, empty when everything seen
            fails alike. Unlike a reported region it is not yet tested for support.
        analysis: the full analysis (regions, labels, verdict), when it was asked for.
    """

    replays: ReplayTally
    region_estimate: tuple[Constraint, ...] | None
    analysis: HuntAnalysis | None


def analyse_batch(
    origin: Run,
    origin_attributes: Mapping[str, Value],
    runs: Sequence[Run],
    space: Space,
    coverage_map: CoverageMap | None,
    background: Rate,
    *,
    estimate: bool,
    full: bool,
) -> BatchAnalysis:
    """Analyse a hunt's runs so far.

    Args:
        origin: the hunted run (its failed checks define failing like it).
        origin_attributes: the origin's attributes as validated against ``space``.
        estimate: whether to bound the origin's box for the strategies.
        full: whether to run the full analysis as well.
    """
    checks = frozenset(origin.failed_checks)
    replays = tally_replays((r for r in runs if r.strategy == "replay"), checks, background)
    obs = observations(runs, space) if estimate or full else None
    box: tuple[Constraint, ...] | None = None
    if obs is not None and estimate:
        y = np.array([r.fails_like(checks) for r in obs.runs], dtype=bool)
        if int(y.sum()) + 1 >= MIN_ESTIMATE_FAILURES:
            box = () if y.all() else to_constraints(bound_region(obs, y, origin_attributes), space)
    analysis = None
    if obs is not None and full:
        analysis = analyse_hunt(
            origin, runs, space, coverage_map, background, budget_exhausted=False, obs=obs
        )
    return BatchAnalysis(replays, box, analysis)
