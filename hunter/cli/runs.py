"""``hunter runs`` and ``hunter show``: stored runs, one at a time or as a list."""

from __future__ import annotations

import click

from hunter.cli.app import (
    cli,
    json_option,
    open_store,
    out,
    print_json,
    store_option,
)


@cli.command()
@click.option("--failed", is_flag=True, help="Only runs that failed.")
@click.option("--campaign", "campaign_id", help="Only runs of this campaign.")
@click.option("--hunt", "hunt_id", help="Only runs of this hunt.")
@click.option("--limit", type=click.IntRange(min=1), help="At most this many (the latest).")
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
    """List stored runs."""
    from hunter.cli.render import runs_renderable

    with open_store(store_dir) as store:
        selected = store.runs(
            failed=True if failed else None, campaign_id=campaign_id, hunt_id=hunt_id
        )
    if limit:
        selected = selected[-limit:]
    if as_json:
        print_json([r.to_json() for r in selected])
    else:
        out.print(runs_renderable(selected))


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
