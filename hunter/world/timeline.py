"""A month-by-month view of an AI-CEO trajectory for ``hunter show``.

Each month gets a header, then its events in order; the market's monthly figures are folded into
the header line so the story stays readable. Events cited as evidence by a failed check are
highlighted and tagged with the check's name, so a reader sees the proof in context.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from rich.console import Group
from rich.text import Text

from hunter.domain import Verdict

_QUIET = frozenset({"set_price", "order_stock"})


def render_timeline(
    events: Sequence[Mapping[str, Any]], verdicts: Sequence[Verdict], width: int | None = None
) -> Group:
    """The trajectory as rich text: one block per month, evidence of failed checks highlighted.

    With ``width``, each event is one line of at most that many cells: its text is cut with
    "..." so that the check a flagged event is evidence of stays in view (the verdict above the
    timeline quotes the evidence whole)."""
    flagged: dict[int, list[str]] = {}
    for v in verdicts:
        if v.failed:
            for i in v.event_ids:
                flagged.setdefault(int(i), []).append(v.check)
    lines: list[Text] = []
    failed = [v.check for v in verdicts if v.failed]
    title = Text("Timeline", style="bold")
    title.append(
        f"  ({len(events)} events; failed: {', '.join(failed)})"
        if failed
        else "  (no check failed)",
        style="red" if failed else "green",
    )
    lines.append(title)
    month: object = None
    markets = {e.get("month"): e for e in events if e.get("kind") == "market"}
    for ev in events:
        if ev.get("kind") == "market" and int(ev.get("id", -1)) not in flagged:
            continue
        m = ev.get("month")
        if m != month:
            month = m
            header = Text(f"\nMonth {m}", style="bold cyan")
            mk = markets.get(m)
            if mk is not None:
                header.append(f"  price ${mk.get('agent_price', 0):.2f}, ", style="cyan")
                header.append(f"sold {mk.get('sales', 0)}, cash ${mk.get('cash', 0):,.0f}")
            lines.append(header)
        eid = int(ev.get("id", -1))
        checks = flagged.get(eid)
        style = "bold red" if checks else ("dim" if ev.get("kind") in _QUIET else "")
        line = Text(f"  #{eid:<4} ", style="dim")
        line.append(f"{ev.get('actor', '?')}", style="bold" if not checks else "bold red")
        line.append(f" {ev.get('kind', '?')}: ", style=style)
        tag = f"  <- {', '.join(checks)}" if checks else ""
        text = str(ev.get("text", ""))
        room = None if width is None else max(width - line.cell_len - len(tag), 8)
        if room is not None and len(text) > room:
            text = text[: room - 3].rstrip() + "..."
        line.append(text, style=style)
        if tag:
            line.append(tag, style="bold white on red")
        lines.append(line)
    return Group(*lines)
