"""Regions and the analysis of a hunt as frozen values: what a hunt result (contract §4) holds.

They belong to the domain layer, not to ``hunter.analysis``, because three layers exchange them:
the analysis makes them, strategies read the current region estimate from the hunt context,
and the store and reports read them back from stored JSON. Each value is the only writer and
reader of its JSON (``to_json`` / ``from_json``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

Verdict = Literal["bug", "fluke", "inconclusive"]
LabelKind = Literal["implementation", "spec"]
ProposalKind = Literal["reweight_bucket", "add_cross", "add_dimension", "add_subdimension"]


@dataclass(frozen=True, slots=True)
class Rate:
    """A failure rate with its exact (Clopper-Pearson) 95% interval."""

    runs: int
    failures: int
    rate: float
    ci95: tuple[float, float]

    def to_json(self) -> dict[str, Any]:
        return {
            "runs": self.runs,
            "failures": self.failures,
            "failure_rate": round(self.rate, 4),
            "ci95": [round(self.ci95[0], 4), round(self.ci95[1], 4)],
        }

    @classmethod
    def from_json(cls, raw: Mapping[str, Any]) -> Rate:
        low, high = raw["ci95"]
        return cls.of(int(raw["runs"]), int(raw["failures"]), raw["failure_rate"], (low, high))

    @classmethod
    def of(cls, runs: int, failures: int, stored: float, ci95: Sequence[float]) -> Rate:
        """A stored rate, read back from its counts when it has any: the stored figure is
        rounded, and a result shown from the store must print as it did live (3.85% is 3.8%
        or 3.9% depending on which digits were kept)."""
        exact = failures / runs if runs else float(stored)
        return cls(runs, failures, exact, (float(ci95[0]), float(ci95[1])))


@dataclass(frozen=True, slots=True)
class ReplayTally:
    """The origin's replays so far: valid runs, runs failing like the origin, and the
    sequential test's decision on them (``continue`` while undecided)."""

    runs: int
    failures: int
    decision: Literal["bug", "fluke", "continue"]


NO_REPLAYS = ReplayTally(0, 0, "continue")
"""The tally before the first replay has run."""

EDGE_BAND = 0.25
"""How far past a numeric edge, as a share of the attribute's range, a point still tests that
edge: the ``region`` strategy samples there and the stop rule reads its confirmation there."""


@dataclass(frozen=True, slots=True)
class Constraint:
    """One side of a region box: a value set (categorical) or an interval (numeric)."""

    attribute: str
    values: tuple[Any, ...] | None = None
    min: float | None = None
    max: float | None = None

    def contains(self, value: Any) -> bool:
        if value is None:
            return False
        if self.values is not None:
            return value in self.values
        x = float(value)
        return (self.min is None or x >= self.min) and (self.max is None or x <= self.max)

    def within(self, low: float, high: float) -> tuple[float, float]:
        """The interval this numeric side allows inside an attribute's range ``[low, high]``."""
        return (
            low if self.min is None else max(low, self.min),
            high if self.max is None else min(high, self.max),
        )

    @classmethod
    def from_json(cls, attribute: str, raw: Mapping[str, Any]) -> Constraint:
        """The inverse of :meth:`to_json` (contract §4 form)."""
        if "in" in raw:
            return cls(attribute, values=tuple(raw["in"]))
        return cls(attribute, min=raw.get("min"), max=raw.get("max"))

    def to_json(self) -> dict[str, Any]:
        if self.values is not None:
            return {"in": list(self.values)}
        out: dict[str, Any] = {}
        if self.min is not None:
            out["min"] = self.min
        if self.max is not None:
            out["max"] = self.max
        return out


@dataclass(frozen=True, slots=True)
class MapProposal:
    """A refinement of the coverage map for a human to review (contract §4 ``proposal``)."""

    kind: ProposalKind
    detail: Mapping[str, Any]
    id: str | None = None  # assigned by the store

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "kind": self.kind, "detail": dict(self.detail)}

    @classmethod
    def from_json(cls, raw: Mapping[str, Any]) -> MapProposal:
        return cls(raw["kind"], dict(raw.get("detail") or {}), raw.get("id"))


@dataclass(frozen=True, slots=True)
class Region:
    """One failure mode's failing region, bounded as a box of constraints."""

    id: str
    constraints: tuple[Constraint, ...]
    inside: Rate
    outside: Rate
    label: LabelKind
    bucket: Mapping[str, str] | None
    proposal: MapProposal | None
    checks: tuple[str, ...] = ()  # the failure signature: checks that failed in this mode
    density: float = 0.0  # share of runs inside the box that fail
    coverage: float = 0.0  # share of this mode's failures that fall inside the box
    relax_drop: Mapping[str, float] = field(default_factory=dict)  # rate drop per constraint
    contains_origin: bool = False
    notes: tuple[str, ...] = ()

    def contains(self, attributes: Mapping[str, Any]) -> bool:
        return satisfies(self.constraints, attributes)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "constraints": {c.attribute: c.to_json() for c in self.constraints},
            "failure_rate": round(self.inside.rate, 4),
            "ci95": [round(self.inside.ci95[0], 4), round(self.inside.ci95[1], 4)],
            "support": self.inside.runs,
            "outside_failure_rate": round(self.outside.rate, 4),
            "outside_ci95": [round(self.outside.ci95[0], 4), round(self.outside.ci95[1], 4)],
            "label": self.label,
            "bucket": dict(self.bucket) if self.bucket is not None else None,
            "proposal": self.proposal.to_json() if self.proposal is not None else None,
            "checks": list(self.checks),
            "density": round(self.density, 4),
            "coverage": round(self.coverage, 4),
            "relax_drop": {k: round(v, 4) for k, v in self.relax_drop.items()},
            "failures": self.inside.failures,
            "outside_support": self.outside.runs,
            "outside_failures": self.outside.failures,
            "contains_origin": self.contains_origin,
        }

    @classmethod
    def from_json(cls, raw: Mapping[str, Any], origin: Mapping[str, Any] | None = None) -> Region:
        """Read a stored region. Results stored before ``failures``, ``outside_support`` and
        ``contains_origin`` existed get counts derived from the rates (``outside`` counts stay
        0 until :meth:`with_outside` fills them) and containment tested on ``origin``."""
        constraints = tuple(Constraint.from_json(k, c) for k, c in raw["constraints"].items())
        support = int(raw["support"])
        inside_failures = raw.get("failures", round(raw["failure_rate"] * support))
        out_runs = int(raw.get("outside_support", 0))
        out_failures = raw.get("outside_failures", round(raw["outside_failure_rate"] * out_runs))
        outside_ci = raw.get("outside_ci95", [0.0, 1.0])
        contains = raw.get("contains_origin")
        if contains is None:
            contains = origin is not None and satisfies(constraints, origin)
        proposal = raw.get("proposal")
        return cls(
            id=raw["id"],
            constraints=constraints,
            inside=Rate.of(support, int(inside_failures), raw["failure_rate"], raw["ci95"]),
            outside=Rate.of(out_runs, int(out_failures), raw["outside_failure_rate"], outside_ci),
            label=raw["label"],
            bucket=raw.get("bucket"),
            proposal=MapProposal.from_json(proposal) if proposal else None,
            checks=tuple(raw.get("checks", ())),
            density=float(raw.get("density", raw["failure_rate"])),
            coverage=float(raw.get("coverage", 0.0)),
            relax_drop=dict(raw.get("relax_drop", {})),
            contains_origin=bool(contains),
        )


@dataclass(frozen=True, slots=True)
class HuntAnalysis:
    """The analysis of one hunt: fluke-or-bug, and the regions of its failure modes."""

    verdict: Verdict
    origin_replay: Rate
    background: Rate
    regions: tuple[Region, ...]
    fluke_upper_bound: float | None = None  # for a fluke: P(fail) is at most this (95%)
    notes: tuple[str, ...] = ()

    @property
    def origin_region(self) -> Region | None:
        """The region that contains the origin, if one does."""
        return next((r for r in self.regions if r.contains_origin), None)

    def to_json(self) -> dict[str, Any]:
        return {
            "origin_replay": self.origin_replay.to_json(),
            "background": self.background.to_json(),
            "verdict": self.verdict,
            "fluke_upper_bound": self.fluke_upper_bound,
            "regions": [r.to_json() for r in self.regions],
            "notes": list(self.notes),
        }

    @classmethod
    def from_json(
        cls, raw: Mapping[str, Any], origin: Mapping[str, Any] | None = None
    ) -> HuntAnalysis:
        """Read the analysis part of a stored hunt result (``origin``: see Region.from_json)."""
        return cls(
            verdict=raw["verdict"],
            origin_replay=Rate.from_json(raw["origin_replay"]),
            background=Rate.from_json(raw["background"]),
            regions=tuple(Region.from_json(r, origin) for r in raw["regions"]),
            fluke_upper_bound=raw.get("fluke_upper_bound"),
            notes=tuple(raw.get("notes", ())),
        )


def constraint_words(region: Region) -> str:
    """The region's constraints in words ("a is a1 and x <= 0.4")."""
    parts = []
    for c in region.constraints:
        if c.values is not None:
            values = ", ".join(map(str, c.values))
            parts.append(
                f"{c.attribute} is {values}"
                if len(c.values) == 1
                else f"{c.attribute} is one of {values}"
            )
        elif c.min is not None and c.max is not None:
            parts.append(f"{c.attribute} is between {c.min:g} and {c.max:g}")
        elif c.max is not None:
            parts.append(f"{c.attribute} <= {c.max:g}")
        elif c.min is not None:
            parts.append(f"{c.attribute} >= {c.min:g}")
    return " and ".join(parts) or "anywhere near the origin"


def satisfies(constraints: Sequence[Constraint], attributes: Mapping[str, Any]) -> bool:
    """Whether a scenario meets every one of ``constraints`` (an absent value meets none)."""
    return all(c.contains(attributes.get(c.attribute)) for c in constraints)
