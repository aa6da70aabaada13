"""The ``hunter`` command group and what every command shares: the store and JSON options,
the two consoles and the live progress bar. Commands live one group per module beside this one.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, TypeVar

import click
from rich.console import Console

if TYPE_CHECKING:
    from hunter.domain import Run
    from hunter.store import Store

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


def open_store(store_dir: str) -> Store:
    from hunter.store import Store

    return Store(store_dir)


def print_json(data: Any) -> None:
    click.echo(json.dumps(data, indent=2, default=str))


def print_common_errors(runs: Iterable[Run], *, console: Console | None = None) -> None:
    """The most frequent SUT error messages of ``runs`` with their counts, so a campaign or
    hunt whose runs error says why without a trip to ``hunter runs`` (nothing if none)."""
    from rich.text import Text

    from hunter.api import common_errors

    runs = list(runs)
    top = common_errors(runs)
    if not top:
        return
    console = console or out
    total = sum(r.error is not None for r in runs)
    console.print(f"most frequent errors (of {total}):")
    for message, count in top:
        # an error message is the SUT's text: never rich markup, cut to one line
        line = " ".join(message.split())
        console.print(Text(f"  {count:>4}  {line[:200]}"), no_wrap=True, overflow="ellipsis")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--debug", is_flag=True, help="Show tracebacks of internal errors.")
@click.version_option(package_name="hunter")
def cli(debug: bool) -> None:
    """hunter: find out whether a failed agent run is a fluke or a bug, and map its region."""


def progress(total: int, label: str, *, quiet: bool) -> Any:
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
