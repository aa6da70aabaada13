"""``hunter triage``: bad input, the report's escaping and width, and (slow) whole triages of
planted campaigns scored against their plants, resumed, and marked in ``hunter runs``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fixtures.cli import run_cli

from hunter.analysis.report.triage import render_html, render_markdown, render_text
from hunter.analysis.stats import rate
from hunter.analysis.triage import (
    BucketRisk,
    Explained,
    FoundRegion,
    RankedBug,
    TriageResult,
    merge_bugs,
)
from hunter.bench.triage import LANDSCAPES, TriageLandscapeSut, run_one
from hunter.coverage import Space
from hunter.flow.campaign import run_campaign
from hunter.flow.hunt import run_hunt
from hunter.flow.triage import triage
from hunter.records import HuntSettings, HuntSetup, SutOptions
from hunter.regions import Constraint, MapProposal, Region
from hunter.store import Store


def write_sut(folder: Path, body: str) -> str:
    path = folder / "sut.py"
    path.write_text(f"def simulate(attributes, seed):\n    {body}\n")
    return f"{path}:simulate"


SPACE = {"attributes": [{"name": "a", "values": ["x", "y"]}, {"name": "n", "range": [0, 1]}]}


def campaign(tmp_path: Path, capsys, body: str) -> str:
    space = tmp_path / "space.yaml"
    space.write_text(json.dumps(SPACE))
    mapfile = tmp_path / "map.yaml"
    mapfile.write_text(
        json.dumps({"name": "m", "version": 1, "dimensions": SPACE["attributes"][:1], "goal": 2})
    )
    sut = write_sut(tmp_path, body)
    store = str(tmp_path / "store")
    code, _, err = run_cli(
        capsys, "campaign", "--sut", sut, "--map", str(mapfile), "--space", str(space),
        "--n", "20", "--seed", "0", "--store", store,
    )  # fmt: skip
    assert code == 0, err
    return store


def test_unknown_campaign_is_one_line_and_exit_2(tmp_path, capsys):
    code, out, err = run_cli(capsys, "triage", "c7", "--store", str(tmp_path / "s"))
    assert code == 2 and out == ""
    assert err.strip() == "hunter: error: unknown campaign ID 'c7'"


def test_a_campaign_without_runs_is_bad_input(tmp_path):
    with Store(tmp_path / "s") as store:
        setup = HuntSetup("m:f", SutOptions(), None, None, Space.from_dict(SPACE))
        cid = store.add_campaign(setup, seed=0, n=0).campaign_id
        with pytest.raises(Exception, match="has no runs: nothing to triage"):
            triage(store, cid)


def test_a_campaign_without_failures_has_nothing_to_triage(tmp_path, capsys):
    store = campaign(tmp_path, capsys, "return {'failed': False}")
    code, out, err = run_cli(capsys, "triage", "c1", "--store", store)
    assert code == 0, err
    assert out.strip() == "campaign c1: none of its 20 runs failed; nothing to triage"
    code, out, err = run_cli(capsys, "triage", "c1", "--json", "--store", store)
    assert code == 0, err
    result = json.loads(out)
    assert result["failures"] == 0 and result["bugs"] == [] and result["hunts"] == []


def test_a_budget_below_one_hunt_is_bad_input_and_stores_nothing(tmp_path, capsys):
    store = campaign(tmp_path, capsys, "return {'failed': attributes['a'] == 'x'}")
    code, _, err = run_cli(capsys, "triage", "c1", "--budget", "10", "--store", store)
    assert code == 2 and len(err.strip().splitlines()) == 1
    assert "a budget of 10 is below what one hunt needs" in err
    with Store(store) as db:
        assert db.hunts() == [] and len(db.runs()) == 20


# -- the report -----------------------------------------------------------------------------------

EVIL = "<script>alert(1)</script>|`[b]x[/b]"


def made_result() -> TriageResult:
    space = Space.from_dict({"attributes": [{"name": "a", "values": [EVIL, "y"]}]})
    region = Region(
        "R1",
        (Constraint("a", values=(EVIL,)),),
        rate(8, 10),
        rate(0, 40),
        "spec",
        None,
        MapProposal("add_cross", {"dimensions": ["a", "b"]}, "p1"),
        (EVIL,),
        contains_origin=True,
    )
    [bug] = merge_bugs([FoundRegion("h1", region, space)])
    ranked = RankedBug(bug, region.inside, 0.5, 0.4, "critical", 0.8, ("r1",))
    bucket = BucketRisk((("a", EVIL),), rate(1, 10), 0.39, rate(0, 10), 0.26, ("B1",))
    return TriageResult(
        "c1", 0, 3000, 300, 20, 2, 150, ("h1", "h2"), (ranked,),
        (Explained("r1", "bug", "B1", "h1"), Explained("r2", "fluke", hunt_id="h2")),
        (bucket,), "explained",
    )  # fmt: skip


def test_terminal_report_fits_80_columns_and_ranks():
    lines = render_text(made_result())
    assert max(len(line) for line in lines) <= 80
    text = "\n".join(lines)
    assert "1    B1" in text and "flukes (1): r2 (h2)" in text and "critical (new)" in text


def test_markdown_and_html_escape_untrusted_values():
    result = made_result()
    md = render_markdown(result, ["h1=reports/h1.html"])
    assert "<script>" not in md and "\\|" in md and "[h1](reports/h1.html)" in md
    html = render_html(result)
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert json.loads(json.dumps(result.to_json()))["flukes"][0]["run_id"] == "r2"


# -- whole triages ------------------------------------------------------------------------------


@pytest.mark.slow
def test_triage_finds_each_planted_bug_once_and_calls_flukes():
    row = run_one("three_bugs", 0, 300, 2000, 200)
    assert row["failures"] > 0
    assert row["recall"] == 1.0 and row["precision"] == 1.0, row
    assert row["planted_called_fluke"] == 0, row
    assert row["flukes_called"] == row["background_failures"] - row["unexplained"], row
    assert row["simulations"] <= row["one_by_one"] / 2, row


def _three_bugs_campaign(store: Store) -> tuple[Any, TriageLandscapeSut, str]:
    """A campaign of 200 runs on the three-bug triage landscape: its landscape, SUT and ID."""
    landscape = LANDSCAPES["three_bugs"]
    sut = TriageLandscapeSut("triage:three_bugs")
    cid = run_campaign(store, landscape.coverage_map, landscape.space, sut, n=200, seed=1)
    return landscape, sut, cid.campaign_id


@pytest.mark.slow
def test_triage_is_resumable_and_marks_runs_same_or_new(tmp_path, capsys):
    folder = tmp_path / "store"
    with Store(folder) as store:
        _, sut, cid = _three_bugs_campaign(store)
        first = triage(store, cid, budget=900, hunt_budget=150, seed=1, sut=sut)
        stored = len(store.runs())
        # the same command as one of the triage's hunts returns it, at no new cost
        origin = store.hunt(first.hunts[0]).run_id
        same = run_hunt(store, origin, HuntSettings(budget=150, seed=1), sut=sut)
        assert same.already_finished and same.hunt_id == first.hunts[0]
        again = triage(store, cid, budget=900, hunt_budget=150, seed=1, sut=sut)
        assert len(store.runs()) == stored  # every hunt returned from the store
    assert again.to_json() == first.to_json()
    assert first.bugs and all(e.kind in ("bug", "fluke", "unexplained") for e in first.explained)
    code, out, err = run_cli(capsys, "runs", "--failed", "--json", "--store", str(folder))
    assert code == 0, err
    marks = {r["run_id"]: r["bug"] for r in json.loads(out)}
    for e in first.explained:
        if e.kind == "bug":
            assert marks[e.run_id] == e.bug_id
        if e.kind == "fluke":
            assert marks[e.run_id] == "new"  # a fluke lies outside every known region
    bug_run = next(e.run_id for e in first.explained if e.kind == "bug")
    code, out, _ = run_cli(capsys, "show", bug_run, "--store", str(folder))
    assert code == 0 and f"bug {marks[bug_run]}: same as hunt" in out


def test_bench_table_fits_80_columns(capsys):
    from hunter.cli.bench import _print_triage

    row = {
        "landscape": "four_bugs_one_small", "seed": 1, "failures": 50,
        "planted_with_failures": 4, "found": 4, "bugs_reported": 4, "background_failures": 1,
        "flukes_called": 1, "simulations": 1604, "one_by_one": 11648,
        "f1": {"same_check_elsewhere": 0.93, "unmapped": 1.0, "in_bucket": 0.75, "small": 0.96},
    }  # fmt: skip
    totals = {
        "rows": [row], "recall": 1.0, "precision": 1.0, "flukes_called": 1,
        "background_failures": 1, "planted_called_fluke": 0, "simulations": 1604,
        "one_by_one": 11648, "ratio": 0.138, "seeds": 1, "campaign_runs": 500, "hunt_budget": 300,
    }  # fmt: skip
    _print_triage(totals)
    lines = capsys.readouterr().out.splitlines()
    assert "in_bucket 0.75" in "\n".join(lines) and "recall 1.0" in "\n".join(lines)
    assert max(len(line) for line in lines) <= 80


@pytest.mark.slow
def test_a_users_hunt_is_known_to_the_triage_and_numbered_as_everywhere(tmp_path, capsys):
    folder = tmp_path / "store"
    with Store(folder) as store:
        landscape, sut, cid = _three_bugs_campaign(store)
        planted = [r for r in store.runs(failed=True) if landscape.plant_at(r.attributes())]
        # the user hunts one failure with the seed and budget the triage will use
        mine = run_hunt(store, planted[-1].run_id, HuntSettings(budget=150, seed=1), sut=sut)
        assert mine.analysis.verdict == "bug"
        result = triage(store, cid, budget=900, hunt_budget=150, seed=1, sut=sut)
        assert mine.hunt_id not in result.hunts  # taken as known, neither redone nor extended
        assert store.hunt(mine.hunt_id).result.simulations == mine.result.simulations
        assert all(store.hunt(h).run_id != planted[-1].run_id for h in result.hunts)
        users = [b for b in result.bugs if mine.hunt_id in b.bug.hunt_ids]
        assert len(users) == 1 and users[0].known
        assert not any(b.known for b in result.bugs if b is not users[0])
    code, out, err = run_cli(capsys, "runs", "--failed", "--json", "--store", str(folder))
    assert code == 0, err
    marks = {r["run_id"]: r["bug"] for r in json.loads(out)}
    for e in result.explained:
        if e.kind == "bug":
            assert marks[e.run_id] == e.bug_id


@pytest.mark.slow
def test_a_written_triage_report_links_every_bug_to_its_hunt_report(tmp_path, capsys, monkeypatch):
    folder = tmp_path / "store"
    with Store(folder) as store:
        _, sut, cid = _three_bugs_campaign(store)
        result = triage(store, cid, budget=900, hunt_budget=150, seed=1, sut=sut)
    hunts = {h for b in result.bugs for h in b.bug.hunt_ids}
    assert hunts and not (folder / "reports").exists()
    import hunter.api

    monkeypatch.setattr(hunter.api, "triage", lambda *args, **kwargs: result)  # test-only SUT
    target = tmp_path / "elsewhere" / "triage.md"
    target.parent.mkdir()
    args = ("triage", cid, "--budget", "900", "--hunt-budget", "150", "--seed", "1")
    code, _, err = run_cli(
        capsys, *args, "--format", "md", "--out", str(target), "--store", str(folder)
    )
    assert code == 0, err
    text = target.read_text()
    for hunt_id in hunts:
        link = f"[{hunt_id}](../store/reports/{hunt_id}.html)"
        assert link in text, link
        assert (folder / "reports" / f"{hunt_id}.html").read_text().startswith("<!doctype html>")


def test_a_triage_that_found_no_bug_and_hunted_little_reads_plainly():
    """A small budget: one hunt, no bug, failed runs left unhunted. No empty bug table, and
    an unhunted run is "not hunted" once, never "r6 (not hunted: not hunted)"."""
    result = TriageResult(
        "c1", 0, 40, 40, 30, 4, 40, ("h1",), (),
        (
            Explained("r2", "unexplained", hunt_id="h1", note="the hunt bounded no region"),
            Explained("r6", "unexplained", note="not hunted"),
            Explained("r9", "unexplained", note="not hunted"),
        ),
        (), "budget",
    )  # fmt: skip
    lines = render_text(result)
    text = "\n".join(lines)
    assert "rank" not in text and "severity" not in text
    assert "unexplained (3): r2 (h1: the hunt bounded no region); not hunted: r6 r9" in text
    assert "not hunted: not hunted" not in text
    md = render_markdown(result)
    assert "| rank |" not in md and "## Bugs, riskiest first\n\nnone\n" in md
    assert "- `r6`: not hunted\n" in md and "(not hunted)" not in md
    assert "- `r2`: the hunt bounded no region (h1)" in md
    html = render_html(result)
    assert "<th>rank</th>" not in html and "<li>r6: not hunted</li>" in html
    assert result.to_json()["unexplained"][1]["note"] == "not hunted"  # the contract's words
