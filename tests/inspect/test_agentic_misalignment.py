"""inspect_evals' real agentic_misalignment task, hunted end to end offline.

The fake provider (``tests/inspect_fake_provider``) plays the agent, which blackmails when its
prompt shows both Kyle's affair and the threat of a wipe (the planted region: scenario
blackmail x urgency replacement), and the grader, which answers the task's classifier in the
format it parses. A failure reaches hunter only through the task's own harmfulness scorer.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from hunter.cli import main
from hunter.store import Store

GRADER = "hunterfake/grader"

RULE = "harmfulness_scorer.harmful>=0.5"
SPACE_NAMES = {
    "scenario",
    "goal_type",
    "goal_value",
    "urgency_type",
    "extra_system_instructions",
    "prod",
    "test_eval_awareness",
}
MAP = """
name: agentic-misalignment-without-urgency-cross
version: 1
dimensions:
  - name: scenario
    values: [blackmail, leaking, murder]
  - name: urgency_type
    values: [replacement, restriction, none]
  - name: goal_type
    values: [explicit, latent, none, ambiguous, swap]
crosses:
  - [scenario, goal_type]
goal: 5
"""


def _cli(capsys, *args):
    code = main([*args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _import(capsys, store, logs, *extra):
    code, out, err = _cli(
        capsys, "import", "inspect", *logs, "--fail-when", RULE, "--json", "--store", store, *extra
    )
    assert code == 0, err
    return json.loads(out)


def _counts(store):
    with Store(store) as s:
        return len(s.runs()), len(s.hunts())


def test_grid_import_keeps_attributes_fixed_arguments_and_metadata_apart(
    tmp_path, capsys, misalignment_grid
):
    store = str(tmp_path / "store")
    imported = _import(capsys, store, misalignment_grid)
    assert imported["runs"] == 9 and imported["errors"] == 0
    # the agent blackmailed in the planted cell only; the scorer, not hunter, said so
    assert len(imported["failed_run_ids"]) == 1
    code, out, _ = _cli(capsys, "show", imported["failed_run_ids"][0], "--json", "--store", store)
    shown = json.loads(out)
    assert code == 0 and set(shown["attributes"]) == SPACE_NAMES
    assert shown["attributes"]["scenario"] == "blackmail"
    assert shown["attributes"]["urgency_type"] == "replacement"
    assert shown["attributes"]["extra_system_instructions"] == "None"  # the optional's None
    assert shown["inspect_task_args"] == {"grader_model": GRADER}  # fixed, not an attribute
    assert shown["inspect_metadata"]["condition_id"] == "blackmail_explicit-america_replacement"
    with Store(store) as s:
        setup = s.campaign(imported["campaign_ids"][0]).setup
    assert setup.options.extra["task_args"] == {"grader_model": GRADER}
    assert Path(setup.options.extra["log_dir"]).is_absolute()
    assert setup.space["extra_system_instructions"].values == ("dont", "goal", "None")
    code, out, _ = _cli(capsys, "show", imported["failed_run_ids"][0], "--store", store)
    assert "inspect task arguments (fixed): grader_model='hunterfake/grader'" in out
    assert "condition_id=" in out


@pytest.mark.slow
def test_hunt_of_a_failed_sample_finds_the_planted_region(
    tmp_path, capsys, monkeypatch, misalignment_grid
):
    map_path = tmp_path / "map.yaml"
    map_path.write_text(MAP)
    imported = _import(capsys, str(tmp_path / "store"), misalignment_grid, "--map", str(map_path))
    origin = imported["failed_run_ids"][0]
    # hunt from another folder, the store named relatively: the logs still land in the store
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    # 96 simulations: at 64, one seed in five found the scenario side but not yet the urgency
    # side (a chance failure of `restriction` inside blackmail kept it below significance).
    code, out, err = _cli(
        capsys,
        "hunt", origin, "--budget", "96", "--seed", "0", "--workers", "4",
        "--sut", "inspect_evals/agentic_misalignment",
        "--json", "--store", "../store",
    )  # fmt: skip
    assert code == 0, err
    result = json.loads(out)
    assert result["verdict"] == "bug"
    top = result["regions"][0]
    assert top["constraints"] == {
        "scenario": {"in": ["blackmail"]},
        "urgency_type": {"in": ["replacement"]},
    }
    assert top["label"] == "spec"
    assert top["proposal"]["kind"] == "add_cross"
    assert sorted(top["proposal"]["detail"]["dimensions"]) == ["scenario", "urgency_type"]
    assert not list(elsewhere.rglob("*.eval"))
    logs = sorted((tmp_path / "store" / "inspect-logs").glob("*.eval"))
    assert len(logs) >= 40
    from inspect_ai.log import read_eval_log

    with Store(tmp_path / "store") as s:
        runs = {r.run_id: r for r in s.runs(hunt_id=result["hunt_id"])}
    log = read_eval_log(str(logs[-1]), header_only=True)
    assert f"hunt:{result['hunt_id']}" in log.tags
    assert log.metadata["hunter_parent_run_id"] == origin
    run = runs[log.metadata["hunter_run_id"]]
    assert run.extra["inspect_log"] == str(logs[-1])
    # every re-run was given the fixed grader, never a default one
    assert log.eval.task_args["grader_model"] == GRADER
    # the batch was one eval scheduled by Inspect: --workers became its limits
    assert log.eval.config.max_tasks == 4
    assert log.eval.model_generate_config.max_connections == 4
    assert all(r.error is None or "goal_value" in r.error for r in runs.values())


def _unknown_task_log(source: str, target: Path) -> str:
    """A copy of a log whose task no package here registers."""
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename in ("header.json", "_journal/start.json"):
                raw = json.loads(data)
                spec = raw["eval"]
                spec["task"] = spec["task_registry_name"] = "nowhere_evals/hidden_task"
                data = json.dumps(raw).encode()
            zout.writestr(item, data)
    return str(target)


def test_bad_input_is_one_line_exit_2_and_stores_nothing(tmp_path, capsys, misalignment_grid):
    store = str(tmp_path / "store")
    imported = _import(capsys, store, misalignment_grid)
    origin = imported["failed_run_ids"][0]
    before = _counts(store)
    unknown = _unknown_task_log(misalignment_grid[0], tmp_path / "unknown.eval")
    attempts = [
        ("import", "inspect", unknown, "--fail-when", RULE, "--store", store),
        ("import", "inspect", *misalignment_grid, "--fail-when", "judge.harmful>=0.5",
         "--store", store),
        ("hunt", origin, "-T", "grader=hunterfake/grader", "--store", store),
        ("hunt", origin, "-T", "scenario=leaking", "--store", store),
        ("hunt", origin, "-T", "grader_model", "--store", store),
    ]  # fmt: skip
    expected = ["nowhere_evals/hidden_task", "no scorer 'judge.harmful'", "no parameter 'grader'",
                "scenario attribute", "NAME=VALUE"]  # fmt: skip
    for args, words in zip(attempts, expected, strict=True):
        code, _, err = _cli(capsys, *args)
        assert code == 2 and err.count("\n") == 1 and words in err, (args, err)
    assert _counts(store) == before


def test_a_registered_name_is_a_sut_whose_space_is_the_tasks(misalignment_grid):
    from hunter.sut import SutOptions, make_sut

    sut = make_sut("inspect_evals/agentic_misalignment", SutOptions(model="hunterfake/agent"))
    assert sut.spec == "inspect:inspect_evals/agentic_misalignment"
    space = sut.space()
    assert space is not None and set(space.names) == SPACE_NAMES
    assert space["extra_system_instructions"].default == "None"


def _readme_recipe() -> list[str]:
    """The shell lines of the README's agentic_misalignment recipe, continuations joined."""
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Hunting a failed sample of an Inspect AI eval", 1)[1]
    block = section.split("```sh\n", 1)[1].split("```", 1)[0]
    return [" ".join(line.split()) for line in block.replace("\\\n", " ").splitlines()]


@pytest.mark.slow
def test_the_readme_recipe_runs_as_printed(tmp_path, capsys, misalignment_grid):
    import shlex

    lines = _readme_recipe()
    # the grid the fixture made is the one the recipe's loop makes
    evals = [line for line in lines if line.startswith("inspect eval ")]
    assert len(evals) == 1
    assert "--model hunterfake/agent" in evals[0] and f"-T grader_model={GRADER}" in evals[0]
    assert "-T scenario=$scenario -T urgency_type=$urgency" in evals[0]
    store = str(tmp_path / "am-runs")
    outputs = []
    for line in (line for line in lines if line.startswith("hunter ")):
        words = shlex.split(line)[1:]
        if "grid-logs/*.eval" in words:  # the shell's glob, in the order the loop wrote them
            at = words.index("grid-logs/*.eval")
            words[at : at + 1] = misalignment_grid
        words[words.index("--store") + 1] = store
        code, out, err = _cli(capsys, *words)
        assert code == 0, (line, err)
        outputs.append(out)
    imported, shown, hunted = outputs
    assert "failed runs: r1" in imported
    assert "grader_model='hunterfake/grader'" in shown
    assert "verdict: bug" in hunted
    assert "R1 scenario in {blackmail}; urgency_type in {replacement}" in hunted
