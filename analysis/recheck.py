"""Rechecking a region after a fix: is it gone, still there, or only partly gone?

"Fix the region, not the sample": once a fixer has changed the agent, a recheck simulates fresh
scenarios all over each region of a hunt (every attribute the box does not name at random) and
just beyond each of its sides (one constraint broken at a time: within a band past a numeric
edge, or one value a categorical side excludes), and this module judges the counts:

* ``fixed``: the inside fails significantly less than the hunt measured (one-sided Fisher exact
  test), its exact one-sided upper bound is at most ``ceiling``, and no side just beyond the box
  and no cell of its inside still fails.
* ``partly fixed``: the inside fails significantly less, but something still fails: a side (the
  fix moved the failure next door), a cell of the inside (one value of an attribute the box does
  not name, or one bin of a numeric one: the fix covered the training sample, not the region),
  or, when no cell stands out, the whole box at a lower rate (the misbehaviour was weakened).
* ``still failing``: the inside does not fail significantly less than the hunt measured, and
  still fails above the background.
* ``inconclusive``: no valid run; or the inside now looks clean but the hunt's own evidence was
  too thin for the drop to be significant; or too few runs were drawn to show either a drop or
  a rate above the background; or the drop is significant, nothing still fails, but too few
  runs were drawn to bound the inside below ``ceiling``.

A side or a cell *still fails* when it fails more often than the background (the region's own
rate outside its box in the hunt; the hunt's background when that is unknown) and above
``ceiling``; a cell must also fail more often than the rest of the inside, so that a box that
still fails a little everywhere is not reported as fifty failing cells. Sides and cells are
one family of tests, Holm-corrected at ``alpha``.

Pure functions of counts and boxes: the flow layer samples and simulates, this module judges.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from hunter.analysis.stats import fisher_greater, holm, rate, upper_bound
from hunter.coverage import Space
from hunter.domain import Value
from hunter.regions import EDGE_BAND, Constraint, Rate

RecheckVerdict = Literal["fixed", "partly fixed", "still failing", "inconclusive"]
PieceKind = Literal["inside", "side", "cell"]

ALPHA = 0.05
"""Significance of the drop test and family-wise level of the sides' and cells' tests."""
CEILING = 0.10
"""A fixed region fails in at most this share of its inside (exact one-sided 95% bound); a
side or cell that fails less than this never counts as still failing."""
MIN_CELL_RUNS = 5
"""Cells of the inside with fewer runs are not tested (they could not reach significance)."""


@dataclass(frozen=True, slots=True)
class Piece:
    """One part of a recheck's sample: the region's inside, a side just beyond it, or a cell of
    the inside, as a box of constraints with its counts.

    Attributes:
        kind: ``inside``, ``side`` or ``cell``.
        box: the constraints every run of the piece meets.
        attribute: the attribute a side breaks, or a cell pins (None for the inside).
        failures: valid runs that failed one of the region's checks.
        runs: valid runs (SUT errors excluded).
        drawn: for a side of an integer attribute, the band as the values its runs take.
            The box keeps the band closed at the region's edge (``months <= 13`` gives
            ``>= 13 and <= 16``, 13 being inside, refused when drawn), so in words it would
            name a value no run of the side has; ``drawn`` is ``>= 14 and <= 16``.
    """

    kind: PieceKind
    box: tuple[Constraint, ...]
    attribute: str | None = None
    failures: int = 0
    runs: int = 0
    drawn: Constraint | None = None

    @property
    def label(self) -> str:
        """The piece in words, a side's band as its runs' values (``drawn``)."""
        return box_text([self.broken if c.attribute == self.attribute else c for c in self.box])

    @property
    def broken(self) -> Constraint:
        """The constraint a side breaks, in the values its runs take (a side only)."""
        if self.drawn is not None:
            return self.drawn
        return next(c for c in self.box if c.attribute == self.attribute)

    def counted(self, failures: int, runs: int) -> Piece:
        return Piece(self.kind, self.box, self.attribute, failures, runs, self.drawn)


@dataclass(frozen=True, slots=True)
class Judged:
    """A side or cell after the test: its rate, its p-value, and whether it still fails."""

    piece: Piece
    rate: Rate
    p_value: float
    still_failing: bool

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.piece.kind,
            "attribute": self.piece.attribute,
            "constraints": box_json(self.piece.box),
            "words": self.piece.label,
            **self.rate.to_json(),
            "p_value": _p(self.p_value),
            "still_failing": self.still_failing,
        }


@dataclass(frozen=True, slots=True)
class RegionRecheck:
    """The verdict on one region of a hunt, with the counts behind it.

    Attributes:
        inside: the inside's failure rate now; ``before`` the hunt's; ``background`` the
            reference that sides and cells are tested against.
        p_drop: one-sided Fisher p-value that the hunt's inside failed more than the inside now.
        upper: exact one-sided 95% upper bound on the inside's failure rate now.
        sides: every side just beyond the box, judged.
        still_failing: the boxes that still fail (the inside itself, sides, cells), most
            significant first; empty for ``fixed``.
        reason: the verdict in one sentence.
    """

    region_id: str
    box: tuple[Constraint, ...]
    checks: tuple[str, ...]
    verdict: RecheckVerdict
    inside: Rate
    before: Rate
    background: Rate
    p_drop: float
    upper: float
    sides: tuple[Judged, ...]
    still_failing: tuple[Judged, ...]
    reason: str

    def to_json(self) -> dict[str, Any]:
        return {
            "region_id": self.region_id,
            "verdict": self.verdict,
            "constraints": box_json(self.box),
            "words": box_text(self.box),
            "checks": list(self.checks),
            "inside": self.inside.to_json(),
            "before": self.before.to_json(),
            "background": self.background.to_json(),
            "p_drop": _p(self.p_drop),
            "upper_bound": round(self.upper, 4),
            "sides": [s.to_json() for s in self.sides],
            "still_failing": [s.to_json() for s in self.still_failing],
            "reason": self.reason,
        }


def box_json(box: Sequence[Constraint]) -> dict[str, Any]:
    """A box in contract §4 form (``{"attr": {"in": [...]}, "x": {"min": a, "max": b}}``)."""
    return {c.attribute: c.to_json() for c in box}


def box_text(box: Sequence[Constraint]) -> str:
    """A box as ``a in {x, y}; n >= 2 and <= 5`` (the hunt summary's form)."""
    parts = []
    for c in box:
        if c.values is not None:
            parts.append(f"{c.attribute} in {{{', '.join(map(str, c.values))}}}")
        else:
            bounds = []
            if c.min is not None:
                bounds.append(f">= {c.min:g}")
            if c.max is not None:
                bounds.append(f"<= {c.max:g}")
            parts.append(f"{c.attribute} {' and '.join(bounds) or 'any'}")
    return "; ".join(parts) or "(no constraint)"


def _p(p: float) -> float:
    return float(f"{p:.3g}")


# -- geometry: the sides just beyond a box and the cells of its inside ---------------------------


def sides(box: Sequence[Constraint], space: Space, margin: float = EDGE_BAND) -> tuple[Piece, ...]:
    """The super-box's sides: for each constraint, the box with that one constraint broken.

    A categorical constraint gives one side per value it excludes; a numeric one a side below its
    ``min`` and one above its ``max`` (when the attribute's range goes on past them), each a band
    ``margin`` of the range wide. A side's box holds the band closed at the edge; a point of it
    must still break the original constraint (see :func:`breaks`). Constraints on attributes the
    space does not know, or with nothing beyond them, give no side.
    """
    out: list[Piece] = []
    for i, c in enumerate(box):
        spec = space.get(c.attribute)
        if spec is None:
            continue
        rest = (*box[:i], *box[i + 1 :])
        if c.values is not None:
            for value in spec.values or ():
                if value not in c.values:
                    side = Constraint(c.attribute, values=(value,))
                    out.append(Piece("side", (*rest[:i], side, *rest[i:]), c.attribute))
            continue
        if spec.values is not None:
            continue
        width = margin * (spec.high - spec.low)
        bands: list[tuple[float, float]] = []
        if c.min is not None and c.min > spec.low:
            bands.append((max(spec.low, c.min - width), c.min))
        if c.max is not None and c.max < spec.high:
            bands.append((c.max, min(spec.high, c.max + width)))
        for low, high in bands:
            drawn = None
            if spec.integer:
                beyond = _integers_outside(low, high, c)
                if not beyond:
                    continue
                drawn = Constraint(c.attribute, min=beyond[0], max=beyond[-1])
            side = Constraint(c.attribute, min=round(low, 6), max=round(high, 6))
            out.append(Piece("side", (*rest[:i], side, *rest[i:]), c.attribute, drawn=drawn))
    return tuple(out)


def _integers_outside(low: float, high: float, c: Constraint) -> list[int]:
    """The integers of the band ``[low, high]`` that break ``c``, in order."""
    return [k for k in range(math.ceil(low), math.floor(high) + 1) if not c.contains(k)]


def breaks(side: Piece, box: Sequence[Constraint], attributes: Mapping[str, Value]) -> bool:
    """Whether a point of ``side`` really lies beyond ``box`` (a band's closed edge does not)."""
    original = next(c for c in box if c.attribute == side.attribute)
    return not original.contains(attributes.get(original.attribute))


def cells(box: Sequence[Constraint], space: Space) -> tuple[Piece, ...]:
    """The sub-boxes of the inside a partial fix may leave failing: the box plus one value of an
    attribute it does not name (categorical), or plus one bin of one (numeric: the declared
    ``bins``, else three equal ones)."""
    named = {c.attribute for c in box}
    out: list[Piece] = []
    for spec in space.attributes:
        if spec.name in named:
            continue
        if spec.values is not None:
            for value in spec.values:
                cell = Constraint(spec.name, values=(value,))
                out.append(Piece("cell", (*box, cell), spec.name))
            continue
        edges = spec.bin_edges()
        for low, high in itertools.pairwise(edges):
            cell = Constraint(spec.name, min=low, max=high)
            out.append(Piece("cell", (*box, cell), spec.name))
    return tuple(out)


def count_cells(
    box: Sequence[Constraint],
    space: Space,
    inside: Sequence[tuple[Mapping[str, Value], bool]],
) -> tuple[Piece, ...]:
    """The cells of the inside with their counts, from the inside's ``(attributes, failed)``."""
    out = []
    for cell in cells(box, space):
        spec = space[cell.attribute or ""]
        hits = [failed for attrs, failed in inside if _cell_holds(cell, spec.bin_edges(), attrs)]
        out.append(cell.counted(sum(hits), len(hits)))
    return tuple(out)


def _cell_holds(cell: Piece, edges: tuple[float, ...], attributes: Mapping[str, Value]) -> bool:
    c = cell.box[-1]
    value = attributes.get(c.attribute)
    if value is None:
        return False
    if c.values is not None:
        return value in c.values
    x = float(value)
    assert c.min is not None and c.max is not None
    return c.min <= x < c.max or (x == c.max == edges[-1])


# -- the verdict ---------------------------------------------------------------------------------


def judge_region(
    region_id: str,
    box: Sequence[Constraint],
    checks: Sequence[str],
    before: Rate,
    background: Rate,
    inside: tuple[int, int],
    side_pieces: Sequence[Piece] = (),
    cell_pieces: Sequence[Piece] = (),
    *,
    alpha: float = ALPHA,
    ceiling: float = CEILING,
) -> RegionRecheck:
    """The verdict on a region from the recheck's counts (see the module docstring).

    Args:
        before: the hunt's inside rate (the region's ``inside``).
        background: the reference rate for sides and cells (the region's ``outside`` in the
            hunt); with no runs, a side or cell still fails only when its whole 95% interval
            lies above ``ceiling``.
        inside: ``(failures, runs)`` of the valid runs inside the box now.
        side_pieces: counted sides (:func:`sides`); cell_pieces: counted cells (:func:`cells`).
    """
    failures, runs = inside
    now = rate(failures, runs)
    upper = upper_bound(failures, runs)
    p_drop = fisher_greater(before.failures, before.runs, failures, runs) if runs else 1.0
    dropped = runs > 0 and p_drop < alpha
    low = runs > 0 and upper <= ceiling

    pvalues: dict[int, float] = {}
    tested = [*side_pieces, *(c for c in cell_pieces if c.runs >= MIN_CELL_RUNS)]
    for i, piece in enumerate(tested):
        if piece.runs == 0:
            continue
        p = _above(piece.failures, piece.runs, background)
        if piece.kind == "cell":  # and above the rest of the inside
            p = max(
                p,
                fisher_greater(
                    piece.failures, piece.runs, failures - piece.failures, runs - piece.runs
                ),
            )
        pvalues[i] = p
    rejected = holm({str(i): p for i, p in pvalues.items()}, alpha)
    judged: list[Judged] = []
    for i, piece in enumerate(tested):
        r = rate(piece.failures, piece.runs)
        fails = _fails(r, str(i) in rejected, background, ceiling)
        judged.append(Judged(piece, r, pvalues.get(i, 1.0), fails))
    side_results = tuple(j for j in judged if j.piece.kind == "side")
    flagged = sorted((j for j in judged if j.still_failing), key=lambda j: j.p_value)
    p_inside = _above(failures, runs, background)
    inside_fails = runs > 0 and not low and _fails(now, p_inside < alpha, background, ceiling)
    remaining: list[Judged] = []
    # A cell that still fails says where the inside does; the whole box only when none does.
    if inside_fails and not (dropped and any(j.piece.kind == "cell" for j in flagged)):
        inside_piece = Piece("inside", tuple(box), None, failures, runs)
        remaining.append(Judged(inside_piece, now, p_inside, True))
    remaining.extend(flagged)

    verdict: RecheckVerdict
    if runs == 0:
        verdict, reason = "inconclusive", "no valid run inside the region (every one errored)"
    elif not dropped and low:
        verdict = "inconclusive"
        reason = (
            f"fails at most {upper:.0%} inside (95%), but the hunt's {before.failures}/"
            f"{before.runs} are too few to show a significant drop (p = {p_drop:.2g})"
        )
    elif not dropped and inside_fails:
        verdict = "still failing"
        reason = f"not significantly lower than the hunt's rate (p = {p_drop:.2g})"
    elif not dropped:  # too few runs to tell either way (a tiny budget, most of them errors)
        verdict = "inconclusive"
        reason = (
            f"{failures} of {runs} runs inside fail: neither significantly lower than the"
            f" hunt's rate (p = {p_drop:.2g}) nor above the background: recheck with a larger"
            " budget"
        )
    elif flagged or inside_fails:
        verdict = "partly fixed"
        parts = "; ".join(f"{_WHERE[j.piece.kind]} {j.piece.label}" for j in remaining[:3])
        reason = f"significantly lower than the hunt's rate (p = {p_drop:.2g}), but {parts}"
    elif low:
        verdict = "fixed"
        reason = (
            f"significantly lower than the hunt's rate (p = {p_drop:.2g}) and at most"
            f" {upper:.0%} (95%); no side or part of the region still fails"
        )
    else:
        verdict = "inconclusive"
        reason = (
            f"significantly lower than the hunt's rate (p = {p_drop:.2g}), but {runs} runs"
            f" bound it only below {upper:.0%}: recheck with a larger budget"
        )
    return RegionRecheck(
        region_id=region_id,
        box=tuple(box),
        checks=tuple(checks),
        verdict=verdict,
        inside=now,
        before=before,
        background=background,
        p_drop=p_drop,
        upper=upper,
        sides=side_results,
        still_failing=tuple(remaining),
        reason=reason,
    )


_WHERE = {
    "inside": "the region still fails:",
    "side": "still fails just beyond it:",
    "cell": "still fails in part of it:",
}


def _fails(r: Rate, significant: bool, background: Rate, ceiling: float) -> bool:
    """Whether a piece still fails: significantly above the background and above ``ceiling``
    (with no background runs, its whole 95% interval above ``ceiling``)."""
    if background.runs > 0:
        return significant and r.rate > ceiling
    return r.runs > 0 and r.ci95[0] > ceiling


def _above(failures: int, runs: int, background: Rate) -> float:
    """One-sided p-value that ``failures`` of ``runs`` fail more often than the background."""
    if background.runs == 0:
        return 1.0
    return fisher_greater(failures, runs, background.failures, background.runs)
