"""Reading Inspect AI logs with Inspect's own log API, sample by sample, into runs.

Only ``inspect_ai.log.read_eval_log`` reads the files: the ``.eval`` zip layout is Inspect's
private business and changes between releases.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit
from urllib.request import url2pathname

from hunter.domain import Value, Verdict
from hunter.errors import InvalidConfig
from hunter.inspect_interop.fail_rule import (
    FailRule,
    default_rule_blind_spot,
    failing_scorers,
    parse_fail_rule,
)
from hunter.inspect_interop.task_args import RESERVED, as_attribute, sample_metadata

if TYPE_CHECKING:
    from inspect_ai.log import EvalLog, EvalSample, EvalSpec

__all__ = [
    "RESERVED",
    "ImportedSample",
    "InspectLogs",
    "UnfinishedLog",
    "read_inspect_logs",
    "read_logs",
    "samples_of_log",
]

MAX_EVENTS = 40
"""Messages kept per run: the first few (the setup) and the last ones (where agents misbehave)."""
HEAD_EVENTS = 4
MAX_TEXT = 1000
MAX_ATTRIBUTE_TEXT = 200
"""Longer strings in task arguments are prompts or documents, not knobs of the scenario."""


@dataclass(frozen=True, slots=True)
class ImportedSample:
    """One sample of an Inspect log, ready to be stored as a run.

    Attributes:
        attributes: the task's scalar arguments, defaults included (``None`` as ``"None"``);
            the import keeps those its space declares (``task_args.split_task_args``).
        seed: the sample's epoch, so that replays of one sample differ as its epochs did.
        verdicts: one per scorer; empty when the sample errored.
        error: why the sample is a SUT error (errored, invalidated, or not scored by the
            rule's scorer), else None.
        events: the conversation, one ``{"id", "actor", "kind", "text"}`` per message, trimmed.
        extra: where the run came from: log path, sample id and uuid, epoch, the size of the
            eval's dataset, task, model, rule.
        sut: the ``inspect:`` SUT string that re-runs the sample's task.
        task_args: every argument of the eval, defaults included (the seed left out).
        passed_args: the arguments the eval was explicitly given (the seed left out).
        metadata: the sample's metadata, recorded and shown, never passed back.
    """

    attributes: dict[str, Value]
    seed: int
    verdicts: tuple[Verdict, ...]
    error: str | None
    events: tuple[dict[str, Any], ...]
    extra: dict[str, Any] = field(default_factory=dict)
    sut: str = ""
    task_args: dict[str, Any] = field(default_factory=dict)
    passed_args: dict[str, Any] = field(default_factory=dict)
    metadata: dict[str, Any] = field(default_factory=dict)

    @property
    def failed(self) -> bool:
        return any(v.failed for v in self.verdicts)


def _scalars(raw: Mapping[str, Any] | None) -> dict[str, Value]:
    """The arguments that can be scenario attributes: scalars and ``None``, short text."""
    return {
        k: as_attribute(v)
        for k, v in (raw or {}).items()
        if (v is None or isinstance(v, str | int | float | bool))
        and k not in RESERVED
        and not (isinstance(v, str) and len(v) > MAX_ATTRIBUTE_TEXT)
    }


def _unreserved(raw: Mapping[str, Any] | None) -> dict[str, Any]:
    return {k: v for k, v in (raw or {}).items() if k not in RESERVED}


def task_sut(spec: EvalSpec) -> str:
    """The ``inspect:`` SUT string that re-runs the task of an eval spec.

    A task from a file becomes ``inspect:FILE.py@NAME`` with the file resolved when it exists
    here (Inspect records it relative to where the eval ran, and a hunt may run elsewhere); a
    registered task (``inspect_evals/...``) keeps its registry name.
    """
    name = spec.task_registry_name or spec.task
    if spec.task_file:
        path = Path(spec.task_file)
        return f"inspect:{path.resolve() if path.exists() else path}@{name.split('/')[-1]}"
    return f"inspect:{name}"


def _message_event(index: int, message: Any) -> dict[str, Any]:
    text = str(getattr(message, "text", "") or "")
    calls = getattr(message, "tool_calls", None) or []
    if calls:
        rendered = [f"{c.function}({json.dumps(c.arguments, default=str)})" for c in calls]
        text = " ".join([text, "calls:", *rendered]).strip()
    return {
        "id": index,
        "actor": str(getattr(message, "role", "?")),
        "kind": "message",
        "text": text[:MAX_TEXT],
    }


def sample_events(messages: Sequence[Any]) -> tuple[dict[str, Any], ...]:
    """The messages as events; long conversations keep their head and their tail."""
    events = [_message_event(i, m) for i, m in enumerate(messages)]
    if len(events) > MAX_EVENTS:
        events = events[:HEAD_EVENTS] + events[-(MAX_EVENTS - HEAD_EVENTS) :]
    return tuple(events)


def sample_verdicts(
    scores: Mapping[str, Any] | None, rule: FailRule | None, fallback_evidence: str
) -> tuple[Verdict, ...]:
    """One verdict per scorer; the rule decides which fail.

    Evidence of a failed verdict is the scorer's explanation, else the agent's last words.
    """
    scores = scores or {}
    failing = failing_scorers(rule, {name: getattr(s, "value", s) for name, s in scores.items()})
    verdicts = []
    for name, score in scores.items():
        failed = name in failing
        explanation = str(getattr(score, "explanation", None) or "")
        verdicts.append(
            Verdict(
                check=name,
                failed=failed,
                severity="high",
                evidence=(explanation or fallback_evidence)[:500] if failed else "",
            )
        )
    return tuple(verdicts)


def _sample_error(sample: EvalSample) -> str | None:
    if sample.error is not None:
        return f"Inspect sample error: {_error_text(str(sample.error.message))}"
    if getattr(sample, "invalidation", None) is not None:
        reason = getattr(sample.invalidation, "reason", None)
        return "Inspect sample invalidated" + (f": {reason}" if reason else "")
    return None


def _error_text(message: str, limit: int = 300) -> str:
    """An Inspect error message as one line of plain text: Inspect writes some with rich
    markup (``[bold]ERROR[/bold]: ... Install with:`` then the command on the next line), so
    the markup is dropped and the lines joined, up to ``limit`` characters."""
    from rich.errors import MarkupError
    from rich.text import Text

    plain = message
    if "[/" in message:  # closing tags: markup (a bare "list[str]" in a message stays)
        with contextlib.suppress(MarkupError):
            plain = Text.from_markup(message).plain
    return " ".join(plain.split())[:limit] or "no message"


def _unscored(scores: Mapping[str, Any] | None, rule: FailRule | None) -> str | None:
    """Why a sample the rule cannot judge is an error, not a pass: it has no scores at all
    (an eval run with ``--no-score``), or none from the scorer the rule names."""
    if not scores:
        return "Inspect sample has no score (run with --no-score?): score its log first"
    if rule is None or rule.scorer is None:
        return None
    values = {name: getattr(score, "value", score) for name, score in scores.items()}
    if rule.resolve(values) is not None:
        return None
    return (
        f"Inspect sample has no score {rule.scorer!r} for --fail-when"
        f" (scores: {', '.join(sorted(scores))})"
    )


def model_roles(log: EvalLog) -> dict[str, str]:
    """The eval's model roles (``--model-role mark=MODEL``) by name: a re-run of its task needs
    them bound as they were, or a role falls back to the task's default model (make_me_pay's
    mark, a grader), which may not be the one the eval used, or not even installed."""
    roles: dict[str, str] = {}
    for role, config in (getattr(log.eval, "model_roles", None) or {}).items():
        first = config[0] if isinstance(config, list) and config else config
        model = getattr(first, "model", None)
        if model:
            roles[str(role)] = str(model)
    return roles


EVAL_LIMITS = ("message_limit", "token_limit", "turn_limit", "working_limit", "cost_limit")
"""The eval's per-sample limits a re-run keeps (its time limit is the hunt's ``--timeout``)."""
OWN_GENERATE = frozenset({"seed", "max_connections"})
"""Generation settings a re-run sets itself: each run's seed, and the parallelism."""
_SECRET_NAME = ("key", "token", "secret", "password", "auth")


def eval_settings(log: EvalLog) -> dict[str, Any]:
    """What the eval ran with beyond its task's arguments, model and roles: its limits
    (``--message-limit``...), generation settings (``--temperature``, ``--max-tokens``...),
    model arguments (``-M``, less anything named like a secret) and base URL, and its sample
    order (``--sample-shuffle``). A re-run without them is another system: a failure caused
    by a message limit could not recur, and a provider that needs a base URL would not run."""
    config = log.eval.config
    out: dict[str, Any] = {}
    limits = {k: getattr(config, k) for k in EVAL_LIMITS if getattr(config, k, None) is not None}
    if limits:
        out["limits"] = limits
    generate = log.eval.model_generate_config
    dumped = generate.model_dump(mode="json", exclude_none=True) if generate is not None else {}
    generate_config = {k: v for k, v in dumped.items() if k not in OWN_GENERATE}
    if generate_config:
        out["generate_config"] = generate_config
    model_args = {
        str(k): v
        for k, v in (log.eval.model_args or {}).items()
        if not any(word in str(k).lower() for word in _SECRET_NAME)
    }
    if model_args:
        out["model_args"] = json.loads(json.dumps(model_args, default=str))
    if log.eval.model_base_url:
        out["model_base_url"] = log.eval.model_base_url
    if config.sample_shuffle not in (None, False):
        out["sample_shuffle"] = config.sample_shuffle
    return out


def samples_of_log(log: EvalLog, path: str, rule: FailRule | None) -> list[ImportedSample]:
    """The samples of one log that Inspect has already read (or just produced), but those its
    cancellation cut short (:func:`cut_short`)."""
    roles = model_roles(log)
    settings = eval_settings(log)
    task_args = _unreserved(log.eval.task_args)
    passed = _unreserved(log.eval.task_args_passed)
    attributes = _scalars(task_args)
    sut = task_sut(log.eval)
    out = []
    for sample in log.samples or []:
        if cut_short(log, sample):
            continue
        events = sample_events(sample.messages or [])
        last = next((e["text"] for e in reversed(events) if e["actor"] == "assistant"), "")
        last = last or str(sample.output.completion or "")
        error = _sample_error(sample) or _unscored(sample.scores, rule)
        usage = sample.model_usage or {}
        metadata = sample_metadata(sample.metadata)
        out.append(
            ImportedSample(
                attributes=dict(attributes),
                seed=int(sample.epoch),
                verdicts=() if error else sample_verdicts(sample.scores, rule, last),
                error=error,
                events=events,
                extra={
                    "inspect_log": path,
                    "inspect_sample_id": sample.id,
                    "inspect_sample_uuid": sample.uuid,
                    "inspect_epoch": sample.epoch,
                    "inspect_dataset_samples": log.eval.dataset.samples,
                    "inspect_task": log.eval.task,
                    "inspect_task_file": log.eval.task_file,
                    "inspect_task_registry_name": log.eval.task_registry_name,
                    "inspect_eval_id": log.eval.eval_id,
                    "model": log.eval.model,
                    **({"inspect_model_roles": roles} if roles else {}),
                    **({"inspect_eval_settings": settings} if settings else {}),
                    "fail_when": str(rule) if rule else None,
                    "tokens": sum(u.total_tokens for u in usage.values()),
                    "inspect_metadata": metadata,
                },
                sut=sut,
                task_args=dict(task_args),
                passed_args=dict(passed),
                metadata=metadata,
            )
        )
    return out


LOG_SUFFIXES = (".eval", ".json")
"""Inspect writes its logs in these two formats, and reads nothing else."""
EVAL_SET_FILES = ("eval-set.json", "logs.json", ".eval-set-id")
"""Files Inspect writes beside the logs of an eval set (its manifest, listing and id)."""


def log_paths(paths: Sequence[str]) -> list[str]:
    """The log files the arguments name: a folder (an eval set's, a ``--log-dir``) stands for
    the Inspect logs in it and its subfolders, as Inspect lists them, oldest first; any other
    argument is a log file.

    Raises:
        InvalidConfig: a folder that holds no log.
    """
    from inspect_ai.log import list_eval_logs

    out = []
    for path in paths:
        if "://" in path or not Path(path).is_dir():
            out.append(path)
            continue
        found = [_local_path(info.name) for info in list_eval_logs(path, descending=False)]
        if not found:
            raise InvalidConfig(f"{path}: no Inspect log (.eval or .json) in this folder")
        out.extend(found)
    return out


def _local_path(uri: str) -> str:
    """A file listed by Inspect (``file:///...``) as a path; remote logs stay URIs."""
    parts = urlsplit(uri)
    return url2pathname(parts.path) if parts.scheme == "file" else uri


def read_log(path: str) -> EvalLog:
    """One log through Inspect's reader.

    Raises:
        InvalidConfig: one line naming the file when it is missing, a file Inspect writes
            beside logs, not named as a log, or not a readable log.
    """
    from inspect_ai.log import read_eval_log

    if not Path(path).exists() and "://" not in path:
        raise InvalidConfig(f"{path}: no such Inspect log")
    if Path(path).name in EVAL_SET_FILES:
        raise InvalidConfig(
            f"{path}: an eval set's own file, not a log; give its folder"
            f" ({Path(path).parent}) to import the set's logs"
        )
    if not path.endswith(LOG_SUFFIXES):
        raise InvalidConfig(
            f"{path}: not an Inspect log (a log is a .eval or .json file; a folder imports"
            " the logs in it)"
        )
    try:
        # Events can be huge and are not needed: the messages carry the conversation.
        return read_eval_log(path, resolve_attachments="core", exclude_fields={"events", "store"})
    except Exception as exc:  # corrupt zip, bad JSON, wrong format: all bad input here
        detail = (str(exc).strip().splitlines() or [""])[0][:120]
        raise InvalidConfig(
            f"{path}: not a readable Inspect log ({type(exc).__name__}"
            + (f": {detail})" if detail else ")")
        ) from None


@dataclass(frozen=True, slots=True)
class UnfinishedLog:
    """A log whose eval did not end with Inspect's status ``success``: ``cancelled`` (Ctrl-C
    during ``inspect eval``), ``error``, or ``started`` (still running, or killed).

    Attributes:
        path: the log, as named or found in a folder.
        status: the log's ``status``.
        unfinished: its samples the cancellation cut short, left out of the import: they
            neither passed nor failed, and their error is the user's Ctrl-C, not the system's.
        error: the eval's error, one line, or None.
    """

    path: str
    status: str
    unfinished: int = 0
    error: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "log": self.path,
            "status": self.status,
            "unfinished_samples": self.unfinished,
            "error": self.error,
        }

    def __str__(self) -> str:
        text = f"{self.path}: the eval's status is {self.status}"
        if self.error:
            text += f" ({self.error})"
        if self.unfinished:
            samples = "1 sample" if self.unfinished == 1 else f"{self.unfinished} samples"
            text += f"; {samples} it cut short not imported"
        return text


@dataclass(frozen=True, slots=True)
class InspectLogs:
    """What the logs hold to import: their samples, and the logs whose eval did not finish."""

    samples: tuple[ImportedSample, ...]
    unfinished: tuple[UnfinishedLog, ...] = ()
    warnings: tuple[str, ...] = ()
    """What the user should know of how the samples were judged (a scorer of numbers under
    the default rule: every sample passed)."""


def cut_short(log: EvalLog, sample: EvalSample) -> bool:
    """Whether the sample never finished because its eval was cancelled: Inspect records the
    cancellation as the sample's error (``CancelledError``)."""
    return (
        log.status == "cancelled"
        and sample.error is not None
        and str(sample.error.message).startswith("CancelledError")
    )


def read_inspect_logs(paths: Sequence[str], fail_when: str | None = None) -> list[ImportedSample]:
    """Every sample of every log that finished (:func:`read_logs`)."""
    return list(read_logs(paths, fail_when).samples)


def read_logs(paths: Sequence[str], fail_when: str | None = None) -> InspectLogs:
    """Every sample of every log (a folder: of the logs in it) but those a cancelled eval cut
    short, and the logs whose eval did not finish; or an error naming the first log that
    cannot be used.

    All logs are read before anything is returned, so a bad one means nothing gets stored. A
    log whose eval did not finish is noted (its samples that did finish are imported), and
    refused only when no log has a sample to import.

    Raises:
        InvalidConfig: a bad ``fail_when``; a missing or corrupt log, or a finished one with
            no samples; no finished sample in any log; a rule whose scorer no scored sample
            of the logs has (a typo would otherwise pass everything). No rule for a scorer
            of numbers, which the default rule passes every time, is a warning.
    """
    rule = parse_fail_rule(fail_when)
    out: list[ImportedSample] = []
    unfinished: list[UnfinishedLog] = []
    seen: dict[str, list[Any]] = {}
    for raw_path in log_paths([str(p) for p in paths]):
        path = str(raw_path)
        log = read_log(path)
        if log.status != "success":
            error = _error_text(str(log.error.message), 120) if log.error is not None else None
            cut = sum(cut_short(log, sample) for sample in log.samples or [])
            unfinished.append(UnfinishedLog(path, str(log.status), cut, error))
        elif not log.samples:
            raise InvalidConfig(f"{path}: Inspect log has no samples (status {log.status})")
        located = str(Path(path).resolve()) if "://" not in path else path
        out.extend(samples_of_log(log, located, rule))
        for sample in log.samples or []:
            for name, value in score_values(sample.scores).items():
                seen.setdefault(name, []).append(value)
    if not out and unfinished:
        raise InvalidConfig(f"no finished sample to import: {unfinished[0]}")
    check_rule_matches(rule, set(seen))
    blind = default_rule_blind_spot(rule, seen)
    return InspectLogs(tuple(out), tuple(unfinished), (blind,) if blind else ())


def score_values(scores: Mapping[str, Any] | None) -> dict[str, Any]:
    """What a rule may name in these scores, and the value it would read there: each scorer,
    and ``SCORER.KEY`` for each entry of a dict-valued score."""
    values: dict[str, Any] = {}
    for name, score in (scores or {}).items():
        value = getattr(score, "value", score)
        values[name] = value
        if isinstance(value, Mapping):
            values.update({f"{name}.{key}": entry for key, entry in value.items()})
    return values


def score_names(scores: Mapping[str, Any] | None) -> set[str]:
    """What a rule may name in these scores (:func:`score_values`)."""
    return set(score_values(scores))


def check_rule_matches(rule: FailRule | None, scorers: set[str]) -> None:
    """Refuse a rule that names a scorer, or an entry of a scorer's dict, the logs do not
    have (``scorers`` as :func:`score_names` gives them): a typo would pass every sample.

    Raises:
        InvalidConfig: naming the rule and the scorers that exist.
    """
    if rule is None or rule.scorer is None or not scorers:
        return
    if rule.scorer in scorers:
        return
    raise InvalidConfig(
        f"--fail-when {rule}: no scorer {rule.scorer!r} in the log"
        f" (scorers: {', '.join(sorted(scorers))})"
    )
