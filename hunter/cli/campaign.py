"""``hunter campaign``: simulate scenarios sampled from a coverage map."""

from __future__ import annotations

import textwrap
from typing import Any

import click
from rich.text import Text

from hunter.cli.app import (
    cli,
    json_option,
    open_store,
    out,
    print_common_errors,
    print_json,
    progress,
    store_option,
)
from hunter.cli.sut_limits import COUNT, SEED, WORKERS, apply_limits, cluster_option, limit_options


def _agent(value: str) -> str:
    """``--agent`` checked (a profile file read and validated) and resolved as it is recorded."""
    from hunter.sut.builtin import agent_spec

    return agent_spec(value)


@cli.command()
@click.option(
    "--map",
    "map_path",
    help="Coverage map YAML (default for builtin:ceo: the packaged ai_ceo map; else required).",
)
@click.option("--sut", required=True, help="builtin:ceo, MODULE:FUNC, file.py:FUNC or cmd:CMD.")
@click.option("--space", "space_path", help="Space YAML (default: the SUT's own, else the map).")
@click.option(
    "--n",
    "n",
    default=200,
    show_default=True,
    type=COUNT,
    help="Simulations to run.",
)
@click.option(
    "--seed",
    default=0,
    show_default=True,
    type=SEED,
    help="Seed of every random choice (same seed, same campaign).",
)
@click.option(
    "--workers",
    default=1,
    show_default=True,
    type=WORKERS,
    help="Simulations run in parallel (processes, or threads for model and cmd: SUTs).",
)
@cluster_option
@click.option(
    "--agent",
    default="scripted",
    show_default=True,
    callback=lambda _ctx, _param, value: _agent(value),
    help="builtin:ceo's agent: scripted (the shipped propensity profile), scripted:PROFILE.yaml"
    " (the scripted agent with a profile file of yours, e.g. one misbehaviour removed; recorded by"
    " its absolute path) or anthropic:MODEL.",
)
@click.option("--judge", help="anthropic:MODEL for an LLM judge beside the rule checkers.")
@click.option("--model", help="Model for inspect: SUTs, as inspect eval --model takes it.")
@click.option(
    "--fail-when",
    help='For inspect: SUTs, SCORER OP VALUE, e.g. "rating<4" (default: a score of I fails).',
)
@limit_options(timeout_default=60.0)
@click.option(
    "--wide",
    is_flag=True,
    help="Coverage table with full bucket labels (dimension=cell), wider than 80 columns.",
)
@json_option
@store_option
def campaign(
    map_path: str | None,
    sut: str,
    space_path: str | None,
    n: int,
    seed: int,
    workers: int,
    cluster: str | None,
    agent: str,
    judge: str | None,
    model: str | None,
    fail_when: str | None,
    limits: dict[str, Any],
    wide: bool,
    as_json: bool,
    store_dir: str,
) -> None:
    """Simulate N scenarios sampled from the map, under-covered buckets first."""
    from hunter import api
    from hunter.cli.render import coverage_caption, coverage_renderable
    from hunter.flow.campaign import prior_campaign_runs
    from hunter.records import SutOptions

    options = apply_limits(
        SutOptions(agent=agent, judge=judge, model=model, fail_when=fail_when), limits
    )
    with open_store(store_dir) as store, progress(n, "campaign", quiet=as_json) as tick:
        result = api.campaign(
            store,
            sut,
            map=map_path,
            n=n,
            seed=seed,
            space=space_path,
            workers=workers,
            cluster=cluster,
            options=options,
            on_run=lambda run: tick(run.failed, run.error),
        )
        setup = store.campaign(result.campaign_id).setup
        cmap = setup.coverage_map
        assert cmap is not None  # a campaign always records its map
        version = setup.options.function_version
        counted = [] if as_json else prior_campaign_runs(store, cmap, setup.sut, version=version)
    if as_json:
        print_json(result.to_json())
        return
    out.print(coverage_renderable(result.table, wide=wide))
    caption = coverage_caption(
        setup.sut,
        cmap.name,
        len({r.campaign_id for r in counted}),
        len(counted),
        len(result.runs),
        cmap.goal,
    )
    for line in textwrap.wrap(caption, 80):
        out.print(Text(line, style="dim"))
    failed = result.failed_run_ids
    errors = result.to_json()["errors"]
    out.print(
        f"campaign {result.campaign_id}: {len(result.runs)} runs, {len(failed)} failed,"
        f" {errors} errors"
    )
    if failed:
        out.print("failed runs: " + " ".join(failed))
    print_common_errors(result.runs)
