"""``hunter hunts``: every stored hunt, one line each."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text

from hunter.cli.app import cli, json_option, no_store_yet, open_store, out, print_json, store_option
from hunter.records import CALLABLE_PREFIX


@cli.command()
@json_option
@store_option
def hunts(as_json: bool, store_dir: str) -> None:
    """List stored hunts: origin run, status, verdict, simulations and why each stopped."""
    from hunter.api import hunt_rows

    rows = []
    if not no_store_yet(store_dir):
        with open_store(store_dir, create=False) as store:
            rows = hunt_rows(store)
    if as_json:
        print_json(rows)
        return
    if not rows:
        out.print("no hunts in this store; start one with hunter hunt RUN_ID")
        return
    table = Table(box=None, pad_edge=False)
    for name, justify in (
        ("hunt", "left"),
        ("run", "left"),
        ("status", "left"),
        ("verdict", "left"),
        ("sims", "right"),
        ("regions", "right"),
        ("stopped", "left"),
    ):
        table.add_column(name, justify=justify, no_wrap=True)  # type: ignore[arg-type]
    colours = {"bug": "red", "fluke": "green", "inconclusive": "yellow"}
    stopped_ids = [r["hunt_id"] for r in rows if r["status"] == "running" and not r["live"]]
    for row in rows:
        verdict = row["verdict"] or "-"
        stopped = row["stop_reason"] or "-"
        if row["provisional"]:
            stopped += " (provisional)"
        table.add_row(
            str(row["hunt_id"]),
            str(row["run_id"]),
            "stopped" if row["hunt_id"] in stopped_ids else str(row["status"]),
            Text(verdict, style=colours.get(verdict, "")),
            "-" if row["simulations"] is None else f"{row['simulations']}/{row['budget']}",
            "-" if row["regions"] is None else str(row["regions"]),
            stopped,
        )
    out.print(table)
    if stopped_ids:
        first = next(r for r in rows if r["hunt_id"] == stopped_ids[0])
        how = (
            f"hunter.resume(store, {first['hunt_id']!r}, sut=FUNCTION) in Python"
            if str(first["sut"]).startswith(CALLABLE_PREFIX)
            else f"hunter hunt --resume {first['hunt_id']} (or the command that started it)"
        )
        out.print(Text(f"stopped: no process runs {', '.join(stopped_ids)}; go on with {how}"))
