"""Inspect AI interop end to end through the CLI: a log imported, a failed sample hunted."""

from __future__ import annotations

import json
import shlex
from pathlib import Path

from hunter.cli import main
from hunter.store import Store

MAP = """
name: agentic-misalignment
version: 1
dimensions:
  - name: scenario
    values: [blackmail, leaking, murder]
  - name: urgency_type
    values: [replacement, restriction, none]
  - name: goal_type
    values: [explicit, latent, none]
crosses:
  - [scenario, goal_type]
goal: 5
"""


def test_corrupt_log_is_one_line_and_stores_nothing(tmp_path, capsys, eval_log):
    bad = tmp_path / "broken.eval"
    bad.write_bytes(b"PK\x03\x04 this is not a zip")
    store = tmp_path / "store"
    code = main(["import", "inspect", eval_log[0], str(bad), "--store", str(store)])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "broken.eval" in err
    with Store(store) as s:
        assert s.runs() == []


def test_import_then_hunt_through_inspect(tmp_path, capsys, eval_log):
    map_path = tmp_path / "map.yaml"
    map_path.write_text(MAP)
    store = str(tmp_path / "store")
    code = main(
        ["import", "inspect", *eval_log, "--map", str(map_path), "--json", "--store", store]
    )
    imported = json.loads(capsys.readouterr().out)
    assert code == 0 and imported["runs"] == 6 and imported["errors"] == 0
    assert imported["failed_run_ids"] and imported["skipped"] == 0
    # the same logs again store nothing twice
    code = main(["import", "inspect", *eval_log, "--json", "--store", store])
    again = json.loads(capsys.readouterr().out)
    assert code == 0 and (again["runs"], again["skipped"], again["campaign_ids"]) == (0, 6, [])
    origin = imported["failed_run_ids"][0]
    code = main(["show", origin, "--json", "--store", store])
    shown = json.loads(capsys.readouterr().out)
    assert shown["inspect_sample_uuid"] and shown["sut"].startswith("inspect:")
    code = main(["hunt", origin, "--budget", "45", "--seed", "2", "--json", "--store", store])
    result = json.loads(capsys.readouterr().out)
    assert code == 0, result
    assert result["verdict"] == "bug"
    top = result["regions"][0]
    assert top["constraints"] == {
        "scenario": {"in": ["blackmail"]},
        "urgency_type": {"in": ["replacement"]},
    }
    assert top["label"] == "spec" and top["proposal"]["kind"] == "add_cross"
    # the perturbed runs are Inspect logs too, under the store folder
    assert list((Path(store) / "inspect-logs").glob("*.eval"))


def test_a_campaign_and_a_recheck_of_an_inspect_task_write_tagged_logs(tmp_path, capsys):
    """``hunter campaign --model`` runs an Inspect task, and every eval a campaign or a recheck
    writes lands under the store, tagged with it and naming its run, as a hunt's do."""
    from inspect_ai.log import read_eval_log

    from hunter.sut.inspect import LOG_FOLDER

    map_path = tmp_path / "map.yaml"
    map_path.write_text(MAP)
    store = str(tmp_path / "store")
    sut = f"inspect:{Path(__file__).parent / 'planted_task.py'}@planted"
    args = ["--sut", sut, "--model", "mockllm/model", "--map", str(map_path), "--json"]
    code = main(["campaign", *args, "--n", "27", "--seed", "1", "--store", store])
    campaign = json.loads(capsys.readouterr().out)
    assert code == 0 and campaign["errors"] == 0, campaign
    logs = {str(p) for p in (Path(store) / LOG_FOLDER).glob("*.eval")}
    with Store(store) as s:
        runs = s.runs(campaign_id=campaign["campaign_id"])
    assert {r.extra["inspect_log"] for r in runs} == logs
    for run in runs:
        header = read_eval_log(run.extra["inspect_log"], header_only=True)
        assert f"campaign:{campaign['campaign_id']}" in header.tags
        assert header.metadata["hunter_run_id"] == run.run_id
    origin = next(r for r in runs if r.failed and r.attributes()["scenario"] == "blackmail")
    hunt_args = ["hunt", origin.run_id, "--budget", "45", "--seed", "2", "--json"]
    code = main([*hunt_args, "--store", store])
    hunt = json.loads(capsys.readouterr().out)
    assert code == 0 and hunt["verdict"] == "bug", hunt
    code = main(["recheck", hunt["hunt_id"], "--budget", "12", "--json", "--store", store])
    recheck = json.loads(capsys.readouterr().out)
    assert code == 0, recheck
    with Store(store) as s:
        rechecked = s.runs(campaign_id=recheck["campaign_id"])
    assert len(rechecked) == 12
    for run in rechecked:
        header = read_eval_log(run.extra["inspect_log"], header_only=True)
        assert f"recheck:{hunt['hunt_id']}" in header.tags
        assert header.metadata["hunter_run_id"] == run.run_id


def test_one_run_of_an_inspect_task_with_a_model(tmp_path, capsys, monkeypatch):
    """``hunter run`` of an Inspect task writes its eval under the store, as a campaign does,
    naming its run; never into the folder it was started from."""
    from inspect_ai.log import read_eval_log

    monkeypatch.chdir(tmp_path)
    sut = f"inspect:{Path(__file__).parent / 'planted_task.py'}@planted"
    attributes = "scenario=blackmail,urgency_type=replacement,goal_type=none"
    code = main(
        ["run", "--sut", sut, "--model", "mockllm/model", "--attributes", attributes,
         "--json", "--store", str(tmp_path / "store")]
    )  # fmt: skip
    run = json.loads(capsys.readouterr().out)
    assert code == 0 and run["error"] is None, run
    assert run["attributes"]["scenario"] == "blackmail"
    assert not (tmp_path / "inspect-logs").exists()
    (log,) = (tmp_path / "store" / "inspect-logs").glob("*.eval")
    header = read_eval_log(str(log), header_only=True)
    assert header.metadata["hunter_run_id"] == run["run_id"]
    assert f"campaign:{run['campaign_id']}" in header.tags


def test_ctrl_c_during_a_hunt_stops_it_resumable_with_nothing_of_the_batch_stored(tmp_path, capsys):
    """Exit 130 as for other SUTs: the interrupted batch is not stored as SUT errors, and the
    hunt stays unfinished, so the same command resumes it."""
    from inspect_ai import eval as inspect_eval

    task = f"{Path(__file__).parent / 'planted_task.py'}@interrupted"
    logs = inspect_eval(
        task, model="mockllm/model", log_dir=str(tmp_path / "logs"), task_args={"when": "never"}
    )
    store = str(tmp_path / "store")
    code = main(["import", "inspect", str(logs[0].location), "--json", "--store", store])
    (origin,) = json.loads(capsys.readouterr().out)["failed_run_ids"]
    code = main(["hunt", origin, "--budget", "16", "--json", "--store", store])
    err = capsys.readouterr().err
    assert code == 130 and "interrupted" in err, err
    with Store(store) as s:
        (hunt,) = s.hunts()
        assert hunt.status == "running" and s.runs(hunt_id=hunt.hunt_id) == []


def test_a_hunt_binds_the_model_roles_of_the_imported_eval(tmp_path, capsys):
    """make_me_pay's mark, a grader: a task's role model is bound on every re-run as the
    imported eval bound it, or each scenario falls back to the task's default model."""
    from inspect_ai import eval as inspect_eval

    task = f"{Path(__file__).parent / 'planted_task.py'}@marked"
    logs = inspect_eval(
        task,
        model="hunterfake/echo",
        model_roles={"mark": "hunterfake/echo"},
        task_args={"tone": "urgent"},
        log_dir=str(tmp_path / "logs"),
        display="none",
    )
    store = str(tmp_path / "store")
    code = main(["import", "inspect", str(logs[0].location), "--json", "--store", store])
    imported = json.loads(capsys.readouterr().out)
    assert code == 0 and imported["failed_run_ids"] == ["r1"]
    code = main(["hunt", "r1", "--budget", "48", "--json", "--store", store])
    result = json.loads(capsys.readouterr().out)
    assert code == 0, result
    assert result["errors"] == 0 and result["verdict"] == "bug" and result["regions"]
    # the report's command simulates the minimal scenario as the hunt did: roles, model, rule
    code = main(["report", result["hunt_id"], "--store", store])
    report = capsys.readouterr().out
    command = next(line for line in report.splitlines() if "hunter run --like r1" in line)
    args = shlex.split(command[command.index("hunter run") : command.rindex(store) + len(store)])
    code = main([*args[1:], "--json"])
    again = json.loads(capsys.readouterr().out)
    assert code == 0 and again["error"] is None and again["failed"], again


def test_a_relative_task_file_is_recorded_by_absolute_path(tmp_path, capsys, monkeypatch):
    """``--sut inspect:tasks/x.py@TASK`` given from the project's folder: ``run --like`` and a
    hunt started from another folder still find the task file."""
    project, elsewhere = tmp_path / "project", tmp_path / "elsewhere"
    (project / "tasks").mkdir(parents=True)
    elsewhere.mkdir()
    task_file = project / "tasks" / "x.py"
    task_file.write_text((Path(__file__).parent / "planted_task.py").read_text())
    store = str(tmp_path / "store")
    monkeypatch.chdir(project)
    inside = "scenario=blackmail,urgency_type=replacement,goal_type=explicit"
    runs = []
    for seed in range(3):  # the planted region fails four times in five
        given = ["--attributes", inside, "--seed", str(seed), "--json", "--store", store]
        code = main(
            ["run", "--sut", "inspect:tasks/x.py@planted", "--model", "mockllm/model", *given]
        )
        runs.append(json.loads(capsys.readouterr().out))
        assert code == 0 and runs[-1]["error"] is None
    assert {run["sut"] for run in runs} == {f"inspect:{task_file}@planted"}
    failed = next(run["run_id"] for run in runs if run["failed"])
    code = main(["hunt", failed, "--sut", "inspect:tasks/x.py@planted", "--budget", "8",
                 "--json", "--store", store])  # fmt: skip
    hunt_id = json.loads(capsys.readouterr().out)["hunt_id"]
    with Store(store) as s:
        assert s.hunt(hunt_id).setup.sut == f"inspect:{task_file}@planted"
    monkeypatch.chdir(elsewhere)
    code = main(["run", "--like", runs[0]["run_id"], "--attributes", inside, "--seed", "0",
                 "--json", "--store", store])  # fmt: skip
    captured = capsys.readouterr()
    again = json.loads(captured.out)
    assert code == 0 and again["error"] is None, captured.err
    assert again["failed"] == runs[0]["failed"] and again["sut"] == runs[0]["sut"]
