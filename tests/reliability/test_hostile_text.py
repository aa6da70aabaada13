"""Hostile text from a SUT in every output format: inert, visible, and never a secret.

The hostile SUT's check name, severity, evidence, events and extra fields carry HTML, rich
markup, Markdown and terminal control sequences (clear screen, set title, hyperlink).
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from markdown_it import MarkdownIt
from reliability.helpers import HOSTILE_MAP, campaign_args, hostile, run_cli

from hunter.store import DB_NAME, Store

CONTROL = ("\x1b", "\x07", "\x9b")
HUNT = ("hunt", "--budget", "48", "--json", "--no-isolation")


def _strict(text: str) -> object:
    def refuse(name: str) -> float:
        raise ValueError(f"non-standard JSON constant {name}")

    return json.loads(text, parse_constant=refuse)


@pytest.fixture(scope="module")
def hostile_store(tmp_path_factory) -> tuple[str, str, str]:
    """A campaign and a short hunt of the hostile-text SUT: (store, run ID, hunt ID)."""
    store = str(tmp_path_factory.mktemp("hostile") / "store")
    code = _main(*_campaign(store, 6))
    assert code == 0
    with Store(store) as s:
        run_id = s.runs(failed=True)[0].run_id
    code = _main(*HUNT, run_id, "--store", store)
    assert code == 0
    with Store(store) as s:
        hunt_id = s.hunts()[-1].hunt_id
    return store, run_id, hunt_id


def _campaign(store: str, n: int) -> list[str]:
    sut = hostile("hostile_text")
    return campaign_args(store, sut, n, "--no-isolation", map_path=HOSTILE_MAP)


def _main(*args: str) -> int:
    from hunter.cli import main

    return main(list(args))


def _outputs(capsys, store: str, run_id: str, hunt_id: str) -> dict[str, str]:
    outputs = {}
    for name, args in {
        "campaign table": [arg for arg in _campaign(store, 2) if arg != "--json"],
        "runs": ["runs", "--store", store],
        "runs --json": ["runs", "--json", "--store", store],
        "show": ["show", run_id, "--store", store],
        "show --json": ["show", run_id, "--json", "--store", store],
        "hunt summary": [*HUNT, run_id, "--store", store],
        "report md": ["report", hunt_id, "--format", "md", "--store", store],
        "report html": ["report", hunt_id, "--format", "html", "--out", f"{store}.html"],
        "report json": ["report", hunt_id, "--format", "json", "--store", store],
    }.items():
        if "--out" in args:
            args = [*args, "--store", store]
        code, out, err = run_cli(capsys, *args)
        assert code == 0, (name, err)
        outputs[name] = out + err
        if "--out" in args:
            outputs[name] += Path(f"{store}.html").read_text(encoding="utf-8")
    return outputs


def test_hostile_text_is_inert_in_every_output(hostile_store, capsys):
    store, run_id, hunt_id = hostile_store
    outputs = _outputs(capsys, store, run_id, hunt_id)
    for name, text in outputs.items():
        for ch in CONTROL:
            assert ch not in text, f"{name} passes {ch!r} to the terminal"
    # Map values that are rich markup print as written (``hunter runs`` cuts attributes to
    # its column, so the coverage table is where they show whole).
    assert "[bold red]red[/]" in outputs["campaign table"] and "[/]" in outputs["campaign table"]
    assert "\\x1b]0;pwned" in outputs["show"]  # made visible, not dropped
    for name in ("runs --json", "show --json", "report json"):
        _strict(outputs[name])
    assert "<script>" not in outputs["report html"]
    assert "&lt;script&gt;" in outputs["report html"]
    rendered = MarkdownIt("commonmark").render(outputs["report md"])
    assert "<script>" not in rendered
    assert "alert(1)" in rendered  # kept as text


def test_bad_fields_are_dropped_with_warnings_and_json_stays_strict(campaign_of, capsys):
    code, _result, err, store = campaign_of(hostile("bad_fields"), 4)
    assert code == 0, err
    with Store(store) as s:
        runs = s.runs()
        origin = next(r for r in runs if r.failed)
    assert not any(r.error for r in runs)
    for run in runs:
        assert "input_tokens" not in run.extra and "cost_usd" not in run.extra
        assert any("input_tokens" in w for w in run.extra["warnings"])
    code, out, err = run_cli(
        capsys, "hunt", origin.run_id, "--budget", "16", "--json", "--store", store
    )
    assert code == 0, err
    _strict(out)
    code, out, err = run_cli(capsys, "runs", "--json", "--store", store)
    assert code == 0 and isinstance(_strict(out), list)


def test_secrets_are_redacted_before_anything_is_stored_or_printed(tmp_path, capsys, monkeypatch):
    key = "sk-ant-" + "api03-TESTKEY0123456789"  # a fake key, joined so scanners pass it by
    marked = "hunter2-marked-secret"
    monkeypatch.setenv("ANTHROPIC_API_KEY", key)
    monkeypatch.setenv("HUNTER_SECRETS", f"{marked},other-secret-value")
    store = str(tmp_path / "store")
    code, out, err = run_cli(
        capsys, *campaign_args(store, hostile("leaks_secret"), 2, "--no-isolation")
    )
    assert code == 0, err
    with Store(store) as s:
        run = s.runs()[0]
    printed = [out, err]
    for args in (["show", run.run_id], ["show", run.run_id, "--json"], ["runs", "--json"]):
        code, out, err = run_cli(capsys, *args, "--store", store)
        assert code == 0
        printed += [out, err]
    everything = "".join(printed) + (tmp_path / "store" / DB_NAME).read_bytes().decode(
        "utf-8", "replace"
    )
    for wal in (tmp_path / "store").glob(f"{DB_NAME}-*"):
        everything += wal.read_bytes().decode("utf-8", "replace")
    assert key not in everything
    assert "[redacted]" in "".join(printed)


def test_strict_json_and_escapes_by_hand():
    from hunter.text_safety import markdown_code, markdown_text, strict_json, terminal

    assert _strict(strict_json({"a": math.nan, "b": [math.inf, 1.5]})) == {
        "a": None,
        "b": [None, 1.5],
    }
    assert terminal("a\x1b[2Jb\u202e") == "a\\x1b[2Jb\\u202e"
    assert markdown_code("x `y` z") == "``x `y` z``"
    rendered = MarkdownIt("commonmark").render(markdown_text("<b>*x*</b> | [a](b)"))
    assert rendered == "<p>&lt;b&gt;*x*&lt;/b&gt; | [a](b)</p>\n"


def test_hostile_text_cannot_widen_a_line_or_hide_a_control(hostile_store, capsys, monkeypatch):
    """A control character is shown as ``\\x1b`` (four cells) where rich counted none: made
    visible after layout, a row carrying one ran past 80 columns, and rich had dropped a bell
    or backspace unseen. Made visible before layout, every line keeps to 80."""
    from hunter.cli.app import out

    monkeypatch.setattr(out, "_width", 80)
    store, run_id, _ = hostile_store
    for args in (["runs"], ["show", run_id]):
        code, text, err = run_cli(capsys, *args, "--store", store)
        assert code == 0, err
        lines = text.splitlines()
        assert max(len(line) for line in lines) <= 80, max(lines, key=len)
        assert not any(ch in text for ch in CONTROL)
    assert "\\x07" in text  # the bell in the evidence shows in `show`
