"""The README's notebook-style script runs exactly as printed and finds what it says."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import hunter

README = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")


def python_block(heading: str) -> str:
    section = README[README.index(heading) :]
    match = re.search(r"```python\n(.*?)```", section, re.S)
    assert match, f"no python block under {heading}"
    return match.group(1)


@pytest.mark.slow
def test_notebook_script_runs_as_printed(tmp_path, monkeypatch, capsys) -> None:
    monkeypatch.chdir(tmp_path)
    script = python_block("## Python API (notebooks)")
    exec(compile(script, "README.md", "exec"), {"__name__": "__main__"})
    printed = capsys.readouterr().out
    # what the README says it prints
    assert "c1 6 failed" in printed and "h1 bug settled" in printed
    assert "temptation is profit and oversight <= 0.306 " in printed
    assert "[('R1', 'fixed')]" in printed  # the fixed cell's recheck
    with hunter.open_store(tmp_path / "runs") as store:
        runs = hunter.frames.runs(store, campaign="c1")
        assert set(runs.sut) == {"callable:__main__.my_agent"}
        regions = hunter.frames.regions(store, hunt="h1")
        origin = regions[regions.contains_origin].iloc[0]
        assert set(origin.attributes.split(", ")) == {"temptation", "oversight"}
        assert round(origin.inside_rate, 2) == 0.84 and origin.label == "implementation"
