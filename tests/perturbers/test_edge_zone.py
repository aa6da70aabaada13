"""The plausible zone of a numeric edge: it brackets the true edge and narrows as runs come in."""

from __future__ import annotations

import numpy as np
from conftest import ORIGIN, SPACE, context_of, fake_run

from hunter.domain import Scenario
from hunter.perturbers.edge_zone import edge_zones
from hunter.regions import Constraint

EDGE = 0.4


def _runs(n: int, seed: int) -> tuple:
    """Runs of kind a along x: 40% fail up to EDGE, none past it."""
    rng = np.random.default_rng(seed)
    runs = []
    for i in range(n):
        x = float(rng.uniform(0.0, 1.0))
        attributes = {**ORIGIN.attributes(), "x": round(x, 4)}
        fails = x <= EDGE and rng.random() < 0.4
        runs.append(fake_run(i + 1, Scenario.of(attributes, i), bool(fails), "region"))
    return tuple(runs)


def _zone(n: int, seed: int) -> tuple[float, float]:
    context = context_of(_runs(n, seed))
    box = (Constraint("kind", values=("a",)), Constraint("x", max=0.3))
    x_spec = SPACE.get("x")
    assert x_spec is not None
    (zone,) = edge_zones(box[1], box, x_spec, context)
    return zone


def test_the_zone_brackets_the_edge_and_narrows_with_runs() -> None:
    widths = []
    for n in (40, 400):
        low, high = _zone(n, seed=3)
        assert low <= EDGE <= high
        widths.append(high - low)
    assert widths[1] < widths[0]


def test_a_side_with_both_edges_has_two_zones_and_categorical_sides_none() -> None:
    context = context_of(_runs(60, seed=1))
    x_spec, kind_spec = SPACE.get("x"), SPACE.get("kind")
    assert x_spec is not None and kind_spec is not None
    both = Constraint("x", min=0.1, max=0.5)
    zones = edge_zones(both, (both,), x_spec, context)
    assert len(zones) == 2
    assert all(low < high for low, high in zones)
    kind = Constraint("kind", values=("a",))
    assert edge_zones(kind, (kind,), kind_spec, context) == []
