"""Task inputs kept apart: a dataset shaped by an argument, an optional parameter, ``-T``."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest

from hunter.errors import InvalidConfig, SutError
from hunter.inspect_interop import space_from_task
from hunter.inspect_interop.space import check_override_types
from hunter.inspect_interop.task_args import parse_task_overrides, split_task_args
from hunter.sut import SutOptions, make_sut

TASK = Path(__file__).parent / "planted_task.py"


def _eval(folder, task, task_args, epochs=1, **options):
    from inspect_ai import eval as inspect_eval

    logs = inspect_eval(
        f"{TASK}@{task}",
        model="mockllm/model",
        display="none",
        log_dir=str(folder),
        task_args=task_args,
        epochs=epochs,
        **options,
    )
    return [str(log.location) for log in logs]


def _cli(capsys, *args):
    from hunter.cli import main

    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_minus_t_is_parsed_as_inspect_eval_parses_it():
    parsed = parse_task_overrides(["grader_model=hunterfake/grader", "n=3", "names=a,b", "x=null"])
    assert parsed == {"grader_model": "hunterfake/grader", "n": 3, "names": ["a", "b"], "x": None}
    with pytest.raises(InvalidConfig, match="NAME=VALUE"):
        parse_task_overrides(["grader_model"])


OVERRIDES = [
    "grader_model=hunterfake/grader",
    "n=3",
    "rate=0.5",
    "names=a,b",
    "x=null",
    "flag=true",
    "max-tokens=10",
    "url=http://h/a=b",
    "items=[1, 2]",
]


def test_overrides_parse_the_same_when_inspects_private_parser_moves(monkeypatch):
    """The parser is private to Inspect; without it hunter applies the same rules itself."""
    expected = parse_task_overrides(OVERRIDES)
    monkeypatch.setitem(sys.modules, "inspect_ai._util.config", None)  # import now fails
    assert parse_task_overrides(OVERRIDES) == expected
    assert expected["max_tokens"] == 10 and expected["url"] == "http://h/a=b"


def test_split_keeps_defaults_as_attributes_and_passed_ones_as_fixed():
    task_args = {"scenario": "leaking", "extra": None, "grader": "g", "prod": False, "seed": 4}
    passed = {"scenario": "leaking", "grader": "g", "seed": 4}
    attributes, fixed = split_task_args(task_args, passed, ["scenario", "extra", "prod"])
    assert attributes == {"scenario": "leaking", "extra": "None", "prod": False}
    assert fixed == {"grader": "g"}  # the seed is each run's own, defaults stay defaults


def test_a_dataset_shaped_by_an_argument_is_hunted_on_the_origins_sample(tmp_path, capsys):
    scenarios = ["blackmail", "leaking", "murder"]
    logs = _eval(
        tmp_path / "logs", "shaped", {"scenarios": scenarios, "urgency_type": "replacement"}, 4
    )
    store = str(tmp_path / "store")
    code, out, err = _cli(capsys, "import", "inspect", *logs, "--json", "--store", store)
    imported = json.loads(out)
    assert code == 0 and imported["runs"] == 12, err
    origin = imported["failed_run_ids"][0]
    code, out, _ = _cli(capsys, "show", origin, "--json", "--store", store)
    shown = json.loads(out)
    # the grid's sample comes from metadata, which is shown and never becomes an attribute
    assert shown["attributes"] == {"urgency_type": "replacement"}
    assert shown["inspect_task_args"] == {"scenarios": scenarios}
    assert shown["inspect_metadata"]["scenario"] == "blackmail"
    # the dataset has three samples: each scenario re-runs the origin's only
    code, out, err = _cli(capsys, "hunt", origin, "--budget", "16", "--json", "--store", store)
    result = json.loads(out)
    assert code == 0 and result["errors"] == 0, err
    from hunter.store import Store

    with Store(store) as s:
        runs = s.runs(hunt_id=result["hunt_id"])
    assert {r.extra["inspect_sample_id"] for r in runs} == {shown["inspect_sample_id"]}
    # -T still fixes the argument that shapes the dataset
    code, out, err = _cli(
        capsys, "hunt", origin, "--budget", "16", "-T", "scenarios=blackmail", "--json",
        "--store", store,
    )  # fmt: skip
    result = json.loads(out)
    assert code == 0 and result["errors"] == 0, err
    with Store(store) as s:
        runs = s.runs(hunt_id=result["hunt_id"])
        assert s.hunt(result["hunt_id"]).setup.options.extra["task_args"] == {
            "scenarios": "blackmail"
        }
    from inspect_ai.log import read_eval_log

    log = read_eval_log(runs[0].extra["inspect_log"], header_only=True)
    assert log.eval.task_args["scenarios"] == "blackmail"


def _suite_origin(tmp_path, capsys):
    """The store of an eval of every sample of the suite, urgent, and its failed run (b's)."""
    logs = _eval(tmp_path / "logs", "suite", {"tone": "urgent"})
    store = str(tmp_path / "store")
    code, out, err = _cli(capsys, "import", "inspect", *logs, "--json", "--store", store)
    imported = json.loads(out)
    assert code == 0 and imported["runs"] == 4 and len(imported["failed_run_ids"]) == 1, err
    return store, imported["failed_run_ids"][0]


def test_a_hunt_of_one_sample_of_many_re_runs_that_sample_only(tmp_path, capsys):
    """A benchmark's dataset has many samples: every scenario evaluates the origin's alone
    (not the whole dataset, which used to make every scenario a SUT error)."""
    store, origin = _suite_origin(tmp_path, capsys)
    code, out, err = _cli(capsys, "hunt", origin, "--budget", "16", "--json", "--store", store)
    result = json.loads(out)
    assert code == 0 and result["errors"] == 0, err
    from inspect_ai.log import read_eval_log

    from hunter.store import Store

    with Store(store) as s:
        runs = s.runs(hunt_id=result["hunt_id"])
        assert s.hunt(result["hunt_id"]).setup.options.extra["sample_id"] == "b"
    assert len(runs) == 16 and {r.extra["inspect_sample_id"] for r in runs} == {"b"}
    assert {r.failed for r in runs if r.attributes()["tone"] == "urgent"} == {True}
    log = read_eval_log(runs[0].extra["inspect_log"], header_only=True)
    assert log.eval.dataset.sample_ids == ["b"]


def test_the_sample_is_pinned_only_when_the_dataset_had_several(tmp_path, capsys):
    """A hunt's fingerprint hashes its setup: hunts of one-sample tasks made before samples
    were pinned keep their setup, so they are still found again."""
    from dataclasses import replace

    from hunter.flow.setup import resolve_setup
    from hunter.store import Store

    store, origin = _suite_origin(tmp_path, capsys)
    with Store(store) as s:
        run = s.run(origin)
        assert resolve_setup(s, run).options.extra["sample_id"] == "b"
        one = replace(run, extra={**run.extra, "inspect_dataset_samples": 1})
        assert "sample_id" not in resolve_setup(s, one).options.extra
        # runs imported before the size was recorded: their log's header says it
        older = {k: v for k, v in run.extra.items() if k != "inspect_dataset_samples"}
        assert resolve_setup(s, replace(run, extra=older)).options.extra["sample_id"] == "b"


def test_a_scenario_that_leaves_out_the_origins_sample_is_a_sut_error(tmp_path):
    sut = make_sut(
        f"inspect:{TASK}@suite",
        SutOptions(
            model="mockllm/model",
            extra={"log_dir": str(tmp_path / "reruns"), "sample_id": "b"},
        ),
    )
    kept = sut.run({"difficulty": "easy", "tone": "urgent"}, 0)  # a and b: b kept
    assert kept.failed and kept.extra["inspect_sample_id"] == "b"
    with pytest.raises(SutError, match=r"leave out the origin's sample 'b' \(.*: c, d\)"):
        sut.run({"difficulty": "hard", "tone": "urgent"}, 0)


def test_minus_t_holds_a_varied_attribute_at_the_origins_value_only(tmp_path, capsys):
    store, origin = _suite_origin(tmp_path, capsys)
    code, _, err = _cli(capsys, "hunt", origin, "-T", "tone=calm", "--store", store)
    assert code == 2 and err.count("\n") == 1
    assert "only at the origin's value: -T tone=urgent" in err
    code, out, err = _cli(
        capsys, "hunt", origin, "--budget", "8", "-T", "tone=urgent", "--json", "--store", store
    )
    result = json.loads(out)
    assert code == 0 and result["errors"] == 0, err
    from hunter.store import Store

    with Store(store) as s:
        assert s.hunt(result["hunt_id"]).setup.space["tone"].values == ("urgent",)
        runs = s.runs(hunt_id=result["hunt_id"])
    assert {r.attributes()["tone"] for r in runs} == {"urgent"}


def test_an_optional_parameter_has_none_as_a_value(tmp_path, capsys):
    space = space_from_task(f"{TASK}@optional")
    assert space is not None
    assert space["extra_system_instructions"].values == ("dont", "goal", "None")
    assert space["extra_system_instructions"].default == "None"
    logs = _eval(tmp_path / "logs", "optional", {"scenario": "blackmail"})
    store = str(tmp_path / "store")
    code, out, err = _cli(capsys, "import", "inspect", *logs, "--json", "--store", store)
    imported = json.loads(out)
    assert code == 0 and imported["failed_run_ids"], err
    code, out, _ = _cli(capsys, "show", imported["failed_run_ids"][0], "--json", "--store", store)
    assert json.loads(out)["attributes"] == {
        "scenario": "blackmail",
        "extra_system_instructions": "None",
    }
    sut = make_sut(
        f"inspect:{TASK}@optional",
        SutOptions(model="mockllm/model", extra={"log_dir": str(tmp_path / "reruns")}),
    )
    unset = sut.run({"scenario": "blackmail", "extra_system_instructions": "None"}, 0)
    guarded = sut.run({"scenario": "blackmail", "extra_system_instructions": "dont"}, 0)
    assert unset.failed and not guarded.failed
    from inspect_ai.log import read_eval_log

    log = read_eval_log(unset.extra["inspect_log"], header_only=True)
    assert log.eval.task_args["extra_system_instructions"] is None  # None, not "None"


def test_a_minus_t_value_its_annotation_rules_out_is_refused_before_any_run():
    """Judged on inspect_evals' own make_me_pay: text for an ``int`` or a ``bool``, or a value
    a ``Literal`` does not list, is refused; numbers for a ``str`` and a model for a class
    pass, as ``inspect eval -T`` would pass them."""
    make_me_pay = pytest.importorskip("inspect_evals.make_me_pay").make_me_pay
    name = "inspect_evals/make_me_pay"
    check_override_types({"num_experiments": 3, "allow_withdraw": True}, make_me_pay, name)
    refused = {
        "num_experiments": ("abc", "num_experiments: int"),
        "allow_withdraw": ("maybe", "allow_withdraw: bool"),
        "prompt_version": ("stingy", "prompt_version: Literal['balanced', 'guarded', 'generous']"),
    }
    for param, (value, words) in refused.items():
        with pytest.raises(InvalidConfig, match=re.escape(f"-T {param}={value!r}: task {name!r}")):
            check_override_types({param: value}, make_me_pay, name)
        with pytest.raises(InvalidConfig, match=re.escape(f"declares {words}")):
            check_override_types({param: value}, make_me_pay, name)
    from inspect_evals.agentic_misalignment import agentic_misalignment

    # grader_model: str | Model | None takes a model name, and 2024 may be one for all hunter knows
    check_override_types({"grader_model": 2024}, agentic_misalignment, "am")
    check_override_types({"grader_model": "hunterfake/grader"}, agentic_misalignment, "am")


def test_a_re_run_is_the_origins_eval_its_sample_order_limits_and_generation_settings(
    tmp_path, capsys
):
    """An eval run with --sample-shuffle numbers its id-less samples after shuffling, and its
    --message-limit and --temperature shape what the agent does: re-runs used to take sample
    1 of the unshuffled dataset (another sample) and drop the rest, silently."""
    from inspect_ai.log import read_eval_log

    from hunter.store import Store

    options = {"sample_shuffle": 7, "message_limit": 7, "temperature": 0.0, "max_tokens": 50}
    logs = _eval(tmp_path / "logs", "unnumbered", {"tone": "urgent"}, **options)
    store = str(tmp_path / "store")
    code, out, err = _cli(capsys, "import", "inspect", *logs, "--json", "--store", store)
    (origin,) = json.loads(out)["failed_run_ids"]
    with Store(store) as s:
        wanted = s.run(origin).extra["inspect_sample_id"]
    assert wanted != 4  # shuffled: the failing fourth question is not at position 4
    code, out, err = _cli(capsys, "hunt", origin, "--budget", "8", "--json", "--store", store)
    result = json.loads(out)
    assert code == 0 and result["errors"] == 0, err
    with Store(store) as s:
        runs = s.runs(hunt_id=result["hunt_id"])
    replays = [r for r in runs if r.strategy == "replay"]
    assert replays and all(r.failed for r in replays)
    log = read_eval_log(runs[0].extra["inspect_log"])
    (sample,) = log.samples
    assert sample.input == "question 4"
    assert log.eval.config.message_limit == 7
    generate = log.eval.model_generate_config
    assert (generate.temperature, generate.max_tokens) == (0.0, 50)


def test_an_unseeded_shuffle_of_id_less_samples_is_refused_not_guessed(tmp_path, capsys):
    logs = _eval(tmp_path / "logs", "unnumbered", {"tone": "urgent"}, sample_shuffle=True)
    store = str(tmp_path / "store")
    code, out, err = _cli(capsys, "import", "inspect", *logs, "--json", "--store", store)
    (origin,) = json.loads(out)["failed_run_ids"]
    code, out, err = _cli(capsys, "hunt", origin, "--budget", "8", "--store", store)
    assert code != 0 and "shuffled its samples without a seed" in err


def test_a_word_that_minus_t_read_as_yaml_says_how_to_quote_it(tmp_path, capsys):
    """``inspect eval -T with_sandbox_tasks=no`` gives the task False, which its words do not
    hold: the import is refused, saying what Inspect read and how to pass the word."""
    given = parse_task_overrides(["with_sandbox_tasks=no"])
    assert given == {"with_sandbox_tasks": False}  # as inspect eval reads it
    misread = _eval(tmp_path / "logs", "sandboxed", given)
    quoted = parse_task_overrides(['with_sandbox_tasks="no"'])
    assert quoted == {"with_sandbox_tasks": "no"}
    fine = _eval(tmp_path / "logs", "sandboxed", quoted)
    store = str(tmp_path / "store")
    code, out, err = _cli(capsys, "import", "inspect", *misread, "--store", store)
    assert code == 2 and err.count("\n") == 1, err
    assert "with_sandbox_tasks=False is not a legal value" in err
    assert "(Inspect read -T with_sandbox_tasks=no as False: quote it," in err
    assert "-T 'with_sandbox_tasks=\"no\"', or give --space)" in err
    code, out, err = _cli(capsys, "import", "inspect", *fine, "--json", "--store", store)
    assert code == 0 and json.loads(out)["failed_run_ids"] == ["r1"], err
    # a hunt's -T of that attribute is told the same, and offered the quoted word
    code, out, err = _cli(capsys, "hunt", "r1", "-T", "with_sandbox_tasks=no", "--store", store)
    assert code == 2 and "only at the origin's value: -T 'with_sandbox_tasks=\"no\"'" in err, err
    assert "Inspect read -T with_sandbox_tasks=no as False" in err


def test_a_scorer_of_numbers_needs_a_rule_on_the_command_line_too(tmp_path, capsys):
    """Without --fail-when a rating never fails (the default rule fails a score of I): each
    run passes, as the contract's default says, and carries a warning saying why; with a
    rule, the rating is judged."""
    store = str(tmp_path / "store")
    base = ("run", "--sut", f"inspect:{TASK}@one_rating", "--model", "mockllm/model")
    code, out, err = _cli(capsys, *base, "--attributes", "tone=urgent", "--json", "--store", store)
    run = json.loads(out)
    assert code == 0 and not run["failed"] and run["error"] is None, err
    (warning,) = [w for w in run["warnings"] if "gives numbers" in w]
    assert "--fail-when" in warning
    rule = ("--fail-when", "rating<4")
    code, out, err = _cli(
        capsys, *base, *rule, "--attributes", "tone=urgent", "--json", "--store", store
    )
    assert code == 0 and json.loads(out)["failed"] and json.loads(out)["error"] is None, err
    code, out, err = _cli(
        capsys, *base, *rule, "--attributes", "tone=calm", "--json", "--store", store
    )
    assert code == 0 and not json.loads(out)["failed"], err
