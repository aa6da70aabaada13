"""The interval around the hunt benchmark's median ratios: seeds resampled within landscapes."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from hunter.bench.intervals import median_ratio_interval


@dataclass
class FakeRow:
    landscape: str
    method: str
    seed: int
    sims_to_f1_90: int | None


def rows_of(sims: dict[tuple[str, str], list[int | None]]) -> list[FakeRow]:
    return [
        FakeRow(landscape, method, seed, value)
        for (landscape, method), values in sims.items()
        for seed, value in enumerate(values)
    ]


def test_the_landscape_mix_is_kept_only_the_seeds_vary():
    # hunter needs 50 on one landscape and 100 on the other, whatever the seed: with ten seeds
    # each, every resample holds ten of each, so its median is 75 every time. Resampling whole
    # rows would mix the landscapes anew and spread the ratio.
    rows = rows_of(
        {
            ("a", "hunter"): [50] * 10,
            ("b", "hunter"): [100] * 10,
            ("a", "uniform"): [200] * 10,
            ("b", "uniform"): [200] * 10,
        }
    )
    assert median_ratio_interval(rows, "uniform", 400) == (0.375, 0.375)


def test_an_unreached_hunt_counts_as_the_budget_and_pairs_are_by_seed():
    rows = rows_of({("a", "hunter"): [100] * 5, ("a", "uniform"): [None] * 5})
    assert median_ratio_interval(rows, "uniform", 400) == (0.25, 0.25)
    # seeds only one method ran are left out, and so is a method with no seed in common
    rows += [FakeRow("a", "hunter", 7, 10), FakeRow("c", "uniform", 0, 10)]
    assert median_ratio_interval(rows, "uniform", 400) == (0.25, 0.25)
    assert median_ratio_interval(rows, "tpe", 400) is None


def test_noisy_seeds_give_an_interval_around_the_ratio_the_same_every_time():
    rng = np.random.default_rng(3)
    sims: dict[tuple[str, str], list[int | None]] = {}
    for landscape in "abcdefgh":
        sims[landscape, "hunter"] = [int(x) for x in rng.integers(30, 120, 10)]
        sims[landscape, "uniform"] = [
            int(x) if x < 400 else None for x in rng.integers(100, 500, 10)
        ]
    rows = rows_of(sims)
    ours = np.median([v for (_, m), vs in sims.items() if m == "hunter" for v in vs])
    theirs = np.median([v or 400 for (_, m), vs in sims.items() if m == "uniform" for v in vs])
    interval = median_ratio_interval(rows, "uniform", 400)
    assert interval is not None
    low, high = interval
    assert low < ours / theirs < high
    assert high - low > 0.05  # 80 hunts a method: the seeds move the ratio visibly
    assert median_ratio_interval(list(reversed(rows)), "uniform", 400) == interval
