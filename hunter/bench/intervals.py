"""How far the hunt benchmark's median ratios could move with other seeds.

A ratio of medians over 19 landscapes x 10 seeds looks precise, but the medians sit on a grid
of checkpoints and on a few hunts near the middle: hunter's count of hunts right by 63
simulations was 92 of 190 on seeds 0-9 and again on seeds 10-19, while single changes to the
search moved it by four either way on one seed set and not the other. The interval says how
much of a difference between two versions, or between a figure and a target, the seeds alone
could make.

It is a paired bootstrap stratified by landscape: each resample draws, for every landscape, as
many seeds as it has, with replacement, and reads both methods on the same drawn seeds (they
hunt the same origin). The landscapes are the benchmark's design, not a sample, so they are
kept; only the seeds, which are, are resampled. Written by hand: ``scipy.stats.bootstrap``
resamples paired cases but has no strata, and resampling whole rows would change the mix of
landscape classes the medians are read over.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import numpy as np

RESAMPLES = 4000
CONFIDENCE = 0.95
SEED = 0
"""Every interval is drawn from this seed: the same rows give the same interval."""


class HasSims(Protocol):
    """A benchmark row as far as the interval reads it (``hunter.bench.hunt.Row``)."""

    @property
    def landscape(self) -> str: ...
    @property
    def method(self) -> str: ...
    @property
    def seed(self) -> int: ...
    @property
    def sims_to_f1_90(self) -> int | None: ...


def median_ratio_interval(
    rows: Sequence[HasSims], method: str, budget: int
) -> tuple[float, float] | None:
    """The ``CONFIDENCE`` interval of hunter's median simulations to F1 0.9 over ``method``'s,
    seeds resampled within each landscape (a hunt that never gets there counts as ``budget``,
    as in the ratio itself); None when the two methods share no landscape and seed.
    """
    sims = {
        (r.method, r.landscape, r.seed): float(r.sims_to_f1_90 or budget)
        for r in rows
        if r.method in ("hunter", method)
    }
    paired: dict[str, tuple[list[float], list[float]]] = {}
    for landscape, seed in sorted({(lk, sd) for m, lk, sd in sims if m == "hunter"}):
        other = sims.get((method, landscape, seed))
        if other is not None:
            pair = paired.setdefault(landscape, ([], []))
            pair[0].append(sims["hunter", landscape, seed])
            pair[1].append(other)
    if not paired:
        return None
    rng = np.random.default_rng(SEED)
    ours_drawn, theirs_drawn = [], []
    for ours, theirs in paired.values():
        picks = rng.integers(0, len(ours), size=(RESAMPLES, len(ours)))
        ours_drawn.append(np.asarray(ours)[picks])
        theirs_drawn.append(np.asarray(theirs)[picks])
    ratios = np.median(np.hstack(ours_drawn), axis=1) / np.median(np.hstack(theirs_drawn), axis=1)
    tail = (1 - CONFIDENCE) / 2 * 100
    low, high = np.percentile(ratios, [tail, 100 - tail])
    return round(float(low), 3), round(float(high), 3)
