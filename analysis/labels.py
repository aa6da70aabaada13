"""Labels and map refinements, exactly by the rules of contract §4.

* every constraint on map dimensions, and some cross holds them all: ``implementation`` +
  ``reweight_bucket`` (the region lies in existing buckets, which are under-trained);
* every constraint on map dimensions, but no cross holds them all: ``spec`` + ``add_cross``;
* a constraint on an unmapped attribute: ``spec`` + ``add_subdimension`` when that attribute
  only matters under the region's values of a mapped dimension (tested on the runs outside
  them), else ``add_dimension``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from hunter.analysis.stats import fails_more
from hunter.analysis.table import Observations
from hunter.coverage import CoverageMap, Space
from hunter.domain import Value
from hunter.regions import Constraint, LabelKind, MapProposal, Rate

MAX_SUGGESTED_WEIGHT = 10.0


def _matches(c: Constraint, column: np.ndarray) -> np.ndarray:
    return np.array([c.contains(None if v == "<absent>" else v) for v in column], dtype=bool)


def _spec_for(c: Constraint, space: Space, when: Mapping[str, Any] | None) -> dict[str, Any]:
    """The new dimension as an attribute spec whose values or bins split failing from passing."""
    spec = space[c.attribute]
    out: dict[str, Any] = {"name": c.attribute}
    if spec.values is not None:
        out["values"] = list(spec.values)
    else:
        edges = [spec.low, *(x for x in (c.min, c.max) if x is not None), spec.high]
        out["range"] = [spec.low, spec.high]
        if spec.integer:
            out["integer"] = True
        out["bins"] = sorted(set(edges))
    if when:
        out["when"] = dict(when)
    return out


def _split(obs: Observations, y: np.ndarray, c: Constraint) -> dict[str, Any]:
    inside = _matches(c, obs.columns[c.attribute])

    def r(mask: np.ndarray) -> float:
        return round(float(y[mask].mean()), 4) if mask.any() else 0.0

    return {
        "inside": {"runs": int(inside.sum()), "failure_rate": r(inside)},
        "outside": {"runs": int((~inside).sum()), "failure_rate": r(~inside)},
    }


def _matters_elsewhere(
    obs: Observations,
    y: np.ndarray,
    unmapped: Constraint,
    mapped: list[Constraint],
    alpha: float,
) -> bool:
    """Does the unmapped attribute still raise the failure rate outside the mapped constraints?"""
    outside = np.zeros(len(obs), dtype=bool)
    for c in mapped:
        outside |= ~_matches(c, obs.columns[c.attribute])
    if outside.sum() < 4:
        return False  # never tested elsewhere: the region itself says it is conditional
    hit = _matches(unmapped, obs.columns[unmapped.attribute]) & outside
    miss = ~_matches(unmapped, obs.columns[unmapped.attribute]) & outside
    if hit.sum() == 0 or miss.sum() == 0:
        return False
    return fails_more(y, hit, miss) < alpha


def _representative(
    constraints: tuple[Constraint, ...], origin: Mapping[str, Value]
) -> dict[str, Value]:
    """A point of the region: the origin where it lies inside, else the region's own values."""
    point = dict(origin)
    for c in constraints:
        if c.contains(point.get(c.attribute)):
            continue
        if c.values:
            point[c.attribute] = c.values[0]
        else:
            lo = c.min if c.min is not None else c.max
            hi = c.max if c.max is not None else c.min
            point[c.attribute] = ((lo or 0.0) + (hi or 0.0)) / 2
    return point


def label_region(
    constraints: tuple[Constraint, ...],
    coverage_map: CoverageMap | None,
    space: Space,
    origin: Mapping[str, Value],
    obs: Observations,
    y: np.ndarray,
    inside: Rate,
    background: Rate,
    alpha: float = 0.05,
) -> tuple[LabelKind, Mapping[str, str] | None, MapProposal | None]:
    """The region's label, the bucket it lies in (implementation bugs) and its proposal."""
    if not constraints:
        return "implementation", None, None
    dims = set(coverage_map.dimension_names) if coverage_map else set()
    mapped = [c for c in constraints if c.attribute in dims]
    unmapped = [c for c in constraints if c.attribute not in dims]
    if not unmapped and coverage_map is not None:
        names = [c.attribute for c in mapped]
        crosses = coverage_map.crosses_containing(names)
        if crosses:
            cross = min(crosses, key=len)
            if len(cross) > len(names):
                # The region spans every cell of the cross's other dimensions: one of its
                # buckets would weight a slice of it. The bucket over the region's own
                # dimensions holds it all; accepting adds that cross if the map lacks it.
                cross = tuple(d for d in coverage_map.dimension_names if d in names)
            bucket = coverage_map.bucket_of(cross, _representative(constraints, origin)) or ()
            weight = min(
                MAX_SUGGESTED_WEIGHT,
                round(1 + 10 * max(0.0, inside.rate - background.rate), 1),
            )
            detail = {"bucket": dict(bucket), "weight": weight, "cross": list(cross)}
            return "implementation", dict(bucket), MapProposal("reweight_bucket", detail)
        detail = {"dimensions": sorted(names)}
        return "spec", None, MapProposal("add_cross", detail)
    first = unmapped[0]
    parents = [c for c in mapped if c.values is not None]
    if parents and not _matters_elsewhere(obs, y, first, parents, alpha):
        parent = parents[0]
        when = {
            parent.attribute: parent.values[0]
            if parent.values and len(parent.values) == 1
            else list(parent.values or ())
        }
        detail = {
            "attribute": _spec_for(first, space, when),
            "parent": when,
            "split": _split(obs, y, first),
            "constraint": first.to_json(),
        }
        return "spec", None, MapProposal("add_subdimension", detail)
    detail = {
        "attribute": _spec_for(first, space, None),
        "split": _split(obs, y, first),
        "constraint": first.to_json(),
        "interacts_with": sorted(c.attribute for c in mapped),
    }
    if len(unmapped) > 1:
        detail["also_unmapped"] = [c.attribute for c in unmapped[1:]]
    return "spec", None, MapProposal("add_dimension", detail)
