"""The hunt end to end on a small planted SUT whose failing box is known."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from hunter.coverage import load_map, load_space
from hunter.domain import AttributeDict, Trajectory
from hunter.errors import InvalidConfig
from hunter.flow.campaign import run_campaign
from hunter.flow.hunt import HuntSettings, continue_hunt, resolve_setup, run_hunt
from hunter.records import HuntResult, StopReason
from hunter.store import Store
from hunter.sut import Sut, make_sut


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
    # (the stopped hunt then re-ran its minimal failing scenarios: not part of the search)
    ran = [r.scenario for r in store.runs(hunt_id=stopped["hunt_id"]) if r.strategy != "minimal"]
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
    four = run_hunt(
        store, run_id, HuntSettings(budget=96, seed=4, workers=4, batch_size=16), new=True
    )
    assert four.hunt_id != one.hunt_id and not four.already_finished
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
    fresh = run_hunt(store, run_id, settings, setup, new=True)
    assert fresh.hunt_id != "h1"
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


def _journal_study(store, hunt_id, run_id):
    import optuna
    from optuna.storages import JournalStorage
    from optuna.storages.journal import JournalFileBackend

    path = store.folder / "optuna" / f"{hunt_id}.journal"
    storage = JournalStorage(JournalFileBackend(str(path)))
    return optuna.load_study(study_name=f"{hunt_id} of run {run_id}", storage=storage)


def test_the_journal_for_optuna_dashboard_holds_every_run_and_its_failure(planted_store):
    store, run_id = planted_store
    # The hunt stops early (settled): the journal is written all the same.
    outcome = run_hunt(store, run_id, HuntSettings(budget=200, seed=1))
    assert outcome.result.stop_reason is StopReason.SETTLED
    study = _journal_study(store, outcome.hunt_id, run_id)
    trials = study.trials
    assert study.user_attrs["objective"] == "failed (1) or passed (0)"
    runs = {r.run_id: r for r in store.runs(hunt_id=outcome.hunt_id)}
    assert len(trials) == 1 + len(runs) == 1 + outcome.result.simulations
    assert trials[0].user_attrs["run_id"] == run_id
    assert trials[0].user_attrs["strategy"] == "origin" and trials[0].value == 1.0
    for trial in trials[1:]:
        run = runs[trial.user_attrs["run_id"]]
        assert trial.value == float(run.failed)  # the objective is the failure itself
        assert trial.user_attrs["strategy"] == run.strategy
        assert trial.user_attrs["failed_checks"] == list(run.failed_checks)
        assert trial.params == run.attributes()
    # The planted failure depends on temptation and oversight alone: fANOVA over these trials
    # (the evaluator optuna-dashboard uses with optuna-fast-fanova) ranks them first.
    import optuna

    fanova = optuna.importance.FanovaImportanceEvaluator(seed=0)
    ranked = list(optuna.importance.get_param_importances(study, evaluator=fanova))
    assert set(ranked[:2]) == {"temptation", "oversight"}


def test_an_interrupted_hunt_has_its_finished_batches_in_the_journal(planted_store):
    store, run_id = planted_store

    def kill_after_45(progress):
        if progress.simulations == 45:
            raise Killed

    with pytest.raises(Killed):
        run_hunt(store, run_id, HuntSettings(budget=80, seed=7), on_progress=kill_after_45)
    study = _journal_study(store, "h1", run_id)
    batches = {r.extra["batch"] for r in store.runs(hunt_id="h1")}
    full = [r for r in store.runs(hunt_id="h1") if r.extra["batch"] < max(batches)]
    # every batch that finished before the kill (the origin is trial 0)
    assert len(study.trials) == 1 + len(full) > 1


def test_a_continued_hunt_appends_its_new_runs_to_the_same_study(planted_store):
    store, run_id = planted_store
    capped = run_hunt(store, run_id, HuntSettings(budget=40, seed=1))
    more = continue_hunt(store, capped.hunt_id, budget=80)
    study = _journal_study(store, capped.hunt_id, run_id)
    ids = [t.user_attrs["run_id"] for t in study.trials]
    assert len(ids) == len(set(ids)) == 1 + more.result.simulations


def test_the_minimal_failing_scenario_is_re_run_after_the_search(planted_store):
    store, run_id = planted_store
    outcome = run_hunt(store, run_id, HuntSettings(budget=200, seed=1))
    result = outcome.result
    check = result.minimal_check("R1")
    assert check is not None and len(check.seeds) == len(check.run_ids) == 5
    reruns = [store.run(rid) for rid in check.run_ids]
    assert all(r.strategy == "minimal" and r.hunt_id == outcome.hunt_id for r in reruns)
    # exactly the reported scenario, each with its own seed, counted in the budget
    assert all(r.attributes() == dict(check.attributes) for r in reruns)
    assert [r.seed for r in reruns] == list(check.seeds)
    assert result.simulations == len(store.runs(hunt_id=outcome.hunt_id)) <= 200
    failed = sum(r.fails_like(frozenset(result.analysis.regions[0].checks)) for r in reruns)
    assert check.rate.failures == failed and check.rate.runs == 5
    # the planted box fails 85% of the time: its minimal scenario fails when re-run
    assert failed >= 2
    assert HuntResult.from_json(result.to_json()).to_json() == result.to_json()


def test_no_minimal_re_run_once_the_budget_is_spent(planted_store):
    store, run_id = planted_store
    outcome = run_hunt(store, run_id, HuntSettings(budget=40, seed=1))
    assert outcome.result.stop_reason is StopReason.BUDGET
    assert outcome.result.minimal_scenarios == () and outcome.result.simulations == 40


# -- the same hunt again, and continuing one -------------------------------------------------------


class Counting(Sut):
    """The planted SUT, counting its calls: a stored simulation must never run again."""

    def __init__(self, spec: str) -> None:
        self.inner = make_sut(spec)
        super().__init__(self.inner.spec, self.inner.options)
        self.calls = 0

    def run(self, attributes: AttributeDict, seed: int) -> Trajectory:
        self.calls += 1
        return self.inner.run(attributes, seed)


def _ids(store: Store, hunt_id: str) -> list[str]:
    return [r.run_id for r in store.runs(hunt_id=hunt_id)]


def test_the_same_hunt_again_costs_nothing(planted_store, planted_sut):
    store, run_id = planted_store
    settings = HuntSettings(budget=40, seed=1)
    first = run_hunt(store, run_id, settings)
    runs, proposals = len(store.runs()), len(store.proposals())
    sut = Counting(planted_sut)
    again = run_hunt(store, run_id, replace(settings, workers=2), sut=sut)
    assert sut.calls == 0 and again.already_finished and again.hunt_id == first.hunt_id
    assert again.result.to_json() == first.result.to_json()
    assert len(again.runs) == first.result.simulations
    assert (len(store.runs()), len(store.proposals())) == (runs, proposals)
    # early_stop is no part of the fingerprint, but a hunt with it off is another hunt
    other = run_hunt(store, run_id, replace(settings, early_stop=False), sut=sut)
    assert other.hunt_id != first.hunt_id and sut.calls == other.result.simulations


def test_new_hunts_again(planted_store, planted_sut):
    store, run_id = planted_store
    first = run_hunt(store, run_id, HuntSettings(budget=40, seed=1))
    sut = Counting(planted_sut)
    again = run_hunt(store, run_id, HuntSettings(budget=40, seed=1), sut=sut, new=True)
    assert again.hunt_id != first.hunt_id and not again.already_finished
    assert sut.calls == again.result.simulations == 40
    # the same seed, the same batches: the same answer
    assert _strip(again.result.to_json()) == _strip(first.result.to_json())


def test_continue_with_a_larger_budget_reruns_nothing(planted_store, planted_sut):
    store, run_id = planted_store
    capped = run_hunt(store, run_id, HuntSettings(budget=40, seed=1)).result
    assert capped.stop_reason is StopReason.BUDGET and capped.provisional
    before = _ids(store, capped.hunt_id)
    sut = Counting(planted_sut)
    seen = []
    more = continue_hunt(store, capped.hunt_id, budget=100, sut=sut, on_progress=seen.append)
    result = more.result
    assert more.hunt_id == capped.hunt_id and more.continued_from == 40 and more.kept == 40
    assert 40 < result.simulations <= 100 and result.budget == 100
    assert sut.calls == result.simulations - 40  # not one stored simulation ran again
    after = _ids(store, capped.hunt_id)
    assert after[:40] == before and len(after) == result.simulations
    assert seen[0].simulations == 40 and seen[0].phase == "stored"
    record = store.hunt(capped.hunt_id)
    assert record.done and record.budget == 100
    assert record.result is not None and record.result.to_json() == result.to_json()
    assert result.to_json()["stop_reason"] == result.stop_reason.value
    # the continued hunt is now the hunt of that command: it costs nothing again
    again = run_hunt(store, run_id, HuntSettings(budget=100, seed=1), sut=sut)
    assert again.already_finished and sut.calls == result.simulations - 40


@pytest.mark.slow
def test_the_same_command_with_a_larger_budget_continues(planted_store, planted_sut):
    store, run_id = planted_store
    capped = run_hunt(store, run_id, HuntSettings(budget=40, seed=1)).result
    sut = Counting(planted_sut)
    more = run_hunt(store, run_id, HuntSettings(budget=90, seed=1), sut=sut)
    assert more.hunt_id == capped.hunt_id and more.continued_from == 40
    assert sut.calls == more.result.simulations - 40 and more.result.simulations <= 90
    assert len(store.hunts()) == 1
    # --new, or another seed, is another hunt
    other = run_hunt(store, run_id, HuntSettings(budget=120, seed=2), sut=sut)
    assert other.hunt_id != capped.hunt_id and other.continued_from is None


def test_continue_refuses_what_cannot_go_on(planted_store):
    store, run_id = planted_store
    capped = run_hunt(store, run_id, HuntSettings(budget=40, seed=1)).result
    with pytest.raises(InvalidConfig, match="can only be raised"):
        continue_hunt(store, capped.hunt_id, budget=30)
    with pytest.raises(InvalidConfig, match="--budget 80"):
        continue_hunt(store, capped.hunt_id)
    assert store.hunt(capped.hunt_id).result.to_json() == capped.to_json()  # untouched


@pytest.mark.slow
def test_continue_a_settled_hunt_goes_on(planted_store, planted_sut):
    store, run_id = planted_store
    settled = run_hunt(store, run_id, HuntSettings(budget=300, seed=1)).result
    assert settled.stop_reason is StopReason.SETTLED and not settled.provisional
    n = settled.simulations
    sut = Counting(planted_sut)
    # the same budget asks for nothing more: refused, nothing simulated, the answer kept
    with pytest.raises(InvalidConfig, match="nothing to resume"):
        continue_hunt(store, settled.hunt_id, sut=sut)
    kept = store.hunt(settled.hunt_id).result
    assert sut.calls == 0 and (kept.stop_reason, kept.simulations) == (StopReason.SETTLED, n)
    # a larger budget, early stop as stored: the region must hold again while it doubles from n
    more = continue_hunt(store, settled.hunt_id, budget=400, sut=sut).result
    print(f"\nsettled at {n}; continued with early stop: {more.stop_reason} at {more.simulations}")
    assert more.simulations >= min(2 * n, 400) and sut.calls == more.simulations - n
    # and with early stop off, the whole budget
    rest = continue_hunt(store, settled.hunt_id, budget=420, early_stop=False, sut=sut).result
    assert rest.simulations == 420 and rest.stop_reason is StopReason.BUDGET
    assert sut.calls == 420 - n and len(store.runs(hunt_id=settled.hunt_id)) == 420
    assert store.hunt(settled.hunt_id).settings.early_stop is False


def test_a_killed_continuation_resumes_without_rerunning(planted_store, planted_sut):
    store, run_id = planted_store
    capped = run_hunt(store, run_id, HuntSettings(budget=40, seed=1)).result
    sut = Counting(planted_sut)

    def kill_at_70(progress):
        if progress.simulations == 70:
            raise Killed

    with pytest.raises(Killed):
        continue_hunt(store, capped.hunt_id, budget=120, sut=sut, on_progress=kill_at_70)
    assert store.hunt(capped.hunt_id).status == "running" and sut.calls == 30
    # the same command resumes the continuation: its own batches re-proposed, none re-run
    done = run_hunt(store, run_id, HuntSettings(budget=120, seed=1), sut=sut)
    assert done.resumed and done.hunt_id == capped.hunt_id
    assert sut.calls == done.result.simulations - 40 and done.result.simulations <= 120
    # and it ends as an uninterrupted continuation does
    store2_ids = _ids(store, capped.hunt_id)
    assert len(store2_ids) == done.result.simulations


def test_provisional_is_in_the_json_and_old_results_still_read():
    from hunter.analysis.stats import rate
    from hunter.regions import HuntAnalysis

    analysis = HuntAnalysis("bug", rate(9, 10), rate(1, 50), ())
    capped = HuntResult("h1", "r1", 0, 40, 0, 40, StopReason.BUDGET, analysis)
    settled = replace(capped, stop_reason=StopReason.SETTLED)
    fluke = replace(capped, analysis=replace(analysis, verdict="fluke"))
    assert capped.to_json()["provisional"] is True
    assert settled.to_json()["provisional"] is False
    assert replace(fluke, stop_reason=StopReason.FLUKE).to_json()["provisional"] is False
    keys = list(capped.to_json())
    assert keys[: keys.index("stop_reason") + 1] == [
        "hunt_id",
        "run_id",
        "seed",
        "simulations",
        "errors",
        "budget",
        "stop_reason",
    ]
    old = {k: v for k, v in capped.to_json().items() if k not in {"provisional", "early_stop"}}
    read = HuntResult.from_json(old)
    assert read.to_json() == capped.to_json() and read.provisional and read.early_stop
    assert HuntResult.from_json(replace(capped, early_stop=False).to_json()).early_stop is False


def test_resume_by_id_goes_on_where_a_killed_hunt_stopped(planted_store, planted_sut):
    store, run_id = planted_store

    def kill_at_20(progress):
        if progress.simulations == 20:
            raise Killed

    with pytest.raises(Killed):
        run_hunt(store, run_id, HuntSettings(budget=60, seed=3), on_progress=kill_at_20)
    sut = Counting(planted_sut)
    resumed = continue_hunt(store, "h1", sut=sut)  # hunter hunt --resume h1
    assert resumed.resumed and resumed.continued_from is None and resumed.kept == 20
    assert sut.calls == resumed.result.simulations - 20 and resumed.result.budget == 60


def test_the_background_is_read_once_while_the_campaigns_stay_as_they_were(
    planted_store, planted_sut, monkeypatch
):
    """Reading and bucketing every campaign run costs seconds on a large store: a triage's
    hunts share one reading, and a stored hunt returned again needs none."""
    import hunter.flow.hunt as flow

    store, run_id = planted_store
    reads: list[int] = []
    real = store.runs

    def counting(**kwargs):  # type: ignore[no-untyped-def]
        if kwargs.get("campaigns_only"):
            reads.append(1)
        return real(**kwargs)

    monkeypatch.setattr(store, "runs", counting)
    flow._POOLS.clear()
    first = run_hunt(store, run_id, HuntSettings(budget=40, seed=1))
    other = next(r for r in real(failed=True) if r.run_id != run_id)
    run_hunt(store, other.run_id, HuntSettings(budget=40, seed=2))
    assert len(reads) == 1  # hunts add no campaign runs: the pool stands
    again = run_hunt(store, run_id, HuntSettings(budget=40, seed=1))
    assert again.already_finished and len(reads) == 1

    def counts(outcome):  # type: ignore[no-untyped-def]
        return outcome.result.analysis.background.runs, outcome.result.analysis.background.failures

    assert counts(again) == counts(first)
    flow._POOLS.clear()
    fresh = run_hunt(store, run_id, HuntSettings(budget=40, seed=3))
    assert len(reads) == 2 and counts(fresh) == counts(first)
