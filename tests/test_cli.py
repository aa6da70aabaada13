"""The command line from outside: contract section 3, exit codes and one-line errors."""

from __future__ import annotations

import json

import pytest

from hunter.cli import main
from hunter.store import Store


def run_cli(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def campaign(tmp_path, capsys, data_dir, planted_sut):
    store = str(tmp_path / "store")
    code, out, err = run_cli(
        capsys,
        "campaign",
        "--map",
        str(data_dir / "planted_map.yaml"),
        "--space",
        str(data_dir / "planted_space.yaml"),
        "--sut",
        planted_sut,
        "--n",
        "60",
        "--seed",
        "3",
        "--json",
        "--store",
        store,
    )
    assert code == 0, err
    return store, json.loads(out)


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
    assert "coverage %" in out and "failure %" in out and "campaign c1" in out


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
    with Store(store) as s:
        assert s.hunt(full["hunt_id"]).settings.early_stop is False
