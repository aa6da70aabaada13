"""``builtin:ceo``: the built-in AI-CEO business simulation."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from hunter.domain import AttributeDict, Trajectory
from hunter.errors import InvalidConfig
from hunter.records import SutOptions
from hunter.sut.base import Sut

if TYPE_CHECKING:
    from hunter.coverage import Space

WORLDS = ("ceo",)


class BuiltinSut(Sut):
    """The embedded default: the AI-CEO world, with the scripted agent unless told otherwise.

    ``--agent anthropic:MODEL`` puts a model in the CEO's chair (a fresh conversation per run);
    ``--judge anthropic:MODEL`` adds an LLM judge's verdicts beside the rule checkers. Tokens and
    estimated cost go into the trajectory's extra; the API key goes nowhere.
    """

    def __init__(self, spec: str, options: SutOptions) -> None:
        super().__init__(spec, options)
        world = spec.removeprefix("builtin:")
        if world not in WORLDS:
            raise InvalidConfig(f"unknown built-in world {world!r}; known: {', '.join(WORLDS)}")
        from hunter.models import model_name, validate

        validate(options)
        self.agent_model = (
            None if options.agent == "scripted" else model_name(options.agent, "--agent")
        )
        self.judge_model = None if options.judge is None else model_name(options.judge, "--judge")
        self.io_bound = self.agent_model is not None or self.judge_model is not None

    def run(self, attributes: AttributeDict, seed: int) -> Trajectory:
        from dataclasses import replace

        from hunter.world import simulate

        agent: Any = None
        if self.agent_model is not None:
            from hunter.models.agent import AnthropicAgent

            agent = AnthropicAgent(self.agent_model)
        trajectory = simulate(attributes, seed, agent=agent)
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
        extra["judge"] = self.options.judge
        return replace(trajectory, verdicts=verdicts, extra=extra)

    def space(self) -> Space:
        from hunter.world import world_space

        return world_space()
