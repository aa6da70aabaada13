"""Reports render what the analysis found, and hostile trajectory text stays inert."""

from __future__ import annotations

from dataclasses import replace

from hunter.analysis.explain import boundary_pairs, minimal_failing_scenario, value_table
from hunter.analysis.report import ReportInput, render
from hunter.analysis.stats import rate
from hunter.coverage import Space
from hunter.domain import AttributeSpec, Run, Scenario, Verdict
from hunter.records import HuntResult, StopReason
from hunter.regions import Constraint, HuntAnalysis, MapProposal, Region

HOSTILE = "<script>alert(1)</script><img src=x onerror=alert(2)> sk-ant-api03-XYZW"

SPACE = Space(
    (
        AttributeSpec("t", values=("profit", "other"), default="other"),
        AttributeSpec("x", range=(0.0, 1.0), default=1.0),
    )
)


def _run(i: int, t: str, x: float, failed: bool, strategy: str = "neighbourhood") -> Run:
    verdicts = (Verdict("collusion", failed, "high", HOSTILE if failed else "", (0,)),)
    events = ({"id": 0, "month": 1, "actor": "agent", "text": HOSTILE},)
    return Run(
        f"r{i}",
        Scenario.of({"t": t, "x": x}, i),
        "test",
        failed,
        None,
        verdicts,
        events,
        strategy=strategy,
    )


RUNS = (
    _run(2, "profit", 0.1, True, "replay"),
    _run(3, "profit", 0.1, True, "replay"),
    _run(4, "profit", 0.2, True),
    _run(5, "profit", 0.8, False),
    _run(6, "other", 0.2, False),
    _run(7, "profit", 0.3, True),
)
REGION = Region(
    "R1",
    (Constraint("t", values=("profit",)), Constraint("x", max=0.5)),
    rate(3, 3),
    rate(0, 2),
    "implementation",
    {"t": "profit"},
    MapProposal("reweight_bucket", {"bucket": {"t": "profit"}, "weight": 3.0}, "p1"),
    checks=("collusion",),
    relax_drop={"t": 0.5, "x": 0.4},
    contains_origin=True,
)
ANALYSIS = HuntAnalysis("bug", rate(2, 2), rate(1, 50), (REGION,))


def _input() -> ReportInput:
    result = HuntResult("h1", "r1", 0, len(RUNS), 0, len(RUNS), StopReason.BUDGET, ANALYSIS)
    return ReportInput(
        result, "test", _run(1, "profit", 0.1, True, "origin"), RUNS, SPACE, None, {}
    )


def test_value_table_by_hand():
    rows = value_table(RUNS, "t", SPACE, ["collusion"])
    profit = next(r for r in rows if r.value == "profit")
    assert (profit.rate.failures, profit.rate.runs) == (4, 5)
    assert profit.rate.ci95 == rate(4, 5).ci95


def test_minimal_scenario_and_boundary_pairs():
    minimal = minimal_failing_scenario(RUNS, REGION, SPACE, {"t": "profit", "x": 0.1})
    assert minimal is not None
    # x's default 1.0 is outside the region, t's default 'other' too: nothing can shrink
    assert minimal.attributes["t"] == "profit" and minimal.attributes["x"] <= 0.5
    pairs = boundary_pairs(RUNS, REGION)
    assert {p.attribute for p in pairs} <= {"t", "x"}
    assert all(not REGION.contains(p.passing.attributes()) for p in pairs)


def test_html_renders_hostile_text_inert():
    html = render(_input(), "html")
    assert "<script>alert(1)</script>" not in html
    assert "<img src=x" not in html
    assert "&lt;script&gt;" in html
    assert "sk-ant-api03" not in html
    assert "data:image/png;base64," in html  # plots inline: self-contained


def test_a_decided_proposal_is_never_offered_for_acceptance():
    decided = replace(_input(), proposal_states={"p1": "accepted into ai_ceo.v2.yaml"})
    for fmt in ("md", "html"):
        text = render(decided, fmt)
        assert "accepted into ai_ceo.v2.yaml" in text
        assert "hunter proposals accept p1" not in text


def test_markdown_and_json_carry_the_region():
    md = render(_input(), "md")
    assert "R1" in md and "hunter proposals accept p1" in md
    # The proposal in words, with the region's own figures, and its review state.
    assert "weight bucket t=profit x3; fails" in md and "(pending)" in md
    assert "sk-ant-api03" not in md
    # Evidence is kept as written, inert: a CommonMark renderer shows it, never runs it.
    from markdown_it import MarkdownIt

    rendered = MarkdownIt("commonmark").render(md)
    assert "<script>" not in rendered and "&lt;script&gt;alert(1)" in rendered
    js = render(_input(), "json")
    assert '"hunt_id": "h1"' in js and "minimal_failing_scenario" in js
