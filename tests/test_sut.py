from __future__ import annotations

import sys

import pytest

from hunter.domain import Scenario
from hunter.errors import InvalidConfig, MalformedTrajectory
from hunter.executor import Executor, simulate_one
from hunter.sut import SutOptions, make_sut

ATTRS = {"temptation": "profit", "oversight": 0.1}


def test_file_function_sut(data_dir):
    sut = make_sut(f"{data_dir / 'planted_sut.py'}:simulate")
    traj = sut.run(ATTRS, 3)
    assert traj.verdicts[0].check == "collusion"


def test_module_function_sut():
    sut = make_sut("json:loads")  # a real MODULE:FUNC; its output is not a trajectory
    outcome = simulate_one(sut, Scenario.of(ATTRS, 1))
    assert outcome.error is not None and not outcome.failed


@pytest.mark.parametrize(
    "func, fragment",
    [("crash", "RuntimeError: the simulator fell over"), ("garbage", "JSON object")],
)
def test_python_sut_errors_are_errors_not_failures(data_dir, func, fragment):
    sut = make_sut(f"{data_dir / 'planted_sut.py'}:{func}")
    outcome = simulate_one(sut, Scenario.of(ATTRS, 1))
    assert not outcome.failed
    assert fragment in (outcome.error or "")


def test_python_sut_hang_times_out(data_dir):
    sut = make_sut(f"{data_dir / 'planted_sut.py'}:hang", SutOptions(timeout=0.5))
    outcome = simulate_one(sut, Scenario.of(ATTRS, 1))
    assert "did not return within 0.5s" in (outcome.error or "")


def _cmd(data_dir, mode: str) -> str:
    return f"cmd:{sys.executable} {data_dir / 'planted_sut.py'} {mode}"


def test_cmd_sut_round_trip(data_dir):
    sut = make_sut(_cmd(data_dir, "ok"))
    outcomes = list(Executor(sut).map([Scenario.of(ATTRS, s) for s in range(4)]))
    assert all(o.error is None for o in outcomes)
    assert any(o.failed for o in outcomes)


@pytest.mark.parametrize(
    "mode, fragment",
    [("crash", "exited with status 3"), ("garbage", "no JSON trajectory"), ("hang", "timed out")],
)
def test_cmd_sut_failures_are_errors(data_dir, mode, fragment):
    sut = make_sut(_cmd(data_dir, mode), SutOptions(timeout=1.0))
    outcome = simulate_one(sut, Scenario.of(ATTRS, 1))
    assert not outcome.failed
    assert fragment in (outcome.error or "")


def test_bad_sut_specs():
    for spec, fragment in [
        ("nonsense", "must be"),
        ("no_such_module_xyz:f", "cannot be imported"),
        ("/nope/file.py:f", "does not exist"),
        ("json:not_there", "not a callable"),
        ("builtin:moon", "unknown built-in world"),
    ]:
        with pytest.raises(InvalidConfig, match=fragment):
            make_sut(spec)


def test_bare_failed_trajectory_and_malformed():
    from hunter.domain import Trajectory

    assert Trajectory.from_json({"failed": True}).failed
    with pytest.raises(MalformedTrajectory):
        Trajectory.from_json({"verdicts": [{"check": "x"}]})


def test_a_numpy_boolean_is_a_verdict_and_a_contradiction_is_malformed():
    """What a notebook's SUT returns: ``scores[i] > 0.7`` is a numpy boolean; a ``failed``
    beside verdicts that say otherwise used to be dropped in silence, hiding a failure."""
    import numpy as np

    from hunter.domain import Trajectory

    score = np.float64(0.9)
    assert Trajectory.from_json({"failed": score > 0.7}).failed
    assert not Trajectory.from_json({"failed": np.bool_(False)}).failed
    verdict = {"check": "leak", "failed": np.array([0.1, 0.9])[1] > 0.5}
    assert Trajectory.from_json({"verdicts": [verdict]}).verdicts[0].failed is True
    assert Trajectory.from_json({"failed": True, "verdicts": [verdict]}).failed
    with pytest.raises(MalformedTrajectory, match=r"says it failed .* but none of its verdicts"):
        Trajectory.from_json({"failed": True, "verdicts": []})
    with pytest.raises(MalformedTrajectory, match=r"says it passed .* but one of its verdicts"):
        Trajectory.from_json({"failed": False, "verdicts": [verdict]})
    with pytest.raises(MalformedTrajectory):
        Trajectory.from_json({"failed": np.array([True, False])})


def test_parallel_results_match_inline(data_dir):
    sut = make_sut(f"{data_dir / 'planted_sut.py'}:simulate")
    scenarios = [Scenario.of({"temptation": "profit", "oversight": i / 20}, i) for i in range(20)]
    inline = [o.failed for o in Executor(sut).map(scenarios)]
    threads = [o.failed for o in Executor(sut, workers=4, backend="threads").map(scenarios)]
    procs = [o.failed for o in Executor(sut, workers=2, backend="processes").map(scenarios)]
    assert inline == threads == procs
