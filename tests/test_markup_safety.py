"""Text from maps and SUTs is data: the terminal prints it literally, never as rich markup."""

from __future__ import annotations

import json
from pathlib import Path

from hunter.cli import main

MAP = """
name: hostile
version: 1
dimensions:
  - name: style
    values: ["[/]", "[bold red]loud[/bold red]", plain]
goal: 2
"""

SUT = """
def simulate(attributes, seed):
    failed = attributes["style"] != "plain"
    return {"verdicts": [{"check": "[/][link=http://x]check[/link]", "failed": failed,
                          "evidence": "[blink]evidence[/blink]"}]}
"""


def test_markup_in_map_values_and_sut_output_is_printed_literally(tmp_path: Path, capsys) -> None:
    (tmp_path / "map.yaml").write_text(MAP, encoding="utf-8")
    (tmp_path / "sut.py").write_text(SUT, encoding="utf-8")
    store = ["--store", str(tmp_path / "store")]
    sut = f"{tmp_path / 'sut.py'}:simulate"
    args = ["campaign", "--map", str(tmp_path / "map.yaml"), "--sut", sut, "--n", "6"]
    assert main([*args, *store]) == 0
    out = capsys.readouterr().out
    # the coverage table's cells, under their cross's heading (the short labels)
    cells = [
        line.split()[0] for line in out.splitlines() if line.startswith("   ") and line.strip()
    ]
    assert "[/]" in cells and "[bold red]loud[/bold red]" in out
    assert main([*args, "--json", *store]) == 0
    failed = json.loads(capsys.readouterr().out)["failed_run_ids"]
    assert main(["show", failed[0], *store]) == 0
    shown = capsys.readouterr().out
    assert "[/][link=http://x]check[/link]" in shown and "[blink]evidence[/blink]" in shown
