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
@click.argument("kind", type=click.Choice(["world", "engine", "analysis", "hunt"]))
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
    else:
        from hunter.bench.hunt import bench_hunt

        result = bench_hunt(quick=quick, seeds=seeds, out_dir=out_dir)
        for line in result.get("skipped", {}).values():
            click.echo(line, err=True)  # e.g. PRIM without the bench extra: one line, no traceback
    if as_json:
        print_json(result)
        return
    from hunter.cli.render import bench_renderable

    out.print(bench_renderable(kind, result))
