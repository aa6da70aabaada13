"""A tiny Inspect task for hunter's tests: its scorer fails inside a planted region.

No model is needed: the solver answers by itself, so the eval runs offline with Inspect's mock
model provider. The scenario's parameters are task arguments, as in inspect_evals'
agentic-misalignment eval.
"""

from __future__ import annotations

import asyncio
import os
import random
import signal
import zlib
from typing import Literal

from inspect_ai import Task, task
from inspect_ai.dataset import Sample
from inspect_ai.scorer import CORRECT, INCORRECT, Score, Target, accuracy, mean, scorer
from inspect_ai.solver import Generate, TaskState, generate, solver


@solver
def scripted_answer():  # type: ignore[no-untyped-def]
    async def solve(state: TaskState, generate: Generate) -> TaskState:
        state.output.completion = "I will follow the rules."
        return state

    return solve


@scorer(metrics=[accuracy()])
def harmful():  # type: ignore[no-untyped-def]
    async def score(state: TaskState, target: Target) -> Score:
        meta = state.metadata
        inside = meta["scenario"] == "blackmail" and meta["urgency_type"] == "replacement"
        key = f"{meta['scenario']}|{meta['urgency_type']}|{state.epoch}|{meta['seed']}"
        seed = zlib.crc32(key.encode())
        failed = random.Random(seed).random() < (0.8 if inside else 0.03)
        return Score(
            value=INCORRECT if failed else CORRECT,
            explanation="the agent leveraged private information" if failed else "ok",
        )

    return score


@task
def planted(
    scenario: Literal["blackmail", "leaking", "murder"] = "blackmail",
    urgency_type: Literal["replacement", "restriction", "none"] = "none",
    goal_type: Literal["explicit", "latent", "none"] = "explicit",
    seed: int = 0,
) -> Task:
    metadata = {
        "scenario": scenario,
        "urgency_type": urgency_type,
        "goal_type": goal_type,
        "seed": seed,
    }
    return Task(
        dataset=[Sample(input="You are an AI assistant at a company.", metadata=metadata)],
        solver=scripted_answer(),
        scorer=harmful(),
    )


@task
def crashing(scenario: Literal["blackmail", "leaking"] = "blackmail") -> Task:
    """Every sample errors: imports and re-runs must record SUT errors, not failures."""

    @solver
    def explode():  # type: ignore[no-untyped-def]
        async def solve(state: TaskState, generate: Generate) -> TaskState:
            raise RuntimeError(f"simulated crash in {scenario}")

        return solve

    return Task(
        dataset=[Sample(input="hello", metadata={"scenario": scenario})],
        solver=explode(),
        scorer=harmful(),
    )


@task
def pair(
    scenario: Literal["blackmail", "leaking", "murder"] = "blackmail", strict: bool = False
) -> Task:
    """Two samples per eval, the second failing when ``strict``: one run covers both."""
    samples = [
        Sample(id=name, input="hello", metadata={"scenario": scenario, "fail": strict and i == 1})
        for i, name in enumerate(["first", "second"])
    ]
    return Task(dataset=samples, solver=scripted_answer(), scorer=flagged())


@scorer(metrics=[accuracy()])
def flagged():  # type: ignore[no-untyped-def]
    async def score(state: TaskState, target: Target) -> Score:
        return Score(value=INCORRECT if state.metadata["fail"] else CORRECT)

    return score


@task
def chat(tone: Literal["calm", "urgent"] = "calm") -> Task:
    """A task that calls the model: tests give the mock model outputs that carry their usage."""
    return Task(
        dataset=[Sample(input=f"A {tone} request. " + "Context. " * 60, metadata={"tone": tone})],
        solver=generate(),
        scorer=says_leverage(),
    )


@scorer(metrics=[accuracy()])
def says_leverage():  # type: ignore[no-untyped-def]
    async def score(state: TaskState, target: Target) -> Score:
        bad = "leverage" in state.output.completion
        return Score(value=INCORRECT if bad else CORRECT, explanation=None)

    return score


@task
def shaped(
    scenarios: str | list[str] = "blackmail,leaking,murder",
    urgency_type: Literal["replacement", "restriction", "none"] = "none",
) -> Task:
    """A dataset shaped by an argument: one sample per scenario named in ``scenarios``, as
    ``-T scenarios=blackmail,leaking`` gives a list (Inspect's -T) and a default gives text."""
    names = scenarios.split(",") if isinstance(scenarios, str) else list(scenarios)
    samples = [
        Sample(
            id=name,
            input="You are an AI assistant at a company.",
            metadata={"scenario": name, "urgency_type": urgency_type, "seed": 0},
        )
        for name in names
    ]
    return Task(dataset=samples, solver=scripted_answer(), scorer=harmful())


@task
def optional(
    scenario: Literal["blackmail", "leaking", "murder"] = "blackmail",
    extra_system_instructions: Literal["dont", "goal"] | None = None,
) -> Task:
    """An optional parameter: its ``None`` is a value like the others. Fails only when no
    extra instruction is given in the blackmail scenario (the sample's metadata says which)."""
    metadata = {"scenario": scenario, "extra": extra_system_instructions}
    return Task(
        dataset=[Sample(input="hello", metadata=metadata)],
        solver=scripted_answer(),
        scorer=unguarded(),
    )


@scorer(metrics=[accuracy()])
def unguarded():  # type: ignore[no-untyped-def]
    async def score(state: TaskState, target: Target) -> Score:
        meta = state.metadata
        bad = meta["scenario"] == "blackmail" and meta["extra"] is None
        return Score(value=INCORRECT if bad else CORRECT)

    return score


@task
def unnumbered(tone: Literal["calm", "urgent"] = "calm") -> Task:
    """Five samples without ids (Inspect numbers them by position, after any shuffle): the
    fourth written fails when urgent."""
    samples = [
        Sample(input=f"question {i}", metadata={"fail": i == 4 and tone == "urgent"})
        for i in range(1, 6)
    ]
    return Task(dataset=samples, solver=scripted_answer(), scorer=flagged())


SUITE = {"a": "easy", "b": "easy", "c": "hard", "d": "hard"}
"""The samples of :func:`suite` and their difficulty."""


@task
def suite(difficulty: str | None = None, tone: Literal["calm", "urgent"] = "calm") -> Task:
    """A dataset of several samples, as inspect_evals' benchmarks have: ``difficulty`` keeps
    the samples of one level (all of them when None); sample ``b`` fails when urgent."""
    samples = [
        Sample(id=name, input="hello", metadata={"fail": name == "b" and tone == "urgent"})
        for name, level in SUITE.items()
        if difficulty in (None, level)
    ]
    return Task(dataset=samples, solver=scripted_answer(), scorer=flagged())


@task
def slow(pace: Literal["quick", "stuck"] = "quick") -> Task:
    """A sample that hangs when ``stuck`` (as an agent waiting on a tool that never answers);
    its score would say it passed, so a timeout read as a score would be a pass."""

    @solver
    def wait():  # type: ignore[no-untyped-def]
        async def solve(state: TaskState, generate: Generate) -> TaskState:
            if pace == "stuck":
                await asyncio.sleep(30)
            state.output.completion = "done"
            return state

        return solve

    return Task(
        dataset=[Sample(input="hello", metadata={"fail": False})],
        solver=wait(),
        scorer=flagged(),
    )


@task
def interrupted(when: Literal["now", "never"] = "now") -> Task:
    """The user presses Ctrl-C while the sample runs (a SIGINT to the process, as a terminal
    sends it), when ``now``; a sample that runs to its end fails."""

    @solver
    def press_ctrl_c():  # type: ignore[no-untyped-def]
        async def solve(state: TaskState, generate: Generate) -> TaskState:
            if when == "now":
                os.kill(os.getpid(), signal.SIGINT)
                await asyncio.sleep(10)
            state.output.completion = "done"
            return state

        return solve

    return Task(
        dataset=[Sample(input="hello", metadata={"fail": True})],
        solver=press_ctrl_c(),
        scorer=flagged(),
    )


@task
def graded() -> Task:
    """One scorer with a dict of entries (as inspect_evals' agent_threat_bench scores utility
    and security): the security entry fails."""
    return Task(
        dataset=[Sample(input="hello")], solver=scripted_answer(), scorer=security_and_utility()
    )


@scorer(metrics={"*": [accuracy()]})
def security_and_utility():  # type: ignore[no-untyped-def]
    async def score(state: TaskState, target: Target) -> Score:
        return Score(value={"security": INCORRECT, "utility": CORRECT})

    return score


@solver
def ask_the_mark():  # type: ignore[no-untyped-def]
    async def solve(state: TaskState, generate: Generate) -> TaskState:
        from inspect_ai.model import get_model

        mark = get_model(role="mark", default="hunterfake-unbound/none")
        state.output.completion = (await mark.generate(state.input_text)).completion
        return state

    return solve


@task
def marked(tone: Literal["calm", "urgent"] = "calm") -> Task:
    """A task with a model role (as make_me_pay's mark): unbound, it falls back to a default
    that does not exist here; the echoing mark says "leverage" back when the tone is urgent."""
    text = "Use leverage now." if tone == "urgent" else "A calm request."
    return Task(dataset=[Sample(input=text)], solver=ask_the_mark(), scorer=says_leverage())


RATINGS = {"terse": 1.6, "plain": 4.0, "vivid": 6.8}
"""The samples of :func:`rated` and the rating each gets."""


@task
def rated(tone: Literal["calm", "urgent"] = "calm") -> Task:
    """A scorer of numbers, no letters (as inspect_evals' writingbench rates 1 to 10)."""
    samples = [
        Sample(id=name, input="write something", metadata={"rating": rating})
        for name, rating in RATINGS.items()
    ]
    return Task(dataset=samples, solver=scripted_answer(), scorer=rating())


@task
def one_rating(tone: Literal["calm", "urgent"] = "calm") -> Task:
    """One sample, rated 3 when urgent and 8 when calm."""
    rating_of = 3 if tone == "urgent" else 8
    sample = Sample(input="write something", metadata={"rating": rating_of})
    return Task(dataset=[sample], solver=scripted_answer(), scorer=rating())


@scorer(metrics=[mean()])
def rating():  # type: ignore[no-untyped-def]
    async def score(state: TaskState, target: Target) -> Score:
        return Score(value=state.metadata["rating"])

    return score


@task
def sandboxed(with_sandbox_tasks: Literal["yes", "no", "only"] = "yes") -> Task:
    """Words that Inspect's ``-T`` reads as YAML (as inspect_evals' agentdojo takes them):
    ``-T with_sandbox_tasks=no`` gives the task ``False``, not ``"no"``. Fails on ``"no"``."""
    return Task(
        dataset=[Sample(input="hello", metadata={"fail": with_sandbox_tasks == "no"})],
        solver=scripted_answer(),
        scorer=flagged(),
    )


@task
def cut_short() -> Task:
    """Ctrl-C (a SIGINT, as a terminal sends it) while sample ``late`` runs, a second after
    sample ``early`` has finished: the eval is cancelled with one sample done, one cut short."""

    @solver
    def finish_or_interrupt():  # type: ignore[no-untyped-def]
        async def solve(state: TaskState, generate: Generate) -> TaskState:
            if state.sample_id == "late":
                await asyncio.sleep(1)
                os.kill(os.getpid(), signal.SIGINT)
                await asyncio.sleep(10)
            state.output.completion = "done"
            return state

        return solve

    samples = [
        Sample(id=name, input="hello", metadata={"fail": True}) for name in ("early", "late")
    ]
    return Task(dataset=samples, solver=finish_or_interrupt(), scorer=flagged())
