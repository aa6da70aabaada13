"""``hunter import inspect``: store the samples of Inspect AI logs as runs that can be hunted."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hunter.coverage import CoverageMap, Space, load_map, load_space
from hunter.domain import AttributeSpec, Outcome, Scenario, Trajectory, Value
from hunter.records import HuntSetup, SutOptions
from hunter.store import Store


@dataclass(frozen=True, slots=True)
class ImportSummary:
    runs: int
    failed_run_ids: tuple[str, ...]
    errors: int
    campaign_ids: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "runs": self.runs,
            "failed_run_ids": list(self.failed_run_ids),
            "errors": self.errors,
            "campaign_ids": list(self.campaign_ids),
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


def import_inspect(
    store: Store,
    paths: Sequence[str],
    *,
    fail_when: str | None = None,
    map_path: str | None = None,
    space_path: str | None = None,
) -> ImportSummary:
    """Read every log first (a bad one stores nothing), then store each sample as a run."""
    from hunter.inspect_interop import parse_fail_rule, read_inspect_logs, space_from_task

    parse_fail_rule(fail_when)  # a bad rule is reported before any log is read
    samples = read_inspect_logs(list(paths), fail_when)
    cmap: CoverageMap | None = load_map(map_path) if map_path else None
    given = load_space(space_path) if space_path else None
    by_sut: dict[str, list[Any]] = {}
    for sample in samples:
        by_sut.setdefault(sample.sut, []).append(sample)
    failed: list[str] = []
    errors = 0
    campaign_ids = []
    for sut, group in by_sut.items():
        space = given or space_from_task(sut) or infer_space([s.attributes for s in group])
        if cmap is not None:
            space = space.merged_with(cmap.dimensions)
        model = next((s.extra.get("model") for s in group if s.extra.get("model")), None)
        log_dir = str(Path(store.folder or ".") / "inspect-logs")
        options = SutOptions(model=model, fail_when=fail_when, extra={"log_dir": log_dir})
        setup = HuntSetup(
            sut, options, cmap, str(Path(map_path).resolve()) if map_path else None, space
        )
        cid = store.add_campaign(setup, kind="import", logs=[str(p) for p in paths]).campaign_id
        campaign_ids.append(cid)
        for sample in group:
            trajectory = None
            if sample.error is None:
                trajectory = Trajectory(sample.verdicts, tuple(sample.events), dict(sample.extra))
            outcome = Outcome(Scenario.of(sample.attributes, sample.seed), trajectory, sample.error)
            run = store.add_run(outcome, sut=sut, campaign_id=cid)
            errors += run.error is not None
            if run.failed:
                failed.append(run.run_id)
    return ImportSummary(len(samples), tuple(failed), errors, tuple(campaign_ids))
