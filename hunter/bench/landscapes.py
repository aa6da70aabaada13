"""Planted landscapes with known ground truth, for the hunt benchmark.

Each landscape is a space, a map, one or more planted boxes (the failing regions, each with its
own check), the failure rate inside and outside, and an origin inside the first box. The SUT
fails with the box's rate inside a box and the background rate elsewhere, drawing from its seed,
so replays of the origin fail at the inside rate: exactly what a real bug looks like from outside.
"""

from __future__ import annotations

import functools
import random
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from hunter.coverage import CoverageMap, Space, builtin_map_path, load_map
from hunter.domain import AttributeDict, AttributeSpec, Trajectory, Verdict
from hunter.regions import Constraint
from hunter.sut import Sut, SutOptions

Box = Mapping[
    str, Mapping[str, Any]
]  # contract §4 constraints: {"a": {"in": [...]}, "x": {"max": 1}}


def in_box(box: Box, attributes: Mapping[str, Any]) -> bool:
    """Whether a scenario lies in a box written as contract §4 constraints (bounds inclusive)."""
    return all(Constraint.from_json(k, c).contains(attributes.get(k)) for k, c in box.items())


@dataclass(frozen=True, slots=True)
class Plant:
    box: Box
    check: str
    rate: float


@dataclass(frozen=True, slots=True)
class Landscape:
    name: str
    space: Space
    coverage_map: CoverageMap
    plants: tuple[Plant, ...]
    background: float
    origin: AttributeDict
    label: str | None  # expected label of the first region (None: a fluke, no region)
    proposal: str | None

    def failure_probability(self, attributes: Mapping[str, Any]) -> tuple[float, str]:
        for plant in self.plants:
            if in_box(plant.box, attributes):
                return plant.rate, plant.check
        return self.background, "background"


class LandscapeSut(Sut):
    """A SUT for one landscape; picklable by name so process workers rebuild it."""

    def __init__(self, spec: str, options: SutOptions) -> None:
        super().__init__(spec, options)
        self.landscape = LANDSCAPES[spec.removeprefix("landscape:")]

    def run(self, attributes: AttributeDict, seed: int) -> Trajectory:
        rate, check = self.landscape.failure_probability(attributes)
        failed = random.Random(seed).random() < rate
        return Trajectory((Verdict(check, failed, "high", f"{check} fired" if failed else ""),))


def _cat(name: str, n: int) -> AttributeSpec:
    return AttributeSpec(name, values=tuple(f"{name}{i}" for i in range(n)))


def _num(name: str, lo: float = 0.0, hi: float = 1.0, integer: bool = False) -> AttributeSpec:
    return AttributeSpec(name, range=(lo, hi), integer=integer)


def _space(mapped: tuple[AttributeSpec, ...], unmapped: int) -> Space:
    extra = []
    for i in range(unmapped):
        extra.append(_cat(f"u{i}", 3) if i % 2 == 0 else _num(f"v{i}"))
    return Space(mapped + tuple(extra))


_A, _B, _C = _cat("a", 4), _cat("b", 3), _cat("c", 3)
_X, _Y = _num("x"), _num("y")
_K = _num("k", 1, 8, integer=True)
_MAPPED = (_A, _B, _C, _X, _Y)
_CROSSES = (("a", "x"), ("b", "y"))


def _map(name: str) -> CoverageMap:
    return CoverageMap(name, 1, _MAPPED, crosses=_CROSSES, goal=20)


def _landscapes() -> dict[str, Landscape]:
    base: AttributeDict = {"a": "a1", "b": "b0", "c": "c0", "x": 0.2, "y": 0.5, "k": 3}
    space10 = Space((*_MAPPED, _K, _cat("w", 3), _num("z"), _cat("u", 2), _num("s")))
    fill: AttributeDict = {"w": "w0", "z": 0.5, "u": "u0", "s": 0.5}
    big = _space((*_MAPPED, _K), 14)
    big_origin: AttributeDict = {
        **base,
        **{s.name: (s.values[0] if s.values else 0.5) for s in big.attributes[6:]},
    }
    out = [
        Landscape(
            "in_bucket",
            space10,
            _map("in_bucket"),
            (Plant({"a": {"in": ["a1"]}, "x": {"max": 0.4}}, "collusion", 0.8),),
            0.02,
            {**base, **fill},
            "implementation",
            "reweight_bucket",
        ),
        Landscape(
            "missing_cross",
            space10,
            _map("missing_cross"),
            (Plant({"a": {"in": ["a1"]}, "b": {"in": ["b2"]}}, "deception", 0.7),),
            0.02,
            {**base, "b": "b2", **fill},
            "spec",
            "add_cross",
        ),
        Landscape(
            "unmapped_knob",
            space10,
            _map("unmapped_knob"),
            (Plant({"k": {"min": 6}}, "evasion", 0.75),),
            0.01,
            {**base, "k": 7, **fill},
            "spec",
            "add_dimension",
        ),
        Landscape(
            "sub_dimension",
            space10,
            _map("sub_dimension"),
            (Plant({"a": {"in": ["a2"]}, "w": {"in": ["w1"]}}, "self_preservation", 0.8),),
            0.02,
            {**base, "a": "a2", **fill, "w": "w1"},
            "spec",
            "add_subdimension",
        ),
        Landscape(
            "fluke",
            space10,
            _map("fluke"),
            (),
            0.03,
            {**base, **fill},
            None,
            None,
        ),
        Landscape(
            "two_modes",
            space10,
            _map("two_modes"),
            (
                Plant({"a": {"in": ["a1"]}, "x": {"max": 0.4}}, "collusion", 0.8),
                Plant({"b": {"in": ["b0"]}, "y": {"min": 0.7}}, "deception", 0.7),
            ),
            0.02,
            {**base, **fill},
            "implementation",
            "reweight_bucket",
        ),
        Landscape(
            "small_in_large",
            big,
            _map("small_in_large"),
            (
                Plant(
                    {"a": {"in": ["a1"]}, "c": {"in": ["c2"]}, "x": {"max": 0.5}}, "collusion", 0.55
                ),
            ),
            0.04,
            {**big_origin, "c": "c2"},
            "spec",
            "add_cross",
        ),
        Landscape(
            "low_rate",
            space10,
            _map("low_rate"),
            (Plant({"b": {"in": ["b1"]}, "y": {"min": 0.6}}, "evasion", 0.35),),
            0.0,
            {**base, "b": "b1", "y": 0.8, **fill},
            "implementation",
            "reweight_bucket",
        ),
    ]
    return {ls.name: ls for ls in out}


LANDSCAPES: dict[str, Landscape] = _landscapes()


@functools.cache
def world_landscapes() -> dict[str, Landscape]:
    """The built-in world's planted bugs as landscapes (``world:NAME``), on its packaged map.

    The plants come from :mod:`hunter.bench.ground_truth`, the benchmark's ground truth (never
    read by the hunt, the analysis or the strategies).
    """
    from hunter.bench.ground_truth import PLANTS
    from hunter.world import world_space

    cmap = load_map(builtin_map_path("ai_ceo"))
    space = world_space().merged_with(cmap.dimensions)
    out = {}
    for plant in PLANTS:
        name = f"world:{plant.name}"
        out[name] = Landscape(
            name,
            space,
            cmap,
            (Plant(plant.region, plant.check, plant.rate),),
            0.0,
            dict(plant.origin),
            plant.label,
            plant.proposal,
        )
    return out
