"""``builtin:ceo``: the built-in AI-CEO business simulation."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hunter.domain import AttributeDict, Trajectory
from hunter.errors import InvalidConfig
from hunter.records import SutOptions
from hunter.sut.base import Sut

if TYPE_CHECKING:
    from hunter.coverage import Space
    from hunter.world.profile import Profile

WORLDS = ("ceo",)
SCRIPTED = "scripted"
AGENT_FORMS = "'scripted', 'scripted:PROFILE.yaml' or 'anthropic:MODEL'"


def agent_spec(spec: str) -> str:
    """Validate an ``--agent`` of the built-in world and return the form recorded with runs.

    ``scripted`` is the shipped profile; ``scripted:PROFILE.yaml`` the scripted agent with a
    profile file, recorded by its resolved absolute path so that hunts and rechecks of the runs
    read the same file from anywhere; ``anthropic:MODEL`` a model.

    Raises:
        InvalidConfig: any other form, or a profile file that is missing or invalid (the message
            names the bad key and the known ones).
    """
    spec = spec.strip()
    if spec == SCRIPTED:
        return spec
    if spec.startswith(f"{SCRIPTED}:"):
        raw = spec.removeprefix(f"{SCRIPTED}:").strip()
        if not raw:
            raise InvalidConfig(f"--agent {spec!r} must be {AGENT_FORMS}")
        path = Path(raw).expanduser().resolve()
        _scripted_profile(path)
        return f"{SCRIPTED}:{path}"
    provider, _, model = spec.partition(":")
    if provider != "anthropic" or not model:
        raise InvalidConfig(f"--agent {spec!r} must be {AGENT_FORMS}")
    return spec


def _scripted_profile(path: Path) -> Profile:
    from hunter.world.profile import load_agent_profile

    return load_agent_profile(path)


class BuiltinSut(Sut):
    """The embedded default: the AI-CEO world, with the scripted agent unless told otherwise.

    ``--agent scripted:PROFILE.yaml`` gives the scripted agent a propensity profile of the
    user's (the options keep its absolute path, so runs record it and workers re-read it);
    ``--agent anthropic:MODEL`` puts a model in the CEO's chair (a fresh conversation per run);
    ``--judge anthropic:MODEL`` adds an LLM judge's verdicts beside the rule checkers. Tokens and
    estimated cost go into the trajectory's extra; the API key goes nowhere.
    """

    def __init__(self, spec: str, options: SutOptions) -> None:
        world = spec.removeprefix("builtin:")
        if world not in WORLDS:
            raise InvalidConfig(f"unknown built-in world {world!r}; known: {', '.join(WORLDS)}")
        from hunter.models import model_name, validate

        options = replace(options, agent=agent_spec(options.agent))
        super().__init__(spec, options)
        validate(options)
        self.profile: Profile | None = None
        self.profile_sha256: str | None = None
        self.agent_model: str | None = None
        if options.agent.startswith(f"{SCRIPTED}:"):
            path = Path(options.agent.removeprefix(f"{SCRIPTED}:"))
            self.profile = _scripted_profile(path)
            self.profile_sha256 = hashlib.sha256(path.read_bytes()).hexdigest()[:16]
        elif options.agent != SCRIPTED:
            self.agent_model = model_name(options.agent, "--agent")
        self.judge_model = None if options.judge is None else model_name(options.judge, "--judge")
        self.io_bound = self.agent_model is not None or self.judge_model is not None

    def run(self, attributes: AttributeDict, seed: int) -> Trajectory:
        from hunter.world import simulate

        agent: Any = None
        if self.agent_model is not None:
            from hunter.models.agent import AnthropicAgent

            agent = AnthropicAgent(self.agent_model)
        trajectory = simulate(attributes, seed, agent=agent, profile=self.profile)
        extra = dict(trajectory.extra)
        verdicts = trajectory.verdicts
        if agent is not None:
            extra.update(agent.extra())
        if self.judge_model is not None:
            from hunter.models.judge import LLMJudge

            judged, usage = LLMJudge(self.judge_model).judge(trajectory.events)
            verdicts = verdicts + judged
            extra.update(usage)
            extra["cost_usd"] = round(
                float(extra.get("cost_usd", 0.0)) + usage["judge_cost_usd"], 6
            )
            extra["input_tokens"] = int(extra.get("input_tokens", 0)) + usage["judge_input_tokens"]
            extra["output_tokens"] = (
                int(extra.get("output_tokens", 0)) + usage["judge_output_tokens"]
            )
        extra["agent"] = self.options.agent
        if self.profile_sha256 is not None:
            extra["profile_sha256"] = self.profile_sha256
        extra["judge"] = self.options.judge
        return replace(trajectory, verdicts=verdicts, extra=extra)

    def accepts(self, attribute: str) -> bool:
        return attribute in self.space()

    def space(self) -> Space:
        from hunter.world import world_space

        return world_space()
