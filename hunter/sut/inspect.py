"""``inspect:TASK``: scenarios run as Inspect evals of a task, a batch at a time (contract §7).

``TASK`` is ``FILE.py@NAME``, ``FILE.py`` or a registered name (``inspect_evals/...``). Each
scenario calls the task with three kinds of input kept apart (``inspect_interop.task_args``):
its attributes, the fixed task arguments recorded with the origin (``extra["task_args"]``,
overridden by ``hunt -T``), and the run's seed; sample metadata is never passed back. A hunt of
a sample of a dataset of several re-runs that sample only (``extra["sample_id"]``).
"""

from __future__ import annotations

import contextlib
import functools
import math
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hunter.coverage import Space
from hunter.domain import AttributeDict, AttributeSpec, Outcome, Run, Scenario, Trajectory
from hunter.errors import HunterError, InvalidConfig, SutError, SutTimeout
from hunter.inspect_interop.fail_rule import default_rule_blind_spot, parse_fail_rule
from hunter.inspect_interop.logs import (
    check_rule_matches,
    samples_of_log,
    score_names,
    score_values,
)
from hunter.inspect_interop.space import (
    check_override_types,
    load_task_function,
    optional_parameters,
    space_from_task,
    task_parameters,
)
from hunter.inspect_interop.task_args import (
    NONE,
    RESERVED,
    check_overrides,
)
from hunter.records import HuntSetup, SutOptions
from hunter.sut.base import Sut

if TYPE_CHECKING:
    from inspect_ai import Task
    from inspect_ai.dataset import Dataset
    from inspect_ai.log import EvalLog

_EVAL_LOCK = threading.Lock()
"""Inspect refuses two ``eval`` calls at once in one process ("Multiple concurrent calls to
eval_async are not allowed"), so threads of one process take turns."""

LOG_FOLDER = "inspect-logs"
"""The folder of a store where the evals of its hunts are written."""


class InspectSut(Sut):
    """Runs scenarios as Inspect evals; a hunt's batch is one ``eval()`` with one task each.

    One ``eval()`` per batch lets Inspect schedule the scenarios itself: ``max_tasks`` tasks at
    once and ``max_connections`` calls per model (both ``--workers``), with its own retries and
    rate limiting, in one process that has paid Inspect's start-up once.

    The attributes the task takes become task arguments (``"None"`` back to ``None`` for
    optional parameters); the fixed arguments go to every scenario; the run's seed goes to the
    task's ``seed`` parameter when it has one and to the model's generate config. A scenario
    must give exactly one sample: with ``sample_id`` (the origin's, when its dataset had
    several) a dataset of several keeps that one sample, and one that lacks it is the SUT error
    that says so; without it, more than one sample means an argument shapes the dataset, and
    the SUT error says which one to pin with ``-T``. ``--timeout`` is each sample's time limit
    (Inspect's ``time_limit``, whole seconds); a sample that reaches it is a SUT error.

    Attributes:
        log_dir: absolute folder of the logs (the store's ``inspect-logs`` during a hunt).
        fixed: the fixed task arguments passed to every scenario.
        model_roles: the models bound to the task's roles (an imported eval's
            ``--model-role``), passed to every ``eval()``.
        sample_id: the id of the sample every scenario keeps of a dataset of several, or None.
        settings: what the imported eval ran with besides (its limits, generation settings,
            model arguments and sample order; :func:`~hunter.inspect_interop.logs.eval_settings`),
            passed to every ``eval()`` so that a re-run is the same system.
        time_limit: ``--timeout`` in whole seconds (rounded up), each sample's time limit.
    """

    io_bound = False
    supports_batches = True

    def __init__(self, spec: str, options: SutOptions) -> None:
        spec = absolute_task_spec(spec)
        super().__init__(spec, options)
        self.task = spec.removeprefix("inspect:").strip()
        if not self.task:
            raise InvalidConfig("SUT 'inspect:' needs FILE.py@TASK or a registered task name")
        self.rule = parse_fail_rule(options.fail_when)
        self.log_dir = str(Path(str(options.extra.get("log_dir") or LOG_FOLDER)).resolve())
        self.fixed: dict[str, Any] = dict(options.extra.get("task_args") or {})
        self.sample_id: Any = options.extra.get("sample_id")
        self.model_roles: dict[str, str] = dict(options.extra.get("model_roles") or {})
        self.settings: dict[str, Any] = dict(options.extra.get("eval_settings") or {})
        self.time_limit = max(1, math.ceil(options.timeout))
        self.func = self._task_function()
        self.params: frozenset[str] = frozenset()
        self.optional: frozenset[str] = frozenset()
        self.any_params = True  # FILE.py: Inspect picks the file's task; pass every attribute
        if self.func is not None:
            self.params, self.any_params = task_parameters(self.func)
            self.optional = optional_parameters(self.func)
        self.tags: tuple[str, ...] = ("hunter",)
        self.metadata: dict[str, Any] = {}

    def _task_function(self) -> Any:
        """The task function, or None for ``FILE.py`` (Inspect finds its task by itself).

        Raises:
            InvalidConfig: when the task file or registered name cannot be found.
        """
        file = self.task.rsplit("@", 1)[0] if "@" in self.task else self.task
        if file.endswith(".py") and not Path(file).is_file():
            raise InvalidConfig(f"Inspect task file {file!r} not found")
        if "@" not in self.task and file.endswith(".py"):
            return None
        func = load_task_function(self.task)
        if func is None:
            raise InvalidConfig(
                f"Inspect task {self.task!r} is not registered; give inspect:FILE.py@TASK"
                " (or install the package that registers it)"
            )
        return func

    # -- hooks of a hunt -------------------------------------------------------------------------

    def bind_hunt(self, hunt_id: str, parent_run_id: str, folder: Path | None) -> None:
        """Write the hunt's evals under the store, tagged with the hunt, its origin in their
        metadata, so ``inspect view`` groups and filters them."""
        if folder is not None:
            self.log_dir = str((Path(folder) / LOG_FOLDER).resolve())
        self.tags = ("hunter", f"hunt:{hunt_id}")
        self.metadata = {"hunter_hunt_id": hunt_id, "hunter_parent_run_id": parent_run_id}

    def bind_campaign(
        self, campaign_id: str, folder: Path | None, rechecked_hunt: str | None = None
    ) -> None:
        """As :meth:`bind_hunt`: a campaign's evals tagged ``campaign:ID``, a recheck's
        ``recheck:HUNT_ID`` as well."""
        if folder is not None:
            self.log_dir = str((Path(folder) / LOG_FOLDER).resolve())
        self.tags = ("hunter", f"campaign:{campaign_id}")
        self.metadata = {"hunter_campaign_id": campaign_id}
        if rechecked_hunt is not None:
            self.tags = (*self.tags, f"recheck:{rechecked_hunt}")
            self.metadata["hunter_hunt_id"] = rechecked_hunt

    def stored(self, run: Run) -> None:
        """Add the stored run's ID to its eval's metadata: the run ID exists only once the
        store has the outcome, after the eval wrote its log. Inspect's own log edit records the
        change with its provenance; a log that cannot be edited stays as it was."""
        location = run.extra.get("inspect_log")
        if not location or "://" in str(location):
            return
        from inspect_ai.log import (
            MetadataEdit,
            ProvenanceData,
            edit_eval_log,
            read_eval_log,
            write_eval_log,
        )

        try:
            log = read_eval_log(str(location))
            edit = MetadataEdit(metadata_set={"hunter_run_id": run.run_id})
            log = edit_eval_log(log, [edit], ProvenanceData(author="hunter", reason="run ID"))
            write_eval_log(log, str(location))
        except Exception:  # the run is stored either way; the link back is a convenience
            return

    # -- running scenarios ----------------------------------------------------------------------

    def run(self, attributes: AttributeDict, seed: int) -> Trajectory:
        """One scenario as one eval.

        Raises:
            SutError: no model, the eval fails to run, a sample errors, the task gives other
                than one sample, or the rule's scorer is missing from the scores.
        """
        result = self._evaluate([(attributes, seed)], workers=1)[0]
        if isinstance(result, Exception):
            raise result
        return result[0]

    def run_batch(self, scenarios: Sequence[Scenario], workers: int) -> list[Outcome]:
        """A batch as one ``eval()``, ``workers`` tasks and model calls at a time; each
        scenario's failure to run is its own outcome's error."""
        start = time.perf_counter()
        results = self._evaluate([(s.attributes(), s.seed) for s in scenarios], workers)
        share = (time.perf_counter() - start) / max(1, len(scenarios))
        outcomes = []
        for scenario, result in zip(scenarios, results, strict=True):
            if isinstance(result, Exception):
                outcomes.append(Outcome(scenario, None, _message(result), share))
            else:
                trajectory, seconds = result
                outcomes.append(Outcome(scenario, trajectory, None, seconds or share))
        return outcomes

    def task_args(self, attributes: Mapping[str, Any], seed: int) -> dict[str, Any]:
        """The arguments one scenario calls the task with: fixed ones, then the attributes
        the task takes, then the seed."""
        args = dict(self.fixed)
        for name, value in attributes.items():
            if self.any_params or name in self.params:
                none = value == NONE and (name in self.optional or self.func is None)
                args[name] = None if none else value
        if "seed" in self.params:
            args["seed"] = seed
        return args

    def _evaluate(
        self, items: Sequence[tuple[Mapping[str, Any], int]], workers: int
    ) -> list[tuple[Trajectory, float | None] | Exception]:
        """Each ``(attributes, seed)`` as one task of one ``eval()``; results in order."""
        if not self.options.model:
            error = SutError("an inspect: SUT needs a model (--model, or the imported log's)")
            return [error for _ in items]
        Path(self.log_dir).mkdir(parents=True, exist_ok=True)
        if self.func is None:
            return [self._eval_file(attrs, seed) for attrs, seed in items]
        results: list[tuple[Trajectory, float | None] | Exception] = []
        tasks = []
        for index, (attrs, seed) in enumerate(items):
            try:
                tasks.append(self._task(index, attrs, seed))
                results.append(SutError("Inspect produced no log for this scenario"))
            except SutError as exc:  # the arguments leave out the origin's sample
                results.append(exc)
            except Exception as exc:  # the task refused these arguments
                results.append(SutError(f"Inspect task {self.task!r} failed to build: {exc}"))
        if not tasks:
            return results
        try:
            logs = self._eval(tasks, workers)
        except Exception as exc:
            error = SutError(f"Inspect eval failed: {type(exc).__name__}: {exc}")
            return [error if isinstance(r, SutError) else r for r in results]
        for log in logs:
            position = (log.eval.metadata or {}).get("hunter_index")
            if isinstance(position, int) and 0 <= position < len(items):
                results[position] = self._read(log, items[position][0])
        return results

    def _task(self, index: int, attributes: Mapping[str, Any], seed: int) -> Task:
        from inspect_ai import task_with
        from inspect_ai.model import GenerateConfig

        task = self.func(**self.task_args(attributes, seed))
        own = task.time_limit  # a task's own shorter limit is its business: kept, and scored
        return task_with(
            task,
            dataset=self._origin_sample(task.dataset),
            time_limit=self.time_limit if own is None else min(own, self.time_limit),
            metadata={**(task.metadata or {}), "hunter_index": index},
            config=task.config.merge(GenerateConfig(seed=seed)),
        )

    def _origin_sample(self, dataset: Dataset) -> Dataset:
        """The scenario's dataset as the origin's one sample: a dataset of one is kept as it
        is, one of several keeps the sample whose id is :attr:`sample_id`.

        Filtered per task, not with ``eval(sample_id=...)``: the ids may depend on the task's
        arguments, and a scenario that lacks the sample must be its own error, not the batch's.
        Samples without an id get Inspect's own (their position from 1) first, as ``eval``
        would give them, so the origin's recorded id names the same sample.

        Raises:
            SutError: the dataset has several samples and none is the origin's.
        """
        try:
            size = len(dataset)
        except TypeError:  # a dataset made while the task runs: nothing to filter up front
            return dataset
        if self.sample_id is None or size <= 1:
            return dataset
        if any(sample.id is None for sample in dataset):
            self._order_as_the_origins(dataset)
        for position, sample in enumerate(dataset, start=1):
            if sample.id is None:
                sample.id = position
        wanted = str(self.sample_id)
        kept = dataset.filter(lambda sample: str(sample.id) == wanted)
        if len(kept) == 0:
            ids = ", ".join(str(sample.id) for sample in list(dataset)[:4])
            more = ", ..." if size > 4 else ""
            raise SutError(
                f"the scenario's arguments leave out the origin's sample {self.sample_id!r}"
                f" (its dataset has {size} samples: {ids}{more})"
            )
        return kept

    def _order_as_the_origins(self, dataset: Dataset) -> None:
        """Put samples that have no ids (Inspect numbers them by position) in the order the
        origin's eval ran them: shuffled with its ``--sample-shuffle`` seed, as Inspect
        shuffles.

        Raises:
            SutError: the origin's eval shuffled them without a seed: no order finds its
                sample again.
        """
        shuffle = self.settings.get("sample_shuffle")
        if shuffle is None or dataset.shuffled:
            return
        if shuffle is True:
            raise SutError(
                "the origin's eval shuffled its samples without a seed (--sample-shuffle) and"
                " they have no ids: its sample cannot be found again; re-run that eval with"
                " --sample-shuffle SEED and import it"
            )
        dataset.shuffle(int(shuffle))

    def _eval(self, tasks: Any, workers: int, **kwargs: Any) -> list[EvalLog]:
        """One ``eval()`` of ``tasks`` (a list, or a ``FILE.py`` that makes one task).

        Raises:
            KeyboardInterrupt: the user pressed Ctrl-C during the eval (see :func:`_interrupted`).
        """
        from inspect_ai import eval as inspect_eval

        settings = self.settings
        kwargs = {
            **settings.get("generate_config", {}),
            **settings.get("limits", {}),
            **{k: settings[k] for k in ("model_args", "model_base_url") if k in settings},
            **kwargs,
        }
        with _EVAL_LOCK, _one_distribution_scan():
            logs = inspect_eval(
                tasks,
                model=self.options.model,
                model_roles=dict(self.model_roles) or None,
                log_dir=self.log_dir,
                display="none",
                score_display=False,
                epochs=1,
                max_tasks=workers,
                max_connections=max(workers, 1),
                tags=list(self.tags),
                metadata=self.metadata or None,
                **kwargs,
            )
        if _interrupted(logs, len(tasks) if isinstance(tasks, list) else 1):
            raise KeyboardInterrupt
        return logs

    def _eval_file(
        self, attributes: Mapping[str, Any], seed: int
    ) -> tuple[Trajectory, float | None] | Exception:
        """``FILE.py`` without a task name: Inspect loads it, one eval per scenario."""
        try:
            logs = self._eval(
                self.task,
                1,
                task_args=self.task_args(attributes, seed),
                seed=seed,
                time_limit=self.time_limit,
            )
        except Exception as exc:
            return SutError(f"Inspect eval failed: {type(exc).__name__}: {exc}")
        if not logs:
            return SutError("Inspect eval returned no log")
        return self._read(logs[0], attributes)

    def _read(
        self, log: EvalLog, attributes: Mapping[str, Any]
    ) -> tuple[Trajectory, float | None] | Exception:
        """The trajectory of a scenario's log, or the SUT error it amounts to."""
        location = str(log.location)
        if "://" not in location:  # `hunter show` names it from any folder
            location = str(Path(location).resolve())
        samples = samples_of_log(log, location, self.rule)
        if not samples:
            why = log.error.message.strip().splitlines()[0][:300] if log.error else log.status
            return SutError(f"Inspect eval produced no sample ({why})")
        if len(samples) > 1:
            return SutError(self._many_samples(samples, attributes))
        sample = samples[0]
        scores = (log.samples or [])[0].scores
        try:  # a rule naming no scorer of the task is the setup's error, not one sample's
            check_rule_matches(self.rule, score_names(scores))
        except HunterError as exc:
            return SutError(str(exc))
        seen = {name: [value] for name, value in score_values(scores).items()}
        blind = default_rule_blind_spot(self.rule, seen)  # shown with the run, never hidden
        if self._timed_out(log):  # before a missing score: the limit is why it has none
            return SutTimeout(f"Inspect sample timed out after {self.time_limit} s (--timeout)")
        if sample.error:
            return SutError(sample.error)
        extra = dict(sample.extra)
        ignored = sorted(set(attributes) - set(self.task_args(attributes, 0)))
        if ignored:
            extra["inspect_ignored_attributes"] = ignored
        if self.fixed:
            extra["inspect_task_args"] = dict(self.fixed)
        if blind:
            extra["warnings"] = [*extra.get("warnings", []), blind]
        seconds = _sample_seconds(log)
        return Trajectory(sample.verdicts, sample.events, extra), seconds

    def _timed_out(self, log: EvalLog) -> bool:
        """Whether the log's sample reached hunter's time limit. Inspect ends such a sample
        and scores what it had done, so its scores judge an unfinished run: never a verdict."""
        limit = getattr(log.samples[0], "limit", None) if log.samples else None
        return limit is not None and limit.type == "time" and limit.limit >= self.time_limit

    def _many_samples(self, samples: Sequence[Any], attributes: Mapping[str, Any]) -> str:
        """Why a scenario that gave several samples cannot be a run, and which ``-T`` helps:
        a fixed argument, a parameter that is neither fixed nor an attribute, or an attribute
        held at the origin's value (``-T`` takes no other value for one)."""
        ids = ", ".join(str(s.extra["inspect_sample_id"]) for s in samples[:4])
        more = ", ..." if len(samples) > 4 else ""
        head = f"Inspect task gave {len(samples)} samples ({ids}{more}), one per scenario needed"
        shaping = [k for k, v in self.fixed.items() if _several(v)]
        if shaping:
            name = shaping[0]
            value = self.fixed[name]
            first = value[0] if isinstance(value, list | tuple) else str(value).split(",")[0]
            return f"{head}: pin the argument that shapes its dataset, e.g. -T {name}={first}"
        if self.fixed:
            names = ", ".join(f"-T {k}=..." for k in self.fixed)
            return f"{head}: pin the argument that shapes its dataset ({names})"
        free = sorted(self.params - set(self.fixed) - set(attributes) - RESERVED)
        varied = sorted(self.params & set(attributes))
        held = f"; attributes, held at the origin's value: {', '.join(varied)}" if varied else ""
        return (
            f"{head}: pin the argument that shapes its dataset with -T NAME=VALUE"
            f" (parameters: {', '.join(free) or 'none'}{held})"
        )

    def accepts(self, attribute: str) -> bool:
        """A task parameter (any name, when the task takes ``**kwargs`` or is a file's)."""
        return self.any_params or attribute in self.params

    def space(self) -> Space | None:
        return space_from_task(self.task)


def override_task_args(
    setup: HuntSetup, overrides: Mapping[str, Any], origin: Mapping[str, Any]
) -> HuntSetup:
    """The setup with ``overrides`` (``-T NAME=VALUE`` parsed by
    :func:`~hunter.inspect_interop.task_args.parse_task_overrides`) over its recorded fixed
    task arguments; a ``-T`` on an attribute the hunt varies holds that attribute at the
    origin's value (``origin``, its attributes), its only value in the hunt's space.

    Raises:
        InvalidConfig: task arguments for a SUT that is not ``inspect:``, a name the task does
            not take, or an attribute the hunt varies set to other than the origin's value.
    """
    if not overrides:
        return setup
    if not setup.sut.startswith("inspect:"):
        raise InvalidConfig(
            f"task arguments (-T) are for inspect: SUTs; SUT {setup.sut!r} is not one"
        )
    sut = InspectSut(setup.sut, setup.options)
    check_overrides(overrides, sut.params, sut.any_params, setup.space.names, sut.task, origin)
    check_override_types(overrides, sut.func, sut.task)
    held = {name for name in overrides if name in setup.space.names}
    given = {k: v for k, v in overrides.items() if k not in held}
    extra = dict(setup.options.extra)
    if given:
        extra["task_args"] = {**sut.fixed, **given}
    specs = setup.space.attributes
    space = Space(tuple(_held(spec, origin) if spec.name in held else spec for spec in specs))
    return replace(setup, options=replace(setup.options, extra=extra), space=space)


def _held(spec: AttributeSpec, origin: Mapping[str, Any]) -> AttributeSpec:
    """``spec`` with the origin's value as its only one: the hunt keeps it fixed."""
    value = origin[spec.name]
    return replace(spec, values=(value,), range=None, integer=False, bins=None, default=value)


def pin_origin_sample(setup: HuntSetup, origin: Run) -> HuntSetup:
    """The setup of a hunt of ``origin`` with the origin's sample pinned
    (``extra["sample_id"]``) when its eval's dataset had several samples: every scenario then
    re-runs that sample only, not the whole dataset.

    Only then, because a hunt's fingerprint hashes its setup: hunts of tasks of one sample
    made before samples were pinned are still found again. A setup that already pins one (a
    hunt's, when ``origin`` is one of its runs) is kept as it is.
    """
    if not setup.sut.startswith("inspect:") or "sample_id" in setup.options.extra:
        return setup
    sample_id = origin.extra.get("inspect_sample_id")
    if sample_id is None or (_dataset_size(origin) or 1) <= 1:
        return setup
    extra = {**setup.options.extra, "sample_id": sample_id}
    return replace(setup, options=replace(setup.options, extra=extra))


def _dataset_size(run: Run) -> int | None:
    """The samples of the dataset of the run's eval (before any ``--limit``): recorded with
    the run, else (runs imported before it was recorded) read from its log's header; None
    when neither says."""
    size = run.extra.get("inspect_dataset_samples")
    location = run.extra.get("inspect_log")
    if size is None and location:
        from inspect_ai.log import read_eval_log

        try:
            size = read_eval_log(str(location), header_only=True).eval.dataset.samples
        except Exception:  # a log moved or deleted since: the size is unknown
            return None
    return size if isinstance(size, int) else None


def absolute_task_spec(spec: str) -> str:
    """``inspect:FILE.py[@TASK]`` with the file's absolute path; any other spec unchanged.

    The SUT is recorded as given, and a relative file would be looked for in whatever folder
    ``run --like``, ``hunt`` or ``recheck`` is later run from; function files are recorded
    by absolute path for the same reason (:func:`hunter.sut.python.absolute_spec`).
    """
    if not spec.strip().startswith("inspect:"):
        return spec
    task = spec.strip().removeprefix("inspect:").strip()
    file, at, name = task.rpartition("@") if "@" in task else (task, "", "")
    if not file.endswith(".py"):
        return spec
    return f"inspect:{Path(file).expanduser().resolve()}{at}{name}"


def registered_spec(spec: str) -> str:
    """``PACKAGE/TASK`` (a registered task name, as ``inspect eval`` takes it) as the
    ``inspect:`` SUT string it means; any other spec unchanged."""
    name = spec.strip()
    if ":" in name or "/" not in name or name.endswith(".py") or " " in name:
        return spec
    return f"inspect:{name}"


MEMOISED_FOR_ONE_EVAL = (
    ("inspect_ai._eval.task.log", "resolve_task_distribution"),
    ("inspect_ai._util.package", "packages_distributions"),
)
"""Inspect's look-ups of the distribution that ships a task, memoised during one ``eval()``."""


@contextlib.contextmanager
def _one_distribution_scan() -> Iterator[None]:
    """Let Inspect find the distribution that ships a task once per ``eval()``, not per task.

    Inspect (0.3.285) records in each task's log which installed distribution ships the task:
    for a package it checks every file the distribution lists (inspect_evals lists thousands,
    0.35 s), for a task from a file every installed distribution (about a second), and it
    does so for every task of the eval. A batch of 16 scenarios of one task would spend most
    of its time there. The answer cannot change during one eval, so these two functions are
    memoised on Inspect's own module attributes for the call and restored after; an Inspect
    that no longer has them is left alone.
    """
    import importlib

    saved = []
    for module_name, attribute in MEMOISED_FOR_ONE_EVAL:
        try:
            module = importlib.import_module(module_name)
        except ImportError:  # pragma: no cover - a later Inspect reorganised its helpers
            continue
        original = getattr(module, attribute, None)
        if callable(original):
            saved.append((module, attribute, original))
            setattr(module, attribute, functools.cache(original))
    try:
        yield
    finally:
        for module, attribute, original in saved:
            setattr(module, attribute, original)


def _interrupted(logs: Sequence[EvalLog], tasks: int) -> bool:
    """Whether Ctrl-C cut the eval short. Inspect catches the interrupt itself: it cancels
    the eval, writes its logs with the status ``cancelled`` and returns those logs or none at
    all (0.3.285 returns none). The hunt must stop as for any other SUT, storing nothing of
    the batch, rather than record every scenario as a SUT error and go on."""
    return len(logs) < tasks or any(log.status == "cancelled" for log in logs)


def _several(value: Any) -> bool:
    """Whether a fixed argument looks like a selection of many (a list, ``a,b``)."""
    return (isinstance(value, list | tuple) and len(value) > 1) or (
        isinstance(value, str) and "," in value
    )


def _sample_seconds(log: EvalLog) -> float | None:
    seconds = getattr(log.samples[0], "total_time", None) if log.samples else None
    return float(seconds) if seconds is not None else None


def _message(exc: Exception) -> str:
    return str(exc) or type(exc).__name__
