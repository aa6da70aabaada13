"""``hunter runs`` and ``hunter show``: stored runs, one at a time or as a list."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import click
from rich.table import Table
from rich.text import Text

from hunter.cli.app import (
    cli,
    json_option,
    open_store,
    out,
    print_json,
    store_option,
)

if TYPE_CHECKING:
    from hunter.domain import Run


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
    with open_store(store_dir) as store:
        if campaign_id is not None:
            store.campaign(campaign_id)  # an unknown ID is an error, not an empty list
        if hunt_id is not None:
            store.hunt(hunt_id)
        selected = store.runs(
            failed=True if failed else None, campaign_id=campaign_id, hunt_id=hunt_id
        )
    total = len(selected)
    if limit:
        selected = selected[-limit:]
    if as_json:
        print_json([r.to_json() for r in selected])
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
            Text(", ".join(run.failed_checks) or (run.error or ""), **ONE_LINE),
            Text(attrs, **ONE_LINE),
            style="red" if run.failed else ("yellow" if run.error else None),
        )
    return table


@cli.command()
@click.argument("run_id")
@json_option
@store_option
def show(run_id: str, as_json: bool, store_dir: str) -> None:
    """Show one run: attributes, verdicts and its timeline."""
    with open_store(store_dir) as store:
        run = store.run(run_id)
    if as_json:
        print_json(run.to_json(events=True))
        return
    from hunter.cli.render import show_run

    show_run(out, run)
