"""``hunter import inspect``: store the samples of Inspect AI logs as runs that can be hunted."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hunter.coverage import CoverageMap, Space, load_map, load_space
from hunter.domain import AttributeSpec, Outcome, Scenario, Trajectory, Value
from hunter.errors import InvalidConfig
from hunter.inspect_interop.task_args import misread_hint, split_task_args
from hunter.records import HuntSetup, SutOptions
from hunter.store import Store

if TYPE_CHECKING:
    from hunter.inspect_interop import ImportedSample
    from hunter.inspect_interop.logs import UnfinishedLog


@dataclass(frozen=True, slots=True)
class ImportSummary:
    runs: int
    failed_run_ids: tuple[str, ...]
    errors: int
    campaign_ids: tuple[str, ...]
    skipped: int = 0
    """Samples already in the store (the same log imported again), or in two of the logs (an
    eval set's retried log beside the log it retried): not stored twice."""
    unfinished_logs: tuple[UnfinishedLog, ...] = ()
    """The logs whose eval was cancelled or errored, with the samples a cancellation cut
    short (not stored: they neither passed nor failed)."""
    warnings: tuple[str, ...] = ()
    """How the samples were judged that the user should know (a scorer of numbers under the
    default rule, which passed every sample)."""

    def to_json(self) -> dict[str, Any]:
        return {
            "runs": self.runs,
            "failed_run_ids": list(self.failed_run_ids),
            "errors": self.errors,
            "campaign_ids": list(self.campaign_ids),
            "skipped": self.skipped,
            "unfinished_logs": [log.to_json() for log in self.unfinished_logs],
            "warnings": list(self.warnings),
        }


def infer_space(rows: Sequence[Mapping[str, Value]]) -> Space:
    """A space that holds every attribute value seen, for logs whose task declares no choices.

    Numbers become ranges over what was seen; anything else becomes a categorical attribute.
    """
    names: dict[str, list[Value]] = {}
    for row in rows:
        for key, value in row.items():
            names.setdefault(key, []).append(value)
    specs = []
    for name, values in names.items():
        numeric = [v for v in values if isinstance(v, int | float) and not isinstance(v, bool)]
        if len(numeric) == len(values) and min(numeric) < max(numeric):
            integer = all(isinstance(v, int) for v in numeric)
            specs.append(
                AttributeSpec(
                    name, range=(float(min(numeric)), float(max(numeric))), integer=integer
                )
            )
        else:
            distinct = sorted({v for v in values}, key=str)
            specs.append(AttributeSpec(name, values=tuple(distinct)))
    return Space(tuple(specs))


_Row = tuple["ImportedSample", dict[str, Value], dict[str, Any]]
"""A sample to store, its scenario attributes and its fixed task arguments."""


IMPORTED_TIMEOUT = 900.0
"""Seconds a re-run of an imported sample may take (``hunt --timeout`` changes it). An agent
eval's sample is many model calls and tool uses, and a real model takes minutes over it: the
60 s default of hunter's own SUTs would turn slow samples into errors."""


def import_inspect(
    store: Store,
    paths: Sequence[str],
    *,
    fail_when: str | None = None,
    map_path: str | None = None,
    space_path: str | None = None,
) -> ImportSummary:
    """Read and check every log first (a bad one stores nothing), then store each sample as a
    run: its scenario attributes as the run's attributes, the eval's other arguments as the
    campaign's fixed task arguments, its metadata in the run's ``extra``.

    Raises:
        InvalidConfig: a bad rule, log, map or space; a log whose task is neither registered
            nor in a file here; a sample whose attributes the space does not hold.
    """
    from hunter.inspect_interop import parse_fail_rule
    from hunter.inspect_interop.logs import read_logs

    parse_fail_rule(fail_when)  # a bad rule is reported before any log is read
    logs = read_logs(list(paths), fail_when)
    samples = logs.samples
    cmap: CoverageMap | None = load_map(map_path) if map_path else None
    given = load_space(space_path) if space_path else None
    by_sut: dict[str, list[ImportedSample]] = {}
    for sample in samples:
        by_sut.setdefault(sample.sut, []).append(sample)
    plans = [_plan(sut, group, given, cmap) for sut, group in by_sut.items()]
    stored = _imported_samples(store)  # every log checked first: a bad one is still refused
    fresh = [(sut, space, _unseen(rows, stored)) for sut, space, rows in plans]
    skipped = len(samples) - sum(len(rows) for _, _, rows in fresh)
    plans = [plan for plan in fresh if plan[2]]
    log_dir = str((Path(store.folder or ".") / "inspect-logs").resolve())
    failed: list[str] = []
    errors = 0
    campaign_ids = []
    for sut, space, rows in plans:
        campaigns: dict[tuple[str, str | None], str] = {}
        for sample, attributes, fixed in rows:
            model = sample.extra.get("model")
            roles = sample.extra.get("inspect_model_roles")
            settings = sample.extra.get("inspect_eval_settings")
            key = (json.dumps([fixed, roles, settings], sort_keys=True, default=str), model)
            if key not in campaigns:
                extra: dict[str, Any] = {"log_dir": log_dir}
                if fixed:
                    extra["task_args"] = fixed
                if roles:
                    extra["model_roles"] = roles
                if settings:
                    extra["eval_settings"] = settings
                options = SutOptions(
                    model=model, fail_when=fail_when, extra=extra, timeout=IMPORTED_TIMEOUT
                )
                map_file = str(Path(map_path).resolve()) if map_path else None
                setup = HuntSetup(sut, options, cmap, map_file, space)
                record = store.add_campaign(setup, kind="import", logs=[str(p) for p in paths])
                campaigns[key] = record.campaign_id
                campaign_ids.append(record.campaign_id)
            trajectory = None
            if sample.error is None:
                shown = {**sample.extra, **({"inspect_task_args": fixed} if fixed else {})}
                trajectory = Trajectory(sample.verdicts, tuple(sample.events), shown)
            outcome = Outcome(Scenario.of(attributes, sample.seed), trajectory, sample.error)
            run = store.add_run(outcome, sut=sut, campaign_id=campaigns[key])
            errors += run.error is not None
            if run.failed:
                failed.append(run.run_id)
    imported = len(samples) - skipped
    return ImportSummary(
        imported,
        tuple(failed),
        errors,
        tuple(campaign_ids),
        skipped,
        logs.unfinished,
        logs.warnings,
    )


def _unseen(rows: Sequence[_Row], seen: set[str]) -> list[_Row]:
    """The rows whose sample is not in ``seen``, which gathers theirs: a sample already
    stored, or in two logs read at once (a folder holding an eval set's retried log beside
    the log it retried), is stored once."""
    out = []
    for row in rows:
        uuid = row[0].extra.get("inspect_sample_uuid")
        if uuid in seen:
            continue
        if uuid:
            seen.add(str(uuid))
        out.append(row)
    return out


def _imported_samples(store: Store) -> set[str]:
    """The Inspect sample UUIDs the store's imports hold already: importing a log again (or
    a folder of logs, some new) stores only the samples it has not seen."""
    imports = {c.campaign_id for c in store.campaigns(kind="import")}
    return {
        str(run.extra["inspect_sample_uuid"])
        for cid in imports
        for run in store.runs(campaign_id=cid)
        if run.extra.get("inspect_sample_uuid")
    }


def _misread(
    attributes: Mapping[str, Value], passed: Mapping[str, Any], space: Space
) -> str | None:
    """Why an attribute the eval was given is not legal when ``-T`` misread its word (``no``
    read as false), else None: the eval's task really ran with the misread value, so the
    import is refused, and the hint says how the eval should have been run."""
    for name, value in attributes.items():
        spec = space.get(name)
        if name in passed and spec is not None and spec.values and not spec.contains(value):
            hint = misread_hint(name, value, spec.values)
            if hint is not None:
                return hint
    return None


def _plan(
    sut: str, group: Sequence[ImportedSample], given: Space | None, cmap: CoverageMap | None
) -> tuple[str, Space, list[_Row]]:
    """The space of one task's samples and each sample's attributes and fixed arguments.

    The space is ``--space``, else the task's own (its parameters that name their choices),
    else one inferred from the scalar arguments seen; the map's dimensions are added to it.

    Raises:
        InvalidConfig: the task cannot be found here; a sample's attributes do not fit.
    """
    from hunter.inspect_interop import space_from_task
    from hunter.inspect_interop.space import load_task_function

    log = group[0].extra.get("inspect_log")
    try:
        found = load_task_function(sut) is not None
    except InvalidConfig:
        found = False
    if not found:
        name = sut.removeprefix("inspect:")
        raise InvalidConfig(
            f"{log}: task {name!r} is not registered here and no task file is found;"
            " install its package (or run from where its file is) before importing"
        )
    space = given or space_from_task(sut) or infer_space([s.attributes for s in group])
    if cmap is not None:
        space = space.merged_with(cmap.dimensions)
    rows = []
    for sample in group:
        attributes, fixed = split_task_args(sample.task_args, sample.passed_args, space.names)
        where = f"{sample.extra.get('inspect_log')}: sample {sample.extra['inspect_sample_id']}"
        try:
            space.validate(attributes, where=where)
        except InvalidConfig as exc:
            hint = _misread(attributes, sample.passed_args, space)
            if hint is None:
                raise
            raise InvalidConfig(f"{exc} ({hint}, or give --space)") from None
        rows.append((sample, attributes, fixed))
    return sut, space, rows
