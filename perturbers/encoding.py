"""Shared geometry of a space: a numeric encoding, a distance, and legal-point helpers.

Every model-guided strategy needs the same three things: turn a mixed scenario (categories,
integers, floats, sub-dimensions that come and go) into a vector, measure how far two scenarios
are apart, and turn a wish ("this attribute, that value") back into a legal scenario. Keeping
them here means ``active``, ``neighbourhood`` and ``boundary`` agree on what "near" means.

scikit-learn's ``OneHotEncoder`` and ``MinMaxScaler`` would cover the first part, but not absent
sub-dimensions nor the known (not fitted) ranges of the space, and fitting them per call on a
handful of rows would make the encoding depend on which values happen to be observed; the
space is already the complete description, so the encoder is written from it directly.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

import numpy as np

from hunter.coverage import Space
from hunter.domain import AttributeDict, AttributeSpec, Scenario, Value
from hunter.perturbers.base import new_seed

FLOAT_DIGITS = 6
"""Floats in proposals are rounded to this many digits so stored scenarios stay readable."""


def tidy(spec: AttributeSpec, value: Value) -> Value:
    """A numeric value clipped into range: an int for integer attributes, else a rounded float."""
    if spec.categorical:
        return value
    x = min(max(float(value), spec.low), spec.high)
    if spec.integer:
        return round(x)
    return round(x, FLOAT_DIGITS)


def legal(space: Space, wanted: Mapping[str, Value], rng: np.random.Generator) -> AttributeDict:
    """The legal scenario closest in spirit to ``wanted``.

    Values of attributes whose ``when`` no longer holds are dropped; sub-dimensions that become
    active are filled at random (``Space.complete``), so changing a parent never leaves a
    scenario with a missing or stray sub-dimension.
    """
    return space.validate(space.complete(wanted, rng))


def scenario(space: Space, wanted: Mapping[str, Value], rng: np.random.Generator) -> Scenario:
    """A legal scenario for ``wanted`` with a fresh seed drawn from ``rng``."""
    attributes = legal(space, wanted, rng)
    return Scenario.of(attributes, new_seed(rng))


def attribute_distance(spec: AttributeSpec, a: Value | None, b: Value | None) -> float:
    """How far two values of one attribute are: 0..1, absent against present counts 1."""
    if a is None and b is None:
        return 0.0
    if a is None or b is None:
        return 1.0
    if spec.categorical:
        return 0.0 if a == b else 1.0
    return abs(float(a) - float(b)) / (spec.high - spec.low)


def distance(space: Space, a: Mapping[str, Value], b: Mapping[str, Value]) -> float:
    """Scaled Hamming distance: the sum of per-attribute distances.

    A categorical change or a sub-dimension appearing counts 1, a numeric change counts its
    share of the attribute's range, so radius 1 means "one categorical flip, or one numeric
    attribute moved across its whole range".
    """
    return distance_from(space, a)(b)


def distance_from(space: Space, a: Mapping[str, Value]) -> Callable[[Mapping[str, Value]], float]:
    """``lambda b: distance(space, a, b)`` for many ``b``, with what depends on ``space`` and
    ``a`` alone looked up once (the adaptive strategies measure every run from the origin).

    The terms are :func:`attribute_distance`'s, added in space order from 0.
    """
    plan = [
        (s.name, s.categorical, a.get(s.name), None if s.categorical else s.high - s.low)
        for s in space.attributes
    ]

    def measure(b: Mapping[str, Value]) -> float:
        total = 0.0
        for name, categorical, x, width in plan:
            y = b.get(name)
            if x is None or y is None:
                total += 0.0 if x is None and y is None else 1.0
            elif categorical:
                total += 0.0 if x == y else 1.0
            else:
                total += abs(float(x) - float(y)) / width  # type: ignore[operator]
        return total

    return measure


@dataclass(frozen=True, slots=True)
class Encoder:
    """Fixed-width numeric encoding of scenarios, derived from the space alone.

    Columns: one-hot per categorical value, numeric scaled to [0, 1], and for each
    sub-dimension an extra "absent" indicator (its value columns are 0 when absent), so a model
    can tell "absent" from "low".
    """

    space: Space

    @property
    def width(self) -> int:
        return sum(self._width(s) for s in self.space.attributes)

    @staticmethod
    def _width(spec: AttributeSpec) -> int:
        base = len(spec.values) if spec.values is not None else 1
        return base + (1 if spec.when else 0)

    def encode(self, attributes: Mapping[str, Value]) -> np.ndarray:
        """One row for one scenario."""
        row = np.zeros(self.width)
        col = 0
        for spec in self.space.attributes:
            value = attributes.get(spec.name)
            if spec.values is not None:
                if value is not None and value in spec.values:
                    row[col + spec.values.index(value)] = 1.0
                col += len(spec.values)
            else:
                if value is not None:
                    row[col] = (float(value) - spec.low) / (spec.high - spec.low)
                col += 1
            if spec.when:
                row[col] = 1.0 if value is None else 0.0
                col += 1
        return row

    def encode_all(self, rows: Iterable[Mapping[str, Value]]) -> np.ndarray:
        """A matrix with one encoded row per scenario (shape ``(n, width)``).

        The rows :meth:`encode` gives, built a column at a time: a numeric column is one
        vectorised ``(x - low) / (high - low)``, the same arithmetic, so the same floats.
        """
        rows = list(rows)
        out = np.zeros((len(rows), self.width))
        col = 0
        for spec in self.space.attributes:
            values = [r.get(spec.name) for r in rows]
            if spec.values is not None:
                position: dict[Value, int] = {}
                for i, v in enumerate(spec.values):
                    position.setdefault(v, i)  # the first, as tuple.index finds it
                hits = [
                    (i, position[v])
                    for i, v in enumerate(values)
                    if v is not None and v in position
                ]
                if hits:
                    at, offset = zip(*hits, strict=True)
                    out[list(at), col + np.array(offset)] = 1.0
                col += len(spec.values)
            else:
                present = [i for i, v in enumerate(values) if v is not None]
                if present:
                    x = np.array([float(values[i]) for i in present])  # type: ignore[arg-type]
                    out[present, col] = (x - spec.low) / (spec.high - spec.low)
                col += 1
            if spec.when:
                out[[i for i, v in enumerate(values) if v is None], col] = 1.0
                col += 1
        return out


def numeric_names(space: Space) -> tuple[str, ...]:
    return tuple(s.name for s in space.attributes if not s.categorical)
