"""Region bounding: a box of attribute constraints around the failing points of one mode.

The box comes from PRIM-style peeling (Friedman and Fisher's bump hunting), adapted to hunts:

* Peeling never removes the origin when the mode is the origin's: the region is *its* region.
* Each step removes one categorical value, or an ``alpha`` slice at one end of a numeric range,
  whichever leaves the highest failure rate; the whole peeling trajectory is kept.
* The box is chosen on the trajectory automatically, by its F1 on the observations (the share
  of the mode's failures it holds against the share of its points that fail), not left to the
  user as scenario-discovery tools do.
* Each attribute's side is then refitted given all the others (same F1 criterion), which
  undoes leftovers of greedy peeling; numeric edges are drawn where a step in the failure rate
  is expected to lie (:func:`_expected_edges`), midway between observed points on a clean step.
* A side is only drawn when the runs it excludes fail significantly less often than those it
  keeps, tested on the runs it was chosen on: the test is corrected for that choice (a
  numeric cut is the most contrasting of many, a value set the best of several, exactly) and
  Bonferroni-corrected across attributes, so an attribute that does not matter rarely earns a
  side.
* Then each constraint is tested: relaxing it adds points; if they do not fail significantly
  less often (one-sided Fisher exact test, Holm-corrected across constraints) it is dropped.
* Last, each side is tried swapped for another attribute's (:func:`_swap_sides`): a hunt's
  sampling correlates the attributes its box bounds.

Why by hand: the PRIM implementations on PyPI (ema_workbench's among them) need a user to pick
the box on the trajectory and do not keep a given point inside; the statistics are scipy's.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache, lru_cache, partial
from typing import Any

import numpy as np

from hunter.analysis.edges import LIKELIHOOD_DROP
from hunter.analysis.stats import (
    Cuts,
    fisher_greater,
    holm,
    max_selected_cut_p,
    max_selected_set_p,
    step_loglik,
)
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


class _Sides:
    """The masks of one observation table, built once per region search.

    A box's mask is the AND of its attributes' sides, and the search asks for thousands of
    boxes that differ from each other by one side: each side's mask is computed once and
    cached, and each numeric column is sorted once (stable, NaN last) so a slice of it is a
    sorted sample without another sort. The masks are the ones :meth:`Box.mask` computes.
    """

    def __init__(self, obs: Observations, y: np.ndarray) -> None:
        self.obs = obs
        self.y = y
        self.failures = int(np.count_nonzero(y))
        self.cache: dict[tuple[Any, ...], np.ndarray] = {}
        self.sorted: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = {}
        self.levels = {name: list(table) for name, table in obs.levels.items()}

    def side(self, box: Box, name: str) -> np.ndarray | None:
        """The mask of ``box``'s constraints on ``name`` alone (None: it has none)."""
        allowed, lo, hi = box.values.get(name), box.low.get(name), box.high.get(name)
        if allowed is None and lo is None and hi is None:
            return None
        key = (name, allowed, lo, hi)
        mask = self.cache.get(key)
        if mask is None:
            obs = self.obs
            mask = np.ones(len(obs), dtype=bool) if allowed is None else obs.isin(name, allowed)
            if lo is not None:
                mask &= obs.columns[name] >= lo
            if hi is not None:
                mask &= obs.columns[name] <= hi
            self.cache[key] = mask
        return mask

    def mask(self, box: Box, skip: str | None = None) -> np.ndarray:
        """``box.mask(obs)``, or ``box.without(skip).mask(obs)``."""
        inside = np.ones(len(self.obs), dtype=bool)
        for name in {*box.values, *box.low, *box.high}:
            if name != skip:
                side = self.side(box, name)
                if side is not None:
                    inside &= side
        return inside

    def column(self, name: str) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """A numeric column's order (stable argsort, NaN dropped), its values and outcomes in
        that order, and the column with NaN as +inf (what refitting compares against)."""
        if name not in self.sorted:
            col = self.obs.columns[name]
            order = np.argsort(col, kind="stable")
            order = order[: len(col) - int(np.count_nonzero(np.isnan(col)))]
            self.sorted[name] = (order, col[order], self.y[order], np.nan_to_num(col, nan=np.inf))
        return self.sorted[name]


@lru_cache(maxsize=1 << 16)
def _fisher_greater(failures_a: int, runs_a: int, failures_b: int, runs_b: int) -> float:
    """:func:`fisher_greater`, remembered: a search tests the same 2x2 tables again and again
    (each refit round, each prune pass, each batch's analysis), and the test is a pure function
    of its four counts."""
    return fisher_greater(failures_a, runs_a, failures_b, runs_b)


def _fails_more(y: np.ndarray, a: np.ndarray, b: np.ndarray) -> float:
    """:func:`hunter.analysis.stats.fails_more`, through the remembered test."""
    return _fisher_greater(
        int(np.count_nonzero(y & a)),
        int(np.count_nonzero(a)),
        int(np.count_nonzero(y & b)),
        int(np.count_nonzero(b)),
    )


def _quantile(xs: np.ndarray, q: float) -> float:
    """``np.quantile(x, q)`` (its default ``linear`` method) of ``xs``, the sorted ``x``.

    The same arithmetic as numpy's (virtual index ``(n - 1) * q``, then its ``_lerp``, which
    interpolates from the upper neighbour when the weight is at least a half), so the cut is
    the same float; numpy would partition the sample anew on every call, and peeling calls it
    twice per numeric attribute per step on a sample it has already sorted.
    """
    n = len(xs)
    index = (n - 1) * q
    if index >= n - 1:
        return float(xs[-1])
    below = math.floor(index)
    gamma = index - below
    a, b = float(xs[below]), float(xs[below + 1])
    diff = b - a
    if gamma >= 0.5:
        return b - diff * (1 - gamma)
    return a + diff * gamma


def peel(obs: Observations, y: np.ndarray, origin: Mapping[str, Value] | None) -> list[Box]:
    """The PRIM peeling trajectory, from the whole space down to ``MIN_SUPPORT`` points."""
    return _peel(obs, y, origin, _Sides(obs, y))[0]


def _peel(
    obs: Observations, y: np.ndarray, origin: Mapping[str, Value] | None, sides: _Sides
) -> tuple[list[Box], list[np.ndarray]]:
    """:func:`peel`, with each box's mask.

    Each step's candidates are the box with one value removed or one end cut, in a fixed order
    (attributes in column order, a categorical attribute's values in the order of the set of
    the values inside, a numeric attribute's low cut before its high cut); the first candidate
    with the highest failure rate, among those keeping ``MIN_SUPPORT`` points and removing at
    least one, is taken. A candidate's points are the box's points minus those with the removed
    value or beyond the cut (a cut lies strictly inside the range of the box's points, so it
    never lets a point back in), so a candidate is scored from counts, and only the box that
    is taken is built.
    """
    box = Box({}, {}, {})
    inside = np.ones(len(obs), dtype=bool)
    trajectory, insides = [box], [inside]
    while (count := int(np.count_nonzero(inside))) > MIN_SUPPORT:
        failing_inside = y & inside
        fails = int(np.count_nonzero(failing_inside))
        best: tuple[Any, ...] | None = None
        best_mean = -1.0
        for name, col in obs.columns.items():
            if name in obs.categorical:
                present = set(col[inside])
                if len(present) < 2:
                    continue
                keep_origin = origin.get(name, ABSENT) if origin is not None else None
                codes, table = obs.codes[name], obs.levels[name]
                per_value = np.bincount(codes[inside], minlength=len(table))
                failing_per_value = np.bincount(codes[failing_inside], minlength=len(table))
                # In code order (first seen), not set order: the order of a set of strings
                # changes with Python's hash seed, and it breaks ties between equal peels.
                for value in sorted(present, key=table.__getitem__):
                    if value == keep_origin:
                        continue
                    code = table[value]
                    size = count - int(per_value[code])
                    if size < MIN_SUPPORT or size == count:
                        continue
                    mean = (fails - int(failing_per_value[code])) / size
                    if mean > best_mean:
                        best, best_mean = ("value", name, value, present), mean
            else:
                order, sorted_x, sorted_y, _ = sides.column(name)
                chosen = inside[order]
                x = sorted_x[chosen]
                if len(x) == 0 or x[0] == x[-1]:
                    continue
                outcomes = sorted_y[chosen]
                ox = origin.get(name) if origin is not None else None
                lo_cut = _quantile(x, PEEL_ALPHA)
                hi_cut = _quantile(x, 1 - PEEL_ALPHA)
                if lo_cut <= x[0]:  # the second smallest distinct value
                    lo_cut = float(x[int(np.searchsorted(x, x[0], side="right"))])
                if hi_cut >= x[-1]:  # the second largest distinct value
                    hi_cut = float(x[int(np.searchsorted(x, x[-1], side="left")) - 1])
                if ox is None or float(ox) >= lo_cut:
                    start = int(np.searchsorted(x, lo_cut, side="left"))
                    size = len(x) - start
                    if MIN_SUPPORT <= size != count:
                        mean = int(np.count_nonzero(outcomes[start:])) / size
                        if mean > best_mean:
                            best, best_mean = ("low", name, lo_cut), mean
                if ox is None or float(ox) <= hi_cut:
                    size = int(np.searchsorted(x, hi_cut, side="right"))
                    if MIN_SUPPORT <= size != count:
                        mean = int(np.count_nonzero(outcomes[:size])) / size
                        if mean > best_mean:
                            best, best_mean = ("high", name, hi_cut), mean
        if best is None or best_mean <= fails / count - 1e-12:
            break
        kind, name = best[0], best[1]
        if kind == "value":
            value, present = best[2], best[3]
            allowed = set(box.values.get(name, present)) & present
            values = dict(box.values)
            values[name] = frozenset(allowed - {value})
            box = Box(values, box.low, box.high)
            inside = inside & (obs.codes[name] != obs.levels[name][value])
        elif kind == "low":
            box = Box(box.values, {**box.low, name: best[2]}, box.high)
            inside = inside & (obs.columns[name] >= best[2])
        else:
            box = Box(box.values, box.low, {**box.high, name: best[2]})
            inside = inside & (obs.columns[name] <= best[2])
        trajectory.append(box)
        insides.append(inside)
    return trajectory, insides


def _global_f1(tp: np.ndarray, fp: np.ndarray, failures: float) -> np.ndarray:
    """F1 of each (true positives, false positives) pair against ``failures`` (0 without a
    true positive), element by element."""
    scores = np.zeros(len(tp))
    np.divide(2 * tp, 2 * tp + fp + (failures - tp), out=scores, where=tp > 0)
    return scores


ValueRuns = tuple[tuple[int, ...], int | None]
"""The runs of each value present (in code order) and the index of the origin's value among
them (None: the origin's is not present): what a value set was chosen among."""


def _refit_categorical(
    obs: Observations,
    sides: _Sides,
    name: str,
    others: np.ndarray,
    keep: object,
    failures: float,
) -> tuple[frozenset[object] | None, frozenset[object] | None, ValueRuns]:
    """The value set that maximises F1 given the other constraints (None: no constraint), the
    set a step's likelihood draws (the first decides whether the side exists), and the runs of
    each value (the side test's correction for the choice)."""
    codes = obs.codes[name][others]
    if len(codes) == 0:
        return None, None, ((), None)
    present, first = np.unique(codes, return_index=True)
    levels = sides.levels[name]
    runs = np.bincount(codes, minlength=len(levels))
    code = obs.levels[name].get(keep) if keep is not None else None
    held = np.flatnonzero(present == code) if code is not None else np.array([], dtype=int)
    value_runs = (tuple(int(runs[c]) for c in present), int(held[0]) if len(held) else None)
    if len(present) < 2:
        return None, None, value_runs
    failing = np.bincount(codes[sides.y[others]], minlength=len(levels))
    # values in the order they first appear among the runs the other constraints keep
    stats = []
    for code in present[np.argsort(first, kind="stable")]:
        f = float(failing[code])
        stats.append((levels[code], f, float(runs[code]) - f))
    stats.sort(key=lambda s: (-(s[1] / (s[1] + s[2])), s[0] != keep))
    best, best_f1, tp, fp = 0, -1.0, 0.0, 0.0
    for k, (_, f, p) in enumerate(stats):
        tp, fp = tp + f, fp + p
        score = 2 * tp / (2 * tp + fp + (failures - tp)) if tp > 0 else 0.0
        holds_origin = keep is None or keep in {s[0] for s in stats[: k + 1]}
        if holds_origin and score > best_f1 + 1e-12:
            best, best_f1 = k, score
    chosen = frozenset(s[0] for s in stats[: best + 1])
    if len(chosen) == len(stats):
        return None, None, value_runs
    # Drawn as a step too: the likeliest split of the values (sorted by rate) into a failing
    # set and a less failing rest, holding the origin's value; see _likeliest_edges for why.
    near_fails = np.cumsum([s[1] for s in stats])
    near_runs = np.cumsum([s[1] + s[2] for s in stats])
    fit = step_loglik(near_fails, near_runs, float(near_fails[-1]), float(near_runs[-1]))
    holds = [keep is None or keep in {s[0] for s in stats[: k + 1]} for k in range(len(stats))]
    fit = np.where(holds, fit, -np.inf)
    fit[-1] = -np.inf  # every value: no side
    if not np.isfinite(fit.max()):
        return chosen, chosen, value_runs
    return chosen, frozenset(s[0] for s in stats[: int(np.argmax(fit)) + 1]), value_runs


Edges = tuple[float | None, float | None]


def _refit_numeric(
    sides: _Sides, name: str, others: np.ndarray, keep: float | None, failures: float
) -> tuple[Edges, Edges]:
    """The interval (midpoint edges) that maximises F1 given the other constraints, and the
    same edges moved to where the failure rate steps down likeliest (:func:`_likeliest_edges`).

    The first decides which sides exist (the side test reads them); the second is where they
    are drawn. Testing at the likeliest cut would test the cut chosen for its contrast, and
    sides along attributes that do not matter would pass too often."""
    order, sorted_x, sorted_y, _ = sides.column(name)
    chosen = others[order]
    xs, ys = sorted_x[chosen], sorted_y[chosen]
    if len(xs) == 0 or xs[0] == xs[-1]:
        return (None, None), (None, None)
    new = np.empty(len(xs), dtype=bool)  # first of each run of equal values, as np.unique
    new[0] = True
    np.not_equal(xs[1:], xs[:-1], out=new[1:])
    start = np.flatnonzero(new)
    uniq = xs[start]
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
        hi = int(his[np.argmax(_global_f1(tp, fp, failures))])
        los = np.arange(0, min(hi, lo_limit) + 1)
        tp = f_cum[hi + 1] - f_cum[los]
        fp = p_cum[hi + 1] - p_cum[los]
        lo = int(los[np.argmax(_global_f1(tp, fp, failures))])
    if lo == hi and 0 < lo < n - 1 and name in sides.obs.continuous:
        # One value of a continuous attribute, the origin's, is no region: the replays sit on
        # it (every attribute the origin's), so F1 can draw both edges around them. The better
        # of the two sides alone is kept.
        starts, ends = np.array([0, lo]), np.array([hi, n - 1])
        tp, fp = f_cum[ends + 1] - f_cum[starts], p_cum[ends + 1] - p_cum[starts]
        best = int(np.argmax(_global_f1(tp, fp, failures)))
        lo, hi = int(starts[best]), int(ends[best])
    f1_edges = _midpoints(uniq, lo, hi, keep)
    lo, hi = _likeliest_edges(f_cum, p_cum, lo, hi, lo_limit, hi_limit)
    low, high = _midpoints(uniq, lo, hi, keep)
    low, high = _expected_edges(
        uniq, f_cum, p_cum, (lo, hi), (lo_limit, hi_limit), keep, (low, high)
    )
    return f1_edges, (low, high)


def _expected_edges(
    uniq: np.ndarray,
    f_cum: np.ndarray,
    p_cum: np.ndarray,
    drawn: tuple[int, int],
    limits: tuple[int, int],
    keep: float | None,
    edges: Edges,
) -> Edges:
    """Each drawn edge moved to its expected position under the step model: every gap between
    two observed values is a place the edge may lie, weighted by the step's likelihood there
    and by the gap's width (a flat prior on where the edge is), the other edge held.

    The likeliest cut hugs the last failing run: with the inside failing 70% of the time, a
    chance pass just inside the edge moves the cut in past it, and nothing moves it out again
    (outside runs fail at the background rate), so likeliest edges are drawn too tight. Their
    expectation weighs both readings of such a pass by how wide each leaves the box. An
    expected edge that would leave the origin out is not taken."""
    (lo, hi), (lo_limit, hi_limit), (low, high) = drawn, limits, edges
    n = len(uniq)
    runs = f_cum + p_cum
    if high is not None:
        his = np.arange(max(lo, hi_limit), n - 1)
        if len(his) > 1:
            total_f, total_n = f_cum[n] - f_cum[lo], runs[n] - runs[lo]
            near_f, near_n = f_cum[his + 1] - f_cum[lo], runs[his + 1] - runs[lo]
            mean = _posterior_mean(uniq, his, step_loglik(near_f, near_n, total_f, total_n))
            if mean is not None and (keep is None or mean >= keep):
                high = mean
    if low is not None:
        los = np.arange(1, min(hi, lo_limit) + 1)
        if len(los) > 1:
            total_f, total_n = f_cum[hi + 1], runs[hi + 1]
            near_f, near_n = f_cum[hi + 1] - f_cum[los], runs[hi + 1] - runs[los]
            mean = _posterior_mean(uniq, los - 1, step_loglik(near_f, near_n, total_f, total_n))
            if mean is not None and (keep is None or mean <= keep):
                low = mean
    return low, high


def _posterior_mean(uniq: np.ndarray, gaps: np.ndarray, loglik: np.ndarray) -> float | None:
    """The mean edge over the gaps ``uniq[g]``..``uniq[g + 1]`` weighted by width and
    likelihood, among the plausible ones (the edge's zone, :mod:`hunter.analysis.edges`): a
    clean step is drawn midway between the points on either side of it, not a hair off it
    (None: no gap has a step)."""
    if not np.isfinite(loglik).any():
        return None
    width = uniq[gaps + 1] - uniq[gaps]
    drop = loglik.max() - loglik
    weight = np.where(drop <= LIKELIHOOD_DROP, np.exp(-drop), 0.0) * width
    if weight.sum() <= 0:
        return None
    middle = (uniq[gaps] + uniq[gaps + 1]) / 2
    return float(np.sum(weight * middle) / weight.sum())


def _midpoints(
    uniq: np.ndarray, lo: int, hi: int, keep: float | None
) -> tuple[float | None, float | None]:
    """The edges of unique-value indices ``lo``..``hi``, midway to the next observed values."""
    n = len(uniq)
    low = None if lo == 0 else float((uniq[lo - 1] + uniq[lo]) / 2)
    high = None if hi == n - 1 else float((uniq[hi] + uniq[hi + 1]) / 2)
    if keep is not None and high is not None and high < keep:
        # The origin's own value was never observed here and lies past the midpoint: the
        # region is the origin's, so the edge goes midway between it and the next point.
        # (A low edge cannot cut it off: the interval starts at or below the last observed
        # value at or below the origin.)
        high = float((keep + uniq[hi + 1]) / 2)
    return low, high


def _likeliest_edges(
    f_cum: np.ndarray, p_cum: np.ndarray, lo: int, hi: int, lo_limit: int, hi_limit: int
) -> tuple[int, int]:
    """Move each edge the F1 search drew to the likeliest cut of a step (failing rate on the
    near side, a lower one past it), the other edge kept; as F1, over unique-value indices.

    F1 keeps a slice only while it fails more than half the box's F1, so a region failing at
    30% whose runs were drawn mostly near the origin loses the outer part of its range; the
    step's likelihood does not depend on how densely each side was sampled."""
    n = len(f_cum) - 1
    runs = f_cum + p_cum
    # Only edges F1 drew are moved: the likeliest cut along an attribute that does not matter
    # is the most contrasting one by chance, and the side test would then keep it too often.
    move_hi, move_lo = hi < n - 1, lo > 0
    for _ in range(2):
        if move_hi:
            his = np.arange(max(lo, hi_limit), n)
            total_f, total_n = f_cum[n] - f_cum[lo], runs[n] - runs[lo]
            near_f, near_n = f_cum[his + 1] - f_cum[lo], runs[his + 1] - runs[lo]
            hi = int(his[np.argmax(step_loglik(near_f, near_n, total_f, total_n))])
        if move_lo:
            los = np.arange(0, min(hi, lo_limit) + 1)
            total_f, total_n = f_cum[hi + 1], runs[hi + 1]
            near_f, near_n = f_cum[hi + 1] - f_cum[los], runs[hi + 1] - runs[los]
            lo = int(los[np.argmax(step_loglik(near_f, near_n, total_f, total_n))])
    return lo, hi


MIN_EXCLUDED = 5
"""A side is only drawn when at least this many observed runs lie beyond it."""


def _excludes_less_failing(
    y: np.ndarray,
    inside: np.ndarray,
    excluded: np.ndarray,
    alpha: float,
    cuts: Callable[[], tuple[Cuts, Cuts]] | None = None,
    value_sets: ValueRuns | None = None,
) -> bool:
    """Do the runs a side excludes fail significantly less often than those it keeps?

    Every side is chosen on the runs it is tested on, so the test is corrected for the choice:
    ``cuts``, a numeric edge chosen with the attribute's other edge among the cuts it returns
    (runs excluded from each end; asked for only when the uncorrected test passes, since most
    do not), by :func:`max_selected_cut_p`; ``value_sets``, a categorical side
    chosen among the sets of values with these runs each (and the origin's value's index), by
    :func:`max_selected_set_p`. Corrected one way and not the other, a categorical side would
    win over the numeric one that explains the failures.

    Fisher's p-value, not Lancaster's mid-p, though the exact test is conservative (a side
    that does not matter passes a 5% test in 3-4% of tables): with the mid-p (and Holm's
    step-down over the attributes already bounded), hunts reaching F1 0.9 by 63 simulations
    went from 92 to 96 of 190 on one set of ten seeds but only to 93-94 on another, and slow
    hunts got slower (one never reached F1 0.9 in 400 simulations)."""
    n_excluded = int(np.count_nonzero(excluded))
    if n_excluded < MIN_EXCLUDED or not inside.any():
        return False
    p = _fails_more(y, inside, excluded)
    if p >= alpha:  # a correction for the choice only ever raises it
        return False
    failures = int(np.count_nonzero(y & (inside | excluded)))
    if value_sets is not None:
        value_runs, keep = value_sets
        p = max_selected_set_p(p, value_runs, failures, keep)
    if cuts is not None:
        runs = n_excluded + int(np.count_nonzero(inside))
        p = max_selected_cut_p(p, runs, failures, *cuts())
    return p < alpha


def _cuts(
    others: np.ndarray, x: np.ndarray, k: float | None, lo: float | None, hi: float | None
) -> tuple[Cuts, Cuts]:
    """The cuts a numeric attribute's two edges were chosen among, as runs excluded from each
    end: only between runs of different values, at least ``MIN_EXCLUDED``, never past the
    origin's value ``k``, never keeping fewer than ``MIN_SUPPORT``. A chosen edge outside that
    family (the origin absent) joins it."""
    finite = others & np.isfinite(x)
    xs = np.sort(x[finite])
    runs = len(xs)
    rises = np.flatnonzero(np.diff(xs) > 0) + 1  # runs below each value the attribute rises to

    def count(mask: np.ndarray) -> int:
        return int(np.count_nonzero(finite & mask))

    def end(excluded: np.ndarray, origin_side: int, chosen_past: int) -> Cuts:
        most = runs - max(MIN_SUPPORT, origin_side)
        allowed = set(excluded[(excluded >= MIN_EXCLUDED) & (excluded <= most)].tolist())
        if chosen_past >= MIN_EXCLUDED:
            allowed.add(chosen_past)
        return tuple(sorted(allowed)) or None

    above = count(x >= k) if k is not None else 0
    below = count(x <= k) if k is not None else 0
    return (
        end(rises, above, count(x < lo) if lo is not None else 0),
        end(runs - rises, below, count(x > hi) if hi is not None else 0),
    )


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
    return _refit(obs, y, box, origin, rounds, alpha, _Sides(obs, y))


def _refit(
    obs: Observations,
    y: np.ndarray,
    box: Box,
    origin: Mapping[str, Value] | None,
    rounds: int,
    alpha: float,
    sides: _Sides,
    banned: frozenset[str] = frozenset(),
) -> Box:
    """:func:`refit`; attributes in ``banned`` get no side (the side swap's candidates)."""
    failures = float(sides.failures)
    # Each round tests a side of every attribute on data the side was chosen on: Bonferroni over
    # the attributes keeps a noisy attribute from earning a side by chance.
    alpha = alpha / max(1, len(obs.columns))
    for _ in range(rounds):
        before = box
        for name in obs.columns:
            if name in banned:
                continue
            others = sides.mask(box, skip=name)
            keep = origin.get(name, ABSENT) if origin is not None else None
            values = dict(box.values)
            low, high = dict(box.low), dict(box.high)
            values.pop(name, None)
            low.pop(name, None)
            high.pop(name, None)
            if name in obs.categorical:
                chosen, drawn, sets = _refit_categorical(obs, sides, name, others, keep, failures)
                if chosen is not None:
                    kept = others & obs.isin(name, chosen)
                    if _excludes_less_failing(y, kept, others & ~kept, alpha, value_sets=sets):
                        values[name] = chosen if drawn is None else drawn
            else:
                k = None if keep is None or keep == ABSENT else float(keep)
                (lo, hi), (lo_drawn, hi_drawn) = _refit_numeric(sides, name, others, k, failures)
                x = sides.column(name)[3]
                # Each edge is tested against every run not past it, the other edge's excluded
                # runs included: the two edges are chosen together, and testing one on the runs
                # between them would count the other's choice as evidence for it. Both are
                # corrected for the cuts either could have been (none passes the origin).
                cuts = cache(partial(_cuts, others, x, k, lo, hi))
                if lo is not None and _excludes_less_failing(
                    y, others & (x >= lo), others & (x < lo), alpha, cuts=cuts
                ):
                    low[name] = lo if lo_drawn is None else lo_drawn
                if hi is not None and _excludes_less_failing(
                    y, others & (x <= hi), others & (x > hi) & np.isfinite(x), alpha, cuts=cuts
                ):
                    high[name] = hi if hi_drawn is None else hi_drawn
            box = Box(values, low, high)
        if box == before:
            break
    return box


def relax_test(obs: Observations, y: np.ndarray, box: Box, name: str) -> float:
    """One-sided p-value that the points relaxing ``name`` adds fail less than the box's."""
    return _relax_test(y, box, name, _Sides(obs, y))


def _relax_test(y: np.ndarray, box: Box, name: str, sides: _Sides) -> float:
    inside = sides.mask(box)
    added = sides.mask(box, skip=name) & ~inside
    if not added.any():
        return 1.0
    return _fails_more(y, inside, added)


def prune(obs: Observations, y: np.ndarray, box: Box, alpha: float) -> Box:
    """Drop constraints that do not matter, testing all of them together (Holm), repeatedly."""
    return _prune(y, box, alpha, _Sides(obs, y))


def _prune(y: np.ndarray, box: Box, alpha: float, sides: _Sides) -> Box:
    while box.names:
        pvalues = {name: _relax_test(y, box, name, sides) for name in box.names}
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
    """The box of one mode: peel, pick by F1, refine the edges, test every constraint.

    ``y`` is a boolean array (fails or not, per run of ``obs``). The box is a function of the
    observations, ``y``, the origin and ``alpha`` alone, so it is remembered with the
    observations: a batch's analysis bounds the origin's box for the strategies and again for
    its report, on the same table.
    """
    try:
        key: Any = ("bound_region", y.dtype.str, y.tobytes(), _frozen(origin), alpha)
    except TypeError:  # an unhashable attribute value: compute, do not remember
        key = None
    if key is not None and key in obs.memo:
        return obs.memo[key]  # type: ignore[no-any-return]
    sides = _Sides(obs, y)
    trajectory, insides = _peel(obs, y, origin, sides)
    scores = [f1(y, inside) for inside in insides]
    box = trajectory[int(np.argmax(scores))]
    box = _refit(obs, y, box, origin, 3, alpha, sides)
    box = _prune(y, box, alpha, sides)
    if box.names:
        box = _refit(obs, y, box, origin, 1, alpha, sides)
    box = _swap_sides(obs, y, box, origin, alpha, sides)
    if key is not None:
        obs.memo[key] = box
    return box


def _swap_sides(
    obs: Observations,
    y: np.ndarray,
    box: Box,
    origin: Mapping[str, Value] | None,
    alpha: float,
    sides: _Sides,
) -> Box:
    """Try the box without each of its sides, refitted without that attribute (so another
    attribute's side may take its place), and keep a change that raises F1; until none does.

    A hunt samples where its box is, so the attributes it bounds get correlated in its runs:
    inside a box that bounds ``regulator_strictness`` by mistake few runs reach the long
    ``months`` that really stop the failures, so a months side is not significant there, while
    the strictness side looks significant because the runs past it are enriched in long months.
    Refitting one side at a time cannot leave that corner; dropping the wrong side and
    refitting finds the box that explains the failures better (F1 on the same runs). The
    dropped attribute sits out that refit: refitting attribute by attribute would otherwise
    draw the same confounded side again before it reaches the one that should replace it."""
    best = f1(y, sides.mask(box))
    for _ in range(len(box.names)):
        improved = False
        for name in box.names:
            candidate = _refit(
                obs, y, box.without(name), origin, 3, alpha, sides, banned=frozenset([name])
            )
            candidate = _prune(y, candidate, alpha, sides)
            score = f1(y, sides.mask(candidate))
            if score > best + SWAP_GAIN:
                box, best, improved = candidate, score, True
                break
        if not improved:
            break
    return box


SWAP_GAIN = 0.01
"""F1 a swapped box must gain over the current one (near-ties keep the box the search found)."""


def _frozen(origin: Mapping[str, Value] | None) -> frozenset[tuple[str, Value]] | None:
    return None if origin is None else frozenset(origin.items())


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
