"""What a user sees at 80 columns: the live progress bar and the campaign's coverage table."""

from __future__ import annotations

import io
import json

from rich.cells import cell_len
from rich.console import Console

from hunter.cli.app import _live_bar
from hunter.cli.render import coverage_caption, coverage_renderable
from hunter.coverage import builtin_map_path, load_map
from hunter.flow.campaign import CoverageRow


def _console() -> Console:
    return Console(file=io.StringIO(), width=80, force_terminal=True, color_system=None)


def test_the_bar_count_and_eta_stay_on_the_first_line_whatever_the_region():
    console = _console()
    bar = _live_bar()
    region = "; ".join(f"attribute_{i} in {{value_{i}, other_{i}}}" for i in range(12))
    task = bar.add_task("hunt r3", total=300, status="57 failed, 0 errors", detail="")
    bar.update(task, completed=128, detail=f"active; region: {region} (73% fail)")
    console.print(bar.get_renderable())
    lines = console.file.getvalue().rstrip("\n").splitlines()
    assert len(lines) == 2 and all(len(line) <= 80 for line in lines)
    first, second = lines
    assert first.startswith("hunt r3") and "128/300" in first and "57 failed, 0 errors" in first
    assert "ETA" in first and "━" in first  # the bar itself keeps some width
    assert second.startswith("  active; region: attribute_0 in") and second.endswith("…")


def test_the_coverage_table_fits_80_columns_and_wide_gives_full_labels():
    cmap = load_map(builtin_map_path("ai_ceo"))
    rows = [CoverageRow(b, 20 + i % 7, i % 5, 0, cmap.goal) for i, b in enumerate(cmap.buckets())]
    console = _console()
    console.print(coverage_renderable(rows))
    narrow = console.file.getvalue().splitlines()
    assert max(len(line) for line in narrow) <= 80
    # one line per bucket and one heading per cross: nothing wrapped
    body = [line for line in narrow if line.startswith("   ") and line.rstrip()[-1:].isdigit()]
    assert len(body) == len(rows)
    assert any(line.strip() == "temptation_type x oversight" for line in narrow)
    assert any(line.strip().startswith("profit, [0.0, 0.33)") for line in narrow)
    wide = Console(file=io.StringIO(), width=200)
    wide.print(coverage_renderable(rows, wide=True))
    assert "temptation_type=profit, oversight=[0.0, 0.33)" in wide.file.getvalue()


def test_the_caption_says_hits_add_up_across_campaigns():
    one = coverage_caption("builtin:ceo", "ai-ceo", 1, 300, 300, 20)
    assert one.startswith("hits count this campaign's 300 runs")
    two = coverage_caption("builtin:ceo", "ai-ceo", 2, 600, 300, 20)
    assert two.startswith(
        "hits add up all 600 runs of the 2 campaigns of builtin:ceo on map ai-ceo (this one: 300)"
    )


def test_show_fits_80_columns_and_keeps_the_flagged_checks_in_view(tmp_path, capsys, monkeypatch):
    """``hunter show`` of a built-in run: the evidence wraps under its check, each event is one
    line cut with "...", and the check a flagged event is evidence of stays on screen."""
    from fixtures.cli import run_cli

    from hunter.cli.app import out

    store = str(tmp_path / "s")
    args = ("campaign", "--sut", "builtin:ceo", "--n", "40", "--seed", "1", "--store", store)
    code, _, err = run_cli(capsys, *args)
    assert code == 0, err
    code, text, _ = run_cli(capsys, "runs", "--failed", "--json", "--store", store)
    failed = json.loads(text)[0]["run_id"]
    monkeypatch.setattr(out, "_width", 80)
    code, text, err = run_cli(capsys, "show", failed, "--store", store)
    assert code == 0, err
    lines = text.splitlines()
    assert max(cell_len(line) for line in lines) <= 80
    fail = next(i for i, line in enumerate(lines) if line.startswith("FAIL "))
    flagged = [line for line in lines if "  <- " in line]
    assert flagged and all(line.rstrip().split("  <- ")[1] for line in flagged)
    assert any(line.endswith("...") for line in lines if line.startswith("  #"))
    if len(lines[fail]) > 70:  # long evidence continues on indented lines
        assert lines[fail + 1].startswith("     ")


def test_a_bucket_whose_runs_all_errored_has_no_failure_rate():
    """0 failed of 0 valid runs is no rate: "-", never "0.0" beside a full cover."""
    cmap = load_map(builtin_map_path("ai_ceo"))
    first, second = cmap.buckets()[:2]
    rows = [CoverageRow(first, 20, 0, 20, cmap.goal), CoverageRow(second, 20, 3, 5, cmap.goal)]
    console = _console()
    console.print(coverage_renderable(rows, wide=True))
    cells = [
        line.split()[-3:]
        for line in console.file.getvalue().splitlines()
        if line.strip().startswith("temptation_type=")
    ]
    assert sorted(cells) == [["20", "100", "-"], ["20", "100", "20.0"]]
    assert rows[0].failure_rate == 0.0  # frames.coverage keeps a number
