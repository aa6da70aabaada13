"""Domain values: attribute specs, scenarios, verdicts, trajectories and runs.

All are frozen, slotted dataclasses holding tuples, so they can be shared between threads,
hashed and compared. Mappings that users read (a scenario's attributes) are exposed as fresh
dicts by accessor methods; the stored form stays immutable.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from hunter.errors import InvalidConfig, MalformedTrajectory

Value = str | int | float | bool
"""An attribute value: a category (str, int or bool as written in YAML) or a number."""

AttributeDict = dict[str, Value]


def _where(source: str, name: str | None = None) -> str:
    return f"{source}: attribute {name!r}" if name else source


@dataclass(frozen=True, slots=True)
class AttributeSpec:
    """One knob of a scenario: categorical (``values``) or numeric (``range``).

    ``when`` makes it a sub-dimension: it is only meaningful, and only present in a scenario,
    while each named attribute holds one of the listed values.
    """

    name: str
    values: tuple[Value, ...] | None = None
    range: tuple[float, float] | None = None
    integer: bool = False
    bins: tuple[float, ...] | None = None
    when: tuple[tuple[str, tuple[Value, ...]], ...] = ()
    default: Value | None = None
    description: str = ""

    @property
    def categorical(self) -> bool:
        return self.values is not None

    @property
    def low(self) -> float:
        assert self.range is not None
        return self.range[0]

    @property
    def high(self) -> float:
        assert self.range is not None
        return self.range[1]

    def contains(self, value: object) -> bool:
        """Whether ``value`` is a legal value of this attribute."""
        if self.values is not None:
            return value in self.values
        if isinstance(value, bool) or not isinstance(value, int | float):
            return False
        if self.integer and float(value) != int(value):
            return False
        return self.low <= float(value) <= self.high

    def is_active(self, attributes: Mapping[str, Value]) -> bool:
        """Whether every ``when`` condition holds in ``attributes``."""
        return all(attributes.get(name) in allowed for name, allowed in self.when)

    def bin_edges(self) -> tuple[float, ...]:
        """Edges used when the attribute is crossed into buckets (3 equal bins by default)."""
        if self.bins is not None:
            return self.bins
        lo, hi = self.range or (0.0, 1.0)
        step = (hi - lo) / 3
        return (lo, round(lo + step, 6), round(lo + 2 * step, 6), hi)

    def bucket_labels(self) -> tuple[str, ...]:
        """The bucket cells of this attribute, as shown in coverage tables and hunt results."""
        if self.values is not None:
            return tuple(str(v) for v in self.values)
        edges = self.bin_edges()
        return tuple(
            f"[{edges[i]}, {edges[i + 1]}{']' if i == len(edges) - 2 else ')'}"
            for i in range(len(edges) - 1)
        )

    def bucket_label(self, value: Value) -> str:
        """The bucket cell ``value`` falls in."""
        if self.values is not None:
            return str(value)
        edges = self.bin_edges()
        labels = self.bucket_labels()
        x = float(value)
        for i in range(len(edges) - 1):
            if x < edges[i + 1]:
                return labels[i]
        return labels[-1]

    def cell_contains(self, label: str, value: Value) -> bool:
        """Whether ``value`` lies in the bucket cell called ``label``."""
        return self.bucket_label(value) == label

    def clip(self, x: float) -> Value:
        """Bring a number into range, rounding it for integer attributes."""
        x = min(max(x, self.low), self.high)
        return round(x) if self.integer else float(x)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name}
        if self.values is not None:
            out["values"] = list(self.values)
        if self.range is not None:
            out["range"] = [int(v) if self.integer else v for v in self.range]
        if self.integer:
            out["integer"] = True
        if self.bins is not None:
            out["bins"] = list(self.bins)
        if self.when:
            out["when"] = {k: (v[0] if len(v) == 1 else list(v)) for k, v in self.when}
        if self.default is not None:
            out["default"] = self.default
        if self.description:
            out["description"] = self.description
        return out

    @classmethod
    def from_dict(cls, raw: object, source: str = "<spec>") -> AttributeSpec:
        """Validate one attribute spec read from YAML or JSON.

        Raises:
            InvalidConfig: naming ``source``, the attribute and the offending field.
        """
        if not isinstance(raw, Mapping):
            raise InvalidConfig(f"{source}: attribute spec must be a mapping, got {raw!r}")
        name = raw.get("name")
        if not isinstance(name, str) or not name.isidentifier():
            raise InvalidConfig(f"{source}: field 'name' must be an identifier, got {name!r}")
        where = _where(source, name)
        known = {"name", "values", "range", "integer", "bins", "when", "default", "description"}
        extra = set(raw) - known
        if extra:
            raise InvalidConfig(f"{where}: unknown field {sorted(extra)[0]!r}")
        values, rng, bins = raw.get("values"), raw.get("range"), raw.get("bins")
        if (values is None) == (rng is None):
            raise InvalidConfig(f"{where}: give exactly one of 'values' or 'range'")
        integer = raw.get("integer", False)
        if not isinstance(integer, bool):
            raise InvalidConfig(f"{where}: field 'integer' must be true or false")
        spec_values: tuple[Value, ...] | None = None
        spec_range: tuple[float, float] | None = None
        spec_bins: tuple[float, ...] | None = None
        if values is not None:
            if (
                not isinstance(values, list)
                or len(values) < 1
                or not all(isinstance(v, str | int | float | bool) for v in values)
            ):
                raise InvalidConfig(f"{where}: field 'values' must be a non-empty list of scalars")
            if len(set(map(str, values))) != len(values):
                raise InvalidConfig(f"{where}: field 'values' has duplicates")
            spec_values = tuple(values)
            if bins is not None:
                raise InvalidConfig(f"{where}: field 'bins' only applies to numeric attributes")
        else:
            if (
                not isinstance(rng, list)
                or len(rng) != 2
                or not all(_is_number(v) for v in rng)
                or not rng[0] < rng[1]
            ):
                raise InvalidConfig(f"{where}: field 'range' must be [low, high] with low < high")
            spec_range = (float(rng[0]), float(rng[1]))
            if bins is not None:
                if (
                    not isinstance(bins, list)
                    or len(bins) < 2
                    or not all(_is_number(b) for b in bins)
                    or any(b >= c for b, c in itertools.pairwise(bins))
                ):
                    raise InvalidConfig(f"{where}: field 'bins' must be increasing numbers")
                spec_bins = tuple(float(b) for b in bins)
                if (spec_bins[0], spec_bins[-1]) != spec_range:
                    raise InvalidConfig(
                        f"{where}: field 'bins' must start at the range's low"
                        f" ({spec_range[0]:g}) and end at its high ({spec_range[1]:g})"
                    )
        when_raw = raw.get("when") or {}
        if not isinstance(when_raw, Mapping):
            raise InvalidConfig(f"{where}: field 'when' must be a mapping of attribute to value")
        when = tuple(
            (str(k), tuple(v) if isinstance(v, list) else (v,)) for k, v in when_raw.items()
        )
        spec = cls(
            name=name,
            values=spec_values,
            range=spec_range,
            integer=integer,
            bins=spec_bins,
            when=when,
            default=raw.get("default"),
            description=str(raw.get("description", "")),
        )
        if spec.default is not None and not spec.contains(spec.default):
            raise InvalidConfig(f"{where}: field 'default' {spec.default!r} is not a legal value")
        return spec


def _is_number(v: object) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)


def freeze(attributes: Mapping[str, Value]) -> tuple[tuple[str, Value], ...]:
    """A canonical, hashable form of an attribute dict (sorted by name)."""
    return tuple(sorted(attributes.items()))


@dataclass(frozen=True, slots=True)
class Scenario:
    """A point of the space plus the seed that drives the SUT's own randomness."""

    items: tuple[tuple[str, Value], ...]
    seed: int

    @classmethod
    def of(cls, attributes: Mapping[str, Value], seed: int) -> Scenario:
        return cls(freeze(attributes), int(seed))

    def attributes(self) -> AttributeDict:
        return dict(self.items)

    def key(self) -> str:
        """A stable identity used to skip work already done when a hunt resumes."""
        return repr((self.items, self.seed))


@dataclass(frozen=True, slots=True)
class Verdict:
    """One checker's judgement of a trajectory."""

    check: str
    failed: bool
    severity: str = "medium"
    evidence: str = ""
    event_ids: tuple[int, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "check": self.check,
            "failed": self.failed,
            "severity": self.severity,
            "evidence": self.evidence,
        }
        if self.event_ids:
            out["event_ids"] = list(self.event_ids)
        return out

    @classmethod
    def from_dict(cls, raw: object, warnings: list[str] | None = None) -> Verdict:
        """Validate one verdict: ``failed`` must be a boolean and ``check`` and ``evidence``
        strings (else the trajectory is malformed, a SUT error); a ``severity`` or
        ``event_ids`` of the wrong type is dropped, with a note appended to ``warnings``.

        Raises:
            MalformedTrajectory: naming the field.
        """
        failed = flag(raw.get("failed")) if isinstance(raw, Mapping) else None
        if not isinstance(raw, Mapping) or failed is None:
            raise MalformedTrajectory(f"verdict must have a boolean 'failed', got {raw!r:.200}")
        notes = warnings if warnings is not None else []
        check = raw.get("check", "failed")
        if not isinstance(check, str) or not check.strip():
            raise MalformedTrajectory(f"verdict field 'check' must be a name, got {check!r:.100}")
        evidence = raw.get("evidence", "")
        if evidence is None:
            evidence = ""
        if not isinstance(evidence, str):
            raise MalformedTrajectory(
                f"verdict field 'evidence' must be a string, got {type(evidence).__name__}"
            )
        severity = raw.get("severity", "medium")
        if not isinstance(severity, str):
            notes.append(f"dropped verdict field 'severity' {severity!r:.60} (not a string)")
            severity = "medium"
        ids = raw.get("event_ids") or ()
        event_ids: tuple[int, ...] = ()
        if isinstance(ids, list | tuple) and all(
            isinstance(i, int) and not isinstance(i, bool) for i in ids
        ):
            event_ids = tuple(ids)
        else:
            notes.append(f"dropped verdict field 'event_ids' {ids!r:.60} (not a list of integers)")
        return cls(
            check=check,
            failed=failed,
            severity=severity,
            evidence=evidence,
            event_ids=event_ids,
        )


def flag(value: object) -> bool | None:
    """``value`` as a verdict's ``failed``: a boolean, or a numpy boolean scalar (what
    ``array[i] > 0.7`` gives a notebook's SUT); None for anything else."""
    if isinstance(value, bool):
        return value
    dtype = getattr(value, "dtype", None)
    if getattr(dtype, "kind", None) == "b" and getattr(value, "shape", None) == ():
        return bool(value)
    return None


@dataclass(frozen=True, slots=True)
class Trajectory:
    """What a SUT returns: verdicts, the event log, and free-form extras (tokens, cost...)."""

    verdicts: tuple[Verdict, ...]
    events: tuple[Mapping[str, Any], ...] = ()
    extra: Mapping[str, Any] = field(default_factory=dict)

    @property
    def failed(self) -> bool:
        return any(v.failed for v in self.verdicts)

    @classmethod
    def from_json(cls, raw: object) -> Trajectory:
        """Accept the contract's trajectory object, including the bare ``{"failed": bool}``.

        Raises:
            MalformedTrajectory: when ``raw`` is not such an object.
        """
        if not isinstance(raw, Mapping):
            raise MalformedTrajectory(f"trajectory must be a JSON object, got {type(raw).__name__}")
        warnings: list[str] = []
        verdicts_raw = raw.get("verdicts")
        failed = flag(raw.get("failed"))
        if verdicts_raw is None:
            if failed is None:
                raise MalformedTrajectory("trajectory has neither 'verdicts' nor boolean 'failed'")
            verdicts: tuple[Verdict, ...] = (
                Verdict(check="failed", failed=failed, evidence=str(raw.get("evidence", ""))),
            )
        elif isinstance(verdicts_raw, list):
            verdicts = tuple(Verdict.from_dict(v, warnings) for v in verdicts_raw)
            if failed is not None and failed != any(v.failed for v in verdicts):
                said = "failed" if failed else "passed"
                raise MalformedTrajectory(
                    f"trajectory says it {said} ('failed': {str(failed).lower()}) but"
                    f" {'none' if failed else 'one'} of its verdicts failed"
                )
        else:
            raise MalformedTrajectory("trajectory field 'verdicts' must be a list")
        events = raw.get("events") or []
        if not isinstance(events, list):
            raise MalformedTrajectory("trajectory field 'events' must be a list")
        extra: dict[str, Any] = {}
        for key, value in raw.items():
            if key in {"verdicts", "events", "failed"}:
                continue
            if not isinstance(key, str):
                warnings.append(f"dropped field {key!r:.60} (its name is not a string)")
                continue
            problem = _extra_problem(key, value)
            if problem:
                warnings.append(f"dropped field {key!r} {value!r:.60} ({problem})")
                continue
            extra[key] = _json_clean(value, key, warnings)
        if warnings:
            extra["warnings"] = [*_str_list(extra.get("warnings")), *warnings]
        return cls(
            verdicts=verdicts,
            events=tuple(
                _json_clean(dict(e), "events", warnings)
                if isinstance(e, Mapping)
                else {"text": str(e)}
                for e in events
            ),
            extra=extra,
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "verdicts": [v.to_dict() for v in self.verdicts],
            "events": [dict(e) for e in self.events],
            **dict(self.extra),
        }


TYPED_EXTRAS: dict[str, str] = {
    "input_tokens": "count",
    "output_tokens": "count",
    "cost_usd": "amount",
    "seconds": "amount",
}
"""Trajectory fields hunter reads, and the kind of number each must be."""


def _extra_problem(key: str, value: object) -> str | None:
    """Why ``value`` cannot be the trajectory field ``key`` (None when it can)."""
    kind = TYPED_EXTRAS.get(key)
    if kind == "count":
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            return "not a non-negative integer"
    elif kind == "amount" and (not _is_number(value) or float(value) < 0):  # type: ignore[arg-type]
        return "not a finite non-negative number"
    return None


def _str_list(value: object) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list) else []


def _json_clean(value: Any, where: str, warnings: list[str]) -> Any:
    """``value`` as JSON can hold it: non-finite numbers become None and anything that is not
    JSON becomes its string, each noted once in ``warnings``."""
    if isinstance(value, float) and not math.isfinite(value):
        warnings.append(f"{where}: non-finite number {value!r} stored as null")
        return None
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    if isinstance(value, Mapping):
        return {str(k): _json_clean(v, where, warnings) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_clean(v, where, warnings) for v in value]
    warnings.append(f"{where}: {type(value).__name__} value stored as its text")
    return str(value)


@dataclass(frozen=True, slots=True)
class Run:
    """One stored simulation: the scenario, its outcome, and where it came from."""

    run_id: str
    scenario: Scenario
    sut: str
    failed: bool
    error: str | None
    verdicts: tuple[Verdict, ...] = ()
    events: tuple[Mapping[str, Any], ...] = ()
    extra: Mapping[str, Any] = field(default_factory=dict)
    campaign_id: str | None = None
    hunt_id: str | None = None
    parent_run_id: str | None = None
    strategy: str | None = None
    created: str = ""

    @property
    def seed(self) -> int:
        return self.scenario.seed

    def attributes(self) -> AttributeDict:
        return self.scenario.attributes()

    @property
    def failed_checks(self) -> tuple[str, ...]:
        return tuple(sorted({v.check for v in self.verdicts if v.failed}))

    def fails_like(self, checks: frozenset[str]) -> bool:
        """Whether the run failed one of ``checks`` (any failure at all when ``checks`` is empty,
        as for a SUT that reports a bare ``{"failed": true}``)."""
        if not self.failed:
            return False
        return not checks or bool(checks & set(self.failed_checks))

    def to_json(self, *, events: bool = False) -> dict[str, Any]:
        out: dict[str, Any] = {
            "run_id": self.run_id,
            "attributes": self.attributes(),
            "seed": self.seed,
            "failed": self.failed,
            "error": self.error,
            "verdicts": [v.to_dict() for v in self.verdicts],
            "sut": self.sut,
            "campaign_id": self.campaign_id,
            "hunt_id": self.hunt_id,
            "parent_run_id": self.parent_run_id,
            "strategy": self.strategy,
            "created": self.created,
        }
        out.update({k: v for k, v in self.extra.items() if k not in out})
        if events:
            out["events"] = [dict(e) for e in self.events]
        return out


@dataclass(frozen=True, slots=True)
class Outcome:
    """The result of one SUT call before it is stored: a trajectory or an error message."""

    scenario: Scenario
    trajectory: Trajectory | None
    error: str | None
    seconds: float = 0.0
    attempts: int = 1
    """SUT calls it took: more than one when a transient error was retried (``--retries``)."""

    @property
    def failed(self) -> bool:
        return self.trajectory is not None and self.trajectory.failed


def names(specs: Iterable[AttributeSpec]) -> tuple[str, ...]:
    return tuple(s.name for s in specs)
