"""The consoles' last step: text from data can never drive the terminal.

Why here: every line hunter prints (tables, summaries, notes, the live progress bar) goes
through a console's ``_render_buffer``, where each piece of text is still separate from the
styling rich adds. Text there goes through :func:`hunter.text_safety.terminal`, so an escape
sequence or other control character in a check name, evidence, an event, an attribute value or a
model's words is shown (``\\x1b``), never obeyed; rich's own control segments (cursor moves of
the progress bar) pass untouched. Data is printed as ``Text``, never as markup, by the callers.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rich.console import Console
from rich.segment import Segment
from rich.table import Table

from hunter.text_safety import terminal


class SafeConsole(Console):
    """A rich console whose text segments are made safe for the terminal before they are
    written (secrets redacted, control characters visible)."""

    def _render_buffer(self, buffer: Iterable[Segment]) -> str:
        safe = (
            segment
            if segment.control or not segment.text
            else Segment(terminal(segment.text, newlines=True), segment.style, segment.control)
            for segment in buffer
        )
        return super()._render_buffer(safe)

    def print(self, *objects: Any, soft_wrap: bool | None = None, **kwargs: Any) -> None:
        """As rich's, but a table is always laid out without soft wrap: the CLI's console
        soft-wraps text (a path or command pastes back whole), and rich then sizes a table's
        columns a cell past the console's width."""
        if soft_wrap is None and any(isinstance(o, Table) for o in objects):
            soft_wrap = False
        super().print(*objects, soft_wrap=soft_wrap, **kwargs)

    def on_broken_pipe(self) -> None:
        """A reader that closed the pipe (``hunter runs | head``) ends the command quietly.

        rich's default exits with status 1; raising lets the CLI's one error edge
        (:func:`hunter.cli.main`) end with status 0 as for any cut-short output.
        """
        self.quiet = True
        raise BrokenPipeError
