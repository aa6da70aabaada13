"""The statistics every part of hunter shares: exact rates, Fisher's test, the SPRT, Holm.

One implementation of each, so a rate in the progress bar, the stop rule, a region and a report
is computed the same way. Everything here is a thin, documented wrapper over scipy; what is
written by hand is Wald's likelihood ratio, Holm's step-down and the two corrections for a
side chosen as the most contrasting (a cut: an exact walk over the runs; a value set: seeded
draws), which scipy does not offer in this form.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping
from typing import Literal

import numpy as np
from scipy.stats import beta, binomtest, fisher_exact, hypergeom, norm

from hunter.regions import Rate

Decision = Literal["bug", "fluke", "continue"]

FLUKE_P0_CAP = 0.15
"""A fluke means the origin fails no more than its surroundings do, but never above this."""
BUG_MARGIN = 0.2
"""The bug hypothesis: the origin fails at least this much more often than background."""
BUG_ALPHA = 0.01
"""How often the replay test may call a bug on a fluke: that error sends a hunt after a region
that is not there and reports it as a bug, so it is held lower than the opposite one."""
FLUKE_BETA = 0.05
"""How often the replay test may call a fluke on a bug failing at the bug hypothesis' rate."""


@functools.lru_cache(maxsize=4096)
def rate(failures: int, runs: int) -> Rate:
    """A failure rate with its exact Clopper-Pearson 95% interval (``[0, 1]`` when empty).

    Cached: a hunt asks for the same few counts batch after batch, scipy's interval costs
    about a millisecond, and the result is a frozen value."""
    if runs == 0:
        return Rate(0, 0, 0.0, (0.0, 1.0))
    ci = binomtest(failures, runs).proportion_ci(confidence_level=0.95, method="exact")
    return Rate(runs, failures, failures / runs, (float(ci.low), float(ci.high)))


def upper_bound(failures: int, runs: int, confidence: float = 0.95) -> float:
    """One-sided exact upper bound on the failure rate ("fails in at most X%")."""
    if runs == 0 or failures >= runs:
        return 1.0
    return float(beta.ppf(confidence, failures + 1, runs - failures))


def fisher_greater(failures_a: int, runs_a: int, failures_b: int, runs_b: int) -> float:
    """One-sided p-value of Fisher's exact test that group a fails more often than group b."""
    table = [[failures_a, runs_a - failures_a], [failures_b, runs_b - failures_b]]
    return float(fisher_exact(table, alternative="greater").pvalue)


def fails_more(y: np.ndarray, a: np.ndarray, b: np.ndarray) -> float:
    """:func:`fisher_greater` for the runs selected by masks ``a`` and ``b`` of outcomes ``y``."""
    return fisher_greater(int(y[a].sum()), int(a.sum()), int(y[b].sum()), int(b.sum()))


def max_selected_p(p: float, runs: int, min_kept: int, min_excluded: int) -> float:
    """A one-sided p-value made honest for a cut chosen as the most contrasting one.

    A numeric side is drawn where the runs past it fail least, then tested; Fisher's p-value
    treats that cut as fixed in advance, and along an attribute that does not matter the best
    of some fifty cuts passes a 0.5% test several times in a hundred. This is Lausen and
    Schumacher's (1992) approximation for maximally selected statistics, one-sided, over the
    cuts that keep at least ``min_kept`` and exclude at least ``min_excluded`` of ``runs``; it
    is never below ``p``. The two edges of one attribute are two such choices (the caller
    halves its level). Written by hand: scipy and statsmodels offer the maximally selected
    statistic only for survival data, and the approximation is two lines.
    """
    low, high = min_kept / runs, 1 - min_excluded / runs
    if not 0 < low < high < 1:
        return p
    b = float(norm.isf(p))
    if b <= 1:  # p above 16%: the approximation does not hold, and nothing is near significant
        return 1.0
    spread = math.log(high * (1 - low) / ((1 - high) * low))
    density = float(norm.pdf(b))
    return float(min(1.0, max(p, density * (b - 1 / b) * spread / 2 + 2 * density / b)))


EXACT_CUT_RUNS = 2000
"""Up to this many runs a chosen cut's p-value is exact (:func:`max_selected_cut_p`); past it
the walk costs too much and Lausen and Schumacher's approximation, made for large samples,
is close."""


Cuts = tuple[int, ...] | None
"""The cuts allowed at one end of an attribute, as the number of runs each excludes from that
end, ascending (None or empty: no cut there). Tied values leave gaps: no cut falls between two
runs with the same value."""


def max_selected_cut_p(p: float, runs: int, failures: int, low: Cuts, high: Cuts) -> float:
    """The exact one-sided p-value of a numeric edge chosen as the most contrasting cut.

    The edge excludes the runs at one end of an attribute (``p`` is its Fisher p-value) and was
    chosen, with the attribute's other edge, among the ``low`` and ``high`` cuts. This is the
    probability, with the ``failures`` shuffled over the ``runs`` at random, that *some* of
    those cuts, at either end, has a Fisher p-value at most ``p``: counting the failures run by
    run along the attribute is a hypergeometric walk, and the chance that it ever enters the
    states where a cut's tail is at most ``p`` is summed exactly, cut by cut. It depends on the
    runs' order alone and on where tied values leave no cut (an integer attribute of nine values
    has at most eight cuts however many runs it has, and a hunt's replays all tie).

    Lausen and Schumacher's approximation (:func:`max_selected_p`) treats the cuts as a
    continuum; with the few dozen runs a hunt has when it matters it is several times too
    large: 0 of 6 runs failing past a cut against 30 of 39 before it is p = 0.0006 for that
    cut, 0.0047 by the approximation and 0.0008 exactly. Taking both ends in one walk instead
    of halving the level for each spends the whole level on the one end that has cuts when the
    origin lies near the other (a region ``x >= 0.85`` hunted from 0.93). Written by hand:
    scipy offers the hypergeometric distribution but not the chance that its walk crosses a
    boundary.
    """
    ends = [c for c in (low, high) if c]
    if not ends or failures in (0, runs) or (len(ends) == 1 and len(ends[0]) == 1):
        return p
    if runs > EXACT_CUT_RUNS:  # Bonferroni over the two ends of the large-sample approximation
        return min(1.0, sum(max_selected_p(p, runs, runs - c[-1], c[0]) for c in ends))
    return max(p, _walk_crossing(runs, failures, low or (), high or (), p * (1 + 1e-9)))


@functools.lru_cache(maxsize=4096)
def _walk_crossing(
    runs: int, failures: int, low: tuple[int, ...], high: tuple[int, ...], tail: float
) -> float:
    """P(some allowed cut's tail is at most ``tail``), the runs in random order. Remembered: a
    hunt tests the same counts again."""
    low_cuts, high_cuts = frozenset(low), frozenset(high)
    states = np.arange(failures + 1)
    free = np.zeros(failures + 1)  # P(S_n = s): S_n the failures among the first n runs
    free[0] = 1.0
    alive = free.copy()  # the same, for walks that no allowed cut has rejected yet
    crossed = 0.0
    end = max(low[-1] if low else 0, runs - high[0] if high else 0)
    for n in range(1, end + 1):
        fail_next = np.clip((failures - states) / (runs - n + 1), 0.0, 1.0)
        free, alive = _walk_step(free, fail_next), _walk_step(alive, fail_next)
        hit = np.zeros(failures + 1, dtype=bool)
        if n in low_cuts:  # a low cut excluding the first n runs
            hit |= np.cumsum(free) <= tail
        if runs - n in high_cuts:
            # a high cut excluding the last runs - n runs, which hold F - S_n failures: its
            # tail P(F - S_n <= F - s) is P(S_n >= s)
            hit |= np.cumsum(free[::-1])[::-1] <= tail
        crossed += float(alive[hit].sum())
        alive[hit] = 0.0
    return min(1.0, crossed)


def _walk_step(mass: np.ndarray, fail_next: np.ndarray) -> np.ndarray:
    """One more run of the walk: each state moves up by one with its chance of a failure."""
    out = mass * (1.0 - fail_next)
    out[1:] += mass[:-1] * fail_next[:-1]
    return out


SET_DRAWS = 4000
"""Null draws behind :func:`max_selected_set_p` (its smallest p-value is 1 / 4001)."""
MAX_SET_VALUES = 10
"""Values beyond which a value set's choice is corrected by Bonferroni instead (2^9 sets)."""


def max_selected_set_p(p: float, runs: tuple[int, ...], failures: int, keep: int | None) -> float:
    """A one-sided p-value made honest for a value set chosen as the most contrasting one.

    A categorical side keeps the values whose runs fail most, then tests them against the
    rest; among ``k`` values there are ``2^(k-1) - 1`` sets holding the origin's value (index
    ``keep``; None: any proper set). Bonferroni over them multiplies ``p`` by 7 at four values
    and 31 at six, though the sets overlap and their p-values move together. This is the exact
    answer instead: how often, with the failures spread over the values at random (``runs``
    per value, ``failures`` in all: the permutation null of Fisher's test), the best of those
    sets has a p-value at most ``p``, estimated from ``SET_DRAWS`` seeded draws, never below
    ``p``. Written by hand: no library offers a min-p correction over value sets, and it is
    a few numpy lines over scipy's hypergeometric tail.
    """
    sets = 2 ** (len(runs) - 1) - 1 if keep is not None else 2 ** len(runs) - 2
    if sets <= 1:
        return p
    null = _min_p_null(runs, failures, keep)
    if null is None:
        return min(1.0, p * float(sets))
    beaten = int(np.searchsorted(null, p * (1 + 1e-9), side="right"))
    return max(p, (1 + beaten) / (len(null) + 1.0))


@functools.lru_cache(maxsize=512)
def _min_p_null(runs: tuple[int, ...], failures: int, keep: int | None) -> np.ndarray | None:
    """The sorted null draws of the smallest Fisher p-value over the value sets (None: too
    many values to enumerate the sets). A pure function of its arguments: its draws are seeded
    by them, so a hunt's analysis is the same on every run. Remembered, since a hunt's batches
    test the same counts again; 512 of them hold 16 MB."""
    k = len(runs)
    if k > MAX_SET_VALUES:
        return None
    masks = _value_sets(k, keep)
    total = sum(runs)
    set_runs = masks @ np.asarray(runs, dtype=np.int64)
    seed = np.random.SeedSequence([total, failures, 0 if keep is None else keep + 1, *runs])
    rng = np.random.default_rng(seed)
    draws = rng.multivariate_hypergeometric(np.asarray(runs, dtype=np.int64), failures, SET_DRAWS)
    kept = draws @ masks.T  # failures each set holds, per draw
    if set_runs.max() < TABLE_RUNS:
        # P(a set holding n runs holds at least a failures), every set and a at once (0 past n)
        a = np.arange(int(set_runs.max()) + 1)
        tails = hypergeom.sf(a[None, :] - 1, total, failures, set_runs[:, None])
        pvalues = tails[np.arange(len(masks)), kept]
    else:
        pvalues = _tails_at(kept, total, failures, set_runs)
    return np.sort(pvalues.min(axis=1))


TABLE_RUNS = 2000
"""Sets of fewer runs get their whole table of Fisher p-values; larger ones only the drawn
part of it (scipy sums the hypergeometric tail term by term, which at 100,000 runs takes
seconds per table)."""


def _tails_at(kept: np.ndarray, total: int, failures: int, set_runs: np.ndarray) -> np.ndarray:
    """P(a set holds at least the failures drawn), each set's tail summed over the range of
    its draws only, past which one scipy call gives the rest."""
    out = np.empty(kept.shape)
    for column, n in enumerate(set_runs):
        drawn = kept[:, column]
        low, high = int(drawn.min()), int(drawn.max())
        pmf = hypergeom.pmf(np.arange(low, high + 1), total, failures, n)
        tail = hypergeom.sf(high, total, failures, n) + np.cumsum(pmf[::-1])[::-1]
        out[:, column] = tail[drawn - low]
    return out


@functools.lru_cache(maxsize=64)
def _value_sets(k: int, keep: int | None) -> np.ndarray:
    """Every proper non-empty subset of ``k`` values (holding value ``keep``) as 0/1 rows."""
    masks = (np.arange(1, 2**k - 1)[:, None] >> np.arange(k)[None, :]) & 1
    return masks[masks[:, keep] == 1] if keep is not None else masks


def holm(pvalues: Mapping[str, float], alpha: float) -> set[str]:
    """Names whose null is rejected by Holm's step-down procedure at family-wise ``alpha``."""
    rejected = set()
    ordered = sorted(pvalues.items(), key=lambda kv: kv[1])
    for i, (name, p) in enumerate(ordered):
        if p > alpha / (len(ordered) - i):
            break
        rejected.add(name)
    return rejected


def hypotheses(background: Rate | float) -> tuple[float, float]:
    """The SPRT's (p0, p1) for a given background rate: fluke at p0, bug at p1."""
    level = background.rate if isinstance(background, Rate) else background
    p0 = min(max(level, 0.01), FLUKE_P0_CAP)
    return p0, max(0.3, p0 + BUG_MARGIN)


def passes_to_call_fluke(
    p0: float, p1: float, alpha: float = BUG_ALPHA, beta_: float = FLUKE_BETA
) -> int:
    """How many clean replays in a row the SPRT needs before it calls a fluke."""
    return math.ceil(math.log(beta_ / (1 - alpha)) / math.log((1 - p1) / (1 - p0)))


def sprt(
    failures: int,
    runs: int,
    p0: float,
    p1: float,
    alpha: float = BUG_ALPHA,
    beta_: float = FLUKE_BETA,
) -> Decision:
    """Wald's sequential probability ratio test on ``failures`` of ``runs`` Bernoulli trials.

    It calls a fluke after a handful of clean trials and a bug after a couple of failures, and
    it never calls a fluke merely because trials ran out: undecided stays ``continue``.
    """
    llr = failures * math.log(p1 / p0) + (runs - failures) * math.log((1 - p1) / (1 - p0))
    if llr >= math.log((1 - beta_) / alpha):
        return "bug"
    if llr <= math.log(beta_ / (1 - alpha)):
        return "fluke"
    return "continue"


def step_loglik(
    failures: np.ndarray, runs: np.ndarray, total_f: float, total_n: float
) -> np.ndarray:
    """Log-likelihood of a step at each cut: ``failures`` of ``runs`` on the near side at one
    rate, the rest of ``total_f`` of ``total_n`` past it at another, both at their maximum-
    likelihood values; -inf where the far side fails more often (that is no edge of a region).

    A region's edge is where the failure rate drops, so the likeliest cut of a step model is the
    edge estimate that does not depend on how densely the runs were drawn on each side.
    """
    failures, runs = np.asarray(failures, float), np.asarray(runs, float)
    far_f, far_n = total_f - failures, total_n - runs
    score = _bernoulli_loglik(failures, runs) + _bernoulli_loglik(far_f, far_n)
    near = np.divide(failures, runs, out=np.zeros(len(runs)), where=runs > 0)
    far = np.divide(far_f, far_n, out=np.zeros(len(runs)), where=far_n > 0)
    return np.where(near >= far, score, -np.inf)


def _bernoulli_loglik(failures: np.ndarray, runs: np.ndarray) -> np.ndarray:
    out = np.zeros(len(runs))
    p = np.divide(failures, runs, out=np.zeros(len(runs)), where=runs > 0)
    for count, q in ((failures, p), (runs - failures, 1.0 - p)):
        logq = np.log(q, out=np.zeros_like(q), where=q > 0)
        out += np.where(count > 0, count * logq, 0.0)
    return out
