"""``hunter bench``: the reproducible benchmarks of contract section 5."""

from __future__ import annotations

from typing import Any

import click

from hunter.cli.app import (
    cli,
    json_option,
    out,
    print_json,
    store_option,
)


@cli.command()
@click.argument("kind", type=click.Choice(["world", "engine", "analysis", "hunt", "triage"]))
@click.option("--quick", is_flag=True, help="A smaller run (under 10 minutes on 2 cores).")
@click.option("--seeds", type=click.IntRange(min=1), help="Seeds per landscape (hunt).")
@click.option("--out", "out_dir", type=click.Path(file_okay=False), help="Folder for CSV/plots.")
@json_option
@store_option
def bench(
    kind: str, quick: bool, seeds: int | None, out_dir: str | None, as_json: bool, store_dir: str
) -> None:
    """Reproducible benchmarks (contract section 5): a table, or JSON with --json."""
    result: dict[str, Any]
    if kind == "world":
        from hunter.bench.world import bench_world

        result = bench_world(runs=500 if quick else 2000)
    elif kind == "engine":
        from hunter.bench.engine import bench_engine

        result = bench_engine(quick=quick)
    elif kind == "analysis":
        from hunter.bench.analysis import bench_analysis

        result = bench_analysis(observations=100_000)
    elif kind == "triage":
        from hunter.bench.triage import bench_triage

        result = bench_triage(quick=quick, seeds=seeds)
    else:
        from hunter.bench.hunt import bench_hunt

        result = bench_hunt(quick=quick, seeds=seeds, out_dir=out_dir)
        for line in result.get("skipped", {}).values():
            click.echo(line, err=True)  # e.g. PRIM without the bench extra: one line, no traceback
    if as_json:
        print_json(result)
        return
    if kind == "triage":
        _print_triage(result)
        return
    from hunter.cli.render import bench_renderable

    out.print(bench_renderable(kind, result))


def _print_triage(result: dict[str, Any]) -> None:
    """``hunter bench triage`` in 80 columns: one line per campaign, its region F1 per planted
    bug under it, then the totals."""
    import textwrap

    from rich.text import Text

    head = f"{'landscape':<20}{'seed':>5}{'fail':>6}{'plant':>6}{'found':>6}{'bugs':>5}"
    head += f"{'flukes':>8}{'sims':>7}{'1-by-1':>8}"
    lines = ["hunter bench triage", head]
    for r in result["rows"]:
        flukes = f"{r['flukes_called']}/{r['background_failures']}"
        lines.append(
            f"{r['landscape'][:19]:<20}{r['seed']:>5}{r['failures']:>6}"
            f"{r['planted_with_failures']:>6}{r['found']:>6}{r['bugs_reported']:>5}{flukes:>8}"
            f"{r['simulations']:>7}{r['one_by_one']:>8}"
        )
        f1 = ", ".join(f"{k} {v:.2f}" for k, v in r["f1"].items()) or "none matched"
        lines += textwrap.wrap(f"region F1: {f1}", 80, initial_indent="    ",
                               subsequent_indent="      ")  # fmt: skip
    summary = (
        f"recall {result['recall']}, precision {result['precision']}, flukes called"
        f" {result['flukes_called']} of {result['background_failures']} background failures"
        f" ({result['planted_called_fluke']} planted failures called flukes); simulations"
        f" {result['simulations']} against {result['one_by_one']} one by one"
        f" (ratio {result['ratio']}); {result['seeds']} seeds, {result['campaign_runs']}-run"
        f" campaigns, {result['hunt_budget']} per hunt"
    )
    lines += textwrap.wrap(summary, 80)
    for line in lines:
        out.print(Text(line))
