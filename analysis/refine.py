"""Applying an accepted proposal to a coverage map: the map's next version."""

from __future__ import annotations

from dataclasses import replace

from hunter.coverage import CoverageMap, Weight
from hunter.domain import AttributeSpec
from hunter.errors import InvalidConfig
from hunter.regions import MapProposal


def apply_proposal(coverage_map: CoverageMap, proposal: MapProposal) -> CoverageMap:
    """The map with the proposal applied and its version + 1.

    Raises:
        InvalidConfig: when the proposal does not fit the map (it is validated like a map file).
    """
    detail = proposal.detail
    cmap = coverage_map
    if proposal.kind == "reweight_bucket":
        bucket = tuple((str(k), str(v)) for k, v in dict(detail["bucket"]).items())
        weights = tuple(w for w in cmap.weights if w.bucket != bucket)
        cross = tuple(detail.get("cross") or [k for k, _ in bucket])
        crosses = cmap.crosses if cross in cmap.effective_crosses() else (*cmap.crosses, cross)
        cmap = replace(
            cmap, weights=(*weights, Weight(bucket, float(detail["weight"]))), crosses=crosses
        )
    elif proposal.kind == "add_cross":
        cross = tuple(detail["dimensions"])
        if cross not in cmap.crosses:
            cmap = replace(cmap, crosses=(*cmap.crosses, cross))
    elif proposal.kind in ("add_dimension", "add_subdimension"):
        spec = AttributeSpec.from_dict(dict(detail["attribute"]), f"proposal {proposal.id}")
        if spec.name in cmap.dimension_names:
            raise InvalidConfig(f"map already has a dimension {spec.name!r}")
        crosses = cmap.crosses
        partners = list(detail.get("interacts_with") or [])
        if partners:
            crosses = (*crosses, (*partners, spec.name))
        cmap = replace(cmap, dimensions=(*cmap.dimensions, spec), crosses=crosses)
    else:
        raise InvalidConfig(f"unknown proposal kind {proposal.kind!r}")
    return replace(cmap, version=cmap.version + 1, path=None)
