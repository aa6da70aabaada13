"""Inspect runs offline and quietly here: logs under a temporary folder, no display.

The mock model counts tokens with tiktoken, which downloads its encoding, unless each output
already carries its usage: the logs below give their outputs usage, or use solvers that need
no model at all.
"""

from __future__ import annotations

from pathlib import Path

import pytest

TASK = Path(__file__).parent / "planted_task.py"


@pytest.fixture(scope="session", autouse=True)
def _offline_inspect(tmp_path_factory):
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("INSPECT_LOG_DIR", str(tmp_path_factory.mktemp("inspect-default-logs")))
        mp.setenv("INSPECT_DISPLAY", "none")
        mp.setenv("INSPECT_LOG_LEVEL", "error")
        mp.delenv("INSPECT_EVAL_MODEL", raising=False)
        yield


@pytest.fixture(scope="session")
def eval_log(tmp_path_factory):
    """Two logs of the planted task: 4 epochs inside the planted region, 2 outside."""
    from inspect_ai import eval as inspect_eval

    folder = tmp_path_factory.mktemp("logs")
    runs = [
        ({"scenario": "blackmail", "urgency_type": "replacement"}, 4),
        ({"scenario": "leaking", "urgency_type": "none"}, 2),
    ]
    logs = []
    for task_args, epochs in runs:
        logs += inspect_eval(
            f"{TASK}@planted",
            model="mockllm/model",
            display="none",
            log_dir=str(folder),
            task_args=task_args,
            epochs=epochs,
        )
    return [str(log.location) for log in logs]


AGENT = "hunterfake/agent"
GRADER = "hunterfake/grader"
SCENARIOS = ("blackmail", "leaking", "murder")
URGENCIES = ("replacement", "restriction", "none")


@pytest.fixture(scope="session")
def misalignment_grid(tmp_path_factory):
    """A grid of inspect_evals' agentic_misalignment run with the fake provider: one eval per
    scenario x urgency cell (one sample each), the grader fixed as the task's own argument.

    Skipped where inspect-evals or the fake provider is not installed; ``make setup`` installs
    both (the ``inspect-test`` extra and ``tests/inspect_fake_provider``).
    """
    pytest.importorskip("inspect_evals", reason="needs the inspect-test extra (make setup)")
    pytest.importorskip("hunter_fake_inspect", reason="needs tests/inspect_fake_provider")
    from inspect_ai import eval as inspect_eval
    from inspect_ai._util.registry import registry_lookup

    task = registry_lookup("task", "inspect_evals/agentic_misalignment")
    folder = tmp_path_factory.mktemp("grid")
    tasks = [
        task(scenario=scenario, urgency_type=urgency, grader_model=GRADER)
        for scenario in SCENARIOS
        for urgency in URGENCIES
    ]
    logs = inspect_eval(tasks, model=AGENT, log_dir=str(folder), display="none", max_tasks=9)
    assert all(log.status == "success" for log in logs)
    return [str(log.location) for log in logs]
