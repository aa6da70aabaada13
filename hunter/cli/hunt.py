"""``hunter hunt`` and ``hunter report``: hunt around a failed run, then report its regions."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Literal, cast

import click

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
from hunter.errors import InvalidConfig


@cli.command()
@click.argument("run_id")
@click.option("--budget", default=300, show_default=True, type=click.IntRange(min=1))
@click.option("--seed", default=0, show_default=True, type=int)
@click.option("--workers", default=1, show_default=True, type=click.IntRange(min=1))
@click.option("--cluster", help="Dask scheduler address to run simulations on.")
@click.option("--sut", help="Override the SUT recorded with the run.")
@click.option("--map", "map_path", help="Override the coverage map recorded with the run.")
@click.option("--space", "space_path", help="Override the space recorded with the run.")
@click.option("--strategy", help="Use one perturber only (e.g. neighbourhood, optuna).")
@click.option("--model", help="Model for inspect: SUTs (default: the imported log's).")
@click.option("--resume", "resume_id", help="Resume this unfinished hunt.")
@click.option("--max-cost", type=click.FloatRange(min=0), help="Stop once models cost this (USD).")
@click.option("--rewrite-model", help="anthropic:MODEL for the llm_rewrite perturber.")
@click.option(
    "--no-early-stop",
    is_flag=True,
    help="Spend the whole budget even once the verdict and the region have settled.",
)
@json_option
@store_option
def hunt(
    run_id: str,
    budget: int,
    seed: int,
    workers: int,
    cluster: str | None,
    sut: str | None,
    map_path: str | None,
    space_path: str | None,
    strategy: str | None,
    model: str | None,
    resume_id: str | None,
    max_cost: float | None,
    rewrite_model: str | None,
    no_early_stop: bool,
    as_json: bool,
    store_dir: str,
) -> None:
    """Hunt around a failed run: fluke or bug, failing regions, labels and proposals."""
    from hunter.cli.render import hunt_summary
    from hunter.flow.hunt import resolve_setup, run_hunt
    from hunter.models import model_name
    from hunter.records import HuntSettings, HuntSetup

    with open_store(store_dir) as store:
        settings = HuntSettings(
            budget=budget,
            seed=seed,
            workers=workers,
            cluster=cluster,
            strategy=strategy,
            max_cost=max_cost,
            rewrite_model=None
            if rewrite_model is None
            else model_name(rewrite_model, "--rewrite-model"),
            early_stop=not no_early_stop,
        )
        setup: HuntSetup | None = None
        if resume_id is not None:
            record = store.hunt(resume_id)
            if record.status != "running":
                raise InvalidConfig(f"hunt {resume_id} has already finished")
            run_id = record.run_id
            settings = replace(record.settings, workers=workers, cluster=cluster, max_cost=max_cost)
            setup = record.setup
        else:
            setup = resolve_setup(
                store,
                store.run(run_id),
                sut=sut,
                map_path=map_path,
                space_path=space_path,
                model=model,
            )
        with progress(settings.budget, f"hunt {run_id}", quiet=as_json) as tick:
            outcome = run_hunt(
                store,
                run_id,
                settings,
                setup,
                on_progress=tick.hunt,
            )
    if as_json:
        print_json(outcome.result.to_json())
        hunt_summary(err, outcome.result)
    else:
        if outcome.resumed:
            out.print(f"resumed unfinished hunt {outcome.hunt_id}")
        hunt_summary(out, outcome.result)
        out.print(f"report: hunter report {outcome.hunt_id} --format html --out report.html")


@cli.command()
@click.argument("hunt_id")
@click.option("--format", "fmt", type=click.Choice(["md", "html", "json"]), default="md")
@click.option("--out", "out_path", type=click.Path(dir_okay=False), help="Write to this file.")
@store_option
def report(hunt_id: str, fmt: str, out_path: str | None, store_dir: str) -> None:
    """Write the region report of a finished hunt."""
    from hunter.flow.gather import build_report

    with open_store(store_dir) as store:
        text = build_report(store, hunt_id, cast(Literal["md", "html", "json"], fmt))
    if out_path:
        Path(out_path).write_text(text, encoding="utf-8")
        err.print(f"wrote {out_path}")
    else:
        click.echo(text)
