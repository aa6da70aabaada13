"""The ``hunter`` command group and what every command shares: the store and JSON options,
the two consoles and the live progress bar. Commands live one group per module beside this one.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click
from rich.console import Console

from hunter.cli.safe_console import SafeConsole

if TYPE_CHECKING:
    from hunter.domain import Run
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


def open_store(store_dir: str, *, create: bool = True) -> Store:
    """The store of ``--store``. Commands that write create it when it is missing; commands
    that only read pass ``create=False``: a mistyped folder is then one line and exit 2,
    never a new empty store that reports every ID as unknown."""
    from hunter.store import Store

    return Store(store_dir, create=create)


def no_store_yet(store_dir: str) -> bool:
    """Whether ``--store`` names a folder with no store in it: a listing then lists nothing
    (as of an empty store) without creating one there."""
    from hunter.store import DB_NAME

    return store_dir != ":memory:" and not (Path(store_dir) / DB_NAME).is_file()


def given_on_command_line(names: Iterable[str]) -> list[str]:
    """Which of the current command's parameters (by name) the user typed, defaults aside: an
    option that cannot go with another is refused only when given."""
    context = click.get_current_context()
    source = click.core.ParameterSource.COMMANDLINE
    return [name for name in names if context.get_parameter_source(name) is source]


def print_json(data: Any) -> None:
    """Strict JSON (no NaN or Infinity), secrets redacted; control characters come out as
    ``\\u`` escapes, so the terminal never sees them."""
    from hunter.text_safety import redact_value, strict_json

    click.echo(strict_json(redact_value(data), indent=2))


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
    lines = _distinct([" ".join(message.split()) for message, _ in top])
    for line, (_, count) in zip(lines, top, strict=True):
        # an error message is the SUT's text: never rich markup, cut to one line
        console.print(Text(f"  {count:>4}  {line[:200]}"), no_wrap=True, overflow="ellipsis")


SHARED_HEAD = 24
"""Characters of a long shared beginning kept before the part where error messages differ."""


def _distinct(lines: list[str]) -> list[str]:
    """The lines with a long beginning they all share elided (``head ... rest``), so that
    messages cut to one terminal line still show where they differ ("task failed to build:
    goal 'x' is not ethical" / "... not global")."""
    if len(lines) < 2:
        return lines
    shared = os.path.commonprefix(lines)  # noqa: RUF071 - characters of messages, not paths
    start = shared.rfind(" ") + 1  # back to the start of the word where they part
    if start <= 2 * SHARED_HEAD:
        return lines
    return [f"{line[:SHARED_HEAD].rstrip()} ... {line[start:]}" for line in lines]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--debug", is_flag=True, help="Show tracebacks of internal errors.")
@click.version_option(package_name="hunter")
def cli(debug: bool) -> None:
    """hunter: find out whether a failed agent run is a fluke or a bug, and map its region."""


def progress(total: int, label: str, *, quiet: bool) -> Any:
    """A live bar on stderr with failures, errors and the time left; nothing at all when quiet.

    The first line (label, bar, count, failures, errors, elapsed, ETA) is kept short enough
    for an 80-column terminal, the bar taking what is left; what a hunt is doing and its
    current region go on a second line of their own, cut to the terminal's width, so a long
    region can never push the bar and the count off the screen.
    """
    from contextlib import contextmanager

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
        with _live_bar() as live:
            task = live.add_task(label, total=total, status="", detail="")

            class Tick:
                def __call__(self, failed: bool, error: str | None) -> None:
                    counts["failed"] += bool(failed)
                    counts["errors"] += error is not None
                    live.update(
                        task,
                        advance=1,
                        status=f"{counts['failed']} failed, {counts['errors']} errors",
                    )

                def hunt(self, p: Any) -> None:
                    live.update(
                        task,
                        completed=p.simulations,
                        status=f"{p.failures} failed, {p.errors} errors",
                        detail=f"{p.phase}; region: {p.region}" if p.region else p.phase,
                    )

            yield Tick()

    return bar()


def _live_bar() -> Any:
    """A rich ``Progress`` whose tasks show a second line, ``detail``, below the bar.

    The detail is plain text (attribute values are data, never rich markup), on one line cut
    with an ellipsis at the console's width.
    """
    from rich.console import Group
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        ProgressColumn,
        Task,
        TextColumn,
        TimeElapsedColumn,
    )
    from rich.text import Text

    class Eta(ProgressColumn):
        """``ETA 0:01:02`` to the end of the budget (a hunt may settle sooner)."""

        def render(self, task: Task) -> Text:
            left = task.time_remaining
            if task.finished or left is None:
                return Text("ETA -:--:--", style="progress.remaining")
            minutes, seconds = divmod(int(left), 60)
            hours, minutes = divmod(minutes, 60)
            return Text(f"ETA {hours}:{minutes:02d}:{seconds:02d}", style="progress.remaining")

    class TwoLines(Progress):
        def get_renderables(self) -> Any:
            details = [
                Text("  " + task.fields["detail"], no_wrap=True, overflow="ellipsis")
                for task in self.tasks
                if task.fields.get("detail")
            ]
            yield Group(self.make_tasks_table(self.tasks), *details)

    return TwoLines(
        TextColumn("[bold]{task.description}"),
        BarColumn(bar_width=None),
        MofNCompleteColumn(),
        TextColumn("{task.fields[status]}"),
        TimeElapsedColumn(),
        Eta(),
        console=err,
        transient=True,
        expand=True,
    )
