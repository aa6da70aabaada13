"""Steer a hunt clear of values where the SUT, not the agent, keeps failing.

A categorical value whose runs are nearly all SUT errors (a task argument that makes every
sample reach its time limit, a tool the harness cannot load) tells a hunt nothing about the
agent, and with a real model each such run can cost the whole time limit. The strategies know
nothing of errors (they propose from the space), so the allocator redraws such a value in every
proposal once the runs show it is the value and not chance: most of its runs errored, and
Fisher's exact test, Holm-corrected over every value, says it errors more often than the rest
of the attribute. A SUT that errors at random (15% of calls anywhere) never gets there.

The origin's own values are never avoided: replays must stay at the origin, and a region is
always tested around it. The hunt's notes name each avoided value and its count, so the user
learns the SUT cannot run there.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from hunter.analysis.stats import fisher_greater, holm
from hunter.coverage import Space
from hunter.domain import Run, Scenario, Value
from hunter.perturbers.encoding import legal

MIN_RUNS = 3
"""Runs at a value before it can be avoided."""
MIN_ERROR_SHARE = 0.75
"""Share of a value's runs that must be SUT errors."""
ALPHA = 0.01
"""Family-wise error rate of calling a value error-prone when its errors are chance."""


@dataclass(frozen=True, slots=True)
class ErrorProneValue:
    """A value a hunt stopped proposing, and the runs that showed why."""

    attribute: str
    value: Value
    errors: int
    runs: int

    def note(self) -> str:
        return (
            f"not searched further: {self.attribute}={self.value} "
            f"({self.errors} of its {self.runs} runs were SUT errors)"
        )


def error_prone_values(
    runs: Sequence[Run], space: Space, keep: Mapping[str, Value]
) -> tuple[ErrorProneValue, ...]:
    """The categorical values (other than ``keep``'s) whose runs error far more than the rest."""
    if not any(r.error is not None for r in runs):
        return ()
    rows = [(r.attributes(), r.error is not None) for r in runs]
    candidates: dict[str, ErrorProneValue] = {}
    pvalues: dict[str, float] = {}
    for spec in space.attributes:
        if spec.values is None:
            continue
        present = [(a.get(spec.name), e) for a, e in rows]
        present = [(v, e) for v, e in present if v is not None]
        total_errors = sum(e for _, e in present)
        for value in spec.values:
            if keep.get(spec.name) == value:
                continue
            at = [e for v, e in present if v == value]
            errors = sum(at)
            if len(at) < MIN_RUNS or errors < MIN_ERROR_SHARE * len(at):
                continue
            key = f"{spec.name}={value!r}"
            candidates[key] = ErrorProneValue(spec.name, value, errors, len(at))
            rest = len(present) - len(at)
            pvalues[key] = fisher_greater(errors, len(at), total_errors - errors, rest)
    # Holm over every value that could have been tested, not only the candidates: a value
    # with few errors is a test that was run and not rejected.
    family = sum(len(s.values) for s in space.attributes if s.values is not None)
    pvalues |= {f"untested {i}": 1.0 for i in range(family - len(pvalues))}
    rejected = holm(pvalues, ALPHA)
    return tuple(v for k, v in candidates.items() if k in rejected)


def steer_clear(
    scenarios: Sequence[Scenario],
    avoid: Sequence[ErrorProneValue],
    space: Space,
    rng: np.random.Generator,
) -> list[Scenario]:
    """``scenarios`` with every avoided value redrawn among the attribute's other values
    (seeds kept; a scenario with nothing to avoid is returned as it is)."""
    if not avoid:
        return list(scenarios)
    banned: dict[str, set[Value]] = {}
    for v in avoid:
        banned.setdefault(v.attribute, set()).add(v.value)
    out = []
    for scenario in scenarios:
        attributes = scenario.attributes()
        hit = [name for name, value in attributes.items() if value in banned.get(name, ())]
        if not hit:
            out.append(scenario)
            continue
        wanted = dict(attributes)
        for name in hit:
            others = [v for v in space[name].values or () if v not in banned[name]]
            if others:  # a sub-dimension absent at the origin may have every value avoided
                wanted[name] = others[int(rng.integers(len(others)))]
        out.append(Scenario.of(legal(space, wanted, rng), scenario.seed))
    return out
