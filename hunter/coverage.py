"""Spaces, coverage maps and their buckets.

A *space* lists every attribute a SUT accepts; a *coverage map* is the human's current view of
which of them matter and which interactions deserve their own buckets (contract §1). Loading
either from YAML validates it completely and names the file and field of the first problem.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from hunter.domain import AttributeDict, AttributeSpec, Value
from hunter.errors import InvalidConfig

Bucket = tuple[tuple[str, str], ...]
"""One bucket: (dimension, cell label) pairs in cross order."""


@dataclass(frozen=True, slots=True)
class Space:
    """Every attribute a SUT accepts, in a fixed order."""

    attributes: tuple[AttributeSpec, ...]

    def __post_init__(self) -> None:
        seen: set[str] = set()
        for spec in self.attributes:
            if spec.name in seen:
                raise InvalidConfig(f"attribute {spec.name!r} is declared twice")
            seen.add(spec.name)
        for spec in self.attributes:
            for cond, allowed in spec.when:
                parent = self.get(cond)
                if parent is None:
                    raise InvalidConfig(
                        f"attribute {spec.name!r}: 'when' names unknown attribute {cond!r}"
                    )
                bad = [v for v in allowed if not parent.contains(v)]
                if bad:
                    raise InvalidConfig(
                        f"attribute {spec.name!r}: 'when' value {bad[0]!r} not in {cond!r}"
                    )

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(s.name for s in self.attributes)

    def get(self, name: str) -> AttributeSpec | None:
        for spec in self.attributes:
            if spec.name == name:
                return spec
        return None

    def __getitem__(self, name: str) -> AttributeSpec:
        spec = self.get(name)
        if spec is None:
            raise InvalidConfig(f"unknown attribute {name!r}")
        return spec

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and self.get(name) is not None

    def validate(self, attributes: Mapping[str, Value], where: str = "scenario") -> AttributeDict:
        """Check a scenario against the space and drop sub-dimensions whose ``when`` fails.

        Raises:
            InvalidConfig: naming the first unknown, missing or out-of-range attribute.
        """
        unknown = set(attributes) - set(self.names)
        if unknown:
            raise InvalidConfig(f"{where}: unknown attribute {sorted(unknown)[0]!r}")
        out: AttributeDict = {}
        for spec in self.attributes:
            if not spec.is_active(attributes):
                continue
            if spec.name not in attributes:
                raise InvalidConfig(f"{where}: missing attribute {spec.name!r}")
            value = attributes[spec.name]
            if not spec.contains(value):
                raise InvalidConfig(f"{where}: {spec.name}={value!r} is not a legal value")
            out[spec.name] = value
        return out

    def sample_value(self, spec: AttributeSpec, rng: np.random.Generator) -> Value:
        if spec.values is not None:
            return spec.values[int(rng.integers(len(spec.values)))]
        if spec.integer:
            return int(rng.integers(int(spec.low), int(spec.high) + 1))
        return float(round(rng.uniform(spec.low, spec.high), 6))

    def complete(self, partial: Mapping[str, Value], rng: np.random.Generator) -> AttributeDict:
        """Fill in every active attribute missing from ``partial`` at random, in space order.

        Sub-dimensions are decided after their parents, so ``when`` conditions are respected.
        """
        out: AttributeDict = {}
        for spec in self.attributes:
            if not spec.is_active(out):
                continue
            out[spec.name] = (
                partial[spec.name] if spec.name in partial else self.sample_value(spec, rng)
            )
        return out

    def sample(self, rng: np.random.Generator) -> AttributeDict:
        return self.complete({}, rng)

    def merged_with(self, extra: Iterable[AttributeSpec]) -> Space:
        """This space plus the specs of ``extra`` it does not already declare."""
        mine = set(self.names)
        return Space(self.attributes + tuple(s for s in extra if s.name not in mine))

    def to_dict(self) -> dict[str, Any]:
        return {"attributes": [s.to_dict() for s in self.attributes]}

    @classmethod
    def from_dict(cls, raw: object, source: str = "<space>") -> Space:
        if isinstance(raw, list):
            raw = {"attributes": raw}
        if not isinstance(raw, Mapping) or not isinstance(raw.get("attributes"), list):
            raise InvalidConfig(f"{source}: field 'attributes' must be a list of attribute specs")
        specs = tuple(AttributeSpec.from_dict(a, source) for a in raw["attributes"])
        try:
            return cls(specs)
        except InvalidConfig as exc:
            raise InvalidConfig(f"{source}: {exc}") from None


@dataclass(frozen=True, slots=True)
class Weight:
    bucket: Bucket
    weight: float


@dataclass(frozen=True, slots=True)
class CoverageMap:
    """The coverage map of contract §1: dimensions, crosses, goal and bucket weights."""

    name: str
    version: int
    dimensions: tuple[AttributeSpec, ...]
    crosses: tuple[tuple[str, ...], ...] = ()
    goal: int = 20
    weights: tuple[Weight, ...] = ()
    path: str | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        space = Space(self.dimensions)  # validates names and when-conditions
        for cross in self.crosses:
            for dim in cross:
                if dim not in space:
                    raise InvalidConfig(f"cross {list(cross)} names unknown dimension {dim!r}")
            if len(set(cross)) != len(cross):
                raise InvalidConfig(f"cross {list(cross)} repeats a dimension")
        if self.goal < 1:
            raise InvalidConfig(f"goal must be a positive integer, got {self.goal!r}")
        if self.weights:
            object.__setattr__(self, "weights", self._weights_in_cross_order())

    def _weights_in_cross_order(self) -> tuple[Weight, ...]:
        """The weights with each bucket written as the map's buckets are (cross order), so a
        weight given in another order still applies.

        Raises:
            InvalidConfig: a weight names no bucket of the map, or every bucket weighs 0.
        """
        buckets = {frozenset(b): b for b in self.buckets()}
        out = []
        for w in self.weights:
            bucket = buckets.get(frozenset(w.bucket))
            if bucket is None:
                cells = ", ".join(f"{d}={c}" for d, c in w.bucket)
                raise InvalidConfig(
                    f"weight {w.weight:g} is for bucket {cells}, which is no bucket of the map"
                    " (a cross's dimensions, each with one of its values or bins as"
                    " `hunter campaign` lists them)"
                )
            out.append(Weight(bucket, w.weight))
        weights = {w.bucket: w.weight for w in out}
        if all(weights.get(b, 1.0) == 0 for b in buckets.values()):
            raise InvalidConfig(
                "every bucket has weight 0: a campaign would have nothing to aim at"
            )
        return tuple(out)

    @property
    def space(self) -> Space:
        return Space(self.dimensions)

    @property
    def dimension_names(self) -> tuple[str, ...]:
        return tuple(d.name for d in self.dimensions)

    def effective_crosses(self) -> tuple[tuple[str, ...], ...]:
        """The declared crosses plus a single-dimension cross for each dimension in none."""
        crossed = {d for c in self.crosses for d in c}
        singles = tuple((d,) for d in self.dimension_names if d not in crossed)
        return self.crosses + singles

    def crosses_containing(self, dims: Iterable[str]) -> tuple[tuple[str, ...], ...]:
        wanted = set(dims)
        return tuple(c for c in self.effective_crosses() if wanted <= set(c))

    def buckets(self) -> list[Bucket]:
        """Every bucket of the map, cross by cross."""
        out: list[Bucket] = []
        space = self.space
        for cross in self.effective_crosses():
            cells = [space[d].bucket_labels() for d in cross]
            for combo in itertools.product(*cells):
                out.append(tuple(zip(cross, combo, strict=True)))
        return out

    def bucket_of(self, cross: Sequence[str], attributes: Mapping[str, Value]) -> Bucket | None:
        """The bucket of ``cross`` that ``attributes`` falls in (None if a dimension is absent,
        or is a sub-dimension whose ``when`` the map's other dimensions do not meet: a SUT may
        carry an attribute everywhere that the map counts only under its parent's value)."""
        space = self.space
        if any(d not in attributes or not space[d].is_active(attributes) for d in cross):
            return None
        return tuple((d, space[d].bucket_label(attributes[d])) for d in cross)

    def buckets_of(self, attributes: Mapping[str, Value]) -> list[Bucket]:
        """Every bucket a scenario hits: one per cross whose dimensions it carries."""
        out = []
        for cross in self.effective_crosses():
            b = self.bucket_of(cross, attributes)
            if b is not None:
                out.append(b)
        return out

    def weight_of(self, bucket: Bucket) -> float:
        for w in self.weights:
            if w.bucket == bucket:
                return w.weight
        return 1.0

    def with_changes(self, **changes: Any) -> CoverageMap:
        return replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "name": self.name,
            "version": self.version,
            "dimensions": [d.to_dict() for d in self.dimensions],
            "crosses": [list(c) for c in self.crosses],
            "goal": self.goal,
        }
        if self.weights:
            out["weights"] = [{"bucket": dict(w.bucket), "weight": w.weight} for w in self.weights]
        return out

    @classmethod
    def from_dict(cls, raw: object, source: str = "<map>") -> CoverageMap:
        """Validate a map read from YAML.

        Raises:
            InvalidConfig: naming ``source`` and the offending field.
        """
        if not isinstance(raw, Mapping):
            raise InvalidConfig(f"{source}: a coverage map must be a mapping")
        known = {"name", "version", "dimensions", "crosses", "goal", "weights", "description"}
        extra = set(raw) - known
        if extra:
            raise InvalidConfig(f"{source}: unknown field {sorted(extra)[0]!r}")
        name = raw.get("name", Path(source).stem)
        version = raw.get("version", 1)
        if not isinstance(version, int) or isinstance(version, bool) or version < 1:
            raise InvalidConfig(f"{source}: field 'version' must be a positive integer")
        dims_raw = raw.get("dimensions")
        if not isinstance(dims_raw, list) or not dims_raw:
            raise InvalidConfig(f"{source}: field 'dimensions' must be a non-empty list")
        dims = tuple(AttributeSpec.from_dict(d, source) for d in dims_raw)
        crosses_raw = raw.get("crosses") or []
        if not isinstance(crosses_raw, list) or not all(
            isinstance(c, list) and c and all(isinstance(d, str) for d in c) for c in crosses_raw
        ):
            raise InvalidConfig(f"{source}: field 'crosses' must be a list of lists of names")
        goal = raw.get("goal", 20)
        if not isinstance(goal, int) or isinstance(goal, bool) or goal < 1:
            raise InvalidConfig(f"{source}: field 'goal' must be a positive integer")
        weights = []
        for w in raw.get("weights") or []:
            if (
                not isinstance(w, Mapping)
                or not isinstance(w.get("bucket"), Mapping)
                or not isinstance(w.get("weight"), int | float)
                or w["weight"] < 0
            ):
                raise InvalidConfig(
                    f"{source}: field 'weights' entries need a 'bucket' mapping and a weight >= 0"
                )
            weights.append(
                Weight(tuple((str(k), str(v)) for k, v in w["bucket"].items()), float(w["weight"]))
            )
        try:
            return cls(
                name=str(name),
                version=version,
                dimensions=dims,
                crosses=tuple(tuple(c) for c in crosses_raw),
                goal=goal,
                weights=tuple(weights),
                path=source,
            )
        except InvalidConfig as exc:
            raise InvalidConfig(f"{source}: {exc}") from None


def read_yaml(path: str | Path) -> object:
    """Parse a YAML file; an unreadable or malformed one is an InvalidConfig naming it."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise InvalidConfig(f"{p}: cannot read file ({exc.strerror or exc})") from None
    except UnicodeDecodeError as exc:
        raise InvalidConfig(f"{p}: not UTF-8 text (byte {exc.start})") from None
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f" at line {mark.line + 1}" if mark is not None else ""
        raise InvalidConfig(f"{p}: not valid YAML{at}") from None


def load_map(path: str | Path) -> CoverageMap:
    """Read and validate a coverage map file."""
    return CoverageMap.from_dict(read_yaml(path), str(path))


def builtin_map_path(name: str = "ai_ceo") -> Path:
    """The file of a coverage map shipped with hunter (package ``hunter.maps``).

    ``ai_ceo`` is the built-in world's default map. Found through the package's resources, so
    it works from a source checkout, an editable install and an installed wheel alike.
    """
    from importlib import resources

    folder = resources.files("hunter.maps")
    entry = folder.joinpath(f"{name}.yaml")
    if not entry.is_file():
        known = sorted(
            t.name.removesuffix(".yaml") for t in folder.iterdir() if t.name.endswith(".yaml")
        )
        raise InvalidConfig(f"no built-in map {name!r} (known: {', '.join(known)})")
    return Path(str(entry))


def load_space(path: str | Path) -> Space:
    """Read and validate a space file."""
    return Space.from_dict(read_yaml(path), str(path))


def dump_yaml(data: object) -> str:
    return yaml.safe_dump(data, sort_keys=False, default_flow_style=None, width=100)
