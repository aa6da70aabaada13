"""``hunter run``: simulate one scenario, store it, and print it as ``hunter show`` does.

It reproduces a scenario by hand (the minimal failing scenario of a report, a run of a
colleague's) with the attributes and seed given; attributes left out are drawn from the seed.
"""

from __future__ import annotations

import json
import shlex
from typing import Any

import click
from rich.text import Text

from hunter.cli.app import (
    cli,
    given_on_command_line,
    json_option,
    open_store,
    out,
    print_json,
    store_option,
)
from hunter.cli.sut_limits import SEED, apply_limits, limit_options


def parse_attributes(
    _ctx: click.Context | None, _param: click.Parameter | None, values: tuple[str, ...]
) -> dict[str, Any]:
    """``k=v,k=v`` (or a JSON object, for values with commas), each occurrence merged.

    Values stay text here; the API reads them as the space declares (``0.3`` a number).

    Raises:
        click.BadParameter: for a pair without ``=``, an empty name or a name given twice.
    """
    merged: dict[str, Any] = {}
    for text in values:
        pairs: list[tuple[str, Any]]
        if text.lstrip().startswith("{"):
            try:
                raw = json.loads(text)
            except json.JSONDecodeError as exc:
                raise click.BadParameter(f"not a JSON object: {exc.msg}") from None
            if not isinstance(raw, dict):
                raise click.BadParameter("a JSON value must be an object of attributes")
            pairs = list(raw.items())
        else:
            pairs = []
            for item in filter(None, (p.strip() for p in text.split(","))):
                name, sep, value = item.partition("=")
                if not sep or not name.strip():
                    raise click.BadParameter(f"{item!r} is not NAME=VALUE")
                pairs.append((name.strip(), value.strip()))
        for name, value in pairs:
            if name in merged:
                raise click.BadParameter(f"attribute {name!r} is given twice")
            merged[name] = value
    return merged


LIKE_EXCLUDES = ("sut", "map_path", "space_path", "agent", "judge", "model", "fail_when")
"""Options ``--like`` takes from the stored run instead."""


@cli.command("run")
@click.option("--sut", help="builtin:ceo, MODULE:FUNC, file.py:FUNC or cmd:CMD.")
@click.option(
    "--like",
    "like",
    metavar="RUN_ID",
    help="Simulate as this stored run was simulated: its SUT with every option (an Inspect"
    " task's model, fixed arguments, model roles, rule), map and space; instead of --sut.",
)
@click.option(
    "--attributes",
    "attributes",
    multiple=True,
    callback=parse_attributes,
    metavar="NAME=VALUE,...",
    help="The scenario's attributes, comma-separated (or a JSON object); may repeat. Those left"
    " out are drawn at random from --seed.",
)
@click.option(
    "--seed",
    default=0,
    show_default=True,
    type=SEED,
    help="The simulation's seed (a run's seed reproduces that run).",
)
@click.option(
    "--map",
    "map_path",
    help="Coverage map YAML whose dimensions the attributes may name (default for builtin:ceo:"
    " the packaged ai_ceo map).",
)
@click.option("--space", "space_path", help="Space YAML (default: the SUT's own, else the map's).")
@click.option(
    "--agent",
    default="scripted",
    show_default=True,
    help="builtin:ceo's agent: scripted, scripted:PROFILE.yaml or anthropic:MODEL.",
)
@click.option("--judge", help="anthropic:MODEL for an LLM judge beside the rule checkers.")
@click.option("--model", help="Model for inspect: SUTs, as inspect eval --model takes it.")
@click.option(
    "--fail-when",
    help='For inspect: SUTs, SCORER OP VALUE, e.g. "rating<4" (default: a score of I fails).',
)
@limit_options(timeout_default=60.0)
@json_option
@store_option
def one_run(
    sut: str | None,
    like: str | None,
    attributes: dict[str, Any],
    seed: int,
    map_path: str | None,
    space_path: str | None,
    agent: str,
    judge: str | None,
    model: str | None,
    fail_when: str | None,
    limits: dict[str, Any],
    as_json: bool,
    store_dir: str,
) -> None:
    """Simulate one scenario, store it as a run and show it (hunt it like any failed run)."""
    from hunter.api import rerun, run
    from hunter.errors import InvalidConfig
    from hunter.records import SutOptions

    if like is not None:
        given = [f"--{name.removesuffix('_path')}" for name in given_on_command_line(LIKE_EXCLUDES)]
        if given:
            raise InvalidConfig(f"--like takes the SUT and its options from run {like}: leave out"
                                f" {', '.join(given)}")  # fmt: skip
    elif sut is None:
        raise InvalidConfig("Missing option '--sut' (or --like RUN_ID: as a stored run was)")
    options = apply_limits(
        SutOptions(agent=agent, judge=judge, model=model, fail_when=fail_when), limits
    )
    with open_store(store_dir) as store:
        if like is not None:
            stored = rerun(store, like, attributes, seed=seed)
        else:
            assert sut is not None
            stored = run(
                store,
                sut,
                attributes,
                seed=seed,
                map=map_path,
                space=space_path,
                options=options,
            )
    if as_json:
        print_json(stored.to_json(events=True))
        return
    from hunter.cli.render import show_run

    show_run(out, stored)
    if stored.failed:
        where = "" if store_dir == "runs" else f" --store {shlex.quote(store_dir)}"
        out.print(Text(f"hunt it: hunter hunt {stored.run_id}{where}"), soft_wrap=True)
