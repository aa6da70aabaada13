"""``hunter runs`` and ``hunter show``: stored runs, one at a time or as a list."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import click
from rich.table import Table

from hunter.cli.app import (
    cli,
    json_option,
    no_store_yet,
    open_store,
    out,
    print_json,
    store_option,
)
from hunter.cli.safe_console import cell

if TYPE_CHECKING:
    from hunter.domain import Run
    from hunter.store import Store


@cli.command()
@click.option("--failed", is_flag=True, help="Only runs that failed.")
@click.option("--campaign", "campaign_id", help="Only runs of this campaign (e.g. c1).")
@click.option("--hunt", "hunt_id", help="Only runs of this hunt (e.g. h1).")
@click.option(
    "--limit", type=click.IntRange(min=1), help="At most this many runs: the latest ones."
)
@json_option
@store_option
def runs(
    failed: bool,
    campaign_id: str | None,
    hunt_id: str | None,
    limit: int | None,
    as_json: bool,
    store_dir: str,
) -> None:
    """List stored runs, one line each (hunter show RUN_ID for one in full)."""
    if no_store_yet(store_dir) and campaign_id is None and hunt_id is None:
        if as_json:
            print_json([])
        else:
            out.print("no runs match")
        return
    with open_store(store_dir, create=False) as store:
        if campaign_id is not None:
            store.campaign(campaign_id)  # an unknown ID is an error, not an empty list
        if hunt_id is not None:
            store.hunt(hunt_id)
        filters = {
            "failed": True if failed else None,
            "campaign_id": campaign_id,
            "hunt_id": hunt_id,
        }
        selected = store.runs(**filters, limit=limit, latest=True)  # type: ignore[arg-type]
        total = store.count_runs(**filters) if limit else len(selected)  # type: ignore[arg-type]
        bugs = _bug_marks(store, selected)
    if as_json:
        print_json([_with_bug(r.to_json(), bugs.get(r.run_id)) for r in selected])
        return
    if not selected:
        out.print("no runs match")
        return
    out.print(compact_runs(selected))
    failures = sum(r.failed for r in selected)
    errors = sum(r.error is not None for r in selected)
    shown = (
        f"the latest {len(selected)} of {total} runs" if total > len(selected) else f"{total} runs"
    )
    out.print(f"{shown}: {failures} failed, {errors} errors")
    _print_bug_marks(selected, bugs)


ONE_LINE: dict[str, Any] = {"no_wrap": True, "overflow": "ellipsis"}


def compact_runs(selected: Sequence[Run]) -> Table:
    """One line per run, cut to the terminal's width: ID, result, where it came from, the
    failed checks (or the error) and the attributes (``hunter show`` prints them all)."""
    table = Table(box=None, pad_edge=False, show_edge=False)
    # IDs and results keep their whole width; only checks and attributes are cut to fit
    for name, values in (
        ("run", [r.run_id for r in selected]),
        ("result", ["error", "FAIL"]),
        ("from", [r.hunt_id or r.campaign_id or "" for r in selected]),
    ):
        table.add_column(name, no_wrap=True, min_width=max(len(name), *map(len, values)))
    # wrapable columns, so rich narrows them to fit the terminal; their cells never wrap
    table.add_column("checks or error", max_width=30)
    table.add_column("attributes")
    for run in selected:
        result = "error" if run.error else ("FAIL" if run.failed else "pass")
        origin = run.hunt_id or run.campaign_id or ""
        attrs = ", ".join(f"{k}={v}" for k, v in run.attributes().items())
        # checks, errors and attribute values are data: Text, never rich markup
        table.add_row(
            run.run_id,
            result,
            origin,
            cell(", ".join(run.failed_checks) or (run.error or ""), **ONE_LINE),
            cell(attrs, **ONE_LINE),
            style="red" if run.failed else ("yellow" if run.error else None),
        )
    return table


@cli.command()
@click.argument("run_id")
@json_option
@store_option
def show(run_id: str, as_json: bool, store_dir: str) -> None:
    """Show one run: attributes, verdicts and its timeline."""
    with open_store(store_dir, create=False) as store:
        run = store.run(run_id)
        mark = _bug_marks(store, [run]).get(run_id)
    if as_json:
        print_json(_with_bug(run.to_json(events=True), mark))
        return
    from hunter.cli.render import print_hanging, show_run

    show_run(out, run)
    if mark is not None:
        print_hanging(out, mark[1])


# -- same or new: a failed run inside a known bug's region is that bug -------------------------


def _bug_marks(store: Store, runs: Sequence[Run]) -> dict[str, tuple[str | None, str]]:
    """For each failed run: the known bug it lies in (None: new) and a sentence saying so."""
    if not any(r.failed and r.error is None for r in runs):
        return {}
    from hunter.analysis.triage import bug_of
    from hunter.flow.triage import known_bugs
    from hunter.regions import constraint_words

    bugs = known_bugs(store)
    marks: dict[str, tuple[str | None, str]] = {}
    for run in runs:
        if not run.failed or run.error is not None:
            continue
        bug = bug_of(run, bugs)
        if bug is None:
            marks[run.run_id] = (None, "new: outside every known bug's region")
        else:
            first = bug.first
            marks[run.run_id] = (
                bug.id,
                f"bug {bug.id}: same as hunt {first.hunt_id} {first.region.id}"
                f" ({constraint_words(first.region)})",
            )
    return marks


def _with_bug(data: dict[str, Any], mark: tuple[str | None, str] | None) -> dict[str, Any]:
    if mark is not None:
        data["bug"] = mark[0] or "new"
    return data


def _print_bug_marks(runs: Sequence[Run], marks: dict[str, tuple[str | None, str]]) -> None:
    if not marks:
        return
    same: dict[str, list[str]] = {}
    new = []
    for run in runs:
        if run.run_id not in marks:
            continue
        bug_id = marks[run.run_id][0]
        if bug_id is None:
            new.append(run.run_id)
        else:
            same.setdefault(bug_id, []).append(run.run_id)
    if not same and not new:
        return
    from hunter.cli.render import print_hanging

    parts = [f"{b}: {_some(ids)}" for b, ids in sorted(same.items(), key=lambda kv: int(kv[0][1:]))]
    if parts:
        print_hanging(out, "known bugs: " + "; ".join(parts))
    if new:
        print_hanging(out, "new (outside every known region): " + _some(new, NEW_IDS_SHOWN))


BUG_IDS_SHOWN = 5
"""Run IDs listed per known bug under ``hunter runs`` (``--json`` marks every run)."""
NEW_IDS_SHOWN = 20
"""Run IDs listed as new under ``hunter runs``."""


def _some(ids: Sequence[str], shown: int = BUG_IDS_SHOWN) -> str:
    """The first ``shown`` IDs, then how many more: a store with hundreds of failed runs in
    one bug gives a few lines, not a page."""
    if len(ids) <= shown:
        return " ".join(ids)
    return f"{' '.join(ids[:shown])} and {len(ids) - shown} more"
