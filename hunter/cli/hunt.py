"""``hunter hunt`` and ``hunter report``: hunt around a failed run, then report its regions."""

from __future__ import annotations

import shlex
import textwrap
from pathlib import Path
from typing import Any, Literal, cast

import click
from rich.text import Text

from hunter.cli.app import (
    cli,
    err,
    given_on_command_line,
    json_option,
    open_store,
    out,
    print_common_errors,
    print_json,
    progress,
    store_option,
)
from hunter.cli.sut_limits import (
    COUNT,
    SEED,
    WORKERS,
    cluster_option,
    limit_options,
    limit_overrides,
)
from hunter.errors import InvalidConfig

SHAPING = (
    "seed",
    "sut",
    "map_path",
    "space_path",
    "strategy",
    "model",
    "rewrite_model",
    "task_args",
)
"""Options that shape a hunt's batches: a resumed or continued hunt keeps its own."""


@cli.command()
@click.argument("run_id", required=False)
@click.option("--budget", type=COUNT, help="Simulations at most.  [default: 300]")
@click.option(
    "--seed",
    default=0,
    show_default=True,
    type=SEED,
    help="Seed of every random choice (same seed, same hunt).",
)
@click.option(
    "--workers",
    default=1,
    show_default=True,
    type=WORKERS,
    help="Simulations run in parallel (processes, or threads for model and cmd: SUTs).",
)
@cluster_option
@click.option("--sut", help="Override the SUT recorded with the run.")
@click.option("--map", "map_path", help="Override the coverage map recorded with the run.")
@click.option("--space", "space_path", help="Override the space recorded with the run.")
@click.option("--strategy", help="Use one perturber only (e.g. neighbourhood, optuna).")
@click.option("--model", help="Model for inspect: SUTs (default: the imported log's).")
@click.option(
    "-T",
    "task_args",
    multiple=True,
    metavar="NAME=VALUE",
    help="A fixed argument of the Inspect task for every re-run, as inspect eval -T takes it"
    " (over the one recorded from the origin's log); repeatable.",
)
@click.option(
    "--agent",
    help="Override the built-in world's recorded agent: scripted, scripted:PROFILE.yaml or"
    " anthropic:MODEL.",
)
@click.option(
    "--resume",
    "resume_id",
    metavar="HUNT_ID",
    help="Resume this hunt; with a larger --budget (or --no-early-stop, or a higher"
    " --max-cost) continue a finished one, its simulations kept.",
)
@click.option(
    "--new",
    "new",
    is_flag=True,
    help="Hunt again even when the same hunt has finished or can be resumed.",
)
@click.option("--max-cost", type=click.FloatRange(min=0), help="Stop once models cost this (USD).")
@click.option("--rewrite-model", help="anthropic:MODEL for the llm_rewrite perturber.")
@click.option(
    "--no-early-stop",
    is_flag=True,
    help="Spend the whole budget even once the verdict and the region have settled.",
)
@limit_options(timeout_default=None)
@json_option
@store_option
def hunt(
    run_id: str | None,
    budget: int | None,
    seed: int,
    workers: int,
    cluster: str | None,
    sut: str | None,
    map_path: str | None,
    space_path: str | None,
    strategy: str | None,
    model: str | None,
    task_args: tuple[str, ...],
    agent: str | None,
    resume_id: str | None,
    new: bool,
    max_cost: float | None,
    rewrite_model: str | None,
    no_early_stop: bool,
    limits: dict[str, Any],
    as_json: bool,
    store_dir: str,
) -> None:
    """Hunt around a failed run: fluke or bug, failing regions, labels and proposals.

    The same command again returns the finished hunt's stored result (--new hunts again); with
    a larger --budget after a hunt that spent its budget, it continues that hunt.
    """
    from hunter import api
    from hunter.cli.render import hunt_summary
    from hunter.flow.hunt import continue_hunt
    from hunter.inspect_interop.task_args import parse_task_overrides
    from hunter.records import DEFAULT_BUDGET

    with open_store(store_dir) as store:
        if resume_id is not None:
            given = given_on_command_line(SHAPING)
            if given:
                flag = "--" + given[0].replace("_path", "").replace("_", "-")
                flag = "-T" if given[0] == "task_args" else flag
                raise InvalidConfig(f"--resume keeps the hunt's own settings: drop {flag}")
            if new:
                raise InvalidConfig("--resume and --new contradict each other: choose one")
            record = store.hunt(resume_id)
            if run_id is not None and run_id != record.run_id:
                raise InvalidConfig(f"hunt {resume_id} hunts run {record.run_id}, not {run_id}")
            run_id = record.run_id
            total = budget or record.budget
            with progress(total, f"hunt {run_id}", quiet=as_json) as tick:
                outcome = continue_hunt(
                    store,
                    resume_id,
                    budget=budget,
                    early_stop=False if no_early_stop else None,
                    workers=workers,
                    cluster=cluster,
                    max_cost=max_cost,
                    on_progress=tick.hunt,
                )
        else:
            if run_id is None:
                raise InvalidConfig("give the RUN_ID to hunt, or --resume HUNT_ID")
            with progress(budget or DEFAULT_BUDGET, f"hunt {run_id}", quiet=as_json) as tick:
                outcome = api.hunt(
                    store,
                    run_id,
                    budget=budget,
                    seed=seed,
                    workers=workers,
                    cluster=cluster,
                    sut=sut,
                    map=map_path,
                    space=space_path,
                    agent=agent,
                    strategy=strategy,
                    early_stop=not no_early_stop,
                    new=new,
                    max_cost=max_cost,
                    model=model,
                    task_args=parse_task_overrides(task_args) if task_args else None,
                    rewrite_model=rewrite_model,
                    limits=limit_overrides(limits),
                    on_progress=tick.hunt,
                )
    hid = outcome.hunt_id
    note = None
    if outcome.already_finished and outcome.result.budget != (budget or DEFAULT_BUDGET):
        note = (
            f"hunt {hid} already finished (same run, seed and setup, continued since to a"
            f" budget of {outcome.result.budget}); showing its result; --new to hunt again"
        )
    elif outcome.already_finished:
        note = (
            f"hunt {hid} already finished (same run, seed, budget and setup);"
            " showing its result; --new to hunt again"
        )
    elif outcome.continued_from is not None:
        note = (
            f"continued hunt {hid} from a budget of {outcome.continued_from} to"
            f" {outcome.result.budget}: its {outcome.kept} stored simulations kept"
        )
    elif outcome.resumed:
        note = f"resumed unfinished hunt {hid}: {outcome.kept} stored simulations kept"
    for line in textwrap.wrap(note or "", 80, subsequent_indent="  "):
        (err if as_json else out).print(Text(line))
    if as_json:
        print_json(outcome.result.to_json())
        hunt_summary(err, outcome.result, store=store_dir)
        print_common_errors(outcome.runs, console=err)
    else:
        hunt_summary(out, outcome.result, store=store_dir)
        print_common_errors(outcome.runs)
        where = "" if store_dir == "runs" else f" --store {shlex.quote(store_dir)}"
        out.print(Text(f"report: hunter report {hid} --format html{where}"), soft_wrap=True)


@cli.command()
@click.argument("hunt_id")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["md", "html", "json"]),
    default="md",
    show_default=True,
    help="md and json print to the terminal; html is written to a file (see --out).",
)
@click.option(
    "--out",
    "out_path",
    type=click.Path(dir_okay=False),
    help="Write to this file (html without it: STORE/reports/HUNT_ID.html).",
)
@store_option
def report(hunt_id: str, fmt: str, out_path: str | None, store_dir: str) -> None:
    """Write the region report of a finished hunt."""
    from hunter.flow.gather import build_report

    if out_path and not Path(out_path).resolve().parent.is_dir():
        raise InvalidConfig(f"--out {out_path}: folder {Path(out_path).parent} does not exist")
    with open_store(store_dir, create=False) as store:
        text = build_report(
            store, hunt_id, cast(Literal["md", "html", "json"], fmt), store_name=store_dir
        )
        if out_path is None and fmt == "html":
            # A page of HTML in the terminal helps nobody: it goes beside the store's data.
            folder = (store.folder or Path(store_dir)) / "reports"
            try:
                folder.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise InvalidConfig(
                    f"cannot write the report into {folder} ({exc.strerror or exc}): give --out"
                ) from None
            out_path = str(folder / f"{hunt_id}.html")
    if out_path:
        try:
            Path(out_path).write_text(text, encoding="utf-8")
        except OSError as exc:
            raise InvalidConfig(f"--out {out_path}: cannot write ({exc.strerror or exc})") from None
        err.print(Text(f"wrote {out_path}"), soft_wrap=True)  # a path pastes back whole
    else:
        click.echo(text)
