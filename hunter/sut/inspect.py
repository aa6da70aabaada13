"""``inspect:FILE.py@TASK``: one scenario run as an Inspect eval of that task (contract §7)."""

from __future__ import annotations

import inspect as pyinspect
import os
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hunter.domain import AttributeDict, Trajectory, Verdict
from hunter.errors import HunterError, InvalidConfig, SutError
from hunter.inspect_interop.fail_rule import parse_fail_rule
from hunter.inspect_interop.logs import check_rule_matches, samples_of_log
from hunter.inspect_interop.space import load_task_function, space_from_task
from hunter.records import SutOptions
from hunter.sut.base import Sut

if TYPE_CHECKING:
    from hunter.coverage import Space

_EVAL_LOCK = threading.Lock()
"""Inspect refuses two ``eval`` calls at once in one process ("Multiple concurrent calls to
eval_async are not allowed"), so threads of one process take turns."""


class InspectSut(Sut):
    """Runs ``inspect_ai.eval`` once per scenario; its logs stay under the store folder.

    The attributes become task arguments (those the task declares, unless it takes
    ``**kwargs``); the run's seed goes to the task's ``seed`` parameter when it has one and to
    the model's generate config. A task whose dataset has several samples makes one run that
    fails when any sample fails.

    ``io_bound`` is False on purpose: Inspect allows one eval at a time per process, so
    threads would only queue behind each other, while worker processes run evals side by side.
    """

    io_bound = False

    def __init__(self, spec: str, options: SutOptions) -> None:
        super().__init__(spec, options)
        self.task = spec.removeprefix("inspect:").strip()
        if not self.task:
            raise InvalidConfig("SUT 'inspect:' needs FILE.py@TASK or a registered task name")
        self.rule = parse_fail_rule(options.fail_when)
        self.log_dir = str(options.extra.get("log_dir") or "inspect-logs")
        self.params, self.any_params = self._signature()

    def _signature(self) -> tuple[frozenset[str], bool]:
        """The task's parameter names, and whether it takes ``**kwargs``.

        Raises:
            InvalidConfig: when the task file or registered name cannot be found.
        """
        file = self.task.rsplit("@", 1)[0] if "@" in self.task else self.task
        if file.endswith(".py") and not Path(file).is_file():
            raise InvalidConfig(f"Inspect task file {file!r} not found")
        if "@" not in self.task and file.endswith(".py"):
            return frozenset(), True  # Inspect picks the file's task; pass every attribute
        func = load_task_function(self.task)
        if func is None:
            raise InvalidConfig(
                f"Inspect task {self.task!r} is not registered; give inspect:FILE.py@TASK"
                " (or install the package that registers it)"
            )
        params = pyinspect.signature(func).parameters.values()
        names = frozenset(p.name for p in params if p.kind is not p.VAR_KEYWORD)
        return names, any(p.kind is p.VAR_KEYWORD for p in params)

    def run(self, attributes: AttributeDict, seed: int) -> Trajectory:
        """One eval of the task with the attributes as task arguments, scored by the rule.

        Raises:
            SutError: no model, the eval fails to run, a sample errors, or the rule's scorer
                is missing from the scores.
        """
        from inspect_ai import eval as inspect_eval

        if not self.options.model:
            raise SutError("an inspect: SUT needs a model (--model, or the imported log's)")
        task_args: dict[str, Any] = {
            k: v for k, v in attributes.items() if self.any_params or k in self.params
        }
        if "seed" in self.params:
            task_args["seed"] = seed
        os.makedirs(self.log_dir, exist_ok=True)
        with _EVAL_LOCK:
            try:
                logs = inspect_eval(
                    self.task,
                    model=self.options.model,
                    task_args=task_args,
                    log_dir=self.log_dir,
                    display="none",
                    score_display=False,
                    epochs=1,
                    seed=seed,
                )
            except Exception as exc:
                raise SutError(f"Inspect eval failed: {type(exc).__name__}: {exc}") from None
        if not logs:
            raise SutError("Inspect eval returned no log")
        log = logs[0]
        location = str(log.location)
        if "://" not in location:  # `hunter show` names it from any folder
            location = str(Path(location).resolve())
        samples = samples_of_log(log, location, self.rule)
        if not samples:
            why = log.error.message.strip().splitlines()[0][:300] if log.error else log.status
            raise SutError(f"Inspect eval produced no sample ({why})")
        errors = [s.error for s in samples if s.error]
        if errors:
            raise SutError(errors[0])
        try:
            check_rule_matches(self.rule, {v.check for s in samples for v in s.verdicts})
        except HunterError as exc:
            raise SutError(str(exc)) from None
        many = len(samples) > 1
        verdicts = tuple(
            Verdict(f"{v.check}[{s.extra['inspect_sample_id']}]", v.failed, v.severity, v.evidence)
            if many
            else v
            for s in samples
            for v in s.verdicts
        )
        events = tuple(
            {**e, "sample": s.extra["inspect_sample_id"]} if many else e
            for s in samples
            for e in s.events
        )
        extra = dict(samples[0].extra)
        extra["tokens"] = sum(int(s.extra.get("tokens") or 0) for s in samples)
        extra["inspect_samples"] = len(samples)
        ignored = sorted(set(attributes) - set(task_args))
        if ignored:
            extra["inspect_ignored_attributes"] = ignored
        return Trajectory(verdicts, events, extra)

    def space(self) -> Space | None:
        return space_from_task(self.task)
