"""The hunt end to end on a small planted SUT whose failing box is known."""

from __future__ import annotations

import json

import pytest

from hunter.coverage import load_map, load_space
from hunter.flow.campaign import run_campaign
from hunter.flow.hunt import HuntSettings, resolve_setup, run_hunt
from hunter.store import Store
from hunter.sut import make_sut


@pytest.fixture
def planted_store(tmp_path, data_dir, planted_sut):
    store = Store(tmp_path / "store")
    cmap = load_map(data_dir / "planted_map.yaml")
    space = load_space(data_dir / "planted_space.yaml")
    run_campaign(
        store,
        cmap,
        space,
        make_sut(planted_sut),
        n=90,
        seed=5,
        map_path=str(data_dir / "planted_map.yaml"),
    )
    origin = next(
        r
        for r in store.runs(failed=True)
        if r.attributes()["temptation"] == "profit" and r.attributes()["oversight"] < 0.3
    )
    yield store, origin.run_id
    store.close()


def _strip(result: dict) -> dict:
    return {k: v for k, v in result.items() if k not in {"hunt_id"}} | {
        "regions": [{k: v for k, v in r.items() if k != "proposal"} for r in result["regions"]]
    }


def test_hunt_finds_planted_region_and_label(planted_store):
    store, run_id = planted_store
    outcome = run_hunt(store, run_id, HuntSettings(budget=200, seed=1))
    result = outcome.result.to_json()
    assert result["simulations"] <= 200
    assert result["verdict"] == "bug"
    assert result["origin_replay"]["failure_rate"] > 0.5
    top = result["regions"][0]
    assert set(top["constraints"]) == {"temptation", "oversight"}
    assert top["constraints"]["temptation"] == {"in": ["profit"]}
    assert abs(top["constraints"]["oversight"]["max"] - 0.3) < 0.08
    assert "min" not in top["constraints"]["oversight"]
    assert top["label"] == "implementation"
    assert top["proposal"]["kind"] == "reweight_bucket"
    assert top["proposal"]["id"] is not None
    assert store.proposal(top["proposal"]["id"]).status == "pending"
    json.dumps(result)  # the contract's JSON is serialisable as is


def test_hunt_stops_once_its_region_settles(planted_store):
    store, run_id = planted_store
    stopped = run_hunt(store, run_id, HuntSettings(budget=300, seed=1)).result.to_json()
    assert stopped["stop_reason"] == "settled"
    assert stopped["simulations"] < 300
    top = stopped["regions"][0]
    assert top["constraints"]["temptation"] == {"in": ["profit"]}
    assert abs(top["constraints"]["oversight"]["max"] - 0.3) < 0.08
    full = run_hunt(
        store, run_id, HuntSettings(budget=300, seed=1, early_stop=False)
    ).result.to_json()
    assert full["stop_reason"] == "budget" and full["simulations"] == 300
    # the same batches up to the stop: the rule decides when to stop, not what to run
    assert stopped["hunt_id"] != full["hunt_id"]
    ran = [r.scenario for r in store.runs(hunt_id=stopped["hunt_id"])]
    assert ran == [r.scenario for r in store.runs(hunt_id=full["hunt_id"])][: len(ran)]
    print(f"\nstopped after {stopped['simulations']} of 300 simulations")


def test_progress_carries_the_current_region(planted_store):
    store, run_id = planted_store
    seen = []
    run_hunt(store, run_id, HuntSettings(budget=120, seed=1), on_progress=seen.append)
    assert [p.simulations for p in seen] == list(range(1, len(seen) + 1))
    assert seen[0].region == ""  # nothing bounded before the first batch is analysed
    last = seen[-1].region
    assert last.startswith("temptation is profit and oversight <= 0.") and "% fail)" in last


def test_budget_is_a_hard_cap(planted_store):
    store, run_id = planted_store
    outcome = run_hunt(store, run_id, HuntSettings(budget=37, seed=2))
    assert outcome.result.to_json()["simulations"] <= 37
    assert len(store.runs(hunt_id=outcome.hunt_id)) == outcome.result.to_json()["simulations"]


def test_same_seed_same_result_any_workers(planted_store):
    store, run_id = planted_store
    one = run_hunt(store, run_id, HuntSettings(budget=96, seed=4))
    four = run_hunt(store, run_id, HuntSettings(budget=96, seed=4, workers=4, batch_size=16))
    assert _strip(one.result.to_json()) == _strip(four.result.to_json())


class Killed(Exception):
    pass


def test_resume_after_kill_reruns_nothing(planted_store):
    store, run_id = planted_store
    settings = HuntSettings(budget=80, seed=7)
    setup = resolve_setup(store, store.run(run_id))

    def kill_after_45(progress):
        if progress.simulations == 45:
            raise Killed

    with pytest.raises(Killed):
        run_hunt(store, run_id, settings, setup, on_progress=kill_after_45)
    stored_before = store.runs(hunt_id="h1")
    assert len(stored_before) == 45
    calls = []
    resumed = run_hunt(store, run_id, settings, setup, on_progress=calls.append)
    assert resumed.resumed and resumed.hunt_id == "h1"
    runs = store.runs(hunt_id="h1")
    assert [r.run_id for r in runs[:45]] == [r.run_id for r in stored_before]
    assert len(runs) == resumed.result.to_json()["simulations"]
    # a fresh, uninterrupted hunt with the same seed gives the same answer
    fresh = run_hunt(store, run_id, settings, setup)
    assert _strip(fresh.result.to_json()) | {"hunt_id": 0} == _strip(resumed.result.to_json()) | {
        "hunt_id": 0
    }


def test_sut_errors_are_recorded_not_failures(planted_store, data_dir):
    store, run_id = planted_store
    setup = resolve_setup(store, store.run(run_id), sut=f"{data_dir / 'planted_sut.py'}:crash")
    from hunter.errors import SutError

    with pytest.raises(SutError, match="every simulation of the first batch"):
        run_hunt(store, run_id, HuntSettings(budget=40, seed=0), setup)
    errored = store.runs(hunt_id="h1")
    assert errored and all(r.error and not r.failed for r in errored)


def test_optuna_study_is_mirrored_to_a_journal(planted_store):
    import optuna
    from optuna.storages import JournalStorage
    from optuna.storages.journal import JournalFileBackend

    store, run_id = planted_store
    # The whole budget, so the schedule reaches its last stage, where optuna runs.
    outcome = run_hunt(store, run_id, HuntSettings(budget=150, seed=1, early_stop=False))
    path = store.folder / "optuna" / f"{outcome.hunt_id}.journal"
    study = optuna.load_study(
        study_name="hunt", storage=JournalStorage(JournalFileBackend(str(path)))
    )
    assert len(study.trials) > 0  # optuna-dashboard can open the hunt's study
