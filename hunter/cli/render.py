"""Human output: tables and summaries rendered with rich, always on stderr when --json is set."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from hunter.domain import Run
from hunter.flow.campaign import CoverageRow
from hunter.records import HuntResult
from hunter.regions import Constraint


def coverage_renderable(rows: Sequence[CoverageRow], limit: int | None = None) -> Table:
    table = Table(title="Coverage", show_lines=False)
    table.add_column("bucket")
    table.add_column("hits", justify="right")
    table.add_column("coverage %", justify="right")
    table.add_column("failure %", justify="right")
    shown = sorted(rows, key=lambda r: (-r.failure_rate, r.coverage))
    for row in shown[:limit] if limit else shown:
        fail = f"{100 * row.failure_rate:.1f}"
        style = "bold red" if row.failure_rate >= 0.2 and row.hits >= 5 else None
        table.add_row(row.label, str(row.hits), f"{100 * row.coverage:.0f}", fail, style=style)
    return table


def runs_renderable(runs: Iterable[Run]) -> Table:
    table = Table(title="Runs")
    for col in ("run", "result", "checks", "origin", "attributes"):
        table.add_column(col)
    for run in runs:
        result = "error" if run.error else ("FAIL" if run.failed else "pass")
        origin = run.campaign_id or run.hunt_id or ""
        attrs = ", ".join(f"{k}={v}" for k, v in run.attributes().items())
        table.add_row(
            run.run_id,
            result,
            Text(", ".join(run.failed_checks) or (run.error or "")[:40]),
            origin,
            Text(attrs[:90]),
            style="red" if run.failed else ("yellow" if run.error else None),
        )
    return table


def hunt_summary(console: Console, result: HuntResult) -> None:
    """The human summary of a hunt: verdict, replay rate, regions with labels and proposals."""
    analysis = result.analysis
    replay = analysis.origin_replay
    lo, hi = replay.ci95
    console.print(
        f"[bold]hunt {result.hunt_id}[/] of run {result.run_id}: "
        f"{result.simulations} simulations, {result.errors} errors"
    )
    if result.usage is not None:
        console.print(
            f"model usage: {result.usage.input_tokens} input and {result.usage.output_tokens}"
            f" output tokens, about ${result.usage.cost_usd:.2f}"
        )
    verdict = analysis.verdict
    colour = {"bug": "red", "fluke": "green", "inconclusive": "yellow"}[verdict]
    console.print(
        f"verdict: [bold {colour}]{verdict}[/]  (origin replays: {replay.failures}/"
        f"{replay.runs} failed, {100 * replay.rate:.0f}% [95% CI {100 * lo:.0f}-"
        f"{100 * hi:.0f}%])"
    )
    if verdict == "fluke" and analysis.fluke_upper_bound is not None:
        console.print(
            f"the origin fails in at most {100 * analysis.fluke_upper_bound:.0f}% of replays (95%)"
        )
    for region in analysis.regions:
        constraints = (
            "; ".join(f"{c.attribute} {_constraint_text(c)}" for c in region.constraints)
            or "(no constraint: the whole neighbourhood)"
        )
        lo, hi = region.inside.ci95
        console.print(
            f"  [bold]{region.id}[/] {constraints}\n"
            f"     fails {100 * region.inside.rate:.0f}% [{100 * lo:.0f}-"
            f"{100 * hi:.0f}%] of {region.inside.runs} inside vs"
            f" {100 * region.outside.rate:.1f}% outside; label [bold]{region.label}[/]"
        )
        proposal = region.proposal
        if proposal:
            console.print(f"     proposal {proposal.id}: {proposal.kind} {dict(proposal.detail)}")


def _constraint_text(c: Constraint) -> str:
    if c.values is not None:
        return "in {" + ", ".join(map(str, c.values)) + "}"
    parts = []
    if c.min is not None:
        parts.append(f">= {c.min:g}")
    if c.max is not None:
        parts.append(f"<= {c.max:g}")
    return " and ".join(parts)


def events_renderable(events: Sequence[Mapping[str, Any]]) -> Table:
    table = Table(title="Events")
    table.add_column("#", justify="right")
    table.add_column("event")
    for i, event in enumerate(events):
        table.add_row(str(event.get("id", i)), Text(str(event.get("text", event))[:160]))
    return table


def show_run(console: Console, run: Run) -> None:
    """A run for a human: header, attributes, verdicts with evidence, then its timeline.

    Everything that came from the SUT is printed as plain text (never as rich markup).
    """
    result = "SUT ERROR" if run.error else ("FAILED" if run.failed else "passed")
    colour = "yellow" if run.error else ("red" if run.failed else "green")
    origin = run.campaign_id or run.hunt_id
    console.print(
        f"[bold]run {run.run_id}[/] [{colour}]{result}[/]  sut {run.sut}  seed {run.seed}"
        f"  from {origin}"
        + (f" (perturbed from {run.parent_run_id} by {run.strategy})" if run.parent_run_id else "")
    )
    if run.error:
        console.print(Text(f"error: {run.error}"))
    attrs = Table(show_header=False, box=None)
    for key, value in run.attributes().items():
        attrs.add_row(key, Text(str(value)))
    console.print(attrs)
    for verdict in run.verdicts:
        mark = "[red]FAIL[/]" if verdict.failed else "[green]ok  [/]"
        console.print(f"{mark} {verdict.check} ({verdict.severity})", end=" ")
        console.print(Text(verdict.evidence if verdict.failed else ""))
    usage = {
        k: run.extra[k] for k in ("input_tokens", "output_tokens", "cost_usd") if k in run.extra
    }
    if usage:
        console.print("usage: " + ", ".join(f"{k}={v}" for k, v in usage.items()))
    if not run.events:
        return
    if run.sut.startswith("builtin:"):
        from hunter.world import render_timeline

        console.print(render_timeline(run.events, run.verdicts))
    else:
        console.print(events_renderable(run.events))


def proposals_renderable(items: Sequence[Any]) -> Table:
    table = Table(title="Proposals")
    for col in ("proposal", "status", "hunt", "region", "kind", "detail"):
        table.add_column(col)
    for p in items:
        table.add_row(
            p.proposal_id, p.status, p.hunt_id, p.region_id, p.kind, Text(_short(p.detail))
        )
    return table


def _short(detail: Mapping[str, Any]) -> str:
    import json

    text = json.dumps(dict(detail), default=str)
    return text if len(text) < 100 else text[:97] + "..."


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
