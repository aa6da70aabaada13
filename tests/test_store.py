from __future__ import annotations

import sqlite3

import pytest

from hunter.coverage import Space
from hunter.domain import AttributeSpec, Outcome, Scenario, Trajectory, Verdict
from hunter.errors import UnknownId
from hunter.records import HuntResult, HuntSettings, HuntSetup, StopReason, SutOptions
from hunter.regions import HuntAnalysis, Rate
from hunter.store import Store


def _outcome(failed: bool, seed: int = 1) -> Outcome:
    traj = Trajectory(
        verdicts=(Verdict("collusion", failed, "high", "evidence <b>", (0,)),),
        events=({"id": 0, "text": "hello"},),
        extra={"months": 12},
    )
    return Outcome(Scenario.of({"a": "x", "b": 0.5}, seed), traj, None, 0.01)


SETUP = HuntSetup(
    "x",
    SutOptions(),
    None,
    None,
    Space((AttributeSpec("a", values=("x", "y")), AttributeSpec("b", range=(0.0, 1.0)))),
)


def test_round_trip_in_memory():
    store = Store(":memory:")
    cid = store.add_campaign(SETUP).campaign_id
    run = store.add_run(_outcome(True), sut="x", campaign_id=cid)
    assert run.run_id == "r1" and cid == "c1"
    back = store.run("r1")
    assert back.attributes() == {"a": "x", "b": 0.5}
    assert back.failed and back.verdicts[0].evidence == "evidence <b>"
    assert back.events[0]["text"] == "hello"
    assert back.extra["months"] == 12
    assert back.to_json()["campaign_id"] == "c1"
    err = store.add_run(Outcome(Scenario.of({"a": "y"}, 2), None, "boom"), sut="x")
    assert err.run_id == "r2" and not err.failed and store.run("r2").error == "boom"
    assert [r.run_id for r in store.runs(failed=True)] == ["r1"]


def test_the_latest_runs_are_read_alone_and_counted_in_sql():
    """``hunter runs --limit N`` on a store of 100,000 runs reads N, not every run."""
    store = Store(":memory:")
    cid = store.add_campaign(SETUP).campaign_id
    for i in range(7):
        store.add_run(_outcome(i % 2 == 0, seed=i), sut="x", campaign_id=cid)
    latest = store.runs(limit=3, latest=True)
    assert [r.run_id for r in latest] == ["r5", "r6", "r7"]  # in the order stored
    assert [r.run_id for r in store.runs(limit=2)] == ["r1", "r2"]
    assert [r.run_id for r in store.runs(failed=True, limit=2, latest=True)] == ["r5", "r7"]
    assert store.count_runs() == 7 and store.count_runs(failed=True) == 4
    assert store.count_runs(campaign_id=cid, failed=False) == 3


def test_verdicts_read_back_as_written_and_others_validated():
    """Stored verdicts are built as written (validating each again was half the cost of
    listing a large store); a verdict in another shape is still validated."""
    store = Store(":memory:")
    run = store.add_run(_outcome(True), sut="x")
    assert store.run(run.run_id).verdicts == run.verdicts
    store._db.execute(
        "UPDATE runs SET verdicts = ? WHERE run_id = ?",
        ('[{"check": "odd", "failed": true, "event_ids": "x"}]', run.run_id),
    )
    (odd,) = store.run(run.run_id).verdicts
    assert (odd.check, odd.failed, odd.severity, odd.event_ids) == ("odd", True, "medium", ())


def test_unknown_ids():
    store = Store(":memory:")
    for getter, key in ((store.run, "r9"), (store.hunt, "h1"), (store.proposal, "p1")):
        with pytest.raises(UnknownId, match=key):
            getter(key)


def test_file_store_is_wal_and_persists(tmp_path):
    with Store(tmp_path / "s") as store:
        store.add_run(_outcome(False), sut="x")
    db = sqlite3.connect(tmp_path / "s" / "hunter.db")
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    with Store(tmp_path / "s") as store:
        assert store.run("r1").scenario.seed == 1
        assert store.add_run(_outcome(False, 2), sut="x").run_id == "r2"


def test_a_store_damaged_outside_hunter_is_one_line_and_exit_2(tmp_path, capsys):
    from fixtures.cli import run_cli

    with Store(tmp_path / "s") as store:
        store.add_run(_outcome(False), sut="x")
        store.add_run(_outcome(True, 2), sut="x")
    db = sqlite3.connect(tmp_path / "s" / "hunter.db")
    db.execute("UPDATE runs SET attributes = '{not json' WHERE run_id = 'r2'")
    db.commit()
    code, _, err = run_cli(capsys, "runs", "--store", str(tmp_path / "s"))
    assert code == 2 and "not valid JSON" in err and len(err.splitlines()) == 1
    db.execute("DROP TABLE runs")
    db.commit()
    db.close()
    code, _, err = run_cli(capsys, "runs", "--store", str(tmp_path / "s"))
    assert code == 2 and "cannot be read" in err and len(err.splitlines()) == 1


def test_hunt_and_proposal_lifecycle():
    store = Store(":memory:")
    hid = store.add_hunt("r1", SETUP, HuntSettings(budget=100, early_stop=False), "fp").hunt_id
    record = store.unfinished_hunt("fp")
    assert record is not None and record.hunt_id == hid
    assert record.settings == HuntSettings(budget=100, early_stop=False)
    assert record.setup == SETUP
    replay = Rate(4, 3, 0.75, (0.19, 0.99))
    analysis = HuntAnalysis("bug", replay, Rate(10, 0, 0.0, (0.0, 0.31)), ())
    result = HuntResult(hid, "r1", 0, 4, 0, 100, StopReason.BUDGET, analysis)
    store.finish_hunt(result)
    assert store.unfinished_hunt("fp") is None
    assert store.hunt(hid).result == result
    pid = store.add_proposal(hid, "R1", "add_cross", {"dimensions": ["a", "b"]}, None)
    assert [p.proposal_id for p in store.proposals("pending")] == [pid]
    store.decide_proposal(pid, "rejected", who="me", reason="no")
    assert store.proposal(pid).status == "rejected" and store.proposal(pid).reason == "no"


def test_a_stored_rate_reads_back_from_its_counts():
    from hunter.analysis.stats import rate

    live = rate(1, 26)  # 3.846%: printed 3.8% live, and 3.9% from the rounded 0.0385
    back = Rate.from_json(live.to_json())
    assert back.rate == live.rate and f"{back.rate:.1%}" == "3.8%"
    assert Rate.from_json({"runs": 0, "failures": 0, "failure_rate": 0.0, "ci95": [0, 1]}).rate == 0
