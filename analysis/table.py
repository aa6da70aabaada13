"""Observations as arrays: the one place attribute dicts become numbers for the analysis."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from hunter.coverage import Space
from hunter.domain import Run, Value

ABSENT = "<absent>"
"""The category of a sub-dimension whose ``when`` does not hold in a run."""


@dataclass(frozen=True, slots=True)
class Observations:
    """Valid runs of a hunt as columns.

    Categorical columns hold object arrays (``ABSENT`` when missing); numeric columns hold floats
    (NaN when missing). ``checks`` holds each run's failed checks.
    """

    runs: tuple[Run, ...]
    columns: dict[str, np.ndarray]
    categorical: frozenset[str]
    checks: tuple[frozenset[str], ...]
    codes: dict[str, np.ndarray]
    """Categorical columns as integer codes, so masks are vectorised."""
    levels: dict[str, dict[object, int]]
    continuous: frozenset[str] = frozenset()
    """Numeric columns that are not integers (a single value of one is no region)."""
    memo: dict[Any, Any] = field(default_factory=dict, compare=False, repr=False)
    """Results derived from these (immutable) observations, kept for whoever asks again: the
    region search caches its boxes and sorted columns here (``hunter.analysis.boxes``)."""

    def isin(self, name: str, allowed: object) -> np.ndarray:
        """Mask of runs whose categorical ``name`` is one of ``allowed``.

        A lookup table indexed by the integer codes rather than ``np.isin``: the same mask,
        without sorting the codes on every call (the region search asks thousands of times).
        """
        table = self.levels[name]
        lookup = np.zeros(len(table), dtype=bool)
        for value in allowed:  # type: ignore[attr-defined]
            code = table.get(value)
            if code is not None:
                lookup[code] = True
        mask: np.ndarray = lookup[self.codes[name]]
        return mask

    def __len__(self) -> int:
        return len(self.runs)

    def mode_labels(self, mode_checks: frozenset[str]) -> np.ndarray:
        """1 where a run failed with one of the mode's checks: the mode's notion of failing."""
        return np.array([bool(c & mode_checks) for c in self.checks], dtype=bool)


def observations(runs: Sequence[Run], space: Space) -> Observations:
    valid = tuple(r for r in runs if r.error is None)
    attrs = [r.attributes() for r in valid]
    columns: dict[str, np.ndarray] = {}
    categorical = set()
    for spec in space.attributes:
        if spec.categorical:
            categorical.add(spec.name)
            values: list[Value] = [a.get(spec.name, ABSENT) for a in attrs]
            col = np.empty(len(values), dtype=object)
            col[:] = values
            columns[spec.name] = col
        else:
            columns[spec.name] = np.array(
                [float(a[spec.name]) if spec.name in a else np.nan for a in attrs], dtype=float
            )
    checks = tuple(frozenset(r.failed_checks) for r in valid)
    codes: dict[str, np.ndarray] = {}
    levels: dict[str, dict[object, int]] = {}
    for name in categorical:
        table: dict[object, int] = {}
        codes[name] = np.array(
            [table.setdefault(v, len(table)) for v in columns[name]], dtype=np.int32
        )
        levels[name] = table
    continuous = frozenset(s.name for s in space.attributes if not s.categorical and not s.integer)
    return Observations(valid, columns, frozenset(categorical), checks, codes, levels, continuous)
