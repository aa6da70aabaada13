"""``hunter import inspect``: store the samples of Inspect AI logs as runs."""

from __future__ import annotations

import textwrap

import click
from rich.text import Text

from hunter.cli.app import (
    cli,
    json_option,
    open_store,
    out,
    print_json,
    store_option,
)


@cli.group("import")
def import_group() -> None:
    """Import runs from other tools' logs."""


@import_group.command("inspect")
@click.argument("logs", nargs=-1, required=True)
@click.option("--fail-when", help='SCORER OP VALUE, e.g. "harmfulness>=0.5" (default: any I).')
@click.option("--map", "map_path", help="Coverage map the imported runs are judged against.")
@click.option("--space", "space_path", help="Space of the task's attributes.")
@json_option
@store_option
def import_inspect_command(
    logs: tuple[str, ...],
    fail_when: str | None,
    map_path: str | None,
    space_path: str | None,
    as_json: bool,
    store_dir: str,
) -> None:
    """Store each sample of Inspect AI logs as a run (errored samples as SUT errors).

    A LOG that is a folder (an eval set's) stands for the logs in it.
    """
    from hunter.flow.inspect_import import import_inspect

    with open_store(store_dir) as store:
        summary = import_inspect(
            store, list(logs), fail_when=fail_when, map_path=map_path, space_path=space_path
        )
    if as_json:
        print_json(summary.to_json())
        return
    samples = "1 sample" if summary.runs == 1 else f"{summary.runs} samples"
    into = f" into {', '.join(summary.campaign_ids)}" if summary.campaign_ids else ""
    out.print(f"imported {samples} ({summary.errors} errors){into}")
    if summary.skipped:
        note = (
            f"{summary.skipped} already in the store (imported before) or repeated among the"
            " logs: not stored again;"
            " to judge them by another --fail-when, import into a new --store"
        )
        for line in textwrap.wrap(note, 80, subsequent_indent="  "):
            out.print(line)
    for log in summary.unfinished_logs:
        out.print(Text(f"note: {log}"))  # one line: a path pastes back whole; data, not markup
    for warning in summary.warnings:
        for line in textwrap.wrap(f"warning: {warning}", 80, subsequent_indent="  "):
            out.print(Text(line))
    if summary.failed_run_ids:
        out.print("failed runs: " + " ".join(summary.failed_run_ids))
