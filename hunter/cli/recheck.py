"""``hunter recheck``: is each region of a hunt fixed, partly fixed or still failing after a fix?"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import click
from rich.console import Console
from rich.text import Text

from hunter.cli.app import (
    cli,
    err,
    json_option,
    open_store,
    out,
    print_json,
    progress,
    store_option,
)
from hunter.cli.sut_limits import SEED, WORKERS, cluster_option
from hunter.domain import Run
from hunter.errors import InvalidConfig
from hunter.regions import Rate

if TYPE_CHECKING:  # the flow and the analysis are imported only when the command runs
    from hunter.analysis.recheck import RegionRecheck
    from hunter.flow.recheck import HuntRecheck

DEFAULT_BUDGET = 300  # hunter.flow.recheck.DEFAULT_BUDGET

COLOURS = {
    "fixed": "bold green",
    "partly fixed": "bold yellow",
    "still failing": "bold red",
    "inconclusive": "bold yellow",
}


@cli.command()
@click.argument("hunt_id", required=False)
@click.option("--all", "all_hunts", is_flag=True, help="Every region of every finished hunt.")
@click.option(
    "--agent",
    help="builtin:ceo's agent to recheck with (default: the hunt's): scripted,"
    " scripted:PROFILE.yaml or anthropic:MODEL.",
)
@click.option("--sut", help="Override the SUT recorded with the hunt.")
@click.option(
    "--budget",
    default=DEFAULT_BUDGET,
    show_default=True,
    type=click.IntRange(min=1),
    help="Simulations per hunt, shared by its regions: half inside each, half just beyond it.",
)
@click.option(
    "--seed",
    default=0,
    show_default=True,
    type=SEED,
    help="Seed of every random choice (same seed, same recheck).",
)
@click.option(
    "--workers",
    default=1,
    show_default=True,
    type=WORKERS,
    help="Simulations run in parallel (processes, or threads for model and cmd: SUTs).",
)
@cluster_option
@json_option
@store_option
def recheck(
    hunt_id: str | None,
    all_hunts: bool,
    agent: str | None,
    sut: str | None,
    budget: int,
    seed: int,
    workers: int,
    cluster: str | None,
    as_json: bool,
    store_dir: str,
) -> None:
    """Recheck a hunt's regions after a fix: fixed, partly fixed or still failing.

    Simulates scenarios all over each region (every attribute it does not name at random) and
    just beyond each of its sides, and compares the failure rate with the hunt's (Fisher's exact
    test) and the sides and parts of the region with the background. Runs are stored as a
    campaign of kind recheck, the verdicts with them. With --all: every region of every finished
    hunt in the store, a regression suite of everything found.
    """
    from hunter.flow.recheck import recheck_all, recheck_hunt, rechecked_hunts, summary

    if all_hunts == (hunt_id is not None):
        raise InvalidConfig("give a HUNT_ID or --all (not both)")
    with open_store(store_dir) as store:
        count = len(rechecked_hunts(store)) if all_hunts else 1
        with progress(budget * count, "recheck", quiet=as_json) as tick:

            def on_run(run: Run) -> None:
                tick(run.failed, run.error)

            options: dict[str, Any] = {  # the same options for one hunt or all of them
                "sut": sut,
                "agent": agent,
                "budget": budget,
                "seed": seed,
                "workers": workers,
                "cluster": cluster,
                "on_run": on_run,
            }
            if all_hunts:
                results = recheck_all(store, **options)
            else:
                assert hunt_id is not None
                results = [recheck_hunt(store, hunt_id, **options)]
    if as_json:
        if all_hunts:
            print_json({"hunts": [r.to_json() for r in results], "summary": summary(results)})
        else:
            print_json(results[0].to_json())
        console = err
    else:
        console = out
    for result in results:
        render_recheck(console, result)
    if all_hunts:
        render_summary(console, results, summary(results))


def render_recheck(console: Console, result: HuntRecheck) -> None:
    """One hunt's recheck for a human; every value from the store or the SUT is plain text.

    A hunt with no region has nothing to recheck and nothing was stored (no recheck ID): one
    line says so, with the hunt's verdict.
    """
    of_hunt = f" of hunt {result.hunt_id} (run {result.run_id}): "
    if result.recheck_id is None and not result.rechecks:
        console.print(
            Text.assemble(("recheck", "bold"), of_hunt, result.note or "nothing rechecked")
        )
        return
    head = Text.assemble(
        ("recheck", "bold"),
        f" {result.recheck_id}{of_hunt}",
        f"{result.simulations} simulations",
        f" in campaign {result.campaign_id}" if result.campaign_id else "",
        f", {result.errors} errors",
    )
    console.print(head)
    agent = f", agent {result.agent}" if result.agent else ""
    console.print(Text(f"  sut {result.sut}{agent}"))
    if result.note:
        console.print(Text(f"  {result.note}"))
    for region in result.rechecks:
        render_region(console, region)


def render_region(console: Console, region: RegionRecheck) -> None:
    from hunter.analysis.recheck import box_text

    middle = f" {box_text(region.box)}  [{', '.join(region.checks)}]  "
    if 2 + len(region.region_id) + len(middle) + len(region.verdict) > WIDTH:
        # A box of several constraints: the heading wraps at WIDTH too, the verdict last.
        # The verdict is one word to the wrapper (a no-break space inside "still failing"):
        # split across lines, its first word would be printed twice.
        verdict = region.verdict.replace(" ", "\u00a0")
        lines = textwrap.wrap(
            f"{region.region_id}{middle}{verdict}",
            WIDTH,
            initial_indent="  ",
            subsequent_indent="     ",
            break_long_words=False,
        )
        for line in lines[:-1]:
            console.print(Text(line))
        last = lines[-1].removesuffix(verdict)
        console.print(Text.assemble(last, (region.verdict, COLOURS[region.verdict])))
    else:
        console.print(
            Text.assemble(
                "  ", (region.region_id, "bold"), middle, (region.verdict, COLOURS[region.verdict])
            )
        )
    _print_wrapped(console, region.reason)  # why this verdict: what to do when inconclusive
    _print_wrapped(
        console,
        f"inside: now {_rate(region.inside)} (at most {_pct(region.upper)}),"
        f" in the hunt {_rate(region.before)} (drop p = {region.p_drop:.2g})",
    )
    if region.sides:
        shown = ", ".join(
            f"{box_text([s.piece.broken])} {s.rate.failures}/{s.rate.runs}"
            + (" STILL FAILING" if s.still_failing else "")
            for s in region.sides
        )
        _print_wrapped(console, f"just beyond: {shown}")
    for judged in region.still_failing:
        where = {"inside": "the region", "side": "just beyond", "cell": "part"}[judged.piece.kind]
        _print_wrapped(
            console,
            f"still failing ({where}): {judged.piece.label} {_rate(judged.rate)}"
            f" (background {_pct(region.background.rate)}, p = {judged.p_value:.2g})",
            style="red",
        )


WIDTH = 80
"""Columns the recheck keeps to (users run tmux at 80)."""


def _print_wrapped(console: Console, text: str, style: str = "") -> None:
    """One detail line of a region, wrapped to ``WIDTH`` under its indent, as plain text."""
    for line in textwrap.wrap(
        text, WIDTH, initial_indent="     ", subsequent_indent="       ", break_long_words=False
    ):
        console.print(Text(line, style=style))


def render_summary(
    console: Console, results: Sequence[HuntRecheck], counts: dict[str, int]
) -> None:
    regions = sum(counts.values())
    parts = ", ".join(f"{n} {verdict}" for verdict, n in counts.items())
    hunts = f"{len(results)} hunt{'s' * (len(results) != 1)}"
    regions_text = f"{regions} region{'s' * (regions != 1)}"
    for line in textwrap.wrap(
        f"regression suite: {hunts}, {regions_text}: {parts}", WIDTH, subsequent_indent="  "
    ):
        console.print(Text(line))


def _pct(x: float) -> str:
    return f"{100 * x:.1f}%" if x < 0.1 else f"{100 * x:.0f}%"


def _rate(r: Rate) -> str:
    lo, hi = r.ci95
    return f"fails {_pct(r.rate)} [{_pct(lo).rstrip('%')}-{_pct(hi)}] of {r.runs}"
