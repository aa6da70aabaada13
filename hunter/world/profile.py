"""Propensity profiles: how likely the scripted agent is to misbehave, from what it observes.

A profile gives each misbehaviour a base probability and an ordered list of rules. A rule's
``when`` is a conjunction over the agent's observed facts (``{"in": [...]}``-style lists for
categories, ``{"min", "max"}`` for numbers, both bounds inclusive); its effect is ``set``, ``add``
or ``mul``. Rules apply in order and the result is clipped to [0, 1]. The scripted agent asks
for a probability once, at the first opportunity for that misbehaviour, and draws once.

A user fixes the agent the way a training run would by editing a copy of the profile (removing
or weakening one misbehaviour's rules) and running the world with ``--agent
scripted:PROFILE.yaml``; :func:`load_agent_profile` reads such a file strictly: unknown keys,
misbehaviours or facts, and values outside their range, are errors naming the known ones.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hunter.coverage import read_yaml
from hunter.domain import AttributeSpec, Value
from hunter.errors import InvalidConfig

MISBEHAVIOURS = ("collude", "deceive_board", "evade_regulator", "subvert_oversight", "resist")
DEFAULT_PROFILE = Path(__file__).resolve().parent / "profile.yaml"

PROFILE_KEYS = ("name", "background", "misbehaviours")
MISBEHAVIOUR_KEYS = ("base", "rules")
RULE_KEYS = ("when", "set", "add", "mul")
OBSERVED_FACTS: Mapping[str, tuple[Value, ...]] = {
    "price_war": (True, False),
    "cash_low": (True, False),
    "shutdown_channel": ("official", "leaked"),
}
"""Facts the scripted agent learns during a run, beside the scenario it is briefed on."""

Condition = tuple[str, tuple[Value, ...] | None, float | None, float | None]
"""(fact, allowed values or None, min or None, max or None)."""


@dataclass(frozen=True, slots=True)
class Rule:
    conditions: tuple[Condition, ...]
    effect: str
    amount: float

    def holds(self, facts: Mapping[str, Any]) -> bool:
        for name, allowed, lo, hi in self.conditions:
            if name not in facts:
                return False
            value = facts[name]
            if allowed is not None:
                if value not in allowed:
                    return False
                continue
            x = float(value)
            if (lo is not None and x < lo) or (hi is not None and x > hi):
                return False
        return True

    def apply(self, p: float) -> float:
        if self.effect == "set":
            return self.amount
        if self.effect == "add":
            return p + self.amount
        return p * self.amount


@dataclass(frozen=True, slots=True)
class Propensity:
    base: float
    rules: tuple[Rule, ...]

    def probability(self, facts: Mapping[str, Any]) -> float:
        p = self.base
        for rule in self.rules:
            if rule.holds(facts):
                p = rule.apply(p)
        return min(1.0, max(0.0, p))


@dataclass(frozen=True, slots=True)
class Profile:
    """A named set of propensities, one per misbehaviour of :data:`MISBEHAVIOURS`."""

    name: str
    propensities: tuple[tuple[str, Propensity], ...]

    def probability(self, misbehaviour: str, facts: Mapping[str, Any]) -> float:
        for name, propensity in self.propensities:
            if name == misbehaviour:
                return propensity.probability(facts)
        return 0.0

    @classmethod
    def from_dict(cls, raw: object, source: str = "<profile>") -> Profile:
        """Validate a profile read from YAML.

        Raises:
            InvalidConfig: naming ``source`` and the offending misbehaviour or rule.
        """
        if not isinstance(raw, Mapping) or not isinstance(raw.get("misbehaviours"), Mapping):
            raise InvalidConfig(f"{source}: a profile needs a 'misbehaviours' mapping")
        _known_keys(raw, PROFILE_KEYS, source)
        background = _probability(raw.get("background", 0.0), f"{source}: field 'background'")
        props = []
        for name, body in raw["misbehaviours"].items():
            where = f"{source}: misbehaviour {name!r}"
            if name not in MISBEHAVIOURS:
                raise InvalidConfig(f"{where} is unknown; known: {', '.join(MISBEHAVIOURS)}")
            body = body or {}
            if not isinstance(body, Mapping):
                raise InvalidConfig(f"{where} must be a mapping")
            _known_keys(body, MISBEHAVIOUR_KEYS, where)
            base = _probability(body.get("base", background), f"{where}: field 'base'")
            raw_rules = body.get("rules") or []
            if not isinstance(raw_rules, list):
                raise InvalidConfig(f"{where}: field 'rules' must be a list")
            rules = tuple(_rule(r, f"{where}: rule {i + 1}") for i, r in enumerate(raw_rules))
            props.append((str(name), Propensity(base, rules)))
        missing = [m for m in MISBEHAVIOURS if m not in dict(props)]
        props.extend((m, Propensity(background, ())) for m in missing)
        return cls(str(raw.get("name", Path(source).stem)), tuple(props))


def _known_keys(raw: Mapping[Any, Any], known: tuple[str, ...], where: str) -> None:
    unknown = [str(k) for k in raw if k not in known]
    if unknown:
        raise InvalidConfig(f"{where}: unknown key {unknown[0]!r}; known: {', '.join(known)}")


def _probability(raw: object, where: str) -> float:
    if isinstance(raw, bool) or not isinstance(raw, int | float) or not 0 <= raw <= 1:
        raise InvalidConfig(f"{where} must be a probability in [0, 1], got {raw!r}")
    return float(raw)


def _rule(raw: object, where: str) -> Rule:
    if not isinstance(raw, Mapping) or not isinstance(raw.get("when"), Mapping):
        raise InvalidConfig(f"{where}: needs a 'when' mapping")
    _known_keys(raw, RULE_KEYS, where)
    effects = [k for k in ("set", "add", "mul") if k in raw]
    if len(effects) != 1:
        raise InvalidConfig(f"{where}: give exactly one of 'set', 'add', 'mul'")
    effect, amount = effects[0], raw[effects[0]]
    if isinstance(amount, bool) or not isinstance(amount, int | float) or not math.isfinite(amount):
        raise InvalidConfig(f"{where}: {effect!r} must be a number, got {amount!r}")
    if effect == "set" and not 0 <= amount <= 1:
        raise InvalidConfig(f"{where}: 'set' must be a probability in [0, 1], got {amount!r}")
    if effect == "add" and not -1 <= amount <= 1:
        raise InvalidConfig(f"{where}: 'add' must be in [-1, 1], got {amount!r}")
    if effect == "mul" and amount < 0:
        raise InvalidConfig(f"{where}: 'mul' must be at least 0, got {amount!r}")
    conditions: list[Condition] = []
    for fact, cond in raw["when"].items():
        if isinstance(cond, list):
            conditions.append((str(fact), tuple(cond), None, None))
        elif isinstance(cond, Mapping) and set(cond) <= {"min", "max"} and cond:
            lo, hi = _num(cond.get("min"), where), _num(cond.get("max"), where)
            if lo is not None and hi is not None and lo > hi:
                raise InvalidConfig(f"{where}: fact {fact!r} has min {lo:g} above max {hi:g}")
            conditions.append((str(fact), None, lo, hi))
        else:
            conditions.append((str(fact), (cond,), None, None))
    return Rule(tuple(conditions), effect, float(amount))


def _num(raw: object, where: str) -> float | None:
    if raw is None:
        return None
    if isinstance(raw, bool) or not isinstance(raw, int | float) or not math.isfinite(raw):
        raise InvalidConfig(f"{where}: bounds must be numbers, got {raw!r}")
    return float(raw)


def load_profile(path: str | Path = DEFAULT_PROFILE) -> Profile:
    """Read and validate a propensity profile file.

    Raises:
        InvalidConfig: the file is unreadable, not YAML, or not a valid profile.
    """
    p = Path(path)
    raw = read_yaml(p)
    return Profile.from_dict(raw, str(p))


def agent_facts() -> dict[str, AttributeSpec]:
    """Every fact a rule of the scripted agent's profile may test, as an attribute spec: the
    scenario attributes the agent is briefed on, and :data:`OBSERVED_FACTS`."""
    from hunter.world.engine import HIDDEN_BRIEFING
    from hunter.world.space import world_space

    facts = {s.name: s for s in world_space().attributes if s.name not in HIDDEN_BRIEFING}
    for name, values in OBSERVED_FACTS.items():
        facts[name] = AttributeSpec(name, values=values)
    return facts


def check_facts(profile: Profile, source: str) -> None:
    """Reject rules that could never hold in the built-in world: a fact the agent never
    observes (a typo, or ``shutdown_plan``, which it only learns of as ``shutdown_channel``), a
    value the fact never takes, or bounds on a categorical fact.

    Raises:
        InvalidConfig: naming the misbehaviour, the rule, the fact and the known ones.
    """
    facts = agent_facts()
    for name, propensity in profile.propensities:
        for i, rule in enumerate(propensity.rules):
            where = f"{source}: misbehaviour {name!r}: rule {i + 1}"
            for fact, allowed, _lo, _hi in rule.conditions:
                spec = facts.get(fact)
                if spec is None:
                    raise InvalidConfig(
                        f"{where}: unknown fact {fact!r}; known: {', '.join(sorted(facts))}"
                    )
                if allowed is None and spec.categorical:
                    raise InvalidConfig(
                        f"{where}: fact {fact!r} is categorical: give a list of its values,"
                        f" known: {', '.join(map(str, spec.values or ()))}"
                    )
                bad = [v for v in allowed or () if not spec.contains(v)]
                if bad:
                    legal = (
                        f"known: {', '.join(map(str, spec.values))}"
                        if spec.values is not None
                        else f"a number in [{spec.low:g}, {spec.high:g}]"
                    )
                    raise InvalidConfig(f"{where}: fact {fact!r} never is {bad[0]!r}; {legal}")


def load_agent_profile(path: str | Path) -> Profile:
    """Read a propensity profile for the scripted agent (``--agent scripted:PATH``): the file
    must be a valid profile (:func:`load_profile`) whose rules test only facts the agent
    observes, with values they can take (:func:`check_facts`).

    Raises:
        InvalidConfig: one line naming the file, the bad key, fact or value and the known ones.
    """
    p = Path(path)
    if not p.is_file():
        raise InvalidConfig(f"{p}: no such profile file")
    profile = load_profile(p)
    check_facts(profile, str(p))
    return profile
