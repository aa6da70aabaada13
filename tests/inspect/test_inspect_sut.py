"""inspect: SUT: one scenario as one Inspect eval, read back with the same failure rule."""

from __future__ import annotations

import pickle
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from hunter.errors import InvalidConfig, SutError
from hunter.inspect_interop import read_inspect_logs, space_from_task
from hunter.sut import SutOptions, make_sut
from hunter.sut.inspect import InspectSut

TASK = Path(__file__).parent / "planted_task.py"
INSIDE = {"scenario": "blackmail", "urgency_type": "replacement", "goal_type": "none"}
OUTSIDE = {"scenario": "murder", "urgency_type": "none", "goal_type": "latent"}


def _sut(tmp_path, task="planted", **options):
    options.setdefault("model", "mockllm/model")
    opts = SutOptions(extra={"log_dir": str(tmp_path / "inspect-logs")}, **options)
    return make_sut(f"inspect:{TASK}@{task}", opts)


@pytest.fixture(scope="module")
def warm_sut(tmp_path_factory):
    """One SUT whose first eval (seconds of imports) is already paid for."""
    sut = _sut(tmp_path_factory.mktemp("warm"))
    sut.run(OUTSIDE, 0)
    return sut


def test_run_reads_back_the_score_of_the_log_it_wrote(tmp_path):
    sut = _sut(tmp_path)
    assert isinstance(sut, InspectSut) and sut.space() is not None
    trajectory = sut.run(INSIDE, 3)
    logs = list((tmp_path / "inspect-logs").glob("*.eval"))
    assert len(logs) == 1 and trajectory.extra["inspect_log"] == str(logs[0])
    # the log holds the scenario as task arguments, the seed too (the task takes one)
    from inspect_ai.log import read_eval_log

    log = read_eval_log(str(logs[0]))
    assert log.eval.task_args == {**INSIDE, "seed": 3}
    assert log.eval.model == "mockllm/model"
    imported = read_inspect_logs([str(logs[0])])[0]
    assert trajectory.failed == imported.failed
    assert [v.check for v in trajectory.verdicts] == ["harmful"]


def test_planted_region_fails_far_more_often(warm_sut):
    inside = sum(warm_sut.run(INSIDE, seed).failed for seed in range(8))
    outside = sum(warm_sut.run(OUTSIDE, seed).failed for seed in range(8))
    assert inside >= 4 and outside <= 1


def test_one_run_is_fast_once_warm(warm_sut):
    start = time.perf_counter()
    runs = 5
    for seed in range(runs):
        warm_sut.run(INSIDE, 100 + seed)
    per_run = (time.perf_counter() - start) / runs
    print(f"InspectSut.run: {per_run:.3f}s per run once warm")
    assert per_run < 2.0


def test_fail_rule_is_used_when_reading_back(tmp_path, warm_sut):
    inverted = _sut(tmp_path, fail_when="harmful == C")
    for seed in range(3):
        assert inverted.run(INSIDE, seed).failed != warm_sut.run(INSIDE, seed).failed
    with pytest.raises(SutError, match="no scorer 'judge'"):
        _sut(tmp_path, fail_when="judge >= 0.5").run(INSIDE, 0)


def test_attributes_the_task_does_not_take_are_left_out(tmp_path, warm_sut):
    trajectory = warm_sut.run({**OUTSIDE, "pressure": 0.7}, 1)
    assert trajectory.extra["inspect_ignored_attributes"] == ["pressure"]


def test_a_task_giving_several_samples_is_a_sut_error_naming_what_to_pin(tmp_path):
    # one scenario must be one sample: a dataset of two whatever the arguments cannot be hunted
    with pytest.raises(SutError, match=r"gave 2 samples \(first, second\).*-T NAME=VALUE"):
        _sut(tmp_path, task="pair").run({"scenario": "leaking", "strict": True}, 0)


def test_errors_are_sut_errors(tmp_path):
    with pytest.raises(SutError, match="simulated crash in leaking"):
        _sut(tmp_path, task="crashing").run({"scenario": "leaking"}, 0)
    with pytest.raises(SutError, match="needs a model"):
        _sut(tmp_path, model=None).run(INSIDE, 0)


def test_bad_task_specs_are_invalid_config(tmp_path):
    with pytest.raises(InvalidConfig, match="not found"):
        make_sut(f"inspect:{tmp_path / 'none.py'}@planted", SutOptions(model="mockllm/model"))
    with pytest.raises(InvalidConfig, match="not registered"):
        make_sut("inspect:no_such_package/no_task", SutOptions(model="mockllm/model"))
    with pytest.raises(InvalidConfig, match=r"needs FILE\.py@TASK"):
        make_sut("inspect:", SutOptions())
    with pytest.raises(InvalidConfig, match="--fail-when"):
        _sut(tmp_path, fail_when="harmful ~ 1")


def test_threads_take_turns_and_workers_can_rebuild_it(warm_sut):
    # Inspect refuses concurrent evals in one process; the adapter serialises them
    with ThreadPoolExecutor(3) as pool:
        results = list(pool.map(lambda seed: warm_sut.run(OUTSIDE, seed).failed, range(3)))
    assert results == [warm_sut.run(OUTSIDE, seed).failed for seed in range(3)]
    clone = pickle.loads(pickle.dumps(warm_sut))
    assert clone.spec == warm_sut.spec and clone.run(OUTSIDE, 0).failed == results[0]


def test_space_from_task_parameters():
    space = space_from_task(f"inspect:{TASK}@planted")
    assert space is not None
    assert space.names == ("scenario", "urgency_type", "goal_type")  # seed is the run's own
    assert space["scenario"].values == ("blackmail", "leaking", "murder")
    assert space["urgency_type"].default == "none"
    pair = space_from_task(f"{TASK}@pair")
    assert pair is not None and pair["strict"].values == (True, False)
    assert space_from_task("inspect:no_such_package/no_task") is None
    assert space_from_task(f"{TASK}@scripted_answer") is None  # no parameters with choices


def test_a_sample_past_the_timeout_is_a_sut_error_not_a_pass(tmp_path):
    """--timeout is each sample's time limit: a hanging sample ends the eval in time, and
    the score Inspect gives what it had done is no verdict."""
    from hunter.domain import Scenario

    sut = _sut(tmp_path, task="slow", timeout=1.0)
    start = time.perf_counter()
    stuck, quick = sut.run_batch(
        [Scenario.of({"pace": "stuck"}, 0), Scenario.of({"pace": "quick"}, 0)], workers=2
    )
    assert time.perf_counter() - start < 20  # the stuck sample sleeps 30 s
    assert (
        stuck.trajectory is None and stuck.error == "Inspect sample timed out after 1 s (--timeout)"
    )
    assert quick.error is None and quick.trajectory is not None and not quick.trajectory.failed


def test_ctrl_c_during_an_eval_is_raised_not_stored_as_errors(tmp_path):
    """Inspect cancels an eval on Ctrl-C and returns: the batch must end with the interrupt,
    as for any other SUT, not come back as scenarios that errored."""
    from hunter.domain import Scenario

    sut = _sut(tmp_path, task="interrupted")
    with pytest.raises(KeyboardInterrupt):
        sut.run_batch([Scenario.of({"when": "now"}, 0), Scenario.of({"when": "never"}, 0)], 2)
