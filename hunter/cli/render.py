"""Human output: tables and summaries rendered with rich, always on stderr when --json is set."""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence
from typing import Any

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from hunter.analysis.report.context import IN_PASSING, proposal_text
from hunter.cli.safe_console import cell, laid_out_visible
from hunter.domain import Run
from hunter.flow.campaign import CoverageRow
from hunter.records import HuntResult
from hunter.regions import Constraint
from hunter.text_safety import visible


def coverage_renderable(
    rows: Sequence[CoverageRow], limit: int | None = None, *, wide: bool = False
) -> Table:
    """The coverage table: one row per bucket, the worst-failing first within each cross.

    By default each cross gets a heading line naming its dimensions and its buckets are shown
    by their cells alone (``profit, [0.0, 0.33)``), so the table keeps to 80 columns; ``wide``
    gives every bucket its full label (``temptation_type=profit, oversight=[0.0, 0.33)``) in
    one list sorted by failure rate.
    """
    table = Table(title="Coverage", show_lines=False, box=box.SIMPLE_HEAD, pad_edge=False)
    table.add_column("bucket", overflow="fold")
    table.add_column("hits", justify="right")
    table.add_column("cover %", justify="right")
    table.add_column("fail %", justify="right")

    def order(row: CoverageRow) -> tuple[float, float]:
        return (-row.failure_rate, row.coverage)

    def add(row: CoverageRow, label: str) -> None:
        style = "bold red" if row.failure_rate >= 0.2 and row.hits >= 5 else None
        # bucket labels are map values: data, never rich markup
        table.add_row(
            Text(label),
            str(row.hits),
            f"{100 * row.coverage:.0f}",
            # no valid run (every one errored, or none yet): a rate of 0 of 0 is no rate
            f"{100 * row.failure_rate:.1f}" if row.valid else "-",
            style=style,
        )

    if wide:
        shown = sorted(rows, key=order)
        for row in shown[:limit] if limit else shown:
            add(row, row.label)
        return table
    crosses: dict[tuple[str, ...], list[CoverageRow]] = {}
    for row in rows:
        crosses.setdefault(tuple(d for d, _ in row.bucket), []).append(row)
    for dims, members in crosses.items():
        table.add_row(Text(" x ".join(dims), style="bold"), end_section=False)
        for row in sorted(members, key=order)[:limit] if limit else sorted(members, key=order):
            add(row, "  " + ", ".join(cell for _, cell in row.bucket))
    return table


def coverage_caption(
    sut: str, map_name: str, campaigns: int, runs: int, this_campaign: int, goal: int
) -> str:
    """What the coverage table's counts cover: hits add up over every campaign of this SUT on
    this map, not just the one that was run."""
    if campaigns <= 1:
        whose = f"hits count this campaign's {runs} runs"
    else:
        whose = (
            f"hits add up all {runs} runs of the {campaigns} campaigns of {sut} on map"
            f" {map_name} (this one: {this_campaign})"
        )
    return (
        f"{whose}, each run once per cross; cover: hits of the goal of {goal} per bucket;"
        " fail: failed runs of those that did not error"
    )


def hunt_summary(console: Console, result: HuntResult, *, store: str | None = None) -> None:
    """The human summary of a hunt: verdict, replay rate, how it stopped (and how to go on),
    regions with labels and proposals, marked provisional when the hunt stopped before its
    answer settled. Everything from data is printed as Text, never as markup; the lines keep
    to 80 columns where the data allows. ``store`` goes into the continue command."""
    from hunter.analysis.report.context import stop_note

    analysis = result.analysis
    replay = analysis.origin_replay
    lo, hi = replay.ci95
    console.print(
        Text.assemble(
            (f"hunt {result.hunt_id}", "bold"),
            f" of run {result.run_id}: {result.simulations} simulations, {result.errors} errors",
        )
    )
    if result.reruns:
        console.print(
            f"  ({result.reruns} of them re-ran the regions' minimal failing scenarios after"
            " the search)"
        )
    if result.usage is not None:
        console.print(
            f"model usage: {result.usage.input_tokens} input and {result.usage.output_tokens}"
            f" output tokens, about ${result.usage.cost_usd:.2f}"
        )
    verdict = analysis.verdict
    colour = {"bug": "red", "fluke": "green", "inconclusive": "yellow"}[verdict]
    console.print(
        Text.assemble(
            "verdict: ",
            (verdict, f"bold {colour}"),
            f"  (origin replays: {replay.failures}/{replay.runs} failed,"
            f" {100 * replay.rate:.0f}% [95% CI {100 * lo:.0f}-{100 * hi:.0f}%])",
        )
    )
    if verdict == "fluke" and analysis.fluke_upper_bound is not None:
        console.print(
            f"the origin fails in at most {100 * analysis.fluke_upper_bound:.0f}% of replays (95%)"
        )
    note = stop_note(result, store)
    for i, line in enumerate(_wrap(f"stopped: {note.sentence}")):
        console.print(Text(line, style="yellow" if note.provisional and i == 0 else ""))
    if note.command is not None:
        # never broken by the console: it must paste back whole
        console.print(Text.assemble("continue with: ", (note.command, "bold")), soft_wrap=True)
    for extra in analysis.notes:
        for line in _wrap(f"note: {extra}"):
            console.print(Text(line))
    for region in analysis.regions:
        constraints = (
            "; ".join(f"{c.attribute} {_constraint_text(c)}" for c in region.constraints)
            or "(no constraint: the whole neighbourhood)"
        )
        tail = " (provisional)" if note.provisional else ""
        # wrapped at words, never mid-word by the console
        lines = textwrap.wrap(
            f"{region.id} {constraints}{tail}",
            WIDTH - 2,
            subsequent_indent="   ",
            break_long_words=False,
            break_on_hyphens=False,
        )
        for i, line in enumerate(lines):
            head = Text("  ")
            if i == 0:
                head.append(region.id, style="bold")
                line = line[len(region.id) :]
            if tail and i == len(lines) - 1 and line.endswith(tail):
                head.append(line[: -len(tail)])
                head.append(tail, style="yellow")
            else:
                head.append(line)
            console.print(head)
        lo, hi = region.inside.ci95
        console.print(
            Text.assemble(
                f"     fails {100 * region.inside.rate:.0f}% [{100 * lo:.0f}-{100 * hi:.0f}%]"
                f" of {region.inside.runs} inside vs {100 * region.outside.rate:.1f}% outside;"
                " label ",
                (region.label, "bold"),
            )
        )
        if not region.contains_origin:
            for line in textwrap.wrap(
                IN_PASSING, WIDTH, initial_indent="     ", subsequent_indent="       "
            ):
                console.print(Text(line, style="dim"))
        check = result.minimal_check(region.id)
        if check is not None:
            console.print(
                f"     minimal failing scenario re-run: failed {check.rate.failures} of"
                f" {check.rate.runs} (command in the report)"
            )
        if region.proposal:
            text = f"proposal {region.proposal.id}: {proposal_text(region)}"
            for line in textwrap.wrap(
                text, WIDTH, initial_indent="     ", subsequent_indent="       "
            ):
                console.print(Text(line))


WIDTH = 80
"""Columns the hunt summary keeps to where it can (users run tmux at 80)."""


def _wrap(line: str) -> list[str]:
    """``line`` in lines of ``WIDTH``, the later ones indented; a long line breaks before its
    parenthesis first."""
    import textwrap

    def fill(text: str, first: str) -> list[str]:
        return textwrap.wrap(
            text,
            WIDTH,
            initial_indent=first,
            subsequent_indent="  ",
            break_long_words=False,
            break_on_hyphens=False,
        )

    if len(line) > WIDTH and " (" in line:
        head, _, tail = line.partition(" (")
        return [*fill(head, ""), *fill("(" + tail, "  ")]
    return fill(line, "")


def _constraint_text(c: Constraint) -> str:
    if c.values is not None:
        return "in {" + ", ".join(map(str, c.values)) + "}"
    parts = []
    if c.min is not None:
        parts.append(f">= {c.min:g}")
    if c.max is not None:
        parts.append(f"<= {c.max:g}")
    return " and ".join(parts)


EVENT_CHARS = 160
"""Characters of an event's text ``hunter show`` prints (``--json`` has it whole)."""


def events_renderable(events: Sequence[Mapping[str, Any]]) -> Table:
    """A SUT's events, one row each, a long text cut at ``EVENT_CHARS`` and marked "..." so a
    reader knows there is more (in ``--json``)."""
    table = Table(title="Events")
    table.add_column("#", justify="right")
    table.add_column("event")
    for i, event in enumerate(events):
        text = str(event.get("text", event))
        if len(text) > EVENT_CHARS:
            text = text[: EVENT_CHARS - 3] + "..."
        table.add_row(str(event.get("id", i)), cell(text))
    return table


INSPECT_INPUTS = (
    ("inspect task arguments (fixed)", "inspect_task_args"),
    ("inspect sample metadata (not passed back)", "inspect_metadata"),
)
"""The two inputs of an Inspect sample that are not scenario attributes (contract §7)."""


def show_run(console: Console, run: Run) -> None:
    """A run for a human: header, attributes, verdicts with evidence, then its timeline.

    Everything that came from the SUT is printed as plain text (never as rich markup).
    """
    result = "SUT ERROR" if run.error else ("FAILED" if run.failed else "passed")
    colour = "yellow" if run.error else ("red" if run.failed else "green")
    origin = run.campaign_id or run.hunt_id
    console.print(
        Text.assemble(
            (f"run {run.run_id}", "bold"),
            " ",
            (result, colour),
            f"  sut {run.sut}  seed {run.seed}  from {origin}",
            f" (perturbed from {run.parent_run_id} by {run.strategy})" if run.parent_run_id else "",
        ),
        soft_wrap=False,  # wrapped at the console's width (a long SUT name)
    )
    if run.error:
        for line in _hanging(console, f"error: {run.error}", 7):
            console.print(Text(line))
    attrs = Table(show_header=False, box=None)
    for key, value in run.attributes().items():
        attrs.add_row(key, cell(value))
    console.print(attrs)
    for verdict in run.verdicts:
        # severity and evidence belong to a failure: "ok check (high)" reads as an alarm
        mark, colour = ("FAIL", "red") if verdict.failed else ("ok  ", "green")
        said = f" ({verdict.severity}) {verdict.evidence}".rstrip() if verdict.failed else ""
        lines = _hanging(console, f"{mark} {verdict.check}{said}", 5)
        console.print(Text.assemble((mark, colour), lines[0][len(mark) :]))
        for line in lines[1:]:
            console.print(Text(line))
    usage = {
        k: run.extra[k] for k in ("input_tokens", "output_tokens", "cost_usd") if k in run.extra
    }
    if usage:
        console.print(Text("usage: " + ", ".join(f"{k}={v}" for k, v in usage.items())))
    for label, key in INSPECT_INPUTS:
        if run.extra.get(key):
            pairs = ", ".join(f"{k}={v!r}" for k, v in dict(run.extra[key]).items())
            for line in _hanging(console, f"{label}: {pairs}", 2, max_lines=SHOWN_INPUT_LINES):
                console.print(Text(line))
    if not run.events:
        return
    if run.sut.startswith("builtin:"):
        from hunter.world import render_timeline

        console.print(render_timeline(run.events, run.verdicts, console.width))
    else:
        console.print(events_renderable(run.events))


SHOWN_INPUT_LINES = 4
"""Lines an Inspect sample's fixed arguments or metadata take in ``hunter show`` (``--json``
has them whole): a dataset's metadata can run to pages."""


def print_hanging(console: Console, text: str, indent: int = 2, style: str = "") -> None:
    """``text`` as plain Text wrapped to the console's width, later lines indented by
    ``indent``: a sentence that names regions or IDs stays readable at 80 columns."""
    for line in _hanging(console, text, indent):
        console.print(Text(line, style=style))


def _hanging(console: Console, text: str, indent: int, max_lines: int | None = None) -> list[str]:
    """``text`` wrapped to the console's width, every line after the first indented by
    ``indent`` (rich wraps without a hanging indent); cut with "..." past ``max_lines``.
    Control characters are wrapped as they will show (``\\x1b``, four cells)."""
    text = "".join(map(visible, text))
    lines = textwrap.wrap(
        text,
        max(console.width, 40),
        subsequent_indent=" " * indent,
        break_on_hyphens=False,
        max_lines=max_lines,
        placeholder=" ...",
    )
    return lines or [text]


def proposals_renderable(items: Sequence[Any], notes: Mapping[str, str] | None = None) -> Table:
    """One row per proposal: what it changes in words, its map, who proposed it, its state.

    ``notes`` (by proposal ID) says why a pending proposal no longer applies to its map's
    newest version. Everything from the store is plain Text, never markup.
    """
    from pathlib import Path

    notes = notes or {}

    def map_name(p: Any) -> str:  # the lineage's first file: one name for all its versions
        return Path(p.lineage).name if p.lineage else "(no map)"

    maps = {map_name(p) for p in items}
    one_map = len(maps) == 1
    table = Table(title=Text(f"Proposals for {next(iter(maps))}" if one_map else "Proposals"))
    table.add_column("proposal", no_wrap=True)
    # no min_width: rich re-applies it after fitting the columns, and the table then runs past
    # the console (its right border cut at 80 columns); wrapping columns share the width
    table.add_column("change", overflow="fold")
    if not one_map:
        table.add_column("map")
    table.add_column("supported by", overflow="fold")
    table.add_column("state", overflow="fold")
    for p in items:
        supporters = ", ".join(f"{h} {r}" for h, r in p.supporters)
        if p.status == "accepted":
            into = Path(p.new_map_path).name if p.new_map_path else "a new version"
            state = Text(f"accepted into {into}", style="green")
        elif p.status == "rejected":
            state = Text("rejected" + (f": {p.reason}" if p.reason else ""), style="red")
        elif p.status == "withdrawn":
            state = Text(f"withdrawn: {p.reason}" if p.reason else "withdrawn", style="dim")
        elif p.proposal_id in notes:
            state = Text(f"pending, {notes[p.proposal_id]}", style="yellow")
        else:
            state = Text(p.status)
        row = [Text(p.proposal_id), cell(_short(p))]
        if not one_map:
            row.append(Text(map_name(p)))
        table.add_row(*row, cell(supporters), laid_out_visible(state))
    return table


def _short(p: Any) -> str:
    """The proposal in words (``analysis.proposal_words``)."""
    from hunter.analysis.proposal_words import proposal_words

    return proposal_words(p.kind, p.detail)


def bench_renderable(kind: str, result: Mapping[str, Any]) -> Any:
    """A benchmark's figures as a table (the hunt benchmark brings its own summary table)."""
    if kind == "hunt":
        from rich.markdown import Markdown

        from hunter.bench.hunt import table_text

        return Markdown(table_text(dict(result)))
    table = Table(title=f"hunter bench {kind}")
    table.add_column("figure")
    table.add_column("value", justify="right")
    for key, value in result.items():
        if isinstance(value, int | float | str):
            table.add_row(key, f"{value:g}" if isinstance(value, float) else str(value))
    return table
