"""``hunter hunts``, ``hunter runs`` filters, ``hunter run`` and error summaries on the CLI."""

from __future__ import annotations

import json

import pytest
from fixtures.cli import planted_campaign, run_cli


@pytest.fixture
def store(tmp_path, capsys, data_dir, planted_sut) -> str:
    folder = str(tmp_path / "store")
    planted_campaign(capsys, folder, data_dir, planted_sut, 30)
    return folder


def test_runs_is_one_line_each_and_filters(store, capsys) -> None:
    code, out, _ = run_cli(capsys, "runs", "--store", store)
    assert code == 0
    lines = out.strip().splitlines()
    # a header, one line per run, the count, then which failed runs are known bugs or new
    assert all(line.split()[0] == f"r{i}" for i, line in enumerate(lines[1:31], start=1))
    assert lines[31].startswith("30 runs: ")
    assert lines[32:] == [line for line in lines[32:] if line.startswith(("known bugs", "new"))]
    code, out, _ = run_cli(capsys, "runs", "--limit", "4", "--campaign", "c1", "--store", store)
    assert code == 0
    rows = out.strip().splitlines()[1:5]
    assert [r.split()[0] for r in rows] == ["r27", "r28", "r29", "r30"]
    assert out.strip().splitlines()[5].startswith("the latest 4 of 30 runs")
    code, out, _ = run_cli(capsys, "runs", "--failed", "--json", "--store", store)
    assert code == 0 and all(r["failed"] for r in json.loads(out))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("runs", "--campaign", "c9"), "unknown campaign ID 'c9'"),
        (("runs", "--hunt", "h9"), "unknown hunt ID 'h9'"),
        (("runs", "--limit", "0"), "'--limit'"),
        (("run", "--sut", "builtin:ceo", "--attributes", "oversight"), "is not NAME=VALUE"),
        (("run", "--sut", "builtin:ceo", "--attributes", "oversight=x"), "is not a number"),
        (("run", "--sut", "builtin:ceo", "--attributes", "colour=red"), "unknown attribute"),
        (("run", "--sut", "builtin:ceo", "--attributes", "a=1,a=2"), "given twice"),
        (("run", "--sut", "builtin:ceo", "--attributes", "{bad"), "not a JSON object"),
        (("run", "--sut", "builtin:ceo", "--timeout", "0"), "'--timeout'"),
        (("run", "--attributes", "a=1"), "Missing option '--sut'"),
    ],
)
def test_bad_input_is_one_line_exit_2(store, capsys, args, message) -> None:
    code, _, err = run_cli(capsys, *args, "--store", store)
    assert code == 2
    assert err.count("\n") == 1 and message in err


def test_hunts_lists_every_hunt(store, capsys) -> None:
    code, out, _ = run_cli(capsys, "hunts", "--store", store)
    assert code == 0 and "no hunts" in out
    failed = [
        r["run_id"]
        for r in json.loads(run_cli(capsys, "runs", "--failed", "--json", "--store", store)[1])
    ]
    code, _, err = run_cli(capsys, "hunt", failed[0], "--budget", "40", "--store", store)
    assert code == 0, err
    code, out, _ = run_cli(capsys, "hunts", "--json", "--store", store)
    (row,) = json.loads(out)
    assert row["hunt_id"] == "h1" and row["run_id"] == failed[0] and row["status"] == "done"
    assert row["verdict"] in {"bug", "fluke", "inconclusive"}
    assert row["simulations"] <= 40 and row["stop_reason"]
    code, out, _ = run_cli(capsys, "hunts", "--store", store)
    assert out.splitlines()[0].split() == [
        "hunt",
        "run",
        "status",
        "verdict",
        "sims",
        "regions",
        "stopped",
    ]
    assert out.splitlines()[1].split()[:3] == ["h1", failed[0], "done"]


def test_a_hunt_no_process_runs_is_listed_as_stopped(store, capsys, data_dir) -> None:
    failed = json.loads(run_cli(capsys, "runs", "--failed", "--json", "--store", store)[1])
    crash = f"{data_dir / 'planted_sut.py'}:crash"
    args = ("hunt", failed[0]["run_id"], "--sut", crash, "--budget", "40", "--store", store)
    assert run_cli(capsys, *args)[0] == 2  # every simulation of its first batch erred
    (row,) = json.loads(run_cli(capsys, "hunts", "--json", "--store", store)[1])
    assert row["status"] == "running" and row["live"] is False
    out = run_cli(capsys, "hunts", "--store", store)[1]
    assert out.splitlines()[1].split()[:3] == ["h1", failed[0]["run_id"], "stopped"]
    assert "hunter hunt --resume h1" in out


def test_run_stores_one_scenario_and_shows_it(tmp_path, capsys) -> None:
    store = str(tmp_path / "s")
    args = ["run", "--sut", "builtin:ceo", "--seed", "5", "--store", store]
    given = "temptation_type=profit,oversight=0.1,monitoring_control=agent"
    code, out, err = run_cli(capsys, *args, "--attributes", given, "--json")
    assert code == 0, err
    run = json.loads(out)
    assert run["seed"] == 5 and run["attributes"]["oversight"] == 0.1
    assert run["attributes"]["monitoring_control"] == "agent"
    # the same scenario and seed again is the same simulation
    code, out, _ = run_cli(capsys, *args, "--attributes", json.dumps(run["attributes"]))
    assert code == 0
    assert out.startswith(
        f"run r2 {'FAILED' if run['failed'] else 'passed'}  sut builtin:ceo  seed 5"
    )
    code, out, _ = run_cli(capsys, "show", "r2", "--json", "--store", store)
    again = json.loads(out)
    assert again["verdicts"] == run["verdicts"] and again["attributes"] == run["attributes"]
    # --like: as run r1 was simulated, the scenario given
    same = json.dumps(run["attributes"])
    code, out, _ = run_cli(capsys, "run", "--like", "r1", "--seed", "5", "--attributes", same,
                           "--json", "--store", store)  # fmt: skip
    assert code == 0 and json.loads(out)["verdicts"] == run["verdicts"]
    code, _, err = run_cli(capsys, "run", "--like", "r1", "--sut", "builtin:ceo", "--store", store)
    assert code == 2 and "leave out --sut" in err
    code, _, err = run_cli(capsys, "run", "--store", store)
    assert code == 2 and "--like RUN_ID" in err


def test_campaign_prints_its_most_frequent_errors(tmp_path, capsys, data_dir) -> None:
    sut = tmp_path / "flaky.py"
    sut.write_text(
        "def sim(attributes, seed):\n"
        "    if seed % 2:\n"
        "        raise KeyError('budget')\n"
        "    return {'failed': False}\n"
    )
    code, out, err = run_cli(
        capsys,
        "campaign",
        "--sut",
        f"{sut}:sim",
        "--map",
        str(data_dir / "planted_map.yaml"),
        "--n",
        "12",
        "--store",
        str(tmp_path / "s"),
    )
    assert code == 0, err
    errors = sum(1 for line in out.splitlines() if "KeyError" in line)
    assert errors == 1  # one line for the message, with its count
    summary = out[out.index("most frequent errors") :].splitlines()
    count, message = summary[1].split(None, 1)
    assert message == "SUT raised KeyError: 'budget'"
    assert f"{count} errors" in out


def test_runs_of_a_python_function_are_hunted_from_python_only(tmp_path, capsys, data_dir) -> None:
    import hunter

    def sim(attributes: dict, seed: int) -> dict:
        return {"failed": attributes["oversight"] < 0.5}

    folder = tmp_path / "s"
    with hunter.open_store(folder) as store:
        result = hunter.campaign(store, sim, map=data_dir / "planted_map.yaml", n=6, seed=1)
    failed = result.failed_run_ids[0]
    code, out, _ = run_cli(capsys, "runs", "--store", str(folder))
    assert code == 0 and "6 runs" in out
    code, _, err = run_cli(capsys, "hunt", failed, "--store", str(folder))
    assert code == 2 and err.count("\n") == 1
    assert "only Python can hand in again: hunter.hunt(store, RUN_ID, sut=FUNCTION)" in err


def test_errors_that_share_a_long_beginning_show_where_they_differ() -> None:
    from hunter.cli.app import _distinct

    head = "Inspect task 'inspect_evals/agentic_misalignment' failed to build: goal value"
    lines = [f"{head} 'x' is not ethical", f"{head} 'y' is not global"]
    shown = _distinct(lines)
    assert shown == [
        "Inspect task 'inspect_ev ... 'x' is not ethical",
        "Inspect task 'inspect_ev ... 'y' is not global",
    ]
    assert _distinct(["a short one", "a short two"]) == ["a short one", "a short two"]
    assert _distinct([lines[0]]) == [lines[0]]
