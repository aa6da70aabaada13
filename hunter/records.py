"""What the store keeps about campaigns, hunts and proposals, as frozen values.

Each record is the only writer and reader of its JSON: the store persists ``to_json()`` and
hands back ``from_json()``, the CLI, reports and the demo read typed fields, and adding a field
means touching one class. The hunt result's JSON is contract §4, field for field.
"""

from __future__ import annotations

import enum
import operator
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from hunter.coverage import CoverageMap, Space
from hunter.errors import InvalidConfig
from hunter.regions import HuntAnalysis, Rate

DEFAULT_BUDGET = 300
CALLABLE_PREFIX = "callable:"
"""How runs of a Python function handed in (``hunter.sut.callable_sut``) name their SUT: such
runs are hunted, resumed and rechecked from Python, never from the command line."""
DEFAULT_BATCH = 16
DEFAULT_MEMORY_MB = 4096
"""Memory one simulation of an isolated SUT may use (``--memory-limit``)."""
DEFAULT_MAX_TRAJECTORY_MB = 10.0
"""The largest trajectory a run stores (``--max-trajectory-mb``)."""
SEED_MAX = 2**63 - 1
"""The largest seed: the store keeps seeds in SQLite's 64-bit signed INTEGER."""


def check_seed(seed: Any) -> int:
    """``seed`` as an int, refused before anything is stored unless it is a whole number from 0
    to :data:`SEED_MAX` (numpy's generators take no negative seed; SQLite no larger one).

    Raises:
        InvalidConfig: for anything else, naming the value.
    """
    try:
        number = operator.index(seed)
    except TypeError:
        number = None
    if number is None or isinstance(seed, bool) or not 0 <= number <= SEED_MAX:
        raise InvalidConfig(f"seed must be a whole number from 0 to {SEED_MAX}, got {seed!r}")
    return number


LIMIT_RANGES: dict[str, tuple[float, float]] = {
    "timeout": (0, 7 * 24 * 3600),
    "retries": (0, 20),
    "memory_mb": (16, 2**20),
    "max_trajectory_mb": (0, 4096),
}
"""The range of each numeric limit of :class:`SutOptions` (a float's lower end excluded), as
the command line's options and ``hunter.hunt``'s ``limits`` check them."""


class StopReason(enum.StrEnum):
    """Why a hunt stopped simulating (``stop_reason`` in the hunt result)."""

    SETTLED = "settled"
    """The verdict is a bug and the origin's region has settled (``analysis.stopping``)."""
    BUDGET = "budget"
    """Every simulation of ``--budget`` was spent."""
    FLUKE = "fluke"
    """The replays' sequential test called the origin a fluke."""
    EXHAUSTED = "exhausted"
    """Every strategy ran out of scenarios to propose."""
    MAX_COST = "max_cost"
    """The models' estimated spend reached ``--max-cost``."""


@dataclass(frozen=True, slots=True)
class SutOptions:
    """Options recorded with each run so that a hunt re-creates the same SUT.

    Attributes:
        agent: ``scripted`` or ``anthropic:MODEL`` (built-in world only).
        judge: ``anthropic:MODEL`` to add an LLM judge's verdicts, or None.
        model: model for ``inspect:`` SUTs.
        fail_when: the failure rule of imported or ``inspect:`` runs (``SCORER OP VALUE``).
        timeout: seconds before a simulation is stopped and recorded as an error (a
            ``cmd:`` SUT killed, an ``inspect:`` SUT's sample past its time limit).
        extra: anything else an adapter wants recorded (never secrets).
        retries: times a simulation ending in a transient SUT error (timeout, overload) is
            tried again.
        memory_mb: memory one simulation of an isolated (Python) SUT may use, or None.
        max_trajectory_mb: the largest trajectory stored; a larger one is a SUT error.
        isolate: run Python SUTs in worker processes of their own (a SUT that exits, is
            killed or eats memory is one simulation's error).

    The last four are written to JSON only when not at their defaults, so that setups (and
    the fingerprints of hunts) recorded before they existed stay the same.
    """

    agent: str = "scripted"
    judge: str | None = None
    model: str | None = None
    fail_when: str | None = None
    timeout: float = 60.0
    extra: Mapping[str, Any] = field(default_factory=dict)
    retries: int = 0
    memory_mb: int | None = DEFAULT_MEMORY_MB
    max_trajectory_mb: float = DEFAULT_MAX_TRAJECTORY_MB
    isolate: bool = True

    @property
    def function_version(self) -> str | None:
        """The fingerprint of a Python function's code (``callable:`` SUTs; None for others):
        two versions of a function share a name but are two systems."""
        version = self.extra.get("callable_sha256")
        return str(version) if version is not None else None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "agent": self.agent,
            "judge": self.judge,
            "model": self.model,
            "fail_when": self.fail_when,
            # Numbers as the types they are read back as: a timeout of 9 and of 9.0 are one
            # setup, and a hunt's fingerprint is taken over this JSON.
            "timeout": float(self.timeout),
            "extra": dict(self.extra),
        }
        if self.retries:
            out["retries"] = int(self.retries)
        if self.memory_mb != DEFAULT_MEMORY_MB:
            out["memory_mb"] = None if self.memory_mb is None else int(self.memory_mb)
        if self.max_trajectory_mb != DEFAULT_MAX_TRAJECTORY_MB:
            out["max_trajectory_mb"] = float(self.max_trajectory_mb)
        if not self.isolate:
            out["isolate"] = False
        return out

    @classmethod
    def from_json(cls, raw: Mapping[str, Any] | None) -> SutOptions:
        raw = raw or {}
        return cls(
            agent=str(raw.get("agent") or "scripted"),
            judge=raw.get("judge"),
            model=raw.get("model"),
            fail_when=raw.get("fail_when"),
            timeout=float(raw.get("timeout") or 60.0),
            extra=dict(raw.get("extra") or {}),
            retries=int(raw.get("retries") or 0),
            memory_mb=raw.get("memory_mb", DEFAULT_MEMORY_MB),
            max_trajectory_mb=float(raw.get("max_trajectory_mb") or DEFAULT_MAX_TRAJECTORY_MB),
            isolate=bool(raw.get("isolate", True)),
        )


@dataclass(frozen=True, slots=True)
class HuntSetup:
    """What runs are simulated and judged against: recorded with a campaign or hunt, so a hunt
    of one of its runs re-creates it (``--sut``, ``--map``, ``--space`` override it)."""

    sut: str
    options: SutOptions
    coverage_map: CoverageMap | None
    map_path: str | None
    space: Space

    def to_json(self) -> dict[str, Any]:
        return {
            "sut": self.sut,
            "options": self.options.to_json(),
            "map": self.coverage_map.to_dict() if self.coverage_map else None,
            "map_path": self.map_path,
            "space": self.space.to_dict(),
        }

    @classmethod
    def from_json(cls, raw: Mapping[str, Any]) -> HuntSetup:
        cmap = CoverageMap.from_dict(raw["map"], "stored map") if raw.get("map") else None
        return cls(
            sut=raw["sut"],
            options=SutOptions.from_json(raw.get("options")),
            coverage_map=cmap,
            map_path=raw.get("map_path"),
            space=Space.from_dict(raw["space"], "stored space"),
        )


@dataclass(frozen=True, slots=True)
class HuntSettings:
    """How a hunt searches. ``budget``, ``seed``, ``strategy``, ``batch_size`` and
    ``rewrite_model`` shape its batches and are stored with it; ``early_stop`` is stored so a
    resume stops the same way; ``workers``, ``cluster`` and ``max_cost`` belong to one session.
    """

    budget: int = DEFAULT_BUDGET
    seed: int = 0
    workers: int = 1
    cluster: str | None = None
    strategy: str | None = None  # one strategy only (benchmark baselines); None = the allocator
    batch_size: int = DEFAULT_BATCH
    max_cost: float | None = None  # USD; model SUTs record cost_usd per run
    rewrite_model: str | None = None  # a model for the llm_rewrite perturber (MODEL name)
    early_stop: bool = True  # stop once the verdict and regions settle (analysis.stopping)
    continue_batch: int = 0
    """Batches before this index are taken from the store as they are, never proposed again: a
    hunt continued with a larger budget (``flow.hunt``) ran them under its smaller budget, whose
    stage schedule a re-proposal would not follow."""
    settle_after: int = 0
    """Simulations before which the stop rule ignores the region's history: a hunt that had
    settled and is continued must see its region hold again while it doubles from there."""
    check_minimal: int = 5
    """Seeds each region's minimal failing scenario is re-run with after the search, within the
    budget (0: not re-run; the hunt benchmark measures the search alone)."""
    triage: str | None = None
    """The campaign whose triage started this hunt (None: a hunt of its own). Stored, and part
    of what makes two hunts the same hunt: a triage replays its own hunts in order and takes
    every other hunt, a user's among them, as known, never as one to extend."""

    def __post_init__(self) -> None:
        if self.budget < 1:
            raise InvalidConfig(f"--budget must be at least 1, got {self.budget}")
        if self.batch_size < 1:
            raise InvalidConfig(f"batch size must be at least 1, got {self.batch_size}")
        if self.check_minimal < 0:
            raise InvalidConfig(f"minimal re-runs cannot be < 0, got {self.check_minimal}")
        if self.continue_batch < 0 or self.settle_after < 0:
            raise InvalidConfig("a continued hunt's batch and simulation counts cannot be < 0")

    def stored_json(self) -> dict[str, Any]:
        """The settings stored in a hunt's config beside its setup (seed and budget have
        columns of their own)."""
        return {
            "strategy": self.strategy,
            "batch": self.batch_size,
            "early_stop": self.early_stop,
            "rewrite_model": self.rewrite_model,
            **({"continue_batch": self.continue_batch} if self.continue_batch else {}),
            **({"settle_after": self.settle_after} if self.settle_after else {}),
            **({"triage": self.triage} if self.triage else {}),
        }

    @classmethod
    def from_stored(cls, seed: int, budget: int, config: Mapping[str, Any]) -> HuntSettings:
        return cls(
            budget=budget,
            seed=seed,
            strategy=config.get("strategy"),
            batch_size=int(config.get("batch", DEFAULT_BATCH)),
            rewrite_model=config.get("rewrite_model"),
            early_stop=bool(config.get("early_stop", True)),
            continue_batch=int(config.get("continue_batch", 0)),
            settle_after=int(config.get("settle_after", 0)),
            triage=config.get("triage"),
        )


@dataclass(frozen=True, slots=True)
class Usage:
    """Tokens and estimated cost of a hunt's model calls (only SUTs with models record them)."""

    input_tokens: int
    output_tokens: int
    cost_usd: float

    def to_json(self) -> dict[str, Any]:
        return {
            "input_tokens": self.input_tokens,
            "output_tokens": self.output_tokens,
            "cost_usd": self.cost_usd,
        }


@dataclass(frozen=True, slots=True)
class MinimalCheck:
    """A region's minimal failing scenario, re-run with new seeds after the search.

    The report's "minimal failing scenario" is a point of the region shrunk toward the defaults
    (``analysis.explain``); the hunt runs exactly that scenario again so the report can say how
    often it fails, not just that its region does. ``rate`` counts the valid re-runs that fail
    one of the region's checks; ``seeds[i]`` made ``run_ids[i]``.
    """

    region: str
    attributes: Mapping[str, Any]
    from_run: str | None
    seeds: tuple[int, ...]
    run_ids: tuple[str, ...]
    rate: Rate
    errors: int = 0
    shrunk: tuple[str, ...] = ()
    """Attributes moved to their default from ``from_run``'s values."""

    def to_json(self) -> dict[str, Any]:
        return {
            "region": self.region,
            "attributes": dict(self.attributes),
            "from_run": self.from_run,
            "shrunk": list(self.shrunk),
            "seeds": list(self.seeds),
            "run_ids": list(self.run_ids),
            **self.rate.to_json(),
            "errors": self.errors,
        }

    @classmethod
    def from_json(cls, raw: Mapping[str, Any]) -> MinimalCheck:
        return cls(
            region=str(raw["region"]),
            attributes=dict(raw["attributes"]),
            from_run=raw.get("from_run"),
            seeds=tuple(int(s) for s in raw.get("seeds", ())),
            run_ids=tuple(str(r) for r in raw.get("run_ids", ())),
            rate=Rate.from_json(raw),
            errors=int(raw.get("errors", 0)),
            shrunk=tuple(str(a) for a in raw.get("shrunk", ())),
        )


@dataclass(frozen=True, slots=True)
class HuntResult:
    """A finished hunt (contract §4): its verdict, regions and proposals, and why it stopped.

    ``provisional`` (derived, written to the JSON) says the answer had not settled when the hunt
    stopped: it ran out of budget, of money or of ideas before the stop rule confirmed it.
    ``early_stop`` records whether the stop rule was on at all (``--no-early-stop``).
    """

    hunt_id: str
    run_id: str
    seed: int
    simulations: int
    errors: int
    budget: int
    stop_reason: StopReason
    analysis: HuntAnalysis
    usage: Usage | None = None
    dimension_suggestions: tuple[Mapping[str, Any], ...] = ()
    early_stop: bool = True
    minimal_scenarios: tuple[MinimalCheck, ...] = ()
    """Each region's minimal failing scenario, re-run after the search (their simulations are
    counted in ``simulations``); empty for results stored before hunts re-ran them."""

    @property
    def reruns(self) -> int:
        """Simulations spent re-running minimal failing scenarios after the search."""
        return sum(len(m.run_ids) for m in self.minimal_scenarios)

    @property
    def searched(self) -> int:
        """Simulations of the search itself (the stop rule's count)."""
        return self.simulations - self.reruns

    def minimal_check(self, region_id: str) -> MinimalCheck | None:
        """The re-run of region ``region_id``'s minimal failing scenario, if the hunt made one."""
        return next((m for m in self.minimal_scenarios if m.region == region_id), None)

    @property
    def verdict(self) -> str:
        return self.analysis.verdict

    @property
    def provisional(self) -> bool:
        """Whether the hunt stopped before its answer settled (budget, max cost, exhausted).

        A settled hunt passed the stop rule; a fluke was decided by the replays' test. Any
        other stop leaves the verdict (unless a fluke) and every region unconfirmed.
        """
        unconfirmed = {StopReason.BUDGET, StopReason.MAX_COST, StopReason.EXHAUSTED}
        return self.stop_reason in unconfirmed and self.verdict != "fluke"

    def to_json(self) -> dict[str, Any]:
        return {
            "hunt_id": self.hunt_id,
            "run_id": self.run_id,
            "seed": self.seed,
            "simulations": self.simulations,
            "errors": self.errors,
            "budget": self.budget,
            "stop_reason": self.stop_reason.value,
            "provisional": self.provisional,
            "early_stop": self.early_stop,
            **(self.usage.to_json() if self.usage else {}),
            **self.analysis.to_json(),
            **(
                {"dimension_suggestions": [dict(s) for s in self.dimension_suggestions]}
                if self.dimension_suggestions
                else {}
            ),
            "minimal_scenarios": [m.to_json() for m in self.minimal_scenarios],
        }

    @classmethod
    def from_json(
        cls, raw: Mapping[str, Any], origin: Mapping[str, Any] | None = None
    ) -> HuntResult:
        """Read a stored result; ``origin`` (the origin's attributes) lets results stored before
        regions said whether they contain the origin be read the same way."""
        usage = None
        if "cost_usd" in raw:
            usage = Usage(
                int(raw.get("input_tokens", 0)),
                int(raw.get("output_tokens", 0)),
                float(raw["cost_usd"]),
            )
        return cls(
            hunt_id=raw["hunt_id"],
            run_id=raw["run_id"],
            seed=int(raw["seed"]),
            simulations=int(raw["simulations"]),
            errors=int(raw["errors"]),
            budget=int(raw.get("budget", raw["simulations"])),
            stop_reason=StopReason(raw.get("stop_reason", StopReason.BUDGET.value)),
            analysis=HuntAnalysis.from_json(raw, origin),
            usage=usage,
            dimension_suggestions=tuple(raw.get("dimension_suggestions", ())),
            early_stop=bool(raw.get("early_stop", True)),
            minimal_scenarios=tuple(
                MinimalCheck.from_json(m) for m in raw.get("minimal_scenarios", ())
            ),
        )


@dataclass(frozen=True, slots=True)
class CampaignRecord:
    """A stored campaign, or an import of Inspect logs (``kind`` ``import``)."""

    campaign_id: str
    kind: str
    setup: HuntSetup
    seed: int | None = None
    n: int | None = None
    logs: tuple[str, ...] = ()
    created: str = ""

    def config_json(self) -> dict[str, Any]:
        """What the store keeps in the campaign's ``config`` column."""
        out: dict[str, Any] = self.setup.to_json()
        if self.seed is not None:
            out["seed"] = self.seed
        if self.n is not None:
            out["n"] = self.n
        if self.logs:
            out["logs"] = list(self.logs)
        return out

    @classmethod
    def from_stored(
        cls, campaign_id: str, kind: str, config: Mapping[str, Any], created: str
    ) -> CampaignRecord:
        return cls(
            campaign_id=campaign_id,
            kind=kind,
            setup=HuntSetup.from_json(config),
            seed=config.get("seed"),
            n=config.get("n"),
            logs=tuple(config.get("logs", ())),
            created=created,
        )


@dataclass(frozen=True, slots=True)
class HuntRecord:
    """A stored hunt: its setup and stored settings, and its result once it is done."""

    hunt_id: str
    run_id: str
    setup: HuntSetup
    settings: HuntSettings
    status: str
    result: HuntResult | None
    created: str

    @property
    def seed(self) -> int:
        return self.settings.seed

    @property
    def budget(self) -> int:
        return self.settings.budget

    @property
    def done(self) -> bool:
        return self.status == "done" and self.result is not None

    def config_json(self) -> dict[str, Any]:
        """What the store keeps in the hunt's ``config`` column."""
        return {**self.setup.to_json(), **self.settings.stored_json()}


@dataclass(frozen=True, slots=True)
class ProposalRecord:
    """A proposed map refinement and what a reviewer decided about it.

    ``hunt_id`` and ``region_id`` name the hunt that first proposed it; ``supported_by`` every
    (hunt, region) that proposed the same refinement of the same map lineage while it was
    pending, the first one included (see :meth:`refinement_key`).
    """

    proposal_id: str
    hunt_id: str
    region_id: str
    kind: str
    detail: Mapping[str, Any]
    map_path: str | None
    status: str
    decided_by: str | None
    decided_at: str | None
    reason: str | None
    new_map_path: str | None
    created: str
    supported_by: tuple[tuple[str, str], ...] = ()

    @property
    def supporters(self) -> tuple[tuple[str, str], ...]:
        """Every (hunt, region) behind the proposal; at least its own."""
        return self.supported_by or ((self.hunt_id, self.region_id),)

    @property
    def lineage(self) -> str | None:
        return ProposalRecord.map_lineage(self.map_path)

    @staticmethod
    def map_lineage(map_path: str | None) -> str | None:
        """The first file of a map's versions: ``maps/ai_ceo.v3.yaml`` -> ``/abs/maps/ai_ceo.yaml``.

        ``NAME.yaml``, ``NAME.v2.yaml``, ``NAME.v3.yaml``... in one folder are one lineage.
        """
        if not map_path:
            return None
        import os
        import re
        from pathlib import Path

        path = Path(os.path.abspath(map_path))
        return str(path.with_name(re.sub(r"\.v\d+$", "", path.stem) + path.suffix))

    @staticmethod
    def refinement_key(kind: str, detail: Mapping[str, Any], map_path: str | None) -> str:
        """What makes two proposals the same refinement: the map lineage, the kind and the
        detail's identity (the dimension's name, the crossed set, the bucket), not its numbers
        (two hunts measure different splits and weights of the same missing dimension)."""
        import json

        identity: Any
        try:
            if kind in ("add_dimension", "add_subdimension"):
                identity = str(dict(detail["attribute"])["name"])
            elif kind == "add_cross":
                identity = sorted(str(d) for d in detail["dimensions"])
            elif kind == "reweight_bucket":
                identity = sorted([str(k), str(v)] for k, v in dict(detail["bucket"]).items())
            else:
                identity = dict(detail)
        except (KeyError, TypeError, ValueError):
            identity = dict(detail)
        lineage = ProposalRecord.map_lineage(map_path)
        return json.dumps([lineage, kind, identity], sort_keys=True, default=str)

    @staticmethod
    def merged_detail(
        kind: str, first: Mapping[str, Any], later: Mapping[str, Any]
    ) -> dict[str, Any]:
        """The detail of one refinement two regions propose, with both regions' numbers.

        Accepting writes one detail for every supporter, so a region's numbers must not be
        lost to another's: a new dimension's bins are the union of both regions' cuts (each
        region's edge stays a bin edge, so the next campaign can tell it apart), its values
        the union of both lists, and a bucket's weight the larger asked for. Everything else
        (the split, the constraint) stays the first region's.
        """
        merged = dict(first)
        try:
            if kind in ("add_dimension", "add_subdimension"):
                attribute = dict(first["attribute"])
                other = dict(later["attribute"])
                for key in ("bins", "values"):
                    mine, theirs = attribute.get(key), other.get(key)
                    if isinstance(mine, list | tuple) and isinstance(theirs, list | tuple):
                        union = list(dict.fromkeys([*mine, *theirs]))
                        attribute[key] = sorted(union) if key == "bins" else union
                merged["attribute"] = attribute
            elif kind == "reweight_bucket":
                merged["weight"] = max(float(first["weight"]), float(later["weight"]))
        except (KeyError, TypeError, ValueError):
            return dict(first)
        return merged

    def to_json(self) -> dict[str, Any]:
        return {
            "proposal_id": self.proposal_id,
            "hunt_id": self.hunt_id,
            "region_id": self.region_id,
            "kind": self.kind,
            "detail": dict(self.detail),
            "map_path": self.map_path,
            "status": self.status,
            "decided_by": self.decided_by,
            "decided_at": self.decided_at,
            "reason": self.reason,
            "new_map_path": self.new_map_path,
            "created": self.created,
            "supported_by": [{"hunt_id": h, "region_id": r} for h, r in self.supporters],
        }


def usage_of(extras: Sequence[Mapping[str, Any]]) -> Usage | None:
    """Tokens and cost summed over runs' extras, when their SUT records them."""
    if not any("cost_usd" in e or "input_tokens" in e for e in extras):
        return None
    return Usage(
        sum(int(e.get("input_tokens", 0) or 0) for e in extras),
        sum(int(e.get("output_tokens", 0) or 0) for e in extras),
        round(float(sum(float(e.get("cost_usd", 0.0) or 0.0) for e in extras)), 4),
    )
