"""Region bounding: a box of attribute constraints around the failing points of one mode.

The box comes from PRIM-style peeling (Friedman and Fisher's bump hunting), adapted to hunts:

* Peeling never removes the origin when the mode is the origin's: the region is *its* region.
* Each step removes one categorical value, or an ``alpha`` slice at one end of a numeric range,
  whichever leaves the highest failure rate; the whole peeling trajectory is kept.
* The box is chosen on the trajectory automatically, by its F1 on the observations (the share
  of the mode's failures it holds against the share of its points that fail), not left to the
  user as scenario-discovery tools do.
* Each attribute's side is then refitted given all the others (same F1 criterion), which
  undoes leftovers of greedy peeling; numeric edges sit midway between observed points.
* Then each constraint is tested: relaxing it adds points; if they do not fail significantly
  less often (one-sided Fisher exact test, Holm-corrected across constraints) it is dropped.

Why by hand: the PRIM implementations on PyPI (ema_workbench's among them) need a user to pick
the box on the trajectory and do not keep a given point inside; the statistics are scipy's.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from hunter.analysis.stats import fails_more, holm
from hunter.analysis.table import ABSENT, Observations
from hunter.coverage import Space
from hunter.domain import Value
from hunter.regions import Constraint

PEEL_ALPHA = 0.1
MIN_SUPPORT = 6


@dataclass(frozen=True, slots=True)
class Box:
    """Allowed categorical values and numeric bounds; attributes not named are unconstrained."""

    values: Mapping[str, frozenset[object]]
    low: Mapping[str, float]
    high: Mapping[str, float]

    def mask(self, obs: Observations) -> np.ndarray:
        inside = np.ones(len(obs), dtype=bool)
        for name, allowed in self.values.items():
            inside &= obs.isin(name, allowed)
        # NaN (an absent sub-dimension) compares False: a numeric side excludes it
        for name, lo in self.low.items():
            inside &= obs.columns[name] >= lo
        for name, hi in self.high.items():
            inside &= obs.columns[name] <= hi
        return inside

    def without(self, name: str) -> Box:
        return Box(
            {k: v for k, v in self.values.items() if k != name},
            {k: v for k, v in self.low.items() if k != name},
            {k: v for k, v in self.high.items() if k != name},
        )

    @property
    def names(self) -> list[str]:
        return sorted(set(self.values) | set(self.low) | set(self.high))


def f1(y: np.ndarray, inside: np.ndarray) -> float:
    """F1 of "inside the box" against "fails": the criterion boxes are chosen by."""
    tp = float(np.sum(y & inside))
    if tp == 0:
        return 0.0
    precision, recall = tp / float(inside.sum()), tp / float(y.sum())
    return 2 * precision * recall / (precision + recall)


def _candidates(
    obs: Observations, box: Box, inside: np.ndarray, origin: Mapping[str, Value] | None
) -> list[Box]:
    out = []
    for name, col in obs.columns.items():
        if name in obs.categorical:
            present = set(col[inside])
            if len(present) < 2:
                continue
            allowed = set(box.values.get(name, present)) & present
            keep_origin = origin.get(name, ABSENT) if origin is not None else None
            for value in present:
                if value == keep_origin:
                    continue
                values = dict(box.values)
                values[name] = frozenset(allowed - {value})
                out.append(Box(values, box.low, box.high))
        else:
            x = col[inside]
            x = x[~np.isnan(x)]
            if len(np.unique(x)) < 2:
                continue
            ox = origin.get(name) if origin is not None else None
            lo_cut = float(np.quantile(x, PEEL_ALPHA))
            hi_cut = float(np.quantile(x, 1 - PEEL_ALPHA))
            if lo_cut <= x.min():
                lo_cut = float(np.unique(x)[1])
            if hi_cut >= x.max():
                hi_cut = float(np.unique(x)[-2])
            if ox is None or float(ox) >= lo_cut:
                out.append(Box(box.values, {**box.low, name: lo_cut}, box.high))
            if ox is None or float(ox) <= hi_cut:
                out.append(Box(box.values, box.low, {**box.high, name: hi_cut}))
    return out


def peel(obs: Observations, y: np.ndarray, origin: Mapping[str, Value] | None) -> list[Box]:
    """The PRIM peeling trajectory, from the whole space down to ``MIN_SUPPORT`` points."""
    box = Box({}, {}, {})
    trajectory = [box]
    inside = np.ones(len(obs), dtype=bool)
    while inside.sum() > MIN_SUPPORT:
        best, best_mean, best_inside = None, -1.0, inside
        for candidate in _candidates(obs, box, inside, origin):
            mask = candidate.mask(obs)
            if mask.sum() < MIN_SUPPORT or mask.sum() == inside.sum():
                continue
            mean = float(y[mask].mean())
            if mean > best_mean:
                best, best_mean, best_inside = candidate, mean, mask
        if best is None or best_mean <= float(y[inside].mean()) - 1e-12:
            break
        box, inside = best, best_inside
        trajectory.append(box)
    return trajectory


def _global_f1(tp: float, fp: float, failures: float) -> float:
    if tp <= 0:
        return 0.0
    return 2 * tp / (2 * tp + fp + (failures - tp))


def _refit_categorical(
    col: np.ndarray, y: np.ndarray, others: np.ndarray, keep: object, failures: float
) -> frozenset[object] | None:
    """The value set that maximises F1 given the other constraints (None: no constraint)."""
    values = list(dict.fromkeys(col[others]))
    if len(values) < 2:
        return None
    stats = []
    for v in values:
        at = others & (col == v)
        stats.append((v, float(y[at].sum()), float((~y[at]).sum())))
    stats.sort(key=lambda s: (-(s[1] / (s[1] + s[2])), s[0] != keep))
    best, best_f1, tp, fp = 0, -1.0, 0.0, 0.0
    for k, (_, f, p) in enumerate(stats):
        tp, fp = tp + f, fp + p
        score = _global_f1(tp, fp, failures)
        holds_origin = keep is None or keep in {s[0] for s in stats[: k + 1]}
        if holds_origin and score > best_f1 + 1e-12:
            best, best_f1 = k, score
    chosen = frozenset(s[0] for s in stats[: best + 1])
    return None if len(chosen) == len(values) else chosen


def _refit_numeric(
    x: np.ndarray, y: np.ndarray, others: np.ndarray, keep: float | None, failures: float
) -> tuple[float | None, float | None]:
    """The interval (midpoint edges) that maximises F1 given the other constraints."""
    sel = others & ~np.isnan(x)
    xs, ys = x[sel], y[sel]
    if len(np.unique(xs)) < 2:
        return None, None
    order = np.argsort(xs, kind="stable")
    xs, ys = xs[order], ys[order]
    uniq, start = np.unique(xs, return_index=True)
    f_cum = np.concatenate([[0.0], np.cumsum(ys)])[np.append(start, len(xs))]
    p_cum = np.concatenate([[0.0], np.cumsum(~ys)])[np.append(start, len(xs))]
    n = len(uniq)
    lo_limit = n - 1 if keep is None else int(np.searchsorted(uniq, keep, side="right")) - 1
    hi_limit = 0 if keep is None else max(0, lo_limit)
    if keep is not None and lo_limit < 0:
        lo_limit = hi_limit = 0
    lo, hi = 0, n - 1
    for _ in range(3):  # alternate: best hi for this lo, best lo for this hi
        his = np.arange(max(lo, hi_limit), n)
        tp = f_cum[his + 1] - f_cum[lo]
        fp = p_cum[his + 1] - p_cum[lo]
        hi = int(his[np.argmax([_global_f1(a, b, failures) for a, b in zip(tp, fp, strict=True)])])
        los = np.arange(0, min(hi, lo_limit) + 1)
        tp = f_cum[hi + 1] - f_cum[los]
        fp = p_cum[hi + 1] - p_cum[los]
        lo = int(los[np.argmax([_global_f1(a, b, failures) for a, b in zip(tp, fp, strict=True)])])
    low = None if lo == 0 else float((uniq[lo - 1] + uniq[lo]) / 2)
    high = None if hi == n - 1 else float((uniq[hi] + uniq[hi + 1]) / 2)
    return low, high


MIN_EXCLUDED = 5
"""A side is only drawn when at least this many observed runs lie beyond it."""


def _excludes_less_failing(
    y: np.ndarray, inside: np.ndarray, excluded: np.ndarray, alpha: float
) -> bool:
    """Do the runs a side excludes fail significantly less often than those it keeps?"""
    if excluded.sum() < MIN_EXCLUDED or inside.sum() == 0:
        return False
    return fails_more(y, inside, excluded) < alpha


def refit(
    obs: Observations,
    y: np.ndarray,
    box: Box,
    origin: Mapping[str, Value] | None,
    rounds: int = 3,
    alpha: float = 0.05,
) -> Box:
    """Re-choose each attribute's side given all the others, until nothing changes.

    Peeling is greedy and path-dependent: an early peel can leave a value in that a later one
    makes obviously wrong (a failing-free category kept because another constraint was taken
    first). Refitting one attribute at a time on the slice the other constraints select, by the
    same F1 criterion, removes such leftovers and lets spurious sides fall away.
    """
    failures = float(y.sum())
    # Each round tests a side of every attribute on data the side was chosen on: Bonferroni over
    # the attributes keeps a noisy attribute from earning a side by chance.
    alpha = alpha / max(1, len(obs.columns))
    for _ in range(rounds):
        before = box
        for name, col in obs.columns.items():
            others = box.without(name).mask(obs)
            keep = origin.get(name, ABSENT) if origin is not None else None
            values = dict(box.values)
            low, high = dict(box.low), dict(box.high)
            values.pop(name, None)
            low.pop(name, None)
            high.pop(name, None)
            if name in obs.categorical:
                chosen = _refit_categorical(col, y, others, keep, failures)
                if chosen is not None:
                    kept = others & obs.isin(name, chosen)
                    if _excludes_less_failing(y, kept, others & ~kept, alpha):
                        values[name] = chosen
            else:
                k = None if keep is None or keep == ABSENT else float(keep)
                lo, hi = _refit_numeric(col, y, others, k, failures)
                x = np.nan_to_num(col, nan=np.inf)
                kept = (
                    others
                    & (x >= (lo if lo is not None else -np.inf))
                    & (x <= (hi if hi is not None else np.inf))
                )
                if lo is not None and _excludes_less_failing(y, kept, others & (x < lo), alpha):
                    low[name] = lo
                if hi is not None and _excludes_less_failing(
                    y, kept, others & (x > hi) & np.isfinite(x), alpha
                ):
                    high[name] = hi
            box = Box(values, low, high)
        if box == before:
            break
    return box


def relax_test(obs: Observations, y: np.ndarray, box: Box, name: str) -> float:
    """One-sided p-value that the points relaxing ``name`` adds fail less than the box's."""
    inside = box.mask(obs)
    added = box.without(name).mask(obs) & ~inside
    if added.sum() == 0:
        return 1.0
    return fails_more(y, inside, added)


def prune(obs: Observations, y: np.ndarray, box: Box, alpha: float) -> Box:
    """Drop constraints that do not matter, testing all of them together (Holm), repeatedly."""
    while box.names:
        pvalues = {name: relax_test(obs, y, box, name) for name in box.names}
        keep = holm(pvalues, alpha)
        if keep == set(box.names):
            return box
        worst = max(set(box.names) - keep, key=lambda n: pvalues[n])
        box = box.without(worst)
    return box


def bound_region(
    obs: Observations,
    y: np.ndarray,
    origin: Mapping[str, Value] | None,
    alpha: float = 0.05,
) -> Box:
    """The box of one mode: peel, pick by F1, refine the edges, test every constraint."""
    trajectory = peel(obs, y, origin)
    scores = [f1(y, b.mask(obs)) for b in trajectory]
    box = trajectory[int(np.argmax(scores))]
    box = refit(obs, y, box, origin, alpha=alpha)
    box = prune(obs, y, box, alpha)
    return refit(obs, y, box, origin, rounds=1, alpha=alpha) if box.names else box


def to_constraints(box: Box, space: Space) -> tuple[Constraint, ...]:
    """The box as contract constraints, in space order, dropping sides that constrain nothing.

    A box that keeps a sub-dimension present (its ``ABSENT`` value peeled away) says, in the
    contract's terms, that the sub-dimension's ``when`` holds: that becomes constraints on the
    parents, since the sub-dimension's own values would all be allowed and say nothing.
    """
    parents: dict[str, set[Value]] = {}
    for spec in space.attributes:
        kept = box.values.get(spec.name)
        if spec.when and kept is not None and ABSENT not in kept:
            for parent, values in spec.when:
                parents[parent] = parents.get(parent, set(values)) & set(values)
    out = []
    for spec in space.attributes:
        name = spec.name
        if name in box.values or name in parents:
            kept = box.values.get(name, frozenset(spec.values or ()))
            present = [v for v in (spec.values or ()) if v in kept and v in parents.get(name, kept)]
            if spec.values is not None and len(present) < len(spec.values):
                out.append(Constraint(name, values=tuple(present)))
        elif name in box.low or name in box.high:
            lo = box.low.get(name)
            hi = box.high.get(name)
            lo = None if lo is None or lo <= spec.low else _round(lo, spec.integer, up=True)
            hi = None if hi is None or hi >= spec.high else _round(hi, spec.integer, up=False)
            if lo is not None or hi is not None:
                out.append(Constraint(name, min=lo, max=hi))
    return tuple(out)


def _round(x: float, integer: bool, *, up: bool) -> float:
    if integer:
        return float(np.ceil(x) if up else np.floor(x))
    return round(x, 3)
