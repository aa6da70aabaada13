"""The ``hunter`` command line (contract §3).

Commands call library functions and render their results; they hold no logic of their own.
``main`` is the only place that catches errors: a :class:`HunterError` or a usage error is one
line ``hunter: error: ...`` and exit 2; anything else is a bug, one line and exit 1 (``--debug``
shows the traceback).
"""

from __future__ import annotations

import os
import sqlite3
import sys
import traceback

import click

from hunter.cli import (  # noqa: F401 - registers the commands
    bench,
    brief,
    campaign,
    hunt,
    hunts,
    imports,
    one_run,
    proposals,
    recheck,
    runs,
)
from hunter.cli import triage as _triage  # noqa: F401 - registers
from hunter.cli.app import cli
from hunter.errors import HunterError

__all__ = ["cli", "main"]


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; return the exit code (0 ok, 2 bad input, 1 internal error)."""
    args = sys.argv[1:] if argv is None else argv
    debug = "--debug" in args
    try:
        # make_context + invoke is click's main without its own error handling: click would
        # turn a closed pipe into a silent exit 1, and every error here has one edge.
        with cli.make_context("hunter", list(args)) as ctx:
            cli.invoke(ctx)
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
    except sqlite3.DatabaseError as exc:
        # Damage the store's open-time check could not see (a corrupt page, a dropped table)
        # surfaces at the first query that reads it: the store is the bad input, not hunter.
        if debug:
            traceback.print_exc()
        if "locked" in str(exc):  # busy, not damaged: another process holds a long write
            _one_line(f"hunter: error: the run store is busy ({exc}); try again in a moment")
        else:
            _one_line(
                f"hunter: error: the run store cannot be read ({exc}); it is damaged or was"
                " changed outside hunter: restore it from a copy, or give another --store"
            )
        return 2
    except BrokenPipeError:
        # The reader closed the pipe (`hunter runs | head`): the output was cut short on
        # purpose. Point stdout at /dev/null so the interpreter's last flush stays quiet too.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
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
    from hunter.text_safety import terminal  # a message may quote a SUT's or a file's text

    sys.stderr.write(" ".join(terminal(message).split()) + "\n")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
