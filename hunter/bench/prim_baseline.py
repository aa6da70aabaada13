"""EMA Workbench's PRIM as a baseline: what a scenario-discovery user would run instead of hunter.

The standard scenario-discovery recipe is: sample the space uniformly, mark the runs of interest
(here: failing like the origin), run PRIM (Friedman and Fisher's patient rule induction, in the
EMA Workbench's implementation, with its default peeling and pasting) and pick a box on the
peeling trajectory. Users pick the box by eye on the coverage-density trade-off; the benchmark
picks the one with the best F1 of coverage and density on the samples, the most favourable
reading for PRIM that needs no ground truth.

The EMA Workbench is an optional dependency (``pip install 'hunter[bench]'``): the core never
imports it, and :func:`prim_available` lets the benchmark skip the method with one line when it
is missing.
"""

from __future__ import annotations

import functools
import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np

from hunter.analysis.hunt_analysis import region_of
from hunter.analysis.stats import rate
from hunter.analysis.table import observations
from hunter.coverage import CoverageMap, Space
from hunter.domain import Run
from hunter.regions import Constraint, HuntAnalysis, Rate

MISSING = "prim skipped: the EMA Workbench is not installed (pip install 'hunter[bench]')"
"""The one line the benchmark prints when the baseline cannot run."""
MASS_MIN = 0.01
"""PRIM's smallest box, as a share of the samples. The Workbench's default (0.05) would make
the benchmark's rare regions (1-2% of the space) unreachable by construction; 0.01 lets PRIM
reach them, and choosing the box by F1 keeps it from settling on a tiny one."""
THRESHOLD = 0.5
"""Runs with ``y`` at least this are the cases of interest (``y`` is 1 for a failure like the
origin's, else 0). The Workbench also returns a box only when its peeled box's mean reaches
it; otherwise its "dump box", the whole space: PRIM found nothing."""
ABSENT = "<absent>"


@functools.cache
def prim_available() -> bool:
    """Whether the EMA Workbench can be imported (the bench extra is installed)."""
    try:
        _prim_module()
    except ImportError:
        return False
    return True


def _prim_module() -> Any:
    with warnings.catch_warnings():  # the Workbench warns about optional parallel back-ends
        warnings.simplefilter("ignore")
        from ema_workbench.analysis import prim

    return prim


def _frame(runs: Sequence[Run], space: Space) -> Any:
    """The runs' attributes as the DataFrame PRIM reads: categorical columns as strings, numeric
    ones as floats, an absent sub-dimension as its own category (categorical) or below the
    range (numeric)."""
    import pandas as pd

    data: dict[str, list[Any]] = {}
    for spec in space.attributes:
        column: list[Any] = []
        for run in runs:
            value = run.attributes().get(spec.name)
            if spec.values is not None:
                column.append(ABSENT if value is None else str(value))
            elif value is None:
                column.append(spec.low - (spec.high - spec.low))
            else:
                column.append(float(value))
        data[spec.name] = column
    # Integer attributes go in as floats: the Workbench's pasting writes a float edge into an
    # int64 column, which pandas 2 refuses; as floats they are peeled like any numeric one.
    return pd.DataFrame(data)


def prim_constraints(
    runs: Sequence[Run], space: Space, origin_checks: frozenset[str]
) -> tuple[Constraint, ...] | None:
    """PRIM's box on ``runs`` as constraints, chosen on the trajectory by F1 (None: no box).

    Raises:
        ImportError: when the EMA Workbench is not installed.
    """
    valid = [r for r in runs if r.error is None]
    y = np.array([r.fails_like(origin_checks) for r in valid], dtype=int)
    if len(valid) < 2 or y.sum() == 0 or y.sum() == len(y):
        return None
    prim = _prim_module()
    frame = _frame(valid, space)
    by_value = {s.name: {str(v): v for v in s.values} for s in space.attributes if s.values}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        finder = prim.Prim(frame, y, threshold=THRESHOLD, mass_min=MASS_MIN)
        box = finder.find_box()
    trajectory = box.peeling_trajectory
    coverage = trajectory["coverage"].to_numpy(dtype=float)
    density = trajectory["density"].to_numpy(dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        scores = np.nan_to_num(2 * coverage * density / (coverage + density))
    limits = box.box_lims[int(np.argmax(scores))]
    initial = finder.box_init
    constraints = []
    for spec in space.attributes:
        if spec.name not in limits.columns:
            continue  # PRIM drops a column holding one value
        low, high = limits[spec.name].iloc[0], limits[spec.name].iloc[1]
        first, last = initial[spec.name].iloc[0], initial[spec.name].iloc[1]
        if spec.values is not None:
            if set(low) == set(first):
                continue
            kept = tuple(v for k, v in by_value[spec.name].items() if k in low)
            constraints.append(Constraint(spec.name, values=kept))
            continue
        lo = float(low) if float(low) > float(first) and float(low) > spec.low else None
        hi = float(high) if float(high) < float(last) else None
        if lo is not None or hi is not None:
            constraints.append(Constraint(spec.name, min=lo, max=hi))
    return tuple(constraints)


def prim_analysis(
    origin: Run,
    runs: Sequence[Run],
    space: Space,
    coverage_map: CoverageMap | None,
    background: Rate,
) -> HuntAnalysis:
    """PRIM's answer in the shape of a hunt's analysis: one region (its box, labelled by the
    same rules as hunter's), a ``bug`` when it found a box; it has no notion of a fluke."""
    checks = frozenset(origin.failed_checks)
    constraints = prim_constraints(runs, space, checks)
    nothing = HuntAnalysis("inconclusive", rate(0, 0), background, ())
    if not constraints:
        return nothing
    obs = observations(runs, space)
    y = obs.mode_labels(checks)
    inside_mask = np.array(
        [all(c.contains(r.attributes().get(c.attribute)) for c in constraints) for r in obs.runs]
    )
    region = region_of(
        1, constraints, inside_mask, obs, y, checks, origin.attributes(), space, coverage_map,
        background,
    )  # fmt: skip
    return HuntAnalysis("bug", rate(0, 0), background, (region,))
