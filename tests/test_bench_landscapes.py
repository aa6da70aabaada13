"""The hard landscapes' ground truth (no hunt): soft edges, flakiness, sizes and classes."""

from __future__ import annotations

import numpy as np
import pytest

from hunter.bench.landscapes import LANDSCAPES, LandscapeSut, in_box
from hunter.sut import SutOptions


def test_soft_edge_ramps_through_half_the_rate_at_the_planted_edge():
    ls = LANDSCAPES["soft_edge"]  # a1 and x <= 0.45, rate 0.8, ramp 0.2 wide, background 0.02
    at = {**ls.origin, "a": "a1"}
    assert ls.failure_probability({**at, "x": 0.2})[0] == pytest.approx(0.8)
    assert ls.failure_probability({**at, "x": 0.45})[0] == pytest.approx(0.41)
    assert ls.failure_probability({**at, "x": 0.50})[0] == pytest.approx(0.02 + 0.78 * 0.25)
    assert ls.failure_probability({**at, "x": 0.56})[0] == pytest.approx(0.02)
    assert ls.failure_probability({**at, "a": "a0", "x": 0.2})[0] == pytest.approx(0.02)


def test_flaky_sut_raises_on_about_15_percent_of_seeds_and_the_same_seeds_each_time():
    sut = LandscapeSut("landscape:flaky_sut", SutOptions())
    origin = LANDSCAPES["flaky_sut"].origin

    def crashes(seed: int) -> bool:
        try:
            sut.run(origin, seed)
        except RuntimeError:
            return True
        return False

    first = [crashes(s) for s in range(2000)]
    assert first == [crashes(s) for s in range(2000)]
    assert 0.12 < np.mean(first) < 0.18


def test_rare_region_covers_one_to_two_percent_and_wide_has_42_attributes():
    rare = LANDSCAPES["rare_region"]
    rng = np.random.default_rng(0)
    points = [rare.space.sample(rng) for _ in range(20_000)]
    share = np.mean([in_box(rare.plants[0].box, p) for p in points])
    assert 0.01 <= share <= 0.02
    assert len(LANDSCAPES["wide_42"].space.attributes) == 42


def test_every_origin_lies_in_its_first_plant_and_the_flukes_have_none():
    for ls in LANDSCAPES.values():
        if ls.label is None:
            assert ls.plants == () and ls.kind == "fluke"
        else:
            assert in_box(ls.plants[0].box, ls.origin), ls.name
        ls.space.validate(ls.origin, where=ls.name)
