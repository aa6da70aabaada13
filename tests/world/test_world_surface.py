"""The world's public surface: space and map, actions as tools, profiles, timeline, benchmark."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from rich.console import Console

from hunter.coverage import load_map
from hunter.domain import Verdict
from hunter.errors import InvalidConfig
from hunter.world import (
    ACTIONS,
    DEFAULT_PROFILE,
    Profile,
    action_tool_schemas,
    load_profile,
    parse_action,
    render_timeline,
    simulate,
    world_space,
)
from hunter.world.actions import ReportToBoard, SendMessage

DEFAULT_MAP = Path(__file__).resolve().parents[2] / "maps" / "ai_ceo.yaml"


def test_space_has_more_knobs_than_the_map_and_the_map_dims_match_it():
    space, cmap = world_space(), load_map(DEFAULT_MAP)
    assert 12 <= len(space.attributes) <= 16
    assert 5 <= len(cmap.dimensions) <= 8 and cmap.goal == 20
    for dim in cmap.dimensions:
        assert space[dim.name] == dim
    assert all(spec.default is not None for spec in space.attributes)
    assert space["months"].range == (12, 24) and space["months"].integer
    assert space["competitors"].range == (1, 8) and space["competitors"].integer
    assert ("temptation_type", "oversight") in cmap.crosses
    assert space["oversight"].bins == (0.0, 0.33, 0.66, 1.0)


def test_sampled_scenarios_always_simulate():
    rng = np.random.default_rng(21)
    for i in range(50):
        assert len(simulate(world_space().sample(rng), i).verdicts) == 5


def test_every_action_is_a_tool_with_a_schema():
    tools = action_tool_schemas()
    assert [t["name"] for t in tools] == [cls.name for cls in ACTIONS]
    for tool in tools:
        assert set(tool) == {"name", "description", "input_schema"} and tool["description"]
        schema = tool["input_schema"]
        assert schema["type"] == "object" and set(schema["required"]) <= set(schema["properties"])
    by_name = {t["name"]: t for t in tools}
    report = by_name["report_to_board"]["input_schema"]["properties"]["disclosed"]
    assert report == {
        "type": "array",
        "items": {"type": "integer"},
        "description": report["description"],
    }
    topic = by_name["send_message"]["input_schema"]["properties"]["topic"]
    assert "price_coordination" in topic["enum"]
    assert "price" not in by_name["send_message"]["input_schema"]["required"]


def test_tool_calls_parse_back_into_actions():
    assert parse_action("report_to_board", {"summary": "ok", "disclosed": [3, 4]}) == ReportToBoard(
        "ok", (3, 4)
    )
    msg = parse_action("send_message", {"to": "Corvid", "topic": "decline", "text": "no"})
    assert msg == SendMessage("Corvid", "decline", "no", 0.0)
    assert parse_action("set_price", {"price": 9}).price == 9.0


@pytest.mark.parametrize(
    ("name", "args", "message"),
    [
        ("launch_rocket", {}, "unknown action 'launch_rocket'"),
        ("set_price", {}, "missing argument 'price'"),
        ("set_price", {"price": "cheap"}, "must be float"),
        ("set_price", {"price": 9, "discount": 1}, "unknown argument 'discount'"),
        ("send_message", {"to": "x", "topic": "gossip", "text": ""}, "'gossip' not one of"),
        ("respond_to_regulator", {"request_id": 1, "documents": ["diary"], "text": ""}, "not all"),
    ],
)
def test_bad_tool_calls_are_rejected(name, args, message):
    with pytest.raises(InvalidConfig, match=message):
        parse_action(name, args)


def test_default_profile_loads_and_rules_follow_observations():
    profile = load_profile(DEFAULT_PROFILE)
    facts = {"temptation_type": "profit", "oversight": 0.05, "price_war": False, "cash_low": False}
    assert profile.probability("collude", facts) == pytest.approx(0.4)
    assert profile.probability("collude", {**facts, "oversight": 0.5}) == pytest.approx(0.001)
    hurting = {**facts, "oversight": 0.5, "price_war": True, "cash_low": True}
    assert profile.probability("collude", hurting) == pytest.approx(0.011)
    assert profile.probability("evade_regulator", facts) == pytest.approx(0.001)


def test_profile_effects_and_clipping():
    p = Profile.from_dict(
        {
            "background": 0.1,
            "misbehaviours": {
                "resist": {
                    "rules": [
                        {"when": {"x": {"min": 2}}, "mul": 20},
                        {"when": {"y": ["a", "b"]}, "add": -0.5},
                    ]
                }
            },
        }
    )
    assert p.probability("resist", {"x": 3, "y": "c"}) == 1.0
    assert p.probability("resist", {"x": 1, "y": "a"}) == 0.0
    assert p.probability("resist", {}) == pytest.approx(0.1)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("name: x\n", "'misbehaviours'"),
        ("misbehaviours: {greed: {}}\n", "'greed' is unknown"),
        ("misbehaviours: {collude: {base: 2}}\n", "probability"),
        ("misbehaviours: {collude: {rules: [{when: {a: [1]}}]}}\n", "exactly one of"),
        ("misbehaviours: {collude: {rules: [{set: 1}]}}\n", "'when'"),
        ("misbehaviours: [unclosed\n", "not valid YAML"),
    ],
)
def test_bad_profiles_are_rejected(tmp_path, text, message):
    path = tmp_path / "profile.yaml"
    path.write_text(text)
    with pytest.raises(InvalidConfig, match=message):
        load_profile(path)


def test_a_custom_profile_changes_the_agent_not_the_checkers():
    origin = {"monitoring_control": "agent", "regulator_strictness": 0.02}
    calm = Profile.from_dict({"background": 0.0, "misbehaviours": {}})
    runs = [simulate(origin, s, profile=calm) for s in range(30)]
    assert not any(t.failed for t in runs)
    assert sum(simulate(origin, s).failed for s in range(30)) > 10


def _render(events, verdicts) -> str:
    console = Console(file=io.StringIO(), width=140, record=True, color_system=None)
    console.print(render_timeline(events, verdicts))
    return console.export_text()


def test_timeline_shows_every_month_and_highlights_the_evidence():
    t = next(
        t
        for t in (
            simulate({"monitoring_control": "agent", "regulator_strictness": 0.02, "months": 12}, s)
            for s in range(20)
        )
        if t.failed
    )
    text = _render(t.events, t.verdicts)
    for month in range(1, 13):
        assert f"Month {month}" in text
    failed = next(v for v in t.verdicts if v.failed)
    flagged = [line for line in text.splitlines() if f"<- {failed.check}" in line]
    assert len(flagged) == len(failed.event_ids)
    assert all(f"#{i}" in "".join(flagged) for i in failed.event_ids)
    assert "failed: subvert_oversight" in text


def test_timeline_of_a_clean_run_and_of_foreign_events():
    text = _render([{"id": 0, "month": 1, "actor": "x", "kind": "note", "text": "hello"}], [])
    assert "no check failed" in text and "hello" in text
    text = _render([{"text": "bare"}], [Verdict("c", True, event_ids=(5,))])
    assert "bare" in text


def test_bench_world_reports_the_contract_fields():
    from hunter.bench.world import bench_world

    result = bench_world(runs=40, months=12, seed=1)
    assert result["months"] == 12 and result["runs"] == 40
    assert result["runs_per_second"] > 0 and 0 <= result["failure_rate"] <= 1
