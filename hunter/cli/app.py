"""The ``hunter`` command group and what every command shares: the store and JSON options,
the two consoles and the live progress bar. Commands live one group per module beside this one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import click

from hunter.cli.safe_console import SafeConsole

if TYPE_CHECKING:
    from hunter.store import Store

F = TypeVar("F", bound=Callable[..., Any])

err = SafeConsole(stderr=True, highlight=False)
out = SafeConsole(highlight=False, soft_wrap=True)


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
    """Strict JSON (no NaN or Infinity), secrets redacted; control characters come out as
    ``\\u`` escapes, so the terminal never sees them."""
    from hunter.text_safety import redact_value, strict_json

    click.echo(strict_json(redact_value(data), indent=2))


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
