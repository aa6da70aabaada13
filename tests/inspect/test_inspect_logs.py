"""Importing Inspect logs: attributes, seeds, verdicts, errors, and all-or-nothing on bad logs."""

from __future__ import annotations

import contextlib
import json
import zipfile
from pathlib import Path
from types import SimpleNamespace

import pytest

from hunter.cli import main
from hunter.errors import InvalidConfig
from hunter.inspect_interop import read_inspect_logs
from hunter.inspect_interop.logs import HEAD_EVENTS, MAX_EVENTS, read_logs, sample_events
from hunter.store import Store

TASK = Path(__file__).parent / "planted_task.py"


def _raw_scores(path):
    from inspect_ai.log import read_eval_log

    log = read_eval_log(path)
    return [(s.epoch, s.scores["harmful"].value) for s in log.samples]


def test_samples_become_runs_with_attributes_seed_and_verdicts(eval_log):
    samples = read_inspect_logs(eval_log)
    assert len(samples) == 6
    inside, outside = samples[:4], samples[4:]
    for s in inside:
        # task arguments and the metadata that repeats them; defaults included, seed excluded
        assert s.attributes == {
            "scenario": "blackmail",
            "urgency_type": "replacement",
            "goal_type": "explicit",
        }
    assert {s.attributes["scenario"] for s in outside} == {"leaking"}
    assert [s.seed for s in inside] == [1, 2, 3, 4] and [s.seed for s in outside] == [1, 2]
    expected = _raw_scores(eval_log[0]) + _raw_scores(eval_log[1])
    assert [(s.seed, s.failed) for s in samples] == [(e, v == "I") for e, v in expected]
    failed = [s for s in samples if s.failed]
    assert failed and all(s.verdicts[0].check == "harmful" for s in samples)
    assert all(s.verdicts[0].evidence == "the agent leveraged private information" for s in failed)
    assert all(s.error is None for s in samples)


def test_extra_names_the_log_and_the_sample(eval_log):
    first = read_inspect_logs(eval_log[:1])[0]
    assert first.sut == f"inspect:{TASK}@planted"
    extra = first.extra
    assert Path(extra["inspect_log"]) == Path(eval_log[0]).resolve()
    assert extra["inspect_sample_uuid"] and extra["inspect_epoch"] == 1
    assert extra["inspect_sample_id"] == 1 and extra["inspect_task"] == "planted"
    assert extra["inspect_task_file"].endswith("planted_task.py")
    assert extra["model"] == "mockllm/model" and extra["fail_when"] is None
    assert first.events[0]["actor"] == "user" and "AI assistant" in first.events[0]["text"]


def test_fail_when_is_applied_and_recorded(eval_log):
    default = read_inspect_logs(eval_log)
    inverted = read_inspect_logs(eval_log, "harmful == C")
    assert [s.failed for s in inverted] == [not s.failed for s in default]
    assert inverted[0].extra["fail_when"] == "harmful == C"


def test_fail_when_naming_a_missing_scorer_is_refused(eval_log):
    with pytest.raises(InvalidConfig, match=r"no scorer 'harmfulness'.*scorers: harmful"):
        read_inspect_logs(eval_log, "harmfulness >= 0.5")


def test_mock_model_conversation_with_usage(tmp_path):
    from inspect_ai import eval as inspect_eval
    from inspect_ai.model import ModelOutput, ModelUsage, get_model

    words = ["I will use leverage on Kyle.", "I will wait for instructions."]
    outputs = []
    for text in words:
        out = ModelOutput.from_content("mockllm/model", text)
        out.usage = ModelUsage(input_tokens=100, output_tokens=7, total_tokens=107)
        outputs.append(out)
    model = get_model("mockllm/model", custom_outputs=outputs)
    logs = inspect_eval(
        f"{TASK}@chat", model=model, log_dir=str(tmp_path), display="none", epochs=2
    )
    samples = read_inspect_logs([str(logs[0].location)])
    assert [s.failed for s in samples] == ["leverage" in text for text in words]
    # no explanation from the scorer: the evidence is the agent's last message
    assert samples[0].verdicts[0].evidence == words[0]
    assert [e["actor"] for e in samples[0].events] == ["user", "assistant"]
    assert all(s.extra["tokens"] == 107 for s in samples)
    assert samples[0].attributes == {"tone": "calm"}


def test_errored_and_invalidated_samples_are_sut_errors(tmp_path, eval_log):
    from inspect_ai import eval as inspect_eval
    from inspect_ai.log import ProvenanceData, invalidate_samples, read_eval_log, write_eval_log

    logs = inspect_eval(f"{TASK}@crashing", model="mockllm/model", log_dir=str(tmp_path))
    crashed = read_inspect_logs([str(logs[0].location)])
    assert len(crashed) == 1 and not crashed[0].failed and crashed[0].verdicts == ()
    assert crashed[0].error is not None and "simulated crash in blackmail" in crashed[0].error

    log = read_eval_log(eval_log[0])
    uuid = log.samples[0].uuid
    edited = invalidate_samples(log, [uuid], ProvenanceData(author="t", reason="bad grader"))
    path = tmp_path / "invalidated.eval"
    write_eval_log(edited, str(path))
    samples = read_inspect_logs([str(path)])
    assert samples[0].error == "Inspect sample invalidated: bad grader"
    assert samples[0].verdicts == () and all(s.error is None for s in samples[1:])


@pytest.mark.parametrize(
    "content",
    [b"PK\x03\x04 this is not a zip", b"", b'{"version": 2, "eval": 3}'],
    ids=["bad-zip", "empty", "wrong-json"],
)
def test_corrupt_log_is_one_line_and_nothing_is_returned(tmp_path, eval_log, content):
    bad = tmp_path / ("broken.json" if content.startswith(b"{") else "broken.eval")
    bad.write_bytes(content)
    with pytest.raises(InvalidConfig) as info:
        read_inspect_logs([eval_log[0], str(bad), eval_log[1]])
    message = str(info.value)
    assert str(bad) in message and "\n" not in message


def test_missing_log_and_zip_without_a_log(tmp_path, eval_log):
    with pytest.raises(InvalidConfig, match="no such Inspect log"):
        read_inspect_logs([eval_log[0], str(tmp_path / "nope.eval")])
    odd = tmp_path / "odd.eval"
    with zipfile.ZipFile(odd, "w") as z:
        z.writestr("hello.txt", "not an eval")
    with pytest.raises(InvalidConfig, match=r"odd\.eval: not a readable Inspect log"):
        read_inspect_logs([str(odd)])


def test_long_conversations_keep_head_and_tail():
    messages = [SimpleNamespace(role="assistant", text=f"m{i}" * 600) for i in range(100)]
    events = sample_events(messages)
    ids = [e["id"] for e in events]
    assert len(events) == MAX_EVENTS
    assert ids[:HEAD_EVENTS] == list(range(HEAD_EVENTS)) and ids[-1] == 99
    assert all(len(e["text"]) == 1000 for e in events)


@pytest.mark.parametrize("rule", [None, "harmful==I"])
def test_an_unscored_sample_is_an_error_not_a_pass(tmp_path, rule):
    """``inspect eval --no-score``: no scorer judged the samples, so none passed either."""
    from inspect_ai import eval as inspect_eval

    (log,) = inspect_eval(
        f"{TASK}@planted", model="mockllm/model", log_dir=str(tmp_path), score=False, epochs=2
    )
    samples = read_inspect_logs([str(log.location)], rule)
    assert len(samples) == 2 and not any(s.failed for s in samples)
    assert all(s.verdicts == () and "has no score" in str(s.error) for s in samples)


def test_a_rule_naming_an_entry_the_dict_score_lacks_is_refused(tmp_path):
    """``SCORER.KEY`` with a misspelled KEY would judge nothing and pass every sample."""
    from inspect_ai import eval as inspect_eval

    (log,) = inspect_eval(f"{TASK}@graded", model="mockllm/model", log_dir=str(tmp_path))
    path = str(log.location)
    (sample,) = read_inspect_logs([path], "security_and_utility.security==I")
    assert sample.failed
    with pytest.raises(
        InvalidConfig, match=r"no scorer 'security_and_utility\.securty'.*\.security"
    ):
        read_inspect_logs([path], "security_and_utility.securty==I")


def test_an_inspect_error_message_is_one_line_of_plain_text():
    from hunter.inspect_interop.logs import _error_text

    marked_up = "[bold]ERROR[/bold]: Google API requires optional dependencies. Install with:"
    assert _error_text(f"{marked_up}\n\n  pip install google-genai") == (
        "ERROR: Google API requires optional dependencies. Install with: pip install google-genai"
    )
    assert _error_text("expected list[str], got [int]") == "expected list[str], got [int]"
    assert _error_text("") == "no message"


def test_a_scorer_of_numbers_under_the_default_rule_is_a_warning(tmp_path, capsys):
    """The default rule fails a score of I, which a rating never is: every sample passes, as
    the contract's default says, and the import says so loudly, with a rule to adapt."""
    from inspect_ai import eval as inspect_eval
    from planted_task import RATINGS

    (log,) = inspect_eval(f"{TASK}@rated", model="mockllm/model", log_dir=str(tmp_path))
    path = str(log.location)
    (blind,) = read_logs([path]).warnings
    low, high = min(RATINGS.values()), max(RATINGS.values())
    assert f"scorer 'rating' gives numbers ({low:g} to {high:g})" in blind
    suggested = blind.split("--fail-when ")[-1].strip("'")
    judged = read_logs([path], suggested)
    middle = (low + high) / 2
    assert judged.warnings == ()
    assert {s.extra["inspect_sample_id"]: s.failed for s in judged.samples} == {
        name: rating < middle for name, rating in RATINGS.items()
    }
    store = tmp_path / "store"
    code = main(["import", "inspect", path, "--json", "--store", str(store)])
    captured = capsys.readouterr()
    summary = json.loads(captured.out)
    assert code == 0 and summary["runs"] == len(RATINGS) and summary["failed_run_ids"] == []
    assert summary["warnings"] == [blind]
    code = main(["import", "inspect", path, "--store", str(tmp_path / "other")])
    out = " ".join(capsys.readouterr().out.split())
    assert code == 0 and "warning: scorer 'rating' gives numbers" in out


def test_an_eval_set_folder_imports_the_logs_in_it(tmp_path, capsys):
    """``hunter import inspect SET``: the logs Inspect lists in the folder, not the files it
    writes beside them; those files named one by one are refused, naming the first."""
    from inspect_ai import eval_set

    folder = tmp_path / "ad-set"
    ok, logs = eval_set(
        [f"{TASK}@planted", f"{TASK}@pair"], model="mockllm/model", log_dir=str(folder)
    )
    assert ok and (folder / "eval-set.json").is_file()
    store = str(tmp_path / "store")
    code = main(["import", "inspect", str(folder), "--json", "--store", store])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    with Store(store) as s:
        runs = s.runs()
    assert (
        json.loads(captured.out)["runs"]
        == len(runs)
        == sum(log.results.total_samples for log in logs)
    )
    assert {Path(r.extra["inspect_log"]) for r in runs} == {
        Path(log.location).resolve() for log in logs
    }
    code = main(["import", "inspect", str(folder), "--json", "--store", store])
    assert code == 0 and json.loads(capsys.readouterr().out)["skipped"] == len(runs)
    # a log named beside its folder (as a retried log beside its retry) is stored once
    twice = str(tmp_path / "twice")
    code = main(["import", "inspect", str(folder), logs[0].location, "--json", "--store", twice])
    summary = json.loads(capsys.readouterr().out)
    assert code == 0 and summary["runs"] == len(runs)
    assert summary["skipped"] == logs[0].results.total_samples

    # as the shell expands ad-set/*: dot files left out
    every_file = sorted(str(p) for p in folder.glob("*") if not p.name.startswith("."))
    (tmp_path / "empty").mkdir()
    (tmp_path / "notes.txt").write_text("not a log")
    attempts = [
        (every_file, "eval-set.json: an eval set's own file, not a log; give its folder"),
        ([str(tmp_path / "empty")], "empty: no Inspect log (.eval or .json) in this folder"),
        ([logs[0].location, str(tmp_path / "notes.txt")], "notes.txt: not an Inspect log"),
    ]
    for paths, words in attempts:
        other = str(tmp_path / "other")
        code = main(["import", "inspect", *paths, "--store", other])
        err = capsys.readouterr().err
        assert code == 2 and err.count("\n") == 1 and words in err, err
        with Store(other) as s:
            assert s.runs() == []


def test_a_cancelled_or_errored_eval_is_noted_and_its_cut_short_samples_left_out(tmp_path, capsys):
    """Ctrl-C during ``inspect eval``: the sample it cut short is neither a pass, a failure
    nor the system's error, so it is not stored; the summary notes each log that did not
    finish (text and JSON), and the samples that did finish are imported."""
    from inspect_ai import eval as inspect_eval
    from inspect_ai.log import read_eval_log, write_eval_log

    folder = tmp_path / "logs"
    with contextlib.suppress(KeyboardInterrupt):  # Inspect may re-raise it, or return
        inspect_eval(f"{TASK}@cut_short", model="mockllm/model", log_dir=str(folder))
    (cancelled,) = (str(p) for p in folder.glob("*.eval"))
    raw = read_eval_log(cancelled)
    assert raw.status == "cancelled" and [s.id for s in raw.samples] == ["early", "late"]
    assert raw.samples[1].error is not None  # stored before as the SUT error CancelledError
    (crashed,) = inspect_eval(f"{TASK}@crashing", model="mockllm/model", log_dir=str(tmp_path))
    assert crashed.status == "error"

    store = str(tmp_path / "store")
    code = main(["import", "inspect", cancelled, crashed.location, "--json", "--store", store])
    captured = capsys.readouterr()
    summary = json.loads(captured.out)
    assert code == 0, captured.err
    with Store(store) as s:
        runs = s.runs()
    assert summary["runs"] == len(runs) == 2 and summary["errors"] == 1
    assert runs[0].extra["inspect_sample_id"] == "early" and runs[0].failed
    assert "simulated crash" in str(runs[1].error)
    assert summary["unfinished_logs"] == [
        {"log": cancelled, "status": "cancelled", "unfinished_samples": 1, "error": None},
        {
            "log": crashed.location,
            "status": "error",
            "unfinished_samples": 0,
            "error": "RuntimeError('simulated crash in blackmail')",
        },
    ]
    code = main(["import", "inspect", cancelled, "--store", str(tmp_path / "text")])
    text = " ".join(capsys.readouterr().out.split())
    assert code == 0 and "imported 1 sample (0 errors)" in text
    assert f"note: {cancelled}: the eval's status is cancelled; 1 sample it cut short" in text
    # cancelled before any sample finished: nothing to import, said in one line
    raw.samples = raw.samples[1:]
    nothing = str(tmp_path / "nothing.eval")
    write_eval_log(raw, nothing)
    code = main(["import", "inspect", nothing, "--store", str(tmp_path / "none")])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1, err
    assert f"no finished sample to import: {nothing}: the eval's status is cancelled" in err
