"""When does an Inspect sample count as a failure? ``SCORER OP VALUE`` (contract §7).

Inspect scores are letters (``C I P N``), numbers, booleans or dicts of those. A rule compares
one scorer's value with a number or a letter; without a rule a sample fails when any of its
scores is ``I`` (incorrect), the convention of Inspect's own accuracy metric.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from hunter.errors import InvalidConfig

LETTERS: dict[str, float] = {"C": 1.0, "I": 0.0, "P": 0.5, "N": 0.0}
"""Inspect's own mapping of letter grades to numbers (``value_to_float``)."""

_OPS: dict[str, Callable[[Any, Any], bool]] = {
    "==": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}
_RULE = re.compile(r"^\s*([A-Za-z_][\w./:-]*)\s*(==|!=|<=|>=|<|>)\s*(\S+)\s*$")
_SYNTAX = "must be SCORER OP VALUE, OP one of == != < <= > >=, VALUE a number or C I P N"


def _number(value: Any) -> float | None:
    """A score value as a number (letters by Inspect's mapping), or None when it has none."""
    if isinstance(value, bool):
        return float(value)
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        if value in LETTERS:
            return LETTERS[value]
        try:
            return float(value)
        except ValueError:
            return None
    return None


@dataclass(frozen=True, slots=True)
class FailRule:
    """``scorer op value``: a sample fails when its score satisfies the comparison.

    Attributes:
        scorer: the scorer's name as it appears in ``sample.scores``; ``NAME.KEY`` picks one
            entry of a dict-valued score; None applies the comparison to every scorer.
        op: one of ``== != < <= > >=``.
        value: a number, or one of Inspect's letters ``C I P N``.
    """

    scorer: str | None
    op: str
    value: float | str

    def compare(self, got: Any) -> bool:
        """Whether one score value satisfies the rule.

        Letters are compared as letters for ``==`` and ``!=`` (``N`` is not ``I``, though both
        count 0), and by Inspect's numbers for orderings, so ``score < C`` fails I, P and N.
        Values with no number (free text, lists) never fail: the rule cannot judge them.
        """
        if isinstance(self.value, str) and self.op in ("==", "!=") and isinstance(got, str):
            return bool(_OPS[self.op](got, self.value))
        target = LETTERS[self.value] if isinstance(self.value, str) else self.value
        number = _number(got)
        return number is not None and bool(_OPS[self.op](number, target))

    def resolve(self, scores: Mapping[str, Any]) -> tuple[str, Any] | None:
        """The scorer this rule reads in ``scores`` and its value, or None when it is absent.

        Raises:
            InvalidConfig: when the named score is a dict and the rule names no entry of it
                (comparing "the first entry" would silently judge the wrong thing).
        """
        if self.scorer is None:
            return None
        if self.scorer in scores:
            value = scores[self.scorer]
            if isinstance(value, Mapping):
                keys = ", ".join(map(str, value))
                raise InvalidConfig(
                    f"--fail-when {self}: score {self.scorer!r} has several entries; name one"
                    f" as {self.scorer}.KEY (KEY one of {keys})"
                )
            return self.scorer, value
        base, _, key = self.scorer.rpartition(".")
        value = scores.get(base)
        if isinstance(value, Mapping) and key in value:
            return base, value[key]
        return None

    def fails(self, scores: Mapping[str, Any]) -> bool:
        """Whether a sample with these score values fails (values, not ``Score`` objects)."""
        return bool(failing_scorers(self, scores))

    def __str__(self) -> str:
        value = self.value if isinstance(self.value, str) else f"{self.value:g}"
        return f"{self.scorer or '*'} {self.op} {value}"


def parse_fail_rule(expr: str | None) -> FailRule | None:
    """Parse ``--fail-when``; None or blank means the default rule (any ``I`` fails).

    Raises:
        InvalidConfig: naming the expression when it is not ``SCORER OP VALUE``.
    """
    if expr is None or not expr.strip():
        return None
    match = _RULE.match(expr)
    if match is None:
        raise InvalidConfig(f"--fail-when {expr!r} {_SYNTAX}")
    scorer, op, raw = match.groups()
    if raw in LETTERS:
        return FailRule(scorer, op, raw)
    try:
        number = float(raw)
    except ValueError:
        raise InvalidConfig(
            f"--fail-when {expr!r}: VALUE {raw!r} is not a number or C I P N"
        ) from None
    if number != number or number in (float("inf"), float("-inf")):
        raise InvalidConfig(f"--fail-when {expr!r}: VALUE must be a finite number")
    return FailRule(scorer, op, number)


def failing_scorers(rule: FailRule | None, scores: Mapping[str, Any]) -> set[str]:
    """The scorers (names in ``scores``) whose verdict fails under ``rule``.

    Without a rule a scorer fails when its value, or any entry of a dict value, is ``I``.
    """
    if rule is None:
        return {
            name
            for name, value in scores.items()
            if value == "I" or (isinstance(value, Mapping) and "I" in value.values())
        }
    if rule.scorer is None:
        return {
            name
            for name, value in scores.items()
            if not isinstance(value, Mapping) and rule.compare(value)
        }
    found = rule.resolve(scores)
    if found is None:
        return set()
    name, value = found
    return {name} if rule.compare(value) else set()


def default_rule_blind_spot(rule: FailRule | None, seen: Mapping[str, Sequence[Any]]) -> str | None:
    """Why the default rule cannot fail these scores, or None: a scorer that gives only
    numbers (or only true/false) is never ``I``, so a rating of 1 to 10 (inspect_evals'
    writingbench) passes every sample. The contract keeps the default rule as it is; the user
    is told, with a rule to adapt (``--fail-when``), rather than left to find every sample passed.

    Args:
        rule: the parsed ``--fail-when``; None is the default rule.
        seen: every value each scorer (and ``SCORER.KEY`` of a dict score) gave.
    """
    if rule is not None:
        return None
    for name, values in seen.items():
        if not values or not all(isinstance(v, int | float) for v in values):
            continue  # letters (or text, or dicts judged by their entries): the rule reads them
        if all(isinstance(v, bool) for v in values):
            gives, example = "true/false", f"{name}==0"
        else:
            low, high = min(map(float, values)), max(map(float, values))
            gives = f"numbers ({low:g} to {high:g})" if low < high else f"numbers (all {low:g})"
            example = f"{name}<{round((low + high) / 2, 2):g}"
        return (
            f"scorer {name!r} gives {gives}, which the default rule (a score of I fails) never"
            f" fails: say what fails with --fail-when, e.g. --fail-when '{example}'"
        )
    return None
