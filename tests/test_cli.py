"""The command line from outside: contract section 3, exit codes and one-line errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fixtures.cli import planted_campaign, run_cli

from hunter.store import Store


@pytest.fixture
def campaign(tmp_path, capsys, data_dir, planted_sut):
    store = str(tmp_path / "store")
    return store, planted_campaign(capsys, store, data_dir, planted_sut, 60)


def test_campaign_json_and_runs(campaign, capsys):
    store, result = campaign
    assert set(result) >= {"campaign_id", "runs", "failed_run_ids"}
    assert result["runs"] == 60
    code, out, _ = run_cli(capsys, "runs", "--json", "--store", store)
    runs = json.loads(out)
    assert code == 0 and len(runs) == 60
    first = runs[0]
    for key in (
        "run_id",
        "attributes",
        "seed",
        "failed",
        "error",
        "verdicts",
        "sut",
        "campaign_id",
        "parent_run_id",
    ):
        assert key in first
    # unmapped attributes of the space are randomized too
    assert {"competitors", "noise"} <= set(first["attributes"])
    code, out, _ = run_cli(capsys, "runs", "--failed", "--json", "--store", store)
    failed = json.loads(out)
    assert [r["run_id"] for r in failed] == result["failed_run_ids"]
    assert all(r["failed"] for r in failed)


def test_campaign_covers_buckets_evenly(campaign):
    store, _ = campaign
    from hunter.coverage import load_map
    from hunter.flow.campaign import coverage_table
    from hunter.store import Store

    cmap = load_map(__import__("pathlib").Path(__file__).parent / "data" / "planted_map.yaml")
    with Store(store) as s:
        rows = coverage_table(cmap, s.runs())
    hits = [r.hits for r in rows if len(r.bucket) == 2]
    # 60 runs over 9 crossed buckets, under-covered first: every bucket gets 6 or 7
    assert min(hits) >= 6 and max(hits) <= 7


def test_campaign_human_output(tmp_path, capsys, data_dir, planted_sut):
    code, out, _ = run_cli(
        capsys,
        "campaign",
        "--map",
        str(data_dir / "planted_map.yaml"),
        "--sut",
        planted_sut,
        "--n",
        "20",
        "--store",
        str(tmp_path / "s"),
    )
    assert code == 0
    assert "cover %" in out and "fail %" in out and "campaign c1" in out
    assert "hits count this campaign's 20 runs" in out


def test_show_json_has_events(campaign, capsys):
    store, result = campaign
    run_id = result["failed_run_ids"][0]
    code, out, _ = run_cli(capsys, "show", run_id, "--json", "--store", store)
    shown = json.loads(out)
    assert code == 0 and shown["run_id"] == run_id and shown["failed"]
    assert "events" in shown
    code, out, _ = run_cli(capsys, "show", run_id, "--store", store)
    assert code == 0 and "FAILED" in out and "collusion" in out


@pytest.mark.parametrize(
    "args, fragment",
    [
        (["show", "r999"], "unknown run ID 'r999'"),
        (["hunt", "r999"], "unknown run ID 'r999'"),
        (["report", "h42"], "unknown hunt ID 'h42'"),
        (["proposals", "accept", "p7"], "unknown proposal ID 'p7'"),
        (["campaign", "--map", "nope.yaml", "--sut", "builtin:ceo"], "nope.yaml"),
        (["campaign", "--map", "MAP", "--sut", "nonsense"], "must be"),
        (["hunt", "r1", "--budget", "0"], "--budget"),
        (["bench", "nothing"], "nothing"),
    ],
)
def test_bad_input_is_one_line_exit_2(tmp_path, capsys, data_dir, args, fragment):
    args = [a.replace("MAP", str(data_dir / "planted_map.yaml")) for a in args]
    Store(tmp_path / "s").close()  # an empty store: commands that only read need one
    code, _out, err = run_cli(capsys, *args, "--store", str(tmp_path / "s"))
    assert code == 2
    assert err.startswith("hunter: error:") and err.count("\n") == 1
    assert fragment in err
    assert "Traceback" not in err


def test_hunting_a_passing_run_is_bad_input(campaign, capsys):
    store, _result = campaign
    with Store(store) as s:
        passing = next(r.run_id for r in s.runs() if not r.failed)
    code, _, err = run_cli(capsys, "hunt", passing, "--store", store)
    assert code == 2 and "did not fail" in err


def test_internal_error_is_one_line_exit_1(monkeypatch, capsys, tmp_path):
    import hunter.store

    def boom(*a, **k):
        raise ZeroDivisionError("bug")

    hunter.store.Store(tmp_path).close()  # `runs` only reads: the store must be there
    monkeypatch.setattr(hunter.store.Store, "runs", boom)
    code, _, err = run_cli(capsys, "runs", "--store", str(tmp_path))
    assert code == 1
    assert err.count("\n") == 1 and "ZeroDivisionError" in err and "--debug" in err


def test_no_early_stop_spends_the_whole_budget(campaign, capsys):
    store, result = campaign
    origin = result["failed_run_ids"][0]
    args = ["hunt", origin, "--budget", "60", "--seed", "2", "--json", "--store", store]
    code, out, err = run_cli(capsys, *args, "--no-early-stop")
    assert code == 0, err
    full = json.loads(out)
    assert full["simulations"] == 60 and full["stop_reason"] != "settled"
    # the fields the contract says this hunter always writes, empty or not
    always = {"stop_reason", "provisional", "early_stop", "budget", "background", "notes"}
    assert always | {"fluke_upper_bound", "minimal_scenarios"} <= set(full)
    with Store(store) as s:
        assert s.hunt(full["hunt_id"]).settings.early_stop is False


# -- the same hunt again, continuing one, and saying how it stopped ------------------------------


def _origin(result: dict) -> str:
    return result["failed_run_ids"][0]  # temptation profit, oversight 0.12: inside the plant


def _hunt(capsys, store: str, *args: str) -> tuple[str, str]:
    code, out, err = run_cli(capsys, "hunt", *args, "--store", store)
    assert code == 0, err
    return out, err


def test_the_same_hunt_again_returns_its_result_at_no_cost(campaign, capsys):
    store, result = campaign
    args = (_origin(result), "--budget", "40", "--seed", "1", "--json")
    first, _ = _hunt(capsys, store, *args)
    with Store(store) as s:
        runs, proposals = len(s.runs()), len(s.proposals())
    again, err = _hunt(capsys, store, *args)
    assert again == first  # the stored result, unchanged
    assert "hunt h1 already finished (same run, seed, budget and setup)" in err
    assert "--new to hunt again" in err
    with Store(store) as s:
        assert (len(s.runs()), len(s.proposals())) == (runs, proposals)
    human, _ = _hunt(capsys, store, *args[:-1])
    assert human.startswith("hunt h1 already finished") and "hunt h1 of run" in human
    new, _ = _hunt(capsys, store, *args, "--new")
    assert json.loads(new)["hunt_id"] == "h2"
    with Store(store) as s:
        assert len(s.runs(hunt_id="h2")) == 40


def test_a_budget_capped_hunt_is_provisional_and_says_how_to_go_on(campaign, capsys):
    store, result = campaign
    out, _ = _hunt(capsys, store, _origin(result), "--budget", "40", "--seed", "1")
    lines = out.splitlines()
    assert "stopped: budget of 40 spent before the region settled: R1 is provisional" in lines
    command = f"hunter hunt --resume h1 --budget 80 --store {store}"
    assert f"continue with: {command}" in lines
    assert any(line.startswith("  R1 ") and line.endswith(" (provisional)") for line in lines)
    assert f"report: hunter report h1 --format html --store {store}" in lines
    commands = ("continue with", "report:")  # printed whole, to paste back
    assert all(len(line) <= 80 for line in lines if not line.startswith(commands))
    code, md, _ = run_cli(capsys, "report", "h1", "--store", store)
    assert code == 0
    assert "**Stopped: budget.** Budget of 40 spent before the region settled" in md
    assert "## R1 (provisional): " in md and "--resume h1 --budget 80" in md
    code, printed, wrote = run_cli(capsys, "report", "h1", "--format", "html", "--store", store)
    path = Path(store) / "reports" / "h1.html"  # html goes to a file, never the terminal
    assert code == 0 and printed == "" and wrote.strip() == f"wrote {path}"
    assert 'class="label provisional"' in path.read_text()
    # the printed command goes on, every stored simulation kept
    with Store(store) as s:
        before = [r.run_id for r in s.runs(hunt_id="h1")]
    out, _ = _hunt(capsys, store, *command.split()[2:-2], "--json")
    more = json.loads(out)
    assert more["hunt_id"] == "h1" and 40 < more["simulations"] <= 80
    assert more["budget"] == 80 and more["stop_reason"] in {"budget", "settled"}
    assert more["provisional"] is (more["stop_reason"] == "budget")
    with Store(store) as s:
        after = [r.run_id for r in s.runs(hunt_id="h1")]
        assert s.hunt("h1").done and len(s.hunts()) == 1
    assert after[:40] == before and len(after) == more["simulations"]
    # the command that started it, run again, means the continued hunt: no second hunt
    _, err = _hunt(capsys, store, _origin(result), "--budget", "40", "--seed", "1", "--json")
    assert "hunt h1 already finished (same run, seed and setup, continued since to a" in err
    with Store(store) as s:
        assert len(s.hunts()) == 1 and len(s.runs(hunt_id="h1")) == len(after)


def test_resume_refuses_what_it_cannot_do(campaign, capsys):
    store, result = campaign
    _hunt(capsys, store, _origin(result), "--budget", "40", "--seed", "1")
    for args, fragment in [
        (["--resume", "h1"], "--budget 80"),
        (["--resume", "h1", "--budget", "20"], "can only be raised"),
        (["--resume", "h1", "--seed", "3"], "drop --seed"),
        (["--resume", "h1", "--new"], "choose one"),
        (["r1", "--resume", "h1"], "not r1"),
        ([], "RUN_ID"),
    ]:
        code, _, err = run_cli(capsys, "hunt", *args, "--store", store)
        assert code == 2 and fragment in err and err.count("\n") == 1, (args, err)


@pytest.mark.slow
def test_a_settled_hunt_says_so(campaign, capsys):
    store, result = campaign
    out, _ = _hunt(capsys, store, _origin(result), "--budget", "300", "--seed", "1")
    lines = out.splitlines()
    stopped = next(i for i, line in enumerate(lines) if line.startswith("stopped: "))
    assert lines[stopped].startswith("stopped: settled after ")
    assert lines[stopped].endswith(" of 300 simulations")
    assert lines[stopped + 1] == (
        "  (the region held while the hunt doubled and could neither grow nor split)"
    )
    assert "provisional" not in out and "continue with" not in out
    # the report command is printed whole, to paste back
    assert all(len(line) <= 80 for line in lines if not line.startswith("report: "))
    code, md, _ = run_cli(capsys, "report", "h1", "--store", store)
    assert code == 0
    assert "**Stopped: settled.** Settled after " in md and "provisional" not in md
    # resuming a settled hunt asks for nothing more: it is refused, and nothing is simulated
    with Store(store) as s:
        stored = len(s.runs(hunt_id="h1"))
    code, _, err = run_cli(capsys, "hunt", "--resume", "h1", "--store", store)
    assert code == 2 and "nothing to resume" in err and "--budget 600" in err, err
    with Store(store) as s:
        assert len(s.runs(hunt_id="h1")) == stored and s.hunt("h1").result.stop_reason == "settled"
