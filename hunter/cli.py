"""The ``hunter`` command line (contract §3).

Commands call library functions and render their results; they hold no logic of their own.
``main`` is the only place that catches errors: a :class:`HunterError` or a usage error is one
line ``hunter: error: ...`` and exit 2; anything else is a bug, one line and exit 1 (``--debug``
shows the traceback).
"""

from __future__ import annotations

import getpass
import json
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click
from rich.console import Console

from hunter.errors import HunterError, InvalidConfig

F = TypeVar("F", bound=Callable[..., Any])

err = Console(stderr=True, highlight=False)
out = Console(highlight=False, soft_wrap=True)


def store_option(func: F) -> F:
    return click.option(
        "--store",
        "store_dir",
        default="runs",
        show_default=True,
        type=click.Path(file_okay=False),
        help="Folder of the run store.",
    )(func)


def json_option(func: F) -> F:
    return click.option("--json", "as_json", is_flag=True, help="Print JSON on stdout.")(func)


def _open_store(store_dir: str) -> Any:
    from hunter.store import Store

    return Store(store_dir)


def _print_json(data: Any) -> None:
    click.echo(json.dumps(data, indent=2, default=str))


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--debug", is_flag=True, help="Show tracebacks of internal errors.")
@click.version_option(package_name="hunter")
def cli(debug: bool) -> None:
    """hunter: find out whether a failed agent run is a fluke or a bug, and map its region."""


# -- campaign --------------------------------------------------------------------------------


@cli.command()
@click.option("--map", "map_path", required=True, help="Coverage map YAML.")
@click.option("--sut", required=True, help="builtin:ceo, MODULE:FUNC, file.py:FUNC or cmd:CMD.")
@click.option("--space", "space_path", help="Space YAML (default: the SUT's own, else the map).")
@click.option("--n", "n", default=200, show_default=True, type=click.IntRange(min=1))
@click.option("--seed", default=0, show_default=True, type=int)
@click.option("--workers", default=1, show_default=True, type=click.IntRange(min=1))
@click.option("--cluster", help="Dask scheduler address to run simulations on.")
@click.option("--agent", default="scripted", show_default=True, help="scripted or anthropic:MODEL")
@click.option("--judge", help="anthropic:MODEL for an LLM judge beside the rule checkers.")
@click.option("--timeout", default=60.0, show_default=True, help="Seconds per simulation.")
@json_option
@store_option
def campaign(
    map_path: str,
    sut: str,
    space_path: str | None,
    n: int,
    seed: int,
    workers: int,
    cluster: str | None,
    agent: str,
    judge: str | None,
    timeout: float,
    as_json: bool,
    store_dir: str,
) -> None:
    """Simulate N scenarios sampled from the map, under-covered buckets first."""
    from hunter.campaign import campaign_space, run_campaign
    from hunter.console import coverage_renderable
    from hunter.coverage import load_map, load_space
    from hunter.sut import SutOptions, make_sut

    cmap = load_map(map_path)
    adapter = make_sut(sut, SutOptions(agent=agent, judge=judge, timeout=timeout))
    declared = load_space(space_path) if space_path else adapter.space()
    space = campaign_space(cmap, declared)
    with _open_store(store_dir) as store, _progress(n, "campaign", quiet=as_json) as tick:
        result = run_campaign(
            store,
            cmap,
            space,
            adapter,
            n=n,
            seed=seed,
            workers=workers,
            cluster=cluster,
            map_path=str(Path(map_path).resolve()),
            on_run=lambda run: tick(run.failed, run.error),
        )
    if as_json:
        _print_json(result.to_json())
        return
    out.print(coverage_renderable(result.table))
    failed = result.failed_run_ids
    errors = result.to_json()["errors"]
    out.print(
        f"campaign {result.campaign_id}: {len(result.runs)} runs, {len(failed)} failed,"
        f" {errors} errors"
    )
    if failed:
        out.print("failed runs: " + " ".join(failed))


def _progress(total: int, label: str, *, quiet: bool) -> Any:
    """A live bar on stderr with failures and errors; nothing at all when quiet."""
    from contextlib import contextmanager

    from rich.markup import escape
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    @contextmanager
    def bar() -> Any:
        if quiet or not err.is_terminal:

            class Silent:
                def __call__(self, failed: bool, error: str | None) -> None:
                    pass

                def hunt(self, p: Any) -> None:
                    pass

            yield Silent()
            return
        counts = {"failed": 0, "errors": 0}
        with Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[status]}"),
            TimeElapsedColumn(),
            console=err,
            transient=True,
        ) as progress:
            task = progress.add_task(label, total=total, status="")

            class Tick:
                def __call__(self, failed: bool, error: str | None) -> None:
                    counts["failed"] += bool(failed)
                    counts["errors"] += error is not None
                    progress.update(
                        task,
                        advance=1,
                        status=f"{counts['failed']} failed, {counts['errors']} errors",
                    )

                def hunt(self, p: Any) -> None:
                    progress.update(
                        task,
                        completed=p.simulations,
                        status=f"{p.failures} failed, {p.errors} errors, {p.phase}"
                        # attribute values are data, never rich markup
                        + (f"; region: {escape(p.region)}" if p.region else ""),
                    )

            yield Tick()

    return bar()


# -- runs and show ---------------------------------------------------------------------------


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
    from hunter.console import runs_renderable

    with _open_store(store_dir) as store:
        selected = store.runs(
            failed=True if failed else None, campaign_id=campaign_id, hunt_id=hunt_id
        )
    if limit:
        selected = selected[-limit:]
    if as_json:
        _print_json([r.to_json() for r in selected])
    else:
        out.print(runs_renderable(selected))


@cli.command()
@click.argument("run_id")
@json_option
@store_option
def show(run_id: str, as_json: bool, store_dir: str) -> None:
    """Show one run: attributes, verdicts and its timeline."""
    with _open_store(store_dir) as store:
        run = store.run(run_id)
    if as_json:
        _print_json(run.to_json(events=True))
        return
    from hunter.console import show_run

    show_run(out, run)


# -- hunt and report -------------------------------------------------------------------------


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
    from hunter.console import hunt_summary
    from hunter.hunt import HuntSettings, HuntSetup, resolve_setup, run_hunt
    from hunter.models import model_name

    with _open_store(store_dir) as store:
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
            settings = HuntSettings(
                budget=record.budget,
                seed=record.seed,
                workers=workers,
                cluster=cluster,
                strategy=record.config.get("strategy"),
                batch_size=record.config.get("batch", 16),
                max_cost=max_cost,
                rewrite_model=record.config.get("rewrite_model"),
                early_stop=record.config.get("early_stop", True),
            )
            setup = HuntSetup.from_json(record.config)
        else:
            setup = resolve_setup(
                store,
                store.run(run_id),
                sut=sut,
                map_path=map_path,
                space_path=space_path,
                model=model,
            )
        with _progress(settings.budget, f"hunt {run_id}", quiet=as_json) as tick:
            outcome = run_hunt(
                store,
                run_id,
                settings,
                setup,
                on_progress=tick.hunt,
            )
    if as_json:
        _print_json(outcome.result)
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
    from hunter.reporting import build_report

    with _open_store(store_dir) as store:
        text = build_report(store, hunt_id, fmt)
    if out_path:
        Path(out_path).write_text(text, encoding="utf-8")
        err.print(f"wrote {out_path}")
    else:
        click.echo(text)


# -- proposals -------------------------------------------------------------------------------


@cli.group(invoke_without_command=True)
@json_option
@store_option
@click.option("--all", "show_all", is_flag=True, help="Also decided proposals.")
@click.pass_context
def proposals(ctx: click.Context, as_json: bool, store_dir: str, show_all: bool) -> None:
    """List pending map refinements; accept or reject them."""
    if ctx.invoked_subcommand is not None:
        ctx.obj = store_dir
        return
    with _open_store(store_dir) as store:
        items = store.proposals(None if show_all else "pending")
    if as_json:
        _print_json([p.to_json() for p in items])
        return
    from hunter.console import proposals_renderable

    out.print(proposals_renderable(items))


@proposals.command("accept")
@click.argument("proposal_id")
@click.option("--by", "who", default=None, help="Who accepts (default: the current user).")
@click.option("--reason", default=None, help="Why.")
@store_option
@click.pass_context
def accept(
    ctx: click.Context, proposal_id: str, who: str | None, reason: str | None, store_dir: str
) -> None:
    """Accept a proposal: write the map's next version beside the old one."""
    from hunter.refinement import accept_proposal

    store_dir = ctx.obj if store_dir == "runs" and ctx.obj else store_dir
    with _open_store(store_dir) as store:
        path, diff = accept_proposal(store, proposal_id, who or getpass.getuser(), reason)
    out.print(diff, markup=False, highlight=False)
    out.print(f"accepted {proposal_id}: wrote {path}")


@proposals.command("reject")
@click.argument("proposal_id")
@click.option("--by", "who", default=None, help="Who rejects (default: the current user).")
@click.option("--reason", default=None, help="Why.")
@store_option
@click.pass_context
def reject(
    ctx: click.Context, proposal_id: str, who: str | None, reason: str | None, store_dir: str
) -> None:
    """Reject a proposal, recording why."""
    from hunter.refinement import reject_proposal

    store_dir = ctx.obj if store_dir == "runs" and ctx.obj else store_dir
    with _open_store(store_dir) as store:
        reject_proposal(store, proposal_id, who or getpass.getuser(), reason)
    out.print(f"rejected {proposal_id}")


# -- import ----------------------------------------------------------------------------------


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
    """Store each sample of Inspect AI logs as a run (errored samples as SUT errors)."""
    from hunter.importing import import_inspect

    with _open_store(store_dir) as store:
        summary = import_inspect(
            store, list(logs), fail_when=fail_when, map_path=map_path, space_path=space_path
        )
    if as_json:
        _print_json(summary.to_json())
        return
    out.print(
        f"imported {summary.runs} samples ({summary.errors} errors) into "
        f"{', '.join(summary.campaign_ids)}"
    )
    if summary.failed_run_ids:
        out.print("failed runs: " + " ".join(summary.failed_run_ids))


# -- benchmarks ------------------------------------------------------------------------------


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

        result = bench_hunt(quick=quick, seeds=seeds, out_dir=out_dir, log=err)
    if as_json:
        _print_json(result)
        return
    from hunter.console import bench_renderable

    out.print(bench_renderable(kind, result))


# -- entry point -----------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; return the exit code (0 ok, 2 bad input, 1 internal error)."""
    args = sys.argv[1:] if argv is None else argv
    debug = "--debug" in args
    try:
        cli.main(args=args, prog_name="hunter", standalone_mode=False)
    except HunterError as exc:
        _one_line(f"hunter: error: {exc}")
        return 2
    except click.UsageError as exc:
        if type(exc).__name__ == "NoArgsIsHelpError" and exc.ctx is not None:
            click.echo(exc.ctx.get_help(), err=True)
            return 2
        _one_line(f"hunter: error: {exc.format_message()}")
        return 2
    except click.exceptions.Exit as exc:
        return int(exc.exit_code)
    except click.Abort:
        _one_line("hunter: interrupted; everything simulated so far is stored")
        return 130
    except KeyboardInterrupt:
        _one_line("hunter: interrupted; everything simulated so far is stored")
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:
        if debug:
            traceback.print_exc()
        _one_line(
            f"hunter: internal error: {type(exc).__name__}: {exc} (rerun with --debug for details)"
        )
        return 1
    return 0


def _one_line(message: str) -> None:
    sys.stderr.write(" ".join(message.split()) + "\n")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
