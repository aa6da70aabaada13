"""Every way a SUT can end or poison its process is one simulation's recorded error."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time

import psutil
import pytest
from reliability.helpers import HOSTILE, hostile, run_cli

from hunter.store import Store

ENDINGS = {
    "exits": "SUT called sys.exit(3)",
    "os_exits": "SUT process ended with exit code 7",
    "killed": "SUT process was killed (SIG",
    "interrupts": "SUT raised KeyboardInterrupt",
}


def _stored(store: str, result: dict | None = None) -> tuple[list, list]:
    with Store(store) as s:
        runs = s.runs(campaign_id=result["campaign_id"] if result else None)
    return runs, [r for r in runs if r.error is not None]


@pytest.mark.parametrize("workers", ["1", "2"])
@pytest.mark.parametrize("func", sorted(ENDINGS))
def test_a_sut_ending_its_process_is_an_error_and_the_campaign_goes_on(campaign_of, func, workers):
    code, result, err, store = campaign_of(hostile(func), 8, "--workers", workers)
    assert code == 0, err
    runs, errors = _stored(store)
    assert len(runs) == 8 == result["runs"]
    assert errors and len(errors) < 8
    for run in errors:
        assert not run.failed
        # Now and then the fork server reports a child's end as exit code 255
        # (hunter.sut.isolation._STATUS_LOST); the message then says it cannot tell how.
        lost = func in {"killed", "os_exits"} and "fork server could not report how" in run.error
        assert ENDINGS[func] in run.error or lost, run.error
    assert all(r.seed % 2 == 0 for r in runs if r.error is None)


def test_memory_and_trajectory_limits_have_clear_messages(campaign_of, tmp_path):
    code, _, err, store = campaign_of(
        hostile("eats_memory"), 4, "--memory-limit", "200", "--timeout", "30"
    )
    assert code == 0, err
    _, errors = _stored(store)
    assert errors and all("memory" in r.error for r in errors)
    code, result, err, store = campaign_of(hostile("huge"), 4, "--max-trajectory-mb", "1")
    assert code == 0, err
    runs, errors = _stored(store, result)
    assert errors and all("over the 1 MB limit (--max-trajectory-mb)" in r.error for r in errors)
    assert all(len(str(r.to_json())) < 2**20 for r in runs)


def test_a_hanging_python_sut_is_killed_at_its_timeout(campaign_of):
    start = time.monotonic()
    code, _, err, store = campaign_of(hostile("hangs"), 4, "--timeout", "1")
    assert code == 0, err
    _, errors = _stored(store)
    assert errors and all("did not return within 1s" in r.error for r in errors)
    assert time.monotonic() - start < 30


def test_transient_errors_are_retried_and_attempts_recorded(campaign_of):
    code, _, err, store = campaign_of(hostile("flaky"), 4, "--retries", "2")
    assert code == 0, err
    runs, errors = _stored(store)
    assert not errors
    assert {r.extra.get("attempts") for r in runs} == {2}
    code, result, err, store = campaign_of(hostile("flaky"), 4, "--retries", "0")
    runs, errors = _stored(store, result)
    assert len(errors) == 2  # every other call is overloaded
    assert all("OverloadedError" in r.error for r in errors)


def test_a_hunt_over_a_sut_that_exits_finishes(campaign_of, capsys):
    code, result, err, store = campaign_of(hostile("os_exits"), 12)
    assert code == 0, err
    origin = result["failed_run_ids"][0]
    code, _out, err = run_cli(
        capsys, "hunt", origin, "--budget", "24", "--workers", "2", "--json", "--store", store
    )
    assert code == 0, err
    with Store(store) as s:
        hunt = s.hunts()[-1]
        runs = s.runs(hunt_id=hunt.hunt_id)
    assert hunt.status == "done"
    assert any(r.error and "exit code 7" in r.error for r in runs)


def test_cmd_sut_background_child_neither_times_out_nor_survives(campaign_of):
    sut = f"cmd:{sys.executable} {HOSTILE} background"
    start = time.monotonic()
    code, _, err, store = campaign_of(sut, 3, "--timeout", "20")
    assert code == 0, err
    runs, errors = _stored(store)
    assert len(runs) == 3 and not errors
    assert time.monotonic() - start < 20
    time.sleep(0.2)
    sleepers = [
        p
        for p in psutil.process_iter(["cmdline"])
        if "time.sleep(30)" in " ".join(p.info["cmdline"] or [])
    ]
    assert not sleepers


def test_cmd_sut_tempfail_is_retried(campaign_of):
    code, _, err, store = campaign_of(
        f"cmd:{sys.executable} {HOSTILE} tempfail", 2, "--retries", "1"
    )
    assert code == 0, err
    _, errors = _stored(store)
    assert len(errors) == 2 and all("after 2 attempts" in r.error for r in errors)


def test_workers_end_when_hunter_is_killed(tmp_path):
    script = textwrap.dedent(
        f"""
        import sys
        from hunter.domain import Scenario
        from hunter.executor import Executor
        from hunter.sut import SutOptions, make_sut
        if __name__ == "__main__":
            sut = make_sut({hostile("hangs")!r}, SutOptions(timeout=600))
            ex = Executor(sut, workers=2)
            print("started", flush=True)
            list(ex.map([Scenario.of({{}}, 1), Scenario.of({{}}, 3)]))
        """
    )
    path = tmp_path / "victim.py"
    path.write_text(script)
    proc = subprocess.Popen([sys.executable, str(path)], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "started"
    deadline = time.monotonic() + 30
    children: list[psutil.Process] = []
    while time.monotonic() < deadline and len(children) < 3:  # the fork server and two workers
        time.sleep(0.2)
        children = psutil.Process(proc.pid).children(recursive=True)
    assert len(children) >= 3
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    _, alive = psutil.wait_procs(children, timeout=10)
    assert not alive


def test_cmd_naming_a_missing_program_is_bad_input(campaign_of, tmp_path):
    code, _, err, _store = campaign_of("cmd:no-such-program-xyz --flag", 2)
    assert code == 2 and "not found" in err and len(err.strip().splitlines()) == 1
