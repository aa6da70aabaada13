"""Triage of a campaign's failures: which are the same bug, which are flukes, which matter most.

Pure functions over domain values (the flow in ``hunter.flow.triage`` runs the hunts):

* :func:`merge_bugs` makes one bug of regions that coincide (two hunts of the same bug);
* :func:`bug_of` says which known bug a failed run belongs to ("same" or "new");
* :func:`rank_bugs` gives each bug its share of the campaign's scenario distribution, its
  estimated contribution to the campaign's failure rate and a risk order;
* :func:`bucket_risk` is the per-bucket residual-risk table of the safety case.

Why boxes are compared by their measure under the space's uniform distribution: two hunts of
the same bug rarely draw the same edges (one tighter, one looser, one missing a constraint
another found), but the smaller box lies mostly inside the larger one. The overlap is computed
exactly per attribute (a box's measure is the product of its sides' shares), so no sampling.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from hunter.analysis.stats import rate, upper_bound
from hunter.coverage import CoverageMap, Space
from hunter.domain import Run
from hunter.regions import Constraint, Rate, Region, constraint_words

SAME_BUG_OVERLAP = 0.5
"""Two regions with a check in common are one bug when at least this share of the smaller
one's measure lies inside the other."""

SEVERITY_WEIGHT: Mapping[str, float] = {"critical": 2.0, "high": 1.0, "medium": 0.5, "low": 0.25}
"""How much a check's severity multiplies a bug's contribution in the risk order."""


@dataclass(frozen=True, slots=True)
class FoundRegion:
    """A region of a stored hunt, as the triage remembers it."""

    hunt_id: str
    region: Region
    space: Space


@dataclass(frozen=True, slots=True)
class Bug:
    """Regions of one or more hunts that coincide: one bug (``B1``, ``B2``... in order found)."""

    id: str
    found: tuple[FoundRegion, ...]

    @property
    def first(self) -> FoundRegion:
        return self.found[0]

    @property
    def checks(self) -> tuple[str, ...]:
        seen: dict[str, None] = {}
        for f in self.found:
            seen.update(dict.fromkeys(f.region.checks))
        return tuple(seen)

    @property
    def hunt_ids(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(f.hunt_id for f in self.found))

    def contains(self, run: Run) -> bool:
        """Whether a failed run lies inside one of the bug's regions and fails one of its
        checks (a run of another failure mode in the same box is not this bug)."""
        failed = set(run.failed_checks)
        attributes = run.attributes()
        return any(
            f.region.contains(attributes) and (not f.region.checks or failed & set(f.region.checks))
            for f in self.found
        )


def _share(c: Constraint | None, space: Space, name: str) -> tuple[float, Any]:
    """The share of attribute ``name``'s range a constraint covers, and the set it covers."""
    spec = space.get(name)
    if spec is None:
        return 1.0, None
    if spec.values is not None:
        allowed = set(spec.values) if c is None or c.values is None else set(c.values)
        return len(allowed & set(spec.values)) / max(1, len(spec.values)), allowed
    lo, hi = float(spec.low), float(spec.high)
    a = lo if c is None or c.min is None else max(lo, float(c.min))
    b = hi if c is None or c.max is None else min(hi, float(c.max))
    width = hi - lo
    if spec.integer:  # integer values: count them, so "months <= 12" is 1 of 13
        count = max(0, int(b // 1) - int(-(-a // 1)) + 1)
        return count / max(1, int(hi) - int(lo) + 1), (a, b)
    return (max(0.0, b - a) / width if width > 0 else 1.0), (a, b)


def measure(constraints: Sequence[Constraint], space: Space) -> float:
    """The box's share of the space under the uniform distribution of every attribute."""
    out = 1.0
    for c in constraints:
        out *= _share(c, space, c.attribute)[0]
    return out


def _intersection(a: Sequence[Constraint], b: Sequence[Constraint]) -> tuple[Constraint, ...]:
    by_a = {c.attribute: c for c in a}
    by_b = {c.attribute: c for c in b}
    out = []
    for name in sorted(set(by_a) | set(by_b)):
        ca, cb = by_a.get(name), by_b.get(name)
        if ca is None or cb is None:
            out.append(ca or cb)
            continue
        if ca.values is not None or cb.values is not None:
            va = set(ca.values) if ca.values is not None else set(cb.values or ())
            vb = set(cb.values) if cb.values is not None else va
            out.append(Constraint(name, values=tuple(sorted(va & vb, key=str))))
            continue
        lows = [x for x in (ca.min, cb.min) if x is not None]
        highs = [x for x in (ca.max, cb.max) if x is not None]
        out.append(
            Constraint(name, min=max(lows) if lows else None, max=min(highs) if highs else None)
        )
    return tuple(c for c in out if c is not None)


def overlap(a: Sequence[Constraint], b: Sequence[Constraint], space: Space) -> float:
    """The share of the smaller box's measure that lies inside the other box."""
    smaller = min(measure(a, space), measure(b, space))
    if smaller <= 0:
        return 0.0
    return min(1.0, measure(_intersection(a, b), space) / smaller)


def same_bug(a: Region, b: Region, space: Space) -> bool:
    """Two regions are one bug: a check in common and boxes that coincide
    (:data:`SAME_BUG_OVERLAP`)."""
    if a.checks and b.checks and not set(a.checks) & set(b.checks):
        return False
    return overlap(a.constraints, b.constraints, space) >= SAME_BUG_OVERLAP


def merge_bugs(found: Sequence[FoundRegion]) -> tuple[Bug, ...]:
    """Known bugs from every stored region, in the order found: a region that coincides with an
    earlier bug's first region joins that bug, any other starts a new one."""
    groups: list[list[FoundRegion]] = []
    for f in found:
        if not f.region.constraints:
            continue  # a box with no constraint is no region: it cannot mark anything
        for group in groups:
            if same_bug(group[0].region, f.region, f.space):
                group.append(f)
                break
        else:
            groups.append([f])
    return tuple(Bug(f"B{i + 1}", tuple(g)) for i, g in enumerate(groups))


def bug_of(run: Run, bugs: Sequence[Bug]) -> Bug | None:
    """The first known bug a failed run lies in, or None: a new failure."""
    if not run.failed or run.error is not None:
        return None
    return next((b for b in bugs if b.contains(run)), None)


@dataclass(frozen=True, slots=True)
class RankedBug:
    """One bug of a campaign's triage, with what ranks it.

    Attributes:
        share: the share of the campaign's runs whose scenario lies in the bug's region (its
            share of the campaign's scenario distribution).
        contribution: ``share * inside.rate``: the bug's estimated part of the campaign's
            failure rate.
        risk: ``contribution`` weighted by the severity of its worst check (the rank order).
        failed_runs: the campaign's failed runs attributed to the bug.
        known: found before this triage (a hunt outside it): "same" rather than "new".
    """

    bug: Bug
    inside: Rate
    share: float
    contribution: float
    severity: str
    risk: float
    failed_runs: tuple[str, ...]
    known: bool = False

    @property
    def region(self) -> Region:
        return self.bug.first.region

    def to_json(self) -> dict[str, Any]:
        region = self.region
        return {
            "bug_id": self.bug.id,
            "hunt_id": self.bug.first.hunt_id,
            "region_id": region.id,
            "hunts": list(self.bug.hunt_ids),
            "constraints": {c.attribute: c.to_json() for c in region.constraints},
            "words": constraint_words(region),
            "checks": list(self.bug.checks),
            "severity": self.severity,
            "label": region.label,
            "proposal": region.proposal.to_json() if region.proposal is not None else None,
            "inside": self.inside.to_json(),
            "share": round(self.share, 4),
            "contribution": round(self.contribution, 4),
            "risk": round(self.risk, 4),
            "failed_runs": list(self.failed_runs),
            "known": self.known,
        }


def _severity(runs: Sequence[Run], checks: Sequence[str]) -> str:
    order = list(SEVERITY_WEIGHT)
    worst = len(order) - 1
    for run in runs:
        for v in run.verdicts:
            if v.failed and v.check in checks and v.severity in SEVERITY_WEIGHT:
                worst = min(worst, order.index(v.severity))
    return order[worst] if runs else "medium"


def rank_bugs(
    bugs: Sequence[Bug],
    attributed: Mapping[str, Sequence[Run]],
    campaign_runs: Sequence[Run],
    known: frozenset[str] = frozenset(),
) -> tuple[RankedBug, ...]:
    """The bugs that explain some of the campaign's failures, riskiest first.

    Args:
        bugs: candidate bugs; those with no attributed run are left out.
        attributed: bug ID -> the campaign's failed runs attributed to it.
        campaign_runs: every run of the campaign (its scenario distribution).
        known: IDs of bugs found before the triage.
    """
    runs = [r for r in campaign_runs if r.error is None]
    out = []
    for bug in bugs:
        mine = attributed.get(bug.id, ())
        if not mine:
            continue
        inside = bug.first.region.inside
        n_in = sum(bug.first.region.contains(r.attributes()) for r in runs)
        share = n_in / len(runs) if runs else 0.0
        contribution = share * inside.rate
        severity = _severity(mine, bug.checks)
        out.append(
            RankedBug(
                bug,
                inside,
                share,
                contribution,
                severity,
                contribution * SEVERITY_WEIGHT[severity],
                tuple(r.run_id for r in mine),
                bug.id in known,
            )
        )
    out.sort(key=lambda b: (-b.risk, -b.contribution, int(b.bug.id[1:])))
    return tuple(out)


@dataclass(frozen=True, slots=True)
class BucketRisk:
    """One bucket's failures in the campaign: the rate, its one-sided 95% upper bound, and the
    part no bug explains (flukes and unexplained failures: the residual)."""

    bucket: tuple[tuple[str, str], ...]
    rate: Rate
    upper: float
    residual: Rate
    residual_upper: float
    bugs: tuple[str, ...] = field(default=())

    def to_json(self) -> dict[str, Any]:
        return {
            "bucket": dict(self.bucket),
            "runs": self.rate.runs,
            "failures": self.rate.failures,
            "failure_rate": round(self.rate.rate, 4),
            "upper95": round(self.upper, 4),
            "residual_failures": self.residual.failures,
            "residual_rate": round(self.residual.rate, 4),
            "residual_upper95": round(self.residual_upper, 4),
            "bugs": list(self.bugs),
        }


def bucket_risk(
    coverage_map: CoverageMap,
    campaign_runs: Sequence[Run],
    bug_of_run: Mapping[str, str],
) -> tuple[BucketRisk, ...]:
    """Per bucket of the map: failure rate with its one-sided exact 95% upper bound, and the
    same for the failures no bug explains; highest upper bound first."""
    counts: dict[tuple[tuple[str, str], ...], list[int]] = {
        b: [0, 0, 0] for b in coverage_map.buckets()
    }
    bugs: dict[tuple[tuple[str, str], ...], dict[str, None]] = {}
    for run in campaign_runs:
        if run.error is not None:
            continue
        for bucket in coverage_map.buckets_of(run.attributes()):
            c = counts.setdefault(bucket, [0, 0, 0])
            c[0] += 1
            if run.failed:
                c[1] += 1
                bug = bug_of_run.get(run.run_id)
                if bug is None:
                    c[2] += 1
                else:
                    bugs.setdefault(bucket, {})[bug] = None
    out = [
        BucketRisk(
            bucket,
            rate(f, n),
            upper_bound(f, n),
            rate(res, n),
            upper_bound(res, n),
            tuple(bugs.get(bucket, {})),
        )
        for bucket, (n, f, res) in counts.items()
    ]
    out.sort(key=lambda b: (-b.upper, -b.rate.rate, b.bucket))
    return tuple(out)


@dataclass(frozen=True, slots=True)
class Explained:
    """Why a failed run is where the triage put it."""

    run_id: str
    kind: str  # "bug", "fluke" or "unexplained"
    bug_id: str | None = None
    hunt_id: str | None = None
    note: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "run_id": self.run_id,
            "kind": self.kind,
            "bug_id": self.bug_id,
            "hunt_id": self.hunt_id,
            "note": self.note,
        }


@dataclass(frozen=True, slots=True)
class TriageResult:
    """A campaign's triage (contract: ``hunter triage --json``)."""

    campaign_id: str
    seed: int
    budget: int
    hunt_budget: int
    runs: int
    failures: int
    simulations: int
    hunts: tuple[str, ...]
    bugs: tuple[RankedBug, ...]
    explained: tuple[Explained, ...]
    buckets: tuple[BucketRisk, ...]
    stop: str  # "explained" or "budget"

    @property
    def flukes(self) -> tuple[Explained, ...]:
        return tuple(e for e in self.explained if e.kind == "fluke")

    @property
    def unexplained(self) -> tuple[Explained, ...]:
        return tuple(e for e in self.explained if e.kind == "unexplained")

    def to_json(self) -> dict[str, Any]:
        return {
            "campaign_id": self.campaign_id,
            "seed": self.seed,
            "budget": self.budget,
            "hunt_budget": self.hunt_budget,
            "runs": self.runs,
            "failures": self.failures,
            "failure_rate": round(self.failures / self.runs, 4) if self.runs else 0.0,
            "simulations": self.simulations,
            "stop": self.stop,
            "hunts": list(self.hunts),
            "bugs": [b.to_json() for b in self.bugs],
            "flukes": [e.to_json() for e in self.flukes],
            "unexplained": [e.to_json() for e in self.unexplained],
            "explained": [e.to_json() for e in self.explained],
            "buckets": [b.to_json() for b in self.buckets],
        }
