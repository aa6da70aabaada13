"""A store written by an earlier hunter (``tests/data/upgrade/v1``: a campaign of the built-in
world and one finished hunt) still lists, shows and reports as it did, like Optuna's upgrade
assets. The report renders the stored result; it never re-decides it."""

from __future__ import annotations

import gzip
import json
import shutil
from pathlib import Path

import pytest
from fixtures.recorded import differences

from hunter.cli import main

ASSET = Path(__file__).parent / "data" / "upgrade" / "v1"


@pytest.fixture
def old_store(tmp_path: Path) -> list[str]:
    folder = tmp_path / "store"
    folder.mkdir()
    with gzip.open(ASSET / "hunter.db.gz") as src, (folder / "hunter.db").open("wb") as dst:
        shutil.copyfileobj(src, dst)
    return ["--store", str(folder)]


def test_old_hunt_reports_its_stored_result(
    old_store: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["report", "h1", "--format", "json", *old_store]) == 0
    report = json.loads(capsys.readouterr().out)
    stored = json.loads((ASSET / "result.json").read_text(encoding="utf-8"))
    assert differences(stored, report) == []
    expected = json.loads((ASSET / "report.json").read_text(encoding="utf-8"))
    # the command that re-runs a minimal scenario names this copy's store folder
    commands = [region.pop("repro_command") for region in report["explain"]]
    for region in expected["explain"]:
        region.pop("repro_command")
    assert report["explain"] == expected["explain"]
    store = old_store[-1]
    assert all(c.startswith("hunter run --sut builtin:ceo --attributes ") for c in commands)
    assert all(c.endswith(f" --store {store}") for c in commands)


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_old_hunt_renders_in_every_format(
    old_store: list[str], fmt: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["report", "h1", "--format", fmt, *old_store]) == 0
    text = capsys.readouterr().out
    if fmt == "html":  # written beside the store's data, not to the terminal
        text = (Path(old_store[-1]) / "reports" / "h1.html").read_text(encoding="utf-8")
    assert "R1" in text and "whistleblower" in text


def test_old_store_lists_runs_and_proposals(
    old_store: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["runs", "--json", *old_store]) == 0
    assert len(json.loads(capsys.readouterr().out)) == 176
    assert main(["proposals", "--json", *old_store]) == 0
    assert [p["proposal_id"] for p in json.loads(capsys.readouterr().out)] == ["p1", "p2", "p3"]
