"""The consoles' last step: text from data can never drive the terminal.

Why here: every line hunter prints (tables, summaries, notes, the live progress bar) goes
through a console's ``_render_buffer``, where each piece of text is still separate from the
styling rich adds. Text there goes through :func:`hunter.text_safety.terminal`, so an escape
sequence or other control character in a check name, evidence, an event, an attribute value or a
model's words is shown (``\\x1b``), never obeyed; rich's own control segments (cursor moves of
the progress bar) pass untouched. Data is printed as ``Text``, never as markup, by the callers.

That last pass comes after layout, when a ``\\x1b`` (four cells) replaces a character rich
counted as none: the lines and cells printed are made visible before layout instead
(:meth:`SafeConsole.print`, :func:`cell`), so hostile text cannot widen a row either.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rich.console import Console
from rich.segment import Segment
from rich.table import Table
from rich.text import Span, Text

from hunter.text_safety import is_control, terminal, visible


def cell(value: object, **kwargs: Any) -> Text:
    """Untrusted data as a table cell: its control characters are made visible (``\\x1b``,
    four cells wide) before rich lays the table out, so a row holding one keeps its width (and
    a bell or backspace, which rich would drop, shows). Never markup."""
    return Text(terminal(value), **kwargs)


def laid_out_visible(text: Text) -> Text:
    """``text`` with its control characters made visible before layout, styles kept on the
    same characters (newlines and tabs stay: they lay out as themselves)."""
    plain = text.plain
    if not any(is_control(ch) and ch not in "\n\t" for ch in plain):
        return text
    starts = [0]
    parts = []
    for ch in plain:
        part = ch if ch in "\n\t" else visible(ch)
        parts.append(part)
        starts.append(starts[-1] + len(part))
    return Text(
        "".join(parts),
        style=text.style,
        justify=text.justify,
        overflow=text.overflow,
        no_wrap=text.no_wrap,
        end=text.end,
        spans=[Span(starts[s.start], starts[s.end], s.style) for s in text.spans],
    )


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
        # Text and strings are made visible before layout, so lines keep to the width rich
        # gave them (``_render_buffer`` makes whatever is left, inside tables, visible after).
        shown = [
            laid_out_visible(o)
            if isinstance(o, Text)
            else "".join(map(visible, o))
            if isinstance(o, str)
            else o
            for o in objects
        ]
        super().print(*shown, soft_wrap=soft_wrap, **kwargs)

    def on_broken_pipe(self) -> None:
        """A reader that closed the pipe (``hunter runs | head``) ends the command quietly.

        rich's default exits with status 1; raising lets the CLI's one error edge
        (:func:`hunter.cli.main`) end with status 0 as for any cut-short output.
        """
        self.quiet = True
        raise BrokenPipeError
