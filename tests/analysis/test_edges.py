"""The plausible zone of a numeric edge: it brackets the true edge and narrows as runs come in."""

from __future__ import annotations

import numpy as np

from hunter.analysis.edges import edge_zones
from hunter.coverage import Space
from hunter.domain import AttributeSpec
from hunter.regions import Constraint

EDGE = 0.4
SPACE = Space((AttributeSpec("kind", values=("a", "b")), AttributeSpec("x", range=(0.0, 1.0))))


def _points(n: int, seed: int) -> list:
    """Runs of kind a along x as (attributes, failed): 40% fail up to EDGE, none past it."""
    rng = np.random.default_rng(seed)
    points = []
    for _ in range(n):
        x = round(float(rng.uniform(0.0, 1.0)), 4)
        points.append(({"kind": "a", "x": x}, bool(x <= EDGE and rng.random() < 0.4)))
    return points


def _zone(n: int, seed: int) -> tuple[float, float]:
    box = (Constraint("kind", values=("a",)), Constraint("x", max=0.3))
    x_spec = SPACE.get("x")
    assert x_spec is not None
    (zone,) = edge_zones(box[1], box, x_spec, _points(n, seed), keep=0.2)
    assert zone.edge == 0.3
    return zone.low, zone.high


def test_the_zone_brackets_the_edge_and_narrows_with_runs() -> None:
    widths = []
    for n in (40, 400):
        low, high = _zone(n, seed=3)
        assert low <= EDGE <= high
        widths.append(high - low)
    assert widths[1] < widths[0]


def test_a_side_with_both_edges_has_two_zones_and_categorical_sides_none() -> None:
    points = _points(60, seed=1)
    x_spec, kind_spec = SPACE.get("x"), SPACE.get("kind")
    assert x_spec is not None and kind_spec is not None
    both = Constraint("x", min=0.1, max=0.5)
    zones = edge_zones(both, (both,), x_spec, points, keep=0.2)
    assert len(zones) == 2
    assert [zone.edge for zone in zones] == [0.5, 0.1]
    assert all(zone.low < zone.high for zone in zones)
    kind = Constraint("kind", values=("a",))
    assert edge_zones(kind, (kind,), kind_spec, points) == []


def test_runs_of_the_other_kind_do_not_move_the_zone() -> None:
    """Only runs satisfying the box's other sides count: kind b never fails anywhere."""
    box = (Constraint("kind", values=("a",)), Constraint("x", max=0.3))
    x_spec = SPACE.get("x")
    assert x_spec is not None
    points = _points(200, seed=2)
    noise = [({"kind": "b", "x": x}, False) for x in np.linspace(0.0, 0.4, 50)]
    assert edge_zones(box[1], box, x_spec, points, 0.2) == edge_zones(
        box[1], box, x_spec, points + noise, 0.2
    )
