"""Gathers a finished hunt from the store into the report renderers' input.

The report shows the stored result as the hunt decided it; nothing here re-runs the analysis.
Only counts that results stored by earlier versions lack are recounted from the stored runs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Literal

from hunter.analysis.report import ReportInput, render
from hunter.analysis.stats import rate
from hunter.domain import Run
from hunter.errors import InvalidConfig, UnknownId
from hunter.flow.campaign import coverage_table, prior_campaign_runs
from hunter.flow.review import as_stored
from hunter.records import HuntResult
from hunter.store import Store


def gather_report(store: Store, hunt_id: str, store_name: str | None = None) -> ReportInput:
    """Everything the report of ``hunt_id`` shows (``store_name``, the store folder as the user
    named it, goes into the commands the report prints when it is not the default).

    Raises:
        UnknownId: no such hunt. InvalidConfig: the hunt has not finished.
    """
    record = store.hunt(hunt_id)
    if record.result is None or record.status != "done":
        raise InvalidConfig(f"hunt {hunt_id} has not finished; resume it with hunter hunt --resume")
    setup = record.setup
    origin = store.run(record.run_id)
    runs = tuple(store.runs(hunt_id=hunt_id, events=True))
    bucket_coverage: dict[tuple[tuple[str, str], ...], tuple[int, int]] = {}
    if setup.coverage_map is not None:
        version = setup.options.function_version
        prior = prior_campaign_runs(store, setup.coverage_map, setup.sut, version=version)
        for row in coverage_table(setup.coverage_map, prior):
            bucket_coverage[row.bucket] = (row.hits, row.failures)
    stored = {p.proposal_id: p for p in store.proposals()}
    result = _with_outside_counts(record.result, runs)
    regions = tuple(as_stored(r, stored) for r in result.analysis.regions)
    return ReportInput(
        result=replace(result, analysis=replace(result.analysis, regions=regions)),
        sut=setup.sut,
        origin=origin,
        runs=runs,
        space=setup.space,
        coverage_map=setup.coverage_map,
        bucket_coverage=bucket_coverage,
        proposal_states=_proposal_states(store, record.result),
        agent=setup.options.agent,
        map_path=setup.map_path,
        store=store_name,
    )


def build_report(
    store: Store,
    hunt_id: str,
    fmt: Literal["md", "html", "json"],
    store_name: str | None = None,
) -> str:
    """The report of ``hunt_id`` as Markdown, self-contained HTML or JSON."""
    return render(gather_report(store, hunt_id, store_name), fmt)


def _proposal_states(store: Store, result: HuntResult) -> dict[str, str]:
    """What reviewers decided about the hunt's proposals, so the report never offers to accept
    one that is already accepted or rejected."""
    states = {}
    for region in result.analysis.regions:
        pid = region.proposal.id if region.proposal else None
        if pid is None:
            continue
        try:
            record = store.proposal(pid)
        except UnknownId:
            continue
        if record.status == "accepted":
            states[pid] = f"accepted into {Path(record.new_map_path or '?').name}"
        elif record.status == "rejected":
            states[pid] = "rejected" + (f": {record.reason}" if record.reason else "")
        else:
            states[pid] = record.status
    return states


def _with_outside_counts(result: HuntResult, runs: Sequence[Run]) -> HuntResult:
    """Results stored before regions kept their outside counts get them recounted: the valid
    runs outside the box, failing when they fail one of the region's checks (the mode's rule)."""
    regions = []
    for region in result.analysis.regions:
        if region.outside.runs == 0:
            checks = frozenset(region.checks)
            outside = [r for r in runs if r.error is None and not region.contains(r.attributes())]
            counted = rate(sum(r.fails_like(checks) for r in outside), len(outside))
            region = replace(
                region,
                outside=replace(region.outside, runs=counted.runs, failures=counted.failures),
            )
        regions.append(region)
    return replace(result, analysis=replace(result.analysis, regions=tuple(regions)))
