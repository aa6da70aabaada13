"""A run store as pandas DataFrames, for notebooks: ``hunter.frames.runs(store)``.

Each function reads the store once and returns a fresh DataFrame, one row per record, in the
order the store keeps them, indexed by the record's ID. Columns are plain values (numbers,
strings, booleans), never nested objects, so ``groupby``, ``pivot_table`` and ``to_csv`` work
as they are:

* :func:`runs`: one row per run, its attributes as columns (``df.groupby("oversight").failed``).
* :func:`verdicts`: one row per (run, check), long format (``pivot_table`` makes it wide).
* :func:`hunts`: one row per hunt: origin run, status, verdict, simulations, stop reason.
* :func:`regions`: one row per failing region of every finished hunt, rates and interval.
* :func:`coverage`: one row per bucket of a campaign's map, hits adding up over campaigns.
* :func:`bugs`: one row per bug of a triage (:func:`hunter.triage`'s result), riskiest first.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import pandas as pd

from hunter.api import HUNT_COLUMNS, hunt_rows
from hunter.errors import InvalidConfig
from hunter.regions import constraint_words

if TYPE_CHECKING:
    from hunter.analysis.triage import TriageResult
    from hunter.domain import Run
    from hunter.store import Store

__all__ = ["bugs", "coverage", "hunts", "regions", "runs", "verdicts"]

RUN_COLUMNS = (
    "run_id",
    "status",
    "failed",
    "error",
    "failed_checks",
    "seed",
    "sut",
    "campaign_id",
    "hunt_id",
    "parent_run_id",
    "strategy",
    "seconds",
    "created",
)
"""The columns :func:`runs` puts before the attributes. An attribute named like one of them
is the column ``attribute.NAME`` instead."""


def runs(
    store: Store,
    *,
    campaign: str | None = None,
    hunt: str | None = None,
    failed: bool | None = None,
) -> pd.DataFrame:
    """Every stored run (or those of one campaign or hunt), attributes as columns.

    ``status`` is ``fail``, ``pass`` or ``error`` (a SUT error is never a failure, and its
    ``failed`` is False); ``failed_checks`` joins the failed checks' names with commas. An
    attribute a run does not have (a sub-dimension whose condition fails) is missing (NaN).

    Args:
        store: the run store.
        campaign: only runs of this campaign.
        hunt: only runs of this hunt.
        failed: True for failed runs only, False for passing ones (errors are neither).
    """
    selected = store.runs(failed=failed, campaign_id=campaign, hunt_id=hunt)
    rows = [_run_row(r) for r in selected]
    attribute_names = _attribute_names(selected)
    columns = list(RUN_COLUMNS) + [_attribute_column(a) for a in attribute_names]
    frame = pd.DataFrame(rows, columns=columns)
    return frame.set_index("run_id", drop=False).rename_axis(None)


def verdicts(store: Store, *, campaign: str | None = None, hunt: str | None = None) -> pd.DataFrame:
    """One row per verdict of every run: ``run_id``, ``check``, ``failed``, ``severity`` and
    ``evidence`` (the checker's text, as the SUT gave it)."""
    rows = [
        {
            "run_id": run.run_id,
            "check": v.check,
            "failed": v.failed,
            "severity": v.severity,
            "evidence": v.evidence,
        }
        for run in store.runs(campaign_id=campaign, hunt_id=hunt)
        for v in run.verdicts
    ]
    return pd.DataFrame(rows, columns=["run_id", "check", "failed", "severity", "evidence"])


def hunts(store: Store) -> pd.DataFrame:
    """One row per hunt, indexed by hunt ID (the fields of :func:`hunter.api.hunt_rows`).

    ``verdict``, ``simulations``, ``errors``, ``stop_reason``, ``provisional`` and ``regions``
    are missing (None) for a hunt that has not finished.
    """
    frame = pd.DataFrame(hunt_rows(store), columns=list(HUNT_COLUMNS))
    return frame.set_index("hunt_id", drop=False).rename_axis(None)


def regions(store: Store, *, hunt: str | None = None) -> pd.DataFrame:
    """One row per failing region of every finished hunt (or of ``hunt``).

    Rates are shares (0 to 1); ``inside_low`` and ``inside_high`` bound the inside rate (exact
    95% interval). ``constraints`` is the box in words; ``density`` is the share of runs
    inside the box that fail, ``mode_coverage`` the share of this failure mode's failures
    that fall inside it.

    Raises:
        UnknownId: when ``hunt`` is not in the store.
    """
    records = [store.hunt(hunt)] if hunt is not None else store.hunts()
    rows = []
    for record in records:
        if record.result is None:
            continue
        for region in record.result.analysis.regions:
            low, high = region.inside.ci95
            rows.append(
                {
                    "hunt_id": record.hunt_id,
                    "region_id": region.id,
                    "constraints": constraint_words(region),
                    "attributes": ", ".join(c.attribute for c in region.constraints),
                    "label": region.label,
                    "checks": ", ".join(region.checks),
                    "inside_runs": region.inside.runs,
                    "inside_failures": region.inside.failures,
                    "inside_rate": region.inside.rate,
                    "inside_low": low,
                    "inside_high": high,
                    "outside_runs": region.outside.runs,
                    "outside_rate": region.outside.rate,
                    "density": region.density,
                    "mode_coverage": region.coverage,
                    "contains_origin": region.contains_origin,
                    "provisional": record.result.provisional,
                    "proposal_id": region.proposal.id if region.proposal else None,
                    "proposal_kind": region.proposal.kind if region.proposal else None,
                }
            )
    columns = [
        "hunt_id",
        "region_id",
        "constraints",
        "attributes",
        "label",
        "checks",
        "inside_runs",
        "inside_failures",
        "inside_rate",
        "inside_low",
        "inside_high",
        "outside_runs",
        "outside_rate",
        "density",
        "mode_coverage",
        "contains_origin",
        "provisional",
        "proposal_id",
        "proposal_kind",
    ]
    return pd.DataFrame(rows, columns=columns)


BUG_COLUMNS = (
    "bug_id",
    "rank",
    "constraints",
    "attributes",
    "label",
    "checks",
    "severity",
    "inside_runs",
    "inside_rate",
    "inside_low",
    "inside_high",
    "share",
    "contribution",
    "risk",
    "failed_runs",
    "hunts",
    "hunt_id",
    "region_id",
    "proposal_kind",
    "known",
)


def bugs(result: TriageResult) -> pd.DataFrame:
    """One row per bug of a triage, riskiest first, indexed by bug ID (``B1``...).

    ``share`` is the part of the campaign's runs inside the bug's region, ``contribution``
    ``share * inside_rate`` (its estimated part of the campaign's failure rate) and ``risk``
    that weighted by the severity of its worst check, the rank order. ``failed_runs`` counts
    the campaign's failed runs attributed to the bug; ``hunts`` names every hunt that found it.
    """
    rows = []
    for rank, ranked in enumerate(result.bugs, start=1):
        region = ranked.region
        low, high = ranked.inside.ci95
        rows.append(
            {
                "bug_id": ranked.bug.id,
                "rank": rank,
                "constraints": constraint_words(region),
                "attributes": ", ".join(c.attribute for c in region.constraints),
                "label": region.label,
                "checks": ", ".join(ranked.bug.checks),
                "severity": ranked.severity,
                "inside_runs": ranked.inside.runs,
                "inside_rate": ranked.inside.rate,
                "inside_low": low,
                "inside_high": high,
                "share": ranked.share,
                "contribution": ranked.contribution,
                "risk": ranked.risk,
                "failed_runs": len(ranked.failed_runs),
                "hunts": ", ".join(ranked.bug.hunt_ids),
                "hunt_id": ranked.bug.first.hunt_id,
                "region_id": region.id,
                "proposal_kind": region.proposal.kind if region.proposal else None,
                "known": ranked.known,
            }
        )
    frame = pd.DataFrame(rows, columns=list(BUG_COLUMNS))
    return frame.set_index("bug_id", drop=False).rename_axis(None)


COVERAGE_COLUMNS = (
    "bucket",
    "cross",
    "hits",
    "failures",
    "errors",
    "goal",
    "coverage",
    "failure_rate",
)
"""The columns of :func:`coverage` other than the dimensions' (which go after ``cross``)."""


def coverage(store: Store, campaign: str) -> pd.DataFrame:
    """The coverage of the map ``campaign`` sampled, one row per bucket.

    Hits add up over every campaign on the same map and SUT (as the campaign's own table
    does): ``hits``, ``failures`` and ``errors`` count those runs; ``goal`` is the map's goal
    per bucket; ``coverage`` is ``hits / goal`` capped at 1; ``failure_rate`` is failures per
    run without an error (0.0 for a bucket with none; the CLI's table prints "-" there).
    ``cross`` names the crossed dimensions; one column per dimension holds the bucket's cell
    (missing for dimensions the cross leaves out); a dimension named like one of the other
    columns is the column ``attribute.NAME`` instead.

    Raises:
        UnknownId: no such campaign. InvalidConfig: the campaign recorded no map (an import).
    """
    from hunter.flow.campaign import coverage_table, prior_campaign_runs

    record = store.campaign(campaign)
    cmap = record.setup.coverage_map
    if cmap is None:
        raise InvalidConfig(f"campaign {campaign} recorded no coverage map")
    version = record.setup.options.function_version
    table = coverage_table(
        cmap, prior_campaign_runs(store, cmap, record.setup.sut, version=version)
    )
    dims = list(cmap.dimension_names)
    column = {d: f"attribute.{d}" if d in COVERAGE_COLUMNS else d for d in dims}
    rows = []
    for row in table:
        cells = dict(row.bucket)
        rows.append(
            {
                "bucket": row.label,
                "cross": " x ".join(d for d, _ in row.bucket),
                **{column[d]: cells.get(d) for d in dims},
                "hits": row.hits,
                "failures": row.failures,
                "errors": row.errors,
                "goal": row.goal,
                "coverage": row.coverage,
                "failure_rate": row.failure_rate,
            }
        )
    columns = [*COVERAGE_COLUMNS[:2], *column.values(), *COVERAGE_COLUMNS[2:]]
    return pd.DataFrame(rows, columns=columns)


def _run_row(run: Run) -> dict[str, Any]:
    row: dict[str, Any] = {
        "run_id": run.run_id,
        "status": "error" if run.error is not None else ("fail" if run.failed else "pass"),
        "failed": run.failed,
        "error": run.error,
        "failed_checks": ", ".join(run.failed_checks),
        "seed": run.seed,
        "sut": run.sut,
        "campaign_id": run.campaign_id,
        "hunt_id": run.hunt_id,
        "parent_run_id": run.parent_run_id,
        "strategy": run.strategy,
        "seconds": run.extra.get("seconds"),
        "created": run.created,
    }
    for name, value in run.attributes().items():
        row[_attribute_column(name)] = value
    return row


def _attribute_names(selected: Sequence[Run]) -> list[str]:
    """Attribute names in the order first seen (the space's order for one SUT)."""
    seen: dict[str, None] = {}
    for run in selected:
        for name in run.scenario.items:
            seen.setdefault(name[0], None)
    return list(seen)


def _attribute_column(name: str) -> str:
    return f"attribute.{name}" if name in RUN_COLUMNS else name
