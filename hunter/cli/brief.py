"""``hunter brief``: scenarios spread over each region of a hunt, for fixers to train or test on."""

from __future__ import annotations

from pathlib import Path

import click
from rich.text import Text

from hunter.cli.app import cli, err, open_store, store_option
from hunter.cli.sut_limits import SEED
from hunter.errors import InvalidConfig

DEFAULT_N = 20  # hunter.flow.brief.DEFAULT_N; the flow is imported only when the command runs


@cli.command()
@click.argument("hunt_id")
@click.option(
    "--n",
    "n",
    default=DEFAULT_N,
    show_default=True,
    type=click.IntRange(min=1),
    help="Scenarios per region: most inside it, the rest just beyond its sides.",
)
@click.option(
    "--seed",
    default=0,
    show_default=True,
    type=SEED,
    help="Seed of the scenarios drawn (same seed, same brief).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["jsonl", "md"]),
    default="jsonl",
    show_default=True,
    help="jsonl: one JSON scenario a line; md: a Markdown brief for people.",
)
@click.option("--out", "out_path", type=click.Path(dir_okay=False), help="Write to this file.")
@store_option
def brief(hunt_id: str, n: int, seed: int, fmt: str, out_path: str | None, store_dir: str) -> None:
    """Scenarios across each region of a finished hunt and just beyond it, one JSON line each
    (region, inside or not, attributes, the region in words, its checks and an example of the
    checkers' evidence): input for generating training stories or eval samples."""
    from hunter.flow.brief import brief_jsonl, brief_markdown, build_brief

    with open_store(store_dir, create=False) as store:
        made = build_brief(store, hunt_id, n=n, seed=seed)
    text = brief_jsonl(made) if fmt == "jsonl" else brief_markdown(made)
    if out_path is None:
        click.echo(text, nl=False)
        return
    try:
        Path(out_path).write_text(text, encoding="utf-8")
    except OSError as exc:
        raise InvalidConfig(f"cannot write {out_path}: {exc.strerror or exc}") from None
    err.print(
        Text(f"wrote {len(made.items)} scenarios of {len(made.regions)} regions to {out_path}")
    )
