"""The Python API: lazy package, campaigns and hunts of a plain function, one-off runs."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

import pytest

import hunter
from hunter.errors import InvalidConfig

MAP = Path(__file__).parent / "data" / "planted_map.yaml"
SPACE = Path(__file__).parent / "data" / "planted_space.yaml"


def planted(attributes: dict, seed: int) -> dict:
    """Fails when temptation is profit and oversight below 0.3, never elsewhere."""
    failed = attributes["temptation"] == "profit" and attributes["oversight"] < 0.3
    return {"verdicts": [{"check": "collusion", "failed": failed, "evidence": "fixed prices"}]}


def test_import_hunter_loads_nothing_heavy() -> None:
    code = (
        "import sys, hunter; heavy = [m for m in ('pandas', 'numpy', 'hunter.api', 'hunter.store')"
        " if m in sys.modules]; print(heavy)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"


def test_every_public_name_resolves() -> None:
    assert sorted(hunter.__all__) == sorted([*hunter._LAZY, *hunter._SUBMODULES])
    for name in hunter.__all__:
        assert getattr(hunter, name) is not None, name
    assert hunter.campaign.__doc__ and "Args:" in hunter.campaign.__doc__
    assert "open_store" in dir(hunter)
    with pytest.raises(AttributeError):
        hunter.no_such_name  # noqa: B018


def test_campaign_of_a_function_and_its_frames(tmp_path) -> None:
    with hunter.open_store(tmp_path / "s") as store:
        result = hunter.campaign(store, planted, map=MAP, space=SPACE, n=40, seed=3)
        frame = hunter.frames.runs(store)
        assert len(frame) == 40
        assert set(frame.sut) == {f"callable:{__name__}.planted"}
        # the attributes are columns; failures are exactly the planted box
        box = (frame.temptation == "profit") & (frame.oversight < 0.3)
        assert (frame.failed == box).all()
        assert box.any()
        assert list(frame.index) == list(frame.run_id)
        assert sorted(frame.index[frame.failed]) == sorted(result.failed_run_ids)
        assert set(frame.status) <= {"fail", "pass"}
        assert (frame.failed_checks[frame.failed] == "collusion").all()
        long = hunter.frames.verdicts(store)
        assert len(long) == 40 and long.failed.sum() == box.sum()
        cover = hunter.frames.coverage(store, result.campaign_id)
        # 3 temptations x 3 oversight bins crossed, and the uncrossed role's 2 values: every
        # run lands in one bucket of each
        assert len(cover) == 11
        crossed = cover[cover.cross == "temptation x oversight"]
        assert len(crossed) == 9 and crossed.hits.sum() == 40
        assert crossed.failures.sum() == box.sum()
        assert cover[cover.cross == "role"].hits.sum() == 40


def test_hunt_of_a_function_needs_it_again(tmp_path) -> None:
    with hunter.open_store(tmp_path / "s") as store:
        result = hunter.campaign(store, planted, map=MAP, space=SPACE, n=40, seed=3)
        origin = result.failed_run_ids[0]
        with pytest.raises(InvalidConfig, match=r"hunter.hunt\(store, RUN_ID, sut=FUNCTION\)"):
            hunter.hunt(store, origin, budget=60)
        outcome = hunter.hunt(store, origin, sut=planted, budget=100, seed=1)
        assert outcome.result.verdict == "bug"
        hunts = hunter.frames.hunts(store)
        assert list(hunts.columns) == [r for r in hunter.api.hunt_rows(store)[0]]  # as --json
        assert hunts.loc[outcome.hunt_id, "verdict"] == "bug"
        assert not hunts.loc[outcome.hunt_id, "live"]  # finished: no process holds it
        assert hunts.loc[outcome.hunt_id, "run_id"] == origin
        regions = hunter.frames.regions(store, hunt=outcome.hunt_id)
        origin_region = regions[regions.contains_origin].iloc[0]
        assert set(origin_region.attributes.split(", ")) == {"temptation", "oversight"}
        assert origin_region.inside_rate == 1.0
        # the same call again returns the stored hunt
        again = hunter.hunt(store, origin, sut=planted, budget=100, seed=1)
        assert again.already_finished and again.hunt_id == outcome.hunt_id


def test_closure_runs_in_worker_processes(tmp_path) -> None:
    threshold = 0.3

    def closure(attributes: dict, seed: int) -> dict:
        return {"failed": attributes["oversight"] < threshold}

    with hunter.open_store(tmp_path / "s") as store:
        result = hunter.campaign(store, closure, map=MAP, space=SPACE, n=12, seed=1, workers=2)
        frame = hunter.frames.runs(store)
    assert frame.error.isna().all()
    assert (frame.failed == (frame.oversight < threshold)).all()
    assert len(result.runs) == 12


def test_unpicklable_function_is_one_line_and_stores_nothing(tmp_path) -> None:
    lock = threading.Lock()

    def locked(attributes: dict, seed: int) -> dict:
        with lock:
            return {"failed": False}

    with hunter.open_store(tmp_path / "s") as store:
        with pytest.raises(InvalidConfig) as info:
            hunter.campaign(store, locked, map=MAP, space=SPACE, n=4, workers=2)
        assert "\n" not in str(info.value)
        assert "cannot be pickled" in str(info.value) and "workers=1" in str(info.value)
        assert store.runs() == []
        # one worker needs no pickling
        hunter.campaign(store, locked, map=MAP, space=SPACE, n=4)
        assert len(store.runs()) == 4


def test_function_errors_are_errors_not_failures(tmp_path) -> None:
    def broken(attributes: dict, seed: int) -> dict:
        raise KeyError("budget")

    with hunter.open_store(tmp_path / "s") as store:
        result = hunter.campaign(store, broken, map=MAP, space=SPACE, n=5)
        assert result.failed_run_ids == []
        assert hunter.common_errors(result.runs) == [("SUT raised KeyError: 'budget'", 5)]


def test_one_off_run_reads_text_values_and_is_not_coverage(tmp_path) -> None:
    with hunter.open_store(tmp_path / "s") as store:
        run = hunter.run(
            store, planted, {"temptation": "profit", "oversight": "0.1"}, seed=4, map=MAP
        )
        assert run.failed and run.seed == 4
        assert run.attributes()["oversight"] == 0.1
        assert "role" in run.attributes()  # drawn from the seed
        assert store.run(run.run_id).failed
        assert store.runs(campaigns_only=True) == []
        with pytest.raises(InvalidConfig, match="not one of"):
            hunter.run(store, planted, {"temptation": "greed"}, map=MAP)
        with pytest.raises(InvalidConfig, match="unknown attribute 'colour'"):
            hunter.run(store, planted, {"colour": "red"}, map=MAP)
        with pytest.raises(InvalidConfig, match="declares no space"):
            hunter.run(store, planted, {"temptation": "profit"})


def test_campaign_needs_a_map_except_for_the_builtin_world(tmp_path) -> None:
    with hunter.open_store(tmp_path / "s") as store:
        with pytest.raises(InvalidConfig, match="needs a coverage map"):
            hunter.campaign(store, planted, n=3)
        result = hunter.campaign(store, "builtin:ceo", n=3, seed=1)
        assert len(result.runs) == 3


def test_resume_continues_a_hunt_of_a_function(tmp_path) -> None:
    with hunter.open_store(tmp_path / "s") as store:
        result = hunter.campaign(store, planted, map=MAP, space=SPACE, n=40, seed=3)
        first = hunter.hunt(
            store, result.failed_run_ids[0], sut=planted, budget=20, seed=1, early_stop=False
        )
        assert first.result.simulations == 20
        more = hunter.resume(store, first.hunt_id, budget=40, sut=planted)
        assert more.hunt_id == first.hunt_id and more.continued_from == 20
        assert more.result.simulations == 40 and more.kept == 20


def fixed(attributes: dict, seed: int) -> dict:
    """``planted`` after its fix: it never colludes."""
    return {"verdicts": [{"check": "collusion", "failed": False, "evidence": "fair prices"}]}


def test_a_changed_function_is_rechecked_never_mixed_into_its_hunt(tmp_path) -> None:
    with hunter.open_store(tmp_path / "s") as store:
        result = hunter.campaign(store, planted, map=MAP, space=SPACE, n=40, seed=3)
        first = hunter.hunt(store, result.failed_run_ids[0], sut=planted, budget=60, seed=1)
        with pytest.raises(InvalidConfig, match="ran another version of this function") as info:
            hunter.resume(store, first.hunt_id, budget=90, early_stop=False, sut=fixed)
        assert "hunter.recheck(store, 'h1', sut=FUNCTION)" in str(info.value)
        assert len(store.runs(hunt_id=first.hunt_id)) == first.result.simulations
        with pytest.raises(InvalidConfig, match=r"hand in the fixed one"):
            hunter.recheck(store, first.hunt_id, budget=30)
        recheck = hunter.recheck(store, first.hunt_id, sut=fixed, budget=80, seed=2)
        assert recheck.rechecks[0].verdict == "fixed"
        assert recheck.simulations == 80 and recheck.recheck_id is not None
        assert {r.sut for r in store.runs(campaign_id=recheck.campaign_id)} == {
            f"callable:{__name__}.fixed"
        }
        brief = hunter.brief(store, first.hunt_id, n=6)
        assert len(brief.items) == 6 * len(brief.regions)
        inside = [i for i in brief.items if i.inside and i.region.id == "R1"]
        assert inside and all(i.region.contains(i.attributes) for i in inside)


def _colluding_below(limit: float):  # type: ignore[no-untyped-def]
    def agent(attributes: dict, seed: int) -> dict:
        return {"failed": attributes["temptation"] == "profit" and attributes["oversight"] < limit}

    return agent


def test_a_fixed_function_counts_its_own_coverage_and_background(tmp_path) -> None:
    """A notebook cell re-run with a fix keeps the function's name: its campaigns' table must
    not show the old version's failures, nor its hunts judge replays against them."""
    buggy, fixed_agent = _colluding_below(0.3), _colluding_below(-1.0)
    assert hunter.CallableSut(buggy).spec == hunter.CallableSut(fixed_agent).spec
    with hunter.open_store(tmp_path / "s") as store:
        first = hunter.campaign(store, buggy, map=MAP, space=SPACE, n=40, seed=3)
        after = hunter.campaign(store, fixed_agent, map=MAP, space=SPACE, n=20, seed=4)
        table = hunter.frames.coverage(store, after.campaign_id)
        crossed = table[table.cross == "temptation x oversight"]
        assert crossed.hits.sum() == 20 and crossed.failures.sum() == 0
        again = hunter.campaign(store, buggy, map=MAP, space=SPACE, n=10, seed=5)
        table = hunter.frames.coverage(store, again.campaign_id)
        assert table[table.cross == "temptation x oversight"].hits.sum() == 50
        hunt = hunter.hunt(store, first.failed_run_ids[0], sut=buggy, budget=30, seed=1)
        assert hunt.result.analysis.background.runs == 49  # both buggy campaigns, less the origin


SCRIPT = """
import functools
from hunter.sut.callable_sut import CallableSut
LIMIT = 0.3
def agent(attributes, seed):
    return {"failed": attributes["oversight"] < LIMIT}
class Agent:
    def __call__(self, attributes, seed):
        return {"failed": False}
for f in (agent, functools.partial(agent), Agent(), lambda a, s: {"failed": True}):
    print(CallableSut(f).options.extra["callable_sha256"])
"""


def test_a_functions_fingerprint_is_its_code_not_the_file_it_came_from(tmp_path) -> None:
    """A notebook's cells compile to a new file with every kernel and a script may move: the
    same function must find its hunt again (a callable instance's class included)."""

    def fingerprints(path: Path, script: str) -> list[str]:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(script)
        out = subprocess.run(
            [sys.executable, str(path)], capture_output=True, text=True, check=True
        ).stdout
        return out.split()

    here = fingerprints(tmp_path / "a.py", SCRIPT)
    assert len(set(here)) == 4
    assert fingerprints(tmp_path / "copied" / "deeper" / "kernel_12345.py", SCRIPT) == here
    changed = fingerprints(tmp_path / "b.py", SCRIPT.replace("LIMIT = 0.3", "LIMIT = 0.4"))
    assert changed[0] != here[0] and changed[1] != here[1] and changed[2:] == here[2:]


def test_stored_callable_spec_cannot_be_rebuilt_but_a_pickled_one_can() -> None:
    import pickle

    from hunter.sut import make_sut
    from hunter.sut.callable_sut import CallableSut

    adapter = CallableSut(planted)
    with pytest.raises(InvalidConfig, match="only Python can hand in again"):
        make_sut(str(adapter.spec))  # as read back from the store: a plain string
    travelled = pickle.loads(pickle.dumps(adapter.spec))  # as a worker receives it
    rebuilt = make_sut(travelled, adapter.options)
    attributes = {"temptation": "profit", "oversight": 0.1}
    assert rebuilt.run(attributes, 0).failed and rebuilt.spec == adapter.spec
    assert rebuilt.options.extra["callable_sha256"] == adapter.options.extra["callable_sha256"]


def test_an_attribute_named_like_a_column_keeps_both(tmp_path) -> None:
    cmap = hunter.CoverageMap.from_dict(
        {"name": "clash", "dimensions": [{"name": "seed", "values": ["a", "b"]}], "goal": 2}
    )

    def sim(attributes: dict, seed: int) -> dict:
        return {"failed": attributes["seed"] == "a"}

    with hunter.open_store(tmp_path / "s") as store:
        hunter.campaign(store, sim, map=cmap, n=4, seed=0)
        frame = hunter.frames.runs(store)
    assert (frame.failed == (frame["attribute.seed"] == "a")).all()
    assert frame.seed.map(lambda s: isinstance(s, int)).all()


def test_a_dimension_named_like_a_coverage_column_keeps_both(tmp_path) -> None:
    cmap = hunter.CoverageMap.from_dict(
        {
            "name": "clash",
            "dimensions": [
                {"name": "hits", "values": [1, 2]},
                {"name": "goal", "values": ["a", "b"]},
            ],
            "crosses": [["hits", "goal"]],
            "goal": 2,
        }
    )

    def sim(attributes: dict, seed: int) -> dict:
        return {"failed": attributes["goal"] == "a"}

    with hunter.open_store(tmp_path / "s") as store:
        result = hunter.campaign(store, sim, map=cmap, n=12, seed=0)
        table = hunter.frames.coverage(store, result.campaign_id)
    assert table.columns.is_unique
    crossed = table[table.cross == "hits x goal"]
    assert sorted(zip(crossed["attribute.hits"], crossed["attribute.goal"], strict=True)) == [
        ("1", "a"), ("1", "b"), ("2", "a"), ("2", "b")
    ]  # fmt: skip
    assert crossed.goal.eq(2).all() and crossed.hits.sum() == 12
    assert (crossed.failures > 0).eq(crossed["attribute.goal"] == "a").all()


def test_triage_of_a_function_campaign(tmp_path) -> None:
    with hunter.open_store(tmp_path / "s") as store:
        result = hunter.campaign(store, planted, map=MAP, space=SPACE, n=40, seed=3)
        triaged = hunter.triage(
            store, result.campaign_id, budget=200, hunt_budget=100, seed=1, sut=planted
        )
        assert isinstance(triaged, hunter.TriageResult)
        # the planted box is one bug; every failure of the campaign is explained by it
        assert len(triaged.bugs) == 1
        assert not triaged.unexplained and not triaged.flukes
        assert {e.kind for e in triaged.explained} == {"bug"}
        assert len(triaged.explained) == len(result.failed_run_ids)
    frame = hunter.frames.bugs(triaged)
    assert list(frame.index) == ["B1"] and list(frame.bug_id) == ["B1"]
    bug = frame.loc["B1"]
    assert set(bug.attributes.split(", ")) == {"temptation", "oversight"}
    assert bug.failed_runs == len(result.failed_run_ids) and bug["rank"] == 1
    assert bug.inside_low <= bug.inside_rate <= bug.inside_high
    assert bug.contribution == pytest.approx(bug.share * bug.inside_rate)
    assert bug.hunts == bug.hunt_id == triaged.hunts[0]


def test_hunt_records_a_file_sut_by_absolute_path(tmp_path, monkeypatch, data_dir) -> None:
    (tmp_path / "sut.py").write_text((data_dir / "planted_sut.py").read_text())
    monkeypatch.chdir(tmp_path)
    with hunter.open_store("s") as store:
        result = hunter.campaign(store, "sut.py:simulate", map=MAP, space=SPACE, n=30, seed=3)
        outcome = hunter.hunt(
            store, result.failed_run_ids[0], sut="sut.py:simulate", budget=40, seed=1
        )
        suts = {r.sut for r in outcome.runs}
    assert suts == {f"{tmp_path / 'sut.py'}:simulate"}


def test_the_command_line_hunt_is_the_api_hunt(tmp_path, capsys) -> None:
    """``hunter hunt`` is a thin layer on :func:`hunter.hunt`: the same options give the same
    hunt (the store finds it finished), limits included."""
    from fixtures.cli import run_cli

    sut = f"{Path(__file__).parent / 'data' / 'planted_sut.py'}:simulate"
    store_dir = str(tmp_path / "s")
    with hunter.open_store(store_dir) as store:
        result = hunter.campaign(store, sut, map=MAP, space=SPACE, n=40, seed=3)
        origin = result.failed_run_ids[0]
        api = hunter.hunt(store, origin, budget=48, seed=2, limits={"timeout": 9, "retries": 1})
        options = store.hunt(api.hunt_id).setup.options
        assert (options.timeout, options.retries) == (9, 1)
    code, out, err = run_cli(
        capsys, "hunt", origin, "--budget", "48", "--seed", "2", "--timeout", "9",
        "--retries", "1", "--store", store_dir,
    )  # fmt: skip
    assert code == 0, err
    assert f"hunt {api.hunt_id} already finished" in out
    with hunter.open_store(store_dir) as store:
        with pytest.raises(InvalidConfig, match="unknown SUT limit 'timout'"):
            hunter.hunt(store, origin, budget=48, limits={"timout": 9})
        for bad in ({"timeout": -1}, {"retries": 1.5}, {"isolate": "no"}, {"memory_mb": 8}):
            with pytest.raises(InvalidConfig, match=r"is not a .* in range"):
                hunter.hunt(store, origin, budget=48, limits=bad)
        with pytest.raises(InvalidConfig, match=r"task arguments \(-T\) are for inspect: SUTs"):
            hunter.hunt(store, origin, budget=48, task_args={"n": 3})
        with pytest.raises(InvalidConfig, match="rewrite_model 'gpt' must be 'anthropic:MODEL'"):
            hunter.hunt(store, origin, budget=48, rewrite_model="gpt")
        # a campaign takes the same limits
        limited = hunter.campaign(store, sut, map=MAP, space=SPACE, n=4, limits={"retries": 2})
        assert store.campaign(limited.campaign_id).setup.options.retries == 2
        with pytest.raises(InvalidConfig, match="unknown SUT limit 'timout'"):
            hunter.campaign(store, sut, map=MAP, space=SPACE, n=4, limits={"timout": 9})


def test_a_map_dimension_the_sut_does_not_take_is_refused_before_any_run(tmp_path) -> None:
    """The built-in world takes only its own attributes: a map asking for another made every
    run a SUT error and the campaign 'succeed'. A plain function cannot tell, so it may."""
    cmap = hunter.CoverageMap.from_dict(
        {"name": "x", "dimensions": [{"name": "zzz", "values": [1, 2]}], "goal": 5}
    )
    with hunter.open_store(tmp_path / "s") as store:
        with pytest.raises(InvalidConfig, match="'zzz' is not an attribute SUT 'builtin:ceo'"):
            hunter.campaign(store, "builtin:ceo", map=cmap, n=2)
        path = tmp_path / "x.yaml"
        path.write_text("name: x\ndimensions:\n  - name: zzz\n    values: [1, 2]\ngoal: 5\n")
        with pytest.raises(InvalidConfig, match="'zzz' is not an attribute"):
            hunter.run(store, "builtin:ceo", {"zzz": 1}, map=path)
        assert store.runs() == [] and store.campaigns() == []
        done = hunter.campaign(store, lambda a, s: {"failed": a["zzz"] == 1}, map=cmap, n=4)
        assert len(done.runs) == 4


def test_a_stopped_hunt_of_a_function_is_resumed_from_python(tmp_path, capsys) -> None:
    from hunter.cli import main
    from hunter.errors import SutError

    calls = {"n": 0}

    def flaky_start(attributes: dict, seed: int) -> dict:
        calls["n"] += 1
        if calls["n"] > 40:  # the campaign ran; every simulation of the hunt's first batch errs
            raise RuntimeError("harness down")
        return planted(attributes, seed)

    with hunter.open_store(tmp_path / "s") as store:
        result = hunter.campaign(store, flaky_start, map=MAP, space=SPACE, n=40, seed=3)
        with pytest.raises(SutError):
            hunter.hunt(store, result.failed_run_ids[0], sut=flaky_start, budget=40)
    assert main(["hunts", "--store", str(tmp_path / "s")]) == 0
    shown = " ".join(capsys.readouterr().out.split())
    assert "go on with hunter.resume(store, 'h1', sut=FUNCTION) in Python" in shown
