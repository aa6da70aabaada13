"""Applying accepted proposals to a coverage map: the map's next version.

Two views of the same change. :func:`apply_proposal` applies a proposal to a
:class:`CoverageMap` (what the map means); :func:`refine_map_text` applies one or more to the
map's YAML text with the smallest edit (what the reviewer reads in the diff), and checks that
the text it writes means exactly what :func:`apply_proposal` says it should.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

import yaml

from hunter.analysis.map_text import FlowMap, append_entry, set_in_entry, set_scalar
from hunter.analysis.proposal_words import bucket_words
from hunter.coverage import CoverageMap, Weight, dump_yaml
from hunter.domain import AttributeSpec
from hunter.errors import InvalidConfig
from hunter.regions import MapProposal


class ProposalDoesNotApply(InvalidConfig):
    """The map already has what the proposal adds (an earlier version took it in)."""

    def __init__(self, message: str, proposal_id: str | None = None) -> None:
        super().__init__(message)
        self.proposal_id = proposal_id


def _same_bucket(a: Sequence[tuple[str, str]], b: Sequence[tuple[str, str]]) -> bool:
    return sorted(a) == sorted(b)


def _has_cross(cmap: CoverageMap, cross: Sequence[str], *, effective: bool) -> bool:
    crosses = cmap.effective_crosses() if effective else cmap.crosses
    return any(set(c) == set(cross) for c in crosses)


def _bucket_of(detail: Mapping[str, Any]) -> tuple[tuple[str, str], ...]:
    return tuple((str(k), str(v)) for k, v in dict(detail["bucket"]).items())


def _weight_index(cmap: CoverageMap, bucket: Sequence[tuple[str, str]]) -> int | None:
    for i, w in enumerate(cmap.weights):
        if _same_bucket(w.bucket, bucket):
            return i
    return None


def apply_proposal(coverage_map: CoverageMap, proposal: MapProposal) -> CoverageMap:
    """The map with the proposal applied and its version + 1.

    Raises:
        ProposalDoesNotApply: the map already has the dimension, the cross, or the bucket's
            weight. InvalidConfig: the proposal does not fit the map (validated like a map file).
    """
    detail = proposal.detail
    cmap = coverage_map
    try:
        if proposal.kind == "reweight_bucket":
            bucket = _bucket_of(detail)
            weight = float(detail["weight"])
            index = _weight_index(cmap, bucket)
            if index is not None and cmap.weights[index].weight == weight:
                raise ProposalDoesNotApply(
                    f"bucket {bucket_words(dict(bucket))} already has weight {weight:g}"
                )
            weights = list(cmap.weights)
            if index is None:
                weights.append(Weight(bucket, weight))
            else:  # changed in place, as the YAML entry is
                weights[index] = Weight(cmap.weights[index].bucket, weight)
            cross = tuple(detail.get("cross") or [k for k, _ in bucket])
            crosses = cmap.crosses
            if not _has_cross(cmap, cross, effective=True):
                crosses = (*crosses, cross)
            cmap = replace(cmap, weights=tuple(weights), crosses=crosses)
        elif proposal.kind == "add_cross":
            cross = tuple(str(d) for d in detail["dimensions"])
            if _has_cross(cmap, cross, effective=False):
                raise ProposalDoesNotApply(f"the map already crosses {' x '.join(cross)}")
            cmap = replace(cmap, crosses=(*cmap.crosses, cross))
        elif proposal.kind in ("add_dimension", "add_subdimension"):
            spec = AttributeSpec.from_dict(dict(detail["attribute"]), f"proposal {proposal.id}")
            if spec.name in cmap.dimension_names:
                raise ProposalDoesNotApply(f"the map already has a dimension {spec.name!r}")
            crosses = cmap.crosses
            partners = [str(p) for p in detail.get("interacts_with") or []]
            if partners:
                crosses = (*crosses, (*partners, spec.name))
            cmap = replace(cmap, dimensions=(*cmap.dimensions, spec), crosses=crosses)
        else:
            raise InvalidConfig(f"unknown proposal kind {proposal.kind!r}")
    except (KeyError, TypeError, ValueError) as exc:
        if isinstance(exc, InvalidConfig):
            raise
        raise InvalidConfig(f"proposal {proposal.id}: malformed {proposal.kind} detail") from None
    return replace(cmap, version=cmap.version + 1, path=None)


def _apply_to_text(
    text: str, cmap: CoverageMap, proposal: MapProposal, note: str, source: str
) -> str:
    """One proposal's smallest edit of the map text (the version is left alone)."""
    detail = proposal.detail
    if proposal.kind == "reweight_bucket":
        bucket = _bucket_of(detail)
        weight = float(detail["weight"])
        cross = [str(d) for d in detail.get("cross") or [k for k, _ in bucket]]
        if not _has_cross(cmap, cross, effective=True):
            text = append_entry(text, "crosses", cross, note, after=["dimensions"], source=source)
        index = _weight_index(cmap, bucket)
        if index is not None:
            return set_in_entry(text, "weights", index, "weight", weight, note, source=source)
        entry = {"bucket": dict(bucket), "weight": weight}
        return append_entry(text, "weights", entry, note, source=source)
    if proposal.kind == "add_cross":
        cross = [str(d) for d in detail["dimensions"]]
        return append_entry(text, "crosses", cross, note, after=["dimensions"], source=source)
    attribute = dict(detail["attribute"])
    text = append_entry(text, "dimensions", attribute, note, source=source)
    partners = [str(p) for p in detail.get("interacts_with") or []]
    if partners:
        cross = [*partners, str(attribute["name"])]
        text = append_entry(text, "crosses", cross, note, after=["dimensions"], source=source)
    return text


def _parse(text: str, source: str) -> CoverageMap:
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError:
        raise InvalidConfig(f"{source}: not valid YAML") from None
    return CoverageMap.from_dict(raw, source)


def refine_map_text(
    text: str,
    steps: Sequence[tuple[MapProposal, str]],
    *,
    version: int,
    source: str = "<map>",
) -> tuple[str, CoverageMap]:
    """The map text with each proposal applied in order, ``version`` set, each change commented.

    ``steps`` pairs each proposal with the one-line note written beside its change. Everything
    the proposals do not touch keeps its text: comments, order, indentation, flow style.

    Returns:
        The new text and the map it validates to (checked against :func:`apply_proposal`).

    Raises:
        ProposalDoesNotApply: a proposal the map (or an earlier step) already took in; its
            ``proposal_id`` names it. InvalidConfig: a proposal that does not fit the map.
    """
    base = _parse(text, source)
    cmap = base
    flow = False
    for proposal, note in steps:
        try:
            expected = apply_proposal(cmap, proposal)
        except ProposalDoesNotApply as exc:
            raise ProposalDoesNotApply(str(exc), proposal.id) from None
        except InvalidConfig as exc:
            raise InvalidConfig(f"proposal {proposal.id} does not fit {source}: {exc}") from None
        if not flow:
            try:
                text = _apply_to_text(text, cmap, proposal, note, source)
            except FlowMap:
                flow = True  # a flow-style document: written out whole below
        cmap = replace(expected, version=cmap.version)
    expected_map = replace(cmap, version=version)
    if flow:
        notes = "".join(f"# {' '.join(note.split())}\n" for _, note in steps)
        text = notes + dump_yaml(expected_map.to_dict())
    else:
        text = set_scalar(text, "version", version, after="name", source=source)
    result = _parse(text, source)
    if result != expected_map:
        raise RuntimeError(f"editing {source} gave a map other than the proposals' (a bug)")
    return text, result
